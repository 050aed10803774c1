"""The raw tables of the de facto part: problem_measures.csv and kz_trust_figures.csv."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.data.practice_tables import (
    PROBLEM_COLUMNS,
    TRUST_COLUMNS,
    check_problem_measures,
    check_trust_figures,
    practice_tables,
)

PROBLEMS = {"P1", "P2", "P3", "P4"}
SOURCES = {"wjp_roli_2025", "vdemlite_v14", "qog_std_cs_jan24", "kz_crime_regions"}


def links(**change: str) -> pd.DataFrame:
    row = {"problem_id": "P3", "source_id": "wjp_roli_2025", "measure": "3.3",
           "rationale": "Civic participation is what the article asks for."}  # fmt: skip
    return pd.DataFrame([{**row, **change}])


def test_shipped_tables_are_valid(dataset_tables: dict) -> None:
    measures = dataset_tables["problem_measures"]
    assert list(measures.columns) == PROBLEM_COLUMNS
    assert set(measures["problem_id"]) == PROBLEMS  # every problem has a measure
    figures = dataset_tables["kz_trust_figures"]
    assert list(figures.columns) == TRUST_COLUMNS
    assert sorted(figures["figure"]) == ["38.3", "61.6", "63"]
    assert (figures["question_wording"] == "").all()  # no source states the wording


def test_a_good_link_passes() -> None:
    assert check_problem_measures(links(), problem_ids=PROBLEMS, source_ids=SOURCES, file="f") == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"problem_id": "P9"}, r"f: row 1, column 'problem_id': found 'P9'; expected one of"),
        ({"source_id": "nope"}, r"column 'source_id': found 'nope'; expected a source id"),
        (
            {"measure": "9.9"},
            r"column 'measure': found '9.9'; expected a measure .*'wjp_roli_2025'",
        ),
        (
            {"source_id": "kz_crime_regions", "measure": "x"},
            r"returns \(none: no measures read\)",
        ),
        ({"rationale": "short"}, r"column 'rationale': missing or shorter than 20"),
    ],
)
def test_bad_links_are_named(change: dict, message: str) -> None:
    problems = check_problem_measures(
        links(**change), problem_ids=PROBLEMS, source_ids=SOURCES, file="f"
    )
    assert len(problems) == 1
    assert re.search(message, problems[0]), problems[0]


def test_duplicate_link_is_named() -> None:
    twice = pd.concat([links(), links()], ignore_index=True)
    problems = check_problem_measures(twice, problem_ids=PROBLEMS, source_ids=SOURCES, file="f")
    assert problems == ["f: row 2: the same problem, source and measure again"]


SOURCE_ROWS = pd.DataFrame(
    {
        "source_id": ["kz_a"],
        "citation": ["Some outlet (13 Oct 2025). 'Trust grew'."],
        "note": ["Checked: survey shows 61.6% trust police."],
    }
)


def figures(**change: object) -> pd.DataFrame:
    row: dict[str, object] = dict.fromkeys(TRUST_COLUMNS, None)
    row.update(source_id="kz_a", figure="61.6", what_en="t", what_kk="t", what_ru="t")
    row.update(change)
    return pd.DataFrame([row])


def test_trust_figures_only_what_the_source_states() -> None:
    assert check_trust_figures(figures(), SOURCE_ROWS, file="f") == []
    assert check_trust_figures(figures(reported="2025-10-13"), SOURCE_ROWS, file="f") == []
    problems = check_trust_figures(figures(figure="62"), SOURCE_ROWS, file="f")
    assert problems == [
        "f: row 1, column 'figure': 62% is not in the note of 'kz_a'; use only what the source "
        "states"
    ]
    problems = check_trust_figures(figures(survey_year="2019"), SOURCE_ROWS, file="f")
    assert problems == ["f: row 1, column 'survey_year': 2019 is not stated by 'kz_a'"]
    problems = check_trust_figures(figures(reported="2024-01-01"), SOURCE_ROWS, file="f")
    assert "year 2024 is not in the citation" in problems[0]
    problems = check_trust_figures(figures(source_id="kz_b"), SOURCE_ROWS, file="f")
    assert "found 'kz_b'; expected a source id" in problems[0]
    problems = check_trust_figures(figures(what_kk=None), SOURCE_ROWS, file="f")
    assert problems == ["f: row 1, column 'what_kk': missing"]


def test_practice_tables_lists_every_problem_of_both_files(
    tmp_path: Path, project_root: Path
) -> None:
    dataset = tmp_path / "dataset"
    dataset.mkdir()
    shutil.copy(project_root / "data/raw/dataset/problem_measures.csv", dataset)
    text = (project_root / "data/raw/dataset/kz_trust_figures.csv").read_text(encoding="utf-8")
    (dataset / "kz_trust_figures.csv").write_text(text.replace("61.6", "99.9"), encoding="utf-8")
    sources = pd.read_csv(project_root / "data/raw/dataset/sources/kz.csv", dtype=str)
    with pytest.raises(DataValidationError) as info:
        practice_tables(dataset, problem_ids={"P1", "P2", "P3"}, source_ids=set(), sources=sources)
    text = str(info.value)
    assert "data/raw/dataset/problem_measures.csv: row 11, column 'problem_id': found 'P4'" in text
    assert "column 'source_id': found 'wjp_roli_2025'" in text
    assert "kz_trust_figures.csv: row 1, column 'figure': 99.9% is not in the note" in text
