"""The UChicago Law survey's 88 agencies as dataset units, with the documented mapping.

Each survey agency becomes a unit (``origin = uchicago_survey``) with its established year as an
event and codings only where ``data/raw/dataset/us_survey_mapping.yaml`` gives a defensible
mapping from a function flag to an indicator (coder ``survey``, confidence ``medium``). When several
mappings hit one indicator, the highest value wins (the indicator codes the deepest role). No other
indicator is coded: the survey does not give it.

Every survey agency is a civilian oversight agency, so its unit class is ``external_oversight``,
except agencies whose primary role is ``supervisory``: these are police commissions and boards of
police commissioners that direct the department and hold its chief to account, the codebook's
``police_governance``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from policingstudy.core.errors import DataValidationError

SURVEY_CODER = "survey"
GOVERNANCE_ROLES = ("supervisory",)  # primary roles classed police_governance, not oversight


def load_mapping(path: Path, indicators: set[str]) -> dict[str, Any]:
    """Read and check the survey mapping YAML.

    Raises
    ------
    DataValidationError
        Naming the file and the mapping entry with an unknown indicator or off-scale value.
    """
    data = (
        yaml.load(
            path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
        or {}
    )
    problems = []
    for i, entry in enumerate(data.get("mappings", []), start=1):
        if entry.get("indicator") not in indicators:
            problems.append(
                f"{path.name}: mappings[{i}].indicator: found "
                f"{entry.get('indicator')!r}; expected a codebook indicator"
            )
        if entry.get("value") not in (0, 1, 2, 3):
            problems.append(
                f"{path.name}: mappings[{i}].value: found {entry.get('value')!r}; "
                "expected an integer from 0 to 3"
            )
    if problems:
        raise DataValidationError(problems)
    return data


def survey_units(
    agencies: pd.DataFrame, mapping: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Turn survey agencies into (units, events, codings) in the dataset's processed layout."""
    source = mapping["source_id"]
    linked = {int(k): v for k, v in (mapping.get("linked") or {}).items()}
    unit_id = "US_SURVEY_" + agencies["agency_id"].astype(str).str.zfill(2)
    units = pd.DataFrame(
        {
            "unit_id": unit_id,
            "jurisdiction": "US",
            "subunit_code": agencies["state"],
            "locality": agencies["city"],
            # proper names of US agencies are kept in English in every language
            "name_en": agencies["name"],
            "name_kk": agencies["name"],
            "name_ru": agencies["name"],
            "name_original": agencies["name"],
            "kind": "civilian_oversight_agency",
            "unit_class": agencies["primary_role"]
            .isin(GOVERNANCE_ROLES)
            .map({True: "police_governance", False: "external_oversight"}),
            "level": "local",
            "legal_basis": "",
            "legal_basis_kk": "",
            "legal_basis_ru": "",
            "source_ids": source,
            "topic_ids": "",
            "appointed_by": "",
            "combined_with": "",
            "who_may_file": "",
            "powers": "",
            "notes": "primary role (survey): " + agencies["primary_role"].fillna("not given"),
            "origin": "uchicago_survey",
            "linked_unit_id": agencies["agency_id"].map(linked).fillna(""),
        }
    )
    years = agencies["established_year"]
    has_year = years.notna()
    events = pd.DataFrame(
        {
            "unit_id": unit_id[has_year],
            "event": "established",
            "date": years[has_year].astype(int).astype(str),
            "source_id": source,
            "note": "year as given by the survey",
        }
    )
    rows = []
    for entry in mapping.get("mappings", []):
        hits = agencies[entry["field"]] == entry["when"]
        for uid, hit in zip(unit_id, hits.fillna(False), strict=True):
            if hit:
                rows.append(
                    {
                        "unit_id": uid,
                        "indicator_id": entry["indicator"],
                        "value": float(entry["value"]),
                        "field": entry["field"],
                    }
                )
    found = pd.DataFrame(rows, columns=["unit_id", "indicator_id", "value", "field"])
    best = found.sort_values("value", ascending=False).drop_duplicates(["unit_id", "indicator_id"])
    codings = pd.DataFrame(
        {
            "unit_id": best["unit_id"],
            "indicator_id": best["indicator_id"],
            "coder": SURVEY_CODER,
            "value": best["value"].astype("Float64"),
            "status": "coded",
            "source_id": source,
            "evidence": "Survey flag '" + best["field"] + "' = 1, mapped as documented in "
            "us_survey_mapping.yaml.",
            "confidence": "medium",
            "date_coded": "2026-11-26",
        }
    ).sort_values(["unit_id", "indicator_id"], ignore_index=True)
    return units, events.reset_index(drop=True), codings
