"""studies.practice: the performance index, its rules, coverage and the design x practice table.

Hand-computed expectations are written next to the numbers; source values are those pinned in
tests/test_readers_practice.py (read from the mirror's files).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from policingstudy.core.errors import JoinError, ParameterError, SpecificationError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from policingstudy.data.readers import practice as pr
from policingstudy.studies import practice as sp
from policingstudy.studies.maps import kz_crime_rates
from policingstudy.studies.params import DesignPracticeParams


def tidy(rows: list[dict]) -> pd.DataFrame:
    """A tidy measures table (the reader's columns) from short rows."""
    base = {"uncertainty_kind": "none", "uncertainty": np.nan, "lower": np.nan, "upper": np.nan}
    return pd.DataFrame([{**base, **r} for r in rows])[pr.MEASURE_COLUMNS]


# -- rules --------------------------------------------------------------------------------------


def test_rescaling_rules_follow_the_published_scales() -> None:
    spec = sp.components_frame().set_index(["source_id", "measure"])
    pts = spec.loc[("pts_2023", "pts_a")]
    assert (pts["rescale"], pts["worst"], pts["best"]) == ("linear", 5, 1)  # higher is worse
    wvs = spec.loc[("qog_std_cs_jan24", "wvs_confpol")]
    assert (wvs["rescale"], wvs["worst"], wvs["best"]) == ("linear", 1, 4)
    for key in (("vdemlite_v14", "v2cltort"), ("hrps_fariss_v4_01", "theta"), ("wgi_2024", "rl")):
        assert spec.loc[key, "rescale"] == "normal_cdf", key
    assert set(spec["dimension"]) == set(sp.DIMENSIONS)


def test_unknown_component_is_refused() -> None:
    bad = [*sp.COMPONENTS, sp.Component("trust", "X", "wjp_roli_2025", "9.9")]
    with pytest.raises(SpecificationError, match=r"\('wjp_roli_2025', '9.9'\)\] are not measures"):
        sp.components_frame(bad)


def test_two_year_wjp_editions_cover_both_years_and_say_so() -> None:
    measures = tidy(
        [
            {"iso3": "KAZ", "year": 2012, "source_id": "wjp_roli_2025", "measure": "2.3",
             "value": 0.4},
            {"iso3": "KAZ", "year": 2014, "source_id": "wjp_roli_2025", "measure": "2.3",
             "value": 0.5},
        ]
    )  # fmt: skip
    copies = sp.two_year_editions(measures.assign(source_year=measures["year"]))
    assert list(copies["year"]) == [2013]
    assert list(copies["source_year"]) == [2012]
    clash = pd.concat([measures, measures.assign(year=2013)]).assign(source_year=2012)
    with pytest.raises(SpecificationError, match=r"already dated \[2013\]"):
        sp.two_year_editions(clash)


def test_first_listed_source_wins_a_shared_measure() -> None:
    rows = []
    for year in (2022, 2023):
        rows.append({"iso3": "KAZ", "year": year, "source_id": "vdemlite_v14",
                     "measure": "v2x_rule", "value": 0.25})  # fmt: skip
    rows.append({"iso3": "KAZ", "year": 2022, "source_id": "vdem_owid_rule_of_law_v13",
                 "measure": "v2x_rule", "value": 0.267, "uncertainty_kind": "interval68",
                 "lower": 0.187, "upper": 0.352})  # fmt: skip
    components = [
        sp.Component("accountability", "V-Dem", "vdem_owid_rule_of_law_v13", "v2x_rule"),
        sp.Component("accountability", "V-Dem", "vdemlite_v14", "v2x_rule"),
    ]
    table = sp.component_table(tidy(rows), first_year=2022, last_year=2023, components=components)
    chosen = table.set_index("year")["source_id"]
    assert chosen[2022] == "vdem_owid_rule_of_law_v13"  # has the interval
    assert chosen[2023] == "vdemlite_v14"  # the only one in 2023
    with pytest.raises(SpecificationError, match="first 2023 is after last 2022"):
        sp.component_table(tidy(rows), first_year=2023, last_year=2022, components=components)


def test_parameters_refuse_years_in_the_wrong_order() -> None:
    with pytest.raises(ParameterError, match="first_year <= last_year"):
        DesignPracticeParams(first_year=2020, last_year=2015)
    with pytest.raises(ParameterError, match="n_draws: expected a number 100 to 100000"):
        DesignPracticeParams(n_draws=5)


# -- the index on the mirror's data -----------------------------------------------------------------


@pytest.fixture(scope="module")
def measures(external_dir: Path, project_root: Path) -> pd.DataFrame:
    paths = ProjectPaths(project_root)
    folders = {
        sid: sources.locate(sid, paths=paths, mirror=external_dir) for sid in pr.PRACTICE_SOURCES
    }
    return pr.read_practice_measures(folders)


@pytest.fixture(scope="module")
def index(measures: pd.DataFrame) -> sp.PracticeIndex:
    return sp.performance_index(measures, n_draws=300, rng=np.random.default_rng(7))


def test_every_country_covered_2012_2023_with_the_four_systems(index: sp.PracticeIndex) -> None:
    cov = sp.coverage(index).set_index("dimension")
    for dim in ("integrity", "accountability"):
        assert cov.loc[dim, "n_countries"] >= 100
        assert (cov.loc[dim, "first_year"], cov.loc[dim, "last_year"]) == (2012, 2023)
    by_year = sp.coverage_by_year(index)
    assert (by_year.loc[["integrity", "accountability"]] >= 100).all().all()
    for code in ("KAZ", "DEU", "GBR", "USA"):
        assert code in set(index.table["iso3"])
    assert index.table["iso3"].nunique() >= 100


def test_trust_and_overall_exist_only_in_survey_years(index: sp.PracticeIndex) -> None:
    years = index.table.groupby("dimension")["year"].apply(set)
    assert years["trust"] == {2013, 2020, 2021}  # nothing filled between surveys
    assert years["overall"] <= years["trust"]
    overall = index.table[index.table["dimension"] == "overall"]
    parts = index.table.set_index(["iso3", "year", "dimension"])["value"]
    row = overall[(overall["iso3"] == "KAZ") & (overall["year"] == 2020)].iloc[0]
    mean = np.mean([parts[("KAZ", 2020, d)] for d in sp.DIMENSIONS])
    assert row["value"] == pytest.approx(mean)
    assert row["p05"] <= row["value"] <= row["p95"]


def test_kazakhstan_accountability_2020_by_hand(index: sp.PracticeIndex) -> None:
    # WJP 2020 edition (family mean of factor 1, 2.3, 8.1, 8.4-8.7), V-Dem (Phi(v2juaccnt 0.358)
    # and v2x_rule 0.209 of the OWID v13 export), WGI (Phi(rl -0.467090), Phi(cc -0.378143));
    # values read from the source files (see test_readers_practice).
    wjp = np.mean([0.421905, 0.568567, 0.411605, 0.421666, 0.528970, 0.313291, 0.426350])
    vdem = np.mean([norm.cdf(0.358), 0.209])
    wgi = np.mean([norm.cdf(-0.467090), norm.cdf(-0.378143)])
    table = index.table.set_index(["iso3", "year", "dimension"])
    row = table.loc[("KAZ", 2020, "accountability")]
    assert row["value"] == pytest.approx(np.mean([wjp, vdem, wgi]), abs=2e-6)
    assert (row["n_sources"], row["n_measures"], row["n_uncertain"]) == (3, 11, 3)
    assert row["p05"] < row["value"] < row["p95"]  # WGI and V-Dem publish uncertainty


def test_intervals_have_no_width_where_nothing_is_published(index: sp.PracticeIndex) -> None:
    integrity = index.table[index.table["dimension"] == "integrity"]
    none = integrity[integrity["n_uncertain"] == 0]
    assert len(none) > 0
    assert np.allclose(none["p05"], none["value"]) and np.allclose(none["p95"], none["value"])


def test_quoted_changes_keep_the_same_sources(index: sp.PracticeIndex) -> None:
    # Fariss ends in 2019: Kazakhstan's integrity sources change in 2020
    assert sp.comparable_last_year(index, "KAZ", "integrity", 2012, 2023) == 2019
    assert sp.comparable_last_year(index, "KAZ", "accountability", 2012, 2023) == 2023
    change = sp.change(index, "KAZ", "accountability", 2012, 2023)
    assert change["change"] == pytest.approx(change["last"] - change["first"])
    assert change["change_p05"] < change["change"] < change["change_p95"]
    with pytest.raises(SpecificationError, match="KAZ has no trust value in 2012"):
        sp.change(index, "KAZ", "trust", 2012, 2020)


def test_rank_interval_and_percentile(index: sp.PracticeIndex) -> None:
    rank = sp.country_rank(index, "DEU", "accountability", 2020)
    assert 1 <= rank["rank_p05"] <= rank["rank"] <= rank["rank_p95"] <= rank["n"]
    assert rank["percentile"] > 90


def test_design_and_practice_side_by_side(index: sp.PracticeIndex) -> None:
    assert sp.common_year(index) == 2020
    design = pd.DataFrame(
        {
            "system": ["KZ", "UK-EW", "US", "DE"],
            "design_index": [80.0, 70.0, 60.0, 50.0],
            "design_p05": [75.0, 65.0, 55.0, 45.0],
            "design_p95": [85.0, 75.0, 65.0, 55.0],
        }
    )
    table = sp.design_practice(design, index, year=2020).set_index("system")
    assert list(table["iso3"]) == ["KAZ", "GBR", "USA", "DEU"]
    assert table.loc["KZ", "design_rank"] == 1
    # the gap is practice rank minus design rank
    assert (table["gap"] == table["practice_rank"] - table["design_rank"]).all()
    assert table["design_index"].tolist() == [80.0, 70.0, 60.0, 50.0]  # never mixed with practice
    with pytest.raises(SpecificationError, match=r"columns \['design_p95'\] missing"):
        sp.design_practice(design.drop(columns="design_p95"), index, year=2020)
    with pytest.raises(SpecificationError, match=r"systems \['FR'\] have no country"):
        sp.design_practice(design.replace("DE", "FR"), index, year=2020)
    with pytest.raises(SpecificationError, match=r"\['KAZ', 'USA'\] have no overall value in 2013"):
        sp.design_practice(design, index, year=2013)


def test_implementation_gap_per_construction(index: sp.PracticeIndex) -> None:
    rows = []
    for name, kz in (("a", 90.0), ("b", 40.0)):
        for system, value in (("KZ", kz), ("UK-EW", 70.0), ("US", 60.0), ("DE", 50.0)):
            rows.append({"construction": name, "system": system, "design_index": value,
                         "design_p05": value - 1, "design_p95": value + 1})  # fmt: skip
    gaps = sp.implementation_gap(pd.DataFrame(rows), index, year=2020).set_index("construction")
    assert gaps.loc["a", "design_rank"] == 1 and gaps.loc["b", "design_rank"] == 4
    assert gaps.loc["a", "gap"] == gaps.loc["a", "practice_rank"] - 1


def test_published_source_values_carry_their_source_year(index: sp.PracticeIndex) -> None:
    values = sp.source_values(index)
    wjp13 = values[(values["source_id"] == "wjp_roli_2025") & (values["year"] == 2013)]
    assert len(wjp13) > 0 and set(wjp13["source_year"]) == {2012}
    assert {"iso3", "year", "source_id", "measure", "value", "uncertainty"} <= set(values.columns)


# -- problems and published intervals ----------------------------------------------------------------


def test_published_interval_by_hand() -> None:
    rows = tidy(
        [
            {"iso3": "A", "year": 1, "source_id": "s", "measure": "m", "value": 1.0,
             "uncertainty_kind": "se", "uncertainty": 0.5},
            {"iso3": "A", "year": 1, "source_id": "s", "measure": "n", "value": 0.3,
             "uncertainty_kind": "interval68", "lower": 0.2, "upper": 0.5},
            {"iso3": "A", "year": 1, "source_id": "s", "measure": "o", "value": 2.0},
        ]
    )  # fmt: skip
    lo, hi = sp.published_interval(rows)
    z = sp.Z90
    assert lo[0] == pytest.approx(1 - z * 0.5) and hi[0] == pytest.approx(1 + z * 0.5)
    assert lo[1] == pytest.approx(0.3 - z * 0.1) and hi[1] == pytest.approx(0.3 + z * 0.2)
    assert np.isnan(lo[2]) and np.isnan(hi[2])


def test_problem_position_percentile_respects_direction() -> None:
    rows = []
    for code, value in (("KAZ", 0.6), ("DEU", 0.1), ("RUS", 0.8), ("USA", 0.4)):
        rows.append({"iso3": code, "year": 2022, "source_id": "vdem_owid_corruption_v13",
                     "measure": "v2x_corr", "value": value, "uncertainty_kind": "interval68",
                     "lower": value - 0.05, "upper": value + 0.05})  # fmt: skip
    links = pd.DataFrame(
        [{"problem_id": "P4", "source_id": "vdem_owid_corruption_v13", "measure": "v2x_corr"}]
    )
    row = sp.problem_positions(tidy(rows), links).iloc[0]
    # less corruption is better: only Russia (0.8) is worse than Kazakhstan (0.6): 1 of 3 others
    assert row["percentile"] == pytest.approx(100 / 3)
    assert (row["year"], row["n_countries"], row["n_post_soviet"]) == (2022, 4, 1)
    assert row["post_soviet_median"] == 0.8 and row["DEU"] == 0.1 and np.isnan(row["GBR"])
    assert row["low90"] == pytest.approx(0.6 - sp.Z90 * 0.05)


# -- Kazakhstan's regional rates ---------------------------------------------------------------------


def test_kz_crime_rates_by_hand() -> None:
    crime = pd.DataFrame({"code": ["KZ-AST", "KZ-ALA"], "offences": [20313, 39928],
                          "shared_value": [False, False]})  # fmt: skip
    pop = pd.DataFrame(
        {
            "code": ["KZ-AST", "KZ-ALA", "KZ-AST"],
            "year": [2023, 2023, 2022],
            "population": [1354507, 2161797, 1],
            "date": pd.to_datetime(["2023-01-01", "2023-01-01", "2022-01-01"]),
        }
    )
    rates = kz_crime_rates(crime, pop).set_index("code")
    # 20,313 / 1,354,507 x 100,000 = 1,499.66 (Astana, 1 January 2023)
    assert rates.loc["KZ-AST", "rate_per_100k"] == pytest.approx(1499.660024, abs=1e-5)
    assert str(rates.loc["KZ-AST", "population_date"].date()) == "2023-01-01"
    with pytest.raises(JoinError, match=r"without population \['KZ-ALA'\]"):
        kz_crime_rates(crime, pop[pop["code"] != "KZ-ALA"])
