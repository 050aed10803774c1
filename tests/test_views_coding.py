"""Views of how the coding was checked (notebooks 02 and 03), on small hand-made tables.

Double coding, agreement between coders (Krippendorff's alpha in two variants, by jurisdiction
and dimension, as in ``data/processed/reliability.csv``), the coders' sign test, adjudication and
the audit of decisive cells. Tables are checked for their rows, their headers from the catalogs
and their cells as the report shows them; the numbers the text quotes against hand-computed
values. (These replace the tests of ``views.dataset.reliability_table`` and
``reliability_key``, whose work moved here.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.types import LANGS, Lang
from policingstudy.i18n import t
from policingstudy.report.numbers import Numbers
from policingstudy.report.tables import ATTR_DIGITS, cells
from policingstudy.report.views import coding

LANG_PARAMS = pytest.mark.parametrize("lang", LANGS)
NA = np.nan


def _headers(keys: list[str], lang: Lang) -> list[str]:
    return [t(key, lang) for key in keys]


def _in_english(text: str, lang: Lang) -> str:
    """A number as shown in ``lang`` with the English decimal point (kk and ru use a comma)."""
    return text if lang == "en" else text.replace(",", ".")


@pytest.fixture
def units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["KZ_A", "KZ_B", "UK_C", "US_S"],
            "jurisdiction": ["KZ", "KZ", "UK-EW", "US"],
            "origin": ["hand_coded", "hand_coded", "hand_coded", "uchicago_survey"],
        }
    )


@pytest.fixture
def by_coder() -> pd.DataFrame:
    rows = [
        ("KZ_A", "IND01", "c1"),
        ("KZ_A", "IND01", "c2"),  # coded twice
        ("KZ_A", "IND02", "c1"),
        ("KZ_B", "IND01", "c1"),
        ("KZ_B", "IND01", "c2"),  # coded twice (and adjudicated)
        ("KZ_B", "IND01", "adj"),
        ("KZ_B", "IND02", "c1"),
        ("KZ_B", "IND02", "adj"),  # an adjudication is not a second coder
        ("UK_C", "IND01", "c1"),
        ("UK_C", "IND02", "c1"),
        ("UK_C", "IND02", "c2"),  # coded twice
        ("UK_C", "IND03", "c1"),
        ("US_S", "IND01", "c1"),  # from the survey, not hand-coded: left out
        ("US_S", "IND01", "c2"),
    ]
    return pd.DataFrame(rows, columns=["unit_id", "indicator_id", "coder"])


@pytest.fixture
def reliability() -> pd.DataFrame:
    rows = [
        # jurisdiction, dimension, variant, alpha, ci_low, ci_high, n_items
        ("KZ", "all", "values", 0.7777, 0.6, 0.88, 12),  # listed first, shown last
        ("KZ", "all", "status", 0.65, 0.5, 0.77, 17),
        ("KZ", "D2", "values", 0.3, 0.05, 0.55, 4),
        ("KZ", "D2", "status", 0.5, 0.2, 0.8, 6),
        ("KZ", "D1", "values", 0.81234, 0.7, 0.9, 10),
        ("KZ", "D1", "status", 0.6, 0.41, 0.75, 14),
        ("KZ", "D3", "values", NA, NA, NA, 1),  # too few items: no alpha
        ("KZ", "D3", "status", 0.9, 0.8, 0.95, 4),
        ("UK-EW", "D1", "values", 0.667, 0.5, 0.8, 5),  # at the threshold: not below
        ("UK-EW", "D1", "status", 0.6669, 0.5, 0.8, 6),  # below, though shown as 0.67
        ("UK-EW", "all", "values", NA, NA, NA, 1),
        ("UK-EW", "all", "status", 0.8, 0.7, 0.9, 8),
        ("all", "all", "values", 0.75, 0.6, 0.85, 13),
        ("all", "all", "status", 0.7, 0.6, 0.8, 25),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["jurisdiction", "dimension", "variant", "alpha", "ci_low", "ci_high", "n_items"],
    )
    # as methods.reliability.reliability_table: below 0.667, or undefined
    return frame.assign(below_threshold=~(frame["alpha"] >= coding.THRESHOLD))


@pytest.fixture
def dimensions() -> pd.DataFrame:
    ids = ["D1", "D2", "D3"]
    return pd.DataFrame(
        {"dimension_id": ids, **{f"label_{lg}": [f"Dim {d[-1]} {lg}" for d in ids] for lg in LANGS}}
    )


# -- double coding ---------------------------------------------------------------------------------


def test_double_coding_counts_hand_coded_cells(by_coder: pd.DataFrame, units: pd.DataFrame) -> None:
    double = coding.double_coding(by_coder, units).set_index("jurisdiction")
    assert list(double.index) == ["KZ", "UK-EW"]  # the survey units are not hand-coded
    assert double.loc["KZ", ["cells", "double"]].tolist() == [4, 2]
    assert double.loc["UK-EW", ["cells", "double"]].tolist() == [3, 1]
    assert double.loc["KZ", "share"] == pytest.approx(50.0)
    assert double.loc["UK-EW", "share"] == pytest.approx(100 / 3)


@LANG_PARAMS
def test_double_coding_table(by_coder: pd.DataFrame, units: pd.DataFrame, lang: Lang) -> None:
    table = coding.double_coding_table(coding.double_coding(by_coder, units), lang)
    assert list(table.columns) == _headers(
        ["dataset.col_jurisdiction", "coding.col_cells", "coding.col_double", "coding.col_share"],
        lang,
    )
    shown = cells(table)
    assert shown.iloc[:, 0].tolist() == _headers(["dataset.jur_KZ", "dataset.jur_UK_EW"], lang)
    assert shown.iloc[:, 1].tolist() == ["4", "3"]
    assert [_in_english(s, lang) for s in shown.iloc[:, 3]] == ["50.0", "33.3"]  # one decimal
    assert table.attrs[ATTR_DIGITS] == {t("coding.col_share", lang): 1}


# -- agreement between coders --------------------------------------------------------------------

RELIABILITY_KEYS = [
    "dataset.col_jurisdiction",
    "dataset.col_dimension",
    "coding.col_alpha_values",
    "coding.col_ci",
    "coding.col_n_items",
    "coding.col_alpha_status",
    "coding.col_ci",
    "coding.col_n_items",
]


@LANG_PARAMS
def test_reliability_table(reliability: pd.DataFrame, dimensions: pd.DataFrame, lang: Lang) -> None:
    table = coding.reliability_table(reliability, dimensions, ("KZ",), lang)
    # the interval and item columns repeat for each variant, right of its alpha
    assert list(table.columns) == _headers(RELIABILITY_KEYS, lang)
    shown = cells(table)
    # dimensions in order, then the row over all dimensions; other jurisdictions left out
    assert shown.iloc[:, 0].tolist() == [t("dataset.jur_KZ", lang)] * 4
    assert shown.iloc[:, 1].tolist() == [
        f"Dim 1 {lang}",
        f"Dim 2 {lang}",
        f"Dim 3 {lang}",
        t("dataset.overall", lang),
    ]
    english = shown.map(lambda s: _in_english(s, lang))
    # two decimals, an asterisk below 0.667, an em dash without an alpha
    assert english.iloc[:, 2].tolist() == ["0.81", "0.30*", "\u2014", "0.78"]
    assert english.iloc[:, 5].tolist() == ["0.60*", "0.50*", "0.90", "0.65*"]
    assert english.iloc[:, 3].tolist() == [
        "0.70\u20260.90",
        "0.05\u20260.55",
        "\u2014",
        "0.60\u20260.88",
    ]
    assert english.iloc[:, 6].tolist()[0] == "0.41\u20260.75"
    assert table.iloc[:, 4].tolist() == [10, 4, 1, 12]
    assert table.iloc[:, 7].tolist() == [14, 6, 4, 17]


def test_reliability_table_follows_the_jurisdictions_asked_for(
    reliability: pd.DataFrame, dimensions: pd.DataFrame
) -> None:
    table = coding.reliability_table(reliability, dimensions, ("UK-EW", "US", "KZ"), "en")
    shown = cells(table)
    # US has no rows; UK-EW first, as asked
    assert shown.iloc[:, 0].tolist() == ["England and Wales"] * 2 + ["Kazakhstan"] * 4
    assert shown.iloc[:2, 1].tolist() == ["Dim 1 en", "All dimensions"]
    # the asterisk is decided on the unrounded alpha: 0.667 is not below, 0.6669 is
    assert shown.iloc[0, [2, 5]].tolist() == ["0.67", "0.67*"]
    assert shown.iloc[1, [2, 5]].tolist() == ["\u2014", "0.80"]


def test_reliability_numbers_do_not_depend_on_the_language(
    reliability: pd.DataFrame, dimensions: pd.DataFrame
) -> None:
    tables = [coding.reliability_table(reliability, dimensions, ("KZ",), lang) for lang in LANGS]
    assert len({table.shape for table in tables}) == 1
    alphas = [
        cells(table).iloc[:, [2, 3, 5, 6]].map(lambda s, lg=lang: _in_english(s, lg)).to_numpy()
        for table, lang in zip(tables, LANGS, strict=True)
    ]
    np.testing.assert_array_equal(alphas[0], alphas[1])
    np.testing.assert_array_equal(alphas[0], alphas[2])
    counts = [table.iloc[:, [4, 7]].to_numpy() for table in tables]
    np.testing.assert_array_equal(counts[0], counts[1])
    np.testing.assert_array_equal(counts[0], counts[2])


def test_coding_numbers(
    reliability: pd.DataFrame, by_coder: pd.DataFrame, units: pd.DataFrame
) -> None:
    double = coding.double_coding(by_coder, units)
    before = Numbers()
    nums = coding.coding_numbers(reliability, double, ("KZ",), before)
    assert nums is before
    assert nums["double_share_kz"] == pytest.approx(50.0)
    # the alphas over all dimensions of the jurisdiction, with their intervals
    assert nums["alpha_values_kz"] == pytest.approx(0.7777)
    assert (nums["alpha_values_kz_low"], nums["alpha_values_kz_high"]) == (0.6, 0.88)
    assert nums["alpha_status_kz"] == pytest.approx(0.65)
    assert nums.text("en")["alpha_values_kz"] == "0.78"
    assert nums.text("kk")["alpha_status_kz_high"] == "0,77"
    # the dimension rows with an asterisk: D1 (status) and D2 (both variants); D3 has none
    assert nums["n_below_threshold"] == 2
    assert "double_share_uk_ew" not in nums.as_dict()  # only the jurisdictions asked for


def test_coding_numbers_skip_an_undefined_alpha(
    reliability: pd.DataFrame, by_coder: pd.DataFrame, units: pd.DataFrame
) -> None:
    double = coding.double_coding(by_coder, units)
    nums = coding.coding_numbers(reliability, double, ("UK-EW", "US"), Numbers())
    assert nums["double_share_uk_ew"] == 33.333  # stored with two decimals more than shown
    assert nums["alpha_status_uk_ew"] == pytest.approx(0.8)
    assert "alpha_values_uk_ew" not in nums.as_dict()  # no alpha over all dimensions
    assert not [name for name in nums.as_dict() if name.endswith("_us")]  # no rows for US
    assert nums["n_below_threshold"] == 1  # UK-EW D1: 0.6669 in the status variant


@pytest.mark.parametrize("jurisdictions", [("KZ",), ("UK-EW",), ("KZ", "UK-EW")])
def test_below_threshold_counts_the_rows_marked_in_the_table(
    reliability: pd.DataFrame,
    dimensions: pd.DataFrame,
    by_coder: pd.DataFrame,
    units: pd.DataFrame,
    jurisdictions: tuple[str, ...],
) -> None:
    """The text's "{n_below_threshold} of the dimension rows shown" matches the asterisks."""
    double = coding.double_coding(by_coder, units)
    nums = coding.coding_numbers(reliability, double, jurisdictions, Numbers())
    shown = cells(coding.reliability_table(reliability, dimensions, jurisdictions, "en"))
    dimension_rows = shown[shown.iloc[:, 1] != "All dimensions"]
    marked = dimension_rows.iloc[:, [2, 5]].apply(lambda row: row.str.endswith("*").any(), axis=1)
    assert nums["n_below_threshold"] == int(marked.sum())


# -- coder bias, adjudication, audit ---------------------------------------------------------------


@LANG_PARAMS
def test_bias_table(lang: Lang) -> None:
    bias = pd.DataFrame(
        {
            "jurisdiction": ["DE", "KZ", "UK-EW", "all"],
            "n_pairs": [123, 86, 94, 303],
            "n_higher_first": [14, 6, 25, 45],
            "n_higher_second": [8, 9, 9, 26],
            "p_value": [0.28628, 0.60724, 0.00904, 0.03],
        }
    )
    table = coding.bias_table(bias, ("KZ",), lang)
    assert list(table.columns) == _headers(
        [
            "dataset.col_jurisdiction",
            "coding.col_pairs",
            "coding.col_higher_first",
            "coding.col_higher_second",
            "coding.col_p_value",
        ],
        lang,
    )
    shown = cells(table)
    # the notebook's jurisdictions and the test over all of them
    assert shown.iloc[:, 0].tolist() == _headers(
        ["dataset.jur_KZ", "coding.all_jurisdictions"], lang
    )
    assert shown.iloc[:, 1:4].to_numpy().tolist() == [["86", "6", "9"], ["303", "45", "26"]]
    assert [_in_english(s, lang) for s in shown.iloc[:, 4]] == ["0.607", "0.030"]


def test_adjudication_summary_and_table() -> None:
    codings_ = pd.DataFrame(
        {
            "unit_id": ["KZ_A", "KZ_A", "KZ_B", "KZ_B", "KZ_B", "KZ_B", "KZ_B", "UK_C", "UK_C"],
            "n_coders": [2, 1, 2, 2, 2, 2, 2, 2, 2],
            "rule": [
                "agreement",
                "single coder",  # coded once: not settled
                "adjudicated",
                "agreement",
                "agreement",
                "evidence over unknown",
                "adjudicated",
                "adjudicated",  # not asked for
                "adjudicated",
            ],
        }
    )
    summary = coding.adjudication_summary(codings_, ["KZ_A", "KZ_B"])
    assert summary["rule"].tolist() == ["agreement", "adjudicated", "evidence over unknown"]
    assert summary["cells"].tolist() == [3, 2, 1]
    for lang in LANGS:
        table = coding.adjudication_table(summary, lang)
        assert list(table.columns) == _headers(["coding.col_rule", "coding.col_cells"], lang)
        assert table.iloc[:, 0].tolist() == _headers(
            [
                "coding.rule_agreement",
                "coding.rule_adjudicated",
                "coding.rule_evidence_over_unknown",
            ],
            lang,
        )
        assert table.iloc[:, 1].tolist() == [3, 2, 1]


@pytest.fixture
def decisive() -> pd.DataFrame:
    rows = [
        ("KZ_A", "KZ", True, "", "law"),
        ("KZ_A", "KZ", False, "secondary_source", "news"),
        ("KZ_B", "KZ", True, "", "official"),
        ("UK_C", "UK-EW", True, "", "law"),
        ("UK_C", "UK-EW", True, "low_confidence", "news"),
        ("DE_D", "DE", False, "low_confidence", "news"),
    ]
    return pd.DataFrame(rows, columns=["unit_id", "jurisdiction", "primary", "flag", "source_type"])


def test_audit_summary_counts_by_jurisdiction(decisive: pd.DataFrame) -> None:
    summary = coding.audit_summary(decisive, ["UK-EW", "KZ"]).set_index("jurisdiction")
    assert list(summary.index) == ["KZ", "UK-EW"]  # Germany not asked for
    assert summary.loc["KZ"].tolist() == [3, 2, 1, 1]  # decisive, primary, flagged, news
    assert summary.loc["UK-EW"].tolist() == [2, 2, 1, 1]


@LANG_PARAMS
def test_audit_table(decisive: pd.DataFrame, lang: Lang) -> None:
    table = coding.audit_table(coding.audit_summary(decisive, ["KZ"]), lang)
    assert list(table.columns) == _headers(
        [
            "dataset.col_jurisdiction",
            "coding.col_decisive",
            "coding.col_primary",
            "coding.col_flagged",
            "coding.col_news",
        ],
        lang,
    )
    assert cells(table).iloc[0].tolist() == [t("dataset.jur_KZ", lang), "3", "2", "1", "1"]
