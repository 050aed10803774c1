"""Reference data: mpdta (Callaway and Sant'Anna 2021) and COINr's ASEM example.

Both ship with the tests (``tests/data``, expanded to the pinned bytes). Group sizes of mpdta agree
with the did package documentation: 500 counties, 309 never treated, 20 first treated in 2004,
40 in 2006, 131 in 2007.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.data.readers import validation


def test_mpdta(mpdta_folder: Path) -> None:
    panel = validation.read_mpdta(mpdta_folder)
    assert len(panel) == 2500
    groups = panel.groupby("first_treat")["countyreal"].nunique().to_dict()
    assert groups == {0: 309, 2004: 20, 2006: 40, 2007: 131}
    assert (panel.groupby("countyreal")["lpop"].nunique() == 1).all()  # time-invariant


def test_mpdta_schema_refuses_bad_groups(mpdta_folder: Path, tmp_path: Path) -> None:
    text = (mpdta_folder / "mpdta.csv").read_text()
    (tmp_path / "mpdta.csv").write_text(text.replace(",2007,1\n", ",2008,1\n", 1))
    with pytest.raises(
        DataValidationError,
        match=r"mpdta\.csv: row \d+, column 'first_treat': "
        r"found 2008",
    ):
        validation.read_mpdta(tmp_path)


def test_coinr_asem(asem_folder: Path) -> None:
    data = validation.read_asem_data(asem_folder)
    meta = validation.read_asem_meta(asem_folder)
    treated = validation.read_asem_treated(asem_folder)
    assert len(data) == len(treated) == 51
    indicators = meta.loc[meta["Level"] == 1, "iCode"]
    assert len(indicators) == 49
    assert set(indicators) <= set(data.columns)
    assert set(indicators) <= set(treated.columns)
    assert meta.loc[meta["iCode"] == "Index", "Level"].item() == 4
    assert set(data["Time"]) == {2018}


def test_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"mpdta\.csv: file not found"):
        validation.read_mpdta(tmp_path)
    with pytest.raises(DataValidationError, match=r"ASEM_iMeta\.csv: file not found"):
        validation.read_asem_meta(tmp_path)
