from __future__ import annotations

import pytest

from policingstudy.core.errors import ParameterError, UsageError
from policingstudy.run.plan import (
    Parameter,
    declared_parameters,
    parse_override,
    parse_value,
    resolve_overrides,
)
from tests.helpers import write_notebook


def test_declared_parameters_reads_types_and_defaults(tmp_path):
    nb = write_notebook(
        tmp_path / "a.ipynb",
        'lang = "en"\nn_draws: int = 1000\nshare = 0.5\nflag = True\nitems = ["x", "y"]',
    )
    assert declared_parameters(nb) == [
        Parameter("lang", "str", "en"),
        Parameter("n_draws", "int", 1000),
        Parameter("share", "float", 0.5),
        Parameter("flag", "bool", True),
        Parameter("items", "list", ["x", "y"]),
    ]


def test_notebook_without_parameters_cell_is_refused(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "noparams.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(UsageError, match="noparams.ipynb: no cell tagged 'parameters'"):
        declared_parameters(path)


def test_parameters_cell_with_code_is_refused(tmp_path):
    nb = write_notebook(tmp_path / "b.ipynb", "import os\nlang = 'en'")
    with pytest.raises(UsageError, match="expected 'name = literal'"):
        declared_parameters(nb)


@pytest.mark.parametrize(
    ("text", "kind", "default", "expected"),
    [
        ("7", "int", 1, 7),
        ("0.25", "float", 1.0, 0.25),
        ("yes", "bool", False, True),
        ("false", "bool", True, False),
        ("a,b", "list", ["x"], ["a", "b"]),
        ("1, 2", "list", [0], [1, 2]),
        ("[3, 4]", "list", [0], [3, 4]),
        ("kk", "str", "en", "kk"),
    ],
)
def test_parse_value(text, kind, default, expected):
    assert parse_value(text, kind, default) == expected


@pytest.mark.parametrize(("text", "kind"), [("seven", "int"), ("maybe", "bool"), ("x", "float")])
def test_parse_value_rejects(text, kind):
    with pytest.raises(ValueError):  # noqa: PT011 - the message comes from int()/float()
        parse_value(text, kind)


def test_override_without_equals_sign():
    with pytest.raises(ParameterError, match=r"-p 'seed': expected NAME=VALUE"):
        parse_override("seed")


def test_override_of_lang_is_refused():
    with pytest.raises(ParameterError, match="use --lang"):
        parse_override("lang=kk")


def test_scoped_override_parses():
    o = parse_override("04_index.seed=3")
    assert (o.notebook, o.name, o.text) == ("04_index", "seed", "3")


DECLARED = {
    "a": [Parameter("lang", "str", "en"), Parameter("seed", "int", 1)],
    "b": [Parameter("lang", "str", "en"), Parameter("share", "float", 0.1)],
}


def test_override_applies_only_where_declared():
    typed = resolve_overrides(DECLARED, [parse_override("seed=5")])
    assert typed == {"a": {"seed": 5}, "b": {}}


def test_unknown_parameter_names_notebooks_and_declared():
    with pytest.raises(ParameterError, match=r"unknown parameter 'sead'.*a: lang, seed"):
        resolve_overrides(DECLARED, [parse_override("sead=5")])


def test_scoped_unknown_parameter_names_the_notebook():
    with pytest.raises(ParameterError, match=r"notebook b declares it|notebook b"):
        resolve_overrides(DECLARED, [parse_override("b.seed=5")])


def test_mistyped_value_names_notebook_parameter_given_and_expected():
    with pytest.raises(
        ParameterError, match=r"notebook a: parameter 'seed': given 'x', expected .*int"
    ):
        resolve_overrides(DECLARED, [parse_override("seed=x")])


def test_every_notebook_names_a_parameters_class_that_matches_its_parameters_cell() -> None:
    from policingstudy.run.plan import declared_parameters, notebook_settings
    from policingstudy.studies.params import parameter_class
    from tests.helpers import ROOT

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        settings = notebook_settings(path)
        assert settings.parameters, f"{path.name}: metadata.policingstudy.parameters missing"
        cls = parameter_class(settings.parameters)
        cell = {p.name: p.default for p in declared_parameters(path)}
        assert cell == cls.defaults(), path.name


def test_bad_values_are_refused_before_anything_runs(tmp_path) -> None:  # noqa: ANN001
    from policingstudy.core.errors import ParameterError
    from policingstudy.core.paths import ProjectPaths
    from policingstudy.run.plan import parse_override, plan
    from tests.helpers import copy_project

    root = copy_project(tmp_path / "p", notebooks=["04_comparative_index", "06_adoption_evidence"])
    paths = ProjectPaths(root)
    cases = {
        "reference_date=2025-13-01": r"reference_date: expected an ISO date YYYY-MM-DD, got "
        r"'2025-13-01'",
        "n_base=100": r"n_base: expected one of \(64, 128, 256, 512, 1024\), got 100",
        "n_draws=0": r"n_draws: expected a number 1 to 100000, got 0",
        "seed=-1": r"seed: expected a number >= 0, got -1",
        "bootstrap_iterations=5": r"bootstrap_iterations: expected a number 99 to 99999, got 5",
    }
    for option, message in cases.items():
        with pytest.raises(ParameterError, match=message):
            plan(paths, overrides=[parse_override(option)])
    assert not (root / "reports").exists() or not any((root / "reports").iterdir())
    assert len(plan(paths, langs=["EN", " ru"])) == 4
