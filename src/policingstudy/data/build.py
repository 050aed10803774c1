"""Raw -> validated -> processed: ``policingstudy build`` and ``policingstudy validate``.

``validate`` reads every raw table and checks it; ``build`` validates everything first, then writes
the processed tables as CSV and Parquet. Nothing is written unless every check passes, and each file
is written atomically, so ``data/processed`` never holds a half-written table.

The consensus coding and the reliability table come from :mod:`policingstudy.methods.reliability`
(the documented reconciliation rule), which is why this orchestration sits above the analysis layer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from policingstudy.core.errors import SourceError
from policingstudy.core.io import write_text
from policingstudy.core.paths import ProjectPaths
from policingstudy.data.dataset import load_dataset
from policingstudy.data.practice_tables import practice_tables
from policingstudy.data.readers.de import read_pks_years
from policingstudy.data.readers.practice import PRACTICE_SOURCES, read_practice_measures
from policingstudy.data.readers.us import read_oversight_agencies
from policingstudy.data.sources import load_registry, locate
from policingstudy.data.survey import load_mapping, survey_units
from policingstudy.data.tables import thesis_tables, write_tables
from policingstudy.methods.reliability import alpha_by_group, disagreements, reconcile

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
        "ew_pcc_functions": data["ew_pcc_functions"],
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


# Tables parsed from external files that are slow to read (the twelve PKS workbooks, about 12 MB
# of sheet XML each, take 2-3 s): built once per set of input files and reused while their pinned
# sha256 are unchanged.
EXTERNAL_TABLES: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Path]], pd.DataFrame]]] = {
    "pks_laender": (tuple(f"de_pks_laender_{y}" for y in PKS_YEARS), _pks),
    # WJP, V-Dem, Fariss, PTS, QoG, EU-SILC and WGI as one tidy country x year x measure table
    # (about 4 s to read).
    "practice_measures": (PRACTICE_SOURCES, read_practice_measures),
}


def _stamp(paths: ProjectPaths, ids: tuple[str, ...], reader: Callable[..., object]) -> str:
    registry = load_registry(paths)
    digest = hashlib.sha256(reader.__module__.encode())
    for sid in ids:
        for file in registry[sid].files:
            digest.update(f"{sid}/{file.name}:{file.sha256}".encode())
    return digest.hexdigest()


def external_tables(paths: ProjectPaths, mirror: Path | None) -> list[Path]:
    """Write the processed tables parsed from external files, when their inputs changed.

    A table whose inputs are not available (not fetched, no mirror) is skipped; notebooks that
    need it then fail with a message saying to run ``policingstudy fetch``.
    """
    written = []
    for name, (ids, reader) in EXTERNAL_TABLES.items():
        stamp_path = paths.processed / ".stamps" / f"{name}.json"
        try:
            folders = {sid: locate(sid, paths=paths, mirror=mirror) for sid in ids}
        except SourceError:
            continue
        stamp = _stamp(paths, ids, reader)
        current = (paths.processed / f"{name}.parquet").exists() and stamp_path.exists()
        if current and json.loads(stamp_path.read_text())["stamp"] == stamp:
            continue
        written += write_tables(paths, {name: reader(folders)})
        write_text(stamp_path, json.dumps({"stamp": stamp, "inputs": list(ids)}) + "\n")
    return written


def _inputs_stamp(paths: ProjectPaths, mirror: Path | None) -> str:
    """Hash of everything the processed tables depend on (raw files, package source, survey)."""
    import policingstudy

    digest = hashlib.sha256()
    package = Path(policingstudy.__file__).parent
    for folder in (paths.raw, package):
        for file in sorted(folder.rglob("*")):
            if (
                file.is_file()
                and "external" not in file.relative_to(folder).parts[:1]
                and "__pycache__" not in file.parts
            ):
                digest.update(file.relative_to(folder).as_posix().encode())
                digest.update(file.read_bytes())
    try:
        survey = locate(SURVEY_SOURCE, paths=paths, mirror=mirror)
        digest.update(b"survey:" + str(sorted(p.name for p in survey.iterdir())).encode())
    except SourceError:
        digest.update(b"survey:none")
    return digest.hexdigest()


def build(paths: ProjectPaths, mirror: Path | None = None, *, reuse: bool = False) -> list[Path]:
    """Validate, then write every processed table; return the files written.

    With ``reuse`` (used by ``policingstudy report``), nothing is rebuilt when the raw files,
    the package source and the survey's availability are unchanged since the last build.
    """
    stamp_path = paths.processed / ".stamps" / "build.json"
    stamp = _inputs_stamp(paths, mirror)
    if reuse and stamp_path.exists() and json.loads(stamp_path.read_text())["stamp"] == stamp:
        return external_tables(paths, mirror)
    written = write_tables(paths, validate_all(paths, mirror))
    written += external_tables(paths, mirror)
    write_text(stamp_path, json.dumps({"stamp": stamp}) + "\n")
    return written
