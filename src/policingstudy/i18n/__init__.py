"""Message catalogs in English, Kazakh and Russian.

Every user-facing string (narrative, headings, figure titles, axis labels, table headers) lives in
``i18n/<lang>/<namespace>.yaml``. A key is ``<namespace>.<name>``, e.g. ``maps.title_kz`` is the
entry ``title_kz`` of ``i18n/en/maps.yaml`` (and of the same file in ``kk`` and ``ru``). Values may
hold ``str.format`` fields (``{n_units}``) filled from named numbers.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from policingstudy.core.errors import CatalogError
from policingstudy.core.types import LANGS, Lang, check_option


@cache
def catalog(lang: Lang) -> dict[str, str]:
    """Return the flat catalog of one language (``namespace.key -> text``).

    Parameters
    ----------
    lang
        One of ``en``, ``kk``, ``ru``.

    Returns
    -------
    dict
        Keys and texts, read from the package's YAML files.
    """
    check_option(lang, LANGS, name="lang")
    folder = resources.files("policingstudy.i18n").joinpath(lang)
    flat: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        namespace = entry.name.removesuffix(".yaml")
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise CatalogError(f"i18n/{lang}/{entry.name}: expected a mapping of keys to texts")
        for key, value in data.items():
            flat[f"{namespace}.{key}"] = "" if value is None else str(value)
    return flat


def t(key: str, lang: Lang, /, **fields: Any) -> str:
    """Look up ``key`` in the catalog of ``lang`` and fill its format fields.

    Parameters
    ----------
    key
        ``namespace.name``.
    lang
        Language code.
    **fields
        Values for ``{field}`` placeholders.

    Returns
    -------
    str
        The translated text.

    Raises
    ------
    CatalogError
        If the key is missing or empty, or a placeholder has no value.
    """
    texts = catalog(lang)
    if key not in texts:
        raise CatalogError(
            f"message key {key!r} is missing in the {lang!r} catalog "
            f"(add it to src/policingstudy/i18n/{lang}/{key.split('.', 1)[0]}.yaml)"
        )
    text = texts[key]
    if not text.strip():
        raise CatalogError(f"message key {key!r} is empty in the {lang!r} catalog")
    try:
        return text.format(**fields) if fields or "{" in text else text
    except KeyError as exc:
        raise CatalogError(
            f"message {key!r} ({lang}) needs the field {exc.args[0]!r}; given: {sorted(fields)}"
        ) from exc


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


def missing_keys() -> dict[str, list[str]]:
    """Return, per language, the keys other languages have that it lacks or leaves empty."""
    every = set().union(*(catalog(lang).keys() for lang in LANGS))
    result: dict[str, list[str]] = {}
    for lang in LANGS:
        texts = catalog(lang)
        gaps = sorted(k for k in every if not texts.get(k, "").strip())
        if gaps:
            result[lang] = gaps
    return result
