"""BKA PKS basic table by Land: every year's file, layout checks, keys 655100 and 621*.

Expected counts were read off the BKA workbooks by hand (cell values of the row for the key and
Land); federal totals agree with the BKA yearbooks (e.g. 2023: 5,940,667 cases, clearance rate
58.4 %; 2024: 5,837,445 cases, 58.0 %).
"""

from __future__ import annotations

import datetime
import functools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from policingstudy.data.readers import de
from policingstudy.data.readers._common import sheet_values
from policingstudy.data.readers.de import LAND_CODES, LAYOUTS, read_pks_laender, read_pks_years

Pks = Callable[[int], pd.DataFrame]
YEARS = list(range(2013, 2025))
# (rows, distinct keys incl. '*' summary keys) per year
SHAPES = {
    2013: (14050, 969),
    2014: (14280, 991),
    2015: (17561, 1033),
    2016: (17884, 1052),
    2017: (18547, 1091),
    2018: (18768, 1104),
    2019: (18769, 1105),
    2020: (18785, 1105),
    2021: (18853, 1109),
    2022: (7072, 416),
    2023: (19363, 1139),
    2024: (19176, 1128),
}
# Bavaria, key 655100 (Körperverletzung im Amt): (cases, cleared cases)
BAVARIA_655100 = {
    2013: (287, 234),
    2014: (91, 76),
    2015: (101, 90),
    2016: (110, 80),
    2017: (100, 79),
    2018: (98, 78),
    2019: (80, 73),
    2020: (57, 50),
    2021: (88, 78),
    2022: (84, 69),
    2023: (94, 77),
    2024: (66, 54),
}
# Germany, all offences ('------'): (cases, cleared cases)
GERMANY_TOTAL = {
    2013: (5961662, 3249396),
    2014: (6082064, 3336398),
    2015: (6330649, 3564811),
    2016: (6372526, 3584167),
    2017: (5761984, 3290725),
    2018: (5555520, 3206507),
    2019: (5436401, 3124161),
    2020: (5310621, 3100401),
    2021: (5047860, 2963643),
    2022: (5628584, 3226935),
    2023: (5940667, 3469752),
    2024: (5837445, 3385919),
}
KEYS_621_OLD = {"621000", "621010", "621020", "621021", "621029", "621030", "621040", "621050"}
KEYS_621_NEW = {"621000", "621010", "621040", "621050", "621100", "621110", "621120"}


@pytest.fixture(scope="module")
def pks(external_dir: Path, project_root: Path) -> Pks:
    paths = ProjectPaths(project_root)

    @functools.cache
    def read(year: int) -> pd.DataFrame:
        folder = sources.locate(f"de_pks_laender_{year}", paths=paths, mirror=external_dir)
        return read_pks_laender(folder, year=year)

    return read


@pytest.mark.parametrize("year", YEARS)
def test_every_year_parses(pks: Pks, year: int) -> None:
    frame = pks(year)
    assert (len(frame), frame["key"].nunique()) == SHAPES[year]
    assert set(frame["land_code"]) == set(LAND_CODES.values())
    assert (frame["year"] == year).all()
    bavaria = frame.loc[(frame["key"] == "655100") & (frame["land_code"] == "DE-BY")]
    assert tuple(bavaria[["cases", "cleared_cases"]].iloc[0]) == BAVARIA_655100[year]
    total = frame.loc[(frame["key"] == "------") & (frame["land_code"] == "DE")]
    assert tuple(total[["cases", "cleared_cases"]].iloc[0]) == GERMANY_TOTAL[year]
    assert total["offence"].iloc[0] == "Straftaten insgesamt"


@pytest.mark.parametrize("year", YEARS)
def test_keys_621_follow_the_2017_reform(pks: Pks, year: int) -> None:
    keys = {k for k in pks(year)["key"] if k.startswith("621")}
    if year <= 2017:
        assert keys == KEYS_621_OLD
    elif year == 2022:  # the reduced table
        assert keys == {"621000", "621100"}
    else:
        assert keys == KEYS_621_NEW


def test_655100_is_bodily_harm_in_office_and_rates_are_computed(pks: Pks) -> None:
    frame = pks(2016)
    row = frame.loc[(frame["key"] == "655100") & (frame["land_code"] == "DE-BY")].iloc[0]
    assert row["offence"] == "Körperverletzung im Amt § 340 StGB"  # non-breaking spaces removed
    assert row["clearance_rate"] == pytest.approx(100 * 80 / 110)


def test_land_level_sums_to_the_federal_total(pks: Pks) -> None:
    frame = pks(2024)
    total = frame.loc[frame["key"] == "------"].set_index("land_code")["cases"]
    assert total.drop("DE").sum() == total["DE"] == 5837445


def test_several_years_concatenate(pks: Pks, external_dir: Path) -> None:
    frame = read_pks_years({2022: external_dir / "de_pks_laender_2022"})
    pd.testing.assert_frame_equal(frame, pks(2022))


def test_each_year_has_an_explicit_layout() -> None:
    assert sorted(LAYOUTS) == YEARS
    assert LAYOUTS[2024].cleared_col == 14
    assert LAYOUTS[2013].cleared_col == 7
    assert {LAYOUTS[y].sheet for y in YEARS} == {
        "Tab01-2013_LÜ",
        "Tab01-2014_LÜ",
        "T01_LÜ",
        "BKA-LKS-F-01-T01 Länder",
        "Tab01",
    }


def test_wrong_layout_is_refused(external_dir: Path, tmp_path: Path) -> None:
    shutil.copy(external_dir / "de_pks_laender_2015" / "PKS2015.xlsx", tmp_path / "PKS2020.xlsx")
    with pytest.raises(
        DataValidationError,
        match=r"PKS2020\.xlsx: row 1, column 4: found "
        r"'erfasste Fälle'; expected 'Anzahl erfasste "
        r"Fälle' \(the 2020 layout\)",
    ):
        read_pks_laender(tmp_path, year=2020)


def test_unknown_year_and_missing_file() -> None:
    with pytest.raises(DataValidationError, match=r"PKS year 2012: no layout; known years"):
        read_pks_laender(Path("."), year=2012)
    with pytest.raises(DataValidationError, match=r"PKS2013\.xlsx: file not found"):
        read_pks_laender(Path("/nonexistent"), year=2013)


def test_header_rows_are_above_the_data() -> None:
    # header problems are reported before the rows' problems, as when reading row by row
    for layout in LAYOUTS.values():
        assert max(r for r, _ in layout.header_checks) < layout.first_data_row


HEADER_2022 = [
    "Schlüssel",
    "Straftat",
    "Bundesland",
    "Anzahl erfasste Fälle",
    "HZ",
    "",
    "",
    "Aufklärung",
]


def _row(key: str, land: str, cases: Any, cleared: Any, rate: Any) -> list[Any]:
    return [key, "Straftaten\xa0insgesamt", land, cases, 1.0, "", "", cleared, rate, "", "", ""]


def _fake_sheet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, rows: list[list[Any]]) -> None:
    (tmp_path / "PKS2022.xlsx").write_bytes(b"")
    sheet = [[*HEADER_2022, "", "", "", ""], *rows]
    monkeypatch.setattr(de, "sheet_values", lambda path, name: [list(r) for r in sheet])


def test_row_problems_name_file_row_column_found_and_expected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rows = [
        _row("------", "Bayern", 100.0, 50.0, 50.0),
        _row("12345", "Bayern", 100.0, 50.0, 50.0),
        [""] * 12,
        _row("------", "Bayernn", 100.0, 50.0, 50.0),
        _row("------", "Berlin", 1.5, 1.0, 50.0),
        _row("------", "Hessen", 100.0, True, 50.0),
        _row("------", "Sachsen", 100.0, 50.0, 40.0),
        _row("------", "Saarland", 0.0, 0.0, 40.0),  # no cases: the rate is not compared
    ]
    _fake_sheet(monkeypatch, tmp_path, rows)
    with pytest.raises(DataValidationError) as caught:
        read_pks_laender(tmp_path, year=2022)
    problems = caught.value.problems
    assert problems[0] == (
        "PKS2022.xlsx: row 3, column 1: found key '12345'; expected six digits/'*' or '------'"
    )
    assert problems[1].startswith(
        "PKS2022.xlsx: row 5, column 3: found Land 'Bayernn'; expected one of ['Baden-Württemberg',"
    )
    assert problems[2:] == [
        "PKS2022.xlsx: row 6, column 4: found 1.5; expected a count",
        "PKS2022.xlsx: row 7, column 8: found True; expected a count",
        "PKS2022.xlsx: row 8, column 9: found clearance rate 40; expected 50.00 = 50 / 100 x 100",
    ]


def test_reading_stops_after_more_than_50_problems(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rows = [_row(f"{n:06d}", "Atlantis", 1.0, 1.0, 100.0) for n in range(80)]
    _fake_sheet(monkeypatch, tmp_path, rows)
    with pytest.raises(DataValidationError) as caught:
        read_pks_laender(tmp_path, year=2022)
    assert len(caught.value.problems) == 51
    assert caught.value.problems[-1].startswith("PKS2022.xlsx: row 52, column 3:")


def test_unusual_cell_types_are_read_as_row_by_row(
    monkeypatch: pytest.MonkeyPatch, external_dir: Path, pks: Pks
) -> None:
    folder = external_dir / "de_pks_laender_2022"
    sheet = sheet_values(folder / "PKS2022.xlsx", "T01_LÜ")
    sheet[1][3] = int(sheet[1][3])  # an int count, as openpyxl would give
    sheet[2][8] = datetime.datetime(2022, 1, 1)  # a date where the rate is: not compared
    sheet[3][8] = ""  # no published rate
    monkeypatch.setattr(de, "sheet_values", lambda path, name: sheet)
    pd.testing.assert_frame_equal(read_pks_laender(folder, year=2022), pks(2022))


def test_several_years_fail_on_the_earliest_year(external_dir: Path, tmp_path: Path) -> None:
    shutil.copy(external_dir / "de_pks_laender_2015" / "PKS2015.xlsx", tmp_path / "PKS2020.xlsx")
    with pytest.raises(DataValidationError, match=r"PKS2020\.xlsx: row 1, column 4: found"):
        read_pks_years({2022: Path("/nonexistent"), 2020: tmp_path})
