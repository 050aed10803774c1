"""Provenance of a run: git commit, dirty tree, package versions, input file hashes."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from policingstudy.core.hashing import file_digest
from policingstudy.core.paths import ProjectPaths
from policingstudy.data.sources import UsedFile

KEY_PACKAGES = (
    "policingstudy",
    "pandas",
    "numpy",
    "geopandas",
    "matplotlib",
    "linearmodels",
    "moderndid",
    "papermill",
    "nbconvert",
    "pandera",
    "SALib",
    "krippendorff",
)


def input_hashes(paths: ProjectPaths, used_files: Iterable[UsedFile] = ()) -> dict[str, str]:
    """Return ``path -> sha256`` of the run's inputs.

    Every file in data/raw (without downloads) and data/processed, plus the external files the
    run's notebooks read, wherever they were found (the cache or the mirror; a mirror path is
    shown as ``mirror:<id>/<file>``).
    """
    hashes: dict[str, str] = {}
    for folder in (paths.raw, paths.processed):
        if not folder.exists():
            continue
        for file in sorted(folder.rglob("*")):
            rel = file.relative_to(paths.root)
            if (
                file.is_file()
                and not file.name.startswith((".tmp-", ".gitkeep"))
                and rel.parts[:3] != ("data", "raw", "external")
            ):
                hashes[rel.as_posix()] = file_digest(file)
    for item in used_files:
        name = (
            f"data/raw/external/{item.source_id}/{item.name}"
            if item.origin == "cache"
            else f"mirror:{item.source_id}/{item.name}"
        )
        hashes[name] = item.sha256
    return dict(sorted(hashes.items()))


def _git(root: Path, *args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def package_versions() -> dict[str, str]:
    """Return the installed versions of the key packages."""
    versions = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def run_metadata(
    paths: ProjectPaths, *, started: float, used_files: Iterable[UsedFile] = ()
) -> dict[str, Any]:
    """Collect what a reader needs to trace a run.

    ``git_dirty`` counts uncommitted changes and untracked files in what the reports depend
    on (``notebooks/``, ``src/``, ``data/raw/`` without downloads, ``pyproject.toml``).
    """
    commit = _git(paths.root, "rev-parse", "HEAD")
    status = _git(
        paths.root,
        "status",
        "--porcelain",
        "--untracked-files=all",
        "--",
        "notebooks",
        "src",
        "data/raw",
        ":(exclude)data/raw/external",
        "pyproject.toml",
    )
    return {
        "started": dt.datetime.fromtimestamp(started, dt.UTC).isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": commit or "unknown",
        "git_dirty": bool(status) if commit else None,
        "python": platform.python_version(),
        "packages": package_versions(),
        "inputs": input_hashes(paths, used_files),
        "reports": str(paths.reports),
    }
