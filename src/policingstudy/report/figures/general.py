"""Figures of the thesis overview and other general charts (``ax=None`` in, Axes out)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.i18n.format import integer
from policingstudy.report.layout import row_pitch, set_title, wrap_all
from policingstudy.report.style import PALETTE, localise_axes


def topic_kinds_bar(topics: pd.DataFrame, lang: Lang, ax: Axes | None = None) -> Axes:
    """Horizontal bar chart of the article's topics counted by kind.

    Parameters
    ----------
    topics
        The processed ``thesis_topics`` table (``topic_id``, ``kind``).
    lang
        Language of title and labels.
    ax
        Axes to draw on; a new figure if None.

    Returns
    -------
    Axes
        The axes drawn on.
    """
    counts = topics["kind"].value_counts().sort_values()
    labels = wrap_all((t(f"thesis.kind_{kind}", lang) for kind in counts.index), 28)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, max(3.0, row_pitch(labels, 10) * len(labels) + 1.2)))
    ax.barh(range(len(counts)), counts.to_numpy(), color=PALETTE[: len(counts)])
    ax.set_yticks(range(len(counts)), labels)
    for y, value in enumerate(counts.to_numpy()):
        ax.text(value + 0.1, y, integer(int(value), lang), va="center")
    ax.set_xlim(0, max(counts.max(), 1) * 1.1)
    set_title(ax, t("thesis.figure_title", lang))
    ax.set_xlabel(t("thesis.figure_xlabel", lang))
    ax.grid(axis="y", visible=False)
    localise_axes(ax, lang, x="integer")
    return ax
