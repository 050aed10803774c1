"""Notebook 07: the inputs of the four maps and of the data appendix.

Boundaries and external data are located the way the CLI does it (the project from the working
directory, the mirror from ``POLICINGSTUDY_MIRROR``); the dataset's units and events give who
holds police-commissioner functions where.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from policingstudy.core.errors import JoinError, ParameterError
from policingstudy.core.paths import ProjectPaths, mirror_from_env
from policingstudy.data import geo, sources
from policingstudy.data.readers.kz import read_kz_crime_regions
from policingstudy.data.readers.population import KZ_BULLETIN_ID, KZ_SERIES_ID, kz_population
from policingstudy.data.readers.us import read_largest_cities
from policingstudy.studies import inputs

# How the dataset's unit kinds are shown on the German map.
DE_KIND_ON_MAP = {
    "police_commissioner": "police_commissioner",
    "ombudsman": "ombudsperson",
    "complaints_office": "complaints_office",
    "no_body": "none",
}


def de_offices(units: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Return, per Land, the kind of its main police body and the year it was established.

    A Land's main body is the unit ``DE_<XX>`` (second bodies are ``DE_<XX>_2``); the year is
    that unit's earliest ``established`` event (missing for Länder without a body).

    Returns
    -------
    DataFrame
        ``code``, ``unit_id``, ``kind`` (map categories), ``year`` (Int64).
    """
    de = units[(units["jurisdiction"] == "DE") & (units["subunit_code"].fillna("") != "")]
    main = de[de["unit_id"] == "DE_" + de["subunit_code"].str[3:]]
    established = (
        events[events["event"] == "established"]
        .assign(year=lambda f: pd.to_numeric(f["date"].str[:4]))
        .groupby("unit_id")["year"]
        .min()
    )
    out = pd.DataFrame(
        {
            "code": main["subunit_code"],
            "unit_id": main["unit_id"],
            "kind": main["kind"].map(DE_KIND_ON_MAP),
            "year": main["unit_id"].map(established).astype("Int64"),
        }
    )
    out.loc[out["kind"] == "none", "year"] = pd.NA
    return out.sort_values("code", ignore_index=True)


def ew_holders(pcc_functions: pd.DataFrame, *, year: int | None = None) -> pd.DataFrame:
    """The dataset's PCC-function holders in a year, laid out for :func:`ew_pcc_map`.

    The dataset records each area's current holder and the year it took over. Before a mayor took
    over, the functions were held by an elected police and crime commissioner (from 2012), so an
    area whose holder took over after ``year`` counts as ``pcc`` in that year.

    Parameters
    ----------
    pcc_functions
        The dataset table ``ew_pcc_functions`` (``subunit_code``, ``holder``, ``since``).
    year
        The year shown; default: the latest year in which a holder took over (the current
        situation).

    Returns
    -------
    pandas.DataFrame
        One row per area: ``pfa_code``, ``year``, ``holder``.

    Raises
    ------
    ParameterError
        If ``year`` is before the first police and crime commissioners (2012).
    """
    since = pd.to_numeric(pcc_functions["since"].astype(str).str[:4]).astype(int)
    current = pcc_functions["holder"].astype(str)
    first_pcc = int(since[current == "pcc"].min()) if (current == "pcc").any() else int(since.min())
    shown = int(since.max()) if year is None else int(year)
    if shown < first_pcc:
        raise ParameterError(
            f"year: {shown}; expected {first_pcc} or later (the first police and crime "
            "commissioners took office that year)"
        )
    holder = current.where((since <= shown) | (current == "none"), "pcc")
    return pd.DataFrame(
        {"pfa_code": pcc_functions["subunit_code"], "year": shown, "holder": holder}
    ).reset_index(drop=True)


KZ_POPULATION = (KZ_SERIES_ID, KZ_BULLETIN_ID)
"""The BNS population sources (the series, checked against the 1 January 2023 bulletin)."""
KZ_POPULATION_YEAR = 2023
"""Population denominator of the regional crime rates: BNS, 1 January 2023, the latest date in the
source, in the 20-region layout of the crime files. The crime files do not state their period."""


def kz_crime_rates(
    crime: pd.DataFrame, population: pd.DataFrame, *, year: int = KZ_POPULATION_YEAR
) -> pd.DataFrame:
    """Criminal offences per 100,000 residents by Kazakh region.

    Parameters
    ----------
    crime
        :func:`policingstudy.data.readers.kz.read_kz_crime_regions` (one unstated period).
    population
        :func:`policingstudy.data.readers.population.kz_population` (1 January of each year).
    year
        Year whose 1 January population is the denominator.

    Returns
    -------
    pandas.DataFrame
        The crime columns plus ``population``, ``population_date`` (the reference day) and
        ``rate_per_100k`` (offences / population x 100,000).

    Raises
    ------
    JoinError
        If a region of either table has no partner in the other (names the codes).
    """
    pop = population.loc[population["year"] == year, ["code", "population", "date"]]
    missing = sorted(set(crime["code"]) - set(pop["code"]))
    extra = sorted(set(pop["code"]) - set(crime["code"]))
    if missing or extra:
        raise JoinError(
            f"crime and population ({year}) regions differ: without population {missing}, "
            f"without crime figures {extra}"
        )
    out = crime.merge(pop, on="code", validate="one_to_one").rename(
        columns={"date": "population_date"}
    )
    out["rate_per_100k"] = out["offences"] / out["population"] * 100_000
    return out


@dataclass(frozen=True)
class MapData:
    """Inputs of :func:`overview_figure`: boundaries and data of the four maps."""

    kz_regions: gpd.GeoDataFrame
    kz_crime: pd.DataFrame
    ew_areas: gpd.GeoDataFrame
    ew_holders: pd.DataFrame
    de_laender: gpd.GeoDataFrame
    de_offices: pd.DataFrame
    us_states: gpd.GeoDataFrame
    us_cities: pd.DataFrame
    kz_rates: pd.DataFrame | None = None


def map_data(*, paths: ProjectPaths | None = None) -> MapData:
    """Load the boundaries and data of the four maps (notebook 07)."""
    where = inputs.project(paths)
    mirror = mirror_from_env()
    tables = inputs.load("units", "events", "ew_pcc_functions", paths=where)
    kz_crime = read_kz_crime_regions(inputs.source("kz_crime_regions", paths=where))
    kz_pop = kz_population({sid: inputs.source(sid, paths=where) for sid in KZ_POPULATION})
    return MapData(
        kz_regions=geo.boundaries("kz_regions_2024", paths=where, mirror=mirror),
        kz_crime=kz_crime,
        ew_areas=geo.boundaries("ew_police_force_areas", paths=where, mirror=mirror),
        ew_holders=ew_holders(tables["ew_pcc_functions"]),
        de_laender=geo.boundaries("de_laender", paths=where, mirror=mirror),
        de_offices=de_offices(tables["units"], tables["events"]),
        us_states=geo.boundaries("us_states", paths=where, mirror=mirror),
        us_cities=read_largest_cities(inputs.source("us_oversight_agencies", paths=where)),
        kz_rates=kz_crime_rates(kz_crime, kz_pop),
    )


def source_manifest(*, paths: ProjectPaths | None = None) -> pd.DataFrame:
    """Every registered external file with licence, citation, sha256 and the date fetched."""
    return sources.fetched_manifest(inputs.project(paths))
