"""Notebook 05 (reform scenarios): numbers, tables and figures of the scenario analysis."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.i18n.format import number
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import localise_axes
from policingstudy.report.tables import localise, with_locale
from policingstudy.report.views.index import dimension_labels, row_label
from policingstudy.studies.design import SYSTEMS
from policingstudy.studies.scenarios import BASELINE, ScenarioAnalysis


def scenario_label(a: ScenarioAnalysis, scenario_id: str, lang: Lang) -> str:
    """Label of a scenario in ``lang`` (the baseline's from the catalog)."""
    if scenario_id == BASELINE:
        return t("scenarios.baseline", lang)
    return next(s.label[lang] for s in a.scenarios if s.id == scenario_id)


def mean_closed(a: ScenarioAnalysis) -> pd.DataFrame:
    """Scenarios x dimensions: nominal gap closed (index points), mean over the models."""
    g = a.result.gaps
    g = g[g["scenario_id"] != BASELINE]
    table = g.pivot_table(
        index="scenario_id",
        columns="dimension",
        values="closed_nominal",
        aggfunc="mean",
        sort=False,
    )
    return table.astype("float64")


def scenario_numbers(a: ScenarioAnalysis, nums: Numbers | None = None) -> Numbers:
    """Numbers quoted by notebook 05 (identical in every language)."""
    nums = nums or Numbers()
    s = a.result.summary.set_index("scenario_id")
    nums.add("n_scenarios", len(a.scenarios))
    nums.add("n_draws", a.n_draws)
    nums.add("n_systems", len(SYSTEMS))
    for sid in s.index:
        nums.add(f"index_{sid}", float(s.loc[sid, "index_nominal"]), digits=1)
        nums.add(f"index_p05_{sid}", float(s.loc[sid, "index_p05"]), digits=1)
        nums.add(f"index_p95_{sid}", float(s.loc[sid, "index_p95"]), digits=1)
        nums.add(f"rank_median_{sid}", int(s.loc[sid, "rank_median"]))
        nums.add(f"rank_p05_{sid}", int(s.loc[sid, "rank_p05"]))
        nums.add(f"rank_p95_{sid}", int(s.loc[sid, "rank_p95"]))
        change = float(s.loc[sid, "index_nominal"]) - float(s.loc[BASELINE, "index_nominal"])
        nums.add(f"change_{sid}", change, digits=1)
    reforms = s.drop(index=BASELINE)
    ranked = reforms["index_nominal"].astype(float).sort_values(ascending=False, kind="stable")
    top, second = str(ranked.index[0]), str(ranked.index[1])
    base = float(s.loc[BASELINE, "index_nominal"])
    for name, sid in (("top", top), ("second", second)):
        nums.add(f"{name}_index", float(s.loc[sid, "index_nominal"]), digits=1)
        nums.add(f"{name}_change", float(s.loc[sid, "index_nominal"]) - base, digits=1)
        nums.add(f"{name}_rank_median", int(s.loc[sid, "rank_median"]))
        nums.add(f"{name}_rank_p05", int(s.loc[sid, "rank_p05"]))
        nums.add(f"{name}_rank_p95", int(s.loc[sid, "rank_p95"]))
        nums.add(f"{name}_p_best", float(s.loc[sid, "p_best"]) * 100, digits=1)
    nums.add("p_top_beats_second", float(a.result.ordering.loc[top, second]) * 100, digits=1)
    nums.add("p_top_beats_baseline", float(a.result.ordering.loc[top, BASELINE]) * 100, digits=1)
    nums.add("top_closed_max", float(mean_closed(a).loc[top].max()), digits=1)
    nums.add("n_no_effect", sum(is_control(a, x.id) for x in a.scenarios))
    return nums


def is_control(a: ScenarioAnalysis, scenario_id: str) -> bool:
    """True when the scenario leaves the nominal index and every nominal gap unchanged."""
    s = a.result.summary.set_index("scenario_id")
    g = a.result.gaps
    same_index = bool(
        np.isclose(s.loc[scenario_id, "index_nominal"], s.loc[BASELINE, "index_nominal"])
    )
    closed = g.loc[g["scenario_id"] == scenario_id, "closed_nominal"].astype(float)
    return same_index and bool(np.allclose(closed.fillna(0.0), 0.0))


def top_scenarios(a: ScenarioAnalysis) -> tuple[str, str]:
    """Ids of the two reforms with the highest nominal index for Kazakhstan (first wins ties)."""
    s = a.result.summary.set_index("scenario_id").drop(index=BASELINE)
    ranked = s["index_nominal"].astype(float).sort_values(ascending=False, kind="stable")
    return str(ranked.index[0]), str(ranked.index[1])


def definition_table(a: ScenarioAnalysis, lang: Lang) -> pd.DataFrame:
    """Scenario label, foreign model borrowed from, and rationale (English, as in the file)."""
    frame = pd.DataFrame(
        {
            "label": [s.label[lang] for s in a.scenarios],
            "borrows_from": [row_label(s.borrows_from, "system", lang) for s in a.scenarios],
            "rationale": [
                s.rationale if isinstance(s.rationale, str) else s.rationale[lang]
                for s in a.scenarios
            ],
        }
    )
    cols = {c: f"scenarios.col_{c}" for c in frame.columns}
    return localise(frame, cols, lang)


def result_table(a: ScenarioAnalysis, lang: Lang) -> pd.DataFrame:
    """Per scenario: Kazakhstan's index and rank (nominal, 5-95%) and P(best scenario)."""
    s = a.result.summary.copy()
    s["label"] = [scenario_label(a, i, lang) for i in s["scenario_id"]]
    for c in ("index_nominal", "index_p05", "index_p95", "change_median"):
        s[c] = s[c].astype("float64")
    for c in ("rank_nominal", "rank_median", "rank_p05", "rank_p95"):
        s[c] = s[c].astype(int)
    s["p_best"] = s["p_best"].astype("float64") * 100
    names = (
        "label",
        "index_nominal",
        "index_p05",
        "index_p95",
        "change_median",
        "rank_nominal",
        "rank_median",
        "rank_p05",
        "rank_p95",
        "p_best",
    )
    digits = dict.fromkeys(
        ("index_nominal", "index_p05", "index_p95", "change_median", "p_best"), 1
    )
    return localise(s, {c: f"scenarios.col_{c}" for c in names}, lang, digits=digits)


def index_chart(a: ScenarioAnalysis, lang: Lang, ax: Axes | None = None) -> Axes:
    """Kazakhstan's index per scenario: nominal value and 5-95% interval; median rank in labels."""
    s = a.result.summary.reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(s) + 1.2))
    y = np.arange(len(s))
    nominal = s["index_nominal"].to_numpy(dtype=float)
    lo, hi = s["index_p05"].to_numpy(dtype=float), s["index_p95"].to_numpy(dtype=float)
    err = np.vstack([np.clip(nominal - lo, 0, None), np.clip(hi - nominal, 0, None)])
    ax.errorbar(
        nominal, y, xerr=err, fmt="o", capsize=4, label=t("scenarios.legend_interval", lang)
    )
    base = float(s.loc[s["scenario_id"] == BASELINE, "index_nominal"].iloc[0])
    ax.axvline(
        base, color="grey", linestyle="--", linewidth=1, label=t("scenarios.legend_baseline", lang)
    )
    rank = t("scenarios.rank_short", lang)
    labels = [
        f"{scenario_label(a, sid, lang)} ({rank} {int(r)})"
        for sid, r in zip(s["scenario_id"], s["rank_median"], strict=True)
    ]
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(t("scenarios.axis_index", lang))
    ax.set_title(t("scenarios.chart_title", lang))
    ax.legend(fontsize=7, loc="lower right")
    localise_axes(ax, lang)
    return ax


def closed_heatmap(
    a: ScenarioAnalysis, dimensions: pd.DataFrame, lang: Lang, ax: Axes | None = None
) -> Axes:
    """Gap closed per scenario and dimension (index points, mean over the foreign models)."""
    data = mean_closed(a)
    labels = dimension_labels(dimensions, lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * len(data) + 2))
    matrix = data.to_numpy(dtype=float)
    limit = max(float(np.nanmax(np.abs(matrix))) if matrix.size else 0.0, 1.0)
    image = ax.imshow(matrix, aspect="auto", cmap="RdBu", vmin=-limit, vmax=limit)
    for (i, j), v in np.ndenumerate(matrix):
        if np.isfinite(v):
            ax.text(j, i, number(v, lang, digits=0), ha="center", va="center", fontsize=6)
    ax.set_xticks(
        range(len(data.columns)),
        [labels.get(str(d), str(d)) for d in data.columns],
        rotation=40,
        ha="right",
        fontsize=7,
    )
    ax.set_yticks(
        range(len(data)), [scenario_label(a, str(i), lang) for i in data.index], fontsize=7
    )
    colour_bar = ax.figure.colorbar(image, ax=ax, label=t("scenarios.axis_closed", lang))
    localise_axes(colour_bar.ax, lang)
    ax.set_title(t("scenarios.heatmap_title", lang))
    return ax


def ordering_table(a: ScenarioAnalysis, lang: Lang) -> pd.DataFrame:
    """Pairwise probabilities (%) that the row scenario gives Kazakhstan a higher index."""
    o = a.result.ordering.astype("float64") * 100
    names = [scenario_label(a, str(i), lang) for i in o.index]
    out = pd.DataFrame(o.to_numpy(), columns=names)
    out.insert(0, t("scenarios.col_row_beats_column", lang), names)
    return with_locale(out, lang, digits=dict.fromkeys(names, 1))


def programme_table(a: ScenarioAnalysis, programme: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Per scenario: the article's programme items linked to the indicators it raises."""
    names = dict(zip(programme["item_id"], programme[f"label_{lang}"], strict=True))
    x = a.programme.copy()
    x["label"] = [scenario_label(a, i, lang) for i in x["scenario_id"]]
    x["item"] = [f"{i}: {names.get(i, i)}" for i in x["link_id"]]
    cols = {
        "label": "scenarios.col_label",
        "item": "scenarios.col_item",
        "indicators": "scenarios.col_indicators",
    }
    return localise(x, cols, lang)
