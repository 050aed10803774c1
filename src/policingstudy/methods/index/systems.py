"""Bodies first, then systems: gated body scores and the constructions that combine them.

A *system* (a jurisdiction's police-accountability arrangements) is made of *bodies* (units
coded on ordinal indicators). This module scores it in two steps, each with a stated rule.

**1. Body scoring (gating).** A power counts only as far as the body holding it is independent:
for every gated indicator, ``effective = min(gate, power)`` on the raw scale (:class:`Gate`;
e.g. ``IND06..IND09 = min(IND02, IND0x)``: an internal police unit with separation 0 has no
effective power, whatever its legal powers). A missing gate makes the gated value missing
(``unknown``), unless the power itself is not applicable; a not-applicable gate leaves the
power as coded.

**2. System construction** (:data:`SystemRule`), applied to the bodies of a *boundary* (a
membership table per boundary, chosen by the study):

- ``best_available``: per indicator, the best value among the system's bodies (a system has a
  power if any of its bodies has it);
- ``covered_mean``: per indicator, the mean over the system's *areas* (e.g. Länder, police force
  areas, cities), weighted by population, of the best value among the bodies covering each area
  (a national body covers every area). An area that no body of the boundary covers scores the
  scale minimum: its residents have no such body;
- ``best_body``: each body is scored as if it were the whole system; the system scores as its
  best body (by the overall index).

**Missing values** (:data:`MissingRule`) are handled where the system's value is formed: on the
system row (``best_available``), on each area (``covered_mean``) or on the body standing for the
system (``best_body``). ``missing`` leaves them missing (aggregates are means of the available
children, weights rescaled); ``lower`` sets them to the scale minimum; ``upper`` sets them to the
scale maximum *when the gap involves an unknown cell* (some body has status ``unknown`` on the
indicator) and to the minimum when every body is ``not_applicable`` (no body of the boundary
performs that function: an absence, not an unknown). Bounds therefore bound unknown information.

**Scoring.** Values are min-max normalised against each indicator's scale (goalposts, so nothing
depends on which rows are scored) and aggregated by the weighted arithmetic or geometric mean of
:mod:`~.engine`, with equal weights either by dimension (indicators equal within a dimension,
dimensions equal in the index) or by indicator (every indicator equal in the index).

Every function is vectorised over a leading *draw* axis (coding draws), and results do not depend
on the order of units, areas or systems.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

from policingstudy.core.errors import JoinError, SpecificationError
from policingstudy.core.types import check_option
from policingstudy.methods.index import engine
from policingstudy.methods.index.hierarchy import Hierarchy, parse_meta

SystemRule = Literal["best_available", "covered_mean", "best_body"]
SYSTEM_RULES: tuple[SystemRule, ...] = get_args(SystemRule)
MissingRule = Literal["missing", "lower", "upper"]
MISSING_RULES: tuple[MissingRule, ...] = get_args(MissingRule)
GridAggregate = Literal["arithmetic", "geometric"]
GRID_AGGREGATES: tuple[GridAggregate, ...] = get_args(GridAggregate)
WeightScheme = Literal["dimension", "indicator"]
WEIGHT_SCHEMES: tuple[WeightScheme, ...] = get_args(WeightScheme)
STATUSES = ("coded", "unknown", "not_applicable")
INDEX = "INDEX"
SHORT = {
    "best_available": "best",
    "covered_mean": "covered",
    "best_body": "onebody",
    "missing": "na",
    "lower": "low",
    "upper": "high",
    "arithmetic": "arith",
    "geometric": "geom",
    "dimension": "wdim",
    "indicator": "wind",
}


@dataclass(frozen=True)
class Gate:
    """Gating rule of body scoring: each ``gated`` indicator counts at most ``gate``'s value.

    Attributes
    ----------
    gate
        Indicator measuring the body's independence (e.g. separation from the police hierarchy).
    gated
        Indicators measuring its powers.
    """

    gate: str
    gated: tuple[str, ...]


@dataclass(frozen=True)
class Construction:
    """One way of building the system index (a point of the construction grid)."""

    system_rule: SystemRule
    boundary: str
    missing: MissingRule
    aggregate: GridAggregate
    weights: WeightScheme

    def __post_init__(self) -> None:
        check_option(self.system_rule, SYSTEM_RULES, name="system_rule")
        check_option(self.missing, MISSING_RULES, name="missing")
        check_option(self.aggregate, GRID_AGGREGATES, name="aggregate")
        check_option(self.weights, WEIGHT_SCHEMES, name="weights")

    @property
    def id(self) -> str:
        """Readable identifier, e.g. ``best/all/na/arith/wdim``."""
        parts = (self.system_rule, self.boundary, self.missing, self.aggregate, self.weights)
        return "/".join(SHORT.get(p, p) for p in parts)

    def as_dict(self) -> dict[str, str]:
        """The construction's factors, keyed by factor name."""
        return {
            "system_rule": self.system_rule,
            "boundary": self.boundary,
            "missing": self.missing,
            "aggregate": self.aggregate,
            "weights": self.weights,
        }


FACTORS = ("system_rule", "boundary", "missing", "aggregate", "weights")


def constructions(
    boundaries: Sequence[str],
    *,
    system_rules: Sequence[SystemRule] = SYSTEM_RULES,
    missing: Sequence[MissingRule] = MISSING_RULES,
    aggregates: Sequence[GridAggregate] = GRID_AGGREGATES,
    weights: Sequence[WeightScheme] = WEIGHT_SCHEMES,
) -> tuple[Construction, ...]:
    """Every combination of the listed choices (the construction grid), in a fixed order."""
    if not boundaries:
        raise SpecificationError("constructions: expected at least one boundary")
    return tuple(
        Construction(r, b, m, a, w)
        for r, b, m, a, w in itertools.product(
            system_rules, boundaries, missing, aggregates, weights
        )
    )


@dataclass(frozen=True)
class Boundary:
    """Members of each system within one boundary, as arrays over the prepared units."""

    member: np.ndarray  # (S, U) bool
    covers: np.ndarray  # (A, U) bool: area a is covered by unit u (member or not)


@dataclass(frozen=True)
class SystemInputs:
    """Validated inputs of :func:`score`, built once by :func:`prepare`.

    Attributes
    ----------
    unit_ids, indicators, system_ids
        Row, column and system labels.
    matrix
        ``(U, I)`` raw values (NaN where not coded).
    unknown, not_applicable
        ``(U, I)`` status masks, after gating.
    unit_system
        ``(U,)`` index of each unit's system (-1: in no system).
    boundaries
        Membership arrays per boundary name.
    area_ids, area_system, area_weight
        Areas of every system (one implicit area for a system without listed areas).
    hierarchies
        Index structure per weight scheme.
    settings
        Engine settings (goalposts on the indicators' scales).
    lo, hi
        ``(I,)`` scale ends.
    gate
        The gating rule, or None.
    """

    unit_ids: tuple[str, ...]
    indicators: tuple[str, ...]
    system_ids: tuple[str, ...]
    matrix: np.ndarray
    unknown: np.ndarray
    not_applicable: np.ndarray
    unit_system: np.ndarray
    boundaries: Mapping[str, Boundary]
    area_ids: tuple[str, ...]
    area_system: np.ndarray
    area_weight: np.ndarray
    hierarchies: Mapping[str, Hierarchy]
    settings: engine.Settings
    lo: np.ndarray
    hi: np.ndarray
    gate: Gate | None

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Dimension codes (children of the index in the by-dimension structure)."""
        return self.hierarchies["dimension"].dimensions


def weight_structures(meta: pd.DataFrame, codes: Sequence[str]) -> dict[str, Hierarchy]:
    """Both weight schemes from a three-level meta table (indicators, dimensions, index).

    ``dimension``: equal weights within each dimension and equal dimensions (the meta's
    structure with unit weights). ``indicator``: every indicator directly under the index with
    weight 1.
    """
    if set(meta["Level"].astype(int)) != {1, 2, 3}:
        raise SpecificationError("meta: expected three levels (indicators, dimensions, index)")
    by_dim = meta.assign(Weight=1.0)
    top = str(meta.loc[meta["Level"].astype(int) == 3, "iCode"].iloc[0])
    flat = meta[meta["Level"].astype(int) == 1].assign(Parent=top, Weight=1.0)
    flat = pd.concat(
        [flat, pd.DataFrame([{"iCode": top, "Level": 2, "Parent": None, "Weight": 1.0}])],
        ignore_index=True,
    )
    flat["Direction"] = flat["Direction"].fillna(1)
    return {
        "dimension": parse_meta(by_dim, list(codes)),
        "indicator": parse_meta(flat, list(codes)),
    }


def _status_masks(
    values: pd.DataFrame, status: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray]:
    x = values.to_numpy(dtype=float)
    if status is None:
        unknown = np.isnan(x)
        return unknown, np.zeros_like(unknown)
    if status.shape != values.shape or list(status.index) != list(values.index):
        raise SpecificationError("status: expected the same units and indicators as values")
    s = status[list(values.columns)].astype(object).where(status.notna(), "unknown")
    bad = sorted({str(v) for v in np.unique(s.to_numpy().astype(str))} - set(STATUSES))
    if bad:
        raise SpecificationError(f"status: found {bad}; expected some of {list(STATUSES)}")
    arr = s.to_numpy().astype(str)
    coded_missing = (arr == "coded") & np.isnan(x)
    if coded_missing.any():
        r, c = np.argwhere(coded_missing)[0]
        raise SpecificationError(
            f"status: {values.index[r]}|{values.columns[c]} is 'coded' but has no value"
        )
    return (arr == "unknown"), (arr == "not_applicable")


def gate_masks(
    unknown: np.ndarray, not_applicable: np.ndarray, gate_col: int, gated_cols: Sequence[int]
) -> np.ndarray:
    """Unknown mask after gating: a gated cell is unknown if the gate is (and it is not n/a)."""
    out = unknown.copy()
    cols = list(gated_cols)
    out[:, cols] |= unknown[:, [gate_col]] & ~not_applicable[:, cols]
    return out


def gate_values(
    x: np.ndarray, gate_col: int, gated_cols: Sequence[int], gate_na: np.ndarray
) -> np.ndarray:
    """Apply ``min(gate, power)`` to raw values ``(D, U, I)`` (NaN gate: NaN power).

    ``gate_na`` ``(U,)`` marks bodies whose gate is not applicable: their powers stay as coded.
    """
    out = x.copy()
    gate = np.where(gate_na[None, :], np.inf, x[:, :, gate_col])
    cols = list(gated_cols)
    out[:, :, cols] = np.minimum(x[:, :, cols], gate[:, :, None])
    return out


def prepare(
    values: pd.DataFrame,
    meta: pd.DataFrame,
    *,
    scales: Mapping[str, Sequence[float]],
    boundaries: Mapping[str, pd.DataFrame],
    status: pd.DataFrame | None = None,
    areas: pd.DataFrame | None = None,
    gate: Gate | None = None,
    geometric_offset: float = 0.01,
) -> SystemInputs:
    """Validate the inputs of the construction grid once.

    Parameters
    ----------
    values
        Units (rows) x indicators (columns), raw ordinal values; NaN where not coded.
    meta
        Three-level COINr-style structure (indicators, dimensions, index).
    scales
        ``{indicator: (scale_min, scale_max)}`` (goalposts of the min-max normalisation).
    boundaries
        ``{boundary name: membership}``; a membership has ``system_id``, ``unit_id`` and
        optionally ``area`` (the area the body covers; empty or missing = every area of its
        system; a body covering several areas has one row per area).
    status
        Same shape as ``values``: ``coded``, ``unknown`` or ``not_applicable`` per cell
        (default: every missing value is ``unknown``).
    areas
        ``system_id``, ``area``, ``weight`` (e.g. population): the areas of ``covered_mean``. A
        system with no listed area has a single area covering everyone.
    gate
        Body-level gating rule (see the module docstring), or None.
    geometric_offset
        Zero rule of the geometric mean (see :mod:`~.engine`).

    Raises
    ------
    SpecificationError
        Missing columns, a unit in two systems, a status that is not a known one, a gate that is
        not an indicator, areas without positive weight.
    JoinError
        A member that is not a row of ``values``, or a body covering an area not listed for its
        system.
    """
    check_indicators_frame(values)
    codes = tuple(map(str, values.columns))
    hierarchies = weight_structures(meta, codes)
    missing_scales = [c for c in codes if c not in scales]
    if missing_scales:
        raise SpecificationError(f"scales: no scale for indicator(s) {missing_scales}")
    posts = np.array([[float(scales[c][0]), float(scales[c][1])] for c in codes])
    if np.any(~(posts[:, 0] < posts[:, 1])):
        raise SpecificationError("scales: expected scale_min < scale_max for every indicator")
    unit_ids = tuple(map(str, values.index))
    if len(set(unit_ids)) != len(unit_ids):
        raise SpecificationError("values: duplicate unit ids")
    unknown, na = _status_masks(values, status)
    x = values.to_numpy(dtype=float)
    if gate is not None:
        absent = [c for c in (gate.gate, *gate.gated) if c not in codes]
        if absent:
            raise SpecificationError(f"gate: {absent} are not indicators of the data")
        g = codes.index(gate.gate)
        cols = [codes.index(c) for c in gate.gated]
        unknown = gate_masks(unknown, na, g, cols)
    if not boundaries:
        raise SpecificationError("boundaries: expected at least one boundary membership")
    position = {u: i for i, u in enumerate(unit_ids)}
    system_of: dict[str, str] = {}
    for name, m in boundaries.items():
        absent_cols = [c for c in ("system_id", "unit_id") if c not in m.columns]
        if absent_cols:
            raise SpecificationError(
                f"boundary {name!r}: missing column(s) {absent_cols}; "
                "expected system_id, unit_id[, area]"
            )
        unknown_units = sorted(set(m["unit_id"].astype(str)) - set(position))
        if unknown_units:
            raise JoinError(
                f"boundary {name!r}: {len(unknown_units)} unit_id(s) not in the data: "
                f"{unknown_units[:10]}; expected every member to be a row of values"
            )
        for s, u in zip(m["system_id"].astype(str), m["unit_id"].astype(str), strict=True):
            if system_of.setdefault(u, s) != s:
                raise SpecificationError(f"unit {u!r} is in systems {system_of[u]!r} and {s!r}")
    system_ids = tuple(
        sorted({str(s) for m in boundaries.values() for s in m["system_id"].astype(str)})
    )
    area_ids, area_system, area_weight = _areas(areas, system_ids)
    sys_pos = {s: i for i, s in enumerate(system_ids)}
    unit_system = np.array([sys_pos.get(system_of.get(u, ""), -1) for u in unit_ids])
    built = {
        name: _boundary(m, position, sys_pos, area_ids, area_system, name)
        for name, m in boundaries.items()
    }
    settings = engine.Settings(
        bounds=(0.0, 100.0), goalposts=posts, geometric_offset=geometric_offset
    )
    return SystemInputs(
        unit_ids,
        codes,
        system_ids,
        x,
        unknown,
        na,
        unit_system,
        built,
        area_ids,
        area_system,
        area_weight,
        hierarchies,
        settings,
        posts[:, 0],
        posts[:, 1],
        gate,
    )


def check_indicators_frame(values: pd.DataFrame) -> None:
    """Refuse non-numeric indicator columns."""
    bad = [c for c in values.columns if not pd.api.types.is_numeric_dtype(values[c])]
    if bad:
        raise SpecificationError(f"values: non-numeric column(s) {bad}; expected numbers")


def _areas(
    areas: pd.DataFrame | None, system_ids: Sequence[str]
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    ids: list[str] = []
    systems: list[int] = []
    weights: list[float] = []
    listed = areas if areas is not None else pd.DataFrame(columns=["system_id", "area", "weight"])
    absent = [c for c in ("system_id", "area", "weight") if c not in listed.columns]
    if absent:
        raise SpecificationError(
            f"areas: missing column(s) {absent}; expected system_id, area, weight"
        )
    for i, s in enumerate(system_ids):
        rows = listed[listed["system_id"].astype(str) == s]
        if rows.empty:
            ids.append(f"{s}:*")
            systems.append(i)
            weights.append(1.0)
            continue
        w = pd.to_numeric(rows["weight"], errors="coerce")
        if w.isna().any() or (w < 0).any() or w.sum() <= 0:
            raise SpecificationError(
                f"areas of {s!r}: expected non-negative weights with a positive total"
            )
        if rows["area"].astype(str).duplicated().any():
            raise SpecificationError(f"areas of {s!r}: duplicate area ids")
        ids += [f"{s}:{a}" for a in rows["area"].astype(str)]
        systems += [i] * len(rows)
        weights += list(w.astype(float))
    return tuple(ids), np.array(systems, dtype=int), np.array(weights, dtype=float)


def _boundary(
    m: pd.DataFrame,
    position: Mapping[str, int],
    sys_pos: Mapping[str, int],
    area_ids: Sequence[str],
    area_system: np.ndarray,
    name: str,
) -> Boundary:
    member = np.zeros((len(sys_pos), len(position)), dtype=bool)
    covers = np.zeros((len(area_ids), len(position)), dtype=bool)
    area_pos = {a: i for i, a in enumerate(area_ids)}
    has_area = "area" in m.columns
    for row in m.itertuples(index=False):
        s, u = sys_pos[str(row.system_id)], position[str(row.unit_id)]
        member[s, u] = True
        area = getattr(row, "area", None) if has_area else None
        if area is None or (isinstance(area, float) and np.isnan(area)) or str(area) == "":
            covers[area_system == s, u] = True
            continue
        key = f"{row.system_id}:{area}"
        if key not in area_pos:
            raise JoinError(
                f"boundary {name!r}: unit {row.unit_id} covers area {area!r}, which is not an "
                f"area of {row.system_id}; expected one of the areas listed for the system"
            )
        covers[area_pos[key], u] = True
    return Boundary(member, covers)


def _fill(
    rows: np.ndarray, unknown_any: np.ndarray, rule: MissingRule, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Fill missing values of ``rows`` ``(D, R, I)`` by the missing rule (see module docstring)."""
    if rule == "missing":
        return rows
    fill = np.where(unknown_any, hi[None, :], lo[None, :]) if rule == "upper" else lo[None, :]
    fill = np.broadcast_to(fill, rows.shape[1:])
    return np.where(np.isnan(rows), fill[None], rows)


def _best(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Best (max) value of the masked units ``(G, U)`` per group: ``(D, G, I)``; NaN if none."""
    d, _, i = x.shape
    out = np.full((d, mask.shape[0], i), np.nan, dtype=x.dtype)
    for g in range(mask.shape[0]):
        cols = np.flatnonzero(mask[g])
        if len(cols):
            out[:, g, :] = np.fmax.reduce(x[:, cols, :], axis=1)
    return out


def system_rows(
    inputs: SystemInputs, x: np.ndarray, construction: Construction
) -> tuple[np.ndarray, np.ndarray]:
    """Rows to score for one construction, and the system of each row.

    Parameters
    ----------
    inputs
        From :func:`prepare`.
    x
        ``(D, U, I)`` raw body values (after coding draws, before gating).
    construction
        The construction.

    Returns
    -------
    rows, row_system
        ``(D, R, I)`` raw values of the rows (systems, or member bodies for ``best_body``) and
        ``(R,)`` the system index of each row.
    """
    if construction.boundary not in inputs.boundaries:
        raise SpecificationError(
            f"boundary {construction.boundary!r}: expected one of {sorted(inputs.boundaries)}"
        )
    b = inputs.boundaries[construction.boundary]
    if inputs.gate is not None:
        g = inputs.indicators.index(inputs.gate.gate)
        cols = [inputs.indicators.index(c) for c in inputs.gate.gated]
        x = gate_values(x, g, cols, inputs.not_applicable[:, g])
    lo, hi, unknown = inputs.lo, inputs.hi, inputs.unknown
    rule = construction.system_rule
    n_sys = len(inputs.system_ids)
    if rule == "best_available":
        rows = _best(x, b.member)
        unknown_any = (b.member[:, :, None] & unknown[None]).any(axis=1)
        return _fill(rows, unknown_any, construction.missing, lo, hi), np.arange(n_sys)
    if rule == "best_body":
        units = np.flatnonzero(b.member.any(axis=0))
        rows = x[:, units, :]
        row_system = np.argmax(b.member[:, units], axis=0)
        return _fill(rows, unknown[units], construction.missing, lo, hi), row_system
    covering = b.covers & b.member[inputs.area_system]
    area_values = _best(x, covering)
    unknown_any = (covering[:, :, None] & unknown[None]).any(axis=1)
    filled = _fill(area_values, unknown_any, construction.missing, lo, hi)
    uncovered = ~covering.any(axis=1)
    filled[:, uncovered, :] = lo[None, :]
    weight = np.zeros((n_sys, len(inputs.area_ids)))
    weight[inputs.area_system, np.arange(len(inputs.area_ids))] = inputs.area_weight
    present = ~np.isnan(filled)
    total = np.einsum("sa,dai->dsi", weight, present.astype(float))
    summed = np.einsum("sa,dai->dsi", weight, np.where(present, filled, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        rows = np.where(total > 0, summed / total, np.nan)
    return rows, np.arange(n_sys)


@dataclass(frozen=True)
class Scored:
    """Scores of one construction over draws.

    Attributes
    ----------
    index
        ``(D, S)`` index of each system.
    aggregates
        ``(D, S, n_aggregates)`` every aggregate (dimensions and index for the by-dimension
        scheme; the index only for the by-indicator scheme).
    codes
        Aggregate codes of ``aggregates``.
    chosen
        ``(D, S)`` unit index of the body standing for each system (``best_body``), else -1.
    """

    index: np.ndarray
    aggregates: np.ndarray
    codes: tuple[str, ...]
    chosen: np.ndarray


def score(inputs: SystemInputs, construction: Construction, x: np.ndarray | None = None) -> Scored:
    """Score every system under one construction, for each draw of body values.

    Parameters
    ----------
    inputs
        From :func:`prepare`.
    construction
        The construction.
    x
        ``(D, U, I)`` body values (default: the prepared values, one draw).

    Returns
    -------
    Scored
    """
    x = inputs.matrix[None] if x is None else x
    if x.ndim != 3 or x.shape[1:] != inputs.matrix.shape:
        raise SpecificationError(
            f"x: expected shape (D, {inputs.matrix.shape[0]}, {inputs.matrix.shape[1]}), "
            f"got {x.shape}"
        )
    rows, row_system = system_rows(inputs, x, construction)
    hierarchy = inputs.hierarchies[construction.weights]
    codes = hierarchy.aggregates
    k = codes.index(hierarchy.top[0])
    d, n_sys = x.shape[0], len(inputs.system_ids)
    if rows.shape[1] == 0:
        empty = np.full((d, n_sys), np.nan)
        return Scored(
            empty, np.full((d, n_sys, len(codes)), np.nan), codes, -np.ones((d, n_sys), int)
        )
    aggregates, _ = engine.score(
        rows,
        hierarchy,
        normalise_method="minmax",
        aggregate_method=construction.aggregate,
        weight_factors=np.ones((d, len(hierarchy.weighted_codes))),
        n_ref=rows.shape[1],
        settings=inputs.settings,
    )
    if construction.system_rule != "best_body":
        return Scored(aggregates[:, :, k], aggregates, codes, -np.ones((d, n_sys), int))
    units = np.flatnonzero(inputs.boundaries[construction.boundary].member.any(axis=0))
    out = np.full((d, n_sys, len(codes)), np.nan)
    chosen = -np.ones((d, n_sys), dtype=int)
    for s in range(n_sys):
        mine = np.flatnonzero(row_system == s)
        if not len(mine):
            continue
        idx = aggregates[:, mine, k]
        has = ~np.all(np.isnan(idx), axis=1)
        best = np.argmax(np.where(np.isnan(idx), -np.inf, idx), axis=1)
        picked = aggregates[np.arange(d), mine[best], :]
        out[:, s, :] = np.where(has[:, None], picked, np.nan)
        chosen[:, s] = np.where(has, units[mine[best]], -1)
    return Scored(out[:, :, k], out, codes, chosen)


def system_ranks(index: np.ndarray) -> np.ndarray:
    """Competition ranks among systems ``(D, S)`` (1 = highest; ties share; NaN unranked)."""
    return engine.rank_descending(index)


@dataclass(frozen=True)
class GridResult:
    """The construction grid at the coded values.

    Attributes
    ----------
    table
        One row per construction x system: ``construction``, the five factors, ``system``,
        ``index``, ``rank`` and ``body`` (the body standing for the system under ``best_body``).
    dimensions
        ``construction``, ``system``, ``dimension``, ``score`` for the by-dimension
        constructions.
    """

    table: pd.DataFrame
    dimensions: pd.DataFrame


def run_grid(inputs: SystemInputs, grid: Sequence[Construction]) -> GridResult:
    """Score every construction of ``grid`` at the coded values (one row per system)."""
    rows = []
    dims = []
    for c in grid:
        s = score(inputs, c)
        ranks = system_ranks(s.index)[0]
        for j, system in enumerate(inputs.system_ids):
            chosen = int(s.chosen[0, j])
            rows.append(
                {
                    "construction": c.id,
                    **c.as_dict(),
                    "system": system,
                    "index": float(s.index[0, j]),
                    "rank": float(ranks[j]),
                    "body": inputs.unit_ids[chosen] if chosen >= 0 else "",
                }
            )
            if c.weights == "dimension":
                for code in inputs.dimensions:
                    dims.append(
                        {
                            "construction": c.id,
                            "system": system,
                            "dimension": code,
                            "score": float(s.aggregates[0, j, s.codes.index(code)]),
                        }
                    )
    return GridResult(pd.DataFrame(rows), pd.DataFrame(dims))


def ordering_shares(table: pd.DataFrame, *, origin: str) -> pd.DataFrame:
    """Share of constructions in which the origin is below, level with or above each system.

    Parameters
    ----------
    table
        :attr:`GridResult.table` (``construction``, ``system``, ``index``).
    origin
        The system compared with every other one.

    Returns
    -------
    pandas.DataFrame
        ``model``, ``n_constructions`` (both scored), ``below``, ``tied``, ``above`` (shares,
        origin vs model), ``gap_min``, ``gap_median``, ``gap_max`` (origin minus model).
    """
    wide = table.pivot(index="construction", columns="system", values="index")
    if origin not in wide.columns:
        raise SpecificationError(f"origin {origin!r} is not a system of the grid")
    out = []
    for model in [c for c in wide.columns if c != origin]:
        pair = wide[[origin, model]].dropna()
        gap = (pair[origin] - pair[model]).to_numpy()
        n = len(gap)
        close = np.isclose(gap, 0.0, atol=1e-9)
        out.append(
            {
                "model": model,
                "n_constructions": n,
                "below": float(np.mean((gap < 0) & ~close)) if n else np.nan,
                "tied": float(np.mean(close)) if n else np.nan,
                "above": float(np.mean((gap > 0) & ~close)) if n else np.nan,
                "gap_min": float(gap.min()) if n else np.nan,
                "gap_median": float(np.median(gap)) if n else np.nan,
                "gap_max": float(gap.max()) if n else np.nan,
            }
        )
    return pd.DataFrame(out)


def pairwise_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Systems x systems: share of constructions in which the row system scores above the column."""
    wide = table.pivot(index="construction", columns="system", values="index")
    ids = list(wide.columns)
    out = pd.DataFrame(np.nan, index=ids, columns=ids)
    for a in ids:
        for b in ids:
            if a == b:
                continue
            pair = wide[[a, b]].dropna()
            if len(pair):
                gap = pair[a] - pair[b]
                out.loc[a, b] = float(np.mean((gap > 0) & ~np.isclose(gap, 0.0, atol=1e-9)))
    return out


def cell_positions(inputs: SystemInputs, cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each ``(unit_id, indicator_id)`` cell in the prepared values.

    Raises
    ------
    JoinError
        For a cell whose unit or indicator is not in the prepared inputs.
    """
    row = {u: i for i, u in enumerate(inputs.unit_ids)}
    col = {c: j for j, c in enumerate(inputs.indicators)}
    pairs = list(zip(cells["unit_id"].astype(str), cells["indicator_id"].astype(str), strict=True))
    unknown = [f"{u}|{i}" for u, i in pairs if u not in row or i not in col]
    if unknown:
        raise JoinError(
            f"cells {unknown[:10]} are not (unit, indicator) pairs of the prepared values"
        )
    return (
        np.array([row[u] for u, _ in pairs], dtype=int),
        np.array([col[i] for _, i in pairs], dtype=int),
    )


def with_cells(
    inputs: SystemInputs, rows: np.ndarray, cols: np.ndarray, cell_values: np.ndarray
) -> np.ndarray:
    """Body values ``(D, U, I)`` with the given cells replaced by each draw's values ``(D, n)``."""
    x = np.repeat(inputs.matrix[None], len(cell_values), axis=0)
    if len(rows):
        x[:, rows, cols] = cell_values
    return x
