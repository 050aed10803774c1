"""Many index computations at once: options, the unit-cube layout of uncertain inputs, and runs.

A *draw* fixes every uncertain input: a multiplicative factor on each weight, the normalisation
method, the aggregation method and a value for each uncertain coding cell. Draws are built from
points of the unit cube ``[0, 1)^k`` (:func:`plan_from_unit`), so the Monte Carlo analysis (uniform
random points) and the Sobol analysis (Saltelli points) share one code path, and scenarios can be
scored on the very same draws (common random numbers).

Mapping of a point ``u``:

- weight factor ``1 + weight_spread * (2 u - 1)``, i.e. uniform within +-``weight_spread`` of the
  nominal weight, independently for every weighted code;
- method ``options[floor(u * len(options))]`` (uniform over the listed options);
- coding cell: inverse CDF over the cell's candidate values and probabilities.

The *nominal* draw uses factor 1, the first listed normalisation and aggregation, and the
consensus codings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import get_args

import numpy as np
import pandas as pd

from policingstudy.core.errors import SpecificationError
from policingstudy.core.types import Aggregate, Normalise, Weighting, check_option
from policingstudy.methods.index import engine
from policingstudy.methods.index.composite import (
    SYSTEM_RULES,
    SystemRule,
    build_settings,
    build_systems,
    check_indicators,
    resolve_weights,
)
from policingstudy.methods.index.hierarchy import Hierarchy, parse_meta


@dataclass(frozen=True)
class IndexOptions:
    """How the index is built and which construction choices are uncertain.

    The first entry of ``normalise`` and of ``aggregate`` is the nominal choice; the others are
    alternatives sampled uniformly. See :func:`policingstudy.methods.index.composite.composite` for
    the meaning of the remaining fields.
    """

    normalise: tuple[Normalise, ...] = ("minmax",)
    aggregate: tuple[Aggregate, ...] = ("arithmetic",)
    weight_spread: float = 0.25
    bounds: tuple[float, float] = (0.0, 100.0)
    goalposts: Mapping[str, Sequence[float]] | None = None
    reference: str | Mapping[str, float] | None = None
    weighting: Weighting = "user"
    weights: Mapping[str, float] | None = None
    pairwise: Mapping[str, pd.DataFrame] | None = None
    allow_inconsistent: bool = False
    min_coverage: float = 0.0
    geometric_offset: float = 0.01
    system_rule: SystemRule = "best"


@dataclass(frozen=True)
class CodingUncertainty:
    """Candidate values of uncertain coding cells.

    Attributes
    ----------
    cells
        ``unit_id``, ``indicator_id`` and ``source`` (``coders`` or ``band``) per cell.
    candidates
        ``(n_cells, k)`` candidate values, NaN-padded.
    probabilities
        ``(n_cells, k)`` probabilities (rows sum to 1, 0 on padding).
    """

    cells: pd.DataFrame
    candidates: np.ndarray
    probabilities: np.ndarray

    @classmethod
    def empty(cls) -> CodingUncertainty:
        """No uncertain cell."""
        return cls(
            pd.DataFrame(columns=["unit_id", "indicator_id", "source"]),
            np.zeros((0, 1)),
            np.zeros((0, 1)),
        )

    def __len__(self) -> int:
        return len(self.cells)


@dataclass(frozen=True)
class Prepared:
    """Validated inputs of a batch of runs (built once by :func:`prepare`)."""

    unit_ids: tuple[str, ...]
    matrix: np.ndarray
    hierarchy: Hierarchy
    settings: engine.Settings
    systems: engine.Systems | None
    normalise: tuple[str, ...]
    aggregate: tuple[str, ...]
    weight_spread: float
    cell_rows: np.ndarray
    cell_cols: np.ndarray
    coding: CodingUncertainty = field(default_factory=CodingUncertainty.empty)

    @property
    def row_ids(self) -> tuple[str, ...]:
        """Units, then systems."""
        return self.unit_ids + (self.systems.ids if self.systems is not None else ())

    @property
    def n_inputs(self) -> int:
        """Dimension ``k`` of the unit cube."""
        return len(self.hierarchy.weighted_codes) + 2 + len(self.coding)

    def input_groups(self) -> list[tuple[str, str]]:
        """``(input name, group)`` for every coordinate of the unit cube."""
        names = [(f"w:{c}", "weights") for c in self.hierarchy.weighted_codes]
        names += [("normalise", "normalisation"), ("aggregate", "aggregation")]
        names += [
            (f"cell:{u}|{i}", "coding")
            for u, i in zip(
                self.coding.cells["unit_id"], self.coding.cells["indicator_id"], strict=True
            )
        ]
        return names


def prepare(
    values: pd.DataFrame,
    meta: pd.DataFrame,
    options: IndexOptions,
    *,
    membership: pd.DataFrame | None = None,
    coding: CodingUncertainty | None = None,
) -> Prepared:
    """Validate everything once, before any computation.

    Raises
    ------
    OptionError
        Unknown method or rule (the message lists the allowed ones).
    SpecificationError
        Bad meta/weights, incompatible methods, bad weight spread, unknown coding cells.
    """
    normalise = tuple(options.normalise)
    aggregate = tuple(options.aggregate)
    if not normalise or not aggregate:
        raise SpecificationError("options: expected at least one normalisation and aggregation")
    for n in normalise:
        check_option(n, get_args(Normalise), name="normalise")
    for a in aggregate:
        check_option(a, get_args(Aggregate), name="aggregate")
    check_option(options.system_rule, SYSTEM_RULES, name="system_rule")
    engine.check_combinations(normalise, aggregate)
    if not 0.0 <= options.weight_spread < 1.0:
        raise SpecificationError(
            f"weight_spread: expected a share in [0, 1), got {options.weight_spread}"
        )
    check_indicators(values)
    hierarchy = parse_meta(meta, list(map(str, values.columns)))
    unit_ids = tuple(map(str, values.index))
    settings = build_settings(
        hierarchy,
        unit_ids,
        normalise="distance" if "distance" in normalise else normalise[0],
        bounds=options.bounds,
        reference=options.reference,
        goalposts=options.goalposts,
        min_coverage=options.min_coverage,
        geometric_offset=options.geometric_offset,
    )
    x = values.to_numpy(dtype=float)
    normalised = None
    if options.weighting == "pca":
        normalised = pd.DataFrame(
            engine.normalise(x[None], normalise[0], hierarchy.directions, len(x), settings)[0],
            index=values.index,
            columns=list(hierarchy.indicators),
        )
    hierarchy = resolve_weights(
        hierarchy,
        weighting=options.weighting,
        weights=options.weights,
        pairwise=options.pairwise,
        allow_inconsistent=options.allow_inconsistent,
        normalised=normalised,
    )
    systems = None
    if membership is not None:
        systems = build_systems(membership, unit_ids, options.system_rule)
    coding = coding if coding is not None else CodingUncertainty.empty()
    position = {u: i for i, u in enumerate(unit_ids)}
    column = {c: j for j, c in enumerate(hierarchy.indicators)}
    cells = coding.cells
    unknown = [
        f"{u}|{i}"
        for u, i in zip(cells["unit_id"], cells["indicator_id"], strict=True)
        if u not in position or i not in column
    ]
    if unknown:
        raise SpecificationError(
            f"coding uncertainty: cells {unknown[:10]} are not (unit, indicator) pairs of the data"
        )
    rows = np.array([position[u] for u in cells["unit_id"]], dtype=int)
    cols = np.array([column[i] for i in cells["indicator_id"]], dtype=int)
    settings = replace(settings, levels=possible_levels(x, hierarchy.directions, coding, cols))
    return Prepared(
        unit_ids,
        x,
        hierarchy,
        settings,
        systems,
        normalise,
        aggregate,
        options.weight_spread,
        rows,
        cols,
        coding,
    )


def possible_levels(
    x: np.ndarray, directions: np.ndarray, coding: CodingUncertainty, cols: np.ndarray
) -> np.ndarray | None:
    """Every direction-adjusted value any draw can hold, if there are few (else ``None``)."""
    candidates = coding.candidates * directions[cols][:, None] if len(cols) else np.zeros(0)
    pool = np.concatenate([(x * directions).ravel(), np.ravel(candidates)])
    levels = np.unique(pool[~np.isnan(pool)])
    return levels if len(levels) <= engine.GRID_LEVELS else None


@dataclass(frozen=True)
class Plan:
    """Explicit draws: one row per draw of every uncertain input."""

    weight_factors: np.ndarray
    normalise: np.ndarray
    aggregate: np.ndarray
    cell_values: np.ndarray

    def __len__(self) -> int:
        return len(self.normalise)


def nominal_plan(prep: Prepared) -> Plan:
    """Return the single nominal draw (factor 1, first methods, consensus codings)."""
    cells = prep.matrix[prep.cell_rows, prep.cell_cols][None, :]
    return Plan(
        np.ones((1, len(prep.hierarchy.weighted_codes))),
        np.zeros(1, dtype=int),
        np.zeros(1, dtype=int),
        cells,
    )


def plan_from_unit(prep: Prepared, u: np.ndarray) -> Plan:
    """Map points of the unit cube ``(D, k)`` to draws (see the module docstring)."""
    if u.ndim != 2 or u.shape[1] != prep.n_inputs:
        raise SpecificationError(
            f"unit-cube sample: expected shape (D, {prep.n_inputs}), got {u.shape}"
        )
    n_w = len(prep.hierarchy.weighted_codes)
    factors = 1.0 + prep.weight_spread * (2.0 * u[:, :n_w] - 1.0)
    norm = np.minimum((u[:, n_w] * len(prep.normalise)).astype(int), len(prep.normalise) - 1)
    agg = np.minimum((u[:, n_w + 1] * len(prep.aggregate)).astype(int), len(prep.aggregate) - 1)
    cu = u[:, n_w + 2 :]
    coding = prep.coding
    if len(coding):
        cum = np.cumsum(coding.probabilities, axis=1)
        count = (~np.isnan(coding.candidates)).sum(axis=1)
        idx = np.zeros(cu.shape, dtype=np.intp)
        for j in range(cum.shape[1] - 1):  # inverse CDF; a loop over the few candidates
            idx += cu >= cum[None, :, j]
        idx = np.minimum(idx, count[None, :] - 1)
        cells = coding.candidates[np.arange(len(count))[None, :], idx]
    else:
        cells = np.zeros((len(u), 0))
    return Plan(factors, norm, agg, cells)


def run(
    prep: Prepared,
    plan: Plan,
    *,
    chunk_size: int = 500,
    keep_indicators: bool = False,
    dtype: type[np.floating] = np.float64,
) -> np.ndarray:
    """Score every draw of ``plan``: ``(D, units + systems, n_aggregates [+ indicators])``.

    Draws are grouped by method pair (a loop over the few pairs) and processed in chunks of
    ``chunk_size`` draws; within a chunk everything is vectorised. ``dtype=np.float32`` halves
    memory traffic (scores then carry about 7 significant digits).
    """
    if chunk_size < 1:
        raise SpecificationError(f"chunk_size: expected >= 1, got {chunk_size}")
    n_units, n_ind = prep.matrix.shape
    n_rows = len(prep.row_ids)
    width = len(prep.hierarchy.aggregates) + (n_ind if keep_indicators else 0)
    out = np.full((len(plan), n_rows, width), np.nan, dtype=dtype)
    base = prep.matrix.astype(dtype)
    pairs = np.unique(np.stack([plan.normalise, plan.aggregate], axis=1), axis=0)
    for ni, ai in pairs:
        idx = np.flatnonzero((plan.normalise == ni) & (plan.aggregate == ai))
        for start in range(0, len(idx), chunk_size):
            sel = idx[start : start + chunk_size]
            x = np.repeat(base[None], len(sel), axis=0)
            if len(prep.cell_rows):
                x[:, prep.cell_rows, prep.cell_cols] = plan.cell_values[sel]
            aggregates, indicators = engine.score(
                x,
                prep.hierarchy,
                normalise_method=prep.normalise[ni],
                aggregate_method=prep.aggregate[ai],
                weight_factors=plan.weight_factors[sel].astype(dtype),
                n_ref=n_units,
                settings=prep.settings,
                systems=prep.systems,
                keep_indicators=keep_indicators,
            )
            if indicators is not None:
                aggregates = np.concatenate([indicators, aggregates], axis=2)
            out[sel] = aggregates
    return out
