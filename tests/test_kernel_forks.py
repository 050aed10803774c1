"""Kernels forked from a helper that has imported the libraries (policingstudy.run.forks)."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policingstudy.core.paths import ProjectPaths
from policingstudy.run.forks import ForkServer, ForkServerError, fork_kernels_supported
from policingstudy.run.plan import notebook_modules, plan
from policingstudy.run.runner import Progress, run
from tests.helpers import copy_project, write_notebook

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

PROBE = (
    "import os, pathlib, sys\n"
    "pathlib.Path(f'probe-{lang}.txt').write_text(\n"
    "    f\"{os.getppid()} {os.getpid()} {'pandas' in sys.modules}\")"
)


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    (root / "notebooks").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'probe'\n")
    return root


@pytest.fixture
def server():
    with ForkServer.start() as helper:
        yield helper


def _run(project: Path, forks: ForkServer | None, langs=("en",), timeout: int = 120):
    paths = ProjectPaths(project)
    jobs = plan(paths, langs=langs)
    return run(
        paths,
        jobs,
        n_jobs=2,
        timeout=timeout,
        progress=Progress(len(jobs), io.StringIO()),
        fork_server=forks.address if forks else None,
    )


def test_switch_turns_forking_off(monkeypatch):
    monkeypatch.setenv("POLICINGSTUDY_FORK_KERNELS", "0")
    assert not fork_kernels_supported()
    monkeypatch.setenv("POLICINGSTUDY_FORK_KERNELS", "1")
    assert fork_kernels_supported()


def test_kernels_are_fresh_children_of_the_helper(project, server):
    write_notebook(project / "notebooks" / "00_probe.ipynb", 'lang = "en"', PROBE)
    summary = _run(project, server, langs=("en", "kk"))
    assert [r.status for r in summary.results] == ["ok", "ok"]
    probes = [(project / f"probe-{lang}.txt").read_text().split() for lang in ("en", "kk")]
    for parent, _, preloaded in probes:
        assert int(parent) == server.pid  # forked by the helper, not started by this process
        assert preloaded == "True"  # pandas was imported before the fork
    assert probes[0][1] != probes[1][1]  # one kernel process per notebook run


def test_spawn_refuses_other_commands(server):
    with pytest.raises(ForkServerError, match="not an ipykernel command"):
        server.spawn([sys.executable, "script.py"], env={}, cwd=".")


def test_stopped_helper_falls_back_to_ordinary_kernels(project, server, caplog):
    server.close()
    with pytest.raises(ForkServerError, match="has stopped|is gone"):
        server.spawn([sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"], env={}, cwd=".")
    write_notebook(project / "notebooks" / "00_probe.ipynb", 'lang = "en"', PROBE)
    summary = _run(project, server)
    assert [r.status for r in summary.results] == ["ok"]
    parent = int((project / "probe-en.txt").read_text().split()[0])
    assert parent == os.getpid()
    assert "starting the kernel the ordinary way" in caplog.text


# Time limits are checked by what happened, not by how fast: a cell that would sleep for SLEEP
# seconds and then write a file must be stopped (no file, the run over before SLEEP). Waits for a
# condition use generous bounds (WAIT) that only matter when the behaviour is broken, so a slow,
# loaded machine cannot fail these tests.
SLEEP = 600
WAIT = 300


def test_forked_kernel_obeys_the_time_limit(project, server):
    write_notebook(
        project / "notebooks" / "00_endless.ipynb",
        'lang = "en"',
        f"import pathlib, time\ntime.sleep({SLEEP})\npathlib.Path('finished.txt').write_text('')",
    )
    start = time.monotonic()
    summary = _run(project, server, timeout=4)
    (result,) = summary.results
    assert result.status == "failed"
    assert "time limit: the notebook ran past its limit of 4 s" in result.error
    assert not (project / "finished.txt").exists()
    assert time.monotonic() - start < SLEEP  # stopped, not waited for


def test_interrupted_run_stops_forked_kernels(tmp_path):
    """SIGTERM during a run with forked kernels (3 runs): exit 130 and no kernel left running."""
    project = copy_project(tmp_path / "full", notebooks=[], survey=True)
    write_notebook(
        project / "notebooks" / "00_slow.ipynb",
        'lang = "en"',
        PROBE + f"\nimport time\ntime.sleep({SLEEP})",
    )
    env = {**os.environ, "POLICINGSTUDY_ROOT": str(project)}
    env.pop("POLICINGSTUDY_MIRROR", None)  # the copy's synthetic survey is all it needs
    proc = subprocess.Popen(
        [sys.executable, "-m", "policingstudy.cli", "report", "--offline", "--jobs", "3"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        probes = [project / f"probe-{lang}.txt" for lang in ("en", "kk", "ru")]
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and proc.poll() is None:
            if all(p.exists() for p in probes):
                break
            time.sleep(0.2)
        assert proc.poll() is None, proc.communicate()[1].decode()  # still running
        assert all(p.exists() for p in probes)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err.decode()
    kernels = [int(p.read_text().split()[1]) for p in probes]
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in kernels):
        time.sleep(0.2)
    assert not [pid for pid in kernels if Path(f"/proc/{pid}").exists()]


def test_notebook_modules_lists_the_package_modules_notebooks_import(project):
    write_notebook(
        project / "notebooks" / "00_imports.ipynb",
        'lang = "en"',
        "import numpy as np\nfrom policingstudy import i18n\nfrom policingstudy.data import tables\n"
        "from policingstudy.report.tables import show\nimport policingstudy.data.geo",
        "%matplotlib inline",
    )
    assert notebook_modules(ProjectPaths(project)) == [
        "policingstudy",
        "policingstudy.data",
        "policingstudy.data.geo",
        "policingstudy.data.tables",
        "policingstudy.i18n",
        "policingstudy.report.tables",
    ]


@pytest.mark.parametrize("forked", [True, False])
def test_dying_kernel_fails_only_its_notebook_at_once(project, forked):
    """A kernel that dies is noticed as a death (it used to stall until the time limit)."""
    write_notebook(project / "notebooks" / "00_dies.ipynb", 'lang = "en"', "import os\nos._exit(3)")
    write_notebook(project / "notebooks" / "01_probe.ipynb", 'lang = "en"', PROBE)
    start = time.monotonic()
    with ForkServer.start() if forked else contextlib.nullcontext() as server:
        summary = _run(project, server, timeout=SLEEP)
    status = {r.stem: r for r in summary.results}
    assert status["01_probe"].status == "ok"
    assert status["00_dies"].status == "failed"
    assert "DeadKernelError" in status["00_dies"].error or "died" in status["00_dies"].error
    assert "time limit" not in status["00_dies"].error
    assert time.monotonic() - start < SLEEP  # not held until the time limit


def test_modules_the_notebooks_import_start_no_threads_before_a_fork():
    """The fork helper preloads these modules: none may import polars (threads) or the inline
    backend at import time, or the helper refuses to serve and every kernel starts slowly."""
    from policingstudy.run.forks import NOT_BEFORE_FORK
    from tests.helpers import ROOT

    modules = notebook_modules(ProjectPaths(ROOT))
    script = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n    importlib.import_module(m)\n"
        f"print(sorted(n for n in {list(NOT_BEFORE_FORK)!r} if n in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
