"""Raw -> validated -> processed: ``policingstudy build`` and ``policingstudy validate``.

``validate`` reads every raw table and checks it; ``build`` validates everything first, then writes
the processed tables as CSV and Parquet. Nothing is written unless every check passes, and each file
is written atomically, so ``data/processed`` never holds a half-written table.

The consensus coding and the reliability table come from :mod:`policingstudy.analysis.reliability`
(the documented reconciliation rule), which is why this orchestration sits above the analysis layer.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from policingstudy.analysis.reliability import alpha_by_group, disagreements, reconcile
from policingstudy.dataset import load_dataset
from policingstudy.paths import ProjectPaths
from policingstudy.tables import thesis_tables, write_tables

PRIMARY_CODER = "c1"


def dataset_tables(paths: ProjectPaths) -> dict[str, pd.DataFrame]:
    """Validated dataset tables plus the consensus coding, reliability and disagreements."""
    data = load_dataset(paths)
    by_coder = data["codings_by_coder"]
    dims = data["indicators"][["indicator_id", "dimension_id"]]
    with_dim = by_coder.merge(dims, on="indicator_id", how="left")
    double = with_dim.groupby(["unit_id", "indicator_id"])["coder"].transform("nunique") >= 2
    reliability = alpha_by_group(
        with_dim[double].rename(columns={"dimension_id": "dimension"}), "dimension"
    ).sort_values("dimension", key=lambda s: s.eq("overall"), kind="stable", ignore_index=True)
    consensus = reconcile(by_coder, primary_coder=PRIMARY_CODER)
    indicators = data["indicators"].merge(
        data["dimensions"][["dimension_id", "label_en", "label_kk", "label_ru"]].rename(
            columns=lambda c: c.replace("label_", "dimension_label_")
        ),
        on="dimension_id",
    )
    return {
        "units": data["units"],
        "events": data["events"],
        "dimensions": data["dimensions"],
        "indicators": indicators,
        "codings_by_coder": by_coder,
        "codings": consensus.reset_index(drop=True),
        "reliability": reliability,
        "disagreements": disagreements(by_coder).reset_index(drop=True),
        "sources": data["sources"],
        "thesis_links": data["thesis_links"],
    }


def validate_all(paths: ProjectPaths) -> dict[str, pd.DataFrame]:
    """Validate every raw table and return the processed tables (nothing written).

    Raises
    ------
    DataValidationError
        Listing every problem found.
    """
    tables = thesis_tables(paths)
    tables.update(dataset_tables(paths))
    return tables


def build(paths: ProjectPaths) -> list[Path]:
    """Validate, then write every processed table; return the files written."""
    return write_tables(paths, validate_all(paths))
