"""One frozen parameters object per notebook.

A notebook's ``parameters`` cell holds the defaults (the only place they are written); the next
cell builds the notebook's parameters object from them, so a bad value fails in cell 2 with a
clear message. The runner checks command-line overrides against the ``parameters`` cell before any
notebook runs (see :mod:`policingstudy.runner`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from policingstudy.errors import ParameterError
from policingstudy.types import LANGS, Lang, check_option


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
