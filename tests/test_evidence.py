"""Study-level panel builders of notebook 06 on small hand-made inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import JoinError
from policingstudy.studies.evidence import (
    ESTIMATE_COLUMNS,
    EvidenceSettings,
    add_rate,
    de_timing,
    german_evidence,
    pre_adoption_means,
    verdict,
)

FAST = EvidenceSettings(
    bootstrap_iterations=99, permutation_draws=99, honest_mbar=(1.0,), honest_grid_points=20
)
LANDS = {  # code: (kind, established, first holder or None)
    "DE-AA": ("police_commissioner", "2015-05-01", "2016-02-01"),
    "DE-BB": ("police_commissioner", "2016-01-01", None),  # never filled
    "DE-CC": ("complaints_office", "2017-03-01", None),  # ministry office: in post when set up
    "DE-DD": ("police_commissioner", "2018-07-01", "2018-09-01"),
    "DE-EE": ("no_body", None, None),
    "DE-FF": ("no_body", None, None),
    "DE-GG": ("no_body", None, None),
    "DE-NW": ("police_commissioner", "2016-06-01", "2016-06-01"),
}


def _dataset() -> tuple[pd.DataFrame, pd.DataFrame]:
    units, events = [], []
    for code, (kind, est, holder) in LANDS.items():
        uid = "DE_" + code[-2:]
        units.append({"unit_id": uid, "jurisdiction": "DE", "subunit_code": code, "kind": kind})
        if est:
            events.append({"unit_id": uid, "event": "established", "date": est})
        if holder:
            events.append({"unit_id": uid, "event": "first_holder_took_office", "date": holder})
    return pd.DataFrame(units), pd.DataFrame(events)


def test_timing_definitions_from_dated_events():
    units, events = _dataset()
    timing = de_timing(units, events).set_index("unit")
    assert timing.loc["DE-AA", ["established", "first_holder"]].tolist() == [2015, 2016]
    assert timing.loc["DE-BB", "first_holder"] == 0  # office never filled: never treated
    assert timing.loc["DE-CC", "first_holder"] == 2017  # executive office
    assert np.isnan(timing.loc["DE-CC", "parliamentary"])  # executive first body: dropped
    assert np.isnan(timing.loc["DE-NW", "established_without_nw"])
    assert timing.loc["DE-EE", "established"] == 0


def _inputs(effect: float, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    units, events = _dataset()
    timing = de_timing(units, events).set_index("unit")["established"]
    rows, pops = [], []
    for code in LANDS:
        pop = 1_000_000 * (1 + list(LANDS).index(code))
        for year in range(2012, 2021):
            pops.append((code, year, pop))
        for year in range(2013, 2021):
            g = timing[code]
            rate = 3.0 + rng.normal(0, 0.1) + (effect if 0 < g <= year else 0.0)
            rows.append((year, code, "655100", round(rate * pop / 1e5)))
    pks = pd.DataFrame(rows, columns=["year", "land_code", "key", "cases"])
    population = pd.DataFrame(pops, columns=["unit", "year", "population"])
    return pks, population


def test_german_evidence_recovers_a_known_effect_and_fills_every_table():
    units, events = _dataset()
    pks, population = _inputs(effect=2.0)
    ev = german_evidence(
        pks,
        units,
        events,
        population,
        rng=np.random.default_rng(0),
        settings=FAST,
        years=range(2013, 2021),
    )
    assert list(ev.estimates.columns) == ESTIMATE_COLUMNS
    twfe = ev.estimate("twfe", definition="established", p_method="cluster_t")
    assert twfe["estimate"] == pytest.approx(2.0, abs=0.15)
    assert twfe["ci_low"] < 2.0 < twfe["ci_high"]
    cs = ev.estimate("cs_varying", definition="established", anticipation=0)
    assert cs["estimate"] == pytest.approx(2.0, abs=0.15)
    ppml = ev.estimate("ppml", definition="established")
    assert np.expm1(ppml["estimate"]) == pytest.approx(2.0 / 3.0, abs=0.1)  # +2 on a base of 3
    assert ev.estimate("twfe", definition="established", p_method="permutation")["p_value"] < 0.05
    assert set(ev.estimates["definition"]) == {
        "established",
        "first_holder",
        "parliamentary",
        "established_without_nw",
    }
    assert ev.data["unit"].nunique() == 8  # none treated before 2013
    assert set(ev.honest["restriction"]) == {"relative_magnitudes", "smoothness"}
    assert list(ev.power["estimator"]) == ["twfe", "cs_varying", "ppml"]
    # rate = cases / population of 31 December of the previous year
    row = ev.data.iloc[0]
    assert row["cases_per_100k"] == pytest.approx(1e5 * row["cases"] / row["population"])


def test_verdict_refuses_an_effect_that_depends_on_timing():
    units, events = _dataset()
    pks, population = _inputs(effect=0.0)
    ev = german_evidence(
        pks,
        units,
        events,
        population,
        rng=np.random.default_rng(0),
        settings=FAST,
        years=range(2013, 2021),
    )
    v = verdict(ev, main="established")
    assert not v.survives
    assert "main" in v.failed


def test_add_rate_names_missing_population():
    data = pd.DataFrame({"unit": ["a", "b"], "year": [2020, 2020], "n": [1.0, 2.0]})
    pop = pd.DataFrame({"unit": ["a"], "year": [2020], "population": [50_000]})
    with pytest.raises(JoinError, match=r"1 unit-year\(s\), e.g. \[\('b', 2020\)\]"):
        add_rate(data, pop, count="n", rate="r")
    ok = add_rate(data.iloc[:1], pop, count="n", rate="r")
    assert ok["r"].iloc[0] == pytest.approx(2.0)


def test_pre_adoption_means_compare_with_units_not_yet_treated():
    data = pd.DataFrame(
        {
            "unit": ["a", "a", "a", "b", "b", "b", "c", "c", "c"],
            "year": [1, 2, 3] * 3,
            "group": [2] * 3 + [3] * 3 + [0] * 3,
            "y": [1.0, 5.0, 5.0, 2.0, 2.0, 8.0, 3.0, 3.0, 3.0],
        }
    )
    out = pre_adoption_means(data, y="y", window=(-1, 0)).set_index("event_time")
    # e=-1: a in year 1 (1.0), b in year 2 (2.0); comparison year 1 = mean(a, b, c) = 2.0,
    # year 2 = mean(b, c) = 2.5
    assert out.loc[-1, "adopters_mean"] == pytest.approx(1.5)
    assert out.loc[-1, "comparison_mean"] == pytest.approx(2.25)
    assert out.loc[0, "n_adopters"] == 2
