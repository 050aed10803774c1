"""Time the report pipeline: a cold full report, a cached re-run, and a trivial notebook.

Run from the repository root (with POLICINGSTUDY_MIRROR set when offline):

    python benchmarks/report_bench.py

It copies the project into a temporary folder, so the repository's reports/ are untouched, and
prints: cold full report (all notebooks x 3 languages), cached re-run, the time of one trivial
notebook (kernel start + papermill overhead), and the runner's overhead estimate.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import copy_project, write_notebook  # noqa: E402

from policingstudy.cli import main  # noqa: E402


def _timed(argv: list[str]) -> float:
    start = time.perf_counter()
    code = main(argv)
    elapsed = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"policingstudy {' '.join(argv)} exited {code}")
    return elapsed


def main_bench() -> None:
    """Run the three timings and print them."""
    jobs = str(os.cpu_count() or 2)
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "proj")
        base = ["--root", str(project), "report", "--offline", "--jobs", jobs]
        cold = _timed(base)
        cached = _timed(base)
        results = __import__("json").loads((project / "reports" / "run.json").read_text())
        trivial_dir = Path(tmp) / "trivial"
        (trivial_dir / "notebooks").mkdir(parents=True)
        (trivial_dir / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
        (trivial_dir / "data" / "raw").mkdir(parents=True)
        import shutil

        shutil.copytree(ROOT / "data" / "raw" / "thesis", trivial_dir / "data" / "raw" / "thesis")
        shutil.copytree(ROOT / "data" / "raw" / "dataset", trivial_dir / "data" / "raw" / "dataset")
        write_notebook(trivial_dir / "notebooks" / "00_trivial.ipynb", 'lang = "en"', "x = 1")
        trivial = _timed(
            ["--root", str(trivial_dir), "report", "--offline", "--lang", "en", "--jobs", "1"]
        )
    n_runs = len(results["results"])
    print(f"notebook x language runs: {n_runs}")
    print(f"cold full report: {cold:.1f} s (jobs={jobs})")
    print(f"cached re-run: {cached:.2f} s")
    print(f"trivial notebook, one language (kernel start + overhead + build): {trivial:.1f} s")
    print(
        f"kernel starts x runs / jobs: {trivial * n_runs / int(jobs):.1f} s "
        "(lower bound if notebooks did no work)"
    )


if __name__ == "__main__":
    main_bench()
