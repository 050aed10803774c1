"""Cross-national indicators: World Bank WGI, V-Dem subsets and UNODC crime statistics.

Countries are identified by ISO 3166-1 alpha-3 codes as used by the publishers (the World Bank
uses a few non-ISO codes such as ``XKX`` Kosovo; UNODC splits the United Kingdom into
``GBR_E_W``, ``GBR_S`` and ``GBR_NI``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

import pandas as pd
import pandera.pandas as pa

from policingstudy.core.errors import DataValidationError
from policingstudy.data.readers._common import clean_text, need_file, sheet_rows
from policingstudy.data.schemas import validate

WgiIndicator = Literal["va", "pv", "ge", "rq", "rl", "cc"]
WGI_INDICATORS: tuple[WgiIndicator, ...] = get_args(WgiIndicator)
WGI_LONG_NAMES: dict[str, WgiIndicator] = {
    "VoiceandAccountability": "va",
    "PoliticalStability": "pv",
    "GovernmentEffectiveness": "ge",
    "RegulatoryQuality": "rq",
    "RuleofLaw": "rl",
    "ControlofCorruption": "cc",
}
WGI_SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
        "country": pa.Column(str),
        "year": pa.Column(int, pa.Check.in_range(1996, 2023)),
        "indicator": pa.Column(str, pa.Check.isin(list(WGI_INDICATORS))),
        "estimate": pa.Column(float, pa.Check.in_range(-3.5, 3.5), nullable=True),
        "std_error": pa.Column(float, pa.Check.in_range(0, 2), nullable=True),
        "n_sources": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "pct_rank": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "pct_rank_lower": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "pct_rank_upper": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
    },
    strict=True,
    unique=["code", "year", "indicator"],
)


def read_wgi_2024(folder: Path) -> pd.DataFrame:
    """Read the Worldwide Governance Indicators, 2024 update, from the full-precision XLSX.

    The CSV of the same source rounds estimates and standard errors to two decimals and is not
    used. '..' cells are missing values.

    Parameters
    ----------
    folder
        Folder of source ``wgi_2024``.

    Returns
    -------
    pandas.DataFrame
        One row per economy, year and indicator: ``code`` (World Bank code), ``country``,
        ``year``, ``indicator`` (``va`` voice and accountability, ``pv`` political stability
        and absence of violence/terrorism, ``ge`` government effectiveness, ``rq`` regulatory
        quality, ``rl`` rule of law, ``cc`` control of corruption), ``estimate`` (standard
        normal units, about -2.5 to 2.5, higher is better governance), ``std_error`` (standard
        error of the estimate), ``n_sources``, ``pct_rank`` with its 90% interval
        ``pct_rank_lower``/``pct_rank_upper`` (0-100). Missing values are NaN.
    """
    path = need_file(folder, "wgidataset.xlsx")
    expected = [
        "codeindyr",
        "code",
        "countryname",
        "year",
        "indicator",
        "estimate",
        "stddev",
        "nsource",
        "pctrank",
        "pctranklower",
        "pctrankupper",
    ]
    header: list[str] = []
    rows = []
    for number, values in sheet_rows(path, "Sheet1"):
        if number == 1:
            header = [clean_text(v) for v in values]
            if header != expected:
                raise DataValidationError([f"{path.name}: header {header}; expected {expected}"])
            continue
        rows.append(values)
    raw = pd.DataFrame(rows, columns=header)
    numbers = raw[expected[5:]].map(lambda v: None if v == ".." else v).astype(float)
    frame = pd.DataFrame(
        {
            "code": raw["code"].astype(str),
            "country": raw["countryname"].astype(str),
            "year": raw["year"].astype(int),
            "indicator": raw["indicator"].astype(str),
            "estimate": numbers["estimate"],
            "std_error": numbers["stddev"],
            "n_sources": numbers["nsource"].round().astype("Int64"),
            "pct_rank": numbers["pctrank"],
            "pct_rank_lower": numbers["pctranklower"],
            "pct_rank_upper": numbers["pctrankupper"],
        }
    )
    return validate(frame, WGI_SCHEMA, path.name)


def read_wgi_2020_long(folder: Path) -> pd.DataFrame:
    """Read the Worldwide Governance Indicators, 2020 update (1996-2019), long CSV.

    The file is Windows-1252 encoded (not UTF-8) with CRLF line endings; indicator long names
    are mapped to the two-letter codes of the 2024 release.

    Parameters
    ----------
    folder
        Folder of source ``wgi_2020_long``.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`read_wgi_2024`, with the same units.
    """
    path = need_file(folder, "2020_Worldwide_Governance_Indicators_1996-2019.csv")
    raw = pd.read_csv(path, encoding="cp1252")
    unknown = sorted(set(raw["Indicator"]) - set(WGI_LONG_NAMES))
    if unknown:
        raise DataValidationError([f"{path.name}: unknown indicators {unknown}"])
    frame = pd.DataFrame(
        {
            "code": raw["Code"].astype(str),
            "country": raw["Country/Territory"].astype(str),
            "year": raw["Year"].astype(int),
            "indicator": raw["Indicator"].map(WGI_LONG_NAMES).astype(str),
            "estimate": raw["Estimate"].astype(float),
            "std_error": raw["StdErr"].astype(float),
            "n_sources": raw["NumSrc"].round().astype("Int64"),
            "pct_rank": raw["Rank"].astype(float),
            "pct_rank_lower": raw["Lower"].astype(float),
            "pct_rank_upper": raw["Upper"].astype(float),
        }
    )
    return validate(frame, WGI_SCHEMA, path.name)


def read_vdem_demspaces(folder: Path) -> pd.DataFrame:
    """Read the V-Dem v14 country-year subset of the Democratic Spaces Barometer.

    Parameters
    ----------
    folder
        Folder of source ``vdem_demspaces_v14_subset``.

    Returns
    -------
    pandas.DataFrame
        ``gwcode``, ``year``, ``country_name``, ``country_id``, ``code`` (``country_text_id``,
        ISO3-like) and six indices on 0-1 scales (``v2x_veracc_osp``, ``v2xcs_ccsi``,
        ``v2xcl_rol``, ``v2x_freexp_altinf``, ``v2x_horacc_osp``, ``v2x_pubcorr``; for
        ``v2x_pubcorr`` higher means more corruption).
    """
    path = need_file(folder, "dv_data_1968_on.csv")
    frame = pd.read_csv(path).rename(columns={"country_text_id": "code"})
    _check_unit_interval(frame, path.name, [c for c in frame.columns if c.startswith("v2")])
    return frame


def read_vdem_biodem(folder: Path) -> pd.DataFrame:
    """Read the V-Dem v16 country-year subset of Bio-Dem.

    Parameters
    ----------
    folder
        Folder of source ``vdem_biodem_v16_subset``.

    Returns
    -------
    pandas.DataFrame
        ``code`` (ISO3, column ``country`` of the file), ``year``, ``v2x_regime`` (0 closed
        autocracy, 1 electoral autocracy, 2 electoral democracy, 3 liberal democracy), the
        0-1 indices ``v2x_polyarchy``, ``v2x_freexp_altinf``, ``v2x_frassoc_thick``,
        ``v2xcl_dmove``, ``v2xcs_ccsi``, ``v2x_corr``, ``v2x_clphy`` (freedom from political
        killings and torture; higher is better) and the covariates ``e_peaveduc``,
        ``e_migdppc``, ``conflict_hi``, ``conflict_li``.
    """
    path = need_file(folder, "vdem_variables.csv")
    frame = pd.read_csv(path).rename(columns={"country": "code"})
    indices = [c for c in frame.columns if c.startswith("v2x") and c != "v2x_regime"]
    _check_unit_interval(frame, path.name, indices + ["v2xcl_dmove"])
    frame["v2x_regime"] = frame["v2x_regime"].astype("Int64")
    return frame


def read_vdem_biodem_codebook(folder: Path) -> pd.DataFrame:
    """Read the variable descriptions of the Bio-Dem V-Dem subset (one row per variable)."""
    return pd.read_csv(need_file(folder, "vdem_variables_explanations.csv"), dtype=str)


def _check_unit_interval(frame: pd.DataFrame, file: str, columns: list[str]) -> None:
    problems = []
    for column in dict.fromkeys(columns):
        if column not in frame:
            continue
        values = frame[column].dropna()
        outside = values[(values < 0) | (values > 1)]
        if len(outside):
            problems.append(
                f"{file}: column {column!r}: {len(outside)} values outside 0-1, "
                f"e.g. {outside.iloc[0]}"
            )
    if problems:
        raise DataValidationError(problems)


UNODC_FILES = {
    "unodc_cts_violent_sexual_crime": "data_cts_violent_and_sexual_crime.xlsx",
    "unodc_cts_corruption_economic_crime": "data_cts_corruption_and_economic_crime.xlsx",
}


def read_unodc_cts(folder: Path) -> pd.DataFrame:
    """Read a UNODC Crime Trends Survey extract (release of 16 May 2024).

    The folder of either source ``unodc_cts_violent_sexual_crime`` or
    ``unodc_cts_corruption_economic_crime`` holds one workbook; two lines of preamble precede
    the header.

    Parameters
    ----------
    folder
        Folder of either UNODC source (see above).

    Returns
    -------
    pandas.DataFrame
        ``code`` (ISO3; the United Kingdom split into ``GBR_E_W``, ``GBR_S``, ``GBR_NI``),
        ``country``, ``region``, ``subregion``, ``indicator``, ``dimension``, ``category``,
        ``sex``, ``age``, ``year``, ``unit`` ('Counts' or 'Rate per 100,000 population'),
        ``value`` (police-recorded offences or victims), ``source``.
    """
    found = [name for name in UNODC_FILES.values() if (folder / name).is_file()]
    if len(found) != 1:
        raise DataValidationError(
            [f"{folder}: expected one of {list(UNODC_FILES.values())}, found {found}"]
        )
    path = folder / found[0]
    names = [
        "code",
        "country",
        "region",
        "subregion",
        "indicator",
        "dimension",
        "category",
        "sex",
        "age",
        "year",
        "unit",
        "value",
        "source",
    ]
    rows = []
    for number, values in sheet_rows(path, _first_sheet(path)):
        if number == 3:
            header = [clean_text(v) for v in values]
            if header[0] != "Iso3_code" or header[11] != "VALUE":
                raise DataValidationError(
                    [f"{path.name}: row 3 is {header}; expected the Iso3_code ... VALUE header"]
                )
        elif number > 3:
            rows.append(values[:13])
    frame = pd.DataFrame(rows, columns=names)
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float)
    return frame


def _first_sheet(path: Path) -> str:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return str(workbook.sheetnames[0])
    finally:
        workbook.close()
