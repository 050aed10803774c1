"""Each validation rule of the dataset, pinned by a test that corrupts a copy of the data."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pandas as pd
import pytest

from policingstudy.cli import main
from policingstudy.core.errors import DataValidationError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data.build import validate_all
from policingstudy.data.dataset import (
    CODING_COLUMNS,
    EVENT_COLUMNS,
    SOURCE_COLUMNS,
    UNIT_COLUMNS,
    check_units,
    load_dataset,
)
from tests.helpers import copy_project

GOOD_SOURCE = {
    "source_id": "zz_src",
    "citation": "A test source.",
    "url": "https://example.org/x",
    "kind": "official",
    "accessed": "2026-11-26",
    "note": "test",
}
GOOD_UNIT = {
    **dict.fromkeys(UNIT_COLUMNS, ""),
    "unit_id": "ZZ_UNIT",
    "jurisdiction": "DE",
    "subunit_code": "DE-RP",
    "name_en": "Test body",
    "name_kk": "Сынақ органы",
    "name_ru": "Тестовый орган",
    "kind": "police_commissioner",
    "unit_class": "external_oversight",
    "level": "regional",
    "source_ids": "zz_src",
}
GOOD_CODING = {
    "unit_id": "ZZ_UNIT",
    "indicator_id": "IND01",
    "coder": "c1",
    "value": "2",
    "status": "coded",
    "source_id": "zz_src",
    "evidence": "Set up by statute.",
    "confidence": "high",
    "date_coded": "2026-11-26",
}
GOOD_EVENT = {
    "unit_id": "ZZ_UNIT",
    "event": "established",
    "date": "2014-07-01",
    "source_id": "zz_src",
    "note": "",
}
# a police commissioner needs a first holder (or a recorded vacancy)
GOOD_HOLDER = {**GOOD_EVENT, "event": "first_holder_took_office", "date": "2015-01-01"}


def _write(path, columns, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def project(tmp_path):
    root = copy_project(tmp_path / "proj", notebooks=["01_thesis_overview"])
    ds = root / "data" / "raw" / "dataset"
    _write(ds / "sources" / "zz.csv", SOURCE_COLUMNS, [GOOD_SOURCE])
    _write(ds / "units" / "zz.csv", UNIT_COLUMNS, [GOOD_UNIT])
    _write(ds / "codings" / "zz.csv", CODING_COLUMNS, [GOOD_CODING])
    _write(ds / "events" / "zz.csv", EVENT_COLUMNS, [GOOD_EVENT, GOOD_HOLDER])
    return root


def _validate(root):
    # data/raw only, as `policingstudy validate` checks it: the external survey's join is
    # tested in test_dataset_shipped.py (synthetic survey) and test_readers_us.py (real one)
    return validate_all(ProjectPaths(root), survey=False)


def test_fixture_is_valid(project):
    tables = _validate(project)
    assert "ZZ_UNIT" in set(tables["units"]["unit_id"])


@pytest.mark.parametrize(
    ("table", "columns", "row", "pattern"),
    [
        (
            "codings",
            CODING_COLUMNS,
            {**GOOD_CODING, "unit_id": "NOPE"},
            r"codings/zz\.csv: line 2, column 'unit_id': unknown unit id 'NOPE'",
        ),
        (
            "codings",
            CODING_COLUMNS,
            {**GOOD_CODING, "indicator_id": "IND99"},
            r"codings/zz\.csv: line 2, column 'indicator_id': unknown indicator 'IND99'",
        ),
        (
            "codings",
            CODING_COLUMNS,
            {**GOOD_CODING, "source_id": "nope_src"},
            r"codings/zz\.csv: line 2, column 'source_id': unknown source id 'nope_src'",
        ),
        (
            "codings",
            CODING_COLUMNS,
            {**GOOD_CODING, "value": "4"},
            r"column 'value': found '4'; expected an integer from 0 to 3",
        ),
        (
            "codings",
            CODING_COLUMNS,
            {**GOOD_CODING, "value": "1.5"},
            r"column 'value': found '1\.5'; expected an integer",
        ),
        (
            "codings",
            CODING_COLUMNS,
            {**GOOD_CODING, "source_id": ""},
            r"column 'source_id': a coded value without a source",
        ),
        (
            "codings",
            CODING_COLUMNS,
            {**GOOD_CODING, "status": "unknown"},
            r"column 'value': found '2' with status 'unknown'; expected an empty value",
        ),
        (
            "codings",
            CODING_COLUMNS,
            {**GOOD_CODING, "status": "maybe"},
            r"column 'status': found 'maybe'; expected one of \('coded', 'unknown', 'not_applicable'\)",
        ),
        (
            "codings",
            CODING_COLUMNS,
            {**GOOD_CODING, "evidence": "x" * 301},
            r"column 'evidence': found 301 characters; expected at most 300",
        ),
        (
            "events",
            EVENT_COLUMNS,
            {**GOOD_EVENT, "date": "2999-01-01"},
            r"events/zz\.csv: line 2, column 'date': found '2999-01-01'; expected a date between 1800",
        ),
        (
            "events",
            EVENT_COLUMNS,
            {**GOOD_EVENT, "date": "1750"},
            r"column 'date': found '1750'; expected a date between 1800-01-01",
        ),
        (
            "events",
            EVENT_COLUMNS,
            {**GOOD_EVENT, "date": "July 2014"},
            r"column 'date': found 'July 2014'; expected a date YYYY",
        ),
        (
            "units",
            UNIT_COLUMNS,
            {**GOOD_UNIT, "name_kk": ""},
            r"units/zz\.csv: line 2, column 'name_kk': found an empty cell; expected the unit's name in kk",
        ),
        (
            "units",
            UNIT_COLUMNS,
            {**GOOD_UNIT, "subunit_code": "DE-XX"},
            r"column 'subunit_code': found 'DE-XX'; expected a code of DE",
        ),
        (
            "units",
            UNIT_COLUMNS,
            {**GOOD_UNIT, "unit_class": "oversight"},
            r"units/zz\.csv: line 2, column 'unit_class': found 'oversight'; expected one of "
            r"\('external_oversight', 'police_governance', 'internal_police', 'prosecutor_court', "
            r"'complaint_channel', 'participation_forum'\)",
        ),
        (
            "units",
            UNIT_COLUMNS,
            {**GOOD_UNIT, "jurisdiction": "FR"},
            r"column 'jurisdiction': found 'FR'; expected one of",
        ),
        (
            "sources",
            SOURCE_COLUMNS,
            {**GOOD_SOURCE, "url": ""},
            r"sources/zz\.csv: line 2, column 'url': found an empty cell",
        ),
    ],
)
def test_corrupt_row_is_named(project, table, columns, row, pattern):
    rows = [row]
    if table == "sources":
        rows = [GOOD_SOURCE, {**row, "source_id": "zz_other"}]
        pattern = pattern.replace("line 2", "line 3")
    _write(project / "data" / "raw" / "dataset" / table / "zz.csv", columns, rows)
    with pytest.raises(DataValidationError, match=pattern):
        _validate(project)


def test_duplicate_rows_per_coder(project):
    path = project / "data" / "raw" / "dataset" / "codings" / "zz.csv"
    _write(path, CODING_COLUMNS, [GOOD_CODING, GOOD_CODING])
    with pytest.raises(
        DataValidationError,
        match=r"line 3.*duplicate row for unit 'ZZ_UNIT', "
        r"indicator 'IND01', coder 'c1'",
    ):
        _validate(project)


def test_duplicate_unit_id(project):
    path = project / "data" / "raw" / "dataset" / "units" / "zz.csv"
    _write(path, UNIT_COLUMNS, [GOOD_UNIT, GOOD_UNIT])
    with pytest.raises(
        DataValidationError, match=r"line 3, column 'unit_id': found 'ZZ_UNIT' again"
    ):
        _validate(project)


def test_adjudication_needs_two_independent_codings(project):
    path = project / "data" / "raw" / "dataset" / "codings" / "zz.csv"
    _write(path, CODING_COLUMNS, [GOOD_CODING, {**GOOD_CODING, "coder": "adj"}])
    with pytest.raises(
        DataValidationError,
        match=r"line 3, column 'coder': adjudication row for unit 'ZZ_UNIT', indicator 'IND01' "
        r"with fewer than two independent codings",
    ):
        _validate(project)
    second = {**GOOD_CODING, "coder": "c2", "value": "3"}
    adjudicated = {**GOOD_CODING, "coder": "adj", "value": "3", "evidence": "c2 right: s.1."}
    _write(path, CODING_COLUMNS, [GOOD_CODING, second, adjudicated])
    tables = _validate(project)
    row = tables["codings"].set_index(["unit_id", "indicator_id"]).loc[("ZZ_UNIT", "IND01")]
    assert (row["rule"], row["value"], row["n_coders"]) == ("adjudicated", 3, 2)
    # the adjudicator is not a coder in the reliability or disagreement tables
    assert "adj" not in tables["disagreements"]["values"].str.cat()


def test_adjudication_needs_a_disagreement(project):
    path = project / "data" / "raw" / "dataset" / "codings" / "zz.csv"
    same = {**GOOD_CODING, "coder": "c2"}
    adjudicated = {**GOOD_CODING, "coder": "adj", "evidence": "both right: s.1."}
    _write(path, CODING_COLUMNS, [GOOD_CODING, same, adjudicated])
    with pytest.raises(
        DataValidationError,
        match=r"line 4, column 'coder': adjudication row for unit 'ZZ_UNIT', indicator 'IND01', "
        r"where the coders agree; expected adjudication only for a disagreement",
    ):
        _validate(project)


def test_adjudication_of_a_status_disagreement_is_accepted(project):
    # c1 coded a value, c2 found the text unreadable: a disagreement in status, whose empty
    # value must not make the two judgments look alike.
    path = project / "data" / "raw" / "dataset" / "codings" / "zz.csv"
    second = {**GOOD_CODING, "coder": "c2", "value": "", "status": "unknown", "confidence": ""}
    adjudicated = {**GOOD_CODING, "coder": "adj", "evidence": "c1 right: s.1."}
    _write(path, CODING_COLUMNS, [GOOD_CODING, second, adjudicated])
    tables = _validate(project)
    row = tables["codings"].set_index(["unit_id", "indicator_id"]).loc[("ZZ_UNIT", "IND01")]
    assert (row["rule"], row["value"]) == ("adjudicated", 2)
    # the same empty value on both sides is agreement, and adjudicating it is refused
    first = {**second, "coder": "c1"}
    _write(path, CODING_COLUMNS, [first, second, {**second, "coder": "adj"}])
    with pytest.raises(
        DataValidationError, match=r"line 4, column 'coder'.*where the coders agree"
    ):
        _validate(project)


def test_wrong_header_is_named(project):
    path = project / "data" / "raw" / "dataset" / "events" / "zz.csv"
    _write(path, ["unit_id", "when"], [{"unit_id": "ZZ_UNIT", "when": "2014"}])
    with pytest.raises(DataValidationError, match=r"events/zz\.csv: header: found columns"):
        _validate(project)


def test_codebook_missing_language_is_named(project):
    path = project / "data" / "raw" / "dataset" / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    import yaml

    data = yaml.safe_load(text)
    data["indicators"][0]["label"]["ru"] = ""
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(
        DataValidationError,
        match=r"codebook\.yaml: indicators\[1\] \(IND01\): "
        r"label\.ru: found ''; expected a non-empty text",
    ):
        _validate(project)


@pytest.mark.parametrize(
    ("events", "pattern"),
    [
        (
            [GOOD_EVENT, {**GOOD_EVENT, "date": "2016"}, GOOD_HOLDER],
            r"events/zz\.csv: line 3, column 'event': a second 'established' event for unit "
            r"'ZZ_UNIT'; expected one",
        ),
        (
            [GOOD_EVENT, GOOD_HOLDER, {**GOOD_EVENT, "event": "abolished", "date": "2013-12"}],
            r"events/zz\.csv: line 4, column 'date': abolished on '2013-12' before unit 'ZZ_UNIT' "
            r"was established \('2014-07-01'\)",
        ),
        (
            [GOOD_EVENT, {**GOOD_HOLDER, "date": "2014-06-30"}],
            r"line 3, column 'date': first_holder_took_office on '2014-06-30' before unit 'ZZ_UNIT'",
        ),
        (
            [GOOD_EVENT, GOOD_HOLDER, {**GOOD_EVENT, "event": "office_vacant", "date": "2015"}],
            r"line 4, column 'date': office_vacant on '2015', but the first holder of 'ZZ_UNIT' took "
            r"office on '2015-01-01'; expected a vacancy before the first holder",
        ),
        (
            [GOOD_EVENT],
            r"units/zz\.csv: line 2, column 'kind': unit 'ZZ_UNIT' of kind 'police_commissioner' has "
            r"neither a 'first_holder_took_office' nor an 'office_vacant' event",
        ),
    ],
)
def test_inconsistent_validity_dates_are_named(project, events, pattern):
    _write(project / "data" / "raw" / "dataset" / "events" / "zz.csv", EVENT_COLUMNS, events)
    with pytest.raises(DataValidationError, match=pattern):
        _validate(project)


def test_a_recorded_vacancy_replaces_the_first_holder(project):
    vacant = {**GOOD_EVENT, "event": "office_vacant", "date": "2023-05"}
    _write(
        project / "data" / "raw" / "dataset" / "events" / "zz.csv",
        EVENT_COLUMNS,
        [GOOD_EVENT, vacant],
    )
    assert "ZZ_UNIT" in set(_validate(project)["units"]["unit_id"])


def test_every_problem_is_reported_at_once(project):
    bad = [{**GOOD_CODING, "unit_id": "NOPE"}, {**GOOD_CODING, "indicator_id": "IND99"}]
    _write(project / "data" / "raw" / "dataset" / "codings" / "zz.csv", CODING_COLUMNS, bad)
    with pytest.raises(DataValidationError) as info:
        _validate(project)
    assert len(info.value.problems) >= 2


def test_validate_command_exits_non_zero_and_build_writes_nothing(project, capsys):
    _write(
        project / "data" / "raw" / "dataset" / "codings" / "zz.csv",
        CODING_COLUMNS,
        [{**GOOD_CODING, "value": "9"}],
    )
    assert main(["--root", str(project), "validate"]) == 1
    assert "found '9'" in capsys.readouterr().err
    assert main(["--root", str(project), "build"]) == 1
    assert not [p for p in (project / "data" / "processed").glob("*") if p.name != ".gitkeep"]


def test_future_date_uses_today(project):
    from policingstudy.data.dataset import load_dataset

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    _write(
        project / "data" / "raw" / "dataset" / "events" / "zz.csv",
        EVENT_COLUMNS,
        [{**GOOD_EVENT, "date": tomorrow}],
    )
    with pytest.raises(DataValidationError, match="expected a date between"):
        load_dataset(ProjectPaths(project))


def test_a_stray_quote_is_one_error_with_its_line(project) -> None:
    """A quote removed from one field shifts every later field: report the line, no cascade."""
    path = project / "data" / "raw" / "dataset" / "codings" / "kz_c1.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert ',"' in lines[1]
    lines[1] = lines[1].replace(',"', ",", 1).replace(" ", ' "', 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_dataset(ProjectPaths(project))
    assert info.value.problems == [info.value.problems[0]]  # exactly one problem
    assert re.search(
        r"codings/kz_c1\.csv: line 2: \d+ fields, the header has 9: check the quotes",
        info.value.problems[0],
    )


def test_an_unclosed_quote_is_one_error_with_its_line(project) -> None:
    path = project / "data" / "raw" / "dataset" / "events" / "kz.csv"
    text = path.read_text(encoding="utf-8")
    head, first, rest = text.split("\n", 2)
    path.write_text(f'{head}\n{first}\n"{rest}', encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_dataset(ProjectPaths(project))
    assert len(info.value.problems) == 1
    assert "events/kz.csv: line 3: " in info.value.problems[0]
    assert "a quoted field is not closed" in info.value.problems[0]


def _units_frame(**changes: str) -> pd.DataFrame:
    row = {**GOOD_UNIT, **changes, "_file": "data/raw/dataset/units/zz.csv", "_row": 2}
    return pd.DataFrame([row])


def _unit_problems(**changes: str) -> list[str]:
    codes = pd.DataFrame({"jurisdiction": ["DE"], "code": ["DE-RP"]})
    return check_units(_units_frame(**changes), {"zz_src"}, codes, ("external_oversight",))


LEGAL_EN = "Landesgesetz über den Bürgerbeauftragten (LBüBG) of 3 May 1974"
LEGAL_RU = "Закон земли об уполномоченном по делам граждан (Landesgesetz über den Bürgerbeauftragten, LBüBG) от 3 мая 1974 года"
LEGAL_KK = "Жердің азаматтар істері жөніндегі уәкіл туралы заңы (Landesgesetz über den Bürgerbeauftragten, LBüBG), 1974 жылғы 3 мамыр"


def test_translated_legal_basis_with_the_original_title_in_parentheses_passes():
    assert (
        _unit_problems(legal_basis=LEGAL_EN, legal_basis_kk=LEGAL_KK, legal_basis_ru=LEGAL_RU) == []
    )
    assert _unit_problems() == []  # no legal basis in any language


def test_legal_basis_needs_both_translations():
    (problem,) = _unit_problems(legal_basis=LEGAL_EN, legal_basis_ru=LEGAL_RU)
    assert problem == (
        "data/raw/dataset/units/zz.csv: line 2, column 'legal_basis_kk': found an empty cell; "
        "expected the legal basis in kk (legal_basis is filled)"
    )


def test_legal_basis_translation_without_english_is_refused():
    (problem,) = _unit_problems(legal_basis_kk=LEGAL_KK)
    assert "column 'legal_basis_kk': found 'Жердің" in problem
    assert problem.endswith("expected an empty cell (legal_basis is empty)")


def test_english_left_in_a_legal_basis_translation_is_named():
    (problem,) = _unit_problems(
        legal_basis=LEGAL_EN,
        legal_basis_kk=LEGAL_KK,
        legal_basis_ru="Landesgesetz über den Bürgerbeauftragten of 3 May 1974 (LBüBG)",
    )
    assert problem.startswith(
        "data/raw/dataset/units/zz.csv: line 2, column 'legal_basis_ru': found Latin-script "
        "words outside parentheses ['Landesgesetz', 'über', 'den', 'Bürgerbeauftragten', 'May']"
    )


def test_codes_and_roman_numerals_may_stand_outside_parentheses():
    ru = "Закон РК от 2 октября 2023 года № 30-VIII «Об общественном контроле», ст. XVIII, § 4.136"
    assert _unit_problems(legal_basis=LEGAL_EN, legal_basis_kk=LEGAL_KK, legal_basis_ru=ru) == []
