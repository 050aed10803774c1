"""A SIMULATION study: TWFE versus Callaway & Sant'Anna on a real adoption schedule.

Nothing here is observed data. Given a real schedule (unit → first year of adoption, 0 =
never) and a range of years, outcomes are *simulated* as

    simulated_outcome[i, t] = unit_effect[i] + year_effect[t] + tau[i, t] + noise[i, t],
    tau[i, t] = (effect + dynamic * (t - g_i)) * cohort_factor(g_i)   for t >= g_i > 0,

with unit and year effects and noise drawn from normal distributions by the caller's ``rng``.
Effects grow with exposure (``dynamic``) and differ across cohorts (earliest cohort ×
``1 + cohort_spread``, latest × ``1 - cohort_spread``): the setting in which static TWFE is
biased by "forbidden" comparisons of later with earlier adopters.

The estimand is Callaway & Sant'Anna's *simple* ATT: the average true effect over the
post-adoption (g, t) cells that the estimator identifies, cells weighted by cohort size. Both
estimators are judged against it (bias, RMSE, coverage of the 95% interval, rejection rate of
"no effect", i.e. power). TWFE is computed for all replications at once (arrays); CS runs
per replication through :func:`policingstudy.methods.causal.did.att_gt` with ``est_method="reg"``:
without covariates the doubly robust, IPW and outcome-regression estimators coincide (same
ATT(g,t) and analytic SEs; checked on mpdta in ``tests/test_did.py``), and "reg" skips a
logistic fit per cell (about 20 times faster).
"""

from __future__ import annotations

import time as timer
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from policingstudy.core.errors import PanelError, SpecificationError
from policingstudy.methods.causal.did import Control, att_gt
from policingstudy.methods.causal.twfe import demean_two_way_balanced, fixest_small_sample

# moderndid warns on every replication of a small panel; the summary reports what matters.
_EXPECTED_WARNINGS = (
    "Be aware that there are some small groups",
    "Not returning pre-test Wald statistic",
)


@dataclass(frozen=True)
class SimulationDesign:
    """Parameters of the simulated data-generating process (all effects in outcome units).

    Attributes
    ----------
    effect
        Effect in the adoption year.
    dynamic
        Added effect per further year of exposure.
    cohort_spread
        Earliest cohort's effect is scaled by ``1 + cohort_spread``, latest by
        ``1 - cohort_spread``, linear in adoption year in between.
    unit_sd, year_sd, noise_sd
        Standard deviations of unit effects, year effects and idiosyncratic noise.
    """

    effect: float = 0.1
    dynamic: float = 0.05
    cohort_spread: float = 0.5
    unit_sd: float = 1.0
    year_sd: float = 0.5
    noise_sd: float = 0.1


def fit_schedule_to_years(
    schedule: Mapping[Hashable, int], years: Sequence[int]
) -> tuple[dict[Hashable, int], dict[str, list[Hashable]]]:
    """Recode a real adoption schedule to a year window.

    Adoptions after the last year become 0 (not treated within the window); units that adopted
    in or before the first year have no pre-period and are removed.

    Parameters
    ----------
    schedule
        Unit → first year of adoption, 0 = never.
    years
        The window.

    Returns
    -------
    tuple of dict
        The recoded schedule and ``{"recoded_to_never": [...], "dropped_treated_at_start": [...]}``.
    """
    first, last = min(years), max(years)
    recoded = [u for u, g in schedule.items() if g > last]
    dropped = [u for u, g in schedule.items() if 0 < g <= first]
    fitted = {u: (0 if g > last else int(g)) for u, g in schedule.items() if u not in dropped}
    return fitted, {"recoded_to_never": recoded, "dropped_treated_at_start": dropped}


def _validate(
    schedule: Mapping[Hashable, int], years: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    years_arr = np.asarray(list(years), dtype=int)
    if len(years_arr) < 2 or np.any(np.diff(years_arr) != 1):
        raise SpecificationError(
            f"simulation: years {list(years_arr)}; expected at least two consecutive years"
        )
    groups = np.asarray(list(schedule.values()), dtype=int)
    bad = [u for u, g in schedule.items() if g != 0 and not years_arr[0] < g <= years_arr[-1]]
    if bad:
        raise PanelError(
            f"simulation: {len(bad)} unit(s) adopt outside ({years_arr[0]}, {years_arr[-1]}], "
            f"e.g. {[(u, schedule[u]) for u in bad[:5]]}; expected 0 or a year with a pre-period "
            "(use fit_schedule_to_years)"
        )
    if not (groups > 0).any():
        raise PanelError("simulation: no unit adopts within the years; expected at least one")
    return groups, years_arr


def true_effects(groups: np.ndarray, years: np.ndarray, design: SimulationDesign) -> np.ndarray:
    """Return the ``(units, years)`` array of simulated true effects ``tau``.

    Parameters
    ----------
    groups
        First year of adoption of each unit (0 = never).
    years
        The years.
    design
        Effect sizes.

    Returns
    -------
    numpy.ndarray
        Zero before adoption and for never-adopters.
    """
    cohorts = np.unique(groups[groups > 0])
    if len(cohorts) > 1:
        position = (groups - cohorts[0]) / (cohorts[-1] - cohorts[0])
    else:
        position = np.full(len(groups), 0.5)
    factor = 1 + design.cohort_spread * (1 - 2 * position)
    exposure = years[None, :] - groups[:, None]
    treated = (groups[:, None] > 0) & (exposure >= 0)
    return np.where(treated, (design.effect + design.dynamic * exposure) * factor[:, None], 0.0)


def simulate_outcomes(
    groups: np.ndarray,
    years: np.ndarray,
    *,
    design: SimulationDesign,
    replications: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Draw ``(replications, units, years)`` simulated outcomes.

    Parameters
    ----------
    groups, years
        Adoption year per unit (0 = never) and the years.
    design
        The data-generating process.
    replications
        Number of simulated panels.
    rng
        Random generator.

    Returns
    -------
    numpy.ndarray
        Simulated outcomes.
    """
    n_units, n_years = len(groups), len(years)
    unit_fx = rng.normal(0.0, design.unit_sd, (replications, n_units, 1))
    year_fx = rng.normal(0.0, design.year_sd, (replications, 1, n_years))
    noise = rng.normal(0.0, design.noise_sd, (replications, n_units, n_years))
    return unit_fx + year_fx + noise + true_effects(groups, years, design)[None]


def simulate_panel(
    schedule: Mapping[Hashable, int],
    years: Sequence[int],
    *,
    rng: np.random.Generator,
    design: SimulationDesign | None = None,
) -> pd.DataFrame:
    """Return one SIMULATED long panel on a real adoption schedule.

    Parameters
    ----------
    schedule
        Unit → first year of adoption (0 = never), each inside ``years`` with a pre-period.
    years
        Consecutive years.
    rng
        Random generator.
    design
        Data-generating process (defaults of :class:`SimulationDesign` if None).

    Returns
    -------
    pandas.DataFrame
        Columns ``unit``, ``year``, ``first_treat``, ``simulated_outcome``,
        ``simulated_true_effect``.
    """
    design = design or SimulationDesign()
    groups, years_arr = _validate(schedule, years)
    y = simulate_outcomes(groups, years_arr, design=design, replications=1, rng=rng)[0]
    return _long(list(schedule), groups, years_arr, y, true_effects(groups, years_arr, design))


def _long(
    units: list[Hashable], groups: np.ndarray, years: np.ndarray, y: np.ndarray, tau: np.ndarray
) -> pd.DataFrame:
    n_units, n_years = y.shape
    return pd.DataFrame(
        {
            "unit": np.repeat(np.asarray(units, dtype=object), n_years),
            "year": np.tile(years, n_units),
            "first_treat": np.repeat(groups, n_years),
            "simulated_outcome": y.ravel(),
            "simulated_true_effect": tau.ravel(),
        }
    )


def twfe_balanced(y: np.ndarray, treated: np.ndarray, *, alpha: float = 0.05) -> pd.DataFrame:
    """Fit static TWFE with unit-clustered SEs to many balanced panels at once.

    Same estimator and fixest small-sample correction as
    :func:`policingstudy.methods.causal.twfe.twfe` with ``cov="clustered"``.

    Parameters
    ----------
    y
        Outcomes, shape ``(replications, units, years)``.
    treated
        0/1 treatment, shape ``(units, years)``.
    alpha
        Interval level ``1 - alpha``, t with G - 1 degrees of freedom.

    Returns
    -------
    pandas.DataFrame
        One row per replication: ``estimate``, ``se``, ``ci_low``, ``ci_high``.
    """
    _, n_units, n_years = y.shape
    d_dd = demean_two_way_balanced(treated.astype(float))
    y_dd = demean_two_way_balanced(y)
    sxx = float((d_dd**2).sum())
    beta = (y_dd * d_dd).sum(axis=(1, 2)) / sxx
    resid = y_dd - beta[:, None, None] * d_dd
    scores = (resid * d_dd).sum(axis=2)
    factor = fixest_small_sample(n_units * n_years, n_units, 1, n_years)
    se = np.sqrt(factor * (scores**2).sum(axis=1)) / sxx
    crit = stats.t.ppf(1 - alpha / 2, n_units - 1)
    return pd.DataFrame(
        {"estimate": beta, "se": se, "ci_low": beta - crit * se, "ci_high": beta + crit * se}
    )


@dataclass(frozen=True)
class SimulationStudy:
    """Results of the SIMULATION study (simulated outcomes, real adoption schedule).

    Attributes
    ----------
    summary
        One row per estimator (``twfe``, ``callaway_santanna``): ``simulated_target`` (true
        simple ATT), ``mean_estimate``, ``bias``, ``rmse``, ``sd``, ``mean_se``,
        ``coverage`` (share of intervals containing the target), ``rejection_rate`` (share
        excluding 0), ``replications``, ``seconds``.
    replications
        One row per replication and estimator: ``replication``, ``estimator``, ``estimate``,
        ``se``, ``ci_low``, ``ci_high``.
    simulated_target
        The true simple ATT of the design on this schedule.
    design, n_units, n_years, n_treated_units, control, alpha
        The setting.
    """

    summary: pd.DataFrame
    replications: pd.DataFrame
    simulated_target: float
    design: SimulationDesign
    n_units: int
    n_years: int
    n_treated_units: int
    control: Control
    alpha: float


def simulation_study(
    schedule: Mapping[Hashable, int],
    years: Sequence[int],
    *,
    rng: np.random.Generator,
    design: SimulationDesign | None = None,
    replications: int = 200,
    control: Control = "never",
    alpha: float = 0.05,
    chunk: int = 50,
) -> SimulationStudy:
    """Compare TWFE and Callaway & Sant'Anna on SIMULATED outcomes over a real schedule.

    Parameters
    ----------
    schedule
        Unit → first year of adoption (0 = never); see :func:`fit_schedule_to_years`.
    years
        Consecutive years of the panel.
    rng
        Random generator (all draws).
    design
        Data-generating process (defaults of :class:`SimulationDesign` if None).
    replications
        Number of simulated panels R.
    control
        Comparison group of Callaway & Sant'Anna.
    alpha
        Intervals at level ``1 - alpha``.
    chunk
        Replications simulated at once (memory: chunk × units × years floats).

    Returns
    -------
    SimulationStudy
        Summary table (bias, RMSE, coverage, rejection rate, time) and per-replication rows.

    Raises
    ------
    SpecificationError
        If ``replications`` or ``chunk`` is not positive, or the years are not consecutive.
    PanelError
        If an adoption year lies outside the window.
    """
    if replications < 1 or chunk < 1:
        raise SpecificationError(
            f"simulation_study: replications={replications}, chunk={chunk}; expected positive"
        )
    design = design or SimulationDesign()
    groups, years_arr = _validate(schedule, years)
    units = list(schedule)
    tau = true_effects(groups, years_arr, design)
    treated = (groups[:, None] > 0) & (years_arr[None, :] >= groups[:, None])
    twfe_rows, cs_rows = [], []
    seconds = {"twfe": 0.0, "callaway_santanna": 0.0}
    cells = pd.DataFrame()
    for start in range(0, replications, chunk):
        size = min(chunk, replications - start)
        y = simulate_outcomes(groups, years_arr, design=design, replications=size, rng=rng)
        clock = timer.perf_counter()
        twfe_rows.append(twfe_balanced(y, treated, alpha=alpha))
        seconds["twfe"] += timer.perf_counter() - clock
        for rep in range(size):
            panel = _long(units, groups, years_arr, y[rep], tau)
            clock = timer.perf_counter()
            with warnings.catch_warnings():
                for message in _EXPECTED_WARNINGS:
                    warnings.filterwarnings("ignore", message=message, category=UserWarning)
                fit = att_gt(
                    panel,
                    y="simulated_outcome",
                    unit="unit",
                    time="year",
                    group="first_treat",
                    control=control,
                    est_method="reg",
                    alpha=alpha,
                )
            agg = fit.aggregate("simple")
            seconds["callaway_santanna"] += timer.perf_counter() - clock
            cs_rows.append((agg.att, agg.se, agg.ci_low, agg.ci_high))
            if cells.empty:
                cells = fit.attgt
    target = _simple_target(cells, groups, years_arr, tau)
    per_rep = pd.concat(
        [
            pd.concat(twfe_rows, ignore_index=True).assign(estimator="twfe"),
            pd.DataFrame(cs_rows, columns=["estimate", "se", "ci_low", "ci_high"]).assign(
                estimator="callaway_santanna"
            ),
        ],
        ignore_index=True,
    )
    per_rep.insert(0, "replication", np.tile(np.arange(replications), 2))
    summary = _summarise(per_rep, target, seconds)
    return SimulationStudy(
        summary=summary,
        replications=per_rep,
        simulated_target=target,
        design=design,
        n_units=len(groups),
        n_years=len(years_arr),
        n_treated_units=int((groups > 0).sum()),
        control=control,
        alpha=alpha,
    )


def _simple_target(
    cells: pd.DataFrame, groups: np.ndarray, years: np.ndarray, tau: np.ndarray
) -> float:
    """Return the true simple ATT over the estimated post-adoption cells (cohort-size weights)."""
    post = cells[(cells["time"] >= cells["group"]) & cells["att"].notna()]
    total, weight = 0.0, 0.0
    for g, t in post[["group", "time"]].itertuples(index=False):
        members = groups == g
        total += members.sum() * tau[members, years == t].mean()
        weight += members.sum()
    return total / weight


def _summarise(per_rep: pd.DataFrame, target: float, seconds: dict[str, float]) -> pd.DataFrame:
    rows = []
    for name in ("twfe", "callaway_santanna"):
        r = per_rep[per_rep["estimator"] == name]
        err = r["estimate"] - target
        rows.append(
            {
                "estimator": name,
                "simulated_target": target,
                "mean_estimate": r["estimate"].mean(),
                "bias": err.mean(),
                "rmse": float(np.sqrt((err**2).mean())),
                "sd": r["estimate"].std(ddof=1) if len(r) > 1 else float("nan"),
                "mean_se": r["se"].mean(),
                "coverage": ((r["ci_low"] <= target) & (target <= r["ci_high"])).mean(),
                "rejection_rate": ((r["ci_low"] > 0) | (r["ci_high"] < 0)).mean(),
                "replications": len(r),
                "seconds": seconds[name],
            }
        )
    return pd.DataFrame(rows)
