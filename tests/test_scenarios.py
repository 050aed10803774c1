"""Reform scenarios: validation with file and key named, application, evaluation on common draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.methods.index.scenarios import (
    BASELINE,
    apply_scenario,
    evaluate_scenarios,
    parse_scenarios,
)
from policingstudy.methods.index.uncertainty import IndexOptions, coding_alternatives

SOURCE = "data/raw/scenarios.yaml"

VALID = """
scenarios:
  - id: noop
    label: {en: Nothing changes, kk: Ештеңе өзгермейді, ru: Ничего не меняется}
    rationale: Sets values Kazakhstan already has.
    borrows_from: UK-EW
    changes:
      - set: kz1
        values: {i1: 0, i2: 1}
  - id: de_commissioner
    label: {en: Police commissioner, kk: Полиция уәкілі, ru: Полицейский уполномоченный}
    rationale:
      en: A parliamentary commissioner.
      kk: Парламенттік уәкіл.
      ru: Парламентский уполномоченный.
    borrows_from: DE
    changes:
      - add_unit: kz_new
        values: {i1: 3, i3: 3}
      - set: [kz1, kz2]
        values: {i4: 3}
"""


@pytest.fixture
def indicators() -> pd.DataFrame:
    return pd.DataFrame({"indicator_id": ["i1", "i2", "i3", "i4"], "scale_min": 0, "scale_max": 3})


@pytest.fixture
def units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["kz1", "kz2", "uk1", "uk2", "de1", "de2"],
            "jurisdiction": ["KZ", "KZ", "UK-EW", "UK-EW", "DE", "DE"],
        }
    )


@pytest.fixture
def meta() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iCode": ["i1", "i2", "i3", "i4", "d1", "d2", "INDEX"],
            "Level": [1, 1, 1, 1, 2, 2, 3],
            "Parent": ["d1", "d1", "d2", "d2", "INDEX", "INDEX", None],
            "Weight": 1.0,
            "Direction": 1,
        }
    )


@pytest.fixture
def membership() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "system_id": ["KZ", "KZ", "UK", "UK", "DE", "DE"],
            "unit_id": ["kz1", "kz2", "uk1", "uk2", "de1", "de2"],
        }
    )


def test_parse_valid_file(indicators, units):
    scenarios = parse_scenarios(VALID, source=SOURCE, indicators=indicators, units=units)
    assert [s.id for s in scenarios] == ["noop", "de_commissioner"]
    change = scenarios[1].changes[1]
    assert change.action == "set"
    assert change.unit_ids == ("kz1", "kz2")
    assert change.new_values == {"i4": 3.0}
    assert scenarios[1].label["kk"] == "Полиция уәкілі"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("set: kz1", "set: kz9", r"scenarios\[0\] \(id noop\)\.changes\[0\]\.set: found 'kz9'"),
        ("set: kz1", "set: uk1", r"changes\[0\]\.set: found 'uk1'; expected a Kazakh \(KZ\) unit"),
        ("{i1: 0, i2: 1}", "{i1: 0, i9: 1}", r"changes\[0\]\.values\.i9: found 'i9'"),
        ("{i1: 0, i2: 1}", "{i1: 0, i2: 4}", r"values\.i2: found 4; expected a number in \[0, 3\]"),
        ("{i1: 0, i2: 1}", "{i1: 0, i2: high}", r"values\.i2: found 'high'"),
        ("add_unit: kz_new", "add_unit: de1", r"add_unit: found 'de1'; expected a new unit id"),
        ("borrows_from: DE", "borrows_from: FR", r"borrows_from: found 'FR'; expected one of"),
        ("kk: Ештеңе өзгермейді, ", "", r"\(id noop\)\.label\.kk: found None"),
        ("id: de_commissioner", "id: noop", r"scenarios\[1\] \(id noop\)\.id: found 'noop'"),
        ("    borrows_from: UK-EW\n", "", r"\(id noop\): found \"missing \['borrows_from'\]\""),
        ("      - set: kz1\n", "      - put: kz1\n", r"changes\[0\]: found \['put', 'values'\]"),
    ],
)
def test_malformed_entries_name_file_and_key(indicators, units, old, new, message):
    assert old in VALID
    text = VALID.replace(old, new, 1)
    with pytest.raises(DataValidationError, match=message) as info:
        parse_scenarios(text, source=SOURCE, indicators=indicators, units=units)
    assert all(p.startswith(SOURCE + ": ") for p in info.value.problems)


def test_not_a_scenario_list(indicators, units):
    with pytest.raises(DataValidationError, match="scenarios: found None; expected a list"):
        parse_scenarios("other: 1", source=SOURCE, indicators=indicators, units=units)


def test_apply_scenario(values, membership, indicators, units):
    scenario = parse_scenarios(VALID, source=SOURCE, indicators=indicators, units=units)[1]
    new_values, new_members = apply_scenario(values, scenario, membership=membership, origin="KZ")
    assert new_values.loc["kz_new"].tolist()[0] == 3.0
    assert np.isnan(new_values.loc["kz_new", "i2"])
    assert new_values.loc[["kz1", "kz2"], "i4"].tolist() == [3.0, 3.0]
    assert values.loc["kz1", "i4"] == 0.0  # the input is not modified
    assert new_members is not None
    assert new_members.iloc[-1].tolist() == ["KZ", "kz_new"]


def test_noop_scenario_leaves_results_unchanged(values, meta, membership, indicators, units):
    scenarios = parse_scenarios(VALID, source=SOURCE, indicators=indicators, units=units)
    codings = values.stack().rename("value").reset_index()
    codings.columns = ["unit_id", "indicator_id", "value"]
    codings["status"] = "coded"
    codings["confidence"] = "low"  # every cell uncertain: the no-op pins kz1's i1 and i2 ...
    coding = coding_alternatives(codings, scales={c: (0, 3) for c in values.columns})
    options = IndexOptions(normalise=("minmax", "rank"), aggregate=("arithmetic", "geometric"))
    result = evaluate_scenarios(
        values,
        meta,
        scenarios[:1],
        membership=membership,
        origin="KZ",
        n_draws=200,
        rng=np.random.default_rng(8),
        options=options,
    )
    summary = result.summary.set_index("scenario_id")
    columns = [
        "index_nominal",
        "index_median",
        "index_p05",
        "index_p95",
        "rank_nominal",
        "rank_median",
        "rank_p05",
        "rank_p95",
    ]
    pd.testing.assert_series_equal(
        summary.loc[BASELINE, columns], summary.loc["noop", columns], check_names=False
    )
    np.testing.assert_array_equal(result.index_draws[BASELINE], result.index_draws["noop"])
    assert (result.gaps.loc[result.gaps["scenario_id"] == "noop", "closed_median"] == 0).all()
    assert result.ordering.loc["noop", BASELINE] == 0.0
    assert result.ordering.loc[BASELINE, "noop"] == 0.0
    assert summary.loc["noop", "change_median"] == 0.0
    # ... which, with coding uncertainty, a no-op does not: those cells stop varying
    pinned = evaluate_scenarios(
        values,
        meta,
        scenarios[:1],
        membership=membership,
        origin="KZ",
        n_draws=200,
        rng=np.random.default_rng(8),
        options=options,
        coding=coding,
    )
    draws = pinned.index_draws
    assert not np.array_equal(draws[BASELINE], draws["noop"])
    assert pinned.summary.set_index("scenario_id").loc["noop", "index_nominal"] == pytest.approx(
        pinned.summary.set_index("scenario_id").loc[BASELINE, "index_nominal"]
    )


def test_reform_raises_kazakhstan_and_is_robustly_best(values, meta, membership, indicators, units):
    scenarios = parse_scenarios(VALID, source=SOURCE, indicators=indicators, units=units)
    result = evaluate_scenarios(
        values,
        meta,
        scenarios,
        membership=membership,
        origin="KZ",
        n_draws=300,
        rng=np.random.default_rng(9),
        options=IndexOptions(normalise=("minmax", "rank")),
    )
    summary = result.summary.set_index("scenario_id")
    # KZ system ('best' rule) gains i1 = 3, i3 = 3 and i4 = 3 on every draw
    assert summary.loc["de_commissioner", "change_median"] > 0
    assert summary.loc["de_commissioner", "p_best"] == 1.0
    assert result.ordering.loc["de_commissioner", BASELINE] == 1.0
    assert summary.loc["de_commissioner", "rank_median"] <= summary.loc[BASELINE, "rank_median"]
    gaps = result.gaps.set_index(["scenario_id", "model", "dimension"])
    # baseline KZ d1 (minmax nominal): i1 best = 1 of 0..3 -> 33.3, i2 best = 1 of 0..3 -> 33.3;
    # with the new unit i1 = 3 -> 100: d1 = (100 + 33.3) / 2; UK d1 = 100 -> gap 100 - 66.7
    assert gaps.loc[("de_commissioner", "UK", "d1"), "gap_nominal"] == pytest.approx(100 / 3)
    assert gaps.loc[(BASELINE, "UK", "d1"), "gap_nominal"] == pytest.approx(200 / 3)
    assert gaps.loc[("de_commissioner", "UK", "d1"), "closed_share"] == pytest.approx(0.5)
    assert list(result.ordering.index) == [BASELINE, "noop", "de_commissioner"]


def test_added_units_declare_a_known_class_when_classes_are_given(indicators, units):
    classes = ("external_oversight", "police_governance")
    good = VALID.replace(
        "      - add_unit:", "      - unit_class: external_oversight\n        add_unit:"
    )
    parsed = parse_scenarios(
        good, source=SOURCE, indicators=indicators, units=units, classes=classes
    )
    added = [c for s in parsed for c in s.changes if c.action == "add_unit"]
    assert added and all(c.unit_class == "external_oversight" for c in added)
    with pytest.raises(DataValidationError, match=r"unit_class: found None; expected one of"):
        parse_scenarios(VALID, source=SOURCE, indicators=indicators, units=units, classes=classes)
    bad = good.replace("unit_class: external_oversight", "unit_class: ministry")
    with pytest.raises(DataValidationError, match=r"unit_class: found 'ministry'; expected one of"):
        parse_scenarios(bad, source=SOURCE, indicators=indicators, units=units, classes=classes)
