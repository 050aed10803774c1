"""Tables and figures of notebooks 01-03: names instead of ids, words instead of codes, no nan."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from policingstudy.report import layout
from policingstudy.report.numbers import Numbers
from policingstudy.report.tables import NA_TEXT, cells
from policingstudy.report.views import dataset as views
from policingstudy.report.views import overview

UNITS = pd.DataFrame(
    {
        "unit_id": ["KZ_A", "KZ_B"],
        "jurisdiction": ["KZ", "KZ"],
        "name_en": ["Public council", "Ombudsperson"],
        "name_kk": ["Қоғамдық кеңес", "Адам құқықтары жөніндегі уәкіл"],
        "name_ru": ["Общественный совет", "Уполномоченный по правам человека"],
        "topic_ids": ["T05;T07", np.nan],
        "origin": ["hand_coded", "hand_coded"],
    }
)
INDICATORS = pd.DataFrame(
    {
        "indicator_id": ["IND02", "IND19"],
        "label_en": ["Separation from the police hierarchy", "Complainant information rights"],
        "label_kk": ["Полиция иерархиясынан бөлектігі", "Шағым берушінің ақпарат алу құқығы"],
        "label_ru": ["Обособленность от иерархии полиции", "Право заявителя на информацию"],
    }
)
DISAGREEMENTS = pd.DataFrame(
    {
        "unit_id": ["KZ_A", "KZ_B", "DE_X"],
        "indicator_id": ["IND02", "IND19", "IND02"],
        "n_coders": [2, 2, 2],
        "values": ["c1=3.0; c2=<NA>", "c1=1.0; c2=2.0", "c1=0.0; c2=1.0"],
        "statuses": ["c1=coded; c2=unknown", "c1=coded; c2=coded", "c1=coded; c2=coded"],
        "spread": [np.nan, 1.0, 1.0],
    }
)


def test_disagreements_show_names_values_and_status_words():
    table = views.disagreement_table(
        DISAGREEMENTS, ["KZ_A", "KZ_B"], "ru", units=UNITS, indicators=INDICATORS
    )
    shown = cells(table)
    assert list(shown.columns) == [
        "Название",
        "Показатель",
        "Кодировщик 1: значение",
        "Кодировщик 2: значение",
        "Кодировщик 1: статус",
        "Кодировщик 2: статус",
        "Код",
        "Код показателя",
    ]
    assert shown.iloc[0].tolist() == [
        "Общественный совет",
        "Обособленность от иерархии полиции",
        "3",
        NA_TEXT,
        "закодировано",
        "неизвестно",
        "KZ_A",
        "IND02",
    ]
    assert len(shown) == 2  # DE_X is not among the units asked for
    text = shown.to_string()
    for raw in ("c1=", "<NA>", "3.0", "nan", "coded"):
        assert raw not in text


def test_disagreements_without_names_keep_ids():
    shown = cells(views.disagreement_table(DISAGREEMENTS, ["KZ_B"], "en"))
    assert shown.iloc[0].tolist()[:6] == ["KZ_B", "IND19", "1", "2", "coded", "coded"]


def test_topic_links_name_first_ids_last_and_no_nan():
    topics = pd.DataFrame(
        {"topic_id": ["T05", "T07"], "label_kk": ["қоғамдық кеңестер", "өтініштер"]}
    )
    shown = cells(views.topic_links(UNITS, topics, "kk"))
    assert list(shown.columns) == ["Атауы", "Тақырып", "Код", "Тақырып коды"]
    assert shown.to_numpy().tolist() == [
        ["Қоғамдық кеңес", "қоғамдық кеңестер", "KZ_A", "T05"],
        ["Қоғамдық кеңес", "өтініштер", "KZ_A", "T07"],
        ["Адам құқықтары жөніндегі уәкіл", NA_TEXT, "KZ_B", NA_TEXT],
    ]


def test_problem_table_lists_indicator_names_and_keeps_ids_last():
    codings = pd.DataFrame(
        {
            "unit_id": ["KZ_A", "KZ_B", "KZ_A"],
            "indicator_id": ["IND02", "IND02", "IND19"],
            "status": ["coded", "coded", "coded"],
            "value": [1.0, 2.0, 2.0],
        }
    )
    links = pd.DataFrame(
        {
            "link_type": ["problem", "problem"],
            "link_id": ["P1", "P1"],
            "indicator_id": ["IND19", "IND02"],
        }
    )
    problems = pd.DataFrame({"problem_id": ["P1"], "label_en": ["low public trust"]})
    programme = pd.DataFrame({"item_id": ["R1"], "label_en": ["reform"]})
    table = views.problem_table(
        codings, links, problems, programme, ["KZ_A", "KZ_B"], "en", indicators=INDICATORS
    )
    shown = cells(table)
    assert shown.iloc[0].tolist() == [
        "low public trust",
        "Separation from the police hierarchy; Complainant information rights",
        "3",
        "1.67",  # (1 + 2 + 2) / 3, two decimals
        "P1",
        "IND02, IND19",
    ]


def test_coverage_rounds_once_with_one_decimal():
    cov = pd.DataFrame(
        {
            "jurisdiction": ["KZ", "all"],
            "n_units": [19, 116],
            "n_cells": [513, 2624],
            "share_coded": [0.29825, 0.4],
            "share_unknown": [0.1426, 0.0],
            "share_not_applicable": [0.55925, 0.6],
        }
    )
    shown = cells(views.coverage_table(cov, "ru"))
    assert shown.iloc[0].tolist() == ["Казахстан", "19", "513", "29,8", "14,3", "55,9"]
    assert shown.iloc[1].tolist() == ["Всего", "116", "2\u00a0624", "40,0", "0,0", "60,0"]


def test_sources_appendix_translates_kinds_and_dates():
    sources = pd.DataFrame(
        {
            "source_id": ["s1", "s2"],
            "citation": ["Law 1", "Report 2"],
            "url": ["https://a", "https://b"],
            "kind": ["law", "report"],
            "accessed": ["2026-11-26", np.nan],
            "note": ["", ""],
        }
    )
    shown = cells(views.sources_appendix(sources, {"s1", "s2"}, "kk"))
    assert shown.iloc[:, 1].tolist() == ["нормативтік құқықтық акт", "есеп"]
    assert shown.iloc[:, 3].tolist() == ["2026\u202fж. 26 қараша", NA_TEXT]
    assert shown.iloc[:, -1].tolist() == ["s1", "s2"]


def test_foreign_numbers_split_hand_coded_and_survey_units():
    units = pd.DataFrame(
        {
            "unit_id": ["DE_A", "US_1", "US_2"],
            "jurisdiction": ["DE", "US", "US"],
            "subunit_code": ["DE-BB", "", ""],
            "kind": [
                "police_commissioner",
                "civilian_oversight_agency",
                "civilian_oversight_agency",
            ],
            "origin": ["hand_coded", "uchicago_survey", "uchicago_survey"],
        }
    )
    survey = pd.DataFrame({"city": ["A", "B"]})
    nums = views.foreign_numbers(units, survey, Numbers())
    assert nums["n_hand_coded"] == 1
    assert nums["n_survey_units"] == 2


def test_survey_legend_uses_role_words():
    survey = pd.DataFrame(
        {
            "established_year": [1975, 1995, 2005, 2012],
            "primary_role": ["Investigative", "Adjuticative", None, "Review"],
        }
    )
    ax = views.survey_decades(survey, "ru")
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == [
        "Роль не указана".lower(),
        "Вынесение решений",
        "Расследование",
        "Рассмотрение",
    ]
    ax.figure.canvas.draw()
    assert all("." not in tick.get_text() for tick in ax.get_yticklabels())
    plt.close("all")


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_overview_tables_put_ids_last(lang):
    topics = pd.DataFrame(
        {
            "topic_id": ["T01"],
            "starts_with": ["Заманауи"],
            f"label_{lang}": ["x"],
            "kind": ["foundations"],
            "article_refs": [np.nan],
        }
    )
    shown = cells(overview.topics_table(topics, lang))
    assert shown.iloc[0].tolist()[-1] == "T01"
    assert shown.iloc[0].tolist()[3] == NA_TEXT
    problems = pd.DataFrame({"problem_id": ["P1"], f"label_{lang}": ["y"]})
    assert cells(overview.labelled_list(problems, "problem_id", lang)).iloc[0].tolist() == [
        "y",
        "P1",
    ]


def test_long_names_wrap_between_words_and_are_never_cut():
    assert layout.wrap("Солтүстік Рейн – Вестфалия", 10) == "Солтүстік\nРейн –\nВестфалия"
    # a compound breaks after its hyphen; a word longer than the width stays whole
    assert layout.wrap("Мекленбург-Алдыңғы Померания", 12) == "Мекленбург-\nАлдыңғы\nПомерания"
    assert layout.wrap("Құқықтықстатистика", 5) == "Құқықтықстатистика"


def test_timeline_legend_keys_events_in_grey_and_jurisdictions_by_colour():
    events = pd.DataFrame(
        {
            "unit_id": ["KZ_A", "UK_X"],
            "event": ["established", "reformed"],
            "date": ["2015-11", "2012-01-16"],
        }
    )
    units = pd.DataFrame(
        {
            "unit_id": ["KZ_A", "UK_X"],
            "jurisdiction": ["KZ", "UK-EW"],
            "name_kk": ["Қоғамдық кеңес", "Комиссар"],
        }
    )
    ax = views.timeline(events, units, "kk")
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["құрылды", "реформаланды", "Қазақстан", "Англия мен Уэльс"]
    ax.figure.canvas.draw()
    ticks = [tick.get_text() for tick in ax.get_xticklabels() if tick.get_text()]
    assert ticks and all(tick.isdigit() for tick in ticks)  # years, no group separator
    plt.close("all")


def test_citation_in_kazakh_and_russian_uses_the_original_script():
    article = pd.Series(
        {
            "citation": "Yeshmanov R.O. (2026). Title. pp. 306-310.",
            "authors_original": "Ешманов Руслан Олжабаевич; Бегалиев Е.Н.",
            "title_kk": "Қазақша атауы",
            "title_ru": "Русское название",
            "venue_en": "Venue",
            "venue_kk": "Жинақ, Атырау, 2026 жылғы 8 сәуір",
            "venue_ru": "Сборник, Атырау, 8 апреля 2026 г.",
            "pages": "306-310",
            "isbn": "978-601-262-638-4",
        }
    )
    assert overview.citation(article, "en") == "Yeshmanov R.O. (2026). Title. pp. 306-310."
    assert overview.citation(article, "kk") == (
        "Ешманов Р.О., Бегалиев Е.Н. Қазақша атауы // Жинақ, Атырау, 2026 жылғы 8 сәуір. "
        "– 306–310 б. – ISBN 978-601-262-638-4."
    )
    assert overview.citation(article, "ru") == (
        "Ешманов Р.О., Бегалиев Е.Н. Қазақша атауы [Русское название] // Сборник, Атырау, "
        "8 апреля 2026 г. — С. 306–310. — ISBN 978-601-262-638-4."
    )
