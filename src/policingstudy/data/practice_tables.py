"""Raw tables of the de facto part: the article's problems linked to measures, Kazakh trust figures.

- ``data/raw/dataset/problem_measures.csv``: ``problem_id``, ``source_id``, ``measure``,
  ``rationale``: which external measure bears on which of the article's problems (P1 trust, P2
  transparency, P3 participation, P4 professional culture), and why.
- ``data/raw/dataset/kz_trust_figures.csv``: Kazakhstan's national survey figures on trust in the
  police as the dataset's own sources state them: ``source_id`` (a source of
  ``data/raw/dataset/sources/``), ``figure`` (percent, as written in that source's note),
  ``survey_year`` and ``reported`` (blank where the source does not state them), what the figure
  is, who conducted the survey and the population (``_en``, ``_kk``, ``_ru``; blank where not
  stated) and ``question_wording`` (blank: no source states it).

Each check names the file, the 1-based data row, the column, what was found and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from pathlib import Path

import pandas as pd

from policingstudy.core.errors import DataValidationError
from policingstudy.data.readers.practice import measure_catalogue
from policingstudy.data.schemas import read_csv

PROBLEM_COLUMNS = ["problem_id", "source_id", "measure", "rationale"]
TRUST_COLUMNS = [
    "source_id",
    "figure",
    "survey_year",
    "reported",
    *(f"{field}_{lang}" for field in ("what", "conducted_by", "population") for lang in
      ("en", "kk", "ru")),
    "question_wording",
]  # fmt: skip


def _columns(frame: pd.DataFrame, expected: list[str], file: str) -> None:
    if list(frame.columns) != expected:
        raise DataValidationError([f"{file}: columns {list(frame.columns)}; expected {expected}"])


def check_problem_measures(
    table: pd.DataFrame, *, problem_ids: Set[str], source_ids: Set[str], file: str
) -> list[str]:
    """Check the problem-measure links; return problems (empty when all is well).

    Parameters
    ----------
    table
        The CSV as strings.
    problem_ids
        The article's problem ids (``thesis_problems``).
    source_ids
        The external source registry's ids.
    file
        Path shown in messages.
    """
    catalogue = measure_catalogue()
    by_source = catalogue.groupby("source_id")["measure"].apply(list).to_dict()
    problems = []
    for n, row in enumerate(table.itertuples(index=False), start=1):
        where = f"{file}: row {n}"
        if row.problem_id not in problem_ids:
            problems.append(
                f"{where}, column 'problem_id': found {row.problem_id!r}; expected one of "
                f"{sorted(problem_ids)} (data/raw/thesis/problems.csv)"
            )
        if row.source_id not in source_ids:
            problems.append(
                f"{where}, column 'source_id': found {row.source_id!r}; expected a source id of "
                "data/raw/external_sources.yaml"
            )
        elif row.measure not in by_source.get(row.source_id, []):
            known = by_source.get(row.source_id, [])
            shown = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
            problems.append(
                f"{where}, column 'measure': found {row.measure!r}; expected a measure the "
                f"reader of {row.source_id!r} returns ({shown or 'none: no measures read'})"
            )
        if not isinstance(row.rationale, str) or len(row.rationale.strip()) < 20:
            problems.append(f"{where}, column 'rationale': missing or shorter than 20 characters")
    dup = table[table.duplicated(["problem_id", "source_id", "measure"], keep="first")]
    for i in dup.index:
        problems.append(f"{file}: row {i + 1}: the same problem, source and measure again")
    return problems


def check_trust_figures(table: pd.DataFrame, sources: pd.DataFrame, *, file: str) -> list[str]:
    """Check Kazakhstan's trust figures against the notes of the sources they cite.

    Every figure must appear, followed by ``%``, in its source's note; a ``survey_year`` must
    appear in the note or the citation, and a ``reported`` date's year in the citation; what the
    figure is must be given in three languages.
    """
    known = sources.set_index("source_id")
    notes, citations = known["note"].to_dict(), known["citation"].to_dict()
    problems = []
    for n, row in enumerate(table.itertuples(index=False), start=1):
        where = f"{file}: row {n}"
        if row.source_id not in known.index:
            problems.append(
                f"{where}, column 'source_id': found {row.source_id!r}; expected a source id of "
                "data/raw/dataset/sources/"
            )
            continue
        note, citation = str(notes[row.source_id]), str(citations[row.source_id])
        if not re.fullmatch(r"\d+(\.\d+)?", str(row.figure)):
            problems.append(f"{where}, column 'figure': found {row.figure!r}; expected a number")
        elif f"{row.figure}%" not in note:
            problems.append(
                f"{where}, column 'figure': {row.figure}% is not in the note of "
                f"{row.source_id!r}; use only what the source states"
            )
        if isinstance(row.survey_year, str) and row.survey_year not in note + citation:
            problems.append(
                f"{where}, column 'survey_year': {row.survey_year} is not stated by "
                f"{row.source_id!r}"
            )
        if isinstance(row.reported, str):
            if not re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", row.reported):
                problems.append(
                    f"{where}, column 'reported': found {row.reported!r}; expected YYYY-MM-DD"
                )
            elif row.reported[:4] not in citation:
                problems.append(
                    f"{where}, column 'reported': year {row.reported[:4]} is not in the citation "
                    f"of {row.source_id!r}"
                )
        for lang in ("en", "kk", "ru"):
            if not isinstance(getattr(row, f"what_{lang}"), str):
                problems.append(f"{where}, column 'what_{lang}': missing")
    return problems


def practice_tables(
    dataset: Path, *, problem_ids: Set[str], source_ids: Set[str], sources: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Read and validate ``problem_measures.csv`` and ``kz_trust_figures.csv``.

    Parameters
    ----------
    dataset
        The ``data/raw/dataset`` folder.
    problem_ids, source_ids
        Known problem ids and external source ids.
    sources
        The dataset's sources table (``source_id``, ``citation``, ``note``).

    Returns
    -------
    dict
        ``problem_measures`` and ``kz_trust_figures`` (blank cells as empty strings).

    Raises
    ------
    DataValidationError
        Listing every problem of both files.
    """
    problems: list[str] = []
    out: dict[str, pd.DataFrame] = {}
    specs: Mapping[str, tuple[str, list[str]]] = {
        "problem_measures": ("problem_measures.csv", PROBLEM_COLUMNS),
        "kz_trust_figures": ("kz_trust_figures.csv", TRUST_COLUMNS),
    }
    for name, (file_name, columns) in specs.items():
        path = dataset / file_name
        shown = f"data/raw/dataset/{file_name}"
        table = read_csv(path)
        _columns(table, columns, shown)
        if name == "problem_measures":
            problems += check_problem_measures(
                table, problem_ids=problem_ids, source_ids=source_ids, file=shown
            )
        else:
            problems += check_trust_figures(table, sources, file=shown)
        out[name] = table.fillna("").reset_index(drop=True)
    if problems:
        raise DataValidationError(problems)
    return out
