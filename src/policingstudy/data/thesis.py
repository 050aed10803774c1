"""The thesis article as validated tables: topics, problems, programme, models, references."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import yaml

from policingstudy.core.paths import ProjectPaths
from policingstudy.data.schemas import (
    THESIS_MODELS,
    THESIS_PROBLEMS,
    THESIS_PROGRAMME,
    THESIS_REFERENCES,
    THESIS_TOPICS,
    read_csv,
    validate,
)

FILES = {
    "topics": ("topics.csv", THESIS_TOPICS),
    "problems": ("problems.csv", THESIS_PROBLEMS),
    "programme": ("programme.csv", THESIS_PROGRAMME),
    "foreign_models": ("foreign_models.csv", THESIS_MODELS),
    "references": ("references.csv", THESIS_REFERENCES),
}


@dataclass(frozen=True)
class Thesis:
    """The article's metadata and its structure as tables."""

    article: dict[str, Any]
    tables: dict[str, pd.DataFrame]


def load_thesis(paths: ProjectPaths) -> Thesis:
    """Read and validate ``data/raw/thesis``.

    Raises
    ------
    DataValidationError
        If a table breaks its schema.
    """
    tables = {}
    for name, (file, schema) in FILES.items():
        path = paths.thesis / file
        frame = read_csv(path)
        if "ref" in frame:
            frame["ref"] = pd.to_numeric(frame["ref"], errors="coerce").astype("Int64")
        tables[name] = validate(frame, schema, str(path.relative_to(paths.root)))
    article = yaml.safe_load((paths.thesis / "article.yaml").read_text(encoding="utf-8"))
    return Thesis(article, tables)
