from __future__ import annotations

import pytest

from policingstudy.core.errors import CatalogError, OptionError
from policingstudy.core.types import LANGS
from policingstudy.i18n import Translator, catalog, missing_keys, t
from policingstudy.report.style import KAZAKH_LETTERS, font_covers


def test_every_key_present_and_non_empty_in_every_language():
    assert missing_keys() == {}


def test_catalogs_are_not_copies_of_english():
    en = catalog("en")
    for lang in ("kk", "ru"):
        same = [k for k, v in catalog(lang).items() if v == en[k] and not k.endswith("_id")]
        # a few proper names may coincide; whole catalogs must not
        assert len(same) < 0.1 * len(en), same[:10]


def test_kazakh_catalog_uses_kazakh_letters():
    text = " ".join(catalog("kk").values())
    assert sum(ch in KAZAKH_LETTERS for ch in text) > 50


def test_lookup_fills_fields():
    assert t("thesis.problems_text", "en", n_problems="4").startswith("The conclusion names 4")


def test_missing_key_names_language_and_file():
    with pytest.raises(
        CatalogError, match=r"'thesis.nope' is missing in the 'kk' catalog.*kk/thesis"
    ):
        t("thesis.nope", "kk")


def test_missing_field_is_named():
    with pytest.raises(CatalogError, match="needs the field 'n_problems'"):
        t("thesis.problems_text", "ru")


def test_unknown_language():
    with pytest.raises(OptionError, match=r"lang: expected one of \('en', 'kk', 'ru'\), got 'de'"):
        Translator("de")  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", LANGS)
def test_language_names_differ(lang):
    assert t("common.language_name", lang)


def test_figure_font_has_kazakh_letters():
    assert font_covers(KAZAKH_LETTERS)


def test_kazakh_title_renders_without_missing_glyph_warnings(recwarn):
    import matplotlib.pyplot as plt

    from policingstudy.report.style import use_style

    use_style()
    fig, ax = plt.subplots()
    ax.set_title(t("thesis.figure_title", "kk") + " " + KAZAKH_LETTERS)
    fig.canvas.draw()
    plt.close(fig)
    assert not [w for w in recwarn if "missing from font" in str(w.message)]
