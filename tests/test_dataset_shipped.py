"""Properties the shipped dataset must keep (issue: the comparative dataset).

The hand-coded tables are checked without the external UChicago survey (as ``policingstudy
validate`` reads them); the survey's join is checked here on a synthetic survey and, with the
real survey, by tests/test_readers_us.py::test_real_files_us.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from policingstudy.core.paths import ProjectPaths
from policingstudy.data import build
from policingstudy.data.readers.us import read_oversight_agencies
from tests.helpers import ROOT
from tests.synthetic import write_survey


@pytest.fixture(scope="module")
def tables(dataset_tables: dict) -> dict:
    return dataset_tables


def test_every_non_unknown_coding_has_a_source(tables):
    for name in ("codings", "codings_by_coder"):
        frame = tables[name]
        known = frame[frame["status"] != "unknown"]
        assert len(known) > 0
        assert known["source_id"].notna().all(), name
        assert set(known["source_id"]) <= set(tables["sources"]["source_id"])


def test_required_units_exist(tables):
    units = tables["units"].set_index("unit_id")
    for uid in (
        "KZ_MVD_PUBLIC_COUNCIL",
        "KZ_APPEALS",
        "KZ_TRUST_HOTLINE",
        "KZ_102",
        "KZ_EOTINISH",
        "KZ_COMPLAINTS",
        "KZ_INTERNAL_SECURITY",
        "KZ_PROSECUTOR_SUPERVISION",
        "KZ_PERFORMANCE_EVALUATION",
        "KZ_OMBUDSMAN",
        "KZ_NPM",
        "UK_PCC",
        "UK_MOPAC",
        "UK_PCP",
        "UK_IPCC",
        "UK_IOPC",
        "UK_HMICFRS",
        "US_MODEL_INVESTIGATIVE",
        "US_MODEL_REVIEW",
        "US_MODEL_AUDITOR",
        "DE_FED",
    ):
        assert uid in units.index, uid
    named_us = units[
        (units["jurisdiction"] == "US")
        & (units["kind"] == "civilian_oversight_agency")
        & (units["origin"] == "hand_coded")
    ]
    assert len(named_us) >= 10
    laender = units[(units["jurisdiction"] == "DE") & (units["subunit_code"] != "")]
    assert laender["subunit_code"].nunique() == 16  # every Land: a body or a recorded none


def test_kazakh_units_link_to_article_topics(tables):
    kz = tables["units"][tables["units"]["jurisdiction"] == "KZ"]
    topics = set(tables["thesis_topics"]["topic_id"])
    linked = {t for cell in kz["topic_ids"].dropna() for t in str(cell).split(";") if t}
    assert linked <= topics
    assert {f"T{n:02d}" for n in range(5, 18)} - {"T14"} <= linked | {"T04"}


def test_second_coder_covers_at_least_30_percent_of_kz_and_de(tables):
    by_coder = tables["codings_by_coder"]
    kzde = by_coder[by_coder["unit_id"].str.match(r"^(KZ|DE)_")]
    share = (kzde["coder"] == "c2").sum() / (kzde["coder"] == "c1").sum()
    assert share >= 0.30


def test_ipcc_is_a_dated_predecessor_of_the_iopc(tables):
    events = tables["events"]
    ipcc = events[events["unit_id"] == "UK_IPCC"]
    assert {"established"} <= set(ipcc["event"])
    assert set(ipcc["event"]) & {"renamed", "abolished"}


def test_reliability_has_every_dimension_and_overall(tables):
    dims = set(tables["dimensions"]["dimension_id"])
    rel = tables["reliability"]
    assert set(rel["dimension"]) == dims | {"all"}
    assert set(rel["variant"]) == {"values", "status"}
    overall = rel[(rel["jurisdiction"] == "all") & (rel["dimension"] == "all")].set_index("variant")
    # counting "one coder found a value, the other did not" lowers agreement
    assert overall.loc["status", "alpha"] < overall.loc["values", "alpha"]
    assert overall.loc["status", "n_items"] > overall.loc["values", "n_items"]
    for variant in ("values", "status"):
        row = overall.loc[variant]
        assert row["ci_low"] <= row["alpha"] <= row["ci_high"]


def test_every_unit_has_a_class_of_the_codebook(tables):
    units = tables["units"]
    classes = set(tables["unit_classes"]["unit_class"])
    assert classes == {
        "external_oversight",
        "police_governance",
        "internal_police",
        "prosecutor_court",
        "complaint_channel",
        "participation_forum",
    }
    assert units["unit_class"].isin(classes).all()
    by_id = units.set_index("unit_id")["unit_class"]
    # the bodies the referee named when the systems' boundaries differed
    assert by_id["KZ_INTERNAL_SECURITY"] == "internal_police"
    assert by_id["KZ_PROSECUTOR_SUPERVISION"] == "prosecutor_court"
    assert by_id[["KZ_APPEALS", "KZ_EGOV", "KZ_EOTINISH", "KZ_102"]].eq("complaint_channel").all()
    assert by_id[["KZ_OMBUDSMAN", "KZ_NPM", "DE_FED", "UK_IOPC"]].eq("external_oversight").all()
    assert by_id[["UK_PCC", "UK_PCP", "UK_MOPAC"]].eq("police_governance").all()
    assert by_id[["DE_NI", "DE_ST", "DE_TH", "DE_NW_2"]].eq("internal_police").all()
    # a unit classed away from its kind's usual class says so in its notes
    for uid in ("KZ_MVD_PUBLIC_COUNCIL", "US_SEA_OPA", "DE_SN"):
        assert f"Class {by_id[uid]}" in units.set_index("unit_id").loc[uid, "notes"]


def test_survey_units_are_oversight_or_governance_by_primary_role():
    import pandas as pd

    from policingstudy.data.survey import survey_units

    agencies = pd.DataFrame(
        {
            "agency_id": [1, 2, 3],
            "state": ["CA", "CA", "NY"],
            "city": ["A", "B", "C"],
            "name": ["Police Commission", "Review Board", "Auditor"],
            "primary_role": ["supervisory", "review", None],
            "established_year": [1990, None, 2001],
        }
    )
    mapping = {"source_id": "src", "mappings": [], "linked": {1: "US_OAK_CPRA"}}
    units, _, _ = survey_units(agencies, mapping)
    assert list(units["unit_class"]) == [
        "police_governance",
        "external_oversight",
        "external_oversight",
    ]


# Units whose establishment date no source read so far gives (PROTOCOL.md, section 8): fill a date
# from a source you read, then remove the unit here. A new unit without a date fails this test.
KNOWN_UNDATED = {
    "KZ_102",
    "KZ_COMPLAINTS",
    "KZ_DISTRICT_INSPECTORS",
    "KZ_EOTINISH",
    "KZ_INTERNAL_SECURITY",
    "KZ_PERFORMANCE_EVALUATION",
    "KZ_PRESS_SERVICE",
    "KZ_SOCIAL_MEDIA",
    "KZ_TRUST_HOTLINE",
    "US_INTERNAL_AFFAIRS",
}


def test_units_without_an_establishment_date_are_the_known_gaps(tables):
    from policingstudy.data.dataset import undated_units

    hand = tables["units"][tables["units"]["origin"] == "hand_coded"]
    assert set(undated_units(hand, tables["events"])) == KNOWN_UNDATED


def test_validity_on_the_reference_date(tables):
    from policingstudy.data.dataset import REFERENCE_DATE, unit_validity

    assert REFERENCE_DATE.isoformat() == "2025-01-01"
    hand = tables["units"][tables["units"]["origin"] == "hand_coded"]
    v = unit_validity(hand, tables["events"]).set_index("unit_id")
    # replaced before the reference date / established after it
    assert not v.loc["UK_IPCC", "exists"] and v.loc["UK_IOPC", "exists"]
    assert not v.loc["DE_NW", "exists"] and not v.loc["DE_ST_2", "exists"]
    # Hessen: the office exists in law, it had no holder in May 2023, and later is not known
    assert v.loc["DE_HE", "exists"] and pd.isna(v.loc["DE_HE", "office_filled"])
    assert v.loc["DE_FED", "office_filled"] and v.loc["DE_HE", "office_vacant"] == "2023-05"
    # on an earlier date the same events decide the vacancy
    early = unit_validity(hand, tables["events"], on=dt.date(2023, 1, 1)).set_index("unit_id")
    assert not early.loc["DE_HE", "office_filled"] and early.loc["DE_HE", "exists"]
    older = unit_validity(hand, tables["events"], on=dt.date(2010, 1, 1)).set_index("unit_id")
    assert older.loc["UK_IPCC", "exists"] and not older.loc["UK_IOPC", "exists"]
    # a no-body record never exists; an undated unit is unknown, not absent
    assert not v.loc["DE_BY", "exists"] and pd.isna(v.loc["KZ_TRUST_HOTLINE", "exists"])
    every_commissioner = hand.loc[hand["kind"] == "police_commissioner", "unit_id"]
    dated = v.loc[every_commissioner, ["first_holder_took_office", "office_vacant"]]
    assert (dated != "").any(axis=1).all()


def test_survey_agencies_join_as_units_with_sourced_codings(
    tables: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agencies = read_oversight_agencies(write_survey(tmp_path)).loc[:, build.SURVEY_COLUMNS]
    monkeypatch.setattr(build, "survey_agencies", lambda paths, mirror: agencies)
    joined = build.dataset_tables(ProjectPaths(ROOT))
    units = joined["units"]
    survey = units.loc[units["origin"] == "uchicago_survey"].set_index("unit_id")
    assert list(survey.index) == [f"US_SURVEY_0{i}" for i in range(1, 6)]
    assert (survey["kind"] == "civilian_oversight_agency").all()
    assert survey.loc["US_SURVEY_03", "subunit_code"] == "US-HI"  # the corrected state
    # hand-coded units are unchanged by the join
    hand = units.loc[units["origin"] == "hand_coded"].drop(columns=["origin", "linked_unit_id"])
    pd.testing.assert_frame_equal(
        hand.reset_index(drop=True),
        tables["units"]
        .loc[tables["units"]["origin"] == "hand_coded"]
        .drop(columns=["origin", "linked_unit_id"])
        .reset_index(drop=True),
        check_dtype=False,  # the empty survey frame leaves object columns where text is joined
    )
    # an 'established' event for each agency with a year (agency 4 has none)
    events = joined["events"]
    dated = events.loc[events["unit_id"].isin(survey.index), "unit_id"]
    assert sorted(dated) == ["US_SURVEY_01", "US_SURVEY_02", "US_SURVEY_03", "US_SURVEY_05"]
    # IND08 codes the deepest role: investigative 3, audit (over review) 2, review 1
    by_coder = joined["codings_by_coder"]
    ind08 = by_coder.loc[
        by_coder["unit_id"].isin(survey.index) & (by_coder["indicator_id"] == "IND08")
    ].set_index("unit_id")["value"]
    assert ind08.to_dict() == {"US_SURVEY_01": 3.0, "US_SURVEY_02": 1.0, "US_SURVEY_04": 2.0}
    for name in ("codings", "codings_by_coder"):
        frame = joined[name]
        known = frame[frame["status"] != "unknown"]
        assert known["source_id"].notna().all(), name
        assert set(known["source_id"]) <= set(joined["sources"]["source_id"])
    assert joined["us_survey_agencies"]["agency_id"].tolist() == [1, 2, 3, 4, 5]
