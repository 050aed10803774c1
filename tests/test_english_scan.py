"""The scanner for English left in the Kazakh and Russian reports (hand-written HTML).

The scan of the rendered reports themselves runs in the slow end-to-end test
(tests/test_quickstart.py), which renders every report in three languages.
"""

from __future__ import annotations

import pytest

from tests.english_scan import ALLOWLIST, leftovers, load_allowlist

PAGE = """<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title>
<style>.ps-table {{ color: red }}</style><script>var report = "the report";</script></head>
<body><nav><a href="../en/x.html" hreflang="en" lang="en">English</a></nav>
<main>{body}</main></body></html>"""


def _words(body: str, lang: str = "ru", title: str = "Отчёт", phrases: list[str] | None = None):
    page = PAGE.format(lang=lang, title=title, body=body)
    return [f.word for f in leftovers(page, lang, f"{lang}/x.html", phrases or [])]


def test_every_latin_word_outside_marked_elements_is_found():
    body = "<p>Оценка выдерживает the timing checks.</p><td>coded</td>"
    assert _words(body) == ["the", "timing", "checks", "coded"]


def test_marked_names_citations_ids_and_code_are_skipped():
    body = (
        '<td><span lang="en" class="ps-original">Police Reform Act 2002</span></td>'
        '<td><span lang="de">Gesetz über den Bürgerbeauftragten</span></td>'
        '<td><span lang="zxx">https://example.org/report</span></td>'
        "<p>Пакет R <code>did</code> и файл data/raw/scenarios.yaml</p>"
    )
    assert _words(body) == []


def test_text_in_the_report_language_is_not_skipped_by_its_lang_attribute():
    assert _words('<p lang="ru">Закон about police</p>') == ["about", "police"]


def test_codes_roman_numerals_short_words_and_urls_are_not_words():
    body = "<p>IND02, KZ_102, № 30-VIII, ст. XVIII, § 2-371, c. 13, p = 0,05, www.gov.uk</p>"
    assert _words(body) == []


def test_the_title_is_scanned_and_the_report_is_named():
    page = PAGE.format(lang="kk", title="Reform scenarios", body="<p>Сценарийлер</p>")
    found = leftovers(page, "kk", "kk/05_reform_scenarios.html", [])
    assert [str(f) for f in found] == [
        "kk/05_reform_scenarios.html: 'Reform' in 'Reform scenarios'",
        "kk/05_reform_scenarios.html: 'scenarios' in 'Reform scenarios'",
    ]


def test_allowed_phrases_match_whole_and_case_sensitively():
    phrases = ["doubly robust", "TWFE", "V-Dem"]
    body = "<p>TWFE, V-Dem, екі еселі орнықты (doubly robust); robust; twfe; V-Dem-нің</p>"
    assert _words(body, phrases=phrases) == ["robust", "twfe"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>Kazakhstan</p>", ["Kazakhstan"]),  # a proper name with a Cyrillic form is not allowed
        ("<p>WGI, ATT, PPML, MDE, HonestDiD</p>", []),
        ("<p>the</p>", ["the"]),
    ],
)
def test_shipped_allowlist(body, expected):
    assert _words(body, phrases=load_allowlist()) == expected


def test_allowlist_holds_no_common_english_word():
    common = {"the", "and", "for", "with", "from", "not", "law", "act", "police", "report"}
    phrases = load_allowlist(ALLOWLIST)
    assert not [p for p in phrases if p.lower() in common]
    assert len(phrases) == len(set(phrases))
