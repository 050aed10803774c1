"""Composites of published measures with their published uncertainty, cell by cell.

A *measure table* has one row per cell (e.g. country x year), group (e.g. a dimension), source
family and measure, with the published value and its uncertainty. :func:`composite` puts every
measure on a common 0-1 scale (higher is better) by a stated rule, averages the measures of a
family, then the families of a group, and propagates the published uncertainty by simulation:

- ``rescale="linear"``: ``(x - worst) / (best - worst)``, clipped to 0-1 (goalposts are the
  published ends of the scale; ``worst > best`` reverses a scale where higher is worse);
- ``rescale="normal_cdf"``: the standard normal distribution function of ``x`` (of ``-x`` when
  ``higher_is_better`` is false), for latent scales centred near zero without published ends;
  it keeps the order of the values and maps them to 0-1.

Uncertainty kinds: ``"sd"`` and ``"se"`` draw ``x ~ Normal(value, uncertainty)``;
``"interval68"`` draws a split normal whose lower and upper standard deviations are
``value - lower`` and ``upper - value`` (an interval of about 68%, V-Dem's codelow/codehigh);
``"none"`` keeps the value fixed: such a measure adds nothing to the interval, which therefore
shows only the uncertainty the sources publish. Draws are independent across measures and cells.

Each family counts once in its group, whatever its number of measures (so that a source with
many sub-indicators does not outweigh one with a single index). Cells without a measure are
absent from the result: nothing is filled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import ndtr

from policingstudy.core.errors import SpecificationError
from policingstudy.core.types import check_option

Rescale = Literal["linear", "normal_cdf"]
RESCALES: tuple[Rescale, ...] = get_args(Rescale)
Kind = Literal["sd", "se", "interval68", "none"]
KINDS: tuple[Kind, ...] = get_args(Kind)
PERCENTILES = (5.0, 95.0)
_SPEC = ["value", "uncertainty_kind", "uncertainty", "lower", "upper", "rescale", "worst", "best",
         "higher_is_better"]  # fmt: skip


def rescale(
    values: np.ndarray,
    method: np.ndarray | Sequence[str],
    worst: np.ndarray,
    best: np.ndarray,
    higher_is_better: np.ndarray,
) -> np.ndarray:
    """Put values on 0-1, higher is better (see the module docstring for the two rules).

    Parameters
    ----------
    values
        ``(n,)`` or ``(n, d)`` values on each measure's own scale.
    method
        ``(n,)`` ``"linear"`` or ``"normal_cdf"`` per row.
    worst, best
        ``(n,)`` goalposts of the linear rule (ignored for ``normal_cdf``).
    higher_is_better
        ``(n,)`` direction of the ``normal_cdf`` rule (the linear rule's direction is in its
        goalposts).

    Returns
    -------
    numpy.ndarray
        Same shape as ``values``.
    """
    method = np.asarray(method)
    x = np.asarray(values, dtype=float)
    column = (lambda a: np.asarray(a, dtype=float)[:, None]) if x.ndim == 2 else np.asarray
    lo, hi = column(worst), column(best)
    sign = np.where(np.asarray(higher_is_better, dtype=bool), 1.0, -1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        linear = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    cdf = ndtr(x * column(sign))
    is_linear = column(method == "linear").astype(bool)
    return np.where(is_linear, linear, cdf)


def simulate(frame: pd.DataFrame, *, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``(len(frame), n_draws)`` values from each row's published uncertainty.

    Parameters
    ----------
    frame
        Columns ``value``, ``uncertainty_kind``, ``uncertainty``, ``lower``, ``upper``.
    n_draws
        Draws per row.
    rng
        The random generator (one standard normal matrix is drawn).
    """
    value = frame["value"].to_numpy(dtype=float)[:, None]
    kind = frame["uncertainty_kind"].to_numpy()
    z = rng.standard_normal((len(frame), n_draws))
    sd = np.where(np.isin(kind, ["sd", "se"]), frame["uncertainty"].to_numpy(dtype=float), 0.0)
    interval = kind == "interval68"
    below = np.where(interval, value[:, 0] - frame["lower"].to_numpy(dtype=float), 0.0)
    above = np.where(interval, frame["upper"].to_numpy(dtype=float) - value[:, 0], 0.0)
    split = np.where(z < 0, below[:, None], above[:, None])
    scale = np.where(interval[:, None], split, sd[:, None])
    return value + z * scale


@dataclass(frozen=True)
class MeasureComposite:
    """Group scores per cell with their simulated distribution.

    Attributes
    ----------
    table
        One row per cell and group: the cell columns, the group column, ``value`` (the
        composite of the published values), ``p05``/``p95`` (percentiles of the draws),
        ``n_sources`` (families), ``n_measures``, ``n_uncertain`` (measures with published
        uncertainty) and ``source_sd`` (standard deviation of the family scores; NaN with one
        family), sorted by cell then group.
    draws
        ``(len(table), n_draws)`` simulated composites, rows aligned with ``table``.
    families
        One row per cell, group and family: ``value`` (mean of the family's measures on 0-1)
        and ``n_measures``.
    """

    table: pd.DataFrame
    draws: np.ndarray
    families: pd.DataFrame

    def rows(self, mask: pd.Series | np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """Return the rows of ``table`` selected by a boolean mask and their draws."""
        keep = np.asarray(mask, dtype=bool)
        return self.table[keep].reset_index(drop=True), self.draws[keep]


def _check(frame: pd.DataFrame, cell: Sequence[str], group: str, family: str) -> None:
    missing = [c for c in (*cell, group, family, "measure", *_SPEC) if c not in frame.columns]
    if missing:
        raise SpecificationError(f"measure table: columns {missing} missing")
    for name, allowed, column in (
        ("uncertainty_kind", KINDS, "uncertainty_kind"),
        ("rescale", RESCALES, "rescale"),
    ):
        for value in sorted(set(frame[column]) - set(allowed)):
            check_option(value, allowed, name=f"measure table: {name}")
    linear = frame["rescale"] == "linear"
    bad = frame[linear & ~(frame["worst"].notna() & frame["best"].notna())]
    bad = pd.concat([bad, frame[linear & (frame["worst"] == frame["best"])]])
    if len(bad):
        row = bad.iloc[0]
        raise SpecificationError(
            f"measure table: measure {row['measure']!r}: linear rescaling needs two different "
            f"goalposts worst/best, got {row['worst']!r}/{row['best']!r}"
        )
    u = frame["uncertainty"]
    needs_u = frame["uncertainty_kind"].isin(["sd", "se"]) & ~(u > 0)
    needs_b = (frame["uncertainty_kind"] == "interval68") & ~(
        (frame["lower"] <= frame["value"]) & (frame["value"] <= frame["upper"])
    )
    for mask, what in ((needs_u, "a positive uncertainty"), (needs_b, "lower <= value <= upper")):
        if mask.any():
            row = frame[mask].iloc[0]
            raise SpecificationError(
                f"measure table: measure {row['measure']!r} ({row['uncertainty_kind']}) needs "
                f"{what}; {int(mask.sum())} rows lack it"
            )
    keys = [*cell, group, family, "measure"]
    dup = frame[frame.duplicated(keys)]
    if len(dup):
        raise SpecificationError(
            f"measure table: {dict(dup.iloc[0][keys])} appears more than once; expected one row "
            "per cell, group, family and measure"
        )


def _average(codes: np.ndarray, n_groups: int) -> sparse.csr_matrix:
    """Sparse ``(n_groups, len(codes))`` matrix averaging the rows of each group."""
    counts = np.bincount(codes, minlength=n_groups).astype(float)
    weights = 1.0 / counts[codes]
    return sparse.csr_matrix(
        (weights, (codes, np.arange(len(codes)))), shape=(n_groups, len(codes))
    )


def composite(
    frame: pd.DataFrame,
    *,
    cell: Sequence[str],
    group: str,
    family: str,
    n_draws: int,
    rng: np.random.Generator,
    percentiles: tuple[float, float] = PERCENTILES,
    chunk: int = 250,
) -> MeasureComposite:
    """Average measures within families and families within groups, with simulated intervals.

    Parameters
    ----------
    frame
        Measure table: the ``cell`` columns, ``group``, ``family``, ``measure`` and ``value``,
        ``uncertainty_kind``, ``uncertainty``, ``lower``, ``upper`` (see the module docstring),
        ``rescale``, ``worst``, ``best``, ``higher_is_better``.
    cell
        Columns identifying a cell (e.g. ``("iso3", "year")``).
    group
        Column of the group (e.g. a dimension); groups are never combined here.
    family
        Column of the source family; each family counts once per cell and group.
    n_draws
        Simulation draws.
    rng
        Random generator (used in chunks of ``chunk`` draws, in order).
    percentiles
        Lower and upper percentiles reported.
    chunk
        Draws simulated at a time. The random numbers are drawn chunk by chunk, so another
        chunk size gives other (equally valid) draws; keep it fixed for identical output.

    Raises
    ------
    SpecificationError
        Missing columns, unknown options, linear goalposts missing or equal, uncertainty that
        does not match its kind, duplicate rows, ``n_draws < 1``.
    """
    if n_draws < 1:
        raise SpecificationError(f"n_draws: expected at least 1, got {n_draws}")
    cell = list(cell)
    _check(frame, cell, group, family)
    data = frame.reset_index(drop=True)
    fam_keys = [*cell, group, family]
    fam_index = data.groupby(fam_keys, sort=True).ngroup().to_numpy()
    families = data.groupby(fam_keys, sort=True).size().rename("n_measures").reset_index()
    cell_codes = families.groupby([*cell, group], sort=True).ngroup().to_numpy()
    to_family = _average(fam_index, len(families))
    to_cell = _average(cell_codes, int(cell_codes.max()) + 1 if len(cell_codes) else 0)

    def scaled(values: np.ndarray) -> np.ndarray:
        return rescale(
            values,
            data["rescale"].to_numpy(),
            data["worst"].to_numpy(dtype=float),
            data["best"].to_numpy(dtype=float),
            data["higher_is_better"].to_numpy(dtype=bool),
        )

    unit = scaled(data["value"].to_numpy(dtype=float))
    fam_value = to_family @ unit
    cell_value = to_cell @ fam_value
    uncertain = (data["uncertainty_kind"] != "none").to_numpy()
    fixed_rows = to_cell @ (to_family @ np.where(uncertain, 0.0, unit))
    mixer = (to_cell @ to_family)[:, np.flatnonzero(uncertain)]
    spec_u = data[uncertain]
    draws = np.empty((len(cell_value), n_draws))
    for start in range(0, n_draws, chunk):
        size = min(chunk, n_draws - start)
        sims = simulate(spec_u, n_draws=size, rng=rng)
        unit_u = rescale(
            sims,
            spec_u["rescale"].to_numpy(),
            spec_u["worst"].to_numpy(dtype=float),
            spec_u["best"].to_numpy(dtype=float),
            spec_u["higher_is_better"].to_numpy(dtype=bool),
        )
        draws[:, start : start + size] = fixed_rows[:, None] + mixer @ unit_u
    families = families.assign(value=fam_value)
    stats = families.groupby([*cell, group], sort=True).agg(
        n_sources=("value", "size"),
        n_measures=("n_measures", "sum"),
        source_sd=("value", lambda s: float(np.std(s)) if len(s) > 1 else np.nan),
    )
    n_unc = (
        data.assign(_u=uncertain)
        .groupby([*cell, group], sort=True)["_u"]
        .sum()
        .rename("n_uncertain")
    )
    table = stats.join(n_unc).reset_index()
    lo, hi = np.percentile(draws, percentiles, axis=1)
    table.insert(len(cell) + 1, "value", cell_value)
    table.insert(len(cell) + 2, "p05", lo)
    table.insert(len(cell) + 3, "p95", hi)
    table = table.astype({"n_sources": int, "n_measures": int, "n_uncertain": int})
    return MeasureComposite(table, draws, families)


def combine_groups(
    result: MeasureComposite,
    *,
    cell: Sequence[str],
    group: str,
    groups: Sequence[str],
    name: str,
    percentiles: tuple[float, float] = PERCENTILES,
) -> MeasureComposite:
    """Add the equal-weight mean of ``groups`` as group ``name``, only where all are present.

    The combined draws are the means of the groups' draws (same draw index), so its interval
    carries theirs. ``n_sources``, ``n_measures`` and ``n_uncertain`` are summed; ``source_sd``
    becomes the standard deviation of the group values.

    Raises
    ------
    SpecificationError
        If a group is absent from the result or ``name`` is already a group.
    """
    table = result.table
    present = set(table[group])
    absent = [g for g in groups if g not in present]
    if absent:
        raise SpecificationError(f"combine_groups: groups {absent} not in the result")
    if name in present:
        raise SpecificationError(f"combine_groups: group {name!r} already exists")
    cell = list(cell)
    positions = np.flatnonzero(table[group].isin(groups).to_numpy())
    parts = table.iloc[positions]
    complete = (parts.groupby(cell)[group].transform("nunique") == len(groups)).to_numpy()
    positions, parts = positions[complete], parts[complete]
    codes = parts.groupby(cell, sort=True).ngroup().to_numpy()
    n_cells = int(codes.max()) + 1 if len(codes) else 0
    draws = _average(codes, n_cells) @ result.draws[positions]
    summary = parts.groupby(cell, sort=True).agg(
        value=("value", "mean"),
        n_sources=("n_sources", "sum"),
        n_measures=("n_measures", "sum"),
        n_uncertain=("n_uncertain", "sum"),
        source_sd=("value", lambda s: float(np.std(s))),
    )
    summary = summary.reset_index()
    summary.insert(len(cell), group, name)
    if n_cells:
        lo, hi = np.percentile(draws, percentiles, axis=1)
    else:
        lo = hi = np.empty(0)
    summary.insert(len(cell) + 2, "p05", lo)
    summary.insert(len(cell) + 3, "p95", hi)
    out = pd.concat([table, summary[table.columns]], ignore_index=True)
    return MeasureComposite(out, np.vstack([result.draws, draws]), result.families)


def rank_draws(draws: np.ndarray) -> np.ndarray:
    """Ranks ``(n_units, n_draws)`` within each draw, 1 = highest value (ties: average)."""
    return pd.DataFrame(draws).rank(axis=0, ascending=False, method="average").to_numpy()
