from __future__ import annotations

import pytest

from policingstudy.core.errors import CatalogError, OptionError
from policingstudy.core.types import LANGS
from policingstudy.i18n import Translator, catalog, missing_keys, t, texts_of
from policingstudy.i18n.format import number
from policingstudy.report.numbers import Numbers
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
    text = " ".join(s for v in catalog("kk").values() for s in texts_of(v))
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


# Plural forms (CLDR categories through Babel). The expected words were written by hand.
RU_CITIES = {1: "1 городе", 2: "2 городах", 5: "5 городах", 11: "11 городах", 21: "21 городе"}


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 источник"),
        (2, "2 источника"),
        (5, "5 источников"),
        (11, "11 источников"),
        (21, "21 источник"),
        (22, "22 источника"),
        (25, "25 источников"),
    ],
)
def test_russian_plural_entry_selects_one_few_many(count, expected):
    assert t("dataset.sources", "ru", count=count) == expected


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("en", 1, "1 source"),
        ("en", 2, "2 sources"),
        ("en", 21, "21 sources"),
        ("kk", 1, "1 дереккөзге"),
        ("kk", 25, "25 дереккөзге"),
    ],
)
def test_english_and_kazakh_plural_entries(lang, count, expected):
    assert Translator(lang).plural("dataset.sources", count) == expected


def test_plural_count_is_formatted_for_the_language():
    assert t("dataset.sources", "ru", count=1624) == "1\u00a0624 источника"
    assert t("dataset.sources", "en", count=1624) == "1,624 sources"


def test_fraction_selects_russian_other():
    shown = number(1.5, "ru", digits=1)
    assert t("dataset.sources", "ru", count=shown) == "1,5 источника"


def test_sentence_refers_to_plural_entries_by_field():
    for n, ru in [(1, "названа 1 проблема"), (4, "названы 4 проблемы"), (5, "названо 5 проблем")]:
        nums = Numbers()
        nums.add("n_problems", n)
        text = t("thesis.problems_text", "ru", **nums.text("ru"))
        assert text.startswith(f"В заключении {ru} действующей")
        assert t("thesis.problems_text", "en", **nums.text("en")).startswith(
            f"The conclusion names {n} problem{'s' if n != 1 else ''} of"
        )


def test_sentence_with_two_counts_agrees_with_each():
    nums = Numbers()
    nums.add("n_survey_agencies", 21)
    nums.add("n_survey_cities", 22)
    assert t("dataset.survey_text", "ru", **nums.text("ru")).startswith(
        "В обследовании перечислен 21 орган гражданского контроля в 22 городах."
    )
    assert t("dataset.survey_text", "en", **nums.text("en")).startswith(
        "The survey lists 21 agencies in 22 cities."
    )


def test_zero_form_is_used_for_zero_only():
    assert t("dataset.de_none", "ru", count=0) == "земель без такого органа нет"
    assert t("dataset.de_none", "ru", count=3) == "в 3 землях такого органа нет"
    assert t("dataset.de_none", "en", count=1) == "1 Land has none"


def test_plural_entry_without_count_is_refused():
    with pytest.raises(
        CatalogError, match=r"'dataset.sources' \(ru\) has plural forms: pass count"
    ):
        t("dataset.sources", "ru")


def test_plural_reference_to_a_plain_text_is_refused(monkeypatch):
    import policingstudy.i18n as i18n

    fake = {"x.sentence": "{n:@x.plain}", "x.plain": "no forms"}
    monkeypatch.setattr(i18n, "catalog", lambda lang: fake)
    with pytest.raises(CatalogError, match=r"refers to 'x.plain' as a plural entry"):
        t("x.sentence", "ru", n=3)


def test_plural_count_must_be_whole_or_formatted(monkeypatch):
    with pytest.raises(CatalogError, match="needs an integer or a formatted number"):
        t("dataset.sources", "ru", count=2.5)


def test_plural_entry_must_give_every_cldr_category(tmp_path, monkeypatch):
    from policingstudy.i18n import _plural_entry

    with pytest.raises(CatalogError, match=r"missing \['few', 'many'\]"):
        _plural_entry({"one": "{n} город", "other": "{n} города"}, "ru", "ru/x.yaml, key 'c'")
    with pytest.raises(CatalogError, match=r"unexpected \['few'\]"):
        _plural_entry({"one": "a", "few": "b", "other": "c"}, "en", "en/x.yaml, key 'c'")
    assert _plural_entry({"one": "a", "other": "b", "zero": "c"}, "kk", "w")["zero"] == "c"
