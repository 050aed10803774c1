"""Share expensive analysis results between the language runs of one notebook.

``policingstudy report`` executes every notebook once per language; the analysis is the same in
all three, only the text differs. Functions decorated with :func:`memoised` store their result
in the folder named by ``POLICINGSTUDY_RESULT_CACHE``, keyed by the function and a fingerprint of
every argument's content, so the second and third language load what the first computed.

The runner sets the variable for its kernels, to a folder that also encodes the package source
and library versions (see :func:`policingstudy.run.runner.result_cache_folder`). When it is unset
(tests, JupyterLab, scripts) the functions simply run.

A ``numpy.random.Generator`` argument is part of the key through its state, and a stored result
also stores the generator's state after the call, which is restored on a hit: the caller's
generator ends where it would have ended, so later draws do not depend on the cache.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
import logging
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

import numpy as np
import pandas as pd

from policingstudy.core.io import write_bytes

ENV_VAR = "POLICINGSTUDY_RESULT_CACHE"
P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)
_depth = threading.local()


class Unfingerprintable(TypeError):
    """An argument whose content cannot be hashed; the call runs without the cache."""


def fingerprint(*values: Any) -> str:
    """Return a sha256 over the content of ``values`` (frames, arrays, paths, dataclasses, ...).

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
        _feed_path(digest, value)
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


def _feed_path(digest: Any, path: Path) -> None:
    digest.update(str(path).encode())
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        digest.update(file.relative_to(path).as_posix().encode() if file != path else b".")
        digest.update(hashlib.sha256(file.read_bytes()).digest())


def memoised(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate ``function`` so that its results are shared through ``POLICINGSTUDY_RESULT_CACHE``.

    Only the outermost memoised call is stored (calls made inside it run normally). A result
    that cannot be pickled, or an argument that cannot be fingerprinted, makes the call run
    without the cache.
    """
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        folder = os.environ.get(ENV_VAR)
        if not folder or _nesting() > 0:
            return _call(function, args, kwargs)
        try:
            key = fingerprint(name, args, kwargs)
        except Unfingerprintable as exc:
            log.warning("%s runs without the result cache: %s", name, exc)
            return _call(function, args, kwargs)
        path = Path(folder) / name / f"{key}.pickle"
        generators = [v for v in (*args, *kwargs.values()) if isinstance(v, np.random.Generator)]
        if path.exists():
            try:
                result, states = pickle.loads(path.read_bytes())
            except Exception as exc:  # a damaged entry is recomputed and replaced
                log.warning("%s: unreadable cache entry %s (%s)", name, path, exc)
            else:
                for generator, state in zip(generators, states, strict=True):
                    generator.bit_generator.state = state
                return cast(R, result)
        result = _call(function, args, kwargs)
        states = [g.bit_generator.state for g in generators]
        try:
            payload = pickle.dumps((result, states), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            log.warning("%s: result not cached, it cannot be pickled (%s)", name, exc)
        else:
            write_bytes(path, payload)
        return result

    return wrapper


def _nesting() -> int:
    value: int = getattr(_depth, "value", 0)
    return value


def _call(function: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any]) -> R:
    _depth.value = _nesting() + 1
    try:
        return function(*args, **kwargs)
    finally:
        _depth.value -= 1
