"""Pinned external data: the source registry, downloads or mirror copies, and verification.

The registry ``data/raw/external_sources.yaml`` lists, per source id, the files with their pinned
URL, sha256 and size, plus licence, citation and description. :func:`fetch` puts verified copies
under ``data/raw/external/<id>/<file>``, downloading them (``urllib``, retries with backoff) or
copying them from an offline mirror laid out the same way. Every file is written through
:func:`policingstudy.core.io.atomic_write` and hashed while it is written, so a failed, truncated or
corrupt transfer never leaves a file behind. :func:`locate` gives readers the folder holding a
source's verified files (the cache, else the mirror).
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import os
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

import pandas as pd
import yaml

from policingstudy.core.errors import ChecksumError, DataValidationError, SourceError
from policingstudy.core.hashing import file_digest
from policingstudy.core.io import atomic_write
from policingstudy.core.paths import MIRROR_ENV, ProjectPaths

REGISTRY_FILE = "external_sources.yaml"
CHUNK = 1 << 16
HOW_TO_GET = (
    f"get them with `{MIRROR_ENV}=/path/to/mirror policingstudy fetch` (offline mirror) or run "
    "`policingstudy fetch` on a machine with network access"
)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

# Seconds slept between download attempts; tests replace it to avoid waiting.
_sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class SourceFile:
    """One pinned file of a source."""

    name: str
    url: str | None
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Source:
    """One entry of the registry (see ``data/raw/external_sources.yaml``)."""

    id: str
    title: str
    licence: str
    citation: str
    description: str
    upstream: str
    files: tuple[SourceFile, ...]
    mirror_only: bool = False


Stage = Literal["start", "advance", "done", "present"]


@dataclass(frozen=True)
class FetchProgress:
    """A progress event passed to the ``progress`` callback of :func:`fetch`.

    ``stage`` is ``start`` (a transfer begins), ``advance`` (``done_bytes`` grew), ``done`` (the
    file is verified and in place) or ``present`` (an already cached file verified).
    """

    source_id: str
    file: str
    stage: Stage
    done_bytes: int
    total_bytes: int
    file_index: int
    file_count: int


ProgressCallback = Callable[[FetchProgress], None]


@dataclass
class FetchReport:
    """What :func:`fetch` did: files downloaded, copied, already present and repaired."""

    downloaded: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    bytes_transferred: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the terminal."""
        parts = [
            f"{len(self.downloaded)} downloaded",
            f"{len(self.copied)} copied from the mirror",
            f"{len(self.present)} already present",
        ]
        if self.repaired:
            parts.append(f"{len(self.repaired)} corrupt cached file(s) replaced")
        mb = self.bytes_transferred / 1e6
        return f"external data verified: {', '.join(parts)} ({mb:.1f} MB in {self.seconds:.1f} s)"


def registry_path(paths: ProjectPaths) -> Path:
    """Return the path of the source registry."""
    return paths.raw / REGISTRY_FILE


def load_registry(paths: ProjectPaths) -> dict[str, Source]:
    """Read and validate the source registry.

    Parameters
    ----------
    paths
        The project folders.

    Returns
    -------
    dict
        Source id to :class:`Source`, in file order.

    Raises
    ------
    SourceError
        If the registry file is missing.
    DataValidationError
        Listing every malformed entry (missing field, bad hash, size or URL).
    """
    path = registry_path(paths)
    if not path.is_file():
        raise SourceError(f"source registry not found: {path} (expected in the repository)")
    stat = path.stat()
    return dict(_load_registry(path, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=8)
def _load_registry(path: Path, mtime_ns: int, size: int) -> dict[str, Source]:
    """Parse the registry once per file version (the key includes mtime and size)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506
    entries = data.get("sources")
    if not isinstance(entries, dict) or not entries:
        raise DataValidationError([f"{path}: expected a non-empty mapping 'sources'"])
    problems: list[str] = []
    registry: dict[str, Source] = {}
    for sid, entry in entries.items():
        source = _parse_source(str(sid), entry, f"{path.name}: source {sid!r}", problems)
        if source is not None:
            registry[source.id] = source
    if problems:
        raise DataValidationError(problems)
    return registry


def _parse_source(sid: str, entry: Any, where: str, problems: list[str]) -> Source | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected a mapping, found {type(entry).__name__}")
        return None
    texts = {}
    for key in ("title", "licence", "citation", "description", "upstream"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: field {key!r} missing or empty; expected text")
        texts[key] = str(value or "")
    mirror_only = bool(entry.get("mirror_only", False))
    files = []
    for i, item in enumerate(entry.get("files") or []):
        item = item if isinstance(item, dict) else {}
        name, url = str(item.get("name") or ""), item.get("url")
        sha, size = str(item.get("sha256") or ""), item.get("bytes")
        spot = f"{where}, file {i + 1} ({name or '?'})"
        if not name or "/" in name or name.startswith("."):
            problems.append(f"{spot}: bad name {name!r}; expected a plain file name")
        if not _SHA256.match(sha):
            problems.append(f"{spot}: sha256 {sha!r}; expected 64 lower-case hex digits")
        if not isinstance(size, int) or size <= 0:
            problems.append(f"{spot}: bytes {size!r}; expected a positive integer")
        if url is None and not mirror_only:
            problems.append(f"{spot}: no url; expected an https URL or `mirror_only: true`")
        if url is not None and not str(url).startswith("https://"):
            problems.append(f"{spot}: url {url!r}; expected an https URL")
        files.append(SourceFile(name, None if url is None else str(url), sha, int(size or 0)))
    if not files:
        problems.append(f"{where}: no files; expected at least one")
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        problems.append(f"{where}: duplicate file names {sorted(names)}")
    return Source(sid, files=tuple(files), mirror_only=mirror_only, **texts)


def known_ids(paths: ProjectPaths) -> list[str]:
    """Return the source ids of the registry, in file order."""
    return list(load_registry(paths))


def _select(registry: dict[str, Source], ids: Iterable[str] | None) -> list[Source]:
    if ids is None:
        return list(registry.values())
    wanted = list(dict.fromkeys(ids))
    unknown = [i for i in wanted if i not in registry]
    if unknown:
        raise SourceError(
            f"unknown source id(s) {', '.join(map(repr, unknown))}; known ids: "
            f"{', '.join(registry)}"
        )
    return [registry[i] for i in wanted]


# -- verification -------------------------------------------------------------------------------


def _hash_file(path: Path) -> str:
    return file_digest(path)


def verify_file(path: Path, expected: SourceFile, *, delete: bool) -> None:
    """Check a file's size and sha256 against the registry.

    Parameters
    ----------
    path
        The file to check.
    expected
        Its registry entry.
    delete
        Delete the file when it does not match (cache files: yes; mirror files: never).

    Raises
    ------
    ChecksumError
        Naming the file, the expected and the actual size or hash.
    """
    size = path.stat().st_size
    if size != expected.bytes:
        _fail(path, delete, f"is {size} bytes; expected {expected.bytes} (truncated or corrupt)")
    actual = _hash_file(path)
    if actual != expected.sha256:
        _fail(path, delete, f"has sha256 {actual}; expected {expected.sha256}")


def _fail(path: Path, delete: bool, what: str) -> None:
    if delete:
        path.unlink(missing_ok=True)
    note = "; the file was deleted" if delete else ""
    raise ChecksumError(f"{path} {what}{note}")


# -- transfers ------------------------------------------------------------------------------------


class _Truncated(Exception):
    """A transfer ended early (retried)."""


def _copy_stream(
    reader: IO[bytes], target: Path, expected: SourceFile, origin: str, tick: Callable[[int], None]
) -> None:
    """Stream ``reader`` into ``target`` atomically, hashing as it goes; verify before renaming."""
    digest = hashlib.sha256()
    done = 0
    with atomic_write(target, "wb", None) as handle:
        while block := reader.read(CHUNK):
            handle.write(block)
            digest.update(block)
            done += len(block)
            tick(done)
        if done != expected.bytes:
            raise _Truncated(f"{origin}: received {done} bytes; expected {expected.bytes}")
        actual = digest.hexdigest()
        if actual != expected.sha256:
            raise ChecksumError(
                f"{target.name} from {origin} has sha256 {actual}; expected {expected.sha256}; "
                f"the file was deleted"
            )


def _from_mirror(
    source: Source, item: SourceFile, mirror: Path, target: Path, tick: Callable[[int], None]
) -> None:
    if not mirror.is_dir():
        raise SourceError(
            f"mirror folder {mirror} does not exist; cannot copy {source.id}/{item.name} "
            f"(check --mirror or {MIRROR_ENV})"
        )
    origin = mirror / source.id / item.name
    if not origin.is_file():
        raise SourceError(
            f"mirror {mirror} lacks {source.id}/{item.name}; expected the file at {origin}"
        )
    with origin.open("rb") as reader:
        try:
            _copy_stream(reader, target, item, str(origin), tick)
        except _Truncated as exc:
            raise ChecksumError(
                f"{target.name}: {exc} (corrupt mirror copy); nothing was kept"
            ) from None


class NoNetwork(OSError):
    """The host could not be reached at all (name resolution or connection failed)."""


def _unreachable(exc: BaseException) -> bool:
    """True when ``exc`` means there is no route to the host (retrying will not help)."""
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, socket.gaierror | ConnectionRefusedError | OSError) and not (
        isinstance(reason, TimeoutError | socket.timeout)
    )


def _download(
    item: SourceFile, target: Path, retries: int, timeout: float, tick: Callable[[int], None]
) -> None:
    """Download with retries and exponential backoff.

    Raises
    ------
    NoNetwork
        At once (no retries) when the host cannot be reached (no network, DNS failure).
    OSError
        When every attempt failed for a transient reason (server error, timeout, truncation).
    SourceError
        For an HTTP 4xx answer (not retried).
    ChecksumError
        When the received bytes do not match the pinned sha256.
    """
    if item.url is None:
        raise SourceError(f"{target.name} has no download URL (mirror only)")
    url = rewrite_url(item.url)
    request = urllib.request.Request(url, headers={"User-Agent": "policingstudy-fetch"})
    last: Exception | None = None
    for attempt in range(max(1, retries)):
        if attempt:
            _sleep(2.0 ** (attempt - 1))
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                _copy_stream(response, target, item, url, tick)
            return
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500:
                raise SourceError(f"{url}: HTTP {exc.code} {exc.reason}") from None
            last = exc
        except urllib.error.URLError as exc:
            if _unreachable(exc):
                raise NoNetwork(f"{url}: {exc.reason}") from None
            last = exc
        except (http.client.HTTPException, TimeoutError, ConnectionError, _Truncated) as exc:
            last = exc
    raise OSError(f"{url}: {last} (after {max(1, retries)} attempts)")


REWRITE_ENV = "POLICINGSTUDY_URL_REWRITE"
"""``FROM=TO[,FROM=TO...]``: download URLs starting with FROM from TO instead.

For a local caching proxy or an institutional copy of the pinned files laid out by URL path
(e.g. ``https://raw.githubusercontent.com=http://cache.example.org/github``). The sha256 pins
are checked as always.
"""


def rewrite_url(url: str) -> str:
    """Apply ``POLICINGSTUDY_URL_REWRITE`` to ``url`` (the first matching prefix wins).

    Raises
    ------
    SourceError
        If the variable is malformed (an entry without ``=``).
    """
    rules = os.environ.get(REWRITE_ENV, "")
    for rule in filter(None, (r.strip() for r in rules.split(","))):
        prefix, sep, target = rule.partition("=")
        if not sep or not prefix or not target:
            raise SourceError(
                f"{REWRITE_ENV}: entry {rule!r}; expected FROM=TO, e.g. "
                "https://raw.githubusercontent.com=http://127.0.0.1:8000"
            )
        if url.startswith(prefix):
            return target.rstrip("/") + "/" + url[len(prefix) :].lstrip("/")
    return url


def _emitter(
    progress: ProgressCallback | None, source_id: str, item: SourceFile, index: int, count: int
) -> Callable[[Stage, int], None]:
    def emit(stage: Stage, done: int) -> None:
        if progress is not None:
            progress(FetchProgress(source_id, item.name, stage, done, item.bytes, index, count))

    return emit


def fetch(
    ids: Iterable[str] | None = None,
    *,
    paths: ProjectPaths,
    mirror: Path | None = None,
    retries: int = 3,
    progress: ProgressCallback | None = None,
    timeout: float = 60.0,
) -> FetchReport:
    """Download or copy the missing external files and verify every file.

    A cached file that does not verify is replaced (and listed in the report as repaired).
    The first failure to reach the network stops the fetch at once, with the mirror hint:
    without a network every other download would fail the same way.

    Parameters
    ----------
    ids
        Source ids to fetch; None for every source of the registry.
    paths
        The project folders; files go to ``paths.external / <id> / <file>``.
    mirror
        A folder laid out as ``<id>/<file>`` to copy from instead of the network (callers pass
        :func:`policingstudy.core.paths.mirror_from_env` when the user gave none).
    retries
        Download attempts per file for transient failures (waits 1, 2, 4 ... seconds between
        attempts); a host that cannot be reached is not retried.
    progress
        Called with a :class:`FetchProgress` as files start, advance and finish.
    timeout
        Seconds before a stalled connection is abandoned.

    Returns
    -------
    FetchReport
        Files downloaded, copied, already present or repaired, bytes and seconds.

    Raises
    ------
    SourceError
        Unknown ids (lists the known ones); a mirror that is missing or lacks a file (names it);
        files that could not be fetched, grouped by cause: no network, no download URL (mirror
        only), or a server failure, with how to get them.
    ChecksumError
        A transferred file whose size or sha256 differs (names the file and both values; the
        file is not kept).
    """
    started = time.monotonic()
    registry = load_registry(paths)
    chosen = _select(registry, ids)
    jobs = [(s, f) for s in chosen for f in s.files]
    report = FetchReport()
    problems: dict[str, list[str]] = {}
    offline: str | None = None
    for index, (source, item) in enumerate(jobs, start=1):
        emit = _emitter(progress, source.id, item, index, len(jobs))
        label = f"{source.id}/{item.name}"
        target = paths.external / source.id / item.name
        if target.is_file():
            try:
                verify_file(target, item, delete=True)
                report.present.append(label)
                emit("present", item.bytes)
                continue
            except ChecksumError:
                report.repaired.append(label)
        emit("start", 0)
        tick = functools.partial(emit, "advance")
        if mirror is not None:
            _from_mirror(source, item, mirror, target, tick)
            report.copied.append(label)
        elif source.mirror_only or item.url is None:
            problems.setdefault(NO_URL, []).append(label)
            continue
        elif offline is not None:
            problems.setdefault(NO_NETWORK, []).append(label)
            continue
        else:
            try:
                _download(item, target, retries, timeout, tick)
            except NoNetwork as exc:
                offline = str(exc)
                problems.setdefault(NO_NETWORK, []).append(label)
                continue
            except OSError as exc:
                problems.setdefault(SERVER, []).append(f"{label} ({exc})")
                continue
            report.downloaded.append(label)
        report.bytes_transferred += item.bytes
        emit("done", item.bytes)
    report.seconds = time.monotonic() - started
    if problems:
        raise SourceError(_fetch_failure(problems, offline))
    return report


NO_NETWORK = "no network"
NO_URL = "no download URL (mirror only)"
SERVER = "download failed"


def _fetch_failure(problems: dict[str, list[str]], offline: str | None) -> str:
    count = sum(len(v) for v in problems.values())
    lines = [f"{count} external file(s) could not be fetched:"]
    for cause in (NO_NETWORK, NO_URL, SERVER):
        files = problems.get(cause, [])
        if not files:
            continue
        head = cause
        if cause == NO_NETWORK and offline:
            head += f" (the first download failed: {offline}; the rest were not tried)"
        lines.append(f"  {head}: {len(files)} file(s)")
        lines += [f"    - {f}" for f in files[:20]]
        if len(files) > 20:
            lines.append(f"    ... and {len(files) - 20} more")
    lines.append(HOW_TO_GET)
    return "\n".join(lines)


@dataclass(frozen=True)
class UsedFile:
    """An external file a run reads: where it was found and its verified sha256."""

    source_id: str
    name: str
    path: Path
    sha256: str
    origin: Literal["cache", "mirror"]


def verify_available(
    ids: Iterable[str], *, paths: ProjectPaths, mirror: Path | None = None
) -> list[UsedFile]:
    """Check, before a run, that every file of ``ids`` is available and intact; change nothing.

    Each file is taken from the cache ``data/raw/external`` when it verifies, else from the
    mirror (when given and the mirror's copy verifies). Nothing is deleted or written.

    Returns
    -------
    list of UsedFile
        The files the run will read, with where they are and their sha256.

    Raises
    ------
    SourceError
        Listing every file that is missing or corrupt (with its size or sha256 against the pinned
        value) and how to repair it.
    """
    registry = load_registry(paths)
    used: list[UsedFile] = []
    problems: list[str] = []
    for source in _select(registry, ids):
        folder = _verified_folder(source, paths, mirror, problems)
        if folder is None:
            continue
        origin: Literal["cache", "mirror"] = (
            "cache" if folder == paths.external / source.id else "mirror"
        )
        for item in source.files:
            used.append(UsedFile(source.id, item.name, folder / item.name, item.sha256, origin))
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems)
        raise SourceError(
            f"{len(problems)} external file(s) missing or corrupt (nothing was changed):\n"
            f"{listed}\nrun `policingstudy fetch` (without --offline) to download or repair them, "
            f"or set {MIRROR_ENV}"
        )
    return used


def _check(path: Path, item: SourceFile) -> str | None:
    """None if ``path`` holds the pinned file, else what is wrong with it."""
    if not path.is_file():
        return f"{path}: missing"
    size = path.stat().st_size
    if size != item.bytes:
        return f"{path}: {size} bytes; expected {item.bytes} (truncated or corrupt)"
    actual = _hash_file(path)
    if actual != item.sha256:
        return f"{path}: sha256 {actual}; expected {item.sha256}"
    return None


def _verified_folder(
    source: Source, paths: ProjectPaths, mirror: Path | None, problems: list[str]
) -> Path | None:
    """The folder (cache, else mirror) whose files of ``source`` all verify, or None."""
    cache = paths.external / source.id
    cache_problems = [p for f in source.files if (p := _check(cache / f.name, f))]
    if not cache_problems:
        return cache
    if mirror is not None:
        folder = mirror / source.id
        mirror_problems = [p for f in source.files if (p := _check(folder / f.name, f))]
        if not mirror_problems:
            return folder
        problems.extend(mirror_problems)
    problems.extend(cache_problems)
    return None


SOURCES_ENV = "POLICINGSTUDY_SOURCES"
"""Set by the runner for a notebook's kernel: the source ids the notebook declares."""


def locate(source_id: str, *, paths: ProjectPaths, mirror: Path | None = None) -> Path:
    """Return the folder holding the verified files of one source.

    The cache ``data/raw/external/<id>`` is used when all its files verify; otherwise the
    mirror's ``<id>`` folder, if given and its files verify. Nothing is modified or deleted.
    In a report run, a notebook may only read the sources its metadata declares
    (``metadata.policingstudy.sources``), so that the runner fetches what it needs.

    Parameters
    ----------
    source_id
        A registry id.
    paths
        The project folders.
    mirror
        Optional mirror folder.

    Returns
    -------
    Path
        A folder containing every file of the source.

    Raises
    ------
    SourceError
        Unknown id; a source the running notebook does not declare; files neither cached nor
        in the mirror, or corrupt (names the file and says how to repair it).
    """
    declared = os.environ.get(SOURCES_ENV)
    if declared is not None and source_id not in declared.split(","):
        raise SourceError(
            f"this notebook reads source {source_id!r} but does not declare it: add it to the "
            "notebook's metadata.policingstudy.sources (the runner fetches only declared sources)"
        )
    (source,) = _select(load_registry(paths), [source_id])
    problems: list[str] = []
    folder = _verified_folder(source, paths, mirror, problems)
    if folder is None:
        listed = "; ".join(problems)
        raise SourceError(f"external source {source.id!r} is not available: {listed}; {HOW_TO_GET}")
    return folder


def fetched_manifest(paths: ProjectPaths) -> pd.DataFrame:
    """Describe every registry file for a report's data appendix.

    Parameters
    ----------
    paths
        The project folders.

    Returns
    -------
    pandas.DataFrame
        One row per file: ``id``, ``file``, ``sha256``, ``bytes``, ``licence``, ``citation``,
        ``present`` (the cached file exists and verifies) and ``fetched`` (UTC date of the cached
        file's modification time, missing when not present).
    """
    rows = []
    for source in load_registry(paths).values():
        for item in source.files:
            path = paths.external / source.id / item.name
            present = path.is_file() and path.stat().st_size == item.bytes
            present = present and _hash_file(path) == item.sha256
            fetched = (
                datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date() if present else None
            )
            rows.append(
                {
                    "id": source.id,
                    "file": item.name,
                    "sha256": item.sha256,
                    "bytes": item.bytes,
                    "licence": source.licence,
                    "citation": source.citation,
                    "present": present,
                    "fetched": fetched,
                }
            )
    frame = pd.DataFrame(rows)
    frame["fetched"] = pd.to_datetime(frame["fetched"])
    return frame
