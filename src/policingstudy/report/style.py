"""Figure style: one matplotlib style file and a font that renders Kazakh letters."""

from __future__ import annotations

from importlib import resources

import matplotlib.style as mpl_style
from matplotlib import font_manager

FONT = "DejaVu Sans"
KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f")
JURISDICTION_COLOURS = {"KZ": "#00afca", "UK-EW": "#c8102e", "US": "#3c3b6e", "DE": "#ffce00"}


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
