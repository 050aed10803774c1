"""Notebook 08 (design and practice): numbers, figures and tables of the performance index."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.i18n.format import number
from policingstudy.i18n.scripts import guess_lang
from policingstudy.report.layout import legend_outside, row_pitch, set_title, wrap, wrap_all
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import JURISDICTION_COLOURS, localise_axes
from policingstudy.report.tables import localise, original, with_locale
from policingstudy.studies import practice as sp

DIMENSION_COLOURS = {
    "integrity": "#1b6ca8",
    "accountability": "#7b3294",
    "trust": "#d98c1f",
    "overall": "#333333",
}
COUNTRY_COLOURS = {
    "KAZ": JURISDICTION_COLOURS["KZ"],
    "GBR": JURISDICTION_COLOURS["UK-EW"],
    "USA": JURISDICTION_COLOURS["US"],
    "DEU": "#b8860b",  # the German yellow is unreadable as a thin line
    "GEO": "#2ca02c",
    "UKR": "#d62728",
}
SYSTEM_KEYS = {"KZ": "kz", "UK-EW": "uk_ew", "US": "us", "DE": "de"}
MEASURE_KEYS = {
    ("wjp_roli_2025", "factor_3"): "m_wjp_factor_3",
    ("wjp_roli_2025", "3.1"): "m_wjp_3_1",
    ("wjp_roli_2025", "3.2"): "m_wjp_3_2",
    ("wjp_roli_2025", "3.3"): "m_wjp_3_3",
    ("wjp_roli_2025", "2.3"): "m_wjp_2_3",
    ("wjp_roli_2025", "8.5"): "m_wjp_8_5",
    ("wjp_roli_2025", "4.2"): "m_wjp_4_2",
    ("vdemlite_v14", "v2x_cspart"): "m_vdem_v2x_cspart",
    ("vdemlite_v14", "v2cltort"): "m_vdem_v2cltort",
    ("vdem_owid_corruption_v13", "v2x_corr"): "m_vdem_v2x_corr",
    ("qog_std_cs_jan24", "wvs_confpol"): "m_wvs_confpol",
    ("qog_std_cs_jan25", "wvs_confpol"): "m_wvs_confpol",
    ("qog_std_cs_jan24", "ess_trpolice"): "m_ess_trpolice",
    ("qog_std_cs_jan25", "ess_trpolice"): "m_ess_trpolice",
    ("eu_silc_trust_police_2013_owid", "trust_police"): "m_silc_trust_police",
}
"""Catalog keys (namespace ``practice``) of the measures linked to the article's problems."""


def _tr(key: str, lang: Lang, **fields: object) -> str:
    return t(f"practice.{key}", lang, **fields)


def _whole(value: float) -> int | float:
    """A rank or count as an int when it is whole (3.0 -> 3), else unchanged (3.5)."""
    return int(value) if float(value).is_integer() else float(value)


def _add_whole(nums: Numbers, name: str, value: float) -> None:
    """Record a rank or count: no decimals when whole, one decimal otherwise (a tied rank)."""
    whole = _whole(value)
    nums.add(name, whole, digits=None if isinstance(whole, int) else 1)


def _rank_text(value: float) -> str:
    return f"{_whole(value)}"


def interval_text(value: float, low: float, high: float, lang: Lang, digits: int = 2) -> str:
    """``value [low; high]`` formatted for ``lang`` (no brackets when no interval is given)."""
    from policingstudy.report.numbers import format_number

    if not np.isfinite(value):
        return "–"
    text = str(format_number(float(value), lang, digits))
    if np.isfinite(low) and np.isfinite(high):
        lo, hi = format_number(float(low), lang, digits), format_number(float(high), lang, digits)
        text += f" [{lo}; {hi}]"
    return text


# -- numbers ------------------------------------------------------------------------------------


def practice_numbers(
    index: sp.PracticeIndex,
    design: pd.DataFrame,
    gaps: pd.DataFrame,
    *,
    practice_year: int,
    n_draws: int,
    events: pd.DataFrame,
    trust_figures: pd.DataFrame,
) -> Numbers:
    """Record every number the notebook's text quotes (language-free).

    Parameters
    ----------
    index
        The performance index.
    design
        :func:`~policingstudy.studies.practice.design_practice` for ``practice_year`` (overall).
    gaps
        :func:`~policingstudy.studies.practice.implementation_gap`.
    practice_year
        The year of the design x practice comparison.
    n_draws
        Simulation draws.
    events
        Kazakh reform events marked on the figures.
    trust_figures
        The processed ``kz_trust_figures`` table.
    """
    nums = Numbers()
    first, last = index.first_year, index.last_year
    nums.add("first_year", first, year=True)
    nums.add("last_year", last, year=True)
    nums.add("practice_year", practice_year, year=True)
    nums.add("n_draws", n_draws)
    cov = sp.coverage(index).set_index("dimension")
    for dim in sp.ALL_DIMENSIONS:
        for col in ("n_countries", "n_cells", "min_per_year", "max_per_year", "n_years"):
            nums.add(f"cov_{dim}_{col}", int(cov[col].loc[dim]))
        nums.add(f"cov_{dim}_first", int(cov["first_year"].loc[dim]), year=True)
        nums.add(f"cov_{dim}_last", int(cov["last_year"].loc[dim]), year=True)
    per_year = sp.coverage_by_year(index)
    for tag, year in (("first", first), ("last", last)):
        for dim in ("integrity", "accountability"):
            nums.add(f"cov_{dim}_n_{tag}", int(per_year[year].loc[dim]))
    nums.add("n_post_soviet", len(sp.POST_SOVIET))
    _kaz_numbers(nums, index, practice_year)
    _change_numbers(nums, index)
    for row in design.to_dict("records"):
        key = SYSTEM_KEYS[str(row["system"])]
        nums.add(f"dp_{key}_design", float(row["design_index"]), digits=1)
        nums.add(f"dp_{key}_design_p05", float(row["design_p05"]), digits=1)
        nums.add(f"dp_{key}_design_p95", float(row["design_p95"]), digits=1)
        nums.add(f"dp_{key}_practice", float(row["practice_index"]), digits=2)
        nums.add(f"dp_{key}_practice_p05", float(row["practice_p05"]), digits=2)
        nums.add(f"dp_{key}_practice_p95", float(row["practice_p95"]), digits=2)
        for name in ("design_rank", "practice_rank", "practice_rank_p05", "practice_rank_p95"):
            _add_whole(nums, f"dp_{key}_{name}", row[name])
    kz = design[design["system"] == "KZ"].iloc[0]
    models = design[design["system"] != "KZ"]
    for side in ("design", "practice"):
        lo, hi = f"{side}_p05", f"{side}_p95"
        overlaps = (models[lo] <= kz[hi]) & (kz[lo] <= models[hi])
        nums.add(f"dp_{side}_overlaps", int(overlaps.sum()))
    nums.add("dp_n_models", len(models))
    nums.add("gap_n_constructions", len(gaps))
    _add_whole(nums, "gap_design_rank_min", gaps["design_rank"].min())
    _add_whole(nums, "gap_design_rank_max", gaps["design_rank"].max())
    _add_whole(nums, "gap_practice_rank_min", gaps["practice_rank_p05"].min())
    _add_whole(nums, "gap_practice_rank_max", gaps["practice_rank_p95"].max())
    _add_whole(nums, "gap_min", gaps["gap"].min())
    _add_whole(nums, "gap_max", gaps["gap"].max())
    nums.add("gap_n_last", int((gaps["design_rank"] == gaps["design_rank"].max()).sum()))
    nums.add("n_events", len(events))
    nums.add("n_kz_trust_figures", len(trust_figures))
    figures = trust_figures["figure"].astype(float)
    for trust, figure in zip(trust_figures.itertuples(index=False), figures, strict=True):
        _add_whole(nums, f"kz_trust_{trust.source_id}", figure)
    nums.add("kz_trust_spread", float(figures.max() - figures.min()), digits=1)
    _trust_numbers(nums, index, practice_year)
    return nums


def _trust_numbers(nums: Numbers, index: sp.PracticeIndex, year: int) -> None:
    """Kazakhstan's WVS mean (own scale) and the US trust value in the comparison year."""
    wvs = index.inputs[
        (index.inputs["iso3"] == sp.KAZ)
        & (index.inputs["measure"] == "wvs_confpol")
        & (index.inputs["year"] == year)
    ]
    nums.add("tr_kaz_wvs", float(wvs["value"].iloc[0]), digits=2)
    rows, _ = index.select("trust", year=year)
    rows = rows.set_index("iso3")
    for code in ("USA", "DEU", "GBR"):
        nums.add(f"tr_{code.lower()}_py", float(rows["value"].loc[code]), digits=2)


def position_numbers(positions: pd.DataFrame, nums: Numbers) -> dict[str, str]:
    """Record Kazakhstan's percentile on each problem measure; return the text fields.

    Numbers are named ``pos_<measure key>`` (the first row of a measure that appears in two QoG
    releases); the returned fields name the measures with the lowest and highest percentile.
    """
    seen = set()
    covered = positions[np.isfinite(positions["percentile"])]
    for row in covered.itertuples(index=False):
        key = MEASURE_KEYS[(row.source_id, row.measure)]
        if key in seen:
            continue
        seen.add(key)
        nums.add(f"pos_{key}", float(row.percentile), digits=0)
        nums.add(f"pos_{key}_year", int(row.year), year=True)
    nums.add("pos_min", float(covered["percentile"].min()), digits=0)
    nums.add("pos_max", float(covered["percentile"].max()), digits=0)
    nums.add("pos_n_below_half", int((covered["percentile"] < 50).sum()))
    nums.add("pos_n", len(covered))
    low = covered.loc[covered["percentile"].idxmin()]
    high = covered.loc[covered["percentile"].idxmax()]
    return {
        "pos_lowest": MEASURE_KEYS[(low["source_id"], low["measure"])],
        "pos_highest": MEASURE_KEYS[(high["source_id"], high["measure"])],
    }


def position_fields(fields: Mapping[str, str], lang: Lang) -> dict[str, str]:
    """Translate the measure keys of :func:`position_numbers` for ``lang``."""
    return {name: _tr(key, lang) for name, key in fields.items()}


def _kaz_numbers(nums: Numbers, index: sp.PracticeIndex, practice_year: int) -> None:
    table = index.table[index.table["iso3"] == sp.KAZ].set_index(["dimension", "year"])
    for dim in sp.ALL_DIMENSIONS:
        for tag, year in (("py", practice_year), ("last", index.last_year)):
            if (dim, year) not in table.index:
                continue
            cell = (dim, year)
            nums.add(f"kaz_{dim}_{tag}", float(table["value"].loc[cell]), digits=2)
            nums.add(f"kaz_{dim}_{tag}_p05", float(table["p05"].loc[cell]), digits=2)
            nums.add(f"kaz_{dim}_{tag}_p95", float(table["p95"].loc[cell]), digits=2)
            nums.add(f"kaz_{dim}_{tag}_n_sources", int(table["n_sources"].loc[cell]))
            source_sd = float(np.nan_to_num(table["source_sd"].loc[cell]))
            nums.add(f"kaz_{dim}_{tag}_source_sd", source_sd, digits=2)
            rank = sp.country_rank(index, sp.KAZ, dim, year)
            for name in ("rank", "rank_p05", "rank_p95"):
                _add_whole(nums, f"kaz_{dim}_{tag}_{name}", rank[name])
            nums.add(f"kaz_{dim}_{tag}_n", int(rank["n"]))


def _change_numbers(nums: Numbers, index: sp.PracticeIndex) -> None:
    first = sp.change_base_year(index)
    nums.add("change_first_year", first, year=True)
    for code in (sp.KAZ, *sp.REFORM_CASES):
        for dim in ("integrity", "accountability"):
            last = sp.comparable_last_year(index, code, dim, first, index.last_year)
            change = sp.change(index, code, dim, first, last)
            key = f"ch_{code.lower()}_{dim}"
            nums.add(f"{key}_last_year", last, year=True)
            for name in ("first", "first_p05", "first_p95", "last", "last_p05", "last_p95",
                         "change", "change_p05", "change_p95"):  # fmt: skip
                nums.add(f"{key}_{name}", change[name], digits=2)
            nums.add(f"{key}_n_sources", int(change["n_sources_first"]))


# -- tables ---------------------------------------------------------------------------------------


def sources_table(index: sp.PracticeIndex, lang: Lang) -> pd.DataFrame:
    """The sources of each dimension: measures, years, countries, scale and uncertainty."""
    frame = sp.source_coverage(index)
    frame["dimension"] = [_tr(f"dim_{d}", lang) for d in frame["dimension"]]
    frame["source"] = [_tr(f"src_{s}", lang) for s in frame["source_id"]]
    frame["years"] = [
        f"{a}–{b}" for a, b in zip(frame["first_year"], frame["last_year"], strict=True)
    ]
    frame["uncertainty"] = [
        "; ".join(_tr(f"unc_{k}", lang) for k in u.split("/")) for u in frame["uncertainty"]
    ]
    frame["scale"] = [
        "; ".join(_tr("scale_latent", lang) if s == "latent" else s for s in v.split("/"))
        for v in frame["scale"]
    ]
    cols = ["dimension", "family", "source", "measures", "years", "n_countries", "scale",
            "uncertainty"]  # fmt: skip
    return localise(frame[cols], {c: f"practice.col_{c}" for c in cols}, lang)


def coverage_table(index: sp.PracticeIndex, lang: Lang) -> pd.DataFrame:
    """Countries with a value per dimension and year."""
    table = sp.coverage_by_year(index)
    table.index = [_tr(f"dim_{d}", lang) for d in table.index]
    table.columns = [str(c) for c in table.columns]
    return with_locale(table.rename_axis(_tr("col_dimension", lang)).reset_index(), lang)


def country_table(index: sp.PracticeIndex, iso3: str, lang: Lang) -> pd.DataFrame:
    """One country's values by year (rows) and dimension (columns): value [p05; p95] (n)."""
    rows = sp.country_values(index, iso3)
    rows["cell"] = [
        f"{interval_text(v, lo, hi, lang)} ({n})"
        for v, lo, hi, n in zip(rows["value"], rows["p05"], rows["p95"], rows["n_sources"],
                                strict=True)
    ]  # fmt: skip
    wide = rows.pivot(index="year", columns="dimension", values="cell")
    wide = wide.reindex(columns=[d for d in sp.ALL_DIMENSIONS if d in wide.columns])
    wide = wide.reindex(range(index.first_year, index.last_year + 1)).fillna("–")
    wide.columns = [_tr(f"dim_{d}", lang) for d in wide.columns]
    wide.index = [str(year) for year in wide.index]  # a year, not a quantity
    return with_locale(wide.rename_axis(_tr("col_year", lang)).reset_index(), lang)


def design_practice_table(table: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Design and practice side by side per system, with intervals and ranks."""
    frame = pd.DataFrame(
        {
            "system": [_tr(f"system_{SYSTEM_KEYS[s]}", lang) for s in table["system"]],
            "design": [
                interval_text(v, lo, hi, lang, 1)
                for v, lo, hi in zip(table["design_index"], table["design_p05"],
                                     table["design_p95"], strict=True)
            ],
            "practice": [
                interval_text(v, lo, hi, lang)
                for v, lo, hi in zip(table["practice_index"], table["practice_p05"],
                                     table["practice_p95"], strict=True)
            ],
            "design_rank": table["design_rank"].map(_rank_text),
            "practice_rank": [
                f"{_rank_text(r)} [{_rank_text(lo)}; {_rank_text(hi)}]"
                for r, lo, hi in zip(table["practice_rank"], table["practice_rank_p05"],
                                     table["practice_rank_p95"], strict=True)
            ],
        }
    )  # fmt: skip
    return localise(frame, {c: f"practice.col_{c}" for c in frame.columns}, lang)


def gap_table(gaps: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Kazakhstan's design rank and gap over notebook 04's constructions, grouped.

    One row per design rank and gap, with the number of constructions giving it (the full list,
    one row per construction, is published as ``implementation_gap.csv``).
    """
    grouped = (
        gaps.groupby(["design_rank", "gap"], dropna=False)
        .agg(
            n=("construction", "size"),
            low=("design_index", "min"),
            high=("design_index", "max"),
            practice_rank=("practice_rank", "first"),
            practice_rank_p05=("practice_rank_p05", "first"),
            practice_rank_p95=("practice_rank_p95", "first"),
        )
        .reset_index()
    )
    frame = pd.DataFrame(
        {
            "n_constructions": grouped["n"].astype(int),
            "design": [
                f"{number(lo, lang, digits=1)}–{number(hi, lang, digits=1)}"
                for lo, hi in zip(grouped["low"], grouped["high"], strict=True)
            ],
            "design_rank": grouped["design_rank"].map(_rank_text),
            "practice_rank": [
                f"{_rank_text(r)} [{_rank_text(lo)}; {_rank_text(hi)}]"
                for r, lo, hi in zip(
                    grouped["practice_rank"],
                    grouped["practice_rank_p05"],
                    grouped["practice_rank_p95"],
                    strict=True,
                )
            ],
            "gap": grouped["gap"].map(lambda g: f"{g:+g}" if g else "0"),
        }
    )
    return localise(frame, {c: f"practice.col_{c}" for c in frame.columns}, lang)


def peer_table(index: sp.PracticeIndex, year: int, lang: Lang) -> pd.DataFrame:
    """Integrity and accountability in one year for Kazakhstan, the models and post-Soviet peers."""
    codes = [sp.KAZ, *sp.MODEL_COUNTRIES, *sp.POST_SOVIET]
    out = pd.DataFrame({"country": [_tr(f"country_{c}", lang) for c in codes]})
    for dim in ("integrity", "accountability"):
        rows, _ = index.select(dim, year=year)
        rows = rows.set_index("iso3")
        out[dim] = [
            f"{interval_text(rows['value'].loc[c], rows['p05'].loc[c], rows['p95'].loc[c], lang)}"
            f" ({int(rows['n_sources'].loc[c])})"
            if c in rows.index
            else "–"
            for c in codes
        ]
    return localise(out, {c: f"practice.col_{c}" for c in out.columns}, lang)


def problems_table(positions: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Kazakhstan on each measure linked to the article's problems."""
    frame = pd.DataFrame(
        {
            "problem": positions["problem_id"],
            "measure": [_tr(MEASURE_KEYS[(s, m)], lang) for s, m in
                        zip(positions["source_id"], positions["measure"], strict=True)],
            "source": [_tr(f"src_{s}", lang) for s in positions["source_id"]],
            "scale": [_tr("scale_latent", lang) if s == "latent" else s
                      for s in positions["scale"]],
            "year": [str(y) if y else "–" for y in positions["year"]],
            "kaz": [
                interval_text(v, lo, hi, lang) if np.isfinite(lo) else
                (f"{interval_text(v, lo, hi, lang)} ({_tr('no_interval', lang)})"
                 if np.isfinite(v) else _tr("not_covered", lang))
                for v, lo, hi in zip(positions["value"], positions["low90"], positions["high90"],
                                     strict=True)
            ],
            "percentile": [f"{p:.0f}" if np.isfinite(p) else "–" for p in positions["percentile"]],
            "post_soviet": [interval_text(v, np.nan, np.nan, lang) for v in
                            positions["post_soviet_median"]],
            **{c.lower(): [interval_text(v, np.nan, np.nan, lang) for v in positions[c]]
               for c in sp.MODEL_COUNTRIES},
        }
    )  # fmt: skip
    return localise(frame, {c: f"practice.col_{c}" for c in frame.columns}, lang)


def kz_trust_table(figures: pd.DataFrame, sources: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Kazakhstan's national trust figures, each with what its source states (or 'not stated')."""
    cited = sources.set_index("source_id")
    missing = _tr("not_stated", lang)

    def said(value: object) -> str:
        return str(value) if isinstance(value, str) and value.strip() else missing

    frame = pd.DataFrame(
        {
            "figure": [f"{f}%" for f in figures["figure"]],
            "what": figures[f"what_{lang}"],
            "survey_year": [said(v) for v in figures["survey_year"]],
            "reported": [said(v) for v in figures["reported"]],
            "conducted_by": [said(v) for v in figures[f"conducted_by_{lang}"]],
            "population": [said(v) for v in figures[f"population_{lang}"]],
            # wording and citation are shown as their sources give them, marked with their language
            "wording": [original(said(v), guess_lang(said(v)), report_lang=lang)
                        for v in figures["question_wording"]],
            "source": [original(f"{cited.loc[s, 'citation']} {cited.loc[s, 'url']}",
                                guess_lang(str(cited.loc[s, "citation"])), report_lang=lang)
                       for s in figures["source_id"]],
        }
    )  # fmt: skip
    return localise(frame, {c: f"practice.col_{c}" for c in frame.columns}, lang)


# -- figures --------------------------------------------------------------------------------------


def design_practice_plot(
    table: pd.DataFrame,
    dimension: str,
    lang: Lang,
    *,
    ax: Axes | None = None,
    legend: bool = True,
) -> Axes:
    """The four systems: design index (x) against practice index (y), 5-95% intervals both ways.

    Systems are told apart by colour, named in a legend (not by labels beside the points,
    which run into each other when two systems lie close).

    Parameters
    ----------
    table
        :func:`~policingstudy.studies.practice.design_practice` for one dimension and year.
    dimension
        The practice dimension shown (axis label).
    lang
        Language of the labels.
    ax
        Axes to draw on (a new figure if None).
    legend
        Draw the legend of systems (under the figure when ``ax`` is its only axes); pass
        False when a figure of several panels draws one legend.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    for row in table.to_dict("records"):
        colour = JURISDICTION_COLOURS.get(str(row["system"]), "#555555")
        x, y = float(row["design_index"]), float(row["practice_index"])
        ax.errorbar(
            x,
            y,
            xerr=[[x - row["design_p05"]], [row["design_p95"] - x]],
            yerr=[[y - row["practice_p05"]], [row["practice_p95"] - y]],
            fmt="o",
            color=colour,
            markeredgecolor="#333333",
            capsize=3,
            gid=f"system:{row['system']}",
            label=_tr(f"system_{SYSTEM_KEYS[str(row['system'])]}", lang),
        )
    ax.set_xlabel(wrap(_tr("axis_design", lang), 40))
    ax.set_ylabel(wrap(_tr(f"axis_practice_{dimension}", lang), 36))
    localise_axes(ax, lang)
    if legend:
        legend_outside(ax, where="below", ncols=4)
    set_title(ax, _tr(f"dim_{dimension}", lang), fontsize=9)
    return ax


def design_practice_figure(
    tables: Mapping[str, pd.DataFrame], lang: Lang, *, year: int
) -> np.ndarray:
    """:func:`design_practice_plot` for each dimension on a grid; returns the Axes array."""
    n = len(tables)
    cols = 2
    rows = (n + 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(9, 3.8 * rows + 0.4), layout="constrained")
    fig.suptitle(_tr("map_title", lang, year=year))
    flat = np.ravel(axes)
    for (dim, table), ax in zip(tables.items(), flat, strict=False):
        design_practice_plot(table, dim, lang, ax=ax, legend=False)
    for ax in flat[n:]:
        ax.set_visible(False)
    handles, labels = flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=8,
               frameon=False)  # fmt: skip
    return axes


def peer_plot(
    panel: pd.DataFrame,
    dimension: str,
    lang: Lang,
    *,
    events: pd.DataFrame | None = None,
    ax: Axes | None = None,
    legend: bool = True,
) -> Axes:
    """One dimension over time: Kazakhstan with its interval, the models, post-Soviet peers.

    Parameters
    ----------
    panel
        :func:`~policingstudy.studies.practice.peer_panel`.
    dimension
        The dimension shown (title).
    lang
        Language of the labels.
    events
        Kazakh reform events (vertical dotted lines at their years).
    ax
        Axes to draw on (a new figure if None).
    legend
        Draw the legend of lines (under the figure when ``ax`` is its only axes); pass False
        when a figure of several panels draws one legend (:func:`peer_figure`).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    world = panel[panel["iso3"] == "ALL"].sort_values("year")
    ax.fill_between(world["year"], world["p05"], world["p95"], color="#bbbbbb", alpha=0.35,
                    linewidth=0, label=_tr("label_world_band", lang))  # fmt: skip
    ax.plot(world["year"], world["value"], color="#888888", linestyle="--", linewidth=1,
            label=_tr("label_world_median", lang))  # fmt: skip
    for code in sp.POST_SOVIET:
        rows = panel[panel["iso3"] == code].sort_values("year")
        if rows.empty or code in COUNTRY_COLOURS:
            continue
        ax.plot(rows["year"], rows["value"], color="#999999", linewidth=0.6, alpha=0.7)
    ax.plot([], [], color="#999999", linewidth=0.6, label=_tr("label_post_soviet", lang))
    for code, colour in COUNTRY_COLOURS.items():
        rows = panel[panel["iso3"] == code].sort_values("year")
        if rows.empty:
            continue
        if code == sp.KAZ:
            ax.fill_between(rows["year"], rows["p05"], rows["p95"], color=colour, alpha=0.25,
                            linewidth=0)  # fmt: skip
        ax.plot(
            rows["year"],
            rows["value"],
            color=colour,
            linewidth=2.2 if code == sp.KAZ else 1.2,
            linestyle="-" if code in (sp.KAZ, *sp.MODEL_COUNTRIES) else "-.",
            marker="o" if code == sp.KAZ else None,
            markersize=3,
            label=_tr(f"country_{code}", lang),
            gid=f"country:{code}",
        )
    if events is not None:
        for year in sorted(set(events["year"])):
            ax.axvline(year, color=COUNTRY_COLOURS[sp.KAZ], linestyle=":", linewidth=0.8)
    ax.set_ylim(0, 1)
    ax.set_xlabel(_tr("col_year", lang))
    ax.set_ylabel(wrap(_tr("axis_score", lang), 36))
    localise_axes(ax, lang, x="year")
    if legend:
        legend_outside(ax, where="below", ncols=4)
    set_title(ax, _tr(f"dim_{dimension}", lang), fontsize=9)
    return ax


def peer_figure(
    index: sp.PracticeIndex, lang: Lang, *, events: pd.DataFrame | None = None
) -> np.ndarray:
    """Integrity and accountability over time, side by side, with one legend."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True, layout="constrained")
    fig.suptitle(_tr("peers_title", lang))
    for dim, ax in zip(("integrity", "accountability"), axes, strict=True):
        peer_plot(sp.peer_panel(index, dim), dim, lang, events=events, ax=ax, legend=False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=5, fontsize=7, frameon=False)
    return axes


def trust_plot(
    values: pd.DataFrame,
    source_id: str,
    measure: str,
    lang: Lang,
    *,
    ax: Axes | None = None,
    legend: bool = True,
) -> Axes:
    """Every country's survey mean on its own scale, sorted, named countries highlighted.

    Kazakhstan, the models and the post-Soviet peers are coloured; Kazakhstan, the models,
    Georgia and Ukraine are named in a legend (under the figure when ``ax`` is its only axes;
    :func:`trust_figure` draws one for its three panels).

    Parameters
    ----------
    values
        The index's source values (:func:`~policingstudy.studies.practice.source_values`).
    source_id, measure
        The survey measure shown (one year: the source's).
    lang
        Language of the labels.
    ax
        Axes to draw on (a new figure if None).
    legend
        Draw the legend of named countries.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    rows = values[(values["source_id"] == source_id) & (values["measure"] == measure)]
    rows = rows[rows["year"] == rows["source_year"]].sort_values("value", ignore_index=True)
    ax.scatter(range(len(rows)), rows["value"], s=9, color="#aaaaaa")
    named = {sp.KAZ, *sp.MODEL_COUNTRIES, *sp.POST_SOVIET}
    for i, row in rows.iterrows():
        if row["iso3"] not in named:
            continue
        code = str(row["iso3"])
        colour = COUNTRY_COLOURS.get(code, "#555555")
        # Kazakhstan, the models, Georgia and Ukraine are named in the legend
        name = _tr(f"country_{code}", lang) if code in COUNTRY_COLOURS else "_nolegend_"
        peer = code not in (sp.KAZ, *sp.MODEL_COUNTRIES)  # Georgia, Ukraine: diamonds
        ax.scatter([cast(int, i)], [row["value"]], s=26 if code == sp.KAZ else 14, color=colour,
                   zorder=3,
                   marker="D" if peer and code in COUNTRY_COLOURS else "o",
                   edgecolors="black" if code == sp.KAZ else "none", linewidths=0.5,
                   gid=f"country:{code}", label=name)  # fmt: skip
    ax.scatter([], [], s=14, color="#555555", label=_tr("label_post_soviet", lang))
    year = int(rows["year"].iloc[0]) if len(rows) else 0
    ax.set_xlabel(_tr("axis_countries_sorted", lang, n=len(rows)))
    ax.set_ylabel(wrap(_tr(f"axis_{measure}", lang), 30))
    ax.set_xticks([])
    localise_axes(ax, lang)
    if legend:
        legend_outside(ax, where="below", ncols=4)
    set_title(ax, _tr(f"trust_title_{measure}", lang, year=year), fontsize=8)
    return ax


def trust_figure(values: pd.DataFrame, lang: Lang) -> np.ndarray:
    """WVS (2020 reference year), ESS (2020) and EU-SILC (2013) trust in the police."""
    fig, axes = plt.subplots(1, 3, figsize=(11, 4.0), layout="constrained")
    fig.suptitle(_tr("trust_figure_title", lang))
    for (sid, measure), ax in zip(
        (("qog_std_cs_jan24", "wvs_confpol"), ("qog_std_cs_jan24", "ess_trpolice"),
         ("eu_silc_trust_police_2013_owid", "trust_police")),
        axes,
        strict=True,
    ):  # fmt: skip
        trust_plot(values, sid, measure, lang, ax=ax, legend=False)
    # one legend of every named country, whichever panels show it
    entries: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(label, handle)
    order = [_tr(f"country_{code}", lang) for code in COUNTRY_COLOURS]
    order.append(_tr("label_post_soviet", lang))  # Kazakhstan first, the grey peers last
    entries = {label: entries[label] for label in order if label in entries}
    fig.legend(list(entries.values()), list(entries), loc="outside lower center",
               ncols=len(entries), fontsize=7, frameon=False)  # fmt: skip
    return axes


def problems_plot(positions: pd.DataFrame, lang: Lang, *, ax: Axes | None = None) -> Axes:
    """Kazakhstan's percentile among all countries on each problem measure (100 = best)."""
    rows = positions[np.isfinite(positions["percentile"])].reset_index(drop=True)
    if ax is None:
        texts = wrap_all(
            (f"{p} · {_tr(MEASURE_KEYS[(s, m)], lang)} ({y})" for p, s, m, y in zip(
                rows["problem_id"], rows["source_id"], rows["measure"], rows["year"],
                strict=True)),
            60,
        )  # fmt: skip
        height = max(row_pitch(texts, 7, gap=0.8) * len(rows), 0.35 * len(rows)) + 1.2
        _, ax = plt.subplots(figsize=(7, height))
    labels = [
        f"{p} · {_tr(MEASURE_KEYS[(s, m)], lang)} ({y})"
        for p, s, m, y in zip(rows["problem_id"], rows["source_id"], rows["measure"],
                              rows["year"], strict=True)
    ]  # fmt: skip
    colours = {"P1": "#d98c1f", "P2": "#1b6ca8", "P3": "#2ca02c", "P4": "#7b3294"}
    y = np.arange(len(rows))[::-1]
    ax.barh(y, rows["percentile"], color=[colours.get(p, "#777777") for p in rows["problem_id"]])
    ax.axvline(50, color="#555555", linestyle=":", linewidth=0.8)
    ax.set_yticks(y, wrap_all(labels, 60), fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_xlabel(_tr("axis_percentile", lang))
    ax.grid(axis="y", visible=False)
    localise_axes(ax, lang, x="integer")
    set_title(ax, _tr("problems_title", lang))
    return ax
