"""United States: civilian oversight agencies, police killings, shootings and city crime.

States are identified by ISO 3166-2 codes (``US-IL``); :data:`US_STATES` maps USPS codes to
FIPS codes and names. The Washington Post data are licensed CC BY-NC-SA 4.0 (non-commercial,
share-alike): reports that use them must say so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, get_args

import pandas as pd
import pandera.pandas as pa

from policingstudy.core.errors import DataValidationError
from policingstudy.data.readers._common import clean_text, need_file, raise_problems, sheet_rows
from policingstudy.data.schemas import validate

# USPS code -> (FIPS code, name): 50 states, the District of Columbia and Puerto Rico.
US_STATES: dict[str, tuple[str, str]] = {
    "AL": ("01", "Alabama"),
    "AK": ("02", "Alaska"),
    "AZ": ("04", "Arizona"),
    "AR": ("05", "Arkansas"),
    "CA": ("06", "California"),
    "CO": ("08", "Colorado"),
    "CT": ("09", "Connecticut"),
    "DE": ("10", "Delaware"),
    "DC": ("11", "District of Columbia"),
    "FL": ("12", "Florida"),
    "GA": ("13", "Georgia"),
    "HI": ("15", "Hawaii"),
    "ID": ("16", "Idaho"),
    "IL": ("17", "Illinois"),
    "IN": ("18", "Indiana"),
    "IA": ("19", "Iowa"),
    "KS": ("20", "Kansas"),
    "KY": ("21", "Kentucky"),
    "LA": ("22", "Louisiana"),
    "ME": ("23", "Maine"),
    "MD": ("24", "Maryland"),
    "MA": ("25", "Massachusetts"),
    "MI": ("26", "Michigan"),
    "MN": ("27", "Minnesota"),
    "MS": ("28", "Mississippi"),
    "MO": ("29", "Missouri"),
    "MT": ("30", "Montana"),
    "NE": ("31", "Nebraska"),
    "NV": ("32", "Nevada"),
    "NH": ("33", "New Hampshire"),
    "NJ": ("34", "New Jersey"),
    "NM": ("35", "New Mexico"),
    "NY": ("36", "New York"),
    "NC": ("37", "North Carolina"),
    "ND": ("38", "North Dakota"),
    "OH": ("39", "Ohio"),
    "OK": ("40", "Oklahoma"),
    "OR": ("41", "Oregon"),
    "PA": ("42", "Pennsylvania"),
    "RI": ("44", "Rhode Island"),
    "SC": ("45", "South Carolina"),
    "SD": ("46", "South Dakota"),
    "TN": ("47", "Tennessee"),
    "TX": ("48", "Texas"),
    "UT": ("49", "Utah"),
    "VT": ("50", "Vermont"),
    "VA": ("51", "Virginia"),
    "WA": ("53", "Washington"),
    "WV": ("54", "West Virginia"),
    "WI": ("55", "Wisconsin"),
    "WY": ("56", "Wyoming"),
    "PR": ("72", "Puerto Rico"),
}
STATE_BY_NAME = {name: usps for usps, (_, name) in US_STATES.items()}
STATE_BY_FIPS = {fips: usps for usps, (fips, _) in US_STATES.items()}

# -- UChicago Law School survey of oversight agencies (2019) -------------------------------------

Role = Literal[
    "investigative", "review", "audit", "adjudicative", "supervisory", "advisory", "appeals"
]
ROLES: tuple[Role, ...] = get_args(Role)
# agencies.json spells one role 'Adjuticative', codes Honolulu's state 'HA' and Minneapolis's
# 'MI' (Michigan); cities.json has the right states.
_ROLE_SPELLINGS = {"adjuticative": "adjudicative"}
_STATE_FIXES = {("Honolulu", "HA"): "HI", ("Minneapolis", "MI"): "MN"}

AGENCY_SCHEMA = pa.DataFrameSchema(
    {
        "agency_id": pa.Column(int, unique=True),
        "name": pa.Column(str),
        "city_id": pa.Column(int),
        "city": pa.Column(str),
        "state": pa.Column(str, pa.Check.str_matches(r"^US-[A-Z]{2}$")),
        "latitude": pa.Column(float, pa.Check.in_range(18, 72)),
        "longitude": pa.Column(float, pa.Check.in_range(-170, -60)),
        "city_population": pa.Column(int, pa.Check.gt(0)),
        "city_rank": pa.Column(int, pa.Check.in_range(1, 100)),
        "established_year": pa.Column("Int64", pa.Check.in_range(1850, 2019), nullable=True),
        "amended_year": pa.Column("Int64", pa.Check.in_range(1850, 2019), nullable=True),
        "primary_role": pa.Column(str, pa.Check.isin(list(ROLES)), nullable=True),
        **{role: pa.Column(bool) for role in ROLES},
        "description": pa.Column(str, nullable=True),
    },
    strict=True,
)


def _cities(path: Path) -> pd.DataFrame:
    cities = pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    unknown = sorted(set(cities["state"]) - set(STATE_BY_NAME))
    if unknown:
        raise DataValidationError([f"{path.name}: unknown state names {unknown}"])
    return pd.DataFrame(
        {
            "city_id": cities["id"].astype(int),
            "city": cities["name"].map(clean_text),
            "state": "US-" + cities["state"].map(STATE_BY_NAME),
            "latitude": cities["latitude"].astype(float),
            "longitude": cities["longitude"].astype(float),
            "population": cities["population"].astype(int),
            "rank": cities["rank"].astype(int),
        }
    )


def read_oversight_agencies(folder: Path) -> pd.DataFrame:
    """Read the UChicago Law survey of civilian police oversight agencies (2019).

    One row per agency, joined to its city in ``cities.json``. Function flags are booleans; an
    agency can have several. ``primary_role`` is lower-case, with the file's 'Adjuticative'
    normalised to ``adjudicative`` (one agency, Miami's Civilian Investigative Panel, has none).
    Two state codes of the file are corrected (Honolulu 'HA' to ``US-HI``, Minneapolis 'MI' to
    ``US-MN``) and every state is checked against the city's state in ``cities.json``.

    Parameters
    ----------
    folder
        Folder of source ``us_oversight_agencies`` (``agencies.json``, ``cities.json``).

    Returns
    -------
    pandas.DataFrame
        88 rows: ``agency_id``, ``name``, ``city_id``, ``city``, ``state`` (``US-XX``),
        ``latitude``, ``longitude``, ``city_population``, ``city_rank``, ``established_year``,
        ``amended_year`` (nullable integers), ``primary_role``, the seven flags
        ``investigative`` ... ``appeals`` and ``description``.

    Raises
    ------
    DataValidationError
        Unknown roles or states, agencies whose city is unknown or in another state.
    """
    agencies_path = need_file(folder, "agencies.json")
    cities = _cities(need_file(folder, "cities.json")).set_index("city_id")
    raw = json.loads(agencies_path.read_text(encoding="utf-8"))
    problems, rows = [], []
    for agency in raw:
        where = f"{agencies_path.name}: agency {agency['id']} ({agency['name']})"
        usps = _STATE_FIXES.get((agency["dep_city"], agency["dep_state"]), agency["dep_state"])
        role = agency["primary_role"]
        role = _ROLE_SPELLINGS.get(role.lower(), role.lower()) if role else None
        if role is not None and role not in ROLES:
            problems.append(f"{where}: primary_role {agency['primary_role']!r}; expected {ROLES}")
        if agency["city_id"] not in cities.index:
            problems.append(f"{where}: city_id {agency['city_id']} not in cities.json")
            continue
        city = cities.loc[agency["city_id"]]
        if city["state"] != f"US-{usps}":
            problems.append(
                f"{where}: state {agency['dep_state']!r}; its city "
                f"{city['city']} is in {city['state']}"
            )
        record: dict[str, object] = {
            "agency_id": agency["id"],
            "name": clean_text(agency["name"]),
            "city_id": agency["city_id"],
            "city": clean_text(agency["dep_city"]),
            "state": f"US-{usps}",
            "latitude": city["latitude"],
            "longitude": city["longitude"],
            "city_population": city["population"],
            "city_rank": city["rank"],
            "established_year": agency["established_year"],
            "amended_year": agency["amended_year"],
            "primary_role": role,
            "description": agency["description"],
        }
        record.update({r: bool(agency[r]) for r in ROLES})
        rows.append(record)
    raise_problems(problems)
    frame = pd.DataFrame(rows)[list(AGENCY_SCHEMA.columns)]
    for column in ("established_year", "amended_year"):
        frame[column] = frame[column].astype("Int64")
    frame["primary_role"] = frame["primary_role"].astype("str").where(frame["primary_role"].notna())
    return validate(frame, AGENCY_SCHEMA, agencies_path.name)


def read_largest_cities(folder: Path) -> pd.DataFrame:
    """Read the 100 largest US cities with a summary of their oversight agencies.

    A city's ``first_role`` and ``first_established`` describe its oldest agency with a known
    founding year (ties: lowest agency id); cities whose agencies all lack a year keep the role
    of their first agency and a missing year.

    Parameters
    ----------
    folder
        Folder of source ``us_oversight_agencies``.

    Returns
    -------
    pandas.DataFrame
        100 rows: ``city_id``, ``city``, ``state``, ``latitude``, ``longitude``, ``population``,
        ``rank``, ``n_agencies`` (0 for the 38 cities without one), ``first_role`` and
        ``first_established`` (missing without agency), ``decade`` (e.g. 1990; missing when the
        year is unknown).
    """
    cities = _cities(need_file(folder, "cities.json"))
    agencies = read_oversight_agencies(folder)
    ordered = agencies.sort_values(["established_year", "agency_id"], na_position="last")
    first = ordered.groupby("city_id", sort=False).first()
    counts = agencies.groupby("city_id").size().rename("n_agencies")
    frame = cities.merge(counts, on="city_id", how="left")
    frame["n_agencies"] = frame["n_agencies"].fillna(0).astype(int)
    frame["first_role"] = frame["city_id"].map(first["primary_role"])
    frame["first_established"] = frame["city_id"].map(first["established_year"]).astype("Int64")
    frame["decade"] = (frame["first_established"] // 10 * 10).astype("Int64")
    return frame.sort_values("rank").reset_index(drop=True)


# -- Fatal police shootings and killings ---------------------------------------------------------


def read_nix_fatal_ois(folder: Path, *, include_not_collected: bool = False) -> pd.DataFrame:
    """Read the Nix agency-year panel of people fatally shot by on-duty police, long format.

    A blank cell in the wide file means the year was not collected for that agency, never zero.

    Parameters
    ----------
    folder
        Folder of source ``us_nix_agency_year_fois``.
    include_not_collected
        Keep agency-years that were not collected (with a missing count); default drops them.

    Returns
    -------
    pandas.DataFrame
        ``agency`` (column slug, e.g. 'chicago_il'), ``year``, ``people_killed`` (nullable
        integer: people shot and killed by on-duty officers of the agency in the year).
    """
    path = need_file(folder, "agency-level-fatal-ois.csv")
    wide = pd.read_csv(path, dtype=str, keep_default_na=False)
    if wide.columns[0] != "year":
        raise DataValidationError(
            [f"{path.name}: first column {wide.columns[0]!r}; expected 'year'"]
        )
    long = wide.melt(id_vars="year", var_name="agency", value_name="cell")
    cells = long["cell"].str.strip()
    bad = sorted(set(cells[(cells != "") & ~cells.str.fullmatch(r"\d+")]))
    if bad:
        raise DataValidationError([f"{path.name}: non-count cells {bad[:10]}"])
    frame = pd.DataFrame(
        {
            "agency": long["agency"].astype(str),
            "year": long["year"].astype(int),
            "people_killed": pd.to_numeric(cells.where(cells != ""), errors="raise").astype(
                "Int64"
            ),
        }
    )
    if not include_not_collected:
        frame = frame.loc[frame["people_killed"].notna()]
    return frame.sort_values(["agency", "year"]).reset_index(drop=True)


def read_nix_ori_codes(folder: Path) -> pd.DataFrame:
    """Read the Nix panel's crosswalk of agency slugs to FBI ORI codes (``agency``, ``ori``)."""
    path = need_file(folder, "ori_codes.csv")
    frame = pd.read_csv(path, dtype=str).rename(columns={"oricodes": "ori"})
    return frame[["agency", "ori"]]


def read_wapo_shootings(folder: Path) -> pd.DataFrame:
    """Read the Washington Post Fatal Force v2 incident file (licence CC BY-NC-SA 4.0).

    Parameters
    ----------
    folder
        Folder of source ``us_wapo_v2_shootings``.

    Returns
    -------
    pandas.DataFrame
        One row per person shot and killed by on-duty police, 2015-01-02 to 2024-10-22:
        columns as in the file, with ``date`` as datetime, ``age``, ``latitude``,
        ``longitude`` numeric, ``was_mental_illness_related`` and ``body_camera`` boolean,
        ``state`` as ``US-XX`` and ``agency_ids`` kept as the semicolon-separated text.
    """
    path = need_file(folder, "fatal-police-shootings-data.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    frame["id"] = frame["id"].astype(int)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    for column in ("age", "latitude", "longitude"):
        frame[column] = pd.to_numeric(frame[column])
    frame["age"] = frame["age"].astype("Int64")
    for column in ("was_mental_illness_related", "body_camera"):
        frame[column] = frame[column].map({"True": True, "False": False}).astype("boolean")
    unknown = sorted(set(frame["state"]) - set(US_STATES))
    if unknown:
        raise DataValidationError([f"{path.name}: unknown state codes {unknown}"])
    frame["state"] = "US-" + frame["state"]
    return frame


def read_wapo_agencies(folder: Path) -> pd.DataFrame:
    """Read the Washington Post Fatal Force v2 agencies file (licence CC BY-NC-SA 4.0).

    Parameters
    ----------
    folder
        Folder of source ``us_wapo_v2_agencies``.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``name``, ``type``, ``state`` (``US-XX``; missing for federal agencies without
        one), ``oricodes`` (text, may hold several codes), ``total_shootings``.
    """
    path = need_file(folder, "fatal-police-shootings-agencies.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    frame["id"] = frame["id"].astype(int)
    frame["total_shootings"] = frame["total_shootings"].astype(int)
    frame["state"] = ("US-" + frame["state"]).where(frame["state"].notna())
    return frame


def read_mpv_killings(folder: Path) -> pd.DataFrame:
    """Read Mapping Police Violence's list of people killed by police, 2013 to April 2021.

    Parameters
    ----------
    folder
        Folder of source ``us_mpv_2013_2021``.

    Returns
    -------
    pandas.DataFrame
        9,097 rows: ``name``, ``age`` (nullable integer; 'Unknown' becomes missing),
        ``gender``, ``race``, ``date``, ``city``, ``state`` (``US-XX``), ``county``,
        ``agency``, ``ori``, ``cause_of_death``, ``disposition``, ``armed_status``,
        ``wapo_id``, ``mpv_id``, ``fatal_encounters_id`` (nullable integers).
    """
    path = need_file(folder, "MPVDatasetDownload.xlsx")
    wanted = {
        "Victim's name": "name",
        "Victim's age": "age",
        "Victim's gender": "gender",
        "Victim's race": "race",
        "Date of Incident (month/day/year)": "date",
        "City": "city",
        "State": "state",
        "County": "county",
        "Agency responsible for death": "agency",
        "ORI Agency Identifier (if available)": "ori",
        "Cause of death": "cause_of_death",
        "Official disposition of death (justified or other)": "disposition",
        "Armed/Unarmed Status": "armed_status",
        "WaPo ID (If included in WaPo database)": "wapo_id",
        "MPV ID": "mpv_id",
        "Fatal Encounters ID": "fatal_encounters_id",
    }
    header: list[str] = []
    rows = []
    for number, values in sheet_rows(path, "2013-2020 Police Killings"):
        if number == 1:
            header = [clean_text(v) for v in values]
            missing = [w for w in wanted if w not in header]
            if missing:
                raise DataValidationError([f"{path.name}: columns missing: {missing}"])
            continue
        rows.append({wanted[h]: values[i] for i, h in enumerate(header) if h in wanted})
    frame = pd.DataFrame(rows)
    frame["date"] = pd.to_datetime(frame["date"])
    for column in ("age", "wapo_id", "mpv_id", "fatal_encounters_id"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    for column in (
        "name",
        "gender",
        "race",
        "city",
        "state",
        "county",
        "agency",
        "ori",
        "cause_of_death",
        "disposition",
        "armed_status",
    ):
        # empty cells arrive as None or NaN (pandas turns None into NaN in some columns)
        text = frame[column].map(lambda v: None if pd.isna(v) else clean_text(v))
        frame[column] = text.where(text.astype(bool))
    unknown = sorted(set(frame["state"].dropna()) - set(US_STATES))
    if unknown:
        raise DataValidationError([f"{path.name}: unknown state codes {unknown}"])
    frame["state"] = ("US-" + frame["state"]).where(frame["state"].notna())
    return frame


def read_marshall_ucr(folder: Path) -> pd.DataFrame:
    """Read The Marshall Project's UCR violent crime panel of 68 jurisdictions, 1975-2015.

    Parameters
    ----------
    folder
        Folder of source ``us_marshall_ucr_city_crime``.

    Returns
    -------
    pandas.DataFrame
        Columns as in the file (``ORI`` renamed ``ori``): counts of offences known to police
        (``homs_sum``, ``rape_sum``, ``rob_sum``, ``agg_ass_sum``, ``violent_crime``) and
        rates per 100,000 residents; 'NA' cells are missing values. 68 agencies plus one
        'National' row per year (missing ``ori``).
    """
    path = need_file(folder, "ucr_crime_1975_2015.csv")
    frame = pd.read_csv(path, na_values=["NA"], keep_default_na=False)
    frame = frame.rename(columns={"ORI": "ori"})
    counts = [
        "total_pop",
        "homs_sum",
        "rape_sum",
        "rob_sum",
        "agg_ass_sum",
        "violent_crime",
        "months_reported",
    ]
    for column in counts:
        frame[column] = frame[column].astype("Int64")
    return frame
