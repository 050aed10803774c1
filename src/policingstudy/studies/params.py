"""One frozen parameters object per notebook.

A notebook's ``parameters`` cell holds the defaults (the only place they are written); the next
cell builds the notebook's parameters object from them, so a bad value fails in cell 2 with a
clear message. The runner checks command-line overrides against the ``parameters`` cell before any
notebook runs (see :mod:`policingstudy.run.runner`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import get_args

from policingstudy.core.errors import ParameterError
from policingstudy.core.types import LANGS, Aggregate, Lang, Normalise, Weighting, check_option


@dataclass(frozen=True)
class NotebookParams:
    """Parameters every notebook has.

    Parameters
    ----------
    lang
        Report language: ``en``, ``kk`` or ``ru``.
    """

    lang: Lang

    def __post_init__(self) -> None:
        check_option(self.lang, LANGS, name="lang")
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise ParameterError(
                    f"{type(self).__name__}.{field.name}: expected a non-negative number, "
                    f"got {value!r}"
                )

    def to_json(self) -> str:
        """Return the parameters as sorted JSON (written next to outputs)."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class ThesisOverviewParams(NotebookParams):
    """Parameters of ``01_thesis_overview``."""


@dataclass(frozen=True)
class KazakhstanMechanismsParams(NotebookParams):
    """Parameters of ``02_kazakhstan_mechanisms``."""


@dataclass(frozen=True)
class OversightModelsParams(NotebookParams):
    """Parameters of ``03_oversight_models``."""


@dataclass(frozen=True)
class ComparativeIndexParams(NotebookParams):
    """Parameters of ``04_comparative_index``.

    Parameters
    ----------
    weighting
        Weighting scheme (``equal``, ``user``, ``pca``, ``ahp``).
    normalise
        Nominal normalisation (``minmax``, ``zscore``, ``rank``, ``distance``).
    aggregate
        Nominal aggregation (``arithmetic``, ``geometric``, ``copeland``).
    n_draws
        Monte Carlo draws (>= 1).
    seed
        Seed of the random generator.
    """

    weighting: Weighting = "equal"
    normalise: Normalise = "minmax"
    aggregate: Aggregate = "arithmetic"
    n_draws: int = 2000
    seed: int = 20261126

    def __post_init__(self) -> None:
        super().__post_init__()
        # Other weighting schemes need inputs a notebook parameter cannot carry (AHP's pairwise
        # matrices, user weights) or complete data (PCA); use policingstudy.analysis directly.
        check_option(self.weighting, ("equal",), name="weighting")
        check_option(self.normalise, get_args(Normalise), name="normalise")
        check_option(self.aggregate, get_args(Aggregate), name="aggregate")
        if isinstance(self.n_draws, bool) or not isinstance(self.n_draws, int) or self.n_draws < 1:
            raise ParameterError(
                f"ComparativeIndexParams.n_draws: expected a positive integer, got {self.n_draws!r}"
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ParameterError(
                f"ComparativeIndexParams.seed: expected a non-negative integer, got {self.seed!r}"
            )


@dataclass(frozen=True)
class AdoptionEvidenceParams(NotebookParams):
    """Parameters of ``06_adoption_evidence``.

    Parameters
    ----------
    seed
        Seed of the random generator (bootstrap weights and the simulation).
    replications
        Simulated panels in the simulation study (1-10000; each takes about 0.5 s).
    bootstrap_iterations
        Wild cluster bootstrap draws (99-99999).
    """

    seed: int = 20261126
    replications: int = 20
    bootstrap_iterations: int = 999

    def __post_init__(self) -> None:
        super().__post_init__()
        limits = {
            "seed": (0, None),
            "replications": (1, 10_000),
            "bootstrap_iterations": (99, 99_999),
        }
        for name, (low, high) in limits.items():
            value = getattr(self, name)
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
            if not ok or (high is not None and value > high):
                raise ParameterError(
                    f"AdoptionEvidenceParams.{name}: expected an integer in "
                    f"[{low}, {high if high is not None else 'inf'}], got {value!r}"
                )


@dataclass(frozen=True)
class ReformScenariosParams(NotebookParams):
    """Parameters of ``05_reform_scenarios``.

    Parameters
    ----------
    n_draws
        Monte Carlo draws shared by the baseline and every scenario (1-100000).
    seed
        Seed of the random generator (non-negative integer).
    """

    n_draws: int = 1000
    seed: int = 20261126

    def __post_init__(self) -> None:
        super().__post_init__()
        n = self.n_draws
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 100_000:
            raise ParameterError(
                f"ReformScenariosParams.n_draws: expected an integer in [1, 100000], got {n!r}"
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ParameterError(
                f"ReformScenariosParams.seed: expected a non-negative integer, got {self.seed!r}"
            )


@dataclass(frozen=True)
class MapsParams(NotebookParams):
    """Parameters of ``07_maps``."""
