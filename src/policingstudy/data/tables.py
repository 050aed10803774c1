"""Processed tables: the thesis tables, writing and reading ``data/processed``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from policingstudy.core.errors import MissingDataError
from policingstudy.core.io import write_csv, write_parquet
from policingstudy.core.paths import ProjectPaths


def thesis_tables(paths: ProjectPaths) -> dict[str, pd.DataFrame]:
    """Processed tables of the thesis article, named ``thesis_<table>``."""
    from policingstudy.data.thesis import load_thesis  # pandera: kept out of notebooks' `load`

    thesis = load_thesis(paths)
    article = thesis.article
    row = {
        "article_id": article["article_id"],
        "citation": article["citation"],
        "year": article["year"],
        "pages": article["pages"],
        "isbn": article["isbn"],
        "authors_original": "; ".join(article.get("authors_original", [])),
        **{f"title_{lang}": article["title"][lang] for lang in ("en", "kk", "ru")},
        **{f"venue_{lang}": article["venue"][lang] for lang in ("en", "kk", "ru")},
    }
    out = {f"thesis_{name}": frame for name, frame in thesis.tables.items()}
    out["thesis_article"] = pd.DataFrame([row])
    return out


def write_tables(paths: ProjectPaths, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write each table as ``data/processed/<name>.csv`` and ``.parquet`` (atomically)."""
    written = []
    for name, frame in sorted(tables.items()):
        csv_path = paths.processed / f"{name}.csv"
        parquet_path = paths.processed / f"{name}.parquet"
        write_csv(csv_path, frame)
        write_parquet(parquet_path, frame)
        written += [csv_path, parquet_path]
    return written


TABLES: tuple[str, ...] = (
    "thesis_article",
    "thesis_topics",
    "thesis_problems",
    "thesis_programme",
    "thesis_foreign_models",
    "thesis_references",
    "units",
    "events",
    "us_survey_agencies",
    "dimensions",
    "indicators",
    "codings_by_coder",
    "codings",
    "reliability",
    "disagreements",
    "sources",
    "thesis_links",
    "ew_pcc_functions",
    "pks_laender",
    "indicator_checklist",
    "unit_classes",
    "coder_bias",
    "decisive_cells",
    "practice_measures",
    "problem_measures",
    "kz_trust_figures",
)
"""Names of the processed tables ``policingstudy build`` writes (a test keeps this list true)."""


def load(name: str, *, paths: ProjectPaths | None = None) -> pd.DataFrame:
    """Read the processed table ``name`` from ``data/processed``.

    Parameters
    ----------
    name
        One of :data:`TABLES`.
    paths
        The project; found from the working directory when None.

    Raises
    ------
    MissingDataError
        For a name that is not a processed table (listing the names), or a table not built yet
        (with the command that builds it).
    """
    if name not in TABLES:
        raise MissingDataError(f"no processed table {name!r}; expected one of: {', '.join(TABLES)}")
    paths = paths if paths is not None else ProjectPaths.discover()
    path = paths.processed / f"{name}.parquet"
    if not path.exists():
        raise MissingDataError(
            f"{path} does not exist: run `policingstudy build` (or `policingstudy report`) first"
        )
    return pd.read_parquet(path)
