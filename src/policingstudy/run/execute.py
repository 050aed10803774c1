"""Execute one notebook in one language with papermill, under its own time limit.

:func:`execute` composes small steps: start the job's watchdog, let papermill parameterise and
run the notebook in a fresh kernel (:mod:`policingstudy.run.kernels`), map what went wrong to a
message and a source-cell number, and collect what the notebook published (numbers, tables,
errors from the kernel's figure check) and its HTML. It writes nothing into ``reports/``: the
runner decides, after checking the results across languages, where the outputs go.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policingstudy.core.paths import ProjectPaths
from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.report.numbers import MIMETYPE as NUMBERS_MIMETYPE
from policingstudy.report.tables import TABLE_MIMETYPE, TABLES_HREF_ENV
from policingstudy.run import kernels
from policingstudy.run.kernel_setup import ERROR_MIMETYPE
from policingstudy.run.pages import decorate
from policingstudy.run.plan import Job

CELL_TIMEOUT_MARGIN = (
    60  # a cell may run this much past the notebook limit before nbclient stops it
)
_exporters = threading.local()


@dataclass(frozen=True)
class RunContext:
    """What every job of one run shares.

    Attributes
    ----------
    paths
        Project folders.
    work
        Temporary folder for executed notebooks.
    ipc
        Temporary folder for the kernels' IPC sockets (short, to fit the socket path limit).
    timeout
        Seconds per notebook run.
    cancelled
        Set when the run is interrupted.
    kernels
        Every kernel manager started in the run (for Ctrl-C).
    fork_server
        Socket of the kernel fork helper, or None for ordinary kernel starts.
    env
        Added to every kernel's environment (e.g. the shared result cache).
    """

    paths: ProjectPaths
    work: Path
    ipc: Path
    timeout: float
    cancelled: threading.Event = field(default_factory=threading.Event)
    kernels: list[Any] = field(default_factory=list)
    fork_server: str | None = None
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """What one execution produced (nothing is written yet).

    Attributes
    ----------
    error, cell
        The failure and the 1-based source-cell number ("" and None on success).
    numbers, tables
        What the notebook published (see :mod:`policingstudy.report.numbers` and
        :func:`policingstudy.report.tables.publish_table`).
    ipynb, html
        The executed notebook (JSON text) and its HTML, or "" when none was produced.
    duration
        Seconds.
    """

    error: str = ""
    cell: int | None = None
    numbers: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    ipynb: str = ""
    html: str = ""
    duration: float = 0.0


class _Watchdog:
    """Stops one job's kernels at its time limit: repeated interrupts, then a kill."""

    def __init__(self, own: list[Any], limit: float) -> None:
        self.own = own
        self.limit = limit
        self.finished = threading.Event()
        self.fired = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finished.set()
        self._thread.join(timeout=kernels.INTERRUPT_GRACE + 1)

    def _watch(self) -> None:
        if self.finished.wait(self.limit):
            return
        self.fired.set()
        kernels.stop(self.own, self.finished)


def execute(job: Job, ctx: RunContext, *, env: dict[str, str] | None = None) -> Outcome:
    """Run ``job`` with papermill in a fresh kernel and collect its outputs.

    Only this job's kernel is interrupted when its time limit passes: repeatedly (a single
    interrupt is ignored between cells), and killed after a grace period. A failing notebook
    still yields its executed notebook and HTML (showing the error), which the runner keeps
    beside the last good report.

    Parameters
    ----------
    job
        The notebook, language and parameters.
    ctx
        What the run's jobs share.
    env
        Added to this kernel's environment (the notebook's declared sources, its tables link).
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    outcome = Outcome()
    if ctx.cancelled.is_set():
        outcome.error = "interrupted"
        return outcome
    tmp_nb = ctx.work / f"{job.stem}.{job.lang}.ipynb"
    own: list[Any] = []
    ipc_dir = Path(tempfile.mkdtemp(prefix=f"{job.lang}-", dir=ctx.ipc))
    manager = kernels.kernel_manager_class(
        _Registry(own, ctx.kernels),
        ipc_dir,
        fork_server=ctx.fork_server,
        env={**ctx.env, **(env or {})},
    )
    with _Watchdog(own, ctx.timeout) as watchdog:
        try:
            papermill.execute_notebook(
                str(job.notebook),
                str(tmp_nb),
                parameters=job.parameters,
                kernel_name="python3",
                kernel_manager_class=manager,
                progress_bar=False,
                # The kernel starts in the project root through nbclient's ``resources`` (its
                # documented way); papermill's own ``cwd`` would chdir this whole process from
                # several threads at once and leave it in whichever folder the last one restored.
                resources={"metadata": {"path": str(ctx.paths.root)}},
                execution_timeout=ctx.timeout + CELL_TIMEOUT_MARGIN,
                request_save_on_cell_execute=False,
                # Outputs are complete when the last cell has run; a graceful shutdown only waits.
                shutdown_kernel="immediate",
            )
        except PapermillExecutionError as exc:
            outcome.error = f"{exc.ename}: {exc.evalue}"
            outcome.cell = _source_cell_number(job.notebook, exc.cell_index)
        except Exception as exc:  # kernel death, kill: reported, other notebooks go on
            outcome.error = f"{type(exc).__name__}: {exc}"
        finally:
            shutil.rmtree(ipc_dir, ignore_errors=True)
    if watchdog.fired.is_set():
        where = f" in cell {outcome.cell}" if outcome.cell else ""
        outcome.error = (
            f"time limit: the notebook ran past its limit of {ctx.timeout:g} s{where} (--timeout)"
        )
    outcome.duration = time.perf_counter() - start
    if ctx.cancelled.is_set():
        outcome.error = "interrupted"
        return outcome
    if not tmp_nb.exists():
        return outcome
    nb = nbformat.read(tmp_nb, as_version=4)
    published = collect(nb)
    outcome.numbers, outcome.tables = published.numbers, published.tables
    if published.errors and not outcome.error:
        cell, message = published.errors[0]
        outcome.error, outcome.cell = message, _source_cell_number(job.notebook, cell)
    outcome.ipynb = nbformat.writes(nb)
    outcome.html = decorate(
        to_html(without_runner_outputs(nb), job.lang, title(job)),
        lang=job.lang,
        stem=job.stem,
        tables_href=(env or {}).get(TABLES_HREF_ENV, f"../tables/{job.stem}"),
        tables=outcome.tables,
    )
    return outcome


class _Registry(list[Any]):
    """Appends a kernel manager to the job's list and the run's list at once."""

    def __init__(self, own: list[Any], everyone: list[Any]) -> None:
        super().__init__()
        self._own, self._everyone = own, everyone

    def append(self, km: Any) -> None:
        self._own.append(km)
        self._everyone.append(km)


@dataclass
class Published:
    """What a notebook displayed for the runner (numbers, tables, kernel-side errors)."""

    numbers: dict[str, Any]
    tables: dict[str, str]
    errors: list[tuple[int, str]]


def collect(nb: Any) -> Published:
    """Collect the numbers, tables and figure errors an executed notebook displayed."""
    numbers: dict[str, Any] = {}
    tables: dict[str, str] = {}
    errors: list[tuple[int, str]] = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if NUMBERS_MIMETYPE in data:
                numbers.update(data[NUMBERS_MIMETYPE])
            if TABLE_MIMETYPE in data:
                table = data[TABLE_MIMETYPE]
                tables[str(table["name"])] = str(table["csv"])
            if ERROR_MIMETYPE in data:
                errors.append((index, str(data[ERROR_MIMETYPE]["message"])))
    return Published(dict(sorted(numbers.items())), dict(sorted(tables.items())), errors)


RUNNER_MIMETYPES = (NUMBERS_MIMETYPE, TABLE_MIMETYPE, ERROR_MIMETYPE)


def without_runner_outputs(nb: Any) -> Any:
    """A copy of ``nb`` without the outputs meant for the runner (numbers, tables, errors).

    Readers see the tables themselves and their download links, not a second, plain-text copy.
    """
    import copy

    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        if "outputs" in cell:
            cell.outputs = [
                o for o in cell.outputs if not any(m in o.get("data", {}) for m in RUNNER_MIMETYPES)
            ]
    return clean


def extract_numbers(nb: Any) -> dict[str, Any]:
    """Collect the numbers a notebook published (see :meth:`Numbers.publish`)."""
    return collect(nb).numbers


def title(job: Job) -> str:
    """The report's title in its language (the catalog key its metadata names, else the stem)."""
    key = job.settings.title
    return t(key, job.lang) if key else job.stem


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
    """Convert an executed notebook to standalone HTML with code cells hidden.

    The page carries ``lang`` and ``title``; cell ids (random per run) are dropped so that two
    runs with the same outputs give the same HTML.
    """
    nb = _without_cell_ids(nb)
    nb.metadata["title"] = title
    body, _ = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = re.sub(r"<html[^>]*>", f'<html lang="{lang}">', body, count=1)
    return re.sub(r' id="cell-id=[^"]*"', "", body)


def _without_cell_ids(nb: Any) -> Any:
    import copy

    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        cell.pop("id", None)
    clean.nbformat_minor = 4  # cell ids exist from 4.5 on
    return clean


def _source_cell_number(notebook: Path, cell_index: int) -> int:
    """Return the 1-based position in the source notebook of executed cell ``cell_index``.

    papermill always inserts an ``injected-parameters`` cell right after the cell tagged
    ``parameters`` (the runner always passes ``lang``); it does not count.
    """
    import json

    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    tagged = [
        i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    if tagged and cell_index > tagged[0]:
        cell_index -= 1
    return cell_index + 1
