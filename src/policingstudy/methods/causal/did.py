"""Staggered difference-in-differences: Callaway & Sant'Anna ATT(g,t) and its aggregations.

The estimator is moderndid's ``att_gt``/``aggte`` (a Python port that reproduces R ``did``),
wrapped so that

* the panel is checked *before* estimation, with a :class:`~policingstudy.core.errors.PanelError`
  that names the column, the rows and what was expected (duplicate unit-time rows, a group
  that varies within a unit, an adoption year outside the panel, an all-missing outcome,
  unknown columns);
* every row and unit that is dropped is counted, with the reason;
* standard errors are analytic (influence function, as R ``did`` with ``bstrap=FALSE``) unless
  a multiplier bootstrap is asked for with an explicit ``rng``.

:func:`check_panel` is shared with :mod:`policingstudy.methods.causal.twfe`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from policingstudy.core.errors import PanelError, SpecificationError
from policingstudy.core.types import check_option

if TYPE_CHECKING:
    from moderndid.did.container import MPResult

Control = Literal["never", "notyet"]
EstMethod = Literal["dr", "ipw", "reg"]
AggregationKind = Literal["simple", "dynamic", "group", "calendar"]
BasePeriod = Literal["varying", "universal"]

_MODERNDID_CONTROL = {"never": "nevertreated", "notyet": "notyettreated"}
_TABLE_KEY = {"dynamic": "event_time", "group": "group", "calendar": "time"}
_SHOWN = 5  # examples quoted in an error message


@dataclass(frozen=True)
class PanelCheck:
    """A checked panel and what was dropped from it.

    Attributes
    ----------
    data
        The rows kept, with the original index.
    dropped
        Reason → ``(units, rows)`` dropped for that reason.
    n_rows_in, n_units_in
        Size of the panel as given.
    """

    data: pd.DataFrame
    dropped: dict[str, tuple[int, int]]
    n_rows_in: int
    n_units_in: int


def _examples(labels: Collection[Any]) -> str:
    shown = ", ".join(str(v) for v in list(labels)[:_SHOWN])
    return shown + (f" and {len(labels) - _SHOWN} more" if len(labels) > _SHOWN else "")


def check_panel(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    group: str | None = None,
    covariates: Sequence[str] = (),
    balance: bool = False,
    drop_treated_at_start: bool = False,
) -> PanelCheck:
    """Check a long unit × time panel and drop incomplete rows, counting what goes.

    Parameters
    ----------
    df
        One row per unit and period.
    unit, time
        Unit identifier and period columns (period must be numeric, e.g. a year).
    outcome
        Outcome column; rows where it is missing are dropped (and counted).
    group
        First treated period of the unit, ``0`` for never treated. Must be constant within a
        unit and inside the panel's period range.
    covariates
        Further columns that must exist; rows with a missing value are dropped.
    balance
        Drop units not observed (with non-missing values) in every period.
    drop_treated_at_start
        Drop units whose first treated period is the panel's first period (no pre-period; R
        ``did`` drops them too).

    Returns
    -------
    PanelCheck
        The rows kept and the counts of units and rows dropped per reason.

    Raises
    ------
    PanelError
        Listing every problem found: unknown columns, missing unit or period values, a
        non-numeric period, an all-missing outcome, duplicate unit-period rows, a group that
        varies within a unit, a missing or out-of-range adoption period.
    """
    needed = [unit, time, outcome, *([group] if group else []), *covariates]
    unknown = [c for c in needed if c not in df.columns]
    if unknown:
        raise PanelError(
            f"panel: unknown column(s) {unknown}; expected columns of the data frame, "
            f"found {list(df.columns)}"
        )
    problems: list[str] = []
    for col in (unit, time):
        missing = df.index[df[col].isna()]
        if len(missing):
            problems.append(
                f"panel: column '{col}' is missing in {len(missing)} row(s) "
                f"(rows {_examples(missing)}); expected a value in every row"
            )
    numeric: list[tuple[str, str]] = [(time, "periods")]
    if group is not None:
        numeric.append((group, "first periods of treatment (0 = never)"))
    for col, what in numeric:
        if col in df and not pd.api.types.is_numeric_dtype(df[col]):
            problems.append(
                f"panel: column '{col}' has dtype {df[col].dtype}; expected numeric {what} "
                f"(e.g. integer years; convert with pd.to_numeric(df['{col}']))"
            )
    if problems:  # later checks compare periods: stop before they fail obscurely
        raise PanelError(problems)
    if df[outcome].notna().sum() == 0:
        problems.append(
            f"panel: outcome column '{outcome}' is missing in all {len(df)} rows; "
            "expected at least some observed values"
        )
    dup = df.duplicated([unit, time], keep=False)
    if dup.any():
        pairs = df.loc[dup, [unit, time]].drop_duplicates()
        shown = [
            f"({u}, {t}) at rows {_examples(df.index[(df[unit] == u) & (df[time] == t)])}"
            for u, t in pairs.head(_SHOWN).itertuples(index=False)
        ]
        problems.append(
            f"panel: {len(pairs)} ({unit}, {time}) pair(s) appear more than once, e.g. "
            f"{'; '.join(shown)}; expected one row per unit and period"
        )
    if group:
        problems += _group_problems(df, unit=unit, time=time, group=group)
    if problems:
        raise PanelError(problems)

    data = df
    dropped: dict[str, tuple[int, int]] = {}

    def drop(mask: pd.Series, reason: str) -> None:
        nonlocal data
        if mask.any():
            dropped[reason] = (int(data.loc[mask, unit].nunique()), int(mask.sum()))
            data = data.loc[~mask]

    value_cols = [outcome, *covariates]
    drop(data[value_cols].isna().any(axis=1), f"missing value in {value_cols}")
    if drop_treated_at_start and group:
        start = data[time].min()
        drop((data[group] > 0) & (data[group] <= start), f"treated in the first period {start}")
    if balance:
        n_periods = data[time].nunique()
        counts = data.groupby(unit)[time].transform("size")
        drop(counts < n_periods, f"not observed in all {n_periods} periods")
    return PanelCheck(
        data=data, dropped=dropped, n_rows_in=len(df), n_units_in=int(df[unit].nunique())
    )


def _group_problems(df: pd.DataFrame, *, unit: str, time: str, group: str) -> list[str]:
    problems: list[str] = []
    g = df[group]
    if not pd.api.types.is_numeric_dtype(g):
        return [f"panel: group column '{group}' has dtype {g.dtype}; expected numeric periods"]
    if g.isna().any():
        rows = df.index[g.isna()]
        problems.append(
            f"panel: group column '{group}' is missing in {len(rows)} row(s) (rows "
            f"{_examples(rows)}); expected the first treated period, or 0 for never treated"
        )
    n_values = df.groupby(unit)[group].nunique()
    varying = n_values.index[n_values > 1]
    if len(varying):
        shown = [
            f"{unit}={u} has {sorted(df.loc[df[unit] == u, group].unique().tolist())}"
            for u in varying[:_SHOWN]
        ]
        problems.append(
            f"panel: group column '{group}' varies within {len(varying)} unit(s), e.g. "
            f"{'; '.join(shown)}; expected one first-treated period per unit"
        )
    lo, hi = df[time].min(), df[time].max()
    outside = g.notna() & (g != 0) & ((g < lo) | (g > hi))
    if outside.any():
        values = sorted(g[outside].unique().tolist())
        problems.append(
            f"panel: group column '{group}' has first-treated period(s) {_examples(values)} "
            f"outside the panel's {time} range {lo}-{hi} (rows {_examples(df.index[outside])}); "
            f"expected 0 (never treated) or a period within the panel; recode adoptions after "
            f"{hi} as 0 and drop or re-window units treated before {lo}"
        )
    return problems


@dataclass(frozen=True)
class Aggregate:
    """An aggregation of ATT(g,t): overall estimate and per-group/event-time/period table.

    Attributes
    ----------
    kind
        ``simple``, ``dynamic``, ``group`` or ``calendar``.
    att, se, ci_low, ci_high
        The overall estimate, its analytic (or bootstrap) standard error and pointwise CI.
    table
        For ``dynamic``: columns ``event_time``; ``group``: ``group``; ``calendar``: ``time``;
        each with ``att``, ``se``, ``ci_low``, ``ci_high``. Empty for ``simple``.
    alpha
        Significance level of the intervals.
    """

    kind: AggregationKind
    att: float
    se: float
    ci_low: float
    ci_high: float
    table: pd.DataFrame
    alpha: float


@dataclass(frozen=True)
class AttGtResult:
    """Group-time average treatment effects and how they were obtained.

    Attributes
    ----------
    attgt
        One row per (group, time): ``group``, ``time``, ``event_time``, ``att``, ``se``,
        ``ci_low``, ``ci_high`` (pointwise, level ``1 - alpha``).
    n_units, n_obs
        Units and unit-period rows used by the estimator.
    n_units_dropped, n_obs_dropped
        Given minus used.
    dropped
        Reason → ``(units, rows)`` dropped before estimation.
    pretrend_wald, pretrend_pvalue
        moderndid's Wald pre-test that all pre-treatment ATT(g,t) are zero (NaN if singular).
    control, est_method, alpha, bootstrap_iterations, anticipation, base_period
        The specification.
    raw
        moderndid's ``MPResult``, kept for its aggregations (:meth:`aggregate`).
    """

    attgt: pd.DataFrame
    n_units: int
    n_obs: int
    n_units_dropped: int
    n_obs_dropped: int
    dropped: dict[str, tuple[int, int]]
    pretrend_wald: float
    pretrend_pvalue: float
    control: Control
    est_method: EstMethod
    alpha: float
    bootstrap_iterations: int
    raw: MPResult = field(repr=False)
    anticipation: int = 0
    base_period: BasePeriod = "varying"
    _rng: np.random.Generator | None = field(default=None, repr=False)

    def aggregate(self, kind: AggregationKind) -> Aggregate:
        """Aggregate ATT(g,t) as R ``did::aggte`` does.

        Parameters
        ----------
        kind
            ``simple`` (group-size weighted average of post-treatment cells), ``dynamic``
            (by event time), ``group`` (by cohort) or ``calendar`` (by period).

        Returns
        -------
        Aggregate
            Overall ``att``/``se`` and the per-key ``table``.

        Raises
        ------
        OptionError
            If ``kind`` is not one of the four.
        """
        from moderndid import aggte

        check_option(kind, get_args(AggregationKind), name="kind")
        boot = self.bootstrap_iterations > 0
        res = aggte(
            self.raw,
            type=kind,
            boot=boot,
            biters=max(self.bootstrap_iterations, 1),
            cband=False,
            alp=self.alpha,
            random_state=self._rng if boot else None,
        )
        z = stats.norm.ppf(1 - self.alpha / 2)
        att, se = float(res.overall_att), float(res.overall_se)
        if kind == "simple":
            table = pd.DataFrame(columns=["att", "se", "ci_low", "ci_high"], dtype=float)
        else:
            table = pd.DataFrame(
                {
                    _TABLE_KEY[kind]: np.asarray(res.event_times).astype(int),
                    "att": np.asarray(res.att_by_event, dtype=float),
                    "se": np.asarray(res.se_by_event, dtype=float),
                }
            )
            table["ci_low"] = table["att"] - z * table["se"]
            table["ci_high"] = table["att"] + z * table["se"]
        return Aggregate(
            kind=kind,
            att=att,
            se=se,
            ci_low=att - z * se,
            ci_high=att + z * se,
            table=table,
            alpha=self.alpha,
        )


@dataclass(frozen=True)
class DynamicCovariance:
    """Dynamic (event-time) ATTs with their joint covariance, e.g. for HonestDiD.

    Attributes
    ----------
    event_times, att
        Event times and estimates (the universal base period's -1 - anticipation is 0 and
        left out by the caller if needed).
    vcov
        ``IF' IF / n^2`` from the influence functions, as R HonestDiD's ``honest_did.AGGTEobj``.
    """

    event_times: np.ndarray
    att: np.ndarray
    vcov: np.ndarray


def dynamic_covariance(result: AttGtResult, *, min_e: int, max_e: int) -> DynamicCovariance:
    """Event-time aggregation of ``result`` between ``min_e`` and ``max_e`` and its covariance.

    Parameters
    ----------
    result
        From :func:`att_gt` (analytic standard errors).
    min_e, max_e
        Event-time window (``aggte``'s ``min_e``/``max_e``).

    Returns
    -------
    DynamicCovariance
    """
    from moderndid import aggte

    res = aggte(result.raw, type="dynamic", min_e=min_e, max_e=max_e, boot=False, cband=False)
    inf = np.asarray(res.influence_func, dtype=float)
    n = inf.shape[0]
    return DynamicCovariance(
        event_times=np.asarray(res.event_times).astype(int),
        att=np.asarray(res.att_by_event, dtype=float),
        vcov=inf.T @ inf / n / n,
    )


def att_gt(
    df: pd.DataFrame,
    *,
    y: str,
    unit: str,
    time: str,
    group: str,
    control: Control = "never",
    covariates: Sequence[str] | None = None,
    est_method: EstMethod = "dr",
    alpha: float = 0.05,
    bootstrap_iterations: int = 0,
    rng: np.random.Generator | None = None,
    anticipation: int = 0,
    base_period: BasePeriod = "varying",
) -> AttGtResult:
    """Estimate Callaway & Sant'Anna (2021) group-time average treatment effects.

    Parameters
    ----------
    df
        Long panel, one row per unit and period.
    y
        Outcome column.
    unit, time
        Unit identifier and (numeric) period columns.
    group
        First treated period of the unit; ``0`` for never treated.
    control
        ``never`` (never-treated units) or ``notyet`` (not-yet-treated units) as comparison.
    covariates
        Pre-treatment covariates for the propensity score / outcome regression, or None.
    est_method
        ``dr`` (doubly robust), ``ipw`` or ``reg``.
    alpha
        Significance level of the pointwise intervals.
    bootstrap_iterations
        0 (default) for analytic standard errors; otherwise that many multiplier-bootstrap
        draws, which needs ``rng``.
    rng
        Random generator for the bootstrap; required iff ``bootstrap_iterations > 0``.
    anticipation
        Years before adoption in which units may already react (R ``did``'s
        ``anticipation``): the comparison period of cohort g becomes ``g - 1 - anticipation``
        and not-yet-treated controls must be untreated until ``t + anticipation``.
    base_period
        ``varying`` (R ``did``'s default: each pre-period compared with the period before it)
        or ``universal`` (every period compared with ``g - 1 - anticipation``; needed for
        event-study plots read as in a regression and for HonestDiD).

    Returns
    -------
    AttGtResult
        ``attgt`` table, counts of units and rows used and dropped, and ``aggregate(kind)``.

    Raises
    ------
    PanelError
        If the panel fails :func:`check_panel`, or nothing is left after dropping.
    OptionError
        If ``control`` or ``est_method`` is not an allowed value.
    SpecificationError
        If ``alpha`` is outside (0, 1) or a bootstrap is asked for without ``rng``.

    Notes
    -----
    Rows with a missing outcome or covariate are dropped, then units not observed in every
    period (the panel is balanced, as R ``did`` does by default), then units already treated
    in the first period. moderndid may drop further periods (e.g. after the last cohort is
    treated when no never-treated units exist); those are counted in ``n_obs_dropped`` too.
    """
    from moderndid import att_gt as md_att_gt

    check_option(control, get_args(Control), name="control")
    check_option(est_method, get_args(EstMethod), name="est_method")
    check_option(base_period, get_args(BasePeriod), name="base_period")
    if isinstance(anticipation, bool) or not isinstance(anticipation, int) or anticipation < 0:
        raise SpecificationError(
            f"anticipation: expected a non-negative integer number of periods, got {anticipation!r}"
        )
    if not 0 < alpha < 1:
        raise SpecificationError(f"alpha: expected a value in (0, 1), got {alpha}")
    if bootstrap_iterations < 0 or (bootstrap_iterations > 0) != (rng is not None):
        raise SpecificationError(
            f"bootstrap_iterations={bootstrap_iterations} with rng={rng!r}: expected 0 and no "
            "rng (analytic standard errors), or a positive number and a numpy Generator"
        )
    covs = list(covariates or [])
    checked = check_panel(
        df,
        unit=unit,
        time=time,
        outcome=y,
        group=group,
        covariates=covs,
        balance=True,
        drop_treated_at_start=True,
    )
    data = checked.data
    if data.empty or (data[group] > 0).sum() == 0:
        raise PanelError(
            f"panel: after dropping {checked.dropped} no treated unit is left; expected at "
            "least one unit with a first-treated period inside the panel"
        )
    boot = bootstrap_iterations > 0
    frame = data[[unit, time, group, y, *covs]].reset_index(drop=True)
    frame[unit] = pd.factorize(frame[unit])[0]  # moderndid needs a numeric id
    raw = md_att_gt(
        data=frame,
        yname=y,
        tname=time,
        idname=unit,
        gname=group,
        xformla="~ " + " + ".join(covs) if covs else None,
        alp=alpha,
        cband=False,
        boot=boot,
        biters=max(bootstrap_iterations, 1),
        est_method=est_method,
        control_group=_MODERNDID_CONTROL[control],
        random_state=rng if boot else None,
        anticipation=anticipation,
        base_period=base_period,
    )
    z = stats.norm.ppf(1 - alpha / 2)
    table = pd.DataFrame(
        {
            "group": np.asarray(raw.groups).astype(int),
            "time": np.asarray(raw.times).astype(int),
            "att": np.asarray(raw.att_gt, dtype=float),
            "se": np.asarray(raw.se_gt, dtype=float),
        }
    )
    table.insert(2, "event_time", table["time"] - table["group"])
    table["ci_low"] = table["att"] - z * table["se"]
    table["ci_high"] = table["att"] + z * table["se"]
    n_units = int(raw.n_units)
    n_obs = int(raw.estimation_params.get("n_obs", len(data)))
    wald = raw.wald_stat
    return AttGtResult(
        attgt=table,
        n_units=n_units,
        n_obs=n_obs,
        n_units_dropped=checked.n_units_in - n_units,
        n_obs_dropped=checked.n_rows_in - n_obs,
        dropped=checked.dropped,
        pretrend_wald=float("nan") if wald is None else float(wald),
        pretrend_pvalue=float("nan") if raw.wald_pvalue is None else float(raw.wald_pvalue),
        control=control,
        est_method=est_method,
        alpha=alpha,
        bootstrap_iterations=bootstrap_iterations,
        raw=raw,
        _rng=rng,
        anticipation=anticipation,
        base_period=base_period,
    )
