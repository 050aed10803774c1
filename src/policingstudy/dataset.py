"""The comparative dataset (codebook, units, events, codings, sources) as validated tables."""

from __future__ import annotations

import pandas as pd

from policingstudy.paths import ProjectPaths


def dataset_tables(paths: ProjectPaths) -> dict[str, pd.DataFrame]:
    """Processed tables of the comparative dataset (none until the dataset lands)."""
    return {}
