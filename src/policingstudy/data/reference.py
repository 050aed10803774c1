"""Published and reference numbers the methods are checked against (``data/raw/reference``).

``data/raw/reference/published.json`` is written by ``scripts/make_reference.py``, which holds
every number once with where it comes from (publication or package version, the call or R code
that produces it, the page or printed output) and the tolerance of the comparison. The tests and
the report's validation table (:mod:`policingstudy.studies.validation`) read it here, so a
reference number is never typed twice.

Names are dotted: ``<method>.<data>.<quantity>[.<statistic>]``, e.g. ``did.mpdta.simple.att``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policingstudy.core.errors import DataValidationError, MissingDataError
from policingstudy.core.paths import ProjectPaths

GENERATOR = "scripts/make_reference.py"


@dataclass(frozen=True)
class ReferenceSource:
    """Where a group of reference numbers comes from."""

    id: str
    citation: str
    call: str
    location: str
    note: str


@dataclass(frozen=True)
class Reference:
    """One published number, its tolerance and its source.

    Attributes
    ----------
    name
        The dotted name (``did.mpdta.simple.att``).
    value
        The published value.
    tolerance
        The largest absolute difference a reproduction may show (usually half a unit of the
        last printed digit).
    source
        Citation, call and location of the number.
    note
        What the number is, when the name does not say it.
    """

    name: str
    value: float
    tolerance: float
    source: ReferenceSource
    note: str = ""

    def difference(self, actual: float) -> float:
        """Absolute difference between ``actual`` and the published value."""
        return abs(float(actual) - self.value)

    def agrees(self, actual: float) -> bool:
        """Whether ``actual`` reproduces the value within the tolerance."""
        return self.difference(actual) <= self.tolerance


def reference_path(paths: ProjectPaths) -> Path:
    """Return the path of the reference file of a project."""
    return paths.raw / "reference" / "published.json"


def load_references(paths: ProjectPaths) -> dict[str, Reference]:
    """Read every reference number of the project.

    Parameters
    ----------
    paths
        The project folders.

    Returns
    -------
    dict
        Dotted name -> :class:`Reference`.

    Raises
    ------
    MissingDataError
        If the file does not exist (says how to write it).
    DataValidationError
        If the file is not the JSON the generator writes (names the entry and the field).
    """
    path = reference_path(paths)
    if not path.is_file():
        raise MissingDataError(f"{path}: reference file not found; run `python {GENERATOR}`")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataValidationError(
            [f"{path.name}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"]
        ) from None
    return _parse(document, path.name)


def _parse(document: Any, where: str) -> dict[str, Reference]:
    problems: list[str] = []
    if not isinstance(document, dict) or not isinstance(document.get("references"), dict):
        raise DataValidationError([f"{where}: expected an object with 'sources' and 'references'"])
    raw_sources = document.get("sources") or {}
    sources: dict[str, ReferenceSource] = {}
    for sid, entry in raw_sources.items():
        fields = ("citation", "call", "location", "note")
        missing = [f for f in fields if not isinstance(entry.get(f), str)]
        if missing:
            problems.append(f"{where}: source {sid!r}: field(s) {missing} missing or not text")
            continue
        sources[sid] = ReferenceSource(sid, *(entry[f] for f in fields))
    references: dict[str, Reference] = {}
    for name, entry in document["references"].items():
        value, tolerance = entry.get("value"), entry.get("tolerance")
        if not isinstance(value, int | float) or isinstance(value, bool):
            problems.append(f"{where}: {name}: value {value!r}; expected a number")
            continue
        if not isinstance(tolerance, int | float) or tolerance < 0:
            problems.append(f"{where}: {name}: tolerance {tolerance!r}; expected a number >= 0")
            continue
        source = sources.get(entry.get("source"))
        if source is None:
            problems.append(
                f"{where}: {name}: source {entry.get('source')!r}; expected one of "
                f"{sorted(sources)}"
            )
            continue
        references[name] = Reference(
            name, float(value), float(tolerance), source, str(entry.get("note", ""))
        )
    if problems:
        raise DataValidationError(problems)
    return references


def published(name: str, *, paths: ProjectPaths) -> Reference:
    """Return one reference number by its dotted name.

    Raises
    ------
    MissingDataError
        For an unknown name (lists the names that share its first part).
    """
    references = load_references(paths)
    if name not in references:
        family = name.split(".", 1)[0]
        near = sorted(n for n in references if n.split(".", 1)[0] == family)
        raise MissingDataError(
            f"reference {name!r} not in {reference_path(paths).name}; "
            f"{'known ' + family + '.* names: ' + str(near) if near else 'no such family'}; "
            f"add it to {GENERATOR} and run it"
        )
    return references[name]


def published_group(prefix: str, *, paths: ProjectPaths) -> dict[str, Reference]:
    """Return the references whose names start with ``prefix + '.'``, keyed by the rest.

    ``published_group("coinr.asem.index", paths=p)`` gives ``{"CHE": ..., "NLD": ...}``.

    Raises
    ------
    MissingDataError
        If no name has the prefix.
    """
    start = prefix.rstrip(".") + "."
    group = {
        name[len(start) :]: ref
        for name, ref in load_references(paths).items()
        if name.startswith(start)
    }
    if not group:
        raise MissingDataError(
            f"no reference named {start}* in {reference_path(paths).name}; add them to {GENERATOR}"
        )
    return group
