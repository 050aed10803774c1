"""Reference data: mpdta (Callaway and Sant'Anna 2021) and COINr's ASEM example.

Group sizes of mpdta agree with the did package documentation: 500 counties, 309 never treated,
20 first treated in 2004, 40 in 2006, 131 in 2007.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from policingstudy.data.readers import validation

Folder = Callable[[str], Path]


@pytest.fixture(scope="module")
def folder(external_dir: Path, project_root: Path) -> Folder:
    paths = ProjectPaths(project_root)
    return lambda sid: sources.locate(sid, paths=paths, mirror=external_dir)


def test_mpdta(folder: Folder) -> None:
    panel = validation.read_mpdta(folder("mpdta"))
    assert len(panel) == 2500
    groups = panel.groupby("first_treat")["countyreal"].nunique().to_dict()
    assert groups == {0: 309, 2004: 20, 2006: 40, 2007: 131}
    assert (panel.groupby("countyreal")["lpop"].nunique() == 1).all()  # time-invariant


def test_mpdta_schema_refuses_bad_groups(folder: Folder, tmp_path: Path) -> None:
    text = (folder("mpdta") / "mpdta.csv").read_text()
    (tmp_path / "mpdta.csv").write_text(text.replace(",2007,1\n", ",2008,1\n", 1))
    with pytest.raises(
        DataValidationError,
        match=r"mpdta\.csv: row \d+, column 'first_treat': "
        r"found 2008",
    ):
        validation.read_mpdta(tmp_path)


def test_coinr_asem(folder: Folder) -> None:
    data = validation.read_asem_data(folder("coinr_asem"))
    meta = validation.read_asem_meta(folder("coinr_asem"))
    treated = validation.read_asem_treated(folder("coinr_asem"))
    assert len(data) == len(treated) == 51
    indicators = meta.loc[meta["Level"] == 1, "iCode"]
    assert len(indicators) == 49
    assert set(indicators) <= set(data.columns)
    assert set(indicators) <= set(treated.columns)
    assert meta.loc[meta["iCode"] == "Index", "Level"].item() == 4
    assert set(data["Time"]) == {2018}
