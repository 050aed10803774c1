"""Sensitivity of event-study estimates to violations of parallel trends (Rambachan & Roth 2023).

The event-study coefficients ``beta = (beta_pre, beta_post)`` are read as
``tau + delta``: treatment effects plus a differential trend ``delta`` that parallel trends sets
to zero after adoption. HonestDiD keeps ``delta_post`` in a set restricted by what the
pre-period shows and reports confidence sets for ``theta = l' tau_post`` that are valid for every
``delta`` in the set:

``relative_magnitudes`` (``Delta^RM(Mbar)``)
    A post-adoption change of the trend between consecutive periods is at most ``Mbar`` times
    the largest such change before adoption. ``Mbar = 1``: no worse than the worst pre-period.
``smoothness`` (``Delta^SD(M)``)
    The slope of the differential trend changes by at most ``M`` (outcome units) from one
    period to the next. ``M = 0``: the pre-trend continues linearly.

The computations are moderndid's port of the R package HonestDiD (``moderndid.didhonest``:
conditional least-favourable hybrid for relative magnitudes, fixed-length intervals for
smoothness, as R's defaults); tests/test_honest.py checks them against the published example
of the R package's README. This module only validates inputs and returns tidy frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

from policingstudy.core.errors import SpecificationError
from policingstudy.core.types import check_option

Restriction = Literal["relative_magnitudes", "smoothness"]
RmMethod = Literal["C-LF", "Conditional"]


@dataclass(frozen=True)
class EventStudyInput:
    """Event-study coefficients without the reference period, and their covariance.

    Attributes
    ----------
    event_times
        Event time of each coefficient (pre-periods first, increasing).
    betahat
        Coefficients.
    sigma
        Their covariance matrix.
    num_pre, num_post
        Pre-adoption (event time < reference) and post-adoption (>= 0) coefficients.
    """

    event_times: tuple[int, ...]
    betahat: np.ndarray
    sigma: np.ndarray
    num_pre: int
    num_post: int


def event_study_input(
    event_times: Sequence[int], betahat: Sequence[float], sigma: np.ndarray
) -> EventStudyInput:
    """Check and order event-study estimates for HonestDiD.

    Parameters
    ----------
    event_times
        Event time of each coefficient; the reference period (usually -1) must be left out and
        at least one negative and one non-negative event time given.
    betahat
        Coefficients, same order as ``event_times``.
    sigma
        Covariance matrix, same order.

    Returns
    -------
    EventStudyInput

    Raises
    ------
    SpecificationError
        If lengths differ, ``sigma`` is not a symmetric positive semi-definite square matrix,
        event times repeat, or there is no pre- or post-period.
    """
    times = np.asarray(list(event_times), dtype=int)
    beta = np.asarray(list(betahat), dtype=float)
    cov = np.asarray(sigma, dtype=float)
    n = len(times)
    if len(beta) != n or cov.shape != (n, n):
        raise SpecificationError(
            f"honest: {n} event times, {len(beta)} coefficients and a {cov.shape} covariance; "
            "expected the same length k and a k x k matrix"
        )
    if len(set(times.tolist())) != n:
        raise SpecificationError(f"honest: event times {times.tolist()} repeat; expected unique")
    if not np.allclose(cov, cov.T, atol=1e-12) or np.linalg.eigvalsh(cov).min() < -1e-10:
        raise SpecificationError("honest: sigma is not symmetric positive semi-definite")
    order = np.argsort(times)
    times, beta, cov = times[order], beta[order], cov[np.ix_(order, order)]
    num_pre, num_post = int((times < 0).sum()), int((times >= 0).sum())
    if num_pre == 0 or num_post == 0:
        raise SpecificationError(
            f"honest: event times {times.tolist()}; expected at least one pre-adoption (< 0, "
            "reference left out) and one post-adoption (>= 0) coefficient"
        )
    return EventStudyInput(tuple(int(t) for t in times), beta, cov, num_pre, num_post)


def honest_bounds(
    estimates: EventStudyInput,
    *,
    restriction: Restriction,
    mbar: Sequence[float],
    l_vec: Sequence[float] | None = None,
    alpha: float = 0.05,
    grid_points: int = 1000,
    method: RmMethod = "C-LF",
) -> pd.DataFrame:
    """Robust confidence sets for ``theta = l' tau_post`` under a parallel-trends restriction.

    Parameters
    ----------
    estimates
        From :func:`event_study_input`.
    restriction
        ``relative_magnitudes`` (``mbar`` is Mbar, a multiple of the largest pre-period
        change) or ``smoothness`` (``mbar`` is M, in outcome units per period squared).
    mbar
        Values of the restriction's parameter (non-negative).
    l_vec
        Weights on the post-adoption coefficients (default: the first, i.e. the effect in the
        adoption period, as R HonestDiD); ``[1/K] * K`` targets their average.
    alpha
        Level ``1 - alpha``.
    grid_points
        Grid of the test inversion (relative magnitudes).
    method
        Relative magnitudes only: ``C-LF`` (R's default, the conditional least-favourable
        hybrid of Andrews, Roth & Pakes; about a thousand linear programmes per value of Mbar
        and reference period, minutes for a grid) or ``Conditional`` (the conditional test
        alone: also valid, somewhat wider when the pre-period moments are slack, seconds).

    Returns
    -------
    pandas.DataFrame
        ``restriction``, ``mbar``, ``lb``, ``ub``, ``method`` (``C-LF`` or ``FLCI``), and one
        row with ``mbar`` NaN and ``method`` ``original`` for the interval under exact
        parallel trends.

    Raises
    ------
    OptionError
        If ``restriction`` is unknown.
    SpecificationError
        If ``mbar`` is empty or negative, or ``l_vec`` has the wrong length.
    """
    from moderndid.didhonest.sensitivity import (
        construct_original_cs,
        create_sensitivity_results_rm,
        create_sensitivity_results_sm,
    )

    check_option(restriction, get_args(Restriction), name="restriction")
    check_option(method, get_args(RmMethod), name="method")
    grid = [float(m) for m in mbar]
    if not grid or min(grid) < 0:
        raise SpecificationError(f"honest: mbar={grid}; expected non-negative values")
    k = estimates.num_post
    weights = np.zeros(k) if l_vec is None else np.asarray(list(l_vec), dtype=float)
    if l_vec is None:
        weights[0] = 1.0
    if len(weights) != k:
        raise SpecificationError(
            f"honest: l_vec has {len(weights)} weights; expected {k} (one per post period)"
        )
    common = {
        "betahat": estimates.betahat,
        "sigma": estimates.sigma,
        "num_pre_periods": estimates.num_pre,
        "num_post_periods": k,
        "l_vec": weights,
        "alpha": alpha,
    }
    if restriction == "relative_magnitudes":
        res = create_sensitivity_results_rm(
            **common, m_bar_vec=grid, grid_points=grid_points, method=method
        )
        key = "Mbar"
    else:
        res = create_sensitivity_results_sm(**common, m_vec=grid)
        key = "M"
    frame = res.to_pandas() if hasattr(res, "to_pandas") else pd.DataFrame(res)
    key = key if key in frame.columns else next(c for c in frame.columns if c.lower() == "m")
    out = pd.DataFrame(
        {
            "restriction": restriction,
            "mbar": frame[key].astype(float).to_numpy(),
            "lb": frame["lb"].astype(float).to_numpy(),
            "ub": frame["ub"].astype(float).to_numpy(),
            "method": frame["method"].astype(str).to_numpy(),
        }
    )
    original = construct_original_cs(**common)
    first = pd.DataFrame(
        {
            "restriction": [restriction],
            "mbar": [np.nan],
            "lb": [float(original.lb)],
            "ub": [float(original.ub)],
            "method": ["original"],
        }
    )
    return pd.concat([first, out], ignore_index=True)


def breakdown(bounds: pd.DataFrame) -> float:
    """Smallest ``mbar`` of a bounds table whose interval contains 0 (NaN if none does).

    Parameters
    ----------
    bounds
        From :func:`honest_bounds`.

    Returns
    -------
    float
        The breakdown value on the grid given (the effect is significant for smaller values).
    """
    rows = bounds[bounds["mbar"].notna()].sort_values("mbar")
    covers = rows[(rows["lb"] <= 0) & (rows["ub"] >= 0)]
    return float(covers["mbar"].iloc[0]) if len(covers) else float("nan")
