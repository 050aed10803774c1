"""Tables and figures describing the comparative dataset (notebooks 02 and 03)."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.i18n.format import date
from policingstudy.i18n.scripts import ORIGINAL_LANGS, guess_lang
from policingstudy.report import layout
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import JURISDICTION_COLOURS, localise_axes
from policingstudy.report.tables import (
    NO_LANGUAGE,
    is_missing,
    localise,
    mark_originals,
    original,
    with_locale,
)

STATUS_ORDER = ("coded", "unknown", "not_applicable")
UNIT_LABEL_WIDTH = 55
"""Characters per line of a unit's name beside a heatmap's row (wrapped between words)."""
TIMELINE_LABEL_WIDTH = 70
"""Characters per line of a unit's name beside a timeline's row."""
INDICATOR_LABEL_WIDTH = 30
"""Characters per line of an indicator's name under a heatmap column."""
UNKNOWN_GREY = "#d9d9d9"
EARLY_SPAN = 20
"""Years of early events from which a timeline's axis is compressed before the cut."""
EARLY_SHARE = 0.15
"""Share of a compressed timeline's width given to the years before the cut."""
# survey field primary_role (spelling as in the survey, "Adjuticative" sic) -> maps.us_role_*
SURVEY_ROLES = {"adjuticative": "adjudicative"}


def _labels(frame: pd.DataFrame | None, id_column: str, lang: Lang) -> dict[str, str]:
    """Id -> name in ``lang`` (``name_<lang>`` or ``label_<lang>``); empty without a frame."""
    if frame is None:
        return {}
    column = f"name_{lang}" if f"name_{lang}" in frame.columns else f"label_{lang}"
    return dict(zip(frame[id_column], frame[column], strict=True))


def _split_ids(cell: object) -> list[str]:
    """The ids of a ``;``-separated cell (empty for a missing cell)."""
    if is_missing(cell):
        return []
    return [part.strip() for part in str(cell).split(";") if part.strip()]


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
    """Coverage with translated headers and percentages (one decimal, rounded once when shown)."""
    shown = cov.assign(
        jurisdiction=[t(f"dataset.jur_{j.replace('-', '_')}", lang) for j in cov["jurisdiction"]],
        **{f"share_{s}": cov[f"share_{s}"] * 100 for s in STATUS_ORDER},
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
        digits={f"share_{s}": 1 for s in STATUS_ORDER},
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
    """Heatmap of units (rows) × indicators (columns); grey = unknown, × = not applicable.

    Rows are named by the units' full names and columns by the indicators' numbers and names,
    wrapped between words; a new figure is as tall as its wrapped row labels need.

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
    names = units.set_index("unit_id")[f"name_{lang}"].reindex(unit_ids)
    rows = layout.wrap_all(("" if is_missing(n) else n for n in names), UNIT_LABEL_WIDTH)
    labels = _labels(indicators, "indicator_id", lang)
    columns = [
        layout.wrap(f"{i[-2:]} {labels.get(i, '')}".strip(), INDICATOR_LABEL_WIDTH) for i in ind_ids
    ]
    if ax is None:
        column_block = max((layout.text_width(c, 6.5) for c in columns), default=1.0)
        height = layout.row_pitch(rows, 7) * len(rows) + column_block + 1.2
        _, ax = plt.subplots(figsize=(11, max(height, 3.5)))
    # level 0 is a visible pale blue, not the page's white; grey stays for unknown
    cmap = ListedColormap(["#deebf7", "#9ecae1", "#4292c6", "#08306b"])
    cmap.set_bad(UNKNOWN_GREY)
    image = ax.imshow(
        values.to_numpy(),
        cmap=cmap,
        norm=BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], 4),
        aspect="auto",
        interpolation="none",
    )
    na = np.argwhere(status.to_numpy() == "not_applicable")
    if len(na):
        ax.scatter(na[:, 1], na[:, 0], marker="x", s=12, color="#737373", linewidths=0.6)
    ax.set_yticks(range(len(unit_ids)), rows, fontsize=7)
    ax.set_xticks(range(len(ind_ids)), columns, rotation=90, fontsize=6.5)
    ax.grid(False)
    layout.set_title(ax, t("dataset.heatmap_title", lang))
    colorbar = ax.figure.colorbar(
        image, ax=ax, ticks=[0, 1, 2, 3], fraction=0.03, shrink=0.5, anchor=(0.0, 1.0)
    )
    colorbar.set_label(layout.wrap(t("dataset.heatmap_scale", lang), 24), fontsize=8)
    localise_axes(colorbar.ax, lang)
    # the two non-values under the colour bar, beside the map: nothing of the data is covered
    keys: list[Artist] = [
        Patch(facecolor=UNKNOWN_GREY, edgecolor="#999999", label=t("dataset.status_unknown", lang))
    ]
    if len(na):
        keys.append(
            Line2D([], [], linestyle="", marker="x", color="#737373", markersize=5,
                   label=t("dataset.legend_na", lang))
        )  # fmt: skip
    colorbar.ax.legend(
        handles=keys, loc="upper left", bbox_to_anchor=(0.0, -0.04), fontsize=7, frameon=False
    )
    return ax


def _year(dates: pd.Series) -> pd.Series:
    """Decimal year of ISO dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)."""
    return pd.to_numeric(dates.str[:4]) + _year_fraction(dates)


def timeline_cut(years: pd.Series | list[float]) -> int | None:
    """The year before which a timeline's axis is compressed, or None to keep one scale.

    The cut is the decade of the earliest event among the latest 90%; the axis is compressed
    only when the earlier events would otherwise take at least :data:`EARLY_SPAN` years
    (a single 19th-century event squeezed every other event into the last part of the axis).
    """
    ordered = np.sort(np.asarray(years, dtype=float))
    ordered = ordered[np.isfinite(ordered)]
    if len(ordered) < 2:
        return None
    cut = int(np.floor(np.quantile(ordered, 0.1) / 10) * 10)
    if cut - ordered[0] < EARLY_SPAN:
        return None
    return cut


def _compressed_scale(ax: Axes, low: float, cut: float, high: float, share: float) -> None:
    """Show ``[low, cut]`` in ``share`` of the axis width and ``[cut, high]`` in the rest."""
    factor = share / (1 - share) * (high - cut) / (cut - low)

    def forward(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.where(x < cut, cut - (cut - x) * factor, x)

    def inverse(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.where(x < cut, cut - (cut - x) / factor, x)

    ax.set_xscale("function", functions=(forward, inverse))


def timeline(events: pd.DataFrame, units: pd.DataFrame, lang: Lang, ax: Axes | None = None) -> Axes:
    """Dated events per unit (established, reformed, renamed, abolished) on a time axis.

    Rows carry the units' full names, wrapped between words. Markers are coloured by
    jurisdiction (a colour key follows the event key). When a few events are much older than
    the rest (:func:`timeline_cut`), the years before the cut are drawn on a compressed,
    shaded part of the axis and the axis label says so.
    """
    ev = events.merge(units[["unit_id", "jurisdiction", f"name_{lang}"]], on="unit_id")
    ev = ev.assign(year=_year(ev["date"]))
    order = ev.groupby("unit_id")["year"].min().sort_values(kind="stable").index.tolist()
    names = ev.drop_duplicates("unit_id").set_index("unit_id")[f"name_{lang}"]
    rows = layout.wrap_all((names[u] for u in order), TIMELINE_LABEL_WIDTH)
    if ax is None:
        height = layout.row_pitch(rows, 7) * max(len(rows), 3) + 1.6
        _, ax = plt.subplots(figsize=(11, height))
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
            zorder=3,
        )
    ax.set_yticks(range(len(order)), rows, fontsize=7)
    ax.set_ylim(len(order) - 0.5, -0.5)
    layout.set_title(ax, t("dataset.timeline_title", lang))
    localise_axes(ax, lang, x="year")
    cut = timeline_cut(ev["year"]) if len(ev) else None
    if cut is None:
        ax.set_xlabel(t("dataset.year", lang))
    else:
        low = float(np.floor(ev["year"].min() / 10) * 10)
        high = float(ev["year"].max()) + 1
        _compressed_scale(ax, low, cut, high, EARLY_SHARE)
        ax.set_xlim(low, high)
        ax.axvspan(low, cut, color="#eeeeee", zorder=0, linewidth=0)
        early = [low]  # the compressed part is narrow: its first year and the cut only
        late = [
            y
            for y in MaxNLocator(nbins=7, integer=True, steps=[1, 2, 5, 10]).tick_values(cut, high)
            if cut <= y <= high
        ]
        ax.set_xticks(sorted(set(early + [float(cut)] + late)))
        ax.set_xlabel(t("dataset.year_compressed", lang, year=cut))
    # the markers' colours belong to jurisdictions: grey event markers, then a colour key
    handles: list[Artist] = [
        Line2D([], [], linestyle="", marker=m, color="#bbbbbb", markeredgecolor="black", label=lb)
        for m, lb in (
            (marker, layout.wrap(t(f"dataset.event_{event}", lang), 24))
            for event, marker in markers.items()
            if (ev["event"] == event).any()
        )
    ]
    handles += [
        Patch(
            facecolor=JURISDICTION_COLOURS.get(j, "#555"),
            label=t(f"dataset.jur_{j.replace('-', '_')}", lang),
        )
        for j in sorted(ev["jurisdiction"].unique())
    ]
    layout.legend_outside(ax, handles=handles, where="right")
    return ax


def _year_fraction(dates: pd.Series) -> pd.Series:
    month = pd.to_numeric(dates.str[5:7], errors="coerce").fillna(1)
    return (month - 1) / 12


def _object_column(values: list[object], index: pd.Index) -> pd.Series:
    """A column of table cells kept as ``object`` (marked cells must not become strings)."""
    return pd.Series(values, index=index, dtype=object)


def units_table(units: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Units with name, official name, kind, region and legal basis; the id in the last column.

    The official name is marked as written in the unit's original language, and the legal basis
    is read from ``legal_basis_<lang>`` (Kazakh and Russian), whose original titles of foreign
    acts are marked likewise (:func:`~policingstudy.report.tables.mark_originals`).
    """
    originals = [ORIGINAL_LANGS.get(j, "en") for j in units["jurisdiction"]]
    basis_column = f"legal_basis_{lang}"
    if lang == "en" or basis_column not in units.columns:
        basis: list[object] = list(units["legal_basis"])
    else:
        basis = [
            mark_originals(text, original_lang)
            for text, original_lang in zip(units[basis_column], originals, strict=True)
        ]
    shown = units.assign(
        name=units[f"name_{lang}"],
        kind_label=[t(f"dataset.kind_{k}", lang) for k in units["kind"]],
        name_original_shown=_object_column(
            [
                original(name, original_lang, report_lang=lang)
                for name, original_lang in zip(units["name_original"], originals, strict=True)
            ],
            units.index,
        ),
        subunit_shown=_object_column(
            [original(code, NO_LANGUAGE) if code else code for code in units["subunit_code"]],
            units.index,
        ),
        legal_basis_shown=_object_column(basis, units.index),
        unit_id_shown=_object_column(
            [original(uid, NO_LANGUAGE) for uid in units["unit_id"]], units.index
        ),
    )
    return localise(
        shown,
        {
            "name": "common.column_label",
            "name_original_shown": "dataset.col_name_original",
            "kind_label": "common.column_kind",
            "subunit_shown": "dataset.col_subunit",
            "legal_basis_shown": "dataset.col_legal_basis",
            "unit_id_shown": "common.column_id",
        },
        lang,
    )


def sources_appendix(sources: pd.DataFrame, used: set[str], lang: Lang) -> pd.DataFrame:
    """Every source cited by the given set of source ids: citation, kind, URL, date accessed, id.

    The kind is a word from the catalog (``dataset.source_kind_*``) and the date is written in the
    language's long form; the citation stays as published, marked with its (guessed) language,
    and the URL and id are marked as having none.
    """
    shown = sources[sources["source_id"].isin(used)].sort_values("source_id")
    shown = shown.assign(
        kind_label=[t(f"dataset.source_kind_{k}", lang) for k in shown["kind"]],
        accessed_text=pd.Series(
            [None if is_missing(d) else date(d, lang) for d in shown["accessed"]], index=shown.index
        ),
        citation_shown=_object_column(
            [
                c if is_missing(c) else original(c, guess_lang(str(c)), report_lang=lang)
                for c in shown["citation"]
            ],
            shown.index,
        ),
        url_shown=_object_column([original(u, NO_LANGUAGE) for u in shown["url"]], shown.index),
        source_id_shown=_object_column(
            [original(i, NO_LANGUAGE) for i in shown["source_id"]], shown.index
        ),
    )
    return localise(
        shown,
        {
            "citation_shown": "dataset.col_citation",
            "kind_label": "common.column_kind",
            "url_shown": "dataset.col_url",
            "accessed_text": "dataset.col_accessed",
            "source_id_shown": "common.column_id",
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
    """Counts quoted by the dataset notebooks (units, codings, share unknown, sources).

    ``reliability`` is accepted for the notebooks' call and not used: agreement between coders
    is quoted by :func:`policingstudy.report.views.coding.coding_numbers`.
    """
    nums = nums or Numbers()
    nums.add("n_units", len(units))
    nums.add("n_codings", len(codings))
    nums.add("n_coded", int((codings["status"] == "coded").sum()))
    share = float((codings["status"] == "unknown").mean() * 100) if len(codings) else 0.0
    nums.add("pct_unknown", share, digits=1)
    nums.add("n_sources", len(sources))
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
    """Each Kazakh unit with the article topics (T01-T30) it covers; ids in the last columns.

    A unit linked to no topic gets one row with an empty (em dash) topic.
    """
    labels = topics.set_index("topic_id")[f"label_{lang}"]
    rows = []
    for unit in units.itertuples():
        found: list[str | None] = [*_split_ids(unit.topic_ids)] or [None]
        for topic in found:
            rows.append(
                {
                    "name": getattr(unit, f"name_{lang}"),
                    "topic": None if topic is None else labels.get(topic, topic),
                    "unit_id": unit.unit_id,
                    "topic_id": topic,
                }
            )
    frame = pd.DataFrame(rows, columns=["name", "topic", "unit_id", "topic_id"])
    return localise(
        frame,
        {
            "name": "common.column_label",
            "topic": "common.column_topic",
            "unit_id": "common.column_id",
            "topic_id": "dataset.col_topic_id",
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
    *,
    indicators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Problems and programme items with their indicators and the units' mean score.

    With ``indicators`` (the processed codebook table) the indicators are listed by name; their
    ids, and the item's id, are kept in the last columns.
    """
    profile = problem_profile(codings, links, unit_ids)
    labels = {
        **problems.set_index("problem_id")[f"label_{lang}"].to_dict(),
        **programme.set_index("item_id")[f"label_{lang}"].to_dict(),
    }
    names = _labels(indicators, "indicator_id", lang)
    linked = links.groupby("link_id")["indicator_id"].apply(lambda s: sorted(set(s)))
    ids = [linked.get(i, []) for i in profile["link_id"]]
    shown = profile.assign(
        label=[labels.get(i, i) for i in profile["link_id"]],
        indicators=["; ".join(names.get(x, x) for x in group) for group in ids],
        indicator_ids=[", ".join(group) for group in ids],
    )
    return localise(
        shown,
        {
            "label": "common.column_label",
            "indicators": "dataset.col_indicators",
            "n_values": "dataset.col_n_values",
            "mean_value": "dataset.col_mean_value",
            "link_id": "common.column_id",
            "indicator_ids": "dataset.col_indicator_ids",
        },
        lang,
        digits={"mean_value": 2},
    )


def _by_coder(cell: object) -> dict[str, str]:
    """``"c1=3.0; c2=<NA>"`` -> ``{"c1": "3.0", "c2": "<NA>"}`` (the disagreements table)."""
    pairs = [part.split("=", 1) for part in _split_ids(cell) if "=" in part]
    return {coder.strip(): value.strip() for coder, value in pairs}


def _coder_number(coder: str) -> str:
    match = re.search(r"(\d+)$", coder)
    return match.group(1) if match else coder


def _coded_value(text: str | None) -> float | None:
    """A coded value on the 0-3 scale, or None for a missing one (``<NA>``, ``nan``)."""
    try:
        value = float(text) if text is not None else float("nan")
    except ValueError:
        return None
    return None if np.isnan(value) else value


def disagreement_table(
    disagreements: pd.DataFrame,
    unit_ids: list[str],
    lang: Lang,
    *,
    units: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Items on which the coders differ, for the given units: one value and status column per coder.

    Values are whole numbers on the 0-3 scale (a missing one is an em dash) and statuses are
    words from the catalog. With ``units`` and ``indicators`` the rows name the unit and the
    indicator; the ids are kept in the last columns.
    """
    shown = disagreements[disagreements["unit_id"].isin(unit_ids)]
    values = [_by_coder(v) for v in shown["values"]]
    statuses = [_by_coder(v) for v in shown["statuses"]]
    coders = sorted({c for row in values + statuses for c in row}, key=_coder_number)
    unit_names = _labels(units, "unit_id", lang)
    ind_names = _labels(indicators, "indicator_id", lang)
    out = pd.DataFrame(
        {
            t("common.column_label", lang): [unit_names.get(u, u) for u in shown["unit_id"]],
            t("dataset.col_indicator", lang): [ind_names.get(i, i) for i in shown["indicator_id"]],
        },
        index=shown.index,
    )
    for coder in coders:
        number = _coder_number(coder)
        out[t("dataset.col_coder_value", lang, n=number)] = pd.Series(
            [_coded_value(row.get(coder)) for row in values], index=shown.index, dtype="Float64"
        )
    for coder in coders:
        number = _coder_number(coder)
        out[t("dataset.col_coder_status", lang, n=number)] = [
            t(f"dataset.status_{row[coder]}", lang) if row.get(coder) in STATUS_ORDER else None
            for row in statuses
        ]
    out[t("common.column_id", lang)] = list(shown["unit_id"])
    out[t("dataset.col_indicator_id", lang)] = list(shown["indicator_id"])
    return with_locale(out.reset_index(drop=True), lang)


def foreign_numbers(units: pd.DataFrame, survey: pd.DataFrame, nums: Numbers) -> Numbers:
    """Counts quoted by the foreign-models notebook (German bodies, survey size)."""
    de = units[(units["jurisdiction"] == "DE") & (units["subunit_code"] != "")]
    with_body = de.loc[de["kind"] != "no_body", "subunit_code"].nunique()
    nums.add("n_de_bodies", int(with_body))
    nums.add("n_de_none", int(de.loc[de["kind"] == "no_body", "subunit_code"].nunique()))
    if "origin" in units.columns:
        nums.add("n_hand_coded", int((units["origin"] == "hand_coded").sum()))
        nums.add("n_survey_units", int((units["origin"] == "uchicago_survey").sum()))
    nums.add("n_survey_agencies", len(survey))
    nums.add("n_survey_cities", int(survey["city"].nunique()) if len(survey) else 0)
    return nums


def survey_key(survey: pd.DataFrame) -> str:
    """Catalog key of the survey paragraph (a different text when the file is missing)."""
    return "dataset.survey_text" if len(survey) else "dataset.survey_missing"


def survey_decades(survey: pd.DataFrame, lang: Lang, ax: Axes | None = None) -> Axes:
    """Bar chart of the survey's agencies by decade of establishment and primary role.

    The legend of roles stands beside the bars.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.5))
    known = survey.dropna(subset=["established_year"])
    decade = (known["established_year"].astype(int) // 10) * 10
    roles = known["primary_role"].map(_survey_role)
    table = pd.crosstab(decade, roles)
    bottom = np.zeros(len(table))
    for i, role in enumerate(table.columns):
        label = (
            t("dataset.survey_role_unknown", lang)
            if role == ""
            else t(f"maps.us_role_{role}", lang)
        )
        ax.bar(
            table.index.astype(str),
            table[role].to_numpy(),
            bottom=bottom,
            label=label,
            color=plt.get_cmap("tab10")(i),
        )
        bottom += table[role].to_numpy()
    ax.set_xlabel(t("dataset.survey_xlabel", lang))
    ax.set_ylabel(t("dataset.survey_ylabel", lang))
    layout.set_title(ax, t("dataset.survey_title", lang))
    layout.legend_outside(ax, where="right")
    localise_axes(ax, lang, y="integer")
    return ax


def _survey_role(value: object) -> str:
    """The catalog suffix of a survey role (``maps.us_role_<role>``); ``""`` when not stated."""
    if is_missing(value) or not str(value).strip():
        return ""
    role = str(value).strip().lower()
    return SURVEY_ROLES.get(role, role)
