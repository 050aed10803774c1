"""Tables and quoted numbers of notebook 06 (``report.views.evidence``) on hand-built inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.methods.causal.simulation import SimulationDesign, SimulationStudy
from policingstudy.report.numbers import Numbers
from policingstudy.report.tables import cells
from policingstudy.report.views import evidence as ev


@pytest.mark.parametrize(
    ("lang", "berlin", "never"),
    [("en", "Berlin", "never"), ("kk", "Берлин", "ешқашан"), ("ru", "Берлин", "никогда")],
)
def test_timing_display_drops_units_never_adopting_under_any_definition(lang, berlin, never):
    schedules = pd.DataFrame(
        {
            "unit": ["DE-BE", "DE-BY", "US-X"],
            "established": [2015, 0, np.nan],
            "first_holder": [0, 0, 2003.0],
        }
    )
    shown = cells(ev.timing_display(schedules, ("established", "first_holder"), lang))
    # DE-BY never adopts under either definition; a dropped unit (NaN) is shown as a dash.
    assert shown.iloc[:, -1].tolist() == ["DE-BE", "US-X"]
    assert shown.iloc[:, 1].tolist() == ["2015", "–"]
    assert shown.iloc[:, 2].tolist() == [never, "2003"]
    assert shown.iloc[:, 0].tolist() == [berlin, "US-X"]  # only German Länder are named


def test_checks_numbers_reads_each_estimator_row():
    summary = pd.DataFrame(
        {
            "estimator": ["callaway_santanna", "twfe"],
            "simulated_target": [0.25, 0.25],
            "bias": [0.004, -0.081],
            "replications": [200, 200],
        }
    )
    simulation = SimulationStudy(
        summary=summary,
        replications=pd.DataFrame(),
        simulated_target=0.25,
        design=SimulationDesign(),
        n_units=16,
        n_years=20,
        n_treated_units=10,
        control="never",
        alpha=0.05,
    )
    validation = pd.DataFrame({"max_abs_diff": [0.0, 5e-9, 2e-3]})
    nums = ev.checks_numbers(simulation, validation, Numbers())
    assert nums["sim_replications"] == 200
    assert nums["sim_target"] == pytest.approx(0.25)
    assert nums["sim_twfe_bias"] == pytest.approx(-0.081)
    assert nums["sim_cs_bias"] == pytest.approx(0.004)
    assert nums["mpdta_n_checks"] == 3
    assert nums["mpdta_n_agree"] == 2
