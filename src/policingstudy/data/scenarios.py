"""Reform scenarios as data: read ``data/raw/scenarios.yaml`` and validate it.

The file is read here (the analysis layer never reads files) and validated against the processed
``indicators`` and ``units`` tables by
:func:`policingstudy.methods.index.scenarios.parse_scenarios`,
which names the file and the key of every malformed entry (unknown unit or indicator, a value off
the indicator's scale, a missing label language, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import yaml

from policingstudy.core.errors import DataValidationError, SourceError
from policingstudy.core.paths import ProjectPaths
from policingstudy.methods.index.scenarios import Scenario, parse_scenarios

SCENARIO_FILE = "scenarios.yaml"


def scenario_file(paths: ProjectPaths) -> Path:
    """Return the path of the scenario file (``data/raw/scenarios.yaml``)."""
    return paths.raw / SCENARIO_FILE


def load_scenarios(
    paths: ProjectPaths,
    *,
    indicators: pd.DataFrame,
    units: pd.DataFrame,
    path: Path | None = None,
    classes: Sequence[str] | None = None,
) -> tuple[Scenario, ...]:
    """Read and validate the reform scenarios.

    Parameters
    ----------
    paths
        Project paths (the file is ``paths.raw / "scenarios.yaml"`` unless ``path`` is given).
    indicators
        Processed ``indicators`` table (``indicator_id``, ``scale_min``, ``scale_max``).
    units
        Processed ``units`` table (``unit_id``, ``jurisdiction``).
    path
        Another scenario file (e.g. a user's own), same schema.
    classes
        Unit classes an added unit may declare (None: any).

    Returns
    -------
    tuple of Scenario
        In file order.

    Raises
    ------
    SourceError
        If the file does not exist.
    DataValidationError
        If the file is not valid YAML, or an entry is malformed; every problem names the file
        (relative to the project root when inside it) and the key path.
    """
    file = path if path is not None else scenario_file(paths)
    try:
        shown = str(file.resolve().relative_to(paths.root.resolve()))
    except ValueError:
        shown = str(file)
    if not file.is_file():
        raise SourceError(
            f"{shown}: scenario file not found; expected a YAML file with a 'scenarios' list "
            f"(see {SCENARIO_FILE} in data/raw)"
        )
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataValidationError([f"{shown}: not valid YAML: {exc}"]) from exc
    if not isinstance(document, dict):
        raise DataValidationError(
            [f"{shown}: found {type(document).__name__}; expected a mapping with key 'scenarios'"]
        )
    return parse_scenarios(
        document, source=shown, indicators=indicators, units=units, classes=classes
    )
