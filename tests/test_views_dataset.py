"""Views of notebooks 02 and 03 (the comparative dataset) on small hand-made tables.

The tables are checked for their structure (rows, translated headers in the order shown, which
units, indicators and sources appear) and the numbers for their values, which do not depend on
the language; the exact text of cells (names, status words, number formatting) is read with
:func:`policingstudy.report.tables.cells`, as the report shows it. How the coding was checked
(double coding, agreement between coders, audit) is tested in ``test_views_coding.py``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.image import AxesImage

from policingstudy.core.types import LANGS, Lang
from policingstudy.i18n import t
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import JURISDICTION_COLOURS
from policingstudy.report.tables import ATTR_DIGITS, ATTR_LANG, NA_TEXT, Html, cells
from policingstudy.report.views import dataset as views

LANG_PARAMS = pytest.mark.parametrize("lang", LANGS)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _names(unit_id: str) -> dict[str, str]:
    return {
        "name_en": f"Body {unit_id}",
        "name_kk": f"Орган {unit_id}",
        "name_ru": f"Орган ru {unit_id}",
    }


def _headers(keys: list[str], lang: Lang) -> list[str]:
    return [t(key, lang) for key in keys]


def _shown(table: pd.DataFrame) -> set[str]:
    """Every cell of ``table`` as the report shows it."""
    return set(cells(table).to_numpy().ravel())


@pytest.fixture
def units() -> pd.DataFrame:
    rows = [
        ("KZ_A", "KZ", "public_council", "", "Law 1", "Заң 1", "Закон 1", "s1;s2", "T05;T06"),
        ("KZ_B", "KZ", "hotline", "", "", "", "", "s2", "T07; T99"),
        (
            "UK_C",
            "UK-EW",
            "pcc",
            "E23000001",
            "Act 2011",
            "2011 жылғы заң (Act 2011)",
            "Закон 2011 года (Act 2011)",
            "s3",
            "",
        ),
        ("DE_D", "DE", "police_commissioner", "DE-BW", "Gesetz", "", "", " s4 ", None),
        ("DE_E", "DE", "no_body", "DE-BY", "", "", "", "", None),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "unit_id",
            "jurisdiction",
            "kind",
            "subunit_code",
            "legal_basis",
            "legal_basis_kk",
            "legal_basis_ru",
            "source_ids",
            "topic_ids",
        ],
    )
    names = pd.DataFrame([_names(u) for u in frame["unit_id"]])
    original = ["Орган KZ_A", "Орган KZ_B", "Body UK_C", "Stelle DE_D", "Keine DE_E"]
    return pd.concat([frame, names], axis=1).assign(name_original=original)


@pytest.fixture
def codings() -> pd.DataFrame:
    rows = [
        ("KZ_A", "IND01", "coded", 2.0, "s1"),
        ("KZ_A", "IND02", "unknown", np.nan, None),
        ("KZ_A", "IND03", "not_applicable", np.nan, "s2"),
        ("KZ_B", "IND01", "coded", 0.0, "s2"),
        ("KZ_B", "IND02", "coded", 3.0, "s2"),
        ("KZ_B", "IND03", "unknown", np.nan, None),
        ("UK_C", "IND01", "coded", 1.0, "s3"),
        ("UK_C", "IND02", "coded", 2.0, "s5"),
    ]
    return pd.DataFrame(rows, columns=["unit_id", "indicator_id", "status", "value", "source_id"])


@pytest.fixture
def indicators() -> pd.DataFrame:
    ids = ["IND01", "IND02", "IND03"]
    return pd.DataFrame(
        {
            "indicator_id": ids,
            "references": ["s6", None, "s6;s7"],
            **{f"label_{lg}": [f"Indicator {i[-1]} {lg}" for i in ids] for lg in LANGS},
        }
    )


@pytest.fixture
def events() -> pd.DataFrame:
    rows = [
        ("KZ_A", "established", "2014-07-01", "s1"),
        ("KZ_A", "reformed", "2019", "s2"),
        ("KZ_B", "established", "2016-01", "s2"),
        ("UK_C", "established", "2012-11-22", "s3"),
        ("UK_C", "renamed", "2017-01-08", None),
    ]
    return pd.DataFrame(rows, columns=["unit_id", "event", "date", "source_id"])


@pytest.fixture
def sources() -> pd.DataFrame:
    ids = [f"s{i}" for i in range(1, 9)]
    return pd.DataFrame(
        {
            "source_id": ids[::-1],
            "citation": [f"Citation {i}" for i in ids[::-1]],
            "url": [f"https://example.org/{i}" for i in ids[::-1]],
            "kind": "law",
            "accessed": "2026-11-01",
        }
    )


# -- coverage ----------------------------------------------------------------------------------


def test_coverage_shares_by_jurisdiction(units: pd.DataFrame, codings: pd.DataFrame) -> None:
    cov = views.coverage(units, codings).set_index("jurisdiction")
    assert list(cov.index) == ["KZ", "UK-EW", "all"]  # only jurisdictions with codings
    assert cov.loc["KZ", ["n_units", "n_cells"]].tolist() == [2, 6]
    assert cov.loc["KZ", "share_coded"] == pytest.approx(3 / 6)
    assert cov.loc["KZ", "share_unknown"] == pytest.approx(2 / 6)
    assert cov.loc["KZ", "share_not_applicable"] == pytest.approx(1 / 6)
    assert cov.loc["UK-EW", "share_coded"] == 1.0
    assert cov.loc["all", ["n_units", "n_cells"]].tolist() == [3, 8]
    shares = cov[[f"share_{s}" for s in views.STATUS_ORDER]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)


@LANG_PARAMS
def test_coverage_table(units: pd.DataFrame, codings: pd.DataFrame, lang: Lang) -> None:
    table = views.coverage_table(views.coverage(units, codings), lang)
    assert list(table.columns) == _headers(
        [
            "dataset.col_jurisdiction",
            "dataset.col_n_units",
            "dataset.col_n_cells",
            "dataset.col_share_coded",
            "dataset.col_share_unknown",
            "dataset.col_share_na",
        ],
        lang,
    )
    assert table.iloc[:, 0].tolist() == _headers(
        ["dataset.jur_KZ", "dataset.jur_UK_EW", "dataset.jur_all"], lang
    )  # no codings for Germany: no row
    # shares in percent, unrounded (KZ 3/6, UK 2/2, all 5/8 coded; KZ 2/6, all 2/8 unknown)
    np.testing.assert_allclose(table[t("dataset.col_share_coded", lang)], [50.0, 100.0, 62.5])
    np.testing.assert_allclose(
        table[t("dataset.col_share_unknown", lang)], [100 * 2 / 6, 0.0, 25.0]
    )
    assert table.attrs[ATTR_LANG] == lang
    assert table.attrs[ATTR_DIGITS] == {
        t(f"dataset.col_share_{s}", lang): 1 for s in ("coded", "unknown", "na")
    }
    decimal = "." if lang == "en" else ","
    assert cells(table).iloc[2, 3] == f"62{decimal}5"


def test_coverage_table_headers_differ_by_language(
    units: pd.DataFrame, codings: pd.DataFrame
) -> None:
    cov = views.coverage(units, codings)
    headers = {lang: tuple(views.coverage_table(cov, lang).columns) for lang in LANGS}
    assert len(set(headers.values())) == 3


# -- heatmap, value matrix, timeline -----------------------------------------------------------


def test_value_matrix_is_units_by_indicators(codings: pd.DataFrame) -> None:
    matrix = views.value_matrix(codings, ["KZ_B", "KZ_A", "DE_D"], ["IND01", "IND02", "IND03"])
    assert list(matrix.index) == ["KZ_B", "KZ_A", "DE_D"]
    assert list(matrix.columns) == ["IND01", "IND02", "IND03"]
    assert matrix.loc["KZ_B", "IND02"] == 3.0
    assert matrix.loc["KZ_A", "IND01"] == 2.0
    assert np.isnan(matrix.loc["KZ_A", "IND02"])  # unknown
    assert np.isnan(matrix.loc["KZ_A", "IND03"])  # not applicable
    assert matrix.loc["DE_D"].isna().all()  # no codings


@LANG_PARAMS
def test_heatmap(
    units: pd.DataFrame, codings: pd.DataFrame, indicators: pd.DataFrame, lang: Lang
) -> None:
    kz = units[units["jurisdiction"] == "KZ"]
    fig, ax = plt.subplots()
    assert views.heatmap(codings, kz, indicators, lang, ax=ax) is ax
    (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    values = image.get_array()
    assert values.shape == (2, 3)  # units x indicators
    assert values.mask.tolist() == [[False, True, True], [False, False, True]]
    assert values[0, 0] == 2.0
    assert values[1, 0] == 0.0
    assert values[1, 1] == 3.0
    # four distinct colours for the scores 0-3; cells without a value are grey
    colours = {tuple(image.cmap(image.norm(score))) for score in (0, 1, 2, 3)}
    assert len(colours) == 4
    assert image.cmap.get_bad() == pytest.approx(to_rgba("#d9d9d9"))
    # indicators by number and name in the language, units by name in the language
    assert [label.get_text() for label in ax.get_xticklabels()] == [
        f"0{i} Indicator {i} {lang}" for i in (1, 2, 3)
    ]
    assert [label.get_text() for label in ax.get_yticklabels()] == [
        _names("KZ_A")[f"name_{lang}"],
        _names("KZ_B")[f"name_{lang}"],
    ]
    (na,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert na.get_offsets().tolist() == [[2.0, 0.0]]  # KZ_A x IND03 is not applicable
    legend = fig.axes[1].get_legend()  # under the colour bar, beside the data
    assert [text.get_text() for text in legend.get_texts()] == [
        t("dataset.status_unknown", lang),
        t("dataset.legend_na", lang),
    ]
    assert ax.get_title().replace("\n", " ") == t("dataset.heatmap_title", lang)
    assert len(fig.axes) == 2  # the colour bar
    assert fig.axes[1].get_ylabel().replace("\n", " ") == t("dataset.heatmap_scale", lang)


def test_heatmap_without_not_applicable_has_no_marks(
    units: pd.DataFrame, codings: pd.DataFrame, indicators: pd.DataFrame
) -> None:
    uk = units[units["unit_id"] == "UK_C"]
    ax = views.heatmap(codings, uk, indicators, "en")
    assert isinstance(ax, Axes)
    (image,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    assert image.get_array().mask.tolist() == [[False, False, True]]  # IND03 not coded
    assert not [c for c in ax.collections if isinstance(c, PathCollection)]
    assert ax.get_legend() is None


@LANG_PARAMS
def test_timeline(units: pd.DataFrame, events: pd.DataFrame, lang: Lang) -> None:
    fig, ax = plt.subplots()
    assert views.timeline(events, units, lang, ax=ax) is ax
    collections = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(collections) == 3  # established, reformed, renamed
    # the legend keys the events, then the jurisdictions shown (not Germany: no events)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == [
        *(t(f"dataset.event_{e}", lang) for e in ("established", "reformed", "renamed")),
        t("dataset.jur_KZ", lang),
        t("dataset.jur_UK_EW", lang),
    ]
    # rows ordered by first event: UK_C (2012), KZ_A (2014), KZ_B (2016)
    established = collections[0].get_offsets()
    assert established[:, 0].tolist() == pytest.approx([2014.5, 2016.0, 2012 + 10 / 12])
    assert established[:, 1].tolist() == [1, 2, 0]
    # markers coloured by jurisdiction
    np.testing.assert_allclose(
        collections[0].get_facecolors(),
        [to_rgba(JURISDICTION_COLOURS[j]) for j in ("KZ", "KZ", "UK-EW")],
    )
    assert [label.get_text() for label in ax.get_yticklabels()] == [
        _names(u)[f"name_{lang}"] for u in ("UK_C", "KZ_A", "KZ_B")
    ]
    assert ax.get_xlabel() == t("dataset.year", lang)
    assert ax.get_title() == t("dataset.timeline_title", lang)


# -- tables --------------------------------------------------------------------------------------


@LANG_PARAMS
def test_units_table(units: pd.DataFrame, lang: Lang) -> None:
    table = views.units_table(units, lang)
    assert len(table) == len(units)
    assert list(table.columns) == _headers(
        [
            "common.column_label",
            "dataset.col_name_original",
            "common.column_kind",
            "dataset.col_subunit",
            "dataset.col_legal_basis",
            "common.column_id",
        ],
        lang,
    )
    shown = cells(table)
    assert shown.iloc[:, 0].tolist() == list(units[f"name_{lang}"])
    assert shown.iloc[:, -1].tolist() == list(units["unit_id"])  # the ids last
    assert shown.iloc[0, 2] == t("dataset.kind_public_council", lang)
    assert shown.iloc[4, 2] == t("dataset.kind_no_body", lang)
    # the official name is marked with its jurisdiction's language unless it is the report's
    kz_name = table.iloc[0, 1]
    if lang == "kk":
        assert kz_name == "Орган KZ_A"
    else:
        assert isinstance(kz_name, Html) and 'lang="kk"' in kz_name.markup
    assert isinstance(table.iloc[3, 1], Html) and 'lang="de"' in table.iloc[3, 1].markup
    # the legal basis in the report's language; original titles kept in brackets are marked
    basis = table.iloc[2, 4]
    if lang == "en":
        assert basis == "Act 2011"
    else:
        assert str(basis) == units.loc[2, f"legal_basis_{lang}"]
        assert '<span lang="en" class="ps-original">Act 2011</span>' in basis.markup
    assert shown.iloc[2, 3] == "E23000001"


def test_used_sources_and_appendix(
    units: pd.DataFrame,
    events: pd.DataFrame,
    codings: pd.DataFrame,
    indicators: pd.DataFrame,
    sources: pd.DataFrame,
) -> None:
    used = views.used_sources(units, events, codings, indicators)
    assert used == {"s1", "s2", "s3", "s4", "s5", "s6", "s7"}  # not s8
    # CLDR long dates; a narrow no-break space (U+202F) before the abbreviation of "year"
    accessed = {
        "en": "November 1, 2026",
        "kk": "2026\u202fж. 1 қараша",
        "ru": "1 ноября 2026\u202fг.",
    }
    for lang in LANGS:
        table = views.sources_appendix(sources, used, lang)
        assert list(table.columns) == _headers(
            [
                "dataset.col_citation",
                "common.column_kind",
                "dataset.col_url",
                "dataset.col_accessed",
                "common.column_id",
            ],
            lang,
        )
        shown = cells(table)
        assert shown.iloc[:, -1].tolist() == [f"s{i}" for i in range(1, 8)]  # sorted by id
        assert shown.iloc[:, 0].tolist() == [f"Citation s{i}" for i in range(1, 8)]
        assert set(shown.iloc[:, 1]) == {t("dataset.source_kind_law", lang)}
        assert set(shown.iloc[:, 3]) == {accessed[lang]}


def test_dataset_numbers_count_units_codings_and_sources(
    units: pd.DataFrame, codings: pd.DataFrame, sources: pd.DataFrame
) -> None:
    before = Numbers()
    before.add("n_other", 1)
    nums = views.dataset_numbers(units, codings, pd.DataFrame(), sources, before)
    assert nums is before  # added to the notebook's numbers
    assert nums["n_units"] == 5
    assert nums["n_codings"] == 8
    assert nums["n_coded"] == 5
    assert nums["pct_unknown"] == pytest.approx(25.0)  # 2 of 8 cells
    assert nums["n_sources"] == 8
    assert nums.text("en")["pct_unknown"] == "25.0"  # one decimal in text
    assert nums.text("ru")["pct_unknown"] == "25,0"
    empty = views.dataset_numbers(units, codings.iloc[:0], pd.DataFrame(), sources)
    assert (empty["n_codings"], empty["pct_unknown"]) == (0, 0.0)


# -- problems, topics, disagreements (notebook 02) ----------------------------------------------


@pytest.fixture
def links() -> pd.DataFrame:
    rows = [("problem", "P1", "IND02"), ("problem", "P1", "IND01"), ("programme", "G1", "IND03")]
    return pd.DataFrame(rows, columns=["link_type", "link_id", "indicator_id"])


def test_problem_profile_means(codings: pd.DataFrame, links: pd.DataFrame) -> None:
    profile = views.problem_profile(codings, links, ["KZ_A", "KZ_B"]).set_index("link_id")
    # P1: IND01 (2, 0) and IND02 (3): mean 5/3; G1: IND03 never coded
    assert profile.loc["P1", ["n_indicators", "n_values"]].tolist() == [2, 3]
    assert profile.loc["P1", "mean_value"] == pytest.approx(5 / 3)
    assert profile.loc["G1", "n_values"] == 0
    assert np.isnan(profile.loc["G1", "mean_value"])
    # UK_C is not asked for: with it P1 would have 5 values
    assert views.problem_profile(codings, links, ["UK_C"]).set_index("link_id").loc[
        "P1", "mean_value"
    ] == pytest.approx(3 / 2)


@LANG_PARAMS
def test_problem_table(
    codings: pd.DataFrame, links: pd.DataFrame, indicators: pd.DataFrame, lang: Lang
) -> None:
    problems = pd.DataFrame(
        {"problem_id": ["P1"], **{f"label_{lg}": [f"Problem {lg}"] for lg in LANGS}}
    )
    programme = pd.DataFrame({"item_id": ["G1"], **{f"label_{lg}": [f"Item {lg}"] for lg in LANGS}})
    table = views.problem_table(
        codings, links, problems, programme, ["KZ_A", "KZ_B"], lang, indicators=indicators
    )
    assert list(table.columns) == _headers(
        [
            "common.column_label",
            "dataset.col_indicators",
            "dataset.col_n_values",
            "dataset.col_mean_value",
            "common.column_id",
            "dataset.col_indicator_ids",
        ],
        lang,
    )
    shown = cells(table)
    assert shown.iloc[:, 0].tolist() == [f"Problem {lang}", f"Item {lang}"]
    assert shown.iloc[:, 1].tolist() == [
        f"Indicator 1 {lang}; Indicator 2 {lang}",  # by id, whatever the links' order
        f"Indicator 3 {lang}",
    ]
    assert shown.iloc[:, -1].tolist() == ["IND01, IND02", "IND03"]
    assert shown.iloc[:, -2].tolist() == ["P1", "G1"]
    np.testing.assert_allclose(table.iloc[:, 3], [5 / 3, np.nan])  # unrounded
    assert shown.iloc[1, 3] == NA_TEXT
    # without the codebook's names the indicators are listed by id
    plain = views.problem_table(codings, links, problems, programme, ["KZ_A", "KZ_B"], lang)
    assert cells(plain).iloc[0, 1] == "IND01; IND02"


@LANG_PARAMS
def test_topic_links(units: pd.DataFrame, lang: Lang) -> None:
    topics = pd.DataFrame(
        {
            "topic_id": ["T05", "T06", "T07"],
            **{f"label_{lg}": [f"{x} {lg}" for x in ("a", "b", "c")] for lg in LANGS},
        }
    )
    asked = units[units["unit_id"].isin(["KZ_A", "KZ_B", "DE_D"])]
    table = views.topic_links(asked, topics, lang)
    assert list(table.columns) == _headers(
        [
            "common.column_label",
            "common.column_topic",
            "common.column_id",
            "dataset.col_topic_id",
        ],
        lang,
    )
    shown = cells(table)
    # KZ_A: T05, T06; KZ_B: T07 and T99 (not a topic of the article: kept, without a label);
    # DE_D covers no topic: one row with an empty topic
    assert shown.iloc[:, 2].tolist() == ["KZ_A", "KZ_A", "KZ_B", "KZ_B", "DE_D"]
    assert shown.iloc[:, 3].tolist() == ["T05", "T06", "T07", "T99", NA_TEXT]
    assert shown.iloc[:, 1].tolist() == [f"a {lang}", f"b {lang}", f"c {lang}", "T99", NA_TEXT]
    assert shown.iloc[0, 0] == _names("KZ_A")[f"name_{lang}"]


@LANG_PARAMS
def test_disagreement_table_keeps_the_units_asked_for(
    units: pd.DataFrame, indicators: pd.DataFrame, lang: Lang
) -> None:
    disagreements = pd.DataFrame(
        {
            "unit_id": ["KZ_A", "UK_C", "KZ_B"],
            "indicator_id": ["IND01", "IND02", "IND03"],
            "values": ["c1=1.0; c2=2.0", "c1=0.0; c2=3.0", "c1=2.0; c2=<NA>"],
            "statuses": ["c1=coded; c2=coded", "c1=coded; c2=coded", "c1=coded; c2=unknown"],
        }
    )
    table = views.disagreement_table(disagreements, ["KZ_A", "KZ_B"], lang)
    assert list(table.columns) == [
        t("common.column_label", lang),
        t("dataset.col_indicator", lang),
        t("dataset.col_coder_value", lang, n="1"),
        t("dataset.col_coder_value", lang, n="2"),
        t("dataset.col_coder_status", lang, n="1"),
        t("dataset.col_coder_status", lang, n="2"),
        t("common.column_id", lang),
        t("dataset.col_indicator_id", lang),
    ]
    assert table.iloc[:, -2].tolist() == ["KZ_A", "KZ_B"]  # UK_C not asked for
    assert table.iloc[:, -1].tolist() == ["IND01", "IND03"]
    assert table.iloc[:, 2].tolist() == [1.0, 2.0]
    assert table.iloc[0, 3] == 2.0
    assert table.iloc[1, 3] is pd.NA  # the second coder found no value
    assert table.iloc[:, 5].tolist() == [
        t("dataset.status_coded", lang),
        t("dataset.status_unknown", lang),
    ]
    shown = cells(table)
    assert shown.iloc[:, 2].tolist() == ["1", "2"]  # whole numbers on the 0-3 scale
    assert shown.iloc[1, 3] == NA_TEXT
    # without names the first columns repeat the ids; with them, names in the language
    assert table.iloc[:, 0].tolist() == ["KZ_A", "KZ_B"]
    named = views.disagreement_table(
        disagreements, ["KZ_A", "KZ_B"], lang, units=units, indicators=indicators
    )
    assert named.iloc[:, 0].tolist() == [_names(u)[f"name_{lang}"] for u in ("KZ_A", "KZ_B")]
    assert named.iloc[:, 1].tolist() == [f"Indicator {i} {lang}" for i in (1, 3)]


# -- foreign models (notebook 03) ------------------------------------------------------------------


@pytest.fixture
def survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agency_id": [1, 2, 3, 4, 5, 6],
            "city": ["New York", "Chicago", "Chicago", "Honolulu", "Denver", "Denver"],
            "established_year": pd.array([1953, 2007, 2016, None, 2005, 2012], dtype="Int64"),
            # spelling as in the survey's primary_role field ("Adjuticative" sic)
            "primary_role": ["Investigative", "Review", None, "Audit", "Review", "Adjuticative"],
        }
    )


def test_foreign_numbers(units: pd.DataFrame, survey: pd.DataFrame) -> None:
    nums = views.foreign_numbers(units, survey, Numbers())
    assert (nums["n_de_bodies"], nums["n_de_none"]) == (1, 1)
    assert (nums["n_survey_agencies"], nums["n_survey_cities"]) == (6, 4)
    assert "n_hand_coded" not in nums.as_dict()  # the units have no origin column
    empty = views.foreign_numbers(units, survey.iloc[:0], Numbers())
    assert (empty["n_survey_agencies"], empty["n_survey_cities"]) == (0, 0)
    assert views.survey_key(survey) == "dataset.survey_text"
    assert views.survey_key(survey.iloc[:0]) == "dataset.survey_missing"


@LANG_PARAMS
def test_survey_decades(survey: pd.DataFrame, lang: Lang) -> None:
    fig, ax = plt.subplots()
    assert views.survey_decades(survey, lang, ax=ax) is ax
    # decades 1950, 2000, 2010 (Honolulu has no year); roles stacked, named from the catalog
    heights = {bars.get_label(): [bar.get_height() for bar in bars] for bars in ax.containers}
    assert heights == {
        t("dataset.survey_role_unknown", lang): [0, 0, 1],
        t("maps.us_role_adjudicative", lang): [0, 0, 1],
        t("maps.us_role_investigative", lang): [1, 0, 0],
        t("maps.us_role_review", lang): [0, 2, 0],
    }
    adjudicative = ax.containers[1]
    assert [bar.get_y() for bar in adjudicative] == [0, 0, 1]  # on top of the first role
    assert [label.get_text() for label in ax.get_xticklabels()] == ["1950", "2000", "2010"]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == list(heights)
    assert ax.get_title().replace("\n", " ") == t("dataset.survey_title", lang)  # wrapped
    assert ax.get_xlabel() == t("dataset.survey_xlabel", lang)
    assert ax.get_ylabel() == t("dataset.survey_ylabel", lang)
