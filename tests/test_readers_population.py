"""Population denominators: Kazakh regions, German Länder, E&W police force areas, US cities.

The readers' logic and errors run here on synthetic files with the layout of the real ones
(``tests/synthetic.py``, made-up counts). The numbers pinned from the real files are checked by
each country's real-data test: ``test_real_files_kz`` (tests/test_readers_kz.py),
``test_real_files_de``, ``test_real_files_ew`` and ``test_real_files_us``; there every pinned
number was read by hand from the raw file named next to it (sheet, row, column as a spreadsheet
shows them; CSV line numbers count the header as line 1).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError, JoinError
from policingstudy.data.readers import population as pop
from policingstudy.data.readers.ew import PFA_NAMES
from policingstudy.data.readers.kz import KZ_CODES
from tests.synthetic import (
    de_land_population,
    ew_pfa_population,
    kz_series_counts,
    write_de_by_age,
    write_de_totals,
    write_ew_population,
    write_kz_bulletin,
    write_kz_series,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parents[1]


def _subunit_codes(jurisdiction: str) -> set[str]:
    with (ROOT / "data/raw/dataset/subunit_codes.csv").open(encoding="utf-8") as handle:
        return {
            row["code"] for row in csv.DictReader(handle) if row["jurisdiction"] == jurisdiction
        }


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


def test_kz_name_maps_cover_the_boundary_codes() -> None:
    assert set(pop.KZ_NAMES_RU.values()) == set(pop.KZ_NAMES_KK.values()) == set(KZ_CODES.values())
    assert set(KZ_CODES.values()) == _subunit_codes("KZ")
    assert len(pop.KZ_NAMES_RU) == len(pop.KZ_NAMES_KK) == 20
    assert pop.kz_layout(2016) < pop.kz_layout(2017) < pop.kz_layout(2022)


def test_kz_series_layouts_totals_and_csv(tmp_path: Path) -> None:
    counts = kz_series_counts()
    frame = pop.read_kz_pop_bns_2000_2023(write_kz_series(tmp_path / "series"))
    units = frame.groupby("year")["code"].nunique()
    assert units.to_dict() == {
        **dict.fromkeys(range(2000, 2017), 16),
        **dict.fromkeys(range(2017, 2022), 17),
        **dict.fromkeys(range(2022, 2024), 20),
    }
    assert (frame.groupby("year")["layout_units"].first() == units).all()
    assert len(frame) == 397
    assert _value(frame, "KZ-ALA", 2023) == counts[("г. Алматы", 2023)]
    assert (frame["date"] == pd.to_datetime(frame["year"].astype(str) + "-01-01")).all()
    assert set(frame.loc[frame["year"] == 2016, "code"]).isdisjoint({"KZ-SHY", "KZ-ABY"})
    assert set(frame["source_id"]) == {"kz_pop_regions_bns_2000_2023"}


def test_kz_series_errors_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_kz_series(tmp_path / "series")
    names = {k: v for k, v in pop.KZ_NAMES_RU.items() if k != "Жетісу"}
    monkeypatch.setattr(pop, "KZ_NAMES_RU", names)
    # sheet rows: 1 years, 2 total, then the regions in KZ_NAMES_RU's order (Жетісу is the 8th)
    with pytest.raises(DataValidationError, match=r"row 10: region 'Жетісу' unknown"):
        pop.read_kz_pop_bns_2000_2023(folder)
    monkeypatch.undo()
    path = folder / "kazpop.csv"
    value = kz_series_counts()[("г. Алматы", 2023)]
    path.write_text(
        path.read_text().replace(f"г. Алматы,2023,{value}.0", f"г. Алматы,2023,{value + 1}.0")
    )
    with pytest.raises(
        DataValidationError,
        match=rf"kazpop.csv: line \d+: г. Алматы 2023 = {value + 1}.0; the workbook has {value}",
    ):
        pop.read_kz_pop_bns_2000_2023(folder)


def test_kz_series_units_must_sum_to_the_total(tmp_path: Path) -> None:
    counts = kz_series_counts()
    folder = write_kz_series(tmp_path / "series", counts)
    rows = pop._sheet(folder / "source.xlsx", "Все население")
    rows[1][24] += 5  # the national total on 1 January 2023
    write_xlsx(folder / "source.xlsx", {"Все население": rows})
    with pytest.raises(
        DataValidationError, match=r"1 January 2023: units sum to \d+; the national"
    ):
        pop.read_kz_pop_bns_2000_2023(folder)


def _bulletin_counts() -> dict[str, int]:
    """The bulletin's made-up counts: the series' 2023 value of each unit, by Kazakh name."""
    series = kz_series_counts()
    by_code = {code: series[(ru, 2023)] for ru, code in pop.KZ_NAMES_RU.items()}
    return {kk: by_code[code] for kk, code in pop.KZ_NAMES_KK.items()}


def test_kz_bulletin_and_combined(tmp_path: Path) -> None:
    counts = _bulletin_counts()
    bulletin = pop.read_kz_pop_20230101(write_kz_bulletin(tmp_path / "bulletin", counts))
    assert len(bulletin) == 20
    assert _value(bulletin, "KZ-YUZ", 2023) == counts["Түркістан облысы"]
    assert bulletin["population"].sum() == sum(counts.values())
    folders = {
        "kz_pop_regions_bns_2000_2023": write_kz_series(tmp_path / "series"),
        "kz_pop_regions_20230101": tmp_path / "bulletin",
    }
    series = pop.kz_population(folders)
    assert series.equals(pop.read_kz_pop_bns_2000_2023(folders["kz_pop_regions_bns_2000_2023"]))
    # the bulletin may differ from the series by 0.1 % at most
    counts["Ұлытау"] = int(counts["Ұлытау"] * 1.002)
    write_kz_bulletin(tmp_path / "bulletin", counts)
    with pytest.raises(
        DataValidationError, match=r"KZ-ULT: 1 January 2023: .* more than 0.1% apart"
    ):
        pop.kz_population(folders)
    with pytest.raises(
        DataValidationError, match=r"no folder given for source 'kz_pop_regions_20230101'"
    ):
        pop.kz_population({"kz_pop_regions_bns_2000_2023": folders["kz_pop_regions_bns_2000_2023"]})


def test_kz_bulletin_unknown_region_is_named(tmp_path: Path) -> None:
    folder = write_kz_bulletin(tmp_path / "bulletin", _bulletin_counts())
    path = folder / "city_population.csv"
    path.write_text(path.read_text().replace("Jetisu Region", "Jetisu Oblys"))
    # lines: 1 header, 2 the republic, then the regions in KZ_NAMES_KK's order (Жетісу is 8th)
    with pytest.raises(DataValidationError, match=r"line 10: region 'Jetisu Oblys' unknown"):
        pop.read_kz_pop_20230101(folder)


# -- Germany -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def de_folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("de_pop")
    return {
        "de_pop_laender_12411_0012": write_de_by_age(root / "by_age"),
        "de_pop_laender_12411_0010_1958_2018": write_de_totals(root / "totals"),
    }


def test_de_basis_units_and_overlap(de_folders: dict[str, Path]) -> None:
    frame = pop.de_population(de_folders)
    assert _value(frame, "DE-HB", 2020) == de_land_population(4, 2020)  # Bremen: 5th
    assert set(frame.loc[frame["year"] == 2010, "basis"]) == {"before_zensus_2011"}
    assert set(frame.loc[frame["year"] == 2011, "basis"]) == {"zensus_2011"}
    units = frame.groupby("year")["code"].nunique()
    assert set(units.loc[:1989]) == {11}
    assert set(units.loc[1990:]) == {16}
    assert list(units.index) == list(range(1967, 2024))
    assert len(frame) == 11 * 23 + 16 * 34
    assert (frame["date"].dt.strftime("%m-%d") == "12-31").all()
    assert set(frame["code"]) == _subunit_codes("DE") == set(pop.DE_LAND_CODES.values())
    totals = pop.read_de_pop_12411_0010(de_folders["de_pop_laender_12411_0010_1958_2018"])
    assert len(totals) == 11 * 32 + 16 * 29


def test_de_disagreement_is_named(de_folders: dict[str, Path], tmp_path: Path) -> None:
    copy = _copy(de_folders["de_pop_laender_12411_0010_1958_2018"], tmp_path)
    path = copy / "12411-0010.csv"
    lines = path.read_bytes().decode("latin-1").split("\n")
    bremen = next(i for i, line in enumerate(lines) if line.startswith("Bremen;"))
    cells = lines[bremen].split(";")
    value = de_land_population(4, 1967)
    assert cells[10] == str(value)  # 31.12.1967, the first year both tables have
    cells[10] = str(value + 1)
    lines[bremen] = ";".join(cells)
    path.write_bytes("\n".join(lines).encode("latin-1"))
    changed = {**de_folders, "de_pop_laender_12411_0010_1958_2018": copy}
    with pytest.raises(DataValidationError, match=rf"DE-HB 1967: {value} .* vs {value + 1}"):
        pop.de_population(changed)


def test_de_bad_files_are_refused(de_folders: dict[str, Path], tmp_path: Path) -> None:
    copy = _copy(de_folders["de_pop_laender_12411_0012"], tmp_path)
    path = copy / "12411-0012.csv"
    text = path.read_bytes()
    path.write_bytes(text[: len(text) // 2])
    with pytest.raises(DataValidationError, match=r"12411-0012.csv: no GENESIS footer"):
        pop.read_de_pop_12411_0012(copy)
    path.write_bytes(text.replace(b"GENESIS-Tabelle: 12411-0012", b"GENESIS-Tabelle: 12411-0099"))
    with pytest.raises(DataValidationError, match=r"line 1: found 'GENESIS-Tabelle: 12411-0099'"):
        pop.read_de_pop_12411_0012(copy)
    # an age that does not add up to 'Insgesamt'
    lines = text.decode("latin-1").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("31.12.1999;0-"))
    cells = lines[first].split(";")
    cells[2] = str(int(cells[2]) + 1)  # Baden-Württemberg
    lines[first] = ";".join(cells)
    path.write_bytes("\n".join(lines).encode("latin-1"))
    with pytest.raises(
        DataValidationError, match=r"31.12.1999, Baden-Württemberg: ages sum to \d+; 'Insgesamt'"
    ):
        pop.read_de_pop_12411_0012(copy)


# -- England and Wales ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ew_folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_ew_population(tmp_path_factory.mktemp("ew_pop"))


def test_ew_editions_codes_and_subtotals(ew_folders: dict[str, Path]) -> None:
    p9 = pop.read_ew_pfa_pop_mar2018(ew_folders["ew_pfa_crime_tables_ye_mar2018"])
    codes = list(PFA_NAMES)
    assert _value(p9, "E23000005", 2016) == ew_pfa_population(codes.index("E23000005"), 2016)
    assert p9.attrs["dropped_subtotals"] == ["E12000001", "E92000001", "K04000001", "W92000004"]
    jun = pop.read_ew_pfa_pop_jun2019(ew_folders["ew_pfa_crime_tables_ye_jun2019"])
    assert jun.set_index("code").loc["E23000006", "name"] == "Cheshire"  # 'Cheshire10'
    frame = pop.ew_population(ew_folders)
    assert frame.groupby("year")["code"].nunique().to_dict() == dict.fromkeys(range(2002, 2019), 43)
    assert set(frame["code"]) == set(PFA_NAMES) == _subunit_codes("UK-EW")
    assert (frame["date"].dt.strftime("%m-%d") == "06-30").all()


def test_ew_missing_force_and_wrong_names_are_named(
    ew_folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = pop._sheet

    def without_cumbria(path: Path, sheet: str) -> list[list[Any]]:
        return [row for row in original(path, sheet) if row[0] != "E23000002"]

    monkeypatch.setattr(pop, "_sheet", without_cumbria)
    with pytest.raises(JoinError, match=r"'Table P3' lacks police force areas E23000002 Cumbria"):
        pop.read_ew_pfa_pop_jun2019(ew_folders["ew_pfa_crime_tables_ye_jun2019"])

    def misnamed(path: Path, sheet: str) -> list[list[Any]]:
        rows = original(path, sheet)
        return [[r[0], "Lancashire", *r[2:]] if r[0] == "E23000002" else r for r in rows]

    monkeypatch.setattr(pop, "_sheet", misnamed)
    with pytest.raises(
        DataValidationError, match=r"name 'Lancashire' is not E23000002 \(Cumbria\)"
    ):
        pop.read_ew_pfa_pop_jun2019(ew_folders["ew_pfa_crime_tables_ye_jun2019"])


def test_ew_edition_without_its_sheet(tmp_path: Path) -> None:
    file = pop.EW_SOURCES["ew_pfa_crime_tables_ye_mar2019"][0]
    write_xlsx(tmp_path / file, {"Table P4": [["x"]]})
    with pytest.raises(
        DataValidationError, match=r"no single sheet 'Table P3'; sheets: \['Table P4'\]"
    ):
        pop.read_ew_pfa_pop_mar2019(tmp_path)


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


def _us_frame(rows: list[tuple[str, int, int]], vintage: int) -> pd.DataFrame:
    """A frame as the Census readers return, from (Census name, year, population)."""
    records = []
    for name, year, population in rows:
        city, state = pop.split_census_place(name)
        records.append(
            {"code": pop.us_place_code(name), "city_key": pop.us_city_key(city, state),
             "name": name, "city": city, "state": state, "year": year,
             "date": pd.Timestamp(f"{year}-07-01"), "population": population,
             "source_id": f"v{vintage}", "vintage": vintage,
             "census_base": 2010 if vintage == 2019 else 2020}
        )  # fmt: skip
    frame = pd.DataFrame(records)
    if vintage == 2023:
        frame["ambiguous"] = frame.duplicated(["code", "year"], keep=False)
    return frame


def test_us_series_splices_vintages_and_joins_cities(monkeypatch: pytest.MonkeyPatch) -> None:
    places = ["Chicago city, Illinois", "Urban Honolulu CDP, Hawaii", "Waukesha city, Wisconsin"]
    old = _us_frame([(p, y, 1000 + y) for p in places for y in range(2010, 2020)], 2019)
    new = _us_frame(
        [(p, y, 2000 + y) for p in places for y in range(2020, 2024)]
        + [("Reno city, Texas", 2020, 5), ("Reno city, Texas", 2020, 6)],  # printed twice
        2023,
    )
    monkeypatch.setattr(pop, "read_us_city_pop_v2019", lambda folder: old.copy())
    monkeypatch.setattr(pop, "read_us_city_pop_v2023", lambda folder: new.copy())
    folders = {"us_city_pop_v2019_annrnk": Path("a"), "us_city_pop_v2023": Path("b")}
    cities = pd.DataFrame({"city": ["Chicago", "Honolulu"], "state": ["US-IL", "Hawaii"]})
    frame = pop.us_city_population(folders, cities=cities)
    assert frame["city_key"].nunique() == 2
    assert frame.groupby("code")["year"].apply(list).map(len).eq(14).all()
    assert set(frame.loc[frame["year"] <= 2019, "vintage"]) == {2019}
    assert set(frame.loc[frame["year"] >= 2020, "vintage"]) == {2023}
    assert list(frame.loc[frame["city"] == "Honolulu", "name"].unique()) == [
        "Urban Honolulu CDP, Hawaii"
    ]
    missing = pd.concat([cities, pd.DataFrame({"city": ["Gotham"], "state": ["US-NY"]})])
    with pytest.raises(JoinError, match=r"no place of 50,000\+ for \['Gotham, US-NY'\]"):
        pop.us_city_population(folders, cities=missing)
    lost = new.loc[new["name"] != "Waukesha city, Wisconsin"]
    monkeypatch.setattr(pop, "read_us_city_pop_v2023", lambda folder: lost.copy())
    with pytest.raises(JoinError, match=r"no unambiguous row for 1 places: \['Waukesha city"):
        pop.us_city_population(folders)


def test_us_truncated_or_cut_workbooks_are_refused(tmp_path: Path) -> None:
    rows = [["title"], [], [], ["Rank", "Geographic Area", "Census", "Base", *range(2010, 2020)]]
    rows += [[1, "Chicago city, Illinois", 1, 1, *range(10)]]
    path = write_xlsx(tmp_path / "SUB-IP-EST2019-ANNRNK.xlsx", {"SUB-IP-EST2019-ANNRNK": rows})
    with pytest.raises(DataValidationError, match=r"5 rows; expected place rows 5-792 followed by"):
        pop.read_us_city_pop_v2019(tmp_path)
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(DataValidationError, match=r"SUB-IP-EST2019-ANNRNK.xlsx: not a readable"):
        pop.read_us_city_pop_v2019(tmp_path)
