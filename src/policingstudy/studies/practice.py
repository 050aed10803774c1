"""Police accountability and public trust in practice (de facto), beside the design index.

The study codes oversight as written (the design index of notebook 04). This module measures
what happens, country x year, from external sources, on three dimensions that are reported
separately:

- ``integrity``: physical integrity and abuse (V-Dem freedom from torture and from political
  killings and physical violence index, Fariss latent protection, the Political Terror Scale,
  WJP 4.2 security of the person);
- ``accountability``: accountability and rule of law in practice (WJP constraints on government,
  police and military corruption 2.3 and criminal justice 8.1, 8.4-8.7; V-Dem judicial
  accountability and rule of law; WGI rule of law and control of corruption);
- ``trust``: public trust in the police (WVS confidence in the police, ESS and EU-SILC trust in
  the police).

Choices (each documented where it is made):

- Common scale: every measure goes to 0-1, higher is better, by a rule fixed in advance and
  independent of which countries are covered (:func:`component_table`): bounded scales by their
  published ends (WJP and V-Dem indices 0-1, PTS 5..1, WVS 1-4, ESS and EU-SILC 0-10); latent
  scales (V-Dem's v2clkill, v2cltort, v2juaccnt, Fariss's theta, WGI estimates) by the standard
  normal distribution function.
- Each source family (WJP, V-Dem, WGI, Fariss, PTS, WVS, ESS, EU-SILC) counts once in a
  dimension, its measures averaged first.
- Uncertainty is simulated from what the sources publish (Fariss SD, WGI standard errors, V-Dem
  codelow/codehigh of the OWID exports); WJP, PTS, vdemlite's V-Dem values and the survey means
  publish none, so where only they are present the interval has no width.
- ``overall`` is the equal-weight mean of the three dimensions, only where all three exist
  (trust exists only in the survey years: 2013 EU-SILC, 2020 and 2021 QoG).
- Missing country-years are never filled; ``n_sources`` and the coverage table show what each
  value rests on.
- The design index and this index are two axes: they are shown side by side, never averaged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from policingstudy.core.cache import memoised
from policingstudy.core.errors import SpecificationError
from policingstudy.core.paths import ProjectPaths
from policingstudy.core.types import check_option
from policingstudy.data.readers.practice import (
    WJP_METHOD_FROM,
    WJP_SOURCE,
    WJP_TWO_YEAR_EDITIONS,
    measure_catalogue,
)
from policingstudy.methods.index import measures as mi
from policingstudy.studies.design import NOMINAL, REFERENCE_DATE

if TYPE_CHECKING:
    from policingstudy.studies.index import ComparisonAnalysis

Dimension = Literal["integrity", "accountability", "trust"]
DIMENSIONS: tuple[Dimension, ...] = ("integrity", "accountability", "trust")
OVERALL = "overall"
ALL_DIMENSIONS = (*DIMENSIONS, OVERALL)
CELL = ("iso3", "year")
KAZ = "KAZ"
MODEL_COUNTRIES = ("DEU", "GBR", "USA")
POST_SOVIET = (
    "KGZ",
    "UZB",
    "TJK",
    "TKM",
    "RUS",
    "BLR",
    "UKR",
    "GEO",
    "ARM",
    "AZE",
    "MDA",
    "EST",
    "LVA",
    "LTU",
)
"""The post-Soviet comparison states of issue 14 (Kazakhstan itself excluded)."""
REFORM_CASES = ("GEO", "UKR")
SYSTEM_COUNTRIES = {"KZ": "KAZ", "UK-EW": "GBR", "US": "USA", "DE": "DEU"}
"""Design-index system -> country of the practice measures. The practice measures are national:
England & Wales is measured by the United Kingdom, the US and German systems by the country."""
Z90 = 1.6448536269514722


@dataclass(frozen=True)
class Component:
    """One measure of one dimension: its source family, source id and measure name."""

    dimension: Dimension
    family: str
    source_id: str
    measure: str


def _components() -> tuple[Component, ...]:
    out: list[Component] = []
    add = out.append
    for m in ("v2cltort", "v2clkill", "v2x_clphy"):
        add(Component("integrity", "V-Dem", "vdemlite_v14", m))
    add(Component("integrity", "Fariss", "hrps_fariss_v4_01", "theta"))
    for m in ("pts_a", "pts_h", "pts_s"):
        add(Component("integrity", "PTS", "pts_2023", m))
    add(Component("integrity", "WJP", "wjp_roli_2025", "4.2"))
    for m in ("factor_1", "2.3", "8.1", "8.4", "8.5", "8.6", "8.7"):
        add(Component("accountability", "WJP", "wjp_roli_2025", m))
    add(Component("accountability", "V-Dem", "vdemlite_v14", "v2juaccnt"))
    add(Component("accountability", "V-Dem", "vdem_owid_rule_of_law_v13", "v2x_rule"))
    add(Component("accountability", "V-Dem", "vdemlite_v14", "v2x_rule"))
    for m in ("rl", "cc"):
        add(Component("accountability", "WGI", "wgi_2024", m))
    for sid in ("qog_std_cs_jan24", "qog_std_cs_jan25"):
        add(Component("trust", "WVS", sid, "wvs_confpol"))
        add(Component("trust", "ESS", sid, "ess_trpolice"))
    add(Component("trust", "EU-SILC", "eu_silc_trust_police_2013_owid", "trust_police"))
    return tuple(out)


COMPONENTS: tuple[Component, ...] = _components()
"""The measures of each dimension. Where two components give the same measure of the same family
for the same country-year, the one listed first is used: V-Dem's v2x_rule comes from the OWID v13
export, which carries V-Dem's interval, up to 2022, and from vdemlite (v14, point estimates
only) for 2023, so that the V-Dem family keeps the same measures throughout. WJP 4.2 ("the right
to life and security of the person is effectively guaranteed") is added to the integrity sources
the issue lists: it bears on abuse by state agents and gives the dimension a further source after
Fariss ends in 2019."""


def components_frame(components: Sequence[Component] = COMPONENTS) -> pd.DataFrame:
    """The components as a table with each measure's scale, direction and rescaling rule.

    ``rescale`` is ``linear`` with goalposts ``worst``/``best`` (the published ends of the
    scale, swapped where higher is worse) for bounded scales, and ``normal_cdf`` for latent ones.

    Raises
    ------
    SpecificationError
        If a component is not a measure the readers know.
    """
    frame = pd.DataFrame([vars(c) for c in components])
    catalogue = measure_catalogue()
    out = frame.merge(catalogue, on=["source_id", "measure"], how="left", indicator=True)
    unknown = out[out["_merge"] != "both"]
    if len(unknown):
        pairs = list(zip(unknown["source_id"], unknown["measure"], strict=True))
        raise SpecificationError(f"components {pairs} are not measures of the readers' catalogue")
    bounded = out["low"].notna() & out["high"].notna()
    better = out["higher_is_better"].astype(bool)
    out["rescale"] = np.where(bounded, "linear", "normal_cdf")
    out["worst"] = np.where(bounded, np.where(better, out["low"], out["high"]), np.nan)
    out["best"] = np.where(bounded, np.where(better, out["high"], out["low"]), np.nan)
    return out.drop(columns="_merge")


def component_table(
    measures: pd.DataFrame,
    *,
    first_year: int,
    last_year: int,
    components: Sequence[Component] = COMPONENTS,
) -> pd.DataFrame:
    """Select the components' rows of the tidy measures inside the years, with their rules.

    Parameters
    ----------
    measures
        The processed ``practice_measures`` table (tidy, see
        :mod:`policingstudy.data.readers.practice`).
    first_year, last_year
        Years kept (inclusive).
    components
        The measures of each dimension.

    Returns
    -------
    pandas.DataFrame
        The tidy columns plus ``source_year`` (the source's own year: it differs from ``year``
        for the WJP two-year editions, see :func:`two_year_editions`), ``dimension``,
        ``family``, ``label``, ``scale``, ``rescale``, ``worst``, ``best``,
        ``higher_is_better``.

    Raises
    ------
    SpecificationError
        Years in the wrong order, or a component without any row in the years.
    """
    if first_year > last_year:
        raise SpecificationError(f"years: first {first_year} is after last {last_year}")
    spec = components_frame(components).assign(priority=lambda f: range(len(f)))
    rows = measures.assign(source_year=measures["year"])
    rows = pd.concat([rows, two_year_editions(rows)], ignore_index=True)
    rows = rows[rows["year"].between(first_year, last_year)]
    out = rows.merge(spec, on=["source_id", "measure"], how="inner")
    found = set(zip(out["source_id"], out["measure"], strict=True))
    absent = [(c.source_id, c.measure) for c in components if (c.source_id, c.measure) not in found]
    if absent:
        raise SpecificationError(
            f"components {absent} have no value in {first_year}-{last_year}; check the years or "
            "rebuild practice_measures (policingstudy build)"
        )
    out = out.sort_values("priority", kind="stable").drop_duplicates(
        ["dimension", "iso3", "year", "family", "measure"], keep="first"
    )
    order = ["dimension", "iso3", "year", "family", "source_id", "measure"]
    return out.drop(columns="priority").sort_values(order, ignore_index=True)


def two_year_editions(measures: pd.DataFrame) -> pd.DataFrame:
    """WJP rows of the two-year editions, copied to the second year their label names.

    The reader dates the editions '2012-2013' and '2017-2018' by their first year; the label
    covers both years, so the study uses them for both (no WJP edition is dated 2013 or 2018).
    The copies keep ``source_year`` (the reader's year) so that tables can say so.
    """
    wjp = measures[(measures["source_id"] == WJP_SOURCE) & measures["year"].isin(
        list(WJP_TWO_YEAR_EDITIONS))]  # fmt: skip
    taken = set(measures.loc[measures["source_id"] == WJP_SOURCE, "year"])
    clash = sorted(taken & set(WJP_TWO_YEAR_EDITIONS.values()))
    if clash:
        raise SpecificationError(f"WJP editions are already dated {clash}; cannot copy into them")
    return wjp.assign(year=wjp["year"].map(WJP_TWO_YEAR_EDITIONS))


@dataclass(frozen=True)
class PracticeIndex:
    """The performance index and what it rests on.

    Attributes
    ----------
    table
        ``iso3``, ``year``, ``dimension`` (integrity, accountability, trust, overall),
        ``value``, ``p05``, ``p95``, ``n_sources``, ``n_measures``, ``n_uncertain``,
        ``source_sd``.
    draws
        Simulated values, rows aligned with ``table``.
    inputs
        The component rows used (:func:`component_table`).
    first_year, last_year
        The years covered.
    """

    table: pd.DataFrame
    draws: np.ndarray
    inputs: pd.DataFrame
    first_year: int
    last_year: int

    def select(self, dimension: str, *, year: int | None = None) -> tuple[pd.DataFrame, np.ndarray]:
        """Rows (and draws) of one dimension, optionally of one year."""
        check_option(dimension, ALL_DIMENSIONS, name="dimension")
        mask = self.table["dimension"] == dimension
        if year is not None:
            mask &= self.table["year"] == year
        keep = mask.to_numpy()
        return self.table[keep].reset_index(drop=True), self.draws[keep]


@memoised
def performance_index(
    measures: pd.DataFrame,
    *,
    first_year: int = 2012,
    last_year: int = 2023,
    n_draws: int = 1000,
    rng: np.random.Generator,
) -> PracticeIndex:
    """The performance index per country x year on the three dimensions, and ``overall``.

    Parameters
    ----------
    measures
        The processed ``practice_measures`` table.
    first_year, last_year
        Years covered.
    n_draws
        Simulation draws.
    rng
        Random generator of the simulation.

    Returns
    -------
    PracticeIndex
        See its attributes; intervals are the 5th and 95th percentiles of the draws.
    """
    inputs = component_table(measures, first_year=first_year, last_year=last_year)
    result = mi.composite(
        inputs, cell=CELL, group="dimension", family="family", n_draws=n_draws, rng=rng
    )
    result = mi.combine_groups(
        result, cell=CELL, group="dimension", groups=DIMENSIONS, name=OVERALL
    )
    columns = ["iso3", "year", "dimension", "value", "p05", "p95", "n_sources", "n_measures",
               "n_uncertain", "source_sd"]  # fmt: skip
    order = result.table["dimension"].map({d: i for i, d in enumerate(ALL_DIMENSIONS)})
    sort = np.lexsort((result.table["year"], result.table["iso3"], order))
    table = result.table.iloc[sort][columns].reset_index(drop=True)
    return PracticeIndex(table, result.draws[sort], inputs, first_year, last_year)


def coverage(index: PracticeIndex) -> pd.DataFrame:
    """Countries x years covered per dimension.

    Returns
    -------
    pandas.DataFrame
        One row per dimension: ``n_countries`` (any year), ``n_years``, ``n_cells``
        (country-years with a value), ``possible`` (``n_countries`` x years of the window),
        ``min_per_year``/``max_per_year`` (countries in the thinnest and fullest year),
        ``first_year``, ``last_year`` (years with at least one value).
    """
    t = index.table
    years = index.last_year - index.first_year + 1
    rows = []
    for dim in ALL_DIMENSIONS:
        d = t[t["dimension"] == dim]
        per_year = d.groupby("year")["iso3"].nunique()
        rows.append(
            {
                "dimension": dim,
                "n_countries": int(d["iso3"].nunique()),
                "n_years": int(per_year.size),
                "n_cells": len(d),
                "possible": int(d["iso3"].nunique()) * years,
                "min_per_year": int(per_year.min()) if len(per_year) else 0,
                "max_per_year": int(per_year.max()) if len(per_year) else 0,
                "first_year": int(per_year.index.min()) if len(per_year) else 0,
                "last_year": int(per_year.index.max()) if len(per_year) else 0,
            }
        )
    return pd.DataFrame(rows)


def coverage_by_year(index: PracticeIndex) -> pd.DataFrame:
    """Countries with a value, per dimension (rows) and year (columns); 0 where none."""
    counts = index.table.groupby(["dimension", "year"])["iso3"].nunique().unstack(fill_value=0)
    years = range(index.first_year, index.last_year + 1)
    return counts.reindex(index=list(ALL_DIMENSIONS), columns=years, fill_value=0)


def source_coverage(index: PracticeIndex) -> pd.DataFrame:
    """What each source contributes: dimension, family, source, measures, years and countries.

    ``uncertainty`` is the kind the source publishes (``none`` where it publishes none).
    """
    rows = index.inputs.groupby(["dimension", "family", "source_id"], sort=False).agg(
        measures=("measure", lambda s: ", ".join(sorted(set(s)))),
        first_year=("year", "min"),
        last_year=("year", "max"),
        n_countries=("iso3", "nunique"),
        uncertainty=("uncertainty_kind", lambda s: "/".join(sorted(set(s)))),
        scale=("scale", lambda s: "/".join(sorted(set(s)))),
    )
    return rows.reset_index()


def source_values(index: PracticeIndex) -> pd.DataFrame:
    """The source values the index uses, for publication (one row per country-year-measure)."""
    columns = ["iso3", "year", "dimension", "family", "source_id", "measure", "source_year",
               "value", "uncertainty_kind", "uncertainty", "lower", "upper"]  # fmt: skip
    return index.inputs[columns].sort_values(["iso3", "year", "dimension", "source_id", "measure"],
                                             ignore_index=True)  # fmt: skip


# -- ranks, peers and changes ----------------------------------------------------------------------


def country_rank(index: PracticeIndex, iso3: str, dimension: str, year: int) -> dict[str, float]:
    """A country's rank among all countries with a value (1 = best), with its 90% interval.

    Ranks are computed in every draw; ``percentile`` is the share of the other countries
    ranked below it (100 = best), at the nominal values.

    Raises
    ------
    SpecificationError
        If the country has no value in that dimension and year.
    """
    rows, draws = index.select(dimension, year=year)
    where = np.flatnonzero(rows["iso3"].to_numpy() == iso3)
    if not len(where):
        raise SpecificationError(f"{iso3} has no {dimension} value in {year}")
    i = int(where[0])
    n = len(rows)
    nominal = rows["value"].rank(ascending=False, method="average").to_numpy()
    ranks = mi.rank_draws(draws)[i]
    return {
        "rank": float(nominal[i]),
        "rank_p05": float(np.percentile(ranks, 5)),
        "rank_p95": float(np.percentile(ranks, 95)),
        "n": float(n),
        "percentile": float(100.0 * (n - nominal[i]) / (n - 1)) if n > 1 else np.nan,
    }


def peer_groups() -> dict[str, tuple[str, ...]]:
    """The comparison groups: Kazakhstan, the model countries, the post-Soviet states."""
    return {"kazakhstan": (KAZ,), "models": MODEL_COUNTRIES, "post_soviet": POST_SOVIET}


def peer_panel(index: PracticeIndex, dimension: str) -> pd.DataFrame:
    """Kazakhstan, the model countries and post-Soviet states over time, with the world spread.

    Returns
    -------
    pandas.DataFrame
        One row per country-year of the named countries (``group`` kazakhstan, models or
        post_soviet; ``value``, ``p05``, ``p95``, ``n_sources``) plus rows ``iso3 = "ALL"``
        with the median of all countries (``value``), their 10th and 90th percentiles
        (``p05``/``p95`` columns hold them there) and ``n_sources`` = number of countries.
    """
    rows, _ = index.select(dimension)
    groups = {code: name for name, codes in peer_groups().items() for code in codes}
    named = rows[rows["iso3"].isin(groups)].assign(group=lambda f: f["iso3"].map(groups))
    spread = rows.groupby("year")["value"].agg(
        value="median",
        p05=lambda s: float(np.percentile(s, 10)),
        p95=lambda s: float(np.percentile(s, 90)),
        n_sources="size",
    )
    world = spread.reset_index().assign(iso3="ALL", group="all")
    columns = ["iso3", "group", "year", "value", "p05", "p95", "n_sources"]
    return pd.concat([named[columns], world[columns]], ignore_index=True)


def change(
    index: PracticeIndex, iso3: str, dimension: str, first: int, last: int
) -> dict[str, float]:
    """A country's change between two years with its 90% interval (draw by draw).

    The draws of different years are independent, as the sources' errors are treated.

    Raises
    ------
    SpecificationError
        If either year lacks a value.
    """
    values = {}
    for year in (first, last):
        rows, draws = index.select(dimension, year=year)
        where = np.flatnonzero(rows["iso3"].to_numpy() == iso3)
        if not len(where):
            raise SpecificationError(f"{iso3} has no {dimension} value in {year}")
        i = int(where[0])
        values[year] = (float(rows["value"].iloc[i]), draws[i], rows.iloc[i])
    diff = values[last][1] - values[first][1]
    return {
        "first": values[first][0],
        "first_p05": float(values[first][2]["p05"]),
        "first_p95": float(values[first][2]["p95"]),
        "last": values[last][0],
        "last_p05": float(values[last][2]["p05"]),
        "last_p95": float(values[last][2]["p95"]),
        "change": values[last][0] - values[first][0],
        "change_p05": float(np.percentile(diff, 5)),
        "change_p95": float(np.percentile(diff, 95)),
        "n_sources_first": float(values[first][2]["n_sources"]),
        "n_sources_last": float(values[last][2]["n_sources"]),
    }


def change_base_year(index: PracticeIndex) -> int:
    """Return the first year of quoted changes.

    The index's first year, or the first WJP edition on the current WJP method (2015) if that
    is later, so that a change does not mix WJP methods.
    """
    return max(index.first_year, WJP_METHOD_FROM)


def family_sets(index: PracticeIndex) -> pd.DataFrame:
    """The source families behind each country-year-dimension value (``families``: sorted, '+')."""
    sets = index.inputs.groupby(["iso3", "year", "dimension"])["family"].agg(
        lambda s: "+".join(sorted(set(s)))
    )
    return sets.rename("families").reset_index()


def comparable_last_year(
    index: PracticeIndex, iso3: str, dimension: str, first: int, last: int
) -> int:
    """The latest year up to ``last`` whose sources are those of ``first`` (same families).

    A change between years with different sources mixes a real change with a change of
    sources (e.g. Fariss ends in 2019, PTS in 2022); quoted changes use this year.

    Raises
    ------
    SpecificationError
        If the country has no value in ``first``.
    """
    sets = family_sets(index)
    mine = sets[(sets["iso3"] == iso3) & (sets["dimension"] == dimension)].set_index("year")
    if first not in mine.index:
        raise SpecificationError(f"{iso3} has no {dimension} value in {first}")
    same = mine[(mine["families"] == mine.loc[first, "families"]) & (mine.index <= last)]
    return int(same.index.max())


def country_values(index: PracticeIndex, iso3: str) -> pd.DataFrame:
    """One country's values on every dimension and year (wide: dimension x year tables)."""
    rows = index.table[index.table["iso3"] == iso3]
    return rows.drop(columns="iso3").reset_index(drop=True)


# -- design x practice -----------------------------------------------------------------------------

DESIGN_COLUMNS = ("system", "design_index", "design_p05", "design_p95")


def common_year(
    index: PracticeIndex,
    *,
    countries: Sequence[str] = tuple(SYSTEM_COUNTRIES.values()),
    dimension: str = OVERALL,
) -> int:
    """The latest year in which every one of ``countries`` has a value of ``dimension``.

    Raises
    ------
    SpecificationError
        If there is no such year (listing the years of each country).
    """
    rows, _ = index.select(dimension)
    years = rows.groupby("iso3")["year"].apply(set)
    sets = [years.get(c, set()) for c in countries]
    common = set.intersection(*sets) if sets else set()
    if not common:
        found = {c: sorted(years.get(c, set())) for c in countries}
        raise SpecificationError(
            f"no year in which {list(countries)} all have a {dimension} value; years: {found}"
        )
    return max(common)


def design_practice(
    design: pd.DataFrame,
    index: PracticeIndex,
    *,
    year: int,
    dimension: str = OVERALL,
    systems: Mapping[str, str] = SYSTEM_COUNTRIES,
) -> pd.DataFrame:
    """Put each system's design index beside its country's practice index (never averaged).

    This is the only place the two meet. ``design`` is any table of system design scores with
    intervals (:data:`DESIGN_COLUMNS`), e.g. from :func:`design_scores`.

    Returns
    -------
    pandas.DataFrame
        ``system``, ``iso3``, ``design_index``, ``design_p05``, ``design_p95``,
        ``practice_index``, ``practice_p05``, ``practice_p95``, ``practice_n_sources``,
        ``design_rank`` (1 = highest of the systems, ties averaged), ``practice_rank`` with its
        90% interval ``practice_rank_p05``/``_p95`` (ranks among the systems in each draw), and
        ``gap`` = practice rank - design rank (positive: the system ranks lower in practice
        than on paper).

    Raises
    ------
    SpecificationError
        Missing design columns, a system without a country, or a country without a value.
    """
    missing = [c for c in DESIGN_COLUMNS if c not in design.columns]
    if missing:
        raise SpecificationError(f"design: columns {missing} missing; expected {DESIGN_COLUMNS}")
    unknown = sorted(set(design["system"]) - set(systems))
    if unknown:
        raise SpecificationError(f"design: systems {unknown} have no country in {dict(systems)}")
    rows, draws = index.select(dimension, year=year)
    position = {code: i for i, code in enumerate(rows["iso3"])}
    out = design.loc[:, list(DESIGN_COLUMNS)].reset_index(drop=True).copy()
    out.insert(1, "iso3", out["system"].map(systems))
    absent = [c for c in out["iso3"] if c not in position]
    if absent:
        raise SpecificationError(f"practice: {absent} have no {dimension} value in {year}")
    take = [position[c] for c in out["iso3"]]
    chosen = rows.iloc[take].reset_index(drop=True)
    out["practice_index"] = chosen["value"]
    out["practice_p05"] = chosen["p05"]
    out["practice_p95"] = chosen["p95"]
    out["practice_n_sources"] = chosen["n_sources"]
    out["design_rank"] = out["design_index"].rank(ascending=False, method="average")
    out["practice_rank"] = out["practice_index"].rank(ascending=False, method="average")
    ranks = mi.rank_draws(draws[take])
    out["practice_rank_p05"] = np.percentile(ranks, 5, axis=1)
    out["practice_rank_p95"] = np.percentile(ranks, 95, axis=1)
    out["gap"] = out["practice_rank"] - out["design_rank"]
    return out


def design_practice_export(
    by_dimension: Mapping[str, pd.DataFrame], *, year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The published design x practice tables: overall (one row per system) and by dimension.

    Returns
    -------
    tuple of pandas.DataFrame
        ``system``, ``design_index``, ``design_p05``, ``design_p95``, ``practice_index``,
        ``practice_p05``, ``practice_p95``, then ``iso3``, ``practice_year``,
        ``practice_n_sources``, the ranks and ``gap``: first for ``overall``, then for every
        dimension with a ``practice_dimension`` column.
    """
    first = ["system", "design_index", "design_p05", "design_p95", "practice_index",
             "practice_p05", "practice_p95", "iso3", "practice_n_sources", "design_rank",
             "practice_rank", "practice_rank_p05", "practice_rank_p95", "gap"]  # fmt: skip
    frames = [
        table[first].assign(practice_year=year, practice_dimension=dim)
        for dim, table in by_dimension.items()
    ]
    every = pd.concat(frames, ignore_index=True)
    overall = every[every["practice_dimension"] == OVERALL].drop(columns="practice_dimension")
    return overall.reset_index(drop=True), every


def implementation_gap(
    designs: pd.DataFrame,
    index: PracticeIndex,
    *,
    year: int,
    dimension: str = OVERALL,
    system: str = "KZ",
) -> pd.DataFrame:
    """One system's design rank and practice rank under each design construction.

    Parameters
    ----------
    designs
        Design scores of several constructions: a ``construction`` column plus
        :data:`DESIGN_COLUMNS` (e.g. :func:`design_constructions`).
    index
        The performance index.
    year, dimension
        The practice year and dimension compared.
    system
        The system whose ranks are reported.

    Returns
    -------
    pandas.DataFrame
        One row per construction: ``construction``, ``design_index``, ``design_p05``,
        ``design_p95``, ``design_rank``, ``practice_rank``, ``practice_rank_p05``,
        ``practice_rank_p95``, ``gap``.
    """
    rows = []
    for name, design in designs.groupby("construction", sort=False):
        table = design_practice(design, index, year=year, dimension=dimension)
        row = table[table["system"] == system].iloc[0]
        rows.append({"construction": name, **{k: row[k] for k in (
            "design_index", "design_p05", "design_p95", "design_rank", "practice_rank",
            "practice_rank_p05", "practice_rank_p95", "gap")}})  # fmt: skip
    return pd.DataFrame(rows)


def design_scores(analysis: ComparisonAnalysis) -> pd.DataFrame:
    """System design scores with intervals from notebook 04's comparison.

    The nominal construction's index with the 5-95% interval of its coding-only draws
    (:attr:`~policingstudy.studies.index.ComparisonAnalysis.coding`).
    """
    coding = analysis.coding
    return pd.DataFrame(
        {
            "system": coding["system"].astype(str).to_numpy(),
            "design_index": coding["nominal"].to_numpy(dtype=float),
            "design_p05": coding["p05"].to_numpy(dtype=float),
            "design_p95": coding["p95"].to_numpy(dtype=float),
        }
    )


NOMINAL_CONSTRUCTION = NOMINAL.id
"""Notebook 04's nominal construction (:data:`policingstudy.studies.design.NOMINAL`)."""


def design_constructions(
    tables: Mapping[str, pd.DataFrame],
    *,
    n_draws: int,
    seed: int,
    reference_date: str = REFERENCE_DATE,
    paths: ProjectPaths | None = None,
) -> pd.DataFrame:
    """Design scores of the systems under every construction of notebook 04's grid.

    Calls :func:`~policingstudy.studies.index.compare_systems` with the arguments notebook 04
    uses by default, so a report run computes the comparison once for both notebooks.

    Parameters
    ----------
    tables
        Processed tables ``units``, ``codings``, ``codings_by_coder``, ``indicators``,
        ``events``.
    n_draws, seed
        Coding draws and seed of the comparison (notebook 04's ``n_draws`` and ``seed``).
    reference_date
        The law in force on this date.
    paths
        The project (for the population tables).

    Returns
    -------
    pandas.DataFrame
        ``construction`` and its factors (``system_rule``, ``boundary``, ``missing``,
        ``aggregate``, ``weights``) and :data:`DESIGN_COLUMNS`: the index at the coded values
        with the 5-95% interval of the construction's coding draws (for the nominal
        construction, those of :func:`design_scores`).
    """
    from policingstudy.studies.index import compare_systems, population_table

    population = population_table(tables["units"], paths=paths)
    analysis = compare_systems(
        tables["units"],
        tables["codings"],
        tables["codings_by_coder"],
        tables["indicators"],
        tables["events"],
        population,
        reference_date=reference_date,
        n_draws=n_draws,
        seed=seed,
    )
    table = analysis.grid.table.merge(
        analysis.grid_bands, on=["construction", "system"], how="left"
    )
    out = table.rename(columns={"index": "design_index", "p05": "design_p05", "p95": "design_p95"})
    nominal = design_scores(analysis).set_index("system")
    mine = out["construction"] == NOMINAL_CONSTRUCTION
    for column in ("design_p05", "design_p95"):
        out.loc[mine, column] = out.loc[mine, "system"].map(nominal[column]).to_numpy()
    factors = [
        c for c in ("system_rule", "boundary", "missing", "aggregate", "weights") if c in out
    ]
    return out[["construction", *factors, *DESIGN_COLUMNS]].reset_index(drop=True)


# -- the article's problems and Kazakhstan's national survey figures -------------------------------


def published_interval(rows: pd.DataFrame, *, z: float = Z90) -> tuple[np.ndarray, np.ndarray]:
    """90% interval of source values from their published uncertainty (NaN where none).

    ``sd``/``se``: value +- z x uncertainty; ``interval68``: the split normal's z-sigma bounds
    (``value - z (value - lower)``, ``value + z (upper - value)``).
    """
    value = rows["value"].to_numpy(dtype=float)
    kind = rows["uncertainty_kind"].to_numpy()
    u = rows["uncertainty"].to_numpy(dtype=float)
    lo = np.full(len(rows), np.nan)
    hi = np.full(len(rows), np.nan)
    sym = np.isin(kind, ["sd", "se"])
    lo[sym], hi[sym] = value[sym] - z * u[sym], value[sym] + z * u[sym]
    interval = kind == "interval68"
    below = value - rows["lower"].to_numpy(dtype=float)
    above = rows["upper"].to_numpy(dtype=float) - value
    lo[interval] = value[interval] - z * below[interval]
    hi[interval] = value[interval] + z * above[interval]
    return lo, hi


def problem_positions(
    measures: pd.DataFrame,
    problem_measures: pd.DataFrame,
    *,
    iso3: str = KAZ,
    last_year: int = 2023,
) -> pd.DataFrame:
    """A country's position on each measure linked to the article's problems.

    For each linked measure, the latest year up to ``last_year`` in which the country has a
    value: the value with its published 90% interval (NaN where none is published), its
    percentile among all countries with a value that year (100 = best, direction-aware), the
    median of the post-Soviet states and the model countries' values.

    Returns
    -------
    pandas.DataFrame
        ``problem_id``, ``source_id``, ``measure``, ``label``, ``scale``, ``year``, ``value``,
        ``low90``, ``high90``, ``percentile``, ``n_countries``, ``post_soviet_median``,
        ``n_post_soviet``, ``DEU``, ``GBR``, ``USA``; rows where the country has no value
        keep NaN values and year 0.
    """
    catalogue = measure_catalogue().set_index(["source_id", "measure"])
    rows = []
    links = (
        problem_measures["problem_id"],
        problem_measures["source_id"],
        problem_measures["measure"],
    )
    for problem_id, source_id, measure in zip(*links, strict=True):
        info = catalogue.loc[(source_id, measure)]
        data = measures[
            (measures["source_id"] == source_id)
            & (measures["measure"] == measure)
            & (measures["year"] <= last_year)
        ]
        own = data[data["iso3"] == iso3]
        row: dict[str, object] = {
            "problem_id": problem_id,
            "source_id": source_id,
            "measure": measure,
            "label": info["label"],
            "scale": info["scale"],
            "higher_is_better": bool(info["higher_is_better"]),
            "year": 0,
            "value": np.nan,
            "low90": np.nan,
            "high90": np.nan,
            "percentile": np.nan,
            "n_countries": 0,
            "post_soviet_median": np.nan,
            "n_post_soviet": 0,
            **dict.fromkeys(MODEL_COUNTRIES, np.nan),
        }
        if len(own):
            year = int(own["year"].max())
            same = data[data["year"] == year]
            mine = own[own["year"] == year]
            lo, hi = published_interval(mine)
            value = float(mine["value"].iloc[0])
            signed = same["value"] if info["higher_is_better"] else -same["value"]
            mine_signed = value if info["higher_is_better"] else -value
            worse = float((signed < mine_signed).sum() + 0.5 * ((signed == mine_signed).sum() - 1))
            peers = same[same["iso3"].isin(POST_SOVIET)]
            models = same.set_index("iso3")["value"]
            row.update(
                year=year,
                value=value,
                low90=float(lo[0]),
                high90=float(hi[0]),
                percentile=100.0 * worse / (len(same) - 1) if len(same) > 1 else np.nan,
                n_countries=len(same),
                post_soviet_median=float(peers["value"].median()) if len(peers) else np.nan,
                n_post_soviet=len(peers),
                **{c: float(models[c]) if c in models.index else np.nan for c in MODEL_COUNTRIES},
            )
        rows.append(row)
    return pd.DataFrame(rows)
