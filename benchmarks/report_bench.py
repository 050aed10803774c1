"""Time the report pipeline: cold full reports, a cached re-run, and a trivial notebook.

Run from the repository root (with POLICINGSTUDY_MIRROR set when offline):

    python benchmarks/report_bench.py [--repeat N]

Each cold run copies the project into a new temporary folder (so nothing is built, executed or
shared from an earlier run, and the repository's reports/ are untouched) and runs
``policingstudy report --offline --jobs <cores>`` as a separate process, exactly as a user would.
It prints every cold run and their median, a cached re-run of the last copy (whole process) and
one trivial notebook (kernel start + papermill + HTML, plus the build of the small project).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import copy_project, write_notebook  # noqa: E402


def _timed(project: Path, *args: str) -> float:
    env = {**os.environ, "POLICINGSTUDY_ROOT": str(project)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "policingstudy.cli", "report", "--offline", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"policingstudy report {' '.join(args)} exited {done.returncode}:\n"
            f"{done.stderr[-2000:]}"
        )
    return elapsed


def main_bench() -> None:
    """Run the timings and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold runs (default 3)")
    repeat = parser.parse_args().repeat
    jobs = str(os.cpu_count() or 2)
    with tempfile.TemporaryDirectory() as tmp:
        colds = []
        for i in range(repeat):
            project = copy_project(Path(tmp) / f"proj{i}")
            colds.append(_timed(project, "--jobs", jobs))
            print(f"cold full report, run {i + 1}: {colds[-1]:.1f} s", flush=True)
        cached = _timed(project, "--jobs", jobs)
        results = json.loads((project / "reports" / "run.json").read_text())
        # the project's raw data and a synthetic survey (its build needs no external data)
        trivial_dir = copy_project(Path(tmp) / "trivial", notebooks=[], survey=True)
        write_notebook(trivial_dir / "notebooks" / "00_trivial.ipynb", 'lang = "en"', "x = 1")
        trivial = _timed(trivial_dir, "--lang", "en", "--jobs", "1")
    n_runs = len(results["results"])
    print(f"notebook x language runs: {n_runs} (jobs={jobs})")
    print(
        f"cold full report: median {statistics.median(colds):.1f} s of {repeat} "
        f"(min {min(colds):.1f}, max {max(colds):.1f})"
    )
    print(f"cached re-run, whole process: {cached:.2f} s")
    print(f"trivial notebook, one language, whole process (build + kernel + HTML): {trivial:.1f} s")


if __name__ == "__main__":
    main_bench()
