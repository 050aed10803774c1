"""Vectorised kernels behind every index computation: normalise, combine bodies, aggregate, rank.

All arrays carry a leading *draw* axis ``d`` so that one call scores many Monte Carlo draws at once
(a single deterministic run is ``d == 1``). Rows are units; the first ``n_ref`` rows are the
*reference* rows from which normalisation statistics (min, max, mean, sd, ranks) and Copeland
contests are taken. Rows after them (jurisdiction systems, scenario units, ``extra_rows``) are
scored with the same transformation but do not change it.

Rules (stated once here, documented again in :func:`~.composite.composite`):

- **minmax**: ``lo + (x - min) / (max - min) * (hi - lo)`` after multiplying by the direction;
  ``min``/``max`` are the reference rows' observed values, or the indicator's scale ends
  (``goalposts``) when given. A constant indicator maps to the middle of the bounds.
- **zscore**: ``(x - mean) / sd`` over the reference rows (``sd`` with ``ddof=1``, as R's ``sd``);
  a constant indicator maps to 0. Bounds are not used.
- **rank**: mid-rank percentile ``F = (#below + #equal / 2) / n`` among the reference rows
  (the row itself included when it is a reference row), mapped to ``lo + F * (hi - lo)``.
- **distance**: distance to a reference unit or target, as COINr's ``n_dist2ref``:
  ``lo + (x - min) / (ref - min) * (hi - lo)``; values beyond the reference exceed ``hi``
  (no cap); where the reference equals the minimum every non-missing value gets ``hi``.
- **arithmetic**: weighted mean over the available children; weights of missing children are
  dropped and the rest rescaled (as COINr's default ``a_amean``, checked in COINr's
  ``R/aggregate.R``: "If x contains NAs, these x values and the corresponding w values are
  removed").
- **geometric**: weighted geometric mean over the available children, computed on values shifted
  by ``lo - delta`` with ``delta = geometric_offset * (hi - lo)`` and shifted back:
  ``exp(sum w log(x - lo + delta) / sum w) + lo - delta``. A zero on a 0-100 scale therefore
  counts as 1 (with the default offset 0.01). Values at or below ``lo - delta`` (e.g. z-scores)
  are refused. (COINr's ``a_gmean`` refuses any zero instead.)
- **copeland**: for each pair of rows the weighted vote ``sum_k w_k sign(x_ik - x_jk)`` over the
  children both have; a positive vote is a win, zero a tie. The score is the share of contests
  won (ties count one half) against the other reference rows with data, mapped to
  ``lo + share * (hi - lo)``. Higher levels apply Copeland again to the children's scores.
  This is the Handbook's majority (Condorcet-Copeland) rule: a strong child cannot compensate
  a majority of weaker ones. (COINr's ``a_copeland`` instead sums the weighted outranking
  shares, which is closer to a Borda count.)
- **coverage**: an aggregate is missing when all its children are missing, or when the weight
  share of its available children is below ``min_coverage``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from policingstudy.core.errors import SpecificationError
from policingstudy.methods.index.hierarchy import Hierarchy

COPELAND_BUDGET = 20_000_000  # elements of the pairwise vote array held at once
GRID_LEVELS = 16  # at most this many distinct values: rank shares come from a lookup table


@dataclass(frozen=True)
class Settings:
    """Options shared by every draw.

    Attributes
    ----------
    bounds
        ``(lo, hi)`` of minmax, rank, distance and Copeland scores.
    goalposts
        ``(I, 2)`` scale minimum and maximum per indicator (raw units), or ``None`` for the
        reference rows' observed range.
    target
        ``(I,)`` raw target per indicator for ``distance``, or ``None``.
    reference_row
        Row index of the reference unit for ``distance`` (used when ``target`` is ``None``).
    min_coverage
        Minimum weight share of available children for an aggregate to be computed.
    geometric_offset
        ``delta / (hi - lo)`` of the geometric zero rule.
    levels
        Every value the direction-adjusted reference data can take in any draw, when known
        and few (ordinal codes); lets rank normalisation skip finding them draw by draw.
    """

    bounds: tuple[float, float] = (0.0, 100.0)
    goalposts: np.ndarray | None = None
    target: np.ndarray | None = None
    reference_row: int | None = None
    min_coverage: float = 0.0
    geometric_offset: float = 0.01
    levels: np.ndarray | None = None


def _nanmin(a: np.ndarray, axis: int) -> np.ndarray:
    return np.fmin.reduce(a, axis=axis, keepdims=True)


def _nanmax(a: np.ndarray, axis: int) -> np.ndarray:
    return np.fmax.reduce(a, axis=axis, keepdims=True)


def midrank_share(
    ref: np.ndarray, query: np.ndarray, levels: np.ndarray | None = None
) -> np.ndarray:
    """Mid-rank percentile ``(#below + #equal / 2) / n`` of each query among the reference.

    Parameters
    ----------
    ref
        ``(d, R, C)`` reference values; NaN ignored.
    query
        ``(d, Q, C)``; NaN gives NaN.
    levels
        All values ``ref`` may hold, sorted, if known. With at most ``GRID_LEVELS`` of them
        (ordinal codes) the shares are looked up in a per-draw, per-column table indexed by
        the number of levels below and not above each query; otherwise reference values are
        counted by sorting (:func:`count_below_equal`).
    """
    if levels is None:
        levels = np.unique(ref[~np.isnan(ref)])
    if len(levels) > GRID_LEVELS or len(levels) == 0:
        below, equal, n = count_below_equal(ref, query)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (below + 0.5 * equal) / n
    d, _, c = ref.shape
    size = len(levels) + 1
    counts = np.stack([(ref == level).sum(axis=1) for level in levels], axis=-1)
    cum = np.concatenate([np.zeros((d, c, 1)), np.cumsum(counts, axis=-1)], axis=-1)
    if np.any(cum[..., -1] != (~np.isnan(ref)).sum(axis=1)):  # a value off the given levels
        return midrank_share(ref, query, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        # table[p, q] = (cum[p] + cum[q]) / 2 / n: p levels below the query, q not above it
        table = 0.5 * (cum[..., :, None] + cum[..., None, :]) / cum[..., -1:, None]
    index = np.int32 if d * c * size * size < 2**31 else np.int64
    key = np.zeros(query.shape, dtype=index)
    for level in levels:
        key += (query > level) * index(size)
        key += query >= level
    key += (np.arange(d, dtype=index)[:, None, None] * c + np.arange(c, dtype=index)) * index(
        size * size
    )
    out = np.take(table.astype(query.dtype).ravel(), key)
    out[np.isnan(query)] = np.nan
    return out


def count_below_equal(
    ref: np.ndarray, query: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, along axis 1, reference values below and equal to each query value.

    Parameters
    ----------
    ref
        ``(d, R, C)``; NaN values are ignored.
    query
        ``(d, Q, C)``.

    Returns
    -------
    below, equal, n
        ``below`` and ``equal`` are ``(d, Q, C)`` (NaN where the query is NaN); ``n`` is the
        number of non-missing reference values, ``(d, 1, C)``.
    """
    d, r, c = ref.shape
    q = query.shape[1]
    values = np.concatenate([ref, query], axis=1).transpose(0, 2, 1).reshape(d * c, r + q)
    is_ref = np.zeros_like(values)
    is_ref[:, :r] = 1.0
    missing = np.isnan(values)
    is_ref[missing] = 0.0
    values = np.where(missing, np.inf, values)
    order = np.argsort(values, axis=1, kind="stable")
    sorted_values = np.take_along_axis(values, order, axis=1)
    sorted_ref = np.take_along_axis(is_ref, order, axis=1)
    inclusive = np.cumsum(sorted_ref, axis=1)
    exclusive = inclusive - sorted_ref
    position = np.arange(r + q)
    new_run = np.ones_like(sorted_values, dtype=bool)
    new_run[:, 1:] = sorted_values[:, 1:] != sorted_values[:, :-1]
    start = np.maximum.accumulate(np.where(new_run, position, 0), axis=1)
    last = np.ones_like(new_run)
    last[:, :-1] = new_run[:, 1:]
    end = np.where(last, position, r + q)
    end = np.minimum.accumulate(end[:, ::-1], axis=1)[:, ::-1]
    below_sorted = np.take_along_axis(exclusive, start, axis=1)
    upto_sorted = np.take_along_axis(inclusive, end, axis=1)
    below = np.empty_like(values)
    upto = np.empty_like(values)
    np.put_along_axis(below, order, below_sorted, axis=1)
    np.put_along_axis(upto, order, upto_sorted, axis=1)
    equal = upto - below
    below = below.reshape(d, c, r + q).transpose(0, 2, 1)[:, r:]
    equal = equal.reshape(d, c, r + q).transpose(0, 2, 1)[:, r:]
    query_missing = np.isnan(query)
    below[query_missing] = np.nan
    equal[query_missing] = np.nan
    n = (~np.isnan(ref)).sum(axis=1, keepdims=True).astype(float)
    return below, equal, n


def rank_descending(scores: np.ndarray) -> np.ndarray:
    """Competition ranks (1 = highest, ties share the best rank) along axis 1 of ``(d, N)``.

    Missing scores get no rank (NaN) and are not counted.
    """
    missing = np.isnan(scores)
    keyed = np.where(missing, np.inf, -scores)
    order = np.argsort(keyed, axis=1, kind="stable")
    ordered = np.take_along_axis(keyed, order, axis=1)
    position = np.arange(scores.shape[1])
    new_run = np.ones(ordered.shape, dtype=bool)
    new_run[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(new_run, position, 0), axis=1)
    ranks = np.empty(scores.shape)
    np.put_along_axis(ranks, order, first + 1.0, axis=1)
    ranks[missing] = np.nan
    return ranks


def _affine(
    x: np.ndarray, directions: np.ndarray, scale: np.ndarray, offset: np.ndarray
) -> np.ndarray:
    """``x * directions * scale + offset`` in two passes (NaN stays NaN)."""
    out = x * (directions * scale).astype(x.dtype)
    out += offset.astype(x.dtype)
    return out


def normalise(
    x: np.ndarray, method: str, directions: np.ndarray, n_ref: int, settings: Settings
) -> np.ndarray:
    """Normalise raw values ``(d, N, I)`` column by column (see the module docstring)."""
    lo, hi = settings.bounds
    directions = directions.astype(x.dtype)
    ref = x[:, :n_ref] * directions
    if method == "rank":
        share = midrank_share(ref, x * directions, settings.levels)
        share *= hi - lo
        share += lo
        return share
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "zscore":
            valid = ~np.isnan(ref)
            count = valid.sum(axis=1, keepdims=True)
            mean = np.where(valid, ref, 0.0).sum(axis=1, keepdims=True) / np.maximum(count, 1)
            dev = np.where(valid, ref - mean, 0.0)
            sd = np.sqrt((dev**2).sum(axis=1, keepdims=True) / np.maximum(count - 1, 1))
            scale = np.where(sd > 0, 1.0 / sd, 0.0)
            return _affine(x, directions, scale, -mean * scale)
        if settings.goalposts is not None:
            g = settings.goalposts * directions[:, None]
            low = np.minimum(g[:, 0], g[:, 1])[None, None, :]
            high = np.maximum(g[:, 0], g[:, 1])[None, None, :]
        else:
            low, high = _nanmin(ref, 1), _nanmax(ref, 1)
        if method == "minmax":
            span = high - low
            scale = np.where(span > 0, (hi - lo) / span, 0.0)
            offset = np.where(span > 0, lo - low * scale, 0.5 * (lo + hi))
            return _affine(x, directions, scale, offset)
        if method == "distance":
            if settings.target is not None:
                target = (settings.target * directions)[None, None, :]
            elif settings.reference_row is not None:
                target = ref[:, settings.reference_row : settings.reference_row + 1]
            else:
                raise SpecificationError(
                    "normalise='distance' needs a reference: a unit id or a target per indicator"
                )
            span = target - low
            scale = np.where(span > 0, (hi - lo) / span, 0.0)
            offset = np.where(span > 0, lo - low * scale, hi)
            offset = np.where(np.isnan(span), np.nan, offset)
            return _affine(x, directions, scale, offset)
    raise SpecificationError(f"unknown normalisation {method!r}")


def combine_bodies(
    x: np.ndarray, members: np.ndarray, coverage: np.ndarray, rule: str, directions: np.ndarray
) -> np.ndarray:
    """Combine unit rows ``(d, U, I)`` into system rows ``(d, S, I)``.

    ``members`` is ``(S, m)`` row indices padded with -1; ``coverage`` the matching weights.
    ``best`` takes the best value in the indicator's direction, ``mean`` the plain mean and
    ``coverage_weighted`` the coverage-weighted mean of the members with a value.
    """
    pad = members < 0
    directions = directions.astype(x.dtype)
    if rule == "best":
        # padding repeats a member, which cannot change the best value
        values = x[:, np.where(pad, members[:, :1], members), :]
        if np.all(directions > 0):
            return np.fmax.reduce(values, axis=2)
        return np.fmax.reduce(values * directions, axis=2) * directions
    weight = np.where(pad, 0.0, coverage if rule == "coverage_weighted" else 1.0)
    matrix = np.zeros((members.shape[0], x.shape[1]), dtype=x.dtype)
    rows = np.repeat(np.arange(members.shape[0]), members.shape[1])
    np.add.at(matrix, (rows, np.where(pad, 0, members).ravel()), weight.ravel())
    present = ~np.isnan(x)
    total = matrix @ present.astype(x.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (matrix @ np.where(present, x, 0.0)) / total
    return np.where(total > 0, out, np.nan)


def _copeland(
    v: np.ndarray, w: np.ndarray, membership: np.ndarray, n_ref: int, available: np.ndarray
) -> np.ndarray:
    """Share of Copeland contests won ``(d, N, A)``; pairwise votes are built child by child."""
    d, n, _ = v.shape
    share = np.empty((d, n, membership.shape[1]), dtype=v.dtype)
    per = max(1, COPELAND_BUDGET // max(1, n * n_ref))
    own = (np.arange(n) < n_ref)[None, :]
    values = v.astype(np.float32, copy=False)
    for a in range(membership.shape[1]):
        children = np.flatnonzero(membership[:, a])
        for start in range(0, d, per):
            sl = slice(start, start + per)
            votes = np.zeros((len(range(d)[sl]), n, n_ref), dtype=np.float32)
            scratch = np.empty_like(votes)
            for k in children:
                col = values[sl, :, k]
                weight = w[sl, k, None, None].astype(np.float32)
                # sign(a - b) as (a > b) - (a < b): comparisons with NaN are False, i.e. no vote
                np.multiply(col[:, :, None] > col[:, None, :n_ref], weight, out=scratch)
                votes += scratch
                np.multiply(col[:, :, None] < col[:, None, :n_ref], weight, out=scratch)
                votes -= scratch
            tol = 1e-6 * w[sl][:, children].sum(axis=1)[:, None, None]
            opponents = available[sl, None, :n_ref, a]
            wins = ((votes > tol) & opponents).sum(axis=2)
            ties = ((np.abs(votes) <= tol) & opponents).sum(axis=2)
            mine = available[sl, :, a] & own
            with np.errstate(invalid="ignore", divide="ignore"):
                share[sl, :, a] = (wins + 0.5 * (ties - mine)) / (opponents.sum(axis=2) - mine)
    return share


def aggregate(
    v: np.ndarray,
    w: np.ndarray,
    membership: np.ndarray,
    method: str,
    n_ref: int,
    settings: Settings,
) -> np.ndarray:
    """Aggregate children ``(d, N, C)`` with weights ``(d, C)`` into parents ``(d, N, A)``."""
    lo, hi = settings.bounds
    present = ~np.isnan(v)
    membership = membership.astype(v.dtype)
    w = w.astype(v.dtype)
    wg = w[:, :, None] * membership[None, :, :]  # (d, C, A)
    den = present.astype(v.dtype) @ wg
    total = (w @ membership)[:, None, :]
    available = den > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "arithmetic":
            out = np.where(present, v, 0.0) @ wg / den
        elif method == "geometric":
            delta = settings.geometric_offset * (hi - lo)
            shifted = v - lo + delta
            if np.any(present & ~(shifted > 0)):
                worst = float(np.nanmin(v))
                raise SpecificationError(
                    f"aggregate='geometric': found value {worst:.4g} at or below "
                    f"{lo - delta:.4g} (lower bound minus the zero offset); expected values the "
                    "zero rule can shift above 0. Use minmax/rank/distance normalisation "
                    "(not zscore) or a larger geometric_offset"
                )
            logs = np.log(np.where(present, shifted, 1.0))
            out = np.exp(logs @ wg / den) + lo - delta
        elif method == "copeland":
            out = lo + _copeland(v, w, membership, n_ref, available) * (hi - lo)
        else:
            raise SpecificationError(f"unknown aggregation {method!r}")
    keep = available & (den >= settings.min_coverage * total - 1e-12)
    return np.where(keep, out, np.nan)


@dataclass(frozen=True)
class Systems:
    """Jurisdiction systems as padded member rows (see :func:`combine_bodies`)."""

    ids: tuple[str, ...]
    members: np.ndarray
    coverage: np.ndarray
    rule: str


def score(
    x: np.ndarray,
    hierarchy: Hierarchy,
    *,
    normalise_method: str,
    aggregate_method: str,
    weight_factors: np.ndarray,
    n_ref: int,
    settings: Settings,
    systems: Systems | None = None,
    keep_indicators: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Score raw rows ``(d, N, I)`` for one normalisation and aggregation.

    Returns ``(aggregates, indicators)``: ``(d, N + S, n_aggregates)`` in
    :attr:`Hierarchy.aggregates` order, and the normalised indicators when ``keep_indicators``.
    """
    if systems is not None and len(systems.ids):
        sys_rows = combine_bodies(
            x, systems.members, systems.coverage, systems.rule, hierarchy.directions
        )
        x = np.concatenate([x, sys_rows], axis=1)
    values = normalise(x, normalise_method, hierarchy.directions, n_ref, settings)
    indicators = values if keep_indicators else None
    outputs = []
    offset = 0
    for step in hierarchy.steps:
        k = len(step.children)
        w = step.weights[None, :] * weight_factors[:, offset : offset + k]
        offset += k
        values = aggregate(values, w, step.membership, aggregate_method, n_ref, settings)
        outputs.append(values)
    d, n = x.shape[:2]
    result = np.concatenate(outputs, axis=2) if outputs else np.empty((d, n, 0))
    return result, indicators


def check_combinations(normalise_options: Sequence[str], aggregate_options: Sequence[str]) -> None:
    """Refuse combinations that cannot work (z-scores with the geometric mean)."""
    if "zscore" in normalise_options and "geometric" in aggregate_options:
        raise SpecificationError(
            "normalise='zscore' with aggregate='geometric': z-scores are negative and the "
            "geometric mean needs positive values; expected minmax, rank or distance with "
            "the geometric mean"
        )
