"""The vectorised kernels against slow, obvious implementations."""

from __future__ import annotations

import numpy as np
import pytest

from policingstudy.methods.index import engine


def brute_counts(ref: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    below = np.zeros(query.shape)
    equal = np.zeros(query.shape)
    for d in range(query.shape[0]):
        for q in range(query.shape[1]):
            for c in range(query.shape[2]):
                column = ref[d, :, c]
                column = column[~np.isnan(column)]
                below[d, q, c] = np.sum(column < query[d, q, c])
                equal[d, q, c] = np.sum(column == query[d, q, c])
    return below, equal


def test_count_below_equal_matches_brute_force():
    rng = np.random.default_rng(3)
    ref = rng.integers(0, 4, size=(4, 12, 3)).astype(float)
    ref[rng.random(ref.shape) < 0.2] = np.nan
    query = np.concatenate([ref, rng.integers(0, 7, size=(4, 3, 3)) / 2], axis=1)
    query[0, 0, 0] = np.nan
    below, equal, n = engine.count_below_equal(ref, query)
    want_below, want_equal = brute_counts(ref, query)
    missing = np.isnan(query)
    assert np.isnan(below[missing]).all()
    np.testing.assert_array_equal(below[~missing], want_below[~missing])
    np.testing.assert_array_equal(equal[~missing], want_equal[~missing])
    np.testing.assert_array_equal(n[:, 0], (~np.isnan(ref)).sum(axis=1))


@pytest.mark.parametrize("grid", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_midrank_share_matches_brute_force(grid, dtype, monkeypatch):
    rng = np.random.default_rng(4)
    ref = rng.integers(0, 4, size=(5, 15, 3)).astype(dtype)
    ref[rng.random(ref.shape) < 0.2] = np.nan
    # queries on the grid, between levels and outside the range (system means, new units)
    query = np.concatenate([ref, (rng.integers(-2, 9, size=(5, 4, 3)) / 2).astype(dtype)], axis=1)
    query[1, 2, 0] = np.nan
    if not grid:
        monkeypatch.setattr(engine, "GRID_LEVELS", 0)
    share = engine.midrank_share(ref, query)
    below, equal = brute_counts(ref.astype(float), query.astype(float))
    n = (~np.isnan(ref)).sum(axis=1, keepdims=True)
    want = (below + 0.5 * equal) / n
    missing = np.isnan(query)
    assert np.isnan(share[missing]).all()
    np.testing.assert_allclose(share[~missing], want[~missing], rtol=1e-6)
    if grid:  # the levels may also be given (as the Monte Carlo engine does) ...
        given = engine.midrank_share(ref, query, np.array([0.0, 1, 2, 3]))
        np.testing.assert_array_equal(given, share)
        # ... and a reference value off the given levels is still counted
        wrong = engine.midrank_share(ref, query, np.array([0.0, 1, 2]))
        np.testing.assert_array_equal(wrong, share)


def test_rank_descending_gives_competition_ranks():
    scores = np.array([[3.0, 1.0, 3.0, 2.0, np.nan], [0.5, 0.5, 0.5, 0.5, 0.5]])
    np.testing.assert_array_equal(
        engine.rank_descending(scores), [[1, 4, 1, 3, np.nan], [1, 1, 1, 1, 1]]
    )


def brute_copeland(v: np.ndarray, w: np.ndarray, n_ref: int) -> np.ndarray:
    """Copeland share of one group for one draw, pair by pair."""
    n = len(v)
    out = np.full(n, np.nan)
    for q in range(n):
        if np.all(np.isnan(v[q])):
            continue
        wins = ties = contests = 0.0
        for j in range(n_ref):
            if j == q or np.all(np.isnan(v[j])):
                continue
            both = ~np.isnan(v[q]) & ~np.isnan(v[j])
            vote = np.sum(w[both] * np.sign(v[q, both] - v[j, both]))
            contests += 1
            wins += vote > 1e-9
            ties += abs(vote) <= 1e-9
        out[q] = (wins + 0.5 * ties) / contests
    return out


def test_copeland_matches_pairwise_loop():
    rng = np.random.default_rng(11)
    d, n, n_ref, c = 3, 9, 7, 5
    v = rng.integers(0, 4, size=(d, n, c)).astype(float)
    v[rng.random(v.shape) < 0.15] = np.nan
    v[0, 2] = np.nan  # a row with no data at all
    w = rng.uniform(0.5, 2.0, size=(d, c))
    membership = np.array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1]], dtype=float)
    settings = engine.Settings(bounds=(0.0, 1.0))
    got = engine.aggregate(v, w, membership, "copeland", n_ref, settings)
    for draw in range(d):
        for a, cols in enumerate([[0, 1, 2], [3, 4]]):
            want = brute_copeland(v[draw][:, cols], w[draw, cols], n_ref)
            np.testing.assert_allclose(got[draw, :, a], want, atol=1e-6)


def test_float32_and_float64_agree():
    rng = np.random.default_rng(5)
    x = rng.integers(0, 4, size=(2, 10, 4)).astype(float)
    membership = np.array([[1.0], [1.0], [1.0], [1.0]])
    w = np.ones((2, 4))
    settings = engine.Settings()
    for method in ("arithmetic", "geometric", "copeland"):
        for norm in ("minmax", "rank"):
            a = engine.aggregate(
                engine.normalise(x, norm, np.ones(4), 10, settings),
                w,
                membership,
                method,
                10,
                settings,
            )
            b = engine.aggregate(
                engine.normalise(x.astype(np.float32), norm, np.ones(4), 10, settings),
                w.astype(np.float32),
                membership,
                method,
                10,
                settings,
            )
            assert b.dtype == np.float32
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-4)
