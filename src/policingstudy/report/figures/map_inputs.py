"""Map inputs derived from the comparative dataset (frames in, frames out; no files read)."""

from __future__ import annotations

import pandas as pd

from policingstudy.report.numbers import Numbers

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


def ew_holders(pcc_functions: pd.DataFrame) -> pd.DataFrame:
    """The dataset's PCC-function holders in the layout of :func:`report.maps.ew_pcc_map`.

    The dataset records the current holder of each area and the year it took over; the map shows
    that situation as of the latest such year.
    """
    since = pd.to_numeric(pcc_functions["since"].astype(str).str[:4])
    return pd.DataFrame(
        {
            "pfa_code": pcc_functions["subunit_code"],
            "year": int(since.max()),
            "holder": pcc_functions["holder"],
        }
    )


def map_numbers(
    kz_crime: pd.DataFrame, holders: pd.DataFrame, offices: pd.DataFrame, cities: pd.DataFrame
) -> Numbers:
    """Counts quoted in the maps notebook."""
    nums = Numbers()
    nums.add("kz_regions", int(kz_crime["code"].nunique()))
    nums.add("kz_offences_total", int(kz_crime["offences"].sum()))
    nums.add("ew_areas", len(holders))
    for holder in ("pcc", "mayor", "none"):
        nums.add(f"ew_{holder}", int((holders["holder"] == holder).sum()))
    nums.add("de_with_body", int((offices["kind"] != "none").sum()))
    nums.add("de_none", int((offices["kind"] == "none").sum()))
    nums.add("us_cities", len(cities))
    nums.add("us_cities_with_agency", int((cities["n_agencies"] > 0).sum()))
    return nums


def data_appendix(manifest: pd.DataFrame) -> pd.DataFrame:
    """One row per external source: citation, licence, files, total bytes, sha256, last fetched.

    ``manifest`` is :func:`policingstudy.data.sources.fetched_manifest` (one row per file).
    """
    fetched = pd.to_datetime(manifest["fetched"]).dt.normalize()
    grouped = manifest.assign(fetched=fetched).groupby("id", sort=True)
    return pd.DataFrame(
        {
            "id": list(grouped.groups),
            "citation": grouped["citation"].first().to_numpy(),
            "licence": grouped["licence"].first().to_numpy(),
            "files": grouped["file"].apply(lambda s: "; ".join(s)).to_numpy(),
            "bytes": grouped["bytes"].sum().to_numpy(),
            "sha256": grouped["sha256"]
            .apply(lambda s: "; ".join(h[:16] + "…" for h in s))
            .to_numpy(),
            # the latest day a file of the source was fetched, as a date: report.tables.show
            # writes it in the report's language (no time of day; a missing date is a dash)
            "fetched": grouped["fetched"].max().to_numpy(),
        }
    )
