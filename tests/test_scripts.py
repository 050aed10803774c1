"""Latin-script words in Kazakh and Russian text (policingstudy.i18n.scripts), hand-written cases."""

from __future__ import annotations

import pytest

from policingstudy.i18n.scripts import guess_lang, latin_words, original_spans, outside_parentheses


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Закон (Police Reform Act 2002, c. 30)", ["Police", "Reform", "Act"]),
        ("IND02, KZ_102, № 30-VIII, ст. XVIII, 2012-Or-061, I/22, 4A", []),
        ("egov.kz, https://adilet.zan.kz/rus, data/raw/scenarios.yaml, scenarios.yaml", []),
        (
            "Gesetz über den Bürger- und Polizeibeauftragten",
            ["Gesetz", "über", "den", "Bürger", "und", "Polizeibeauftragten"],
        ),
        ("V-Dem, Sant'Anna, C&S, SE", ["V-Dem", "Sant'Anna"]),
    ],
)
def test_latin_words(text, words):
    assert latin_words(text) == words


def test_outside_parentheses_drops_nested_groups_whole():
    text = "Постановление (Greater Manchester Combined Authority (Election of Mayor) Order 2016), ст. 3"
    assert outside_parentheses(text) == "Постановление  , ст. 3"


def test_original_spans_are_the_latin_runs_inside_parentheses():
    text = (
        "Закон об уполномоченном (Buerger- und Polizeibeauftragtengesetz, BuePolBG); поправка "
        "(законопроект Drs. 18/3655), ст. 1 (с изменениями)"
    )
    assert [text[a:b] for a, b in original_spans(text)] == [
        "Buerger- und Polizeibeauftragtengesetz, BuePolBG",
        "Drs. 18/3655",
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Law of the Republic of Kazakhstan of 2 October 2023 No. 30-VIII (Adilet, English).",
            "en",
        ),
        ("Gesetz über die Bürgerbeauftragte des Landes Baden-Württemberg", "de"),
        ("Закон Республики Казахстан «Об общественном контроле» (PDF)", "ru"),
        ("«Қоғамдық бақылау туралы» ҚР Заңы", "kk"),
        (
            "Bureau of National Statistics (2023). Численность населения (statistical bulletin)",
            "en",
        ),
    ],
)
def test_guess_lang_by_the_script_with_more_letters(text, lang):
    assert guess_lang(text) == lang
