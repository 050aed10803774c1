"""The comparison's design: reference date, validity from events, membership, classes, areas."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError, ParameterError
from policingstudy.studies import design

UNITS = pd.DataFrame(
    {
        "unit_id": [
            "UK_IPCC",
            "UK_IOPC",
            "UK_PCC",
            "UK_MOPAC",
            "DE_HE",
            "DE_BE",
            "DE_NEW",
            "DE_BY",
            "US_SF",
            "US_OAK",
            "US_MODEL",
            "KZ_X",
        ],
        "jurisdiction": ["UK-EW"] * 4 + ["DE"] * 4 + ["US"] * 3 + ["KZ"],
        "kind": [
            "police_complaints_body",
            "police_complaints_body",
            "pcc",
            "mayor_pcc",
            "police_commissioner",
            "police_commissioner",
            "complaints_office",
            "no_body",
            "civilian_oversight_agency",
            "civilian_oversight_agency",
            "oversight_model_type",
            "internal_investigation",
        ],
        "level": ["national", "national", "national", "regional"]
        + ["regional"] * 4
        + ["local", "local", "national", "national"],
        "subunit_code": ["", "", "", "E23000001", "DE-HE", "DE-BE", "DE-NW", "DE-BY"]
        + ["US-CA", "US-CA", "", ""],
        "locality": [""] * 8 + ["San Francisco", "Oakland", "", ""],
        "origin": "hand_coded",
        "unit_class": [
            "external_oversight",
            "external_oversight",
            "police_governance",
            "police_governance",
            "external_oversight",
            "external_oversight",
            "complaint_channel",
            "",
            "external_oversight",
            "external_oversight",
            "external_oversight",
            "internal_police",
        ],
        "name_en": "x",
    }
)
EVENTS = pd.DataFrame(
    [
        ("UK_IPCC", "established", "2004-04-01"),
        ("UK_IPCC", "abolished", "2018-01-08"),
        ("UK_IOPC", "established", "2018-01-08"),
        ("UK_PCC", "established", "2011-09-15"),
        ("UK_PCC", "first_holder_took_office", "2012-11-22"),
        ("UK_MOPAC", "established", "2012-01-16"),
        ("UK_MOPAC", "first_holder_took_office", "2012-01-16"),
        ("DE_HE", "established", "2020-12-11"),
        ("DE_HE", "office_vacant", "2023-05"),
        ("DE_BE", "established", "2020-12"),
        ("DE_BE", "first_holder_took_office", "2022-08-01"),
        ("DE_NEW", "established", "2025-03-25"),
        ("US_SF", "established", "1982"),
        ("US_SF", "renamed", "2016-11-08"),
        ("US_OAK", "established", "2016-11-08"),
    ],
    columns=["unit_id", "event", "date"],
).assign(source_id="s", note="")


def status(date: str) -> dict[str, str]:
    v = design.validity(UNITS, EVENTS, reference_date=date)
    return dict(zip(v["unit_id"], v["status"], strict=True))


def test_reference_date_decides_membership() -> None:
    # IPCC in on 2016-01-01 (abolished when the IOPC launched on 2018-01-08), out later
    assert status("2016-01-01")["UK_IPCC"] == "in"
    assert status("2016-01-01")["UK_IOPC"] == "not_yet"
    assert status("2025-01-01")["UK_IPCC"] == "ended"
    assert status("2025-01-01")["UK_IOPC"] == "in"
    # a body created in 2025 is out on 2025-01-01
    assert status("2025-01-01")["DE_NEW"] == "not_yet"
    assert status("2025-06-01")["DE_NEW"] == "in"
    # established on the date: in
    assert status("2018-01-08")["UK_IOPC"] == "in"


def test_offices_count_from_their_first_holder_and_an_unfilled_one_is_flagged() -> None:
    assert status("2025-01-01")["DE_HE"] == "unfilled"  # vacant in 2023, no holder since
    assert status("2021-01-01")["DE_HE"] == "unfilled"
    assert status("2021-06-01")["DE_BE"] == "unfilled"  # law in force, office empty until 2022
    assert status("2023-01-01")["DE_BE"] == "in"
    assert status("2012-01-01")["UK_PCC"] == "unfilled"
    assert status("2013-01-01")["UK_PCC"] == "in"


def test_a_renamed_body_stays() -> None:
    assert status("2025-01-01")["US_SF"] == "in"


def test_partial_dates_count_from_the_first_day_of_the_period() -> None:
    assert design.event_date("1993") == dt.date(1993, 1, 1)
    assert design.event_date("2020-12") == dt.date(2020, 12, 1)
    assert design.event_date("") is None
    with pytest.raises(DataValidationError, match="date '2020/12': expected YYYY"):
        design.event_date("2020/12")
    with pytest.raises(ParameterError, match="reference_date: expected an ISO date"):
        design.validity(UNITS, EVENTS, reference_date="1 Jan 2025")


def test_rows_without_a_body_and_ideal_types_are_not_bodies() -> None:
    ids = set(design.bodies(UNITS)["unit_id"])
    assert "DE_BY" not in ids
    assert "US_MODEL" not in ids
    assert "KZ_X" in ids


def test_boundaries_keep_their_classes() -> None:
    members = design.boundary_memberships(UNITS, EVENTS, reference_date="2025-01-01")
    assert set(members) == {"all", "external"}
    assert set(members["external"]["unit_class"]) == {"external_oversight"}
    assert "KZ_X" in set(members["all"]["unit_id"])
    assert "KZ_X" not in set(members["external"]["unit_id"])
    assert set(design.BOUNDARIES["all"]) == set(design.UNIT_CLASSES)
    counts = design.class_counts(members["all"])
    assert counts.loc["KZ", "internal_police"] == 1
    assert counts.loc["DE", "external_oversight"] == 1  # DE_HE unfilled, DE_BE in


def test_without_classes_only_whole_systems_are_compared() -> None:
    plain = UNITS.drop(columns="unit_class")
    assert not design.has_classes(plain)
    members = design.boundary_memberships(plain, EVENTS, reference_date="2025-01-01")
    assert set(members) == {"all"}
    with pytest.raises(DataValidationError, match="no unit_class column"):
        design.membership(plain, EVENTS, classes=("external_oversight",))


def test_areas_residual_coverage_and_nearest_population() -> None:
    population = pd.DataFrame(
        {
            "system_id": ["UK-EW"] * 6 + ["US"] * 2 + ["DE"] * 2,
            "area": ["E23000001", "E23000001", "E23000034", "E23000034", "E23000002", "E23000002"]
            + ["San Francisco", "Oakland", "DE-HE", "DE-BE"],
            "date": ["2016-06-30", "2018-06-30"] * 3
            + ["2023-07-01", "2023-07-01", "2023-12-31", "2023-12-31"],
            "population": [8, 9, 1, 1, 5, 6, 8, 4, 6, 4],
        }
    )
    near = design.nearest_population(population, reference_date="2017-01-01")
    london = near[(near["area"] == "E23000001")].iloc[0]
    assert london["weight"] == 8  # 2016-06-30 is nearer 2017-01-01 than 2018-06-30
    areas = design.area_table(UNITS, EVENTS, population, reference_date="2025-01-01")
    # US areas: only the cities of agencies in force (both here)
    assert set(areas.loc[areas["system_id"] == "US", "area"]) == {"San Francisco", "Oakland"}
    m = design.membership(UNITS, EVENTS, reference_date="2025-01-01", areas=areas)
    pcc = set(m.loc[m["unit_id"] == "UK_PCC", "area"])
    # the PCC model covers areas without a mayor holding PCC functions, never the City of London
    assert pcc == {"E23000002"}
    assert set(m.loc[m["unit_id"] == "UK_MOPAC", "area"]) == {"E23000001"}
    assert set(m.loc[m["unit_id"] == "UK_IOPC", "area"]) == {""}
    assert set(m.loc[m["unit_id"] == "US_OAK", "area"]) == {"Oakland"}


def test_the_study_classes_are_the_codebook_classes(dataset_tables) -> None:  # noqa: ANN001
    assert set(design.UNIT_CLASSES) == set(dataset_tables["unit_classes"]["unit_class"])
    for classes in design.BOUNDARIES.values():
        assert set(classes) <= set(design.UNIT_CLASSES)


def test_units_never_coded_are_not_in_the_index() -> None:
    codings = pd.DataFrame({"unit_id": [u for u in UNITS["unit_id"] if u != "US_OAK"]})
    marked = design.mark_coded(UNITS, codings)
    v = design.validity(marked, EVENTS, reference_date="2025-01-01").set_index("unit_id")
    assert v.loc["US_OAK", "status"] == "uncoded"
    assert v.loc["US_SF", "status"] == "in"
    m = design.membership(marked, EVENTS, reference_date="2025-01-01")
    assert "US_OAK" not in set(m["unit_id"])
