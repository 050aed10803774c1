"""Maps of the four jurisdictions (matplotlib through geopandas; ``ax=None`` in, Axes out).

Every function takes boundaries from :func:`policingstudy.data.geo.boundaries` and a data frame from
a reader, joins them with :func:`policingstudy.data.geo.join_on_codes` (which fails on unmatched
units) and draws in the boundaries' projected CRS. Titles, legends and notes come from the
``maps`` message catalog in the requested language.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, get_args

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from policingstudy.core.types import Lang, check_option
from policingstudy.data.geo import INSET_CRS, join_on_codes
from policingstudy.i18n import Translator
from policingstudy.i18n.format import integer
from policingstudy.report.layout import separate_labels, wrap
from policingstudy.report.style import localise_axes
from policingstudy.studies.maps import MapData

if TYPE_CHECKING:
    import geopandas as gpd
    from pandas.api.typing import NAType

EDGE = {"edgecolor": "white", "linewidth": 0.4}
HALO = [patheffects.withStroke(linewidth=2, foreground="white", alpha=0.8)]
"""A white outline that keeps a label readable on dark or hatched areas."""
NOTE_STYLE: dict[str, Any] = {"fontsize": 6.5, "color": "#444444", "va": "top"}
HOLDER_COLOURS = {"pcc": "#1f77b4", "mayor": "#d62728", "none": "#bdbdbd"}

DeOfficeKind = Literal["police_commissioner", "ombudsperson", "complaints_office", "none"]
DE_KINDS: tuple[DeOfficeKind, ...] = get_args(DeOfficeKind)
DE_COLOURS = {
    "police_commissioner": "#2ca02c",
    "ombudsperson": "#98df8a",
    "complaints_office": "#ff7f0e",
    "none": "#d9d9d9",
}
ROLE_COLOURS = {
    "investigative": "#d62728",
    "review": "#1f77b4",
    "audit": "#9467bd",
    "adjudicative": "#8c564b",
    "supervisory": "#ff7f0e",
    "advisory": "#2ca02c",
    "appeals": "#17becf",
    "none": "#ffffff",
}
# Establishment bands of the oldest agency: (first year, last year, marker).
DECADE_BANDS = (
    (0, 1969, "s"),
    (1970, 1989, "^"),
    (1990, 1999, "D"),
    (2000, 2009, "o"),
    (2010, 2019, "P"),
)
UNKNOWN_MARKER = "X"


def _axes(ax: Axes | None, size: tuple[float, float] = (6.5, 5.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    ax.set_axis_off()
    ax.set_aspect("equal")
    return ax


@contextmanager
def _one_draw(target: Axes | Figure) -> Iterator[None]:
    """Skip the full-figure redraw geopandas requests after every ``plot`` call.

    ``GeoDataFrame.plot`` ends with ``canvas.draw_idle()``, which the Agg and inline backends
    carry out at once; a four-panel map drew the whole figure 14 times. The figure is drawn once,
    when it is saved or displayed.
    """
    figure = target if isinstance(target, Figure) else target.get_figure(root=True)
    canvas = figure.canvas  # type: ignore[union-attr]
    own = canvas.__dict__.get("draw_idle")
    canvas.draw_idle = lambda *args, **kwargs: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        if own is None:
            del canvas.draw_idle
        else:
            canvas.draw_idle = own  # type: ignore[method-assign]


def _fill_categories(
    ax: Axes,
    data: gpd.GeoDataFrame,
    column: str,
    colours: dict[str, str],
    tr: Translator,
    label_prefix: str,
) -> list[Patch]:
    """Fill the areas of each category and return legend patches with their counts.

    Each category is one collection whose ``gid`` is the category.
    """
    handles = []
    for category, colour in colours.items():
        part = data.loc[data[column] == category]
        if len(part):
            part.plot(ax=ax, color=colour, **EDGE)
            ax.collections[-1].set_gid(category)
        label = f"{tr(f'{label_prefix}{category}')} ({len(part)})"
        handles.append(Patch(facecolor=colour, label=label))
    return handles


def _label_points(data: gpd.GeoDataFrame) -> list[Any]:
    """A point inside each area, as far as possible from its edges (pole of inaccessibility).

    Unlike ``representative_point`` it keeps the label of an area with a hole (Brandenburg
    around Berlin, Lower Saxony around Bremen) away from the hole's own label. A multi-part
    area is labelled in its largest part.
    """
    from shapely.ops import polylabel

    points = []
    for shape in data.geometry:
        part = max(getattr(shape, "geoms", [shape]), key=lambda g: g.area)
        points.append(polylabel(part, tolerance=max(part.length, 1e-9) / 500))
    return points


SMALL_AREA = 0.006
"""Share of the map's area below which an area (a city) is labelled beside a dot."""


def _area_labels(
    ax: Axes,
    data: gpd.GeoDataFrame,
    texts: list[str],
    *,
    fontsize: float,
    total: float | None = None,
) -> None:
    """Write each area's text inside it; a small area (a city) gets a dot and the text beside.

    Large areas are labelled at their pole of inaccessibility (:func:`_label_points`); an area
    smaller than :data:`SMALL_AREA` of ``total`` (default: the areas' sum) is marked with a dot
    and labelled to its right, so that its name does not cover the area around it. Labels that
    still run into each other are pushed apart (``report.layout.separate_labels``).
    """
    total = float(data.area.sum()) if total is None else float(total)
    labels = []
    for point, text, area in zip(_label_points(data), texts, data.area, strict=True):
        small = area < SMALL_AREA * total
        if small:
            ax.plot([point.x], [point.y], marker="o", markersize=2.5, color="#222222",
                    linestyle="none", gid="city")  # fmt: skip
        label = ax.annotate(
            text,
            (point.x, point.y),
            xytext=(4, 0) if small else (0, 0),
            textcoords="offset points",
            ha="left" if small else "center",
            va="center",
            fontsize=fontsize,
            color="#222222",
            path_effects=HALO,
        )
        labels.append(label)
    separate_labels(labels)


def _note(ax: Axes, text: str, *, y: float = -0.02, width: int = 110) -> None:
    ax.text(0.0, y, textwrap.fill(text, width), transform=ax.transAxes, **NOTE_STYLE)


def _title(ax: Axes, text: str, width: int = 60) -> None:
    ax.set_title(textwrap.fill(text, width))


def kz_crime_map(
    regions: gpd.GeoDataFrame,
    crime: pd.DataFrame,
    *,
    lang: Lang,
    ax: Axes | None = None,
    cmap: str = "OrRd",
) -> Axes:
    """Choropleth of criminal offences in proceedings by Kazakh region.

    The count is form 1-M column 1 (offences in proceedings in the reporting period); the
    period is not stated in the source, and the note under the map says so. Regions whose count
    equals another region's (``shared_value``) are hatched and explained in the legend.

    Parameters
    ----------
    regions
        ``boundaries("kz_regions_2024")``.
    crime
        :func:`policingstudy.data.readers.kz.read_kz_crime_regions`.
    lang
        Language of title, legend and note.
    ax
        Axes to draw on; a new figure if None.
    cmap
        Matplotlib colour map.

    Returns
    -------
    Axes
        The axes drawn on (the colour bar is an inset axes below the map).
    """
    tr = Translator(lang)
    return _kz_choropleth(
        regions,
        crime,
        "offences",
        lang=lang,
        legend=tr("maps.kz_legend"),
        title=tr("maps.kz_title"),
        note=tr("maps.kz_note"),
        ax=ax,
        cmap=cmap,
    )


def kz_crime_rate_map(
    regions: gpd.GeoDataFrame,
    rates: pd.DataFrame,
    *,
    lang: Lang,
    ax: Axes | None = None,
    cmap: str = "OrRd",
) -> Axes:
    """Choropleth of criminal offences in proceedings per 100,000 residents by Kazakh region.

    The numerator is that of :func:`kz_crime_map` (period not stated in the source); the
    denominator is the BNS population on the date in ``population_date`` (the note names it).
    Regions whose count equals another region's are hatched, as on the count map.

    Parameters
    ----------
    regions
        ``boundaries("kz_regions_2024")``.
    rates
        :func:`policingstudy.studies.maps.kz_crime_rates`.
    lang
        Language of title, legend and note.
    ax
        Axes to draw on; a new figure if None.
    cmap
        Matplotlib colour map.

    Returns
    -------
    Axes
        The axes drawn on.
    """
    tr = Translator(lang)
    dates = sorted(set(pd.to_datetime(rates["population_date"]).dt.strftime("%Y-%m-%d")))
    return _kz_choropleth(
        regions,
        rates,
        "rate_per_100k",
        lang=lang,
        legend=tr("maps.kz_rate_legend"),
        title=tr("maps.kz_rate_title"),
        note=tr("maps.kz_rate_note", date=", ".join(dates)),
        ax=ax,
        cmap=cmap,
    )


def _kz_choropleth(
    regions: gpd.GeoDataFrame,
    frame: pd.DataFrame,
    column: str,
    *,
    lang: Lang,
    legend: str,
    title: str,
    note: str,
    ax: Axes | None,
    cmap: str,
) -> Axes:
    tr = Translator(lang)
    ax = _axes(ax)
    with _one_draw(ax):
        data = join_on_codes(regions, frame, "code")
        colour_bar = ax.inset_axes((0.25, -0.07, 0.5, 0.035))
        data.plot(
            column=column,
            cmap=cmap,
            ax=ax,
            legend=True,
            cax=colour_bar,
            **EDGE,
            legend_kwds={"label": legend, "orientation": "horizontal"},
        )
        localise_axes(colour_bar, lang)  # "10 000", not "10000" (kk, ru)
        shared = data.loc[data["shared_value"]]
        note_y = -0.24
        if len(shared):
            shared.plot(ax=ax, facecolor="none", edgecolor="#333333", hatch="////", linewidth=0.6)
            # under the colour bar's label, not over the map
            ax.legend(
                handles=[
                    Patch(
                        facecolor="white",
                        edgecolor="#333333",
                        hatch="////",
                        label=tr("maps.kz_shared_value"),
                    )
                ],
                loc="upper center",
                bbox_to_anchor=(0.5, -0.22),
                fontsize=7,
                frameon=False,
            )
            note_y = -0.31
        _area_labels(ax, data, [wrap(n, 14) for n in data[f"name_{lang}"]], fontsize=6.5)
        _title(ax, title)
        _note(ax, note, y=note_y)
    return ax


def ew_pcc_map(
    areas: gpd.GeoDataFrame, holders: pd.DataFrame, *, lang: Lang, ax: Axes | None = None
) -> Axes:
    """Police force areas of England and Wales coloured by who holds the PCC functions.

    A zoomed inset shows London, where the Metropolitan Police area (the Mayor, through MOPAC)
    surrounds the City of London (no PCC).

    Parameters
    ----------
    areas
        ``boundaries("ew_police_force_areas")``.
    holders
        :func:`policingstudy.studies.maps.ew_holders` for one year (``pfa_code``,
        ``year``, ``holder``).
    lang
        Language of title and legend.
    ax
        Axes to draw on; a new figure if None.

    Returns
    -------
    Axes
        The axes drawn on; each holder category is one collection whose ``gid`` is the
        category (``pcc``, ``mayor``, ``none``).
    """
    tr = Translator(lang)
    ax = _axes(ax, (7.5, 6.0))
    with _one_draw(ax):
        data = join_on_codes(areas, holders, "pfa_code")
        years = sorted(set(holders["year"]))
        handles = _fill_categories(ax, data, "holder", HOLDER_COLOURS, tr, "maps.holder_")
        # beside the map (England and Wales are tall): the legend, then London enlarged
        for handle in handles:
            handle.set_label(wrap(handle.get_label(), 30))
        ax.legend(
            handles=handles,
            title=wrap(tr("maps.ew_legend"), 30),
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=7,
            title_fontsize=7,
            frameon=False,
            alignment="left",
        )
        london = data.loc[data["code"].isin(["E23000001", "E23000034"])]
        inset = ax.inset_axes((1.04, 0.08, 0.4, 0.32))
        for holder, colour in HOLDER_COLOURS.items():
            part = london.loc[london["holder"] == holder]
            if len(part):
                part.plot(ax=inset, color=colour, edgecolor="black", linewidth=0.4)
        inset.set_title(tr("maps.ew_london_inset"), fontsize=7)
        inset.set_xticks([])
        inset.set_yticks([])
        inset.set_xlabel("")
        inset.set_ylabel("")
        inset.set_aspect("equal")
        _title(ax, tr("maps.ew_title", year="–".join(str(y) for y in years)))
        _note(ax, tr("maps.ew_note"))
    return ax


def de_commissioner_map(
    laender: gpd.GeoDataFrame, offices: pd.DataFrame, *, lang: Lang, ax: Axes | None = None
) -> Axes:
    """German Länder coloured by the kind of police commissioner or complaints office.

    Parameters
    ----------
    laender
        ``boundaries("de_laender")``.
    offices
        One row per Land (all 16): ``code`` ('DE-RP' style), ``kind`` (one of
        :data:`DE_KINDS`: ``police_commissioner`` at the Land parliament, ``ombudsperson`` with
        a police remit, ``complaints_office`` in the executive, ``none``) and ``year`` of
        establishment (missing for ``none``). The comparative dataset supplies this table.
    lang
        Language of title and legend.
    ax
        Axes to draw on; a new figure if None.

    Returns
    -------
    Axes
        The axes drawn on; the year is written inside each Land that has an office.

    Raises
    ------
    OptionError
        A kind outside :data:`DE_KINDS`.
    JoinError
        Länder missing from ``offices`` or unknown codes.
    """
    for kind in offices["kind"]:
        check_option(kind, DE_KINDS, name="office kind")
    tr = Translator(lang)
    ax = _axes(ax, (4.5, 6.0))
    with _one_draw(ax):
        data = join_on_codes(laender, offices, "code")
        handles = _fill_categories(ax, data, "kind", DE_COLOURS, tr, "maps.de_kind_")
        dated = data.loc[data["year"].notna()]
        _area_labels(
            ax, dated, [str(int(year)) for year in dated["year"]], fontsize=7, total=data.area.sum()
        )
        ax.legend(
            handles=handles,
            title=tr("maps.de_legend"),
            loc="upper left",
            bbox_to_anchor=(0.0, -0.02),
            fontsize=7,
            title_fontsize=7,
            frameon=False,
        )
        _title(ax, tr("maps.de_title"))
        ax.text(1.0, 0.0, tr("maps.de_note"), transform=ax.transAxes, ha="right", fontsize=6.5)
    return ax


def decade_band(year: int | float | NAType | None) -> tuple[str, str]:
    """Return ``(band key, marker)`` for an establishment year (missing -> 'unknown')."""
    if year is None or pd.isna(year):  # narrows ``year`` to int | float
        return "unknown", UNKNOWN_MARKER
    for first, last, marker in DECADE_BANDS:
        if first <= int(year) <= last:
            return f"{first}-{last}", marker
    return "unknown", UNKNOWN_MARKER


def us_oversight_map(
    states: gpd.GeoDataFrame, cities: pd.DataFrame, *, lang: Lang, ax: Axes | None = None
) -> Axes:
    """US states with the 100 largest cities by oversight agency type and founding period.

    Colour: primary role of the city's oldest agency (white: no agency). Marker: period in
    which that agency was established (before 1970, 1970-1989, 1990s, 2000s, 2010s, unknown).
    The lower 48 states and DC are drawn in CONUS Albers; Alaska, Hawaii and Puerto Rico in
    insets, each in its own projection (:data:`policingstudy.data.geo.INSET_CRS`).

    Parameters
    ----------
    states
        ``boundaries("us_states")`` (with the ``inset`` column).
    cities
        :func:`policingstudy.data.readers.us.read_largest_cities`.
    lang
        Language of title and legends.
    ax
        Axes to draw on; a new figure if None.

    Returns
    -------
    Axes
        The main axes; the insets are its children. City markers of each role form one
        collection with ``gid`` ``role:<role>``.
    """
    import geopandas as gpd

    tr = Translator(lang)
    ax = _axes(ax, (8.0, 5.0))
    with _one_draw(ax):
        check = join_on_codes(
            states,
            cities.groupby("state").size().rename("n").reset_index(),
            "state",
            allow_missing=set(states["code"]),
        )
        del check  # the join only proves that every city lies in a known state
        points = gpd.GeoDataFrame(
            cities.assign(role=cities["first_role"].fillna("none")),
            geometry=gpd.points_from_xy(cities["longitude"], cities["latitude"]),
            crs="EPSG:4326",
        )
        bands = points["first_established"].map(decade_band)
        points["band"], points["marker"] = bands.str[0], bands.str[1]
        conus = states.loc[states["inset"] == "conus"]
        conus.plot(ax=ax, color="#f0f0f0", edgecolor="#9e9e9e", linewidth=0.4)
        usps = points["state"].str.removeprefix("US-")
        _draw_cities(ax, points.loc[~usps.isin(list(INSET_CRS))].to_crs(states.crs), gid=True)
        boxes = {
            "AK": (0.0, 0.0, 0.22, 0.28),
            "HI": (0.23, 0.0, 0.14, 0.16),
            "PR": (0.86, 0.0, 0.1, 0.1),
        }
        for key, box in boxes.items():
            shape = states.loc[states["inset"] == key]
            if not len(shape):
                continue
            inset = ax.inset_axes(box)
            inset.set_axis_off()
            inset.set_aspect("equal")
            shape.to_crs(INSET_CRS[key]).plot(
                ax=inset, color="#f0f0f0", edgecolor="#9e9e9e", linewidth=0.4
            )
            _draw_cities(inset, points.loc[usps == key].to_crs(INSET_CRS[key]), gid=False)
        role_handles = [
            Line2D(
                [],
                [],
                linestyle="",
                marker="o",
                markerfacecolor=colour,
                markeredgecolor="black",
                label=tr(f"maps.us_role_{role}"),
            )
            for role, colour in ROLE_COLOURS.items()
        ]
        band_labels = {f"{a}-{b}": f"{a}–{b}" for a, b, _ in DECADE_BANDS}
        band_labels["0-1969"] = tr("maps.us_decade_before")
        band_handles = [
            Line2D(
                [],
                [],
                linestyle="",
                marker=m,
                markerfacecolor="#bbbbbb",
                markeredgecolor="black",
                label=band_labels[f"{a}-{b}"],
            )
            for a, b, m in DECADE_BANDS
        ] + [
            Line2D(
                [],
                [],
                linestyle="",
                marker=UNKNOWN_MARKER,
                markerfacecolor="#bbbbbb",
                markeredgecolor="black",
                label=tr("maps.us_decade_unknown"),
            )
        ]
        ax.add_artist(_legend_below(ax, role_handles, tr("maps.us_legend_role"), -0.01, 4))
        _legend_below(ax, band_handles, tr("maps.us_legend_decade"), -0.2, 6)
        _title(ax, tr("maps.us_title"))
        with_agency = int((cities["n_agencies"] > 0).sum())
        note = tr(
            "maps.us_note",
            us_cities=integer(len(cities), lang),
            us_cities_with_agency=integer(with_agency, lang),
        )
        _note(ax, note, y=-0.33)
    return ax


def _legend_below(ax: Axes, handles: list[Any], title: str, y: float, ncol: int) -> Legend:
    return ax.legend(
        handles=handles,
        title=title,
        fontsize=6.5,
        title_fontsize=7,
        loc="upper left",
        bbox_to_anchor=(0.0, y),
        ncol=ncol,
        frameon=False,
        alignment="left",
    )


def _draw_cities(ax: Axes, points: gpd.GeoDataFrame, *, gid: bool) -> None:
    for role, colour in ROLE_COLOURS.items():
        group = points.loc[points["role"] == role]
        for marker in sorted(set(group["marker"])):
            part = group.loc[group["marker"] == marker]
            ax.scatter(
                part.geometry.x,
                part.geometry.y,
                s=22,
                marker=marker,
                c=colour,
                edgecolors="black",
                linewidths=0.5,
                zorder=3,
                gid=f"role:{role}" if gid else None,
            )


def overview_figure(data: MapData, *, lang: Lang) -> Figure:
    """Four-panel overview: Kazakhstan, England and Wales, Germany, United States.

    Parameters
    ----------
    data
        Boundaries and data of the four maps.
    lang
        Language of every text.

    Returns
    -------
    Figure
        A 2 x 2 figure titled with ``maps.overview_title``.
    """
    tr = Translator(lang)
    fig, axes = plt.subplots(2, 2, figsize=(14, 13), layout="none")
    with _one_draw(fig):
        fig.subplots_adjust(left=0.03, right=0.97, top=0.92, bottom=0.1, hspace=0.45, wspace=0.1)
        kz_crime_map(data.kz_regions, data.kz_crime, lang=lang, ax=axes[0, 0])
        ew_pcc_map(data.ew_areas, data.ew_holders, lang=lang, ax=axes[0, 1])
        de_commissioner_map(data.de_laender, data.de_offices, lang=lang, ax=axes[1, 0])
        us_oversight_map(data.us_states, data.us_cities, lang=lang, ax=axes[1, 1])
        fig.suptitle(tr("maps.overview_title"), fontsize=14, fontweight="bold")
    return fig
