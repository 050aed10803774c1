"""The simulation study (simulated outcomes on an adoption schedule)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import PanelError, SpecificationError
from policingstudy.methods.causal.simulation import (
    SimulationDesign,
    fit_schedule_to_years,
    simulate_outcomes,
    simulate_panel,
    simulation_study,
    true_effects,
    twfe_balanced,
)
from policingstudy.methods.causal.twfe import treatment_indicator, twfe

# 16 units over 2013-2024, six adopters in five cohorts: the shape of the German Länder panel.
SCHEDULE = {f"L{i:02d}": g for i, g in enumerate([0] * 10 + [2015, 2015, 2017, 2019, 2020, 2022])}
YEARS = range(2013, 2025)


def test_true_effects_by_hand() -> None:
    design = SimulationDesign(effect=0.1, dynamic=0.05, cohort_spread=0.5)
    tau = true_effects(np.array([0, 2015, 2017]), np.arange(2013, 2019), design)
    # cohort factors: 2015 (earliest) 1.5, 2017 (latest) 0.5
    assert tau[0].tolist() == [0.0] * 6
    assert tau[1, 2014 - 2013] == 0.0
    assert tau[1, 2016 - 2013] == pytest.approx((0.1 + 0.05 * 1) * 1.5)  # 0.225
    assert tau[2, 2018 - 2013] == pytest.approx((0.1 + 0.05 * 1) * 0.5)  # 0.075


def test_simulated_panel_is_labelled_and_seeded() -> None:
    a = simulate_panel(SCHEDULE, YEARS, rng=np.random.default_rng(1))
    b = simulate_panel(SCHEDULE, YEARS, rng=np.random.default_rng(1))
    c = simulate_panel(SCHEDULE, YEARS, rng=np.random.default_rng(2))
    assert list(a.columns) == [
        "unit",
        "year",
        "first_treat",
        "simulated_outcome",
        "simulated_true_effect",
    ]
    assert len(a) == 16 * 12
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["simulated_outcome"], c["simulated_outcome"])


def test_vectorised_twfe_equals_linearmodels() -> None:
    groups = np.array(list(SCHEDULE.values()))
    years = np.arange(2013, 2025)
    y = simulate_outcomes(
        groups, years, design=SimulationDesign(), replications=3, rng=np.random.default_rng(4)
    )
    treated = (groups[:, None] > 0) & (years[None, :] >= groups[:, None])
    fast = twfe_balanced(y, treated)
    for rep in range(3):
        panel = pd.DataFrame(
            {
                "unit": np.repeat(np.arange(16), 12),
                "year": np.tile(years, 16),
                "g": np.repeat(groups, 12),
                "y": y[rep].ravel(),
            }
        )
        panel["d"] = treatment_indicator(panel, time="year", group="g")
        row = twfe(panel, y="y", x=["d"], unit="unit", time="year").table.iloc[0]
        assert fast.loc[rep, "estimate"] == pytest.approx(row["coef"], abs=1e-10)
        assert fast.loc[rep, "se"] == pytest.approx(row["se"], abs=1e-10)
        assert fast.loc[rep, "ci_low"] == pytest.approx(row["ci_low"], abs=1e-10)


def test_homogeneous_effect_both_unbiased() -> None:
    design = SimulationDesign(effect=0.1, dynamic=0.0, cohort_spread=0.0)
    study = simulation_study(
        SCHEDULE, YEARS, rng=np.random.default_rng(2024), design=design, replications=60
    )
    summary = study.summary.set_index("estimator")
    assert study.simulated_target == pytest.approx(0.1)  # constant effect
    assert summary["simulated_target"].tolist() == pytest.approx([0.1, 0.1])
    # Monte Carlo SE of the mean over 60 replications is about 0.004 (TWFE), 0.007 (CS)
    assert abs(summary.loc["twfe", "bias"]) < 0.015
    assert abs(summary.loc["callaway_santanna", "bias"]) < 0.025
    assert len(study.replications) == 120
    assert study.n_treated_units == 6


def test_dynamic_heterogeneous_effects_bias_twfe_not_cs() -> None:
    study = simulation_study(
        SCHEDULE, YEARS, rng=np.random.default_rng(7), design=SimulationDesign(), replications=60
    )
    s = study.summary.set_index("estimator")
    # Growing effects make already-treated controls absorb part of the effect: TWFE is
    # biased towards zero, by several of its own standard deviations.
    assert s.loc["twfe", "bias"] < -3 * s.loc["twfe", "sd"]
    assert abs(s.loc["callaway_santanna", "bias"]) < 3 * s.loc["callaway_santanna", "sd"] / np.sqrt(
        60
    )
    assert s.loc["twfe", "coverage"] < s.loc["callaway_santanna", "coverage"]
    assert s.loc["twfe", "rmse"] > s.loc["callaway_santanna", "rmse"]
    assert (s["seconds"] > 0).all()


def test_study_is_deterministic_given_seed() -> None:
    def run() -> pd.DataFrame:
        return simulation_study(
            SCHEDULE, YEARS, rng=np.random.default_rng(3), replications=4, chunk=3
        ).replications

    pd.testing.assert_frame_equal(run(), run())


def test_fit_schedule_to_years() -> None:
    schedule, report = fit_schedule_to_years({"a": 0, "b": 2013, "c": 2014, "d": 2030}, YEARS)
    assert schedule == {"a": 0, "c": 2014, "d": 0}
    assert report == {"recoded_to_never": ["d"], "dropped_treated_at_start": ["b"]}


def test_errors() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(PanelError, match=r"1 unit\(s\) adopt outside \(2013, 2024\].*'L99', 2030"):
        simulate_panel({**SCHEDULE, "L99": 2030}, YEARS, rng=rng)
    with pytest.raises(PanelError, match=r"no unit adopts"):
        simulate_panel({"a": 0, "b": 0}, YEARS, rng=rng)
    with pytest.raises(SpecificationError, match=r"expected at least two consecutive years"):
        simulate_panel(SCHEDULE, [2013, 2015, 2016], rng=rng)
    with pytest.raises(SpecificationError, match=r"replications=0"):
        simulation_study(SCHEDULE, YEARS, rng=rng, replications=0)
