"""The project's own files agree with each other: pyproject vs environment.yml, README vs CI."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tests.helpers import ROOT

CONDA_NAMES = {"pyyaml": "pyyaml", "salib": "salib", "types-pyyaml": "types-pyyaml"}


def _pyproject_requirements() -> dict[str, SpecifierSet]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["dev"]
    return {Requirement(r).name.lower(): Requirement(r).specifier for r in reqs}


def _environment_requirements() -> dict[str, SpecifierSet]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found: dict[str, SpecifierSet] = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or item in {"pip"}:
                continue
            req = Requirement(
                item.replace("=", "==", 1) if re.search(r"[^<>!=]=[^=]", item) else item
            )
            found[req.name.lower()] = req.specifier
    found.pop("python", None)
    return found


def test_environment_yml_names_the_same_packages_as_pyproject():
    assert set(_environment_requirements()) == set(_pyproject_requirements())


def test_environment_yml_versions_are_compatible_with_pyproject():
    py, env = _pyproject_requirements(), _environment_requirements()
    for name, spec in py.items():
        lower = [s.version for s in spec if s.operator == ">="]
        env_lower = [s.version for s in env[name] if s.operator == ">="]
        assert lower == env_lower, f"{name}: pyproject {spec} vs environment.yml {env[name]}"


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "README's Quick start has no ```bash block"
    return [
        ln.strip() for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("#")
    ]


def test_readme_quick_start_installs_runs_report_and_tests():
    lines = _quick_start()
    assert any("venv" in ln for ln in lines)
    assert any('pip install -e ".[dev]"' in ln for ln in lines)
    assert "policingstudy report" in lines
    assert any(ln.startswith("python -m pytest") for ln in lines)


def test_ci_runs_exactly_the_readme_install_and_test_commands():
    ci = [
        ln.strip()
        for ln in (ROOT / ".ci" / "run").read_text().splitlines()
        if ln.strip() and not ln.strip().startswith("#")
    ]
    quick = _quick_start()
    for command in (
        "python3 -m venv .venv",
        ". .venv/bin/activate",
        "python -m pip install --upgrade pip",
        'python -m pip install -e ".[dev]"',
    ):
        assert command in quick and command in ci
    test_command = next(ln for ln in quick if ln.startswith("python -m pytest"))
    assert ci[-1] == test_command


def test_notebooks_keep_no_outputs_and_define_no_functions():
    import nbformat

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        tags = [c.metadata.get("tags", []) for c in nb.cells]
        assert any("parameters" in t for t in tags), f"{path.name}: no parameters cell"
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            assert not cell.outputs, f"{path.name}: stored outputs"
            assert not re.search(r"^\s*(def|class) ", cell.source, re.M), f"{path.name}: def/class"
