"""Variance-based sensitivity analysis: Sobol indices with SALib (Saltelli sampling).

:func:`sobol_indices` is generic (any vectorised model of independent uniform inputs, optionally
grouped). :func:`grid_sensitivity` applies it to the construction grid of
:mod:`~.systems`: the gap between two systems' indices with respect to the grid's factors (system
construction, boundary, missing-value rule, aggregation, weights) and the coding (posterior draws
of :mod:`~.measurement`). :func:`gap_sensitivity` applies it to Kazakhstan's overall gap to each
model, ``index(model) - index(origin)``, with respect to the input groups of the uncertainty
analysis: ``weights`` (one factor per weighted code), ``normalisation`` and ``aggregation`` (the
method choice, when more than one is listed) and ``coding`` (one input per uncertain coding cell).

First-order (S1) and total-order (ST) indices use the Saltelli (2010) / Jansen estimators of
``SALib.analyze.sobol`` with bootstrap confidence intervals (``conf_level``, default 95%). The
sample has ``n_base * (k + 2)`` points for ``k`` inputs or groups; ``n_base`` should be a power
of two (Sobol' sequence).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from policingstudy.core.errors import SpecificationError
from policingstudy.methods.index import draws as dr
from policingstudy.methods.index import measurement, systems
from policingstudy.methods.index.uncertainty import check_origin


def sobol_indices(
    model: Callable[[np.ndarray], np.ndarray],
    inputs: Mapping[str, tuple[float, float]],
    *,
    n_base: int,
    rng: np.random.Generator,
    groups: Mapping[str, str] | None = None,
    n_bootstrap: int = 1000,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """First- and total-order Sobol indices of a vectorised model.

    Parameters
    ----------
    model
        Maps an ``(n, k)`` array of inputs to ``(n,)`` outputs, or ``(n, m)`` for ``m``
        outputs (indices are computed for each column).
    inputs
        ``{name: (low, high)}``: independent uniform inputs, in column order.
    n_base
        Base sample size ``N`` (a power of two).
    rng
        Seeds the scrambled Sobol' sequence and the bootstrap.
    groups
        ``{input name: group}`` to get indices per group of inputs.
    n_bootstrap
        Bootstrap resamples for the confidence intervals.
    conf_level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        ``output`` (column number), ``input`` (name or group), ``S1``, ``S1_conf``, ``ST``,
        ``ST_conf``; ``*_conf`` is the half-width of the bootstrap interval.
    """
    if n_base < 2 or n_base & (n_base - 1):
        raise SpecificationError(f"n_base: expected a power of two >= 2, got {n_base}")
    names = list(inputs)
    problem: dict[str, object] = {
        "num_vars": len(names),
        "names": names,
        "bounds": [list(map(float, inputs[n])) for n in names],
    }
    if groups is not None:
        missing = [n for n in names if n not in groups]
        if missing:
            raise SpecificationError(f"groups: no group for input(s) {missing}")
        problem["groups"] = [groups[n] for n in names]
    x = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=int(rng.integers(2**31)))
    y = np.asarray(model(x), dtype=float)
    y = y[:, None] if y.ndim == 1 else y
    if y.shape[0] != len(x):
        raise SpecificationError(f"model returned {y.shape[0]} rows for {len(x)} inputs")
    rows = []
    labels = list(dict.fromkeys(problem.get("groups", names)))  # type: ignore[call-overload]
    for j in range(y.shape[1]):
        si = sobol_analyze.analyze(
            problem,
            y[:, j],
            calc_second_order=False,
            num_resamples=n_bootstrap,
            conf_level=conf_level,
            seed=int(rng.integers(2**31)),
        )
        for i, label in enumerate(labels):
            rows.append(
                {
                    "output": j,
                    "input": label,
                    "S1": float(si["S1"][i]),
                    "S1_conf": float(si["S1_conf"][i]),
                    "ST": float(si["ST"][i]),
                    "ST_conf": float(si["ST_conf"][i]),
                }
            )
    return pd.DataFrame(rows)


def gap_sensitivity(
    values: pd.DataFrame,
    meta: pd.DataFrame,
    *,
    membership: pd.DataFrame,
    origin: str,
    n_base: int,
    rng: np.random.Generator,
    models: Sequence[str] | None = None,
    options: dr.IndexOptions | None = None,
    coding: dr.CodingUncertainty | None = None,
    n_bootstrap: int = 1000,
) -> pd.DataFrame:
    """Sobol indices of the overall gap ``index(model) - index(origin)`` per input group.

    Parameters are those of :func:`policingstudy.methods.index.uncertainty.monte_carlo`; ``n_base``
    is the Saltelli base sample (power of two). Groups with a single option (e.g. one
    normalisation) are left out.

    Returns
    -------
    pandas.DataFrame
        ``model``, ``group``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``.
    """
    prep = dr.prepare(
        values, meta, options or dr.IndexOptions(), membership=membership, coding=coding
    )
    chosen = check_origin(prep, origin, models)
    if not chosen:
        raise SpecificationError("gap_sensitivity: expected at least one model system")
    layout = prep.input_groups()
    active = [
        i
        for i, (_, group) in enumerate(layout)
        if not (group == "normalisation" and len(prep.normalise) == 1)
        and not (group == "aggregation" and len(prep.aggregate) == 1)
    ]
    if not active:
        raise SpecificationError("gap_sensitivity: no uncertain input to vary")
    rows = list(prep.row_ids)
    k = prep.hierarchy.aggregates.index(prep.hierarchy.top[0])
    o = rows.index(origin)
    m = [rows.index(x) for x in chosen]

    def model(x: np.ndarray) -> np.ndarray:
        u = np.full((len(x), prep.n_inputs), 0.0)
        u[:, active] = x
        scores = dr.run(prep, dr.plan_from_unit(prep, u))[:, :, k]
        return scores[:, m] - scores[:, [o]]

    inputs = {layout[i][0]: (0.0, 1.0) for i in active}
    groups = {layout[i][0]: layout[i][1] for i in active}
    table = sobol_indices(
        model, inputs, n_base=n_base, rng=rng, groups=groups, n_bootstrap=n_bootstrap
    )
    table.insert(0, "model", [chosen[j] for j in table.pop("output")])
    return table.rename(columns={"input": "group"})


def grid_sensitivity(
    inputs: systems.SystemInputs,
    factors: Mapping[str, Sequence[str]],
    *,
    origin: str,
    n_base: int,
    rng: np.random.Generator,
    coding: measurement.CodingModel | None = None,
    models: Sequence[str] | None = None,
    n_bootstrap: int = 1000,
) -> pd.DataFrame:
    """Sobol indices of the gap ``index(model) - index(origin)`` over the construction grid.

    Every factor of the grid is one input, uniform on ``[0, 1)`` and cut into equal parts, one
    per level (``floor(u * n_levels)``): ``system_rule``, ``boundary``, ``missing``,
    ``aggregate`` and ``weights`` (each a key of ``factors`` listing its levels). The coding is a
    group of inputs, one uniform number per group of the coding model (posterior draws of every
    coded cell, :mod:`~.measurement`). A factor with one level is left out.

    Parameters
    ----------
    inputs
        Prepared systems (:func:`policingstudy.methods.index.systems.prepare`).
    factors
        ``{factor: levels}`` for the five factors of
        :class:`~policingstudy.methods.index.systems.Construction`.
    origin
        System whose gap to every other is explained.
    n_base
        Saltelli base sample (a power of two); ``n_base * (k + 2)`` model runs for ``k``
        groups.
    rng
        Seeds the sample and the bootstrap.
    coding
        Coding model whose cells are cells of ``inputs`` (None: coding not varied).
    models
        Systems compared with the origin (default: every other system).
    n_bootstrap
        Bootstrap resamples for the confidence intervals.

    Returns
    -------
    pandas.DataFrame
        ``model``, ``factor``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``.
    """
    missing = [f for f in systems.FACTORS if f not in factors]
    if missing:
        raise SpecificationError(f"factors: missing {missing}; expected {list(systems.FACTORS)}")
    if origin not in inputs.system_ids:
        raise SpecificationError(
            f"origin {origin!r} is not a system; expected one of {inputs.system_ids}"
        )
    chosen = [s for s in inputs.system_ids if s != origin] if models is None else list(models)
    absent = [m for m in chosen if m not in inputs.system_ids]
    if absent or not chosen:
        raise SpecificationError(
            f"models {absent or chosen}: expected systems other than the origin"
        )
    active = [f for f in systems.FACTORS if len(factors[f]) > 1]
    names: list[str] = list(active)
    groups: dict[str, str] = {f: f for f in active}
    n_cells = coding.n_inputs if coding is not None and len(coding) else 0
    if n_cells:
        rows, cols = systems.cell_positions(inputs, coding.cells)  # type: ignore[union-attr]
        cell_names = [f"coding:{g}" for g in coding.groups]  # type: ignore[union-attr]
        names += cell_names
        groups.update(dict.fromkeys(cell_names, "coding"))
    if not names:
        raise SpecificationError("grid_sensitivity: no factor with more than one level")
    o = inputs.system_ids.index(origin)
    m = [inputs.system_ids.index(x) for x in chosen]
    fixed = {f: factors[f][0] for f in systems.FACTORS}

    def model(x: np.ndarray) -> np.ndarray:
        level = {f: np.zeros(len(x), dtype=int) for f in systems.FACTORS}
        for j, f in enumerate(active):
            level[f] = np.minimum((x[:, j] * len(factors[f])).astype(int), len(factors[f]) - 1)
        out = np.full((len(x), len(m)), np.nan)
        keys = np.stack([level[f] for f in systems.FACTORS], axis=1)
        for key in np.unique(keys, axis=0):
            sel = np.flatnonzero((keys == key).all(axis=1))
            choice = {
                f: factors[f][int(k)] if f in active else fixed[f]
                for f, k in zip(systems.FACTORS, key, strict=True)
            }
            construction = systems.Construction(**choice)  # type: ignore[arg-type]
            if n_cells:
                values = coding.draw(x[sel, len(active) :])  # type: ignore[union-attr]
                body = systems.with_cells(inputs, rows, cols, values)
            else:
                body = np.repeat(inputs.matrix[None], len(sel), axis=0)
            index = systems.score(inputs, construction, body).index
            out[sel] = index[:, m] - index[:, [o]]
        return out

    table = sobol_indices(
        model,
        dict.fromkeys(names, (0.0, 1.0)),
        n_base=n_base,
        rng=rng,
        groups=groups,
        n_bootstrap=n_bootstrap,
    )
    table.insert(0, "model", [chosen[j] for j in table.pop("output")])
    return table.rename(columns={"input": "factor"})
