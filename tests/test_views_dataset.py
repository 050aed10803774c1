"""Views of notebooks 02 and 03 (the comparative dataset) on small hand-made tables.

The tables are checked for their structure (rows, translated headers, which units, indicators and
sources appear) and the numbers for their values, which do not depend on the language; the exact
text of cells (names, status words, number formatting) is left to the views.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.image import AxesImage

from policingstudy.core.types import LANGS, Lang
from policingstudy.i18n import catalog, t
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


@pytest.fixture
def units() -> pd.DataFrame:
    rows = [
        ("KZ_A", "KZ", "public_council", "", "Law 1", "s1;s2", "T05;T06"),
        ("KZ_B", "KZ", "hotline", "", "", "s2", "T07; T99"),
        ("UK_C", "UK-EW", "pcc", "E23000001", "Act 2011", "s3", ""),
        ("DE_D", "DE", "police_commissioner", "DE-BW", "Gesetz", " s4 ", None),
        ("DE_E", "DE", "no_body", "DE-BY", "", "", None),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "unit_id",
            "jurisdiction",
            "kind",
            "subunit_code",
            "legal_basis",
            "source_ids",
            "topic_ids",
        ],
    )
    names = pd.DataFrame([_names(u) for u in frame["unit_id"]])
    return pd.concat([frame, names], axis=1).assign(name_original=lambda f: f["name_ru"])


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
    return pd.DataFrame(
        {"indicator_id": ["IND01", "IND02", "IND03"], "references": ["s6", None, "s6;s7"]}
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


@pytest.fixture
def reliability() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dimension": ["D1", "D2", "overall"],
            "alpha": [0.81234, np.nan, 0.7777],
            "n_units": [10, 2, 12],
            "n_coders": [2, 2, 2],
        }
    )


@pytest.fixture
def dimensions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dimension_id": ["D1", "D2"],
            "label_en": ["Access", "Oversight"],
            "label_kk": ["Қолжетімділік", "Бақылау"],
            "label_ru": ["Доступ", "Надзор"],
        }
    )


def _translated_headers(table: pd.DataFrame, lang: Lang) -> None:
    """Every header is a catalog string of ``lang`` (none is a raw column name)."""
    strings = set(catalog(lang).values())
    assert set(table.columns) <= strings, set(table.columns) - strings
    assert table.columns.is_unique


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
    assert len(table) == 3
    assert table.shape[1] >= 4
    _translated_headers(table, lang)
    shown = table.to_string()
    for key in ("dataset.jur_KZ", "dataset.jur_UK_EW", "dataset.jur_all"):
        assert t(key, lang) in shown
    assert t("dataset.jur_DE", lang) not in shown  # no codings for Germany


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
    assert values[1, 1] == 3.0
    assert [label.get_text() for label in ax.get_xticklabels()] == ["IND01", "IND02", "IND03"]
    assert len(ax.get_yticklabels()) == 2
    (na,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert na.get_offsets().tolist() == [[2.0, 0.0]]  # KZ_A x IND03 is not applicable
    assert ax.get_title() == t("dataset.heatmap_title", lang)
    assert len(fig.axes) == 2  # the colour bar
    assert fig.axes[1].get_ylabel() == t("dataset.heatmap_scale", lang)


def test_heatmap_without_not_applicable_has_no_marks(
    units: pd.DataFrame, codings: pd.DataFrame, indicators: pd.DataFrame
) -> None:
    uk = units[units["unit_id"] == "UK_C"]
    ax = views.heatmap(codings, uk, indicators, "en")
    assert isinstance(ax, Axes)
    assert not [c for c in ax.collections if isinstance(c, PathCollection)]
    assert ax.get_legend() is None


@LANG_PARAMS
def test_timeline(units: pd.DataFrame, events: pd.DataFrame, lang: Lang) -> None:
    fig, ax = plt.subplots()
    assert views.timeline(events, units, lang, ax=ax) is ax
    collections = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(collections) == 3  # established, reformed, renamed
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == [t(f"dataset.event_{e}", lang) for e in ("established", "reformed", "renamed")]
    # rows ordered by first event: UK_C (2012), KZ_A (2014), KZ_B (2016)
    established = collections[0].get_offsets()
    assert established[:, 0].tolist() == pytest.approx([2014.5, 2016.0, 2012 + 10 / 12])
    assert established[:, 1].tolist() == [1, 2, 0]
    assert len(ax.get_yticklabels()) == 3
    assert ax.get_xlabel() == t("dataset.year", lang)
    assert ax.get_title() == t("dataset.timeline_title", lang)


# -- tables --------------------------------------------------------------------------------------


@LANG_PARAMS
def test_units_table(units: pd.DataFrame, lang: Lang) -> None:
    table = views.units_table(units, lang)
    assert len(table) == len(units)
    _translated_headers(table, lang)
    shown = table.to_string()
    assert all(name in shown for name in units[f"name_{lang}"])
    assert t("dataset.kind_public_council", lang) in shown


@LANG_PARAMS
def test_reliability_table(reliability: pd.DataFrame, dimensions: pd.DataFrame, lang: Lang) -> None:
    table = views.reliability_table(reliability, dimensions, lang)
    assert len(table) == 3
    _translated_headers(table, lang)
    shown = table.to_string()
    assert dimensions[f"label_{lang}"].iloc[0] in shown
    assert t("dataset.overall", lang) in shown


def test_reliability_numbers_do_not_depend_on_the_language(
    reliability: pd.DataFrame, dimensions: pd.DataFrame
) -> None:
    tables = [views.reliability_table(reliability, dimensions, lang) for lang in LANGS]
    shapes = {table.shape for table in tables}
    assert len(shapes) == 1
    # the alpha column is the one whose header is the alpha key in each language
    alphas = [
        table[t("dataset.col_alpha", lang)].to_numpy(dtype=float)
        for table, lang in zip(tables, LANGS, strict=True)
    ]
    np.testing.assert_array_equal(alphas[0], alphas[1])
    np.testing.assert_array_equal(alphas[0], alphas[2])


def test_used_sources_and_appendix(
    units: pd.DataFrame,
    events: pd.DataFrame,
    codings: pd.DataFrame,
    indicators: pd.DataFrame,
    sources: pd.DataFrame,
) -> None:
    used = views.used_sources(units, events, codings, indicators)
    assert used == {"s1", "s2", "s3", "s4", "s5", "s6", "s7"}  # not s8
    for lang in LANGS:
        table = views.sources_appendix(sources, used, lang)
        assert len(table) == 7
        _translated_headers(table, lang)
        shown = table.to_string()
        assert "Citation s8" not in shown
        assert shown.index("Citation s1") < shown.index("Citation s7")  # sorted by id


def test_dataset_numbers_are_language_free(
    units: pd.DataFrame, codings: pd.DataFrame, reliability: pd.DataFrame, sources: pd.DataFrame
) -> None:
    nums = views.dataset_numbers(units, codings, reliability, sources)
    assert nums["n_units"] == 5
    assert nums["n_codings"] == 8
    assert nums["n_coded"] == 5
    assert nums["pct_unknown"] == pytest.approx(25.0)
    assert nums["n_sources"] == 8
    assert nums["alpha_overall"] == pytest.approx(0.7777)
    without = reliability.assign(alpha=np.nan)
    assert "alpha_overall" not in views.dataset_numbers(units, codings, without, sources).text("en")
    assert views.reliability_key(reliability) == "dataset.reliability_text"
    assert views.reliability_key(without) == "dataset.reliability_missing"


# -- problems, topics, disagreements (notebook 02) ----------------------------------------------


@pytest.fixture
def links() -> pd.DataFrame:
    rows = [("problem", "P1", "IND01"), ("problem", "P1", "IND02"), ("programme", "G1", "IND03")]
    return pd.DataFrame(rows, columns=["link_type", "link_id", "indicator_id"])


def test_problem_profile_means(codings: pd.DataFrame, links: pd.DataFrame) -> None:
    profile = views.problem_profile(codings, links, ["KZ_A", "KZ_B"]).set_index("link_id")
    # P1: IND01 (2, 0) and IND02 (3): mean 5/3; G1: IND03 never coded
    assert profile.loc["P1", ["n_indicators", "n_values"]].tolist() == [2, 3]
    assert profile.loc["P1", "mean_value"] == pytest.approx(5 / 3)
    assert profile.loc["G1", "n_values"] == 0
    assert np.isnan(profile.loc["G1", "mean_value"])


@LANG_PARAMS
def test_problem_table(codings: pd.DataFrame, links: pd.DataFrame, lang: Lang) -> None:
    problems = pd.DataFrame(
        {"problem_id": ["P1"], **{f"label_{lg}": [f"Problem {lg}"] for lg in LANGS}}
    )
    programme = pd.DataFrame({"item_id": ["G1"], **{f"label_{lg}": [f"Item {lg}"] for lg in LANGS}})
    table = views.problem_table(codings, links, problems, programme, ["KZ_A", "KZ_B"], lang)
    assert len(table) == 2
    _translated_headers(table, lang)
    shown = table.to_string()
    assert f"Problem {lang}" in shown and f"Item {lang}" in shown
    assert "IND01, IND02" in shown


@LANG_PARAMS
def test_topic_links(units: pd.DataFrame, lang: Lang) -> None:
    topics = pd.DataFrame(
        {"topic_id": ["T05", "T06", "T07"], **{f"label_{lg}": ["a", "b", "c"] for lg in LANGS}}
    )
    table = views.topic_links(units[units["jurisdiction"] == "KZ"], topics, lang)
    # KZ_A: T05, T06; KZ_B: T07 and T99 (not a topic of the article: kept, without a label)
    assert len(table) == 4
    _translated_headers(table, lang)
    shown = table.to_string()
    assert "T99" in shown
    for unit_id in ("KZ_A", "KZ_B"):  # by id or by name
        assert unit_id in shown or _names(unit_id)[f"name_{lang}"] in shown


@LANG_PARAMS
def test_disagreement_table_keeps_the_units_asked_for(lang: Lang) -> None:
    disagreements = pd.DataFrame(
        {
            "unit_id": ["KZ_A", "UK_C", "KZ_B"],
            "indicator_id": ["IND01", "IND02", "IND03"],
            "values": ["1 | 2", "0 | 3", "2 | -"],
            "statuses": ["coded | coded", "coded | coded", "coded | unknown"],
        }
    )
    table = views.disagreement_table(disagreements, ["KZ_A", "KZ_B"], lang)
    assert len(table) == 2
    _translated_headers(table, lang)
    shown = table.to_string()
    assert "IND02" not in shown


# -- foreign models (notebook 03) ------------------------------------------------------------------


@pytest.fixture
def survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agency_id": [1, 2, 3, 4, 5],
            "city": ["New York", "Chicago", "Chicago", "Honolulu", "Denver"],
            "established_year": pd.array([1953, 2007, 2016, None, 2005], dtype="Int64"),
            "primary_role": ["investigative", "review", None, "audit", "review"],
        }
    )


def test_foreign_numbers(units: pd.DataFrame, survey: pd.DataFrame) -> None:
    from policingstudy.report.numbers import Numbers

    nums = views.foreign_numbers(units, survey, Numbers())
    assert (nums["n_de_bodies"], nums["n_de_none"]) == (1, 1)
    assert (nums["n_survey_agencies"], nums["n_survey_cities"]) == (5, 4)
    empty = views.foreign_numbers(units, survey.iloc[:0], Numbers())
    assert (empty["n_survey_agencies"], empty["n_survey_cities"]) == (0, 0)
    assert views.survey_key(survey) == "dataset.survey_text"
    assert views.survey_key(survey.iloc[:0]) == "dataset.survey_missing"


@LANG_PARAMS
def test_survey_decades(survey: pd.DataFrame, lang: Lang) -> None:
    fig, ax = plt.subplots()
    assert views.survey_decades(survey, lang, ax=ax) is ax
    # decades 1950, 2000, 2010 (Honolulu has no year); roles stacked
    heights = {bars.get_label(): [bar.get_height() for bar in bars] for bars in ax.containers}
    assert heights == {"?": [0, 0, 1], "investigative": [1, 0, 0], "review": [0, 2, 0]}
    assert [label.get_text() for label in ax.get_xticklabels()] == ["1950", "2000", "2010"]
    assert ax.get_title() == t("dataset.survey_title", lang)
    assert ax.get_xlabel() == t("dataset.survey_xlabel", lang)
    assert ax.get_ylabel() == t("dataset.survey_ylabel", lang)
