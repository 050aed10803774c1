"""methods.index.measures: rescaling rules, simulation from published uncertainty, weighting.

Expected values are computed by hand in the comments next to them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import OptionError, SpecificationError
from policingstudy.methods.index import measures as ms

Z95 = 1.6448536269514722


def table(rows: list[dict]) -> pd.DataFrame:
    base = {
        "cell": "A",
        "group": "g",
        "family": "f",
        "uncertainty_kind": "none",
        "uncertainty": np.nan,
        "lower": np.nan,
        "upper": np.nan,
        "rescale": "linear",
        "worst": 0.0,
        "best": 1.0,
        "higher_is_better": True,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


def run(frame: pd.DataFrame, n_draws: int = 2000, seed: int = 1) -> ms.MeasureComposite:
    return ms.composite(
        frame,
        cell=["cell"],
        group="group",
        family="family",
        n_draws=n_draws,
        rng=np.random.default_rng(seed),
    )


def test_rescaling_rules_by_hand() -> None:
    values = np.array([3.0, 0.0, 2.5, 0.0, 1.2])
    out = ms.rescale(
        values,
        np.array(["linear", "normal_cdf", "linear", "normal_cdf", "linear"]),
        np.array([5.0, np.nan, 1.0, np.nan, 0.0]),
        np.array([1.0, np.nan, 4.0, np.nan, 1.0]),
        np.array([True, True, True, False, True]),
    )
    # PTS 3 on 5 (worst) .. 1 (best): (3-5)/(1-5) = 0.5; Phi(0) = 0.5;
    # WVS 2.5 on 1..4: 1.5/3 = 0.5; Phi(-0) = 0.5; 1.2 on 0..1 clipped to 1.
    assert out == pytest.approx([0.5, 0.5, 0.5, 0.5, 1.0])
    assert ms.rescale(np.array([1.0]), ["normal_cdf"], [np.nan], [np.nan], [True])[0] == (
        pytest.approx(0.8413447460685429)  # Phi(1)
    )


def test_each_family_counts_once_and_fixed_values_have_no_interval() -> None:
    frame = table(
        [
            {"family": "A", "measure": "a1", "value": 0.2},
            {"family": "A", "measure": "a2", "value": 0.4},
            {"family": "B", "measure": "b1", "value": 0.9},
        ]
    )
    res = run(frame, n_draws=50)
    row = res.table.iloc[0]
    # family A: (0.2 + 0.4) / 2 = 0.3; cell: (0.3 + 0.9) / 2 = 0.6 (not (0.2+0.4+0.9)/3 = 0.5)
    assert row["value"] == pytest.approx(0.6)
    assert (row["p05"], row["p95"]) == pytest.approx((0.6, 0.6))  # nothing published, no width
    assert (row["n_sources"], row["n_measures"], row["n_uncertain"]) == (2, 3, 0)
    assert row["source_sd"] == pytest.approx(0.3)  # sd of (0.3, 0.9), ddof 0
    assert res.draws.shape == (1, 50)


def test_standard_errors_propagate_to_the_mean() -> None:
    frame = table(
        [
            {"family": "A", "measure": "a", "value": 0.4, "uncertainty_kind": "se",
             "uncertainty": 0.03},
            {"family": "B", "measure": "b", "value": 0.6, "uncertainty_kind": "sd",
             "uncertainty": 0.04},
        ]
    )  # fmt: skip
    res = run(frame, n_draws=40_000)
    row = res.table.iloc[0]
    # mean of N(0.4, 0.03) and N(0.6, 0.04): N(0.5, sqrt(0.03^2 + 0.04^2) / 2 = 0.025)
    assert row["value"] == pytest.approx(0.5)
    assert row["p05"] == pytest.approx(0.5 - Z95 * 0.025, abs=1.5e-3)
    assert row["p95"] == pytest.approx(0.5 + Z95 * 0.025, abs=1.5e-3)
    assert res.draws.std() == pytest.approx(0.025, rel=0.02)
    assert row["n_uncertain"] == 2


def test_interval68_is_a_split_normal() -> None:
    frame = table(
        [{"measure": "v2x_rule", "value": 0.3, "uncertainty_kind": "interval68", "lower": 0.1,
          "upper": 0.4}]
    )  # fmt: skip
    draws = run(frame, n_draws=40_000).draws[0]
    # half the mass on each side of the value; one sd below is 0.1, one sd above is 0.4
    assert np.mean(draws < 0.3) == pytest.approx(0.5, abs=0.01)
    assert np.percentile(draws, 15.865525) == pytest.approx(0.1, abs=0.01)
    assert np.percentile(draws, 84.134475) == pytest.approx(0.4, abs=0.01)


def test_draws_are_clipped_to_the_scale_and_reproducible() -> None:
    frame = table([{"measure": "m", "value": 0.95, "uncertainty_kind": "sd", "uncertainty": 0.2}])
    a, b = run(frame, seed=7), run(frame, seed=7)
    assert a.draws.max() <= 1.0 and (a.draws == 1.0).any()
    assert np.array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, run(frame, seed=8).draws)


def test_cells_without_measures_are_absent() -> None:
    frame = table(
        [
            {"cell": "A", "group": "g1", "measure": "m", "value": 0.5},
            {"cell": "B", "group": "g2", "measure": "m", "value": 0.5},
        ]
    )
    res = run(frame, n_draws=5)
    assert list(zip(res.table["cell"], res.table["group"], strict=True)) == [
        ("A", "g1"),
        ("B", "g2"),
    ]


def test_combined_group_only_where_every_group_is_present() -> None:
    frame = table(
        [
            {"cell": "A", "group": "g1", "measure": "m", "value": 0.2, "uncertainty_kind": "sd",
             "uncertainty": 0.1},
            {"cell": "A", "group": "g2", "measure": "m", "value": 0.6},
            {"cell": "B", "group": "g1", "measure": "m", "value": 0.9},
        ]
    )  # fmt: skip
    res = run(frame, n_draws=20_000)
    both = ms.combine_groups(res, cell=["cell"], group="group", groups=["g1", "g2"], name="all")
    combined = both.table[both.table["group"] == "all"]
    assert list(combined["cell"]) == ["A"]  # B lacks g2: no combined value
    row = combined.iloc[0]
    assert row["value"] == pytest.approx(0.4)  # (0.2 + 0.6) / 2
    # half of N(0.2, 0.1) plus a constant: sd 0.05 (clipping at 0 trims the far left tail only)
    assert (row["p95"] - row["value"]) == pytest.approx(Z95 * 0.05, abs=3e-3)
    assert (row["n_sources"], row["n_uncertain"]) == (2, 1)
    assert both.draws.shape == (len(both.table), 20_000)
    with pytest.raises(SpecificationError, match=r"groups \['g3'\] not in the result"):
        ms.combine_groups(res, cell=["cell"], group="group", groups=["g1", "g3"], name="x")


def test_rank_draws() -> None:
    ranks = ms.rank_draws(np.array([[0.1, 0.9], [0.5, 0.5], [0.9, 0.1]]))
    assert ranks.tolist() == [[3.0, 1.0], [2.0, 2.0], [1.0, 3.0]]


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"uncertainty_kind": "ci90"}, OptionError, r"uncertainty_kind: expected one of .*'ci90'"),
        ({"rescale": "log"}, OptionError, r"rescale: expected one of .*'log'"),
        ({"worst": 1.0}, SpecificationError, "two different goalposts"),
        ({"uncertainty_kind": "sd"}, SpecificationError, r"'m' \(sd\) needs a positive"),
        (
            {"uncertainty_kind": "interval68", "lower": 0.6, "upper": 0.9},
            SpecificationError,
            "lower <= value <= upper",
        ),
    ],
)
def test_bad_measure_tables_are_refused(change: dict, error: type, message: str) -> None:
    frame = table([{"measure": "m", "value": 0.5, **change}])
    with pytest.raises(error, match=message):
        run(frame, n_draws=5)


def test_duplicate_rows_and_missing_columns_are_refused() -> None:
    frame = table([{"measure": "m", "value": 0.5}, {"measure": "m", "value": 0.6}])
    with pytest.raises(SpecificationError, match="appears more than once"):
        run(frame)
    with pytest.raises(SpecificationError, match=r"columns \['best'\] missing"):
        run(frame.drop(columns="best"))
