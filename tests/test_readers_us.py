"""US readers: UChicago oversight survey, Nix panel, Washington Post, MPV, Marshall Project.

Expected values are counted from the source files (agencies.json, the CSVs and the workbook).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from policingstudy.data.readers import us

Folder = Callable[[str], Path]


@pytest.fixture(scope="module")
def folder(external_dir: Path, project_root: Path) -> Folder:
    paths = ProjectPaths(project_root)
    return lambda sid: sources.locate(sid, paths=paths, mirror=external_dir)


def test_oversight_agencies(folder: Folder) -> None:
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


def test_largest_cities(folder: Folder) -> None:
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


def test_bad_role_is_named(folder: Folder, tmp_path: Path) -> None:
    shutil.copytree(folder("us_oversight_agencies"), tmp_path / "o")
    path = tmp_path / "o" / "agencies.json"
    agencies = json.loads(path.read_text())
    agencies[0]["primary_role"] = "Mediation"
    path.write_text(json.dumps(agencies))
    with pytest.raises(
        DataValidationError,
        match=r"agency 1 \(Civilian Police Oversight "
        r"Agency\): primary_role 'Mediation'",
    ):
        us.read_oversight_agencies(tmp_path / "o")


def test_nix_blank_is_not_collected_not_zero(folder: Folder) -> None:
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


def test_washington_post(folder: Folder) -> None:
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
    agencies = us.read_wapo_agencies(folder("us_wapo_v2_agencies"))
    assert len(agencies) == 3681
    ids = shootings["agency_ids"].dropna().str.split(";").explode().astype(int)
    assert set(ids) <= set(agencies["id"])


def test_mapping_police_violence(folder: Folder) -> None:
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


def test_marshall_project(folder: Folder) -> None:
    crime = us.read_marshall_ucr(folder("us_marshall_ucr_city_crime"))
    assert len(crime) == 2829
    assert crime["ori"].nunique() == 68
    national = crime.loc[crime["ori"].isna()]  # one 'National' row per year, without ORI
    assert set(national["department_name"]) == {"National"}
    assert len(national) == 41
    albuquerque = crime.loc[(crime["ori"] == "NM00101") & (crime["year"] == 1975)].iloc[0]
    assert albuquerque["violent_crime"] == 2383 == 30 + 181 + 819 + 1353
