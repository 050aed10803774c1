"""Callaway & Sant'Anna through policingstudy.methods.causal.did against R ``did`` on mpdta.

mpdta ships with the tests (``tests/data/mpdta``); the R numbers are read from
``data/raw/reference/published.json`` (``scripts/make_reference.py`` says where each comes from).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import OptionError, PanelError, SpecificationError
from policingstudy.methods.causal.did import att_gt, check_panel
from tests.helpers import approx_published

KW = {"y": "lemp", "unit": "countyreal", "time": "year", "group": "first.treat"}


@pytest.fixture(scope="module")
def mpdta(mpdta_raw: pd.DataFrame) -> pd.DataFrame:
    return mpdta_raw.copy()


@pytest.fixture(scope="module")
def fit(mpdta: pd.DataFrame):
    return att_gt(mpdta, **KW, control="never", est_method="dr")


# --- published values (source: r_did_mpdta in scripts/make_reference.py) ------------------


def test_simple_att_matches_r_did(fit) -> None:
    agg = fit.aggregate("simple")
    assert agg.att == approx_published("did.mpdta.simple.att")
    assert agg.se == approx_published("did.mpdta.simple.se")


def test_dynamic_overall_matches_r_did(fit) -> None:
    agg = fit.aggregate("dynamic")
    assert agg.att == approx_published("did.mpdta.dynamic.att")
    assert agg.se == approx_published("did.mpdta.dynamic.se")


def test_att_2004_2006_matches_r_did(fit) -> None:
    row = fit.attgt.query("group == 2004 and time == 2006").iloc[0]
    assert row["att"] == approx_published("did.mpdta.attgt_2004_2006.att")
    assert row["se"] == approx_published("did.mpdta.attgt_2004_2006.se")


def test_group_overall_matches_r_twfeweights_readme(fit) -> None:
    # twfeweights README: sum(wO * attgt) over post-treatment cells, the group-aggregated
    # overall ATT (source twfeweights_readme in scripts/make_reference.py).
    assert fit.aggregate("group").att == approx_published("did.mpdta.group_att")


# --- structure and internal consistency ----------------------------------------------------


def test_counts_and_columns(fit) -> None:
    assert (fit.n_units, fit.n_obs, fit.n_units_dropped, fit.n_obs_dropped) == (500, 2500, 0, 0)
    assert fit.dropped == {}
    assert list(fit.attgt.columns[:4]) == ["group", "time", "event_time", "att"]
    assert {"se", "ci_low", "ci_high"} <= set(fit.attgt.columns)
    # 3 cohorts x 4 periods after the first (varying base period): 12 cells
    assert len(fit.attgt) == 12


def test_aggregation_tables_agree_with_cells(fit) -> None:
    cells = fit.attgt.set_index(["group", "time"])
    dynamic = fit.aggregate("dynamic").table.set_index("event_time")
    # only the 2004 cohort is observed 2 and 3 years after adoption
    assert dynamic.loc[2, "att"] == pytest.approx(cells.loc[(2004, 2006), "att"], abs=1e-12)
    assert dynamic.loc[3, "se"] == pytest.approx(cells.loc[(2004, 2007), "se"], abs=1e-12)
    calendar = fit.aggregate("calendar").table.set_index("time")
    # only the 2004 cohort is treated in 2004
    assert calendar.loc[2004, "att"] == pytest.approx(cells.loc[(2004, 2004), "att"], abs=1e-12)
    group = fit.aggregate("group").table.set_index("group")
    post_2006 = cells.loc[[(2006, 2006), (2006, 2007)], "att"].mean()
    assert group.loc[2006, "att"] == pytest.approx(post_2006, abs=1e-12)
    assert list(group.index) == [2004, 2006, 2007]
    assert fit.aggregate("simple").table.empty


def test_confidence_interval_is_pointwise_normal(fit) -> None:
    agg = fit.aggregate("simple")
    assert agg.ci_high - agg.att == pytest.approx(1.959963984540054 * agg.se, rel=1e-12)


def test_estimators_coincide_without_covariates(mpdta: pd.DataFrame, fit) -> None:
    # Without covariates DR, IPW and outcome regression give the same ATT(g,t) and SEs;
    # the simulation study relies on this to use the faster "reg".
    for method in ("reg", "ipw"):
        other = att_gt(mpdta, **KW, est_method=method)
        np.testing.assert_allclose(other.attgt["att"], fit.attgt["att"], atol=1e-12)
        np.testing.assert_allclose(other.attgt["se"], fit.attgt["se"], atol=1e-12)


def test_not_yet_treated_equals_never_when_no_one_is_left(mpdta: pd.DataFrame, fit) -> None:
    notyet = att_gt(mpdta, **KW, control="notyet").attgt.set_index(["group", "time"])
    cells = fit.attgt.set_index(["group", "time"])
    # in 2007 every other cohort is treated: not-yet-treated controls = never-treated
    assert notyet.loc[(2007, 2007), "att"] == pytest.approx(cells.loc[(2007, 2007), "att"])
    # in 2004 the 2006 and 2007 cohorts join the controls: a different estimate
    assert abs(notyet.loc[(2004, 2004), "att"] - cells.loc[(2004, 2004), "att"]) > 1e-3


def test_string_unit_ids_give_the_same_estimates(mpdta: pd.DataFrame, fit) -> None:
    named = mpdta.assign(countyreal="c" + mpdta["countyreal"].astype(str))
    other = att_gt(named, **KW)
    np.testing.assert_allclose(other.attgt["att"], fit.attgt["att"], atol=1e-12)


def test_bootstrap_is_seeded_and_close_to_analytic(mpdta: pd.DataFrame, fit) -> None:
    def boot(seed: int) -> float:
        res = att_gt(mpdta, **KW, bootstrap_iterations=499, rng=np.random.default_rng(seed))
        return res.aggregate("simple").se

    assert boot(1) == boot(1)
    assert boot(1) == pytest.approx(fit.aggregate("simple").se, rel=0.15)


# --- dropped rows are counted --------------------------------------------------------------


def test_missing_outcome_drops_the_unit_and_says_so(mpdta: pd.DataFrame) -> None:
    data = mpdta.copy()
    data.loc[data.index[0], "lemp"] = np.nan
    res = att_gt(data, **KW)
    assert (res.n_units, res.n_obs) == (499, 2495)
    assert (res.n_units_dropped, res.n_obs_dropped) == (1, 5)
    assert res.dropped == {
        "missing value in ['lemp']": (1, 1),
        "not observed in all 5 periods": (1, 4),
    }


def test_unit_treated_in_first_period_is_dropped(mpdta: pd.DataFrame) -> None:
    data = mpdta.copy()
    data.loc[data["countyreal"] == 8001, "first.treat"] = 2003
    res = att_gt(data, **KW)
    assert res.dropped == {"treated in the first period 2003": (1, 5)}
    assert res.n_units == 499


# --- named errors before estimation --------------------------------------------------------


def test_duplicate_unit_time_rows(mpdta: pd.DataFrame) -> None:
    data = pd.concat([mpdta, mpdta.iloc[[0]]], ignore_index=True)
    with pytest.raises(
        PanelError,
        match=r"\(countyreal, year\) pair\(s\) appear more than once.*"
        r"\(8001, 2003\) at rows 0, 2500",
    ):
        att_gt(data, **KW)


def test_group_varying_within_unit(mpdta: pd.DataFrame) -> None:
    data = mpdta.copy()
    data.loc[0, "first.treat"] = 2004
    with pytest.raises(
        PanelError,
        match=r"'first.treat' varies within 1 unit.*"
        r"countyreal=8001 has \[2004, 2007\]",
    ):
        att_gt(data, **KW)


def test_treatment_year_outside_panel(mpdta: pd.DataFrame) -> None:
    data = mpdta.copy()
    data.loc[data["countyreal"] == 8001, "first.treat"] = 2010
    with pytest.raises(
        PanelError,
        match=r"period\(s\) 2010 outside the panel's year range "
        r"2003-2007.*expected 0 \(never treated\)",
    ):
        att_gt(data, **KW)


def test_all_missing_outcome(mpdta: pd.DataFrame) -> None:
    with pytest.raises(PanelError, match=r"outcome column 'lemp' is missing in all 2500 rows"):
        att_gt(mpdta.assign(lemp=np.nan), **KW)


def test_unknown_columns(mpdta: pd.DataFrame) -> None:
    with pytest.raises(PanelError, match=r"unknown column\(s\) \['lpopp'\]"):
        att_gt(mpdta, **KW, covariates=["lpopp"])


def test_several_problems_are_reported_together(mpdta: pd.DataFrame) -> None:
    data = pd.concat([mpdta, mpdta.iloc[[0]]], ignore_index=True)
    data.loc[5, "first.treat"] = 1990
    with pytest.raises(PanelError) as info:
        att_gt(data, **KW)
    assert len(info.value.problems) == 3  # duplicate, varying group, outside the panel
    assert isinstance(info.value, SpecificationError)


def test_bad_options(mpdta: pd.DataFrame, fit) -> None:
    with pytest.raises(OptionError, match=r"control: expected one of \('never', 'notyet'\)"):
        att_gt(mpdta, **KW, control="nevertreated")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match=r"bootstrap_iterations=99 with rng=None"):
        att_gt(mpdta, **KW, bootstrap_iterations=99)
    with pytest.raises(OptionError, match=r"kind: expected one of"):
        fit.aggregate("event")  # type: ignore[arg-type]


def test_check_panel_balances_only_when_asked() -> None:
    data = pd.DataFrame({"u": [1, 1, 2], "t": [1, 2, 1], "y": [0.0, 1.0, 2.0]})
    assert len(check_panel(data, unit="u", time="t", outcome="y").data) == 3
    checked = check_panel(data, unit="u", time="t", outcome="y", balance=True)
    assert checked.dropped == {"not observed in all 2 periods": (1, 1)}
