"""The package's layers import one way only (see README, "Layout").

core -> (i18n, methods) -> data -> studies -> report -> run -> cli. A module may import from its
own layer and the layers before it, never from a later one; ``methods`` (study-agnostic) and
``i18n`` do not import each other. Lazy imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "policingstudy"
RANK = {"core": 0, "i18n": 1, "methods": 1, "data": 2, "studies": 3, "report": 4, "run": 5, "cli": 6}
APART = {frozenset({"i18n", "methods"})}


def layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "policingstudy":
        return None
    if len(parts) == 1:
        return "top"
    return parts[1]


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            pytest.fail(f"{path}: relative import on line {node.lineno}; use absolute imports")
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def own_layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 else rel.stem


def test_every_module_belongs_to_a_layer() -> None:
    strays = [
        p.relative_to(PACKAGE).as_posix()
        for p in modules()
        if own_layer(p) not in RANK and p.name != "__init__.py"
    ]
    assert not strays, f"modules outside the layers {sorted(RANK)}: {strays}"


def violations() -> list[str]:
    found = []
    for path in modules():
        mine = own_layer(path)
        if mine not in RANK:
            continue
        for line, name in imports(path):
            theirs = layer(name)
            if theirs is None or theirs == "top" or theirs not in RANK:
                continue
            if RANK[theirs] > RANK[mine] or frozenset({mine, theirs}) in APART:
                rel = path.relative_to(PACKAGE).as_posix()
                found.append(f"{rel}:{line} ({mine}) imports {name} ({theirs})")
    return found


def test_imports_go_one_way() -> None:
    assert violations() == []


def test_the_layer_check_catches_a_backward_import(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    fake = tmp_path / "policingstudy"
    (fake / "methods").mkdir(parents=True)
    (fake / "methods" / "bad.py").write_text("from policingstudy.studies.design import SYSTEMS\n")
    (fake / "core").mkdir()
    (fake / "core" / "ok.py").write_text("import numpy\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    assert violations() == ["methods/bad.py:1 (methods) imports policingstudy.studies.design (studies)",
                            "methods/bad.py:1 (methods) imports policingstudy.studies.design.SYSTEMS (studies)"]


def test_only_studies_apply_the_result_cache() -> None:
    users = []
    for path in modules():
        if own_layer(path) in {"core", "studies"}:
            continue
        source = path.read_text(encoding="utf-8")
        if "memoised" in source:
            users.append(path.relative_to(PACKAGE).as_posix())
    assert users == []


NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_notebooks_call_studies_and_report_only() -> None:
    import json

    bad = []
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse("".join(cell["source"]))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                for name in names:
                    theirs = layer(name)
                    if theirs not in (None, "studies", "report"):
                        bad.append(f"{nb.name}: {name}")
    assert bad == []
