"""Few-cluster inference for a TWFE coefficient: the restricted wild cluster bootstrap (WCR).

With 16 German Länder, cluster-robust t-tests over-reject. The wild cluster bootstrap with
the null imposed (Cameron, Gelbach & Miller 2008; MacKinnon & Webb 2017) is the standard
remedy:

1. Project the unit and time effects out of ``y`` and ``x`` (Frisch-Waugh-Lovell); the
   same projection is applied to every bootstrap sample, which is refitted with its own
   effects.
2. Fit the restricted model (coefficient of ``test`` fixed at ``null``): fitted values
   ``f`` and residuals ``u``.
3. For b = 1..B draw one weight per cluster ``w_gb`` (Rademacher ±1 or Webb's six-point
   distribution) and set ``y*_b = f + w_gb u``.
4. Refit, compute the clustered t statistic ``t*_b`` of ``test`` against ``null``.
5. p-value: share of ``|t*_b| >= |t|`` (symmetric test).

With Rademacher weights and ``2**G <= iterations`` all sign patterns are enumerated (no
randomness). All B replications are computed at once (matrix products, no loop). The
small-sample factor is fixest's (see :mod:`policingstudy.methods.causal.twfe`); it does not affect
the p-value.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd
from scipy import sparse

from policingstudy.core.errors import SpecificationError
from policingstudy.core.types import check_option
from policingstudy.methods.causal.did import check_panel
from policingstudy.methods.causal.twfe import demean_two_way, fixest_small_sample

BootWeights = Literal["rademacher", "webb"]

_CHUNK_CELLS = 2_000_000  # bootstrap outcomes held in memory at once (draws x rows)
_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


@dataclass(frozen=True)
class WildBootstrapResult:
    """Outcome of a restricted wild cluster bootstrap test.

    Attributes
    ----------
    term, coef, se, t_stat, null
        Tested coefficient, its estimate, clustered SE (fixest correction), t against ``null``.
    pvalue
        Bootstrap p-value, share of ``|t*| >= |t|``.
    iterations, weights, enumerated
        Number of bootstrap draws, weight distribution, whether all Rademacher sign patterns
        were enumerated.
    n_clusters, n_obs
        Clusters (units) and rows used.
    """

    term: str
    coef: float
    se: float
    t_stat: float
    null: float
    pvalue: float
    iterations: int
    weights: BootWeights
    enumerated: bool
    n_clusters: int
    n_obs: int


def draw_cluster_weights(
    n_clusters: int, iterations: int, *, weights: BootWeights, rng: np.random.Generator
) -> tuple[np.ndarray, bool]:
    """Return a ``(B, G)`` matrix of wild-bootstrap weights and whether it is an enumeration.

    Parameters
    ----------
    n_clusters
        G.
    iterations
        B requested; with Rademacher weights and ``2**G <= B`` all ``2**G`` patterns are
        returned instead.
    weights
        ``rademacher`` (±1 with probability 1/2) or ``webb`` (±sqrt(1/2), ±1, ±sqrt(3/2) with
        probability 1/6 each; better when G is below about 12).
    rng
        Random generator.

    Returns
    -------
    tuple of numpy.ndarray and bool
        The weights and the enumeration flag.
    """
    check_option(weights, get_args(BootWeights), name="weights")
    if weights == "rademacher" and 2**n_clusters <= iterations:
        patterns = np.array(list(itertools.product((-1.0, 1.0), repeat=n_clusters)))
        return patterns, True
    if weights == "rademacher":
        return rng.choice(np.array([-1.0, 1.0]), size=(iterations, n_clusters)), False
    return rng.choice(_WEBB, size=(iterations, n_clusters)), False


def wild_cluster_bootstrap(
    df: pd.DataFrame,
    *,
    y: str,
    x: Sequence[str],
    test: str,
    unit: str,
    time: str,
    rng: np.random.Generator,
    iterations: int = 9999,
    weights: BootWeights = "webb",
    null: float = 0.0,
) -> WildBootstrapResult:
    """Test ``coef(test) == null`` in ``y ~ x | unit + time`` by the restricted wild bootstrap.

    Clusters are the units.

    Parameters
    ----------
    df
        Long panel.
    y
        Outcome column.
    x
        Regressors; must include ``test``.
    test
        The regressor whose coefficient is tested.
    unit, time
        Unit (cluster) and period columns.
    rng
        Random generator for the weights (unused if the Rademacher patterns are enumerated).
    iterations
        Bootstrap draws B.
    weights
        ``webb`` (default) or ``rademacher``.
    null
        Value of the coefficient under the null hypothesis.

    Returns
    -------
    WildBootstrapResult
        Estimate, clustered t statistic and bootstrap p-value.

    Raises
    ------
    SpecificationError
        If ``test`` is not in ``x``, ``iterations`` is not positive or there are fewer than two
        clusters.
    PanelError
        If the panel fails :func:`~policingstudy.methods.causal.did.check_panel`.
    """
    if test not in x:
        raise SpecificationError(
            f"wild_cluster_bootstrap: test={test!r}; expected one of {list(x)}"
        )
    if iterations < 1:
        raise SpecificationError(
            f"wild_cluster_bootstrap: iterations={iterations}; expected a positive integer"
        )
    data = check_panel(df, unit=unit, time=time, outcome=y, covariates=list(x)).data
    unit_codes = pd.factorize(data[unit])[0]
    time_codes = pd.factorize(data[time])[0]
    n_clusters, n_periods = int(unit_codes.max()) + 1, int(time_codes.max()) + 1
    if n_clusters < 2:
        raise SpecificationError(
            f"wild_cluster_bootstrap: {n_clusters} cluster; expected at least two units"
        )
    both = demean_two_way(data[[y, *x]].to_numpy(dtype=float), unit_codes, time_codes)
    y_t, x_t = both[:, 0], both[:, 1:]
    j = list(x).index(test)
    factor = fixest_small_sample(len(data), n_clusters, len(x), n_periods)

    if np.linalg.matrix_rank(x_t) < x_t.shape[1]:
        raise SpecificationError(
            f"wild_cluster_bootstrap: regressors {list(x)} are collinear with the unit and "
            "time effects; expected regressors that vary within units and periods"
        )
    xtx_inv = np.linalg.inv(x_t.T @ x_t)
    row_j = x_t @ xtx_inv[:, j]  # beta_j = row_j @ y
    cluster_of = sparse.csr_array(
        (np.ones(len(data)), (np.arange(len(data)), unit_codes)), shape=(len(data), n_clusters)
    )

    def t_stats(ys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        beta = ys @ x_t @ xtx_inv  # (B, k)
        resid = ys - beta @ x_t.T
        scores = (cluster_of.T @ (resid * row_j).T).T  # (B, G)
        se = np.sqrt(factor * (scores**2).sum(axis=1))
        return beta[:, j], se, (beta[:, j] - null) / se

    coef, se, t_obs = (v[0] for v in t_stats(y_t[None, :]))

    others = np.delete(x_t, j, axis=1)
    y_null = y_t - null * x_t[:, j]
    gamma = np.linalg.lstsq(others, y_null, rcond=None)[0] if others.shape[1] else np.zeros(0)
    fitted = others @ gamma + null * x_t[:, j]
    resid_r = y_null - others @ gamma
    draws, enumerated = draw_cluster_weights(n_clusters, iterations, weights=weights, rng=rng)
    chunk = max(1, _CHUNK_CELLS // len(data))
    exceed = 0
    for start in range(0, len(draws), chunk):
        block = draws[start : start + chunk]
        # the bootstrap sample is re-estimated with its own effects: project them out of the
        # reweighted residuals (the fitted part is already free of them)
        shocks = demean_two_way((block[:, unit_codes] * resid_r[None, :]).T, unit_codes, time_codes)
        y_star = fitted[None, :] + shocks.T
        exceed += int((np.abs(t_stats(y_star)[2]) >= abs(t_obs) * (1 - 1e-12)).sum())
    pvalue = exceed / len(draws)
    return WildBootstrapResult(
        term=test,
        coef=float(coef),
        se=float(se),
        t_stat=float(t_obs),
        null=null,
        pvalue=pvalue,
        iterations=len(draws),
        weights=weights,
        enumerated=enumerated,
        n_clusters=n_clusters,
        n_obs=len(data),
    )
