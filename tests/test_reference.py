"""The reference numbers: the checked-in JSON is what its generator writes; the typed reader."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from policingstudy.core.errors import DataValidationError, MissingDataError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import reference
from tests.helpers import ROOT, load_script

make_fixtures = load_script(ROOT / "tests" / "data" / "make_fixtures.py")


def test_generator_reproduces_the_checked_in_file_byte_for_byte() -> None:
    generator = load_script(ROOT / "scripts" / "make_reference.py")
    path = reference.reference_path(ProjectPaths(ROOT))
    assert generator.TARGET == path
    assert generator.render().encode("utf-8") == path.read_bytes()


def test_every_reference_has_a_source_with_citation_call_and_location() -> None:
    refs = reference.load_references(ProjectPaths(ROOT))
    assert len(refs) == 38
    for name, ref in refs.items():
        assert ref.name == name
        assert ref.tolerance > 0, name
        assert len(ref.source.citation) > 40, name
        assert len(ref.source.call) > 20, name
        assert len(ref.source.location) > 20, name
    simple = refs["did.mpdta.simple.att"]
    assert simple.source.id == "r_did_mpdta"
    assert 'control_group = "nevertreated"' in simple.source.call
    assert simple.agrees(simple.value + 0.9e-8)
    assert not simple.agrees(simple.value + 1.1e-8)


def test_published_and_group() -> None:
    paths = ProjectPaths(ROOT)
    assert reference.published("fixest.mpdta.post.t", paths=paths).value == -2.75526
    group = reference.published_group("coinr.asem.index", paths=paths)
    assert sorted(group) == ["BEL", "CHE", "DNK", "NLD", "NOR", "SWE"]
    with pytest.raises(MissingDataError, match=r"reference 'did\.mpdta\.simple\.ratt'.*known did"):
        reference.published("did.mpdta.simple.ratt", paths=paths)
    with pytest.raises(MissingDataError, match=r"no reference named nope\.\*"):
        reference.published_group("nope", paths=paths)


def _project_with(tmp_path: Path, text: str | None) -> ProjectPaths:
    paths = ProjectPaths(tmp_path)
    target = reference.reference_path(paths)
    target.parent.mkdir(parents=True)
    if text is not None:
        target.write_text(text, encoding="utf-8")
    return paths


def test_bad_reference_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(MissingDataError, match=r"published\.json: reference file not found"):
        reference.load_references(_project_with(tmp_path / "a", None))
    with pytest.raises(DataValidationError, match=r"published\.json: line 1, column 2"):
        reference.load_references(_project_with(tmp_path / "b", "{nope"))
    document = json.loads(reference.reference_path(ProjectPaths(ROOT)).read_text())
    document["references"]["did.mpdta.simple.att"]["value"] = "-0.04"
    document["references"]["did.mpdta.simple.se"]["source"] = "r_nothing"
    with pytest.raises(DataValidationError) as info:
        reference.load_references(_project_with(tmp_path / "c", json.dumps(document)))
    assert info.value.problems == [
        "published.json: did.mpdta.simple.att: value '-0.04'; expected a number",
        "published.json: did.mpdta.simple.se: source 'r_nothing'; expected one of "
        + str(sorted(document["sources"])),
    ]


def test_shipped_validation_data_expand_to_the_pinned_files(tmp_path: Path) -> None:
    assert make_fixtures.check() == []
    copy = tmp_path / "data"
    shutil.copytree(make_fixtures.HERE, copy)
    damaged = b"year\n2003\n"
    (copy / "mpdta" / "mpdta.csv.gz").write_bytes(make_fixtures.compress(damaged))
    assert make_fixtures.check(copy) == [
        f"{copy / 'mpdta' / 'mpdta.csv.gz'}: expands to sha256 "
        f"{hashlib.sha256(damaged).hexdigest()}; expected "
        "2283bea1221a152420f98dfa20f633c5d054ea51d881115c8cd702a97bcd3167"
    ]
    # the compression is deterministic: the same bytes give the same .gz
    assert make_fixtures.compress(damaged) == make_fixtures.compress(damaged)
