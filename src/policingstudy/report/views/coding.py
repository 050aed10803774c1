"""How the coding was checked (notebooks 02 and 03): double coding, reliability, bias, audit.

Tables show, for the jurisdictions of a notebook: how many cells a second coder coded
independently; Krippendorff's alpha in two variants (coded values only; and counting "one coder
found a value, the other did not" as a disagreement) with bootstrap intervals; a sign test of
the coders' differences; how disagreements were settled; and the audit of the cells that
decide each system's score.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.i18n.format import number
from policingstudy.report.numbers import Numbers
from policingstudy.report.tables import localise

THRESHOLD = 0.667
"""Krippendorff's lowest alpha for tentative conclusions."""


def _jurisdiction(code: str, lang: Lang) -> str:
    return (
        t(f"dataset.jur_{code.replace('-', '_')}", lang)
        if code != "all"
        else t("coding.all_jurisdictions", lang)
    )


def double_coding(by_coder: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Per jurisdiction: hand-coded cells, cells a second coder also coded, and the share.

    ``by_coder`` is the processed ``codings_by_coder`` table; adjudication rows do not count.
    """
    hand = units[units["origin"] == "hand_coded"][["unit_id", "jurisdiction"]]
    rows = by_coder[by_coder["coder"].isin(("c1", "c2"))].merge(hand, on="unit_id")
    coders = rows.groupby(["jurisdiction", "unit_id", "indicator_id"])["coder"].nunique()
    out = coders.groupby(level="jurisdiction").agg(
        cells="size", double=lambda s: int((s >= 2).sum())
    )
    out["share"] = out["double"] / out["cells"] * 100
    return out.reset_index()


def double_coding_table(table: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """:func:`double_coding` with translated headers and jurisdiction names."""
    shown = table.assign(name=[_jurisdiction(j, lang) for j in table["jurisdiction"]])
    return localise(
        shown,
        {
            "name": "dataset.col_jurisdiction",
            "cells": "coding.col_cells",
            "double": "coding.col_double",
            "share": "coding.col_share",
        },
        lang,
        digits={"share": 1},
    )


def _interval(low: float, high: float, lang: Lang) -> str:
    if pd.isna(low) or pd.isna(high):
        return "—"
    return f"{number(low, lang, digits=2)}…{number(high, lang, digits=2)}"


def reliability_table(
    reliability: pd.DataFrame,
    dimensions: pd.DataFrame,
    jurisdictions: Sequence[str],
    lang: Lang,
) -> pd.DataFrame:
    """Alpha by jurisdiction and dimension, both variants side by side, with 95% intervals.

    Rows are each jurisdiction's dimensions and its "all dimensions" row; a value below 0.667 is
    marked with an asterisk.
    """
    labels = dimensions.set_index("dimension_id")[f"label_{lang}"].to_dict()
    labels["all"] = t("dataset.overall", lang)
    rows = []
    for jur in jurisdictions:
        part = reliability[reliability["jurisdiction"] == jur]
        for dim in [*sorted(d for d in set(part["dimension"]) if d != "all"), "all"]:
            both = part[part["dimension"] == dim].set_index("variant")
            if both.empty:
                continue
            row = {"jurisdiction": _jurisdiction(jur, lang), "dimension": labels.get(dim, dim)}
            for variant in ("values", "status"):
                r = both.loc[variant]
                alpha = r["alpha"]
                text = "—" if pd.isna(alpha) else number(alpha, lang, digits=2)
                if pd.notna(alpha) and alpha < THRESHOLD:
                    text += "*"
                row[f"alpha_{variant}"] = text
                row[f"ci_{variant}"] = _interval(r["ci_low"], r["ci_high"], lang)
                row[f"n_{variant}"] = int(r["n_items"])
            rows.append(row)
    frame = pd.DataFrame(
        rows,
        columns=[
            "jurisdiction",
            "dimension",
            *(f"{k}_{v}" for v in ("values", "status") for k in ("alpha", "ci", "n")),
        ],
    )
    return localise(
        frame,
        {
            "jurisdiction": "dataset.col_jurisdiction",
            "dimension": "dataset.col_dimension",
            "alpha_values": "coding.col_alpha_values",
            "ci_values": "coding.col_ci",
            "n_values": "coding.col_n_items",
            "alpha_status": "coding.col_alpha_status",
            "ci_status": "coding.col_ci",
            "n_status": "coding.col_n_items",
        },
        lang,
    )


def bias_table(bias: pd.DataFrame, jurisdictions: Sequence[str], lang: Lang) -> pd.DataFrame:
    """The sign test of the coders' differences for the given jurisdictions (and all)."""
    shown = bias[bias["jurisdiction"].isin([*jurisdictions, "all"])].copy()
    shown["name"] = [_jurisdiction(j, lang) for j in shown["jurisdiction"]]
    return localise(
        shown,
        {
            "name": "dataset.col_jurisdiction",
            "n_pairs": "coding.col_pairs",
            "n_higher_first": "coding.col_higher_first",
            "n_higher_second": "coding.col_higher_second",
            "p_value": "coding.col_p_value",
        },
        lang,
        digits={"p_value": 3},
    )


def adjudication_summary(codings: pd.DataFrame, unit_ids: Sequence[str]) -> pd.DataFrame:
    """How the consensus value of each double-coded cell was decided (the rule's step)."""
    part = codings[codings["unit_id"].isin(unit_ids) & (codings["n_coders"] >= 2)]
    out = part.groupby("rule").size().rename("cells").reset_index()
    return out.sort_values("cells", ascending=False, ignore_index=True)


def adjudication_table(summary: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """:func:`adjudication_summary` with the rule in words."""
    shown = summary.assign(
        rule_text=[t(f"coding.rule_{r.replace(' ', '_')}", lang) for r in summary["rule"]]
    )
    return localise(shown, {"rule_text": "coding.col_rule", "cells": "coding.col_cells"}, lang)


def audit_summary(decisive: pd.DataFrame, jurisdictions: Sequence[str]) -> pd.DataFrame:
    """Per jurisdiction: decisive cells, how many cite a primary source, how many are flagged."""
    part = decisive[decisive["jurisdiction"].isin(jurisdictions)]
    out = part.groupby("jurisdiction").agg(
        decisive=("unit_id", "size"),
        primary=("primary", "sum"),
        flagged=("flag", lambda s: int((s != "").sum())),
        news=("source_type", lambda s: int((s == "news").sum())),
    )
    return out.reset_index()


def audit_table(summary: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """:func:`audit_summary` with translated headers."""
    shown = summary.assign(name=[_jurisdiction(j, lang) for j in summary["jurisdiction"]])
    return localise(
        shown,
        {
            "name": "dataset.col_jurisdiction",
            "decisive": "coding.col_decisive",
            "primary": "coding.col_primary",
            "flagged": "coding.col_flagged",
            "news": "coding.col_news",
        },
        lang,
    )


def coding_numbers(
    reliability: pd.DataFrame,
    double: pd.DataFrame,
    jurisdictions: Sequence[str],
    nums: Numbers,
) -> Numbers:
    """Numbers the coding section quotes: alpha of each variant over the notebook's items.

    ``n_below_threshold`` counts the dimension rows of :func:`reliability_table` marked with an
    asterisk (a row has both variants; it counts once when either is below the threshold).
    """
    for jur in jurisdictions:
        key = jur.lower().replace("-", "_")
        row = double[double["jurisdiction"] == jur]
        if len(row):
            nums.add(f"double_share_{key}", float(row["share"].iloc[0]), digits=1)
        part = reliability[
            (reliability["jurisdiction"] == jur) & (reliability["dimension"] == "all")
        ]
        for _, r in part.iterrows():
            if pd.notna(r["alpha"]):
                nums.add(f"alpha_{r['variant']}_{key}", float(r["alpha"]), digits=2)
                nums.add(f"alpha_{r['variant']}_{key}_low", float(r["ci_low"]), digits=2)
                nums.add(f"alpha_{r['variant']}_{key}_high", float(r["ci_high"]), digits=2)
    low = reliability[
        reliability["jurisdiction"].isin(jurisdictions)
        & (reliability["dimension"] != "all")
        & reliability["below_threshold"]
        & reliability["alpha"].notna()
    ]
    nums.add("n_below_threshold", int(len(low[["jurisdiction", "dimension"]].drop_duplicates())))
    return nums
