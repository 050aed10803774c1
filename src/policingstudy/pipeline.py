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
from policingstudy.errors import SourceError
from policingstudy.paths import ProjectPaths
from policingstudy.readers.us import read_oversight_agencies
from policingstudy.sources import locate
from policingstudy.survey import load_mapping, survey_units
from policingstudy.tables import thesis_tables, write_tables

SURVEY_SOURCE = "us_oversight_agencies"
SURVEY_COLUMNS = [
    "agency_id",
    "name",
    "city_id",
    "city",
    "state",
    "city_rank",
    "established_year",
    "amended_year",
    "primary_role",
    "investigative",
    "review",
    "audit",
    "adjudicative",
    "supervisory",
    "advisory",
    "appeals",
    "latitude",
    "longitude",
]


def survey_agencies(paths: ProjectPaths, mirror: Path | None) -> pd.DataFrame:
    """The UChicago survey's agencies, or an empty frame when the file is not available."""
    try:
        folder = locate(SURVEY_SOURCE, paths=paths, mirror=mirror)
    except SourceError:
        return pd.DataFrame(columns=SURVEY_COLUMNS)
    return read_oversight_agencies(folder).loc[:, SURVEY_COLUMNS]


PRIMARY_CODER = "c1"


def dataset_tables(paths: ProjectPaths, mirror: Path | None = None) -> dict[str, pd.DataFrame]:
    """Validated dataset tables plus survey units, consensus coding, reliability, disagreements.

    The UChicago survey's agencies join the units when the survey file is available (fetched, or
    in ``mirror``); otherwise the survey tables are empty and the reports say so.
    """
    data = load_dataset(paths)
    agencies = survey_agencies(paths, mirror)
    known = set(data["indicators"]["indicator_id"])
    mapping = load_mapping(paths.dataset / "us_survey_mapping.yaml", known)
    s_units, s_events, s_codings = survey_units(agencies, mapping)
    units = pd.concat(
        [data["units"].assign(origin="hand_coded", linked_unit_id=""), s_units], ignore_index=True
    )
    events = pd.concat([data["events"], s_events], ignore_index=True)
    by_coder = pd.concat([data["codings_by_coder"], s_codings], ignore_index=True)
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
        "units": units,
        "events": events,
        "us_survey_agencies": agencies,
        "dimensions": data["dimensions"],
        "indicators": indicators,
        "codings_by_coder": by_coder,
        "codings": consensus.reset_index(drop=True),
        "reliability": reliability,
        "disagreements": disagreements(by_coder).reset_index(drop=True),
        "sources": data["sources"],
        "thesis_links": data["thesis_links"],
    }


def validate_all(paths: ProjectPaths, mirror: Path | None = None) -> dict[str, pd.DataFrame]:
    """Validate every raw table and return the processed tables (nothing written).

    Raises
    ------
    DataValidationError
        Listing every problem found.
    """
    tables = thesis_tables(paths)
    tables.update(dataset_tables(paths, mirror))
    return tables


def build(paths: ProjectPaths, mirror: Path | None = None) -> list[Path]:
    """Validate, then write every processed table; return the files written."""
    return write_tables(paths, validate_all(paths, mirror))
