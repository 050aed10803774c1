"""Composite indices (OECD/JRC Handbook 2008; COINr conventions) and the jurisdiction-system level.

Entry point: :func:`composite`. The normalisation, aggregation, zero and missing-value rules are
those of :mod:`policingstudy.methods.index.engine` (see its docstring); in short:

- min-max to ``bounds`` (observed range, or the codebook scale when ``goalposts`` are given),
  z-score, mid-rank percentile, or distance to a reference unit/target; directions respected;
- weighted arithmetic mean, weighted geometric mean (values shifted by ``lo - 0.01 (hi - lo)``
  so that zeros count as 1 on a 0-100 scale, then shifted back), or Copeland pairwise voting;
- missing values: like COINr's default, an aggregate is the weighted mean of the children that
  are available, their weights rescaled (``min_coverage`` can demand a minimum weight share).

The system level (:func:`system_scores`) combines the bodies of a jurisdiction's oversight system
indicator by indicator: ``best`` (the best body decides: a system has a power if any of its
bodies has it), ``coverage_weighted`` (mean weighted by each body's coverage, e.g. the share of
population or forces it covers) or ``mean``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, get_args

import numpy as np
import pandas as pd

from policingstudy.core.errors import DataValidationError, JoinError, SpecificationError
from policingstudy.core.types import Aggregate, Normalise, Weighting, check_option
from policingstudy.methods.index import engine
from policingstudy.methods.index.hierarchy import Hierarchy, parse_direction, parse_meta
from policingstudy.methods.index.weights import ahp_hierarchy_weights, equal_weights, pca_weights

SystemRule = Literal["best", "coverage_weighted", "mean"]
SYSTEM_RULES: tuple[str, ...] = get_args(SystemRule)


def check_bounds(bounds: Sequence[float]) -> tuple[float, float]:
    """Return ``bounds`` as a float pair after checking ``lo < hi`` (both finite)."""
    if len(bounds) != 2:
        raise SpecificationError(f"bounds: expected (lo, hi), got {bounds!r}")
    lo, hi = float(bounds[0]), float(bounds[1])
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise SpecificationError(f"bounds: expected finite lo < hi, got {bounds!r}")
    return lo, hi


def check_indicators(indicators: pd.DataFrame) -> None:
    """Refuse a data table with duplicate row labels or non-numeric columns."""
    dup = indicators.index[indicators.index.duplicated()].unique().tolist()
    if dup:
        raise SpecificationError(f"indicators: duplicate row labels {dup}; expected unique units")
    bad = [c for c in indicators.columns if not pd.api.types.is_numeric_dtype(indicators[c])]
    if bad:
        raise SpecificationError(f"indicators: non-numeric column(s) {bad}; expected numbers")


def build_settings(
    hierarchy: Hierarchy,
    row_ids: Sequence[str],
    *,
    normalise: str,
    bounds: Sequence[float],
    reference: str | Mapping[str, float] | None,
    goalposts: Mapping[str, Sequence[float]] | None,
    min_coverage: float,
    geometric_offset: float,
) -> engine.Settings:
    """Translate user options into :class:`engine.Settings`, checking each one."""
    lo, hi = check_bounds(bounds)
    codes = hierarchy.indicators
    posts = None
    if goalposts is not None:
        missing = [c for c in codes if c not in goalposts]
        if missing:
            raise SpecificationError(f"goalposts: no scale for indicator(s) {missing}")
        posts = np.array([[float(goalposts[c][0]), float(goalposts[c][1])] for c in codes])
        if np.any(~(posts[:, 0] < posts[:, 1])):
            raise SpecificationError(
                "goalposts: expected scale_min < scale_max for every indicator"
            )
    target = None
    reference_row = None
    if isinstance(reference, str):
        if reference not in row_ids:
            raise SpecificationError(
                f"reference: unit {reference!r} is not a row of the indicators; "
                f"expected one of {list(row_ids)[:10]}..."
            )
        reference_row = list(row_ids).index(reference)
    elif reference is not None:
        missing = [c for c in codes if c not in reference]
        if missing:
            raise SpecificationError(f"reference: no target for indicator(s) {missing}")
        target = np.array([float(reference[c]) for c in codes])
    if normalise == "distance" and reference is None:
        raise SpecificationError(
            "normalise='distance' needs reference=<unit id> or reference={indicator: target}"
        )
    if not 0.0 <= min_coverage <= 1.0:
        raise SpecificationError(f"min_coverage: expected a share in [0, 1], got {min_coverage}")
    if not geometric_offset > 0:
        raise SpecificationError(f"geometric_offset: expected > 0, got {geometric_offset}")
    return engine.Settings((lo, hi), posts, target, reference_row, min_coverage, geometric_offset)


def resolve_weights(
    hierarchy: Hierarchy,
    *,
    weighting: str,
    weights: Mapping[str, float] | None,
    pairwise: Mapping[str, pd.DataFrame] | None,
    allow_inconsistent: bool,
    normalised: pd.DataFrame | None,
) -> Hierarchy:
    """Apply a weighting scheme to the hierarchy (see :func:`composite`)."""
    check_option(weighting, get_args(Weighting), name="weighting")
    if weights is not None and weighting != "user":
        raise SpecificationError(f"weights are only used with weighting='user', not {weighting!r}")
    if weighting == "user":
        return hierarchy.with_weights({str(k): float(v) for k, v in (weights or {}).items()})
    if weighting == "equal":
        return hierarchy.with_weights(equal_weights(hierarchy))
    if weighting == "ahp":
        return hierarchy.with_weights(
            ahp_hierarchy_weights(hierarchy, pairwise or {}, allow_inconsistent=allow_inconsistent)
        )
    if normalised is None:
        raise SpecificationError("weighting='pca' needs the normalised indicators")
    return hierarchy.with_weights(pca_weights(normalised, hierarchy))


def composite(
    indicators: pd.DataFrame,
    meta: pd.DataFrame,
    *,
    normalise: Normalise = "minmax",
    bounds: tuple[float, float] = (0, 100),
    aggregate: Aggregate = "arithmetic",
    reference: str | Mapping[str, float] | None = None,
    goalposts: Mapping[str, Sequence[float]] | None = None,
    weighting: Weighting = "user",
    weights: Mapping[str, float] | None = None,
    pairwise: Mapping[str, pd.DataFrame] | None = None,
    allow_inconsistent: bool = False,
    min_coverage: float = 0.0,
    geometric_offset: float = 0.01,
    extra_rows: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compute a composite index over a hierarchy of indicators.

    Parameters
    ----------
    indicators
        Units (rows) x indicator codes (columns), raw values; NaN = missing.
    meta
        COINr-style structure: ``iCode``, ``Level``, ``Parent``, ``Weight``, ``Direction``
        (see :mod:`policingstudy.methods.index.hierarchy`).
    normalise
        ``"minmax"``, ``"zscore"``, ``"rank"`` or ``"distance"``.
    bounds
        ``(lo, hi)`` for minmax, rank, distance and Copeland scores (z-scores are unbounded).
    aggregate
        ``"arithmetic"``, ``"geometric"`` or ``"copeland"``, applied at every level.
    reference
        For ``distance``: a unit id (row of ``indicators``) or ``{indicator: target}`` in raw
        units.
    goalposts
        ``{indicator: (scale_min, scale_max)}``: min-max (and distance) against the scale
        instead of the observed range, so scores do not depend on which units are included.
    weighting
        ``"user"`` (meta weights, overridden by ``weights``), ``"equal"``, ``"pca"`` or
        ``"ahp"`` (children of each aggregate in ``pairwise`` weighted by AHP).
    weights
        ``{code: weight}`` overriding meta weights (``weighting="user"`` only).
    pairwise
        ``{aggregate code: pairwise-comparison DataFrame}`` for ``weighting="ahp"``.
    allow_inconsistent
        Accept AHP matrices with consistency ratio above 0.1.
    min_coverage
        Minimum weight share of available children for an aggregate to be computed.
    geometric_offset
        Zero rule of the geometric mean, as a share of ``hi - lo``.
    extra_rows
        Further rows (same columns) scored with the normalisation fitted on ``indicators``
        without changing it (e.g. jurisdiction systems or scenario units).

    Returns
    -------
    pandas.DataFrame
        One row per unit (then per extra row); the normalised indicators followed by one
        column per aggregate code, level by level.

    Raises
    ------
    OptionError
        Unknown method name (the message lists the allowed ones).
    SpecificationError
        Meta/weights that do not match the indicators, negative weights, a cycle or an orphan
        in the hierarchy, an inconsistent AHP matrix, a missing reference, or z-scores with the
        geometric mean.
    """
    check_option(normalise, get_args(Normalise), name="normalise")
    check_option(aggregate, get_args(Aggregate), name="aggregate")
    check_option(weighting, get_args(Weighting), name="weighting")
    check_indicators(indicators)
    hierarchy = parse_meta(meta, list(map(str, indicators.columns)))
    engine.check_combinations([normalise], [aggregate])
    rows = indicators.astype(float)
    if extra_rows is not None:
        check_indicators(extra_rows)
        if set(extra_rows.columns) != set(rows.columns):
            raise SpecificationError("extra_rows: expected the same columns as indicators")
        rows = pd.concat([rows, extra_rows[rows.columns].astype(float)])
        check_indicators(rows)
    row_ids = list(map(str, rows.index))
    settings = build_settings(
        hierarchy,
        row_ids,
        normalise=normalise,
        bounds=bounds,
        reference=reference,
        goalposts=goalposts,
        min_coverage=min_coverage,
        geometric_offset=geometric_offset,
    )
    if settings.reference_row is not None:
        ref_values = rows.iloc[settings.reference_row]
        missing = list(ref_values.index[ref_values.isna()])
        if missing:
            raise SpecificationError(
                f"reference unit {reference!r} has no value for {missing}; expected a complete "
                "reference (or give targets)"
            )
    x = rows.to_numpy()[None, :, :]
    n_ref = len(indicators)
    normalised = None
    if weighting == "pca":
        normalised = pd.DataFrame(
            engine.normalise(x, normalise, hierarchy.directions, n_ref, settings)[0, :n_ref],
            index=indicators.index,
            columns=list(hierarchy.indicators),
        )
    hierarchy = resolve_weights(
        hierarchy,
        weighting=weighting,
        weights=weights,
        pairwise=pairwise,
        allow_inconsistent=allow_inconsistent,
        normalised=normalised,
    )
    factors = np.ones((1, len(hierarchy.weighted_codes)))
    aggregates, normal = engine.score(
        x,
        hierarchy,
        normalise_method=normalise,
        aggregate_method=aggregate,
        weight_factors=factors,
        n_ref=n_ref,
        settings=settings,
        keep_indicators=True,
    )
    if normal is None:  # pragma: no cover - keep_indicators=True always returns them
        raise SpecificationError("internal: normalised indicators were not returned")
    data = np.concatenate([normal[0], aggregates[0]], axis=1)
    columns = [*hierarchy.indicators, *hierarchy.aggregates]
    return pd.DataFrame(data, index=rows.index, columns=columns)


def ranks(scores: pd.Series) -> pd.Series:
    """Competition ranks of scores, 1 = highest; ties share the best rank; NaN stays NaN."""
    return scores.rank(ascending=False, method="min")


def build_systems(membership: pd.DataFrame, row_ids: Sequence[str], rule: str) -> engine.Systems:
    """Turn a membership table ``(system_id, unit_id[, coverage])`` into engine arrays.

    Raises
    ------
    JoinError
        If a member unit is not among ``row_ids``.
    SpecificationError
        Missing columns, or ``coverage_weighted`` without valid ``coverage``.
    """
    check_option(rule, SYSTEM_RULES, name="rule")
    missing = [c for c in ("system_id", "unit_id") if c not in membership.columns]
    if missing:
        raise SpecificationError(
            f"membership: missing column(s) {missing}; expected system_id, unit_id[, coverage]"
        )
    position = {u: i for i, u in enumerate(row_ids)}
    unknown = sorted(set(membership["unit_id"].astype(str)) - set(position))
    if unknown:
        raise JoinError(
            f"membership: {len(unknown)} unit_id(s) not in the data: {unknown[:10]}; "
            "expected every member to be a scored unit"
        )
    if rule == "coverage_weighted":
        if "coverage" not in membership.columns:
            raise SpecificationError("rule='coverage_weighted' needs a 'coverage' column")
        cov = pd.to_numeric(membership["coverage"], errors="coerce")
        if cov.isna().any() or (cov < 0).any():
            raise SpecificationError("membership: coverage must be a number >= 0 on every row")
    ids = tuple(dict.fromkeys(membership["system_id"].astype(str)))
    groups = [membership[membership["system_id"].astype(str) == s] for s in ids]
    width = max((len(g) for g in groups), default=0)
    members = -np.ones((len(ids), width), dtype=int)
    coverage = np.zeros((len(ids), width))
    for i, g in enumerate(groups):
        members[i, : len(g)] = [position[u] for u in g["unit_id"].astype(str)]
        if "coverage" in g.columns:
            coverage[i, : len(g)] = pd.to_numeric(g["coverage"], errors="coerce").fillna(0.0)
    return engine.Systems(ids, members, coverage, rule)


def system_scores(
    values: pd.DataFrame,
    membership: pd.DataFrame,
    *,
    rule: SystemRule = "best",
    directions: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Combine the bodies of each jurisdiction system, indicator by indicator.

    Parameters
    ----------
    values
        Units x indicators (raw codes or normalised scores).
    membership
        Columns ``system_id``, ``unit_id`` and, for ``coverage_weighted``, ``coverage``.
    rule
        ``"best"``: the best member value in the indicator's direction (a system has a power
        if any body has it); ``"coverage_weighted"``: mean weighted by coverage over members
        with a value; ``"mean"``: plain mean over members with a value.
    directions
        ``{indicator: 1 | -1 | "+" | "-"}``; default +1 for all (only ``best`` uses it).

    Returns
    -------
    pandas.DataFrame
        Systems x indicators; NaN where no member has a value.
    """
    systems = build_systems(membership, list(map(str, values.index)), rule)
    dirs = np.ones(values.shape[1])
    if directions is not None:
        dirs = np.array([parse_direction(directions.get(c, 1), str(c)) for c in values.columns])
    out = engine.combine_bodies(
        values.to_numpy(dtype=float)[None], systems.members, systems.coverage, rule, dirs
    )[0]
    return pd.DataFrame(out, index=pd.Index(systems.ids, name="system_id"), columns=values.columns)


def indicator_matrix(
    codings: pd.DataFrame,
    *,
    unit_ids: Sequence[str] | None = None,
    indicator_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Pivot consensus codings ``(unit_id, indicator_id, value, ...)`` to units x indicators.

    Values of rows whose ``status`` is not ``coded`` are treated as missing. ``unit_ids`` and
    ``indicator_ids`` fix the row and column order (and add empty rows/columns).

    Raises
    ------
    DataValidationError
        On duplicate ``(unit_id, indicator_id)`` rows.
    """
    data = codings.copy()
    dup = data.duplicated(["unit_id", "indicator_id"], keep=False)
    if dup.any():
        rows = data.loc[dup, ["unit_id", "indicator_id"]].drop_duplicates()
        problems = [
            f"codings: duplicate row for unit_id={u}, indicator_id={i}; expected one consensus row"
            for u, i in rows.itertuples(index=False)
        ]
        raise DataValidationError(problems)
    value = pd.to_numeric(data["value"], errors="coerce")
    if "status" in data.columns:
        value = value.where(data["status"] == "coded")
    data["value"] = value
    wide = data.pivot(index="unit_id", columns="indicator_id", values="value")
    if unit_ids is not None:
        wide = wide.reindex(list(unit_ids))
    if indicator_ids is not None:
        wide = wide.reindex(columns=list(indicator_ids))
    wide.index.name = "unit_id"
    wide.columns.name = None
    return wide.astype(float)


def meta_from_indicators(
    indicators: pd.DataFrame,
    *,
    index_code: str = "INDEX",
    dimension_weights: Mapping[str, float] | None = None,
    indicator_weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Build a three-level COINr-style meta table from the codebook's ``indicators`` table.

    Level 1 = indicators (``Parent`` = ``dimension_id``, ``Direction`` from ``direction``),
    Level 2 = dimensions (``Parent`` = ``index_code``), Level 3 = the index. Weights default to 1.
    """
    ind = indicators.copy()
    dims = list(dict.fromkeys(ind["dimension_id"].astype(str)))
    iw = indicator_weights or {}
    dw = dimension_weights or {}
    rows = [
        {
            "iCode": str(r.indicator_id),
            "Level": 1,
            "Parent": str(r.dimension_id),
            "Weight": float(iw.get(str(r.indicator_id), 1.0)),
            "Direction": parse_direction(getattr(r, "direction", 1), str(r.indicator_id)),
        }
        for r in ind.itertuples(index=False)
    ]
    rows += [
        {
            "iCode": d,
            "Level": 2,
            "Parent": index_code,
            "Weight": float(dw.get(d, 1.0)),
            "Direction": 1,
        }
        for d in dims
    ]
    rows.append({"iCode": index_code, "Level": 3, "Parent": None, "Weight": 1.0, "Direction": 1})
    return pd.DataFrame(rows)


def goalposts_from_indicators(indicators: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """``{indicator_id: (scale_min, scale_max)}`` from the codebook's ``indicators`` table."""
    columns = (indicators["indicator_id"], indicators["scale_min"], indicators["scale_max"])
    return {str(ind): (float(lo), float(hi)) for ind, lo, hi in zip(*columns, strict=True)}
