"""An ordinal measurement model of coding error, estimated from the coders' disagreements.

Each coded cell is a *reading* ``r`` of an unobserved true level ``t`` on an ordinal scale
``lo..hi`` (integers). A coder's reading is the true level plus an error ``e``, clipped to the
scale: ``r = clip(t + e, lo, hi)``. The error is symmetric (``P(e = k) = P(e = -k)``) and the
same for every coder; its distribution is estimated by maximum likelihood from the cells two
coders coded independently (:func:`error_distribution`): the difference of two readings,
``e1 - e2``, has the distribution of the error convolved with itself.

Draws of a cell (:class:`CodingModel`) come from the posterior ``P(t | readings)`` under a flat
prior over the levels (:func:`posterior`). For an interior level with one reading this is the
error distribution centred on the reading (mean and median equal to it); at the scale ends the
clipping puts the mass that would fall outside back on the end itself, so a ``3`` stays ``3``
unless the error pulls it inwards (median still the reading). This replaces the earlier band of
equally likely ``v - 1, v, v + 1`` (clipped), which moved a third of the low-confidence cells up
and a third down whatever the evidence, and so drifted upwards under a "best value" rule.

Correlated errors: cells in one *group* (e.g. the same judgement, or the same fact coded on
several bodies) share one uniform number per draw, so their draws move together (each through its
own posterior). Independent errors across many bodies inflate a maximum (E[max] > max E); errors
shared by a judgement do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from policingstudy.core.errors import SpecificationError


@dataclass(frozen=True)
class ErrorDistribution:
    """A symmetric error distribution of one coder's reading, estimated from coder pairs.

    Attributes
    ----------
    offsets
        ``-K..K``.
    probabilities
        ``P(e = k)`` for each offset (symmetric, sums to 1).
    n_pairs
        Number of doubly coded cells used.
    observed
        ``{|difference|: count}`` of the coder pairs.
    """

    offsets: np.ndarray
    probabilities: np.ndarray
    n_pairs: int
    observed: dict[int, int]

    @property
    def p_error(self) -> float:
        """Probability that a reading differs from the true level (before clipping)."""
        return float(1.0 - self.probabilities[self.offsets == 0].sum())

    @property
    def p_disagree(self) -> float:
        """Observed share of coder pairs that disagree."""
        n = sum(self.observed.values())
        return float(1.0 - self.observed.get(0, 0) / n) if n else 0.0

    @classmethod
    def from_probabilities(cls, probabilities: Sequence[float] | np.ndarray) -> ErrorDistribution:
        """Build from ``P(e = 0), P(e = 1), ..., P(e = K)`` (mirrored to negative offsets)."""
        half = np.asarray(probabilities, dtype=float)
        if half.ndim != 1 or len(half) < 1 or np.any(half < 0):
            raise SpecificationError("error probabilities: expected non-negative P(0), P(1), ...")
        full = np.concatenate([half[:0:-1], half])
        if not np.isclose(full.sum(), 1.0):
            raise SpecificationError(
                f"error probabilities: P(0) + 2 * (P(1) + ...) = {full.sum():.4f}; expected 1"
            )
        k = len(half) - 1
        return cls(np.arange(-k, k + 1), full / full.sum(), 0, {})


def _difference_distribution(half: np.ndarray) -> np.ndarray:
    """``P(|e1 - e2| = m)`` for ``m = 0..2K`` from ``P(e = 0..K)`` (symmetric e)."""
    full = np.concatenate([half[:0:-1], half])
    conv = np.convolve(full, full)
    k2 = len(conv) // 2
    out = conv[k2:].copy()
    out[1:] += conv[:k2][::-1]
    return out


def error_distribution(
    differences: Sequence[float] | np.ndarray, *, max_offset: int | None = None
) -> ErrorDistribution:
    """Maximum-likelihood symmetric error distribution from differences of two coders' readings.

    Parameters
    ----------
    differences
        ``reading_1 - reading_2`` for every cell both coders coded (integers).
    max_offset
        Largest error ``K`` allowed (default: the largest observed ``|difference|``, at least 1).

    Returns
    -------
    ErrorDistribution

    Raises
    ------
    SpecificationError
        With no difference, or non-integer differences.
    """
    d = np.abs(np.asarray(differences, dtype=float))
    if d.size == 0:
        raise SpecificationError("error_distribution: expected at least one pair of readings")
    if np.any(np.abs(d - np.round(d)) > 1e-9) or np.any(np.isnan(d)):
        raise SpecificationError(
            "error_distribution: expected integer differences (ordinal levels)"
        )
    m = d.round().astype(int)
    k = max(1, int(m.max())) if max_offset is None else int(max_offset)
    counts = np.bincount(m, minlength=2 * k + 1)[: 2 * k + 1]
    observed = {int(i): int(c) for i, c in enumerate(np.bincount(m)) if c}

    def nll(theta: np.ndarray) -> float:
        half = _softmax_half(theta)
        p = np.clip(_difference_distribution(half), 1e-300, None)
        return -float(counts @ np.log(p))

    # The likelihood of differences alone cannot tell "coders rarely err" from "coders always
    # err the same way" (both give agreement); we keep unimodal errors, P(0) >= P(k), and start
    # from small errors.
    best: tuple[float, np.ndarray] | None = None
    for start in (-8.0, -4.0, -2.0):
        fit = optimize.minimize(
            nll,
            np.full(k, start),
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000},
        )
        half = _softmax_half(fit.x)
        if half[0] >= half[1:].max() and (best is None or fit.fun < best[0]):
            best = (float(fit.fun), half)
    if best is None:
        raise SpecificationError(
            "error_distribution: no unimodal error distribution fits the differences"
        )
    half = best[1]
    out = ErrorDistribution.from_probabilities(half)
    return ErrorDistribution(out.offsets, out.probabilities, int(len(m)), observed)


def _softmax_half(theta: np.ndarray) -> np.ndarray:
    """``P(e = 0..K)`` with ``P(0) + 2 sum P(k) = 1`` from free parameters (``P(0)`` fixed at 0)."""
    z = np.concatenate([[0.0], theta])
    w = np.exp(z - z.max())
    w[1:] *= 2.0
    w /= w.sum()
    w[1:] /= 2.0
    return w


def reading_matrix(levels: np.ndarray, error: ErrorDistribution) -> np.ndarray:
    """``P(reading = levels[j] | true = levels[i])`` with readings clipped to the scale."""
    lo, hi = levels[0], levels[-1]
    out = np.zeros((len(levels), len(levels)))
    for i, t in enumerate(levels):
        for k, p in zip(error.offsets, error.probabilities, strict=True):
            r = min(max(t + k, lo), hi)
            out[i, int(np.searchsorted(levels, r))] += p
    return out


def posterior(
    readings: Sequence[float],
    levels: Sequence[float] | np.ndarray,
    error: ErrorDistribution,
    prior: Sequence[float] | None = None,
) -> np.ndarray:
    """``P(true = level | readings)`` for one cell (independent readings, clipped errors).

    Parameters
    ----------
    readings
        The coders' readings of the cell (one or more levels).
    levels
        The scale's levels, ascending, equally spaced by 1.
    error
        Error distribution of a reading.
    prior
        Prior over the levels (default flat).
    """
    lv = np.asarray(levels, dtype=float)
    if np.any(np.diff(lv) != 1):
        raise SpecificationError(f"levels: expected consecutive integers, got {list(levels)}")
    like = reading_matrix(lv, error)
    post = np.ones(len(lv)) if prior is None else np.asarray(prior, dtype=float).copy()
    for r in readings:
        if r not in lv:
            raise SpecificationError(f"reading {r!r} is not a level of the scale {list(lv)}")
        post = post * like[:, int(np.searchsorted(lv, r))]
    if post.sum() <= 0:
        raise SpecificationError(f"readings {list(readings)}: impossible under the error model")
    return post / post.sum()


@dataclass(frozen=True)
class CodingModel:
    """Posterior draws of coded cells.

    Attributes
    ----------
    cells
        ``unit_id``, ``indicator_id``, ``value`` (the coded level) and ``group`` (id of the
        group whose cells share a uniform number) per cell.
    levels
        ``(n_cells, L)`` candidate levels (NaN-padded).
    probabilities
        ``(n_cells, L)`` posterior probabilities (rows sum to 1).
    group_index
        ``(n_cells,)`` position of each cell's group among :attr:`groups`.
    groups
        Group ids, in the order of the uniform numbers.
    error
        The error distribution used.
    """

    cells: pd.DataFrame
    levels: np.ndarray
    probabilities: np.ndarray
    group_index: np.ndarray
    groups: tuple[str, ...]
    error: ErrorDistribution

    def __len__(self) -> int:
        return len(self.cells)

    @property
    def n_inputs(self) -> int:
        """Number of uniform numbers one draw needs (one per group)."""
        return len(self.groups)

    def draw(self, u: np.ndarray) -> np.ndarray:
        """Map uniform numbers ``(D, n_groups)`` to cell values ``(D, n_cells)`` (inverse CDF)."""
        if u.ndim != 2 or u.shape[1] != self.n_inputs:
            raise SpecificationError(f"u: expected shape (D, {self.n_inputs}), got {u.shape}")
        cu = u[:, self.group_index]
        cum = np.cumsum(self.probabilities, axis=1)
        count = (~np.isnan(self.levels)).sum(axis=1)
        idx = np.zeros(cu.shape, dtype=np.intp)
        for j in range(cum.shape[1] - 1):
            idx += cu >= cum[None, :, j]
        idx = np.minimum(idx, count[None, :] - 1)
        return self.levels[np.arange(len(count))[None, :], idx]

    def sample(self, n_draws: int, rng: np.random.Generator) -> np.ndarray:
        """``(n_draws, n_cells)`` independent posterior draws (groups shared)."""
        if int(n_draws) != n_draws or n_draws < 1:
            raise SpecificationError(f"n_draws: expected a positive integer, got {n_draws!r}")
        return self.draw(rng.random((int(n_draws), self.n_inputs)))


def coding_model(
    cells: pd.DataFrame,
    *,
    scales: dict[str, tuple[float, float]] | pd.Series | object,
    error: ErrorDistribution,
    group_by: Sequence[str] = (),
    readings_col: str | None = None,
) -> CodingModel:
    """Posterior draws for coded cells.

    Parameters
    ----------
    cells
        One row per coded cell: ``unit_id``, ``indicator_id``, ``value`` (the coded level), the
        ``group_by`` columns and, optionally, ``readings_col``.
    scales
        ``{indicator_id: (scale_min, scale_max)}`` (integer levels in between).
    error
        Error distribution of one reading (:func:`error_distribution`).
    group_by
        Columns whose equal values put cells in one group (shared uniform). Empty: every cell is
        its own group.
    readings_col
        Column holding every coder's reading of the cell (a sequence or ``"2;3"`` text); the
        posterior then pools the readings. Default: the coded value is the only reading.

    Returns
    -------
    CodingModel
    """
    need = ["unit_id", "indicator_id", "value", *group_by]
    absent = [c for c in need if c not in cells.columns]
    if absent:
        raise SpecificationError(f"coding_model: missing column(s) {absent}")
    data = cells.reset_index(drop=True)
    if data.duplicated(["unit_id", "indicator_id"]).any():
        raise SpecificationError("coding_model: duplicate (unit_id, indicator_id) cells")
    values = pd.to_numeric(data["value"], errors="coerce")
    if values.isna().any():
        raise SpecificationError("coding_model: every cell needs a coded value")
    widths = []
    rows = []
    for r, (ind, v) in enumerate(zip(data["indicator_id"].astype(str), values, strict=True)):
        try:
            lo, hi = scales[ind]  # type: ignore[index]
        except KeyError:
            raise SpecificationError(f"coding_model: no scale for indicator {ind!r}") from None
        levels = np.arange(float(lo), float(hi) + 1.0)
        readings: list[float] = [float(v)]
        if readings_col is not None:
            raw: Any = data.loc[r, readings_col]
            if isinstance(raw, str):
                readings = [float(x) for x in raw.split(";") if x not in ("", "nan")]
            elif raw is not None and not (isinstance(raw, float) and np.isnan(raw)):
                readings = [float(x) for x in raw]
            readings = readings or [float(v)]
        rows.append((levels, posterior(readings, levels, error)))
        widths.append(len(levels))
    width = max(widths, default=1)
    lv = np.full((len(rows), width), np.nan)
    pr = np.zeros((len(rows), width))
    for r, (levels, post) in enumerate(rows):
        keep = post > 0
        lv[r, : keep.sum()] = levels[keep]
        pr[r, : keep.sum()] = post[keep]
    if group_by:
        keys = data[list(group_by)].astype(str).agg("|".join, axis=1)
    else:
        keys = data["unit_id"].astype(str) + "|" + data["indicator_id"].astype(str)
    groups = tuple(dict.fromkeys(sorted(keys)))
    position = {g: i for i, g in enumerate(groups)}
    out_cells = data[["unit_id", "indicator_id"]].astype(str).assign(value=values, group=keys)
    return CodingModel(
        out_cells,
        lv,
        pr,
        np.array([position[k] for k in keys], dtype=int),
        groups,
        error,
    )
