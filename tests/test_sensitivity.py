"""Sobol indices: the Ishigami function's known values; the gap analysis's groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import SpecificationError
from policingstudy.methods.index.sensitivity import gap_sensitivity, sobol_indices
from policingstudy.methods.index.uncertainty import CodingUncertainty, IndexOptions
from tests.helpers import published

# Ishigami & Homma (1990), a = 7, b = 0.1, inputs uniform on [-pi, pi]. The analytical indices
# (Saltelli et al. 2008) are the ishigami.* entries of data/raw/reference/published.json (source
# ishigami_analytic in scripts/make_reference.py).
S1 = [published(f"ishigami.S1.x{i}").value for i in (1, 2, 3)]
ST = [published(f"ishigami.ST.x{i}").value for i in (1, 2, 3)]
# Sampling tolerance: N = 2**13 base points (N * (k + 2) = 40,960 runs of a scrambled Sobol'
# sequence). The bootstrap 95% half-widths are then 0.01-0.03 and the observed errors over
# several seeds below 0.005; we allow 0.03 absolute and require the analytical value inside the
# bootstrap interval widened by 0.01.
TOLERANCE = published("ishigami.S1.x1").tolerance


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_indices():
    inputs = {f"x{i}": (-np.pi, np.pi) for i in (1, 2, 3)}
    table = sobol_indices(ishigami, inputs, n_base=2**13, rng=np.random.default_rng(2024))
    np.testing.assert_allclose(table["S1"], S1, atol=TOLERANCE)
    np.testing.assert_allclose(table["ST"], ST, atol=TOLERANCE)
    assert (np.abs(table["S1"] - S1) <= table["S1_conf"] + 0.01).all()
    assert (np.abs(table["ST"] - ST) <= table["ST_conf"] + 0.01).all()
    assert list(table["input"]) == ["x1", "x2", "x3"]


def test_grouped_inputs_and_bad_sizes():
    inputs = {f"x{i}": (-np.pi, np.pi) for i in (1, 2, 3)}
    groups = {"x1": "a", "x2": "b", "x3": "a"}
    table = sobol_indices(
        ishigami, inputs, n_base=2**12, rng=np.random.default_rng(1), groups=groups
    )
    # group {x1, x3}: first order S1 + S3 + S13 = 1 - S2; total = ST1 + ST3 - S13... = 1 - S2
    assert list(table["input"]) == ["a", "b"]
    a = table.set_index("input").loc["a"]
    assert a["S1"] == pytest.approx(1 - S1[1], abs=TOLERANCE)
    assert a["ST"] == pytest.approx(1 - S1[1], abs=TOLERANCE)
    with pytest.raises(SpecificationError, match="power of two"):
        sobol_indices(ishigami, inputs, n_base=1000, rng=np.random.default_rng(0))


@pytest.fixture
def study() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    values = pd.DataFrame(
        {
            "i1": [0.0, 1, 3, 2, 1, 3, 2],
            "i2": [1.0, 0, 3, 3, 0, 1, 2],
            "i3": [1.0, 1, 2, 3, 3, 3, 0],
            "i4": [0.0, 2, 2, 1, 3, 3, 1],
        },
        index=["kz1", "kz2", "uk1", "uk2", "de1", "de2", "other"],
    )
    meta = pd.DataFrame(
        {
            "iCode": ["i1", "i2", "i3", "i4", "d1", "d2", "INDEX"],
            "Level": [1, 1, 1, 1, 2, 2, 3],
            "Parent": ["d1", "d1", "d2", "d2", "INDEX", "INDEX", None],
            "Weight": 1.0,
            "Direction": 1,
        }
    )
    membership = pd.DataFrame(
        {
            "system_id": ["KZ", "KZ", "UK", "UK", "DE", "DE"],
            "unit_id": ["kz1", "kz2", "uk1", "uk2", "de1", "de2"],
        }
    )
    return values, meta, membership


def test_gap_sensitivity_groups(study):
    values, meta, membership = study
    # an uncertain cell of a unit outside every system cannot move any gap when min-max uses
    # the scale (goalposts): its total index must be zero
    coding = CodingUncertainty(
        pd.DataFrame({"unit_id": ["other"], "indicator_id": ["i1"], "source": ["band"]}),
        np.array([[1.0, 2.0, 3.0]]),
        np.full((1, 3), 1 / 3),
    )
    posts = {c: (0.0, 3.0) for c in values.columns}
    table = gap_sensitivity(
        values,
        meta,
        membership=membership,
        origin="KZ",
        n_base=2**9,
        rng=np.random.default_rng(3),
        coding=coding,
        n_bootstrap=200,
        options=IndexOptions(aggregate=("arithmetic", "geometric"), goalposts=posts),
    )
    assert set(table["model"]) == {"UK", "DE"}
    assert set(table["group"]) == {"weights", "aggregation", "coding"}  # one normalisation
    coding_rows = table[table["group"] == "coding"]
    np.testing.assert_allclose(coding_rows[["S1", "ST"]], 0.0, atol=1e-12)
    weights_rows = table[table["group"] == "weights"]
    assert (weights_rows["ST"] > 0.05).all()


def test_gap_sensitivity_needs_something_to_vary(study):
    values, meta, membership = study
    with pytest.raises(SpecificationError, match="at least one model"):
        gap_sensitivity(
            values,
            meta,
            membership=membership,
            origin="KZ",
            models=[],
            n_base=8,
            rng=np.random.default_rng(0),
        )


def test_grid_sensitivity_takes_the_grid_factors_and_the_coding_as_inputs():
    from policingstudy.methods.index import measurement, systems
    from policingstudy.methods.index.composite import meta_from_indicators

    # one indicator per dimension: both weight schemes give the same index, so 'weights'
    # cannot matter; a zero coding error cannot either; the missing rule decides the gap
    # (system B's 'b' is unknown: left missing B = 100, lower bound B = 50, upper B = 100).
    meta = meta_from_indicators(
        pd.DataFrame({"indicator_id": ["a", "b"], "dimension_id": ["D1", "D2"], "direction": "+"})
    )
    values = pd.DataFrame({"a": [1.0, 3.0], "b": [2.0, np.nan]}, index=["k", "m"])
    status = pd.DataFrame({"a": ["coded", "coded"], "b": ["coded", "unknown"]}, index=["k", "m"])
    members = pd.DataFrame({"system_id": ["K", "M"], "unit_id": ["k", "m"]})
    inputs = systems.prepare(
        values,
        meta,
        scales={"a": (0, 3), "b": (0, 3)},
        boundaries={"all": members},
        status=status,
    )
    cells = pd.DataFrame(
        {"unit_id": ["k", "k", "m"], "indicator_id": ["a", "b", "a"], "value": [1.0, 2.0, 3.0]}
    )
    coding = measurement.coding_model(
        cells,
        scales={"a": (0, 3), "b": (0, 3)},
        error=measurement.ErrorDistribution.from_probabilities([1.0, 0.0]),
    )
    factors = {
        "system_rule": ["best_available"],
        "boundary": ["all"],
        "missing": ["missing", "lower", "upper"],
        "aggregate": ["arithmetic"],
        "weights": ["dimension", "indicator"],
    }
    table = sensitivity_grid(inputs, factors, coding)
    st = table.set_index("factor")["ST"]
    assert list(table["factor"]) == ["missing", "weights", "coding"]  # one-level factors left out
    assert set(table["model"]) == {"M"}
    assert st["missing"] > 0.8  # 1 exactly; the estimator with n_base = 64 is noisy
    assert st["weights"] == pytest.approx(0.0, abs=1e-9)
    assert st["coding"] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(SpecificationError, match=r"factors: missing \['weights'\]"):
        sensitivity_grid(inputs, {k: v for k, v in factors.items() if k != "weights"}, coding)


def sensitivity_grid(inputs, factors, coding):
    from policingstudy.methods.index.sensitivity import grid_sensitivity

    return grid_sensitivity(
        inputs,
        factors,
        origin="K",
        n_base=64,
        rng=np.random.default_rng(3),
        coding=coding,
        n_bootstrap=50,
    )
