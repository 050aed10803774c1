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


def _run(project: Path, *args: str) -> int:
    return main(["--root", str(project), "report", "--offline", *args])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--only", "99_nope"], "unknown notebook"),
        (["report", "--lang", "en,de"], "--lang: expected one of"),
        (["report", "-p", "seed"], "expected NAME=VALUE"),
        (["report", "-p", "seed=3"], "unknown parameter 'seed'"),
        (["report", "-p", "01_thesis_overview.lang=kk"], "use --lang"),
        (["report", "--jobs", "0"], "--jobs: expected a positive integer"),
        (["report", "--timeout", "-1"], "--timeout: expected a positive number of seconds"),
        (["report", "--frobnicate"], "unrecognized arguments"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(project, capsys, argv, message):
    code = main(["--root", str(project), *argv, "--offline"])
    assert code == 2
    assert message in capsys.readouterr().err
    assert _files_under(project / "reports") == []
    assert _files_under(project / "data" / "processed") == []


def test_out_of_range_values_exit_2_before_anything_runs(tmp_path, external_dir, capsys):
    root = copy_project(tmp_path / "p", notebooks=["01_thesis_overview", "04_comparative_index"])
    for option, message in (
        ("weighting=bogus", "weighting: expected one of ('equal'), got 'bogus'"),
        ("n_draws=0", "n_draws: expected a number 1 to 100000, got 0"),
        ("seed=-1", "seed: expected a number >= 0, got -1"),
    ):
        code = main(["--root", str(root), "report", "--mirror", str(external_dir), "-p", option])
        assert code == 2
        assert message in capsys.readouterr().err
    assert _files_under(root / "reports") == []
    assert _files_under(root / "data" / "processed") == []


def test_root_may_follow_the_subcommand_and_is_found_from_a_subfolder(project, capsys, monkeypatch):
    assert main(["list", "--root", str(project)]) == 0
    assert "01_thesis_overview" in capsys.readouterr().out
    monkeypatch.chdir(project / "notebooks")
    assert main(["list"]) == 0
    assert "01_thesis_overview" in capsys.readouterr().out


def test_root_must_be_a_project(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["--root", str(tmp_path), "list"]) == 2
    assert "--root" in capsys.readouterr().err
    assert main(["list"]) == 2
    assert "no policingstudy project root in" in capsys.readouterr().err


def test_unparseable_value_names_notebook_and_type(project, capsys):
    write_notebook(project / "notebooks" / "02_typed.ipynb", 'lang = "en"\nn_draws = 100')
    assert _run(project, "-p", "n_draws=many") == 2
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
    assert _run(project) == 2
    assert "03_bare.ipynb: no cell tagged 'parameters'" in capsys.readouterr().err


def test_failing_notebook_does_not_stop_others(project, capsys):
    write_notebook(
        project / "notebooks" / "00_broken.ipynb",
        'lang = "en"',
        "x = 1",
        "raise ValueError('deliberate failure')",
    )
    code = _run(project, "--lang", "en", "--jobs", "2")
    captured = capsys.readouterr()
    assert code == 1
    assert re.search(
        r"FAILED 00_broken \[en\] cell 3: ValueError: deliberate failure", captured.err
    )
    assert (project / "reports" / "en" / "01_thesis_overview.html").exists()
    assert (project / "reports" / "numbers" / "01_thesis_overview.json").exists()
    assert not (project / "reports" / "numbers" / "00_broken.json").exists()
    assert (project / "reports" / "en" / "00_broken.failed.html").exists()
    assert not (project / "reports" / "en" / "00_broken.html").exists()
    run = json.loads((project / "reports" / "run.json").read_text())
    status = {(r["stem"], r["lang"]): r["status"] for r in run["results"]}
    assert status == {("00_broken", "en"): "failed", ("01_thesis_overview", "en"): "ok"}
    assert 'class="failed"' in (project / "reports" / "index.html").read_text()


def test_a_failed_run_keeps_the_last_good_report(project, capsys):
    notebook = project / "notebooks" / "00_flaky.ipynb"
    write_notebook(notebook, 'lang = "en"\nfail = False', "assert not fail, 'asked to fail'")
    assert _run(project, "--lang", "en", "--only", "00_flaky") == 0
    good = (project / "reports" / "en" / "00_flaky.html").read_bytes()
    assert _run(project, "--lang", "en", "--only", "00_flaky", "-p", "fail=true") == 1
    assert (project / "reports" / "en" / "00_flaky.html").read_bytes() == good
    assert (project / "reports" / "en" / "00_flaky.failed.html").exists()
    index = (project / "reports" / "index.html").read_text(encoding="utf-8")
    assert "en/00_flaky.failed.html" in index and "the last good one" in index
    capsys.readouterr()
    assert _run(project, "--lang", "en", "--only", "00_flaky") == 0
    assert not (project / "reports" / "en" / "00_flaky.failed.html").exists()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]


def test_report_three_languages_cache_and_determinism(project, capsys):
    assert _run(project) == 0
    out = capsys.readouterr().out
    assert "3 executed, 0 cached, 0 failed" in out
    reports = project / "reports"
    for lang in ("en", "kk", "ru"):
        html = (reports / lang / "01_thesis_overview.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in html
        assert "<title>01_thesis_overview</title>" not in html  # a real title
        assert "data:image/png;base64," in html  # figure embedded, readable offline
        assert "from policingstudy" not in html  # code cells hidden
        record = json.loads((reports / lang / "01_thesis_overview.json").read_text())
        assert record["parameters"]["lang"] == lang and record["status"] == "ok"
    assert "Қоғамдық" in (reports / "kk" / "01_thesis_overview.html").read_text(encoding="utf-8")
    numbers = json.loads((reports / "numbers" / "01_thesis_overview.json").read_text())
    assert numbers["n_topics"] == 30 and numbers["n_problems"] == 4
    first = (reports / "numbers" / "01_thesis_overview.json").read_bytes()
    html_first = (reports / "ru" / "01_thesis_overview.html").read_bytes()
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

    assert _run(project) == 0
    assert "0 executed, 3 cached, 0 failed" in capsys.readouterr().out

    assert _run(project, "--force", "--lang", "ru") == 0
    assert "1 executed, 0 cached, 0 failed" in capsys.readouterr().out
    assert (reports / "numbers" / "01_thesis_overview.json").read_bytes() == first
    assert (reports / "ru" / "01_thesis_overview.html").read_bytes() == html_first
    again = {
        p.name: p.read_bytes() for p in (project / "data" / "processed").iterdir() if p.is_file()
    }
    assert again == processed


def test_a_one_language_parameter_trial_does_not_poison_later_runs(project, capsys):
    write_notebook(
        project / "notebooks" / "02_draws.ipynb",
        'lang = "en"\nn_draws = 100',
        "from policingstudy.report.numbers import Numbers\n"
        "nums = Numbers()\nnums.add('n_draws', n_draws)\nnums.publish()",
    )
    assert _run(project, "--only", "02_draws") == 0
    assert _run(project, "--only", "02_draws", "--lang", "en", "-p", "n_draws=5") == 0
    reports = project / "reports"
    records = {
        lang: json.loads((reports / lang / "02_draws.json").read_text()) for lang in ("en", "kk")
    }
    assert records["en"]["parameters"]["n_draws"] == 5
    assert records["kk"]["parameters"]["n_draws"] == 100  # the kk report is still the default's
    assert json.loads((reports / "numbers" / "02_draws.json").read_text()) == {"n_draws": 100}
    (variant,) = [p for p in (reports / "numbers").glob("02_draws@*.json")]
    assert json.loads(variant.read_text()) == {"n_draws": 5}
    capsys.readouterr()
    assert _run(project, "--only", "02_draws") == 0  # the default run repairs en, no --force
    out = capsys.readouterr().out
    assert "1 executed, 2 cached, 0 failed" in out
    assert (
        json.loads((reports / "en" / "02_draws.json").read_text())["parameters"]["n_draws"] == 100
    )


def test_interrupted_run_leaves_no_partial_output(project):
    write_notebook(
        project / "notebooks" / "00_slow.ipynb", 'lang = "en"', f"import time\ntime.sleep({SLEEP})"
    )
    env = {**os.environ, "POLICINGSTUDY_ROOT": str(project)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "policingstudy.cli", "report", "--offline", "--lang", "en"]
        + ["--only", "00_slow"],
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
    assert _run(project, "--lang", "en", "--only", "01_thesis_overview") == 0


def test_list_shows_parameters_with_their_choices_and_ranges(capsys):
    assert main(["--root", str(ROOT), "list"]) == 0
    out = capsys.readouterr().out
    assert "01_thesis_overview" in out
    assert "n_draws: int = 2000; 1 to 100000" in out
    assert "weighting: str = 'equal'; one of ('equal')" in out


def test_full_report_all_notebooks_one_language(tmp_path, external_dir, capsys, monkeypatch):
    """Every notebook of the project renders in English; index.html links resolve."""
    monkeypatch.setenv("POLICINGSTUDY_MIRROR", str(external_dir))
    project = copy_project(tmp_path / "full")
    code = main(["--root", str(project), "report", "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    stems = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    for stem in stems:
        assert (project / "reports" / "en" / f"{stem}.html").is_file()
        assert (project / "reports" / "numbers" / f"{stem}.json").is_file()
    parser = _Links()
    parser.feed((project / "reports" / "index.html").read_text(encoding="utf-8"))
    assert {f"en/{s}.html" for s in stems} <= set(parser.links)


def test_a_time_limit_stops_only_the_overdue_notebook(project, capsys):
    """The overdue kernel is stopped while a healthy notebook runs: the healthy one finishes.

    Two workers. The endless notebook (the largest file, so it starts first) records its
    process id; a small notebook fills the other worker; the healthy notebook then starts and
    waits until the endless kernel is gone (stopped at its limit), then ends well within its
    own limit. A run-wide interrupt would have killed it.
    """
    padding = "# " + "x" * 4000
    write_notebook(
        project / "notebooks" / "00_endless.ipynb",
        'lang = "en"',
        f"{padding}\nimport os, pathlib, time\n"
        "pathlib.Path('endless.pid').write_text(str(os.getpid()))\ntime.sleep(300)",
    )
    write_notebook(project / "notebooks" / "00_filler.ipynb", 'lang = "en"', "x = 1")
    write_notebook(
        project / "notebooks" / "00_healthy.ipynb",
        'lang = "en"',
        "import os, pathlib, time\n"
        "pid = int(pathlib.Path('endless.pid').read_text())\n"
        "while pathlib.Path(f'/proc/{pid}').exists():\n    time.sleep(0.2)",
        "time.sleep(1)",
    )
    start = time.time()
    only = ("--only", "00_endless", "00_filler", "00_healthy")
    code = _run(project, "--lang", "en", "--jobs", "2", "--timeout", "20", *only)
    assert code == 1
    err = capsys.readouterr().err
    assert "FAILED 00_endless [en] cell 2: time limit: the notebook ran past its limit" in err
    assert "00_healthy" not in err and "00_filler" not in err
    assert (project / "reports" / "en" / "00_healthy.html").exists()
    assert time.time() - start < 120


def test_a_notebook_of_many_short_cells_stops_at_its_limit(project, capsys):
    write_notebook(
        project / "notebooks" / "00_many.ipynb",
        'lang = "en"',
        "import time",
        *["time.sleep(0.2)"] * 200,
    )
    start = time.time()
    assert _run(project, "--lang", "en", "--only", "00_many", "--timeout", "4") == 1
    assert time.time() - start < 90  # 40 s of cells, stopped at 4 s (+ start and grace)
    assert "time limit: the notebook ran past its limit of 4 s" in capsys.readouterr().err


def test_figures_are_embedded_whatever_backend_the_user_exported(project, capsys, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    assert _run(project, "--lang", "en") == 0
    html = (project / "reports" / "en" / "01_thesis_overview.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html


def test_a_figure_that_is_never_shown_fails_the_run_naming_the_cell(project, capsys):
    write_notebook(
        project / "notebooks" / "00_hidden.ipynb",
        'lang = "en"',
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt",
        "fig, ax = plt.subplots()\nax.plot([1, 2])",
    )
    assert _run(project, "--lang", "en", "--only", "00_hidden") == 1
    err = capsys.readouterr().err
    assert re.search(r"FAILED 00_hidden \[en\] cell 3: 1 figure\(s\) were drawn but not", err)


def test_index_keeps_reports_of_earlier_runs_and_drops_removed_notebooks(project, capsys):
    write_notebook(project / "notebooks" / "02_small.ipynb", 'lang = "en"', "x = 1")
    base = ["--lang", "en"]
    assert _run(project, *base, "--only", "01_thesis_overview") == 0
    assert _run(project, *base, "--only", "02_small") == 0
    capsys.readouterr()
    run = json.loads((project / "reports" / "run.json").read_text())
    seen = {(r["stem"], r["this_run"]) for r in run["results"]}
    assert seen == {("01_thesis_overview", False), ("02_small", True)}
    parser = _Links()
    parser.feed((project / "reports" / "index.html").read_text(encoding="utf-8"))
    assert {"en/01_thesis_overview.html", "en/02_small.html"} <= set(parser.links)
    (project / "notebooks" / "02_small.ipynb").unlink()  # a deleted notebook leaves the index
    assert _run(project, *base, "--only", "01_thesis_overview") == 0
    run = json.loads((project / "reports" / "run.json").read_text())
    assert {r["stem"] for r in run["results"]} == {"01_thesis_overview"}
    assert not list((project / "reports").rglob("02_small*"))


def test_offline_run_verifies_external_files_first(tmp_path, external_dir, capsys, monkeypatch):
    """A corrupt external file is named before anything runs and is never deleted."""
    monkeypatch.delenv("POLICINGSTUDY_MIRROR", raising=False)
    root = copy_project(tmp_path / "p", notebooks=["01_thesis_overview"])
    (root / "data" / "raw" / "external").unlink(missing_ok=True)
    fetch = ["fetch", "us_oversight_agencies", "--mirror", str(external_dir)]
    assert main(["--root", str(root), *fetch]) == 0
    target = next((root / "data" / "raw" / "external" / "us_oversight_agencies").iterdir())
    target.write_bytes(target.read_bytes()[:100])
    capsys.readouterr()
    assert main(["--root", str(root), "report", "--offline"]) == 1
    err = capsys.readouterr().err
    assert "missing or corrupt (nothing was changed)" in err and target.name in err
    assert target.exists() and target.stat().st_size == 100
    assert _files_under(root / "reports") == []
    # with a mirror, its verified copy is used and recorded; the corrupt file stays
    assert main(["--root", str(root), "report", "--offline", "--mirror", str(external_dir)]) == 0
    run = json.loads((root / "reports" / "run.json").read_text())
    assert f"mirror:us_oversight_agencies/{target.name}" in run["inputs"]
    assert target.stat().st_size == 100


def test_a_read_only_reports_folder_is_reported_before_the_build(project, capsys):
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    reports = project / "reports"
    reports.mkdir(exist_ok=True)
    reports.chmod(0o555)
    try:
        assert _run(project, "--lang", "en") == 1
    finally:
        reports.chmod(0o755)
    assert "is not writable" in capsys.readouterr().err
    assert _files_under(project / "data" / "processed") == []


def test_pdf_reports_have_kazakh_text_every_section_and_page_numbers(project, capsys):
    import pypdf

    from policingstudy.run.pages import headings

    assert _run(project, "--pdf") == 0
    assert "PDF file(s)" in capsys.readouterr().out
    for lang in ("en", "kk", "ru"):
        assert (project / "reports" / lang / "01_thesis_overview.pdf").is_file()
    combined = project / "reports" / "kk" / "policingstudy.pdf"
    reader = pypdf.PdfReader(combined)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert set("әғқңөұүі") <= set(text)  # Kazakh letters render (embedded font)
    html = (project / "reports" / "kk" / "01_thesis_overview.html").read_text(encoding="utf-8")
    for _, _, title in headings(html):
        assert " ".join(title.split()) in " ".join(text.split()), title
    assert f"1 / {len(reader.pages)}" in reader.pages[0].extract_text()
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("DejaVu" in f for f in fonts), fonts
