"""One content-hash layer: file and tree digests, code digests, stamps and cache keys.

Every cache of the package decides "is this still current?" through this module:

==============================  ================================================================
what                            key (all sha256)
==============================  ================================================================
processed tables (build)        :func:`stamp` of the raw tree (without ``external/``), the code of
                                the build (:func:`code_digest`, transitively) and library versions
derived external tables         :func:`stamp` of the pinned sha256 of their source files, the
                                code of their reader (transitively) and library versions
a notebook x language run       :func:`stamp` of the notebook file, its parameters, the processed
                                tables and raw data, the external sources it declares, the code
                                of the package and library versions
a shared analysis result        :func:`fingerprint` of the function's name, its code
                                (transitively), library versions and its bound arguments
==============================  ================================================================

"The code" of a module is its source plus, recursively, the source of every ``policingstudy``
module it imports (at module level or inside functions), so a change in a helper two imports
away invalidates what depends on it, and a change elsewhere in the package does not.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import functools
import hashlib
import json
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

PACKAGE = "policingstudy"
LIBRARIES = (
    "numpy",
    "pandas",
    "scipy",
    "pyarrow",
    "geopandas",
    "matplotlib",
    "linearmodels",
    "moderndid",
    "pandera",
    "SALib",
    "krippendorff",
    "papermill",
    "nbconvert",
    "ipykernel",
)
"""Libraries whose versions are part of every stamp (a new version may change results)."""


# -- files and trees -----------------------------------------------------------------------------

# Digests of files already hashed in this process, keyed by (path, size, mtime): a file is read
# once per change.
_file_digests: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path, *, chunk: int = 1 << 20) -> str:
    """Return the hex sha256 of a file's bytes (cached per path, size and modification time)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    cached = _file_digests.get(key)
    if cached is None:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while block := handle.read(chunk):
                digest.update(block)
        cached = _file_digests[key] = digest.hexdigest()
    return cached


def tree_digest(
    folder: Path, *, exclude_dirs: Iterable[str] = (), suffixes: Iterable[str] | None = None
) -> str:
    """Return a sha256 over every file below ``folder``: relative path and content, sorted.

    Parameters
    ----------
    folder
        Root of the tree (a missing folder hashes as empty).
    exclude_dirs
        Folder names skipped anywhere in the tree (``__pycache__`` always is).
    suffixes
        Only files with these suffixes, if given.
    """
    skip = {"__pycache__", *exclude_dirs}
    wanted = None if suffixes is None else set(suffixes)
    digest = hashlib.sha256()
    if folder.is_dir():
        for file in sorted(folder.rglob("*")):
            rel = file.relative_to(folder)
            if not file.is_file() or skip & set(rel.parts[:-1]) or file.name.startswith(".tmp-"):
                continue
            if wanted is not None and file.suffix not in wanted:
                continue
            digest.update(rel.as_posix().encode() + b"\0" + file_digest(file).encode())
    return digest.hexdigest()


# -- code ----------------------------------------------------------------------------------------


PACKAGE_DIR = Path(__file__).resolve().parents[1]


@functools.cache
def _module_file(name: str) -> Path | None:
    """The source file of package module ``name`` (found on disk: nothing is imported)."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@functools.cache
def _imports_of(name: str, source_digest: str) -> tuple[str, ...]:
    """``policingstudy`` modules imported anywhere in module ``name`` (cached by its digest)."""
    path = _module_file(name)
    if path is None:
        return ()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    modules = set()
    for item in found:
        if item.split(".")[0] != PACKAGE:
            continue
        # ``from a.b import c``: c may be a module or a name in a.b
        modules.add(item if _module_file(item) is not None else item.rpartition(".")[0])
        parts = item.split(".")
        for i in range(2, len(parts)):  # packages on the way (their __init__)
            modules.add(".".join(parts[:i]))
    return tuple(sorted(m for m in modules if _module_file(m) is not None))


def module_closure(*names: str) -> list[str]:
    """``names`` and every ``policingstudy`` module they import, transitively, sorted."""
    seen: set[str] = set()
    todo = [n for n in names if _module_file(n) is not None]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name)
        if path is not None:
            todo.extend(_imports_of(name, file_digest(path)))
    return sorted(seen)


def code_digest(*names: str) -> str:
    """Return a sha256 of the source of modules ``names`` and their package imports.

    Parameters
    ----------
    names
        Dotted module names (``policingstudy.data.readers.de``); other packages' modules
        are covered by :func:`library_versions` instead.
    """
    digest = hashlib.sha256()
    for name in module_closure(*names):
        path = _module_file(name)
        if path is None:
            continue
        digest.update(name.encode() + b"\0" + file_digest(path).encode())
    return digest.hexdigest()


def package_digest() -> str:
    """Return a sha256 of every source and data file of the installed ``policingstudy``."""
    return tree_digest(
        PACKAGE_DIR,
        suffixes=(".py", ".yaml", ".mplstyle", ".csv", ".json", ".md", ".typed"),
    )


def library_versions(names: Iterable[str] = LIBRARIES) -> dict[str, str]:
    """Installed versions of ``names`` (``"not installed"`` for a missing one)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


# -- stamps and fingerprints ---------------------------------------------------------------------


def stamp(*parts: Any) -> str:
    """Return a sha256 over JSON-serialisable ``parts`` (dict keys sorted)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class Unfingerprintable(TypeError):
    """An argument whose content cannot be hashed (names its type)."""


def fingerprint(*values: Any) -> str:
    """Return a sha256 over the content of ``values`` (frames, arrays, paths, dataclasses, ...).

    Frames and series are hashed by content with their columns, dtypes and index; a path by the
    content of the file or every file below the folder; a ``numpy.random.Generator`` by its
    state.

    Raises
    ------
    Unfingerprintable
        For a value of a type not handled here (names the type).
    """
    digest = hashlib.sha256()
    for value in values:
        _feed(digest, value)
    return digest.hexdigest()


def _feed(digest: Any, value: Any) -> None:  # noqa: C901 - one branch per supported type
    tag = type(value).__qualname__
    digest.update(f"<{tag}>".encode())
    if value is None or isinstance(value, bool | int | float | str | bytes | np.generic):
        digest.update(repr(value).encode())
    elif isinstance(value, enum.Enum):
        digest.update(repr(value.value).encode())
    elif isinstance(value, list | tuple):
        for item in value:
            _feed(digest, item)
    elif isinstance(value, dict):
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
    elif isinstance(value, set | frozenset):
        for item in sorted(value, key=repr):
            _feed(digest, item)
    elif isinstance(value, pd.DataFrame):
        digest.update(repr((list(value.columns), [str(t) for t in value.dtypes])).encode())
        _feed_pandas(digest, value)
    elif isinstance(value, pd.Series | pd.Index):
        digest.update(repr((value.name, str(value.dtype))).encode())
        _feed_pandas(digest, value)
    elif isinstance(value, np.ndarray):
        digest.update(f"{value.dtype.str}{value.shape}".encode())
        digest.update(value.tobytes() if value.dtype != object else repr(value.tolist()).encode())
    elif isinstance(value, np.random.Generator):
        digest.update(json.dumps(value.bit_generator.state, sort_keys=True).encode())
    elif isinstance(value, Path):
        digest.update(str(value).encode())
        digest.update((file_digest(value) if value.is_file() else tree_digest(value)).encode())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            digest.update(item.name.encode())
            _feed(digest, getattr(value, item.name))
    else:
        raise Unfingerprintable(f"cannot fingerprint an argument of type {tag}")


def _feed_pandas(digest: Any, value: pd.DataFrame | pd.Series | pd.Index) -> None:
    try:
        hashed = pd.util.hash_pandas_object(value, index=not isinstance(value, pd.Index))
    except TypeError as exc:  # unhashable cells, e.g. lists
        raise Unfingerprintable(f"cannot fingerprint a {type(value).__name__}: {exc}") from exc
    digest.update(np.asarray(hashed).tobytes())
    if not isinstance(value, pd.Index):
        digest.update(repr((value.index.names, str(value.index.dtype))).encode())
