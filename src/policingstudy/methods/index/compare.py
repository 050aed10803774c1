"""Distances and gaps between Kazakhstan's system and the foreign models; nearest model; clusters.

Definitions (index points, on the scale of the scores given):

- **gap** of a model on a code (dimension or indicator): ``model score - origin score``;
  positive means the origin (Kazakhstan) is behind;
- **distance** on a dimension: ``|gap|``;
- **overall distance**: weighted root mean square of the dimension gaps,
  ``sqrt(sum_k w_k gap_k^2 / sum_k w_k)`` over dimensions both have, with ``w_k`` the dimension
  weights (equal by default). It equals the common per-dimension distance when all are equal;
- **nearest model**: the model with the smallest overall distance.

The Monte Carlo analysis uses :func:`rms_distance`, so its nominal draw reproduces
:func:`distances` exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy.cluster import hierarchy as sch
from scipy.spatial.distance import pdist, squareform

from policingstudy.core.errors import JoinError, SpecificationError
from policingstudy.core.types import check_option

Linkage = Literal["average", "complete", "single", "ward"]


def rms_distance(origin: np.ndarray, models: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted RMS distance over the last axis; ``origin (..., K)``, ``models (..., M, K)``."""
    diff = models - origin[..., None, :]
    valid = ~np.isnan(diff)
    w = np.where(valid, weights, 0.0)
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.sqrt((np.where(valid, diff, 0.0) ** 2 * w).sum(axis=-1) / total)
    return np.where(total > 0, out, np.nan)


def _check_rows(scores: pd.DataFrame, origin: str, models: Sequence[str] | None) -> list[str]:
    ids = list(map(str, scores.index))
    chosen = [m for m in ids if m != origin] if models is None else list(models)
    missing = [m for m in [origin, *chosen] if m not in ids]
    if missing:
        raise JoinError(f"scores: no row for {missing}; expected systems among {ids}")
    return chosen


def gap_table(
    scores: pd.DataFrame,
    *,
    origin: str,
    models: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Long table of gaps: ``model``, ``code``, ``origin_score``, ``model_score``, ``gap``.

    Parameters
    ----------
    scores
        Systems (rows) x codes (columns), e.g. the output of
        :func:`policingstudy.methods.index.composite.composite` for system rows.
    origin
        Row of Kazakhstan's system.
    models
        Rows of the models (default: every other row).
    codes
        Columns to compare (default: all).
    """
    chosen = _check_rows(scores, origin, models)
    cols = list(codes) if codes is not None else list(scores.columns)
    base = scores.loc[origin, cols].to_numpy(dtype=float)
    rows: list[dict[str, object]] = []
    for m in chosen:
        model = scores.loc[m, cols].to_numpy(dtype=float)
        rows.extend(
            {
                "model": m,
                "code": c,
                "origin_score": float(base[j]),
                "model_score": float(model[j]),
                "gap": float(model[j] - base[j]),
            }
            for j, c in enumerate(cols)
        )
    return pd.DataFrame(rows, columns=["model", "code", "origin_score", "model_score", "gap"])


def distances(
    scores: pd.DataFrame,
    *,
    origin: str,
    dimensions: Sequence[str],
    models: Sequence[str] | None = None,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Per-dimension and overall distance from ``origin`` to each model (module docstring).

    Returns
    -------
    pandas.DataFrame
        Index ``model``; one column per dimension (absolute gap) and ``overall``, sorted by
        ``overall`` (nearest first).
    """
    chosen = _check_rows(scores, origin, models)
    dims = list(dimensions)
    absent = [d for d in dims if d not in scores.columns]
    if absent:
        raise SpecificationError(f"distances: dimension column(s) {absent} not in scores")
    w = np.array([float((weights or {}).get(d, 1.0)) for d in dims])
    if np.any(~np.isfinite(w)) or np.any(w < 0):
        raise SpecificationError("distances: expected dimension weights >= 0")
    o = scores.loc[origin, dims].to_numpy(dtype=float)
    m = scores.loc[chosen, dims].to_numpy(dtype=float)
    out = pd.DataFrame(np.abs(m - o), index=pd.Index(chosen, name="model"), columns=dims)
    out["overall"] = rms_distance(o, m, w)
    return out.sort_values("overall", kind="stable")


def nearest_model(distance_table: pd.DataFrame) -> str:
    """Return the model with the smallest ``overall`` distance (first in case of a tie)."""
    return str(distance_table["overall"].idxmin())


def link_gaps(
    gaps: pd.DataFrame, linkage: pd.DataFrame, *, item_col: str, code_col: str = "indicator_id"
) -> pd.DataFrame:
    """Map indicator gaps to the thesis's problems or programme items.

    Parameters
    ----------
    gaps
        Output of :func:`gap_table` with indicator codes in ``code``.
    linkage
        One row per (item, indicator): ``item_col`` and ``code_col``.
    item_col
        Problem or programme-item id column (e.g. ``problem_id``, ``item_id``).
    code_col
        Indicator id column of ``linkage``.

    Returns
    -------
    pandas.DataFrame
        ``item_col``, ``model``, ``n_indicators`` (with a gap value), ``mean_gap``,
        ``max_gap`` and ``indicators`` (``;``-joined), one row per item and model.

    Raises
    ------
    JoinError
        If a linked indicator has no gap row (the join would lose it).
    """
    for col in (item_col, code_col):
        if col not in linkage.columns:
            raise SpecificationError(f"linkage: missing column {col!r}")
    known = set(gaps["code"].astype(str))
    lost = sorted(set(linkage[code_col].astype(str)) - known)
    if lost:
        raise JoinError(
            f"link_gaps: {len(lost)} linked indicator(s) have no gap: {lost[:10]}; "
            "expected every linked indicator among the gap codes"
        )
    merged = (
        linkage[[item_col, code_col]]
        .astype(str)
        .merge(gaps.assign(code=gaps["code"].astype(str)), left_on=code_col, right_on="code")
    )
    grouped = merged.groupby([item_col, "model"], sort=True)
    out = grouped.agg(
        n_indicators=("gap", "count"), mean_gap=("gap", "mean"), max_gap=("gap", "max")
    )
    out["indicators"] = grouped["code"].agg(lambda s: ";".join(sorted(s)))
    return out.reset_index()


@dataclass(frozen=True)
class ClusterResult:
    """Hierarchical clustering of rows (units or systems).

    Attributes
    ----------
    linkage
        SciPy linkage matrix.
    labels
        Row labels in the order clustered.
    dropped
        Rows left out because a feature was missing.
    method, metric
        Linkage method and distance metric.
    """

    linkage: np.ndarray
    labels: tuple[str, ...]
    dropped: tuple[str, ...]
    method: str
    metric: str

    def clusters(self, n: int) -> pd.Series:
        """Cluster number (1..n) of each row when the tree is cut into ``n`` clusters."""
        ids = sch.fcluster(self.linkage, t=n, criterion="maxclust")
        return pd.Series(ids, index=pd.Index(self.labels, name="row"), name="cluster")


def pairwise_rms(values: np.ndarray) -> np.ndarray:
    """Condensed distances: root mean square difference over the features both rows observe.

    NaN marks a missing feature. Every pair must share at least one observed feature.
    """
    observed = ~np.isnan(values)
    filled = np.where(observed, values, 0.0)
    shared = observed.astype(float) @ observed.T.astype(float)
    sq = (filled**2) @ observed.T + observed @ (filled**2).T - 2 * filled @ filled.T
    if (shared == 0).any():
        raise SpecificationError("pairwise_rms: some pairs of rows share no observed feature")
    dist = np.sqrt(np.maximum(sq, 0.0) / shared)
    np.fill_diagonal(dist, 0.0)
    return squareform(dist, checks=False)


def cluster(
    features: pd.DataFrame,
    *,
    method: Linkage = "average",
    metric: str = "euclidean",
    missing: Literal["drop", "pairwise"] = "drop",
) -> ClusterResult:
    """Agglomerative clustering of rows on their scores (SciPy).

    ``missing="drop"``: rows with a missing feature are left out. ``missing="pairwise"``: rows
    observing more than half of the features are kept (so any two share at least one), and the
    distance is the root mean square difference over the features both rows observe
    (:func:`pairwise_rms`; ``metric`` is then ignored and ``ward`` refused). Rows left out are
    listed in ``dropped`` (never silently).
    """
    check_option(method, get_args(Linkage), name="method")
    check_option(missing, ("drop", "pairwise"), name="missing")
    if method == "ward" and (metric != "euclidean" or missing == "pairwise"):
        raise SpecificationError("method='ward' needs metric='euclidean' and missing='drop'")
    if missing == "pairwise":
        enough = features.notna().sum(axis=1) > features.shape[1] / 2
        complete = features[enough]
    else:
        complete = features.dropna()
    dropped = tuple(map(str, features.index.difference(complete.index)))
    if len(complete) < 2:
        raise SpecificationError(
            f"cluster: {len(complete)} usable row(s) (dropped {len(dropped)}); expected >= 2"
        )
    values = complete.to_numpy(dtype=float)
    if missing == "pairwise":
        distances, metric = pairwise_rms(values), "pairwise_rms"
    else:
        distances = pdist(values, metric=metric)
    z = sch.linkage(distances, method=method)
    return ClusterResult(z, tuple(map(str, complete.index)), dropped, method, metric)
