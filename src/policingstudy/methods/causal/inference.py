"""Inference with few clusters: randomisation over adoption timing, and minimum detectable effects.

Randomisation (permutation) inference
    Under the sharp null of no effect for any unit, the outcomes do not depend on who adopted
    when. Reassigning the observed adoption schedule (the multiset of first-treated years,
    never-treated as 0) at random across units, refitting and comparing the observed statistic
    with its permutation distribution gives a p-value that does not rest on asymptotics in the
    number of clusters (Fisher; for DiD, MacKinnon & Webb 2020, Roth & Sant'Anna 2023). It
    answers "is the estimate unusual among the schedules that could have happened", which is
    valid if timing was as good as random across units; it does not cure selection on trends.
    The statistic is the studentised static TWFE coefficient (t with unit-clustered standard
    errors), which keeps the test valid asymptotically even when the sharp null fails (Chung &
    Romano 2013). All permutations are computed at once on the balanced panel.

Minimum detectable effect
    With a standard error ``se``, a two-sided test at level ``alpha`` detects a true effect of
    ``(z_{1-alpha/2} + z_{power}) * se`` with probability ``power`` (Bloom 1995); 2.80 * se for
    5% and 80%. Estimates that are significant although the design's MDE is larger than any
    plausible effect exaggerate the effect (type M error, Gelman & Carlin 2014).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from policingstudy.core.errors import PanelError, SpecificationError
from policingstudy.methods.causal.did import check_panel
from policingstudy.methods.causal.twfe import demean_two_way_balanced, fixest_small_sample


@dataclass(frozen=True)
class PermutationResult:
    """A randomisation test of the static TWFE coefficient over adoption schedules.

    Attributes
    ----------
    coef, t_stat
        Observed coefficient and clustered t statistic.
    pvalue
        ``(1 + #{|t*| >= |t|}) / (1 + draws)``.
    draws
        Permutations drawn.
    permuted_coefs
        Coefficients of the permuted schedules (for plots and checks).
    n_units, n_periods, n_treated
        Balanced panel size and units with an adoption inside it.
    """

    coef: float
    t_stat: float
    pvalue: float
    draws: int
    permuted_coefs: np.ndarray
    n_units: int
    n_periods: int
    n_treated: int


def _twfe_t(y_dd: np.ndarray, treated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Static TWFE coefficient and clustered t for treatment arrays ``(B, N, T)``."""
    n_units, n_periods = y_dd.shape
    d_dd = demean_two_way_balanced(treated)
    sxx = (d_dd**2).sum(axis=(1, 2))
    safe = np.where(sxx > 0, sxx, np.nan)
    beta = (y_dd[None] * d_dd).sum(axis=(1, 2)) / safe
    resid = y_dd[None] - beta[:, None, None] * d_dd
    scores = (resid * d_dd).sum(axis=2)
    factor = fixest_small_sample(n_units * n_periods, n_units, 1, n_periods)
    se = np.sqrt(factor * (scores**2).sum(axis=1)) / safe
    return beta, beta / se


def permutation_test(
    df: pd.DataFrame,
    *,
    y: str,
    unit: str,
    time: str,
    group: str,
    rng: np.random.Generator,
    draws: int = 999,
) -> PermutationResult:
    """Randomisation inference for ``y ~ treated | unit + time`` over adoption schedules.

    Parameters
    ----------
    df
        Balanced long panel; ``group`` is the first treated period (0 = never).
    y, unit, time, group
        Columns.
    rng
        Random generator for the permutations.
    draws
        Number of random reassignments of the schedule.

    Returns
    -------
    PermutationResult

    Raises
    ------
    PanelError
        If the panel is unbalanced after dropping missing outcomes, or no unit is treated
        inside the panel.
    SpecificationError
        If ``draws`` is not positive.
    """
    if draws < 1:
        raise SpecificationError(f"permutation_test: draws={draws}; expected a positive integer")
    checked = check_panel(df, unit=unit, time=time, outcome=y, group=group)
    data = checked.data
    periods = np.sort(data[time].unique())
    wide = data.pivot(index=unit, columns=time, values=y).reindex(columns=periods)
    if wide.isna().to_numpy().any():
        raise PanelError(
            f"permutation_test: the panel is unbalanced ({int(wide.isna().to_numpy().sum())} "
            f"unit-period cells missing); expected every unit observed in all {len(periods)} "
            "periods"
        )
    groups = data.groupby(unit)[group].first().reindex(wide.index).to_numpy()
    if not ((groups > 0) & (groups <= periods[-1])).any():
        raise PanelError("permutation_test: no unit adopts inside the panel; nothing to test")
    y_dd = demean_two_way_balanced(wide.to_numpy(dtype=float))

    def treated_of(g: np.ndarray) -> np.ndarray:
        g = np.atleast_2d(g)
        return ((g[:, :, None] > 0) & (periods[None, None, :] >= g[:, :, None])).astype(float)

    coef, t_obs = (float(v[0]) for v in _twfe_t(y_dd, treated_of(groups)))
    perms = np.array([rng.permutation(groups) for _ in range(draws)])
    coefs, t_perm = [], []
    chunk = max(1, 2_000_000 // y_dd.size)
    for start in range(0, draws, chunk):
        b, t = _twfe_t(y_dd, treated_of(perms[start : start + chunk]))
        coefs.append(b)
        t_perm.append(t)
    t_all = np.concatenate(t_perm)
    exceed = int(np.sum(np.abs(np.nan_to_num(t_all)) >= abs(t_obs) * (1 - 1e-12)))
    return PermutationResult(
        coef=coef,
        t_stat=t_obs,
        pvalue=(1 + exceed) / (1 + draws),
        draws=draws,
        permuted_coefs=np.concatenate(coefs),
        n_units=len(wide),
        n_periods=len(periods),
        n_treated=int(((groups > 0) & (groups <= periods[-1])).sum()),
    )


def minimum_detectable_effect(
    se: float, *, alpha: float = 0.05, power: float = 0.8, df: int | None = None
) -> float:
    """Smallest true effect a two-sided test detects with the given power.

    Parameters
    ----------
    se
        Standard error of the estimator.
    alpha
        Test level.
    power
        Probability of rejecting when the effect equals the MDE.
    df
        Degrees of freedom of a t reference distribution (e.g. clusters - 1), or None for the
        normal distribution.

    Returns
    -------
    float
        ``(q_{1-alpha/2} + q_{power}) * se``.

    Raises
    ------
    SpecificationError
        If ``se`` is negative or not finite, or ``alpha``/``power`` are outside (0, 1).
    """
    if not np.isfinite(se) or se < 0:
        raise SpecificationError(f"minimum_detectable_effect: se={se}; expected >= 0")
    if not (0 < alpha < 1 and 0 < power < 1):
        raise SpecificationError(
            f"minimum_detectable_effect: alpha={alpha}, power={power}; expected both in (0, 1)"
        )
    dist = stats.norm if df is None else stats.t(df)
    return float((dist.ppf(1 - alpha / 2) + dist.ppf(power)) * se)
