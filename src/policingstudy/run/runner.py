"""Run the planned notebook x language jobs and write ``reports/``.

For each notebook and language a successful run writes ``reports/<lang>/<stem>.html`` (code
hidden, figures embedded), ``<stem>.ipynb`` (executed) and ``<stem>.json`` (its provenance:
parameters, numbers, published tables, when it ran and on what). The numbers and tables a
notebook publishes must be identical across languages run with the same parameters; they go to
``reports/numbers/<stem>.json`` and ``reports/tables/<stem>/<name>.csv`` (a run with other
than the default parameters writes to ``<stem>@<hash>`` instead, so trying a parameter never
overwrites the defaults' results). A failed run writes ``<stem>.failed.html`` beside the last
good report, which stays. ``reports/index.html`` and ``reports/run.json`` describe every report
on disk. Every file is written atomically; an interrupted run leaves no partial file.

A job whose notebook, parameters, data, declared external sources, package code and library
versions are unchanged is skipped ("cached"): its key is a :func:`policingstudy.core.hashing.stamp`.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from policingstudy.core import cache as memo
from policingstudy.core.errors import PolicingStudyError
from policingstudy.core.hashing import (
    file_digest,
    library_versions,
    package_digest,
    stamp,
    tree_digest,
)
from policingstudy.core.io import remove_stale_temporaries, write_bytes, write_json, write_text
from policingstudy.core.paths import ProjectPaths
from policingstudy.core.types import Lang
from policingstudy.data.sources import SOURCES_ENV, UsedFile
from policingstudy.report.tables import TABLES_HREF_ENV
from policingstudy.run import kernels
from policingstudy.run.execute import Outcome, RunContext, execute
from policingstudy.run.plan import Job, notebooks
from policingstudy.run.runinfo import run_metadata

DEFAULT_TIMEOUT = 600
CACHE_DIR = ".cache"
REPORT_SUFFIXES = (".html", ".ipynb", ".json", ".failed.html", ".failed.ipynb")


class ReportsNotWritableError(PolicingStudyError):
    """``reports/`` cannot be written (checked before anything runs)."""


def check_writable(paths: ProjectPaths) -> None:
    """Make sure ``reports/`` can be written, before any work is done.

    Raises
    ------
    ReportsNotWritableError
        Naming the folder and the operating system's reason.
    """
    try:
        paths.reports.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(prefix=".tmp-check-", dir=paths.reports):
            pass
    except OSError as exc:
        raise ReportsNotWritableError(
            f"{paths.reports} is not writable ({exc.strerror or exc}); make it writable or run "
            "from a copy of the project"
        ) from None


@dataclass
class JobResult:
    """What happened to a :class:`~policingstudy.run.plan.Job`.

    ``status`` is ``ok``, ``cached`` or ``failed``; ``duration`` is the seconds of the run that
    made the report (for a cached job, the earlier run's); ``finished`` its UTC time.
    """

    stem: str
    lang: Lang
    status: str
    duration: float
    parameters: dict[str, Any]
    error: str = ""
    cell: int | None = None
    numbers: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    finished: str = ""
    key: str = ""
    title: str = ""
    variant: str = ""


def variant(job: Job) -> str:
    """``""`` for the notebook's default parameters, else ``@`` and a short parameter hash."""
    defaults = {**job.default_parameters, "lang": job.lang}
    if job.parameters == defaults:
        return ""
    shown = {k: v for k, v in job.parameters.items() if k != "lang"}
    return "@" + stamp(shown)[:8]


def _provenance_path(paths: ProjectPaths, stem: str, lang: str) -> Path:
    return paths.reports / lang / f"{stem}.json"


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def job_key(job: Job, shared: str, used: dict[str, list[UsedFile]]) -> str:
    """The content stamp deciding whether ``job`` must run again.

    Parameters
    ----------
    job
        The job.
    shared
        Stamp of what every job reads: data/raw (without downloads), data/processed, the
        package's code and library versions.
    used
        The external files found for each source id (only the job's declared sources count).
    """
    sources = {sid: [(f.name, f.sha256) for f in used.get(sid, [])] for sid in job.settings.sources}
    return stamp("job", file_digest(job.notebook), job.parameters, shared, sources)


def shared_stamp(paths: ProjectPaths) -> str:
    """Stamp of the inputs every notebook shares (see :func:`job_key`)."""
    return stamp(
        "shared",
        tree_digest(paths.raw, exclude_dirs=("external",)),
        tree_digest(paths.processed),
        package_digest(),
        library_versions(),
    )


def result_cache_folder(paths: ProjectPaths, *, fresh: bool = False) -> Path:
    """Return the folder where this run's kernels share analysis results (and prune others).

    The folder name stamps the package code and library versions, so a change to either
    starts from an empty cache and folders of earlier code are removed. ``fresh`` (``--force``)
    empties it first. (Each entry's key also covers the function's own code.)
    """
    root = paths.reports / CACHE_DIR / "results"
    folder = root / stamp(package_digest(), library_versions())[:16]
    if root.is_dir():
        for old in root.iterdir():
            if old != folder or fresh:
                shutil.rmtree(old, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Progress:
    """Notebooks done / total: one updating line on a terminal, plain lines otherwise."""

    def __init__(self, total: int, stream: Any = None) -> None:
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._lock = threading.Lock()

    def update(self, result: JobResult) -> None:
        """Report one finished job."""
        with self._lock:
            self.done += 1
            seconds = "" if result.status == "cached" else f" {result.duration:.1f}s"
            line = f"[{self.done}/{self.total}] {result.stem} ({result.lang}) {result.status}"
            line += seconds
            if self.tty:
                end = "\n" if self.done == self.total else ""
                self.stream.write("\r\x1b[2K" + line + end)
            else:
                self.stream.write(line + "\n")
            self.stream.flush()


@dataclass
class RunSummary:
    """All job results of one run, with run metadata."""

    results: list[JobResult]
    metadata: dict[str, Any]

    @property
    def failed(self) -> list[JobResult]:
        """The failed jobs."""
        return [r for r in self.results if r.status == "failed"]

    def lines(self) -> list[str]:
        """Human-readable summary lines (``cell N`` = the Nth cell of the source notebook)."""
        out = []
        for r in sorted(self.results, key=lambda r: (r.stem, r.lang)):
            line = f"{r.stem} [{r.lang}]: {r.status}"
            if r.status != "cached":
                line += f" ({r.duration:.1f}s)"
            if r.error:
                line += f" - {_where(r)}{r.error}"
            out.append(line)
        counts = {s: sum(r.status == s for r in self.results) for s in ("ok", "cached", "failed")}
        out.append(
            f"{counts['ok']} executed, {counts['cached']} cached, {counts['failed']} failed; "
            f"reports in {self.metadata['reports']}"
        )
        return out


def _where(result: JobResult) -> str:
    return f"cell {result.cell}: " if result.cell is not None else ""


def _group_key(result: JobResult) -> str:
    return result.stem + (result.variant or "")


def check_languages(results: list[JobResult]) -> None:
    """Fail fresh runs whose numbers or tables differ from another language's (same parameters).

    Cached results of the same notebook and parameters are the reference when there are any
    (they passed this check before); otherwise the first fresh run.
    """
    groups: dict[str, list[JobResult]] = {}
    for result in results:
        if result.status in ("ok", "cached"):
            groups.setdefault(_group_key(result), []).append(result)
    for group in groups.values():
        cached = [r for r in group if r.status == "cached"]
        fresh = [r for r in group if r.status == "ok"]
        if not fresh:
            continue
        reference = cached[0] if cached else fresh[0]
        for result in fresh:
            keys = sorted(
                k
                for k in set(result.numbers) | set(reference.numbers)
                if result.numbers.get(k) != reference.numbers.get(k)
            )
            tables = sorted(
                n
                for n in set(result.tables) | set(reference.tables)
                if result.tables.get(n) != reference.tables.get(n)
            )
            if keys or tables:
                result.status = "failed"
                what = f"numbers {keys[:10]}" if keys else f"tables {tables}"
                result.error = (
                    f"{what} differ from the {reference.lang} run with the same parameters: "
                    "numbers and tables must not depend on the language"
                )


def _write_outputs(
    paths: ProjectPaths, job: Job, result: JobResult, outcome: Outcome, key: str
) -> None:
    lang_dir = paths.reports / job.lang
    if result.status == "ok":
        write_text(lang_dir / f"{job.stem}.ipynb", outcome.ipynb)
        write_text(lang_dir / f"{job.stem}.html", outcome.html)
        for suffix in (".failed.html", ".failed.ipynb"):
            (lang_dir / f"{job.stem}{suffix}").unlink(missing_ok=True)
        record = _record(result, key)
        write_json(_provenance_path(paths, job.stem, job.lang), record)
    else:
        if outcome.html:
            write_text(lang_dir / f"{job.stem}.failed.html", outcome.html)
        if outcome.ipynb:
            write_text(lang_dir / f"{job.stem}.failed.ipynb", outcome.ipynb)


def _record(result: JobResult, key: str) -> dict[str, Any]:
    record = asdict(result)
    record["tables"] = {name: _sha(text) for name, text in result.tables.items()}
    record["key"] = key
    return record


def _sha(text: str) -> str:
    return stamp(text)


def _publish_shared(paths: ProjectPaths, results: list[JobResult], by_job: dict[Any, Any]) -> None:
    """Write numbers and tables of each notebook and parameter set whose runs all agree."""
    done: set[str] = set()
    for result in results:
        group = _group_key(result)
        if result.status != "ok" or group in done:
            continue
        done.add(group)
        write_json(paths.reports / "numbers" / f"{group}.json", result.numbers)
        folder = paths.reports / "tables" / group
        for name, text in result.tables.items():
            write_text(folder / f"{name}.csv", text)
        if folder.is_dir():
            for old in folder.glob("*.csv"):
                if old.stem not in result.tables:
                    old.unlink()


def _stem_of(name: str) -> str:
    """Notebook stem of a report file or folder name (``04_x.failed.html``, ``04_x@ab12cd34``)."""
    return name.split("@", 1)[0].split(".", 1)[0]


def remove_stale_reports(paths: ProjectPaths) -> list[Path]:
    """Delete report files of notebooks that no longer exist in ``notebooks/``; return them."""
    current = set(notebooks(paths))
    removed: list[Path] = []
    if not paths.reports.is_dir():
        return removed
    for folder in paths.reports.iterdir():
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        for item in folder.iterdir():
            ours = item.is_dir() or item.suffix in {".html", ".ipynb", ".json", ".pdf"}
            if ours and _stem_of(item.name) not in current | {"policingstudy"}:
                if item.is_dir():
                    shutil.rmtree(item, ignore_errors=True)
                else:
                    item.unlink(missing_ok=True)
                removed.append(item)
    return removed


def run(
    paths: ProjectPaths,
    jobs: list[Job],
    *,
    n_jobs: int | None = None,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    on_result: Callable[[JobResult], None] | None = None,
    fork_server: str | None = None,
    used_files: Iterable[UsedFile] = (),
) -> RunSummary:
    """Execute ``jobs`` (unchanged ones are skipped unless ``force``) and write the index page.

    Parameters
    ----------
    paths
        Project folders.
    jobs
        From :func:`policingstudy.run.plan.plan`.
    n_jobs
        Notebooks run in parallel (default: number of cores).
    force
        Re-execute even when the job's key is unchanged, and empty the shared result cache.
    timeout
        Seconds each notebook run may take; only that notebook's kernel is stopped.
    progress
        Progress display (default: to stderr).
    on_result
        Called after each job.
    fork_server
        Socket of a kernel fork helper (:class:`~policingstudy.run.forks.ForkServer`), or
        None for ordinary kernel starts.
    used_files
        The external files found for the declared sources (from
        :func:`policingstudy.data.sources.verify_available`): recorded in the provenance.

    Returns
    -------
    RunSummary
        Results and metadata; ``summary.failed`` is empty on success.
    """
    started = time.time()
    check_writable(paths)
    remove_stale_temporaries(paths.reports)
    remove_stale_reports(paths)
    used_list = list(used_files)
    used: dict[str, list[UsedFile]] = {}
    for item in used_list:
        used.setdefault(item.source_id, []).append(item)
    shared = shared_stamp(paths)
    progress = progress or Progress(len(jobs))
    cache_folder = result_cache_folder(paths, fresh=force)
    results: list[JobResult] = []
    pending: list[tuple[Job, str]] = []
    for job in jobs:
        key = job_key(job, shared, used)
        record = _read_json(_provenance_path(paths, job.stem, job.lang))
        html = paths.reports / job.lang / f"{job.stem}.html"
        if not force and record and record.get("key") == key and html.exists():
            for suffix in (".failed.html", ".failed.ipynb"):  # an earlier failure is superseded
                (paths.reports / job.lang / f"{job.stem}{suffix}").unlink(missing_ok=True)
            result = _cached(job, record)
            results.append(result)
            progress.update(result)
        else:
            pending.append((job, key))
    # One language after another, longest notebooks first: a notebook's later languages then
    # find its analysis in the result cache, and the long runs do not end up last.
    lang_order = {lang: i for i, lang in enumerate(dict.fromkeys(job.lang for job in jobs))}
    pending.sort(key=lambda item: (lang_order[item[0].lang], -item[0].notebook.stat().st_size))
    workers = max(1, n_jobs or os.cpu_count() or 1)
    outcomes: dict[tuple[str, str], tuple[Job, Outcome, str]] = {}
    fresh: list[JobResult] = []
    with (
        tempfile.TemporaryDirectory(prefix=".tmp-run-", dir=paths.reports) as tmp,
        tempfile.TemporaryDirectory(prefix="policingstudy-kernels-") as ipc,
    ):
        ctx = RunContext(
            paths,
            Path(tmp),
            Path(ipc),
            timeout,
            fork_server=fork_server,
            env={memo.ENV_VAR: str(cache_folder)},
        )
        executor = ThreadPoolExecutor(max_workers=workers)
        futures: dict[Any, tuple[Job, str]] = {}
        try:
            for job, key in pending:
                env = {
                    SOURCES_ENV: ",".join(job.settings.sources),
                    TABLES_HREF_ENV: f"../tables/{job.stem}{variant(job)}",
                }
                futures[executor.submit(execute, job, ctx, env=env)] = (job, key)
            for future in as_completed(futures):
                job, key = futures[future]
                outcome = future.result()
                result = _fresh(job, outcome, key)
                outcomes[(job.stem, job.lang)] = (job, outcome, key)
                fresh.append(result)
                progress.update(result)
                if on_result:
                    on_result(result)
        except BaseException:
            ctx.cancelled.set()
            kernels.stop(ctx.kernels, list(futures))
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        executor.shutdown(wait=True)
    results += fresh
    check_languages(results)
    for result in fresh:
        job, outcome, key = outcomes[(result.stem, result.lang)]
        _write_outputs(paths, job, result, outcome, key)
    _publish_shared(paths, fresh, outcomes)
    metadata = run_metadata(paths, started=started, used_files=used_list)
    summary = RunSummary(results, metadata)
    write_index(paths, summary)
    return summary


def _fresh(job: Job, outcome: Outcome, key: str) -> JobResult:
    import datetime as dt

    from policingstudy.run.execute import title

    return JobResult(
        job.stem,
        job.lang,
        "failed" if outcome.error else "ok",
        outcome.duration,
        job.parameters,
        outcome.error,
        outcome.cell,
        outcome.numbers,
        outcome.tables,
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        key,
        title(job),
        variant(job),
    )


def _cached(job: Job, record: dict[str, Any]) -> JobResult:
    from policingstudy.run.execute import title

    return JobResult(
        job.stem,
        job.lang,
        "cached",
        float(record.get("duration", 0.0)),
        job.parameters,
        numbers=dict(record.get("numbers", {})),
        tables=dict(record.get("tables", {})),
        finished=str(record.get("finished", "")),
        key=str(record.get("key", "")),
        title=title(job),
        variant=variant(job),
    )


def _report_entries(paths: ProjectPaths, summary: RunSummary) -> list[dict[str, Any]]:
    """One entry per notebook x language on disk: this run's result or the last good report."""
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for lang_dir in sorted(p for p in paths.reports.iterdir() if p.is_dir()):
        for record_path in lang_dir.glob("*.json"):
            record = _read_json(record_path)
            if record and record.get("stem") in notebooks(paths):
                entries[(record["stem"], record["lang"])] = {**record, "this_run": False}
    for result in summary.results:
        entry = {**asdict(result), "this_run": True}
        entry.pop("tables", None)
        previous = entries.get((result.stem, result.lang))
        if result.status == "failed":
            entry["last_good"] = (
                {"finished": previous.get("finished", ""), "parameters": previous["parameters"]}
                if previous
                else None
            )
        entries[(result.stem, result.lang)] = entry
    for entry in entries.values():
        entry.pop("tables", None)
        entry["has_report"] = (paths.reports / entry["lang"] / f"{entry['stem']}.html").exists()
        entry["has_failure_page"] = (
            paths.reports / entry["lang"] / f"{entry['stem']}.failed.html"
        ).exists()
        entry["has_numbers"] = (
            paths.reports / "numbers" / f"{entry['stem']}{entry.get('variant', '')}.json"
        ).exists()
    return sorted(entries.values(), key=lambda e: (e["stem"], e["lang"]))


def write_index(paths: ProjectPaths, summary: RunSummary) -> None:
    """Write ``reports/run.json`` and ``reports/index.html`` for a finished run."""
    from policingstudy.run.index_page import render_index

    payload = {**summary.metadata, "results": _report_entries(paths, summary)}
    write_json(paths.reports / "run.json", payload)
    write_bytes(paths.reports / "index.html", render_index(payload).encode("utf-8"))


def write_pdfs(paths: ProjectPaths, langs: Iterable[Lang]) -> list[Path]:
    """Print every current report of ``langs`` to PDF, and one combined PDF per language.

    A report's PDF is rewritten when its HTML is newer; the combined PDF when any report PDF
    was. Returns the files written.
    """
    from policingstudy.run.pdf import Page, combined_pdf, report_pdf

    written: list[Path] = []
    current = notebooks(paths)
    for lang in langs:
        folder = paths.reports / lang
        pages = []
        for stem in current:
            html = folder / f"{stem}.html"
            record = _read_json(folder / f"{stem}.json")
            if not html.exists() or record is None:
                continue
            pages.append(Page(stem, str(record.get("title") or stem), html))
            pdf = folder / f"{stem}.pdf"
            if not pdf.exists() or pdf.stat().st_mtime < html.stat().st_mtime:
                report_pdf(pages[-1], pdf)
                written.append(pdf)
        combined = folder / "policingstudy.pdf"
        if pages and (written or not combined.exists()):
            combined_pdf(pages, lang, combined)
            written.append(combined)
    return written
