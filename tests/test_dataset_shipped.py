"""Properties the shipped dataset must keep (issue: the comparative dataset).

The hand-coded tables are checked without the external UChicago survey (as ``policingstudy
validate`` reads them); the survey's join is checked here on a synthetic survey and, with the
real survey, by tests/test_readers_us.py::test_real_files_us.
"""

from __future__ import annotations

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
    assert set(tables["reliability"]["dimension"]) == dims | {"overall"}


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
