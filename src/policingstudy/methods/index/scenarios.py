"""Reform scenarios for Kazakhstan, defined as data (YAML) and scored on common Monte Carlo draws.

A scenario file (read by the data layer, passed here as text or as the parsed mapping) looks like::

    scenarios:
      - id: de_parliamentary_commissioner
        label: {en: ..., kk: ..., ru: ...}
        rationale: Why this reform, and what it copies.       # text or {en, kk, ru}
        borrows_from: DE                                       # UK-EW, US or DE
        changes:
          - add_unit: KZ-SCN-POLICE-COMMISSIONER               # a new Kazakh body ...
            unit_class: external_oversight                     # ... of a class (optional)
            values: {D1_01: 3, D2_01: 2}                       # ... with its codings
          - set: [KZ-PUBLIC-COUNCILS]                          # existing Kazakh unit(s) ...
            values: {D4_02: 3}                                 # ... with new values

Validation (:func:`parse_scenarios`) refuses, with the file and the key path named: missing or
unknown keys, duplicate ids, a label missing a language, ``borrows_from`` outside UK-EW/US/DE, an
unknown unit or a unit that is not Kazakh (``set``), an ``add_unit`` id that already exists, an
unknown indicator, a value that is not a number on the indicator's scale, and, when classes are
given, an added unit without a ``unit_class`` among them (a ``set`` change takes no class).

Evaluation (:func:`evaluate_scenarios`): every scenario is scored on the *same* draws as the
baseline (common random numbers: same weight factors, methods and coding draws; cells a scenario
sets are fixed at the scenario's value). Reported: Kazakhstan's index and rank with 5-95%
intervals, the gap to each model per dimension and how much of it the scenario closes, and the
robustness of the scenario ordering (probability of being the best scenario; pairwise
probabilities that one scenario beats another).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import yaml

from policingstudy.core.errors import DataValidationError, JoinError, SpecificationError
from policingstudy.core.types import LANGS
from policingstudy.methods.index import draws as dr
from policingstudy.methods.index.uncertainty import (
    PERCENTILES,
    check_draws,
    check_origin,
    group_ranks,
)

BORROWABLE = ("UK-EW", "US", "DE")
SCENARIO_KEYS = {"id", "label", "rationale", "borrows_from", "changes"}
BASELINE = "baseline"


@dataclass(frozen=True)
class Change:
    """One change: ``add_unit`` (a new Kazakh unit) or ``set`` (new values on existing units)."""

    action: str
    unit_ids: tuple[str, ...]
    new_values: Mapping[str, float]
    unit_class: str = ""


@dataclass(frozen=True)
class Scenario:
    """A validated reform scenario."""

    id: str
    label: Mapping[str, str]
    rationale: str | Mapping[str, str]
    borrows_from: str
    changes: tuple[Change, ...]


class _Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, key: str, found: object, expected: str) -> None:
        self.items.append(f"{self.source}: {key}: found {found!r}; expected {expected}")


def _labels(value: object, key: str, problems: _Problems) -> dict[str, str]:
    if not isinstance(value, Mapping):
        problems.add(key, value, f"a mapping with keys {list(LANGS)}")
        return {}
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.add(f"{key}.{lang}", text, "a non-empty text")
    return {str(k): str(v) for k, v in value.items()}


def _values(
    value: object, key: str, scales: Mapping[str, tuple[float, float]], problems: _Problems
) -> dict[str, float]:
    if not isinstance(value, Mapping) or not value:
        problems.add(key, value, "a non-empty mapping {indicator_id: value}")
        return {}
    out: dict[str, float] = {}
    for code, raw in value.items():
        if str(code) not in scales:
            problems.add(f"{key}.{code}", code, "an indicator id of the codebook")
            continue
        lo, hi = scales[str(code)]
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not lo <= raw <= hi:
            problems.add(f"{key}.{code}", raw, f"a number in [{lo:g}, {hi:g}]")
            continue
        out[str(code)] = float(raw)
    return out


def _change(
    item: object,
    key: str,
    scales: Mapping[str, tuple[float, float]],
    jurisdiction: Mapping[str, str],
    problems: _Problems,
    classes: Sequence[str] | None = None,
) -> Change | None:
    if not isinstance(item, Mapping):
        problems.add(key, item, "a mapping with 'add_unit' or 'set', and 'values'")
        return None
    actions = [a for a in ("add_unit", "set") if a in item]
    extra = sorted(set(map(str, item)) - {"add_unit", "set", "values", "unit_class"})
    if len(actions) != 1 or extra:
        problems.add(
            key, sorted(map(str, item)), "exactly one of add_unit / set, plus values [unit_class]"
        )
        return None
    unit_class = item.get("unit_class", "")
    if unit_class and actions[0] == "set":
        problems.add(
            f"{key}.unit_class", unit_class, "no class on a set change (units keep theirs)"
        )
    elif classes is not None and actions[0] == "add_unit" and unit_class not in classes:
        problems.add(f"{key}.unit_class", unit_class or None, f"one of {list(classes)}")
    action = actions[0]
    raw_units = item[action]
    units = [raw_units] if isinstance(raw_units, str) else raw_units
    if not isinstance(units, list) or not units or not all(isinstance(u, str) for u in units):
        problems.add(f"{key}.{action}", raw_units, "a unit id or a list of unit ids")
        return None
    for u in units:
        if action == "add_unit" and u in jurisdiction:
            problems.add(f"{key}.add_unit", u, "a new unit id (this one already exists)")
        if action == "set" and u not in jurisdiction:
            problems.add(f"{key}.set", u, "a unit id of units.csv")
        elif action == "set" and jurisdiction[u] != "KZ":
            problems.add(f"{key}.set", u, f"a Kazakh (KZ) unit, not {jurisdiction[u]}")
    values = _values(item.get("values"), f"{key}.values", scales, problems)
    return Change(action, tuple(units), values, str(unit_class or ""))


def parse_scenarios(
    document: str | Mapping[str, Any],
    *,
    source: str,
    indicators: pd.DataFrame,
    units: pd.DataFrame,
    classes: Sequence[str] | None = None,
) -> tuple[Scenario, ...]:
    """Validate scenario definitions against the codebook and the units.

    Parameters
    ----------
    document
        YAML text, or the mapping it parses to (top key ``scenarios``).
    source
        File name used in messages (e.g. ``data/raw/scenarios.yaml``).
    indicators
        ``indicator_id``, ``scale_min``, ``scale_max``.
    units
        ``unit_id``, ``jurisdiction``.
    classes
        Unit classes; when given, every added unit must declare one (``unit_class``). None
        accepts any class or none.

    Returns
    -------
    tuple of Scenario

    Raises
    ------
    DataValidationError
        Listing every problem, each with ``source``, the key path, what was found and what was
        expected.
    """
    problems = _Problems(source)
    data = yaml.safe_load(document) if isinstance(document, str) else document
    entries = data.get("scenarios") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        problems.add("scenarios", entries, "a list of scenario entries")
        raise DataValidationError(problems.items)
    scales = {
        str(i): (float(lo), float(hi))
        for i, lo, hi in zip(
            indicators["indicator_id"],
            indicators["scale_min"],
            indicators["scale_max"],
            strict=True,
        )
    }
    jurisdiction = dict(
        zip(units["unit_id"].astype(str), units["jurisdiction"].astype(str), strict=True)
    )
    out: list[Scenario] = []
    seen: set[str] = set()
    added: set[str] = set()
    for n, entry in enumerate(entries):
        key = f"scenarios[{n}]"
        if not isinstance(entry, Mapping):
            problems.add(key, entry, "a mapping")
            continue
        sid = str(entry.get("id", ""))
        key = f"scenarios[{n}] (id {sid})" if sid else key
        missing = sorted(SCENARIO_KEYS - set(map(str, entry)))
        unknown = sorted(set(map(str, entry)) - SCENARIO_KEYS)
        if missing:
            problems.add(key, f"missing {missing}", f"keys {sorted(SCENARIO_KEYS)}")
        if unknown:
            problems.add(key, f"unknown {unknown}", f"only keys {sorted(SCENARIO_KEYS)}")
        if sid in seen or sid == BASELINE or not sid:
            problems.add(f"{key}.id", sid, f"a unique, non-empty id other than {BASELINE!r}")
        seen.add(sid)
        label = _labels(entry.get("label"), f"{key}.label", problems)
        rationale = entry.get("rationale")
        if isinstance(rationale, Mapping):
            rationale = _labels(rationale, f"{key}.rationale", problems)
        elif not isinstance(rationale, str) or not rationale.strip():
            problems.add(f"{key}.rationale", rationale, "a non-empty text or {en, kk, ru}")
        borrows = entry.get("borrows_from")
        if borrows not in BORROWABLE:
            problems.add(f"{key}.borrows_from", borrows, f"one of {list(BORROWABLE)}")
        raw_changes = entry.get("changes")
        changes: list[Change] = []
        if not isinstance(raw_changes, list) or not raw_changes:
            problems.add(f"{key}.changes", raw_changes, "a non-empty list of changes")
        else:
            for m, item in enumerate(raw_changes):
                change = _change(
                    item, f"{key}.changes[{m}]", scales, jurisdiction, problems, classes
                )
                if change is None:
                    continue
                if change.action == "add_unit":
                    clash = sorted(set(change.unit_ids) & added)
                    if clash:
                        problems.add(f"{key}.changes[{m}].add_unit", clash, "ids unique in file")
                    added.update(change.unit_ids)
                changes.append(change)
        out.append(Scenario(sid, label, rationale or "", str(borrows), tuple(changes)))
    if problems.items:
        raise DataValidationError(problems.items)
    return tuple(out)


def apply_scenario(
    values: pd.DataFrame,
    scenario: Scenario,
    *,
    membership: pd.DataFrame | None = None,
    origin: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Apply a scenario's changes to units x indicators values (and to the system membership).

    Added units get the scenario's values (other indicators missing) and join ``origin``'s
    system in ``membership`` (coverage 1 when a coverage column exists).

    Raises
    ------
    JoinError
        A ``set`` unit that is not a row of ``values``, or an added unit that already is.
    """
    out = values.copy()
    members = membership.copy() if membership is not None else None
    for change in scenario.changes:
        unknown_cols = sorted(set(change.new_values) - set(map(str, out.columns)))
        if unknown_cols:
            raise JoinError(f"scenario {scenario.id}: indicators {unknown_cols} not in the data")
        if change.action == "set":
            absent = [u for u in change.unit_ids if u not in out.index]
            if absent:
                raise JoinError(f"scenario {scenario.id}: units {absent} not in the data")
            for code, value in change.new_values.items():
                out.loc[list(change.unit_ids), code] = value
            continue
        present = [u for u in change.unit_ids if u in out.index]
        if present:
            raise JoinError(f"scenario {scenario.id}: units {present} already exist")
        new = pd.DataFrame(np.nan, index=list(change.unit_ids), columns=out.columns)
        for code, value in change.new_values.items():
            new[code] = value
        out = pd.concat([out, new])
        if members is not None:
            if origin is None:
                raise SpecificationError("apply_scenario: adding a unit needs the origin system")
            rows = pd.DataFrame({"system_id": origin, "unit_id": list(change.unit_ids)})
            if "coverage" in members.columns:
                rows["coverage"] = 1.0
            members = pd.concat([members, rows], ignore_index=True)
    return out, members


@dataclass(frozen=True)
class ScenarioResult:
    """Scenario outcomes on common draws (baseline first).

    Attributes
    ----------
    summary
        Per scenario: index and rank of the origin system (nominal, median, 5-95%), median
        change of the index against the baseline, and ``p_best`` (share of draws in which the
        scenario gives the origin its highest index among the scenarios, ties split).
    gaps
        Per scenario, model and dimension: median gap, nominal gap, and ``closed`` (median of
        the per-draw baseline gap minus scenario gap) and ``closed_share`` (nominal closed /
        nominal baseline gap, NaN when the baseline gap is not positive).
    ordering
        Scenarios x scenarios: probability that the row scenario gives a higher origin index
        than the column scenario.
    index_draws
        Draws x scenarios origin index.
    """

    summary: pd.DataFrame
    gaps: pd.DataFrame
    ordering: pd.DataFrame
    index_draws: pd.DataFrame


def _run_one(
    prep: dr.Prepared, plan: dr.Plan, pinned: dict[tuple[str, str], float], chunk_size: int
) -> tuple[np.ndarray, np.ndarray]:
    cells = plan.cell_values.copy()
    for j, (u, i) in enumerate(
        zip(prep.coding.cells["unit_id"], prep.coding.cells["indicator_id"], strict=True)
    ):
        if (u, i) in pinned:
            cells[:, j] = pinned[(u, i)]
    plan = dr.Plan(plan.weight_factors, plan.normalise, plan.aggregate, cells)
    scores = dr.run(prep, plan, chunk_size=chunk_size, dtype=np.float32)
    nominal = dr.run(prep, dr.nominal_plan(prep))
    return scores, nominal[0]


def evaluate_scenarios(
    values: pd.DataFrame,
    meta: pd.DataFrame,
    scenarios: Sequence[Scenario],
    *,
    membership: pd.DataFrame,
    origin: str,
    n_draws: int,
    rng: np.random.Generator,
    models: Sequence[str] | None = None,
    options: dr.IndexOptions | None = None,
    coding: dr.CodingUncertainty | None = None,
    chunk_size: int = 500,
) -> ScenarioResult:
    """Score the baseline and every scenario on the same Monte Carlo draws.

    Parameters are those of :func:`policingstudy.methods.index.uncertainty.monte_carlo`, plus the
    validated ``scenarios``. The origin's rank is among systems (1 = highest index).
    """
    check_draws(n_draws)
    options = options or dr.IndexOptions()
    base = dr.prepare(values, meta, options, membership=membership, coding=coding)
    chosen = check_origin(base, origin, models)
    u = rng.random((int(n_draws), base.n_inputs))
    plan = dr.plan_from_unit(base, u)
    hierarchy = base.hierarchy
    k = hierarchy.aggregates.index(hierarchy.top[0])
    dims = [
        hierarchy.aggregates.index(d) for d in hierarchy.dimensions if d in hierarchy.aggregates
    ]
    dim_codes = [hierarchy.aggregates[j] for j in dims]
    ids = [BASELINE, *[s.id for s in scenarios]]
    index, rank, gap = {}, {}, {}
    nominal_index, nominal_rank, nominal_gap = {}, {}, {}
    for sid, scenario in zip(ids, [None, *scenarios], strict=True):
        vals: pd.DataFrame = values
        members: pd.DataFrame | None = membership
        pinned: dict[tuple[str, str], float] = {}
        if scenario is not None:
            vals, members = apply_scenario(values, scenario, membership=membership, origin=origin)
            for change in scenario.changes:
                for unit in change.unit_ids:
                    pinned.update({(unit, c): v for c, v in change.new_values.items()})
        prep = dr.prepare(vals, meta, options, membership=members, coding=coding)
        scores, nominal = _run_one(prep, plan, pinned, chunk_size)
        rows = list(prep.row_ids)
        o, m = rows.index(origin), [rows.index(x) for x in chosen]
        kinds = ["unit"] * len(prep.unit_ids) + ["system"] * (len(rows) - len(prep.unit_ids))
        index[sid] = scores[:, o, k].astype(float)
        rank[sid] = group_ranks(scores[:, :, k], kinds)[:, o]
        gap[sid] = (scores[:, m][:, :, dims] - scores[:, [o]][:, :, dims]).astype(float)
        nominal_index[sid] = nominal[o, k]
        nominal_rank[sid] = group_ranks(nominal[None, :, k], kinds)[0, o]
        nominal_gap[sid] = nominal[m][:, dims] - nominal[[o]][:, dims]
    return _collect(
        ids,
        scenarios,
        index,
        rank,
        gap,
        nominal_index,
        nominal_rank,
        nominal_gap,
        chosen,
        dim_codes,
    )


def _collect(
    ids: list[str],
    scenarios: Sequence[Scenario],
    index: dict[str, np.ndarray],
    rank: dict[str, np.ndarray],
    gap: dict[str, np.ndarray],
    nominal_index: dict[str, float],
    nominal_rank: dict[str, float],
    nominal_gap: dict[str, np.ndarray],
    models: Sequence[str],
    dims: Sequence[str],
) -> ScenarioResult:
    draws = pd.DataFrame(index)
    lo, hi = PERCENTILES
    matrix = draws.to_numpy()
    best = matrix.max(axis=1, keepdims=True)
    winners = matrix == best
    p_best = (winners / winners.sum(axis=1, keepdims=True)).mean(axis=0)
    labels = {s.id: s.label.get("en", s.id) for s in scenarios}
    borrows = {s.id: s.borrows_from for s in scenarios}
    summary = pd.DataFrame(
        {
            "scenario_id": ids,
            "label_en": [labels.get(i, i) for i in ids],
            "borrows_from": [borrows.get(i, "") for i in ids],
            "index_nominal": [nominal_index[i] for i in ids],
            "index_median": [np.median(index[i]) for i in ids],
            "index_p05": [np.percentile(index[i], lo) for i in ids],
            "index_p95": [np.percentile(index[i], hi) for i in ids],
            "change_median": [np.median(index[i] - index[BASELINE]) for i in ids],
            "rank_nominal": [nominal_rank[i] for i in ids],
            "rank_median": [np.percentile(rank[i], 50, method="inverted_cdf") for i in ids],
            "rank_p05": [np.percentile(rank[i], lo, method="inverted_cdf") for i in ids],
            "rank_p95": [np.percentile(rank[i], hi, method="inverted_cdf") for i in ids],
            "p_best": p_best,
        }
    )
    rows = []
    for sid in ids:
        closed = gap[BASELINE] - gap[sid]
        for a, model in enumerate(models):
            for b, dim in enumerate(dims):
                base_nominal = nominal_gap[BASELINE][a, b]
                closed_nominal = base_nominal - nominal_gap[sid][a, b]
                rows.append(
                    {
                        "scenario_id": sid,
                        "model": model,
                        "dimension": dim,
                        "gap_nominal": nominal_gap[sid][a, b],
                        "gap_median": float(np.nanmedian(gap[sid][:, a, b])),
                        "closed_nominal": closed_nominal,
                        "closed_median": float(np.nanmedian(closed[:, a, b])),
                        "closed_share": closed_nominal / base_nominal
                        if base_nominal > 0
                        else np.nan,
                    }
                )
    ordering = pd.DataFrame(
        [[float(np.mean(index[r] > index[c])) for c in ids] for r in ids], index=ids, columns=ids
    )
    return ScenarioResult(summary, pd.DataFrame(rows), ordering, draws)
