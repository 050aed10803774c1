"""TWFE, event study, Goodman-Bacon decomposition and the wild cluster bootstrap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from policingstudy.core.errors import OptionError, PanelError, SpecificationError
from policingstudy.methods.causal.twfe import (
    bacon_decomposition,
    demean_two_way,
    demean_two_way_balanced,
    event_study,
    treatment_indicator,
    twfe,
    wald_test,
)
from policingstudy.methods.causal.wild_bootstrap import draw_cluster_weights, wild_cluster_bootstrap
from tests.helpers import approx_published

MPDTA = {"unit": "countyreal", "time": "year"}


@pytest.fixture(scope="module")
def mpdta(mpdta_raw: pd.DataFrame) -> pd.DataFrame:
    data = mpdta_raw.copy()  # shipped in tests/data
    data["post"] = treatment_indicator(data, time="year", group="first.treat")
    return data


def staggered_panel(
    rng: np.random.Generator, *, effect: float = 0.0, pretrend: float = 0.0
) -> pd.DataFrame:
    """16 units x 12 years (like the German Länder), 6 adopters, unit-correlated AR(1) noise."""
    groups = np.array([0] * 10 + [2015, 2015, 2017, 2019, 2020, 2022])
    years = np.arange(2013, 2025)
    noise = np.zeros((16, 12))
    shocks = rng.normal(0, 0.1, (16, 12))
    for t in range(12):
        noise[:, t] = (0.5 * noise[:, t - 1] if t else 0) + shocks[:, t]
    exposure = years[None, :] - groups[:, None]
    treated = (groups[:, None] > 0) & (exposure >= 0)
    lead = (groups[:, None] > 0) & (exposure < 0)
    y = (
        rng.normal(0, 1, (16, 1))
        + rng.normal(0, 0.5, (1, 12))
        + noise
        + effect * treated
        + pretrend * np.where(lead, exposure, 0)
    )
    return pd.DataFrame(
        {
            "unit": np.repeat(np.arange(16), 12),
            "year": np.tile(years, 16),
            "g": np.repeat(groups, 12),
            "y": y.ravel(),
            "d": treated.ravel().astype(float),
        }
    )


# --- published values ----------------------------------------------------------------------


def test_twfe_mpdta_matches_fixest(mpdta: pd.DataFrame) -> None:
    # R fixest feols(lemp ~ post | countyreal + year, cluster = "countyreal"), as printed in
    # the twfeweights README (source fixest_mpdta in scripts/make_reference.py). Small-sample
    # correction: G/(G-1) * (n-1)/(n-K) with K = 1 + 5 year effects (fixest default, county
    # effects nested in the county clusters); p-value from t(G - 1 = 499).
    res = twfe(mpdta, y="lemp", x=["post"], **MPDTA)
    row = res.table.set_index("term").loc["post"]
    for stat in ("coef", "se", "t", "pvalue"):
        assert row[stat] == approx_published(f"fixest.mpdta.post.{stat}"), stat
    assert (res.n_obs, res.n_units, res.n_periods, res.n_obs_dropped) == (2500, 500, 5, 0)
    assert "K = k + T = 6" in res.small_sample


def test_twfe_wage_panel_matches_linearmodels_documentation() -> None:
    # linearmodels documentation, two-way fixed effects example on the wage panel, default
    # (unadjusted) covariance (source linearmodels_wage_panel in scripts/make_reference.py).
    from linearmodels.datasets import wage_panel

    data = wage_panel.load()
    res = twfe(
        data,
        y="lwage",
        x=["expersq", "union", "married"],
        unit="nr",
        time="year",
        constant=True,
        cov="unadjusted",
    )
    table = res.table.set_index("term")
    for term in ("expersq", "union", "married"):
        assert table.loc[term, "coef"] == approx_published(f"linearmodels.wage_panel.{term}.coef")
        assert table.loc[term, "se"] == approx_published(f"linearmodels.wage_panel.{term}.se")


def test_driscoll_kraay_matches_hand_formula(mpdta: pd.DataFrame) -> None:
    res = twfe(mpdta, y="lemp", x=["post"], **MPDTA, cov="driscoll_kraay", bandwidth=2)
    wide_y = mpdta.pivot(index="countyreal", columns="year", values="lemp").to_numpy()
    wide_d = mpdta.pivot(index="countyreal", columns="year", values="post").to_numpy()
    y_dd, d_dd = demean_two_way_balanced(wide_y), demean_two_way_balanced(wide_d)
    beta = (y_dd * d_dd).sum() / (d_dd**2).sum()
    h = (d_dd * (y_dd - beta * d_dd)).sum(axis=0)  # score of each year
    s = (h**2).sum() + 2 * sum((1 - lag / 3) * (h[lag:] * h[:-lag]).sum() for lag in (1, 2))
    n, k = 2500, 1 + (500 + 5 - 1)  # linearmodels: n / (n - regressors - effects)
    se = np.sqrt(s / (d_dd**2).sum() ** 2 * n / (n - k))
    assert res.se("post") == pytest.approx(se, rel=1e-10)
    assert res.df_inference == 4


def test_demean_two_way_unbalanced_matches_dummy_regression() -> None:
    rng = np.random.default_rng(7)
    units = np.repeat(np.arange(6), 5)
    times = np.tile(np.arange(5), 6)
    keep = rng.random(30) > 0.25
    u, t, v = units[keep], times[keep], rng.normal(size=keep.sum())
    dummies = np.column_stack([u[:, None] == np.arange(6), (t[:, None] == np.arange(1, 5))])
    fitted = dummies @ np.linalg.lstsq(dummies.astype(float), v, rcond=None)[0]
    np.testing.assert_allclose(demean_two_way(v, u, t), v - fitted, atol=1e-10)


# --- Goodman-Bacon decomposition -----------------------------------------------------------


def test_bacon_hand_example() -> None:
    # never (g=0): 0 0 0 0; early (g=2): 0 1 2 3; late (g=4): 0 0 0 1.  By hand:
    # early vs never 2.0 (w 0.3), late vs never 1.0 (0.3), early vs late (t<=3) 1.5 (0.2),
    # late vs early (t>=2) 1 - 1.5 = -0.5 (0.2); V(D) = 5/72; TWFE = 1.1.
    data = pd.DataFrame(
        {
            "u": np.repeat([1, 2, 3], 4),
            "t": np.tile([1, 2, 3, 4], 3),
            "g": np.repeat([0, 2, 4], 4),
            "y": [0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 1.0],
        }
    )
    res = bacon_decomposition(data, y="y", unit="u", time="t", group="g")
    table = res.table.set_index(["treated", "control"])
    expected = {(2, 0): (2.0, 0.3), (4, 0): (1.0, 0.3), (2, 4): (1.5, 0.2), (4, 2): (-0.5, 0.2)}
    for key, (estimate, weight) in expected.items():
        assert table.loc[key, "estimate"] == pytest.approx(estimate, abs=1e-12)
        assert table.loc[key, "weight"] == pytest.approx(weight, abs=1e-12)
    assert table.loc[(4, 2), "kind"] == "later vs earlier treated"
    assert res.twfe == pytest.approx(1.1, abs=1e-12)
    data["d"] = treatment_indicator(data, time="t", group="g")
    assert twfe(data, y="y", x=["d"], unit="u", time="t").coef("d") == pytest.approx(1.1)


def test_bacon_mpdta_weights_sum_to_one_and_reproduce_twfe(mpdta: pd.DataFrame) -> None:
    res = bacon_decomposition(mpdta, y="lemp", unit="countyreal", time="year", group="first.treat")
    assert res.table["weight"].sum() == pytest.approx(1.0, abs=1e-12)
    assert res.weighted_sum == pytest.approx(res.twfe, abs=1e-12)
    assert res.twfe == pytest.approx(twfe(mpdta, y="lemp", x=["post"], **MPDTA).coef("post"))
    assert len(res.table) == 9  # 3 vs never + 3 pairs x 2 directions
    assert (res.table["weight"] > 0).all()


def test_bacon_with_always_treated_group() -> None:
    data = pd.DataFrame(
        {
            "u": np.repeat([1, 2, 3], 4),
            "t": np.tile([1, 2, 3, 4], 3),
            "g": np.repeat([1, 3, 0], 4),  # unit 1 treated from the first period
            "y": [5, 6, 7, 9, 0, 1, 3, 3, 1, 1, 2, 2.0],
        }
    )
    res = bacon_decomposition(data, y="y", unit="u", time="t", group="g")
    assert "later vs always treated" in set(res.table["kind"])
    assert res.table["weight"].sum() == pytest.approx(1.0, abs=1e-12)
    assert res.weighted_sum == pytest.approx(res.twfe, abs=1e-12)


def test_bacon_rejects_unbalanced_panel() -> None:
    data = pd.DataFrame({"u": [1, 1, 2], "t": [1, 2, 1], "g": [2, 2, 0], "y": [0.0, 1, 0]})
    with pytest.raises(PanelError, match=r"unbalanced.*expected every unit observed"):
        bacon_decomposition(data, y="y", unit="u", time="t", group="g")


# --- event study and pre-trend test --------------------------------------------------------


def test_event_study_bins_endpoints(mpdta: pd.DataFrame) -> None:
    res = event_study(
        mpdta, y="lemp", unit="countyreal", time="year", group="first.treat", window=(-3, 3)
    )
    table = res.table.set_index("event_time")
    # cohorts 2004 (20 counties), 2006 (40), 2007 (131), years 2003-2007.
    # e <= -3: 2007 cohort at e=-4,-3 (2 x 131) + 2006 cohort at e=-3 (40) = 302
    assert table["n_obs"].to_dict() == {-3: 302, -2: 171, -1: 191, 0: 191, 1: 60, 2: 20, 3: 20}
    assert table["binned"].tolist() == [True, False, False, False, False, False, True]
    assert table.loc[-1, "coef"] == 0.0
    assert table.loc[-1, "reference"]
    assert res.pretrend is not None
    assert res.pretrend.terms == ("event_m3", "event_m2")


def test_event_study_single_cohort_equals_event_time_did() -> None:
    rng = np.random.default_rng(11)
    data = staggered_panel(rng)
    data = data[data["g"].isin([0, 2017])]
    res = event_study(data, y="y", unit="unit", time="year", group="g", window=(-4, 7))
    means = data.assign(treated=data["g"] > 0).pivot_table("y", "year", "treated")
    gap = means[True] - means[False]
    for e in (-3, 0, 5):  # unbinned event times: DiD of means relative to e = -1
        expected = gap.loc[2017 + e] - gap.loc[2016]
        assert res.table.set_index("event_time").loc[e, "coef"] == pytest.approx(expected)


def test_pretrend_test_detects_planted_pretrend() -> None:
    flat = staggered_panel(np.random.default_rng(3))
    trending = staggered_panel(np.random.default_rng(3), pretrend=0.3)
    kw = {"y": "y", "unit": "unit", "time": "year", "group": "g", "window": (-4, 4)}
    p_flat = event_study(flat, **kw).pretrend
    p_trend = event_study(trending, **kw).pretrend
    assert p_flat is not None
    assert p_trend is not None
    assert p_flat.df_num == 3
    assert p_flat.df_den == 15
    assert p_flat.pvalue > 0.05
    assert p_trend.pvalue < 1e-3


def test_event_study_and_wald_errors() -> None:
    data = staggered_panel(np.random.default_rng(0))
    with pytest.raises(SpecificationError, match=r"expected window\[0\] < reference < 0"):
        event_study(data, y="y", unit="unit", time="year", group="g", window=(-1, 3))
    fit = twfe(data, y="y", x=["d"], unit="unit", time="year")
    with pytest.raises(SpecificationError, match=r"terms \['x'\]; expected a non-empty subset"):
        wald_test(fit, ["x"])


def test_twfe_errors() -> None:
    data = staggered_panel(np.random.default_rng(0))
    data["constant_in_unit"] = data["unit"] * 2.0
    with pytest.raises(SpecificationError, match=r"collinear with the unit and time effects"):
        twfe(data, y="y", x=["d", "constant_in_unit"], unit="unit", time="year")
    with pytest.raises(OptionError, match=r"cov: expected one of"):
        twfe(data, y="y", x=["d"], unit="unit", time="year", cov="robust")  # type: ignore[arg-type]
    with pytest.raises(PanelError, match=r"appear more than once"):
        twfe(pd.concat([data, data.iloc[[3]]]), y="y", x=["d"], unit="unit", time="year")


# --- wild cluster bootstrap ----------------------------------------------------------------


def test_bootstrap_t_equals_clustered_twfe_t(mpdta: pd.DataFrame) -> None:
    res = wild_cluster_bootstrap(
        mpdta,
        y="lemp",
        x=["post"],
        test="post",
        **MPDTA,
        rng=np.random.default_rng(0),
        iterations=199,
    )
    assert res.t_stat == approx_published("fixest.mpdta.post.t")
    assert res.coef == approx_published("fixest.mpdta.post.coef")
    assert res.pvalue < 0.02


def test_bootstrap_matches_refitting_each_draw() -> None:
    # Reference: refit every bootstrap sample with linearmodels through twfe().
    data = staggered_panel(np.random.default_rng(5), effect=0.05)
    data["x2"] = np.random.default_rng(6).normal(size=len(data))
    res = wild_cluster_bootstrap(
        data,
        y="y",
        x=["d", "x2"],
        test="d",
        unit="unit",
        time="year",
        rng=np.random.default_rng(9),
        iterations=40,
    )
    draws, _ = draw_cluster_weights(16, 40, weights="webb", rng=np.random.default_rng(9))
    restricted = twfe(data, y="y", x=["x2"], unit="unit", time="year").raw
    fitted = data["y"].to_numpy() - restricted.resids.to_numpy()
    resid = restricted.resids.to_numpy()
    t_obs = twfe(data, y="y", x=["d", "x2"], unit="unit", time="year").table.iloc[0]["t"]
    exceed = 0
    for w in draws:
        star = data.assign(y=fitted + w[data["unit"].to_numpy()] * resid)
        t_star = twfe(star, y="y", x=["d", "x2"], unit="unit", time="year").table.iloc[0]["t"]
        exceed += abs(t_star) >= abs(t_obs)
    assert res.t_stat == pytest.approx(t_obs, rel=1e-10)
    assert res.pvalue == exceed / 40


def test_bootstrap_pvalues_uniform_under_null_small_under_effect() -> None:
    rng = np.random.default_rng(20240601)
    pvalues = []
    for _ in range(500):  # about 2 s; rejection rate at 5% has a Monte Carlo SE of 0.01
        data = staggered_panel(rng)
        res = wild_cluster_bootstrap(
            data, y="y", x=["d"], test="d", unit="unit", time="year", rng=rng, iterations=199
        )
        pvalues.append(res.pvalue)
    pvalues = np.array(pvalues)
    assert stats.kstest(pvalues, "uniform").pvalue > 0.01
    assert 0.02 <= (pvalues <= 0.05).mean() <= 0.10
    assert 0.05 <= (pvalues <= 0.10).mean() <= 0.15
    large = staggered_panel(rng, effect=0.5)
    res = wild_cluster_bootstrap(
        large, y="y", x=["d"], test="d", unit="unit", time="year", rng=rng, iterations=999
    )
    assert res.pvalue < 0.01


def test_rademacher_enumeration_is_deterministic() -> None:
    data = staggered_panel(np.random.default_rng(1), effect=0.2)
    data = data[data["unit"].isin([0, 1, 2, 3, 10, 12, 13])]  # 7 units: 2**7 = 128 patterns
    kw = {"y": "y", "x": ["d"], "test": "d", "unit": "unit", "time": "year"}
    a = wild_cluster_bootstrap(
        data, **kw, rng=np.random.default_rng(1), iterations=999, weights="rademacher"
    )
    b = wild_cluster_bootstrap(
        data, **kw, rng=np.random.default_rng(2), iterations=999, weights="rademacher"
    )
    assert a.enumerated
    assert a.iterations == 128
    assert a.pvalue == b.pvalue
    # with 128 equally likely patterns the smallest attainable p-value is 2/128 (w and -w)
    assert a.pvalue >= 2 / 128


def test_webb_weights_have_mean_zero_unit_variance() -> None:
    draws, enumerated = draw_cluster_weights(
        16, 20000, weights="webb", rng=np.random.default_rng(0)
    )
    assert not enumerated
    assert draws.shape == (20000, 16)
    assert len(np.unique(draws)) == 6
    assert draws.mean() == pytest.approx(0, abs=0.01)
    assert (draws**2).mean() == pytest.approx(1, abs=0.01)


def test_bootstrap_errors() -> None:
    data = staggered_panel(np.random.default_rng(0))
    kw = {"y": "y", "unit": "unit", "time": "year", "rng": np.random.default_rng(0)}
    with pytest.raises(SpecificationError, match=r"test='z'; expected one of \['d'\]"):
        wild_cluster_bootstrap(data, x=["d"], test="z", **kw)
    with pytest.raises(SpecificationError, match=r"iterations=0; expected a positive"):
        wild_cluster_bootstrap(data, x=["d"], test="d", iterations=0, **kw)
    with pytest.raises(OptionError, match=r"weights: expected one of"):
        wild_cluster_bootstrap(data, x=["d"], test="d", weights="mammen", **kw)  # type: ignore[arg-type]
