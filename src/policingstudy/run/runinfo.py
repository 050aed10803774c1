"""Provenance of a run: git commit, dirty tree, package versions, input file hashes."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from policingstudy.core.io import sha256_file
from policingstudy.core.paths import ProjectPaths

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


def input_hashes(paths: ProjectPaths) -> dict[str, str]:
    """Return ``relative path -> sha256`` for every file in data/raw and data/processed."""
    hashes: dict[str, str] = {}
    for folder in (paths.raw, paths.processed):
        if not folder.exists():
            continue
        for file in sorted(folder.rglob("*")):
            if file.is_file() and not file.name.startswith((".tmp-", ".gitkeep")):
                hashes[file.relative_to(paths.root).as_posix()] = sha256_file(file)
    return hashes


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


def run_metadata(paths: ProjectPaths, *, started: float, inputs: dict[str, str]) -> dict[str, Any]:
    """Collect what a reader needs to trace a run (timestamps live only here)."""
    commit = _git(paths.root, "rev-parse", "HEAD")
    status = _git(paths.root, "status", "--porcelain", "--untracked-files=no")
    return {
        "started": dt.datetime.fromtimestamp(started, dt.UTC).isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": commit or "unknown",
        "git_dirty": bool(status) if commit else None,
        "python": platform.python_version(),
        "packages": package_versions(),
        "inputs": inputs,
        "reports": str(paths.reports),
    }
