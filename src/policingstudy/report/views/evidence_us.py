"""Figures, tables and quoted numbers of the US part of ``06_adoption_evidence``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import localise_axes
from policingstudy.report.tables import localise
from policingstudy.report.views.evidence_de import event_study_plot
from policingstudy.studies.adoption_us import UsEstimates, UsPanel

_TYPE_COLOURS = {
    "investigative": "#1b6ca8",
    "review": "#d98c1f",
    "auditor_monitor": "#4a9a4a",
    "unknown": "#999999",
}


def us_adoption_plot(
    schedule: pd.DataFrame, years: tuple[int, ...], lang: Lang, ax: Axes | None = None
) -> Axes:
    """Stacked bars of cities by decade of their first oversight agency, by NACOLE type."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    known = schedule[schedule["first_year"].notna() & (schedule["first_year"] > 0)]
    decade = (known["first_year"].astype(int) // 10) * 10
    counts = pd.crosstab(decade, known["oversight_type"])
    bottom = np.zeros(len(counts))
    for kind, colour in _TYPE_COLOURS.items():
        if kind in counts.columns:
            ax.bar(
                counts.index,
                counts[kind],
                width=8,
                bottom=bottom,
                color=colour,
                label=t(f"evidence_us.type_{kind}", lang),
            )
            bottom += counts[kind].to_numpy()
    ax.axvspan(years[0], years[-1], color="#eeeeee", zorder=0, label=t("evidence_us.window", lang))
    ax.set_xlabel(t("evidence_us.decade", lang))
    ax.set_ylabel(t("evidence_us.n_cities", lang))
    ax.set_title(t("evidence_us.adoption_title", lang))
    ax.legend(fontsize=7, loc="upper left")
    localise_axes(ax, lang, x="year", y="integer")
    return ax


def us_event_study_plot(estimates: UsEstimates, lang: Lang, ax: Axes | None = None) -> Axes:
    """TWFE event study (binned endpoints) and C&S dynamic ATT with 95% intervals."""
    return event_study_plot(estimates, lang, ax, namespace="evidence_us")


def us_estimates_table(estimates: UsEstimates, lang: Lang) -> pd.DataFrame:
    """Pooled post-adoption estimates: TWFE event-study mean of lags 0..4 and C&S simple ATT."""
    es = estimates.event_study
    cs_fit = estimates.callaway_santanna
    simple = cs_fit.aggregate("simple")
    dynamic = cs_fit.aggregate("dynamic")
    rows = [
        {
            "estimator": t("evidence_us.est_cs_simple", lang),
            "estimate": simple.att,
            "se": simple.se,
            "ci_low": simple.ci_low,
            "ci_high": simple.ci_high,
            "n_units": cs_fit.n_units,
            "n_obs": cs_fit.n_obs,
        },
        {
            "estimator": t("evidence_us.est_cs_dynamic", lang),
            "estimate": dynamic.att,
            "se": dynamic.se,
            "ci_low": dynamic.ci_low,
            "ci_high": dynamic.ci_high,
            "n_units": cs_fit.n_units,
            "n_obs": cs_fit.n_obs,
        },
    ]
    for _, row in es.table[es.table["event_time"] >= 0].iterrows():
        rows.append(
            {
                "estimator": t("evidence_us.est_es_lag", lang, k=int(row["event_time"])),
                "estimate": row["coef"],
                "se": row["se"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "n_units": es.twfe.n_units,
                "n_obs": es.twfe.n_obs,
            }
        )
    frame = pd.DataFrame(rows)
    digits = dict.fromkeys(("estimate", "se", "ci_low", "ci_high"), 3)
    return localise(frame, {c: f"evidence_us.col_{c}" for c in frame.columns}, lang, digits=digits)


def us_unmatched_table(match: pd.DataFrame, panel: UsPanel, lang: Lang) -> pd.DataFrame:
    """Cities left out of the panel, with the reason (matching, adoption year, window)."""
    rows = [
        {"city": city, "reason": t(f"evidence_us.reason_{reason}", lang)}
        for reason, cities in panel.dropped.items()
        if reason != "treated_before_window"
        for city in cities
    ]
    frame = pd.DataFrame(rows, columns=["city", "reason"])
    return localise(
        frame, {"city": "evidence_us.col_city", "reason": "evidence_us.col_reason"}, lang
    )


def us_numbers(
    schedule: pd.DataFrame,
    match: pd.DataFrame,
    panel: UsPanel,
    estimates: UsEstimates,
    nums: Numbers | None = None,
) -> Numbers:
    """Record the numbers the US text quotes (language-free, names prefixed ``us_``)."""
    nums = nums or Numbers()
    nums.add("us_n_cities", len(schedule))
    nums.add("us_n_with_agency", int((schedule["first_year"].fillna(1) > 0).sum()))
    nums.add("us_n_never", int((schedule["first_year"] == 0).sum()))
    nums.add("us_n_year_unknown", int(schedule["first_year"].isna().sum()))
    nums.add("us_n_from_dataset", int((schedule["year_source"] == "dataset").sum()))
    for kind in ("investigative", "review", "auditor_monitor"):
        nums.add(f"us_n_{kind}", int((schedule["oversight_type"] == kind).sum()))
    nums.add("us_n_matched", int((match["status"] == "matched").sum()))
    nums.add("us_n_unmatched", int((match["status"] != "matched").sum()))
    nums.add("us_n_ori_not_in_nix", int((match["status"] == "ori_not_in_nix").sum()))
    nums.add("us_n_no_wapo", int((match["status"] == "no_wapo_agency").sum()))
    nums.add("us_year_first", panel.years[0], year=True)
    nums.add("us_year_last", panel.years[-1], year=True)
    nums.add("us_n_units", panel.n_units)
    nums.add("us_n_obs", panel.n_obs)
    nums.add("us_n_before_window", len(panel.dropped.get("treated_before_window", [])))
    nums.add("us_n_incomplete", len(panel.dropped.get("incomplete_years", [])))
    nums.add("us_n_not_collected", panel.n_obs_not_collected)
    data = panel.data
    nums.add("us_n_treated_units", int(data.loc[data["group"] > 0, "city"].nunique()))
    nums.add("us_n_never_units", int(data.loc[data["group"] == 0, "city"].nunique()))
    nums.add("us_n_cohorts", int(data.loc[data["group"] > 0, "group"].nunique()))
    nums.add("us_total_killed", int(data["people_killed"].sum()))
    nums.add("us_mean_rate", float(data["killed_per_100k"].mean()), digits=2)
    cs = estimates.callaway_santanna
    simple = cs.aggregate("simple")
    nums.add("us_cs_att", simple.att, digits=3)
    nums.add("us_cs_low", simple.ci_low, digits=3)
    nums.add("us_cs_high", simple.ci_high, digits=3)
    nums.add("us_cs_n_units", cs.n_units)
    nums.add("us_cs_n_obs", cs.n_obs)
    nums.add("us_cs_n_units_dropped", cs.n_units_dropped)
    dynamic = cs.aggregate("dynamic")
    nums.add("us_cs_dyn_att", dynamic.att, digits=3)
    nums.add("us_cs_dyn_low", dynamic.ci_low, digits=3)
    nums.add("us_cs_dyn_high", dynamic.ci_high, digits=3)
    es = estimates.event_study
    nums.add("us_es_n_units", es.twfe.n_units)
    nums.add("us_es_n_obs", es.twfe.n_obs)
    if es.pretrend is not None:
        nums.add("us_pretrend_pvalue", es.pretrend.pvalue, digits=3)
    return nums
