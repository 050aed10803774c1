"""England and Wales readers: IOPC deaths, PCC holders, workforce, Taser, recorded crime.

Expected values are cells of the source files read by hand; the IOPC national totals are the
'Total FATALITIES' rows of the IOPC 2019/20 time-series tables.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError, OptionError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from policingstudy.data.readers import ew

Folder = Callable[[str], Path]
CATEGORIES = {
    # category: (source id, IOPC national total 2004/05-2019/20, listed force-area rows)
    "custody": ("ew_iopc_custody_deaths_by_force", 311, 43),
    "other_contact": ("ew_iopc_other_contact_deaths_by_force", 1081, 43),
    "rti": ("ew_iopc_rti_deaths_by_force", 471, 43),
    "shootings": ("ew_iopc_shooting_deaths_by_force", 43, 16),
    "suicides": ("ew_iopc_suicides_by_force", 870, 43),
}


@pytest.fixture(scope="module")
def folder(external_dir: Path, project_root: Path) -> Folder:
    paths = ProjectPaths(project_root)
    return lambda sid: sources.locate(sid, paths=paths, mirror=external_dir)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Avon & Somerset", "E23000036"),
        ("Avon and Somerset Constabulary", "E23000036"),
        ("Metropolitan", "E23000001"),
        ("Metropolitan Police Service", "E23000001"),
        ("City of London", "E23000034"),
        ("London, City of", "E23000034"),
        ("Wiltshire2", "E23000038"),
        ("Devon and Cornwall Police", "E23000035"),
        ("GLOUCESTERSHIRE CONSTABULARY", "E23000037"),
        ("Dyfed-Powys", "W15000004"),
        ("London", None),
        ("West Midlands & South Wales", None),
    ],
)
def test_force_names_map_to_ons_codes(name: str, code: str | None) -> None:
    assert ew.pfa_code(name) == code


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_iopc_csv_and_ods_agree(folder: Folder, category: str) -> None:
    source_id, national_total, listed = CATEGORIES[category]
    csv = ew.read_iopc_by_force(folder(source_id))
    ods = ew.read_iopc_timeseries(folder("ew_iopc_deaths_timeseries_2019_20"), category=category)
    merged = csv.merge(ods, on=["authority", "financial_year"], validate="one_to_one")
    assert len(merged) == len(csv) == len(ods)
    assert (merged["deaths_x"] == merged["deaths_y"]).all()
    territorial = csv.loc[csv["authority_kind"] == "territorial"]
    assert territorial["pfa_code"].nunique() == 43
    assert territorial.groupby("pfa_code").size().eq(16).all()
    assert territorial.loc[territorial["listed"], "pfa_code"].nunique() == listed
    if category != "shootings":
        assert csv["deaths"].sum() == national_total


def test_absent_force_means_zero_deaths(folder: Folder) -> None:
    shootings = ew.read_iopc_by_force(folder("ew_iopc_shooting_deaths_by_force"))
    wiltshire = shootings.loc[shootings["pfa_code"] == "E23000038"]
    assert len(wiltshire) == 16
    assert not wiltshire["listed"].any()
    assert (wiltshire["deaths"] == 0).all()
    assert wiltshire["authority"].iloc[0] == "Wiltshire"


def test_joint_shooting_deaths_are_counted_under_both_forces(folder: Folder) -> None:
    shootings = ew.read_iopc_by_force(folder("ew_iopc_shooting_deaths_by_force"))
    # IOPC: 43 deaths nationally; 3 (2017/18) and 1 (2019/20) involved City of London and the
    # Metropolitan Police and appear under both forces.
    assert shootings["deaths"].sum() == 47
    both = shootings.loc[shootings["pfa_code"].isin(["E23000001", "E23000034"])]
    by_year = both.groupby("financial_year")["deaths"].sum()
    assert by_year["2017/18"] == 6
    assert by_year["2019/20"] == 4


def test_iopc_kinds_and_revision_markers(folder: Folder) -> None:
    other = ew.read_iopc_timeseries(
        folder("ew_iopc_deaths_timeseries_2019_20"), category="other_contact"
    )
    joint = other.loc[other["authority_kind"] == "joint", "authority"].unique()
    assert "Surrey & Metropolitan" in joint
    assert "West Midlands & Warkwickshire" in joint
    assert len(joint) == 15
    assert other["pfa_code"].isna().sum() == (15 + 5) * 16
    annotated = other.loc[other["annotated"], ["authority", "financial_year", "deaths"]]
    assert ("Metropolitan", "2018/19", 16) in set(map(tuple, annotated.to_numpy()))


def test_iopc_bad_inputs_are_named(folder: Folder, tmp_path: Path) -> None:
    text = (folder("ew_iopc_custody_deaths_by_force") / "fatalities.csv").read_text()
    (tmp_path / "fatalities.csv").write_text(text.replace("Cumbria,", "Cumberland,"))
    with pytest.raises(DataValidationError, match=r"authority 'Cumberland' is no police force"):
        ew.read_iopc_by_force(tmp_path)
    avon = "Avon & Somerset,4,1,0,0,1,0,1,0,0,0,1,0,0,0,0,0,8"
    assert avon in text
    (tmp_path / "fatalities.csv").write_text(text.replace(avon, avon[:-1] + "9"))
    with pytest.raises(DataValidationError, match=r"\(Avon & Somerset\): Total 9; expected 8"):
        ew.read_iopc_by_force(tmp_path)
    with pytest.raises(OptionError, match=r"category: expected one of \('custody'"):
        ew.read_iopc_timeseries(tmp_path, category="riots")  # type: ignore[arg-type]


def test_pcc_party_and_holders(folder: Folder) -> None:
    party = ew.read_pcc_party(folder("ew_pcc_party_by_year"))
    assert len(party) == 42 * 13
    lookup = party.set_index(["pfa_code", "year"])["party"]
    assert lookup[("W15000004", 2016)] == "Plaid Cymru"  # Dyfed-Powys
    assert lookup[("E23000001", 2012)] == "Conservative"  # Mayor of London, Boris Johnson
    assert lookup[("E23000036", 2012)] == "Independent"  # trailing space stripped
    counts = {
        year: ew.pcc_function_holders(party, year=year)["holder"].value_counts().to_dict()
        for year in (2016, 2017, 2021, 2024)
    }
    assert counts[2016] == {"pcc": 41, "mayor": 1, "none": 1}
    assert counts[2017] == {"pcc": 40, "mayor": 2, "none": 1}
    assert counts[2021] == {"pcc": 39, "mayor": 3, "none": 1}
    assert counts[2024] == {"pcc": 37, "mayor": 5, "none": 1}
    holders = ew.pcc_function_holders(party, year=2024).set_index("pfa_code")
    assert holders.loc["E23000034", "holder"] == "none"
    assert pd.isna(holders.loc["E23000034", "party"])
    assert holders.loc["E23000009", "holder"] == "mayor"  # York and North Yorkshire
    with pytest.raises(DataValidationError, match=r"year 2011; expected one of \[2012"):
        ew.pcc_function_holders(party, year=2011)


def test_workforce_tables_agree_across_releases(folder: Folder) -> None:
    releases = {
        y: ew.read_ho_workforce(folder(f"ew_ho_police_workforce_sep{y}"), year=y)
        for y in range(2015, 2020)
    }
    for year, frame in releases.items():
        assert frame["pfa_code"].nunique() == 43
        assert set(frame.loc[frame["pfa_code"].isna(), "force"]) == {
            "Central Service Secondments",
            "British Transport Police",
        }
        assert frame["as_at"].max() == pd.Timestamp(f"{year}-09-30")
    met = releases[2015].set_index(["pfa_code", "as_at"])["officers_fte"]
    assert met[("E23000001", pd.Timestamp("2015-09-30"))] == pytest.approx(31792.89)
    # West Midlands: the force, not the region of the same name
    wm = releases[2019].set_index(["pfa_code", "as_at"])["officers_fte"]
    assert wm[("E23000014", pd.Timestamp("2019-09-30"))] == pytest.approx(6405.063575)
    # a September figure is repeated as the first column of the next release (Cleveland) ...
    sep15 = pd.Timestamp("2015-09-30")
    later = releases[2016].set_index(["pfa_code", "as_at"])["officers_fte"]
    assert later[("E23000013", sep15)] == met[("E23000013", sep15)] == pytest.approx(1315.32)
    # ... except where the Home Office revised it: the 2016 release raised the Metropolitan
    # Police figure for 30 September 2015 from 31,792.89 to 32,182.68 FTE.
    assert later[("E23000001", sep15)] == pytest.approx(32182.68)
    fte = ew.read_police_fte(folder("ew_police_fte_2015_2019")).set_index(["pfa_code", "year"])
    march = releases[2015].set_index(["pfa_code", "as_at"])["officers_fte"]
    assert (
        fte.loc[("E23000013", 2015), "officers_fte"]
        == march[("E23000013", pd.Timestamp("2015-03-31"))]
    )


def test_taser_periods(folder: Folder) -> None:
    taser = ew.read_taser_use(folder("ew_taser_use_by_force"))
    assert len(taser) == 216
    assert sorted(taser["period_end"].dt.year.unique()) == [2015, 2016, 2018, 2019, 2020]
    row = taser.loc[
        (taser["pfa_code"] == "E23000013") & (taser["period_end"] == pd.Timestamp("2020-03-31"))
    ].iloc[0]
    assert (row["total"], row["discharge"], row["fired"]) == (330.0, 21.0, 21.0)


def test_recorded_crime_adds_up(folder: Folder) -> None:
    crime = ew.read_pfa_crime(folder("ew_pfa_crime_tables_ye2024"))
    total = crime.loc[crime["offence_group"] == "Total recorded crime (excluding fraud)"]
    pfa = total.loc[total["level"] == "pfa"]
    assert pfa["area_code"].nunique() == 43
    btp = total.loc[total["area_name"] == "British Transport Police", "offences"].iloc[0]
    country = total.loc[total["area_code"] == "K04000001", "offences"].iloc[0]
    assert country == 5350405
    assert pfa["offences"].sum() + btp == country
    assert total.loc[total["area_code"] == "E23000013", "offences"].iloc[0] == 73339


def test_lad_lookup(folder: Folder) -> None:
    lookup = ew.read_lad_pfa_lookup(folder("ew_lad_csp_pfa_lookup_2023"))
    assert len(lookup) == 332
    assert lookup["pfa_code"].nunique() == 43
    assert lookup.loc[lookup["lad_code"] == "E06000001", "pfa_code"].iloc[0] == "E23000013"


def test_missing_file_is_named(tmp_path: Path, folder: Folder) -> None:
    shutil.copy(folder("ew_pcc_party_by_year") / "pcc_list_by_year.xlsx", tmp_path / "x.xlsx")
    with pytest.raises(
        DataValidationError,
        match=r"pcc_list_by_year\.xlsx: file not found; "
        r"the folder holds \['x\.xlsx'\]",
    ):
        ew.read_pcc_party(tmp_path)


def test_region_subtotal_rows_are_dropped_and_others_refused():
    import pandas as pd

    from policingstudy.core.errors import DataValidationError
    from policingstudy.data.readers.ew import _drop_region_subtotals

    frame = pd.DataFrame(
        {
            "pfa_code": ["A", "B", "A", "M"],
            "force": ["A", "B", "A", "M"],
            "year": [2015] * 4,
            "officers_fte": [300.0, 100.0, 200.0, 500.0],
        }
    )
    out = _drop_region_subtotals(frame, "f.csv")
    assert out["officers_fte"].tolist() == [100.0, 200.0, 500.0]
    bad = frame.assign(officers_fte=[999.0, 100.0, 200.0, 500.0])
    with pytest.raises(DataValidationError, match="f.csv: 2015, force A: listed 2 times"):
        _drop_region_subtotals(bad, "f.csv")


def test_fte_file_has_one_row_per_force_and_year(mirror):
    from policingstudy.data.readers.ew import pfa_code, read_police_fte

    fte = read_police_fte(mirror / "ew_police_fte_2015_2019")
    forces = fte[fte["pfa_code"].notna()]
    assert not forces.duplicated(["pfa_code", "year"]).any()
    west_midlands = forces[
        (forces["pfa_code"] == pfa_code("West Midlands")) & (forces["year"] == 2015)
    ]
    assert west_midlands["officers_fte"].tolist() == [
        7132.75
    ]  # the force, not the region 11,688.54
