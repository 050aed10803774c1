"""Notebook 05 (reform scenarios): numbers, tables and figures of the scenarios across the grid."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.axes import Axes

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.i18n.format import number
from policingstudy.report.layout import row_pitch, set_title, wrap_all
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import localise_axes
from policingstudy.report.tables import localise, publish_table, with_locale
from policingstudy.report.views.index import number_key, records, system_label
from policingstudy.studies.design import MODELS
from policingstudy.studies.scenarios import BASELINE, ScenarioAnalysis

GRID_COLUMNS = ("scenario", "construction", "index", "rank")


def scenario_label(a: ScenarioAnalysis, scenario_id: str, lang: Lang) -> str:
    """Label of a scenario in ``lang`` (the baseline's from the catalog)."""
    if scenario_id == BASELINE:
        return t("scenarios.baseline", lang)
    return next(s.label[lang] for s in a.scenarios if s.id == scenario_id)


def grid_table(a: ScenarioAnalysis) -> pd.DataFrame:
    """The published scenario grid: ``scenario, construction, index, rank`` (language-free)."""
    g = a.grid.loc[:, list(GRID_COLUMNS)].copy()
    g["index"] = g["index"].astype(float).round(2)
    g["rank"] = g["rank"].astype("Int64")
    return g


def publish_grid(a: ScenarioAnalysis, lang: Lang) -> HTML:
    """Publish ``scenario_grid.csv`` and return the download link."""
    return publish_table("scenario_grid", grid_table(a), label=t("scenarios.download_grid", lang))


def is_control(a: ScenarioAnalysis, scenario_id: str) -> bool:
    """True when the scenario leaves Kazakhstan's index unchanged in every construction."""
    c = a.change.set_index("scenario").loc[scenario_id]
    return bool(np.isclose(c["min"], 0.0) and np.isclose(c["max"], 0.0))


def top_scenario(a: ScenarioAnalysis) -> str:
    """The reform with the largest median change across the grid (first in file order on ties)."""
    c = a.change.set_index("scenario").drop(index=BASELINE)
    return str(c["median"].astype(float).idxmax())


def scenario_numbers(a: ScenarioAnalysis, nums: Numbers | None = None) -> Numbers:
    """Numbers quoted by notebook 05 (identical in every language)."""
    nums = nums or Numbers()
    nums.add("n_scenarios", len(a.scenarios))
    nums.add("n_constructions", a.n_constructions)
    nums.add("n_draws", a.n_draws)
    nums.add("n_no_effect", sum(is_control(a, s.id) for s in a.scenarios))
    change = records(a.change, "scenario")
    nominal = records(a.nominal, "scenario")
    passes = {
        (str(s), str(m)): {"above": above, "passes": passed}
        for s, m, above, passed in zip(
            a.passes["scenario"],
            a.passes["model"],
            a.passes["above"],
            a.passes["passes"],
            strict=True,
        )
    }
    for sid in [BASELINE, *(s.id for s in a.scenarios)]:
        for stat in ("index", "p05", "p95"):
            nums.add(f"{stat}_{sid}", float(nominal[sid][stat]), digits=1)
        for m in MODELS:
            k = number_key(m)
            nums.add(f"above_{sid}_{k}", float(passes[(sid, m)]["above"]) * 100, digits=0)
            if sid != BASELINE:
                nums.add(f"passes_{sid}_{k}", float(passes[(sid, m)]["passes"]) * 100, digits=0)
        if sid != BASELINE:
            for stat in ("min", "median", "max"):
                nums.add(f"change_{stat}_{sid}", float(change[sid][stat]), digits=1)
    top = top_scenario(a)
    for stat in ("min", "median", "max"):
        nums.add(f"top_change_{stat}", float(change[top][stat]), digits=1)
    for m in MODELS:
        k = number_key(m)
        nums.add(f"top_passes_{k}", float(passes[(top, m)]["passes"]) * 100, digits=0)
        nums.add(f"top_above_{k}", float(passes[(top, m)]["above"]) * 100, digits=0)
        nums.add(f"base_above_{k}", float(passes[(BASELINE, m)]["above"]) * 100, digits=0)
    for stat in ("index", "p05", "p95"):
        nums.add(f"top_{stat}", float(nominal[top][stat]), digits=1)
    contrib = a.contributions[a.contributions["scenario"] == top]
    if len(contrib):
        best = contrib.sort_values("points", ascending=False, kind="stable").iloc[0]
        nums.add("top_largest_contribution", float(best["points"]), digits=1)
    return nums


def text_fields(a: ScenarioAnalysis, lang: Lang) -> dict[str, str]:
    """Non-numeric fields of notebook 05's text."""
    top = top_scenario(a)
    contrib = a.contributions[a.contributions["scenario"] == top]
    largest = (
        str(contrib.sort_values("points", ascending=False, kind="stable").iloc[0]["indicator_id"])
        if len(contrib)
        else ""
    )
    return {
        "reference_date": a.reference_date,
        "top": scenario_label(a, top, lang),
        "top_id": top,
        "top_largest_indicator": largest,
    }


def definition_table(a: ScenarioAnalysis, lang: Lang) -> pd.DataFrame:
    """Scenario label, foreign model borrowed from, and rationale (as in the file)."""
    frame = pd.DataFrame(
        {
            "label": [s.label[lang] for s in a.scenarios],
            "borrows_from": [system_label(s.borrows_from, lang) for s in a.scenarios],
            "rationale": [
                s.rationale if isinstance(s.rationale, str) else s.rationale[lang]
                for s in a.scenarios
            ],
        }
    )
    cols = {c: f"scenarios.col_{c}" for c in frame.columns}
    return localise(frame, cols, lang)


def passes_table(a: ScenarioAnalysis, lang: Lang) -> pd.DataFrame:
    """Per scenario: change across the grid; how often Kazakhstan is above or passes each model."""
    change = records(a.change, "scenario")
    p = a.passes.set_index(["scenario", "model"])
    ids = [BASELINE, *(s.id for s in a.scenarios)]
    out = pd.DataFrame({t("scenarios.col_label", lang): [scenario_label(a, i, lang) for i in ids]})
    out[t("scenarios.col_change", lang)] = [
        f"{number(change[i]['median'], lang, digits=1)} "
        f"({number(change[i]['min'], lang, digits=1)}…"
        f"{number(change[i]['max'], lang, digits=1)})"
        for i in ids
    ]
    above = p["above"].astype(float) * 100
    passes = p["passes"].astype(float) * 100
    shares = []
    for m in MODELS:
        name = system_label(m, lang)
        above_col = t("scenarios.col_above", lang, model=name)
        passes_col = t("scenarios.col_passes", lang, model=name)
        out[above_col] = [above[(i, m)] for i in ids]
        out[passes_col] = [np.nan if i == BASELINE else passes[(i, m)] for i in ids]
        shares += [above_col, passes_col]
    return with_locale(out, lang, digits=dict.fromkeys(shares, 0))


def nominal_table(a: ScenarioAnalysis, lang: Lang) -> pd.DataFrame:
    """Kazakhstan's index under the nominal construction with the coding interval, and its rank."""
    n = a.nominal.copy()
    n["label"] = [scenario_label(a, i, lang) for i in n["scenario"]]
    n["rank"] = n["rank"].astype("Int64")
    cols = {
        "label": "scenarios.col_label",
        "index": "scenarios.col_index",
        "p05": "scenarios.col_p05",
        "p95": "scenarios.col_p95",
        "rank": "scenarios.col_rank",
    }
    return localise(n, cols, lang, digits={"index": 1, "p05": 1, "p95": 1})


def contribution_table(a: ScenarioAnalysis, indicators: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Points each changed indicator adds alone (nominal construction), largest first."""
    c = a.contributions.copy()
    names = dict(zip(indicators["indicator_id"], indicators[f"label_{lang}"], strict=True))
    c = c[~np.isclose(c["points"].astype(float), 0.0)]
    order = {s.id: i for i, s in enumerate(a.scenarios)}
    c = c.assign(_o=c["scenario"].map(order)).sort_values(
        ["_o", "points"], ascending=[True, False], kind="stable"
    )
    c["label"] = [scenario_label(a, i, lang) for i in c["scenario"]]
    c["indicator"] = [f"{i}: {names.get(i, i)}" for i in c["indicator_id"]]
    cols = {
        "label": "scenarios.col_label",
        "indicator": "scenarios.col_indicator",
        "points": "scenarios.col_points",
    }
    return localise(c, cols, lang, digits={"points": 1})


def change_chart(a: ScenarioAnalysis, lang: Lang, ax: Axes | None = None) -> Axes:
    """Change of Kazakhstan's index against the baseline in every construction, per scenario.

    Scenario names are wrapped between words; a new figure is as tall as they need.
    """
    g = a.grid.pivot(index="construction", columns="scenario", values="index")
    ids = [s.id for s in a.scenarios]
    delta = g[ids].sub(g[BASELINE], axis=0)
    labels = wrap_all((scenario_label(a, i, lang) for i in ids), 36)
    if ax is None:
        height = max(row_pitch(labels, 8, gap=1.2) * len(ids), 0.5 * len(ids)) + 1.4
        _, ax = plt.subplots(figsize=(8, height))
    for y, sid in enumerate(ids):
        values = delta[sid].dropna().to_numpy(dtype=float)
        jitter = (np.arange(len(values)) % 7 - 3) * 0.04
        ax.scatter(values, y + jitter, s=8, alpha=0.6, color="#1f77b4", gid=f"scenario:{sid}")
        ax.plot([np.median(values)] * 2, [y - 0.3, y + 0.3], color="black", linewidth=1.5)
    ax.axvline(0, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(ids)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(t("scenarios.axis_change", lang))
    localise_axes(ax, lang)
    set_title(ax, t("scenarios.chart_title", lang))
    return ax


def programme_table(a: ScenarioAnalysis, programme: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Per scenario: the article's programme items linked to the indicators it raises."""
    names = dict(zip(programme["item_id"], programme[f"label_{lang}"], strict=True))
    x = a.programme.copy()
    x["label"] = [scenario_label(a, i, lang) for i in x["scenario"]]
    x["item"] = [f"{i}: {names.get(i, i)}" for i in x["link_id"]]
    cols = {
        "label": "scenarios.col_label",
        "item": "scenarios.col_item",
        "indicators": "scenarios.col_indicators",
    }
    return localise(x, cols, lang)
