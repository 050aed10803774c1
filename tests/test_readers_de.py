"""BKA PKS basic table by Land: every year's file, layout checks, keys 655100 and 621*.

Expected counts were read off the BKA workbooks by hand (cell values of the row for the key and
Land); federal totals agree with the BKA yearbooks (e.g. 2023: 5,940,667 cases, clearance rate
58.4 %; 2024: 5,837,445 cases, 58.0 %).
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from policingstudy import sources
from policingstudy.errors import DataValidationError
from policingstudy.paths import ProjectPaths
from policingstudy.readers.de import LAND_CODES, LAYOUTS, read_pks_laender, read_pks_years

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
