"""Narrative text for notebooks: catalog entries rendered as Markdown."""

from __future__ import annotations

from typing import Any

from IPython.display import Markdown

from policingstudy.core.errors import OptionError
from policingstudy.core.types import Lang
from policingstudy.i18n import Translator, t
from policingstudy.report.numbers import Numbers

__all__ = ["Translator", "heading", "markdown"]


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
    """
    values = dict(numbers.text(lang)) if numbers is not None else {}
    values.update(fields)
    return Markdown(t(key, lang, **values))


def heading(key: str, lang: Lang, *, level: int = 2) -> Markdown:
    """Return the catalog text ``key`` in ``lang`` as a Markdown heading of ``level`` (1-6)."""
    if not 1 <= level <= 6:
        raise OptionError(f"heading level: expected 1 to 6, got {level}")
    return Markdown(f"{'#' * level} {t(key, lang)}")
