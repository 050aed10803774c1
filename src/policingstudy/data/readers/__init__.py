"""Readers of the external sources: one function per source, returning tidy validated frames.

Each reader takes the folder holding a source's files (from
:func:`policingstudy.data.sources.locate`) and never looks anywhere else. Modules are grouped by
jurisdiction: :mod:`~policingstudy.data.readers.kz`, :mod:`~policingstudy.data.readers.ew`,
:mod:`~policingstudy.data.readers.us`, :mod:`~policingstudy.data.readers.de`,
:mod:`~policingstudy.data.readers.crossnational`, :mod:`~policingstudy.data.readers.practice`
(de facto measures: WJP, V-Dem, Fariss, PTS, surveys), :mod:`~policingstudy.data.readers.population`
(population denominators of all four countries) and :mod:`~policingstudy.data.readers.validation`
(reference data for reproducing published results; COINr's ASEM example ships with the tests,
``tests/data``, and is no registered source). Boundary files are read by
:mod:`policingstudy.data.geo`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pandas as pd

Reader = Callable[[Path], pd.DataFrame]


@functools.cache
def source_readers() -> dict[str, Reader]:
    """Return the reader of every non-boundary source id, each taking only the folder.

    Readers that need more than the folder (the PKS year, the workforce release, the IOPC
    category) are bound here. Boundary sources are read by :func:`policingstudy.data.geo.boundaries`
    and :func:`policingstudy.data.geo.read_layer` instead.
    """
    from policingstudy.data.readers import (
        crossnational,
        de,
        ew,
        kz,
        population,
        practice,
        us,
        validation,
    )

    readers: dict[str, Reader] = {
        "mpdta": validation.read_mpdta,
        "wgi_2024": crossnational.read_wgi_2024,
        "wgi_2020_long": crossnational.read_wgi_2020_long,
        "vdem_demspaces_v14_subset": crossnational.read_vdem_demspaces,
        "vdem_biodem_v16_subset": crossnational.read_vdem_biodem,
        "vdem_biodem_v16_codebook": crossnational.read_vdem_biodem_codebook,
        "unodc_cts_violent_sexual_crime": crossnational.read_unodc_cts,
        "unodc_cts_corruption_economic_crime": crossnational.read_unodc_cts,
        "wjp_roli_2025": practice.read_wjp_roli,
        "vdemlite_v14": practice.read_vdemlite,
        "vdem_owid_rule_of_law_v13": practice.read_vdem_owid,
        "vdem_owid_corruption_v13": practice.read_vdem_owid,
        "hrps_fariss_v4_01": practice.read_fariss_cow,
        "pts_2023": practice.read_pts,
        "qog_std_cs_jan24": practice.read_qog_trust,
        "qog_std_cs_jan25": practice.read_qog_trust,
        "eu_silc_trust_police_2013_owid": practice.read_eu_silc_trust,
        "kz_crime_regions": kz.read_kz_crime_regions,
        "kz_crime_sng1_by_region": kz.read_kz_sng1,
        "us_oversight_agencies": us.read_oversight_agencies,
        "us_wapo_v2_shootings": us.read_wapo_shootings,
        "us_wapo_v2_agencies": us.read_wapo_agencies,
        "us_nix_agency_year_fois": us.read_nix_fatal_ois,
        "us_nix_agency_ori_codes": us.read_nix_ori_codes,
        "us_marshall_ucr_city_crime": us.read_marshall_ucr,
        "us_mpv_2013_2021": us.read_mpv_killings,
        "ew_pcc_party_by_year": ew.read_pcc_party,
        "ew_lad_csp_pfa_lookup_2023": ew.read_lad_pfa_lookup,
        "ew_pfa_crime_tables_ye2024": ew.read_pfa_crime,
        "ew_police_fte_2015_2019": ew.read_police_fte,
        "ew_taser_use_by_force": ew.read_taser_use,
        "kz_pop_regions_bns_2000_2023": population.read_kz_pop_bns_2000_2023,
        "kz_pop_regions_20230101": population.read_kz_pop_20230101,
        "de_pop_laender_12411_0012": population.read_de_pop_12411_0012,
        "de_pop_laender_12411_0010_1958_2018": population.read_de_pop_12411_0010,
        "ew_pfa_crime_tables_ye_mar2018": population.read_ew_pfa_pop_mar2018,
        "ew_pfa_crime_tables_ye_mar2019": population.read_ew_pfa_pop_mar2019,
        "ew_pfa_crime_tables_ye_jun2019": population.read_ew_pfa_pop_jun2019,
        "us_city_pop_v2019_annrnk": population.read_us_city_pop_v2019,
        "us_city_pop_v2023": population.read_us_city_pop_v2023,
        "ew_iopc_deaths_timeseries_2019_20": functools.partial(
            ew.read_iopc_timeseries, category="custody"
        ),
    }
    for kind in (
        "custody_deaths",
        "other_contact_deaths",
        "rti_deaths",
        "shooting_deaths",
        "suicides",
    ):
        readers[f"ew_iopc_{kind}_by_force"] = ew.read_iopc_by_force
    for year in ew.WORKFORCE_FILES:
        readers[f"ew_ho_police_workforce_sep{year}"] = functools.partial(
            ew.read_ho_workforce, year=year
        )
    for year in de.LAYOUTS:
        readers[f"de_pks_laender_{year}"] = functools.partial(de.read_pks_laender, year=year)
    return readers
