"""Share expensive analysis results between the language runs of one notebook.

``policingstudy report`` executes every notebook once per language; the analysis is the same in
all three, only the text differs. Functions decorated with :func:`memoised` store their result
in the folder named by ``POLICINGSTUDY_RESULT_CACHE``, so the second and third language load what
the first computed. The key (:mod:`policingstudy.core.hashing`) covers the function's name, its
module's code and every package module that code imports (transitively), the versions of the key
libraries, and the content of every argument after binding to the signature (so ``f(x, y=1)``
and ``f(x, 1)`` share an entry): editing the function or a helper it uses recomputes.

The runner sets the variable for its kernels. When it is unset (tests, JupyterLab, scripts) the
functions simply run. Only :mod:`policingstudy.studies` applies the decorator.

A ``numpy.random.Generator`` argument is part of the key through its state, and a stored result
also stores the generator's state after the call, which is restored on a hit: the caller's
generator ends where it would have ended, so later draws do not depend on the cache.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

import numpy as np

from policingstudy.core.hashing import (
    Unfingerprintable,
    code_digest,
    file_digest,
    fingerprint,
    library_versions,
)
from policingstudy.core.io import write_bytes

ENV_VAR = "POLICINGSTUDY_RESULT_CACHE"
P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)
_depth = threading.local()


def memoised(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate ``function`` so that its results are shared through ``POLICINGSTUDY_RESULT_CACHE``.

    Only the outermost memoised call is stored (calls made inside it run normally). A result
    that cannot be pickled, or an argument that cannot be fingerprinted, makes the call run
    without the cache.
    """
    name = f"{function.__module__}.{function.__qualname__}"
    signature = inspect.signature(function)

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        folder = os.environ.get(ENV_VAR)
        if not folder or _nesting() > 0:
            return _call(function, args, kwargs)
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            key = fingerprint(
                name,
                _code_of(function),
                library_versions(),
                dict(bound.arguments),
            )
        except (Unfingerprintable, TypeError) as exc:
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


def _code_of(function: Callable[..., Any]) -> str:
    """Digest of the file defining ``function`` and of the package modules its module imports."""
    try:
        source = inspect.getsourcefile(function)
    except TypeError:
        source = None
    own = file_digest(Path(source)) if source and Path(source).is_file() else ""
    return own + code_digest(function.__module__)


def _nesting() -> int:
    value: int = getattr(_depth, "value", 0)
    return value


def _call(function: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any]) -> R:
    _depth.value = _nesting() + 1
    try:
        return function(*args, **kwargs)
    finally:
        _depth.value -= 1
