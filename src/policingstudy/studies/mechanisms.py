"""Notebooks 02 and 03: the dataset's mechanisms of one side of the comparison.

Notebook 02 shows Kazakhstan's mechanisms, notebook 03 the three foreign models; both read the
same processed tables and select units, codings and events by jurisdiction.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from policingstudy.core.paths import ProjectPaths
from policingstudy.studies import inputs

DATASET_TABLES = (
    "units",
    "events",
    "codings",
    "indicators",
    "dimensions",
    "reliability",
    "sources",
    "disagreements",
    "thesis_links",
    "thesis_problems",
    "thesis_programme",
    "thesis_topics",
    "us_survey_agencies",
    "codings_by_coder",
    "coder_bias",
    "decisive_cells",
)


@dataclass(frozen=True)
class Selection:
    """The dataset's tables with the units, codings and events of the selected jurisdictions.

    Attributes
    ----------
    tables
        Every processed table of :data:`DATASET_TABLES`, unfiltered.
    units
        Units of the selected jurisdictions (hand-coded and, for the US, survey agencies).
    codings, events
        Their consensus codings and dated events.
    """

    tables: dict[str, pd.DataFrame]
    units: pd.DataFrame
    codings: pd.DataFrame
    events: pd.DataFrame

    @property
    def unit_ids(self) -> list[str]:
        """Ids of the selected units, in table order."""
        return [str(u) for u in self.units["unit_id"]]

    @property
    def hand_coded(self) -> pd.DataFrame:
        """The selected units coded by hand (not from the US survey)."""
        return self.units[self.units["origin"] == "hand_coded"]

    def hand_coded_in(self, jurisdiction: str, *, bodies_only: bool = False) -> pd.DataFrame:
        """Hand-coded units of one jurisdiction (``bodies_only`` drops "no body" records)."""
        units = self.hand_coded[self.hand_coded["jurisdiction"] == jurisdiction]
        return units[units["kind"] != "no_body"] if bodies_only else units


def select(jurisdictions: tuple[str, ...], *, paths: ProjectPaths | None = None) -> Selection:
    """Load the dataset's tables and select the units of ``jurisdictions``."""
    tables = inputs.load(*DATASET_TABLES, paths=paths)
    units = tables["units"][tables["units"]["jurisdiction"].isin(jurisdictions)]
    ids = set(units["unit_id"])
    return Selection(
        tables,
        units,
        tables["codings"][tables["codings"]["unit_id"].isin(ids)],
        tables["events"][tables["events"]["unit_id"].isin(ids)],
    )


def kazakhstan(*, paths: ProjectPaths | None = None) -> Selection:
    """Kazakhstan's mechanisms (notebook 02)."""
    return select(("KZ",), paths=paths)


def foreign_models(*, paths: ProjectPaths | None = None) -> Selection:
    """The England & Wales, US and German bodies (notebook 03)."""
    return select(("UK-EW", "US", "DE"), paths=paths)


def thesis(*, paths: ProjectPaths | None = None) -> dict[str, pd.DataFrame]:
    """The thesis article's tables (notebook 01)."""
    return inputs.load(
        "thesis_article",
        "thesis_topics",
        "thesis_problems",
        "thesis_programme",
        "thesis_foreign_models",
        "thesis_references",
        paths=paths,
    )
