"""Notebook 04's analysis: the four systems compared across the grid of defensible constructions.

The design (systems, reference date, membership, boundaries, areas, gating) is that of
:mod:`policingstudy.studies.design`; the machinery is
:mod:`policingstudy.methods.index.systems` (body-then-system scoring and the construction grid),
:mod:`~policingstudy.methods.index.measurement` (coding uncertainty) and
:func:`~policingstudy.methods.index.sensitivity.grid_sensitivity`.

Study decisions made here:

- the coding error of one reading is estimated from every cell two coders coded independently
  (a single distribution: the 8 low-confidence pairs are too few to estimate a rate of their
  own);
- cells with the same coded level on the same indicator in the same jurisdiction share one error
  draw (one *judgement* of the anchor, which the coder applied to every body at that level; the
  same legal fact coded on several bodies is a special case). The alternative, one draw per
  source (fact), is reported next to it;
- the coding-only draws hold the construction at :data:`~policingstudy.studies.design.NOMINAL`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policingstudy.core.cache import memoised
from policingstudy.core.paths import ProjectPaths
from policingstudy.data.readers import population
from policingstudy.methods.index import composite, measurement, sensitivity, systems
from policingstudy.studies import design
from policingstudy.studies.inputs import source

PERCENTILES = (5.0, 95.0)


def body_frames(
    units: pd.DataFrame, codings: pd.DataFrame, indicators: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and statuses (bodies x indicators) of every body of the four systems."""
    ids = sorted(design.bodies(units)["unit_id"].astype(str))
    codes = list(indicators["indicator_id"].astype(str))
    cod = codings[codings["unit_id"].isin(ids)]
    values = composite.indicator_matrix(cod, unit_ids=ids, indicator_ids=codes)
    status = (
        cod.pivot(index="unit_id", columns="indicator_id", values="status")
        .reindex(index=ids, columns=codes)
        .fillna("unknown")
    )
    status.columns.name = None
    status.index.name = "unit_id"
    return values, status


def prepare_systems(
    units: pd.DataFrame,
    codings: pd.DataFrame,
    indicators: pd.DataFrame,
    events: pd.DataFrame,
    population: pd.DataFrame | None,
    *,
    reference_date: str | dt.date,
    by_class: bool = False,
) -> tuple[systems.SystemInputs, dict[str, pd.DataFrame], pd.DataFrame]:
    """Prepared inputs of the grid on the reference date, the memberships and the areas."""
    units = design.mark_coded(units, codings)
    areas = design.area_table(units, events, population, reference_date=reference_date)
    members = design.boundary_memberships(
        units, events, reference_date=reference_date, areas=areas, by_class=by_class
    )
    values, status = body_frames(units, codings, indicators)
    meta = composite.meta_from_indicators(indicators)
    inputs = systems.prepare(
        values,
        meta,
        scales=composite.goalposts_from_indicators(indicators),
        boundaries=members,
        status=status,
        areas=areas[["system_id", "area", "weight"]],
        gate=design.gate_for(list(indicators["indicator_id"].astype(str))),
    )
    return inputs, members, areas


def grid_of(
    inputs: systems.SystemInputs, *, covered: bool = True
) -> tuple[systems.Construction, ...]:
    """The construction grid over the boundaries prepared (``covered_mean`` needs areas)."""
    rules = (
        systems.SYSTEM_RULES
        if covered
        else tuple(r for r in systems.SYSTEM_RULES if r != "covered_mean")
    )
    names = [b for b in design.BOUNDARIES if b in inputs.boundaries]
    return systems.constructions(names, system_rules=rules)


def coder_differences(by_coder: pd.DataFrame) -> np.ndarray:
    """``c1 - c2`` on every cell both coders coded with a value."""
    value = pd.to_numeric(by_coder["value"], errors="coerce").where(by_coder["status"] == "coded")
    wide = by_coder.assign(_v=value)[by_coder["coder"].isin(["c1", "c2"])].pivot_table(
        index=["unit_id", "indicator_id"], columns="coder", values="_v", aggfunc="first"
    )
    if not {"c1", "c2"} <= set(wide.columns):
        return np.zeros(0)
    both = wide.dropna(subset=["c1", "c2"])
    return (both["c1"] - both["c2"]).to_numpy(dtype=float)


def coded_cells(
    codings: pd.DataFrame, units: pd.DataFrame, unit_ids: Sequence[str]
) -> pd.DataFrame:
    """Coded cells of the given bodies with their system and source (for the coding model)."""
    c = codings[codings["unit_id"].isin(list(unit_ids)) & (codings["status"] == "coded")]
    system = dict(zip(units["unit_id"], units["jurisdiction"], strict=True))
    out = c[["unit_id", "indicator_id", "value", "source_id"]].copy()
    out["system_id"] = out["unit_id"].map(system)
    out["source_id"] = out["source_id"].fillna("").astype(str)
    return out.sort_values(["unit_id", "indicator_id"], kind="stable").reset_index(drop=True)


BY_CLASS = systems.Construction("best_available", "all", "missing", "arithmetic", "dimension")
"""Construction of the class-by-class comparison (its boundary is replaced by one class): the
best value within the class, so that a class is compared by what it offers, not by how many
residents the coded bodies of that class happen to cover."""
JUDGEMENT = ("system_id", "indicator_id", "value")
FACT = ("system_id", "indicator_id", "source_id", "value")


def coding_draws(
    inputs: systems.SystemInputs,
    model: measurement.CodingModel,
    construction: systems.Construction,
    *,
    n_draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """``(n_draws, S)`` system indices under posterior coding draws, construction held fixed."""
    rows, cols = systems.cell_positions(inputs, model.cells)
    values = model.sample(n_draws, rng)
    return systems.score(inputs, construction, systems.with_cells(inputs, rows, cols, values)).index


def coding_summary(
    inputs: systems.SystemInputs, nominal: np.ndarray, draws: np.ndarray
) -> pd.DataFrame:
    """``system, nominal, median, p05, p95`` of coding-only draws."""
    lo, hi = PERCENTILES
    with np.errstate(invalid="ignore"):
        return pd.DataFrame(
            {
                "system": list(inputs.system_ids),
                "nominal": nominal,
                "median": np.nanmedian(draws, axis=0),
                "p05": np.nanpercentile(draws, lo, axis=0),
                "p95": np.nanpercentile(draws, hi, axis=0),
            }
        )


def body_scores(
    inputs: systems.SystemInputs, members: pd.DataFrame, units: pd.DataFrame
) -> pd.DataFrame:
    """Gated body scores (missing left missing, arithmetic, equal by dimension) of the members.

    Columns: ``unit_id``, ``system_id``, ``unit_class``, ``name_en``, ``n_coded`` (indicators
    with a value), the dimension scores and ``INDEX``.
    """
    m = members.drop_duplicates("unit_id")
    ids = list(m["unit_id"])
    pos = [inputs.unit_ids.index(u) for u in ids]
    x = inputs.matrix[None]
    if inputs.gate is not None:
        g = inputs.indicators.index(inputs.gate.gate)
        cols = [inputs.indicators.index(c) for c in inputs.gate.gated]
        x = systems.gate_values(x, g, cols, inputs.not_applicable[:, g])
    rows = x[:, pos, :]
    hierarchy = inputs.hierarchies["dimension"]
    agg, _ = systems.engine.score(
        rows,
        hierarchy,
        normalise_method="minmax",
        aggregate_method="arithmetic",
        weight_factors=np.ones((1, len(hierarchy.weighted_codes))),
        n_ref=len(pos),
        settings=inputs.settings,
    )
    table = pd.DataFrame(agg[0], columns=list(hierarchy.aggregates))
    names = units.set_index("unit_id")
    out = pd.DataFrame(
        {
            "unit_id": ids,
            "system_id": list(m["system_id"]),
            "unit_class": list(m["unit_class"]),
            "name_en": [str(names.loc[u, "name_en"]) for u in ids],
            "n_coded": (~np.isnan(rows[0])).sum(axis=1),
        }
    )
    return pd.concat([out, table], axis=1)


@dataclass(frozen=True)
class ComparisonAnalysis:
    """Everything notebook 04 shows.

    Attributes
    ----------
    reference_date
        ISO date of the comparison.
    validity
        Every body with its dates and status on the reference date.
    members
        Bodies of the ``all`` boundary in force (one row per covered area).
    classified
        Whether the units carry classes (else only the ``all`` boundary exists).
    class_counts
        Systems x classes: bodies in force.
    areas
        Areas and population weights of the population-covered mean (with their dates).
    bodies
        Gated body scores of the members.
    grid
        The construction grid at the coded values (:class:`~systems.GridResult`).
    ordering
        Share of constructions in which Kazakhstan is below / level with / above each model.
    pairwise
        Systems x systems: share of constructions in which the row scores above the column.
    nominal
        Systems x (dimensions, ``INDEX``) under :data:`design.NOMINAL`.
    by_class
        ``system``, ``unit_class``, ``index``, ``n_bodies``: :data:`BY_CLASS` restricted to one
        class at a time (index missing where the system has no body of the class).
    coding
        ``system, nominal, median, p05, p95`` of the coding-only draws (nominal construction).
    coding_by_fact
        The same with one error draw per fact (source) instead of per judgement.
    grid_bands
        ``construction``, ``system``, ``p05``, ``p95`` of coding draws per construction.
    error
        The estimated error distribution of one reading.
    n_cells, n_groups
        Coded cells of the members and error groups (judgements) of the coding model.
    sobol
        Sobol indices of Kazakhstan's gap to each model over the grid's factors and the coding.
    n_draws
        Coding draws of :attr:`coding`.
    """

    reference_date: str
    validity: pd.DataFrame
    members: pd.DataFrame
    classified: bool
    class_counts: pd.DataFrame
    areas: pd.DataFrame
    bodies: pd.DataFrame
    grid: systems.GridResult
    ordering: pd.DataFrame
    pairwise: pd.DataFrame
    nominal: pd.DataFrame
    by_class: pd.DataFrame
    coding: pd.DataFrame
    coding_by_fact: pd.DataFrame
    grid_bands: pd.DataFrame
    error: measurement.ErrorDistribution
    n_cells: int
    n_groups: int
    sobol: pd.DataFrame
    n_draws: int


def nominal_construction(*, with_areas: bool) -> systems.Construction:
    """:data:`design.NOMINAL`, with ``best_available`` when there are no population weights."""
    if with_areas:
        return design.NOMINAL
    return dataclasses.replace(design.NOMINAL, system_rule="best_available")


def factor_levels(grid: Sequence[systems.Construction]) -> dict[str, list[str]]:
    """Levels of each factor in grid order (nominal first where it is in the grid)."""
    out: dict[str, list[str]] = {f: [] for f in systems.FACTORS}
    nominal = design.NOMINAL.as_dict()
    for c in grid:
        for f, v in c.as_dict().items():
            if v not in out[f]:
                out[f].append(v)
    for f in out:
        if nominal[f] in out[f]:
            out[f].remove(nominal[f])
            out[f].insert(0, nominal[f])
    return out


@memoised
def compare_systems(
    units: pd.DataFrame,
    codings: pd.DataFrame,
    codings_by_coder: pd.DataFrame,
    indicators: pd.DataFrame,
    events: pd.DataFrame,
    population: pd.DataFrame | None,
    *,
    reference_date: str = design.REFERENCE_DATE,
    n_draws: int = 2000,
    n_grid_draws: int = 200,
    seed: int = 20261126,
    n_base: int = 256,
) -> ComparisonAnalysis:
    """The four systems on the reference date across the construction grid.

    ``seed`` seeds one generator used, in order, by the coding draws of the nominal construction,
    the per-construction coding bands, the by-fact alternative and the Sobol sample.
    """
    when = design.parse_reference_date(reference_date)
    inputs, members, areas = prepare_systems(
        units, codings, indicators, events, population, reference_date=when, by_class=True
    )
    grid = grid_of(inputs, covered=population is not None)
    result = systems.run_grid(inputs, grid)
    nominal_c = nominal_construction(with_areas=population is not None)
    nominal = systems.score(inputs, nominal_c)
    dims = list(inputs.dimensions)
    nominal_table = pd.DataFrame(
        nominal.aggregates[0][:, [nominal.codes.index(c) for c in [*dims, systems.INDEX]]],
        index=pd.Index(inputs.system_ids, name="system"),
        columns=[*dims, systems.INDEX],
    ).reindex(list(design.SYSTEMS))
    by_class = []
    for unit_class in design.UNIT_CLASSES:
        name = f"class:{unit_class}"
        if name not in inputs.boundaries:
            continue
        s = systems.score(inputs, dataclasses.replace(BY_CLASS, boundary=name))
        counts = inputs.boundaries[name].member.sum(axis=1)
        for j, system in enumerate(inputs.system_ids):
            by_class.append(
                {
                    "system": system,
                    "unit_class": unit_class,
                    "index": float(s.index[0, j]) if counts[j] else np.nan,
                    "n_bodies": int(counts[j]),
                }
            )
    all_members = members["all"]
    cells = coded_cells(codings, units, sorted(set(all_members["unit_id"])))
    error = measurement.error_distribution(coder_differences(codings_by_coder))
    scales = composite.goalposts_from_indicators(indicators)
    model = measurement.coding_model(cells, scales=scales, error=error, group_by=JUDGEMENT)
    rng = np.random.default_rng(seed)
    draws = coding_draws(inputs, model, nominal_c, n_draws=n_draws, rng=rng)
    coding = coding_summary(inputs, nominal.index[0], draws)
    bands = []
    for c in grid:
        d = coding_draws(inputs, model, c, n_draws=n_grid_draws, rng=rng)
        with np.errstate(invalid="ignore"):
            lo, hi = np.nanpercentile(d, PERCENTILES, axis=0)
        bands += [
            {"construction": c.id, "system": s, "p05": float(lo[j]), "p95": float(hi[j])}
            for j, s in enumerate(inputs.system_ids)
        ]
    by_fact = measurement.coding_model(cells, scales=scales, error=error, group_by=FACT)
    fact_draws = coding_draws(inputs, by_fact, nominal_c, n_draws=n_draws, rng=rng)
    coding_by_fact = coding_summary(inputs, nominal.index[0], fact_draws)
    sobol = sensitivity.grid_sensitivity(
        inputs,
        factor_levels(grid),
        origin=design.ORIGIN,
        n_base=n_base,
        rng=rng,
        coding=model,
        n_bootstrap=200,
    )
    return ComparisonAnalysis(
        when.isoformat(),
        design.validity(design.mark_coded(units, codings), events, reference_date=when),
        all_members,
        design.has_classes(units),
        design.class_counts(all_members),
        areas,
        body_scores(inputs, all_members, units),
        result,
        systems.ordering_shares(result.table, origin=design.ORIGIN),
        systems.pairwise_shares(result.table),
        nominal_table,
        pd.DataFrame(by_class, columns=["system", "unit_class", "index", "n_bodies"]),
        coding,
        coding_by_fact,
        pd.DataFrame(bands),
        error,
        len(model),
        model.n_inputs,
        sobol,
        int(n_draws),
    )


@dataclass(frozen=True)
class Panel:
    """Yearly scores on 1 January of every year from :data:`design.PANEL_START`.

    Codings are not dated: only membership (bodies in force) changes from year to year.

    Attributes
    ----------
    systems
        ``year``, ``construction``, the five factors, ``system``, ``index``, ``rank``.
    bodies
        ``year``, ``unit_id``, ``system_id``, ``status`` (on 1 January), ``index`` (gated body
        index; the same every year since codings are not dated).
    nominal
        The construction of the by-year figure (:data:`design.NOMINAL`, or ``best_available``
        without population weights).
    """

    systems: pd.DataFrame
    bodies: pd.DataFrame
    nominal: str


@memoised
def yearly_panel(
    units: pd.DataFrame,
    codings: pd.DataFrame,
    indicators: pd.DataFrame,
    events: pd.DataFrame,
    population: pd.DataFrame | None,
    *,
    reference_date: str = design.REFERENCE_DATE,
    start: int = design.PANEL_START,
) -> Panel:
    """System scores under every construction and body scores, year by year.

    For other notebooks: ``yearly_panel(...).systems`` is a tidy panel of system indices
    (``year`` x ``construction`` x ``system``).
    """
    sys_tables, body_tables = [], []
    for day in design.year_dates(reference_date, start):
        inputs, members, _ = prepare_systems(
            units, codings, indicators, events, population, reference_date=day
        )
        grid = grid_of(inputs, covered=population is not None)
        table = systems.run_grid(inputs, grid).table.drop(columns="body")
        sys_tables.append(table.assign(year=day.year))
        v = design.validity(design.mark_coded(units, codings), events, reference_date=day)
        scored = body_scores(inputs, members["all"], units).set_index("unit_id")["INDEX"]
        body_tables.append(
            pd.DataFrame(
                {
                    "year": day.year,
                    "unit_id": v["unit_id"],
                    "system_id": v["system_id"],
                    "status": v["status"],
                    "index": v["unit_id"].map(scored),
                }
            )
        )
    nominal = nominal_construction(with_areas=population is not None).id
    cols = ["year", "construction", *systems.FACTORS, "system", "index", "rank"]
    out = pd.concat(sys_tables, ignore_index=True)[cols]
    return Panel(out, pd.concat(body_tables, ignore_index=True), nominal)


POPULATION_SOURCES: dict[str, tuple[str, ...]] = {
    "DE": (population.DE_BY_AGE_ID, population.DE_TOTALS_ID),
    "UK-EW": tuple(population.EW_SOURCES),
    "US": (population.US_V2019_ID, population.US_V2023_ID),
}
"""External sources of the area populations (Länder, police force areas, cities)."""


@memoised
def population_table(units: pd.DataFrame, *, paths: ProjectPaths | None = None) -> pd.DataFrame:
    """Population of the areas of the population-covered mean, every year available.

    Germany: the 16 Länder (Destatis, 31 December). England and Wales: the 43 police force areas
    (ONS mid-year estimates, 30 June, to 2018). United States: the cities of the coded city
    agencies (Census, 1 July), matched on city and state. Kazakhstan's bodies are national, so
    its regions are not needed.

    Returns
    -------
    pandas.DataFrame
        ``system_id``, ``area`` (Land code, PFA code, or the unit table's ``locality``),
        ``date``, ``population``.
    """
    folders = {sid: source(sid, paths) for ids in POPULATION_SOURCES.values() for sid in ids}
    de = population.de_population(folders)
    ew = population.ew_population(folders)
    b = design.bodies(units)
    us_units = b[(b["jurisdiction"] == "US") & (b["level"] != "national")]
    cities = pd.DataFrame(
        {"city": us_units["locality"].astype(str), "state": us_units["subunit_code"].astype(str)}
    ).drop_duplicates()
    us = population.us_city_population(folders, cities=cities)
    key = {
        population.us_city_key(c, st): c
        for c, st in zip(cities["city"], cities["state"], strict=True)
    }
    frames = [
        pd.DataFrame(
            {
                "system_id": "DE",
                "area": de["code"],
                "date": de["date"],
                "population": de["population"],
            }
        ),
        pd.DataFrame(
            {
                "system_id": "UK-EW",
                "area": ew["code"],
                "date": ew["date"],
                "population": ew["population"],
            }
        ),
        pd.DataFrame(
            {
                "system_id": "US",
                "area": us["city_key"].map(key),
                "date": us["date"],
                "population": us["population"],
            }
        ),
    ]
    return pd.concat(frames, ignore_index=True)
