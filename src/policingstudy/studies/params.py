"""One frozen parameters object per notebook, with every parameter's type, choices and range.

A notebook's ``parameters`` cell holds its defaults (papermill injects overrides after it); the
next cell builds the notebook's parameters object from them, so a bad value fails there with a
clear message. Each parameter is declared once, here, with :func:`param`: its type (the
annotation), its default, and where it applies its closed set of choices or its range. The
runner reads the same declarations (the notebook names its class in its metadata,
``policingstudy.parameters``) to refuse a bad ``-p`` override before anything runs, and
``policingstudy list`` shows them. A test checks that every notebook's ``parameters`` cell and
its class agree on names and defaults.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from dataclasses import MISSING, Field, asdict, dataclass, field, fields
from typing import Any, Literal, get_args, get_origin

from policingstudy.core.errors import ParameterError
from policingstudy.core.types import LANGS, Lang, check_option
from policingstudy.studies.design import REFERENCE_DATE


@dataclass(frozen=True)
class Spec:
    """What a parameter accepts (stored in the dataclass field's metadata).

    Attributes
    ----------
    choices
        Closed set of accepted values, or None.
    minimum, maximum
        Inclusive bounds of a number, or None.
    date
        The value is an ISO date ``YYYY-MM-DD`` (a string).
    help
        One line for ``policingstudy list``.
    """

    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    date: bool = False
    help: str = ""

    def describe(self) -> str:
        """Human-readable constraint, e.g. ``one of ('a', 'b')`` or ``1 to 100000``."""
        if self.choices is not None:
            return "one of (" + ", ".join(repr(c) for c in self.choices) + ")"
        if self.date:
            return "an ISO date YYYY-MM-DD"
        low = "" if self.minimum is None else f"{self.minimum:g}"
        high = "" if self.maximum is None else f"{self.maximum:g}"
        if low and high:
            return f"{low} to {high}"
        if low:
            return f">= {low}"
        if high:
            return f"<= {high}"
        return ""


def param(
    default: Any,
    *,
    choices: tuple[Any, ...] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    date: bool = False,
    help: str = "",  # noqa: A002 - the word users read in `policingstudy list`
) -> Any:
    """Declare a notebook parameter (a dataclass field carrying a :class:`Spec`)."""
    spec = Spec(choices, minimum, maximum, date, help)
    return field(default=default, metadata={"spec": spec})


def _spec(f: Field[Any]) -> Spec:
    spec = f.metadata.get("spec")
    return spec if isinstance(spec, Spec) else Spec()


def _base_type(annotation: Any) -> type:
    """The runtime type checked for an annotation (``Literal`` values give their own type)."""
    origin = get_origin(annotation)
    if origin is Literal:
        return type(get_args(annotation)[0])
    if origin in (list, tuple):
        return list
    if isinstance(annotation, type):
        return annotation
    return object


@dataclass(frozen=True)
class ParameterInfo:
    """A declared parameter as ``policingstudy list`` shows it."""

    name: str
    type: str
    default: Any
    constraint: str
    help: str


_TYPE_NAMES = {bool: "bool", int: "int", float: "float", str: "str", list: "list"}


@dataclass(frozen=True)
class NotebookParams:
    """Parameters every notebook has.

    Parameters
    ----------
    lang
        Report language: ``en``, ``kk`` or ``ru``.
    """

    lang: Lang = param("en", choices=LANGS, help="report language (set by --lang)")

    def __post_init__(self) -> None:
        for f in fields(self):
            self._check(f, getattr(self, f.name))

    def _check(self, f: Field[Any], value: Any) -> None:
        where = f"{type(self).__name__}.{f.name}"
        spec = _spec(f)
        kind = _base_type(_hints(type(self))[f.name])
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            object.__setattr__(self, f.name, float(value))
            value = float(value)
        if kind is not object and (
            not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        ):
            raise ParameterError(
                f"{where}: expected a value of type {_TYPE_NAMES.get(kind, kind.__name__)}, "
                f"got {value!r}"
            )
        if spec.choices is not None:
            try:
                check_option(value, spec.choices, name=where)
            except Exception as exc:
                raise ParameterError(str(exc)) from None
        if spec.date:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise ParameterError(
                    f"{where}: expected an ISO date YYYY-MM-DD, got {value!r}"
                ) from None
        low, high = spec.minimum, spec.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            raise ParameterError(f"{where}: expected a number {spec.describe()}, got {value!r}")

    def to_json(self) -> str:
        """Return the parameters as sorted JSON (written next to outputs)."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def describe(cls) -> list[ParameterInfo]:
        """Every declared parameter with its type, default, constraint and help line."""
        hints = _hints(cls)
        out = []
        for f in fields(cls):
            kind = _base_type(hints[f.name])
            default = f.default if f.default is not MISSING else None
            spec = _spec(f)
            out.append(
                ParameterInfo(
                    f.name,
                    _TYPE_NAMES.get(kind, getattr(kind, "__name__", str(kind))),
                    default,
                    spec.describe(),
                    spec.help,
                )
            )
        return out

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """``{name: default}`` of every parameter."""
        return {f.name: f.default for f in fields(cls)}


def _hints(cls: type) -> dict[str, Any]:
    module = __import__(cls.__module__, fromlist=["_"])
    return typing.get_type_hints(cls, globalns=vars(module) | vars(types))


@dataclass(frozen=True)
class ThesisOverviewParams(NotebookParams):
    """Parameters of ``01_thesis_overview``."""


@dataclass(frozen=True)
class KazakhstanMechanismsParams(NotebookParams):
    """Parameters of ``02_kazakhstan_mechanisms``."""


@dataclass(frozen=True)
class OversightModelsParams(NotebookParams):
    """Parameters of ``03_oversight_models``."""


SEED = 20261126


@dataclass(frozen=True)
class ComparativeIndexParams(NotebookParams):
    """Parameters of ``04_comparative_index``.

    Parameters
    ----------
    reference_date
        The de jure index scores the law in force on this date: bodies not yet established,
        abolished or replaced, or whose office is not yet filled on it are out.
    n_draws
        Coding-only draws of the nominal construction (measurement model).
    n_base
        Saltelli base sample of the Sobol indices (a power of two).
    seed
        Seed of the random generator.
    """

    reference_date: str = param(
        REFERENCE_DATE, date=True, help="law in force on this date (ISO YYYY-MM-DD)"
    )
    n_draws: int = param(2000, minimum=1, maximum=100_000, help="coding draws")
    n_base: int = param(
        256, choices=(64, 128, 256, 512, 1024), help="Sobol base sample (power of two)"
    )
    seed: int = param(SEED, minimum=0, help="seed of the random generator")


@dataclass(frozen=True)
class ReformScenariosParams(NotebookParams):
    """Parameters of ``05_reform_scenarios``.

    Parameters
    ----------
    reference_date
        As in ``04_comparative_index``: the scenarios change Kazakhstan's system as in force on
        this date.
    n_draws
        Coding draws shared by the baseline and every scenario (nominal construction).
    seed
        Seed of the random generator.
    """

    reference_date: str = param(
        REFERENCE_DATE, date=True, help="law in force on this date (ISO YYYY-MM-DD)"
    )
    n_draws: int = param(1000, minimum=1, maximum=100_000, help="coding draws")
    seed: int = param(SEED, minimum=0, help="seed of the random generator")


@dataclass(frozen=True)
class AdoptionEvidenceParams(NotebookParams):
    """Parameters of ``06_adoption_evidence``.

    Parameters
    ----------
    seed
        Seed of the random generator (bootstrap weights, permutations and the simulation).
    replications
        Simulated panels in the simulation study (each takes about 0.5 s).
    bootstrap_iterations
        Wild cluster bootstrap draws.
    permutation_draws
        Random reassignments of the adoption schedule in the randomisation tests.
    honest_grid_points
        Test-inversion grid of the HonestDiD relative-magnitude bounds.
    """

    seed: int = param(SEED, minimum=0, help="seed of the random generator")
    replications: int = param(20, minimum=1, maximum=10_000, help="simulated panels")
    bootstrap_iterations: int = param(
        999, minimum=99, maximum=99_999, help="wild cluster bootstrap draws"
    )
    permutation_draws: int = param(
        999, minimum=99, maximum=99_999, help="permutations of the adoption schedule"
    )
    honest_grid_points: int = param(
        100, minimum=20, maximum=1000, help="HonestDiD grid (relative magnitudes)"
    )


@dataclass(frozen=True)
class MapsParams(NotebookParams):
    """Parameters of ``07_maps``."""


@dataclass(frozen=True)
class DesignPracticeParams(NotebookParams):
    """Parameters of ``08_design_and_practice``.

    Parameters
    ----------
    n_draws
        Simulation draws of the performance index.
    seed
        Seed of the random generator (the performance index; each design construction uses it
        as notebook 04 does).
    first_year, last_year
        Years of the performance index (the WJP index starts in 2012, V-Dem v14 ends in 2023).
    design_draws
        Monte Carlo draws of each design construction (notebook 04's default).
    """

    n_draws: int = param(1000, minimum=100, maximum=100_000, help="simulation draws")
    seed: int = param(SEED, minimum=0, help="seed of the random generator")
    first_year: int = param(2012, minimum=2012, maximum=2023, help="first year of the index")
    last_year: int = param(2023, minimum=2012, maximum=2023, help="last year of the index")
    design_draws: int = param(
        2000, minimum=1, maximum=100_000, help="Monte Carlo draws per design construction"
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.first_year > self.last_year:
            raise ParameterError(
                f"{type(self).__name__}: expected first_year <= last_year, got "
                f"{self.first_year} and {self.last_year}"
            )


PARAMETER_CLASSES: dict[str, type[NotebookParams]] = {
    cls.__name__: cls
    for cls in (
        ThesisOverviewParams,
        KazakhstanMechanismsParams,
        OversightModelsParams,
        ComparativeIndexParams,
        ReformScenariosParams,
        AdoptionEvidenceParams,
        MapsParams,
        DesignPracticeParams,
    )
}
"""Parameter classes by name, as notebooks name them in ``metadata.policingstudy.parameters``."""


def parameter_class(name: str) -> type[NotebookParams]:
    """Return the parameter class called ``name``.

    Raises
    ------
    ParameterError
        If there is none, listing the known classes.
    """
    try:
        return PARAMETER_CLASSES[name]
    except KeyError:
        raise ParameterError(
            f"unknown parameters class {name!r}; expected one of {sorted(PARAMETER_CLASSES)} "
            "(policingstudy.studies.params)"
        ) from None
