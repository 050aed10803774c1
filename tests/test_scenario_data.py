"""The scenario file: loading, refusal of malformed entries with file and key named, parameters."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError, ParameterError, SourceError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data.scenarios import load_scenarios, scenario_file
from policingstudy.studies.params import ReformScenariosParams

INDICATORS = pd.DataFrame(
    {"indicator_id": ["IND09", "IND14", "IND15"], "scale_min": 0, "scale_max": 3}
)
UNITS = pd.DataFrame(
    {"unit_id": ["KZ_MVD_PUBLIC_COUNCIL", "UK_PCC"], "jurisdiction": ["KZ", "UK-EW"]}
)
ENTRY = """scenarios:
  - id: councils
    label: {en: Public councils, kk: Қоғамдық кеңестер, ru: Общественные советы}
    rationale: IND09 = 3 as coded for US_DC_OPC.
    borrows_from: US
    changes:
      - set: KZ_MVD_PUBLIC_COUNCIL
        values: {IND09: 3, IND14: 2, IND15: 2}
"""


def _write(root: Path, text: str) -> ProjectPaths:
    paths = ProjectPaths(root)
    paths.raw.mkdir(parents=True)
    scenario_file(paths).write_text(text, encoding="utf-8")
    return paths


def test_valid_entry_is_read(tmp_path: Path) -> None:
    paths = _write(tmp_path, ENTRY)
    (s,) = load_scenarios(paths, indicators=INDICATORS, units=UNITS)
    assert s.id == "councils"
    assert s.changes[0].unit_ids == ("KZ_MVD_PUBLIC_COUNCIL",)
    assert s.changes[0].new_values == {"IND09": 3.0, "IND14": 2.0, "IND15": 2.0}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "set: KZ_MVD_PUBLIC_COUNCIL",
            "set: KZ_NOWHERE",
            r"data/raw/scenarios\.yaml: scenarios\[0\] \(id councils\)\.changes\[0\]\.set: "
            r"found 'KZ_NOWHERE'",
        ),
        (
            "set: KZ_MVD_PUBLIC_COUNCIL",
            "set: UK_PCC",
            r"data/raw/scenarios\.yaml: .*changes\[0\]\.set: found 'UK_PCC'; expected a Kazakh",
        ),
        (
            "IND14: 2",
            "IND99: 2",
            r"data/raw/scenarios\.yaml: .*changes\[0\]\.values\.IND99: found 'IND99'; "
            r"expected an indicator id",
        ),
        (
            "IND15: 2",
            "IND15: 5",
            r"data/raw/scenarios\.yaml: .*values\.IND15: found 5; expected a number in \[0, 3\]",
        ),
        (
            "IND09: 3",
            "IND09: -1",
            r"data/raw/scenarios\.yaml: .*values\.IND09: found -1; expected a number in \[0, 3\]",
        ),
    ],
)
def test_malformed_entry_names_file_and_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in ENTRY
    paths = _write(tmp_path, ENTRY.replace(old, new))
    with pytest.raises(DataValidationError, match=message):
        load_scenarios(paths, indicators=INDICATORS, units=UNITS)


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    paths = _write(tmp_path, "scenarios: [unclosed\n")
    with pytest.raises(DataValidationError, match=r"data/raw/scenarios\.yaml: not valid YAML"):
        load_scenarios(paths, indicators=INDICATORS, units=UNITS)
    scenario_file(paths).write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"found list; expected a mapping"):
        load_scenarios(paths, indicators=INDICATORS, units=UNITS)
    with pytest.raises(SourceError, match=r"other\.yaml: scenario file not found"):
        load_scenarios(paths, indicators=INDICATORS, units=UNITS, path=paths.raw / "other.yaml")


_VALUE = re.compile(r"(IND\d{2}(?:[-\u2013]IND\d{2})?)(?: = | to )(\d)")


def _stated_values(text: str) -> set[tuple[str, str]]:
    """The "INDxx = v" ("INDxx to v", "INDxx-INDyy = v") statements of a rationale."""
    return {(ids.replace("\u2013", "-"), value) for ids, value in _VALUE.findall(text)}


def test_project_file_is_valid(project_root: Path, dataset_tables: dict) -> None:
    """The shipped scenarios: the six the study asks for, each naming a foreign unit."""
    paths = ProjectPaths(project_root)
    units, indicators = dataset_tables["units"], dataset_tables["indicators"]
    scenarios = load_scenarios(paths, indicators=indicators, units=units)
    ids = [s.id for s in scenarios]
    assert ids[:6] == [
        "de_parliamentary_commissioner",
        "uk_elected_commissioner",
        "us_investigative_board",
        "binding_public_councils",
        "published_complaint_statistics",
        "control_no_change",
    ]
    named = {"DE": "DE_FED", "UK-EW": "UK_", "US": "US_"}
    for s in scenarios:
        # every language has its own rationale, naming the same unit and the same values
        assert isinstance(s.rationale, dict)
        assert set(s.rationale) == {"en", "kk", "ru"}, s.id
        assert "as coded for" in s.rationale["en"]
        values = {lang: _stated_values(text) for lang, text in s.rationale.items()}
        assert values["en"], s.id
        assert values["kk"] == values["en"] == values["ru"], s.id
        for text in s.rationale.values():
            assert named[s.borrows_from] in text
    # new bodies copy every non-missing consensus value of the foreign unit they are modelled on
    codings = dataset_tables["codings"].dropna(subset=["value"])
    models = {
        "de_parliamentary_commissioner": "DE_FED",
        "uk_elected_commissioner": "UK_PCC",
        "us_investigative_board": "US_DC_OPC",
    }
    by_id = {s.id: s for s in scenarios}
    for sid, model in models.items():
        coded = codings[codings["unit_id"] == model]
        expected = dict(zip(coded["indicator_id"], coded["value"].astype(float), strict=True))
        assert dict(by_id[sid].changes[0].new_values) == expected, sid
        assert all(model in text for text in by_id[sid].rationale.values())


def test_params_validated() -> None:
    p = ReformScenariosParams(lang="kk")
    assert (p.n_draws, p.seed) == (1000, 20261126)
    with pytest.raises(ParameterError, match=r"n_draws: expected a number 1 to 100000, got 0"):
        ReformScenariosParams(lang="en", n_draws=0)
    with pytest.raises(ParameterError, match=r"n_draws: .*got 2\.5"):
        ReformScenariosParams(lang="en", n_draws=2.5)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"seed: expected a value of type int"):
        ReformScenariosParams(lang="en", seed="x")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"seed: expected a number >= 0, got -1"):
        ReformScenariosParams(lang="en", seed=-1)
