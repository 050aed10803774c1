"""Krippendorff's alpha on Krippendorff's own worked example; disagreements; reconciliation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import OptionError, SpecificationError
from policingstudy.methods.reliability import (
    alpha_by_group,
    disagreements,
    krippendorff_alpha,
    reconcile,
    sample_items,
)
from tests.helpers import approx_published

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers (rows)
# x 12 units (columns), values 1-5, missing cells NaN (also in the krippendorff package's tests).
# The published alphas are the krippendorff.example.* entries of data/raw/reference/published.json
# (source krippendorff_2011 in scripts/make_reference.py).
EXAMPLE = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)
LEVELS = ["nominal", "ordinal", "interval", "ratio"]


@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_worked_example(level):
    assert krippendorff_alpha(EXAMPLE, level) == approx_published(f"krippendorff.example.{level}")


def test_dataframe_input_and_errors():
    frame = pd.DataFrame(EXAMPLE, index=list("ABCD"))
    assert krippendorff_alpha(frame, "ordinal") == approx_published("krippendorff.example.ordinal")
    with pytest.raises(OptionError, match=r"level: expected one of \('nominal', 'ordinal'"):
        krippendorff_alpha(EXAMPLE, "cardinal")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match=">= 2 coders"):
        krippendorff_alpha(EXAMPLE[:1])
    with pytest.raises(SpecificationError, match="no unit has values from two coders"):
        krippendorff_alpha([[1, NAN], [NAN, 2]])
    with pytest.raises(SpecificationError, match="only one value occurs"):
        krippendorff_alpha([[2, 2, NAN], [2, 2, 3]])


def long_table(matrix: np.ndarray, dimension: str, indicator: str) -> pd.DataFrame:
    rows = []
    for c, coder in enumerate(["A", "B", "C", "D"][: len(matrix)]):
        for u in range(matrix.shape[1]):
            value = matrix[c, u]
            rows.append(
                {
                    "unit_id": f"u{u + 1:02d}",
                    "indicator_id": indicator,
                    "coder": coder,
                    "value": value,
                    "status": "unknown" if np.isnan(value) else "coded",
                    "dimension": dimension,
                }
            )
    return pd.DataFrame(rows)


def test_alpha_by_group_from_a_long_table():
    perfect = np.array([[0, 1, 2, 3], [0, 1, 2, 3]], dtype=float)
    constant = np.array([[2, 2], [2, 2]], dtype=float)
    table = pd.concat(
        [
            long_table(EXAMPLE, "D1", "x1"),
            long_table(perfect, "D2", "x2"),
            long_table(constant, "D3", "x3"),
        ]
    )
    result = alpha_by_group(table, "dimension").set_index("dimension")
    assert result.loc["D1", "alpha"] == approx_published("krippendorff.example.ordinal")
    assert result.loc["D1", "n_units"] == 11  # unit 12 has a single value
    assert result.loc["D1", "n_coders"] == 4
    assert result.loc["D2", "alpha"] == 1.0
    assert np.isnan(result.loc["D3", "alpha"])
    assert "only one value" in result.loc["D3", "note"]
    assert result.loc["overall", "n_units"] == 11 + 4 + 2
    assert result.loc["D1", "alpha"] < result.loc["overall", "alpha"] < 1.0


def test_not_coded_statuses_are_missing_for_alpha():
    table = long_table(EXAMPLE, "D1", "x1")
    # a value left in a row marked unknown must not count
    table.loc[(table["coder"] == "A") & (table["unit_id"] == "u10"), "value"] = 1.0
    result = alpha_by_group(table, "dimension", overall=None)
    assert result["alpha"].iloc[0] == approx_published("krippendorff.example.ordinal")
    assert list(result["dimension"]) == ["D1"]


def coder_table() -> pd.DataFrame:
    rows = [
        # item, coder, value, status, confidence
        ("u1", "a", "K", 2.0, "coded", "high"),  # agreement
        ("u1", "a", "S", 2.0, "coded", "low"),
        ("u1", "b", "K", 3.0, "coded", "medium"),  # confidence decides (K: medium > S: low)
        ("u1", "b", "S", 1.0, "coded", "low"),
        ("u1", "c", "K", NAN, "unknown", "high"),  # evidence over unknown
        ("u1", "c", "S", 1.0, "coded", "low"),
        ("u1", "d", "K", 1.0, "coded", "high"),  # tie -> primary coder K
        ("u1", "d", "S", 3.0, "coded", "high"),
        ("u1", "e", "S", 0.0, "coded", "medium"),  # single coder
        ("u1", "f", "K", 1.0, "not_applicable", "high"),  # status differs
        ("u1", "f", "S", 1.0, "coded", "high"),
        ("u1", "g", "K", 2.0, "coded", "low"),  # S and T tie above K -> first of them (S)
        ("u1", "g", "S", 1.0, "coded", "high"),
        ("u1", "g", "T", 3.0, "coded", "high"),
    ]
    return pd.DataFrame(
        rows, columns=["unit_id", "indicator_id", "coder", "value", "status", "confidence"]
    )


def test_disagreements_list_value_and_status_differences():
    table = disagreements(coder_table()).set_index("indicator_id")
    assert list(table.index) == ["b", "c", "d", "f", "g"]
    assert table.loc["b", "values"] == "K=3.0; S=1.0"
    assert table.loc["b", "spread"] == 2.0
    assert table.loc["c", "statuses"] == "K=unknown; S=coded"
    assert np.isnan(table.loc["c", "spread"])
    assert np.isnan(table.loc["f", "spread"])  # only one coded value; the status differs


def test_reconcile_applies_each_rule_step():
    result = reconcile(coder_table(), primary_coder="K").set_index("indicator_id")
    assert result.loc["a", "rule"] == "agreement"
    assert result.loc["a", "chosen_coder"] == "K"
    assert result.loc["b", ["rule", "chosen_coder", "value"]].tolist() == ["confidence", "K", 3.0]
    assert result.loc["c", ["rule", "chosen_coder", "value"]].tolist() == [
        "evidence over unknown",
        "S",
        1.0,
    ]
    assert result.loc["d", ["rule", "chosen_coder", "value"]].tolist() == [
        "primary coder",
        "K",
        1.0,
    ]
    assert result.loc["e", ["rule", "chosen_coder"]].tolist() == ["single coder", "S"]
    # coded vs not_applicable both carry evidence; equal confidence -> primary coder K
    assert result.loc["f", ["rule", "status"]].tolist() == ["primary coder", "not_applicable"]
    # both coders' values are kept for the uncertainty analysis
    assert result.loc["b", "coder_values"] == "1;3"
    assert result.loc["d", "coder_values"] == "1;3"
    assert bool(result.loc["a", "agreed"])
    assert not bool(result.loc["b", "agreed"])
    assert result.loc["g", ["rule", "chosen_coder", "coder_values"]].tolist() == [
        "first coder",
        "S",
        "1;2;3",
    ]
    assert "coder" not in result.columns
    assert len(result) == 7


def test_an_adjudicated_row_wins_and_is_not_an_independent_coder():
    adjudicated = pd.DataFrame(
        [("u1", "b", "ADJ", 2.0, "coded", "low"), ("u1", "d", "ADJ", NAN, "unknown", "low")],
        columns=["unit_id", "indicator_id", "coder", "value", "status", "confidence"],
    )
    table = pd.concat([coder_table(), adjudicated], ignore_index=True)
    result = reconcile(table, primary_coder="K", adjudicator="ADJ").set_index("indicator_id")
    # b: without adjudication K's 3 wins on confidence; the adjudicator's 2 overrides it
    assert result.loc["b", ["rule", "chosen_coder", "value"]].tolist() == [
        "adjudicated",
        "ADJ",
        2.0,
    ]
    # an adjudicated status wins as well, even against higher-confidence coded rows
    assert result.loc["d", ["rule", "status"]].tolist() == ["adjudicated", "unknown"]
    # the independent coders' values and count are kept; the adjudicator adds none
    assert result.loc["b", ["coder_values", "n_coders"]].tolist() == ["1;3", 2]
    assert not bool(result.loc["b", "agreed"])
    # items without an adjudicated row follow the usual steps
    assert result.loc["c", "rule"] == "evidence over unknown"
    # without the adjudicator argument the ADJ rows are just a third coder
    plain = reconcile(table, primary_coder="K").set_index("indicator_id")
    assert plain.loc["b", "rule"] != "adjudicated"


def _items() -> pd.DataFrame:
    return pd.DataFrame(
        [(j, f"{j}_{u}", f"IND{i:02d}") for j in ("DE", "KZ") for u in range(5) for i in (1, 2)],
        columns=["jurisdiction", "unit_id", "indicator_id"],
    )


def test_sample_items_is_seeded_stratified_and_order_free():
    items = _items()
    first = sample_items(items, share=0.3, rng=np.random.default_rng(7), strata="jurisdiction")
    shuffled = items.sample(frac=1.0, random_state=3)
    again = sample_items(shuffled, share=0.3, rng=np.random.default_rng(7), strata="jurisdiction")
    pd.testing.assert_frame_equal(first, again)
    # ceil(0.3 * 10) = 3 items per jurisdiction, none twice
    assert first["jurisdiction"].value_counts().to_dict() == {"DE": 3, "KZ": 3}
    assert not first.duplicated(["unit_id", "indicator_id"]).any()
    other = sample_items(items, share=0.3, rng=np.random.default_rng(8), strata="jurisdiction")
    assert not first.equals(other)
    everything = sample_items(items, share=1.0, rng=np.random.default_rng(7))
    assert len(everything) == len(items)


def test_sample_items_errors():
    items = _items()
    with pytest.raises(SpecificationError, match=r"share: found 0; expected 0 < share <= 1"):
        sample_items(items, share=0, rng=np.random.default_rng(1))
    with pytest.raises(SpecificationError, match=r"missing column\(s\) \['stratum'\]"):
        sample_items(items, share=0.5, rng=np.random.default_rng(1), strata="stratum")
    with pytest.raises(SpecificationError, match="found a unit x indicator twice"):
        sample_items(pd.concat([items, items.head(1)]), share=0.5, rng=np.random.default_rng(1))
