"""Monte Carlo uncertainty analysis: consistency with composite(), coding draws, nearest model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import OptionError, SpecificationError
from policingstudy.methods.index.compare import distances
from policingstudy.methods.index.composite import composite, system_scores
from policingstudy.methods.index.uncertainty import (
    CodingUncertainty,
    IndexOptions,
    coding_alternatives,
    monte_carlo,
)

SCALES = {c: (0.0, 3.0) for c in ("i1", "i2", "i3", "i4")}


@pytest.fixture
def meta() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iCode": ["i1", "i2", "i3", "i4", "d1", "d2", "INDEX"],
            "Level": [1, 1, 1, 1, 2, 2, 3],
            "Parent": ["d1", "d1", "d2", "d2", "INDEX", "INDEX", None],
            "Weight": [1.0, 1, 2, 1, 1, 1, 1],
            "Direction": 1,
        }
    )


@pytest.fixture
def membership() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "system_id": ["KZ", "KZ", "UK", "UK", "DE", "DE"],
            "unit_id": ["kz1", "kz2", "uk1", "uk2", "de1", "de2"],
        }
    )


def test_zero_draws_and_bad_options_fail_before_computing(values, meta):
    with pytest.raises(SpecificationError, match="n_draws: expected a positive integer, got 0"):
        monte_carlo(values, meta, n_draws=0, rng=np.random.default_rng(0))
    with pytest.raises(OptionError, match="normalise: expected one of"):
        monte_carlo(
            values,
            meta,
            n_draws=5,
            rng=np.random.default_rng(0),
            options=IndexOptions(normalise=("minmax", "logistic")),  # type: ignore[arg-type]
        )
    with pytest.raises(SpecificationError, match="zscore.*geometric"):
        monte_carlo(
            values,
            meta,
            n_draws=5,
            rng=np.random.default_rng(0),
            options=IndexOptions(normalise=("zscore",), aggregate=("geometric",)),
        )
    with pytest.raises(SpecificationError, match="weight_spread"):
        monte_carlo(
            values,
            meta,
            n_draws=5,
            rng=np.random.default_rng(0),
            options=IndexOptions(weight_spread=1.5),
        )
    with pytest.raises(SpecificationError, match="origin given without membership"):
        monte_carlo(values, meta, n_draws=5, rng=np.random.default_rng(0), origin="KZ")


def test_nominal_draw_reproduces_composite_and_compare(values, meta, membership):
    options = IndexOptions(normalise=("minmax", "rank"), aggregate=("arithmetic", "geometric"))
    result = monte_carlo(
        values,
        meta,
        n_draws=50,
        rng=np.random.default_rng(1),
        options=options,
        membership=membership,
        origin="KZ",
    )
    systems = system_scores(values, membership, rule="best")
    direct = composite(values, meta, extra_rows=systems)
    nominal = pd.DataFrame(result.nominal, index=list(result.row_ids), columns=list(result.codes))
    pd.testing.assert_frame_equal(
        nominal, direct[list(result.codes)], check_exact=False, rtol=1e-12
    )
    expected = distances(direct.loc[["KZ", "UK", "DE"]], origin="KZ", dimensions=["d1", "d2"])
    got = dict(zip(result.models, result.nominal_distances, strict=True))
    for model in ("UK", "DE"):
        assert got[model] == pytest.approx(expected.loc[model, "overall"])


def test_without_uncertainty_every_draw_equals_the_nominal(values, meta, membership):
    result = monte_carlo(
        values,
        meta,
        n_draws=20,
        rng=np.random.default_rng(2),
        options=IndexOptions(weight_spread=0.0),
        membership=membership,
        origin="KZ",
    )
    np.testing.assert_allclose(
        result.scores, np.broadcast_to(result.nominal, result.scores.shape), rtol=1e-6
    )
    summary = result.summary().set_index("row_id")
    assert (summary["rank_p05"] == summary["rank_p95"]).all()
    assert (summary["rank_median"] == summary["rank_nominal"]).all()
    # units ranked among units, systems among systems
    assert sorted(summary.loc[["KZ", "UK", "DE"], "rank_nominal"]) == [1, 2, 3]
    assert summary.loc["kz1", "kind"] == "unit"


def test_draws_do_not_depend_on_chunking(values, meta, membership):
    coding = coding_alternatives(
        pd.DataFrame(
            {
                "unit_id": ["kz1"],
                "indicator_id": ["i1"],
                "value": [0.0],
                "status": ["coded"],
                "confidence": ["low"],
            }
        ),
        scales=SCALES,
    )
    options = IndexOptions(normalise=("minmax", "rank"), aggregate=("arithmetic", "copeland"))
    kwargs = dict(options=options, membership=membership, coding=coding, origin="KZ")
    a = monte_carlo(values, meta, n_draws=64, rng=np.random.default_rng(3), chunk_size=7, **kwargs)
    b = monte_carlo(
        values, meta, n_draws=64, rng=np.random.default_rng(3), chunk_size=500, **kwargs
    )
    np.testing.assert_array_equal(a.scores, b.scores)
    assert set(a.choices["normalise"]) == {"minmax", "rank"}
    assert set(a.choices["aggregate"]) == {"arithmetic", "copeland"}


def test_coding_alternatives_from_coders_and_bands():
    consensus = pd.DataFrame(
        {
            "unit_id": ["a", "a", "b", "b"],
            "indicator_id": ["i1", "i2", "i1", "i2"],
            "value": [3.0, 1.0, 2.0, np.nan],
            "status": ["coded", "coded", "coded", "unknown"],
            "confidence": ["low", "low", "high", "low"],
        }
    )
    by_coder = pd.DataFrame(
        {
            "unit_id": ["b", "b", "b", "b", "b"],
            "indicator_id": ["i1", "i1", "i1", "i2", "i2"],
            "coder": ["K", "S", "T", "K", "S"],
            "value": [2.0, 0.0, 2.0, 1.0, 2.0],  # b/i2: coders differ, but consensus unknown
            "status": "coded",
        }
    )
    result = coding_alternatives(consensus, scales=SCALES, by_coder=by_coder)
    cells = result.cells.set_index(["unit_id", "indicator_id"])
    assert cells["source"].to_dict() == {
        ("a", "i1"): "band",
        ("a", "i2"): "band",
        ("b", "i1"): "coders",
    }
    rows = {key: i for i, key in enumerate(cells.index)}
    # value 3 at the top of the scale: band {2, 3}; value 1: {0, 1, 2}; coders 2 (x2) and 0 (x1)
    np.testing.assert_array_equal(result.candidates[rows[("a", "i1")], :2], [2.0, 3.0])
    np.testing.assert_allclose(result.probabilities[rows[("a", "i1")]], [0.5, 0.5, 0.0])
    np.testing.assert_array_equal(result.candidates[rows[("a", "i2")]], [0.0, 1.0, 2.0])
    np.testing.assert_allclose(result.probabilities[rows[("b", "i1")]], [1 / 3, 2 / 3, 0.0])


def test_coding_values_are_sampled_with_their_probabilities(values, meta):
    coding = CodingUncertainty(
        pd.DataFrame({"unit_id": ["kz1"], "indicator_id": ["i1"], "source": ["coders"]}),
        np.array([[0.0, 3.0]]),
        np.array([[0.25, 0.75]]),
    )
    n = 4000
    result = monte_carlo(
        values,
        meta,
        n_draws=n,
        rng=np.random.default_rng(4),
        coding=coding,
        options=IndexOptions(weight_spread=0.0, goalposts=SCALES),
    )
    # with scale goalposts, kz1's i1 score is 0 or 100; d1 = (i1 + i2) / 2 with i2 = 1/3 of 100
    d1 = result.scores[:, 0, result.codes.index("d1")]
    share_high = np.mean(np.isclose(d1, (100 + 100 / 3) / 2))
    assert np.all(np.isclose(d1, 100 / 6) | np.isclose(d1, (100 + 100 / 3) / 2))
    assert share_high == pytest.approx(0.75, abs=4 * np.sqrt(0.75 * 0.25 / n))


def test_unknown_coding_cells_are_refused(values, meta):
    coding = CodingUncertainty(
        pd.DataFrame({"unit_id": ["xx"], "indicator_id": ["i1"], "source": ["band"]}),
        np.array([[0.0, 1.0]]),
        np.array([[0.5, 0.5]]),
    )
    with pytest.raises(SpecificationError, match=r"cells \['xx\|i1'\]"):
        monte_carlo(values, meta, n_draws=3, rng=np.random.default_rng(0), coding=coding)


def test_nearest_model_probability(meta):
    # UK's units copy Kazakhstan's; Germany's are far away: UK is always the nearest
    values = pd.DataFrame(
        {
            "i1": [1.0, 2, 1, 2, 3, 3],
            "i2": [0.0, 1, 0, 1, 3, 3],
            "i3": [1.0, 0, 1, 0, 3, 3],
            "i4": [2.0, 1, 2, 1, 0, 0],
        },
        index=["kz1", "kz2", "uk1", "uk2", "de1", "de2"],
    )
    membership = pd.DataFrame(
        {"system_id": ["KZ", "KZ", "UK", "UK", "DE", "DE"], "unit_id": list(values.index)}
    )
    result = monte_carlo(
        values,
        meta,
        n_draws=300,
        rng=np.random.default_rng(5),
        membership=membership,
        origin="KZ",
        options=IndexOptions(normalise=("minmax", "rank"), weight_spread=0.5),
    )
    table = result.nearest_probability().set_index("model")
    assert table.loc["UK", "probability"] == 1.0
    assert table.loc["DE", "probability"] == 0.0
    assert table.loc["UK", "distance_p95"] == pytest.approx(0.0, abs=1e-4)
    assert table.loc["DE", "distance_p05"] > 10


def test_result_tables_have_the_documented_columns(values, meta, membership):
    result = monte_carlo(
        values,
        meta,
        n_draws=30,
        rng=np.random.default_rng(6),
        membership=membership,
        origin="KZ",
        models=["UK"],
    )
    assert list(result.summary().columns) == [
        "row_id",
        "kind",
        "score_nominal",
        "score_median",
        "score_p05",
        "score_p95",
        "rank_nominal",
        "rank_median",
        "rank_p05",
        "rank_p95",
    ]
    assert list(result.nearest_probability()["model"]) == ["UK"]
    assert result.index_draws().shape == (30, 9)
    with pytest.raises(SpecificationError, match=r"systems \['FR'\] are not in membership"):
        monte_carlo(
            values,
            meta,
            n_draws=3,
            rng=np.random.default_rng(0),
            membership=membership,
            origin="KZ",
            models=["FR"],
        )
