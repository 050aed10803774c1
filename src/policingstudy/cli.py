"""The ``policingstudy`` command line: parse, check, call the library.

Exit codes: 0 success; 1 a data, source or notebook failure; 2 a usage error (unknown option,
notebook, language or parameter, or a value out of range); 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from policingstudy import __version__
from policingstudy.core.errors import PolicingStudyError, UsageError
from policingstudy.core.paths import ProjectPaths, mirror_from_env

if TYPE_CHECKING:
    from policingstudy.data.sources import FetchProgress, ProgressCallback
    from policingstudy.run.forks import ForkServer

DESCRIPTION = (
    "Reproduce the policingstudy reports: fetch the pinned external data, build the processed "
    "tables and run the notebooks into reports/ (English, Kazakh, Russian)."
)
# Below this many notebook runs, importing the libraries once in a fork helper saves nothing.
FORK_MIN_JOBS = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 already; keep our wording
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    root = _Parser(add_help=False)
    root.add_argument(
        "--root",
        default=argparse.SUPPRESS,
        help="project root (default: $POLICINGSTUDY_ROOT, else the nearest folder up from the "
        "current one holding pyproject.toml and notebooks/)",
    )
    parser = _Parser(prog="policingstudy", description=DESCRIPTION, parents=[root])
    parser.add_argument("--version", action="version", version=f"policingstudy {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    report = sub.add_parser(
        "report", parents=[root], help="fetch and build data, run every notebook, write reports/"
    )
    report.add_argument("--lang", default="en,kk,ru", help="comma-separated: en,kk,ru")
    report.add_argument("--only", nargs="+", default=[], metavar="NAME", help="notebook stems")
    report.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="parameter override; NOTEBOOK.NAME=VALUE for one notebook (see `policingstudy list`)",
    )
    report.add_argument("--jobs", type=int, default=None, help="notebooks in parallel")
    report.add_argument("--force", action="store_true", help="ignore the caches")
    report.add_argument(
        "--offline",
        action="store_true",
        help="do not download; verify data/raw/external (or the mirror) before running",
    )
    report.add_argument(
        "--mirror",
        type=Path,
        default=None,
        help="copy external data from this folder ($POLICINGSTUDY_MIRROR)",
    )
    report.add_argument(
        "--timeout", type=float, default=600, help="time limit of one notebook run, in seconds"
    )
    report.add_argument(
        "--pdf",
        action="store_true",
        default=None,
        help="also write PDFs: one per report and reports/<lang>/policingstudy.pdf "
        "(default: $POLICINGSTUDY_PDF=1)",
    )

    sub.add_parser("list", parents=[root], help="notebooks and their parameters")
    sub.add_parser("build", parents=[root], help="validate data/raw and write data/processed")
    sub.add_parser("validate", parents=[root], help="validate data/raw only")

    fetch = sub.add_parser(
        "fetch", parents=[root], help="download (or copy from a mirror) external data"
    )
    fetch.add_argument("ids", nargs="*", metavar="ID", help="source ids (default: all)")
    fetch.add_argument(
        "--mirror",
        type=Path,
        default=None,
        help="copy from this folder instead of the network ($POLICINGSTUDY_MIRROR)",
    )
    return parser


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cmd_list(paths: ProjectPaths, _: argparse.Namespace) -> int:
    from policingstudy.run.plan import describe_parameters

    for stem, params in describe_parameters(paths).items():
        print(stem)
        for p in params:
            accepts = f"; {p.constraint}" if p.constraint else ""
            note = f"  ({p.help})" if p.help else ""
            print(f"  {p.name}: {p.type} = {p.default!r}{accepts}{note}")
    return 0


def _cmd_validate(paths: ProjectPaths, _: argparse.Namespace) -> int:
    from policingstudy.data.build import validate_all

    tables = validate_all(paths, survey=False)
    print(f"valid: {len(tables)} tables ({', '.join(sorted(tables))})")
    return 0


def _cmd_build(paths: ProjectPaths, _: argparse.Namespace) -> int:
    from policingstudy.data.build import build

    _say(f"building {paths.processed} ...")
    written = build(paths, mirror_from_env())
    print(f"wrote {len(written)} files to {paths.processed}")
    return 0


def _fetch(paths: ProjectPaths, ids: list[str] | None, mirror: Path | None) -> None:
    from policingstudy.data import sources

    report = sources.fetch(
        ids, paths=paths, mirror=mirror or mirror_from_env(), progress=terminal_progress()
    )
    _say(report.summary())


def _cmd_fetch(paths: ProjectPaths, args: argparse.Namespace) -> int:
    _fetch(paths, args.ids or None, args.mirror)
    return 0


@contextlib.contextmanager
def _kernel_forks(paths: ProjectPaths, n_jobs: int) -> Iterator[ForkServer | None]:
    """A kernel fork helper when it pays off (three or more notebook runs, Linux), else None."""
    from policingstudy.run.forks import ForkServer, fork_kernels_supported
    from policingstudy.run.plan import notebook_modules

    if n_jobs < FORK_MIN_JOBS or not fork_kernels_supported():
        yield None
        return
    with ForkServer.start(preload=notebook_modules(paths)) as server:
        yield server


def _fast_notebook_imports() -> None:
    """Import papermill, nbformat and nbconvert without jsonschema's slowest optional checker.

    jsonschema imports ``rfc3987_syntax`` when it is installed (JupyterLab's dependencies
    install it), which compiles a grammar for about 3 s (python-jsonschema/jsonschema#1392). It
    serves only the ``iri`` string formats, which notebook schemas do not use. This command's
    own process marks it unavailable before the import (jsonschema then treats it as not
    installed); the library functions never do this to a caller's process.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    import papermill  # noqa: F401


def _cmd_report(paths: ProjectPaths, args: argparse.Namespace) -> int:
    from policingstudy.data import sources
    from policingstudy.data.build import BUILD_SOURCES, build
    from policingstudy.run.pdf import PDF_ENV
    from policingstudy.run.plan import parse_override, plan
    from policingstudy.run.runner import Progress, check_writable, run, write_pdfs

    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs: expected a positive integer, got {args.jobs}")
    if not args.timeout > 0:
        raise UsageError(f"--timeout: expected a positive number of seconds, got {args.timeout}")
    langs = [part for part in args.lang.split(",") if part.strip()]
    overrides = [parse_override(option) for option in args.param]
    jobs = plan(paths, langs=langs, only=args.only, overrides=overrides)
    check_writable(paths)
    needed = list(dict.fromkeys([*BUILD_SOURCES, *(s for j in jobs for s in j.settings.sources)]))
    mirror = args.mirror or mirror_from_env()
    # The kernel helper imports the libraries while the data are fetched and built.
    with _kernel_forks(paths, len(jobs)) as forks:
        if not args.offline:
            _fetch(paths, needed, mirror)
        used = sources.verify_available(needed, paths=paths, mirror=mirror)
        _say(f"building {paths.processed} ...")
        build(paths, mirror, reuse=not args.force, sources=needed)
        _fast_notebook_imports()
        summary = run(
            paths,
            jobs,
            n_jobs=args.jobs,
            force=args.force,
            timeout=args.timeout,
            progress=Progress(len(jobs)),
            fork_server=forks.address if forks else None,
            used_files=used,
        )
    print("\n".join(summary.lines()))
    pdf = args.pdf if args.pdf is not None else os.environ.get(PDF_ENV, "0") == "1"
    if pdf:
        _say("writing PDFs ...")
        written = write_pdfs(paths, dict.fromkeys(job.lang for job in jobs))
        print(f"wrote {len(written)} PDF file(s)")
    if summary.failed:
        for r in summary.failed:
            where = f" cell {r.cell}" if r.cell is not None else ""
            print(f"FAILED {r.stem} [{r.lang}]{where}: {r.error}", file=sys.stderr)
        return 1
    return 0


COMMANDS = {
    "report": _cmd_report,
    "list": _cmd_list,
    "build": _cmd_build,
    "validate": _cmd_validate,
    "fetch": _cmd_fetch,
}


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        args = _parser().parse_args(argv)
        paths = ProjectPaths.discover(getattr(args, "root", None))
        return COMMANDS[args.command](paths, args)
    except UsageError as exc:
        print(f"policingstudy: error: {exc}", file=sys.stderr)
        return 2
    except PolicingStudyError as exc:
        print(f"policingstudy: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("policingstudy: interrupted; no partial reports were kept", file=sys.stderr)
        return 130


def entry() -> None:
    """Console entry point: exit with :func:`main`'s code.

    After an interrupt, worker threads may still wait on kernels that were killed; the process
    exits at once instead of joining them (every temporary file is already removed by then).
    """
    code = main()
    if code == 130:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def terminal_progress(stream: IO[str] | None = None, width: int = 30) -> ProgressCallback:
    """Return a progress callback drawing one bar per file on a terminal.

    On a terminal the bar is redrawn in place; otherwise one line is printed per finished file.

    Parameters
    ----------
    stream
        Where to write (default ``sys.stderr``).
    width
        Characters of the bar.

    Returns
    -------
    callable
        A function to pass as ``progress`` to :func:`fetch`.
    """
    out = stream if stream is not None else sys.stderr
    is_tty = bool(getattr(out, "isatty", lambda: False)())

    def draw(event: FetchProgress) -> None:
        head = f"[{event.file_index}/{event.file_count}] {event.source_id}/{event.file}"
        if event.stage == "present":
            if is_tty:
                out.write(f"\r\033[K{head}: present")
                out.flush()
            return
        if event.stage == "done":
            out.write(f"\r\033[K{head}: ok\n" if is_tty else f"{head}: ok\n")
            out.flush()
            return
        if is_tty:
            share = event.done_bytes / event.total_bytes if event.total_bytes else 1.0
            filled = int(width * min(share, 1.0))
            bar = "#" * filled + "-" * (width - filled)
            out.write(f"\r\033[K{head} [{bar}] {share:4.0%}")
            out.flush()

    return draw


if __name__ == "__main__":
    entry()
