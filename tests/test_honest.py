"""HonestDiD wrapper (moderndid.didhonest) against the published example of R HonestDiD."""

from __future__ import annotations

import numpy as np
import pytest

from policingstudy.core.errors import OptionError, SpecificationError
from policingstudy.methods.causal.honest import breakdown, event_study_input, honest_bounds
from policingstudy.methods.causal.twfe import twfe

# R HonestDiD README (asheshrambachan/HonestDiD, commit 02b541bb), "Example usage - Medicaid
# expansions": ehec data, years < 2016 without the 2015 cohort, feols(dins ~ i(year, D,
# ref = 2013) | stfips + year, cluster = "stfips"), 5 pre and 2 post coefficients, theta = the
# 2014 effect. Printed (3 significant digits):
README_SD = {  # createSensitivityResults, FLCI
    0.00: (0.0259, 0.0607),
    0.01: (0.0132, 0.0787),
    0.02: (0.00286, 0.0907),
    0.03: (-0.00714, 0.101),
}
README_RM = {  # createSensitivityResults_relativeMagnitudes, C-LF
    0.5: (0.0240, 0.0672),
    1.0: (0.0170, 0.0720),
    1.5: (0.00824, 0.0797),
    2.0: (-0.000916, 0.0881),
}


@pytest.fixture(scope="module")
def ehec_event_study():
    from moderndid import load_ehec

    d = load_ehec().to_pandas()
    d = d[(d["year"] < 2016) & (d["yexp2"].isna() | (d["yexp2"] != 2015))].copy()
    treated = d["yexp2"] == 2014
    names, times = [], []
    for year in range(2008, 2016):
        if year == 2013:
            continue
        d[f"y{year}"] = ((d["year"] == year) & treated).astype(float)
        names.append(f"y{year}")
        times.append(year - 2014)
    fit = twfe(d, y="dins", x=names, unit="stfips", time="year")
    return event_study_input(times, fit.table["coef"], fit.vcov.to_numpy())


def test_smoothness_reproduces_the_r_readme(ehec_event_study):
    bounds = honest_bounds(ehec_event_study, restriction="smoothness", mbar=list(README_SD))
    rows = bounds[bounds["method"] == "FLCI"].set_index("mbar")
    for m, (lb, ub) in README_SD.items():
        # the README prints three significant digits; FLCI is a grid-free optimum
        assert rows.loc[m, "lb"] == pytest.approx(lb, abs=1.5e-4)
        assert rows.loc[m, "ub"] == pytest.approx(ub, abs=1e-3)


@pytest.mark.slow
def test_relative_magnitudes_reproduce_the_r_readme(ehec_event_study):
    bounds = honest_bounds(
        ehec_event_study, restriction="relative_magnitudes", mbar=list(README_RM), grid_points=1000
    )
    rows = bounds[bounds["method"] == "C-LF"].set_index("mbar")
    for m, (lb, ub) in README_RM.items():
        # test inversion on a 1,000-point grid whose ends differ from R's: agreement to 5e-4
        assert rows.loc[m, "lb"] == pytest.approx(lb, abs=5e-4)
        assert rows.loc[m, "ub"] == pytest.approx(ub, abs=5e-4)
    assert breakdown(bounds) == 2.0  # the README's breakdown value


def test_original_interval_is_the_normal_interval(ehec_event_study):
    bounds = honest_bounds(ehec_event_study, restriction="smoothness", mbar=[0.0])
    first = bounds.iloc[0]
    beta, se = ehec_event_study.betahat[5], np.sqrt(ehec_event_study.sigma[5, 5])
    assert first["method"] == "original"
    assert first["lb"] == pytest.approx(beta - 1.959964 * se, abs=1e-5)
    assert first["ub"] == pytest.approx(beta + 1.959964 * se, abs=1e-5)


def test_inputs_are_checked():
    with pytest.raises(SpecificationError, match="expected at least one pre-adoption"):
        event_study_input([0, 1], [0.1, 0.2], np.eye(2))
    with pytest.raises(SpecificationError, match="not symmetric"):
        event_study_input([-2, 0], [0.1, 0.2], np.array([[1.0, 0.5], [0.0, 1.0]]))
    est = event_study_input([-2, 0], [0.1, 0.2], np.eye(2) * 0.01)
    with pytest.raises(OptionError, match="restriction"):
        honest_bounds(est, restriction="bogus", mbar=[1])  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="l_vec has 2 weights"):
        honest_bounds(est, restriction="smoothness", mbar=[0], l_vec=[0.5, 0.5])
