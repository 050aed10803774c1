"""Notebook 04's analysis: the composite index of each system, its uncertainty and sensitivity.

The jurisdiction systems are those of :mod:`policingstudy.studies.design`, combined indicator by
indicator with the ``best`` rule of :func:`policingstudy.methods.index.composite.system_scores`.
Cells whose status is ``unknown`` or ``not_applicable`` are missing; aggregates are the weighted
means of the available children.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from policingstudy.core.cache import memoised
from policingstudy.core.types import Aggregate, Normalise, Weighting
from policingstudy.methods.index import compare, composite, sensitivity, uncertainty
from policingstudy.studies.design import ORIGIN, SYSTEM_RULE, alternatives, membership


@dataclass(frozen=True)
class IndexAnalysis:
    """Everything notebook 04 shows.

    Attributes
    ----------
    scores
        Units then systems x (normalised indicators, dimensions, ``INDEX``), nominal scheme.
    kinds
        ``"unit"`` or ``"system"`` per row of ``scores``.
    dimensions
        Dimension codes.
    mc
        Monte Carlo result (units and systems).
    distances
        Per-dimension and overall distance from Kazakhstan's system to each model.
    gaps
        Indicator-level gaps (model - Kazakhstan) from :func:`compare.gap_table`.
    linked
        Gaps linked to the article's problems and programme items (``link_type`` column).
    sobol
        Sobol indices of Kazakhstan's overall gap per model and input group.
    tree
        Hierarchical clustering of the units on their dimension scores.
    n_uncertain
        Number of coding cells sampled in the Monte Carlo.
    """

    scores: pd.DataFrame
    kinds: pd.Series
    dimensions: tuple[str, ...]
    mc: uncertainty.MonteCarloResult
    distances: pd.DataFrame
    gaps: pd.DataFrame
    linked: pd.DataFrame
    sobol: pd.DataFrame
    tree: compare.ClusterResult
    n_uncertain: int


@memoised
def analyse_index(
    units: pd.DataFrame,
    codings: pd.DataFrame,
    indicators: pd.DataFrame,
    links: pd.DataFrame,
    *,
    weighting: Weighting = "equal",
    normalise: Normalise = "minmax",
    aggregate: Aggregate = "arithmetic",
    n_draws: int = 2000,
    seed: int = 20261126,
    n_base: int = 256,
) -> IndexAnalysis:
    """Composite index, Monte Carlo, distances, linked gaps, Sobol indices and clustering.

    Min-max normalisation uses the codebook scales (goalposts), so scores do not depend on which
    units are included. The Monte Carlo perturbs weights (+-25%), the aggregation method
    and the uncertain codings (coder disagreements; low-confidence cells +-1 point).
    ``seed`` seeds one generator used first by the Monte Carlo, then by the Sobol sample.
    """
    members = membership(units)
    unit_ids = list(members["unit_id"])
    ind_ids = list(indicators["indicator_id"].astype(str))
    cod = codings[codings["unit_id"].isin(unit_ids)]
    values = composite.indicator_matrix(cod, unit_ids=unit_ids, indicator_ids=ind_ids)
    meta = composite.meta_from_indicators(indicators)
    posts = composite.goalposts_from_indicators(indicators)
    dirs = dict(zip(meta["iCode"], meta["Direction"], strict=True))
    systems = composite.system_scores(values, members, rule=SYSTEM_RULE, directions=dirs)
    goal = posts if normalise in ("minmax", "distance") else None
    scores = composite.composite(
        values,
        meta,
        normalise=normalise,
        aggregate=aggregate,
        goalposts=goal,
        weighting=weighting,
        extra_rows=systems,
    )
    kinds = pd.Series(["unit"] * len(values) + ["system"] * len(systems), index=scores.index)
    norms, aggs = alternatives(normalise, aggregate)
    options = uncertainty.IndexOptions(
        normalise=norms,
        aggregate=aggs,
        goalposts=goal,
        weighting=weighting,
        system_rule=SYSTEM_RULE,
    )
    coding = uncertainty.coding_alternatives(cod, scales=posts)
    rng = np.random.default_rng(seed)
    mc = uncertainty.monte_carlo(
        values,
        meta,
        n_draws=n_draws,
        rng=rng,
        options=options,
        membership=members,
        coding=coding,
        origin=ORIGIN,
    )
    dims = tuple(str(d) for d in dict.fromkeys(indicators["dimension_id"].astype(str)))
    sys_scores = scores[kinds == "system"]
    dist = compare.distances(sys_scores, origin=ORIGIN, dimensions=dims)
    gaps = compare.gap_table(sys_scores, origin=ORIGIN, codes=ind_ids)
    linked = pd.concat(
        [
            compare.link_gaps(gaps, links[links["link_type"] == kind], item_col="link_id").assign(
                link_type=kind
            )
            for kind in ("problem", "programme")
        ],
        ignore_index=True,
    )
    sobol = sensitivity.gap_sensitivity(
        values,
        meta,
        membership=members,
        origin=ORIGIN,
        n_base=n_base,
        rng=rng,
        options=options,
        coding=coding,
        n_bootstrap=200,
    )
    tree = compare.cluster(scores.loc[kinds == "unit", list(dims)], missing="pairwise")
    return IndexAnalysis(
        scores, kinds, dims, mc, dist, gaps, linked, sobol, tree, len(coding.cells)
    )
