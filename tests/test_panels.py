"""Adoption panel builders, their estimates and the notebook's report functions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import JoinError, PanelError, ParameterError
from policingstudy.report.views import evidence_de as evidence
from policingstudy.studies.adoption_de import (
    de_adoption_schedule,
    estimate_adoption_effects,
    pks_land_panel,
)
from policingstudy.studies.params import AdoptionEvidenceParams
from tests.helpers import approx_published

YEARS = (2013, 2014, 2015, 2016)


def _units() -> pd.DataFrame:
    rows = [
        ("DE_FED", "", "police_commissioner"),
        ("DE_AA", "DE-AA", "police_commissioner"),
        ("DE_BB", "DE-BB", "complaints_office"),
        ("DE_BB_2", "DE-BB", "police_commissioner"),
        ("DE_CC", "DE-CC", "no_body"),
        ("DE_DD", "DE-DD", "complaints_office"),
        ("DE_EE", "DE-EE", "police_commissioner"),
        ("DE_FF", "DE-FF", "no_body"),
    ]
    return pd.DataFrame(rows, columns=["unit_id", "subunit_code", "kind"]).assign(jurisdiction="DE")


def _events() -> pd.DataFrame:
    rows = [
        ("DE_FED", "established", "2014-03-05"),
        ("DE_AA", "established", "2015-02"),
        ("DE_AA", "first_holder_took_office", "2014-01-01"),  # not an establishment
        ("DE_BB", "established", "2015-07-01"),
        ("DE_BB_2", "established", "2014-11-01"),  # earlier body of the same Land counts
        ("DE_CC", "established", "1998-06-25"),  # no_body: historical, never treated
        ("DE_DD", "established", "2009"),  # before the window: dropped
        ("DE_EE", "established", "2020-01-01"),  # after the window: recoded to 0
    ]
    return pd.DataFrame(rows, columns=["unit_id", "event", "date"])


def _pks(lands: list[str], key: str = "655100") -> pd.DataFrame:
    rows = []
    for i, land in enumerate(lands):
        for j, year in enumerate(YEARS):
            rows.append((year, land, key, 10 * (i + 1) + j, 5 * (i + 1)))
    rows += [(y, "DE", key, 999, 1) for y in YEARS]  # federal total is not a unit
    return pd.DataFrame(rows, columns=["year", "land_code", "key", "cases", "cleared_cases"])


def test_schedule_first_established_event_per_land() -> None:
    table = de_adoption_schedule(_units(), _events()).table.set_index("land_code")
    assert list(table.index) == ["DE-AA", "DE-BB", "DE-CC", "DE-DD", "DE-EE", "DE-FF"]
    assert table["first_year"].to_dict() == {
        "DE-AA": 2015,
        "DE-BB": 2014,
        "DE-CC": 0,
        "DE-DD": 2009,
        "DE-EE": 2020,
        "DE-FF": 0,
    }
    assert table.loc["DE-BB", "unit_id"] == "DE_BB_2"
    assert table.loc["DE-BB", "body_type"] == "parliamentary"
    assert table.loc["DE-DD", "body_type"] == "executive"
    assert table.loc["DE-CC", "body_type"] == "none"


def test_schedule_missing_establishment_is_named() -> None:
    events = _events()[lambda e: e["unit_id"] != "DE_AA"]
    with pytest.raises(JoinError, match=r"no 'established' event for Land\(s\) DE-AA"):
        de_adoption_schedule(_units(), events)


def test_panel_counts_drops_and_recodes() -> None:
    schedule = de_adoption_schedule(_units(), _events())
    panel = pks_land_panel(
        _pks(["DE-AA", "DE-BB", "DE-CC", "DE-DD", "DE-EE"]), schedule, years=YEARS
    )
    assert panel.dropped == {"treated_before_window": ["DE-DD"], "no_pks_rows": ["DE-FF"]}
    assert panel.recoded_never == ["DE-EE"]
    assert (panel.n_units, panel.n_obs, panel.n_units_dropped) == (4, 16, 2)
    data = panel.data.set_index(["land_code", "year"])
    assert data.loc[("DE-EE", 2016), "group"] == 0
    assert data.loc[("DE-AA", 2014), "treated"] == 0
    assert data.loc[("DE-AA", 2015), "treated"] == 1
    # DE-AA 2013: 10 cases, 5 cleared -> 50 %, log(11)
    assert data.loc[("DE-AA", 2013), "cleared_share"] == pytest.approx(50.0)
    assert data.loc[("DE-AA", 2013), "log_cases"] == pytest.approx(np.log(11))


def test_panel_drops_land_missing_a_year() -> None:
    schedule = de_adoption_schedule(_units(), _events())
    pks = _pks(["DE-AA", "DE-BB", "DE-CC"])
    pks = pks[~((pks["land_code"] == "DE-BB") & (pks["year"] == 2014))]
    panel = pks_land_panel(pks, schedule, years=YEARS)
    assert panel.dropped["missing_years"] == ["DE-BB"]
    assert set(panel.data["land_code"]) == {"DE-AA", "DE-CC"}


def test_panel_key_absent_in_a_year() -> None:
    schedule = de_adoption_schedule(_units(), _events())
    pks = _pks(["DE-AA"])
    pks = pks[pks["year"] != 2015]
    with pytest.raises(PanelError, match=r"key '655100' absent in year\(s\) \[2015\]"):
        pks_land_panel(pks, schedule, years=YEARS)


def test_panel_years_must_be_consecutive() -> None:
    schedule = de_adoption_schedule(_units(), _events())
    with pytest.raises(PanelError, match="expected consecutive years"):
        pks_land_panel(_pks(["DE-AA"]), schedule, years=(2013, 2015))


def test_params_validated() -> None:
    assert AdoptionEvidenceParams(lang="kk").replications == 20
    with pytest.raises(ParameterError, match=r"replications: expected a number 1 to 10000, got 0"):
        AdoptionEvidenceParams(lang="en", replications=0)
    with pytest.raises(ParameterError, match="bootstrap_iterations"):
        AdoptionEvidenceParams(lang="en", bootstrap_iterations=10)


def _simulated_panel() -> tuple:
    """A 12-Land panel with a known effect of 0.5 from adoption (deterministic noise)."""
    rng = np.random.default_rng(3)
    lands = [f"DE-{c}{c}" for c in "ABCDEFGHIJKL"]
    groups = dict(
        zip(lands, [0, 0, 0, 2015, 2015, 2016, 2016, 2017, 2017, 2018, 2018, 2019], strict=True)
    )
    units = pd.DataFrame(
        {
            "unit_id": lands,
            "subunit_code": lands,
            "jurisdiction": "DE",
            "kind": ["no_body" if groups[u] == 0 else "police_commissioner" for u in lands],
        }
    )
    events = pd.DataFrame(
        [(u, "established", f"{g}-01-01") for u, g in groups.items() if g],
        columns=["unit_id", "event", "date"],
    )
    rows = []
    for i, land in enumerate(lands):
        for year in range(2013, 2021):
            effect = 0.5 if groups[land] and year >= groups[land] else 0.0
            cases = int(
                round(np.expm1(3 + 0.1 * i + 0.05 * (year - 2013) + effect + rng.normal(0, 0.01)))
            )
            rows.append((year, land, "655100", cases, cases // 2))
    pks = pd.DataFrame(rows, columns=["year", "land_code", "key", "cases", "cleared_cases"])
    schedule = de_adoption_schedule(units, events)
    return schedule, pks_land_panel(pks, schedule, years=range(2013, 2021))


def test_estimates_recover_known_effect_and_report() -> None:
    schedule, panel = _simulated_panel()
    est = estimate_adoption_effects(
        panel, y="log_cases", rng=np.random.default_rng(1), bootstrap_iterations=199
    )
    assert est.twfe.coef("treated") == pytest.approx(0.5, abs=0.03)
    assert est.callaway_santanna.aggregate("simple").att == pytest.approx(0.5, abs=0.03)
    assert est.wild_bootstrap.n_clusters == 12
    assert est.wild_bootstrap.pvalue < 0.05
    nums = evidence.evidence_numbers(panel, schedule, est)
    assert nums["n_lands_used"] == 12
    assert nums["n_never"] == 3
    table = evidence.estimates_table([est], "ru")
    assert list(table.columns)[0] == "Показатель"
    assert len(table) == 2

    import matplotlib.pyplot as plt

    ax = evidence.event_study_plot(est, "en")
    assert ax.get_xlabel().startswith("Years since adoption")
    assert len(ax.get_legend().get_texts()) == 2
    ax2 = evidence.adoption_plot(schedule, panel.years, "kk")
    assert [t.get_text() for t in ax2.get_yticklabels()][:3] == ["DE-AA", "DE-BB", "DE-CC"]
    plt.close("all")


def test_mpdta_check_matches_published(mpdta_folder, project_root) -> None:  # noqa: ANN001
    from policingstudy.core.paths import ProjectPaths
    from policingstudy.data.readers.validation import read_mpdta
    from policingstudy.studies.validation import mpdta_check, mpdta_published

    check = mpdta_check(read_mpdta(mpdta_folder), paths=ProjectPaths(project_root))
    assert list(check["quantity"]) == ["simple", "dynamic", "attgt_2004_2006"]
    published = mpdta_published(ProjectPaths(project_root))
    tolerance = max(ref.tolerance for pair in published.values() for ref in pair)
    assert tolerance == 1e-8  # the text of notebook 06 says "agree to 1e-8"
    assert (check["max_abs_diff"] < tolerance).all()
    assert check.loc[0, "published_att"] == published["simple"][0].value
    assert check.loc[0, "ours_att"] == approx_published("did.mpdta.simple.att")
