"""The codebook: anchors in three languages, checklists, and the errors for malformed entries."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from policingstudy.core.errors import DataValidationError
from policingstudy.core.types import LANGS
from policingstudy.data.codebook import level_from_checklist, load_codebook
from tests.helpers import ROOT

SHIPPED = ROOT / "data" / "raw" / "dataset" / "codebook.yaml"


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(SHIPPED)


def _edited(tmp_path: Path, edit) -> Path:
    """A copy of the shipped codebook with ``edit(data)`` applied."""
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _indicator(data: dict, indicator_id: str) -> dict:
    return next(e for e in data["indicators"] if e["id"] == indicator_id)


def test_every_level_of_every_indicator_has_every_language(codebook):
    inds = codebook.indicators
    assert len(inds) == 27
    lo, hi = codebook.scale
    for level in range(lo, hi + 1):
        for lang in LANGS:
            texts = inds[f"anchor_{level}_{lang}"]
            assert texts.str.strip().str.len().gt(0).all(), (level, lang)
        # the English column is also kept under its old name
        assert inds[f"anchor_{level}"].equals(inds[f"anchor_{level}_en"])
    # the three languages are different texts (a copied English anchor would be caught here)
    for lang in ("kk", "ru"):
        assert not (inds["anchor_2_en"] == inds[f"anchor_2_{lang}"]).any()


def test_checklists_cover_the_disputed_dimensions_in_every_language(codebook):
    with_list = codebook.indicators.loc[codebook.indicators["has_checklist"]]
    dims = set(with_list["dimension_id"])
    assert {"D3", "D5", "D6", "D8"} <= dims
    in_dims = codebook.indicators[
        codebook.indicators["dimension_id"].isin(["D3", "D5", "D6", "D8"])
    ]
    assert in_dims["has_checklist"].all()
    items = codebook.checklist
    for lang in LANGS:
        assert items[f"text_{lang}"].str.strip().str.len().gt(0).all(), lang
    # every level above 0 of every checklist indicator has at least one condition, level 0 none
    levels = items.groupby("indicator_id")["level"].agg(lambda s: sorted(set(s)))
    assert all(lv == [1, 2, 3] for lv in levels), levels[levels.map(lambda lv: lv != [1, 2, 3])]
    assert not items.duplicated(["indicator_id", "item_id"]).any()


def test_level_from_checklist_is_cumulative(codebook):
    # IND11: 1 written_target; 2 binding_limit; 3 recording_limit, decision_30_days, extension_rules
    assert level_from_checklist(codebook, "IND11", []) == 0
    assert level_from_checklist(codebook, "IND11", ["written_target"]) == 1
    assert level_from_checklist(codebook, "IND11", ["written_target", "binding_limit"]) == 2
    level3 = ["recording_limit", "decision_30_days", "extension_rules"]
    assert (
        level_from_checklist(codebook, "IND11", ["written_target", "binding_limit", *level3]) == 3
    )
    # all level-3 conditions but a level-2 one missing: the ladder stops at level 1
    assert level_from_checklist(codebook, "IND11", ["written_target", *level3]) == 1
    # one level-3 condition missing: level 2
    assert (
        level_from_checklist(codebook, "IND11", ["written_target", "binding_limit", *level3[:2]])
        == 2
    )


def test_level_from_checklist_errors(codebook):
    with pytest.raises(DataValidationError, match=r"IND11'.*unknown condition\(s\) \['nope'\]"):
        level_from_checklist(codebook, "IND11", ["nope"])
    with pytest.raises(DataValidationError, match=r"'IND01': has no checklist"):
        level_from_checklist(codebook, "IND01", [])
    with pytest.raises(DataValidationError, match=r"'IND99': unknown"):
        level_from_checklist(codebook, "IND99", [])


def _set_anchor(indicator_id, level, value):
    def edit(data):
        _indicator(data, indicator_id)["anchors"][level] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "pattern"),
    [
        (
            _set_anchor("IND04", 2, "Own civilian staff."),
            r"codebook\.yaml: indicators\[4\] \(IND04\): anchors\.2: found a single text "
            r"'Own civilian staff\.'; expected one text per language \(en, kk, ru\)",
        ),
        (
            _set_anchor(
                "IND04", 2, {"en": "Own civilian staff.", "kk": "Өз қызметкерлері.", "ru": ""}
            ),
            r"indicators\[4\] \(IND04\): anchors\.2\.ru: found ''; expected a non-empty text",
        ),
        (
            lambda data: _indicator(data, "IND04")["anchors"].pop(3),
            r"indicators\[4\] \(IND04\): anchors\.3: missing; expected texts in en, kk, ru",
        ),
        (
            _set_anchor("IND04", 4, {"en": "x", "kk": "x", "ru": "x"}),
            r"indicators\[4\] \(IND04\): anchors: found level 4; expected levels 0\.\.3",
        ),
        (
            lambda data: _indicator(data, "IND10")["anchors"][2]["checklist"][0].pop("kk"),
            r"indicators\[10\] \(IND10\): anchors\.2\.checklist\[1\]\.kk: found None; "
            r"expected a non-empty text",
        ),
        (
            lambda data: _indicator(data, "IND10")["anchors"][2].pop("checklist"),
            r"\(IND10\): anchors\.2\.checklist: missing; expected conditions for every level above 0",
        ),
        (
            lambda data: _indicator(data, "IND10")["anchors"][3]["checklist"][0].update(
                id="any_form"
            ),
            r"\(IND10\): anchors\.3\.checklist: item id 'any_form' is used twice",
        ),
        (
            lambda data: _indicator(data, "IND10")["anchors"][1].update(facts="direct election"),
            r"\(IND10\): anchors\.1\.facts: found 'direct election'; expected a list of tags",
        ),
        (
            lambda data: _indicator(data, "IND10")["anchors"][1].update(note="x"),
            r"\(IND10\): anchors\.1: unknown key\(s\) \['note'\]",
        ),
    ],
)
def test_malformed_anchor_is_named(tmp_path, edit, pattern):
    with pytest.raises(DataValidationError, match=pattern):
        load_codebook(_edited(tmp_path, edit))


def test_unit_classes_have_labels_and_definitions_in_every_language(codebook):
    classes = codebook.unit_classes
    assert len(classes) == 6
    for key in ("label", "definition"):
        for lang in LANGS:
            assert classes[f"{key}_{lang}"].str.strip().str.len().gt(0).all(), (key, lang)


def test_malformed_unit_class_is_named(tmp_path):
    def edit(data):
        data["unit_classes"][1]["label"]["kk"] = ""
        data["unit_classes"].append(dict(data["unit_classes"][0]))

    with pytest.raises(DataValidationError) as info:
        load_codebook(_edited(tmp_path, edit))
    problems = "\n".join(info.value.problems)
    assert "unit_classes[2] (police_governance): label.kk: found ''; expected a non-empty text" in (
        problems
    )
    assert "unit_class 'external_oversight' is defined twice" in problems


def test_processed_indicators_carry_anchor_columns_and_checklist(dataset_tables):
    inds = dataset_tables["indicators"].set_index("indicator_id")
    for lang in LANGS:
        assert inds.loc["IND10", f"anchor_3_{lang}"]
    assert inds.loc["IND10", "anchor_3"] == inds.loc["IND10", "anchor_3_en"]
    checklist = dataset_tables["indicator_checklist"]
    assert set(checklist.loc[checklist["indicator_id"] == "IND10", "item_id"]) == {
        "written_recorded",
        "any_form",
        "reference_number",
        "refusal_checked_outside",
    }
