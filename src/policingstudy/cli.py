"""The ``policingstudy`` command: a thin layer that parses options and calls the library.

Exit codes: 0 success; 1 a data, source or notebook failure; 2 a usage error (unknown option,
notebook, language or parameter); 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policingstudy import __version__
from policingstudy.core.errors import PolicingStudyError, UsageError
from policingstudy.core.paths import ProjectPaths, mirror_from_env

if TYPE_CHECKING:
    from policingstudy.run.forks import ForkServer

# Below this many notebook runs, importing the libraries once in a fork helper saves nothing.
FORK_MIN_JOBS = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 already; keep our wording
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="policingstudy", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"policingstudy {__version__}")
    parser.add_argument("--root", help="project root (default: $POLICINGSTUDY_ROOT or the cwd)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    report = sub.add_parser("report", help="build data, run every notebook, write reports/")
    report.add_argument("--lang", default="en,kk,ru", help="comma-separated: en,kk,ru")
    report.add_argument("--only", nargs="+", default=[], metavar="NAME", help="notebook stems")
    report.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="parameter override; NOTEBOOK.NAME=VALUE for one notebook",
    )
    report.add_argument("--jobs", type=int, default=None, help="notebooks in parallel")
    report.add_argument("--force", action="store_true", help="ignore the cache")
    report.add_argument("--offline", action="store_true", help="do not fetch external data")
    report.add_argument(
        "--mirror",
        type=Path,
        default=None,
        help="copy external data from this folder ($POLICINGSTUDY_MIRROR)",
    )
    report.add_argument(
        "--timeout", type=int, default=600, help="time limit of one notebook run, in seconds"
    )

    sub.add_parser("list", help="notebooks and their declared parameters")
    sub.add_parser("build", help="validate data/raw and write data/processed")
    sub.add_parser("validate", help="validate data/raw only")

    fetch = sub.add_parser("fetch", help="download (or copy from a mirror) external data")
    fetch.add_argument("ids", nargs="*", metavar="ID", help="source ids (default: all)")
    fetch.add_argument(
        "--mirror",
        type=Path,
        default=None,
        help="copy from this folder instead of the network ($POLICINGSTUDY_MIRROR)",
    )
    return parser


def _cmd_list(paths: ProjectPaths, _: argparse.Namespace) -> int:
    from policingstudy.run.runner import describe_parameters

    for stem, params in describe_parameters(paths).items():
        print(stem)
        for p in params:
            accepts = f"; {p.constraint}" if p.constraint else ""
            note = f"  ({p.help})" if p.help else ""
            print(f"  {p.name}: {p.type} = {p.default!r}{accepts}{note}")
    return 0


def _cmd_validate(paths: ProjectPaths, _: argparse.Namespace) -> int:
    from policingstudy.data.build import validate_all

    tables = validate_all(paths, mirror_from_env())
    print(f"valid: {len(tables)} tables ({', '.join(sorted(tables))})")
    return 0


def _cmd_build(paths: ProjectPaths, _: argparse.Namespace) -> int:
    from policingstudy.data.build import build

    written = build(paths, mirror_from_env())
    print(f"wrote {len(written)} files to {paths.processed}")
    return 0


def _fetch(paths: ProjectPaths, ids: list[str] | None, mirror: Path | None) -> None:
    from policingstudy.data import sources

    report = sources.fetch(
        ids or None,
        paths=paths,
        mirror=mirror or mirror_from_env(),
        progress=sources.terminal_progress(),
    )
    print(report.summary())


def _cmd_fetch(paths: ProjectPaths, args: argparse.Namespace) -> int:
    _fetch(paths, args.ids, args.mirror)
    return 0


@contextlib.contextmanager
def _kernel_forks(paths: ProjectPaths, n_jobs: int) -> Iterator[ForkServer | None]:
    """A kernel fork helper when it pays off (three or more notebook runs, Linux), else None."""
    from policingstudy.run.forks import ForkServer, fork_kernels_supported
    from policingstudy.run.runner import notebook_modules

    if n_jobs < FORK_MIN_JOBS or not fork_kernels_supported():
        yield None
        return
    with ForkServer.start(preload=notebook_modules(paths)) as server:
        yield server


def _cmd_report(paths: ProjectPaths, args: argparse.Namespace) -> int:
    from policingstudy.data.build import build
    from policingstudy.run.plan import parse_override
    from policingstudy.run.runner import Progress, plan, run

    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs: expected a positive integer, got {args.jobs}")
    langs = [part.strip() for part in args.lang.split(",") if part.strip()]
    overrides = [parse_override(option) for option in args.param]
    jobs = plan(paths, langs=langs, only=args.only, overrides=overrides)
    # The kernel helper imports the libraries while the data are fetched and built.
    with _kernel_forks(paths, len(jobs)) as forks:
        if not args.offline:
            _fetch(paths, None, args.mirror)
        build(paths, args.mirror or mirror_from_env(), reuse=not args.force)
        summary = run(
            paths,
            jobs,
            n_jobs=args.jobs,
            force=args.force,
            timeout=args.timeout,
            progress=Progress(len(jobs)),
            forks=forks,
        )
    print("\n".join(summary.lines()))
    if summary.failed:
        for r in summary.failed:
            print(f"FAILED {r.stem} [{r.lang}] cell {r.cell}: {r.error}", file=sys.stderr)
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
        paths = ProjectPaths.discover(args.root)
        return COMMANDS[args.command](paths, args)
    except UsageError as exc:
        print(f"policingstudy: error: {exc}", file=sys.stderr)
        return 2
    except PolicingStudyError as exc:
        print(f"policingstudy: error: {exc}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
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


if __name__ == "__main__":
    entry()
