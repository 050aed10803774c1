"""Tables and figures describing the comparative dataset (notebooks 02 and 03)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import JURISDICTION_COLOURS
from policingstudy.report.tables import localise

STATUS_ORDER = ("coded", "unknown", "not_applicable")


def coverage(units: pd.DataFrame, codings: pd.DataFrame) -> pd.DataFrame:
    """Share of unit × indicator cells coded, unknown and not applicable, by jurisdiction.

    Parameters
    ----------
    units
        Processed ``units`` (``unit_id``, ``jurisdiction``).
    codings
        Consensus ``codings`` (``unit_id``, ``status``).

    Returns
    -------
    DataFrame
        ``jurisdiction``, ``n_units`` (units with codings), ``n_cells`` and ``share_<status>``
        (0-1), plus an ``all`` row.
    """
    merged = codings.merge(units[["unit_id", "jurisdiction"]], on="unit_id", how="left")
    rows = []
    groups = [(j, g) for j, g in merged.groupby("jurisdiction", sort=True)] + [("all", merged)]
    for name, g in groups:
        row: dict[str, object] = {
            "jurisdiction": name,
            "n_units": g["unit_id"].nunique(),
            "n_cells": len(g),
        }
        for status in STATUS_ORDER:
            row[f"share_{status}"] = float((g["status"] == status).mean()) if len(g) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def coverage_table(cov: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Coverage with translated headers and percentages."""
    shown = cov.assign(
        jurisdiction=[t(f"dataset.jur_{j.replace('-', '_')}", lang) for j in cov["jurisdiction"]],
        **{f"share_{s}": (cov[f"share_{s}"] * 100).round(1) for s in STATUS_ORDER},
    )
    return localise(
        shown,
        {
            "jurisdiction": "dataset.col_jurisdiction",
            "n_units": "dataset.col_n_units",
            "n_cells": "dataset.col_n_cells",
            "share_coded": "dataset.col_share_coded",
            "share_unknown": "dataset.col_share_unknown",
            "share_not_applicable": "dataset.col_share_na",
        },
        lang,
    )


def value_matrix(
    codings: pd.DataFrame, unit_ids: list[str], indicator_ids: list[str]
) -> pd.DataFrame:
    """Units × indicators of consensus values (NaN where not coded)."""
    coded = codings[codings["status"] == "coded"]
    wide = coded.pivot_table(
        index="unit_id", columns="indicator_id", values="value", aggfunc="first"
    )
    return wide.reindex(index=unit_ids, columns=indicator_ids).astype(float)


def heatmap(
    codings: pd.DataFrame,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    lang: Lang,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of units (rows) × indicators (columns); grey = unknown, hatched = not applicable.

    Returns
    -------
    Axes
        The axes drawn on.
    """
    unit_ids = list(units["unit_id"])
    ind_ids = list(indicators["indicator_id"])
    values = value_matrix(codings, unit_ids, ind_ids)
    status = codings.pivot_table(
        index="unit_id", columns="indicator_id", values="status", aggfunc="first"
    ).reindex(index=unit_ids, columns=ind_ids)
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 0.28 * len(unit_ids) + 2))
    cmap = ListedColormap(["#f7fbff", "#9ecae1", "#4292c6", "#08306b"])
    cmap.set_bad("#d9d9d9")
    image = ax.imshow(
        values.to_numpy(),
        cmap=cmap,
        norm=BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], 4),
        aspect="auto",
        interpolation="none",
    )
    na = np.argwhere(status.to_numpy() == "not_applicable")
    if len(na):
        ax.scatter(
            na[:, 1],
            na[:, 0],
            marker="x",
            s=12,
            color="#737373",
            linewidths=0.6,
            label=t("dataset.legend_na", lang),
        )
    names = units.set_index("unit_id")[f"name_{lang}"].reindex(unit_ids)
    ax.set_yticks(range(len(unit_ids)), [str(n)[:48] for n in names], fontsize=7)
    ax.set_xticks(range(len(ind_ids)), ind_ids, rotation=90, fontsize=7)
    ax.grid(False)
    ax.set_title(t("dataset.heatmap_title", lang))
    colorbar = ax.figure.colorbar(image, ax=ax, ticks=[0, 1, 2, 3], fraction=0.03)
    colorbar.set_label(t("dataset.heatmap_scale", lang))
    if len(na):
        ax.legend(loc="upper right", bbox_to_anchor=(1.0, -0.08), fontsize=7, frameon=False)
    return ax


def timeline(events: pd.DataFrame, units: pd.DataFrame, lang: Lang, ax: Axes | None = None) -> Axes:
    """Dated events per unit (established, reformed, renamed, abolished) on a time axis."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.3 * max(events["unit_id"].nunique(), 3) + 1.5))
    ev = events.merge(units[["unit_id", "jurisdiction", f"name_{lang}"]], on="unit_id")
    ev = ev.assign(year=pd.to_numeric(ev["date"].str[:4]) + _year_fraction(ev["date"]))
    order = ev.groupby("unit_id")["year"].min().sort_values().index.tolist()
    markers = {
        "established": "o",
        "reformed": "s",
        "renamed": "D",
        "abolished": "X",
        "first_holder_took_office": "^",
    }
    for event, marker in markers.items():
        sub = ev[ev["event"] == event]
        if sub.empty:
            continue
        ax.scatter(
            sub["year"],
            [order.index(u) for u in sub["unit_id"]],
            marker=marker,
            s=30,
            c=[JURISDICTION_COLOURS.get(j, "#555") for j in sub["jurisdiction"]],
            edgecolors="black",
            linewidths=0.4,
            label=t(f"dataset.event_{event}", lang),
        )
    names = ev.drop_duplicates("unit_id").set_index("unit_id")[f"name_{lang}"]
    ax.set_yticks(range(len(order)), [str(names[u])[:45] for u in order], fontsize=7)
    ax.set_xlabel(t("dataset.year", lang))
    ax.set_title(t("dataset.timeline_title", lang))
    ax.legend(fontsize=7, loc="lower right")
    return ax


def _year_fraction(dates: pd.Series) -> pd.Series:
    month = pd.to_numeric(dates.str[5:7], errors="coerce").fillna(1)
    return (month - 1) / 12


def units_table(units: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Units with name, kind, level, subunit and legal basis."""
    shown = units.assign(
        name=units[f"name_{lang}"], kind_label=[t(f"dataset.kind_{k}", lang) for k in units["kind"]]
    )
    return localise(
        shown,
        {
            "unit_id": "common.column_id",
            "name": "common.column_label",
            "name_original": "dataset.col_name_original",
            "kind_label": "common.column_kind",
            "subunit_code": "dataset.col_subunit",
            "legal_basis": "dataset.col_legal_basis",
        },
        lang,
    )


def reliability_table(
    reliability: pd.DataFrame, dimensions: pd.DataFrame, lang: Lang
) -> pd.DataFrame:
    """Krippendorff's alpha by dimension with translated dimension labels."""
    labels = dimensions.set_index("dimension_id")[f"label_{lang}"].to_dict()
    labels["overall"] = t("dataset.overall", lang)
    shown = reliability.assign(
        dimension_label=[labels.get(d, d) for d in reliability["dimension"]],
        alpha=reliability["alpha"].round(3),
    )
    return localise(
        shown,
        {
            "dimension_label": "dataset.col_dimension",
            "alpha": "dataset.col_alpha",
            "n_units": "dataset.col_n_items",
            "n_coders": "dataset.col_n_coders",
        },
        lang,
    )


def sources_appendix(sources: pd.DataFrame, used: set[str], lang: Lang) -> pd.DataFrame:
    """Every source cited by the given set of source ids, with URL and kind."""
    shown = sources[sources["source_id"].isin(used)].sort_values("source_id")
    return localise(
        shown,
        {
            "source_id": "common.column_id",
            "citation": "dataset.col_citation",
            "url": "dataset.col_url",
            "kind": "common.column_kind",
            "accessed": "dataset.col_accessed",
        },
        lang,
    )


def used_sources(
    units: pd.DataFrame, events: pd.DataFrame, codings: pd.DataFrame, indicators: pd.DataFrame
) -> set[str]:
    """Source ids cited by these units, events, codings and the codebook's indicators."""
    ids: set[str] = set()
    for cell in units["source_ids"].dropna():
        ids.update(s.strip() for s in str(cell).split(";") if s.strip())
    ids.update(events["source_id"].dropna())
    ids.update(codings["source_id"].dropna())
    for cell in indicators["references"].dropna():
        ids.update(s for s in str(cell).split(";") if s)
    return ids


def dataset_numbers(
    units: pd.DataFrame,
    codings: pd.DataFrame,
    reliability: pd.DataFrame,
    sources: pd.DataFrame,
    nums: Numbers | None = None,
) -> Numbers:
    """Counts quoted by the dataset notebooks (units, codings, share unknown, alpha)."""
    nums = nums or Numbers()
    nums.add("n_units", len(units))
    nums.add("n_codings", len(codings))
    nums.add("n_coded", int((codings["status"] == "coded").sum()))
    share = float((codings["status"] == "unknown").mean() * 100) if len(codings) else 0.0
    nums.add("pct_unknown", share, digits=1)
    nums.add("n_sources", len(sources))
    overall = reliability.loc[reliability["dimension"] == "overall", "alpha"]
    if len(overall) and pd.notna(overall.iloc[0]):
        nums.add("alpha_overall", float(overall.iloc[0]), digits=3)
    return nums


def problem_profile(
    codings: pd.DataFrame, links: pd.DataFrame, unit_ids: list[str]
) -> pd.DataFrame:
    """Mean coded value (0-3) of the units' indicators linked to each problem or programme item.

    Returns
    -------
    DataFrame
        ``link_type``, ``link_id``, ``n_indicators``, ``n_values`` (coded cells used),
        ``mean_value``.
    """
    coded = codings[(codings["status"] == "coded") & codings["unit_id"].isin(unit_ids)]
    merged = links.merge(coded[["indicator_id", "value"]], on="indicator_id", how="left")
    out = merged.groupby(["link_type", "link_id"], sort=True).agg(
        n_indicators=("indicator_id", "nunique"),
        n_values=("value", "count"),
        mean_value=("value", "mean"),
    )
    return out.reset_index()


def topic_links(units: pd.DataFrame, topics: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Each Kazakh unit with the article topics (T01-T30) it covers."""
    labels = topics.set_index("topic_id")[f"label_{lang}"]
    rows = []
    for unit in units.itertuples():
        for topic in str(unit.topic_ids or "").split(";"):
            topic = topic.strip()
            if topic:
                rows.append(
                    {
                        "unit_id": unit.unit_id,
                        "name": getattr(unit, f"name_{lang}"),
                        "topic_id": topic,
                        "topic": labels.get(topic, ""),
                    }
                )
    frame = pd.DataFrame(rows, columns=["unit_id", "name", "topic_id", "topic"])
    return localise(
        frame,
        {
            "unit_id": "common.column_id",
            "name": "common.column_label",
            "topic_id": "dataset.col_topic_id",
            "topic": "common.column_topic",
        },
        lang,
    )


def problem_table(
    codings: pd.DataFrame,
    links: pd.DataFrame,
    problems: pd.DataFrame,
    programme: pd.DataFrame,
    unit_ids: list[str],
    lang: Lang,
) -> pd.DataFrame:
    """Problems and programme items with their indicators and the units' mean score."""
    profile = problem_profile(codings, links, unit_ids)
    labels = {
        **problems.set_index("problem_id")[f"label_{lang}"].to_dict(),
        **programme.set_index("item_id")[f"label_{lang}"].to_dict(),
    }
    indicators = links.groupby("link_id")["indicator_id"].apply(lambda s: ", ".join(sorted(set(s))))
    shown = profile.assign(
        label=[labels.get(i, i) for i in profile["link_id"]],
        indicators=[indicators.get(i, "") for i in profile["link_id"]],
        mean_value=profile["mean_value"].astype(float).round(2),
    )
    return localise(
        shown,
        {
            "link_id": "common.column_id",
            "label": "common.column_label",
            "indicators": "dataset.col_indicators",
            "n_values": "dataset.col_n_values",
            "mean_value": "dataset.col_mean_value",
        },
        lang,
    )


def reliability_key(reliability: pd.DataFrame) -> str:
    """The catalog key of the reliability paragraph (text differs when nothing was coded twice)."""
    overall = reliability.loc[reliability["dimension"] == "overall", "alpha"]
    has_alpha = len(overall) > 0 and pd.notna(overall.iloc[0])
    return "dataset.reliability_text" if has_alpha else "dataset.reliability_missing"


def disagreement_table(
    disagreements: pd.DataFrame, unit_ids: list[str], lang: Lang
) -> pd.DataFrame:
    """Items on which the coders differ, for the given units."""
    shown = disagreements[disagreements["unit_id"].isin(unit_ids)]
    return localise(
        shown,
        {
            "unit_id": "common.column_id",
            "indicator_id": "dataset.col_indicator",
            "values": "dataset.col_values",
            "statuses": "dataset.col_statuses",
        },
        lang,
    )


def foreign_numbers(units: pd.DataFrame, survey: pd.DataFrame, nums: Numbers) -> Numbers:
    """Counts quoted by the foreign-models notebook (German bodies, survey size)."""
    de = units[(units["jurisdiction"] == "DE") & (units["subunit_code"] != "")]
    with_body = de.loc[de["kind"] != "no_body", "subunit_code"].nunique()
    nums.add("n_de_bodies", int(with_body))
    nums.add("n_de_none", int(de.loc[de["kind"] == "no_body", "subunit_code"].nunique()))
    nums.add("n_survey_agencies", len(survey))
    nums.add("n_survey_cities", int(survey["city"].nunique()) if len(survey) else 0)
    return nums


def survey_key(survey: pd.DataFrame) -> str:
    """Catalog key of the survey paragraph (a different text when the file is missing)."""
    return "dataset.survey_text" if len(survey) else "dataset.survey_missing"


def survey_decades(survey: pd.DataFrame, lang: Lang, ax: Axes | None = None) -> Axes:
    """Bar chart of the survey's agencies by decade of establishment and primary role."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    known = survey.dropna(subset=["established_year"])
    decade = (known["established_year"].astype(int) // 10) * 10
    table = pd.crosstab(decade, known["primary_role"].fillna("?"))
    bottom = np.zeros(len(table))
    for i, role in enumerate(table.columns):
        ax.bar(
            table.index.astype(str),
            table[role].to_numpy(),
            bottom=bottom,
            label=str(role),
            color=plt.get_cmap("tab10")(i),
        )
        bottom += table[role].to_numpy()
    ax.set_xlabel(t("dataset.survey_xlabel", lang))
    ax.set_ylabel(t("dataset.survey_ylabel", lang))
    ax.set_title(t("dataset.survey_title", lang))
    ax.legend(fontsize=7, ncols=2)
    return ax
