"""Raw -> validated -> processed: ``policingstudy build`` and ``policingstudy validate``.

``validate`` reads every raw table and checks it; ``build`` validates, then writes the processed
tables as CSV and Parquet. Nothing is written unless every check passes, and each file is written
atomically, so ``data/processed`` never holds a mix of old and new tables from a failed build.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from policingstudy.io import write_csv, write_parquet
from policingstudy.paths import ProjectPaths
from policingstudy.thesis import load_thesis

Builder = Callable[[ProjectPaths], dict[str, pd.DataFrame]]


def thesis_tables(paths: ProjectPaths) -> dict[str, pd.DataFrame]:
    """Processed tables of the thesis article, named ``thesis_<table>``."""
    thesis = load_thesis(paths)
    article = thesis.article
    row = {
        "article_id": article["article_id"],
        "citation": article["citation"],
        "year": article["year"],
        "pages": article["pages"],
        "isbn": article["isbn"],
        **{f"title_{lang}": article["title"][lang] for lang in ("en", "kk", "ru")},
        **{f"venue_{lang}": article["venue"][lang] for lang in ("en", "kk", "ru")},
    }
    out = {f"thesis_{name}": frame for name, frame in thesis.tables.items()}
    out["thesis_article"] = pd.DataFrame([row])
    return out


def builders() -> list[Builder]:
    """The table builders run by ``build`` and ``validate``, in order."""
    from policingstudy.dataset import dataset_tables

    return [thesis_tables, dataset_tables]


def validate_all(paths: ProjectPaths) -> dict[str, pd.DataFrame]:
    """Validate every raw table and return the processed tables (nothing written).

    Raises
    ------
    DataValidationError
        Listing every problem found.
    """
    tables: dict[str, pd.DataFrame] = {}
    for builder in builders():
        tables.update(builder(paths))
    return tables


def build(paths: ProjectPaths) -> list[Path]:
    """Validate, then write ``data/processed/<name>.csv`` and ``.parquet`` for every table.

    Returns
    -------
    list of Path
        The files written.
    """
    tables = validate_all(paths)
    written = []
    for name, frame in sorted(tables.items()):
        csv_path = paths.processed / f"{name}.csv"
        parquet_path = paths.processed / f"{name}.parquet"
        write_csv(csv_path, frame)
        write_parquet(parquet_path, frame)
        written += [csv_path, parquet_path]
    return written


def load(paths: ProjectPaths, name: str) -> pd.DataFrame:
    """Read the processed table ``name`` (run ``policingstudy build`` first).

    Raises
    ------
    FileNotFoundError
        With the command that creates it.
    """
    path = paths.processed / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: run `policingstudy build` (or `policingstudy report`) first"
        )
    return pd.read_parquet(path)
