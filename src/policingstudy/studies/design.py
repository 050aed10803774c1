"""Design decisions of the study: which systems are compared and which bodies make up each.

Kazakhstan's system is compared with the three foreign models the article proposes to adapt
(England & Wales, the United States, Germany). A jurisdiction's *system* is made of its
hand-coded bodies (``kind != "no_body"``), combined indicator by indicator with
:data:`SYSTEM_RULE`.
"""

from __future__ import annotations

import pandas as pd

from policingstudy.core.types import Aggregate, Normalise
from policingstudy.methods.index import composite

SYSTEMS: tuple[str, ...] = ("KZ", "UK-EW", "US", "DE")
ORIGIN = "KZ"
SYSTEM_RULE: composite.SystemRule = "best"


def membership(units: pd.DataFrame) -> pd.DataFrame:
    """``system_id, unit_id``: the hand-coded bodies (not ``no_body``) of each jurisdiction."""
    body = units[(units["origin"] == "hand_coded") & (units["kind"] != "no_body")]
    body = body[body["jurisdiction"].isin(SYSTEMS)]
    order = body["jurisdiction"].map({s: i for i, s in enumerate(SYSTEMS)})
    body = body.assign(_o=order).sort_values(["_o", "unit_id"], kind="stable")
    return pd.DataFrame(
        {
            "system_id": body["jurisdiction"].astype(str).to_numpy(),
            "unit_id": body["unit_id"].astype(str).to_numpy(),
        }
    )


def alternatives(
    normalise: Normalise, aggregate: Aggregate
) -> tuple[tuple[Normalise, ...], tuple[Aggregate, ...]]:
    """Normalisations and aggregations sampled by the Monte Carlo (nominal first)."""
    others: tuple[Aggregate, ...] = ("arithmetic", "geometric")
    aggs: list[Aggregate] = [aggregate, *(a for a in others if a != aggregate)]
    if normalise == "zscore":
        aggs = [a for a in aggs if a != "geometric"] or ["arithmetic"]
    return (normalise,), tuple(aggs)
