"""Build stamps and job keys follow the code that produced an output (core.hashing)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from policingstudy.core import hashing
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import build

READER = "policingstudy.data.readers.de"


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the package source that the hashing layer reads instead of the real one."""
    copy = tmp_path / "policingstudy"
    shutil.copytree(hashing.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(hashing, "PACKAGE_DIR", copy)
    hashing._module_file.cache_clear()
    hashing._imports_of.cache_clear()
    yield copy
    hashing._module_file.cache_clear()
    hashing._imports_of.cache_clear()


def _edit(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_code_digest_covers_the_module_and_what_it_imports(package: Path) -> None:
    before = hashing.code_digest(READER)
    _edit(package / "report" / "style.py", "UNRELATED = 1")
    assert hashing.code_digest(READER) == before  # a module the reader does not import
    _edit(package / "data" / "readers" / "_common.py", "HELPER = 1")
    after_helper = hashing.code_digest(READER)
    assert after_helper != before  # a helper the reader imports
    _edit(package / "data" / "readers" / "de.py", "CHANGED = 1")
    assert hashing.code_digest(READER) != after_helper


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectPaths:
    """A project with one registered toy source and an external table read by READER's code."""
    root = tmp_path / "project"
    (root / "data" / "raw" / "external" / "toy").mkdir(parents=True)
    data = b"a,b\n1,2\n"
    (root / "data" / "raw" / "external" / "toy" / "t.csv").write_bytes(data)
    import hashlib

    registry = {
        "sources": {
            "toy": {
                "title": "t",
                "licence": "CC0",
                "citation": "c",
                "description": "d",
                "upstream": "https://example.org/",
                "mirror_only": True,
                "files": [
                    {
                        "name": "t.csv",
                        "url": None,
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "bytes": len(data),
                    }
                ],
            }
        }
    }
    (root / "data" / "raw" / "external_sources.yaml").write_text(yaml.safe_dump(registry))
    calls: list[int] = []

    def read(folders: dict[str, Path]) -> pd.DataFrame:
        calls.append(1)
        return pd.read_csv(folders["toy"] / "t.csv")

    table = build.ExternalTable("toy_table", ("toy",), read, READER)
    monkeypatch.setattr(build, "EXTERNAL_TABLES", (table,))
    monkeypatch.setattr(build, "_calls", calls, raising=False)
    return ProjectPaths(root)


def test_an_external_table_is_rebuilt_when_its_reader_changes(
    toy: ProjectPaths, package: Path
) -> None:
    calls = build._calls  # type: ignore[attr-defined]
    assert build.external_tables(toy, None) != []
    assert build.external_tables(toy, None) == []  # unchanged: reused
    assert len(calls) == 1
    _edit(package / "data" / "readers" / "de.py", "# the reader changed")
    assert build.external_tables(toy, None) != []  # rebuilt, no --force needed
    assert build.external_tables(toy, None, reuse=False) != []  # --force rebuilds anyway
    assert len(calls) == 3


def test_a_report_job_is_rerun_when_the_package_code_changes(package: Path, tmp_path: Path) -> None:
    from policingstudy.run.plan import Job
    from policingstudy.run.runner import job_key

    notebook = tmp_path / "n.ipynb"
    notebook.write_text("{}")
    job = Job("n", "en", notebook, {"lang": "en"})
    before = job_key(job, hashing.package_digest(), {})
    _edit(package / "studies" / "index.py", "# changed")
    assert job_key(job, hashing.package_digest(), {}) != before
