"""Notebook 05's analysis: reform scenarios for Kazakhstan scored on notebook 04's scheme.

The index, the system rule, the Monte Carlo alternatives and the coding uncertainty are those of
notebook 04 (:mod:`policingstudy.studies.index`); every scenario is scored on the same draws as
the baseline (:func:`policingstudy.methods.index.scenarios.evaluate_scenarios`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policingstudy.core.cache import memoised
from policingstudy.methods.index import composite, uncertainty
from policingstudy.methods.index import scenarios as sc
from policingstudy.studies.design import ORIGIN, SYSTEM_RULE, alternatives, membership

BASELINE = sc.BASELINE


@dataclass(frozen=True)
class ScenarioAnalysis:
    """Everything notebook 05 shows.

    Attributes
    ----------
    scenarios
        The validated scenarios, in file order.
    result
        Baseline and scenarios scored on common draws.
    raised
        ``scenario_id, indicator_id, before, after``: indicators on which the scenario raises
        the value of Kazakhstan's system (best body per indicator; NaN = missing before).
    programme
        ``scenario_id, link_id, indicators``: article programme items linked to raised
        indicators.
    n_draws
        Number of Monte Carlo draws.
    """

    scenarios: tuple[sc.Scenario, ...]
    result: sc.ScenarioResult
    raised: pd.DataFrame
    programme: pd.DataFrame
    n_draws: int


def raised_indicators(
    values: pd.DataFrame,
    members: pd.DataFrame,
    chosen: Sequence[sc.Scenario],
    directions: dict[str, object],
) -> pd.DataFrame:
    """Indicators whose value in the origin's system rises under each scenario (``best`` rule)."""
    base = composite.system_scores(values, members, rule=SYSTEM_RULE, directions=directions)
    rows = []
    for s in chosen:
        new_values, new_members = sc.apply_scenario(values, s, membership=members, origin=ORIGIN)
        joined = new_members if new_members is not None else members
        after = composite.system_scores(new_values, joined, rule=SYSTEM_RULE, directions=directions)
        for code in values.columns:
            b, a = base.loc[ORIGIN, code], after.loc[ORIGIN, code]
            if pd.notna(a) and (pd.isna(b) or a > b):
                rows.append(
                    {"scenario_id": s.id, "indicator_id": str(code), "before": b, "after": a}
                )
    return pd.DataFrame(rows, columns=["scenario_id", "indicator_id", "before", "after"])


def programme_links(raised: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Article programme items linked to the indicators each scenario raises."""
    prog = links[links["link_type"] == "programme"][["link_id", "indicator_id"]]
    merged = raised[["scenario_id", "indicator_id"]].merge(prog, on="indicator_id", how="inner")
    grouped = merged.groupby(["scenario_id", "link_id"], sort=False)["indicator_id"]
    out = grouped.apply(lambda s: ", ".join(sorted(s))).rename("indicators").reset_index()
    return out.sort_values(["scenario_id", "link_id"], kind="stable").reset_index(drop=True)


@memoised
def analyse_scenarios(
    units: pd.DataFrame,
    codings: pd.DataFrame,
    indicators: pd.DataFrame,
    links: pd.DataFrame,
    chosen: Sequence[sc.Scenario],
    *,
    n_draws: int = 1000,
    seed: int = 20261126,
) -> ScenarioAnalysis:
    """Score the baseline and every scenario on common Monte Carlo draws (notebook 04's scheme).

    Nominal scheme: equal weights, min-max on the codebook scales, arithmetic means, ``best``
    system rule. The draws perturb weights (+-25%), switch between arithmetic and geometric
    aggregation and resample the uncertain codings (cells a scenario sets are pinned).
    """
    members = membership(units)
    unit_ids = list(members["unit_id"])
    ind_ids = list(indicators["indicator_id"].astype(str))
    cod = codings[codings["unit_id"].isin(unit_ids)]
    values = composite.indicator_matrix(cod, unit_ids=unit_ids, indicator_ids=ind_ids)
    meta = composite.meta_from_indicators(indicators)
    posts = composite.goalposts_from_indicators(indicators)
    directions: dict[str, object] = dict(zip(meta["iCode"], meta["Direction"], strict=True))
    norms, aggs = alternatives("minmax", "arithmetic")
    options = uncertainty.IndexOptions(
        normalise=norms, aggregate=aggs, goalposts=posts, system_rule=SYSTEM_RULE
    )
    coding = uncertainty.coding_alternatives(cod, scales=posts)
    with warnings.catch_warnings():
        # a model x dimension pair with no value on either side gives an all-NaN median
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        result = sc.evaluate_scenarios(
            values,
            meta,
            chosen,
            membership=members,
            origin=ORIGIN,
            n_draws=n_draws,
            rng=np.random.default_rng(seed),
            options=options,
            coding=coding,
        )
    raised = raised_indicators(values, members, chosen, directions)
    return ScenarioAnalysis(
        tuple(chosen), result, raised, programme_links(raised, links), int(n_draws)
    )
