"""End-to-end checks of `policingstudy report` on a temporary copy of the project."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from policingstudy.cli import main
from tests.helpers import ROOT, copy_project, write_notebook

pytestmark = pytest.mark.slow


def _files_under(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# Outcomes are checked, not speed: a cell sleeping SLEEP seconds must be stopped before it ends;
# waits for a condition are bounded by WAIT, which only matters when the behaviour is broken.
SLEEP = 600
WAIT = 300


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy with the thesis notebook only and a synthetic survey as its only external data."""
    monkeypatch.delenv("POLICINGSTUDY_MIRROR", raising=False)
    return copy_project(tmp_path / "proj", notebooks=["01_thesis_overview"], survey=True)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--only", "99_nope"], "unknown notebook"),
        (["report", "--lang", "en,de"], "--lang: expected one of"),
        (["report", "-p", "seed"], "expected NAME=VALUE"),
        (["report", "-p", "seed=3"], "unknown parameter 'seed'"),
        (["report", "-p", "01_thesis_overview.lang=kk"], "use --lang"),
        (["report", "--jobs", "0"], "--jobs: expected a positive integer"),
        (["report", "--frobnicate"], "unrecognized arguments"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(project, capsys, argv, message):
    code = main(["--root", str(project), *argv, "--offline"])
    assert code == 2
    assert message in capsys.readouterr().err
    assert _files_under(project / "reports") == []
    assert _files_under(project / "data" / "processed") == []


def test_unparseable_value_names_notebook_and_type(project, capsys):
    write_notebook(project / "notebooks" / "02_typed.ipynb", 'lang = "en"\nn_draws = 100')
    code = main(["--root", str(project), "report", "--offline", "-p", "n_draws=many"])
    assert code == 2
    err = capsys.readouterr().err
    assert (
        "notebook 02_typed: parameter 'n_draws': given 'many', expected a value of type int" in err
    )
    assert _files_under(project / "reports") == []


def test_missing_parameters_cell_is_refused(project, capsys):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, project / "notebooks" / "03_bare.ipynb")
    assert main(["--root", str(project), "report", "--offline"]) == 2
    assert "03_bare.ipynb: no cell tagged 'parameters'" in capsys.readouterr().err


def test_root_must_be_a_project(tmp_path, capsys):
    assert main(["--root", str(tmp_path), "list"]) == 2
    assert "POLICINGSTUDY_ROOT" in capsys.readouterr().err


def test_failing_notebook_does_not_stop_others(project, capsys):
    write_notebook(
        project / "notebooks" / "00_broken.ipynb",
        'lang = "en"',
        "x = 1",
        "raise ValueError('deliberate failure')",
    )
    code = main(["--root", str(project), "report", "--offline", "--lang", "en", "--jobs", "2"])
    captured = capsys.readouterr()
    assert code == 1
    assert re.search(
        r"FAILED 00_broken \[en\] cell 3: ValueError: deliberate failure", captured.err
    )
    assert (project / "reports" / "en" / "01_thesis_overview.html").exists()
    assert (project / "reports" / "numbers" / "01_thesis_overview.json").exists()
    assert not (project / "reports" / "numbers" / "00_broken.json").exists()
    run = json.loads((project / "reports" / "run.json").read_text())
    status = {(r["stem"], r["lang"]): r["status"] for r in run["results"]}
    assert status == {("00_broken", "en"): "failed", ("01_thesis_overview", "en"): "ok"}
    assert 'class="failed"' in (project / "reports" / "index.html").read_text()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]


def test_report_three_languages_cache_and_determinism(project, capsys):
    argv = ["--root", str(project), "report", "--offline"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "3 executed, 0 cached, 0 failed" in out
    reports = project / "reports"
    for lang in ("en", "kk", "ru"):
        html = (reports / lang / "01_thesis_overview.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in html
        assert "data:image/png;base64," in html  # figure embedded, readable offline
        assert "from policingstudy" not in html  # code cells hidden
    assert "Қоғамдық" in (reports / "kk" / "01_thesis_overview.html").read_text(encoding="utf-8")
    numbers = json.loads((reports / "numbers" / "01_thesis_overview.json").read_text())
    assert numbers["n_topics"] == 30 and numbers["n_problems"] == 4
    first = (reports / "numbers" / "01_thesis_overview.json").read_bytes()
    processed = {
        p.name: p.read_bytes() for p in (project / "data" / "processed").iterdir() if p.is_file()
    }

    parser = _Links()
    parser.feed((reports / "index.html").read_text(encoding="utf-8"))
    assert parser.links, "index.html has no links"
    for link in parser.links:
        assert (reports / link).is_file(), f"broken link in index.html: {link}"
    run = json.loads((reports / "run.json").read_text())
    assert {"git_commit", "git_dirty", "packages", "inputs"} <= set(run)
    assert "data/raw/thesis/topics.csv" in run["inputs"]

    assert main(argv) == 0
    assert "0 executed, 3 cached, 0 failed" in capsys.readouterr().out

    assert main([*argv, "--force", "--lang", "kk"]) == 0
    assert "1 executed, 0 cached, 0 failed" in capsys.readouterr().out
    assert (reports / "numbers" / "01_thesis_overview.json").read_bytes() == first
    again = {
        p.name: p.read_bytes() for p in (project / "data" / "processed").iterdir() if p.is_file()
    }
    assert again == processed


def test_interrupted_run_leaves_no_partial_output(project):
    write_notebook(
        project / "notebooks" / "00_slow.ipynb", 'lang = "en"', f"import time\ntime.sleep({SLEEP})"
    )
    env = {k: v for k, v in os.environ.items() if k != "POLICINGSTUDY_MIRROR"}
    env["POLICINGSTUDY_ROOT"] = str(project)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "policingstudy.cli",
            "report",
            "--offline",
            "--lang",
            "en",
            "--only",
            "00_slow",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and not list((project / "reports").glob(".tmp-run-*")):
        time.sleep(0.2)
    time.sleep(0.5)  # early: the kernel may still be starting, which must not delay the stop
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err.decode()
    assert [f for f in _files_under(project / "reports") if f.endswith((".html", ".json"))] == []
    assert not list((project / "reports").glob(".tmp-*"))
    assert (
        main(
            [
                "--root",
                str(project),
                "report",
                "--offline",
                "--lang",
                "en",
                "--only",
                "01_thesis_overview",
            ]
        )
        == 0
    )


def test_list_shows_parameters(capsys):
    assert main(["--root", str(ROOT), "list"]) == 0
    out = capsys.readouterr().out
    assert "01_thesis_overview" in out and "lang: str = 'en'" in out


def test_full_report_all_notebooks_one_language(tmp_path, external_dir, capsys, monkeypatch):
    """Every notebook of the project renders in English; index.html links resolve."""
    monkeypatch.setenv("POLICINGSTUDY_MIRROR", str(external_dir))
    project = copy_project(tmp_path / "full")
    code = main(["--root", str(project), "report", "--lang", "en", "--mirror", str(external_dir)])
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    stems = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    for stem in stems:
        assert (project / "reports" / "en" / f"{stem}.html").is_file()
        assert (project / "reports" / "numbers" / f"{stem}.json").is_file()
    parser = _Links()
    parser.feed((project / "reports" / "index.html").read_text(encoding="utf-8"))
    assert {f"en/{s}.html" for s in stems} <= set(parser.links)


def test_notebook_time_limit_fails_that_notebook_only(project, capsys):
    # the limit must leave the healthy notebook time to finish on a loaded machine (it takes
    # seconds); the endless one would sleep far longer than the limit
    limit = 120
    write_notebook(
        project / "notebooks" / "00_endless.ipynb",
        'lang = "en"',
        f"import pathlib, time\ntime.sleep({SLEEP})\npathlib.Path('finished.txt').write_text('')",
    )
    start = time.monotonic()
    code = main(
        ["--root", str(project), "report", "--offline", "--lang", "en", "--timeout", str(limit)]
    )
    assert time.monotonic() - start < SLEEP  # stopped, not waited for
    assert not list(project.rglob("finished.txt"))
    assert code == 1
    err = capsys.readouterr().err
    assert "FAILED 00_endless [en]" in err
    assert f"time limit: the notebook ran past its limit of {limit} s" in err
    assert "FAILED 01_thesis_overview" not in err
    assert (project / "reports" / "en" / "01_thesis_overview.html").exists()


def test_index_keeps_reports_of_earlier_runs(project, capsys):
    write_notebook(project / "notebooks" / "02_small.ipynb", 'lang = "en"', "x = 1")
    base = ["--root", str(project), "report", "--offline", "--lang", "en"]
    assert main([*base, "--only", "01_thesis_overview"]) == 0
    assert main([*base, "--only", "02_small"]) == 0
    capsys.readouterr()
    run = json.loads((project / "reports" / "run.json").read_text())
    seen = {(r["stem"], r["this_run"]) for r in run["results"]}
    assert seen == {("01_thesis_overview", False), ("02_small", True)}
    parser = _Links()
    parser.feed((project / "reports" / "index.html").read_text(encoding="utf-8"))
    assert {"en/01_thesis_overview.html", "en/02_small.html"} <= set(parser.links)
    (project / "notebooks" / "02_small.ipynb").unlink()  # a deleted notebook leaves the index
    assert main([*base, "--only", "01_thesis_overview"]) == 0
    run = json.loads((project / "reports" / "run.json").read_text())
    assert {r["stem"] for r in run["results"]} == {"01_thesis_overview"}
