"""Map inputs derived from the comparative dataset (frames in, frames out; no files read)."""

from __future__ import annotations

import html
import re

import pandas as pd

from policingstudy.core.errors import PolicingStudyError
from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.i18n.scripts import guess_lang
from policingstudy.report.numbers import Numbers
from policingstudy.report.tables import NO_LANGUAGE, Html, is_missing, original

LICENCE_KINDS: tuple[tuple[str, str], ...] = (
    ("cc_by_and_by_sa", r"OWID data CC BY 4\.0; V-Dem data CC BY-SA 4\.0"),
    ("cc_by_nc_sa_4_0", r"CC BY-NC-SA 4\.0"),
    ("cc_by_sa_4_0", r"CC BY-SA 4\.0"),
    ("cc_by_igo", r"CC BY-IGO"),
    ("cc_by_4_0", r"CC BY 4\.0|Eurostat reuse policy \(CC BY 4\.0\)"),
    ("ogl_v3", r"Open Government Licence v3\.0"),
    ("dl_de_by_2_0", r"Datenlizenz Deutschland . Namensnennung . Version 2\.0"),
    ("odc_pddl", r"ODC Public Domain Dedication and Licence 1\.0|ODC-PDDL-1\.0"),
    ("public_domain", r"US Government work \(public domain\)|Public domain \(US government work\)"),
    ("gpl", r"GPL\b"),
    ("mit", r"MIT\b"),
    ("apache_2_0", r"Apache-2\.0"),
    ("unlicense_restricted", r"Repository: Unlicense; source geometry .* restrict"),
    (
        "terms_attribution",
        r"UNODC data terms: free reuse with attribution|Free to use with citation"
        r"|No open licence stated; free download|PTS asks users to cite",
    ),
    ("terms_other", r"Terms of (?:the Harvard Dataverse record|mappingpoliceviolence\.org)"),
    ("none_stated", r"No licence stated"),
)
"""Licence kinds of the external sources (``atlas.licence_<kind>``), by the start of the text."""


def licence_kind(text: str) -> str:
    """The kind of a licence note of ``data/raw/external_sources.yaml`` (see LICENCE_KINDS).

    Raises
    ------
    PolicingStudyError
        If the note starts with no known licence; add a kind and its catalog label.
    """
    for kind, pattern in LICENCE_KINDS:
        if re.match(pattern, text):
            return kind
    raise PolicingStudyError(
        f"licence note {text[:80]!r}: no licence kind matches its start; expected one of "
        f"{[k for k, _ in LICENCE_KINDS]} (add a pattern to report.figures.map_inputs."
        "LICENCE_KINDS and the label atlas.licence_<kind> to the catalogs)"
    )


def licence_cell(text: object, lang: Lang) -> object:
    """The licence as shown in ``lang``.

    English shows the note as published; Kazakh and Russian the translated label of its kind,
    then the note as published in parentheses, marked as English.
    """
    if is_missing(text) or lang == "en":
        return text
    label = t(f"atlas.licence_{licence_kind(str(text))}", lang)
    return Html(f"{html.escape(label)} ({original(str(text), 'en').markup})", f"{label} ({text})")


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


def data_appendix(manifest: pd.DataFrame, *, lang: Lang | None = None) -> pd.DataFrame:
    """One row per external source: citation, licence, files, total bytes, sha256, last fetched.

    ``manifest`` is :func:`policingstudy.data.sources.fetched_manifest` (one row per file).
    With ``lang``, the cells are prepared for a report in that language: the licence as
    :func:`licence_cell` shows it, the citation marked with its language, ids, file names and
    hashes marked as having none.
    """
    fetched = pd.to_datetime(manifest["fetched"]).dt.normalize()
    grouped = manifest.assign(fetched=fetched).groupby("id", sort=True)
    out = pd.DataFrame(
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
    if lang is None:
        return out
    marked = {
        "id": [original(v, NO_LANGUAGE) for v in out["id"]],
        "citation": [original(v, guess_lang(str(v)), report_lang=lang) for v in out["citation"]],
        "licence": [licence_cell(v, lang) for v in out["licence"]],
        "files": [original(v, NO_LANGUAGE) for v in out["files"]],
        "sha256": [original(v, NO_LANGUAGE) for v in out["sha256"]],
    }
    for column, values in marked.items():
        out[column] = pd.Series(values, index=out.index, dtype=object)
    return out
