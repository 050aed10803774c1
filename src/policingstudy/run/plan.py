"""The plan of a report run: notebooks, their declared parameters and settings, and the jobs.

Everything here is checked before anything runs or is written.

papermill only warns about unknown parameters; we refuse them. The parameters cell may hold only
assignments of literals (``seed = 42`` or ``seed: int = 42``); the declared type is the annotation
if given, else the literal's type. Supported types: int, float, str, bool, list.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from policingstudy.core.errors import ParameterError, UsageError
from policingstudy.core.paths import ProjectPaths
from policingstudy.core.types import LANGS, Lang

if TYPE_CHECKING:
    from policingstudy.studies.params import ParameterInfo

TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool, "list": list}
RESERVED = frozenset({"lang"})


@dataclass(frozen=True)
class Parameter:
    """One declared notebook parameter.

    Parameters
    ----------
    name
        Variable name.
    type
        One of ``int``, ``float``, ``str``, ``bool``, ``list``.
    default
        The value in the ``parameters`` cell.
    """

    name: str
    type: str
    default: Any


@dataclass(frozen=True)
class NotebookSettings:
    """What a notebook declares in its metadata (``metadata.policingstudy``).

    Attributes
    ----------
    parameters
        Name of its parameters class in :mod:`policingstudy.studies.params`, or None.
    sources
        External source ids it reads (the runner fetches these and no others).
    title
        Catalog key of its title (HTML title, index page), or None.
    """

    parameters: str | None
    sources: tuple[str, ...]
    title: str | None


def _read(path: Path) -> dict[str, Any]:
    # plain JSON: importing nbformat costs over a second (jsonschema), too much for `list`
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"notebook {path}: cannot be read as JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"notebook {path}: expected a JSON object")
    return data


def notebook_settings(path: Path) -> NotebookSettings:
    """Read ``metadata.policingstudy`` of notebook ``path`` (empty settings when absent).

    Raises
    ------
    UsageError
        If the entry is malformed (names the notebook, the key, what was found and expected).
    """
    meta = _read(path).get("metadata", {}).get("policingstudy", {})
    where = f"notebook {path.name}: metadata.policingstudy"
    if not isinstance(meta, dict):
        raise UsageError(f"{where}: expected a mapping, got {type(meta).__name__}")
    params, srcs, title = meta.get("parameters"), meta.get("sources", []), meta.get("title")
    if params is not None and not isinstance(params, str):
        raise UsageError(f"{where}.parameters: expected a class name, got {params!r}")
    if not isinstance(srcs, list) or not all(isinstance(s, str) for s in srcs):
        raise UsageError(f"{where}.sources: expected a list of source ids, got {srcs!r}")
    if title is not None and not isinstance(title, str):
        raise UsageError(f"{where}.title: expected a catalog key, got {title!r}")
    return NotebookSettings(params, tuple(srcs), title)


def parameters_cell_source(path: Path) -> str:
    """Return the source of the cell tagged ``parameters`` in notebook ``path``.

    Raises
    ------
    UsageError
        If the notebook has no such cell.
    """
    nb = _read(path)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get(
            "tags", []
        ):
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else str(source)
    raise UsageError(
        f"notebook {path.name}: no cell tagged 'parameters'; expected one code cell with the tag "
        "'parameters' holding the notebook's defaults (see the README, 'Working with the "
        "notebooks')"
    )


def _type_name(value: Any) -> str | None:
    for name, kind in (("bool", bool), ("int", int), ("float", float), ("str", str)):
        if isinstance(value, kind):
            return name
    return "list" if isinstance(value, list) else None


def declared_parameters(path: Path) -> list[Parameter]:
    """Parse the ``parameters`` cell of ``path`` into :class:`Parameter` objects.

    Raises
    ------
    UsageError
        If the cell is missing, or holds anything but literal assignments of supported types.
    """
    source = parameters_cell_source(path)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise UsageError(
            f"notebook {path.name}: parameters cell is not valid Python: {exc}"
        ) from exc
    found: list[Parameter] = []
    for node in tree.body:
        annotation: str | None = None
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, value_node = node.target.id, node.value
            annotation = ast.unparse(node.annotation)
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            target, value_node = node.targets[0].id, node.value
        else:
            raise UsageError(
                f"notebook {path.name}: parameters cell line {node.lineno}: expected "
                f"'name = literal' or 'name: type = literal', got {ast.unparse(node)!r}"
            )
        try:
            default = ast.literal_eval(value_node) if value_node is not None else None
        except ValueError as exc:
            raise UsageError(
                f"notebook {path.name}: parameter {target!r}: default must be a literal"
            ) from exc
        kind = annotation.split("[", 1)[0] if annotation else _type_name(default)
        if kind not in TYPES:
            raise UsageError(
                f"notebook {path.name}: parameter {target!r}: type {kind!r} is not supported; "
                f"expected one of {sorted(TYPES)}"
            )
        found.append(Parameter(target, kind, default))
    return found


def parse_value(text: str, kind: str, default: Any = None) -> Any:
    """Parse a command-line string as the declared type ``kind``.

    Lists accept JSON (``[1, 2]``) or comma-separated items; items take the type of the default's
    first item when there is one.

    Raises
    ------
    ValueError
        If the text does not parse as ``kind``.
    """
    if kind == "bool":
        lowered = text.strip().lower()
        if lowered in {"true", "1", "yes", "on"}:
            return True
        if lowered in {"false", "0", "no", "off"}:
            return False
        raise ValueError("expected true/false")
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "str":
        return text
    items: list[Any]
    if text.strip().startswith("["):
        items = json.loads(text)
        if not isinstance(items, list):
            raise ValueError("expected a JSON list")
    else:
        items = [part.strip() for part in text.split(",") if part.strip()]
    if isinstance(default, list) and default:
        item_kind = _type_name(default[0]) or "str"
        items = [parse_value(str(item), item_kind) for item in items]
    return items


@dataclass(frozen=True)
class Override:
    """A ``-p [STEM.]NAME=VALUE`` option, parsed but not yet typed."""

    notebook: str | None
    name: str
    text: str


def parse_override(option: str) -> Override:
    """Split ``[STEM.]NAME=VALUE``.

    Raises
    ------
    ParameterError
        If there is no ``=`` or the name is empty.
    """
    if "=" not in option:
        raise ParameterError(
            f"-p {option!r}: expected NAME=VALUE (or NOTEBOOK.NAME=VALUE), e.g. -p seed=7"
        )
    key, text = option.split("=", 1)
    notebook, _, name = key.strip().rpartition(".")
    if not name:
        raise ParameterError(f"-p {option!r}: the parameter name is empty")
    if name in RESERVED:
        raise ParameterError(f"-p {option!r}: {name!r} is set by the runner; use --lang instead")
    return Override(notebook or None, name, text)


def resolve_overrides(
    declared: dict[str, list[Parameter]], overrides: list[Override]
) -> dict[str, dict[str, Any]]:
    """Type every override for every selected notebook, or refuse.

    An override ``NAME=VALUE`` applies to each selected notebook that declares ``NAME``; at least
    one must. ``STEM.NAME=VALUE`` applies to notebook ``STEM`` only, which must declare it.

    Parameters
    ----------
    declared
        Notebook stem -> declared parameters, for the selected notebooks.
    overrides
        Parsed ``-p`` options.

    Returns
    -------
    dict
        Notebook stem -> parameter name -> typed value.

    Raises
    ------
    ParameterError
        Naming the notebook, the parameter, what was given and what is expected.
    """
    result: dict[str, dict[str, Any]] = {stem: {} for stem in declared}
    for override in overrides:
        if override.notebook is not None and override.notebook not in declared:
            raise ParameterError(
                f"-p {override.notebook}.{override.name}: notebook {override.notebook!r} is not "
                f"selected; selected: {sorted(declared)}"
            )
        stems = [override.notebook] if override.notebook else sorted(declared)
        targets = [
            (stem, param)
            for stem in stems
            for param in declared[stem]
            if param.name == override.name
        ]
        if not targets:
            listing = "; ".join(
                f"{stem}: {', '.join(p.name for p in declared[stem]) or '(none)'}" for stem in stems
            )
            where = f"notebook {stems[0]}" if len(stems) == 1 else "no selected notebook"
            raise ParameterError(
                f"unknown parameter {override.name!r} (given {override.text!r}): {where} "
                f"declares it. Declared parameters: {listing}"
            )
        for stem, param in targets:
            try:
                result[stem][param.name] = parse_value(override.text, param.type, param.default)
            except (ValueError, json.JSONDecodeError) as exc:
                raise ParameterError(
                    f"notebook {stem}: parameter {param.name!r}: given {override.text!r}, "
                    f"expected a value of type {param.type} (default {param.default!r}): {exc}"
                ) from None
    return result


@dataclass(frozen=True)
class Job:
    """One notebook in one language, with its typed parameters."""

    stem: str
    lang: Lang
    notebook: Path
    parameters: dict[str, Any]
    settings: NotebookSettings = NotebookSettings(None, (), None)
    default_parameters: dict[str, Any] = field(default_factory=dict)


def notebooks(paths: ProjectPaths) -> dict[str, Path]:
    """Return the project's notebooks by stem (``notebooks/*.ipynb``, sorted)."""
    return {
        p.stem: p for p in sorted(paths.notebooks.glob("*.ipynb")) if not p.name.startswith("_")
    }


def notebook_modules(paths: ProjectPaths, package: str = "policingstudy") -> list[str]:
    """Return the modules of ``package`` that the project's notebooks import, sorted."""
    import ast
    import importlib.util

    found: set[str] = set()
    for notebook in notebooks(paths).values():
        for cell in json.loads(notebook.read_text(encoding="utf-8")).get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell.get("source", []))
            try:
                tree = ast.parse(source)
            except SyntaxError:  # IPython magics
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(a.name for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module:
                    found.add(node.module)  # and submodules imported by name, if they are ones
                    found.update(f"{node.module}.{a.name}" for a in node.names)
    root = Path(importlib.util.find_spec(package).origin or "").parent  # type: ignore[union-attr]

    def is_module(name: str) -> bool:
        relative = Path(*name.split(".")[1:])
        return (root / relative).with_suffix(".py").is_file() or (
            root / relative / "__init__.py"
        ).is_file()

    return sorted(n for n in found if n.split(".")[0] == package and is_module(n))


def list_parameters(paths: ProjectPaths) -> dict[str, list[Parameter]]:
    """Return every notebook's declared parameters (raises for a notebook without the cell)."""
    return {stem: declared_parameters(path) for stem, path in notebooks(paths).items()}


def describe_parameters(paths: ProjectPaths) -> dict[str, list[ParameterInfo]]:
    """Every notebook's parameters with type, default, accepted values and help.

    Parameters come from the notebook's ``parameters`` cell; constraints and help from its
    parameters class when it names one (``lang`` is set by ``--lang`` and not listed).
    """
    from policingstudy.studies.params import ParameterInfo as Info
    from policingstudy.studies.params import parameter_class

    out: dict[str, list[ParameterInfo]] = {}
    for stem, path in notebooks(paths).items():
        settings = notebook_settings(path)
        declared = {
            info.name: info
            for info in (
                parameter_class(settings.parameters).describe() if settings.parameters else []
            )
        }
        out[stem] = [
            declared.get(p.name, Info(p.name, p.type, p.default, "", ""))
            for p in declared_parameters(path)
            if p.name != "lang"
        ]
    return out


def plan(
    paths: ProjectPaths,
    *,
    langs: Iterable[str] = LANGS,
    only: Iterable[str] = (),
    overrides: Iterable[Override] = (),
) -> list[Job]:
    """Check languages, notebook names and parameter values, and return the jobs.

    Every value is checked here, before anything runs: its type against the notebook's
    ``parameters`` cell, and its choices and range against the notebook's parameters class
    (:mod:`policingstudy.studies.params`). Nothing is executed or written; every problem raises
    a :class:`UsageError` (exit code 2).
    """
    chosen_langs = []
    for lang in langs:
        code = lang.strip().lower()
        if code not in LANGS:
            raise UsageError(f"--lang: expected one of ({', '.join(LANGS)}), got {lang!r}")
        chosen_langs.append(cast(Lang, code))
    if not chosen_langs:
        raise UsageError("--lang: expected at least one of en, kk, ru")
    available = notebooks(paths)
    selected = list(dict.fromkeys(only)) or list(available)
    unknown = [name for name in selected if name not in available]
    if unknown:
        raise UsageError(
            f"--only: unknown notebook(s) {unknown}; expected one of {sorted(available)}"
        )
    declared = {stem: declared_parameters(available[stem]) for stem in selected}
    settings = {stem: notebook_settings(available[stem]) for stem in selected}
    for stem, params in declared.items():
        if "lang" not in {p.name for p in params}:
            raise UsageError(
                f"notebook {stem}: the parameters cell must declare the standard parameter 'lang'"
            )
    typed = resolve_overrides(declared, list(overrides))
    jobs = []
    for stem in selected:
        defaults = {p.name: p.default for p in declared[stem]}
        for lang in chosen_langs:
            values = {**defaults, **typed[stem], "lang": lang}
            check_values(stem, settings[stem], values)
            jobs.append(Job(stem, lang, available[stem], values, settings[stem], defaults))
    return jobs


def check_values(stem: str, settings: NotebookSettings, values: dict[str, Any]) -> None:
    """Build the notebook's parameters object from ``values`` to check every value.

    Raises
    ------
    ParameterError
        Naming the notebook, the parameter, the value and what is accepted.
    """
    if settings.parameters is None:
        return
    from policingstudy.studies.params import parameter_class

    cls = parameter_class(settings.parameters)
    unknown = sorted(set(values) - set(cls.defaults()))
    if unknown:
        raise ParameterError(
            f"notebook {stem}: parameters {unknown} are in its parameters cell but not in "
            f"{cls.__name__} (policingstudy.studies.params); declare them there"
        )
    try:
        cls(**values)
    except ParameterError as exc:
        raise ParameterError(f"notebook {stem}: {exc}") from None
