"""Test helpers: a throw-away copy of the project to run the CLI against."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def copy_project(dest: Path, notebooks: list[str] | None = None) -> Path:
    """Copy pyproject.toml, notebooks/ and data/raw (without external downloads) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    (dest / "notebooks").mkdir()
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if notebooks is None or nb.stem in notebooks:
            shutil.copy(nb, dest / "notebooks" / nb.name)
    shutil.copytree(
        ROOT / "data" / "raw", dest / "data" / "raw", ignore=shutil.ignore_patterns("external")
    )
    external = ROOT / "data" / "raw" / "external"
    if external.is_dir():
        (dest / "data" / "raw" / "external").symlink_to(external, target_is_directory=True)
    return dest


def write_notebook(path: Path, parameters: str, *cells: str) -> Path:
    """Write a small notebook with a tagged parameters cell and further code cells."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path
