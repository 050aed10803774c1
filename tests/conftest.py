"""Shared fixtures: the project root, the external-data mirror, and a matplotlib backend."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository this test suite belongs to."""
    return ROOT


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror of external data (``POLICINGSTUDY_MIRROR``), or skip.

    Tests that need external files use this fixture (or ``external_dir``); they skip with a
    reason when neither the mirror nor a cached download under ``data/raw/external`` exists.
    """
    value = os.environ.get("POLICINGSTUDY_MIRROR")
    if value and Path(value).is_dir():
        return Path(value).resolve()
    pytest.skip(
        "external data mirror not available: set POLICINGSTUDY_MIRROR to a copy of "
        "shared/mirror (see README, 'External data')"
    )


@pytest.fixture(scope="session")
def external_dir() -> Path:
    """A folder laid out as ``<source_id>/<file>``: the cache if complete, else the mirror."""
    cache = ROOT / "data" / "raw" / "external"
    value = os.environ.get("POLICINGSTUDY_MIRROR")
    if value and Path(value).is_dir():
        return Path(value).resolve()
    if cache.is_dir() and any(cache.iterdir()):
        return cache
    pytest.skip(
        "no external data: neither POLICINGSTUDY_MIRROR nor a cached download in "
        "data/raw/external (run `policingstudy fetch`)"
    )


@pytest.fixture(scope="session")
def dataset_tables() -> dict:
    """The shipped dataset's processed tables, built in memory (nothing written)."""
    from policingstudy.core.errors import SourceError
    from policingstudy.core.paths import ProjectPaths, mirror_from_env
    from policingstudy.data.build import validate_all

    try:  # with the UChicago survey's agencies when its files are available
        return validate_all(ProjectPaths(ROOT), mirror_from_env())
    except SourceError:
        return validate_all(ProjectPaths(ROOT), survey=False)


@pytest.fixture
def values():
    """Toy units x indicators (0-3) shared by the uncertainty and scenario tests:
    two Kazakh, two English and two German units on four indicators."""
    import pandas as pd

    return pd.DataFrame(
        {
            "i1": [0.0, 1, 3, 2, 1, 3],
            "i2": [1.0, 0, 3, 3, 0, 1],
            "i3": [1.0, 1, 2, 3, 3, 3],
            "i4": [0.0, 2, 2, 1, 3, 3],
        },
        index=["kz1", "kz2", "uk1", "uk2", "de1", "de2"],
    )
