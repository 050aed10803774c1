"""Synthetic control wrapper (pysyncon) on a SIMULATED factor model with a known effect."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import PanelError, SpecificationError
from policingstudy.methods.causal.synth import synthetic_control


def _panel(effect: float, n_units: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    years = np.arange(2004, 2020)
    factors = rng.normal(size=(len(years), 2)).cumsum(axis=0)
    rows = []
    for i in range(n_units):
        load = rng.uniform(0, 1, 2)
        for j, year in enumerate(years):
            bump = effect if (i == 0 and year >= 2017) else 0.0
            rows.append((f"u{i}", year, 5 + factors[j] @ load + rng.normal(0, 0.05) + bump))
    return pd.DataFrame(rows, columns=["u", "t", "y"])


def test_a_large_effect_is_recovered_and_ranks_first():
    res = synthetic_control(
        _panel(3.0), y="y", unit="u", time="t", treated_unit="u0", treatment_time=2017
    )
    assert res.att == pytest.approx(3.0, abs=0.5)
    assert res.pvalue == pytest.approx(1 / 12)
    assert res.weights.sum() == pytest.approx(1.0)
    assert (res.weights >= 0).all()
    assert len(res.placebos) == 12


def test_no_effect_is_not_unusual():
    res = synthetic_control(
        _panel(0.0), y="y", unit="u", time="t", treated_unit="u0", treatment_time=2017
    )
    assert abs(res.att) < 0.5
    assert res.pvalue > 1 / 12


def test_errors_name_the_problem():
    panel = _panel(0.0, n_units=4)
    with pytest.raises(PanelError, match="treated unit 'zz'"):
        synthetic_control(panel, y="y", unit="u", time="t", treated_unit="zz", treatment_time=2017)
    with pytest.raises(SpecificationError, match="expected at least three"):
        synthetic_control(panel, y="y", unit="u", time="t", treated_unit="u0", treatment_time=2005)
