"""Execute the notebooks with papermill, once per language, into ``reports/``.

For each notebook stem and language the runner writes ``reports/<lang>/<stem>.ipynb`` (executed),
``reports/<lang>/<stem>.html`` (code hidden, images embedded) and ``reports/numbers/<stem>.json``
(the numbers the text quotes, identical across languages), then ``reports/index.html`` and
``reports/run.json``. Every file is written to a temporary path and moved into place, so an
interrupted run leaves no partial output. A content-hash cache skips notebook × language pairs whose
notebook, parameters, inputs and package source are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from policingstudy.core import cache as memo
from policingstudy.core.errors import NotebookError, ParameterError, UsageError
from policingstudy.core.io import remove_stale_temporaries, write_bytes, write_json, write_text
from policingstudy.core.paths import ProjectPaths
from policingstudy.core.types import LANGS, Lang
from policingstudy.report.numbers import MIMETYPE
from policingstudy.run import kernels
from policingstudy.run.forks import ForkServer
from policingstudy.run.plan import (
    NotebookSettings,
    Override,
    Parameter,
    declared_parameters,
    notebook_settings,
    resolve_overrides,
)
from policingstudy.run.runinfo import input_hashes, package_versions, run_metadata

if TYPE_CHECKING:
    from policingstudy.studies.params import ParameterInfo

_exporters = threading.local()

DEFAULT_TIMEOUT = 600
CELL_TIMEOUT_MARGIN = (
    60  # a cell may run this much past the notebook limit before nbclient stops it
)
CACHE_DIR = ".cache"


@dataclass(frozen=True)
class Job:
    """One notebook in one language, with its typed parameters."""

    stem: str
    lang: Lang
    notebook: Path
    parameters: dict[str, Any]
    settings: NotebookSettings = NotebookSettings(None, (), None)


@dataclass
class JobResult:
    """What happened to a :class:`Job`."""

    stem: str
    lang: Lang
    status: str  # "ok", "cached" or "failed"
    duration: float
    parameters: dict[str, Any]
    error: str = ""
    cell: int | None = None
    numbers: dict[str, Any] = field(default_factory=dict)


def notebooks(paths: ProjectPaths) -> dict[str, Path]:
    """Return the project's notebooks by stem (``notebooks/*.ipynb``, sorted)."""
    return {
        p.stem: p for p in sorted(paths.notebooks.glob("*.ipynb")) if not p.name.startswith("_")
    }


def notebook_modules(paths: ProjectPaths, package: str = "policingstudy") -> list[str]:
    """Return the modules of ``package`` that the project's notebooks import, sorted."""
    import ast
    import importlib.util

    found: set[str] = set()
    for notebook in notebooks(paths).values():
        for cell in json.loads(notebook.read_text(encoding="utf-8")).get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell.get("source", []))
            try:
                tree = ast.parse(source)
            except SyntaxError:  # IPython magics
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(a.name for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module:
                    found.add(node.module)  # and submodules imported by name, if they are ones
                    found.update(f"{node.module}.{a.name}" for a in node.names)
    root = Path(importlib.util.find_spec(package).origin or "").parent  # type: ignore[union-attr]

    def is_module(name: str) -> bool:
        relative = Path(*name.split(".")[1:])
        return (root / relative).with_suffix(".py").is_file() or (
            root / relative / "__init__.py"
        ).is_file()

    return sorted(n for n in found if n.split(".")[0] == package and is_module(n))


def list_parameters(paths: ProjectPaths) -> dict[str, list[Parameter]]:
    """Return every notebook's declared parameters (raises for a notebook without the cell)."""
    return {stem: declared_parameters(path) for stem, path in notebooks(paths).items()}


def describe_parameters(paths: ProjectPaths) -> dict[str, list[ParameterInfo]]:
    """Every notebook's parameters with type, default, accepted values and help.

    Parameters come from the notebook's ``parameters`` cell; constraints and help from its
    parameters class when it names one (``lang`` is set by ``--lang`` and not listed).
    """
    from policingstudy.studies.params import ParameterInfo as Info
    from policingstudy.studies.params import parameter_class

    out: dict[str, list[ParameterInfo]] = {}
    for stem, path in notebooks(paths).items():
        settings = notebook_settings(path)
        declared = {
            info.name: info
            for info in (
                parameter_class(settings.parameters).describe() if settings.parameters else []
            )
        }
        out[stem] = [
            declared.get(p.name, Info(p.name, p.type, p.default, "", ""))
            for p in declared_parameters(path)
            if p.name != "lang"
        ]
    return out


def plan(
    paths: ProjectPaths,
    *,
    langs: Iterable[str] = LANGS,
    only: Iterable[str] = (),
    overrides: Iterable[Override] = (),
) -> list[Job]:
    """Check languages, notebook names and parameter values, and return the jobs.

    Every value is checked here, before anything runs: its type against the notebook's
    ``parameters`` cell, and its choices and range against the notebook's parameters class
    (:mod:`policingstudy.studies.params`). Nothing is executed or written; every problem raises
    a :class:`UsageError` (exit code 2).
    """
    chosen_langs = []
    for lang in langs:
        code = lang.strip().lower()
        if code not in LANGS:
            raise UsageError(f"--lang: expected one of ({', '.join(LANGS)}), got {lang!r}")
        chosen_langs.append(cast(Lang, code))
    if not chosen_langs:
        raise UsageError("--lang: expected at least one of en, kk, ru")
    available = notebooks(paths)
    selected = list(dict.fromkeys(only)) or list(available)
    unknown = [name for name in selected if name not in available]
    if unknown:
        raise UsageError(
            f"--only: unknown notebook(s) {unknown}; expected one of {sorted(available)}"
        )
    declared = {stem: declared_parameters(available[stem]) for stem in selected}
    settings = {stem: notebook_settings(available[stem]) for stem in selected}
    for stem, params in declared.items():
        if "lang" not in {p.name for p in params}:
            raise UsageError(
                f"notebook {stem}: the parameters cell must declare the standard parameter 'lang'"
            )
    typed = resolve_overrides(declared, list(overrides))
    jobs = []
    for stem in selected:
        defaults = {p.name: p.default for p in declared[stem]}
        for lang in chosen_langs:
            values = {**defaults, **typed[stem], "lang": lang}
            check_values(stem, settings[stem], values)
            jobs.append(Job(stem, lang, available[stem], values, settings[stem]))
    return jobs


def check_values(stem: str, settings: NotebookSettings, values: dict[str, Any]) -> None:
    """Build the notebook's parameters object from ``values`` to check every value.

    Raises
    ------
    ParameterError
        Naming the notebook, the parameter, the value and what is accepted.
    """
    if settings.parameters is None:
        return
    from policingstudy.studies.params import parameter_class

    cls = parameter_class(settings.parameters)
    unknown = sorted(set(values) - set(cls.defaults()))
    if unknown:
        raise ParameterError(
            f"notebook {stem}: parameters {unknown} are in its parameters cell but not in "
            f"{cls.__name__} (policingstudy.studies.params); declare them there"
        )
    try:
        cls(**values)
    except ParameterError as exc:
        raise ParameterError(f"notebook {stem}: {exc}") from None


def _source_digest() -> str:
    """Hash the source of the policingstudy package that the kernels will import."""
    import policingstudy

    package = Path(policingstudy.__file__).parent
    digest = hashlib.sha256()
    for file in sorted(package.rglob("*")):
        if file.is_file() and file.suffix in {".py", ".yaml", ".mplstyle", ".csv", ".json"}:
            digest.update(file.relative_to(package).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def result_cache_folder(paths: ProjectPaths, source_digest: str, *, fresh: bool = False) -> Path:
    """Return the folder where this run's kernels share analysis results (and prune others).

    The folder name hashes the package source and the key library versions, so a change to
    either starts from an empty cache; folders of earlier sources are removed. ``fresh``
    (``--force``) empties it first.
    """
    digest = hashlib.sha256(source_digest.encode())
    digest.update(json.dumps(package_versions(), sort_keys=True).encode())
    root = paths.reports / CACHE_DIR / "results"
    folder = root / digest.hexdigest()[:16]
    if root.is_dir():
        for old in root.iterdir():
            if old != folder or fresh:
                shutil.rmtree(old, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cache_key(job: Job, inputs_digest: str, source_digest: str) -> str:
    """Return the content hash deciding whether ``job`` must run again."""
    digest = hashlib.sha256()
    digest.update(job.notebook.read_bytes())
    digest.update(json.dumps(job.parameters, sort_keys=True).encode())
    digest.update(inputs_digest.encode())
    digest.update(source_digest.encode())
    return digest.hexdigest()


def _outputs(paths: ProjectPaths, job: Job) -> tuple[Path, Path, Path]:
    lang_dir = paths.reports / job.lang
    return (
        lang_dir / f"{job.stem}.ipynb",
        lang_dir / f"{job.stem}.html",
        paths.reports / "numbers" / f"{job.stem}.json",
    )


def _key_file(paths: ProjectPaths, job: Job) -> Path:
    return paths.reports / CACHE_DIR / job.lang / f"{job.stem}.key"


def extract_numbers(nb: Any) -> dict[str, Any]:
    """Collect the numbers a notebook published (see :meth:`Numbers.publish`)."""
    numbers: dict[str, Any] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIMETYPE in data:
                numbers.update(data[MIMETYPE])
    return dict(sorted(numbers.items()))


def import_notebook_tools() -> None:
    """Import papermill, nbformat and nbconvert, skipping a slow optional checker of jsonschema.

    jsonschema, which nbformat validates with, imports ``rfc3987_syntax`` when it is installed
    (JupyterLab's dependencies install it); that module compiles a grammar for about 2 s at import
    (python-jsonschema/jsonschema#1392). It only checks the ``iri`` string formats, which the
    notebook schemas do not use, so unless something has imported it already it is marked
    unavailable, which jsonschema handles as "not installed".
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    import papermill  # noqa: F401


def _html_exporter() -> Any:
    """Return the calling thread's HTML exporter (made once: compiling its templates is slow)."""
    exporter = getattr(_exporters, "html", None)
    if exporter is None:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        config = Config()
        config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
        config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
        config.TagRemovePreprocessor.enabled = True
        exporter = HTMLExporter(config=config, template_name="lab")
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        exporter.embed_images = True
        _exporters.html = exporter
    return exporter


def to_html(nb: Any, lang: Lang, title: str) -> str:
    """Convert an executed notebook to standalone HTML with code cells hidden."""
    body, _ = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return re.sub(r"<html[^>]*>", f'<html lang="{lang}">', body, count=1)


def _source_cell_number(executed: Path, cell_index: int) -> int:
    """Return the 1-based position of a failing cell in the source notebook.

    papermill inserts an ``injected-parameters`` cell; it does not count.
    """
    if executed.exists():
        import nbformat

        nb = nbformat.read(executed, as_version=4)
        injected = [
            i
            for i, c in enumerate(nb.cells)
            if "injected-parameters" in c.get("metadata", {}).get("tags", [])
        ]
        if injected and injected[0] < cell_index:
            cell_index -= 1
    return cell_index + 1


@dataclass(frozen=True)
class RunContext:
    """What every job of one run shares.

    Attributes
    ----------
    paths
        Project folders.
    work
        Temporary folder for executed notebooks before they are moved into ``reports/``.
    ipc
        Temporary folder for the kernels' IPC sockets (short, to fit the socket path limit).
    timeout
        Seconds per notebook.
    cancelled
        Set when the run is interrupted.
    kernels
        Every kernel manager started in the run, for interruption.
    forks
        Kernel fork helper, or None for ordinary kernel starts.
    results
        The kernels' shared result cache (:mod:`policingstudy.core.cache`), or None.
    """

    paths: ProjectPaths
    work: Path
    ipc: Path
    timeout: int
    cancelled: threading.Event = field(default_factory=threading.Event)
    kernels: list[Any] = field(default_factory=list)
    forks: ForkServer | None = None
    results: Path | None = None


def execute(job: Job, ctx: RunContext) -> JobResult:
    """Run one job with papermill into ``ctx.work`` and move complete outputs into ``reports/``.

    A failing notebook still gets its executed ``.ipynb`` and ``.html`` (showing the error), but no
    numbers file and no cache key.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    paths, timeout, cancelled, started = ctx.paths, ctx.timeout, ctx.cancelled, ctx.kernels
    tmp_nb = ctx.work / f"{job.stem}.{job.lang}.ipynb"
    error, cell = "", None
    timed_out = threading.Event()
    if cancelled.is_set():
        return JobResult(job.stem, job.lang, "failed", 0.0, job.parameters, "interrupted")
    ipc_dir = Path(tempfile.mkdtemp(prefix=f"{job.lang}-", dir=ctx.ipc))

    def stop_kernel() -> None:
        # An interrupt (SIGINT) makes the running cell fail with KeyboardInterrupt, so papermill
        # returns normally and the kernel shuts down cleanly; the cell timeout is the backstop.
        timed_out.set()
        kernels.interrupt(started)

    watchdog = threading.Timer(timeout, stop_kernel)
    watchdog.daemon = True
    watchdog.start()
    try:
        papermill.execute_notebook(
            str(job.notebook),
            str(tmp_nb),
            parameters=job.parameters,
            kernel_name="python3",
            kernel_manager_class=kernels.kernel_manager_class(
                started,
                ipc_dir,
                ctx.forks,
                {memo.ENV_VAR: str(ctx.results)} if ctx.results else None,
            ),
            progress_bar=False,
            cwd=str(paths.root),
            execution_timeout=timeout + CELL_TIMEOUT_MARGIN,
            request_save_on_cell_execute=False,
            # Outputs are complete when the last cell has run; a graceful shutdown only waits.
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as exc:
        error, cell = f"{exc.ename}: {exc.evalue}", _source_cell_number(tmp_nb, exc.cell_index)
    except Exception as exc:  # kernel death, timeout: reported, other notebooks go on
        error = f"{type(exc).__name__}: {exc}"
    finally:
        watchdog.cancel()
        shutil.rmtree(ipc_dir, ignore_errors=True)
    if timed_out.is_set():
        error = f"TimeoutError: the notebook exceeded its time limit of {timeout} s (--timeout)"
    if cancelled.is_set():  # the run was interrupted: keep nothing of this notebook
        return JobResult(job.stem, job.lang, "failed", 0.0, job.parameters, "interrupted")
    if not tmp_nb.exists():
        return JobResult(
            job.stem, job.lang, "failed", time.perf_counter() - start, job.parameters, error, cell
        )
    nb = nbformat.read(tmp_nb, as_version=4)
    numbers = extract_numbers(nb) if not error else {}
    title = nb.metadata.get("title") or job.stem
    html = to_html(nb, job.lang, str(title))
    ipynb_path, html_path, _ = _outputs(paths, job)
    write_text(ipynb_path, nbformat.writes(nb))
    write_text(html_path, html)
    status = "failed" if error else "ok"
    return JobResult(
        job.stem,
        job.lang,
        status,
        time.perf_counter() - start,
        job.parameters,
        error,
        cell,
        numbers,
    )


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
            line = (
                f"[{self.done}/{self.total}] {result.stem} ({result.lang}) {result.status} "
                f"{result.duration:.1f}s"
            )
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
        """Human-readable summary lines."""
        out = [
            f"{r.stem} [{r.lang}]: {r.status} ({r.duration:.1f}s)"
            + (f" - cell {r.cell}: {r.error}" if r.error else "")
            for r in sorted(self.results, key=lambda r: (r.stem, r.lang))
        ]
        counts = {s: sum(r.status == s for r in self.results) for s in ("ok", "cached", "failed")}
        out.append(
            f"{counts['ok']} executed, {counts['cached']} cached, {counts['failed']} failed; "
            f"reports in {self.metadata['reports']}"
        )
        return out


def _check_numbers(results: list[JobResult], paths: ProjectPaths) -> None:
    """Write ``numbers/<stem>.json``; fail jobs whose numbers differ across languages."""
    by_stem: dict[str, list[JobResult]] = {}
    for result in results:
        by_stem.setdefault(result.stem, []).append(result)
    for stem, group in by_stem.items():
        fresh = [r for r in group if r.status == "ok"]
        if not fresh:
            continue
        numbers_path = paths.reports / "numbers" / f"{stem}.json"
        reference = fresh[0].numbers
        if any(r.status == "cached" for r in group) and numbers_path.exists():
            reference = json.loads(numbers_path.read_text(encoding="utf-8"))
        for result in fresh:
            if result.numbers != reference:
                keys = sorted(
                    k
                    for k in set(result.numbers) | set(reference)
                    if result.numbers.get(k) != reference.get(k)
                )
                result.status = "failed"
                result.error = (
                    f"numbers differ from the other languages' for {keys[:10]}: "
                    "numbers must not depend on the language"
                )
        if all(r.status == "ok" for r in fresh):
            write_json(numbers_path, reference)


def run(
    paths: ProjectPaths,
    jobs: list[Job],
    *,
    n_jobs: int | None = None,
    force: bool = False,
    timeout: int = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    on_result: Callable[[JobResult], None] | None = None,
    forks: ForkServer | None = None,
) -> RunSummary:
    """Execute ``jobs`` (cached ones skipped unless ``force``) and write the index page.

    Parameters
    ----------
    paths
        Project folders.
    jobs
        From :func:`plan`.
    n_jobs
        Notebooks run in parallel (default: number of cores).
    force
        Re-execute even when the cache key matches.
    timeout
        Seconds per cell before the notebook fails.
    progress
        Progress display (default: to stderr).
    on_result
        Called after each job.
    forks
        Fork kernels from this helper (see :mod:`policingstudy.run.forks`); ordinary kernel
        starts if None.

    Returns
    -------
    RunSummary
        Results and metadata; ``summary.failed`` is empty on success.
    """
    started = time.time()
    import_notebook_tools()
    remove_stale_temporaries(paths.reports)
    inputs = input_hashes(paths)
    inputs_digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    source_digest = _source_digest()
    progress = progress or Progress(len(jobs))
    shared = result_cache_folder(paths, source_digest, fresh=force)
    results: list[JobResult] = []
    pending: list[tuple[Job, str]] = []
    for job in jobs:
        key = cache_key(job, inputs_digest, source_digest)
        key_file = _key_file(paths, job)
        complete = all(p.exists() for p in _outputs(paths, job))
        if not force and complete and key_file.exists() and key_file.read_text() == key:
            result = JobResult(job.stem, job.lang, "cached", 0.0, job.parameters)
            results.append(result)
            progress.update(result)
        else:
            pending.append((job, key))
    # One language after another, longest notebooks first: a notebook's later languages then
    # find its analysis in the result cache, and the long runs do not end up last.
    lang_order = {lang: i for i, lang in enumerate(dict.fromkeys(job.lang for job in jobs))}
    pending.sort(key=lambda item: (lang_order[item[0].lang], -item[0].notebook.stat().st_size))
    workers = max(1, n_jobs or os.cpu_count() or 1)
    paths.reports.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix=".tmp-run-", dir=paths.reports) as tmp,
        tempfile.TemporaryDirectory(prefix="policingstudy-kernels-") as ipc,
    ):
        ctx = RunContext(paths, Path(tmp), Path(ipc), timeout, forks=forks, results=shared)
        executor = ThreadPoolExecutor(max_workers=workers)
        try:
            futures = {executor.submit(execute, job, ctx): (job, key) for job, key in pending}
            for future in as_completed(futures):
                job, key = futures[future]
                result = future.result()
                results.append(result)
                if result.status == "ok":
                    write_text(_key_file(paths, job), key)
                else:
                    _key_file(paths, job).unlink(missing_ok=True)
                progress.update(result)
                if on_result:
                    on_result(result)
        except BaseException:
            ctx.cancelled.set()
            kernels.stop_kernels(ctx.kernels, list(futures))
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        executor.shutdown(wait=True)
    _check_numbers(results, paths)
    for result in results:
        if result.status == "failed":
            _key_file(paths, Job(result.stem, result.lang, Path(), {})).unlink(missing_ok=True)
    metadata = run_metadata(paths, started=started, inputs=inputs)
    summary = RunSummary(results, metadata)
    write_index(paths, summary)
    return summary


def _earlier_results(paths: ProjectPaths, current: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Results of earlier runs still on disk, for notebooks and languages this run skipped.

    ``--only`` or ``--lang`` runs a subset; the index keeps listing the other reports (marked as
    coming from an earlier run) as long as their notebook still exists and their HTML is there.
    """
    previous = paths.reports / "run.json"
    if not previous.exists():
        return []
    try:
        old = json.loads(previous.read_text(encoding="utf-8")).get("results", [])
    except (OSError, ValueError):
        return []
    existing = notebooks(paths)
    kept = []
    for entry in old:
        key = (entry.get("stem"), entry.get("lang"))
        html = paths.reports / str(entry.get("lang")) / f"{entry.get('stem')}.html"
        if key not in current and entry.get("stem") in existing and html.exists():
            kept.append({**entry, "this_run": False})
    return kept


def write_index(paths: ProjectPaths, summary: RunSummary) -> None:
    """Write ``reports/run.json`` and ``reports/index.html`` for a finished run."""
    from policingstudy.run.index_page import render_index

    results = [{**asdict(r), "this_run": True} for r in summary.results]
    results += _earlier_results(paths, {(r.stem, r.lang) for r in summary.results})
    payload = {**summary.metadata, "results": sorted(results, key=lambda r: (r["stem"], r["lang"]))}
    write_json(paths.reports / "run.json", payload)
    write_bytes(paths.reports / "index.html", render_index(payload).encode("utf-8"))


def raise_on_failure(summary: RunSummary) -> None:
    """Raise :class:`NotebookError` listing the failed notebooks, if any."""
    if summary.failed:
        listed = "; ".join(f"{r.stem} [{r.lang}] cell {r.cell}: {r.error}" for r in summary.failed)
        raise NotebookError(f"{len(summary.failed)} notebook run(s) failed: {listed}")
