"""Figures, tables and quoted numbers of notebook 06's England & Wales and cross-national parts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.i18n.format import date
from policingstudy.report.layout import legend_outside, set_title, wrap, wrap_all
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import localise_axes
from policingstudy.report.tables import localise
from policingstudy.studies.crossnational import ALL_COUNTRIES, FOCUS_INDICATORS

# IOPC category -> source id of its deaths-by-force table (readers.ew.read_iopc_by_force).
IOPC_SOURCES = {
    "custody": "ew_iopc_custody_deaths_by_force",
    "rti": "ew_iopc_rti_deaths_by_force",
    "shootings": "ew_iopc_shooting_deaths_by_force",
    "suicides": "ew_iopc_suicides_by_force",
    "other_contact": "ew_iopc_other_contact_deaths_by_force",
}
_COUNTRY_COLOURS = {
    "KAZ": "#1b6ca8",
    "DEU": "#444444",
    "GBR": "#c0392b",
    "USA": "#d98c1f",
    ALL_COUNTRIES: "#888888",
}


def ew_deaths_plot(
    by_year: pd.DataFrame, lang: Lang, *, pcc_start: int = 2012, ax: Axes | None = None
) -> Axes:
    """Plot deaths per financial year: PCC forces against London and the City of London.

    Parameters
    ----------
    by_year
        From :func:`policingstudy.studies.adoption_ew.deaths_by_year`.
    lang
        Language of the labels.
    pcc_start
        Financial year (start) of the PCC elections, marked with a dashed line.
    ax
        Axes to draw on (a new figure if None).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(
        by_year["year"],
        by_year["pcc_forces"],
        "o-",
        color="#1b6ca8",
        label=t("evidence_ew.label_pcc_forces", lang),
    )
    ax.plot(
        by_year["year"],
        by_year["comparison"],
        "s-",
        color="#d98c1f",
        label=t("evidence_ew.label_comparison", lang),
    )
    ax.axvline(
        pcc_start,
        color="black",
        linestyle="--",
        linewidth=0.8,
        label=t("evidence_ew.label_pcc_start", lang),
    )
    ax.axvline(
        pcc_start - 1,
        color="grey",
        linestyle=":",
        linewidth=0.8,
        label=t("evidence_ew.label_mopac_start", lang),
    )
    ticks = list(by_year["year"])[::3]
    labels = list(by_year.set_index("year").loc[ticks, "financial_year"])
    ax.set_xticks(ticks, labels)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(t("evidence_ew.financial_year", lang))
    ax.set_ylabel(wrap(t("evidence_ew.deaths", lang), 40))
    handles, texts = ax.get_legend_handles_labels()
    legend_outside(ax, where="below", ncols=2, handles=handles, labels=wrap_all(texts, 45))
    localise_axes(ax, lang, x="keep", y="integer")
    set_title(ax, t("evidence_ew.deaths_title", lang))
    return ax


def wgi_plot(
    panel: pd.DataFrame,
    indicator: str,
    lang: Lang,
    *,
    events: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot one WGI indicator by country with interval bands and Kazakh reform years.

    Parameters
    ----------
    panel
        From :func:`policingstudy.studies.crossnational.wgi_panel`.
    indicator
        WGI indicator code.
    lang
        Language of the labels.
    events
        From :func:`policingstudy.studies.crossnational.kz_reform_events` (vertical lines).
    ax
        Axes to draw on (a new figure if None).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    data = panel[panel["indicator"] == indicator]
    for code, colour in _COUNTRY_COLOURS.items():
        rows = data[data["code"] == code].sort_values("year")
        if rows.empty:
            continue
        ax.fill_between(
            rows["year"], rows["ci_low"], rows["ci_high"], color=colour, alpha=0.18, linewidth=0
        )
        ax.plot(
            rows["year"],
            rows["estimate"],
            color=colour,
            linewidth=2.0 if code == "KAZ" else 1.2,
            linestyle="--" if code == ALL_COUNTRIES else "-",
            label=t(f"evidence_ew.country_{code}", lang),
        )
    if events is not None:
        for year in sorted(set(events["year"])):
            ax.axvline(year, color="#1b6ca8", linestyle=":", linewidth=0.8)
            ax.annotate(
                str(year),
                (year, 1.0),
                xycoords=("data", "axes fraction"),
                fontsize=6,
                rotation=90,
                va="top",
                ha="right",
                color="#1b6ca8",
            )
    ax.set_xlabel(t("evidence_ew.year", lang))
    ax.set_ylabel(wrap(t("evidence_ew.wgi_estimate", lang), 28))
    localise_axes(ax, lang, x="year")
    set_title(ax, t(f"evidence_ew.wgi_{indicator}", lang), fontsize=9)
    return ax


def wgi_figure(
    panel: pd.DataFrame,
    lang: Lang,
    *,
    events: pd.DataFrame | None = None,
    indicators: tuple[str, ...] = FOCUS_INDICATORS,
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """Draw :func:`wgi_plot` for each indicator on a grid; return the array of Axes.

    One legend of the countries stands under the grid, where it covers no line.
    """
    if axes is None:
        n_rows = (len(indicators) + 1) // 2
        fig, axes = plt.subplots(
            n_rows, 2, figsize=(10, 3.6 * n_rows + 0.5), sharex=True, layout="constrained"
        )
        fig.suptitle(t("evidence_ew.wgi_title", lang))
    flat = np.ravel(axes)
    for indicator, ax in zip(indicators, flat, strict=False):
        wgi_plot(panel, indicator, lang, events=events, ax=ax)
    for ax in flat[len(indicators) :]:
        ax.set_visible(False)
    for ax in flat[: max(len(indicators) - 2, 0)]:
        ax.set_xlabel("")  # the year axis is named once, under the bottom row
    handles, labels = flat[0].get_legend_handles_labels()
    flat[0].get_figure(root=True).legend(
        handles, labels, loc="outside lower center", ncols=len(labels), fontsize=7, frameon=False
    )
    return axes


def kz_events_table(events: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Kazakh reform events marked on the WGI figure: date, body, event."""
    frame = pd.DataFrame(
        {
            "date": [date(d, lang) for d in events["date"].astype(str)],
            "body": events[f"name_{lang}"],
            "event": [t(f"evidence_ew.event_{e}", lang) for e in events["event"]],
        }
    )
    return localise(frame, {c: f"evidence_ew.col_{c}" for c in frame.columns}, lang)


def wgi_change_table(change: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Kazakhstan's WGI change between two years per indicator, with standard errors."""
    frame = change.reset_index()
    frame["indicator"] = [t(f"evidence_ew.wgi_{i}", lang) for i in frame["indicator"]]
    cols = ["indicator", "first", "se_first", "last", "se_last", "change", "se_change"]
    return localise(
        frame[cols],
        {c: f"evidence_ew.col_{c}" for c in cols},
        lang,
        digits=dict.fromkeys(cols[1:], 2),
    )


def xn_numbers(
    wgi: pd.DataFrame,
    change: pd.DataFrame,
    events: pd.DataFrame,
    nums: Numbers | None = None,
) -> Numbers:
    """Record the numbers quoted in the cross-national text (names start with ``xn_``)."""
    nums = nums or Numbers()
    countries = wgi[wgi["code"] == ALL_COUNTRIES]
    nums.add("xn_n_countries", int(countries["n_countries"].max()))
    nums.add("xn_year_first", int(wgi["year"].min()), year=True)
    nums.add("xn_year_last", int(wgi["year"].max()), year=True)
    for indicator, row in change.iterrows():
        nums.add(f"xn_kaz_{indicator}_first", float(row["first"]), digits=2)
        nums.add(f"xn_kaz_{indicator}_last", float(row["last"]), digits=2)
        nums.add(f"xn_kaz_{indicator}_se_last", float(row["se_last"]), digits=2)
        nums.add(f"xn_kaz_{indicator}_change", float(row["change"]), digits=2)
        nums.add(f"xn_kaz_{indicator}_se_change", float(row["se_change"]), digits=2)
    last = wgi[wgi["year"] == wgi["year"].max()].set_index(["code", "indicator"])["estimate"]
    for code in ("DEU", "GBR", "USA"):
        if (code, "rl") in last.index:
            nums.add(f"xn_{code.lower()}_rl_last", float(last[(code, "rl")]), digits=2)
    nums.add("xn_n_events", len(events))
    return nums
