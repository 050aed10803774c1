"""Notebook 04 (comparative index): numbers, tables and figures of the grid of constructions."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.axes import Axes

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.i18n.format import number
from policingstudy.report.layout import (
    fit_xticklabels,
    legend_outside,
    set_title,
    wrap,
    wrap_all,
)
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import JURISDICTION_COLOURS, localise_axes
from policingstudy.report.tables import localise, publish_table, with_locale
from policingstudy.studies.design import MODELS, ORIGIN, SYSTEMS, UNIT_CLASSES
from policingstudy.studies.index import ComparisonAnalysis, Panel, nominal_construction

GRID_COLUMNS = (
    "construction",
    "system_rule",
    "boundary",
    "missing",
    "aggregate",
    "weights",
    "system",
    "index",
    "rank",
)
CODING_COLUMNS = ("system", "nominal", "median", "p05", "p95")
ROBUST = 0.9
"""An ordering "holds across the grid" when it holds in at least this share of constructions."""
LEAN = 0.75
"""An ordering "leans" one way when it holds in at least this share, but not in all."""


def number_key(system_id: str) -> str:
    """Identifier-safe suffix of a system id (``UK-EW`` -> ``uk_ew``)."""
    return system_id.lower().replace("-", "_")


def system_label(system_id: str, lang: Lang) -> str:
    """Translated name of a system."""
    return t(f"index.system_{number_key(system_id)}", lang)


def grid_table(a: ComparisonAnalysis) -> pd.DataFrame:
    """The published construction grid: one row per construction x system (language-free)."""
    table = a.grid.table.loc[:, list(GRID_COLUMNS)].copy()
    table["index"] = table["index"].astype(float).round(2)
    table["rank"] = table["rank"].astype("Int64")
    order = {s: i for i, s in enumerate(SYSTEMS)}
    table = table.assign(_o=table["system"].map(order))
    return table.sort_values(["construction", "_o"], kind="stable").drop(columns="_o")


def coding_table(a: ComparisonAnalysis) -> pd.DataFrame:
    """The published coding-only draws: ``system, nominal, median, p05, p95`` (language-free)."""
    table = a.coding.set_index("system").reindex(list(SYSTEMS)).reset_index()
    out = table.loc[:, list(CODING_COLUMNS)].copy()
    for c in CODING_COLUMNS[1:]:
        out[c] = out[c].astype(float).round(2)
    return out


def records(frame: pd.DataFrame, key: str) -> dict[str, dict[Any, Any]]:
    """``{frame[key]: {column: value}}`` (one record per row, keyed by ``key``)."""
    return {str(k): dict(v) for k, v in frame.set_index(key).to_dict("index").items()}


def index_numbers(a: ComparisonAnalysis, nums: Numbers | None = None) -> Numbers:
    """Numbers quoted by notebook 04 (identical in every language)."""
    nums = nums or Numbers()
    table = a.grid.table
    nums.add("n_constructions", int(table["construction"].nunique()))
    nums.add("n_boundaries", int(table["boundary"].nunique()))
    nums.add("n_system_rules", int(table["system_rule"].nunique()))
    members = a.members.drop_duplicates("unit_id")
    nums.add("n_bodies", len(members))
    coding = records(a.coding, "system")
    by_fact = records(a.coding_by_fact, "system")
    for s in SYSTEMS:
        k = number_key(s)
        nums.add(f"n_bodies_{k}", int((members["system_id"] == s).sum()))
        row = coding[s]
        nums.add(f"nominal_{k}", float(row["nominal"]), digits=1)
        nums.add(f"median_{k}", float(row["median"]), digits=1)
        nums.add(f"p05_{k}", float(row["p05"]), digits=1)
        nums.add(f"p95_{k}", float(row["p95"]), digits=1)
        nums.add(f"median_by_fact_{k}", float(by_fact[s]["median"]), digits=1)
        nums.add(f"median_shift_{k}", abs(float(row["median"]) - float(row["nominal"])), digits=1)
    shifts = [nums[f"median_shift_{number_key(s)}"] for s in SYSTEMS]
    nums.add("max_median_shift", float(max(shifts)), digits=1)
    order = records(a.ordering, "model")
    for m in MODELS:
        k = number_key(m)
        row = order[m]
        nums.add(f"below_{k}", float(row["below"]) * 100, digits=0)
        nums.add(f"above_{k}", float(row["above"]) * 100, digits=0)
        nums.add(f"gap_min_{k}", float(row["gap_min"]), digits=1)
        nums.add(f"gap_median_{k}", float(row["gap_median"]), digits=1)
        nums.add(f"gap_max_{k}", float(row["gap_max"]), digits=1)
    v = a.validity
    nums.add("n_out", int((v["status"] != "in").sum()))
    nums.add("n_undated", int((v["undated"] & (v["status"] == "in")).sum()))
    e = a.error
    nums.add("n_pairs", e.n_pairs)
    nums.add("n_disagree", int(e.n_pairs - e.observed.get(0, 0)))
    nums.add("p_disagree", e.p_disagree * 100, digits=1)
    nums.add("p_error", e.p_error * 100, digits=1)
    nums.add("n_cells", a.n_cells)
    nums.add("n_groups", a.n_groups)
    nums.add("n_draws", a.n_draws)
    return nums


def verdict(a: ComparisonAnalysis, model: str, lang: Lang) -> str:
    """One sentence on Kazakhstan vs ``model`` across the grid (what holds, or that it does not)."""
    row = records(a.ordering, "model")[model]
    fields = {
        "model": system_label(model, lang),
        "below": f"{float(row['below']) * 100:.0f}",
        "above": f"{float(row['above']) * 100:.0f}",
    }
    below, above = float(row["below"]), float(row["above"])
    if below >= ROBUST:
        key = "index.verdict_below"
    elif above >= ROBUST:
        key = "index.verdict_above"
    elif below >= LEAN:
        key = "index.verdict_lean_below"
    elif above >= LEAN:
        key = "index.verdict_lean_above"
    else:
        key = "index.verdict_mixed"
    nums = Numbers()
    nums.add("b", float(row["below"]) * 100, digits=0)
    nums.add("a", float(row["above"]) * 100, digits=0)
    nums.add("lo", float(row["gap_min"]), digits=1)
    nums.add("hi", float(row["gap_max"]), digits=1)
    text = nums.text(lang)
    fields.update(below=text["b"], above=text["a"], gap_min=text["lo"], gap_max=text["hi"])
    return t(key, lang, **fields)


def verdicts(a: ComparisonAnalysis, lang: Lang) -> str:
    """Bulleted verdicts for the three models."""
    return "\n".join(f"- {verdict(a, m, lang)}" for m in MODELS)


def status_table(a: ComparisonAnalysis, units: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Bodies left out on the reference date, with the reason and the dates behind it."""
    v = a.validity[a.validity["status"] != "in"].copy()
    names = units.set_index("unit_id")[f"name_{lang}"]
    v["system"] = [system_label(s, lang) for s in v["system_id"]]
    v["name"] = [f"{u}: {names.get(u, u)}" for u in v["unit_id"]]
    v["reason"] = [t(f"index.status_{s}", lang) for s in v["status"]]
    return localise(
        v,
        {
            "system": "index.col_system",
            "name": "index.col_body",
            "reason": "index.col_reason",
            "established": "index.col_established",
            "ended": "index.col_ended",
            "first_holder": "index.col_first_holder",
        },
        lang,
    )


def class_label(unit_class: str, classes: pd.DataFrame, lang: Lang) -> str:
    """Label of a unit class from the codebook's ``unit_classes`` table ("not classified": "")."""
    if not unit_class:
        return t("index.class_unclassified", lang)
    labels = dict(zip(classes["unit_class"], classes[f"label_{lang}"], strict=True))
    return str(labels.get(unit_class, unit_class))


def class_table(a: ComparisonAnalysis, classes: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Bodies in force per system and class (the boundary of each system)."""
    counts = a.class_counts
    out = pd.DataFrame({t("index.col_system", lang): [system_label(s, lang) for s in counts.index]})
    for c in counts.columns:
        out[class_label(str(c), classes, lang)] = counts[c].to_numpy()
    return with_locale(out, lang)


def by_class_table(a: ComparisonAnalysis, classes: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Systems x classes: nominal index of the bodies of one class (blank: no body)."""
    if a.by_class.empty:
        return pd.DataFrame()
    wide = a.by_class.pivot(index="system", columns="unit_class", values="index").reindex(
        index=list(SYSTEMS), columns=list(UNIT_CLASSES)
    )
    out = pd.DataFrame({t("index.col_system", lang): [system_label(s, lang) for s in wide.index]})
    numeric = []
    for c in wide.columns:
        label = class_label(str(c), classes, lang)
        out[label] = wide[c].astype(float).to_numpy()
        numeric.append(label)
    return with_locale(out, lang, digits=dict.fromkeys(numeric, 1))


def ordering_table(a: ComparisonAnalysis, lang: Lang) -> pd.DataFrame:
    """Kazakhstan vs each model: share of constructions below / level / above and the gap range."""
    o = a.ordering.copy()
    o["model_label"] = [system_label(m, lang) for m in o["model"]]
    for c in ("below", "tied", "above"):
        o[c] = o[c].astype(float) * 100
    cols = {
        "model_label": "index.col_model",
        "n_constructions": "index.col_n_constructions",
        "below": "index.col_below",
        "tied": "index.col_tied",
        "above": "index.col_above",
        "gap_min": "index.col_gap_min",
        "gap_median": "index.col_gap_median",
        "gap_max": "index.col_gap_max",
    }
    digits = {"below": 0, "tied": 0, "above": 0, "gap_min": 1, "gap_median": 1, "gap_max": 1}
    return localise(o, cols, lang, digits=digits)


def pairwise_table(a: ComparisonAnalysis, lang: Lang) -> pd.DataFrame:
    """Share of constructions (%) in which the row system scores above the column system."""
    p = a.pairwise.reindex(index=list(SYSTEMS), columns=list(SYSTEMS)) * 100
    names = [system_label(s, lang) for s in p.index]
    out = pd.DataFrame(p.to_numpy(float), columns=names)
    out.insert(0, t("index.col_row_above_column", lang), names)
    return with_locale(out, lang, digits=dict.fromkeys(names, 0))


def body_table(
    a: ComparisonAnalysis, units: pd.DataFrame, classes: pd.DataFrame, lang: Lang
) -> pd.DataFrame:
    """Gated body scores of the bodies in force, by system then index."""
    b = a.bodies.copy()
    names = units.set_index("unit_id")[f"name_{lang}"]
    order = {s: i for i, s in enumerate(SYSTEMS)}
    b = b.assign(_o=b["system_id"].map(order)).sort_values(
        ["_o", "INDEX"], ascending=[True, False], kind="stable"
    )
    b["system"] = [system_label(s, lang) for s in b["system_id"]]
    b["name"] = [f"{u}: {names.get(u, u)}" for u in b["unit_id"]]
    b["class"] = [class_label(str(c), classes, lang) for c in b["unit_class"]]
    return localise(
        b,
        {
            "system": "index.col_system",
            "name": "index.col_body",
            "class": "index.col_class",
            "n_coded": "index.col_n_coded",
            "INDEX": "index.col_index",
        },
        lang,
        digits={"INDEX": 1},
    )


def dimension_labels(dimensions: pd.DataFrame, lang: Lang) -> dict[str, str]:
    """``{dimension_id: label}`` in ``lang``."""
    return dict(
        zip(dimensions["dimension_id"].astype(str), dimensions[f"label_{lang}"], strict=True)
    )


def nominal_table(a: ComparisonAnalysis, dimensions: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Systems x (dimension scores, index) of the nominal construction, with the coding interval."""
    labels = dimension_labels(dimensions, lang)
    n = a.nominal.astype(float)
    out = pd.DataFrame({t("index.col_system", lang): [system_label(s, lang) for s in n.index]})
    for c in n.columns[:-1]:
        out[labels.get(c, c)] = n[c].to_numpy()
    out[t("index.col_index", lang)] = n["INDEX"].to_numpy()
    numeric = [c for c in out.columns[1:]]
    coding = a.coding.set_index("system").reindex(n.index)
    out[t("index.col_interval", lang)] = [
        f"{number(lo, lang, digits=1)}–{number(hi, lang, digits=1)}"
        for lo, hi in zip(coding["p05"], coding["p95"], strict=True)
    ]
    return with_locale(out, lang, digits=dict.fromkeys(numeric, 1))


def coding_display(a: ComparisonAnalysis, lang: Lang) -> pd.DataFrame:
    """The coding-only draws per system, translated headers."""
    c = coding_table(a)
    c["system"] = [system_label(s, lang) for s in c["system"]]
    fact = a.coding_by_fact.set_index("system")["median"]
    c["by_fact"] = [float(fact[s]) for s in SYSTEMS]
    return localise(
        c,
        {
            "system": "index.col_system",
            "nominal": "index.col_nominal",
            "median": "index.col_median",
            "p05": "index.col_p05",
            "p95": "index.col_p95",
            "by_fact": "index.col_median_by_fact",
        },
        lang,
        digits=dict.fromkeys(("nominal", "median", "p05", "p95", "by_fact"), 1),
    )


def factor_label(factor: str, level: str, lang: Lang) -> str:
    """Translated label of one level of a grid factor."""
    return (
        t(f"index.level_{level}", lang)
        if factor != "boundary"
        else t(f"index.boundary_{level}", lang)
    )


def specification_curve(a: ComparisonAnalysis, lang: Lang, ax: Axes | None = None) -> Axes:
    """Specification curve: every system's index in every construction, with the choices below.

    Constructions are sorted by Kazakhstan's index; Kazakhstan's 5-95% coding band is shaded.
    The panel under the curve marks each construction's choice of every factor.
    """
    table = a.grid.table
    wide = table.pivot(index="construction", columns="system", values="index")
    order = wide[ORIGIN].sort_values(kind="stable").index
    wide = wide.loc[order]
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 6.5))
    x = np.arange(len(wide))
    bands = a.grid_bands.pivot(index="construction", columns="system", values="p05").reindex(order)
    tops = a.grid_bands.pivot(index="construction", columns="system", values="p95").reindex(order)
    ax.fill_between(
        x,
        bands[ORIGIN].to_numpy(dtype=float),
        tops[ORIGIN].to_numpy(dtype=float),
        color=JURISDICTION_COLOURS[ORIGIN],
        alpha=0.2,
        linewidth=0,
        label=t("index.legend_band", lang),
    )
    for s in SYSTEMS:
        ax.plot(
            x,
            wide[s].to_numpy(dtype=float),
            linestyle="none",
            marker="o" if s == ORIGIN else ".",
            markersize=4 if s == ORIGIN else 5,
            color=JURISDICTION_COLOURS[s],
            markeredgecolor="black" if s == "DE" else None,
            markeredgewidth=0.3,
            label=system_label(s, lang),
            gid=f"system:{s}",
        )
    ax.set_xlim(-1, len(wide))
    ax.set_ylim(0, 100)
    ax.set_ylabel(t("index.axis_index", lang))
    ax.set_xticks([])
    legend_outside(ax, where="right", handles=ax.get_legend_handles_labels()[0],
                   labels=wrap_all(ax.get_legend_handles_labels()[1], 24))  # fmt: skip
    set_title(ax, t("index.curve_title", lang))
    choices = ax.inset_axes((0.0, -0.62, 1.0, 0.58), sharex=ax)
    info = table.drop_duplicates("construction").set_index("construction").loc[order]
    rows: list[tuple[str, str]] = []
    for f in ("system_rule", "boundary", "missing", "aggregate", "weights"):
        for level in dict.fromkeys(info[f]):
            rows.append((f, str(level)))
    for r, (f, level) in enumerate(rows):
        hit = np.flatnonzero(info[f].to_numpy() == level)
        choices.scatter(hit, np.full(len(hit), r), s=4, marker="s", color="#444444")
    choices.set_yticks(range(len(rows)), [factor_label(f, lv, lang) for f, lv in rows], fontsize=6)
    choices.set_ylim(len(rows) - 0.5, -0.5)
    # each factor's levels form a group: a rule between groups, the factor's name on the right
    factors = [f for f, _ in rows]
    groups = list(dict.fromkeys(factors))
    starts = [factors.index(f) for f in groups]
    ends = [len(factors) - factors[::-1].index(f) - 1 for f in groups]
    for start in starts[1:]:
        choices.axhline(start - 0.5, color="#999999", linewidth=0.6)
    names = choices.secondary_yaxis("right")
    names.set_yticks(
        [(a + b) / 2 for a, b in zip(starts, ends, strict=True)],
        [wrap(t(f"index.factor_{f}", lang), 16) for f in groups],
        fontsize=6.5,
    )
    names.tick_params(length=0)
    names.spines["right"].set_visible(False)
    choices.set_xlabel(t("index.axis_constructions", lang))
    choices.tick_params(axis="x", labelbottom=False, bottom=False)
    localise_axes(ax, lang, x="keep")
    return ax


def sobol_bar(a: ComparisonAnalysis, lang: Lang, ax: Axes | None = None) -> Axes:
    """Total-order Sobol index of Kazakhstan's gap to each model, per factor (bootstrap 95%)."""
    s = a.sobol
    factors = list(dict.fromkeys(s["factor"]))
    models = [m for m in MODELS if m in set(s["model"])]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.2))
    width = 0.8 / max(len(factors), 1)
    x = np.arange(len(models))
    for j, f in enumerate(factors):
        sub = s[s["factor"] == f].set_index("model").reindex(models)
        ax.bar(
            x + j * width,
            sub["ST"].clip(lower=0),
            width,
            yerr=sub["ST_conf"],
            capsize=2,
            label=t(f"index.factor_{f}", lang),
        )
    ax.set_xticks(
        x + width * (len(factors) - 1) / 2, wrap_all((system_label(m, lang) for m in models), 20)
    )
    ax.set_ylabel(wrap(t("index.axis_sobol", lang), 30))
    ax.set_ylim(bottom=0)
    legend_outside(ax, where="right")
    localise_axes(ax, lang)
    return ax


def panel_chart(panel: Panel, lang: Lang, ax: Axes | None = None) -> Axes:
    """Each system's index by year: the nominal construction (line) and the middle half of the grid.

    The band runs from the 25th to the 75th percentile of the system's index over the grid's
    constructions in that year.
    """
    s = panel.systems
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.6))
    for system in SYSTEMS:
        sub = s[s["system"] == system]
        by_year = sub.groupby("year")["index"]
        low, high = by_year.quantile(0.25), by_year.quantile(0.75)
        nominal = sub[sub["construction"] == panel.nominal].set_index("year")["index"]
        colour = JURISDICTION_COLOURS[system]
        ax.fill_between(low.index, low, high, color=colour, alpha=0.15, linewidth=0)
        ax.plot(
            nominal.index,
            nominal.to_numpy(dtype=float),
            marker="o",
            markersize=3,
            color=colour,
            linewidth=2 if system == ORIGIN else 1.2,
            label=system_label(system, lang),
            gid=f"system:{system}",
        )
    ax.set_ylim(0, 100)
    ax.set_ylabel(t("index.axis_index", lang))
    ax.set_xlabel(t("index.axis_year", lang))
    handles, labels = ax.get_legend_handles_labels()
    legend_outside(ax, where="right", handles=handles, labels=wrap_all(labels, 24))
    set_title(ax, t("index.panel_title", lang))
    localise_axes(ax, lang, x="year")
    return ax


def dimension_profiles(
    a: ComparisonAnalysis, dimensions: pd.DataFrame, lang: Lang, ax: Axes | None = None
) -> Axes:
    """Parallel coordinates of the nominal dimension scores, one line per system."""
    labels = dimension_labels(dimensions, lang)
    dims = list(a.nominal.columns[:-1])
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.2))
    x = np.arange(len(dims))
    for system in SYSTEMS:
        ax.plot(
            x,
            a.nominal.loc[system, dims].to_numpy(dtype=float),
            marker="o",
            linewidth=2 if system == ORIGIN else 1.2,
            color=JURISDICTION_COLOURS.get(system),
            label=system_label(system, lang),
            gid=f"system:{system}",
        )
    ax.set_ylim(0, 100)
    ax.set_ylabel(t("index.axis_score", lang))
    handles, legend_labels = ax.get_legend_handles_labels()
    legend_outside(ax, where="right", handles=handles, labels=wrap_all(legend_labels, 24))
    localise_axes(ax, lang)
    fit_xticklabels(ax, x, [labels.get(d, d) for d in dims])
    set_title(ax, t("index.profiles_title", lang))
    return ax


def construction_text(a: ComparisonAnalysis, lang: Lang) -> str:
    """The nominal construction in words (``index.nominal_description``)."""
    c = nominal_construction(with_areas=not a.areas.empty)
    return t(
        "index.nominal_description",
        lang,
        system_rule=t(f"index.level_{c.system_rule}", lang),
        boundary=t(f"index.boundary_{c.boundary}", lang),
        missing=t(f"index.level_{c.missing}", lang),
        aggregate=t(f"index.level_{c.aggregate}", lang),
        weights=t(f"index.level_{c.weights}", lang),
    )


def population_dates(a: ComparisonAnalysis, lang: Lang) -> str:
    """Population dates used per system, e.g. ``Germany 2023-12-31; ...``."""
    parts = []
    for s in SYSTEMS:
        dates = sorted({str(d) for d in a.areas.loc[a.areas["system_id"] == s, "population_date"]})
        if dates:
            span = dates[0] if len(dates) == 1 else f"{dates[0]}…{dates[-1]}"
            parts.append(f"{system_label(s, lang)} {span}")
    return "; ".join(parts)


def leading_factors(a: ComparisonAnalysis, lang: Lang, n: int = 2) -> str:
    """The ``n`` factors with the largest total-order Sobol index (mean over the models)."""
    mean = a.sobol.groupby("factor", sort=False)["ST"].mean().sort_values(ascending=False)
    names = [t(f"index.factor_{f}", lang) for f in mean.index[:n]]
    return (
        t("index.and_join", lang, first=names[0], second=names[1]) if len(names) > 1 else names[0]
    )


def text_fields(a: ComparisonAnalysis, lang: Lang) -> dict[str, str]:
    """Non-numeric fields of notebook 04's text (dates, verdicts, the nominal construction)."""
    return {
        "leading_factors": leading_factors(a, lang),
        "reference_date": a.reference_date,
        "reference_year": a.reference_date[:4],
        "verdicts": verdicts(a, lang),
        "nominal": construction_text(a, lang),
        "population_dates": population_dates(a, lang),
    }


def publish_grid(a: ComparisonAnalysis, lang: Lang) -> HTML:
    """Publish ``construction_grid.csv`` and return the download link."""
    return publish_table("construction_grid", grid_table(a), label=t("index.download_grid", lang))


def publish_coding(a: ComparisonAnalysis, lang: Lang) -> HTML:
    """Publish ``coding_uncertainty.csv`` and return the download link."""
    return publish_table(
        "coding_uncertainty", coding_table(a), label=t("index.download_coding", lang)
    )
