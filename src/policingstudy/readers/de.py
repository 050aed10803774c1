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
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from policingstudy.errors import DataValidationError
from policingstudy.readers._common import clean_text, need_file, raise_problems, sheet_rows
from policingstudy.schemas import validate

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
        The folder of source ``de_pks_laender_<year>`` (see :func:`policingstudy.sources.locate`).
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
    if year not in LAYOUTS:
        raise DataValidationError([f"PKS year {year}: no layout; known years {sorted(LAYOUTS)}"])
    layout = LAYOUTS[year]
    path = need_file(folder, layout.file)
    rows, problems = [], []
    header_rows = {r for r, _ in layout.header_checks}
    for number, values in sheet_rows(path, layout.sheet):
        if number in header_rows:
            for (r, col), expected in layout.header_checks.items():
                found = clean_text(values[col] if col < len(values) else None)
                if r == number and expected not in found:
                    problems.append(
                        f"{path.name}: row {number}, column {col + 1}: found {found!r}; expected "
                        f"{expected!r} (the {year} layout)"
                    )
            continue
        if number < layout.first_data_row:
            continue
        record = _pks_row(path.name, number, values, layout, year, problems)
        if record is not None:
            rows.append(record)
        if len(problems) > 50:
            break
    raise_problems(problems)
    frame = pd.DataFrame(rows)
    n_keys = frame["key"].nunique() if len(frame) else 0
    if n_keys < layout.min_keys:
        raise DataValidationError(
            [f"{path.name}: {n_keys} offence keys; expected at least {layout.min_keys}"]
        )
    return validate(frame, PKS_SCHEMA, path.name).reset_index(drop=True)


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
    """Read several years (``{year: folder}``) into one frame, in year order."""
    frames = [read_pks_laender(folders[y], year=y) for y in sorted(folders)]
    return pd.concat(frames, ignore_index=True)
