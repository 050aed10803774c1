"""Tables for reports: translated headers, locale-formatted cells, rendered as plain HTML.

A view builds a frame of raw (unrounded) values and passes it through :func:`localise`, which
selects and renames the columns and records the language and the decimals of each numeric
column. :func:`show` renders every cell once, with the rules of
:mod:`policingstudy.i18n.format`: numbers with the locale's separators and the minus sign U+2212,
dates without a time of day, and missing values (NaN, ``<NA>``, None, NaT) as an em dash.

Names, titles, citations and ids shown in their original language are wrapped by
:func:`original` (or, for a translated text that keeps original titles in parentheses, by
:func:`mark_originals`) in an element with that language's ``lang`` attribute, so that a screen
reader switches language and the report test that looks for English left in the Kazakh and
Russian reports skips them.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML

from policingstudy.core.errors import OptionError, PolicingStudyError
from policingstudy.core.types import LANGS, Lang, check_option
from policingstudy.i18n import t
from policingstudy.i18n.format import date, integer, number, tick_digits
from policingstudy.i18n.scripts import original_spans

TABLE_CSS = (
    ".ps-table{border-collapse:collapse;font-size:0.85em}"
    ".ps-table th,.ps-table td{text-align:left;vertical-align:top;padding:2px 6px;"
    "border-bottom:1px solid #ddd}"
)
NA_TEXT = "\u2014"
ATTR_LANG = "policingstudy.lang"
ATTR_DIGITS = "policingstudy.digits"
MAX_INFERRED_DIGITS = 6
NO_LANGUAGE = "zxx"
"""BCP 47 tag for content that is not in any language (ids, codes, URLs)."""


@dataclass(frozen=True)
class Html:
    """A table cell with HTML markup; :func:`show` writes ``markup``, ``str()`` gives ``text``.

    Not a ``str`` subclass on purpose: pandas stores strings in a string dtype that would drop
    the markup, while any other object keeps its column ``object``.
    """

    markup: str
    text: str

    def __str__(self) -> str:
        return self.text


def original(value: Any, lang: str, *, report_lang: str | None = None) -> Any:
    """Mark ``value`` as written in ``lang`` (a name, title, citation or id in its original form).

    Parameters
    ----------
    value
        The text; a missing value is returned unchanged (shown as an em dash).
    lang
        Its language (``en``, ``de``, ``kk``, ``ru``), or :data:`NO_LANGUAGE` for ids, codes and
        URLs.
    report_lang
        The report's language: text already in it is returned unchanged.

    Returns
    -------
    Html or the value
        ``<span lang="…" class="ps-original">…</span>`` with the text escaped.
    """
    if is_missing(value) or (report_lang is not None and lang == report_lang):
        return value
    text = str(value)
    return Html(
        f'<span lang="{html.escape(lang)}" class="ps-original">{html.escape(text)}</span>', text
    )


def mark_originals(value: Any, lang: str) -> Any:
    """Mark the original titles a translated text keeps in parentheses as written in ``lang``.

    "Закон 2002 года о реформе полиции (Police Reform Act 2002, c. 30)" keeps the Russian words
    as they are and wraps "Police Reform Act 2002, c. 30" like :func:`original`. The spans are
    those of :func:`policingstudy.i18n.scripts.original_spans`.
    """
    if is_missing(value):
        return value
    text = str(value)
    out, last = [], 0
    for start, end in original_spans(text):
        out.append(html.escape(text[last:start]))
        out.append(original(text[start:end], lang).markup)
        last = end
    out.append(html.escape(text[last:]))
    return Html("".join(out), text)


def with_locale(
    frame: pd.DataFrame, lang: Lang, *, digits: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Record on ``frame`` the language and the decimals per column that :func:`show` uses.

    Parameters
    ----------
    frame
        A table whose headers are already translated.
    lang
        Language code.
    digits
        Decimals per (translated) column; other float columns show the fewest decimals that
        represent their values exactly (at most 6).

    Returns
    -------
    DataFrame
        ``frame`` itself, with ``attrs`` set.
    """
    check_option(lang, LANGS, name="lang")
    unknown = sorted(set(digits or {}) - {str(c) for c in frame.columns})
    if unknown:
        raise PolicingStudyError(
            f"digits given for columns the table does not have: {unknown}; "
            f"columns: {[str(c) for c in frame.columns]}"
        )
    frame.attrs[ATTR_LANG] = lang
    frame.attrs[ATTR_DIGITS] = dict(digits or {})
    return frame


def localise(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    lang: Lang,
    *,
    digits: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Select ``columns`` (name -> catalog key) and rename them to their translated headers.

    Parameters
    ----------
    frame
        The table with raw values (do not round: :func:`show` rounds once).
    columns
        Column name -> catalog key of its header, in the order shown.
    lang
        Language code.
    digits
        Decimals per (original) column name for float columns.

    Returns
    -------
    DataFrame
        The selected columns under translated headers; values unchanged; language and digits
        recorded for :func:`show`.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PolicingStudyError(
            f"localise(): the table has no column(s) {missing}; it has {list(frame.columns)}"
        )
    unknown = sorted(set(digits or {}) - set(columns))
    if unknown:
        raise PolicingStudyError(f"localise(): digits for columns not shown: {unknown}")
    out = frame.loc[:, list(columns)].copy()
    headers = [t(key, lang) for key in columns.values()]
    out.columns = headers
    named = dict(zip(columns, headers, strict=True))
    return with_locale(out, lang, digits={named[c]: d for c, d in (digits or {}).items()})


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas ``NA`` and ``NaT``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(float(value))
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _is_date(value: Any) -> bool:
    return isinstance(value, _dt.date | pd.Timestamp | np.datetime64)


def _column_digits(values: list[Any]) -> int:
    floats = [float(v) for v in values if isinstance(v, float | np.floating | Decimal)]
    return tick_digits(floats, limit=MAX_INFERRED_DIGITS) if floats else 0


def cell_text(value: Any, lang: Lang, *, digits: int | None = None) -> str:
    """One table cell as text: locale number, long date, em dash for a missing value."""
    if isinstance(value, Html):
        return value.text
    if is_missing(value):
        return NA_TEXT
    if _is_number(value):
        if digits is None and isinstance(value, int | np.integer):
            return integer(value, lang)
        return number(value, lang, digits=0 if digits is None else digits)
    if _is_date(value):
        return date(value, lang)
    return str(value)


def cells(
    frame: pd.DataFrame, lang: Lang | None = None, *, digits: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Every cell of ``frame`` as display text (see :func:`cell_text`).

    Parameters
    ----------
    frame
        A table, usually from :func:`localise`.
    lang
        Language; default the one :func:`localise` recorded.
    digits
        Decimals per column; default the ones recorded, else inferred per column.

    Returns
    -------
    DataFrame
        Same shape and headers, all values ``str``.

    Raises
    ------
    PolicingStudyError
        If the table holds numbers or dates and no language is known.
    """
    chosen = lang or frame.attrs.get(ATTR_LANG)
    decimals = {**frame.attrs.get(ATTR_DIGITS, {}), **(digits or {})}
    out = pd.DataFrame(index=frame.index)
    for position, column in enumerate(frame.columns):
        values = list(frame.iloc[:, position])
        present = [v for v in values if not is_missing(v)]
        if chosen is None and any(_is_number(v) or _is_date(v) for v in present):
            raise PolicingStudyError(
                f"table column {column!r} holds numbers or dates but the table has no language: "
                "build it with report.tables.localise() or pass lang= to show()"
            )
        lang_: Lang = check_option(chosen or "en", LANGS, name="lang")
        column_digits = decimals.get(str(column))
        if column_digits is None and any(isinstance(v, float | np.floating) for v in present):
            column_digits = _column_digits([v for v in present if _is_number(v)])
        texts = [cell_text(v, lang_, digits=column_digits) for v in values]
        out[position] = pd.Series(texts, index=frame.index, dtype=object)
    out.columns = frame.columns
    return out


def show(
    frame: pd.DataFrame, lang: Lang | None = None, *, digits: Mapping[str, int] | None = None
) -> HTML:
    """Render a frame as an HTML table without the index, every cell locale-formatted.

    Parameters
    ----------
    frame
        A table, usually from :func:`localise` (which records its language).
    lang
        Language, if the table was not built by :func:`localise`.
    digits
        Decimals per column, overriding those recorded.

    Returns
    -------
    IPython.display.HTML
        The table with the report's table style.
    """
    texts = cells(frame, lang, digits=digits)
    shown = pd.DataFrame(index=frame.index)
    for position in range(frame.shape[1]):
        raw = list(frame.iloc[:, position])
        shown[position] = pd.Series(
            [
                value.markup if isinstance(value, Html) else html.escape(text)
                for value, text in zip(raw, texts.iloc[:, position], strict=True)
            ],
            index=frame.index,
            dtype=object,
        )
    shown.columns = [html.escape(str(c)) for c in frame.columns]
    table = shown.to_html(index=False, escape=False, border=0, classes="ps-table")
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
