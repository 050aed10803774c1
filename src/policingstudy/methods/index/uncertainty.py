"""Monte Carlo uncertainty analysis over construction choices and over the coding itself.

Each draw perturbs every weight (uniform within +-``weight_spread`` of its nominal value), picks a
normalisation and an aggregation among the listed options, and draws a value for each uncertain
coding cell (see :func:`coding_alternatives`); the index is then recomputed for every unit and
every jurisdiction system (:mod:`~.draws`). All draws are computed with numpy
arrays, chunk by chunk; there is no Python loop per draw.

Outputs (:class:`MonteCarloResult`): score and rank distributions per unit and per system, median
rank and the 5th-95th percentile rank interval, and the probability that each foreign model is
the nearest to Kazakhstan's system (overall distance of :mod:`policingstudy.methods.index.compare`).
Units are ranked among units, systems among systems (1 = highest score).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policingstudy.core.errors import SpecificationError
from policingstudy.methods.index import draws as dr
from policingstudy.methods.index.compare import rms_distance
from policingstudy.methods.index.engine import rank_descending
from policingstudy.methods.reliability import ITEM

CodingUncertainty = dr.CodingUncertainty
IndexOptions = dr.IndexOptions
PERCENTILES = (5.0, 95.0)


def coding_alternatives(
    codings: pd.DataFrame,
    *,
    scales: Mapping[str, Sequence[float]],
    by_coder: pd.DataFrame | None = None,
    band_confidence: Sequence[str] = ("low",),
    band: float = 1.0,
    coder_col: str = "coder",
) -> CodingUncertainty:
    """Candidate values for the cells whose coding is uncertain.

    Parameters
    ----------
    codings
        Consensus table (``unit_id``, ``indicator_id``, ``value``, ``status``, ``confidence``;
        ``coder_values`` from :func:`~policingstudy.methods.reliability.reconcile` is used when
        ``by_coder`` is not given).
    scales
        ``{indicator_id: (scale_min, scale_max)}``.
    by_coder
        Long coder table; where coders gave different coded values the cell's candidates are
        the coders' values, each with probability proportional to the number of coders giving it.
        Cells whose consensus is missing (``unknown``, ``not_applicable``) stay missing in every
        draw.
    band_confidence
        Confidence levels treated as uncertain when coders did not disagree.
    band
        Half-width of the band for those cells: candidates ``value - band``, ``value``,
        ``value + band`` clipped to the scale (duplicates removed), equally likely.
    coder_col
        Coder column of ``by_coder``.

    Returns
    -------
    CodingUncertainty

    Notes
    -----
    The band draws ``v - 1``, ``v`` and ``v + 1`` with equal probability, clipped to the scale,
    independently for every cell. Combined with a "best body" system rule it is biased upwards
    (the best of many independently perturbed cells rises more often than it falls). For an
    error model centred on the coded values see :mod:`~.measurement`.
    """
    candidates: dict[tuple[str, str], dict[float, float]] = {}
    sources: dict[tuple[str, str], str] = {}
    coded = codings
    if "status" in codings.columns:
        coded = codings[codings["status"] == "coded"]
    coded = coded[pd.to_numeric(coded["value"], errors="coerce").notna()]
    consensus = set(
        zip(coded["unit_id"].astype(str), coded["indicator_id"].astype(str), strict=True)
    )
    if by_coder is not None:
        value = pd.to_numeric(by_coder["value"], errors="coerce")
        if "status" in by_coder.columns:
            value = value.where(by_coder["status"] == "coded")
        answers = by_coder.assign(_v=value).dropna(subset=["_v"])
        for key, g in answers.groupby(list(ITEM), sort=True):
            counts = g.groupby("_v")[coder_col].nunique()
            k = (str(key[0]), str(key[1]))
            if len(counts) > 1 and k in consensus:
                candidates[k] = {
                    float(v): float(c) for v, c in zip(counts.index, counts.to_numpy(), strict=True)
                }
                sources[k] = "coders"
    elif "coder_values" in codings.columns:
        for u, i, text in codings[[*ITEM, "coder_values"]].itertuples(index=False):
            values = [float(v) for v in str(text).split(";") if v not in ("", "nan")]
            if len(set(values)) > 1 and (str(u), str(i)) in consensus:
                candidates[(str(u), str(i))] = dict.fromkeys(values, 1.0)
                sources[(str(u), str(i))] = "coders"
    if "confidence" in coded.columns:
        low = coded[coded["confidence"].isin(list(band_confidence))]
        for u, i, v in low[[*ITEM, "value"]].itertuples(index=False):
            k = (str(u), str(i))
            if k in candidates or pd.isna(v):
                continue
            if i not in scales:
                raise SpecificationError(f"coding_alternatives: no scale for indicator {i!r}")
            lo, hi = (float(s) for s in scales[i])
            band_values = sorted({min(max(float(v) + s, lo), hi) for s in (-band, 0.0, band)})
            if len(band_values) > 1:
                candidates[k] = dict.fromkeys(band_values, 1.0)
                sources[k] = "band"
    keys = sorted(candidates)
    width = max((len(candidates[k]) for k in keys), default=1)
    values_arr = np.full((len(keys), width), np.nan)
    probs = np.zeros((len(keys), width))
    for r, k in enumerate(keys):
        vals = sorted(candidates[k])
        weight = np.array([candidates[k][v] for v in vals])
        values_arr[r, : len(vals)] = vals
        probs[r, : len(vals)] = weight / weight.sum()
    cells = pd.DataFrame(
        [(u, i, sources[(u, i)]) for u, i in keys], columns=["unit_id", "indicator_id", "source"]
    )
    return CodingUncertainty(cells, values_arr, probs)


@dataclass(frozen=True)
class MonteCarloResult:
    """Score and rank distributions of a Monte Carlo run.

    Attributes
    ----------
    row_ids, kinds
        Units then systems, and ``"unit"``/``"system"`` for each.
    codes
        Aggregate codes (columns of ``scores``).
    index_code, dimension_codes
        The overall index and the codes one level below it.
    scores
        ``(n_draws, n_rows, n_codes)`` scores.
    ranks
        ``(n_draws, n_rows)`` rank of the index among units (units) or systems (systems).
    nominal
        ``(n_rows, n_codes)`` scores of the nominal draw.
    nominal_ranks
        ``(n_rows,)`` ranks of the nominal draw.
    choices
        Normalisation and aggregation used by each draw.
    origin, models
        Kazakhstan's system and the compared models (empty without systems).
    distances
        ``(n_draws, n_models)`` overall distance from the origin to each model.
    nominal_distances
        ``(n_models,)`` distances of the nominal draw.
    """

    row_ids: tuple[str, ...]
    kinds: tuple[str, ...]
    codes: tuple[str, ...]
    index_code: str
    dimension_codes: tuple[str, ...]
    scores: np.ndarray
    ranks: np.ndarray
    nominal: np.ndarray
    nominal_ranks: np.ndarray
    choices: pd.DataFrame
    origin: str | None
    models: tuple[str, ...]
    distances: np.ndarray
    nominal_distances: np.ndarray

    def index_draws(self) -> pd.DataFrame:
        """Draws x rows table of the overall index."""
        k = self.codes.index(self.index_code)
        return pd.DataFrame(self.scores[:, :, k], columns=list(self.row_ids))

    def summary(self) -> pd.DataFrame:
        """Per row: nominal, median and 5-95% interval of the index score and of the rank."""
        k = self.codes.index(self.index_code)
        s = self.scores[:, :, k]
        lo, hi = PERCENTILES
        with np.errstate(invalid="ignore"):
            table = pd.DataFrame(
                {
                    "row_id": self.row_ids,
                    "kind": self.kinds,
                    "score_nominal": self.nominal[:, k],
                    "score_median": np.nanmedian(s, axis=0),
                    "score_p05": np.nanpercentile(s, lo, axis=0),
                    "score_p95": np.nanpercentile(s, hi, axis=0),
                    "rank_nominal": self.nominal_ranks,
                    "rank_median": np.nanpercentile(self.ranks, 50, axis=0, method="inverted_cdf"),
                    "rank_p05": np.nanpercentile(self.ranks, lo, axis=0, method="inverted_cdf"),
                    "rank_p95": np.nanpercentile(self.ranks, hi, axis=0, method="inverted_cdf"),
                }
            )
        return table

    def nearest_probability(self) -> pd.DataFrame:
        """Share of draws in which each model is the nearest to the origin (ties: first model)."""
        if not self.models:
            raise SpecificationError("nearest_probability: the run had no origin/model systems")
        valid = ~np.all(np.isnan(self.distances), axis=1)
        nearest = np.argmin(np.where(np.isnan(self.distances), np.inf, self.distances), axis=1)
        counts = np.bincount(nearest[valid], minlength=len(self.models))
        table = pd.DataFrame(
            {
                "model": self.models,
                "probability": counts / max(int(valid.sum()), 1),
                "distance_nominal": self.nominal_distances,
                "distance_median": np.nanmedian(self.distances, axis=0),
                "distance_p05": np.nanpercentile(self.distances, PERCENTILES[0], axis=0),
                "distance_p95": np.nanpercentile(self.distances, PERCENTILES[1], axis=0),
            }
        )
        return table.sort_values("probability", ascending=False, kind="stable")


def group_ranks(index_scores: np.ndarray, kinds: Sequence[str]) -> np.ndarray:
    """Ranks ``(D, N)`` of the index within units and within systems separately."""
    out = np.full(index_scores.shape, np.nan)
    kind = np.asarray(kinds)
    for value in ("unit", "system"):
        cols = np.flatnonzero(kind == value)
        if len(cols):
            out[:, cols] = rank_descending(index_scores[:, cols])
    return out


def system_distances(
    prep: dr.Prepared, scores: np.ndarray, origin: str, models: Sequence[str]
) -> np.ndarray:
    """Overall distance ``(D, M)`` from ``origin`` to each model on the dimension scores."""
    hierarchy = prep.hierarchy
    codes = hierarchy.aggregates
    dims = hierarchy.dimensions
    if any(d not in codes for d in dims):
        raise SpecificationError("distances need an index with at least three levels")
    cols = [codes.index(d) for d in dims]
    rows = list(prep.row_ids)
    o = scores[:, rows.index(origin), :][:, cols]
    m = scores[:, [rows.index(x) for x in models], :][:, :, cols]
    return rms_distance(o, m, hierarchy.steps[-1].weights)


def check_origin(
    prep: dr.Prepared, origin: str | None, models: Sequence[str] | None
) -> tuple[str, ...]:
    """Validate the origin and model system ids; return the models (default: other systems)."""
    if origin is None:
        if models:
            raise SpecificationError("models given without origin")
        return ()
    if prep.systems is None:
        raise SpecificationError("origin given without membership (no systems to compare)")
    ids = prep.systems.ids
    chosen = tuple(m for m in ids if m != origin) if models is None else tuple(models)
    missing = [s for s in (origin, *chosen) if s not in ids]
    if missing:
        raise SpecificationError(f"systems {missing} are not in membership; expected some of {ids}")
    return chosen


def check_draws(n_draws: int) -> None:
    """Refuse a non-positive number of draws before any computation."""
    if int(n_draws) != n_draws or n_draws < 1:
        raise SpecificationError(f"n_draws: expected a positive integer, got {n_draws!r}")


def monte_carlo(
    values: pd.DataFrame,
    meta: pd.DataFrame,
    *,
    n_draws: int,
    rng: np.random.Generator,
    options: IndexOptions | None = None,
    membership: pd.DataFrame | None = None,
    coding: CodingUncertainty | None = None,
    origin: str | None = None,
    models: Sequence[str] | None = None,
    chunk_size: int = 500,
    single_precision: bool = True,
) -> MonteCarloResult:
    """Run the Monte Carlo uncertainty analysis.

    Parameters
    ----------
    values
        Units x indicators, consensus codings (raw scale).
    meta
        COINr-style structure (single top code).
    n_draws
        Number of draws (>= 1).
    rng
        The only source of randomness.
    options
        Nominal scheme and uncertain choices (:class:`IndexOptions`).
    membership
        ``system_id``, ``unit_id`` (and ``coverage``): jurisdiction systems to score.
    coding
        Uncertain coding cells (:func:`coding_alternatives`).
    origin
        System id of Kazakhstan, for distances and the nearest-model probabilities.
    models
        Model system ids (default: every other system).
    chunk_size
        Draws processed at once (memory vs speed).
    single_precision
        Compute draws in float32 (faster; about 7 significant digits). The nominal draw is
        always computed in float64.

    Returns
    -------
    MonteCarloResult
    """
    check_draws(n_draws)
    prep = dr.prepare(values, meta, options or IndexOptions(), membership=membership, coding=coding)
    if len(prep.hierarchy.top) != 1:
        raise SpecificationError(
            f"monte_carlo: expected one top-level index code, found {list(prep.hierarchy.top)}"
        )
    chosen = check_origin(prep, origin, models)
    plan = dr.plan_from_unit(prep, rng.random((int(n_draws), prep.n_inputs)))
    dtype = np.float32 if single_precision else np.float64
    scores = dr.run(prep, plan, chunk_size=chunk_size, dtype=dtype)
    nominal = dr.run(prep, dr.nominal_plan(prep))[0]
    return assemble(prep, plan, scores, nominal, origin, chosen)


def assemble(
    prep: dr.Prepared,
    plan: dr.Plan,
    scores: np.ndarray,
    nominal: np.ndarray,
    origin: str | None,
    models: tuple[str, ...],
) -> MonteCarloResult:
    """Collect run outputs into a :class:`MonteCarloResult`."""
    codes = prep.hierarchy.aggregates
    k = codes.index(prep.hierarchy.top[0])
    kinds = ("unit",) * len(prep.unit_ids) + ("system",) * (len(prep.row_ids) - len(prep.unit_ids))
    ranks = group_ranks(scores[:, :, k], kinds)
    nominal_ranks = group_ranks(nominal[None, :, k], kinds)[0]
    if origin is not None:
        dist = system_distances(prep, scores, origin, models)
        nominal_dist = system_distances(prep, nominal[None], origin, models)[0]
    else:
        dist, nominal_dist = np.zeros((len(scores), 0)), np.zeros(0)
    choices = pd.DataFrame(
        {
            "normalise": np.asarray(prep.normalise)[plan.normalise],
            "aggregate": np.asarray(prep.aggregate)[plan.aggregate],
        }
    )
    return MonteCarloResult(
        prep.row_ids,
        kinds,
        codes,
        codes[k],
        prep.hierarchy.dimensions,
        scores,
        ranks,
        nominal,
        nominal_ranks,
        choices,
        origin,
        models,
        dist,
        nominal_dist,
    )
