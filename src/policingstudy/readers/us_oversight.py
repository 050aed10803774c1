"""The UChicago Law survey of civilian oversight agencies in the 100 largest US cities (2019).

Files ``agencies.json`` (88 agencies) and ``cities.json`` (100 cities) of
``chicago-law/police-oversight-agencies``. One row per agency, joined to its city; the state code
comes from ``cities.json`` (the agencies' ``dep_state`` has errors: Minneapolis is given as
``MI``). The role spelled ``Adjuticative`` in the file is normalised to ``Adjudicative``.
Function flags are 1/0/missing; missing stays missing (``<NA>``), never zero.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from policingstudy.errors import DataValidationError
from policingstudy.readers._common import need_file

FLAGS = ("investigative", "review", "audit", "adjudicative", "supervisory", "advisory", "appeals")
ROLE_FIXES = {"Adjuticative": "Adjudicative"}
STATE_CODES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC",
    "Florida": "FL", "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL",
    "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA",
    "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN",
    "Mississippi": "MS", "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV",
    "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY",
    "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR",
    "Pennsylvania": "PA", "Puerto Rico": "PR", "Rhode Island": "RI", "South Carolina": "SC",
    "South Dakota": "SD", "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT",
    "Virginia": "VA", "Washington": "WA", "West Virginia": "WV", "Wisconsin": "WI",
    "Wyoming": "WY",
}


def read_oversight_cities(folder: Path) -> pd.DataFrame:
    """The 100 largest cities: ``city_id``, ``city``, ``state``, ``state_code`` (``US-XX``),
    ``rank``, ``population``, ``latitude``, ``longitude``."""
    cities = pd.DataFrame(json.loads(need_file(folder, "cities.json").read_text(encoding="utf-8")))
    unknown = sorted(set(cities["state"]) - set(STATE_CODES))
    if unknown:
        raise DataValidationError([f"{folder / 'cities.json'}: column 'state': found {unknown}; expected US state names"])
    return pd.DataFrame({
        "city_id": cities["id"].astype(int),
        "city": cities["name"],
        "state": cities["state"],
        "state_code": "US-" + cities["state"].map(STATE_CODES),
        "rank": cities["rank"].astype(int),
        "population": cities["population"].astype(int),
        "latitude": cities["latitude"].astype(float),
        "longitude": cities["longitude"].astype(float),
    }).sort_values("rank", ignore_index=True)


def read_oversight_agencies(folder: Path) -> pd.DataFrame:
    """The 88 agencies joined to their city.

    Returns
    -------
    DataFrame
        ``agency_id``, ``name``, ``city_id``, ``city``, ``state_code``, ``rank``,
        ``established_year`` and ``amended_year`` (Int64, missing = not given),
        ``primary_role``, one Int64 column per function flag, ``latitude``, ``longitude``.
    """
    raw = pd.DataFrame(json.loads(need_file(folder, "agencies.json").read_text(encoding="utf-8")))
    cities = read_oversight_cities(folder)
    frame = pd.DataFrame({
        "agency_id": raw["id"].astype(int),
        "name": raw["name"].str.strip(),
        "city_id": raw["city_id"].astype(int),
        "established_year": pd.array(raw["established_year"], dtype="Int64"),
        "amended_year": pd.array(raw["amended_year"], dtype="Int64"),
        "primary_role": raw["primary_role"].replace(ROLE_FIXES),
        **{flag: pd.array(raw[flag], dtype="Int64") for flag in FLAGS},
    })
    merged = frame.merge(cities.drop(columns=["state"]), on="city_id", how="left",
                         validate="many_to_one")
    missing = merged.loc[merged["city"].isna(), "agency_id"].tolist()
    if missing:
        raise DataValidationError([f"{folder / 'agencies.json'}: column 'city_id': agencies "
                                   f"{missing} name a city_id that cities.json lacks"])
    return merged.sort_values("agency_id", ignore_index=True)
