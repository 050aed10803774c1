"""Tables for reports: translated headers, rendered as plain HTML."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from IPython.display import HTML

from policingstudy.core.types import Lang
from policingstudy.i18n import t

TABLE_CSS = (
    ".ps-table{border-collapse:collapse;font-size:0.85em}"
    ".ps-table th,.ps-table td{text-align:left;vertical-align:top;padding:2px 6px;"
    "border-bottom:1px solid #ddd}"
)


def localise(frame: pd.DataFrame, columns: Mapping[str, str], lang: Lang) -> pd.DataFrame:
    """Select ``columns`` (name -> catalog key) and rename them to their translated headers."""
    out = frame.loc[:, list(columns)].copy()
    out.columns = [t(key, lang) for key in columns.values()]
    return out


def show(frame: pd.DataFrame) -> HTML:
    """Render a frame as an HTML table without the index."""
    table = frame.to_html(index=False, escape=True, na_rep="–", border=0, classes="ps-table")
    return HTML(f"<style>{TABLE_CSS}</style>{table}")
