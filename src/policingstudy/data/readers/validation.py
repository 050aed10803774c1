"""Reference data for reproducing published results (difference-in-differences, COINr).

These are not evidence about policing: they let tests compare the package's methods with
published numbers (Callaway and Sant'Anna 2021; Becker et al. 2022).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from policingstudy.data.readers._common import need_file
from policingstudy.data.schemas import validate

MPDTA_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(2003, 2007)),
        "countyreal": pa.Column(int),
        "lpop": pa.Column(float),
        "lemp": pa.Column(float),
        "first_treat": pa.Column(int, pa.Check.isin([0, 2004, 2006, 2007])),
        "treat": pa.Column(int, pa.Check.isin([0, 1])),
    },
    strict=True,
    unique=["countyreal", "year"],
)


def read_mpdta(folder: Path) -> pd.DataFrame:
    """Read the Callaway and Sant'Anna minimum wage panel (``mpdta`` of the R package did).

    Parameters
    ----------
    folder
        Folder of source ``mpdta`` (the CSV is read; the .rda copy is not needed).

    Returns
    -------
    pandas.DataFrame
        2,500 rows (500 counties x 2003-2007): ``year``, ``countyreal`` (county id), ``lpop``
        (log population, time-invariant), ``lemp`` (log teen employment), ``first_treat``
        (``first.treat`` in the file: year of the first minimum wage rise, 0 = never in the
        window), ``treat``.
    """
    path = need_file(folder, "mpdta.csv")
    frame = pd.read_csv(path).rename(columns={"first.treat": "first_treat"})
    return validate(frame, MPDTA_SCHEMA, path.name)


def read_asem_data(folder: Path) -> pd.DataFrame:
    """Read COINr's ASEM example indicator data (``ASEM_iData.csv``: one row per country).

    Columns: ``uName``, ``uCode``, four group columns, ``Time`` and the raw indicators and
    denominators, as in the package (units: see :func:`read_asem_meta`).
    """
    frame = pd.read_csv(need_file(folder, "ASEM_iData.csv"))
    frame["Time"] = frame["Time"].astype(int)
    return frame


def read_asem_meta(folder: Path) -> pd.DataFrame:
    """Read COINr's ASEM indicator metadata (``ASEM_iMeta.csv``).

    One row per indicator or aggregate: ``Level``, ``iCode``, ``iName``, ``Direction`` (1 or
    -1), ``Weight``, ``Unit``, ``Target``, ``Denominator``, ``Parent``, ``Type``.
    """
    frame = pd.read_csv(need_file(folder, "ASEM_iMeta.csv"))
    frame["Level"] = frame["Level"].astype("Int64")
    return frame


def read_asem_treated(folder: Path) -> pd.DataFrame:
    """Read COINr's treated ASEM data (``ASEM_COIN_Treated.csv``, after outlier treatment)."""
    frame = pd.read_csv(need_file(folder, "ASEM_COIN_Treated.csv"))
    frame["Year"] = frame["Year"].astype(int)
    return frame
