"""Figure style: one matplotlib style file and a font that renders Kazakh letters."""

from __future__ import annotations

from importlib import resources
from typing import Literal

import matplotlib.style as mpl_style
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.ticker import MaxNLocator, ScalarFormatter

from policingstudy.core.types import Lang, check_option
from policingstudy.i18n.format import ticks

FONT = "DejaVu Sans"
KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f")
JURISDICTION_COLOURS = {"KZ": "#00afca", "UK-EW": "#c8102e", "US": "#3c3b6e", "DE": "#ffce00"}

AxisKind = Literal["auto", "number", "integer", "year", "keep"]
AXIS_KINDS: tuple[AxisKind, ...] = ("auto", "number", "integer", "year", "keep")


def use_style() -> None:
    """Apply the house style to matplotlib's global settings (call once per notebook)."""
    path = resources.files("policingstudy.report").joinpath("style.mplstyle")
    mpl_style.use(str(path))


def font_covers(text: str, family: str = FONT) -> bool:
    """Return True if the font file matplotlib picks for ``family`` has a glyph for every letter."""
    from fontTools.ttLib import TTFont

    path = font_manager.findfont(family, fallback_to_default=False)
    cmap = TTFont(path).getBestCmap()
    return all(ord(ch) in cmap for ch in text if not ch.isspace())


def _localise_axis(axis: Axis, lang: Lang, kind: AxisKind) -> None:
    if kind == "keep":
        return
    if kind == "auto":
        # only axes that show numbers: categorical and text labels use other formatters
        if isinstance(axis.get_major_formatter(), ScalarFormatter):
            axis.set_major_formatter(ticks(lang))
        return
    if kind in ("integer", "year"):
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(
        ticks(lang, digits=0 if kind != "number" else None, grouping=kind != "year")
    )


def localise_axes(ax: Axes, lang: Lang, *, x: AxisKind = "auto", y: AxisKind = "auto") -> Axes:
    """Format the numeric tick labels of ``ax`` for ``lang`` (decimal comma, U+00A0 groups).

    Tick labels follow the same CLDR rules as text and tables
    (:func:`policingstudy.i18n.format.ticks`).

    Parameters
    ----------
    ax
        The axes (also a colour bar's axes).
    lang
        Language code.
    x, y
        ``auto`` formats an axis whose labels are numbers (matplotlib's default formatter) and
        leaves category labels alone; ``number`` forces the locale formatter; ``integer`` also
        puts ticks on whole numbers only (counts); ``year`` does that without thousands
        separators; ``keep`` leaves the axis untouched.

    Returns
    -------
    Axes
        ``ax``.
    """
    check_option(x, AXIS_KINDS, name="x")
    check_option(y, AXIS_KINDS, name="y")
    _localise_axis(ax.xaxis, lang, x)
    _localise_axis(ax.yaxis, lang, y)
    return ax
