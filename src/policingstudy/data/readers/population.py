"""Population denominators: Kazakh regions, German Länder, E&W police force areas, US cities.

Every reader takes the folder of one source and returns one row per unit and reference date,
with the columns ``code``, ``name`` (as printed in the source, footnote markers removed),
``year``, ``date`` (the reference day, stated per country below), ``population`` (persons, int)
and ``source_id``, plus columns naming the series' layout, basis or vintage. Subtotals (national,
regional) are never returned; readers check the units against them where the file has them.
One function per country (:func:`kz_population`, :func:`de_population`, :func:`ew_population`,
:func:`us_city_population`) combines a country's sources into one series per unit and says how
overlaps and breaks are handled.

Reference days
    Kazakhstan: 1 January (BNS, 'на начало года'); Germany: 31 December (Destatis
    'Stichtag'); England and Wales: mid-year, 30 June (ONS mid-year estimates); United States:
    1 July (Census Bureau 'Population Estimate (as of July 1)').

Codes
    Kazakhstan: the geokz ISO 3166-2 codes of the boundary files (``KZ-ALA`` Almaty city,
    ``KZ-ALM`` Almaty region, ``KZ-YUZ`` Turkestan ...); Germany: ISO 3166-2 ``DE-xx``; England
    and Wales: ONS police force area codes (PFA23CD, ``E23000001`` ... ``W15000004``); United
    States: the place code of :func:`us_place_code` (the full Census name,
    ``US-TN:nashville-davidson metropolitan government (balance)``) and a ``city_key`` by
    common name (:func:`us_city_key`, ``US-TN:nashville-davidson``), which joins with the
    ``city`` and ``state`` of :func:`policingstudy.data.readers.us.read_largest_cities`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from policingstudy.core.errors import DataValidationError, JoinError
from policingstudy.data.readers._common import clean_text, need_file, raise_problems, sheet_values
from policingstudy.data.readers.de import LAND_CODES
from policingstudy.data.readers.ew import PFA_NAMES, pfa_code
from policingstudy.data.readers.kz import KZ_CODES, kz_region_code
from policingstudy.data.readers.us import STATE_BY_NAME
from policingstudy.data.schemas import validate


def _schema(
    code: pa.Column,
    years: tuple[int, int],
    extra: dict[str, pa.Column] | None = None,
    *,
    min_population: int = 1,
) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "code": code,
            "name": pa.Column(str, pa.Check.str_length(min_value=1)),
            "year": pa.Column(int, pa.Check.in_range(*years)),
            "date": pa.Column("datetime64[ns]"),
            "population": pa.Column(int, pa.Check.ge(min_population)),
            "source_id": pa.Column(str),
            **(extra or {}),
        },
        strict=True,
        unique=["code", "year"],
    )


def _need_source(folders: Mapping[str, Path], source_id: str) -> Path:
    if source_id not in folders:
        raise DataValidationError(
            [f"no folder given for source {source_id!r}; given: {sorted(folders)}"]
        )
    return Path(folders[source_id])


def _sheet(path: Path, sheet: str) -> list[list[Any]]:
    """:func:`sheet_values`, refusing a workbook that cannot be opened with its name."""
    from python_calamine import CalamineError

    try:
        return sheet_values(path, sheet)
    except CalamineError as error:
        raise DataValidationError(
            [f"{path}: not a readable workbook ({error}); truncated or damaged?"]
        ) from None


def _count(value: Any) -> int | None:
    """A whole, non-negative count from a spreadsheet or CSV cell, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value == int(value) and value >= 0:
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\d+", value.strip()):
        return int(value)
    return None


# -- Kazakhstan ------------------------------------------------------------------------------

KZ_SERIES_ID = "kz_pop_regions_bns_2000_2023"
KZ_BULLETIN_ID = "kz_pop_regions_20230101"
# Region names of the BNS series (Russian) and of the 1 January 2023 bulletin (Kazakh).
KZ_NAMES_RU: dict[str, str] = {
    "Абай": "KZ-ABY",
    "Акмолинская": "KZ-AKM",
    "Актюбинская": "KZ-AKT",
    "Алматинская": "KZ-ALM",
    "Атырауская": "KZ-ATY",
    "Западно-Казахстанская": "KZ-ZAP",
    "Жамбылская": "KZ-ZHA",
    "Жетісу": "KZ-ZHT",
    "Карагандинская": "KZ-KAR",
    "Костанайская": "KZ-KUS",
    "Кызылординская": "KZ-KZY",
    "Мангистауская": "KZ-MAN",
    "Павлодарская": "KZ-PAV",
    "Северо-Казахстанская": "KZ-SEV",
    "Туркестанская": "KZ-YUZ",
    "Ұлытау": "KZ-ULT",
    "Восточно-Казахстанская": "KZ-VOS",
    "г. Астана": "KZ-AST",
    "г. Алматы": "KZ-ALA",
    "г. Шымкент": "KZ-SHY",
}
KZ_NAMES_KK: dict[str, str] = {
    "Абай": "KZ-ABY",
    "Ақмола": "KZ-AKM",
    "Ақтөбе": "KZ-AKT",
    "Алматы": "KZ-ALM",
    "Атырау": "KZ-ATY",
    "Батыс Қазақстан": "KZ-ZAP",
    "Жамбыл": "KZ-ZHA",
    "Жетісу": "KZ-ZHT",
    "Қарағанды": "KZ-KAR",
    "Қостанай": "KZ-KUS",
    "Қызылорда": "KZ-KZY",
    "Маңғыстау": "KZ-MAN",
    "Павлодар": "KZ-PAV",
    "Солтүстік Қазақстан": "KZ-SEV",
    "Түркістан облысы": "KZ-YUZ",
    "Ұлытау": "KZ-ULT",
    "Шығыс Қазақстан": "KZ-VOS",
    "Астана қаласы": "KZ-AST",
    "Алматы қаласы": "KZ-ALA",
    "Шымкент қаласы": "KZ-SHY",
}
KZ_TOTAL_RU = "Республика Казахстан"
KZ_TOTAL_KK = "Қазақстан Республикасы"
# First year (1 January) of each published layout -> the units it has.
KZ_LAYOUTS: dict[int, frozenset[str]] = {
    2000: frozenset(KZ_CODES.values()) - {"KZ-ABY", "KZ-ZHT", "KZ-ULT", "KZ-SHY"},
    2017: frozenset(KZ_CODES.values()) - {"KZ-ABY", "KZ-ZHT", "KZ-ULT"},
    2022: frozenset(KZ_CODES.values()),
}
KZ_SCHEMA = _schema(
    pa.Column(str, pa.Check.isin(list(KZ_CODES.values()))),
    (2000, 2023),
    {"layout_units": pa.Column(int, pa.Check.isin([16, 17, 20]))},
)
# Largest relative difference allowed between the bulletin and the series on 1 January 2023.
KZ_BULLETIN_TOLERANCE = 0.001


def kz_layout(year: int) -> frozenset[str]:
    """Return the codes of the first-level units BNS publishes for 1 January of ``year``."""
    return KZ_LAYOUTS[max(start for start in KZ_LAYOUTS if start <= year)]


def _kz_name(text: object) -> str:
    """A region name without the footnote marker ('Туркестанская 1' -> 'Туркестанская')."""
    return re.sub(r"\s+\d+$", "", clean_text(text))


def read_kz_pop_bns_2000_2023(folder: Path) -> pd.DataFrame:
    """Read the BNS population of Kazakhstan's regions on 1 January 2000-2023.

    The sheet 'Все население' of ``source.xlsx`` is read; the repository's long CSV
    ``kazpop.csv``, derived from it, must hold the same numbers. Units are returned in the layout
    BNS published for each date, never merged or split (``layout_units``):

    - 2000-2016, 16 units: ``KZ-YUZ`` is South Kazakhstan oblast including Shymkent (the
      file's footnote 1: 'Туркестанская' means South Kazakhstan before 2017);
    - 2017-2021, 17 units: Shymkent city (``KZ-SHY``) apart, ``KZ-YUZ`` Turkestan without it;
    - 2022-2023, 20 units: Abay (``KZ-ABY``), Zhetysu (``KZ-ZHT``) and Ulytau (``KZ-ULT``)
      apart, so ``KZ-VOS``, ``KZ-ALM`` and ``KZ-KAR`` are smaller from 1 January 2022.

    A code therefore covers different territories before and after 2017 and 2022: compare a
    unit across those years only after re-aggregating (e.g. ``KZ-ALM`` + ``KZ-ZHT`` in 2022
    against ``KZ-ALM`` in 2021). The national total rises by 623,607 from 2021 to 2022, more
    than in any other year; the file does not say why.

    Parameters
    ----------
    folder
        Folder of source ``kz_pop_regions_bns_2000_2023`` (``source.xlsx``, ``kazpop.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per unit and year (16 x 17 + 17 x 5 + 20 x 2 = 397 rows): ``code``, ``name``
        (Russian, as printed), ``year``, ``date`` (1 January), ``population``, ``source_id``,
        ``layout_units`` (16, 17 or 20).

    Raises
    ------
    DataValidationError
        A name that maps to no code, a year whose units are not its layout's, units that do not
        sum to the national total, a missing year, or a CSV value that differs from the workbook.
    """
    path = need_file(folder, "source.xlsx")
    rows = _sheet(path, "Все население")
    problems: list[str] = []
    header = rows[0] if rows else []
    years = [_count(v) for v in header[1:]]
    if years != list(range(2000, 2024)):
        raise DataValidationError(
            [f"{path.name}: 'Все население' row 1: found years {header[1:]}; expected 2000..2023"]
        )
    records, totals = [], {}
    for number, raw in enumerate(rows[1:], start=2):
        name = _kz_name(raw[0])
        if not name:
            continue
        code = KZ_NAMES_RU.get(name)
        if code is None and name != KZ_TOTAL_RU:
            problems.append(f"{path.name}: 'Все население' row {number}: region {name!r} unknown")
            continue
        for year, value in zip(range(2000, 2024), raw[1:], strict=False):
            if value == "-":
                continue
            count = _count(value)
            if count is None:
                problems.append(
                    f"{path.name}: 'Все население' row {number}, year {year}: found "
                    f"{value!r}; expected a count or '-'"
                )
            elif code is None:
                totals[year] = count
            else:
                records.append({"code": code, "name": name, "year": year, "population": count})
    raise_problems(problems)
    frame = pd.DataFrame(records)
    problems = _kz_layout_problems(frame, totals, path.name)
    problems += _kz_csv_problems(need_file(folder, "kazpop.csv"), frame, totals)
    raise_problems(problems)
    frame["layout_units"] = frame["year"].map(lambda y: len(kz_layout(y)))
    return _finish(frame, KZ_SCHEMA, KZ_SERIES_ID, month=1, day=1, file=path.name)


def _kz_layout_problems(frame: pd.DataFrame, totals: dict[int, int], file: str) -> list[str]:
    problems = []
    for year in range(2000, 2024):
        rows = frame.loc[frame["year"] == year]
        found, expected = set(rows["code"]), kz_layout(year)
        if found != expected:
            problems.append(
                f"{file}: 1 January {year}: units {sorted(found)}; expected {sorted(expected)} "
                f"(missing {sorted(expected - found)}, extra {sorted(found - expected)})"
            )
        if year not in totals:
            problems.append(f"{file}: 1 January {year}: no national total")
        elif int(rows["population"].sum()) != totals[year]:
            problems.append(
                f"{file}: 1 January {year}: units sum to {int(rows['population'].sum())}; "
                f"the national total is {totals[year]}"
            )
    return problems


def _kz_csv_problems(path: Path, frame: pd.DataFrame, totals: dict[int, int]) -> list[str]:
    csv_frame = pd.read_csv(path, dtype=str)
    expected_columns = ["Область", "Год", "Население"]
    if list(csv_frame.columns) != expected_columns:
        return [f"{path.name}: columns {list(csv_frame.columns)}; expected {expected_columns}"]
    columns = (frame["code"], frame["year"], frame["population"])
    workbook = {(code, year): count for code, year, count in zip(*columns, strict=True)}
    workbook |= {("KZ", year): total for year, total in totals.items()}
    seen, problems = set(), []
    for number, row in enumerate(csv_frame.itertuples(index=False, name=None), start=2):
        name = _kz_name(row[0])
        code = "KZ" if name == KZ_TOTAL_RU else KZ_NAMES_RU.get(name)
        value = float(row[2]) if re.fullmatch(r"\d+(\.0)?", str(row[2])) else None
        key = (code, int(row[1]) if str(row[1]).isdigit() else None)
        if code is None or value is None or key not in workbook:
            problems.append(f"{path.name}: line {number}: unexpected row {tuple(row)}")
        elif value != workbook[key]:
            problems.append(
                f"{path.name}: line {number}: {name} {key[1]} = {row[2]}; the workbook has "
                f"{workbook[key]}"
            )
        seen.add(key)
    missing = sorted(set(workbook) - seen)
    if missing:
        problems.append(f"{path.name}: {len(missing)} rows of the workbook missing: {missing[:5]}")
    return problems


def read_kz_pop_20230101(folder: Path) -> pd.DataFrame:
    """Read the BNS bulletin 'population by sex and type of settlement on 1 January 2023'.

    Sheet '01' of ``source.xlsx`` (region names in Kazakh) is read; the repository's English
    CSV ``city_population.csv`` must hold the same totals. 20 units (the 2022 layout). The
    bulletin's figures differ slightly from the later BNS series for the same date (national
    total 19,765,004 here, 19,766,807 in :func:`read_kz_pop_bns_2000_2023`).

    Parameters
    ----------
    folder
        Folder of source ``kz_pop_regions_20230101`` (``source.xlsx``, ``city_population.csv``).

    Returns
    -------
    pandas.DataFrame
        20 rows: ``code``, ``name`` (Kazakh, as printed), ``year`` (2023), ``date``
        (1 January 2023), ``population``, ``source_id``, ``layout_units`` (20).

    Raises
    ------
    DataValidationError
        Unknown or missing regions, units not summing to the national total, a CSV that
        disagrees with the workbook.
    """
    path = need_file(folder, "source.xlsx")
    problems, records, total = [], [], None
    for number, raw in enumerate(_sheet(path, "01"), start=1):
        name, count = clean_text(raw[0]), _count(raw[1]) if len(raw) > 1 else None
        if number < 6 or not name:
            continue
        if name == KZ_TOTAL_KK:
            total = count
        elif name in KZ_NAMES_KK and count is not None:
            records.append({"code": KZ_NAMES_KK[name], "name": name, "population": count})
        else:
            problems.append(f"{path.name}: sheet '01' row {number}: unexpected row {raw[:2]}")
    frame = pd.DataFrame(records, columns=["code", "name", "population"])
    missing = sorted(set(KZ_CODES.values()) - set(frame["code"]))
    if missing:
        problems.append(f"{path.name}: sheet '01': no row for {missing}")
    if total is None:
        problems.append(f"{path.name}: sheet '01': no row {KZ_TOTAL_KK!r}")
    elif int(frame["population"].sum()) != total:
        problems.append(
            f"{path.name}: sheet '01': regions sum to {int(frame['population'].sum())}; "
            f"the national total is {total}"
        )
    raise_problems(problems)
    csv_path = need_file(folder, "city_population.csv")
    english = pd.read_csv(csv_path, dtype={"Region": str})
    english["code"] = english["Region"].map(kz_region_code)
    by_code = frame.set_index("code")["population"]
    columns = (english["Region"], english["Total"], english["code"])
    for number, (region, region_total, code) in enumerate(zip(*columns, strict=True), start=2):
        if region == "The Republic of Kazakhstan":
            if region_total != total:
                problems.append(f"{csv_path.name}: line {number}: total {region_total} != {total}")
        elif code is None or code not in by_code.index:
            problems.append(f"{csv_path.name}: line {number}: region {region!r} unknown")
        elif region_total != by_code[code]:
            problems.append(
                f"{csv_path.name}: line {number}: {region} total {region_total}; the workbook "
                f"has {by_code[code]}"
            )
    if len(english) != 21:
        problems.append(f"{csv_path.name}: {len(english)} rows; expected 20 regions + total")
    raise_problems(problems)
    frame["year"] = 2023
    frame["layout_units"] = 20
    return _finish(frame, KZ_SCHEMA, KZ_BULLETIN_ID, month=1, day=1, file=path.name)


def kz_population(folders: Mapping[str, Path]) -> pd.DataFrame:
    """Return the population of Kazakhstan's regions on 1 January 2000-2023, one BNS series.

    The series is :func:`read_kz_pop_bns_2000_2023` unchanged (the later BNS release); the
    1 January 2023 bulletin (:func:`read_kz_pop_20230101`) is read only to check it: every
    region must agree within 0.1 % (the largest differences are 257 persons in Turkestan and
    0.02 % in Shymkent). Layout
    changes in 2017 and 2022 are kept as published (``layout_units``), see
    :func:`read_kz_pop_bns_2000_2023`.

    Parameters
    ----------
    folders
        Source id -> folder, with ``kz_pop_regions_bns_2000_2023`` and
        ``kz_pop_regions_20230101``.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`read_kz_pop_bns_2000_2023`.

    Raises
    ------
    DataValidationError
        A folder is missing, or the two sources differ by more than the tolerance.
    """
    series = read_kz_pop_bns_2000_2023(_need_source(folders, KZ_SERIES_ID))
    bulletin = read_kz_pop_20230101(_need_source(folders, KZ_BULLETIN_ID))
    both = series.loc[series["year"] == 2023].merge(
        bulletin, on="code", suffixes=("", "_bulletin"), validate="one_to_one"
    )
    problems = []
    columns = (both["code"], both["population"], both["population_bulletin"])
    for code, population, in_bulletin in zip(*columns, strict=True):
        if abs(population - in_bulletin) > KZ_BULLETIN_TOLERANCE * population:
            problems.append(
                f"{code}: 1 January 2023: {population} ({KZ_SERIES_ID}) vs "
                f"{in_bulletin} ({KZ_BULLETIN_ID}); more than "
                f"{KZ_BULLETIN_TOLERANCE:.1%} apart"
            )
    raise_problems(problems)
    return series


# -- Germany ---------------------------------------------------------------------------------

DE_BY_AGE_ID = "de_pop_laender_12411_0012"
DE_TOTALS_ID = "de_pop_laender_12411_0010_1958_2018"
DE_LAND_CODES = {name: code for name, code in LAND_CODES.items() if code != "DE"}
ZENSUS_2011_FROM = 2011
DE_SCHEMA = _schema(
    pa.Column(str, pa.Check.isin(list(DE_LAND_CODES.values()))),
    (1958, 2023),
    {"basis": pa.Column(str, pa.Check.isin(["zensus_2011", "before_zensus_2011"]))},
)
DATE_PATTERN = re.compile(r"^31\.12\.(\d{4})$")
# West Germany's ten Länder and (West) Berlin have figures before 1990.
DE_EAST = ("Brandenburg", "Mecklenburg-Vorpommern", "Sachsen", "Sachsen-Anhalt", "Thüringen")
DE_WEST = frozenset(code for name, code in DE_LAND_CODES.items() if name not in DE_EAST)


def _genesis_lines(path: Path, *, table: str) -> tuple[list[list[str]], list[list[str]]]:
    """Return a GENESIS CSV export's header lines and data lines, checking both ends.

    The export is Latin-1, ';'-separated: title lines, a header, data lines, then a footer that
    starts with '__________' and ends with 'Stand: ...'. A file without that footer was cut
    short and is refused.
    """
    text = path.read_bytes().decode("latin-1")
    lines = list(csv.reader(text.splitlines(), delimiter=";"))
    first = lines[0][0] if lines and lines[0] else ""
    if first != f"GENESIS-Tabelle: {table}":
        raise DataValidationError(
            [f"{path.name}: line 1: found {first!r}; expected 'GENESIS-Tabelle: {table}'"]
        )
    ends = [i for i, line in enumerate(lines) if line[:1] == ["__________"]]
    stand = any(line and line[0].startswith("Stand:") for line in lines[-3:])
    if not ends or not stand:
        raise DataValidationError(
            [
                f"{path.name}: no GENESIS footer ('__________' ... 'Stand: ...') after the data; "
                f"the file ends at line {len(lines)}: {lines[-1][:3] if lines else []} "
                "(truncated or not a GENESIS export?)"
            ]
        )
    return lines[:6], lines[6 : ends[0]]


def _de_basis(year: int) -> str:
    return "zensus_2011" if year >= ZENSUS_2011_FROM else "before_zensus_2011"


def _de_lands(path: Path, header: list[str]) -> list[str]:
    names = [clean_text(v) for v in header]
    unknown = [n for n in names if n not in DE_LAND_CODES]
    if unknown or sorted(names) != sorted(DE_LAND_CODES):
        raise DataValidationError(
            [f"{path.name}: line 6: Länder {names}; expected the 16 of {sorted(DE_LAND_CODES)}"]
        )
    return names


def _de_year_problems(frame: pd.DataFrame, years: range, file: str) -> list[str]:
    problems = []
    for year in years:
        found = set(frame.loc[frame["year"] == year, "code"])
        expected = set(DE_LAND_CODES.values()) if year >= 1990 else DE_WEST
        if found != expected:
            problems.append(
                f"{file}: 31.12.{year}: Länder {sorted(found)}; expected {sorted(expected)}"
            )
    return problems


def read_de_pop_12411_0012(folder: Path) -> pd.DataFrame:
    """Read Destatis 12411-0012, population of the Länder on 31 December 1967-2023.

    The 'Insgesamt' row of each date is returned; the single years of age must sum to it. The
    figures are the 'Fortschreibung des Bevölkerungsstandes' (updates of a census count).
    From 31.12.2011 they rest on the Zensus 2011 (``basis`` ``zensus_2011``), earlier on older
    counts (``before_zensus_2011``), hence the drop from 2010 to 2011. This export (June 2024)
    precedes the Zensus 2022 results: 2022 and 2023 are still Zensus-2011-based, not the
    revised figures Destatis has published since. Berlin is West Berlin up to 1989 and the five
    eastern Länder have no figures before 31.12.1990 ('-' in the file; those rows are absent).

    Parameters
    ----------
    folder
        Folder of source ``de_pop_laender_12411_0012`` (``12411-0012.csv``).

    Returns
    -------
    pandas.DataFrame
        11 Länder x 23 years (1967-1989) + 16 x 34 (1990-2023) = 797 rows: ``code`` (ISO
        ``DE-xx``), ``name`` (German), ``year``, ``date`` (31 December), ``population``,
        ``source_id``, ``basis``.

    Raises
    ------
    DataValidationError
        A file without its GENESIS footer (truncated), unknown Länder, non-numeric cells, a date
        without 92 rows (91 ages + 'Insgesamt'), ages not summing to the total, Länder missing
        in a year.
    """
    path = need_file(folder, "12411-0012.csv")
    header, data = _genesis_lines(path, table="12411-0012")
    lands = _de_lands(path, header[5][2:])
    problems, records = [], []
    ages: dict[tuple[int, str], int] = {}
    rows_per_year: dict[int, int] = {}
    for number, line in enumerate(data, start=7):
        match = DATE_PATTERN.match(line[0]) if line else None
        if match is None or len(line) != 18:
            problems.append(f"{path.name}: line {number}: found {line[:3]}; expected a data row")
            continue
        year, label = int(match.group(1)), line[1]
        rows_per_year[year] = rows_per_year.get(year, 0) + 1
        for name, value in zip(lands, line[2:], strict=True):
            if value == "-":
                continue
            count = _count(value)
            if count is None:
                problems.append(f"{path.name}: line {number}, {name}: found {value!r}")
            elif label == "Insgesamt":
                records.append(
                    {"code": DE_LAND_CODES[name], "name": name, "year": year, "population": count}
                )
            else:
                key = (year, name)
                ages[key] = ages.get(key, 0) + count
    years = range(1967, 2024)
    for year in years:
        if rows_per_year.get(year) != 92:
            problems.append(
                f"{path.name}: 31.12.{year}: {rows_per_year.get(year, 0)} rows; expected 92 "
                "(91 ages and 'Insgesamt')"
            )
    raise_problems(problems)
    frame = pd.DataFrame(records)
    columns = (frame["year"], frame["name"], frame["population"])
    for year, name, population in zip(*columns, strict=True):
        if ages.get((year, name)) != population:
            problems.append(
                f"{path.name}: 31.12.{year}, {name}: ages sum to "
                f"{ages.get((year, name))}; 'Insgesamt' is {population}"
            )
    problems += _de_year_problems(frame, years, path.name)
    raise_problems(problems)
    frame["basis"] = frame["year"].map(_de_basis)
    return _finish(frame, DE_SCHEMA, DE_BY_AGE_ID, month=12, day=31, file=path.name)


def read_de_pop_12411_0010(folder: Path) -> pd.DataFrame:
    """Read Destatis 12411-0010, population of the Länder on 31 December 1958-2018 (wide).

    Same series, basis and gaps as :func:`read_de_pop_12411_0012` (exported February 2020):
    Zensus 2011 basis from 2011, Berlin West only to 1989, no eastern Länder before 1990.

    Parameters
    ----------
    folder
        Folder of source ``de_pop_laender_12411_0010_1958_2018`` (``12411-0010.csv``).

    Returns
    -------
    pandas.DataFrame
        11 x 32 (1958-1989) + 16 x 29 (1990-2018) = 816 rows, the columns of
        :func:`read_de_pop_12411_0012`.

    Raises
    ------
    DataValidationError
        A truncated file, unexpected dates or Länder, non-numeric cells.
    """
    path = need_file(folder, "12411-0010.csv")
    header, data = _genesis_lines(path, table="12411-0010")
    dates = [DATE_PATTERN.match(v) for v in header[5][1:]]
    if any(d is None for d in dates) or [int(d.group(1)) for d in dates if d] != list(
        range(1958, 2019)
    ):
        raise DataValidationError(
            [f"{path.name}: line 6: dates {header[5][1:4]}...; expected 31.12.1958..31.12.2018"]
        )
    _de_lands(path, [line[0] for line in data])
    problems, records = [], []
    for number, line in enumerate(data, start=7):
        name = clean_text(line[0])
        for year, value in zip(range(1958, 2019), line[1:], strict=True):
            if value == "-":
                continue
            count = _count(value)
            if count is None:
                problems.append(f"{path.name}: line {number}, 31.12.{year}: found {value!r}")
                continue
            records.append(
                {"code": DE_LAND_CODES[name], "name": name, "year": year, "population": count}
            )
    frame = pd.DataFrame(records)
    problems += _de_year_problems(frame, range(1958, 2019), path.name)
    raise_problems(problems)
    frame["basis"] = frame["year"].map(_de_basis)
    return _finish(frame, DE_SCHEMA, DE_TOTALS_ID, month=12, day=31, file=path.name)


def de_population(folders: Mapping[str, Path]) -> pd.DataFrame:
    """Return the population of the 16 Länder on 31 December 1967-2023, one Destatis series.

    12411-0012 gives every year; 12411-0010 is read to check it and must agree exactly for
    every Land and year both have (1967-2018). 1958-1966 (only in 12411-0010) is not used. The
    Zensus 2011 break stays in the series (``basis``), see :func:`read_de_pop_12411_0012`.

    Parameters
    ----------
    folders
        Source id -> folder, with ``de_pop_laender_12411_0012`` and
        ``de_pop_laender_12411_0010_1958_2018``.

    Returns
    -------
    pandas.DataFrame
        The rows and columns of :func:`read_de_pop_12411_0012`.

    Raises
    ------
    DataValidationError
        A folder is missing, or the two tables differ for a Land and year.
    """
    by_age = read_de_pop_12411_0012(_need_source(folders, DE_BY_AGE_ID))
    totals = read_de_pop_12411_0010(_need_source(folders, DE_TOTALS_ID))
    _check_overlap(by_age, totals, tolerance=0)
    return by_age


def _check_overlap(first: pd.DataFrame, second: pd.DataFrame, *, tolerance: int) -> None:
    """Raise if two readers' populations differ by more than ``tolerance`` where both exist."""
    both = first.merge(second, on=["code", "year"], suffixes=("", "_2"))
    problems = []
    for row in both.loc[(both["population"] - both["population_2"]).abs() > tolerance].itertuples():
        problems.append(
            f"{row.code} {row.year}: {row.population} ({row.source_id}) vs "
            f"{row.population_2} ({row.source_id_2})"
        )
    if both.empty:
        problems.append(
            f"{first['source_id'].iloc[0]} and {second['source_id'].iloc[0]} share no unit-year"
        )
    raise_problems(problems)


# -- England and Wales -----------------------------------------------------------------------

EW_SOURCES: dict[str, tuple[str, str]] = {
    "ew_pfa_crime_tables_ye_mar2018": ("policeforceareatablesyearendingmarch2018v2.xlsx", "P9"),
    "ew_pfa_crime_tables_ye_mar2019": ("policeforceareatablesyeendingmarch2019.xlsx", "P3"),
    "ew_pfa_crime_tables_ye_jun2019": ("policeforceareatablesyearendingjune2019.xlsx", "P3"),
}
EW_SCHEMA = _schema(pa.Column(str, pa.Check.isin(list(PFA_NAMES))), (2002, 2018))
SUBTOTAL_CODE = re.compile(r"^(K04|E92|E12|W92)\d{6}$")
PFA_CODE = re.compile(r"^(E23|W15)\d{6}$")
# PFA rows are rounded to 100 each: their sum may differ from the E&W row by half a unit each.
EW_ROUNDING = 43 * 50


def _sheet_named(path: Path, table: str) -> str:
    """The worksheet called ``Table <table>``, allowing the trailing spaces ONS sometimes adds."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            sheets = list(workbook.sheet_names)
    except CalamineError as error:
        raise DataValidationError(
            [f"{path}: not a readable workbook ({error}); truncated or damaged?"]
        ) from None
    names = [n for n in sheets if n.strip() == f"Table {table}"]
    if len(names) != 1:
        raise DataValidationError(
            [f"{path.name}: no single sheet 'Table {table}'; sheets: {sheets}"]
        )
    return names[0]


def _pfa_rows(path: Path, sheet: str, columns: dict[int, int]) -> tuple[pd.DataFrame, list[str]]:
    """PFA rows of an ONS table (``columns``: column index -> year), subtotals dropped.

    Every row whose column A is an ONS code is either a subtotal (E&W, England, region, Wales:
    dropped and named in the returned list) or a police force area, whose printed name must
    be that code's force (footnote digits ignored). All 43 areas must be there; the areas must
    sum to the E&W row within rounding.
    """
    problems, records, dropped = [], [], []
    totals: dict[int, int] = {}
    for number, raw in enumerate(_sheet(path, sheet), start=1):
        code, name = clean_text(raw[0]), clean_text(raw[1]) if len(raw) > 1 else ""
        if not (SUBTOTAL_CODE.match(code) or PFA_CODE.match(code)):
            continue
        where = f"{path.name}: '{sheet}' row {number}"
        if SUBTOTAL_CODE.match(code):
            dropped.append(code)
        elif code not in PFA_NAMES:
            problems.append(f"{where}: code {code} is no police force area of {sorted(PFA_NAMES)}")
        elif pfa_code(name) != code:
            problems.append(f"{where}: name {name!r} is not {code} ({PFA_NAMES[code]})")
        for col, year in columns.items():
            count = _count(raw[col]) if col < len(raw) else None
            if count is None:
                problems.append(f"{where}, column {col + 1}: found {raw[col]!r}; expected a count")
            elif code == "K04000001":
                totals[year] = count
            elif code in PFA_NAMES:
                label = re.sub(r"\d+$", "", name)
                records.append({"code": code, "name": label, "year": year, "population": count})
    raise_problems(problems)
    frame = pd.DataFrame(records, columns=["code", "name", "year", "population"])
    missing = sorted(set(PFA_NAMES) - set(frame["code"]))
    if missing:
        raise JoinError(
            f"{path.name}: '{sheet}' lacks police force areas "
            + ", ".join(f"{c} {PFA_NAMES[c]}" for c in missing)
        )
    for year, total in totals.items():
        areas = int(frame.loc[frame["year"] == year, "population"].sum())
        if abs(areas - total) > EW_ROUNDING:
            problems.append(
                f"{path.name}: '{sheet}' {year}: the 43 areas sum to {areas}; the England and "
                f"Wales row is {total}"
            )
    if set(totals) != set(columns.values()):
        problems.append(f"{path.name}: '{sheet}': no England and Wales row (K04000001)")
    raise_problems(problems)
    return frame, sorted(set(dropped))


def _read_ew(folder: Path, source_id: str) -> pd.DataFrame:
    file, table = EW_SOURCES[source_id]
    path = need_file(folder, file)
    sheet = _sheet_named(path, table)
    rows = _sheet(path, sheet)
    header = [clean_text(v) for v in rows[4]] if len(rows) > 4 else []
    where = f"{path.name}: '{sheet}' row 5"
    if header[:2] != ["Area Code", "Area Name"]:
        raise DataValidationError([f"{where}: found {header[:2]}; expected Area Code, Area Name"])
    if table == "P9":
        years = [_count(v) for v in rows[4][2:]]
        if years != list(range(2002, 2017)):
            raise DataValidationError([f"{where}: found years {header[2:]}; expected 2002..2016"])
        columns = {2 + i: year for i, year in enumerate(range(2002, 2017))}
    else:
        match = re.match(r"Population figures \(mid-(\d{4})\)", header[2])
        if match is None:
            raise DataValidationError(
                [
                    f"{where}, column C: found {header[2]!r}; "
                    "expected 'Population figures (mid-YYYY)'"
                ]
            )
        columns = {2: int(match.group(1))}
    frame, dropped = _pfa_rows(path, sheet, columns)
    result = _finish(frame, EW_SCHEMA, source_id, month=6, day=30, file=path.name)
    result.attrs["dropped_subtotals"] = dropped
    return result


def read_ew_pfa_pop_mar2018(folder: Path) -> pd.DataFrame:
    """Read ONS mid-year population of the 43 police force areas, mid-2002 to mid-2016.

    Table P9 of the ONS police force area tables, year ending March 2018. Estimates are rounded
    to 100. The subtotal rows (England and Wales, England, the nine English regions, Wales) are
    dropped: their codes are listed in ``frame.attrs['dropped_subtotals']`` (12); the 43 areas
    must sum to the England and Wales row within rounding. The series predates the Census 2021
    rebasing of the ONS estimates.

    Parameters
    ----------
    folder
        Folder of source ``ew_pfa_crime_tables_ye_mar2018``.

    Returns
    -------
    pandas.DataFrame
        43 x 15 = 645 rows: ``code`` (PFA23CD), ``name`` (as printed, footnote digits
        removed), ``year``, ``date`` (30 June), ``population``, ``source_id``.

    Raises
    ------
    DataValidationError
        Sheet or header not as expected, a name that is not its code's force, a missing count.
    JoinError
        Police force areas missing from the table (named).
    """
    return _read_ew(folder, "ew_pfa_crime_tables_ye_mar2018")


def read_ew_pfa_pop_mar2019(folder: Path) -> pd.DataFrame:
    """Read the mid-2017 police force area population of Table P3, year ending March 2019.

    Column C of 'Table P3 ' (sheet name with a trailing space), rounded to 100; otherwise as
    :func:`read_ew_pfa_pop_mar2018`. 43 rows, ``year`` 2017.
    """
    return _read_ew(folder, "ew_pfa_crime_tables_ye_mar2019")


def read_ew_pfa_pop_jun2019(folder: Path) -> pd.DataFrame:
    """Read the mid-2018 police force area population of Table P3, year ending June 2019.

    Column C of 'Table P3', rounded to 100; names carry footnote digits ('Cheshire10'), which
    are removed. Otherwise as :func:`read_ew_pfa_pop_mar2018`. 43 rows, ``year`` 2018.
    """
    return _read_ew(folder, "ew_pfa_crime_tables_ye_jun2019")


def ew_population(folders: Mapping[str, Path]) -> pd.DataFrame:
    """Return the mid-year population of the 43 police force areas, 2002-2018.

    2002-2016 from Table P9 of the year-ending-March-2018 tables, 2017 and 2018 from Table P3
    of the March 2019 and June 2019 editions. The sources do not overlap in years; as a check,
    Table P3 of the March 2018 edition (mid-2016 population) must equal P9's 2016 column. All
    are ONS mid-year estimates before the Census 2021 rebasing; mid-2019 onwards is not
    mirrored.

    Parameters
    ----------
    folders
        Source id -> folder, with the three ``ew_pfa_crime_tables_ye_*`` ids of
        :data:`EW_SOURCES`.

    Returns
    -------
    pandas.DataFrame
        43 x 17 = 731 rows, the columns of :func:`read_ew_pfa_pop_mar2018`.
    """
    frames = [_read_ew(_need_source(folders, sid), sid) for sid in EW_SOURCES]
    folder = _need_source(folders, "ew_pfa_crime_tables_ye_mar2018")
    path = need_file(folder, EW_SOURCES["ew_pfa_crime_tables_ye_mar2018"][0])
    p3, _ = _pfa_rows(path, _sheet_named(path, "P3"), {2: 2016})
    p3["source_id"] = "ew_pfa_crime_tables_ye_mar2018 (Table P3)"
    _check_overlap(frames[0], p3, tolerance=0)
    years = [sorted(set(f["year"])) for f in frames]
    if sum(years, []) != list(range(2002, 2019)):
        raise DataValidationError(
            [
                f"E&W population: years {dict(zip(EW_SOURCES, years, strict=True))}; expected "
                "2002-2016, 2017 and 2018 (one edition each)"
            ]
        )
    frame = pd.concat(frames, ignore_index=True).sort_values(["code", "year"])
    return validate(frame.reset_index(drop=True), EW_SCHEMA, "ew_population")


# -- United States ---------------------------------------------------------------------------

US_V2019_ID = "us_city_pop_v2019_annrnk"
US_V2023_ID = "us_city_pop_v2023"
# The legal or statistical description the Census Bureau appends to a place's name.
_DESCRIPTION = re.compile(
    r"\s+(city and borough|metropolitan government|metro government|consolidated government|"
    r"unified government|urban county|metro township|municipality|corporation|city|town|"
    r"village|borough|CDP)$"
)
# Census place names that other sources give differently (after the description is removed).
CITY_ALIASES = {("Urban Honolulu", "US-HI"): "Honolulu"}
US_SCHEMA_EXTRA = {
    "city_key": pa.Column(str),
    "city": pa.Column(str),
    "state": pa.Column(str, pa.Check.str_matches(r"^US-[A-Z]{2}$")),
    "vintage": pa.Column(int, pa.Check.isin([2019, 2023])),
    "census_base": pa.Column(int, pa.Check.isin([2010, 2020])),
}


def split_census_place(name: str) -> tuple[str, str]:
    """Split a Census place name into the city's common name and the ISO state code.

    The legal or statistical description ('city', 'town', 'CDP', 'metropolitan government',
    '(balance)' ...) is removed, once and case-sensitively, so 'Boise City city, Idaho' gives
    'Boise City' and 'Carson City, Nevada' stays 'Carson City'. Names in
    :data:`CITY_ALIASES` are replaced ('Urban Honolulu CDP' -> 'Honolulu').

    Examples
    --------
    >>> split_census_place("Nashville-Davidson metropolitan government (balance), Tennessee")
    ('Nashville-Davidson', 'US-TN')
    >>> split_census_place("Indianapolis city (balance), Indiana")
    ('Indianapolis', 'US-IN')

    Raises
    ------
    DataValidationError
        If the name does not end with ', <state name>'.
    """
    place, _, state_name = clean_text(name).rpartition(", ")
    if not place or state_name not in STATE_BY_NAME:
        raise DataValidationError([f"place {name!r}: expected 'Name description, State'"])
    state = f"US-{STATE_BY_NAME[state_name]}"
    city = _DESCRIPTION.sub("", re.sub(r"\s*\(balance\)$", "", place))
    return CITY_ALIASES.get((city, state), city), state


def us_city_key(city: str, state: str) -> str:
    """Return the key joining US cities across sources by common name: ``'US-MN:st paul'``.

    ``state`` is an ISO code (``US-MN``) or a state name; the city is lower-cased, with
    periods dropped and spaces collapsed, so 'St. Paul' and 'St Paul' agree. Give the common
    name (:func:`split_census_place`), not the Census name with its description. Two Census
    places of one state can share a common name ('Waukesha city' and 'Waukesha village',
    Wisconsin): the key is unique among the places of 50,000 or more, not among all places.
    """
    if not re.fullmatch(r"US-[A-Z]{2}", state):
        if state not in STATE_BY_NAME:
            raise DataValidationError([f"state {state!r}: expected US-XX or a state name"])
        state = f"US-{STATE_BY_NAME[state]}"
    return f"{state}:{' '.join(clean_text(city).replace('.', '').lower().split())}"


def us_place_code(name: str) -> str:
    """Return the code of a Census place: state and full place name, ``'US-WI:waukesha city'``.

    Unlike :func:`us_city_key` the Census description is kept, so places of one state that
    share a common name differ; only places printed with exactly the same name share a code.
    """
    place, state = clean_text(name).rpartition(", ")[0], split_census_place(name)[1]
    return us_city_key(place, state)


def _read_us(
    path: Path, *, sheet: str, name_col: int, header: list[Any], first: int, last: int
) -> tuple[list[dict[str, Any]], list[str]]:
    rows = _sheet(path, sheet)
    problems, records = [], []
    found = [_count(v) for v in rows[3][name_col + 1 :]] if len(rows) > 3 else []
    if found[-len(header) :] != header:
        raise DataValidationError(
            [f"{path.name}: row 4: found years {found}; expected ... {header}"]
        )
    if len(rows) < last + 5 or not clean_text(rows[last][0]).startswith(("Note", "Vintage")):
        raise DataValidationError(
            [
                f"{path.name}: {len(rows)} rows; expected place rows {first}-{last} followed by "
                "the Census notes (truncated?)"
            ]
        )
    offset = len(rows[3]) - len(header)
    for number in range(first, last + 1):
        raw = rows[number - 1]
        name = clean_text(raw[name_col])
        try:
            city, state = split_census_place(name)
        except DataValidationError as error:
            problems.append(f"{path.name}: row {number}: {error.problems[0]}")
            continue
        for year, value in zip(header, raw[offset:], strict=True):
            count = _count(value)
            if count is None:
                problems.append(f"{path.name}: row {number}, {year}: found {value!r}")
                continue
            records.append(
                {
                    "code": us_place_code(name),
                    "city_key": us_city_key(city, state),
                    "name": name,
                    "city": city,
                    "state": state,
                    "year": year,
                    "population": count,
                }
            )
    return records, problems


def read_us_city_pop_v2019(folder: Path) -> pd.DataFrame:
    """Read the Census Vintage 2019 estimates of places of 50,000 or more, 1 July 2010-2019.

    SUB-IP-EST2019-ANNRNK: 788 incorporated places (and Urban Honolulu CDP), rows 5-792 of
    the one sheet; the April 2010 census and estimates-base columns are not returned. The
    series is based on the 2010 census (``vintage`` 2019, ``census_base`` 2010) and must not be
    spliced with the 2020-based Vintage 2023 without noting the break. Consolidated cities are
    the '(balance)' part, i.e. without the other places in the consolidated government.

    Parameters
    ----------
    folder
        Folder of source ``us_city_pop_v2019_annrnk``.

    Returns
    -------
    pandas.DataFrame
        788 x 10 = 7,880 rows: ``code`` (:func:`us_place_code`,
        'US-IN:indianapolis city (balance)'), ``city_key`` (:func:`us_city_key`,
        'US-IN:indianapolis'), ``name`` (as printed, e.g.
        'Indianapolis city (balance), Indiana'), ``city`` ('Indianapolis'), ``state``
        (``US-IN``), ``year``, ``date`` (1 July), ``population``, ``source_id``, ``vintage``,
        ``census_base``.

    Raises
    ------
    DataValidationError
        A header not as expected, a file cut short, a non-numeric estimate, a repeated key.
    """
    path = need_file(folder, "SUB-IP-EST2019-ANNRNK.xlsx")
    records, problems = _read_us(
        path,
        sheet="SUB-IP-EST2019-ANNRNK",
        name_col=1,
        header=list(range(2010, 2020)),
        first=5,
        last=792,
    )
    raise_problems(problems)
    frame = pd.DataFrame(records)
    frame["vintage"], frame["census_base"] = 2019, 2010
    schema = _schema(pa.Column(str), (2010, 2019), US_SCHEMA_EXTRA)
    return _finish(frame, schema, US_V2019_ID, month=7, day=1, file=path.name)


def read_us_city_pop_v2023(folder: Path) -> pd.DataFrame:
    """Read the Census Vintage 2023 estimates of all incorporated places, 1 July 2020-2023.

    SUB-IP-EST2023-POP: 19,484 places, rows 5-19488; based on the 2020 census (``vintage``
    2023, ``census_base`` 2020). Eleven names are printed twice (small places of one state,
    e.g. 'Reno city, Texas'): their 22 places share a code and are marked ``ambiguous``; join
    on the other rows only. Eight places have a population of 0 (e.g. 'Monowi village,
    Nebraska' is printed 0, as are 'Carbonate town, Colorado' and six others).

    Parameters
    ----------
    folder
        Folder of source ``us_city_pop_v2023``.

    Returns
    -------
    pandas.DataFrame
        19,484 x 4 = 77,936 rows, the columns of :func:`read_us_city_pop_v2019` plus
        ``ambiguous``.

    Raises
    ------
    DataValidationError
        As :func:`read_us_city_pop_v2019`.
    """
    path = need_file(folder, "SUB-IP-EST2023-POP.xlsx")
    records, problems = _read_us(
        path,
        sheet="SUB-IP-EST2023-POP",
        name_col=0,
        header=list(range(2020, 2024)),
        first=5,
        last=19488,
    )
    raise_problems(problems)
    frame = pd.DataFrame(records)
    frame["vintage"], frame["census_base"] = 2023, 2020
    frame["ambiguous"] = frame.duplicated(["code", "year"], keep=False)
    columns = _schema(pa.Column(str), (2020, 2023), US_SCHEMA_EXTRA, min_population=0).columns
    schema = pa.DataFrameSchema(
        {**columns, "ambiguous": pa.Column(bool)},
        strict=True,
    )
    return _finish(frame, schema, US_V2023_ID, month=7, day=1, file=path.name)


def us_city_population(
    folders: Mapping[str, Path], *, cities: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return 1 July population 2010-2023 of the US places of 50,000+ (Vintage 2019 list).

    2010-2019 from Vintage 2019, 2020-2023 from Vintage 2023, joined on the place code
    (:func:`us_place_code`, i.e. the exact Census name); every one of the 788 Vintage 2019
    places must be found, unambiguously, in Vintage 2023. The ``vintage`` and ``census_base``
    columns mark the break at 2020: the two vintages rest on different censuses and are not
    revised to each other, so a change from 2019 to 2020 mixes growth and re-basing.

    Parameters
    ----------
    folders
        Source id -> folder, with ``us_city_pop_v2019_annrnk`` and ``us_city_pop_v2023``.
    cities
        Optional frame with ``city`` and ``state`` columns (common name and ``US-XX`` or state
        name, as in :func:`policingstudy.data.readers.us.read_largest_cities`): only those
        cities are returned, matched on :func:`us_city_key`, and each must match exactly one
        place.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`read_us_city_pop_v2019`, 14 years per place (11,032 rows for all
        788 places).

    Raises
    ------
    JoinError
        Naming every place (or requested city) not found, or a city matching two places.
    """
    old = read_us_city_pop_v2019(_need_source(folders, US_V2019_ID))
    new = read_us_city_pop_v2023(_need_source(folders, US_V2023_ID))
    new = new.loc[~new["ambiguous"] & new["code"].isin(old["code"])].drop(columns="ambiguous")
    lost = sorted(set(old["name"]) - set(new["name"]))
    if lost:
        raise JoinError(f"{US_V2023_ID}: no unambiguous row for {len(lost)} places: {lost}")
    frame = pd.concat([old, new], ignore_index=True)
    if cities is not None:
        places = frame.groupby("city_key")["code"].unique()
        wanted = {
            f"{city}, {state}": us_city_key(city, state)
            for city, state in zip(cities["city"], cities["state"], strict=True)
        }
        missing = [label for label, key in wanted.items() if key not in places.index]
        double = [label for label, key in wanted.items() if len(places.get(key, [])) > 1]
        if missing or double:
            raise JoinError(
                f"US city population: no place of 50,000+ for {missing}; "
                f"more than one place for {double}"
            )
        frame = frame.loc[frame["city_key"].isin(wanted.values())]
    return frame.sort_values(["code", "year"]).reset_index(drop=True)


# -- shared ----------------------------------------------------------------------------------


def _finish(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    source_id: str,
    *,
    month: int,
    day: int,
    file: str,
) -> pd.DataFrame:
    """Add ``date`` and ``source_id``, order columns and rows, validate."""
    frame = frame.copy()
    frame["year"] = frame["year"].astype(int)
    frame["population"] = frame["population"].astype(int)
    frame["date"] = pd.to_datetime({"year": frame["year"], "month": month, "day": day}).astype(
        "datetime64[ns]"
    )
    frame["source_id"] = source_id
    frame = frame[list(schema.columns)].sort_values(["code", "year"]).reset_index(drop=True)
    return validate(frame, schema, file)
