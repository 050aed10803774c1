"""Small synthetic inputs with the layout of the real external files, written to ``tmp_path``.

The readers' logic and error paths are tested on these, so those tests need neither the mirror nor
a network. The values are made up (labelled as such wherever they end up); only the layout --
file names, sheet names, header cells, columns, codes -- follows the real files, as the reader
modules document it. The checks of values in the real files are in the ``test_real_files_*``
tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from policingstudy.data.readers.us import ROLES

Rows = Sequence[Sequence[Any]]


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    """Write a workbook with one worksheet per entry (rows from row 1, ``None`` = empty cell)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, Rows]) -> Path:
    """Write an OpenDocument spreadsheet (odfpy through pandas), rows from row 1."""
    import pandas as pd

    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            width = max((len(r) for r in rows), default=1)
            padded = [[*r, *[None] * (width - len(r))] for r in rows]
            pd.DataFrame(padded).to_excel(writer, sheet_name=name, header=False, index=False)
    return path


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8", sep: str = ",") -> Path:
    """Write rows as CSV (quoting only where needed), ``\\n`` line ends."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
        writer.writerows(rows)
    return path


def square(x: float, y: float, size: float = 1.0) -> dict[str, Any]:
    """A GeoJSON polygon: the square with lower-left corner (x, y)."""
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def squares(
    properties: Iterable[dict[str, Any]], *, origin: tuple[float, float], size: float = 1.0
):  # noqa: ANN201
    """GeoJSON features: one square per property set, in a row from ``origin``."""
    x0, y0 = origin
    return [
        {"type": "Feature", "properties": props, "geometry": square(x0 + i * size, y0, size)}
        for i, props in enumerate(properties)
    ]


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    """Write a FeatureCollection (WGS84, no ``crs`` member)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return path


# -- Germany: PKS basic table by Land ------------------------------------------------------------

PKS_HEADER_2022 = [
    "Schlüssel",
    "Straftat",
    "Bundesland",
    "Anzahl erfasste Fälle",
    "HZ",
    "",
    "",
    "Aufklärung",
    "",
    "",
    "",
    "",
]


def pks_row(key: str, offence: str, land: str, cases: Any, cleared: Any, rate: Any) -> list[Any]:
    """A data row of the 2020-2023 layout (cases in column 4, cleared 8, rate 9)."""
    return [key, offence, land, cases, 1.0, "", "", cleared, rate, "", "", ""]


def pks_rows_2022(keys: Sequence[str], lands: Sequence[str]) -> list[list[Any]]:
    """Made-up counts for every key and Land, consistent with their clearance rates."""
    rows = []
    for i, key in enumerate(keys):
        for j, land in enumerate(lands):
            cases = 10 * (i + 1) + j
            cleared = cases // 2
            rows.append(pks_row(key, f"Straftat\xa0{key}", land, float(cases),
                                float(cleared), round(100 * cleared / cases, 2)))  # fmt: skip
    return rows


# -- United States: the UChicago survey -----------------------------------------------------------

SURVEY_CITIES = [
    # id, name, state, rank, population, latitude, longitude (made up except names and states)
    (1, "New York", "New York", 1, 8_400_000, 40.7, -74.0),
    (2, "Chicago", "Illinois", 2, 2_700_000, 41.9, -87.6),
    (3, "Honolulu", "Hawaii", 3, 350_000, 21.3, -157.9),
    (4, "Minneapolis", "Minnesota", 4, 400_000, 45.0, -93.3),
    (5, "Anchorage", "Alaska", 5, 300_000, 61.2, -149.9),
]
SURVEY_AGENCIES = [
    # id, name, city_id, dep_city, dep_state, established, amended, primary_role, flags
    (1, "Civilian Board A", 1, "New York", "NY", 1953, 1993, "Investigative", ("investigative",)),
    (2, "Police Board B", 2, "Chicago", "IL", 2007, None, "Review", ("review",)),
    (3, "Commission C", 3, "Honolulu", "HA", 1932, None, "Adjuticative", ("adjudicative",)),
    (4, "Review Office D", 4, "Minneapolis", "MI", None, None, "Audit", ("audit", "review")),
    (5, "Panel E", 2, "Chicago", "IL", 2016, None, None, ()),
]
SURVEY_ROLES = ROLES  # the survey's role columns, as the reader names them


def write_survey(folder: Path, *, agencies: list[dict] | None = None) -> Path:
    """``agencies.json`` and ``cities.json`` in the UChicago survey's layout (made-up content).

    The quirks of the real files are kept: the misspelt role 'Adjuticative', Honolulu's state
    'HA' and Minneapolis's 'MI', an agency without a role and agencies without a year.
    """
    folder.mkdir(parents=True, exist_ok=True)
    cities = [
        {"id": i, "name": name, "state": state, "rank": rank, "population": pop, "growth": 0.01,
         "latitude": lat, "longitude": lon}
        for i, name, state, rank, pop, lat, lon in SURVEY_CITIES
    ]  # fmt: skip
    if agencies is None:
        agencies = [
            {"id": i, "name": name, "city_id": city, "dep_city": dep_city, "dep_state": state,
             "established_year": est, "amended_year": amended, "primary_role": role,
             "description": f"Synthetic agency {i}.",
             **{r: int(r in flags) for r in SURVEY_ROLES}}
            for i, name, city, dep_city, state, est, amended, role, flags in SURVEY_AGENCIES
        ]  # fmt: skip
    (folder / "agencies.json").write_text(json.dumps(agencies, indent=1), encoding="utf-8")
    (folder / "cities.json").write_text(json.dumps(cities, indent=1), encoding="utf-8")
    return folder


# -- Kazakhstan: regional crime (qamqor) and form 1-SNG -------------------------------------------

# English names as the qamqor files spell them (file stems of the 1-SNG workbooks)
KZ_REGION_NAMES = [
    "Abay region", "Akmola region", "Aktobe region", "Almaty city", "Almaty region",
    "Astana city", "Atyrau region", "East Kazakhstan region", "Jambyl region", "Jetisu region",
    "Karaganda region", "Kostanay region", "Kyzylorda region", "Mangystau region",
    "North Kazakhstan region", "Pavlodar region", "Shymkent city", "Turkistan region",
    "Ulytau region", "West Kazakhstan region",
]  # fmt: skip


def write_kz_crime(folder: Path, offences: dict[str, int] | None = None) -> Path:
    """``comb.csv`` and ``clearance-rate-divided.csv`` with made-up, consistent counts."""
    offences = offences or {name: 1000 + 10 * i for i, name in enumerate(KZ_REGION_NAMES)}
    persons = {name: count // 4 for name, count in offences.items()}
    write_csv(folder / "comb.csv", [["Region", "Value"], *offences.items()])
    ratio = [
        [i, name, persons[name], count, persons[name] / count]
        for i, (name, count) in enumerate(offences.items())
    ]
    header = ["", "Region", "clearance-rate", "crime-rate", "clearance-rate-divided"]
    write_csv(folder / "clearance-rate-divided.csv", [header, *ratio])
    return folder


SNG1_HEADER = [
    "Наименование", None, None, None,
    "Кол-во правонарушений, зарегистрированных ЕРДР в отчетном периоде",
    "в том числе, в отношении граждан из других государств СНГ",
    "Количество правонарушений, уголовные дела о которых окончены производством",
    "в том числе, совершенных гражданами других государств СНГ",
    "Осталось правонарушений, по которым впервые прерваны сроки",
    "Выявлено лиц, совершивших уголовные правонарушения",
]  # fmt: skip


def sng1_rows(seed: int) -> list[list[Any]]:
    """Sheet R1 of a 1-SNG workbook: title, header, column numbers and three form lines."""
    return [
        ['Форма № СНГ-1 "Сведения о состоянии преступности"'],
        [],
        SNG1_HEADER,
        ["А", None, None, "Б", 1, 2, 3, 4, 5, 6],
        ["Всего", None, None, 1, 100 + seed, 1, 40, 0, 10, 30 + seed],
        ["Уголовные правонарушения по статьям УК", "Убийство", None, 2, 3, 0, 2, 0, 0, 2],
        [None, "связанных с оборотом", "оружия (ст. 287 УК)", 3, 5, 0, 4, 0, 1, seed],
    ]


def write_kz_sng1(folder: Path, names: Sequence[str] = KZ_REGION_NAMES) -> Path:
    """One '<Region>.XLSX' workbook per region, each with a small sheet R1."""
    for seed, name in enumerate(names):
        write_xlsx(folder / f"{name}.XLSX", {"R1": sng1_rows(seed)})
    return folder


# -- Population: Kazakhstan (BNS) ----------------------------------------------------------------


def kz_series_counts() -> dict[tuple[str, int], int]:
    """Made-up population of every unit (Russian name) and year, in each year's BNS layout."""
    from policingstudy.data.readers.population import KZ_NAMES_RU, kz_layout

    counts = {}
    for year in range(2000, 2024):
        units = kz_layout(year)
        for i, (name, code) in enumerate(KZ_NAMES_RU.items()):
            if code in units:
                counts[(name, year)] = 500_000 + 1000 * i + (year - 2000)
    return counts


def write_kz_series(folder: Path, counts: dict[tuple[str, int], int] | None = None) -> Path:
    """``source.xlsx`` (sheet 'Все население', '-' where a unit did not exist) and ``kazpop.csv``."""
    from policingstudy.data.readers.population import KZ_NAMES_RU, KZ_TOTAL_RU

    counts = counts if counts is not None else kz_series_counts()
    years = list(range(2000, 2024))
    totals = {y: sum(v for (_, year), v in counts.items() if year == y) for y in years}
    sheet: list[list[Any]] = [["", *years], [KZ_TOTAL_RU + " ", *(totals[y] for y in years)]]
    for name in KZ_NAMES_RU:
        sheet.append([name, *(counts.get((name, y), "-") for y in years)])
    write_xlsx(folder / "source.xlsx", {"Все население": sheet})
    lines: list[list[Any]] = [["Область", "Год", "Население"]]
    lines += [[KZ_TOTAL_RU, y, f"{totals[y]}.0"] for y in years]
    lines += [[name, y, f"{v}.0"] for (name, y), v in sorted(counts.items())]
    write_csv(folder / "kazpop.csv", lines)
    return folder


# English names of the bulletin's CSV, in the bulletin's order (Kazakh names: KZ_NAMES_KK)
KZ_BULLETIN_ENGLISH = {
    "Абай": "Abai Region", "Ақмола": "Akmola Region", "Ақтөбе": "Aktobe Region",
    "Алматы": "Almaty Region", "Атырау": "Atyrau Region", "Батыс Қазақстан": "West Kazakhstan Region",
    "Жамбыл": "Jambyl Region", "Жетісу": "Jetisu Region", "Қарағанды": "Karaganda Region",
    "Қостанай": "Kostanay Region", "Қызылорда": "Kyzylorda Region", "Маңғыстау": "Mangystau Region",
    "Павлодар": "Pavlodar Region", "Солтүстік Қазақстан": "North Kazakhstan Region",
    "Түркістан облысы": "Turkistan Region", "Ұлытау": "Ulytau Region",
    "Шығыс Қазақстан": "East Kazakhstan Region", "Астана қаласы": "Astana city",
    "Алматы қаласы": "Almaty city", "Шымкент қаласы": "Shymkent city",
}  # fmt: skip


def write_kz_bulletin(folder: Path, counts: dict[str, int]) -> Path:
    """``source.xlsx`` (sheet '01', data from row 6) and ``city_population.csv`` (21 rows)."""
    from policingstudy.data.readers.population import KZ_NAMES_KK, KZ_TOTAL_KK

    total = sum(counts[name] for name in KZ_NAMES_KK)
    sheet: list[list[Any]] = [["Бюллетень"], [], [], [], ["", "Барлығы"], [KZ_TOTAL_KK, total]]
    sheet += [[name, counts[name]] for name in KZ_NAMES_KK]
    write_xlsx(folder / "source.xlsx", {"01": sheet})
    rows: list[list[Any]] = [["Region", "Total"], ["The Republic of Kazakhstan", total]]
    rows += [[KZ_BULLETIN_ENGLISH[name], counts[name]] for name in KZ_NAMES_KK]
    write_csv(folder / "city_population.csv", rows)
    return folder


# -- Population: Germany (Destatis GENESIS exports) -----------------------------------------------


def de_land_population(land_index: int, year: int) -> int | None:
    """Made-up population of Land number ``land_index`` (alphabetical) on 31 December."""
    from policingstudy.data.readers.population import DE_EAST, DE_LAND_CODES

    name = list(DE_LAND_CODES)[land_index]
    if year < 1990 and name in DE_EAST:
        return None
    return 91 * (1000 + 10 * land_index + (year - 1950))


def _genesis(table: str, title: str, header: list[str], data: list[list[str]]) -> bytes:
    lines = [
        f"GENESIS-Tabelle: {table}",
        f"{title};",
        "Fortschreibung des Bevölkerungsstandes;",
        "Bevölkerungsstand (Anzahl);",
        ";".join(["", *(["Bundesländer"] * (len(header) - 1))]),
        ";".join(header),
        *(";".join(line) for line in data),
        "__________",
        '"Berlin: bis 1989 nur Berlin-West."',
        "© Statistisches Bundesamt (Destatis), synthetic test file",
        "Stand: 01.01.2024 / 00:00:00",
    ]
    return ("\n".join(lines) + "\n").encode("latin-1")


def write_de_by_age(folder: Path) -> Path:
    """``12411-0012.csv``: 91 single ages and 'Insgesamt' per date, 1967-2023 (made up)."""
    from policingstudy.data.readers.population import DE_LAND_CODES

    lands = list(DE_LAND_CODES)
    data = []
    for year in range(1967, 2024):
        for age in [*range(91), "Insgesamt"]:
            cells = []
            for i in range(16):
                total = de_land_population(i, year)
                cells.append(
                    "-" if total is None else str(total if age == "Insgesamt" else total // 91)
                )
            label = "Insgesamt" if age == "Insgesamt" else f"{age}-Jährige"
            data.append([f"31.12.{year}", label, *cells])
    text = _genesis("12411-0012", "Bevölkerung: Bundesländer, Stichtag, Altersjahre",
                    ["", "", *lands], data)  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "12411-0012.csv").write_bytes(text)
    return folder


def write_de_totals(folder: Path) -> Path:
    """``12411-0010.csv``: one line per Land, 31.12.1958-31.12.2018 (made up, as above)."""
    from policingstudy.data.readers.population import DE_LAND_CODES

    years = range(1958, 2019)
    data = []
    for i, name in enumerate(DE_LAND_CODES):
        values = [de_land_population(i, y) for y in years]
        data.append([name, *("-" if v is None else str(v) for v in values)])
    header = ["", *(f"31.12.{y}" for y in years)]
    text = _genesis("12411-0010", "Bevölkerung: Bundesländer, Stichtag", header, data)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "12411-0010.csv").write_bytes(text)
    return folder


# -- Population: England and Wales (ONS police force area tables) --------------------------------


def ew_pfa_population(code_index: int, year: int) -> int:
    """Made-up mid-year population of police force area number ``code_index``, rounded to 100."""
    return 100 * (5000 + 100 * code_index + (year - 2000))


def _ons_rows(columns: list[Any], years: list[int], *, footnotes: bool = False) -> list[list[Any]]:
    from policingstudy.data.readers.ew import PFA_NAMES

    areas = [[code, name + ("10" if footnotes and code == "E23000006" else "")]
             for code, name in PFA_NAMES.items()]  # fmt: skip
    values = [[ew_pfa_population(i, y) for y in years] for i in range(len(areas))]
    total = [sum(v[k] for v in values) for k in range(len(years))]
    rows: list[list[Any]] = [["Police force area tables (synthetic)"], [], [], []]
    rows.append(["Area Code", "Area Name", *columns])
    rows.append(["K04000001", "England and Wales", *total])
    rows.append(["E92000001", "England", *total])  # a subtotal: dropped
    rows.append(["E12000001", "North East", *total])
    rows += [[*area, *vals] for area, vals in zip(areas, values, strict=True)]
    rows.append(["W92000004", "Wales", *total])
    return rows


def write_ew_population(root: Path) -> dict[str, Path]:
    """The three ONS editions the population reader uses, as ``{source_id: folder}``."""
    from policingstudy.data.readers.population import EW_SOURCES

    (mar2018, p9), (mar2019, _), (jun2019, _) = EW_SOURCES.items()
    folders = {sid: root / sid for sid in EW_SOURCES}
    write_xlsx(
        folders[mar2018] / p9[0],
        {
            "Table P9": _ons_rows(list(range(2002, 2017)), list(range(2002, 2017))),
            "Table P3": _ons_rows(["Population figures (mid-2016)"], [2016]),
        },
    )
    write_xlsx(
        folders[mar2019] / EW_SOURCES[mar2019][0],
        {"Table P3 ": _ons_rows(["Population figures (mid-2017)"], [2017])},
    )
    write_xlsx(
        folders[jun2019] / EW_SOURCES[jun2019][0],
        {"Table P3": _ons_rows(["Population figures (mid-2018)"], [2018], footnotes=True)},
    )
    return folders


# -- England and Wales: IOPC, PCC holders, workforce, Taser, recorded crime -------------------------

IOPC_YEARS = [f"{y % 100:02d}/{(y + 1) % 100:02d}" for y in range(2004, 2020)]


def iopc_rows(authorities: dict[str, list[int]]) -> list[list[Any]]:
    """Rows Authority, 16 financial years, Total (the sum)."""
    return [[name, *counts, sum(counts)] for name, counts in authorities.items()]


def iopc_authorities() -> dict[str, list[int]]:
    """Made-up deaths: most forces (by IOPC spellings), a joint incident and a national body.

    Wiltshire is left out: an absent force had no death in any year.
    """
    from policingstudy.data.readers.ew import PFA_NAMES

    names = {code: name for code, name in PFA_NAMES.items() if code != "E23000038"}
    names["E23000036"] = "Avon & Somerset"
    names["E23000034"] = "City of London"
    rows = {name: [(i + k) % 3 for k in range(16)] for i, name in enumerate(names.values())}
    rows["Surrey & Metropolitan"] = [0] * 13 + [1, 0, 0]
    rows["British Transport Police"] = [1] + [0] * 15
    return rows


def write_iopc_csv(folder: Path, authorities: dict[str, list[int]] | None = None) -> Path:
    """``fatalities.csv`` of an IOPC deaths-by-force source."""
    rows = iopc_rows(authorities or iopc_authorities())
    write_csv(folder / "fatalities.csv", [["Authority", *IOPC_YEARS, "Total"], *rows])
    return folder


def write_iopc_ods(folder: Path, sheet: str, authorities: dict[str, list[int]]) -> Path:
    """``Time_series_tables_2019-20.ods`` with one category sheet in the IOPC layout.

    The count of the first authority in 2018/19 carries a revision marker ('~').
    """
    body = iopc_rows(authorities)
    body[0][15] = f"{body[0][15]}~"
    rows: list[list[Any]] = [
        ["Deaths (synthetic)"], [], [],
        ["Table 3.5 Number of  FATALITIES by appropriate authority and financial year"],
        ["Appropriate authority", "Financial year", *[None] * 15, "Total"],
        [None, *IOPC_YEARS, None],
        *body,
        ["Total", *[None] * 17],
    ]  # fmt: skip
    return write_ods(folder / "Time_series_tables_2019-20.ods", {sheet: rows})


def write_pcc_party(folder: Path) -> Path:
    """``pcc_list_by_year.xlsx``, sheet 'wider': 42 force areas x 2012-2024, made-up parties."""
    from policingstudy.data.readers.ew import PFA_NAMES

    parties = ["Conservative", "Labour", "Independent ", "Plaid Cymru"]
    rows: list[list[Any]] = [["Name in dataset", *range(2012, 2025)]]
    for i, (code, name) in enumerate(PFA_NAMES.items()):
        if code == "E23000034":  # City of London: no PCC
            continue
        rows.append([name + " ", *(parties[(i + y) % 4] for y in range(13))])
    write_xlsx(folder / "pcc_list_by_year.xlsx", {"wider": rows, "Sheet1": [["x"]]})
    return folder


def write_workforce(folder: Path, year: int, *, forces: int = 43) -> Path:
    """A Home Office workforce release (ODS, Table_1) with the region of the same name first."""
    import datetime

    from policingstudy.data.readers.ew import PFA_NAMES, WORKFORCE_FILES

    dates = [datetime.datetime(year - 1, 9, 30), datetime.datetime(year, 3, 31),
             datetime.datetime(year, 9, 30)]  # fmt: skip
    rows: list[list[Any]] = [
        [f"Table 1: Police officers by police force area, England and Wales ({year}, FTE)"],
        [], ["England and Wales"], [None, "As at:"], [],
        [None, *dates, "number"],
        ["West Midlands ", 9999.0, 9999.0, 9999.0, 0.0],  # the region, before the force
    ]  # fmt: skip
    for i, name in enumerate(list(PFA_NAMES.values())[:forces]):
        label = f"{name}1" if i == 0 else name  # a footnote digit
        rows.append([label, 1000.0 + i, 1001.0 + i, 1002.0 + i, 2.0])
    rows += [["British Transport Police", 3000.0, 3001.0, 3002.0, 2.0],
             ["Central Service Secondments", 300.0, 301.0, 302.0, 2.0]]  # fmt: skip
    write_ods(folder / WORKFORCE_FILES[year], {"Table_1": rows})
    return folder


# -- Boundaries: squares carrying the real codes ---------------------------------------------------


def grid(n: int, *, origin: tuple[float, float], size: float, columns: int) -> list[dict[str, Any]]:
    """``n`` GeoJSON squares in rows of ``columns`` from ``origin`` (longitude, latitude)."""
    x0, y0 = origin
    return [square(x0 + (i % columns) * size, y0 + (i // columns) * size, size) for i in range(n)]


def _features(records: list[dict[str, Any]], shapes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"type": "Feature", "properties": props, "geometry": shape}
        for props, shape in zip(records, shapes, strict=True)
    ]


def _write_shapefile(
    path: Path, records: list[dict[str, Any]], shapes: list[dict[str, Any]]
) -> None:
    import geopandas as gpd

    frame = gpd.GeoDataFrame.from_features(_features(records, shapes), crs="EPSG:4326")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_file(path, driver="ESRI Shapefile", encoding="utf-8")


def kz_boundary_records(codes: list[str]) -> list[dict[str, Any]]:
    """geokz fields for the given ISO codes (names made up: 'Region ALA', 'Өңір ALA' ...)."""
    return [
        {"ISO_3166_2": code, "ADM1_EN": f"Region {code[3:]}", "ADM1_KK": f"Өңір {code[3:]}",
         "ADM1_RU": f"Регион {code[3:]}", "KATO": f"{10 + i}0000000"}
        for i, code in enumerate(codes)
    ]  # fmt: skip


def us_state_shapes() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Census-style records (STATE = FIPS, NAME) and squares; AK, HI and PR where they lie."""
    from policingstudy.data.readers.us import US_STATES

    places = {"AK": (-152.0, 60.0), "HI": (-157.5, 20.0), "PR": (-67.0, 18.0)}
    records, shapes, i = [], [], 0
    for usps, (fips, name) in US_STATES.items():
        records.append({"STATE": fips, "NAME": name, "GEO_ID": f"0400000US{fips}"})
        if usps in places:
            shapes.append(square(*places[usps], 1.0))
        else:
            shapes.append(square(-120.0 + (i % 12) * 3.5, 31.0 + (i // 12) * 3.5, 3.0))
            i += 1
    return records, shapes


def write_boundaries(root: Path) -> Path:
    """Every boundary file :mod:`policingstudy.data.geo` reads, laid out ``<source_id>/<file>``.

    The real codes of each set (geokz ISO codes, ONS PFA23CD, ISO Länder codes, Census FIPS)
    on small squares in WGS84 near the real places; names are made up for Kazakhstan.
    """
    from policingstudy.data.geo import DE_NAMES_EN
    from policingstudy.data.readers.ew import PFA_NAMES
    from policingstudy.data.readers.kz import KZ_CODES
    from policingstudy.data.readers.population import DE_LAND_CODES

    kz24 = sorted(KZ_CODES.values())
    kz18 = [c for c in kz24 if c not in {"KZ-ABY", "KZ-ZHT", "KZ-ULT"}]
    kz_grid = {"origin": (50.0, 42.0), "size": 3.0, "columns": 10}
    _write_shapefile(root / "kz_adm1_2024_geokz" / "kaz_admbnda_adm1_2024.shp",
                     kz_boundary_records(kz24), grid(20, **kz_grid))  # fmt: skip
    _write_shapefile(root / "kz_adm1_2018_geokz" / "kaz_admbnda_adm1_2018.shp",
                     kz_boundary_records(kz18), grid(17, **kz_grid))  # fmt: skip
    codab = [{"ADM1_PCODE": f"KAZ{i:03d}", "ADM1_EN": f"Region {i}"} for i in range(1, 21)]
    _write_shapefile(root / "kz_adm1_codab2023" / "kaz_admbnda_adm1_unhcr_2023.shp",
                     codab, grid(20, **kz_grid))  # fmt: skip
    write_geojson(root / "kz_adm1_codab2023_simplified" / "kz_adm1_2024.json",
                  _features(codab, grid(20, **kz_grid)))  # fmt: skip
    pfa = [{"PFA23CD": code, "PFA23NM": name} for code, name in PFA_NAMES.items()]
    write_geojson(root / "ew_pfa_2023" / "Police_Force_Areas.geojson",
                  _features(pfa, grid(43, origin=(-5.5, 50.0), size=0.6, columns=9)))  # fmt: skip
    de_names = {code: name for name, code in DE_LAND_CODES.items()}
    lander = [{"id": code, "name": de_names[code]} for code in DE_NAMES_EN]
    for file in ("3_mittel.geo.json", "4_niedrig.geo.json"):
        write_geojson(root / "de_laender" / file,
                      _features(lander, grid(16, origin=(6.0, 47.5), size=1.5, columns=6)))  # fmt: skip
    records, shapes = us_state_shapes()
    write_geojson(root / "us_states_census2010_20m" / "gz_2010_us_040_00_20m.json",
                  _features(records, shapes))  # fmt: skip
    leaflet = [{"name": r["NAME"], "density": 1.0} for r in records]
    write_geojson(root / "us_states" / "us-states.json", _features(leaflet, shapes))
    return root
