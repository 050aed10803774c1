"""BKA PKS basic table by Land: every year's file, layout checks, keys 655100 and 621*.

The real workbooks are checked in one test, ``test_real_files_de`` (external data: the mirror, the
download cache or the network); the layout logic and every error path run on small synthetic
workbooks. Expected counts were read off the BKA workbooks by hand (cell values of the row for the key and
Land); federal totals agree with the BKA yearbooks (e.g. 2023: 5,940,667 cases, clearance rate
58.4 %; 2024: 5,837,445 cases, 58.0 %).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.data.readers import de
from policingstudy.data.readers._common import sheet_values
from policingstudy.data.readers.de import LAND_CODES, LAYOUTS, read_pks_laender, read_pks_years
from tests.synthetic import PKS_HEADER_2022, pks_row, pks_rows_2022, write_xlsx

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


PKS_IDS = [f"de_pks_laender_{year}" for year in YEARS]
ALL_LANDS = [land for land in LAND_CODES if LAND_CODES[land] != "DE"]


@pytest.mark.mirror
def test_real_files_de(external: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every year's BKA workbook: shapes, Länder, pinned cells, the 621 reform, cross-checks."""
    locate = external.require(*PKS_IDS, family="German PKS readers (BKA workbooks 2013-2024)")

    @functools.cache
    def pks(year: int) -> pd.DataFrame:
        return read_pks_laender(locate(f"de_pks_laender_{year}"), year=year)

    for year in YEARS:
        frame = pks(year)
        assert (len(frame), frame["key"].nunique()) == SHAPES[year], year
        assert set(frame["land_code"]) == set(LAND_CODES.values()), year
        assert (frame["year"] == year).all()
        bavaria = frame.loc[(frame["key"] == "655100") & (frame["land_code"] == "DE-BY")]
        assert tuple(bavaria[["cases", "cleared_cases"]].iloc[0]) == BAVARIA_655100[year], year
        total = frame.loc[(frame["key"] == "------") & (frame["land_code"] == "DE")]
        assert tuple(total[["cases", "cleared_cases"]].iloc[0]) == GERMANY_TOTAL[year], year
        assert total["offence"].iloc[0] == "Straftaten insgesamt"
        # keys 621* follow the 2017 reform
        keys = {k for k in frame["key"] if k.startswith("621")}
        if year <= 2017:
            assert keys == KEYS_621_OLD, year
        elif year == 2022:  # the reduced table
            assert keys == {"621000", "621100"}
        else:
            assert keys == KEYS_621_NEW, year

    # 655100 is bodily harm in office; rates are computed
    frame = pks(2016)
    row = frame.loc[(frame["key"] == "655100") & (frame["land_code"] == "DE-BY")].iloc[0]
    assert row["offence"] == "Körperverletzung im Amt § 340 StGB"  # non-breaking spaces removed
    assert row["clearance_rate"] == pytest.approx(100 * 80 / 110)

    # the Länder sum to the federal total
    frame = pks(2024)
    total = frame.loc[frame["key"] == "------"].set_index("land_code")["cases"]
    assert total.drop("DE").sum() == total["DE"] == 5837445

    # several years concatenate
    pd.testing.assert_frame_equal(read_pks_years({2022: locate("de_pks_laender_2022")}), pks(2022))

    # a real workbook of another layout is refused, also among several years
    shutil.copy(locate("de_pks_laender_2015") / "PKS2015.xlsx", tmp_path / "PKS2020.xlsx")
    with pytest.raises(
        DataValidationError,
        match=r"PKS2020\.xlsx: row 1, column 4: found "
        r"'erfasste Fälle'; expected 'Anzahl erfasste "
        r"Fälle' \(the 2020 layout\)",
    ):
        read_pks_laender(tmp_path, year=2020)
    with pytest.raises(DataValidationError, match=r"PKS2020\.xlsx: row 1, column 4: found"):
        read_pks_years({2022: Path("/nonexistent"), 2020: tmp_path})

    # unusual cell types in the real 2022 sheet are read as row by row
    folder = locate("de_pks_laender_2022")
    sheet = sheet_values(folder / "PKS2022.xlsx", "T01_LÜ")
    sheet[1][3] = int(sheet[1][3])  # an int count, as openpyxl would give
    sheet[2][8] = datetime.datetime(2022, 1, 1)  # a date where the rate is: not compared
    sheet[3][8] = ""  # no published rate
    monkeypatch.setattr(de, "sheet_values", lambda path, name: sheet)
    pd.testing.assert_frame_equal(read_pks_laender(folder, year=2022), pks(2022))


# -- logic and errors on synthetic workbooks (layout of the real files, made-up numbers) ---------

SMALL_KEYS = ["------", "655100", "621000"]


@pytest.fixture
def small_2022(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A 2022 workbook with three keys for every Land (minimum key count lowered to 3)."""
    monkeypatch.setitem(LAYOUTS, 2022, dataclasses.replace(LAYOUTS[2022], min_keys=3))
    rows = pks_rows_2022(SMALL_KEYS, [*ALL_LANDS, "Bundesrepublik Deutschland"])
    write_xlsx(tmp_path / "y2022" / "PKS2022.xlsx", {"T01_LÜ": [PKS_HEADER_2022, *rows]})
    return tmp_path / "y2022"


def test_synthetic_year_is_read(small_2022: Path) -> None:
    frame = read_pks_laender(small_2022, year=2022)
    assert len(frame) == 3 * 17
    assert set(frame["land_code"]) == set(LAND_CODES.values())
    row = frame.loc[(frame["key"] == "655100") & (frame["land_code"] == "DE-BW")].iloc[0]
    assert (row["cases"], row["cleared_cases"]) == (20, 10)  # made-up counts: 10 * 2 + 0
    assert row["offence"] == "Straftat 655100"  # the non-breaking space is cleaned
    assert row["clearance_rate"] == pytest.approx(50.0)
    pd.testing.assert_frame_equal(read_pks_years({2022: small_2022}), frame)


def test_too_few_keys_are_refused(small_2022: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(LAYOUTS, 2022, dataclasses.replace(LAYOUTS[2022], min_keys=300))
    with pytest.raises(
        DataValidationError, match=r"PKS2022\.xlsx: 3 offence keys; expected at least 300"
    ):
        read_pks_laender(small_2022, year=2022)


def test_missing_sheet_is_named(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "PKS2021.xlsx", {"Tabelle1": [PKS_HEADER_2022]})
    with pytest.raises(
        DataValidationError,
        match=r"PKS2021\.xlsx: sheet 'T01_LÜ' not found; sheets: \['Tabelle1'\]",
    ):
        read_pks_laender(tmp_path, year=2021)


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


def test_wrong_layout_is_refused(tmp_path: Path) -> None:
    # the 2015-2019 header ('erfasste Fälle', 'HZ nach Zensus') in a file read as 2020
    header_2015 = ["Schlüssel", "Straftat", "Bundesland", "erfasste Fälle", "HZ nach Zensus",
                   "", "", "Aufklärung"]  # fmt: skip
    write_xlsx(tmp_path / "PKS2020.xlsx", {"T01_LÜ": [header_2015]})
    with pytest.raises(
        DataValidationError,
        match=r"PKS2020\.xlsx: row 1, column 4: found "
        r"'erfasste Fälle'; expected 'Anzahl erfasste "
        r"Fälle' \(the 2020 layout\)",
    ):
        read_pks_laender(tmp_path, year=2020)
    with pytest.raises(DataValidationError, match=r"PKS2020\.xlsx: row 1, column 4: found"):
        read_pks_years({2022: Path("/nonexistent"), 2020: tmp_path})


def test_unknown_year_and_missing_file() -> None:
    with pytest.raises(DataValidationError, match=r"PKS year 2012: no layout; known years"):
        read_pks_laender(Path("."), year=2012)
    with pytest.raises(DataValidationError, match=r"PKS2013\.xlsx: file not found"):
        read_pks_laender(Path("/nonexistent"), year=2013)


def test_header_rows_are_above_the_data() -> None:
    # header problems are reported before the rows' problems, as when reading row by row
    for layout in LAYOUTS.values():
        assert max(r for r, _ in layout.header_checks) < layout.first_data_row


def _row(key: str, land: str, cases: Any, cleared: Any, rate: Any) -> list[Any]:
    return pks_row(key, "Straftaten\xa0insgesamt", land, cases, cleared, rate)


def _fake_sheet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, rows: list[list[Any]]) -> None:
    (tmp_path / "PKS2022.xlsx").write_bytes(b"")
    sheet = [PKS_HEADER_2022, *rows]
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
    monkeypatch: pytest.MonkeyPatch, small_2022: Path
) -> None:
    expected = read_pks_laender(small_2022, year=2022)
    sheet = sheet_values(small_2022 / "PKS2022.xlsx", "T01_LÜ")
    assert isinstance(sheet[1][3], float)  # calamine gives floats
    sheet[1][3] = int(sheet[1][3])  # an int count, as openpyxl would give
    sheet[2][8] = datetime.datetime(2022, 1, 1)  # a date where the rate is: not compared
    sheet[3][8] = ""  # no published rate
    monkeypatch.setattr(de, "sheet_values", lambda path, name: sheet)
    pd.testing.assert_frame_equal(read_pks_laender(small_2022, year=2022), expected)
