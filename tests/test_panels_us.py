"""US adoption panel: schedule, city-to-Nix matching, panel builder, estimates and report."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import JoinError, PanelError
from policingstudy.report.views import evidence_us
from policingstudy.studies.adoption_us import (
    UsPanel,
    estimate_us_effects,
    match_cities_to_nix,
    us_adoption_schedule,
    us_city_panel,
)


def _cities() -> pd.DataFrame:
    rows = [
        (1, "Alpha", "US-AA", 100_000, 1),
        (2, "Beta", "US-BB", 200_000, 2),
        (3, "Gamma", "US-CC", 50_000, 3),
        (4, "Delta", "US-DD", 400_000, 4),
        (5, "Eps", "US-EE", 100_000, 5),
    ]
    return pd.DataFrame(rows, columns=["city_id", "city", "state", "population", "rank"])


def _agencies() -> pd.DataFrame:
    rows = [
        (10, 1, 2012, "audit"),
        (11, 1, 2005, "investigative"),  # Alpha's first agency
        (12, 2, 2011, "appeals"),  # Beta: the dataset dates a named agency to 2010
        (13, 4, None, "review"),  # Delta: no year anywhere
    ]
    frame = pd.DataFrame(rows, columns=["agency_id", "city_id", "established_year", "primary_role"])
    frame["established_year"] = frame["established_year"].astype("Int64")
    return frame


def _units_events() -> tuple[pd.DataFrame, pd.DataFrame]:
    units = pd.DataFrame(
        {
            "unit_id": ["US_B", "US_Z", "US_MODEL"],
            "jurisdiction": ["US", "US", "US"],
            "subunit_code": ["US-BB", "US-ZZ", ""],
            "locality": ["Beta", "Zeta", ""],
            "kind": ["civilian_oversight_agency", "civilian_oversight_agency", "model"],
        }
    )
    events = pd.DataFrame(
        {
            "unit_id": ["US_B", "US_B", "US_Z", "US_MODEL"],
            "event": ["established", "reformed", "established", "established"],
            "date": ["2010-05-01", "2008", "2001", "1990"],
        }
    )
    return units, events


def _schedule() -> pd.DataFrame:
    units, events = _units_events()
    return us_adoption_schedule(_cities(), _agencies(), units, events)


def test_schedule_takes_earliest_year_from_survey_or_dataset() -> None:
    sched = _schedule().set_index("city")
    assert sched.loc["Alpha", "first_year"] == 2005
    assert sched.loc["Alpha", "year_source"] == "survey"
    assert sched.loc["Alpha", "oversight_type"] == "investigative"
    # the dataset's 2010 beats the survey's 2011; a "reformed" event is not an establishment
    assert sched.loc["Beta", "first_year"] == 2010
    assert sched.loc["Beta", "year_source"] == "dataset"
    assert sched.loc["Beta", "oversight_type"] == "review"  # appeals -> review-focused
    assert sched.loc["Gamma", "first_year"] == 0
    assert sched.loc["Gamma", "oversight_type"] == "none"
    assert pd.isna(sched.loc["Delta", "first_year"])
    assert sched.loc["Delta", "n_agencies"] == 1
    assert list(sched["n_agencies"]) == [2, 1, 0, 1, 0]


def test_schedule_rejects_agency_of_unknown_city_and_missing_columns() -> None:
    units, events = _units_events()
    stray = pd.concat([_agencies(), pd.DataFrame({"agency_id": [99], "city_id": [77]})])
    with pytest.raises(JoinError, match=r"city_id\(s\) \[77\] not in cities"):
        us_adoption_schedule(_cities(), stray, units, events)
    with pytest.raises(JoinError, match=r"cities: column\(s\) \['population'\] missing"):
        us_adoption_schedule(_cities().drop(columns="population"), _agencies(), units, events)


def _wapo() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [
                "Alpha Police Department",
                "Beta Police Department",
                "Gamma Police Department",
                "Delta Police Department",
                "Eps Police Department",
                "Eps Police Department",
                "Alpha Police Department",
            ],
            "state": ["US-AA", "US-BB", "US-CC", "US-DD", "US-EE", "US-EE", "US-XX"],
            "oricodes": ["AA001", "BB001;BB002", None, "DD001", "EE001", "EE002", "XX001"],
        }
    )


def _ori() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agency": ["alpha", "beta", "eps_1", "eps_2", "x", "none"],
            "ori": ["AA001", "BB002", "EE001", "EE002", "XX001", None],
        }
    )


def test_matching_statuses() -> None:
    cities = pd.concat(
        [_cities(), pd.DataFrame({"city_id": [6], "city": ["Zed"], "state": ["US-ZZ"]})]
    )
    match = match_cities_to_nix(cities, _wapo(), _ori()).set_index("city")
    assert match["status"].to_dict() == {
        "Alpha": "matched",
        "Beta": "matched",  # BB001 not in Nix, BB002 is: one slug
        "Gamma": "no_ori",
        "Delta": "ori_not_in_nix",
        "Eps": "ambiguous",
        "Zed": "no_wapo_agency",
    }
    assert match.loc["Beta", "nix_agency"] == "beta"
    assert match.loc["Beta", "ori"] == "BB001; BB002"
    assert match.loc["Eps", "nix_agency"] == ""


def _nix() -> pd.DataFrame:
    rows = []
    for year in range(2008, 2014):
        rows.append(("alpha", year, 1))
        rows.append(("beta", year, year - 2008))
    rows.remove(("beta", 2011, 3))  # not collected: absent, never zero
    frame = pd.DataFrame(rows, columns=["agency", "year", "people_killed"])
    frame["people_killed"] = frame["people_killed"].astype("Int64")
    return frame


def test_city_panel_by_hand() -> None:
    sched = _schedule()
    sched.loc[sched["city"] == "Gamma", "first_year"] = 0
    match = match_cities_to_nix(sched, _wapo(), _ori())
    # Gamma gets a slug by hand so that the panel holds a never-treated city
    match.loc[match["city"] == "Gamma", ["nix_agency", "status"]] = ["alpha", "matched"]
    panel = us_city_panel(sched, match, _nix(), years=range(2009, 2013))
    # Alpha (2005) adopted before the window; Beta lacks 2011; Delta has no year and no ORI
    assert panel.dropped == {
        "unmatched": ["Delta (DD)", "Eps (EE)"],
        "treated_before_window": ["Alpha (AA)"],
        "incomplete_years": ["Beta (BB)"],
    }
    assert panel.n_units == 1
    assert panel.n_obs == 4
    assert panel.n_units_dropped == 4
    assert panel.n_obs_not_collected == 1  # Beta 2011
    data = panel.data
    assert list(data["year"]) == [2009, 2010, 2011, 2012]
    assert list(data["group"]) == [0, 0, 0, 0]
    assert np.allclose(data["killed_per_100k"], 1e5 * 1 / 50_000)


def test_city_panel_groups_and_recoding() -> None:
    sched = _schedule()
    match = match_cities_to_nix(sched, _wapo(), _ori())
    panel = us_city_panel(sched, match, _nix(), years=range(2008, 2011))
    beta = panel.data[panel.data["city"] == "Beta (BB)"]
    assert list(beta["group"]) == [2010, 2010, 2010]
    assert list(beta["treated"]) == [0, 0, 1]
    assert list(beta["people_killed"]) == [0, 1, 2]
    sched.loc[sched["city"] == "Beta", "first_year"] = 2030
    later = us_city_panel(sched, match, _nix(), years=range(2008, 2011))
    assert later.recoded_never == ["Beta (BB)"]
    assert set(later.data["group"]) == {0}


def test_city_panel_errors() -> None:
    sched = _schedule()
    match = match_cities_to_nix(sched, _wapo(), _ori())
    with pytest.raises(PanelError, match=r"expected consecutive years"):
        us_city_panel(sched, match, _nix(), years=[2008, 2010])
    with pytest.raises(JoinError, match=r"city_id sets differ"):
        us_city_panel(sched, match.iloc[1:], _nix())
    with pytest.raises(PanelError, match=r"no city left for 1990-1992"):
        us_city_panel(sched, match, _nix(), years=range(1990, 1993))


# The schedule, matching and panel built from the real survey, WaPo and Nix files, and the
# numbers notebook 06 quotes, are checked in tests/test_readers_us.py::test_real_files_us.


def test_report_functions_on_hand_panel() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for i in range(12):
        group = {0: 2014, 1: 2014, 2: 2016, 3: 2016}.get(i, 0)
        for year in range(2010, 2020):
            effect = 0.5 if group and year >= group else 0.0
            rows.append((f"c{i}", year, group, rng.normal() + effect))
    data = pd.DataFrame(rows, columns=["city", "year", "group", "killed_per_100k"])
    data["treated"] = ((data["group"] > 0) & (data["year"] >= data["group"])).astype(int)
    data["people_killed"] = 1
    panel = UsPanel(
        data=data,
        n_units=12,
        n_obs=len(data),
        dropped={"unmatched": ["X (YY)"]},
        n_obs_not_collected=0,
        recoded_never=[],
        years=tuple(range(2010, 2020)),
    )
    est = estimate_us_effects(panel)
    assert est.callaway_santanna.control == "never"
    ax = evidence_us.us_event_study_plot(est, "en")
    assert ax.get_xlabel().startswith("Years since the first oversight agency")
    assert len(ax.get_legend().get_texts()) == 2
    plt.close("all")
    table = evidence_us.us_estimates_table(est, "ru")
    assert list(table.columns)[0] == "Метод оценки"
    assert len(table) == 2 + 5  # simple, dynamic, lags 0..4
    unmatched = evidence_us.us_unmatched_table(pd.DataFrame(), panel, "kk")
    assert unmatched.iloc[0].tolist() == ["X (YY)", "Никс панелінде сәйкес ведомство жоқ"]
    sched = _schedule()
    ax = evidence_us.us_adoption_plot(sched, panel.years, "en")
    # decades 2000 and 2010: Alpha investigation-focused (2005), Beta review-focused (2010)
    heights = [[bar.get_height() for bar in bars] for bars in ax.containers]
    assert heights == [[1, 0], [0, 1]]
    assert [bars.get_label() for bars in ax.containers] == [
        "investigation-focused",
        "review-focused",
    ]
    plt.close("all")
