"""Tables for reports: translated headers, rendered as plain HTML."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping

import pandas as pd
from IPython.display import HTML

from policingstudy.core.errors import OptionError
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


TABLE_MIMETYPE = "application/vnd.policingstudy.table+json"
TABLES_HREF_ENV = "POLICINGSTUDY_TABLES_HREF"
"""Set by the runner for report kernels: the link from a report to its tables' folder."""
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def table_csv(frame: pd.DataFrame) -> str:
    """Return the CSV text of a published table (no index, Unix line ends, NaN empty)."""
    return frame.to_csv(index=False, lineterminator="\n")


def publish_table(name: str, frame: pd.DataFrame, *, label: str = "") -> HTML:
    """Publish the data behind a report table for readers to take away as CSV.

    The runner writes every published table of a successful run to
    ``reports/tables/<notebook>/<name>.csv`` and checks that all languages publish the same
    bytes, so publish language-independent data (ids and numbers, not translated labels).
    The returned HTML is a link to that file for the report (``label`` is its text).

    Parameters
    ----------
    name
        File stem: lower-case letters, digits and underscores.
    frame
        The data (written without its index).
    label
        Link text (default: ``<name>.csv``).

    Raises
    ------
    OptionError
        If ``name`` is not a valid file stem.
    """
    from IPython.display import display

    if not _TABLE_NAME.match(name):
        raise OptionError(
            f"table name {name!r}: expected lower-case letters, digits and underscores"
        )
    href = f"{os.environ.get(TABLES_HREF_ENV, '../tables/notebook')}/{name}.csv"
    text = html.escape(label or f"{name}.csv")
    link = f'<p class="ps-download"><a href="{html.escape(href)}" download>{text}</a></p>'
    display(
        {TABLE_MIMETYPE: {"name": name, "csv": table_csv(frame)}, "text/plain": f"{name}.csv"},
        raw=True,
    )
    return HTML(link)
