"""Message catalogs in English, Kazakh and Russian.

Every user-facing string (narrative, headings, figure titles, axis labels, table headers) lives in
``i18n/<lang>/<namespace>.yaml``. A key is ``<namespace>.<name>``, e.g. ``maps.title_kz`` is the
entry ``title_kz`` of ``i18n/en/maps.yaml`` (and of the same file in ``kk`` and ``ru``). Values may
hold ``str.format`` fields (``{n_units}``) filled from named numbers.

Plural forms
------------
An entry may be a mapping of CLDR plural categories instead of a string. It must give every
category CLDR defines for its language: ``one`` and ``other`` for English and Kazakh; ``one``,
``few``, ``many`` and ``other`` for Russian (``other`` covers fractions such as 1,5). An
optional ``zero`` is used for exactly 0 (not a CLDR category: use it for sentences such as
"none were found"). In the forms, ``{n}`` is the count formatted for the language::

    cities:                       # ru/atlas.yaml
      one: "{n} город"
      few: "{n} города"
      many: "{n} городов"
      other: "{n} города"

``t("atlas.cities", "ru", count=21)`` gives "21 город". A sentence refers to a plural entry
through the format spec ``@key`` of a numeric field (``@name`` for an entry of the same
namespace): ``"В обследовании {n_cities:@cities}"``. The category is that of the number as
shown (``Numbers.text`` passes :class:`~policingstudy.i18n.format.FormattedNumber`).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import yaml

from policingstudy.core.errors import CatalogError
from policingstudy.core.types import LANGS, Lang, check_option
from policingstudy.i18n.format import FormattedNumber, integer, plural_categories, plural_category

Message = str | dict[str, str]
ZERO = "zero"
_KEY = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")


def _plural_entry(value: dict[Any, Any], lang: Lang, where: str) -> dict[str, str]:
    """Check a plural mapping: every CLDR category of ``lang``, no other key but ``zero``."""
    forms = {str(k): ("" if v is None else str(v)) for k, v in value.items()}
    required = plural_categories(lang)
    missing = sorted(required - set(forms))
    extra = sorted(set(forms) - required - {ZERO})
    empty = sorted(k for k, v in forms.items() if not v.strip())
    if missing or extra or empty:
        raise CatalogError(
            f"{where}: a plural entry needs exactly the CLDR categories {sorted(required)} "
            f"(plus an optional 'zero'); missing {missing}, unexpected {extra}, empty {empty}"
        )
    return forms


@cache
def catalog(lang: Lang) -> dict[str, Message]:
    """Return the flat catalog of one language (``namespace.key -> text or plural forms``).

    Parameters
    ----------
    lang
        One of ``en``, ``kk``, ``ru``.

    Returns
    -------
    dict
        Keys and texts, read from the package's YAML files; a plural entry is a dict of
        category -> text.

    Raises
    ------
    CatalogError
        If a file is not a mapping or a plural entry lacks a category of the language.
    """
    check_option(lang, LANGS, name="lang")
    folder = resources.files("policingstudy.i18n").joinpath(lang)
    flat: dict[str, Message] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        namespace = entry.name.removesuffix(".yaml")
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise CatalogError(f"i18n/{lang}/{entry.name}: expected a mapping of keys to texts")
        for key, value in data.items():
            where = f"i18n/{lang}/{entry.name}, key {key!r}"
            if isinstance(value, dict):
                flat[f"{namespace}.{key}"] = _plural_entry(value, lang, where)
            else:
                flat[f"{namespace}.{key}"] = "" if value is None else str(value)
    return flat


def texts_of(message: Message) -> list[str]:
    """Every text of a catalog entry (one string, or each plural form)."""
    return list(message.values()) if isinstance(message, dict) else [message]


def _count_text(count: Any, lang: Lang, key: str) -> FormattedNumber:
    """The count as shown: a formatted number keeps its text, an integer is formatted."""
    if isinstance(count, FormattedNumber):
        return count
    if isinstance(count, str) and count.isascii() and count.isdigit():
        count = int(count)  # a plain whole number passed as text ("4")
    if isinstance(count, bool) or not isinstance(count, int) and not hasattr(count, "item"):
        raise CatalogError(
            f"plural message {key!r} ({lang}) needs an integer or a formatted number as its "
            f"count, got {count!r}"
        )
    try:
        return integer(count, lang)
    except Exception as exc:  # a non-integral numpy value
        raise CatalogError(
            f"plural message {key!r} ({lang}) needs a whole count or a formatted number, "
            f"got {count!r}"
        ) from exc


def _select(key: str, lang: Lang, forms: Mapping[str, str], count: Any) -> tuple[str, str]:
    shown = _count_text(count, lang, key)
    if ZERO in forms and shown.shown == 0:
        return forms[ZERO], shown
    return forms[plural_category(shown.shown, lang)], shown


class _MessageFormatter(string.Formatter):
    """``str.format`` with ``{field:@key}`` resolved to the plural entry ``key`` for that field."""

    def __init__(self, lang: Lang, key: str) -> None:
        self.lang: Lang = lang
        self.key = key
        self.fields: Mapping[str, Any] = {}

    def vformat(self, format_string: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
        self.fields = kwargs
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> str:
        if not format_spec.startswith("@"):
            return str(super().format_field(value, format_spec))
        ref = format_spec[1:]
        if "." not in ref:
            ref = f"{self.key.split('.', 1)[0]}.{ref}"
        if not _KEY.match(ref):
            raise CatalogError(f"message {self.key!r} ({self.lang}): bad plural reference {ref!r}")
        return _plural(ref, self.lang, value, {**self.fields}, caller=self.key)


def _lookup(key: str, lang: Lang) -> Message:
    texts = catalog(lang)
    if key not in texts:
        raise CatalogError(
            f"message key {key!r} is missing in the {lang!r} catalog "
            f"(add it to src/policingstudy/i18n/{lang}/{key.split('.', 1)[0]}.yaml)"
        )
    message = texts[key]
    if not any(text.strip() for text in texts_of(message)):
        raise CatalogError(f"message key {key!r} is empty in the {lang!r} catalog")
    return message


def _fill(text: str, key: str, lang: Lang, fields: Mapping[str, Any]) -> str:
    if not fields and "{" not in text:
        return text
    try:
        return _MessageFormatter(lang, key).format(text, **fields)
    except KeyError as exc:
        raise CatalogError(
            f"message {key!r} ({lang}) needs the field {exc.args[0]!r}; given: {sorted(fields)}"
        ) from exc


def _plural(key: str, lang: Lang, count: Any, fields: dict[str, Any], *, caller: str) -> str:
    message = _lookup(key, lang)
    if not isinstance(message, dict):
        raise CatalogError(
            f"message {caller!r} ({lang}) refers to {key!r} as a plural entry, but it is a "
            "plain text; give it the forms " + ", ".join(sorted(plural_categories(lang)))
        )
    text, shown = _select(key, lang, message, count)
    fields["n"] = shown
    return _fill(text, key, lang, fields)


def t(key: str, lang: Lang, /, **fields: Any) -> str:
    """Look up ``key`` in the catalog of ``lang`` and fill its format fields.

    Parameters
    ----------
    key
        ``namespace.name``.
    lang
        Language code.
    **fields
        Values for ``{field}`` placeholders. A plural entry needs ``count`` (an integer or a
        :class:`~policingstudy.i18n.format.FormattedNumber`), shown as ``{n}``.

    Returns
    -------
    str
        The translated text.

    Raises
    ------
    CatalogError
        If the key is missing or empty, a placeholder has no value, or a plural entry has no
        ``count``.
    """
    check_option(lang, LANGS, name="lang")
    message = _lookup(key, lang)
    if isinstance(message, dict):
        if "count" not in fields:
            raise CatalogError(
                f"message {key!r} ({lang}) has plural forms: pass count=<number>; "
                f"given: {sorted(fields)}"
            )
        return _plural(key, lang, fields["count"], dict(fields), caller=key)
    return _fill(message, key, lang, fields)


class Translator:
    """A language-bound shortcut: ``tr = Translator("kk"); tr("maps.title_kz")``.

    Parameters
    ----------
    lang
        Language code.
    """

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = check_option(lang, LANGS, name="lang")

    def __call__(self, key: str, /, **fields: Any) -> str:
        """Translate ``key`` (see :func:`t`)."""
        return t(key, self.lang, **fields)

    def plural(self, key: str, count: Any, /, **fields: Any) -> str:
        """Translate the plural entry ``key`` for ``count`` (see :func:`t`)."""
        return t(key, self.lang, count=count, **fields)


def missing_keys() -> dict[str, list[str]]:
    """Return, per language, the keys other languages have that it lacks or leaves empty."""
    every = set().union(*(catalog(lang).keys() for lang in LANGS))
    result: dict[str, list[str]] = {}
    for lang in LANGS:
        texts = catalog(lang)
        gaps = sorted(k for k in every if not any(s.strip() for s in texts_of(texts.get(k, ""))))
        if gaps:
            result[lang] = gaps
    return result
