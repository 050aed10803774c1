"""Figure style: one matplotlib style file and a font that renders Kazakh letters."""

from __future__ import annotations

from importlib import resources

import matplotlib
import matplotlib.pyplot as plt
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
    _draw_inline_figures_once()


def _draw_inline_figures_once() -> None:
    """In a kernel with the inline backend, stop pyplot redrawing every figure after each cell.

    pyplot's interactive mode hooks a full redraw of every changed figure into IPython's
    ``post_execute`` event; with the inline backend that drawing is thrown away, because the
    backend then renders each figure again to PNG and closes it. It made every figure cost two
    full draws.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or "inline" not in matplotlib.get_backend():
        return
    plt.switch_backend(matplotlib.get_backend())  # registers pyplot's hook now, not later
    hook = getattr(plt, "_draw_all_if_interactive", None)
    if hook is not None and hook in shell.events.callbacks["post_execute"]:
        shell.events.unregister("post_execute", hook)


def font_covers(text: str, family: str = FONT) -> bool:
    """Return True if the font file matplotlib picks for ``family`` has a glyph for every letter."""
    from fontTools.ttLib import TTFont

    path = font_manager.findfont(family, fallback_to_default=False)
    cmap = TTFont(path).getBestCmap()
    return all(ord(ch) in cmap for ch in text if not ch.isspace())
