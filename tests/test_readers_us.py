"""US readers: UChicago oversight survey, Nix panel, Washington Post, MPV, Marshall Project.

``test_real_files_us`` checks the real files (external data: the mirror, the download cache or the
network), together with the Census place populations, the survey's units in the dataset and the
US city panel built from these sources; its expected values are counted from the source files
(agencies.json, the CSVs and the workbooks). The readers' logic and errors run on synthetic files
with the same layout (``tests/synthetic.py``, made-up content).
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError, JoinError
from policingstudy.data.build import validate_all
from policingstudy.data.readers import population as pop
from policingstudy.data.readers import us
from tests.synthetic import write_csv, write_survey, write_xlsx

US_SOURCES = [
    "us_oversight_agencies",
    "us_nix_agency_year_fois",
    "us_nix_agency_ori_codes",
    "us_wapo_v2_shootings",
    "us_wapo_v2_agencies",
    "us_mpv_2013_2021",
    "us_marshall_ucr_city_crime",
    "us_city_pop_v2019_annrnk",
    "us_city_pop_v2023",
]


def _value(frame: pd.DataFrame, code: str, year: int) -> int:
    rows = frame.loc[(frame["code"] == code) & (frame["year"] == year), "population"]
    assert len(rows) == 1, (code, year)
    return int(rows.iloc[0])


@pytest.mark.mirror
def test_real_files_us(external: Any, tmp_path: Path) -> None:
    """The real US files, the Census populations, the survey units and the US city panel."""
    folder = external.require(*US_SOURCES, family="United States readers and city panel")

    # -- the UChicago survey
    agencies = us.read_oversight_agencies(folder("us_oversight_agencies"))
    assert len(agencies) == 88
    assert agencies["city_id"].nunique() == 62
    assert agencies["primary_role"].value_counts().to_dict() == {
        "review": 30,
        "investigative": 18,
        "supervisory": 12,
        "advisory": 10,
        "adjudicative": 6,
        "appeals": 6,
        "audit": 5,
    }
    assert agencies.loc[agencies["primary_role"].isna(), "city"].tolist() == ["Miami"]
    assert (agencies["primary_role"] == "adjudicative").sum() == 6  # incl. 'Adjuticative'
    assert agencies["established_year"].isna().sum() == 8
    assert agencies["established_year"].min() == 1861
    by_id = agencies.set_index("agency_id")
    assert by_id.loc[30, "state"] == "US-HI"  # Honolulu, 'HA' in the file
    assert set(by_id.loc[[46, 47, 48], "state"]) == {"US-MN"}  # Minneapolis, 'MI' in the file
    first = by_id.loc[1]
    assert (first["city"], first["established_year"], first["investigative"]) == (
        "Albuquerque",
        2014,
        True,
    )
    cities = us.read_largest_cities(folder("us_oversight_agencies"))
    assert len(cities) == 100
    assert list(cities["rank"]) == list(range(1, 101))
    assert (cities["n_agencies"] > 0).sum() == 62
    assert cities["n_agencies"].sum() == 88
    new_york = cities.iloc[0]
    assert (new_york["city"], new_york["first_role"], new_york["decade"]) == (
        "New York",
        "investigative",
        1950,
    )
    assert cities["decade"].notna().sum() == 59
    shutil.copytree(folder("us_oversight_agencies"), tmp_path / "o")
    path = tmp_path / "o" / "agencies.json"
    path.chmod(0o644)
    edited = json.loads(path.read_text())
    edited[0]["primary_role"] = "Mediation"
    path.write_text(json.dumps(edited))
    with pytest.raises(
        DataValidationError,
        match=r"agency 1 \(Civilian Police Oversight Agency\): primary_role 'Mediation'",
    ):
        us.read_oversight_agencies(tmp_path / "o")

    # -- the survey's agencies join the dataset as units with sourced codings
    tables = validate_all(external.paths, external.mirror)
    survey_units = tables["units"].loc[tables["units"]["origin"] == "uchicago_survey"]
    assert len(survey_units) == 88
    assert len(tables["us_survey_agencies"]) == 88
    for name in ("codings", "codings_by_coder"):
        frame = tables[name]
        known = frame[frame["status"] != "unknown"]
        assert known["source_id"].notna().all(), name
        assert set(known["source_id"]) <= set(tables["sources"]["source_id"])
    survey_codings = tables["codings_by_coder"]["unit_id"].isin(survey_units["unit_id"])
    assert survey_codings.sum() > 0

    # -- Nix, Washington Post, MPV, Marshall Project
    panel = us.read_nix_fatal_ois(folder("us_nix_agency_year_fois"))
    full = us.read_nix_fatal_ois(folder("us_nix_agency_year_fois"), include_not_collected=True)
    assert len(full) == 54 * 416
    assert len(panel) == 6186
    assert full["people_killed"].isna().sum() == 54 * 416 - 6186
    cell = full.set_index(["agency", "year"])["people_killed"]
    assert pd.isna(cell[("alameda_county_ca", 2012)])  # blank in the file
    assert cell[("adairsville_ga", 2012)] == 0  # an explicit 0
    assert cell[("chicago_il", 2013)] == 13
    codes = us.read_nix_ori_codes(folder("us_nix_agency_ori_codes"))
    assert set(codes["agency"]) == set(full["agency"])
    shootings = us.read_wapo_shootings(folder("us_wapo_v2_shootings"))
    assert len(shootings) == 10210
    assert shootings["date"].min() == pd.Timestamp("2015-01-02")
    assert shootings["date"].max() == pd.Timestamp("2024-10-22")
    assert shootings["state"].str.fullmatch(r"US-[A-Z]{2}").all()
    first = shootings.iloc[0]
    assert (first["name"], first["age"], first["was_mental_illness_related"]) == (
        "Tim Elliot",
        53,
        True,
    )
    wapo_agencies = us.read_wapo_agencies(folder("us_wapo_v2_agencies"))
    assert len(wapo_agencies) == 3681
    ids = shootings["agency_ids"].dropna().str.split(";").explode().astype(int)
    assert set(ids) <= set(wapo_agencies["id"])
    killings = us.read_mpv_killings(folder("us_mpv_2013_2021"))
    assert len(killings) == 9097
    assert killings["date"].min() == pd.Timestamp("2013-01-01")
    assert killings["date"].max() == pd.Timestamp("2021-04-21")
    first = killings.iloc[0]
    assert (first["name"], first["state"], first["ori"]) == (
        "Phet Gouvonvong",
        "US-MA",
        "MA0146000",
    )
    # empty cells are missing, not the text 'nan' (2 ORIs, 24 counties, 9 cities were)
    assert not (killings[["ori", "county", "city", "agency", "disposition"]] == "nan").any().any()
    assert killings["county"].isna().sum() == 24
    crime = us.read_marshall_ucr(folder("us_marshall_ucr_city_crime"))
    assert len(crime) == 2829
    assert crime["ori"].nunique() == 68
    national = crime.loc[crime["ori"].isna()]  # one 'National' row per year, without ORI
    assert set(national["department_name"]) == {"National"}
    assert len(national) == 41
    albuquerque = crime.loc[(crime["ori"] == "NM00101") & (crime["year"] == 1975)].iloc[0]
    assert albuquerque["violent_crime"] == 2383 == 30 + 181 + 819 + 1353

    # -- Census place populations (Vintage 2019 and 2023)
    folders = {sid: folder(sid) for sid in ("us_city_pop_v2019_annrnk", "us_city_pop_v2023")}
    v2019 = pop.read_us_city_pop_v2019(folders["us_city_pop_v2019_annrnk"])
    v2023 = pop.read_us_city_pop_v2023(folders["us_city_pop_v2023"])
    indianapolis = "US-IN:indianapolis city (balance)"
    # SUB-IP-EST2019-ANNRNK.xlsx, row 21 'Indianapolis city (balance), Indiana', column J (2015)
    assert _value(v2019, indianapolis, 2015) == 853_714
    # SUB-IP-EST2023-POP.xlsx, row 4716, column E (2022)
    assert _value(v2023, indianapolis, 2022) == 880_397
    # SUB-IP-EST2019-ANNRNK.xlsx row 7 column J; SUB-IP-EST2023-POP.xlsx row 3413 column E
    assert _value(v2019, "US-IL:chicago city", 2015) == 2_724_344
    assert _value(v2023, "US-IL:chicago city", 2022) == 2_672_660
    assert v2019["code"].nunique() == 788 and len(v2019) == 7880
    assert v2023["name"].nunique() == 19_484 - 11 and len(v2023) == 19_484 * 4
    assert v2023["ambiguous"].sum() == 22 * 4  # 11 names printed twice
    assert set(v2019["vintage"]) == {2019} and set(v2019["census_base"]) == {2010}
    assert set(v2023["vintage"]) == {2023} and set(v2023["census_base"]) == {2020}
    assert (v2019["date"].dt.strftime("%m-%d") == "07-01").all()
    series = pop.us_city_population(folders, cities=cities)
    assert series["city_key"].nunique() == 100
    assert series.groupby("code")["year"].apply(list).map(len).eq(14).all()
    assert set(series.loc[series["year"] <= 2019, "vintage"]) == {2019}
    assert set(series.loc[series["year"] >= 2020, "vintage"]) == {2023}
    keys = {pop.us_city_key(c, s) for c, s in zip(cities["city"], cities["state"], strict=True)}
    assert keys == set(series["city_key"])
    honolulu = series.loc[series["city"] == "Honolulu", "name"].unique()
    assert list(honolulu) == ["Urban Honolulu CDP, Hawaii"]
    missing = pd.DataFrame({"city": ["Gotham"], "state": ["US-NY"]})
    with pytest.raises(JoinError, match=r"no place of 50,000\+ for \['Gotham, US-NY'\]"):
        pop.us_city_population(folders, cities=pd.concat([cities, missing]))
    copy = tmp_path / "v2019"
    shutil.copytree(folders["us_city_pop_v2019_annrnk"], copy)
    workbook = copy / "SUB-IP-EST2019-ANNRNK.xlsx"
    workbook.chmod(0o644)
    workbook.write_bytes(workbook.read_bytes()[:50_000])
    with pytest.raises(DataValidationError, match=r"SUB-IP-EST2019-ANNRNK.xlsx: not a readable"):
        pop.read_us_city_pop_v2019(copy)
    # (the US city panel of notebook 06 is checked in tests/test_panels_us.py)


# -- logic and errors on synthetic files (layout of the real ones, made-up content) ---------------


def test_oversight_agencies_quirks_are_corrected(tmp_path: Path) -> None:
    agencies = us.read_oversight_agencies(write_survey(tmp_path))
    by_id = agencies.set_index("agency_id")
    assert by_id.loc[3, "state"] == "US-HI"  # Honolulu, 'HA' in the file
    assert by_id.loc[4, "state"] == "US-MN"  # Minneapolis, 'MI' in the file
    assert by_id.loc[3, "primary_role"] == "adjudicative"  # 'Adjuticative' in the file
    assert pd.isna(by_id.loc[5, "primary_role"])
    assert by_id["established_year"].isna().sum() == 1
    assert by_id["established_year"].dtype == "Int64"
    assert bool(by_id.loc[4, "audit"]) and bool(by_id.loc[4, "review"])
    assert not by_id.loc[1, "review"]
    assert (by_id.loc[2, "city"], by_id.loc[2, "city_rank"], by_id.loc[2, "latitude"]) == (
        "Chicago",
        2,
        41.9,
    )


def test_largest_cities_summarise_their_agencies(tmp_path: Path) -> None:
    cities = us.read_largest_cities(write_survey(tmp_path)).set_index("city")
    assert list(cities["rank"]) == [1, 2, 3, 4, 5]
    assert cities["n_agencies"].to_dict() == {
        "New York": 1, "Chicago": 2, "Honolulu": 1, "Minneapolis": 1, "Anchorage": 0,
    }  # fmt: skip
    # Chicago: the oldest agency with a year (2007), not the later one (2016)
    assert (cities.loc["Chicago", "first_role"], cities.loc["Chicago", "decade"]) == (
        "review",
        2000,
    )
    assert cities.loc["New York", "decade"] == 1950
    # Minneapolis: its only agency has no year: role kept, year and decade missing
    assert cities.loc["Minneapolis", "first_role"] == "audit"
    assert pd.isna(cities.loc["Minneapolis", "decade"])
    assert pd.isna(cities.loc["Anchorage", "first_role"])


def test_bad_survey_rows_are_named(tmp_path: Path) -> None:
    folder = write_survey(tmp_path)
    path = folder / "agencies.json"
    agencies = json.loads(path.read_text())
    agencies[0]["primary_role"] = "Mediation"
    agencies[1]["city_id"] = 99
    agencies[2]["dep_state"] = "TX"
    path.write_text(json.dumps(agencies))
    with pytest.raises(DataValidationError) as info:
        us.read_oversight_agencies(folder)
    assert info.value.problems[0].startswith(
        "agencies.json: agency 1 (Civilian Board A): primary_role 'Mediation'; expected"
    )
    assert info.value.problems[1:] == [
        "agencies.json: agency 2 (Police Board B): city_id 99 not in cities.json",
        "agencies.json: agency 3 (Commission C): state 'TX'; its city Honolulu is in US-HI",
    ]
    cities = json.loads((folder / "cities.json").read_text())
    cities[0]["state"] = "Atlantis"
    (folder / "cities.json").write_text(json.dumps(cities))
    with pytest.raises(
        DataValidationError, match=r"cities.json: unknown state names \['Atlantis'\]"
    ):
        us.read_largest_cities(folder)


def test_nix_blank_is_not_collected_not_zero(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "agency-level-fatal-ois.csv",
        [["year", "alpha_ca", "beta_ga"], ["2012", "", "0"], ["2013", "3", " 1 "]],
    )
    full = us.read_nix_fatal_ois(tmp_path, include_not_collected=True)
    assert len(full) == 4
    cell = full.set_index(["agency", "year"])["people_killed"]
    assert pd.isna(cell[("alpha_ca", 2012)])  # blank: not collected
    assert cell[("beta_ga", 2012)] == 0  # an explicit 0
    assert cell[("beta_ga", 2013)] == 1
    panel = us.read_nix_fatal_ois(tmp_path)
    assert len(panel) == 3
    write_csv(tmp_path / "agency-level-fatal-ois.csv", [["year", "a"], ["2012", "n/a"]])
    with pytest.raises(DataValidationError, match=r"non-count cells \['n/a'\]"):
        us.read_nix_fatal_ois(tmp_path)
    write_csv(tmp_path / "agency-level-fatal-ois.csv", [["Year", "a"], ["2012", "1"]])
    with pytest.raises(DataValidationError, match=r"first column 'Year'; expected 'year'"):
        us.read_nix_fatal_ois(tmp_path)
    write_csv(tmp_path / "ori_codes.csv", [["agency", "oricodes"], ["alpha_ca", "CA0010000"]])
    assert us.read_nix_ori_codes(tmp_path).to_dict("records") == [
        {"agency": "alpha_ca", "ori": "CA0010000"}
    ]


WAPO_HEADER = ["id", "date", "threat_type", "flee_status", "armed_with", "city", "county",
               "state", "latitude", "longitude", "location_precision", "name", "age", "gender",
               "race", "race_source", "was_mental_illness_related", "body_camera", "agency_ids"]  # fmt: skip


def test_washington_post_files(tmp_path: Path) -> None:
    rows = [
        WAPO_HEADER,
        ["3", "2015-01-02", "point", "not", "gun", "Shelton", "Mason", "WA", "47.2", "-123.1",
         "not_available", "Person A", "53", "male", "A", "not_available", "True", "False", "73"],
        ["4", "2015-01-03", "attack", "car", "knife", "Wichita", "", "KS", "", "",
         "", "Person B", "", "male", "", "", "False", "", "38;12"],
    ]  # fmt: skip
    write_csv(tmp_path / "fatal-police-shootings-data.csv", rows)
    shootings = us.read_wapo_shootings(tmp_path)
    assert shootings["state"].tolist() == ["US-WA", "US-KS"]
    assert shootings["date"].tolist() == [pd.Timestamp("2015-01-02"), pd.Timestamp("2015-01-03")]
    assert shootings["age"].tolist()[0] == 53 and pd.isna(shootings["age"].iloc[1])
    assert shootings["was_mental_illness_related"].tolist() == [True, False]
    assert pd.isna(shootings["body_camera"].iloc[1])
    assert shootings["agency_ids"].tolist() == ["73", "38;12"]
    rows[1][7] = "XX"
    write_csv(tmp_path / "fatal-police-shootings-data.csv", rows)
    with pytest.raises(DataValidationError, match=r"unknown state codes \['XX'\]"):
        us.read_wapo_shootings(tmp_path)
    write_csv(
        tmp_path / "fatal-police-shootings-agencies.csv",
        [
            ["id", "name", "type", "state", "oricodes", "total_shootings"],
            ["73", "Mason County Sheriff's Office", "sheriff", "WA", "WA0230000", "1"],
            ["12", "U.S. Marshals Service", "federal", "", "", "2"],
        ],
    )
    agencies = us.read_wapo_agencies(tmp_path)
    assert agencies["state"].iloc[0] == "US-WA" and pd.isna(agencies["state"].iloc[1])
    assert agencies["total_shootings"].tolist() == [1, 2]


MPV_HEADER = ["Victim's name", "Victim's age", "Victim's gender", "Victim's race",
              "Date of Incident (month/day/year)", "City", "State", "County",
              "Agency responsible for death", "ORI Agency Identifier (if available)",
              "Cause of death", "A brief description", "Official disposition of death (justified or other)",
              "Armed/Unarmed Status", "WaPo ID (If included in WaPo database)", "MPV ID",
              "Fatal Encounters ID"]  # fmt: skip


def test_mapping_police_violence(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        MPV_HEADER,
        ["Person A", 31, "Male", "Unknown Race", datetime.datetime(2021, 4, 21), "Worcester",
         "MA", "", "Worcester Police Department", "MA0146000", "Gunshot", "text",
         "Pending investigation", "Allegedly Armed", 6795, 1, 100],
        ["Person B", "Unknown", "Female", "White", datetime.datetime(2013, 1, 1), "Town", "TX",
         "County", "Sheriff", "", "Taser", "text", "Justified", "Unarmed", "", 2, ""],
    ]  # fmt: skip
    write_xlsx(tmp_path / "MPVDatasetDownload.xlsx", {"2013-2020 Police Killings": rows})
    killings = us.read_mpv_killings(tmp_path)
    assert killings["state"].tolist() == ["US-MA", "US-TX"]
    assert killings["age"].tolist()[0] == 31 and pd.isna(killings["age"].iloc[1])  # 'Unknown'
    assert pd.isna(killings["ori"].iloc[1]) and pd.isna(killings["county"].iloc[0])
    assert killings["date"].min() == pd.Timestamp("2013-01-01")
    assert killings["wapo_id"].tolist()[0] == 6795 and pd.isna(killings["wapo_id"].iloc[1])
    rows[2][6] = "ZZ"
    write_xlsx(tmp_path / "MPVDatasetDownload.xlsx", {"2013-2020 Police Killings": rows})
    with pytest.raises(DataValidationError, match=r"unknown state codes \['ZZ'\]"):
        us.read_mpv_killings(tmp_path)
    header = [h for h in MPV_HEADER if h != "MPV ID"]
    write_xlsx(tmp_path / "MPVDatasetDownload.xlsx", {"2013-2020 Police Killings": [header]})
    with pytest.raises(DataValidationError, match=r"columns missing: \['MPV ID'\]"):
        us.read_mpv_killings(tmp_path)


def test_marshall_project(tmp_path: Path) -> None:
    header = ["ORI", "year", "department_name", "total_pop", "homs_sum", "rape_sum", "rob_sum",
              "agg_ass_sum", "violent_crime", "months_reported", "violent_per_100k", "source", "url"]  # fmt: skip
    write_csv(
        tmp_path / "ucr_crime_1975_2015.csv",
        [
            header,
            ["NM00101", "1975", "Albuquerque, N.M.", "286238", "30", "181", "819", "1353",
             "2383", "12", "832.5", "NA", "NA"],
            ["NA", "1975", "National", "1000", "1", "NA", "1", "1", "3", "NA", "300.0", "NA", "NA"],
        ],
    )  # fmt: skip
    crime = us.read_marshall_ucr(tmp_path)
    assert crime["ori"].tolist()[0] == "NM00101" and pd.isna(crime["ori"].iloc[1])
    assert crime["violent_crime"].tolist() == [2383, 3]
    assert pd.isna(crime["rape_sum"].iloc[1]) and crime["rape_sum"].dtype == "Int64"
