"""Permutation inference, MDE, the wild bootstrap against wildboottest, synthetic control."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from policingstudy.core.errors import PanelError, SpecificationError
from policingstudy.methods.causal.inference import minimum_detectable_effect, permutation_test
from policingstudy.methods.causal.simulation import SimulationDesign, simulate_panel
from policingstudy.methods.causal.twfe import twfe
from policingstudy.methods.causal.wild_bootstrap import wild_cluster_bootstrap

SCHEDULE = {f"u{i}": g for i, g in enumerate([0] * 6 + [2005, 2005, 2007, 2008, 2009, 2010])}
YEARS = list(range(2002, 2013))
NULL = SimulationDesign(effect=0.0, dynamic=0.0, cohort_spread=0.0, noise_sd=1.0)


def test_permutation_statistic_is_the_twfe_coefficient_and_t():
    rng = np.random.default_rng(3)
    p = simulate_panel(SCHEDULE, YEARS, rng=rng, design=NULL)
    res = permutation_test(
        p, y="simulated_outcome", unit="unit", time="year", group="first_treat", rng=rng, draws=99
    )
    p["tr"] = ((p["first_treat"] > 0) & (p["year"] >= p["first_treat"])).astype(float)
    fit = twfe(p, y="simulated_outcome", x=["tr"], unit="unit", time="year")
    assert res.coef == pytest.approx(fit.coef("tr"), abs=1e-10)
    assert res.t_stat == pytest.approx(fit.coef("tr") / fit.se("tr"), abs=1e-8)
    assert res.n_treated == 6 and res.n_units == 12 and res.draws == 99
    assert 1 / 100 <= res.pvalue <= 1


def test_permutation_rejects_at_about_alpha_under_a_simulated_null():
    # SIMULATED panels with no effect: a randomisation test over the schedule is exact, so the
    # rejection rate at 5% must be near 0.05 (300 panels: binomial SE about 0.013)
    rng = np.random.default_rng(20261203)
    rejections = []
    for _ in range(300):
        p = simulate_panel(SCHEDULE, YEARS, rng=rng, design=NULL)
        res = permutation_test(
            p,
            y="simulated_outcome",
            unit="unit",
            time="year",
            group="first_treat",
            rng=rng,
            draws=99,
        )
        rejections.append(res.pvalue <= 0.05)
    assert 0.02 <= np.mean(rejections) <= 0.09


def test_permutation_detects_a_large_effect():
    rng = np.random.default_rng(5)
    design = SimulationDesign(effect=3.0, dynamic=0.0, cohort_spread=0.0, noise_sd=1.0)
    p = simulate_panel(SCHEDULE, YEARS, rng=rng, design=design)
    res = permutation_test(
        p,
        y="simulated_outcome",
        unit="unit",
        time="year",
        group="first_treat",
        rng=rng,
        draws=199,
    )
    assert res.pvalue < 0.05


def test_permutation_refuses_unbalanced_panels():
    p = simulate_panel(SCHEDULE, YEARS, rng=np.random.default_rng(1), design=NULL).iloc[1:]
    with pytest.raises(PanelError, match="unbalanced"):
        permutation_test(
            p,
            y="simulated_outcome",
            unit="unit",
            time="year",
            group="first_treat",
            rng=np.random.default_rng(1),
        )


def test_minimum_detectable_effect_is_2_8_standard_errors():
    assert minimum_detectable_effect(1.0) == pytest.approx(2.8016, abs=1e-4)
    expected = stats.t.ppf(0.975, 14) + stats.t.ppf(0.8, 14)
    assert minimum_detectable_effect(0.5, df=14) == pytest.approx(0.5 * expected)
    with pytest.raises(SpecificationError, match="alpha=1"):
        minimum_detectable_effect(1.0, alpha=1)


def _wildboottest_pvalue(p: pd.DataFrame) -> tuple[float, float]:
    import statsmodels.api as sm
    from wildboottest.wildboottest import wildboottest

    x = pd.get_dummies(p[["unit", "year"]].astype(str), drop_first=True, dtype=float)
    x.insert(0, "tr", p["tr"].to_numpy())
    x.insert(0, "const", 1.0)
    model = sm.OLS(p["simulated_outcome"].to_numpy(), x)
    res = wildboottest(
        model,
        param="tr",
        cluster=pd.factorize(p["unit"])[0],
        B=9999,
        weights_type="rademacher",
        seed=1,
        show=False,
    )
    return float(res["p-value"].iloc[0]), float(res["statistic"].iloc[0])


def test_wild_bootstrap_matches_wildboottest_under_full_enumeration():
    # 8 clusters: 2^8 = 256 Rademacher sign patterns < B, so both packages enumerate them all
    # and neither draws random weights; the p-values must then agree exactly (to 1e-6).
    sched = {f"u{i}": g for i, g in enumerate([0, 0, 0, 2005, 2005, 2007, 2008, 2009])}
    rng = np.random.default_rng(11)
    p = simulate_panel(sched, YEARS, rng=rng, design=NULL)
    p["tr"] = ((p["first_treat"] > 0) & (p["year"] >= p["first_treat"])).astype(float)
    ours = wild_cluster_bootstrap(
        p,
        y="simulated_outcome",
        x=["tr"],
        test="tr",
        unit="unit",
        time="year",
        rng=np.random.default_rng(0),
        iterations=9999,
        weights="rademacher",
    )
    theirs, t_theirs = _wildboottest_pvalue(p)
    assert ours.enumerated and ours.iterations == 256
    # Ties: the patterns "all +1" and "all -1" reproduce |t| exactly. We count |t*| >= |t|
    # (MacKinnon & Webb's convention); wildboottest 0.3 counts |t*| > |t| strictly. Apart from
    # these two patterns the counts must be identical.
    assert ours.pvalue - 2 / 256 == pytest.approx(theirs, abs=1e-6)
    # the t statistics differ only by the small-sample factor (fixest's vs wildboottest's)
    assert np.sign(ours.t_stat) == np.sign(t_theirs)
