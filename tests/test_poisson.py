"""PPML wrapper (pyfixest ``fepois``) against published and closed-form results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import PanelError, SpecificationError
from policingstudy.methods.causal.poisson import ppml

# Dobson (1990, p. 93), the example of R's ?glm (stats package, "Dobson (1990) Page 93:
# Randomized Controlled Trial"): glm(counts ~ outcome + treatment, family = poisson()) prints
# outcome2 -4.543e-01 (SE 2.022e-01, p 0.0246) and outcome3 -2.930e-01 (SE 1.927e-01,
# p 0.1285). They are also closed forms: log(40/63), log(47/63) and sqrt(1/40 + 1/63),
# sqrt(1/47 + 1/63) (outcome totals 63, 40, 47).
DOBSON = pd.DataFrame(
    {
        "counts": [18, 17, 15, 20, 10, 20, 25, 13, 12],
        "outcome": [1, 2, 3] * 3,
        "treatment": [1, 1, 1, 2, 2, 2, 3, 3, 3],
    }
).assign(
    o2=lambda f: (f["outcome"] == 2).astype(float), o3=lambda f: (f["outcome"] == 3).astype(float)
)


def test_dobson_glm_example_of_r():
    fit = ppml(DOBSON, y="counts", x=["o2", "o3"], unit="treatment", time=None, cluster="iid")
    table = fit.table.set_index("term")
    assert table.loc["o2", "coef"] == pytest.approx(np.log(40 / 63), abs=1e-8)
    assert table.loc["o3", "coef"] == pytest.approx(np.log(47 / 63), abs=1e-8)
    assert table.loc["o2", "coef"] == pytest.approx(-0.4543, abs=5e-5)
    assert table.loc["o3", "coef"] == pytest.approx(-0.2930, abs=5e-5)
    assert table.loc["o2", "se"] == pytest.approx(0.2022, abs=5e-5)
    assert table.loc["o3", "se"] == pytest.approx(0.1927, abs=5e-5)
    assert table.loc["o2", "se"] == pytest.approx(np.sqrt(1 / 40 + 1 / 63), rel=1e-6)
    assert table.loc["o2", "pvalue"] == pytest.approx(0.0246, abs=5e-5)
    assert table.loc["o3", "pvalue"] == pytest.approx(0.1285, abs=5e-5)


def test_two_by_two_with_exposure_is_the_ratio_of_rate_ratios():
    # two units x two periods, unit "a" treated in period 1: with unit and period effects and a
    # log-exposure offset, exp(b) = (y_a1/e_a1 / (y_a0/e_a0)) / (y_b1/e_b1 / (y_b0/e_b0))
    df = pd.DataFrame(
        {
            "u": ["a", "a", "b", "b"],
            "t": [0, 1, 0, 1],
            "y": [10.0, 30.0, 20.0, 25.0],
            "pop": [1000.0, 1500.0, 2000.0, 2500.0],
        }
    )
    df["d"] = ((df["u"] == "a") & (df["t"] == 1)).astype(float)
    fit = ppml(df, y="y", x=["d"], unit="u", time="t", exposure="pop", cluster="iid")
    expected = np.log((30 / 1500) / (10 / 1000) / ((25 / 2500) / (20 / 2000)))
    assert fit.coef("d") == pytest.approx(expected, abs=1e-7)
    assert fit.table.loc[0, "pct_change"] == pytest.approx(100 * np.expm1(expected), abs=1e-5)


def test_units_with_only_zeros_are_dropped_and_counted():
    rng = np.random.default_rng(4)
    df = pd.DataFrame([(u, t) for u in range(6) for t in range(4)], columns=["u", "t"])
    df["y"] = rng.poisson(5, len(df)).astype(float)
    df.loc[df["u"] == 5, "y"] = 0.0
    df["d"] = ((df["u"] < 3) & (df["t"] >= 2)).astype(float)
    fit = ppml(df, y="y", x=["d"], unit="u", time="t")
    assert fit.n_units == 5
    assert fit.n_units_dropped == 1
    assert fit.dropped == {"outcome zero in every period": [5]}


def test_negative_outcome_and_bad_exposure_are_refused():
    df = DOBSON.assign(counts=DOBSON["counts"].where(DOBSON.index != 2, -1))
    with pytest.raises(PanelError, match="negative in rows \\[2\\]"):
        ppml(df, y="counts", x=["o2"], unit="treatment", time=None)
    df = DOBSON.assign(pop=0.0)
    with pytest.raises(PanelError, match="exposure 'pop' has values <= 0"):
        ppml(df, y="counts", x=["o2"], unit="treatment", time=None, exposure="pop")
    with pytest.raises(SpecificationError, match="x is empty"):
        ppml(DOBSON, y="counts", x=[], unit="treatment", time=None)
