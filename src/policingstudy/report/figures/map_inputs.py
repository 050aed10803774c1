"""Map inputs derived from the comparative dataset (frames in, frames out; no files read)."""

from __future__ import annotations

import pandas as pd

from policingstudy.report.numbers import Numbers


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


def kz_rate_numbers(rates: pd.DataFrame, nums: Numbers) -> Numbers:
    """Record the regional crime rates quoted in the maps notebook (per 100,000 residents).

    ``kz_rate_national`` is all offences over all residents; ``kz_rate_min``/``kz_rate_max`` the
    lowest and highest regional rates; ``kz_pop_year`` the year of the population date.
    """
    nums.add(
        "kz_rate_national",
        float(rates["offences"].sum() / rates["population"].sum() * 100_000),
        digits=0,
    )
    nums.add("kz_rate_min", float(rates["rate_per_100k"].min()), digits=0)
    nums.add("kz_rate_max", float(rates["rate_per_100k"].max()), digits=0)
    nums.add("kz_rate_ratio", float(rates["rate_per_100k"].max() / rates["rate_per_100k"].min()),
             digits=1)  # fmt: skip
    nums.add("kz_pop_year", int(pd.to_datetime(rates["population_date"]).dt.year.max()), year=True)
    nums.add("kz_pop_total", int(rates["population"].sum()))
    return nums


def kz_rate_fields(rates: pd.DataFrame, regions: pd.DataFrame, lang: str) -> dict[str, str]:
    """Return the text fields of the rate map's paragraph.

    The names (in ``lang``, from the boundaries) of the regions with the lowest and highest rate,
    and the population date (ISO).
    """
    names = regions.set_index("code")[f"name_{lang}"]
    low = rates.loc[rates["rate_per_100k"].idxmin(), "code"]
    high = rates.loc[rates["rate_per_100k"].idxmax(), "code"]
    dates = sorted(set(pd.to_datetime(rates["population_date"]).dt.strftime("%Y-%m-%d")))
    return {
        "kz_rate_min_region": str(names[low]),
        "kz_rate_max_region": str(names[high]),
        "kz_pop_date": ", ".join(dates),
    }


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
