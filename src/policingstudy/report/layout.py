"""Readable figures: wrapped labels, legends outside the data, and checks for overlapping text.

The plot functions of :mod:`policingstudy.report` use :func:`wrap` for long names (never a cut
word), :func:`legend_outside` for legends (beside or under the plotting area, never over data) and
:func:`label_height` to size a figure by its labels. Tests draw every figure and call
:func:`overlapping_text` and :func:`legends_over_data`, which name the texts or the legend at
fault.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.collections import Collection, PathCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from policingstudy.core.types import check_option

Where = Literal["right", "below"]
WHERE: tuple[Where, ...] = ("right", "below")


def wrap(text: object, width: int) -> str:
    """``text`` on lines of at most ``width`` characters, broken between words only.

    A single word longer than ``width`` stays whole on its own line (it is never cut); a
    hyphenated compound may break after its hyphen.

    Parameters
    ----------
    text
        The label (converted with ``str``).
    width
        Characters per line.

    Returns
    -------
    str
        The lines joined by newlines.
    """
    return textwrap.fill(str(text), width=width, break_long_words=False, break_on_hyphens=True)


def wrap_all(texts: Iterable[object], width: int) -> list[str]:
    """:func:`wrap` applied to each of ``texts``."""
    return [wrap(text, width) for text in texts]


def n_lines(texts: Iterable[str]) -> int:
    """Total number of lines of the (wrapped) ``texts``."""
    return sum(str(text).count("\n") + 1 for text in texts)


LINE = 1.25
"""Line height of a label as a multiple of its font size."""
CHAR_WIDTH = 0.6
"""Mean width of a letter of the house font (DejaVu Sans, Latin and Cyrillic) in ems."""


def row_pitch(texts: Sequence[str], fontsize: float, *, gap: float = 0.35) -> float:
    """Inches between evenly spaced rows so that no centred label runs into its neighbour.

    Two neighbouring labels of ``a`` and ``b`` lines, each centred on its row, need
    ``(a + b) / 2`` line heights between the rows; the pitch is the largest such need plus
    ``gap`` lines.

    Parameters
    ----------
    texts
        The (wrapped) labels in row order.
    fontsize
        Font size in points.
    gap
        Extra room between neighbours, in lines.

    Returns
    -------
    float
        Distance between rows in inches.
    """
    lines = [str(text).count("\n") + 1 for text in texts] or [1]
    need = max([(a + b) / 2 for a, b in zip(lines, lines[1:], strict=False)] or [lines[0]])
    return (need + gap) * LINE * fontsize / 72


def text_width(text: str, fontsize: float) -> float:
    """Rough width in inches of the longest line of ``text`` in the house font."""
    longest = max((len(line) for line in str(text).split("\n")), default=0)
    return longest * CHAR_WIDTH * fontsize / 72


def chars_for(width: float, fontsize: float) -> int:
    """About how many characters of the house font fit in ``width`` inches."""
    return max(int(width * 72 / (CHAR_WIDTH * fontsize)), 8)


def set_title(ax: Axes, text: str, *, fontsize: float | None = None, **kwargs: Any) -> None:
    """Set the axes title, wrapped between words to the width the axes have when drawn.

    Call it after the axes' labels and legends are set: a title that may be too wide is
    measured against the axes after a layout pass, so that it never reaches past them into the
    tick labels or a legend.

    Parameters
    ----------
    ax
        The axes.
    text
        The title.
    fontsize
        Font size in points (default: the style's title size).
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.set_title`.
    """
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties

    # the style may name the size ("large"): resolve it to points
    size = FontProperties(
        size=fontsize if fontsize is not None else mpl.rcParams["axes.titlesize"]
    ).get_size_in_points()
    if fontsize is not None:
        kwargs["fontsize"] = fontsize
    figure = ax.get_figure(root=True)
    width = ax.get_position().width * (figure.get_figwidth() if figure is not None else 6.0)
    title = ax.set_title(wrap(text, chars_for(width, size * TITLE_WEIGHT)), **kwargs)
    if figure is None or text_width(text, size * TITLE_WEIGHT) < 0.6 * width:
        return
    settle(figure)  # the layout settles the axes' width
    width = ax.get_window_extent().width / figure.dpi
    renderer = _renderer(figure)
    chars = chars_for(width, size * TITLE_WEIGHT)
    title.set_text(wrap(text, chars))
    while renderer is not None and chars > 8:
        if title.get_window_extent(renderer).width <= ax.get_window_extent().width:
            break
        chars -= max(chars // 10, 1)
        title.set_text(wrap(text, chars))


def fit_xticklabels(
    ax: Axes, ticks: Sequence[float] | np.ndarray, texts: Sequence[str], *, fontsize: float = 7
) -> None:
    """Put horizontal x tick labels, each wrapped between words to the room between ticks.

    The room is measured after a layout pass; a label whose single word is wider than the room
    keeps the word whole (:func:`wrap`), so the figure should leave enough room per tick.

    Parameters
    ----------
    ax
        The axes.
    ticks
        Tick positions (data units), evenly spaced.
    texts
        One label per tick.
    fontsize
        Font size in points.
    """
    figure = ax.get_figure(root=True)
    n = max(len(ticks), 1)
    width = ax.get_position().width * (figure.get_figwidth() if figure is not None else 6.0)
    chars = chars_for(0.9 * width / n, fontsize)
    ax.set_xticks(list(ticks), wrap_all(texts, chars), fontsize=fontsize)
    if figure is None or len(ticks) < 2:
        return
    settle(figure)
    renderer = _renderer(figure)
    if renderer is None:
        return
    step = abs(ax.transData.transform((ticks[1], 0))[0] - ax.transData.transform((ticks[0], 0))[0])
    chars = chars_for(0.9 * step / figure.dpi, fontsize)
    while True:
        ax.set_xticks(list(ticks), wrap_all(texts, chars), fontsize=fontsize)
        widest = max(label.get_window_extent(renderer).width for label in ax.get_xticklabels())
        if widest <= 0.95 * step or chars <= 8:
            return
        chars -= max(chars // 10, 1)


def separate_labels(labels: Sequence[Annotation], *, rounds: int = 40, gap: float = 1.0) -> None:
    """Push overlapping labels apart vertically until none overlaps another.

    Each label is an annotation placed with ``textcoords="offset points"``; of two labels that
    overlap, the upper one moves up and the lower one down, each by half the overlap plus
    ``gap``. Neighbouring areas of a map (Almaty and Jetisu regions, Shymkent inside Turkistan)
    keep their labels near their own areas this way.

    Parameters
    ----------
    labels
        The annotations, all on one figure.
    rounds
        Most passes over all pairs (each pass moves every overlapping pair once).
    gap
        Points left between two labels once moved apart.
    """
    figure = labels[0].get_figure(root=True) if labels else None
    if figure is None:
        return
    settle(figure)  # the layout settles the axes, and so the labels' places
    renderer = _renderer(figure)
    if renderer is None:
        return
    points = 72 / figure.dpi
    for _ in range(rounds):
        boxes = [label.get_window_extent(renderer) for label in labels]
        moved = False
        for i, a in enumerate(boxes):
            for j in range(i + 1, len(boxes)):
                b = boxes[j]
                if a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0:
                    continue
                shift = ((min(a.y1, b.y1) - max(a.y0, b.y0)) * points + gap) / 2
                upper, lower = (i, j) if a.y0 + a.y1 >= b.y0 + b.y1 else (j, i)
                for k, sign in ((upper, 1.0), (lower, -1.0)):
                    x, y = labels[k].xyann
                    labels[k].xyann = (x, y + sign * shift)
                moved = True
        if not moved:
            return


TITLE_WEIGHT = 1.12
"""Width of bold title letters relative to regular ones."""


def legend_outside(
    ax: Axes,
    *,
    where: Where = "right",
    handles: Sequence[Artist] | None = None,
    labels: Sequence[str] | None = None,
    ncols: int = 1,
    **kwargs: Any,
) -> Legend:
    """A legend beside (``right``) or under (``below``) the axes, where it covers no data.

    ``below`` is a figure legend under everything else (constrained layout makes room for it
    under the tick labels and the axis label); it is used when ``ax`` is the only axes of its
    figure, and a legend on the right otherwise (a panel of a grid).

    Parameters
    ----------
    ax
        The axes whose artists the legend explains.
    where
        ``right`` (top aligned with the axes) or ``below`` (centred under the figure).
    handles, labels
        As for :meth:`matplotlib.axes.Axes.legend` (default: the axes' labelled artists).
    ncols
        Columns of entries under the figure (a legend on the right has one).
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.legend` (``fontsize``, ``title`` ...).

    Returns
    -------
    Legend
        The legend (already added to the axes or figure).
    """
    check_option(where, WHERE, name="where")
    if handles is None:
        handles, found = ax.get_legend_handles_labels()
        labels = found if labels is None else labels
    kwargs["handles"] = list(handles)
    if labels is not None:
        kwargs["labels"] = list(labels)
    kwargs.setdefault("fontsize", 7)
    kwargs.setdefault("frameon", False)
    figure = ax.get_figure(root=True)
    alone = figure is not None and [a for a in figure.axes if _is_panel(a)] == [ax]
    if where == "below" and alone and figure is not None:
        if figure.get_layout_engine() is None:  # "outside" needs it (the house style sets it)
            figure.set_layout_engine("constrained")
        return figure.legend(loc="outside lower center", ncols=ncols, **kwargs)
    return ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), **kwargs)


def _is_panel(ax: Axes) -> bool:
    """True for a plotting axes (not a colour bar's)."""
    return ax.get_visible() and not hasattr(ax, "_colorbar")


def settle(figure: Figure) -> None:
    """Lay the figure out (constrained layout, text sizes) without rasterising anything.

    Like :meth:`~matplotlib.figure.Figure.draw_without_rendering`, but on the canvas's own
    renderer, so that it does not go through the canvas's ``draw`` (the maps defer every real
    draw of a figure until it is shown or saved).
    """
    renderer = _renderer(figure)
    if renderer is None:
        figure.draw_without_rendering()
        return
    with renderer._draw_disabled():  # type: ignore[attr-defined]  # as draw_without_rendering
        figure.draw(renderer)


def _renderer(figure: Figure | None) -> RendererBase | None:
    if figure is None:
        return None
    canvas = figure.canvas
    get = getattr(canvas, "get_renderer", None)
    return get() if get is not None else None


# -- checks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overlap:
    """Two drawn texts whose boxes overlap (strings as drawn, newlines shown as ``⏎``)."""

    first: str
    second: str

    def __str__(self) -> str:
        return f"{self.first!r} overlaps {self.second!r}"


@dataclass(frozen=True)
class Covered:
    """A legend drawn over a data artist of an axes."""

    legend: str
    artist: str

    def __str__(self) -> str:
        return f"legend {self.legend!r} covers {self.artist}"


@contextmanager
def _recording_texts() -> Iterator[list[Text]]:
    """Record every text artist that draws itself while the block runs."""
    drawn: list[Text] = []
    original = Text.draw

    def draw(self: Text, renderer: RendererBase) -> None:
        original(self, renderer)
        drawn.append(self)

    Text.draw = draw  # type: ignore[method-assign, assignment]
    try:
        yield drawn
    finally:
        Text.draw = original  # type: ignore[method-assign]


def _draw(fig: Figure) -> tuple[RendererBase, list[Text]]:
    """Lay ``fig`` out on an Agg canvas; return the renderer and the texts drawn.

    Nothing is rasterised (:func:`settle`): every artist is placed as for a real draw, which
    is all the checks measure, at a fraction of the time.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    with _recording_texts() as drawn:
        settle(fig)
    renderer = canvas.get_renderer()
    unique = list({id(text): text for text in drawn}.values())
    return renderer, unique


def _shown(text: Text, renderer: RendererBase) -> bool:
    if not text.get_visible() or not text.get_text().strip() or text.get_alpha() == 0:
        return False
    box = text.get_window_extent(renderer)
    if box.width <= 0 or box.height <= 0:
        return False
    clip = text.get_clip_box() if text.get_clip_on() else None
    return clip is None or box.overlaps(clip)


def _corners(text: Text, renderer: RendererBase, shrink: float) -> np.ndarray:
    """The four corners (display units) of the text's box, rotated with it, shrunk on each side."""
    box = text.get_window_extent(renderer)
    rotation = text.get_rotation()
    if np.isclose(rotation % 90, 0):
        w, h, theta = box.width / 2, box.height / 2, 0.0
        if np.isclose(rotation % 180, 90):
            w, h = h, w
            theta = np.pi / 2
    else:
        # the upright box of a rotated rectangle shares its centre: rotate the text's box there
        text.set_rotation(0)
        upright = text.get_window_extent(renderer)
        text.set_rotation(rotation)
        w, h, theta = upright.width / 2, upright.height / 2, np.deg2rad(rotation)
    w, h = max(w - shrink, 0.0), max(h - shrink, 0.0)
    turn = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    local = np.array([[-w, -h], [w, -h], [w, h], [-w, h]])
    centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
    return centre + local @ turn.T


def _separated(a: np.ndarray, b: np.ndarray) -> bool:
    """True if two convex quadrilaterals have a separating axis (they do not overlap)."""
    for poly in (a, b):
        for i in range(len(poly)):
            edge = poly[(i + 1) % len(poly)] - poly[i]
            normal = np.array([-edge[1], edge[0]])
            if not normal.any():
                continue
            pa, pb = a @ normal, b @ normal
            if pa.max() <= pb.min() or pb.max() <= pa.min():
                return True
    return False


def _name(text: Text) -> str:
    return text.get_text().replace("\n", "⏎")


def overlapping_text(fig: Figure, *, tolerance: float = 0.5) -> list[Overlap]:
    """Pairs of drawn texts whose boxes overlap.

    The figure is drawn on an Agg canvas; every text that draws itself counts: tick labels
    (only ticks in view), axis labels, titles, legend texts, annotations, colour-bar labels.
    Rotated texts are compared as rotated rectangles, not their upright bounding boxes.

    Parameters
    ----------
    fig
        The figure.
    tolerance
        Points each box is shrunk by on every side before comparing, so that labels that just
        touch (one line's descent on the next line's ascent) do not count.

    Returns
    -------
    list of Overlap
        Each pair once, in drawing order; empty when no texts overlap.
    """
    renderer, drawn = _draw(fig)
    shrink = tolerance * fig.dpi / 72
    texts = [text for text in drawn if _shown(text, renderer)]
    boxes = [_corners(text, renderer, shrink) for text in texts]
    found = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if not _separated(boxes[i], boxes[j]):
                found.append(Overlap(_name(texts[i]), _name(texts[j])))
    return found


def _all_axes(fig: Figure) -> list[Axes]:
    seen: dict[int, Axes] = {}
    stack: list[Any] = list(fig.axes)
    while stack:
        ax = stack.pop()
        if id(ax) in seen:
            continue
        seen[id(ax)] = ax
        stack.extend(ax.child_axes)
    return list(seen.values())


def _covers(artist: Artist, ax: Axes, box: Bbox) -> bool:
    """True if a data artist of ``ax`` draws inside ``box`` (display units)."""
    if isinstance(artist, Line2D):
        xy = artist.get_transform().transform(artist.get_xydata())
        xy = xy[np.isfinite(xy).all(axis=1)]
        if artist.get_marker() not in ("None", "", " ", None) and len(xy):
            inside = (
                (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0)
                & (xy[:, 1] <= box.y1)
            )  # fmt: skip
            if inside.any():
                return True
        if artist.get_linestyle() not in ("None", "", " ") and len(xy) > 1:
            from matplotlib.path import Path

            return bool(Path(xy).intersects_bbox(box, filled=False))
        return False
    if isinstance(artist, PathCollection):
        offsets = np.asarray(artist.get_offsets())
        if len(offsets):
            xy = artist.get_offset_transform().transform(offsets)
            xy = xy[np.isfinite(xy).all(axis=1)]
            inside = (
                (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0)
                & (xy[:, 1] <= box.y1)
            )  # fmt: skip
            return bool(inside.any())
        return False
    if isinstance(artist, Collection):
        transform = artist.get_transform()
        return any(
            path.transformed(transform).intersects_bbox(box, filled=True)
            for path in artist.get_paths()
        )
    if isinstance(artist, Patch):
        path = artist.get_path().transformed(artist.get_transform())
        return bool(path.intersects_bbox(box, filled=True))
    if isinstance(artist, AxesImage):
        return bool(artist.get_window_extent().overlaps(box))
    return False


def _data_artists(ax: Axes) -> list[Artist]:
    """Artists drawn in data coordinates (reference lines such as ``axhline`` excluded)."""
    out: list[Artist] = []
    for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.images]:
        if not artist.get_visible() or artist.get_alpha() == 0:
            continue
        transform = (
            artist.get_offset_transform()
            if isinstance(artist, PathCollection)
            else artist.get_transform()
        )
        if transform.contains_branch(ax.transData):
            out.append(artist)
    return out


def _describe(artist: Artist, ax: Axes) -> str:
    label = str(artist.get_label() or "")
    gid = artist.get_gid()
    name = gid or (label if not label.startswith("_") else type(artist).__name__)
    title = ax.get_title() or ax.get_label() or "axes"
    return f"{name} in {title!r}"


def legends_over_data(fig: Figure) -> list[Covered]:
    """Legends drawn over data: lines, markers, bars, filled areas or images of any axes.

    Reference lines in axes coordinates (``axhline``, ``axvline``) do not count as data.

    Parameters
    ----------
    fig
        The figure (drawn on an Agg canvas).

    Returns
    -------
    list of Covered
        One entry per legend and covered artist; empty when every legend is clear.
    """
    renderer, _ = _draw(fig)
    legends = [obj for obj in fig.findobj(Legend) if obj.get_visible()]
    found = []
    for legend in legends:
        box = legend.get_window_extent(renderer)
        name = legend.get_title().get_text() or "; ".join(
            text.get_text() for text in legend.get_texts()[:2]
        )
        for ax in _all_axes(fig):
            if not ax.get_visible() or not ax.get_window_extent(renderer).overlaps(box):
                continue
            for artist in _data_artists(ax):
                if _covers(artist, ax, box):
                    found.append(Covered(name, _describe(artist, ax)))
    return found
