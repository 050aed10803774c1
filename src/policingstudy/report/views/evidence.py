"""Figures, tables and quoted numbers of ``06_adoption_evidence`` (all three panels).

Language-free tables for ``publish_table`` come from :func:`published_tables`; everything
shown in the report is localised here from the catalogs ``evidence`` (shared terms, Germany,
US) and ``evidence_ew`` (England & Wales, cross-national).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.i18n.format import number
from policingstudy.report.layout import fit_xticklabels, legend_outside, set_title, wrap
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import localise_axes
from policingstudy.report.tables import NO_LANGUAGE, localise, original
from policingstudy.studies.evidence import (
    ESTIMATE_COLUMNS,
    HONEST_COLUMNS,
    EwEvidence,
    PanelEvidence,
    Verdict,
)

if TYPE_CHECKING:
    from policingstudy.methods.causal.simulation import SimulationStudy

_COLOURS = {"twfe": "#1b6ca8", "cs_universal": "#d98c1f", "adopters": "#c0392b", "other": "#777"}


def published_tables(
    de: PanelEvidence, us: PanelEvidence, ew: EwEvidence
) -> dict[str, pd.DataFrame]:
    """The language-free tables of reports/tables/06_adoption_evidence/.

    Returns
    -------
    dict
        ``estimates`` (:data:`~policingstudy.studies.evidence.ESTIMATE_COLUMNS`),
        ``honest_bounds`` (``panel``, ``restriction``, ``mbar``, ``lb``, ``ub``, ``method``;
        ``mbar`` empty on the row under exact parallel trends) and ``power``.
    """
    estimates = pd.concat([de.estimates, us.estimates, ew.estimates], ignore_index=True)
    honest = pd.concat([de.honest, us.honest], ignore_index=True)
    power = pd.concat([de.power, us.power, ew.power], ignore_index=True)
    return {
        "estimates": estimates[ESTIMATE_COLUMNS].round(6),
        "honest_bounds": honest[[*HONEST_COLUMNS, "method"]].round(6),
        "power": power.round(6),
    }


def _interval(low: float, high: float, lang: Lang) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "–"
    sep = "; " if lang == "en" else "; "
    text = f"[{low:.3f}{sep}{high:.3f}]"
    return text if lang == "en" else text.replace(".", ",")


def estimates_display(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Localised view of estimate rows: labels, estimate, 95% interval, p-value and method."""
    out = pd.DataFrame(
        {
            "outcome": [t(f"evidence.outcome_{o}", lang) for o in frame["outcome"]],
            "estimator": [t(f"evidence.est_{e}", lang) for e in frame["estimator"]],
            "definition": [t(f"evidence.def_{d}", lang) for d in frame["definition"]],
            "anticipation": frame["anticipation"].astype(int).to_numpy(),
            "estimate": frame["estimate"].round(3).to_numpy(),
            "ci": [
                _interval(lo, hi, lang)
                for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)
            ],
            "p_value": frame["p_value"].round(3).to_numpy(),
            "p_method": [t(f"evidence.p_{m}", lang) for m in frame["p_method"]],
            "n_units": frame["n_units"].astype(int).to_numpy(),
        }
    )
    return localise(out, {c: f"evidence.col_{c}" for c in out.columns}, lang)


def honest_display(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Localised HonestDiD bounds: restriction, its parameter and the robust 95% interval."""
    out = pd.DataFrame(
        {
            "restriction": [t(f"evidence.restriction_{r}", lang) for r in frame["restriction"]],
            "mbar": [
                t("evidence.exact_parallel", lang) if not np.isfinite(m) else f"{m:.3g}"
                for m in frame["mbar"]
            ],
            "ci": [
                _interval(lo, hi, lang) for lo, hi in zip(frame["lb"], frame["ub"], strict=True)
            ],
        }
    )
    return localise(out, {c: f"evidence.col_{c}" for c in out.columns}, lang)


def power_display(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Localised minimum detectable effects."""
    out = pd.DataFrame(
        {
            "panel": [t(f"evidence.panel_{p}", lang) for p in frame["panel"]],
            "outcome": [t(f"evidence.outcome_{o}", lang) for o in frame["outcome"]],
            "estimator": [t(f"evidence.est_{e}", lang) for e in frame["estimator"]],
            "mde": frame["mde"].round(3).to_numpy(),
            "mean_outcome": frame["mean_outcome"].round(3).to_numpy(),
            "mde_share": (100 * frame["mde_share"]).round(0).to_numpy(),
        }
    )
    return localise(out, {c: f"evidence.col_{c}" for c in out.columns}, lang)


def timing_display(
    schedules: pd.DataFrame, definitions: tuple[str, ...], lang: Lang
) -> pd.DataFrame:
    """Adoption year of each unit under each definition (0 = never, blank = dropped).

    A German Land is shown by its name (``evidence.land_<code>``), its code in the last column.
    """
    codes = [str(u) for u in schedules["unit"]]
    names = [
        t(f"evidence.land_{code.replace('-', '_')}", lang) if code.startswith("DE-") else code
        for code in codes
    ]
    out = pd.DataFrame({"unit": names})
    for d in definitions:
        values = schedules[d]
        out[d] = [
            "–" if pd.isna(v) else (t("evidence.never", lang) if v == 0 else str(int(v)))
            for v in values
        ]
    out["code"] = pd.Series(
        [original(code, NO_LANGUAGE) for code in codes], index=out.index, dtype=object
    )
    keep = (out[list(definitions)] != t("evidence.never", lang)).any(axis=1)
    out = out[keep]
    columns = (
        {"unit": "evidence.col_unit"}
        | {d: f"evidence.def_{d}" for d in definitions}
        | {"code": "evidence.col_code"}
    )
    return localise(out, columns, lang)


def pre_adoption_plot(evidence: PanelEvidence, lang: Lang, ax: Axes | None = None) -> Axes:
    """Outcome of adopters by years since adoption against units not (yet) treated."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    pre = evidence.pre_adoption
    ax.plot(
        pre["event_time"],
        pre["adopters_mean"],
        "o-",
        color=_COLOURS["adopters"],
        label=t("evidence.label_adopters", lang),
    )
    ax.plot(
        pre["event_time"],
        pre["comparison_mean"],
        "s--",
        color=_COLOURS["other"],
        label=t("evidence.label_comparison", lang),
    )
    ax.axvline(-0.5, color="grey", linestyle=":", linewidth=0.8)
    ax.set_xlabel(t("evidence.event_time", lang))
    ax.set_ylabel(wrap(t(f"evidence.outcome_{evidence.rate}", lang), 32))
    ax.set_ylim(bottom=0)
    legend_outside(ax, where="below", ncols=2)
    localise_axes(ax, lang, x="integer")
    set_title(ax, t(f"evidence.pre_title_{evidence.panel}", lang))
    return ax


def event_study_plot(evidence: PanelEvidence, lang: Lang, ax: Axes | None = None) -> Axes:
    """TWFE (binned endpoints) and C&S (universal base) event studies with 95% intervals."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    for shift, (name, marker) in zip(
        (-0.1, 0.1), (("twfe", "o"), ("cs_universal", "s")), strict=True
    ):
        rows = evidence.event_study[evidence.event_study["estimator"] == name]
        ax.errorbar(
            rows["event_time"] + shift,
            rows["estimate"],
            yerr=[rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]],
            fmt=marker,
            color=_COLOURS[name],
            capsize=3,
            label=t(f"evidence.est_{name}", lang),
        )
    ax.axhline(0, color="black", linewidth=0.6)
    ax.axvline(-0.5, color="grey", linestyle="--", linewidth=0.6)
    ax.set_xlabel(t("evidence.event_time", lang))
    ax.set_ylabel(wrap(t(f"evidence.outcome_{evidence.rate}", lang), 32))
    legend_outside(ax, where="below", ncols=2)
    localise_axes(ax, lang, x="integer")
    set_title(ax, t(f"evidence.es_title_{evidence.panel}", lang))
    return ax


def honest_plot(evidence: PanelEvidence, lang: Lang, ax: Axes | None = None) -> Axes:
    """Robust 95% intervals under relative-magnitude restrictions, and the original interval."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    rows = evidence.honest[evidence.honest["restriction"] == "relative_magnitudes"]
    labels = [
        t("evidence.exact_parallel", lang)
        if not np.isfinite(m)
        else number(m, lang, digits=len(f"{m:g}".partition(".")[2]))
        for m in rows["mbar"]
    ]
    x = np.arange(len(rows))
    ax.vlines(x, rows["lb"], rows["ub"], color=_COLOURS["twfe"], linewidth=3)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlim(-0.5, len(rows) - 0.5)
    ax.set_xlabel(wrap(t("evidence.mbar_axis", lang), 70))
    ax.set_ylabel(wrap(t(f"evidence.outcome_{evidence.rate}", lang), 32))
    localise_axes(ax, lang, x="keep")
    fit_xticklabels(ax, x, labels, fontsize=9)
    set_title(ax, t(f"evidence.honest_title_{evidence.panel}", lang))
    return ax


def synth_plot(ew: EwEvidence, lang: Lang, ax: Axes | None = None) -> Axes:
    """Greater Manchester against its synthetic control (deaths per 100,000 residents)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    path = ew.synth.path
    ax.plot(
        path["time"],
        path["treated"],
        "o-",
        color=_COLOURS["adopters"],
        label=t("evidence_ew.label_gm", lang),
    )
    ax.plot(
        path["time"],
        path["synthetic"],
        "s--",
        color=_COLOURS["other"],
        label=t("evidence_ew.label_synthetic", lang),
    )
    ax.axvline(ew.synth.treatment_time - 0.5, color="black", linestyle=":", linewidth=0.8)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(t("evidence_ew.financial_year_start", lang))
    ax.set_ylabel(wrap(t("evidence.outcome_deaths_per_100k", lang), 32))
    legend_outside(ax, where="below", ncols=2)
    localise_axes(ax, lang, x="year")
    set_title(ax, t("evidence_ew.synth_title", lang))
    return ax


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
    frame = frame[cols].round(3)
    return localise(frame, {c: f"evidence.col_{c}" for c in cols}, lang)


def mpdta_table(validation: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Localised view of :func:`mpdta_validation`."""
    frame = validation.copy()
    frame["quantity"] = [t(f"evidence.q_{q}", lang) for q in frame["quantity"]]
    for col in ("published_att", "ours_att", "published_se", "ours_se"):
        frame[col] = frame[col].map(lambda v: f"{v:.10f}")
    frame["max_abs_diff"] = frame["max_abs_diff"].map(lambda v: f"{v:.1e}")
    return localise(frame, {c: f"evidence.col_{c}" for c in frame.columns}, lang)


def _add_row(nums: Numbers, prefix: str, row: pd.Series, *, digits: int = 3) -> None:
    nums.add(f"{prefix}", float(row["estimate"]), digits=digits)
    nums.add(f"{prefix}_low", float(row["ci_low"]), digits=digits)
    nums.add(f"{prefix}_high", float(row["ci_high"]), digits=digits)
    nums.add(f"{prefix}_p", float(row["p_value"]), digits=3)


def _add_pct(nums: Numbers, prefix: str, row: pd.Series) -> None:
    nums.add(f"{prefix}_pct", 100 * float(np.expm1(row["estimate"])), digits=0)
    nums.add(f"{prefix}_pct_low", 100 * float(np.expm1(row["ci_low"])), digits=0)
    nums.add(f"{prefix}_pct_high", 100 * float(np.expm1(row["ci_high"])), digits=0)
    nums.add(f"{prefix}_p", float(row["p_value"]), digits=3)


def _honest(nums: Numbers, prefix: str, ev: PanelEvidence) -> None:
    h = ev.honest
    rm = h[(h["restriction"] == "relative_magnitudes")]
    orig = rm[rm["mbar"].isna()].iloc[0]
    one = rm[rm["mbar"] == 1].iloc[0]
    sd0 = h[(h["restriction"] == "smoothness") & (h["mbar"] == 0)].iloc[0]
    for name, row in (("orig", orig), ("rm1", one), ("sd0", sd0)):
        nums.add(f"{prefix}_{name}_low", float(row["lb"]), digits=3)
        nums.add(f"{prefix}_{name}_high", float(row["ub"]), digits=3)


def evidence_numbers(
    de: PanelEvidence,
    us: PanelEvidence,
    ew: EwEvidence,
    nums: Numbers | None = None,
) -> Numbers:
    """Record every number the text quotes (language-free)."""
    nums = nums or Numbers()
    # Germany
    nums.add("de_n_lands", int(de.details["n_lands"]))
    nums.add("de_year_first", int(de.details["years"][0]), year=True)
    nums.add("de_year_last", int(de.details["years"][-1]), year=True)
    nums.add("de_n_units", int(de.data["unit"].nunique()))
    nums.add("de_n_never", int(de.details["n_never"]["established"]))
    nums.add("de_total_cases", int(de.details["total_cases"]))
    nums.add("de_mean_rate", float(de.data[de.rate].mean()), digits=2)
    for definition, key in (
        ("established", "de_twfe"),
        ("first_holder", "de_twfe_holder"),
        ("parliamentary", "de_twfe_parl"),
        ("established_without_nw", "de_twfe_nonw"),
    ):
        _add_row(nums, key, de.estimate("twfe", definition=definition, p_method="cluster_t"))
    nums.add(
        "de_twfe_wb_p",
        float(de.estimate("twfe", definition="established", p_method="wild_bootstrap")["p_value"]),
        digits=3,
    )
    nums.add(
        "de_twfe_perm_p",
        float(de.estimate("twfe", definition="established", p_method="permutation")["p_value"]),
        digits=3,
    )
    for a in (0, 1):
        _add_row(
            nums, f"de_cs_a{a}", de.estimate("cs_varying", definition="established", anticipation=a)
        )
    _add_row(
        nums, "de_cs_holder", de.estimate("cs_varying", definition="first_holder", anticipation=0)
    )
    for definition, key in (("established", "de_ppml"), ("first_holder", "de_ppml_holder")):
        _add_pct(nums, key, de.estimate("ppml", definition=definition))
    _honest(nums, "de", de)
    pw = de.power.set_index("estimator")
    nums.add("de_mde_twfe", float(pw["mde"].loc["twfe"]), digits=2)
    nums.add("de_mde_twfe_pct", 100 * float(pw["mde_share"].loc["twfe"]), digits=0)
    nums.add("de_mde_ppml_pct", 100 * float(pw["mde_share"].loc["ppml"]), digits=0)
    # United States
    nums.add("us_n_cities", int(us.details["n_cities"]))
    nums.add("us_year_first", int(us.details["years"][0]), year=True)
    nums.add("us_year_last", int(us.details["years"][-1]), year=True)
    for d in ("first_body", "current_body", "investigative"):
        nums.add(f"us_n_units_{d}", int(us.details["n_units"][d]))
        nums.add(f"us_n_treated_{d}", int(us.details["n_treated"][d]))
    nums.add("us_total_killed", int(us.details["total_killed"]))
    nums.add("us_mean_rate", float(us.data[us.rate].mean()), digits=2)
    for d, key in (("current_body", "us_cs_cur"), ("first_body", "us_cs_first")):
        for a in (0, 1):
            _add_row(nums, f"{key}_a{a}", us.estimate("cs_varying", definition=d, anticipation=a))
    _add_row(nums, "us_twfe", us.estimate("twfe", definition="first_body", p_method="cluster_t"))
    nums.add(
        "us_twfe_perm_p",
        float(us.estimate("twfe", definition="first_body", p_method="permutation")["p_value"]),
        digits=3,
    )
    nums.add(
        "us_twfe_wb_p",
        float(us.estimate("twfe", definition="first_body", p_method="wild_bootstrap")["p_value"]),
        digits=3,
    )
    _add_pct(nums, "us_ppml", us.estimate("ppml", definition="first_body"))
    _add_pct(nums, "us_ppml_cur", us.estimate("ppml", definition="current_body"))
    _honest(nums, "us", us)
    pre = us.pre_adoption.set_index("event_time")
    for e, key in ((-2, "m2"), (-1, "m1"), (0, "p0")):
        nums.add(f"us_pre_{key}", float(pre["adopters_mean"].loc[e]), digits=2)
        nums.add(f"us_pre_{key}_comp", float(pre["comparison_mean"].loc[e]), digits=2)
    pw = us.power.set_index("estimator")
    nums.add("us_mde_cs", float(pw["mde"].loc["cs_varying"]), digits=2)
    nums.add("us_mde_cs_pct", 100 * float(pw["mde_share"].loc["cs_varying"]), digits=0)
    nums.add("us_mde_twfe_pct", 100 * float(pw["mde_share"].loc["twfe"]), digits=0)
    # England & Wales
    sc = ew.synth
    row = ew.estimates.iloc[0]
    nums.add("ew_n_forces", int(ew.details["n_forces"]))
    nums.add("ew_n_donors", int(sc.n_donors))
    nums.add("ew_last_year", int(ew.details["last_year"]), year=True)
    nums.add("ew_att", float(sc.att), digits=3)
    nums.add("ew_placebo_low", float(row["ci_low"]), digits=3)
    nums.add("ew_placebo_high", float(row["ci_high"]), digits=3)
    nums.add("ew_p", float(sc.pvalue), digits=3)
    nums.add("ew_pre_rmspe", float(sc.pre_rmspe), digits=3)
    nums.add("ew_gm_mean", float(ew.power.iloc[0]["mean_outcome"]), digits=3)
    nums.add("ew_mde", float(ew.power.iloc[0]["mde"]), digits=3)
    return nums


def verdict_key(panel: str, verdict: Verdict) -> str:
    """Catalog key of the conclusion paragraph for a panel's verdict."""
    return f"evidence.verdict_{panel}_{'effect' if verdict.survives else 'none'}"


def failed_checks(verdict: Verdict, lang: Lang) -> str:
    """The failed checks, localised and joined (empty if none)."""
    return ", ".join(t(f"evidence.check_{c}", lang) for c in verdict.failed)


def checks_numbers(simulation: SimulationStudy, validation: pd.DataFrame, nums: Numbers) -> Numbers:
    """Numbers of the estimator checks: the simulation study and the mpdta comparison."""
    summ = simulation.summary.set_index("estimator")
    nums.add("sim_replications", int(summ["replications"].loc["twfe"]))
    nums.add("sim_target", float(summ["simulated_target"].loc["twfe"]), digits=3)
    nums.add("sim_twfe_bias", float(summ["bias"].loc["twfe"]), digits=3)
    nums.add("sim_cs_bias", float(summ["bias"].loc["callaway_santanna"]), digits=3)
    nums.add("mpdta_n_checks", len(validation))
    nums.add("mpdta_n_agree", int((validation["max_abs_diff"] < 1e-8).sum()))
    return nums
