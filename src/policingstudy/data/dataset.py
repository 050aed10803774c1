"""The comparative dataset as validated tables.

Raw layout (``data/raw/dataset/``), each table split into part files that are concatenated:

- ``codebook.yaml``: dimensions and indicators (see :mod:`policingstudy.data.codebook`);
- ``units/*.csv``, ``events/*.csv``, ``codings/*.csv``, ``sources/*.csv``;
- ``subunit_codes.csv``: the valid ``subunit_code`` values (codes of the boundary files);
- ``thesis_links.csv``: the article's problems and programme items linked to indicators;
- ``ew_pcc_functions.csv`` (optional): who holds PCC functions in each E&W police force area.

Every check reports the file, the 1-based data row, the column, what was found and what was
expected; all problems are collected before one :class:`DataValidationError` is raised.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TypedDict

import pandas as pd

from policingstudy.core.errors import DataValidationError
from policingstudy.core.paths import ProjectPaths
from policingstudy.core.types import JURISDICTIONS, LANGS
from policingstudy.data.codebook import Codebook, load_codebook
from policingstudy.data.schemas import read_csv, record_lines
from policingstudy.i18n.scripts import latin_words, outside_parentheses

UNIT_COLUMNS = [
    "unit_id",
    "jurisdiction",
    "subunit_code",
    "locality",
    "name_en",
    "name_kk",
    "name_ru",
    "name_original",
    "kind",
    "unit_class",
    "level",
    "legal_basis",
    "legal_basis_kk",
    "legal_basis_ru",
    "source_ids",
    "topic_ids",
    "appointed_by",
    "combined_with",
    "who_may_file",
    "powers",
    "notes",
]
EVENT_COLUMNS = ["unit_id", "event", "date", "source_id", "note"]
CODING_COLUMNS = [
    "unit_id",
    "indicator_id",
    "coder",
    "value",
    "status",
    "source_id",
    "evidence",
    "confidence",
    "date_coded",
]
SOURCE_COLUMNS = ["source_id", "citation", "url", "kind", "accessed", "note"]
LINK_COLUMNS = ["link_type", "link_id", "indicator_id", "rationale"]
PCC_COLUMNS = ["subunit_code", "force_name", "holder", "since", "source_id", "note"]
PCC_HOLDERS = ("pcc", "mayor", "none")

KINDS = (
    "public_council",
    "appeals_system",
    "hotline",
    "emergency_line",
    "e_government",
    "social_media",
    "mass_media",
    "citizen_participation",
    "prevention",
    "community_policing",
    "complaints_system",
    "internal_investigation",
    "prosecutorial_supervision",
    "performance_evaluation",
    "police_reporting",
    "ombudsman",
    "npm",
    "pcc",
    "mayor_pcc",
    "police_and_crime_panel",
    "police_complaints_body",
    "inspectorate",
    "oversight_model_type",
    "civilian_oversight_agency",
    "police_commissioner",
    "complaints_office",
    "no_body",
)
LEVELS = ("national", "regional", "local")
EVENTS = (
    "established",
    "reformed",
    "renamed",
    "abolished",
    "first_holder_took_office",
    "office_vacant",
)
ONCE_PER_UNIT = ("established", "abolished", "first_holder_took_office")
UNDATED_KINDS = ("no_body", "oversight_model_type")  # need no `established` event
HOLDER_KINDS = ("police_commissioner",)  # need a first holder or a recorded vacancy
REFERENCE_DATE = dt.date(2025, 1, 1)  # law in force on this date (PROTOCOL.md, section 2)
STATUSES = ("coded", "unknown", "not_applicable")
CONFIDENCES = ("low", "medium", "high")
SOURCE_KINDS = ("law", "official", "report", "academic", "news", "dataset", "standard")
MAX_EVIDENCE = 300
ADJUDICATOR = "adj"  # coder id of adjudication rows (PROTOCOL.md, section 9)
CODEBOOK_SOURCE = "cb_policingstudy_codebook"
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
EARLIEST = dt.date(1800, 1, 1)


def _read_parts(folder: Path, columns: list[str], root: Path) -> pd.DataFrame:
    """Concatenate ``folder/*.csv``, checking headers; add ``_file`` and ``_row`` for messages.

    ``_row`` is the editor line on which the record starts (the header is line 1).
    """
    frames, problems = [], []
    for path in sorted(folder.glob("*.csv")):
        frame = read_csv(path)
        rel = path.relative_to(root).as_posix()
        missing = [c for c in columns if c not in frame.columns]
        extra = [c for c in frame.columns if c not in columns]
        if missing or extra:
            problems.append(
                f"{rel}: header: found columns {list(frame.columns)}; expected {columns} "
                f"(missing {missing}, unexpected {extra})"
            )
            continue
        frames.append(frame.assign(_file=rel, _row=record_lines(path)))
    if problems:
        raise DataValidationError(problems)
    if not frames:
        return pd.DataFrame(columns=[*columns, "_file", "_row"], dtype=object)
    return pd.concat(frames, ignore_index=True)


def _at(row: pd.Series, column: str) -> str:
    return f"{row['_file']}: line {row['_row']}, column {column!r}"


def _blank(value: object) -> bool:
    return (
        value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""
    )


def parse_date(text: str) -> dt.date:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (missing parts taken as the first)."""
    if not DATE_RE.match(text):
        raise ValueError(text)
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _check_date(row: pd.Series, column: str, today: dt.date, problems: list[str]) -> None:
    text = "" if _blank(row[column]) else str(row[column])
    try:
        date = parse_date(text)
    except ValueError:
        problems.append(f"{_at(row, column)}: found {text!r}; expected a date YYYY[-MM[-DD]]")
        return
    if date > today or date < EARLIEST:
        problems.append(
            f"{_at(row, column)}: found {text!r}; expected a date between 1800-01-01 and "
            f"{today.isoformat()} (today)"
        )


def _check_choice(
    row: pd.Series, column: str, allowed: tuple[str, ...], problems: list[str]
) -> None:
    if row[column] not in allowed:
        problems.append(f"{_at(row, column)}: found {row[column]!r}; expected one of {allowed}")


def _check_source(row: pd.Series, known: set[str], problems: list[str]) -> None:
    if row["source_id"] not in known:
        problems.append(
            f"{_at(row, 'source_id')}: unknown source id {row['source_id']!r}; "
            "expected an id defined in data/raw/dataset/sources/"
        )


def check_sources(sources: pd.DataFrame, today: dt.date) -> list[str]:
    """Check the sources table; return problems."""
    problems = []
    for _, row in sources.iterrows():
        for column in ("source_id", "citation", "url"):
            if _blank(row[column]):
                problems.append(f"{_at(row, column)}: found an empty cell; expected a value")
        _check_choice(row, "kind", SOURCE_KINDS, problems)
        _check_date(row, "accessed", today, problems)
    for _, row in sources[sources["source_id"].duplicated(keep="first")].iterrows():
        problems.append(
            f"{_at(row, 'source_id')}: found {row['source_id']!r} again; expected unique ids"
        )
    return problems


def _check_legal_basis(row: pd.Series, problems: list[str]) -> None:
    """``legal_basis_kk``/``_ru`` are filled exactly when ``legal_basis`` is, and translated.

    A translation keeps a foreign act's original title or citation in parentheses after the
    translated title; Latin-script words anywhere else mean an untranslated text.
    """
    english = not _blank(row["legal_basis"])
    for lang in ("kk", "ru"):
        column = f"legal_basis_{lang}"
        if _blank(row[column]):
            if english:
                problems.append(
                    f"{_at(row, column)}: found an empty cell; expected the legal basis in {lang} "
                    "(legal_basis is filled)"
                )
            continue
        text = str(row[column])
        if not english:
            problems.append(
                f"{_at(row, column)}: found {text[:60]!r}; expected an empty cell "
                "(legal_basis is empty)"
            )
            continue
        loose = latin_words(outside_parentheses(text))
        if loose:
            problems.append(
                f"{_at(row, column)}: found Latin-script words outside parentheses {loose[:5]}; "
                f"expected the text in {lang}, with a foreign act's original title or citation "
                "in parentheses after its translation"
            )


def check_units(
    units: pd.DataFrame,
    known_sources: set[str],
    codes: pd.DataFrame,
    unit_classes: tuple[str, ...],
) -> list[str]:
    """Check the units table; return problems.

    ``unit_classes`` is the codebook's closed set of unit classes.
    """
    problems = []
    valid = {(j, c) for j, c in zip(codes["jurisdiction"], codes["code"], strict=True)}
    for _, row in units.iterrows():
        if _blank(row["unit_id"]):
            problems.append(f"{_at(row, 'unit_id')}: found an empty cell; expected an id")
        _check_choice(row, "jurisdiction", JURISDICTIONS, problems)
        _check_choice(row, "kind", KINDS, problems)
        _check_choice(row, "unit_class", unit_classes, problems)
        _check_choice(row, "level", LEVELS, problems)
        for lang in LANGS:
            if _blank(row[f"name_{lang}"]):
                problems.append(
                    f"{_at(row, f'name_{lang}')}: found an empty cell; expected the unit's "
                    f"name in {lang}"
                )
        _check_legal_basis(row, problems)
        code = "" if _blank(row["subunit_code"]) else str(row["subunit_code"])
        if code and (row["jurisdiction"], code) not in valid:
            problems.append(
                f"{_at(row, 'subunit_code')}: found {code!r}; expected a code of "
                f"{row['jurisdiction']} listed in data/raw/dataset/subunit_codes.csv "
                "(e.g. KZ-ALA, DE-RP, E23000001, US-IL) or an empty cell for national units"
            )
        ids = [] if _blank(row["source_ids"]) else str(row["source_ids"]).split(";")
        for sid in (s.strip() for s in ids):
            if sid not in known_sources:
                problems.append(
                    f"{_at(row, 'source_ids')}: unknown source id {sid!r}; "
                    "expected an id defined in data/raw/dataset/sources/"
                )
        if not ids and row["kind"] != "no_body":
            problems.append(f"{_at(row, 'source_ids')}: found an empty cell; expected a source id")
    for _, row in units[units["unit_id"].duplicated(keep="first")].iterrows():
        problems.append(
            f"{_at(row, 'unit_id')}: found {row['unit_id']!r} again; expected unique ids"
        )
    return problems


def check_events(
    events: pd.DataFrame, unit_ids: set[str], known_sources: set[str], today: dt.date
) -> list[str]:
    """Check the events table; return problems."""
    problems = []
    for _, row in events.iterrows():
        if row["unit_id"] not in unit_ids:
            problems.append(
                f"{_at(row, 'unit_id')}: unknown unit id {row['unit_id']!r}; "
                "expected an id from data/raw/dataset/units/"
            )
        _check_choice(row, "event", EVENTS, problems)
        _check_date(row, "date", today, problems)
        _check_source(row, known_sources, problems)
    return problems


def check_validity_dates(units: pd.DataFrame, events: pd.DataFrame) -> list[str]:
    """Check that each unit's dated events are consistent (PROTOCOL.md, section 8); return problems.

    One ``established``, ``abolished`` and ``first_holder_took_office`` at most per unit; neither
    of the last two before ``established``; an ``office_vacant`` (the office had never had a
    holder on that date) only before the first holder took office; and every unit of a kind in
    ``HOLDER_KINDS`` with a first holder or a recorded vacancy. Rows whose date or event does
    not parse are left to :func:`check_events`.
    """
    problems = []
    valid = events[events["event"].isin(EVENTS) & events["date"].fillna("").str.match(DATE_RE)]
    dated = valid.assign(_date=valid["date"].map(parse_date))
    for uid, g in dated.groupby("unit_id", sort=True):
        for event in ONCE_PER_UNIT:
            for _, row in g[g["event"] == event].iloc[1:].iterrows():
                problems.append(
                    f"{_at(row, 'event')}: a second {event!r} event for unit {uid!r}; expected one"
                )
        first = {e: g.loc[g["event"] == e].iloc[0] for e in EVENTS if (g["event"] == e).any()}
        if "established" in first:
            start = first["established"]
            for event in ("abolished", "first_holder_took_office"):
                if event in first and first[event]["_date"] < start["_date"]:
                    problems.append(
                        f"{_at(first[event], 'date')}: {event} on {first[event]['date']!r} before "
                        f"unit {uid!r} was established ({start['date']!r}); expected a later date"
                    )
        if "first_holder_took_office" in first:
            holder = first["first_holder_took_office"]
            for _, row in g[g["event"] == "office_vacant"].iterrows():
                if row["_date"] >= holder["_date"]:
                    problems.append(
                        f"{_at(row, 'date')}: office_vacant on {row['date']!r}, but the first "
                        f"holder of {uid!r} took office on {holder['date']!r}; expected a vacancy "
                        "before the first holder (office_vacant means never filled by that date)"
                    )
    has_holder = set(dated.loc[dated["event"] == "first_holder_took_office", "unit_id"])
    has_holder |= set(dated.loc[dated["event"] == "office_vacant", "unit_id"])
    for _, row in units[units["kind"].isin(HOLDER_KINDS)].iterrows():
        if row["unit_id"] not in has_holder:
            problems.append(
                f"{_at(row, 'kind')}: unit {row['unit_id']!r} of kind {row['kind']!r} has neither "
                "a 'first_holder_took_office' nor an 'office_vacant' event; expected one in "
                "data/raw/dataset/events/ (PROTOCOL.md, section 8)"
            )
    return problems


def unit_validity(
    units: pd.DataFrame, events: pd.DataFrame, *, on: dt.date = REFERENCE_DATE
) -> pd.DataFrame:
    """Whether each unit exists, and its office is filled, on a reference date.

    Parameters
    ----------
    units, events
        The dataset's units and events tables (raw or processed).
    on
        The reference date (default: the law in force on 2025-01-01).

    Returns
    -------
    pandas.DataFrame
        One row per unit: ``unit_id``, ``kind``, the dates (text as recorded, ``""`` when absent)
        ``established``, ``abolished``, ``first_holder_took_office`` and ``office_vacant`` (the
        latest), ``exists`` and ``office_filled`` (nullable booleans: ``<NA>`` when the events do
        not decide). A unit exists if established on or before ``on`` and not abolished on or
        before it; kind ``no_body`` never exists and ideal types (``oversight_model_type``)
        always do. An office is filled if its first holder took office on or before ``on``; it is
        not if the unit does not exist, the first holder came later, or a vacancy is recorded on
        or after ``on`` with no earlier holder.
    """
    dates: dict[str, dict[str, str]] = {}
    for _, row in events.iterrows():
        if row["event"] in ("established", "abolished", "first_holder_took_office"):
            dates.setdefault(row["unit_id"], {}).setdefault(row["event"], str(row["date"]))
        elif row["event"] == "office_vacant":
            current = dates.setdefault(row["unit_id"], {}).get("office_vacant", "")
            if not current or parse_date(str(row["date"])) > parse_date(current):
                dates[row["unit_id"]]["office_vacant"] = str(row["date"])
    rows = []
    for _, unit in units.iterrows():
        d = dates.get(unit["unit_id"], {})
        est, abol = d.get("established", ""), d.get("abolished", "")
        holder, vacant = d.get("first_holder_took_office", ""), d.get("office_vacant", "")
        exists: bool | None
        if unit["kind"] == "no_body":
            exists = False
        elif unit["kind"] in UNDATED_KINDS:
            exists = True
        elif not est:
            exists = None
        else:
            exists = parse_date(est) <= on and not (abol and parse_date(abol) <= on)
        filled: bool | None
        if exists is False:
            filled = False
        elif holder:
            filled = parse_date(holder) <= on
        elif vacant and parse_date(vacant) >= on:
            filled = False
        else:
            filled = None
        rows.append(
            {
                "unit_id": unit["unit_id"],
                "kind": unit["kind"],
                "established": est,
                "abolished": abol,
                "first_holder_took_office": holder,
                "office_vacant": vacant,
                "exists": exists,
                "office_filled": filled,
            }
        )
    out = pd.DataFrame(rows)
    return out.astype({"exists": "boolean", "office_filled": "boolean"})


def undated_units(units: pd.DataFrame, events: pd.DataFrame) -> list[str]:
    """Units that need an ``established`` event and have none (kinds in ``UNDATED_KINDS`` aside)."""
    established = set(events.loc[events["event"] == "established", "unit_id"])
    need = units[~units["kind"].isin(UNDATED_KINDS)]
    return sorted(set(need["unit_id"]) - established)


def check_codings(
    codings: pd.DataFrame,
    unit_ids: set[str],
    codebook: Codebook,
    known_sources: set[str],
    today: dt.date,
) -> list[str]:
    """Check the coder table; return problems."""
    problems = []
    scale = codebook.indicators.set_index("indicator_id")[["scale_min", "scale_max"]]
    for _, row in codings.iterrows():
        if row["unit_id"] not in unit_ids:
            problems.append(
                f"{_at(row, 'unit_id')}: unknown unit id {row['unit_id']!r}; "
                "expected an id from data/raw/dataset/units/"
            )
        if row["indicator_id"] not in scale.index:
            problems.append(
                f"{_at(row, 'indicator_id')}: unknown indicator {row['indicator_id']!r}; "
                "expected an indicator of codebook.yaml"
            )
        if _blank(row["coder"]):
            problems.append(f"{_at(row, 'coder')}: found an empty cell; expected a coder id")
        _check_choice(row, "status", STATUSES, problems)
        value = None if _blank(row["value"]) else str(row["value"]).strip()
        if row["status"] == "coded":
            lo, hi = (
                scale.loc[row["indicator_id"]] if row["indicator_id"] in scale.index else (0, 3)
            )
            if (
                value is None
                or not re.fullmatch(r"-?\d+(\.0+)?", value)
                or not lo <= float(value) <= hi
            ):
                problems.append(
                    f"{_at(row, 'value')}: found {value!r}; expected an integer "
                    f"from {lo} to {hi} (the indicator's scale)"
                )
            if _blank(row["source_id"]):
                problems.append(
                    f"{_at(row, 'source_id')}: a coded value without a source; "
                    "expected the id of the source the value rests on"
                )
            _check_choice(row, "confidence", CONFIDENCES, problems)
        elif value is not None:
            problems.append(
                f"{_at(row, 'value')}: found {value!r} with status {row['status']!r}; "
                "expected an empty value (only status 'coded' carries a value)"
            )
        if not _blank(row["source_id"]) and row["source_id"] not in known_sources:
            problems.append(
                f"{_at(row, 'source_id')}: unknown source id {row['source_id']!r}; "
                "expected an id defined in data/raw/dataset/sources/"
            )
        if not _blank(row["evidence"]) and len(str(row["evidence"])) > MAX_EVIDENCE:
            problems.append(
                f"{_at(row, 'evidence')}: found {len(str(row['evidence']))} characters; "
                f"expected at most {MAX_EVIDENCE}"
            )
        if row["status"] == "coded" and _blank(row["evidence"]):
            problems.append(
                f"{_at(row, 'evidence')}: found an empty cell; expected a short "
                "evidence note for the coded value"
            )
        _check_date(row, "date_coded", today, problems)
    independent = codings[codings["coder"] != ADJUDICATOR]
    # An empty value (unknown, not applicable) must stay a judgment of its own: with the string
    # dtype a missing value survives astype(str), and concatenating it would drop the whole key.
    cells = independent.assign(
        _judgment=independent["status"].fillna("").astype(str)
        + ":"
        + independent["value"].fillna("").astype(str)
    ).groupby(["unit_id", "indicator_id"])
    n_coders = cells["coder"].nunique()
    n_judgments = cells["_judgment"].nunique()
    for _, row in codings[codings["coder"] == ADJUDICATOR].iterrows():
        item = (row["unit_id"], row["indicator_id"])
        if n_coders.get(item, 0) < 2:
            problems.append(
                f"{_at(row, 'coder')}: adjudication row for unit {row['unit_id']!r}, indicator "
                f"{row['indicator_id']!r} with fewer than two independent codings; expected an "
                "adjudicated cell to be coded by two coders first"
            )
        elif n_judgments.get(item, 0) < 2:
            problems.append(
                f"{_at(row, 'coder')}: adjudication row for unit {row['unit_id']!r}, indicator "
                f"{row['indicator_id']!r}, where the coders agree; expected adjudication only "
                "for a disagreement (in status or value)"
            )
    key = ["unit_id", "indicator_id", "coder"]
    for _, row in codings[codings.duplicated(key, keep="first")].iterrows():
        problems.append(
            f"{_at(row, 'unit_id')}: duplicate row for unit {row['unit_id']!r}, indicator "
            f"{row['indicator_id']!r}, coder {row['coder']!r}; expected one row per "
            "unit x indicator x coder"
        )
    return problems


def check_links(links: pd.DataFrame, codebook: Codebook, root: Path) -> list[str]:
    """Check the thesis linkage table; return problems."""
    problems = []
    known = set(codebook.indicators["indicator_id"])
    pattern = {"problem": r"^P[1-4]$", "programme": r"^R[1-9]$"}
    for _, row in links.iterrows():
        if row["link_type"] not in pattern:
            problems.append(
                f"{_at(row, 'link_type')}: found {row['link_type']!r}; expected "
                "'problem' or 'programme'"
            )
        elif not re.match(pattern[row["link_type"]], str(row["link_id"])):
            problems.append(
                f"{_at(row, 'link_id')}: found {row['link_id']!r}; expected an id of "
                f"data/raw/thesis/{row['link_type']}s.csv"
            )
        if row["indicator_id"] not in known:
            problems.append(
                f"{_at(row, 'indicator_id')}: unknown indicator {row['indicator_id']!r}"
            )
    return problems


def check_pcc_functions(
    table: pd.DataFrame, codes: pd.DataFrame, known_sources: set[str], today: dt.date
) -> list[str]:
    """Check who holds PCC functions in each E&W police force area; return problems."""
    problems = []
    valid = set(codes.loc[codes["jurisdiction"] == "UK-EW", "code"])
    for _, row in table.iterrows():
        if row["subunit_code"] not in valid:
            problems.append(
                f"{_at(row, 'subunit_code')}: found {row['subunit_code']!r}; expected "
                "a police force area code (PFA23CD) of subunit_codes.csv"
            )
        _check_choice(row, "holder", PCC_HOLDERS, problems)
        _check_date(row, "since", today, problems)
        _check_source(row, known_sources, problems)
    missing = sorted(valid - set(table["subunit_code"]))
    if missing and len(table):
        problems.append(f"ew_pcc_functions.csv: police force areas missing: {missing}")
    return problems


def _strip(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.loc[:, columns].copy()
    return out.reset_index(drop=True)


class DatasetTables(TypedDict):
    """The validated dataset: the parsed codebook and one table per file group."""

    codebook: Codebook
    units: pd.DataFrame
    events: pd.DataFrame
    codings_by_coder: pd.DataFrame
    sources: pd.DataFrame
    dimensions: pd.DataFrame
    indicators: pd.DataFrame
    unit_classes: pd.DataFrame
    thesis_links: pd.DataFrame
    ew_pcc_functions: pd.DataFrame


def load_dataset(paths: ProjectPaths, *, today: dt.date | None = None) -> DatasetTables:
    """Read and validate the dataset; return its tables (``units``, ``events``, ...).

    Parameters
    ----------
    paths
        Project folders.
    today
        The date events and codings may not exceed (default: today).

    Raises
    ------
    DataValidationError
        Listing every problem found, each with file, row, column, found and expected.
    """
    today = today or dt.date.today()
    root, folder = paths.root, paths.dataset
    codebook = load_codebook(folder / "codebook.yaml")
    sources = _read_parts(folder / "sources", SOURCE_COLUMNS, root)
    units = _read_parts(folder / "units", UNIT_COLUMNS, root)
    events = _read_parts(folder / "events", EVENT_COLUMNS, root)
    codings = _read_parts(folder / "codings", CODING_COLUMNS, root)
    codes = read_csv(folder / "subunit_codes.csv")
    links_path = folder / "thesis_links.csv"
    links = (
        read_csv(links_path).assign(
            _file=links_path.relative_to(root).as_posix(), _row=record_lines(links_path)
        )
        if links_path.exists()
        else pd.DataFrame(columns=[*LINK_COLUMNS, "_file", "_row"])
    )
    pcc_path = folder / "ew_pcc_functions.csv"
    pcc = (
        read_csv(pcc_path).assign(
            _file=pcc_path.relative_to(root).as_posix(), _row=record_lines(pcc_path)
        )
        if pcc_path.exists()
        else pd.DataFrame(columns=[*PCC_COLUMNS, "_file", "_row"])
    )
    known_sources = set(sources["source_id"])
    unit_ids = set(units["unit_id"])
    problems = check_sources(sources, today)
    problems += [
        f"{folder.relative_to(root).as_posix()}/codebook.yaml: references: unknown source id "
        f"{sid!r}; expected an id defined in data/raw/dataset/sources/"
        for sid in sorted(codebook.reference_ids() - known_sources)
    ]
    problems += check_units(units, known_sources, codes, tuple(codebook.unit_classes["unit_class"]))
    problems += check_events(events, unit_ids, known_sources, today)
    problems += check_validity_dates(units, events)
    problems += check_codings(codings, unit_ids, codebook, known_sources, today)
    problems += check_links(links, codebook, root)
    problems += check_pcc_functions(pcc, codes, known_sources, today)
    if problems:
        raise DataValidationError(problems)
    codings = codings.assign(value=pd.to_numeric(codings["value"]).astype("Float64"))
    # A not-applicable status rests on the codebook's applies_to rule: cite it where the coder
    # gave no other source, so that every non-unknown coding carries a source.
    na_without = (codings["status"] == "not_applicable") & codings["source_id"].isna()
    codings.loc[na_without, "source_id"] = CODEBOOK_SOURCE
    indicators = codebook.indicators
    return {
        "codebook": codebook,
        "units": _strip(units.fillna({"subunit_code": "", "locality": ""}), UNIT_COLUMNS),
        "events": _strip(events, EVENT_COLUMNS).sort_values(
            ["unit_id", "date", "event"], ignore_index=True
        ),
        "codings_by_coder": _strip(
            codings.rename(columns={"_file": "file", "_row": "line"}),
            [*CODING_COLUMNS, "file", "line"],
        ).sort_values(["unit_id", "indicator_id", "coder"], ignore_index=True),
        "sources": _strip(sources, SOURCE_COLUMNS).sort_values("source_id", ignore_index=True),
        "dimensions": codebook.dimensions,
        "indicators": indicators,
        "unit_classes": codebook.unit_classes,
        "thesis_links": _strip(links, LINK_COLUMNS),
        "ew_pcc_functions": _strip(pcc.fillna({"note": ""}), PCC_COLUMNS),
    }
