"""Population denominators: Kazakh regions, German Länder, E&W police force areas, US cities.

Every pinned number was read by hand from the raw file named next to it (sheet, row, column as
a spreadsheet shows them; CSV line numbers count the header as line 1).
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError, JoinError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from policingstudy.data.readers import population as pop
from policingstudy.data.readers import us
from policingstudy.data.readers.ew import PFA_NAMES
from policingstudy.data.readers.kz import KZ_CODES

Folder = Callable[[str], Path]
ROOT = Path(__file__).resolve().parents[1]


def _subunit_codes(jurisdiction: str) -> set[str]:
    with (ROOT / "data/raw/dataset/subunit_codes.csv").open(encoding="utf-8") as handle:
        return {
            row["code"] for row in csv.DictReader(handle) if row["jurisdiction"] == jurisdiction
        }


@pytest.fixture(scope="module")
def folder(external_dir: Path, project_root: Path) -> Folder:
    paths = ProjectPaths(project_root)
    return lambda sid: sources.locate(sid, paths=paths, mirror=external_dir)


@pytest.fixture(scope="module")
def folders(folder: Folder) -> dict[str, Path]:
    ids = [
        "kz_pop_regions_bns_2000_2023",
        "kz_pop_regions_20230101",
        "de_pop_laender_12411_0012",
        "de_pop_laender_12411_0010_1958_2018",
        *pop.EW_SOURCES,
        "us_city_pop_v2019_annrnk",
        "us_city_pop_v2023",
    ]
    return {sid: folder(sid) for sid in ids}


def _copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def _value(frame: pd.DataFrame, code: str, year: int) -> int:
    rows = frame.loc[(frame["code"] == code) & (frame["year"] == year), "population"]
    assert len(rows) == 1, (code, year)
    return int(rows.iloc[0])


# -- Kazakhstan ----------------------------------------------------------------------------------


@pytest.mark.mirror
def test_kz_series_values_and_layouts(folders: dict[str, Path]) -> None:
    frame = pop.read_kz_pop_bns_2000_2023(folders["kz_pop_regions_bns_2000_2023"])
    # source.xlsx, sheet 'Все население', row 21 'г. Алматы', column Y (2023)
    assert _value(frame, "KZ-ALA", 2023) == 2_161_797
    # row 17 'Туркестанская 1', columns R (2016: South Kazakhstan incl. Shymkent) and S (2017)
    assert _value(frame, "KZ-YUZ", 2016) == 2_840_871
    assert _value(frame, "KZ-YUZ", 2017) == 1_966_336
    # row 22 'г. Шымкент', column S (2017)
    assert _value(frame, "KZ-SHY", 2017) == 912_300
    assert (frame["date"] == pd.to_datetime(frame["year"].astype(str) + "-01-01")).all()
    units = frame.groupby("year")["code"].nunique()
    assert units.to_dict() == {
        **dict.fromkeys(range(2000, 2017), 16),
        **dict.fromkeys(range(2017, 2022), 17),
        **dict.fromkeys(range(2022, 2024), 20),
    }
    assert (frame.groupby("year")["layout_units"].first() == units).all()
    assert len(frame) == 397
    # row 2 'Республика Казахстан ', column Y: the units sum to the national total
    assert frame.loc[frame["year"] == 2023, "population"].sum() == 19_766_807
    assert set(frame.loc[frame["year"] == 2016, "code"]).isdisjoint({"KZ-SHY", "KZ-ABY"})


@pytest.mark.mirror
def test_kz_bulletin_and_combined(folders: dict[str, Path]) -> None:
    bulletin = pop.read_kz_pop_20230101(folders["kz_pop_regions_20230101"])
    # source.xlsx, sheet '01', row 25 'Алматы қаласы', column B; city_population.csv line 20
    assert _value(bulletin, "KZ-ALA", 2023) == 2_161_695
    # sheet '01', row 21 'Түркістан облысы', column B
    assert _value(bulletin, "KZ-YUZ", 2023) == 2_119_063
    assert len(bulletin) == 20
    assert bulletin["population"].sum() == 19_765_004  # sheet '01', row 6
    series = pop.kz_population(folders)
    assert series.equals(pop.read_kz_pop_bns_2000_2023(folders["kz_pop_regions_bns_2000_2023"]))


def test_kz_name_maps_cover_the_boundary_codes() -> None:
    assert set(pop.KZ_NAMES_RU.values()) == set(pop.KZ_NAMES_KK.values()) == set(KZ_CODES.values())
    assert set(KZ_CODES.values()) == _subunit_codes("KZ")
    assert len(pop.KZ_NAMES_RU) == len(pop.KZ_NAMES_KK) == 20
    assert pop.kz_layout(2016) < pop.kz_layout(2017) < pop.kz_layout(2022)


@pytest.mark.mirror
def test_kz_unmatched_name_is_named(
    folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    names = {k: v for k, v in pop.KZ_NAMES_RU.items() if k != "Жетісу"}
    monkeypatch.setattr(pop, "KZ_NAMES_RU", names)
    with pytest.raises(DataValidationError, match=r"row 10: region 'Жетісу' unknown"):
        pop.read_kz_pop_bns_2000_2023(folders["kz_pop_regions_bns_2000_2023"])
    monkeypatch.undo()
    copy = _copy(folders["kz_pop_regions_20230101"], tmp_path)
    path = copy / "city_population.csv"
    path.write_text(path.read_text().replace("Jetisu Region", "Jetisu Oblys"))
    with pytest.raises(DataValidationError, match=r"line 9: region 'Jetisu Oblys' unknown"):
        pop.read_kz_pop_20230101(copy)


@pytest.mark.mirror
def test_kz_csv_must_agree_with_the_workbook(folders: dict[str, Path], tmp_path: Path) -> None:
    copy = _copy(folders["kz_pop_regions_bns_2000_2023"], tmp_path)
    path = copy / "kazpop.csv"
    path.write_text(
        path.read_text().replace("г. Алматы,2023,2161797.0", "г. Алматы,2023,2161798.0")
    )
    with pytest.raises(DataValidationError, match=r"kazpop.csv: line \d+: г. Алматы 2023"):
        pop.read_kz_pop_bns_2000_2023(copy)


# -- Germany -------------------------------------------------------------------------------------


@pytest.mark.mirror
def test_de_values_basis_and_units(folders: dict[str, Path]) -> None:
    frame = pop.de_population(folders)
    # 12411-0012.csv line 4974 '31.12.2020;Insgesamt', Bremen column (7th field)
    assert _value(frame, "DE-HB", 2020) == 680_130
    # line 5250 '31.12.2023;Insgesamt', Bayern (4th field)
    assert _value(frame, "DE-BY", 2023) == 13_435_062
    # lines 4054 and 4146: Berlin 31.12.2010 and 31.12.2011, either side of the Zensus break
    assert _value(frame, "DE-BE", 2010) == 3_460_725
    assert _value(frame, "DE-BE", 2011) == 3_326_002
    assert set(frame.loc[frame["year"] == 2010, "basis"]) == {"before_zensus_2011"}
    assert set(frame.loc[frame["year"] == 2011, "basis"]) == {"zensus_2011"}
    units = frame.groupby("year")["code"].nunique()
    assert set(units.loc[:1989]) == {11}
    assert set(units.loc[1990:]) == {16}
    assert list(units.index) == list(range(1967, 2024))
    assert (frame["date"].dt.strftime("%m-%d") == "12-31").all()
    assert set(frame["code"]) == _subunit_codes("DE") == set(pop.DE_LAND_CODES.values())


@pytest.mark.mirror
def test_de_tables_agree_where_they_overlap(folders: dict[str, Path]) -> None:
    by_age = pop.read_de_pop_12411_0012(folders["de_pop_laender_12411_0012"])
    totals = pop.read_de_pop_12411_0010(folders["de_pop_laender_12411_0010_1958_2018"])
    both = by_age.merge(totals, on=["code", "year"])
    assert len(both) == 11 * 23 + 16 * 29  # 1967-1989 West + Berlin (West), 1990-2018 all
    assert (both["population_x"] == both["population_y"]).all()
    # 12411-0010.csv line 11 (Bremen), first value: 31.12.1958
    assert _value(totals, "DE-HB", 1958) == 677_533


@pytest.mark.mirror
def test_de_disagreement_is_named(folders: dict[str, Path], tmp_path: Path) -> None:
    copy = _copy(folders["de_pop_laender_12411_0010_1958_2018"], tmp_path)
    path = copy / "12411-0010.csv"
    lines = path.read_bytes().decode("latin-1").split("\n")
    bremen = next(i for i, line in enumerate(lines) if line.startswith("Bremen;"))
    cells = lines[bremen].split(";")
    assert cells[10] == "751785"  # 31.12.1967, the first year both tables have
    cells[10] = "751786"
    lines[bremen] = ";".join(cells)
    path.write_bytes("\n".join(lines).encode("latin-1"))
    changed = {**folders, "de_pop_laender_12411_0010_1958_2018": copy}
    with pytest.raises(DataValidationError, match=r"DE-HB 1967: 751785 .* vs 751786"):
        pop.de_population(changed)


@pytest.mark.mirror
def test_de_truncated_file_is_refused(folders: dict[str, Path], tmp_path: Path) -> None:
    copy = _copy(folders["de_pop_laender_12411_0012"], tmp_path)
    path = copy / "12411-0012.csv"
    path.write_bytes(path.read_bytes()[:300_000])
    with pytest.raises(DataValidationError, match=r"12411-0012.csv: no GENESIS footer"):
        pop.read_de_pop_12411_0012(copy)


# -- England and Wales ---------------------------------------------------------------------------


@pytest.mark.mirror
def test_ew_values_codes_and_subtotals(folders: dict[str, Path]) -> None:
    p9 = pop.read_ew_pfa_pop_mar2018(folders["ew_pfa_crime_tables_ye_mar2018"])
    # policeforceareatablesyearendingmarch2018v2.xlsx, 'Table P9', row 15, column Q (2016)
    assert _value(p9, "E23000005", 2016) == 2_780_800
    # same sheet, row 14 (Cumbria), column E (2004)
    assert _value(p9, "E23000002", 2004) == 494_900
    assert p9.attrs["dropped_subtotals"] == [
        *(f"E1200000{i}" for i in range(1, 10)),
        "E92000001",
        "K04000001",
        "W92000004",
    ]
    jun = pop.read_ew_pfa_pop_jun2019(folders["ew_pfa_crime_tables_ye_jun2019"])
    # policeforceareatablesyearendingjune2019.xlsx, 'Table P3', row 16, column C (mid-2018)
    assert _value(jun, "E23000005", 2018) == 2_812_600
    # row 14 'Cheshire10': the footnote digits are not part of the name
    assert jun.set_index("code").loc["E23000006", "name"] == "Cheshire"
    frame = pop.ew_population(folders)
    # policeforceareatablesyeendingmarch2019.xlsx, 'Table P3 ', row 16, column C (mid-2017)
    assert _value(frame, "E23000005", 2017) == 2_798_800
    assert frame.groupby("year")["code"].nunique().to_dict() == dict.fromkeys(range(2002, 2019), 43)
    assert set(frame["code"]) == set(PFA_NAMES) == _subunit_codes("UK-EW")
    assert (frame["date"].dt.strftime("%m-%d") == "06-30").all()
    assert (frame["population"] % 100 == 0).all()


@pytest.mark.mirror
def test_ew_missing_force_is_named(
    folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = pop._sheet

    def without_cumbria(path: Path, sheet: str) -> list[list[Any]]:
        return [row for row in original(path, sheet) if row[0] != "E23000002"]

    monkeypatch.setattr(pop, "_sheet", without_cumbria)
    with pytest.raises(JoinError, match=r"'Table P3' lacks police force areas E23000002 Cumbria"):
        pop.read_ew_pfa_pop_jun2019(folders["ew_pfa_crime_tables_ye_jun2019"])


# -- United States -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "city", "state"),
    [
        ("New York city, New York", "New York", "US-NY"),
        ("Indianapolis city (balance), Indiana", "Indianapolis", "US-IN"),
        ("Nashville-Davidson metropolitan government (balance), Tennessee", "Nashville-Davidson",
         "US-TN"),
        ("Louisville/Jefferson County metro government (balance), Kentucky",
         "Louisville/Jefferson County", "US-KY"),
        ("Lexington-Fayette urban county, Kentucky", "Lexington-Fayette", "US-KY"),
        ("Urban Honolulu CDP, Hawaii", "Honolulu", "US-HI"),
        ("Boise City city, Idaho", "Boise City", "US-ID"),
        ("Carson City, Nevada", "Carson City", "US-NV"),
        ("Anchorage municipality, Alaska", "Anchorage", "US-AK"),
        ("Washington city, District of Columbia", "Washington", "US-DC"),
    ],
)  # fmt: skip
def test_split_census_place(name: str, city: str, state: str) -> None:
    assert pop.split_census_place(name) == (city, state)


def test_city_keys() -> None:
    assert pop.us_city_key("St. Paul", "US-MN") == pop.us_city_key("St Paul", "Minnesota")
    assert pop.us_city_key("St. Paul", "US-MN") == "US-MN:st paul"
    assert pop.us_place_code("Waukesha city, Wisconsin") != pop.us_place_code(
        "Waukesha village, Wisconsin"
    )
    with pytest.raises(DataValidationError, match=r"'Springfield, Lincolnshire'"):
        pop.split_census_place("Springfield, Lincolnshire")


@pytest.mark.mirror
def test_us_values_and_vintages(folders: dict[str, Path]) -> None:
    v2019 = pop.read_us_city_pop_v2019(folders["us_city_pop_v2019_annrnk"])
    v2023 = pop.read_us_city_pop_v2023(folders["us_city_pop_v2023"])
    indianapolis = "US-IN:indianapolis city (balance)"
    # SUB-IP-EST2019-ANNRNK.xlsx, row 21 'Indianapolis city (balance), Indiana', column J (2015)
    assert _value(v2019, indianapolis, 2015) == 853_714
    # SUB-IP-EST2023-POP.xlsx, row 4716, column E (2022)
    assert _value(v2023, indianapolis, 2022) == 880_397
    # SUB-IP-EST2019-ANNRNK.xlsx row 7 column J; SUB-IP-EST2023-POP.xlsx row 3413 column E
    assert _value(v2019, "US-IL:chicago city", 2015) == 2_724_344
    assert _value(v2023, "US-IL:chicago city", 2022) == 2_672_660
    assert v2019["code"].nunique() == 788 and len(v2019) == 7880
    assert v2023["name"].nunique() == 19_484 - 11 and len(v2023) == 19_484 * 4
    assert v2023["ambiguous"].sum() == 22 * 4  # 11 names printed twice
    assert set(v2019["vintage"]) == {2019} and set(v2019["census_base"]) == {2010}
    assert set(v2023["vintage"]) == {2023} and set(v2023["census_base"]) == {2020}
    assert (v2019["date"].dt.strftime("%m-%d") == "07-01").all()


@pytest.mark.mirror
def test_us_series_joins_the_largest_cities(folders: dict[str, Path], folder: Folder) -> None:
    largest = us.read_largest_cities(folder("us_oversight_agencies"))
    frame = pop.us_city_population(folders, cities=largest)
    assert frame["city_key"].nunique() == 100
    assert frame.groupby("code")["year"].apply(list).map(len).eq(14).all()
    assert set(frame.loc[frame["year"] <= 2019, "vintage"]) == {2019}
    assert set(frame.loc[frame["year"] >= 2020, "vintage"]) == {2023}
    keys = {pop.us_city_key(c, s) for c, s in zip(largest["city"], largest["state"], strict=True)}
    assert keys == set(frame["city_key"])
    honolulu = frame.loc[frame["city"] == "Honolulu", "name"].unique()
    assert list(honolulu) == ["Urban Honolulu CDP, Hawaii"]
    missing = pd.DataFrame({"city": ["Gotham"], "state": ["US-NY"]})
    with pytest.raises(JoinError, match=r"no place of 50,000\+ for \['Gotham, US-NY'\]"):
        pop.us_city_population(folders, cities=pd.concat([largest, missing]))


@pytest.mark.mirror
def test_us_truncated_workbook_is_refused(folders: dict[str, Path], tmp_path: Path) -> None:
    copy = _copy(folders["us_city_pop_v2019_annrnk"], tmp_path)
    path = copy / "SUB-IP-EST2019-ANNRNK.xlsx"
    path.write_bytes(path.read_bytes()[:50_000])
    with pytest.raises(DataValidationError, match=r"SUB-IP-EST2019-ANNRNK.xlsx: not a readable"):
        pop.read_us_city_pop_v2019(copy)
