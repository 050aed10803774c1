"""Figures of the comparative analysis (``ax=None`` in, Axes out); text comes from the caller.

These functions draw results of :mod:`policingstudy.analysis` and take every label as an
argument, so notebooks pass translated strings from the i18n catalogs.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from scipy.cluster import hierarchy as sch

from policingstudy.analysis.compare import ClusterResult


def plot_dendrogram(
    result: ClusterResult,
    ax: Axes | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    title: str = "",
    ylabel: str = "",
    color_threshold: float | None = None,
) -> Axes:
    """Dendrogram of a hierarchical clustering.

    Parameters
    ----------
    result
        Output of :func:`policingstudy.analysis.compare.cluster`.
    ax
        Axes to draw on; a new figure if None.
    labels
        Display label per row id (e.g. unit names in the report language); ids otherwise.
    title, ylabel
        Texts (already translated).
    color_threshold
        Height below which links share a cluster colour (SciPy's default if None).

    Returns
    -------
    Axes
        The axes drawn on; leaf labels are the tick labels of the x axis.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.0, 0.25 * len(result.labels)), 4))
    names = [(labels or {}).get(x, x) for x in result.labels]
    sch.dendrogram(
        result.linkage,
        labels=names,
        ax=ax,
        color_threshold=color_threshold,
        leaf_rotation=90,
    )
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    return ax


def plot_rank_intervals(
    summary: pd.DataFrame,
    ax: Axes | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    highlight: str | None = None,
    title: str = "",
    xlabel: str = "",
) -> Axes:
    """Median rank with the 5-95% rank interval per row (Monte Carlo summary).

    Parameters
    ----------
    summary
        :meth:`policingstudy.analysis.uncertainty.MonteCarloResult.summary` rows to show
        (``row_id``, ``rank_median``, ``rank_p05``, ``rank_p95``).
    ax
        Axes to draw on; a new figure if None.
    labels
        Display label per row id.
    highlight
        Row id drawn in a contrasting colour (e.g. Kazakhstan's system).
    title, xlabel
        Texts (already translated).

    Returns
    -------
    Axes
    """
    data = summary.sort_values("rank_median", ascending=False, kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, max(2.0, 0.3 * len(data))))
    names = [(labels or {}).get(r, r) for r in data["row_id"]]
    colours = ["C3" if r == highlight else "C0" for r in data["row_id"]]
    y = range(len(data))
    ax.hlines(y, data["rank_p05"], data["rank_p95"], colors=colours)
    ax.scatter(data["rank_median"], y, c=colours, zorder=3)
    ax.set_yticks(list(y), names)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return ax
