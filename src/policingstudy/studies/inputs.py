"""What a notebook needs to start: the project, its processed tables and external sources.

Notebooks run from the project root (report runs) or from ``notebooks/`` (JupyterLab); the
project root is found the way git finds a repository (see
:func:`policingstudy.core.paths.find_root`), and the offline mirror from
``POLICINGSTUDY_MIRROR`` when set.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from policingstudy.core.paths import ProjectPaths, mirror_from_env
from policingstudy.data import sources, tables


def project(paths: ProjectPaths | None = None) -> ProjectPaths:
    """Return ``paths`` or the project found from the working directory."""
    return paths if paths is not None else ProjectPaths.discover()


def load(*names: str, paths: ProjectPaths | None = None) -> dict[str, pd.DataFrame]:
    """Read processed tables by name (see :data:`policingstudy.data.tables.TABLES`).

    Raises
    ------
    policingstudy.core.errors.DataMissingError
        For an unknown name (listing the known ones) or a table not yet built.
    """
    where = project(paths)
    return {name: tables.load(name, paths=where) for name in names}


def source(source_id: str, paths: ProjectPaths | None = None) -> Path:
    """Return the folder holding the verified files of an external source (cache or mirror)."""
    return sources.locate(source_id, paths=project(paths), mirror=mirror_from_env())
