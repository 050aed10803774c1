"""Notebook 05's analysis: reform scenarios for Kazakhstan evaluated across the construction grid.

A scenario (``data/raw/scenarios.yaml``) adds a Kazakh body or changes coded values of existing
Kazakh bodies. Each scenario is scored on every construction of notebook 04's grid
(:mod:`policingstudy.studies.index`, same reference date, membership, areas and gating), so the
question "does this reform move Kazakhstan past a model?" is answered construction by
construction, never on one nominal scheme. Study decisions:

- an added body is a national Kazakh body of the ``unit_class`` the scenario states; its cells
  without a value are ``not_applicable`` (the scenario claims nothing about them);
- cells a scenario sets are ``coded`` at the scenario's value and are not redrawn by the coding
  model; the coding interval of a scenario uses the same draws as the baseline (common random
  numbers);
- a scenario *moves Kazakhstan past* a model in a construction when Kazakhstan is below the model
  at baseline and above it under the scenario.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policingstudy.core.cache import memoised
from policingstudy.core.paths import ProjectPaths
from policingstudy.data.scenarios import load_scenarios as read_scenarios
from policingstudy.methods.index import composite, measurement, systems
from policingstudy.methods.index import scenarios as sc
from policingstudy.studies import design
from policingstudy.studies import index as ix
from policingstudy.studies.inputs import project

BASELINE = sc.BASELINE


def load_scenarios(
    indicators: pd.DataFrame, units: pd.DataFrame, *, paths: ProjectPaths | None = None
) -> tuple[sc.Scenario, ...]:
    """The project's validated reform scenarios (``data/raw/scenarios.yaml``)."""
    return read_scenarios(
        project(paths), indicators=indicators, units=units, classes=design.UNIT_CLASSES
    )


def apply(
    values: pd.DataFrame,
    status: pd.DataFrame,
    members: dict[str, pd.DataFrame],
    scenario: sc.Scenario,
    *,
    classified: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    """Values, statuses and memberships with the scenario's changes applied."""
    values, status = values.copy(), status.copy()
    members = {k: m.copy() for k, m in members.items()}
    for change in scenario.changes:
        codes = list(change.new_values)
        if change.action == "set":
            for code, v in change.new_values.items():
                values.loc[list(change.unit_ids), code] = v
                status.loc[list(change.unit_ids), code] = "coded"
            continue
        new_values = pd.DataFrame(np.nan, index=list(change.unit_ids), columns=values.columns)
        new_status = pd.DataFrame(
            "not_applicable", index=list(change.unit_ids), columns=values.columns
        )
        new_values[codes] = [change.new_values[c] for c in codes]
        new_status[codes] = "coded"
        values = pd.concat([values, new_values])
        status = pd.concat([status, new_status])
        for name, m in members.items():
            if not classified or _boundary_takes(name, change.unit_class):
                rows = pd.DataFrame(
                    {
                        "system_id": design.ORIGIN,
                        "unit_id": list(change.unit_ids),
                        "unit_class": change.unit_class,
                        "area": "",
                    }
                )
                members[name] = pd.concat([m, rows], ignore_index=True)
    return values, status, members


def _boundary_takes(name: str, unit_class: str) -> bool:
    if name.startswith("class:"):
        return name == f"class:{unit_class}"
    return unit_class in design.BOUNDARIES.get(name, ())


@dataclass(frozen=True)
class ScenarioAnalysis:
    """Everything notebook 05 shows.

    Attributes
    ----------
    reference_date
        ISO date of the comparison.
    scenarios
        The validated scenarios, in file order.
    grid
        ``scenario, construction, index, rank``: Kazakhstan's index and rank (among the four
        systems) under every scenario (baseline first) and construction.
    passes
        ``scenario, model, above, passes``: share of constructions in which Kazakhstan scores
        above the model under the scenario, and in which the scenario moves it past the model.
    change
        ``scenario, min, median, max``: change of Kazakhstan's index against the baseline across
        constructions.
    nominal
        ``scenario, index, p05, p95, rank``: the nominal construction with coding intervals.
    contributions
        ``scenario, indicator_id, points``: change of the nominal index when only that
        indicator's changes are applied.
    raised
        ``scenario, indicator_id, before, after``: indicators whose value in Kazakhstan's system
        rises (nominal construction).
    programme
        ``scenario, link_id, indicators``: article programme items linked to raised indicators.
    n_constructions, n_draws
        Constructions per scenario; coding draws of the nominal intervals.
    classified
        Whether boundaries are classified.
    """

    reference_date: str
    scenarios: tuple[sc.Scenario, ...]
    grid: pd.DataFrame
    passes: pd.DataFrame
    change: pd.DataFrame
    nominal: pd.DataFrame
    contributions: pd.DataFrame
    raised: pd.DataFrame
    programme: pd.DataFrame
    n_constructions: int
    n_draws: int
    classified: bool


def programme_links(raised: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Article programme items linked to the indicators each scenario raises."""
    prog = links[links["link_type"] == "programme"][["link_id", "indicator_id"]]
    merged = raised[["scenario", "indicator_id"]].merge(prog, on="indicator_id", how="inner")
    grouped = merged.groupby(["scenario", "link_id"], sort=False)["indicator_id"]
    out = grouped.apply(lambda s: ", ".join(sorted(s))).rename("indicators").reset_index()
    return out.sort_values(["scenario", "link_id"], kind="stable").reset_index(drop=True)


def _prepare(
    values: pd.DataFrame,
    status: pd.DataFrame,
    members: dict[str, pd.DataFrame],
    areas: pd.DataFrame,
    indicators: pd.DataFrame,
) -> systems.SystemInputs:
    return systems.prepare(
        values,
        composite.meta_from_indicators(indicators),
        scales=composite.goalposts_from_indicators(indicators),
        boundaries=members,
        status=status,
        areas=areas[["system_id", "area", "weight"]],
        gate=design.gate_for(list(indicators["indicator_id"].astype(str))),
    )


@memoised
def scenarios_across_grid(
    units: pd.DataFrame,
    codings: pd.DataFrame,
    codings_by_coder: pd.DataFrame,
    indicators: pd.DataFrame,
    events: pd.DataFrame,
    population: pd.DataFrame | None,
    links: pd.DataFrame,
    chosen: Sequence[sc.Scenario],
    *,
    reference_date: str = design.REFERENCE_DATE,
    n_draws: int = 1000,
    seed: int = 20261126,
) -> ScenarioAnalysis:
    """Score the baseline and every scenario on every construction of the grid."""
    when = design.parse_reference_date(reference_date)
    units = design.mark_coded(units, codings)
    areas = design.area_table(units, events, population, reference_date=when)
    members = design.boundary_memberships(units, events, reference_date=when, areas=areas)
    classified = design.has_classes(units)
    values, status = ix.body_frames(units, codings, indicators)
    base = _prepare(values, status, members, areas, indicators)
    grid = ix.grid_of(base, covered=population is not None)
    nominal_c = ix.nominal_construction(with_areas=population is not None)
    cells = ix.coded_cells(codings, units, sorted(set(members["all"]["unit_id"])))
    error = measurement.error_distribution(ix.coder_differences(codings_by_coder))
    model = measurement.coding_model(
        cells,
        scales=composite.goalposts_from_indicators(indicators),
        error=error,
        group_by=ix.JUDGEMENT,
    )
    u = np.random.default_rng(seed).random((int(n_draws), model.n_inputs))
    draws = model.draw(u)
    tables, nominal_rows, contributions, raised = [], [], [], []
    base_rows, _ = systems.system_rows(base, base.matrix[None], nominal_c)
    o = base.system_ids.index(design.ORIGIN)
    base_nominal = float(systems.score(base, nominal_c).index[0, o])
    for scenario in (None, *chosen):
        sid = BASELINE if scenario is None else scenario.id
        v, s, m = (
            (values, status, members)
            if scenario is None
            else apply(values, status, members, scenario, classified=classified)
        )
        inputs = _prepare(v, s, m, areas, indicators)
        table = systems.run_grid(inputs, grid).table
        tables.append(table.assign(scenario=sid))
        rows, cols = systems.cell_positions(inputs, model.cells)
        x = systems.with_cells(inputs, rows, cols, draws)
        pinned = _pinned(inputs, scenario)
        for r, c, val in pinned:
            x[:, r, c] = val
        index = systems.score(inputs, nominal_c, x).index[:, o]
        nominal = systems.score(inputs, nominal_c)
        nominal_rows.append(
            {
                "scenario": sid,
                "index": float(nominal.index[0, o]),
                "p05": float(np.nanpercentile(index, 5)),
                "p95": float(np.nanpercentile(index, 95)),
                "rank": float(systems.system_ranks(nominal.index)[0, o]),
            }
        )
        if scenario is None:
            continue
        after, _ = systems.system_rows(inputs, inputs.matrix[None], nominal_c)
        for j, code in enumerate(inputs.indicators):
            b, a = base_rows[0, o, j], after[0, o, j]
            if not np.isnan(a) and (np.isnan(b) or a > b + 1e-9):
                raised.append({"scenario": sid, "indicator_id": code, "before": b, "after": a})
        for code in dict.fromkeys(c for ch in scenario.changes for c in ch.new_values):
            alone = _only(scenario, code)
            va, sa, ma = apply(values, status, members, alone, classified=classified)
            one = systems.score(_prepare(va, sa, ma, areas, indicators), nominal_c)
            contributions.append(
                {
                    "scenario": sid,
                    "indicator_id": code,
                    "points": float(one.index[0, o]) - base_nominal,
                }
            )
    long = pd.concat(tables, ignore_index=True)
    kz = long[long["system"] == design.ORIGIN][["scenario", "construction", "index", "rank"]]
    passes, change = _shares(long, [BASELINE, *(s.id for s in chosen)])
    raised_table = pd.DataFrame(raised, columns=["scenario", "indicator_id", "before", "after"])
    return ScenarioAnalysis(
        when.isoformat(),
        tuple(chosen),
        kz.reset_index(drop=True),
        passes,
        change,
        pd.DataFrame(nominal_rows),
        pd.DataFrame(contributions, columns=["scenario", "indicator_id", "points"]),
        raised_table,
        programme_links(raised_table, links),
        len(grid),
        int(n_draws),
        classified,
    )


def _only(scenario: sc.Scenario, code: str) -> sc.Scenario:
    """The scenario restricted to the changes of one indicator."""
    changes = tuple(
        sc.Change(c.action, c.unit_ids, {code: c.new_values[code]}, c.unit_class)
        for c in scenario.changes
        if code in c.new_values
    )
    return sc.Scenario(
        scenario.id, scenario.label, scenario.rationale, scenario.borrows_from, changes
    )


def _pinned(
    inputs: systems.SystemInputs, scenario: sc.Scenario | None
) -> list[tuple[int, int, float]]:
    if scenario is None:
        return []
    out = []
    for change in scenario.changes:
        for unit in change.unit_ids:
            for code, v in change.new_values.items():
                out.append((inputs.unit_ids.index(unit), inputs.indicators.index(code), v))
    return out


def _shares(long: pd.DataFrame, ids: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    wide = long.pivot_table(
        index=["scenario", "construction"], columns="system", values="index", aggfunc="first"
    )
    base = wide.loc[BASELINE]
    passes, change = [], []
    for sid in ids:
        w = wide.loc[sid].reindex(base.index)
        kz, kz0 = w[design.ORIGIN], base[design.ORIGIN]
        for model in design.MODELS:
            ok = w[model].notna() & kz.notna() & kz0.notna()
            above = (kz > w[model] + 1e-9)[ok]
            below0 = (kz0 < base[model] - 1e-9)[ok]
            passes.append(
                {
                    "scenario": sid,
                    "model": model,
                    "above": float(above.mean()) if ok.any() else np.nan,
                    "passes": float((above & below0).mean()) if ok.any() else np.nan,
                }
            )
        delta = (kz - kz0).dropna().to_numpy()
        change.append(
            {
                "scenario": sid,
                "min": float(delta.min()),
                "median": float(np.median(delta)),
                "max": float(delta.max()),
            }
        )
    return pd.DataFrame(passes), pd.DataFrame(change)
