"""Narrative text for notebooks: catalog entries rendered as Markdown."""

from __future__ import annotations

from typing import Any

from IPython.display import Markdown

from policingstudy.core.types import Lang
from policingstudy.i18n import Translator, t
from policingstudy.report import tables
from policingstudy.report.numbers import Numbers

__all__ = ["Translator", "heading", "markdown", "original"]


def markdown(key: str, lang: Lang, numbers: Numbers | None = None, **fields: Any) -> Markdown:
    """Return the catalog text ``key`` in ``lang`` as Markdown, with numbers filled in.

    Parameters
    ----------
    key
        Catalog key (``namespace.name``).
    lang
        Language code.
    numbers
        Named numbers whose formatted values fill ``{name}`` fields.
    **fields
        Further (non-numeric) fields.

    Returns
    -------
    IPython.display.Markdown
        Displayable Markdown.

    Notes
    -----
    Numbers are written with the CLDR rules of :mod:`policingstudy.i18n.format` and keep the value
    they show, so a catalog text can make a noun agree with them (``{n_cities:@cities}``, see
    :mod:`policingstudy.i18n`).
    """
    values = dict(numbers.text(lang)) if numbers is not None else {}
    values.update(fields)
    return Markdown(t(key, lang, **values))


def heading(key: str, lang: Lang, level: int = 2) -> Markdown:
    """Return the catalog text ``key`` as a Markdown heading of ``level`` (1-6)."""
    return Markdown(f"{'#' * max(1, min(level, 6))} {t(key, lang)}")


def original(text: str, lang: str) -> str:
    """``text`` as inline HTML marked as written in ``lang``, for a field of a Markdown text.

    Use it for a proper name, title, citation or id that a Kazakh or Russian sentence quotes in
    its original language (see :func:`policingstudy.report.tables.original`).
    """
    return tables.original(text, lang).markup
