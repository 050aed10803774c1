"""The README's Quick start as a user with a network and no mirror runs it, and JupyterLab.

The reports rendered by the quick start are also scanned for English left in the Kazakh and
Russian versions (tests/english_scan.py).

A local HTTP server on 127.0.0.1 serves the mirror's files at their URL paths, standing in for
the network (``POLICINGSTUDY_URL_REWRITE`` points the pinned URLs at it); the project is a clean
copy without downloads and without ``POLICINGSTUDY_MIRROR``.
"""

from __future__ import annotations

import csv
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.english_scan import scan_reports
from tests.helpers import ROOT, copy_project

pytestmark = pytest.mark.slow


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def network(mirror: Path, tmp_path: Path) -> Iterator[str]:
    """Serve every mirror file with a raw URL at that URL's path; yield the server's base URL."""
    www = tmp_path / "www"
    with (mirror / "MANIFEST.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not row["raw_url"]:
                continue
            target = www / urlparse(row["raw_url"]).path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            source = mirror / row["short_name"] / Path(row["raw_url"]).name
            if source.is_file() and not target.exists():
                target.symlink_to(source)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"POLICINGSTUDY_MIRROR", "POLICINGSTUDY_ROOT", "MPLBACKEND"}
    }
    return {**env, **extra}


def test_quick_start_report_with_a_network_and_no_mirror(network: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "clone")
    (project / "data" / "raw" / "external").unlink(missing_ok=True)
    env = _clean_env(POLICINGSTUDY_URL_REWRITE=f"https://raw.githubusercontent.com={network}")
    done = subprocess.run(
        [sys.executable, "-m", "policingstudy.cli", "report"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    stems = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    for lang in ("en", "kk", "ru"):
        for stem in stems:
            assert (project / "reports" / lang / f"{stem}.html").is_file(), (lang, stem)
    assert "downloaded" in done.stderr
    assert "copied from the mirror" in done.stderr and "0 copied from the mirror" in done.stderr
    # nothing left in English in the Kazakh and Russian reports (tests/english_scan.py)
    for lang in ("kk", "ru"):
        found = scan_reports(project / "reports" / lang, lang)
        assert not found, f"English left in the {lang} reports:\n" + "\n".join(
            str(f) for f in found[:60]
        )


def test_a_notebook_runs_from_the_notebooks_folder_as_jupyterlab_starts_it(
    mirror: Path, tmp_path: Path
) -> None:
    import nbformat
    from nbclient import NotebookClient

    project = copy_project(tmp_path / "lab", notebooks=["01_thesis_overview"])
    env = _clean_env(POLICINGSTUDY_MIRROR=str(mirror))
    subprocess.run(
        [sys.executable, "-m", "policingstudy.cli", "build"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    nb = nbformat.read(project / "notebooks" / "01_thesis_overview.ipynb", as_version=4)
    old = os.environ.pop("POLICINGSTUDY_ROOT", None)
    try:
        NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(project / "notebooks")}},
        ).execute()
    finally:
        if old is not None:
            os.environ["POLICINGSTUDY_ROOT"] = old
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
