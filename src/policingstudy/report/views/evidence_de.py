"""Figures, tables and quoted numbers of ``06_adoption_evidence`` (adoption panels)."""

from __future__ import annotations

from typing import Any, Protocol

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.i18n.format import number, scientific
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import localise_axes
from policingstudy.report.tables import localise
from policingstudy.studies.adoption_de import AdoptionEstimates, AdoptionPanel, AdoptionSchedule

_BODY_COLOURS = {"parliamentary": "#1b6ca8", "executive": "#d98c1f", "none": "#999999"}


def adoption_plot(
    schedule: AdoptionSchedule, years: tuple[int, ...], lang: Lang, ax: Axes | None = None
) -> Axes:
    """Plot each Land's first adoption year, coloured by body type (parliamentary/executive)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    table = schedule.table.sort_values(["first_year", "land_code"]).reset_index(drop=True)
    for body, colour in _BODY_COLOURS.items():
        sub = table[(table["body_type"] == body) & (table["first_year"] > 0)]
        if len(sub):
            ax.scatter(
                sub["first_year"],
                sub.index,
                color=colour,
                s=40,
                zorder=3,
                label=t(f"evidence.body_{body}", lang),
            )
    ax.axvspan(years[0], years[-1], color="#eeeeee", zorder=0, label=t("evidence.window", lang))
    ax.set_yticks(range(len(table)), list(table["land_code"]), fontsize=8)
    ax.set_xlabel(t("evidence.year", lang))
    ax.set_title(t("evidence.adoption_title", lang))
    ax.legend(fontsize=7, loc="lower right")
    localise_axes(ax, lang, x="year")
    return ax


class _DynamicEstimates(Protocol):
    """What :func:`event_study_plot` needs: an event study, a C&S result, an outcome name."""

    @property
    def event_study(self) -> Any: ...

    @property
    def callaway_santanna(self) -> Any: ...

    @property
    def outcome(self) -> str: ...


def event_study_plot(
    estimates: _DynamicEstimates,
    lang: Lang,
    ax: Axes | None = None,
    *,
    namespace: str = "evidence",
) -> Axes:
    """Plot TWFE event-study and Callaway-Sant'Anna dynamic estimates with 95% intervals.

    ``namespace`` is the catalog holding the labels (``evidence`` for the German panel,
    ``evidence_us`` for the US panel); both use the same keys.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    es = estimates.event_study.table
    ax.errorbar(
        es["event_time"] - 0.1,
        es["coef"],
        yerr=[es["coef"] - es["ci_low"], es["ci_high"] - es["coef"]],
        fmt="o",
        color="#1b6ca8",
        capsize=3,
        label=t(f"{namespace}.label_twfe_es", lang),
    )
    lo, hi = int(es["event_time"].min()), int(es["event_time"].max())
    cs = estimates.callaway_santanna.aggregate("dynamic").table
    cs = cs[(cs["event_time"] >= lo) & (cs["event_time"] <= hi)]
    ax.errorbar(
        cs["event_time"] + 0.1,
        cs["att"],
        yerr=[cs["att"] - cs["ci_low"], cs["ci_high"] - cs["att"]],
        fmt="s",
        color="#d98c1f",
        capsize=3,
        label=t(f"{namespace}.label_cs", lang),
    )
    ax.axhline(0, color="black", linewidth=0.6)
    ax.axvline(-0.5, color="grey", linestyle="--", linewidth=0.6)
    ax.set_xlabel(t(f"{namespace}.event_time", lang))
    ax.set_ylabel(t(f"{namespace}.outcome_{estimates.outcome}", lang))
    ax.set_title(t(f"{namespace}.event_study_title", lang))
    ax.legend(fontsize=7)
    localise_axes(ax, lang, x="integer")
    return ax


def estimates_table(estimates: list[AdoptionEstimates], lang: Lang) -> pd.DataFrame:
    """One row per outcome and estimator: estimate, SE, 95% interval, p-value, units, rows."""
    rows = []
    for est in estimates:
        tw = est.twfe.table.set_index("term").loc["treated"]
        cs_fit = est.callaway_santanna
        cs = cs_fit.aggregate("simple")
        wb = est.wild_bootstrap
        outcome = t(f"evidence.outcome_{est.outcome}", lang)
        rows.append(
            {
                "outcome": outcome,
                "estimator": t("evidence.est_twfe", lang),
                "estimate": tw["coef"],
                "se": tw["se"],
                "ci_low": tw["ci_low"],
                "ci_high": tw["ci_high"],
                "pvalue": wb.pvalue,
                "n_units": est.twfe.n_units,
                "n_obs": est.twfe.n_obs,
            }
        )
        rows.append(
            {
                "outcome": outcome,
                "estimator": t("evidence.est_cs", lang),
                "estimate": cs.att,
                "se": cs.se,
                "ci_low": cs.ci_low,
                "ci_high": cs.ci_high,
                "pvalue": np.nan,
                "n_units": cs_fit.n_units,
                "n_obs": cs_fit.n_obs,
            }
        )
    frame = pd.DataFrame(rows)
    digits = dict.fromkeys(("estimate", "se", "ci_low", "ci_high", "pvalue"), 3)
    return localise(frame, {c: f"evidence.col_{c}" for c in frame.columns}, lang, digits=digits)


def simulation_table(summary: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The SIMULATION summary: bias, RMSE, mean SE and coverage of TWFE and C&S."""
    frame = summary.copy()
    frame["estimator"] = [
        t(f"evidence.est_{'twfe' if e == 'twfe' else 'cs'}", lang) for e in frame["estimator"]
    ]
    cols = [
        "estimator",
        "simulated_target",
        "mean_estimate",
        "bias",
        "rmse",
        "mean_se",
        "coverage",
        "replications",
    ]
    digits = dict.fromkeys(cols[1:-1], 3)
    return localise(frame[cols], {c: f"evidence.col_{c}" for c in cols}, lang, digits=digits)


def mpdta_table(validation: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Localised view of :func:`mpdta_validation`."""
    frame = validation.copy()
    frame["quantity"] = [t(f"evidence.q_{q}", lang) for q in frame["quantity"]]
    for col in ("published_att", "ours_att", "published_se", "ours_se"):
        frame[col] = [number(v, lang, digits=10) for v in frame[col]]
    frame["max_abs_diff"] = [scientific(v, lang, digits=1) for v in frame["max_abs_diff"]]
    return localise(frame, {c: f"evidence.col_{c}" for c in frame.columns}, lang)


def evidence_numbers(
    panel: AdoptionPanel,
    schedule: AdoptionSchedule,
    estimates: AdoptionEstimates,
    simulation: object | None = None,
    validation: pd.DataFrame | None = None,
    nums: Numbers | None = None,
) -> Numbers:
    """Record the numbers quoted in the notebook's text (language-free)."""
    nums = nums or Numbers()
    table = schedule.table
    nums.add("n_lands", len(table))
    nums.add("year_first", int(min(panel.years)), year=True)
    nums.add("year_last", int(max(panel.years)), year=True)
    nums.add("n_lands_used", panel.n_units)
    nums.add("n_obs", panel.n_obs)
    nums.add("n_lands_dropped", panel.n_units_dropped)
    nums.add("n_never", int((table["first_year"] == 0).sum()))
    nums.add("n_parliamentary", int((table["body_type"] == "parliamentary").sum()))
    nums.add("n_executive", int((table["body_type"] == "executive").sum()))
    nums.add("total_cases", int(panel.data["cases"].sum()))
    tw = estimates.twfe.table.set_index("term").loc["treated"]
    nums.add("twfe_coef", float(tw["coef"]), digits=3)
    nums.add("twfe_low", float(tw["ci_low"]), digits=3)
    nums.add("twfe_high", float(tw["ci_high"]), digits=3)
    nums.add("twfe_pct", 100 * float(np.expm1(tw["coef"])), digits=1)
    cs = estimates.callaway_santanna.aggregate("simple")
    nums.add("cs_att", cs.att, digits=3)
    nums.add("cs_low", float(cs.ci_low), digits=3)
    nums.add("cs_high", float(cs.ci_high), digits=3)
    wb = estimates.wild_bootstrap
    nums.add("wb_pvalue", wb.pvalue, digits=3)
    nums.add("wb_iterations", wb.iterations)
    nums.add("n_clusters", wb.n_clusters)
    pre = estimates.event_study.pretrend
    if pre is not None:
        nums.add("pretrend_pvalue", pre.pvalue, digits=3)
    if simulation is not None:
        summ = simulation.summary.set_index("estimator")  # type: ignore[attr-defined]
        nums.add("sim_replications", int(summ.loc["twfe", "replications"]))
        nums.add("sim_target", float(summ.loc["twfe", "simulated_target"]), digits=3)
        nums.add("sim_twfe_bias", float(summ.loc["twfe", "bias"]), digits=3)
        nums.add("sim_cs_bias", float(summ.loc["callaway_santanna", "bias"]), digits=3)
        nums.add("sim_twfe_coverage", 100 * float(summ.loc["twfe", "coverage"]), digits=0)
        nums.add(
            "sim_cs_coverage", 100 * float(summ.loc["callaway_santanna", "coverage"]), digits=0
        )
    if validation is not None:
        nums.add("mpdta_n_checks", len(validation))
        nums.add("mpdta_n_agree", int((validation["max_abs_diff"] < 1e-8).sum()))
    return nums
