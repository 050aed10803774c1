"""Notebook 04 (comparative index): numbers, figures and tables of the index analysis."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy.cluster import hierarchy as sch

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.methods.index import compare
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import localise_axes
from policingstudy.report.tables import localise, with_locale
from policingstudy.studies.design import SYSTEMS
from policingstudy.studies.index import IndexAnalysis


def number_key(system_id: str) -> str:
    """Identifier-safe suffix of a system id (``UK-EW`` -> ``uk_ew``)."""
    return system_id.lower().replace("-", "_")


def index_numbers(a: IndexAnalysis, nums: Numbers | None = None) -> Numbers:
    """Numbers quoted by notebook 04 (identical in every language)."""
    nums = nums or Numbers()
    nums.add("n_units_index", int((a.kinds == "unit").sum()))
    n_ind = len(a.scores.columns) - len(a.dimensions) - 1
    nums.add("n_indicators", n_ind)
    nums.add("n_cluster_dropped", len(a.tree.dropped))
    nums.add("n_dimensions", len(a.dimensions))
    nums.add("n_draws", int(a.mc.scores.shape[0]))
    nums.add("n_uncertain_cells", a.n_uncertain)
    summary = a.mc.summary().set_index("row_id")
    for s in SYSTEMS:
        k = number_key(s)
        nums.add(f"index_{k}", float(a.scores.loc[s, "INDEX"]), digits=1)
        nums.add(f"rank_median_{k}", int(summary.loc[s, "rank_median"]))
        nums.add(f"rank_p05_{k}", int(summary.loc[s, "rank_p05"]))
        nums.add(f"rank_p95_{k}", int(summary.loc[s, "rank_p95"]))
    near = a.mc.nearest_probability().set_index("model")
    for m in near.index:
        k = number_key(str(m))
        nums.add(f"p_nearest_{k}", float(near.loc[m, "probability"] * 100), digits=1)
        nums.add(f"distance_{k}", float(a.distances.loc[m, "overall"]), digits=1)
    return nums


def nearest_nominal(a: IndexAnalysis) -> str:
    """Nearest model of the nominal scheme."""
    return compare.nearest_model(a.distances)


def dimension_labels(dimensions: pd.DataFrame, lang: Lang) -> dict[str, str]:
    """``{dimension_id: label}`` in ``lang``."""
    return dict(
        zip(dimensions["dimension_id"].astype(str), dimensions[f"label_{lang}"], strict=True)
    )


def row_label(row_id: str, kind: str, lang: Lang) -> str:
    """Display label of a unit (its id) or a system (translated name)."""
    return t(f"index.system_{number_key(row_id)}", lang) if kind == "system" else row_id


def dimension_heatmap(
    a: IndexAnalysis, dimensions: pd.DataFrame, lang: Lang, ax: Axes | None = None
) -> Axes:
    """Heatmap of dimension scores (units, then systems at the bottom); blank = missing."""
    labels = dimension_labels(dimensions, lang)
    data = a.scores[list(a.dimensions)]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, max(4.0, 0.16 * len(data))))
    image = ax.imshow(data.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0, vmax=100)
    ax.set_xticks(
        range(len(a.dimensions)),
        [labels.get(d, d) for d in a.dimensions],
        rotation=40,
        ha="right",
        fontsize=7,
    )
    ax.set_yticks(
        range(len(data)), [row_label(str(r), a.kinds[r], lang) for r in data.index], fontsize=5
    )
    colour_bar = ax.figure.colorbar(image, ax=ax, label=t("index.axis_score", lang))
    localise_axes(colour_bar.ax, lang)
    ax.set_title(t("index.heatmap_title", lang))
    return ax


def rank_intervals(a: IndexAnalysis, lang: Lang, ax: Axes | None = None) -> Axes:
    """Median system rank with its 5-95% interval (1 = highest index)."""
    s = a.mc.summary()
    s = s[s["kind"] == "system"].reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 2.8))
    y = np.arange(len(s))
    med = s["rank_median"].to_numpy(dtype=float)
    err = np.vstack(
        [med - s["rank_p05"].to_numpy(dtype=float), s["rank_p95"].to_numpy(dtype=float) - med]
    )
    ax.errorbar(med, y, xerr=err, fmt="o", capsize=4, label=t("index.legend_interval", lang))
    ax.scatter(
        s["rank_nominal"], y, marker="x", color="k", zorder=3, label=t("index.legend_nominal", lang)
    )
    ax.set_yticks(y, [row_label(r, "system", lang) for r in s["row_id"]])
    ax.set_xlim(len(s) + 0.5, 0.5)
    ax.set_xticks(range(1, len(s) + 1))
    ax.set_xlabel(t("index.axis_rank", lang))
    ax.legend(fontsize=7, loc="lower left")
    localise_axes(ax, lang)
    return ax


def nearest_bar(a: IndexAnalysis, lang: Lang, ax: Axes | None = None) -> Axes:
    """Probability (%) that each model is Kazakhstan's nearest across the draws."""
    p = a.mc.nearest_probability()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 2.5))
    ax.barh([row_label(m, "system", lang) for m in p["model"]], p["probability"] * 100)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xlabel(t("index.axis_probability", lang))
    localise_axes(ax, lang)
    return ax


def sobol_bar(a: IndexAnalysis, lang: Lang, ax: Axes | None = None) -> Axes:
    """Total-order Sobol index (with its confidence half-width) per model and input group."""
    s = a.sobol
    groups = list(dict.fromkeys(s["group"]))
    models = list(dict.fromkeys(s["model"]))
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3))
    width = 0.8 / max(len(groups), 1)
    x = np.arange(len(models))
    for j, g in enumerate(groups):
        sub = s[s["group"] == g].set_index("model").reindex(models)
        ax.bar(
            x + j * width,
            sub["ST"],
            width,
            yerr=sub["ST_conf"],
            capsize=3,
            label=t(f"index.group_{g}", lang),
        )
    ax.set_xticks(x + width * (len(groups) - 1) / 2, [row_label(m, "system", lang) for m in models])
    ax.set_ylabel(t("index.axis_sobol", lang))
    ax.legend(fontsize=7)
    localise_axes(ax, lang)
    return ax


def dendrogram(a: IndexAnalysis, lang: Lang, ax: Axes | None = None) -> Axes:
    """Dendrogram of the units clustered on their dimension scores."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    sch.dendrogram(
        a.tree.linkage, labels=list(a.tree.labels), ax=ax, leaf_font_size=6, color_threshold=None
    )
    ax.set_ylabel(t("index.axis_distance", lang))
    localise_axes(ax, lang)
    return ax


def index_table(a: IndexAnalysis, dimensions: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Systems x (dimension scores, index), shown with one decimal, translated headers."""
    labels = dimension_labels(dimensions, lang)
    sys = a.scores[a.kinds == "system"][[*a.dimensions, "INDEX"]].astype("float64")
    sys.columns = [*(labels.get(d, d) for d in a.dimensions), t("index.col_index", lang)]
    numeric = list(sys.columns)
    sys.insert(0, t("index.col_system", lang), [row_label(r, "system", lang) for r in sys.index])
    return with_locale(sys, lang, digits=dict.fromkeys(numeric, 1))


def rank_table(a: IndexAnalysis, lang: Lang) -> pd.DataFrame:
    """Per system: nominal index, median and 5-95% interval of score and rank."""
    s = a.mc.summary()
    s = s[s["kind"] == "system"].copy()
    s["system"] = [row_label(r, "system", lang) for r in s["row_id"]]
    for c in ("score_nominal", "score_median", "score_p05", "score_p95"):
        s[c] = s[c].astype("float64")
    for c in ("rank_nominal", "rank_median", "rank_p05", "rank_p95"):
        s[c] = s[c].astype(int)
    cols = {
        c: f"index.col_{c}"
        for c in (
            "system",
            "score_nominal",
            "score_median",
            "score_p05",
            "score_p95",
            "rank_nominal",
            "rank_median",
            "rank_p05",
            "rank_p95",
        )
    }
    digits = dict.fromkeys(("score_nominal", "score_median", "score_p05", "score_p95"), 1)
    return localise(s, cols, lang, digits=digits)


def distance_table(a: IndexAnalysis, dimensions: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Distance per dimension and overall from Kazakhstan to each model, with P(nearest)."""
    labels = dimension_labels(dimensions, lang)
    d = a.distances.astype("float64")
    p = a.mc.nearest_probability().set_index("model")["probability"]
    out = pd.DataFrame(
        {t("index.col_model", lang): [row_label(m, "system", lang) for m in d.index]}
    )
    for c in a.dimensions:
        out[labels.get(c, c)] = d[c].to_numpy()
    out[t("index.col_overall", lang)] = d["overall"].to_numpy()
    # P(nearest) is rounded once, when shown, exactly as the text's p_nearest_* numbers
    out[t("index.col_p_nearest", lang)] = (p.reindex(d.index).astype("float64") * 100).to_numpy()
    numeric = [c for c in out.columns if c != t("index.col_model", lang)]
    return with_locale(out, lang, digits=dict.fromkeys(numeric, 1))


def linked_table(
    a: IndexAnalysis, problems: pd.DataFrame, programme: pd.DataFrame, lang: Lang
) -> pd.DataFrame:
    """Mean and largest indicator gap per article problem / programme item and model."""
    names = {
        **dict(zip(problems["problem_id"], problems[f"label_{lang}"], strict=True)),
        **dict(zip(programme["item_id"], programme[f"label_{lang}"], strict=True)),
    }
    x = a.linked.copy()
    x["item"] = [f"{i}: {names.get(i, i)}" for i in x["link_id"]]
    x["model_label"] = [row_label(m, "system", lang) for m in x["model"]]
    x["mean_gap"] = x["mean_gap"].astype("float64")
    x["max_gap"] = x["max_gap"].astype("float64")
    cols = {
        "item": "index.col_item",
        "model_label": "index.col_model",
        "n_indicators": "index.col_n_indicators",
        "mean_gap": "index.col_mean_gap",
        "max_gap": "index.col_max_gap",
        "indicators": "index.col_indicators",
    }
    return localise(x, cols, lang, digits={"mean_gap": 1, "max_gap": 1})


def method_text(normalise: str, aggregate: str, lang: Lang) -> str:
    """Describe the nominal normalisation and aggregation in ``lang`` (for the intro)."""
    return f"{t(f'index.norm_{normalise}', lang)}; {t(f'index.agg_{aggregate}', lang)}"


def dimension_profiles(
    a: IndexAnalysis, dimensions: pd.DataFrame, lang: Lang, ax: Axes | None = None
) -> Axes:
    """Parallel coordinates: each system's score on every dimension (0-100), one line a system.

    A missing dimension score breaks the line at that dimension.
    """
    from policingstudy.report.style import JURISDICTION_COLOURS

    labels = dimension_labels(dimensions, lang)
    dims = list(a.dimensions)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    x = np.arange(len(dims))
    for system in SYSTEMS:
        values = a.scores.loc[system, dims].to_numpy(dtype=float)
        ax.plot(
            x,
            values,
            marker="o",
            linewidth=2 if system == "KZ" else 1.2,
            color=JURISDICTION_COLOURS.get(system),
            label=row_label(system, "system", lang),
            gid=f"system:{system}",
        )
    ax.set_xticks(x, [labels.get(d, d) for d in dims], rotation=30, ha="right", fontsize=7)
    ax.set_ylim(0, 100)
    ax.set_ylabel(t("index.axis_score", lang))
    ax.set_title(t("index.profiles_title", lang))
    ax.legend(fontsize=7, loc="lower left")
    localise_axes(ax, lang)
    return ax


def body_distances(
    a: IndexAnalysis, units: pd.DataFrame, lang: Lang, *, n: int = 15, min_dimensions: int = 5
) -> pd.DataFrame:
    """The foreign bodies nearest to Kazakhstan's system (overall distance over shared dimensions).

    Only bodies scored on at least ``min_dimensions`` dimensions are compared, so that a body
    with one or two scored dimensions does not look close by accident.
    """
    unit_rows = [r for r in a.scores.index if a.kinds[r] == "unit"]
    info = units.set_index("unit_id")
    foreign = [r for r in unit_rows if r in info.index and info.loc[r, "jurisdiction"] != "KZ"]
    scored = a.scores.loc[foreign, list(a.dimensions)].notna().sum(axis=1)
    chosen = [r for r in foreign if scored[r] >= min_dimensions]
    table = compare.distances(a.scores, origin="KZ", dimensions=a.dimensions, models=chosen)
    top = table.head(n).reset_index()
    shown = pd.DataFrame(
        {
            "unit": top["model"],
            "name": [info.loc[u, f"name_{lang}"] for u in top["model"]],
            "jurisdiction": [
                row_label(str(info.loc[u, "jurisdiction"]), "system", lang) for u in top["model"]
            ],
            "n_dimensions": [int(scored[u]) for u in top["model"]],
            "overall": top["overall"].astype("float64"),
        }
    )
    return localise(
        shown,
        {
            "unit": "index.col_unit",
            "name": "index.col_name",
            "jurisdiction": "index.col_system",
            "n_dimensions": "index.col_n_dimensions",
            "overall": "index.col_overall",
        },
        lang,
        digits={"overall": 1},
    )
