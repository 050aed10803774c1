"""Test helpers: a throw-away copy of the project to run the CLI against; figure checks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def copy_project(dest: Path, notebooks: list[str] | None = None, *, survey: bool = False) -> Path:
    """Copy pyproject.toml, notebooks/ and data/raw (without external downloads) into ``dest``.

    The repository's download cache is linked when it exists. With ``survey=True`` the copy gets
    instead a cache holding only a synthetic UChicago survey (``tests.synthetic.write_survey``),
    pinned in the copy's registry, so that ``build`` and ``report`` run without external data.
    """
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
    if survey:
        from tests.synthetic import write_survey

        folder = write_survey(dest / "data" / "raw" / "external" / "us_oversight_agencies")
        pin_source(dest, "us_oversight_agencies", folder)
    elif external.is_dir():
        (dest / "data" / "raw" / "external").symlink_to(external, target_is_directory=True)
    return dest


def pin_source(root: Path, source_id: str, folder: Path) -> None:
    """Pin the files in ``folder`` as source ``source_id`` in the registry of the project ``root``.

    Each file of the entry gets the sha256 and size of the file of the same name in ``folder``
    (a test stand-in for the published file); URLs and texts stay. Only for throw-away copies.
    """
    import hashlib

    import yaml

    path = root / "data" / "raw" / "external_sources.yaml"
    registry = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in registry["sources"][source_id]["files"]:
        data = (folder / item["name"]).read_bytes()
        item["sha256"] = hashlib.sha256(data).hexdigest()
        item["bytes"] = len(data)
    path.write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8")


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


DATA = ROOT / "tests" / "data"


def shipped_source(source: str, dest: Path) -> Path:
    """Expand a validation data set shipped in ``tests/data`` into ``dest / source``.

    The files listed for ``source`` in ``tests/data/fixtures.json`` are decompressed and checked
    against the sha256 of the original (the mirror's pinned file), so readers see the published
    bytes. Returns the folder, laid out like the source's folder in the mirror.
    """
    import gzip
    import hashlib
    import json

    index = json.loads((DATA / "fixtures.json").read_text(encoding="utf-8"))
    entries = [e for e in index["files"] if e["source"] == source]
    if not entries:
        known = sorted({e["source"] for e in index["files"]})
        raise KeyError(f"{source!r} is not shipped in tests/data; expected one of {known}")
    folder = dest / source
    folder.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        data = gzip.decompress((DATA / entry["shipped"]).read_bytes())
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"]:
            raise ValueError(
                f"tests/data/{entry['shipped']}: expands to sha256 {digest}; expected "
                f"{entry['sha256']} (run tests/data/make_fixtures.py)"
            )
        (folder / entry["name"]).write_bytes(data)
    return folder


def published(name: str):  # noqa: ANN201
    """The reference number ``name`` of ``data/raw/reference/published.json``."""
    from policingstudy.core.paths import ProjectPaths
    from policingstudy.data.reference import published as _published

    return _published(name, paths=ProjectPaths(ROOT))


def approx_published(name: str):  # noqa: ANN201
    """``pytest.approx`` of a reference number with its published tolerance."""
    import pytest

    ref = published(name)
    return pytest.approx(ref.value, abs=ref.tolerance)


def load_script(path: Path):  # noqa: ANN201
    """Import a checked-in script (``scripts/``, ``tests/data/``) as a module."""
    import importlib.util
    import sys

    name = f"_script_{path.parent.name}_{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module


def synthetic_sources(root: Path) -> tuple[Path, Path]:
    """A project whose registry lists two made-up sources, and a mirror holding their files.

    Source ``alpha`` has two files with (unreachable) pinned URLs, ``beta`` one file and no URL
    (``mirror_only``). Returns ``(project_root, mirror)``; the project has only
    ``data/raw/external_sources.yaml``. For tests of fetching, verification and locating that
    must run without the real mirror or a network.
    """
    import hashlib

    import yaml

    files = {
        "alpha": {"a.csv": b"year,value\n2020,1\n2021,2\n", "b.txt": b"alpha notes\n"},
        "beta": {"c.json": b'{"beta": true}\n'},
    }
    mirror = root / "mirror"
    entries = {}
    for sid, contents in files.items():
        (mirror / sid).mkdir(parents=True, exist_ok=True)
        items = []
        for name, data in contents.items():
            (mirror / sid / name).write_bytes(data)
            url = None if sid == "beta" else f"https://example.invalid/{'0' * 40}/{name}"
            items.append(
                {"name": name, "url": url, "sha256": hashlib.sha256(data).hexdigest(),
                 "bytes": len(data)}
            )  # fmt: skip
        entries[sid] = {
            "title": f"Synthetic source {sid}",
            "licence": "CC0-1.0 (made up for tests)",
            "citation": f"Synthetic test data {sid}, written by tests.helpers.synthetic_sources.",
            "description": "Made-up files with pinned hashes, to test fetching and locating.",
            "upstream": "https://example.invalid/",
            **({"mirror_only": True} if sid == "beta" else {}),
            "files": items,
        }
    project = root / "project"
    (project / "data" / "raw").mkdir(parents=True, exist_ok=True)
    (project / "data" / "raw" / "external_sources.yaml").write_text(
        yaml.safe_dump({"version": 1, "sources": entries}, sort_keys=False), encoding="utf-8"
    )
    return project, mirror


def assert_readable(drawn: Any, what: str, *, texts: bool = True) -> None:
    """Fail, naming the texts or legend at fault, if a drawn figure is not readable.

    No two texts of the figure (tick labels, axis labels, titles, legend entries, annotations)
    overlap, and no legend covers a data artist (``report.layout.overlapping_text`` and
    ``legends_over_data``). ``drawn`` is what a plot function returned: Axes, an array of
    Axes or a Figure; ``texts=False`` checks the legends only. The figure is closed afterwards.
    """
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.figure import Figure

    from policingstudy.report import layout

    if isinstance(drawn, Figure):
        fig = drawn
    else:
        fig = np.ravel(drawn)[0].get_figure(root=True)
    overlaps = [str(o) for o in layout.overlapping_text(fig)] if texts else []
    covered = [str(c) for c in layout.legends_over_data(fig)]
    plt.close(fig)
    problems = overlaps + covered
    if problems:
        raise AssertionError(f"{what}: " + "; ".join(problems))
