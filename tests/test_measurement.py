"""The ordinal measurement model of coding error: estimation, posterior, and unbiasedness."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import SpecificationError
from policingstudy.methods.index import measurement, systems
from policingstudy.methods.index.composite import meta_from_indicators


def test_error_rate_is_the_maximum_likelihood_of_the_coder_differences() -> None:
    # 99 agreements, 10 of +1 and 3 of -1 (the shipped data's pairs). With P(e = +-1) = q each,
    # P(|d| = 0) = (1 - 2q)^2 + 2q^2, P(|d| = 1) = 4q(1 - 2q); maximise by brute force.
    e = measurement.error_distribution([0] * 99 + [1] * 10 + [-1] * 3)
    q = np.linspace(1e-6, 0.2, 200_001)
    loglik = 99 * np.log((1 - 2 * q) ** 2 + 2 * q**2) + 13 * np.log(4 * q * (1 - 2 * q))
    assert e.probabilities[2] == pytest.approx(q[np.argmax(loglik)], abs=1e-5)
    assert e.probabilities[0] == e.probabilities[2]
    assert e.n_pairs == 112
    assert e.p_disagree == pytest.approx(13 / 112)
    assert e.p_error == pytest.approx(2 * e.probabilities[2])


def test_perfect_agreement_means_no_error_not_systematic_error() -> None:
    e = measurement.error_distribution([0] * 40)
    assert e.p_error == pytest.approx(0.0, abs=1e-9)


def test_posterior_is_centred_on_the_reading_and_stays_on_the_scale() -> None:
    e = measurement.ErrorDistribution.from_probabilities([0.8, 0.1])
    levels = [0, 1, 2, 3]
    np.testing.assert_allclose(measurement.posterior([2], levels, e), [0, 0.1, 0.8, 0.1])
    # at the top the reading 3 comes from t = 3 (e >= 0: 0.9) or t = 2 (e = +1: 0.1)
    np.testing.assert_allclose(measurement.posterior([3], levels, e), [0, 0, 0.1, 0.9])
    # two readings 3 and 2 pool: t = 3: 0.9 * 0.1, t = 2: 0.1 * 0.8 (flat prior)
    np.testing.assert_allclose(
        measurement.posterior([3, 2], levels, e), np.array([0, 0, 0.08, 0.09]) / 0.17
    )
    with pytest.raises(SpecificationError, match=r"reading 4.0 is not a level"):
        measurement.posterior([4.0], levels, e)


def test_cells_of_one_group_share_their_draw() -> None:
    e = measurement.ErrorDistribution.from_probabilities([0.5, 0.25])
    cells = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c"],
            "indicator_id": "i",
            "value": [1.0, 1.0, 2.0],
            "g": ["x", "x", "y"],
        }
    )
    model = measurement.coding_model(cells, scales={"i": (0, 3)}, error=e, group_by=["g"])
    assert model.n_inputs == 2
    draws = model.sample(500, np.random.default_rng(1))
    np.testing.assert_array_equal(draws[:, 0], draws[:, 1])
    assert set(np.unique(draws[:, 2])) == {1.0, 2.0, 3.0}


MAX_META = meta_from_indicators(
    pd.DataFrame({"indicator_id": ["i1", "i2"], "dimension_id": ["D1", "D2"], "direction": "+"})
)


def max_rule_example() -> tuple[systems.SystemInputs, pd.DataFrame]:
    """Eight bodies of one system coded 1 on i1 and 2 on i2; the system takes the best."""
    ids = [f"b{k}" for k in range(8)]
    values = pd.DataFrame({"i1": 1.0, "i2": 2.0}, index=ids)
    inputs = systems.prepare(
        values,
        MAX_META,
        scales={"i1": (0, 3), "i2": (0, 3)},
        boundaries={"all": pd.DataFrame({"system_id": "S", "unit_id": ids})},
    )
    cells = values.stack().rename("value").reset_index()
    cells.columns = ["unit_id", "indicator_id", "value"]
    return inputs, cells.assign(system_id="S")


def median_shift(group_by: list[str], error: measurement.ErrorDistribution) -> float:
    inputs, cells = max_rule_example()
    model = measurement.coding_model(
        cells, scales={"i1": (0, 3), "i2": (0, 3)}, error=error, group_by=group_by
    )
    rows, cols = systems.cell_positions(inputs, model.cells)
    c = systems.Construction("best_available", "all", "missing", "arithmetic", "dimension")
    nominal = systems.score(inputs, c).index[0, 0]
    draws = model.sample(4000, np.random.default_rng(7))
    index = systems.score(inputs, c, systems.with_cells(inputs, rows, cols, draws)).index[:, 0]
    return float(np.median(index) - nominal)


def test_max_rule_draws_are_centred_when_errors_are_shared_by_judgement() -> None:
    # Nominal index (33.3 + 66.7) / 2 = 50. With P(e = +-1) = 0.1, independent errors on eight
    # bodies raise the best value with probability 1 - 0.9^8 = 0.57 > 1/2: the median system
    # index moves up by a whole level of one indicator (16.7 points). Errors shared by the
    # judgement (same system, indicator and level) move the best value as one cell does.
    e = measurement.ErrorDistribution.from_probabilities([0.8, 0.1])
    assert median_shift([], e) == pytest.approx(100 / 6)
    assert abs(median_shift(["system_id", "indicator_id", "value"], e)) <= 1.0


def test_the_old_band_was_biased_upwards_under_the_max_rule() -> None:
    # The replaced band: v - 1, v, v + 1 equally likely (clipped), i.e. P(e = +-1) = 1/3.
    band = measurement.ErrorDistribution.from_probabilities([1 / 3, 1 / 3])
    assert median_shift([], band) > 10
