"""Hand-computed 3-unit x 4-indicator examples for every normalisation x aggregation.

Data (raw), weights and directions::

         i1  i2  i3  i4        d1 = {i1 (w 1), i2 (w 1)}
    A     0   2   1   3        d2 = {i3 (w 1), i4 (w 3, direction -1)}
    B     1   3   3   1        INDEX = {d1 (w 1), d2 (w 1)}
    C     3   1   2   2

Every expected value below was worked out by hand from the rules in
``policingstudy.methods.index.engine`` and is written as the closed form it came from.
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError, JoinError, SpecificationError
from policingstudy.methods.index.composite import (
    composite,
    goalposts_from_indicators,
    indicator_matrix,
    meta_from_indicators,
    ranks,
    system_scores,
)

H = 100 / 6  # one sixth of the 0-100 range (mid-rank percentiles of 3 distinct values)
S = sqrt(7 / 3)  # sample sd of i1 = (0, 1, 3)


@pytest.fixture
def data() -> pd.DataFrame:
    return pd.DataFrame(
        {"i1": [0.0, 1, 3], "i2": [2.0, 3, 1], "i3": [1.0, 3, 2], "i4": [3.0, 1, 2]},
        index=pd.Index(["A", "B", "C"], name="unit_id"),
    )


@pytest.fixture
def meta() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iCode": ["i1", "i2", "i3", "i4", "d1", "d2", "INDEX"],
            "Level": [1, 1, 1, 1, 2, 2, 3],
            "Parent": ["d1", "d1", "d2", "d2", "INDEX", "INDEX", None],
            "Weight": [1, 1, 1, 3, 1, 1, 1],
            "Direction": [1, 1, 1, -1, 1, 1, 1],
        }
    )


def geo(*pairs: tuple[float, float]) -> float:
    """Weighted geometric mean with the +1 shift of the 0-100 zero rule: ((x, w), ...)."""
    total = sum(w for _, w in pairs)
    return float(np.exp(sum(w * np.log(x + 1) for x, w in pairs) / total) - 1)


# (normalise, aggregate, reference) -> expected {column: [A, B, C]}
CASES = {
    ("minmax", "arithmetic"): {
        # i1: 0, 33.3, 100 | i2: 50, 100, 0 | i3: 0, 100, 50 | i4 (flipped): 0, 100, 50
        "i1": [0, 100 / 3, 100],
        "i4": [0, 100, 50],
        "d1": [25, (100 / 3 + 100) / 2, 50],
        "d2": [0, 100, 50],
        "INDEX": [12.5, ((100 / 3 + 100) / 2 + 100) / 2, 50],
    },
    ("minmax", "geometric"): {
        "d1": [geo((0, 1), (50, 1)), geo((100 / 3, 1), (100, 1)), geo((100, 1), (0, 1))],
        "d2": [0, 100, 50],
        "INDEX": [
            geo((geo((0, 1), (50, 1)), 1), (0, 1)),
            geo((geo((100 / 3, 1), (100, 1)), 1), (100, 1)),
            geo((geo((100, 1), (0, 1)), 1), (50, 1)),
        ],
    },
    ("zscore", "arithmetic"): {
        # i1: (-4/3, -1/3, 5/3) / S | i2: 0, 1, -1 | i3: -1, 1, 0 | i4 flipped: -1, 1, 0
        "i1": [-4 / 3 / S, -1 / 3 / S, 5 / 3 / S],
        "d1": [(-4 / 3 / S + 0) / 2, (-1 / 3 / S + 1) / 2, (5 / 3 / S - 1) / 2],
        "d2": [-1, 1, 0],
        "INDEX": [
            ((-4 / 3 / S) / 2 - 1) / 2,
            ((-1 / 3 / S + 1) / 2 + 1) / 2,
            ((5 / 3 / S - 1) / 2 + 0) / 2,
        ],
    },
    ("rank", "arithmetic"): {
        # mid-rank percentiles 1/6, 3/6, 5/6 of the range
        "i1": [H, 3 * H, 5 * H],
        "i4": [H, 5 * H, 3 * H],
        "d1": [2 * H, 4 * H, 3 * H],
        "d2": [H, 5 * H, 3 * H],
        "INDEX": [1.5 * H, 4.5 * H, 3 * H],
    },
    ("rank", "geometric"): {
        "d1": [geo((H, 1), (3 * H, 1)), geo((3 * H, 1), (5 * H, 1)), geo((5 * H, 1), (H, 1))],
        "d2": [H, 5 * H, 3 * H],
        "INDEX": [
            geo((geo((H, 1), (3 * H, 1)), 1), (H, 1)),
            geo((geo((3 * H, 1), (5 * H, 1)), 1), (5 * H, 1)),
            geo((geo((5 * H, 1), (H, 1)), 1), (3 * H, 1)),
        ],
    },
    ("distance", "arithmetic"): {
        # reference B: (x - min) / (B - min); i1: 0, 100, 300 | i2: 50, 100, 0 | i3, i4: 0, 100, 50
        "i1": [0, 100, 300],
        "d1": [25, 100, 150],
        "d2": [0, 100, 50],
        "INDEX": [12.5, 100, 100],
    },
    ("distance", "geometric"): {
        "d1": [geo((0, 1), (50, 1)), 100, geo((300, 1), (0, 1))],
        "d2": [0, 100, 50],
        "INDEX": [
            geo((geo((0, 1), (50, 1)), 1), (0, 1)),
            100,
            geo((geo((300, 1), (0, 1)), 1), (50, 1)),
        ],
    },
}

# Copeland, by hand (votes = sum of weights x sign of the directed difference):
# d1: A-B -2 (B wins), A-C 0 (tie), B-C 0 (tie) -> shares A 0.5/2, B 1.5/2, C 1/2
# d2: A-B -4, A-C -4, B-C +4 -> A 0/2, B 2/2, C 1/2; INDEX: B beats both, C beats A.
COPELAND = {"d1": [25, 75, 50], "d2": [0, 100, 50], "INDEX": [0, 100, 50]}


@pytest.mark.parametrize(("normalise", "aggregate"), list(CASES))
def test_hand_example(data, meta, normalise, aggregate):
    reference = "B" if normalise == "distance" else None
    result = composite(data, meta, normalise=normalise, aggregate=aggregate, reference=reference)
    for column, expected in CASES[(normalise, aggregate)].items():
        np.testing.assert_allclose(result[column].to_numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("normalise", ["minmax", "zscore", "rank", "distance"])
def test_hand_example_copeland(data, meta, normalise):
    reference = "B" if normalise == "distance" else None
    result = composite(data, meta, normalise=normalise, aggregate="copeland", reference=reference)
    for column, expected in COPELAND.items():
        np.testing.assert_allclose(result[column].to_numpy(), expected, atol=1e-12)


def test_zscore_geometric_is_refused(data, meta):
    with pytest.raises(SpecificationError, match="zscore.*geometric"):
        composite(data, meta, normalise="zscore", aggregate="geometric")


def test_result_columns_and_ranks(data, meta):
    result = composite(data, meta)
    assert list(result.columns) == ["i1", "i2", "i3", "i4", "d1", "d2", "INDEX"]
    assert ranks(result["INDEX"]).to_dict() == {"A": 3.0, "B": 1.0, "C": 2.0}


def test_distance_to_best_target_equals_minmax(data, meta):
    # target = the best observed value of each indicator, so distance reduces to min-max
    target = {"i1": 3, "i2": 3, "i3": 3, "i4": 1}
    a = composite(data, meta, normalise="distance", reference=target)
    b = composite(data, meta, normalise="minmax")
    pd.testing.assert_frame_equal(a, b)


def test_goalposts_use_the_scale_not_the_observed_range(data, meta):
    posts = dict.fromkeys(data.columns, (0.0, 3.0))
    result = composite(data, meta, goalposts=posts)
    # i2 = (2, 3, 1) / 3; i4 flipped against the scale: (3 - x) / 3
    np.testing.assert_allclose(result["i2"], [200 / 3, 100, 100 / 3])
    np.testing.assert_allclose(result["i4"], [0, 200 / 3, 100 / 3])


def test_rank_ties_share_the_mid_rank(meta):
    tied = pd.DataFrame(
        {"i1": [1.0, 1, 3], "i2": [1.0, 2, 3], "i3": [1.0, 2, 3], "i4": [1.0, 2, 3]},
        index=["A", "B", "C"],
    )
    result = composite(tied, meta, normalise="rank")
    # A and B tie on i1: (0 below + 2 equal / 2) / 3; C: (2 + 1/2) / 3
    np.testing.assert_allclose(result["i1"], [100 / 3, 100 / 3, 250 / 3])


def test_missing_values_reweight_over_available_children(data, meta):
    gappy = data.copy()
    gappy.loc["A", "i2"] = np.nan
    result = composite(gappy, meta)
    assert np.isnan(result.loc["A", "i2"])
    # d1 of A = i1 alone (0); other units unchanged (i2 range is still 1..3)
    assert result.loc["A", "d1"] == 0
    assert result.loc["B", "d1"] == pytest.approx((100 / 3 + 100) / 2)
    strict = composite(gappy, meta, min_coverage=0.6)
    assert np.isnan(strict.loc["A", "d1"])  # half of d1's weight is available
    assert np.isnan(strict.loc["A", "INDEX"])  # and then half of INDEX's weight
    assert strict.loc["B", "INDEX"] == pytest.approx(result.loc["B", "INDEX"])


def test_constant_indicator_maps_to_middle_of_bounds(data, meta):
    flat = data.assign(i3=2.0)
    result = composite(flat, meta, bounds=(0, 10))
    assert (result["i3"] == 5).all()


def test_extra_rows_do_not_change_the_normalisation(data, meta):
    extra = pd.DataFrame({"i1": [6.0], "i2": [3.0], "i3": [3.0], "i4": [1.0]}, index=["X"])
    result = composite(data, meta, extra_rows=extra)
    np.testing.assert_allclose(result.loc[["A", "B", "C"]], composite(data, meta))
    assert result.loc["X", "i1"] == 200  # 6 on the 0..3 observed range


def test_user_and_equal_weights(data, meta):
    equal = composite(data, meta, weighting="equal")
    assert equal.loc["A", "d2"] == 0
    assert equal.loc["B", "d2"] == 100
    assert equal.loc["C", "d2"] == 50  # (50 + 50) / 2 either way
    user = composite(data, meta, weights={"i1": 3})  # d1 = (3 i1 + i2) / 4
    assert user.loc["B", "d1"] == pytest.approx((3 * 100 / 3 + 100) / 4)


def test_pca_weights_follow_the_first_component():
    # i1 and i2 perfectly correlated, i3 uncorrelated with both: first component (1, 1, 0)/sqrt2
    data = pd.DataFrame(
        {"i1": [1.0, 2, 3, 4], "i2": [2.0, 4, 6, 8], "i3": [1.0, -1, -1, 1]},
        index=list("ABCD"),
    )
    meta = pd.DataFrame(
        {
            "iCode": ["i1", "i2", "i3", "d", "INDEX"],
            "Level": [1, 1, 1, 2, 3],
            "Parent": ["d", "d", "d", "INDEX", None],
            "Weight": 1,
            "Direction": 1,
        }
    )
    result = composite(data, meta, weighting="pca")
    np.testing.assert_allclose(result["d"], (result["i1"] + result["i2"]) / 2, atol=1e-9)


def test_pca_refuses_a_constant_indicator(data, meta):
    with pytest.raises(SpecificationError, match="constant"):
        composite(data.assign(i3=1.0), meta, weighting="pca")


def test_ahp_weighting_in_composite(data, meta):
    # d2's children compared: i3 three times as important as i4 (consistent 2x2 matrix)
    pairwise = {"d2": pd.DataFrame([[1, 3], [1 / 3, 1]], index=["i3", "i4"], columns=["i3", "i4"])}
    result = composite(data, meta, weighting="ahp", pairwise=pairwise)
    assert result.loc["C", "d2"] == pytest.approx(0.75 * 50 + 0.25 * 50)
    assert result.loc["B", "d2"] == pytest.approx(100)
    assert result.loc["A", "d2"] == pytest.approx(0)


def test_system_scores_rules_by_hand():
    values = pd.DataFrame(
        {"x": [0.0, 2, 3, np.nan], "y": [3.0, 1, np.nan, np.nan]},
        index=["kz1", "kz2", "de1", "de2"],
    )
    membership = pd.DataFrame(
        {
            "system_id": ["KZ", "KZ", "DE", "DE"],
            "unit_id": ["kz1", "kz2", "de1", "de2"],
            "coverage": [3.0, 1.0, 1.0, 1.0],
        }
    )
    best = system_scores(values, membership, rule="best", directions={"y": -1})
    # best: max of x; min of y (direction -1); DE has no y at all
    assert best.loc["KZ"].tolist() == [2.0, 1.0]
    assert best.loc["DE", "x"] == 3.0
    assert np.isnan(best.loc["DE", "y"])
    mean = system_scores(values, membership, rule="mean")
    assert mean.loc["KZ"].tolist() == [1.0, 2.0]
    assert mean.loc["DE", "x"] == 3.0  # de2 has no value and is skipped
    weighted = system_scores(values, membership, rule="coverage_weighted")
    assert weighted.loc["KZ"].tolist() == [(3 * 0 + 2) / 4, (3 * 3 + 1) / 4]


def test_system_scores_errors():
    values = pd.DataFrame({"x": [1.0]}, index=["a"])
    with pytest.raises(JoinError, match="not in the data.*'b'"):
        system_scores(values, pd.DataFrame({"system_id": ["S"], "unit_id": ["b"]}))
    with pytest.raises(SpecificationError, match="coverage"):
        system_scores(
            values,
            pd.DataFrame({"system_id": ["S"], "unit_id": ["a"]}),
            rule="coverage_weighted",
        )


def test_indicator_matrix_and_meta_from_codebook():
    codings = pd.DataFrame(
        {
            "unit_id": ["u1", "u1", "u2"],
            "indicator_id": ["a", "b", "a"],
            "value": [2.0, 1.0, 3.0],
            "status": ["coded", "unknown", "coded"],
        }
    )
    wide = indicator_matrix(codings, unit_ids=["u1", "u2", "u3"], indicator_ids=["a", "b"])
    assert wide.loc["u1", "a"] == 2.0
    assert np.isnan(wide.loc["u1", "b"])  # unknown is missing, not a value
    assert wide.loc["u3"].isna().all()
    with pytest.raises(DataValidationError, match="duplicate row for unit_id=u1"):
        indicator_matrix(pd.concat([codings, codings.iloc[[0]]]))
    indicators = pd.DataFrame(
        {
            "indicator_id": ["a", "b"],
            "dimension_id": ["D1", "D2"],
            "scale_min": [0, 0],
            "scale_max": [3, 3],
            "direction": ["+", "-"],
        }
    )
    meta = meta_from_indicators(indicators)
    assert meta.set_index("iCode")["Direction"].to_dict() == {
        "a": 1,
        "b": -1,
        "D1": 1,
        "D2": 1,
        "INDEX": 1,
    }
    assert goalposts_from_indicators(indicators) == {"a": (0.0, 3.0), "b": (0.0, 3.0)}
    scores = composite(wide.fillna(0), meta, goalposts=goalposts_from_indicators(indicators))
    assert scores.loc["u2", "INDEX"] == pytest.approx((100 + 100) / 2)  # a = 3, b = 0 (reversed)
