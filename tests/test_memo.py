"""The result cache shared by the language runs of a notebook (policingstudy.core.cache)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from policingstudy.core import cache as memo

CALLS: list[str] = []


@memo.memoised
def _summary(frame: pd.DataFrame, *, scale: float = 1.0) -> pd.Series:
    CALLS.append("summary")
    return frame.sum() * scale


@memo.memoised
def _draws(rng: np.random.Generator, n: int) -> np.ndarray:
    CALLS.append("draws")
    return rng.normal(size=n)


@memo.memoised
def _outer(x: int) -> int:
    CALLS.append("outer")
    return _inner(x) + 1


@memo.memoised
def _inner(x: int) -> int:
    CALLS.append("inner")
    return 2 * x


@memo.memoised
def _unpicklable(x: int):
    CALLS.append("unpicklable")
    return lambda: x


@dataclass(frozen=True)
class _Panel:
    data: pd.DataFrame
    years: tuple[int, ...]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(memo.ENV_VAR, str(tmp_path / "results"))
    CALLS.clear()
    return tmp_path / "results"


def _entries(folder):
    return sorted(p.relative_to(folder).parts[0] for p in folder.rglob("*.pickle"))


def test_fingerprint_follows_content_not_identity(tmp_path):
    a = pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})
    assert memo.fingerprint(a) == memo.fingerprint(a.copy())
    assert memo.fingerprint(a) != memo.fingerprint(a.assign(x=[1, 3]))
    assert memo.fingerprint(a) != memo.fingerprint(a[["y", "x"]])  # column order
    assert memo.fingerprint(a) != memo.fingerprint(a.astype({"x": "float64"}))  # dtype
    assert memo.fingerprint(_Panel(a, (1, 2))) != memo.fingerprint(_Panel(a, (1, 3)))
    assert memo.fingerprint({"b": 1, "a": 2}) == memo.fingerprint({"a": 2, "b": 1})
    file = tmp_path / "f.csv"
    file.write_text("1\n")
    before = memo.fingerprint(file)
    file.write_text("2\n")
    assert memo.fingerprint(file) != before
    assert memo.fingerprint(np.random.default_rng(1)) != memo.fingerprint(np.random.default_rng(2))


def test_fingerprint_refuses_unknown_types():
    with pytest.raises(memo.Unfingerprintable, match="type object"):
        memo.fingerprint(object())


def test_without_the_variable_every_call_computes(monkeypatch):
    monkeypatch.delenv(memo.ENV_VAR, raising=False)
    CALLS.clear()
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    _summary(frame)
    _summary(frame)
    assert CALLS == ["summary", "summary"]


def test_second_call_loads_the_stored_result(cache):
    frame = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    first = _summary(frame, scale=2.0)
    second = _summary(frame.copy(), scale=2.0)
    assert CALLS == ["summary"]
    pd.testing.assert_series_equal(first, second)
    assert second["y"] == 14.0
    _summary(frame, scale=3.0)  # another argument, another entry
    assert CALLS == ["summary", "summary"]
    assert len(list(cache.rglob("*.pickle"))) == 2


def test_generator_ends_in_the_same_state_on_a_hit(cache):
    computed_rng = np.random.default_rng(7)
    computed = _draws(computed_rng, 5)
    after_computed = computed_rng.normal()
    loaded_rng = np.random.default_rng(7)
    loaded = _draws(loaded_rng, 5)
    assert CALLS == ["draws"]
    np.testing.assert_array_equal(loaded, computed)
    assert loaded_rng.normal() == after_computed


def test_only_the_outermost_call_is_stored(cache):
    assert _outer(3) == 7
    assert _entries(cache) == [f"{__name__}._outer"]
    assert _inner(3) == 6  # called on its own, it is computed and stored
    assert CALLS == ["outer", "inner", "inner"]


def test_damaged_entry_is_recomputed(cache, caplog):
    _outer(1)
    (entry,) = cache.rglob("*.pickle")
    entry.write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING, logger="policingstudy.core.cache"):
        assert _outer(1) == 3
    assert "unreadable cache entry" in caplog.text
    assert CALLS == ["outer", "inner", "outer", "inner"]
    assert _outer(1) == 3
    assert CALLS == ["outer", "inner", "outer", "inner"]


def test_unpicklable_result_is_returned_but_not_stored(cache, caplog):
    with caplog.at_level(logging.WARNING, logger="policingstudy.core.cache"):
        assert _unpicklable(4)() == 4
    assert "cannot be pickled" in caplog.text
    assert not list(cache.rglob("*.pickle"))


def test_result_cache_folder_follows_source_and_force(tmp_path, monkeypatch):
    from policingstudy.core.paths import ProjectPaths
    from policingstudy.run import runner

    paths = ProjectPaths(tmp_path)
    monkeypatch.setattr(runner, "package_digest", lambda: "source-a")
    first = runner.result_cache_folder(paths)
    (first / "entry.pickle").write_bytes(b"x")
    assert runner.result_cache_folder(paths) == first
    assert (first / "entry.pickle").exists()  # same source: kept
    assert not list(runner.result_cache_folder(paths, fresh=True).iterdir())  # --force
    (first / "entry.pickle").write_bytes(b"x")
    monkeypatch.setattr(runner, "package_digest", lambda: "source-b")
    second = runner.result_cache_folder(paths)
    assert second != first and not first.exists()  # another source: the old folder is removed


def test_editing_a_memoised_function_recomputes(tmp_path, monkeypatch):
    """The key covers the function's own code: an edit made outside the runner is noticed."""
    import importlib
    import sys

    package = tmp_path / "policingstudy_probe"
    package.mkdir()
    module = package / "probe.py"
    body = (
        "from policingstudy.core.cache import memoised\n"
        "calls = []\n"
        "@memoised\n"
        "def f(x):\n"
        "    calls.append(x)\n"
        "    return x * {factor}\n"
    )
    (package / "__init__.py").write_text("")
    module.write_text(body.format(factor=2))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("POLICINGSTUDY_RESULT_CACHE", str(tmp_path / "cache"))
    import policingstudy_probe.probe as probe

    assert probe.f(3) == 6
    assert probe.f(3) == 6
    assert probe.calls == [3]  # the second call was a cache hit
    module.write_text(body.format(factor=10) + "# edited\n")
    probe = importlib.reload(probe)
    assert probe.f(3) == 30  # recomputed, not the stale 6
    sys.modules.pop("policingstudy_probe.probe", None)
    sys.modules.pop("policingstudy_probe", None)
