"""Raw -> validated -> processed: ``policingstudy build`` and ``policingstudy validate``.

``validate`` reads every raw table and checks it; ``build`` validates everything first, then writes
the processed tables as CSV and Parquet. Nothing is written unless every check passes, and each file
is written atomically, so ``data/processed`` never holds a half-written table.

The consensus coding and the reliability table come from :mod:`policingstudy.methods.reliability`
(the documented reconciliation rule), which is why this orchestration sits above the analysis layer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from policingstudy.core.errors import DataValidationError
from policingstudy.core.hashing import code_digest, library_versions, stamp, tree_digest
from policingstudy.core.io import write_text
from policingstudy.core.paths import ProjectPaths
from policingstudy.data.audit import check_decisive, decisive_cells, load_audit
from policingstudy.data.dataset import ADJUDICATOR, load_dataset
from policingstudy.data.practice_tables import practice_tables
from policingstudy.data.readers.de import read_pks_years
from policingstudy.data.readers.practice import PRACTICE_SOURCES, read_practice_measures
from policingstudy.data.readers.us import read_oversight_agencies
from policingstudy.data.sources import load_registry, locate
from policingstudy.data.survey import load_mapping, survey_units
from policingstudy.data.tables import thesis_tables, write_tables
from policingstudy.methods.reliability import (
    coder_bias,
    disagreements,
    reconcile,
    reliability_table,
)

SURVEY_SOURCE = "us_oversight_agencies"
BUILD_SOURCES: tuple[str, ...] = (SURVEY_SOURCE,)
"""External sources every build needs (the UChicago survey joins the units)."""
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
    """The UChicago survey's agencies (source ``us_oversight_agencies``).

    Raises
    ------
    SourceError
        If the survey's files are neither fetched nor in the mirror (says how to get them).
    """
    folder = locate(SURVEY_SOURCE, paths=paths, mirror=mirror)
    return read_oversight_agencies(folder).loc[:, SURVEY_COLUMNS]


PRIMARY_CODER = "c1"
RELIABILITY_SEED = 20261203
RELIABILITY_BOOTSTRAP = 1000
"""Bootstrap replicates (items resampled) of the reliability intervals, with a fixed seed."""


def dataset_tables(
    paths: ProjectPaths, mirror: Path | None = None, *, survey: bool = True
) -> dict[str, pd.DataFrame]:
    """Validated dataset tables plus survey units, consensus coding, reliability, disagreements.

    The UChicago survey's agencies (an external source) join the units; ``survey=False``
    (``policingstudy validate``, which checks ``data/raw`` only) leaves them out.
    """
    data = load_dataset(paths)
    agencies = (
        survey_agencies(paths, mirror)
        if survey
        else pd.DataFrame({c: pd.Series(dtype=object) for c in SURVEY_COLUMNS})
    )
    known = set(data["indicators"]["indicator_id"])
    mapping = load_mapping(paths.dataset / "us_survey_mapping.yaml", known)
    s_units, s_events, s_codings = survey_units(agencies, mapping)
    units = pd.concat(
        [data["units"].assign(origin="hand_coded", linked_unit_id=""), s_units], ignore_index=True
    )
    classes = set(data["unit_classes"]["unit_class"])
    stray = sorted(set(s_units["unit_class"]) - classes)
    if stray:
        raise DataValidationError(
            [f"survey units: unit_class: found {stray}; expected one of {sorted(classes)}"]
        )
    events = pd.concat([data["events"], s_events], ignore_index=True)
    by_coder = pd.concat([data["codings_by_coder"], s_codings], ignore_index=True)
    dims = data["indicators"][["indicator_id", "dimension_id"]]
    independent = by_coder[by_coder["coder"] != ADJUDICATOR]
    with_dim = independent.merge(dims, on="indicator_id", how="left")
    double = with_dim.groupby(["unit_id", "indicator_id"])["coder"].transform("nunique") >= 2
    jurisdiction = units.set_index("unit_id")["jurisdiction"]
    pairs = with_dim[double].rename(columns={"dimension_id": "dimension"})
    pairs = pairs.assign(jurisdiction=pairs["unit_id"].map(jurisdiction))
    reliability = reliability_table(
        pairs,
        by=["jurisdiction", "dimension"],
        n_boot=RELIABILITY_BOOTSTRAP,
        rng=np.random.default_rng(RELIABILITY_SEED),
    )
    bias = coder_bias(pairs, first=PRIMARY_CODER, second="c2", by="jurisdiction")
    consensus = reconcile(by_coder, primary_coder=PRIMARY_CODER, adjudicator=ADJUDICATOR)
    audit = load_audit(
        paths.dataset,
        units=set(data["units"]["unit_id"]),
        indicators=set(data["indicators"]["indicator_id"]),
    )
    decisive = decisive_cells(consensus, units, events, data["indicators"], data["sources"], audit)
    unaudited = check_decisive(decisive, consensus)
    if unaudited:
        raise DataValidationError(unaudited)
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
        "indicator_checklist": data["codebook"].checklist,
        "unit_classes": data["unit_classes"],
        "codings_by_coder": by_coder,
        "codings": consensus.reset_index(drop=True),
        "reliability": reliability,
        "coder_bias": bias,
        "decisive_cells": decisive,
        "disagreements": disagreements(independent).reset_index(drop=True),
        "sources": data["sources"],
        "thesis_links": data["thesis_links"],
        "ew_pcc_functions": data["ew_pcc_functions"],
    }


def validate_all(
    paths: ProjectPaths, mirror: Path | None = None, *, survey: bool = True
) -> dict[str, pd.DataFrame]:
    """Validate every raw table and return the processed tables (nothing written).

    Parameters
    ----------
    paths
        The project.
    mirror
        Offline mirror for the external survey file.
    survey
        Include the UChicago survey's agencies (an external source); False checks
        ``data/raw`` alone.

    Raises
    ------
    DataValidationError
        Listing every problem found.
    SourceError
        If ``survey`` and the survey file is not available.
    """
    tables = thesis_tables(paths)
    tables.update(dataset_tables(paths, mirror, survey=survey))
    tables.update(
        practice_tables(
            paths.dataset,
            problem_ids=set(tables["thesis_problems"]["problem_id"]),
            source_ids=set(load_registry(paths)),
            sources=tables["sources"],
        )
    )
    return tables


PKS_YEARS = tuple(range(2013, 2025))


def _pks(folders: dict[str, Path]) -> pd.DataFrame:
    return read_pks_years({int(sid.rsplit("_", 1)[1]): f for sid, f in folders.items()})


@dataclass(frozen=True)
class ExternalTable:
    """A processed table parsed from external files that are slow to read.

    It is rebuilt when its stamp changes: the pinned sha256 of its source files, the code of
    ``module`` (the reader, with every package module it imports) and the library versions.
    """

    name: str
    source_ids: tuple[str, ...]
    read: Callable[[dict[str, Path]], pd.DataFrame]
    module: str


# The twelve PKS workbooks (about 12 MB of sheet XML each) take 2-3 s to read.
EXTERNAL_TABLES: tuple[ExternalTable, ...] = (
    ExternalTable(
        "pks_laender",
        tuple(f"de_pks_laender_{y}" for y in PKS_YEARS),
        _pks,
        read_pks_years.__module__,
    ),
    # WJP, V-Dem, Fariss, PTS, QoG, EU-SILC and WGI as one tidy country x year x measure table
    # (about 4 s to read).
    ExternalTable(
        "practice_measures",
        PRACTICE_SOURCES,
        read_practice_measures,
        read_practice_measures.__module__,
    ),
)


def external_stamp(paths: ProjectPaths, table: ExternalTable) -> str:
    """The stamp deciding whether ``table`` must be rebuilt."""
    registry = load_registry(paths)
    pins = {sid: [(f.name, f.sha256) for f in registry[sid].files] for sid in table.source_ids}
    return stamp("external", table.name, pins, code_digest(table.module), library_versions())


def external_tables(
    paths: ProjectPaths,
    mirror: Path | None,
    *,
    reuse: bool = True,
    only: Iterable[str] | None = None,
) -> list[Path]:
    """Write the processed tables parsed from external files whose stamp changed.

    Parameters
    ----------
    paths, mirror
        The project and the offline mirror.
    reuse
        Keep a table whose stamp is unchanged (``False``: rebuild, as ``--force`` asks).
    only
        Source ids available for this run: a table is built only when all its sources are
        among them (None: every table).

    Raises
    ------
    SourceError
        If a table to build has a source that is neither fetched nor in the mirror.
    """
    available = None if only is None else set(only)
    written = []
    for table in EXTERNAL_TABLES:
        if available is not None and not set(table.source_ids) <= available:
            continue
        stamp_path = paths.processed / ".stamps" / f"{table.name}.json"
        current = external_stamp(paths, table)
        target = paths.processed / f"{table.name}.parquet"
        if reuse and target.exists() and _read_stamp(stamp_path) == current:
            continue
        folders = {sid: locate(sid, paths=paths, mirror=mirror) for sid in table.source_ids}
        written += write_tables(paths, {table.name: table.read(folders)})
        write_text(stamp_path, json.dumps({"stamp": current, "inputs": table.source_ids}) + "\n")
    return written


def _read_stamp(path: Path) -> str | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))["stamp"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return str(value)


def build_stamp(paths: ProjectPaths, mirror: Path | None) -> str:
    """Stamp of the processed dataset tables: raw files, the build's code, library versions.

    The survey's pinned files count through the registry (the raw tree includes it).
    """
    raw = tree_digest(paths.raw, exclude_dirs=("external",))
    return stamp("build", raw, code_digest(__name__), library_versions())


def build(
    paths: ProjectPaths,
    mirror: Path | None = None,
    *,
    reuse: bool = False,
    sources: Iterable[str] | None = None,
) -> list[Path]:
    """Validate, then write every processed table; return the files written.

    Parameters
    ----------
    paths, mirror
        The project and the offline mirror.
    reuse
        Skip the dataset tables when their stamp (:func:`build_stamp`) is unchanged, and
        external tables likewise (``policingstudy report`` without ``--force``).
    sources
        Source ids fetched for this run (see :func:`external_tables`); None for all.
    """
    stamp_path = paths.processed / ".stamps" / "build.json"
    current = build_stamp(paths, mirror)
    written: list[Path] = []
    if not (reuse and _read_stamp(stamp_path) == current):
        written = write_tables(paths, validate_all(paths, mirror))
        write_text(stamp_path, json.dumps({"stamp": current}) + "\n")
    written += external_tables(paths, mirror, reuse=reuse, only=sources)
    return written
