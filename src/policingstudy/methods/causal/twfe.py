"""Two-way fixed effects: static TWFE, a binned event study and the Goodman-Bacon decomposition.

Estimation is :class:`linearmodels.PanelOLS` with entity and time effects. Three covariances:

``clustered`` (default)
    Clustered by unit with the small-sample correction of R ``fixest``'s default
    (``ssc(adj = TRUE, fixef.K = "nested", cluster.adj = TRUE)``)::

        V = G / (G - 1) * (n - 1) / (n - K) * V_sandwich,   K = k + T

    where G is the number of units, n the observations, k the regressors and T the periods:
    the unit effects are nested in the unit clusters and not counted, the T time effects
    are. On mpdta this reproduces fixest's printed SE 0.013265 (t = -2.75526); linearmodels'
    own ``debiased``/``group_debias`` options count all unit effects when both effects are in
    the model and give 0.01483.
``driscoll_kraay``
    linearmodels' kernel (Driscoll-Kraay) covariance: Bartlett kernel over the per-period sums
    of the scores, scaled by n / (n - k - (G + T - 1)) (``debiased=True``, effects counted).
``unadjusted``
    linearmodels' default homoskedastic covariance (``debiased=True``, effects counted).

Intervals and p-values use Student t with G - 1 (clustered), T - 1 (Driscoll-Kraay) or the
residual degrees of freedom (unadjusted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import pandas as pd
from scipy import sparse, stats

from policingstudy.core.errors import PanelError, SpecificationError
from policingstudy.core.types import check_option
from policingstudy.methods.causal.did import check_panel

if TYPE_CHECKING:
    from linearmodels.panel.results import PanelEffectsResults

CovType = Literal["clustered", "driscoll_kraay", "unadjusted"]


def treatment_indicator(df: pd.DataFrame, *, time: str, group: str) -> pd.Series:
    """Return ``1`` where the unit is treated (``group > 0`` and ``time >= group``), else ``0``.

    Parameters
    ----------
    df
        Panel with the period and first-treated-period columns.
    time, group
        Column names; ``group`` is ``0`` for never-treated units.

    Returns
    -------
    pandas.Series
        Float 0/1 indicator, aligned with ``df``.
    """
    return ((df[group] > 0) & (df[time] >= df[group])).astype(float)


def fixest_small_sample(n_obs: int, n_clusters: int, n_regressors: int, n_periods: int) -> float:
    """Return fixest's default clustered small-sample factor with unit effects nested.

    Parameters
    ----------
    n_obs, n_clusters, n_regressors, n_periods
        n, G, k and T.

    Returns
    -------
    float
        ``G / (G - 1) * (n - 1) / (n - k - T)``.
    """
    k_total = n_regressors + n_periods
    return n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - k_total)


def demean_two_way(
    values: np.ndarray,
    unit_codes: np.ndarray,
    time_codes: np.ndarray,
    *,
    tol: float = 1e-13,
    max_iter: int = 10_000,
) -> np.ndarray:
    """Project unit and time effects out of the columns of ``values``.

    Alternating demeaning (exact after one pass for a balanced panel).

    Parameters
    ----------
    values
        Array of shape ``(n,)`` or ``(n, m)``.
    unit_codes, time_codes
        Integer codes ``0..G-1`` and ``0..T-1`` of each row.
    tol, max_iter
        Stop when the largest change is below ``tol`` times (1 + the largest absolute value),
        or after ``max_iter`` passes.

    Returns
    -------
    numpy.ndarray
        Residuals of the two-way fixed-effects projection, same shape as ``values``.
    """
    out = np.array(values, dtype=float, copy=True)
    flat = out.reshape(len(out), -1)
    by_unit, by_time = _Means(unit_codes), _Means(time_codes)
    scale = 1.0 + np.abs(flat).max(initial=0.0)
    for _ in range(max_iter):
        change = by_unit.of(flat)
        flat -= change[unit_codes]
        shift = by_time.of(flat)
        flat -= shift[time_codes]
        if max(np.abs(change).max(initial=0.0), np.abs(shift).max(initial=0.0)) < tol * scale:
            break
    return flat.reshape(out.shape)


class _Means:
    """Group means of the columns of an ``(n, m)`` array, by sparse membership matrix."""

    def __init__(self, codes: np.ndarray) -> None:
        n, n_groups = len(codes), int(codes.max()) + 1
        self.member_t = sparse.csr_array((np.ones(n), (codes, np.arange(n))), shape=(n_groups, n))
        self.sizes = np.bincount(codes, minlength=n_groups)[:, None]

    def of(self, flat: np.ndarray) -> np.ndarray:
        return (self.member_t @ flat) / self.sizes


@dataclass(frozen=True)
class TwfeResult:
    """A fitted two-way fixed-effects regression.

    Attributes
    ----------
    table
        One row per regressor: ``term``, ``coef``, ``se``, ``t``, ``pvalue``, ``ci_low``,
        ``ci_high``.
    vcov
        Covariance of the coefficients (after the small-sample correction).
    n_obs, n_units, n_periods
        Rows, units and periods used.
    n_obs_dropped, n_units_dropped, dropped
        Given minus used, and reason → ``(units, rows)``.
    cov, small_sample, df_inference
        Covariance type, the correction applied (text) and the t degrees of freedom.
    alpha
        Interval level ``1 - alpha``.
    raw
        linearmodels' fitted ``PanelEffectsResults`` (its covariance is before the
        small-sample correction).
    """

    table: pd.DataFrame
    vcov: pd.DataFrame
    n_obs: int
    n_units: int
    n_periods: int
    n_obs_dropped: int
    n_units_dropped: int
    dropped: dict[str, tuple[int, int]]
    cov: CovType
    small_sample: str
    df_inference: int
    alpha: float
    raw: PanelEffectsResults = field(repr=False)

    def coef(self, term: str) -> float:
        """Return the coefficient of ``term``."""
        return float(self.table.set_index("term")["coef"].loc[term])

    def se(self, term: str) -> float:
        """Return the standard error of ``term``."""
        return float(self.table.set_index("term")["se"].loc[term])


def twfe(
    df: pd.DataFrame,
    *,
    y: str,
    x: Sequence[str],
    unit: str,
    time: str,
    constant: bool = False,
    cov: CovType = "clustered",
    bandwidth: float | None = None,
    alpha: float = 0.05,
) -> TwfeResult:
    """Fit ``y ~ x | unit + time`` with :class:`linearmodels.PanelOLS`.

    Parameters
    ----------
    df
        Long panel, one row per unit and period (need not be balanced).
    y
        Outcome column.
    x
        Regressor columns (e.g. a 0/1 treatment indicator).
    unit, time
        Unit identifier and numeric period columns (entity and time effects).
    constant
        Add an intercept (as linearmodels' ``1 +`` in formulas).
    cov
        ``clustered`` (by unit, fixest small-sample correction), ``driscoll_kraay`` or
        ``unadjusted``; see the module docstring.
    bandwidth
        Driscoll-Kraay bandwidth (linearmodels' default if None).
    alpha
        Level of the intervals is ``1 - alpha``.

    Returns
    -------
    TwfeResult
        Tidy coefficient table, covariance and counts of what was used and dropped.

    Raises
    ------
    PanelError
        If the panel fails :func:`~policingstudy.methods.causal.did.check_panel`.
    OptionError
        If ``cov`` is not an allowed value.
    SpecificationError
        If the regressors are collinear with the fixed effects.
    """
    from linearmodels import PanelOLS
    from linearmodels.panel.utility import AbsorbingEffectError

    check_option(cov, get_args(CovType), name="cov")
    checked = check_panel(df, unit=unit, time=time, outcome=y, covariates=list(x))
    data = checked.data.set_index([unit, time])
    exog = data[list(x)].astype(float)
    if constant:
        exog.insert(0, "const", 1.0)
    try:
        model = PanelOLS(data[y].astype(float), exog, entity_effects=True, time_effects=True)
        if cov == "clustered":
            raw = model.fit(
                cov_type="clustered",
                cluster_entity=True,
                debiased=False,
                auto_df=False,
                count_effects=False,
            )
        elif cov == "driscoll_kraay":
            if bandwidth is None:
                raw = model.fit(cov_type="kernel", kernel="bartlett")
            else:
                raw = model.fit(cov_type="kernel", kernel="bartlett", bandwidth=bandwidth)
        else:
            raw = model.fit()
    except (ValueError, AbsorbingEffectError) as err:
        if not isinstance(err, AbsorbingEffectError) and "rank" not in str(err):
            raise
        raise SpecificationError(
            f"twfe: regressors {list(x)} are collinear with the unit and time effects "
            f"({' '.join(str(err).split())}); expected regressors that vary within units and "
            "periods"
        ) from err
    n_obs, n_units = int(raw.nobs), int(raw.entity_info["total"])
    n_periods = int(raw.time_info["total"])
    vcov = raw.cov
    if cov == "clustered":
        factor = fixest_small_sample(n_obs, n_units, exog.shape[1], n_periods)
        vcov = vcov * factor
        small = f"G/(G-1)*(n-1)/(n-K), K = k + T = {exog.shape[1] + n_periods} (fixest default)"
        df_t = n_units - 1
    elif cov == "driscoll_kraay":
        small = "Bartlett kernel, n/(n - k - (G + T - 1)) (linearmodels debiased=True)"
        df_t = n_periods - 1
    else:
        small = "homoskedastic, n/(n - k - (G + T - 1)) (linearmodels debiased=True)"
        df_t = int(raw.df_resid)
    table = _tidy(raw.params, vcov, df_t, alpha)
    return TwfeResult(
        table=table,
        vcov=vcov,
        n_obs=n_obs,
        n_units=n_units,
        n_periods=n_periods,
        n_obs_dropped=checked.n_rows_in - n_obs,
        n_units_dropped=checked.n_units_in - n_units,
        dropped=checked.dropped,
        cov=cov,
        small_sample=small,
        df_inference=df_t,
        alpha=alpha,
        raw=raw,
    )


def _tidy(params: pd.Series, vcov: pd.DataFrame, df_t: int, alpha: float) -> pd.DataFrame:
    se = np.sqrt(np.diag(vcov.to_numpy()))
    coef = params.to_numpy(dtype=float)
    tstat = coef / se
    crit = stats.t.ppf(1 - alpha / 2, df_t)
    return pd.DataFrame(
        {
            "term": list(params.index),
            "coef": coef,
            "se": se,
            "t": tstat,
            "pvalue": 2 * stats.t.sf(np.abs(tstat), df_t),
            "ci_low": coef - crit * se,
            "ci_high": coef + crit * se,
        }
    )


@dataclass(frozen=True)
class WaldTest:
    """A joint test that some coefficients are zero.

    Attributes
    ----------
    terms
        The coefficients tested.
    statistic
        Wald statistic ``b' V^-1 b``.
    f_statistic, df_num, df_den, pvalue
        ``statistic / df_num`` and its p-value from F(df_num, df_den).
    """

    terms: tuple[str, ...]
    statistic: float
    f_statistic: float
    df_num: int
    df_den: int
    pvalue: float


def wald_test(result: TwfeResult, terms: Sequence[str]) -> WaldTest:
    """Test jointly that ``terms`` are zero, with F(q, df_inference) reference distribution.

    Parameters
    ----------
    result
        A fitted :func:`twfe` (or event study's ``twfe``) result.
    terms
        Coefficient names.

    Returns
    -------
    WaldTest
        Statistic and p-value.

    Raises
    ------
    SpecificationError
        If a term is not in the model or none is given.
    """
    names = list(result.table["term"])
    unknown = [t for t in terms if t not in names]
    if unknown or not terms:
        raise SpecificationError(
            f"wald_test: terms {list(terms)}; expected a non-empty subset of {names}"
        )
    b = result.table.set_index("term").loc[list(terms), "coef"].to_numpy()
    v = result.vcov.loc[list(terms), list(terms)].to_numpy()
    stat = float(b @ np.linalg.solve(v, b))
    q = len(terms)
    return WaldTest(
        terms=tuple(terms),
        statistic=stat,
        f_statistic=stat / q,
        df_num=q,
        df_den=result.df_inference,
        pvalue=float(stats.f.sf(stat / q, q, result.df_inference)),
    )


@dataclass(frozen=True)
class EventStudyResult:
    """A dynamic TWFE event study with binned endpoints.

    Attributes
    ----------
    table
        One row per event time in the window: ``event_time``, ``coef``, ``se``, ``ci_low``,
        ``ci_high``, ``n_obs`` (treated-cohort rows at that event time), ``binned`` (endpoint
        that collects all earlier/later event times) and ``reference`` (normalised to 0).
    pretrend
        Joint Wald test that every lead except the reference is zero (None without leads).
    twfe
        The underlying regression.
    """

    table: pd.DataFrame
    pretrend: WaldTest | None
    twfe: TwfeResult


def event_study(
    df: pd.DataFrame,
    *,
    y: str,
    unit: str,
    time: str,
    group: str,
    window: tuple[int, int] = (-4, 4),
    reference: int = -1,
    cov: CovType = "clustered",
    alpha: float = 0.05,
) -> EventStudyResult:
    """Estimate leads and lags of adoption with unit and time effects.

    Event time is ``time - group`` for units with ``group > 0``. Event times at or below
    ``window[0]`` are pooled into the lower endpoint, those at or above ``window[1]`` into the
    upper endpoint; ``reference`` is the omitted category. Never-treated units have all
    indicators 0.

    Parameters
    ----------
    df
        Long panel.
    y, unit, time, group
        Outcome, unit, period and first-treated-period (0 = never) columns.
    window
        ``(lowest lead, highest lag)``, e.g. ``(-4, 4)``; endpoints are binned.
    reference
        Omitted event time, usually ``-1``.
    cov, alpha
        As in :func:`twfe`.

    Returns
    -------
    EventStudyResult
        Tidy table, joint pre-trend test and the regression.

    Raises
    ------
    SpecificationError
        If the window does not contain the reference, or the dummies are collinear with the
        effects (e.g. no never-treated units and no second normalisation).
    PanelError
        If the panel fails :func:`~policingstudy.methods.causal.did.check_panel`.
    """
    lo, hi = window
    if not lo < reference < 0 <= hi:
        raise SpecificationError(
            f"event_study: window={window}, reference={reference}; expected "
            "window[0] < reference < 0 <= window[1], e.g. window=(-4, 4), reference=-1"
        )
    checked = check_panel(df, unit=unit, time=time, outcome=y, group=group)
    data = checked.data.copy()
    treated = data[group] > 0
    event = (data[time] - data[group]).where(treated).clip(lower=lo, upper=hi)
    names: dict[int, str] = {}
    for e in range(lo, hi + 1):
        if e == reference:
            continue
        names[e] = f"event_{'m' if e < 0 else 'p'}{abs(e)}"
        data[names[e]] = (event == e).astype(float)
    fit = twfe(data, y=y, x=list(names.values()), unit=unit, time=time, cov=cov, alpha=alpha)
    coefs = fit.table.set_index("term")
    counts = event.value_counts()
    rows = []
    for e in range(lo, hi + 1):
        row: dict[str, object] = {"event_time": e, "n_obs": int(counts.get(e, 0))}
        if e == reference:
            row |= {"coef": 0.0, "se": 0.0, "ci_low": 0.0, "ci_high": 0.0}
        else:
            row |= {c: float(coefs[c].loc[names[e]]) for c in ("coef", "se", "ci_low", "ci_high")}
        rows.append(row | {"binned": e in (lo, hi), "reference": e == reference})
    table = pd.DataFrame(rows)[
        ["event_time", "coef", "se", "ci_low", "ci_high", "n_obs", "binned", "reference"]
    ]
    leads = [names[e] for e in range(lo, 0) if e != reference]
    pretrend = wald_test(fit, leads) if leads else None
    return EventStudyResult(table=table, pretrend=pretrend, twfe=fit)


@dataclass(frozen=True)
class BaconResult:
    """Goodman-Bacon (2021) decomposition of the static TWFE coefficient.

    Attributes
    ----------
    table
        One row per 2x2 comparison: ``treated`` and ``control`` (first-treated period,
        ``0`` = never, the first period = always treated), ``kind``, ``estimate`` (the 2x2 DiD)
        and ``weight``.
    twfe
        The TWFE coefficient on the treatment indicator, computed directly.
    weighted_sum
        ``sum(weight * estimate)``, equal to ``twfe`` up to rounding.
    n_units, n_periods
        Balanced panel size used.
    """

    table: pd.DataFrame
    twfe: float
    weighted_sum: float
    n_units: int
    n_periods: int


def bacon_decomposition(
    df: pd.DataFrame, *, y: str, unit: str, time: str, group: str
) -> BaconResult:
    """Decompose the TWFE estimate into 2x2 DiD comparisons (Goodman-Bacon 2021, Theorem 1).

    Parameters
    ----------
    df
        Balanced long panel with an absorbing binary treatment given by ``group``.
    y, unit, time, group
        Outcome, unit, period and first-treated-period (0 = never) columns. Units with
        ``group`` equal to the first period are "always treated".

    Returns
    -------
    BaconResult
        The 2x2 estimates with their weights (summing to 1).

    Raises
    ------
    PanelError
        If the panel fails :func:`~policingstudy.methods.causal.did.check_panel`, is unbalanced
        after dropping missing outcomes, or has a single timing group.
    """
    checked = check_panel(df, unit=unit, time=time, outcome=y, group=group)
    data = checked.data
    periods = np.sort(data[time].unique())
    n_periods = len(periods)
    if checked.dropped or data.groupby(unit).size().ne(n_periods).any():
        raise PanelError(
            f"bacon_decomposition: the panel is unbalanced ({checked.dropped or 'rows missing'}); "
            f"expected every unit observed with '{y}' in all {n_periods} periods"
        )
    wide = data.pivot(index=unit, columns=time, values=y).loc[:, periods]
    g_unit = data.groupby(unit)[group].first().loc[wide.index]
    d_wide = (g_unit.to_numpy()[:, None] > 0) & (periods[None, :] >= g_unit.to_numpy()[:, None])
    d_dd = demean_two_way_balanced(d_wide.astype(float))
    y_dd = demean_two_way_balanced(wide.to_numpy(dtype=float))
    beta = float((d_dd * y_dd).sum() / (d_dd**2).sum())
    var_d = float((d_dd**2).mean())

    timings = sorted(g_unit.unique(), key=lambda g: np.inf if g == 0 else g)
    if len(timings) < 2:
        raise PanelError(
            f"bacon_decomposition: a single timing group {timings}; expected at least two"
        )
    share = {g: float((g_unit == g).mean()) for g in timings}
    dbar = {g: float(d_wide[(g_unit == g).to_numpy()][0].mean()) for g in timings}
    mean_path = {g: wide.loc[(g_unit == g).to_numpy()].mean().to_numpy() for g in timings}
    rows = []
    for i, early in enumerate(timings):
        for late in timings[i + 1 :]:
            if dbar[early] == dbar[late]:
                continue
            nk, nl, dk, dl = share[early], share[late], dbar[early], dbar[late]
            n_kl = nk / (nk + nl)
            if dl < 1 and dk < 1:  # early treated, late (or never) as control before late starts
                w = ((nk + nl) * (1 - dl)) ** 2 * n_kl * (1 - n_kl)
                w *= (dk - dl) / (1 - dl) * (1 - dk) / (1 - dl) / var_d
                end = periods < late if late else np.ones(n_periods, bool)
                est = _two_by_two(mean_path[early], mean_path[late], periods >= early, end)
                kind = "treated vs never treated" if late == 0 else "earlier vs later treated"
                rows.append((early, late, kind, est, w))
            if dl > 0:  # late treated, early (already treated) as control after early starts
                w = ((nk + nl) * dk) ** 2 * n_kl * (1 - n_kl)
                w *= dl / dk * (dk - dl) / dk / var_d
                est = _two_by_two(
                    mean_path[late], mean_path[early], periods >= late, periods >= early
                )
                kind = "later vs always treated" if dk == 1 else "later vs earlier treated"
                rows.append((late, early, kind, est, w))
    table = pd.DataFrame(rows, columns=["treated", "control", "kind", "estimate", "weight"])
    return BaconResult(
        table=table,
        twfe=beta,
        weighted_sum=float((table["estimate"] * table["weight"]).sum()),
        n_units=len(wide),
        n_periods=n_periods,
    )


def demean_two_way_balanced(wide: np.ndarray) -> np.ndarray:
    """Remove row and column means from a balanced unit × period array (last two axes).

    Parameters
    ----------
    wide
        Array of shape ``(..., units, periods)``.

    Returns
    -------
    numpy.ndarray
        ``wide - row mean - column mean + grand mean``.
    """
    return (
        wide
        - wide.mean(axis=-1, keepdims=True)
        - wide.mean(axis=-2, keepdims=True)
        + wide.mean(axis=(-2, -1), keepdims=True)
    )


def _two_by_two(
    treated: np.ndarray, control: np.ndarray, post: np.ndarray, window: np.ndarray
) -> float:
    """DiD of mean paths in ``window``: (post - pre of treated) - (post - pre of control)."""
    pre, after = window & ~post, window & post
    diff = treated - control
    return float(diff[after].mean() - diff[pre].mean())
