"""Germany: the BKA Police Crime Statistics (PKS), basic table by Land, 2013-2024.

Definitions (BKA, PKS Grundtabelle T01):

* ``cases`` (erfasste Fälle): offences known to the police whose investigation was completed
  and handed to the public prosecutor in the calendar year (the PKS is an *Ausgangsstatistik*).
* ``cleared_cases`` (aufgeklärte Fälle): cases in which the police identified a suspect.
* ``clearance_rate`` (Aufklärungsquote, AQ): ``cleared_cases / cases x 100`` in percent,
  computed here from the counts (the files round it differently from year to year; the reader
  checks the published value). It can exceed 100.
* ``key``: the six-character offence key (Straftatenschlüssel); ``------`` is all offences,
  ``*`` wildcards mark summary keys (e.g. ``3***00``). Key ``655100`` (Körperverletzung im Amt,
  s. 340 StGB) covers bodily harm by any public official, not only police officers; keys
  ``621*`` cover resistance against and assaults on enforcement officers and were re-cut in
  2018 (``621020``/``621021`` became ``621100``/``621110``/``621120``).
* ``land_code``: ISO 3166-2 code of the Land (``DE-BW`` ...), ``DE`` for the federal total.

The workbooks change layout several times; each year is parsed with its own explicit layout
(:data:`LAYOUTS`) whose header cells are checked before any number is read, so a file with an
unexpected layout fails loudly instead of being misread.
"""

from __future__ import annotations

import math
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from numpy.typing import NDArray

from policingstudy.core.errors import DataValidationError
from policingstudy.data.readers._common import (
    as_openpyxl,
    clean_text,
    need_file,
    openpyxl_values,
    raise_problems,
    sheet_values,
)
from policingstudy.data.schemas import validate

LAND_CODES: dict[str, str] = {
    "Baden-Württemberg": "DE-BW",
    "Bayern": "DE-BY",
    "Berlin": "DE-BE",
    "Brandenburg": "DE-BB",
    "Bremen": "DE-HB",
    "Hamburg": "DE-HH",
    "Hessen": "DE-HE",
    "Mecklenburg-Vorpommern": "DE-MV",
    "Niedersachsen": "DE-NI",
    "Nordrhein-Westfalen": "DE-NW",
    "Rheinland-Pfalz": "DE-RP",
    "Saarland": "DE-SL",
    "Sachsen": "DE-SN",
    "Sachsen-Anhalt": "DE-ST",
    "Schleswig-Holstein": "DE-SH",
    "Thüringen": "DE-TH",
    # The federal total: labelled this way up to 2019 (suspects counted once nationally) ...
    "Bund echte Zählung der Tatverdächtigen": "DE",
    # ... and this way from 2020.
    "Bundesrepublik Deutschland": "DE",
}
KEY_PATTERN = re.compile(r"^(------|[0-9*]{6})$")
AQ_TOLERANCE = 0.051  # published AQ is rounded to one decimal in some years
MAX_PROBLEMS = 50  # a year's reading stops once it has found more problems than this
MAX_THREADS = 4  # workbooks parsed at the same time by read_pks_years


@dataclass(frozen=True)
class PKSLayout:
    """Where the numbers are in one year's workbook (row numbers 1-based, columns 0-based)."""

    file: str
    sheet: str
    first_data_row: int
    header_checks: dict[tuple[int, int], str]
    cleared_col: int = 7
    rate_col: int = 8
    cases_col: int = 3
    min_keys: int = 900
    notes: tuple[str, ...] = field(default=())


def _layout_a(year: int) -> PKSLayout:
    """2013-2014: 'Strft. Schl.' header, counts of cleared cases in their own column."""
    return PKSLayout(
        file=f"PKS{year}.xlsx",
        sheet=f"Tab01-{year}_LÜ",
        first_data_row=2,
        header_checks={
            (1, 0): "Strft. Schl.",
            (1, 2): "Bundesland",
            (1, 3): f"erfasste Fälle {year}",
            (1, 7): "aufgeklärte Fälle",
            (1, 8): "AQ",
        },
    )


def _layout_b(year: int, sheet: str = "T01_LÜ") -> PKSLayout:
    """2015-2019 (2016 on another sheet): 'Schlüssel', 'erfasste Fälle', 'Aufklärung'."""
    return PKSLayout(
        file=f"PKS{year}.xlsx",
        sheet=sheet,
        first_data_row=2,
        header_checks={
            (1, 0): "Schlüssel",
            (1, 2): "Bundesland",
            (1, 3): "erfasste Fälle",
            (1, 4): "HZ nach Zensus",
            (1, 7): "Aufklärung",
        },
    )


def _layout_d(year: int, *, min_keys: int = 900) -> PKSLayout:
    """2020-2023: 'Anzahl erfasste Fälle', 'HZ'."""
    return PKSLayout(
        file=f"PKS{year}.xlsx",
        sheet="T01_LÜ",
        first_data_row=2,
        header_checks={
            (1, 0): "Schlüssel",
            (1, 2): "Bundesland",
            (1, 3): "Anzahl erfasste Fälle",
            (1, 4): "HZ",
            (1, 7): "Aufklärung",
        },
        min_keys=min_keys,
    )


LAYOUTS: dict[int, PKSLayout] = {
    2013: _layout_a(2013),
    2014: _layout_a(2014),
    2015: _layout_b(2015),
    2016: _layout_b(2016, sheet="BKA-LKS-F-01-T01 Länder"),
    2017: _layout_b(2017),
    2018: _layout_b(2018),
    2019: _layout_b(2019),
    2020: _layout_d(2020),
    2021: _layout_d(2021),
    2022: _layout_d(2022, min_keys=300),  # the reduced 2022 table: 416 keys
    2023: _layout_d(2023),
    2024: PKSLayout(
        file="LA-F-01-T01-Laender-Faelle_xls.xlsx",
        sheet="Tab01",
        first_data_row=9,
        header_checks={
            (3, 14): "Berichtszeitraum: 01.01.2024 bis 31.12.2024",
            (4, 0): "Schlüssel",
            (4, 2): "Bundesland",
            (4, 3): "Anzahl erfasste Fälle",
            (4, 14): "Aufklärung",
            (6, 14): "Anzahl Fälle",
            (6, 15): "AQ",
        },
        cleared_col=14,
        rate_col=15,
    ),
}

PKS_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(2013, 2024)),
        "land_code": pa.Column(str, pa.Check.str_matches(r"^DE(-[A-Z]{2})?$")),
        "land": pa.Column(str),
        "key": pa.Column(str, pa.Check.str_matches(KEY_PATTERN.pattern)),
        "offence": pa.Column(str, pa.Check.str_length(min_value=1)),
        "cases": pa.Column(int, pa.Check.ge(0)),
        "cleared_cases": pa.Column(int, pa.Check.ge(0)),
        "clearance_rate": pa.Column(float, pa.Check.ge(0), nullable=True),
    },
    strict=True,
    unique=["year", "land_code", "key"],
)


def read_pks_laender(folder: Path, *, year: int) -> pd.DataFrame:
    """Read one year of the PKS basic table by Land.

    Parameters
    ----------
    folder
        The folder of source ``de_pks_laender_<year>`` (see
        :func:`policingstudy.data.sources.locate`).
    year
        Calendar year of the statistics, 2013-2024; selects the layout.

    Returns
    -------
    pandas.DataFrame
        One row per Land (and the federal total) and offence key: ``year``, ``land_code``
        (``DE-XX``, ``DE`` for Germany), ``land`` (German name as printed), ``key``, ``offence``,
        ``cases``, ``cleared_cases``, ``clearance_rate`` (percent, NaN when there are no cases).

    Raises
    ------
    DataValidationError
        Unknown year; a header cell not as expected for that year's layout; a row with an
        unknown Land, a malformed key, a non-integer count, or a published clearance rate that
        disagrees with the counts; too few keys.
    """
    path, layout = _pks_file(folder, year)
    return _pks_frame(path, layout, year, sheet_values(path, layout.sheet))


def _pks_file(folder: Path, year: int) -> tuple[Path, PKSLayout]:
    if year not in LAYOUTS:
        raise DataValidationError([f"PKS year {year}: no layout; known years {sorted(LAYOUTS)}"])
    layout = LAYOUTS[year]
    return need_file(folder, layout.file), layout


def _load_year(folder: Path, year: int) -> tuple[Path, PKSLayout, list[list[Any]]]:
    path, layout = _pks_file(folder, year)
    return path, layout, sheet_values(path, layout.sheet)


def _pks_frame(path: Path, layout: PKSLayout, year: int, sheet: list[list[Any]]) -> pd.DataFrame:
    """Check and convert one year's sheet (see :func:`~.readers._common.sheet_values`).

    The checks of :func:`_pks_row` run on whole columns at once. Rows they flag (a failed check,
    or a cell of a type they leave to the row-by-row checks) go through :func:`_pks_row` one by
    one, in row order, for the problem messages; so the messages, their order and the stop after
    more than :data:`MAX_PROBLEMS` are those of checking every row one by one.
    """
    problems = _header_problems(path.name, sheet, layout, year)
    header_rows = {r for r, _ in layout.header_checks}
    numbers = [
        number
        for number in range(layout.first_data_row, len(sheet) + 1)
        if number not in header_rows and not _blank(sheet[number - 1])
    ]
    rows = [sheet[number - 1] for number in numbers]
    frame, flagged = _pks_table(rows, layout, year)
    if flagged.any():
        picked = [(numbers[i], rows[i]) for i in np.flatnonzero(flagged)]
        _pks_rows(path.name, picked, layout, year, problems)
        raise_problems(problems)
        # Only cells of unusual types get here (flagged, yet no problem): convert row by row.
        frame = _pks_rows(path.name, list(zip(numbers, rows, strict=True)), layout, year, problems)
    raise_problems(problems)
    n_keys = frame["key"].nunique() if len(frame) else 0
    if n_keys < layout.min_keys:
        raise DataValidationError(
            [f"{path.name}: {n_keys} offence keys; expected at least {layout.min_keys}"]
        )
    return validate(frame, PKS_SCHEMA, path.name).reset_index(drop=True)


def _blank(raw: list[Any]) -> bool:
    """Whether a row is empty in the sense of ``sheet_rows`` (every cell None or ``""``)."""
    for value in raw:  # a data row stops at its key
        if value is not None and value != "":
            return False
    return True


def _header_problems(file: str, sheet: list[list[Any]], layout: PKSLayout, year: int) -> list[str]:
    problems = []
    for number in sorted({r for r, _ in layout.header_checks}):
        if number > len(sheet) or _blank(sheet[number - 1]):
            continue  # as in sheet_rows, an empty row is never seen
        values = openpyxl_values(sheet[number - 1])
        for (r, col), expected in layout.header_checks.items():
            found = clean_text(values[col] if col < len(values) else None)
            if r == number and expected not in found:
                problems.append(
                    f"{file}: row {number}, column {col + 1}: found {found!r}; expected "
                    f"{expected!r} (the {year} layout)"
                )
    return problems


def _pks_rows(
    file: str,
    rows: list[tuple[int, list[Any]]],
    layout: PKSLayout,
    year: int,
    problems: list[str],
) -> pd.DataFrame:
    """Check and convert ``(row number, calamine values)`` one by one with :func:`_pks_row`."""
    records = []
    for number, raw in rows:
        record = _pks_row(file, number, openpyxl_values(raw), layout, year, problems)
        if record is not None:
            records.append(record)
        if len(problems) > MAX_PROBLEMS:
            break
    return pd.DataFrame(records)


def _pks_table(
    rows: list[list[Any]], layout: PKSLayout, year: int
) -> tuple[pd.DataFrame, NDArray[np.bool_]]:
    """The checks and conversions of :func:`_pks_row` on whole columns.

    Returns
    -------
    frame
        The converted rows; meaningful only where no row is flagged.
    flagged
        Boolean mask of the rows that :func:`_pks_row` must look at: every row for which it
        would report a problem (or raise), and rows with cells of unusual types.
    """
    width = max(2, layout.cases_col, layout.cleared_col, layout.rate_col) + 1
    if any(len(raw) < width for raw in rows):
        return pd.DataFrame(), np.ones(len(rows), dtype=bool)
    keys = _texts([raw[0] for raw in rows])
    offences = _texts([raw[1] for raw in rows])
    lands = _texts([raw[2] for raw in rows])
    key_ok = _lookup(keys, {k: KEY_PATTERN.match(k) is not None for k in set(keys)})
    land_ok = _lookup(lands, {land: land in LAND_CODES for land in set(lands)})
    cases, cases_ok = _counts([raw[layout.cases_col] for raw in rows])
    cleared, cleared_ok = _counts([raw[layout.cleared_col] for raw in rows])
    published, compared, unusual = _published([raw[layout.rate_col] for raw in rows])
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(cases != 0, 100.0 * cleared / cases, np.nan)
        wrong_rate = (cases != 0) & compared & (np.abs(rate - published) > AQ_TOLERANCE)
    flagged = ~key_ok | ~land_ok | ~cases_ok | ~cleared_ok | wrong_rate | unusual
    if flagged.any():
        return pd.DataFrame(), flagged
    frame = pd.DataFrame(
        {
            "year": np.full(len(rows), year, dtype=np.int64),
            "land_code": [LAND_CODES[land] for land in lands],
            "land": lands,
            "key": keys,
            "offence": offences,
            "cases": cases.astype(np.int64),
            "cleared_cases": cleared.astype(np.int64),
            "clearance_rate": rate,
        }
    )
    return frame, flagged


def _texts(values: list[Any]) -> list[str]:
    """``clean_text`` of cells as ``sheet_rows`` shows them; texts repeat, so each once."""
    distinct = set(values)
    if all(type(v) is str for v in distinct):
        cleaned = {v: clean_text(v) for v in distinct}
        return [cleaned[v] for v in values]
    return [clean_text(as_openpyxl(v)) for v in values]


def _lookup(values: list[str], table: dict[str, bool]) -> NDArray[np.bool_]:
    return np.fromiter((table[v] for v in values), dtype=bool, count=len(values))


def _counts(values: list[Any]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Counts as floats, and where a cell is a whole number >= 0 (below 2**53, exact as a float).

    Cells other than float or int (bool, text, empty) are not counts.
    """
    if all(type(v) is float for v in values):
        numbers = np.array(values, dtype=np.float64)
    else:
        numbers = np.array([_exact_float(v) for v in values], dtype=np.float64)
    numbers += 0.0  # -0.0 becomes 0.0, as int(-0.0) does
    ok = np.isfinite(numbers) & (numbers >= 0) & (numbers < 2.0**53)
    ok &= numbers == np.floor(numbers)
    return numbers, ok


def _published(
    values: list[Any],
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_]]:
    """Published clearance rates as floats, where they are compared, and unusual cells.

    :func:`_pks_row` compares numbers and skips text and empty cells; other cells (bool, dates,
    numbers too large for an exact float) are returned as unusual, for :func:`_pks_row`.
    """
    n = len(values)
    if all(type(v) is float for v in values):
        return np.array(values, dtype=np.float64), np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    numbers = np.array([_exact_float(v) for v in values], dtype=np.float64)
    compared = np.fromiter((_is_exact_number(v) for v in values), dtype=bool, count=n)
    skipped = np.fromiter((type(v) is str or v is None for v in values), dtype=bool, count=n)
    return numbers, compared, ~(compared | skipped)


def _is_exact_number(value: Any) -> bool:
    return type(value) is float or (type(value) is int and -(2**53) < value < 2**53)


def _exact_float(value: Any) -> float:
    return float(value) if _is_exact_number(value) else math.nan


def _pks_row(
    file: str, number: int, values: tuple, layout: PKSLayout, year: int, problems: list[str]
) -> dict | None:
    key = clean_text(values[0])
    where = f"{file}: row {number}"
    if not KEY_PATTERN.match(key):
        problems.append(
            f"{where}, column 1: found key {key!r}; expected six digits/'*' or '------'"
        )
        return None
    land = clean_text(values[2])
    if land not in LAND_CODES:
        problems.append(
            f"{where}, column 3: found Land {land!r}; expected one of {list(LAND_CODES)}"
        )
        return None
    counts = {}
    for name, col in (("cases", layout.cases_col), ("cleared_cases", layout.cleared_col)):
        value = values[col]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"{where}, column {col + 1}: found {value!r}; expected a count")
            return None
        counts[name] = value
    rate = 100.0 * counts["cleared_cases"] / counts["cases"] if counts["cases"] else math.nan
    published = values[layout.rate_col]
    if counts["cases"] and isinstance(published, int | float):
        if abs(rate - float(published)) > AQ_TOLERANCE:
            problems.append(
                f"{where}, column {layout.rate_col + 1}: found clearance rate {published}; "
                f"expected {rate:.2f} = {counts['cleared_cases']} / {counts['cases']} x 100"
            )
    return {
        "year": year,
        "land_code": LAND_CODES[land],
        "land": land,
        "key": key,
        "offence": clean_text(values[1]),
        **counts,
        "clearance_rate": rate,
    }


def read_pks_years(folders: dict[int, Path]) -> pd.DataFrame:
    """Read several years (``{year: folder}``) into one frame, in year order.

    Parameters
    ----------
    folders
        The folder of each year's source, as for :func:`read_pks_laender`.

    Returns
    -------
    pandas.DataFrame
        The years' frames from :func:`read_pks_laender`, concatenated in year order.

    Raises
    ------
    DataValidationError
        As :func:`read_pks_laender`, for the earliest year that fails.

    Notes
    -----
    The workbooks are parsed a few years ahead in worker threads (calamine releases the GIL
    while it parses); the checks run in the calling thread in year order, so the error raised is
    the one reading the years one after another would raise.
    """
    years = sorted(folders)
    threads = max(1, min(len(years), os.cpu_count() or 1, MAX_THREADS))
    frames = []
    loads: dict[int, Future[tuple[Path, PKSLayout, list[list[Any]]]]] = {}
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pks") as pool:
        try:
            for i, year in enumerate(years):
                for ahead in years[i : i + threads + 1]:
                    if ahead not in loads:
                        loads[ahead] = pool.submit(_load_year, folders[ahead], ahead)
                path, layout, sheet = loads.pop(year).result()
                frames.append(_pks_frame(path, layout, year, sheet))
        finally:
            for load in loads.values():
                load.cancel()
    return pd.concat(frames, ignore_index=True)
