"""England and Wales readers: IOPC deaths, PCC holders, workforce, Taser, recorded crime.

``test_real_files_ew`` checks the real files, together with the E&W population tables and the
E&W deaths panel built from them (external data: the mirror, the download cache or the network).
Its expected values are cells of the source files read by hand; the IOPC national totals are the
'Total FATALITIES' rows of the IOPC 2019/20 time-series tables. The readers' logic and error
paths run on synthetic files with the same layout (made-up counts).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError, JoinError, OptionError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data.dataset import load_dataset
from policingstudy.data.readers import ew
from policingstudy.data.readers import population as pop
from tests.helpers import ROOT
from tests.synthetic import (
    IOPC_YEARS,
    iopc_authorities,
    write_csv,
    write_iopc_csv,
    write_iopc_ods,
    write_pcc_party,
    write_workforce,
    write_xlsx,
)

CATEGORIES = {
    # category: (source id, IOPC national total 2004/05-2019/20, listed force-area rows)
    "custody": ("ew_iopc_custody_deaths_by_force", 311, 43),
    "other_contact": ("ew_iopc_other_contact_deaths_by_force", 1081, 43),
    "rti": ("ew_iopc_rti_deaths_by_force", 471, 43),
    "shootings": ("ew_iopc_shooting_deaths_by_force", 43, 16),
    "suicides": ("ew_iopc_suicides_by_force", 870, 43),
}


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


EW_SOURCES = sorted(
    {sid for sid, _, _ in CATEGORIES.values()}
    | {f"ew_ho_police_workforce_sep{y}" for y in range(2015, 2020)}
    | set(pop.EW_SOURCES)
    | {
        "ew_iopc_deaths_timeseries_2019_20",
        "ew_pcc_party_by_year",
        "ew_police_fte_2015_2019",
        "ew_taser_use_by_force",
        "ew_pfa_crime_tables_ye2024",
        "ew_lad_csp_pfa_lookup_2023",
        "wgi_2024",  # the WGI panel shown beside the E&W panel
    }
)


def _value(frame: pd.DataFrame, code: str, year: int) -> int:
    rows = frame.loc[(frame["code"] == code) & (frame["year"] == year), "population"]
    assert len(rows) == 1, (code, year)
    return int(rows.iloc[0])


@pytest.mark.mirror
def test_real_files_ew(
    external: Any, dataset_tables: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real E&W files: IOPC, PCC holders, workforce, Taser, crime, population, the panel."""
    folder = external.require(*EW_SOURCES, family="England and Wales readers and deaths panel")

    # -- IOPC: the by-force CSVs and the time-series ODS agree
    for category, (source_id, national_total, listed) in CATEGORIES.items():
        csv = ew.read_iopc_by_force(folder(source_id))
        ods = ew.read_iopc_timeseries(
            folder("ew_iopc_deaths_timeseries_2019_20"), category=category
        )
        merged = csv.merge(ods, on=["authority", "financial_year"], validate="one_to_one")
        assert len(merged) == len(csv) == len(ods), category
        assert (merged["deaths_x"] == merged["deaths_y"]).all(), category
        territorial = csv.loc[csv["authority_kind"] == "territorial"]
        assert territorial["pfa_code"].nunique() == 43
        assert territorial.groupby("pfa_code").size().eq(16).all()
        assert territorial.loc[territorial["listed"], "pfa_code"].nunique() == listed, category
        if category != "shootings":
            assert csv["deaths"].sum() == national_total, category

    # an absent force means zero deaths; joint shootings count under both forces
    shootings = ew.read_iopc_by_force(folder("ew_iopc_shooting_deaths_by_force"))
    wiltshire = shootings.loc[shootings["pfa_code"] == "E23000038"]
    assert len(wiltshire) == 16
    assert not wiltshire["listed"].any()
    assert (wiltshire["deaths"] == 0).all()
    assert wiltshire["authority"].iloc[0] == "Wiltshire"
    # IOPC: 43 deaths nationally; 3 (2017/18) and 1 (2019/20) involved City of London and the
    # Metropolitan Police and appear under both forces.
    assert shootings["deaths"].sum() == 47
    both = shootings.loc[shootings["pfa_code"].isin(["E23000001", "E23000034"])]
    by_year = both.groupby("financial_year")["deaths"].sum()
    assert by_year["2017/18"] == 6
    assert by_year["2019/20"] == 4

    # kinds and revision markers
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

    # the real custody CSV with one edit
    text = (folder("ew_iopc_custody_deaths_by_force") / "fatalities.csv").read_text()
    (tmp_path / "fatalities.csv").write_text(text.replace("Cumbria,", "Cumberland,"))
    with pytest.raises(DataValidationError, match=r"authority 'Cumberland' is no police force"):
        ew.read_iopc_by_force(tmp_path)
    avon = "Avon & Somerset,4,1,0,0,1,0,1,0,0,0,1,0,0,0,0,0,8"
    assert avon in text
    (tmp_path / "fatalities.csv").write_text(text.replace(avon, avon[:-1] + "9"))
    with pytest.raises(DataValidationError, match=r"\(Avon & Somerset\): Total 9; expected 8"):
        ew.read_iopc_by_force(tmp_path)

    # -- PCC party and holders
    party = ew.read_pcc_party(folder("ew_pcc_party_by_year"))
    assert len(party) == 42 * 13
    lookup = party.set_index(["pfa_code", "year"])["party"]
    assert lookup[("W15000004", 2016)] == "Plaid Cymru"  # Dyfed-Powys
    assert lookup[("E23000001", 2012)] == "Conservative"  # Mayor of London, Boris Johnson
    assert lookup[("E23000036", 2012)] == "Independent"  # trailing space stripped
    # every area whose functions the dataset gives to a PCC or a mayor has a party in every
    # year since the holder took over; the City of London (no PCC) has none
    functions = load_dataset(ProjectPaths(ROOT))["ew_pcc_functions"].set_index("subunit_code")
    for code, row in functions.iterrows():
        years = [y for y in range(max(2012, int(str(row["since"])[:4])), 2025)]
        if row["holder"] == "none":
            assert code not in set(party["pfa_code"])
        else:
            assert all(pd.notna(lookup.get((code, y))) for y in years), code
    shutil.copy(folder("ew_pcc_party_by_year") / "pcc_list_by_year.xlsx", tmp_path / "x.xlsx")
    with pytest.raises(
        DataValidationError,
        match=r"pcc_list_by_year\.xlsx: file not found; the folder holds \['fatalities\.csv', 'x\.xlsx'\]",
    ):
        ew.read_pcc_party(tmp_path)

    # -- workforce releases agree across releases
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
    fte = ew.read_police_fte(folder("ew_police_fte_2015_2019"))
    by_year = fte.set_index(["pfa_code", "year"])
    march = releases[2015].set_index(["pfa_code", "as_at"])["officers_fte"]
    assert (
        by_year.loc[("E23000013", 2015), "officers_fte"]
        == march[("E23000013", pd.Timestamp("2015-03-31"))]
    )
    forces = fte[fte["pfa_code"].notna()]
    assert not forces.duplicated(["pfa_code", "year"]).any()
    west_midlands = forces[
        (forces["pfa_code"] == ew.pfa_code("West Midlands")) & (forces["year"] == 2015)
    ]
    # the force, not the region 11,688.54
    assert west_midlands["officers_fte"].tolist() == [7132.75]

    # -- Taser, recorded crime, the LAD lookup
    taser = ew.read_taser_use(folder("ew_taser_use_by_force"))
    assert len(taser) == 216
    assert sorted(taser["period_end"].dt.year.unique()) == [2015, 2016, 2018, 2019, 2020]
    row = taser.loc[
        (taser["pfa_code"] == "E23000013") & (taser["period_end"] == pd.Timestamp("2020-03-31"))
    ].iloc[0]
    assert (row["total"], row["discharge"], row["fired"]) == (330.0, 21.0, 21.0)
    crime = ew.read_pfa_crime(folder("ew_pfa_crime_tables_ye2024"))
    total = crime.loc[crime["offence_group"] == "Total recorded crime (excluding fraud)"]
    pfa = total.loc[total["level"] == "pfa"]
    assert pfa["area_code"].nunique() == 43
    btp = total.loc[total["area_name"] == "British Transport Police", "offences"].iloc[0]
    country = total.loc[total["area_code"] == "K04000001", "offences"].iloc[0]
    assert country == 5350405
    assert pfa["offences"].sum() + btp == country
    assert total.loc[total["area_code"] == "E23000013", "offences"].iloc[0] == 73339
    lookup = ew.read_lad_pfa_lookup(folder("ew_lad_csp_pfa_lookup_2023"))
    assert len(lookup) == 332
    assert lookup["pfa_code"].nunique() == 43
    assert lookup.loc[lookup["lad_code"] == "E06000001", "pfa_code"].iloc[0] == "E23000013"

    # -- ONS mid-year population of the police force areas
    folders = {sid: folder(sid) for sid in pop.EW_SOURCES}
    p9 = pop.read_ew_pfa_pop_mar2018(folders["ew_pfa_crime_tables_ye_mar2018"])
    # policeforceareatablesyearendingmarch2018v2.xlsx, 'Table P9', row 15, column Q (2016)
    assert _value(p9, "E23000005", 2016) == 2_780_800
    # same sheet, row 14 (Cumbria), column E (2004)
    assert _value(p9, "E23000002", 2004) == 494_900
    assert p9.attrs["dropped_subtotals"] == [
        *(f"E1200000{i}" for i in range(1, 10)),
        "E92000001",
        "K04000001",
        "W92000004",
    ]
    jun = pop.read_ew_pfa_pop_jun2019(folders["ew_pfa_crime_tables_ye_jun2019"])
    # policeforceareatablesyearendingjune2019.xlsx, 'Table P3', row 16, column C (mid-2018)
    assert _value(jun, "E23000005", 2018) == 2_812_600
    # row 14 'Cheshire10': the footnote digits are not part of the name
    assert jun.set_index("code").loc["E23000006", "name"] == "Cheshire"
    population = pop.ew_population(folders)
    # policeforceareatablesyeendingmarch2019.xlsx, 'Table P3 ', row 16, column C (mid-2017)
    assert _value(population, "E23000005", 2017) == 2_798_800
    assert population.groupby("year")["code"].nunique().to_dict() == dict.fromkeys(
        range(2002, 2019), 43
    )
    assert set(population["code"]) == set(ew.PFA_NAMES)
    assert (population["date"].dt.strftime("%m-%d") == "06-30").all()
    assert (population["population"] % 100 == 0).all()

    # (the E&W deaths panel of notebook 06 is checked in tests/test_panels_ew.py)

    # -- the real population table with Cumbria removed
    original = pop._sheet

    def without_cumbria(path: Path, sheet: str) -> list[list[Any]]:
        return [row for row in original(path, sheet) if row[0] != "E23000002"]

    monkeypatch.setattr(pop, "_sheet", without_cumbria)
    with pytest.raises(JoinError, match=r"'Table P3' lacks police force areas E23000002 Cumbria"):
        pop.read_ew_pfa_pop_jun2019(folders["ew_pfa_crime_tables_ye_jun2019"])


# -- logic and errors on synthetic files (layout of the real ones, made-up counts) ----------------


def test_iopc_csv_and_ods_agree(tmp_path: Path) -> None:
    authorities = iopc_authorities()
    csv = ew.read_iopc_by_force(write_iopc_csv(tmp_path / "csv", authorities))
    write_iopc_ods(tmp_path / "ods", "Custody_By_Force", authorities)
    ods = ew.read_iopc_timeseries(tmp_path / "ods", category="custody")
    merged = csv.merge(ods, on=["authority", "financial_year"], validate="one_to_one")
    assert len(merged) == len(csv) == len(ods)
    assert (merged["deaths_x"] == merged["deaths_y"]).all()
    territorial = csv.loc[csv["authority_kind"] == "territorial"]
    assert territorial["pfa_code"].nunique() == 43
    assert territorial.groupby("pfa_code").size().eq(16).all()
    assert territorial.loc[territorial["listed"], "pfa_code"].nunique() == 42
    assert csv["deaths"].sum() == sum(sum(v) for v in authorities.values())
    kinds = csv.drop_duplicates("authority").set_index("authority")["authority_kind"]
    assert kinds["Surrey & Metropolitan"] == "joint"
    assert kinds["British Transport Police"] == "non_territorial"
    assert kinds["City of London"] == "territorial"
    # an absent force (Wiltshire) gets 16 years of zero deaths, not listed
    wiltshire = csv.loc[csv["pfa_code"] == "E23000038"]
    assert (len(wiltshire), wiltshire["deaths"].sum(), wiltshire["listed"].any()) == (16, 0, False)
    assert wiltshire["authority"].iloc[0] == "Wiltshire"
    # the revision marker of the first authority's 2018/19 count
    annotated = ods.loc[ods["annotated"], ["authority", "financial_year"]]
    assert list(map(tuple, annotated.to_numpy())) == [(next(iter(authorities)), "2018/19")]


def test_iopc_bad_inputs_are_named(tmp_path: Path) -> None:
    authorities = iopc_authorities()
    authorities["Cumberland"] = authorities.pop("Cumbria")
    write_iopc_csv(tmp_path, authorities)
    with pytest.raises(DataValidationError, match=r"authority 'Cumberland' is no police force"):
        ew.read_iopc_by_force(tmp_path)
    rows = [[name, *counts, sum(counts)] for name, counts in iopc_authorities().items()]
    avon = next(row for row in rows if row[0] == "Avon & Somerset")
    avon[-1] += 1
    write_csv(tmp_path / "fatalities.csv", [["Authority", *IOPC_YEARS, "Total"], *rows])
    with pytest.raises(
        DataValidationError,
        match=rf"\(Avon & Somerset\): Total {avon[-1]}; expected {avon[-1] - 1}",
    ):
        ew.read_iopc_by_force(tmp_path)
    twice = iopc_authorities()
    twice["Avon and Somerset Constabulary"] = twice["Avon & Somerset"]
    write_iopc_csv(tmp_path, twice)
    with pytest.raises(DataValidationError, match=r"force areas listed twice: \['E23000036'\]"):
        ew.read_iopc_by_force(tmp_path)
    write_csv(tmp_path / "fatalities.csv", [["Authority", "Total"], ["Kent", "1"]])
    with pytest.raises(DataValidationError, match=r"columns \['Authority', 'Total'\]; expected"):
        ew.read_iopc_by_force(tmp_path)
    with pytest.raises(OptionError, match=r"category: expected one of \('custody'"):
        ew.read_iopc_timeseries(tmp_path, category="riots")  # type: ignore[arg-type]
    write_iopc_ods(tmp_path / "ods", "Custody_By_Force", iopc_authorities())
    with pytest.raises(DataValidationError, match=r"file not found"):
        ew.read_iopc_timeseries(tmp_path, category="custody")


def test_pcc_party(tmp_path: Path) -> None:
    party = ew.read_pcc_party(write_pcc_party(tmp_path))
    assert len(party) == 42 * 13
    assert party["force"].str.endswith(" ").sum() == 0  # trailing spaces stripped
    assert set(party["party"]) == {"Conservative", "Labour", "Independent", "Plaid Cymru"}


def test_pcc_party_errors(tmp_path: Path) -> None:
    rows = [
        ["Name in dataset", 2012, 2013],
        ["Atlantis", "Labour", "Labour"],
        ["Kent", "Labour", None],
    ]
    write_xlsx(tmp_path / "pcc_list_by_year.xlsx", {"wider": rows})
    with pytest.raises(DataValidationError) as info:
        ew.read_pcc_party(tmp_path)
    assert info.value.problems == [
        "pcc_list_by_year.xlsx: sheet 'wider', row 2: unknown force 'Atlantis'",
        "pcc_list_by_year.xlsx: row 3, year 2013: empty party",
    ]


def test_workforce_release(tmp_path: Path) -> None:
    frame = ew.read_ho_workforce(write_workforce(tmp_path, 2019), year=2019)
    assert frame["pfa_code"].nunique() == 43
    assert set(frame.loc[frame["pfa_code"].isna(), "force"]) == {
        "Central Service Secondments",
        "British Transport Police",
    }
    assert frame["as_at"].max() == pd.Timestamp("2019-09-30")
    by_code = frame.set_index(["pfa_code", "as_at"])["officers_fte"]
    index = list(ew.PFA_NAMES).index("E23000014")
    # West Midlands: the force (the later row), not the region of the same name
    assert by_code[("E23000014", pd.Timestamp("2019-09-30"))] == 1002.0 + index
    assert frame.loc[frame["pfa_code"] == "E23000001", "force"].iloc[0] == "Metropolitan Police"


def test_workforce_errors(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"workforce year 2014; known \[2015"):
        ew.read_ho_workforce(tmp_path, year=2014)
    write_workforce(tmp_path, 2018, forces=40)
    with pytest.raises(DataValidationError, match=r"40 police force areas in Table_1; expected 43"):
        ew.read_ho_workforce(tmp_path, year=2018)


def test_fte_taser_crime_and_lookup_files(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "police-workforce-fte-by-year.csv",
        [
            ["Police force", "FTE Count", "Year"],
            ["Cleveland", "1325.44", "2015"],
            ["West Midlands", "300.0", "2015"],  # the region: the sum of the rows below
            ["Staffordshire", "100.0", "2015"],
            ["West Midlands", "200.0", "2015"],  # the force
            ["Police force", "FTE Count", "Year"],  # a repeated header
            ["British Transport Police", "2900.0", "2015"],
        ],
    )
    fte = ew.read_police_fte(tmp_path)
    assert fte["force"].tolist() == [
        "Cleveland",
        "Staffordshire",
        "West Midlands",
        "British Transport Police",
    ]
    assert fte.loc[fte["pfa_code"] == "E23000014", "officers_fte"].tolist() == [200.0]
    header = ["Police force", "Total", "Total non-discharge", "Drawn", "Aimed", "Red-dot", "Arced",
              "Total discharge", "Drive stun", "Fired", "Angled drive stun", "Not stated", "ytd"]  # fmt: skip
    write_csv(
        tmp_path / "taser-use-by-force-by-year.csv",
        [
            header,
            [
                "Cleveland",
                330.0,
                302.0,
                61.0,
                34.0,
                198.0,
                9.0,
                21.0,
                0.0,
                21.0,
                0.0,
                7.0,
                "2020-03-31",
            ],
        ],
    )
    taser = ew.read_taser_use(tmp_path)
    assert (taser["pfa_code"].item(), taser["period_end"].item()) == (
        "E23000013",
        pd.Timestamp("2020-03-31"),
    )
    assert (taser["total"].item(), taser["fired"].item()) == (330.0, 21.0)
    write_csv(
        tmp_path / "taser-use-by-force-by-year.csv", [header, ["Gotham", *[1.0] * 11, "2020-03-31"]]
    )
    with pytest.raises(
        DataValidationError, match=r"force names matching no force area: \['gotham'\]"
    ):
        ew.read_taser_use(tmp_path)
    crime_rows = [
        ["Table P1: Police recorded crime (synthetic)"],
        [
            "Area Code",
            "Area Name",
            "Total recorded crime\n (excluding fraud) \n[note 2]",
            "Homicide",
        ],
        ["K04000001", "ENGLAND AND WALES [note 3]", 110, 3],
        ["E12000001", "North East", 60, 1],
        ["E23000013", "Cleveland", 60, 1],
        ["E23000008", "Durham", 40, "[x]"],
        [None, "British Transport Police", 10, 2],
    ]
    write_xlsx(tmp_path / "policeforceareatablesyedecember2024.xlsx", {"Table P1": crime_rows})
    crime = ew.read_pfa_crime(tmp_path)
    assert set(crime["offence_group"]) == {"Total recorded crime (excluding fraud)", "Homicide"}
    levels = crime.drop_duplicates("area_name").set_index("area_name")["level"]
    assert levels.to_dict() == {"ENGLAND AND WALES": "country", "North East": "region",
                                "Cleveland": "pfa", "Durham": "pfa", "British Transport Police": "other"}  # fmt: skip
    assert pd.isna(
        crime.loc[
            (crime["area_name"] == "Durham") & (crime["offence_group"] == "Homicide"), "offences"
        ].item()
    )
    write_xlsx(tmp_path / "policeforceareatablesyedecember2024.xlsx", {"Table P1": crime_rows[:1]})
    with pytest.raises(DataValidationError, match=r"Table P1 has no 'Area Code' header row"):
        ew.read_pfa_crime(tmp_path)
    lookup_name = (
        "Local_Authority_District_to_CSPs_to_Police_Force_Areas_(December__2023)_Lookup_.csv"
    )
    lookup_header = ["LAD23CD", "LAD23NM", "CSP23CD", "CSP23NM", "PFA23CD", "PFA23NM", "ObjectId"]
    write_csv(
        tmp_path / lookup_name,
        [
            lookup_header,
            ["E06000001", "Hartlepool", "E22000027", "Hartlepool", "E23000013", "Cleveland", 1],
        ],
        encoding="utf-8-sig",
    )
    assert ew.read_lad_pfa_lookup(tmp_path).iloc[0].to_dict() == {
        "lad_code": "E06000001", "lad_name": "Hartlepool", "csp_code": "E22000027",
        "csp_name": "Hartlepool", "pfa_code": "E23000013", "pfa_name": "Cleveland",
    }  # fmt: skip
    write_csv(
        tmp_path / lookup_name,
        [
            lookup_header,
            ["E06000001", "Hartlepool", "E22000027", "Hartlepool", "E23000099", "Nowhere", 1],
        ],
        encoding="utf-8-sig",
    )
    with pytest.raises(DataValidationError, match=r"unknown PFA23CD codes \['E23000099'\]"):
        ew.read_lad_pfa_lookup(tmp_path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"")
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
