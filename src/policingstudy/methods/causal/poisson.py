"""Counts: Poisson pseudo-maximum likelihood (PPML) with unit and period fixed effects.

For a count ``y`` (cases, people killed) in a unit whose population changes, the model

    E[y_it | x] = exp(x_it' b + a_i + g_t + log(exposure_it))

estimates ``b`` as a proportional change (``exp(b) - 1``) without taking logs of zeros and
without letting small units dominate as an unweighted rate does; ``log(exposure)`` (population)
enters with coefficient 1 (an offset), so the model is one of the rate per person.
Consistency needs only the conditional mean to be right (Santos Silva & Tenreyro 2006);
standard errors are clustered by unit.

Estimation is pyfixest's ``fepois`` (a port of R ``fixest::fepois``, tested against it by the
pyfixest project). Clustered standard errors use fixest's default small-sample correction
(``ssc(adj = TRUE, fixef.K = "nested", cluster.adj = TRUE)``); intervals and p-values use the
normal distribution, as fixest does for Poisson models. tests/test_poisson.py checks the
wrapper on R's documented ``glm`` example (Dobson 1990, p. 93) and on closed forms.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from policingstudy.core.errors import PanelError, SpecificationError
from policingstudy.methods.causal.did import check_panel


@dataclass(frozen=True)
class PoissonResult:
    """A fitted fixed-effects Poisson model.

    Attributes
    ----------
    table
        One row per regressor: ``term``, ``coef`` (log scale), ``se``, ``z``, ``pvalue``,
        ``ci_low``, ``ci_high`` and ``pct_change`` (``100 * (exp(coef) - 1)``).
    n_obs, n_units, n_periods
        Rows, units and periods used.
    n_units_dropped, dropped
        Units given but not used (fixest drops units whose outcome is zero in every period:
        they carry no information on ``b``), and reason -> units.
    vcov, alpha
        Covariance type text and interval level ``1 - alpha``.
    """

    table: pd.DataFrame
    n_obs: int
    n_units: int
    n_periods: int
    n_units_dropped: int
    dropped: dict[str, list[Any]]
    vcov: str
    alpha: float

    def coef(self, term: str) -> float:
        """Return the coefficient of ``term`` (log scale)."""
        return float(self.table.set_index("term")["coef"].loc[term])

    def se(self, term: str) -> float:
        """Return the standard error of ``term``."""
        return float(self.table.set_index("term")["se"].loc[term])


def ppml(
    df: pd.DataFrame,
    *,
    y: str,
    x: Sequence[str],
    unit: str,
    time: str | None,
    exposure: str | None = None,
    cluster: str | None = None,
    alpha: float = 0.05,
) -> PoissonResult:
    """Fit ``y ~ x | unit + time`` by Poisson pseudo-maximum likelihood.

    Parameters
    ----------
    df
        Long panel, one row per unit and period.
    y
        Non-negative outcome (counts; non-integers are allowed, as in PPML).
    x
        Regressors.
    unit, time
        Fixed effects (unit and period; ``time=None`` for unit effects only); clusters are the
        units unless ``cluster`` is given.
    exposure
        Positive column (e.g. population) entering as ``log(exposure)`` with coefficient 1,
        or None.
    cluster
        Cluster column (default ``unit``); ``"iid"`` for the model-based covariance.
    alpha
        Interval level ``1 - alpha``.

    Returns
    -------
    PoissonResult

    Raises
    ------
    PanelError
        If the panel fails :func:`~policingstudy.methods.causal.did.check_panel`, the
        outcome is negative or the exposure is not positive.
    SpecificationError
        If no regressor is given or ``alpha`` is outside (0, 1).
    """
    import pyfixest as pf

    if not x:
        raise SpecificationError("ppml: x is empty; expected at least one regressor")
    if not 0 < alpha < 1:
        raise SpecificationError(f"alpha: expected a value in (0, 1), got {alpha}")
    covs = list(x) + ([exposure] if exposure else [])
    if time is None:
        df = df.assign(_one_period=np.arange(len(df)))
    period = time or "_one_period"
    checked = check_panel(df, unit=unit, time=period, outcome=y, covariates=covs)
    data = checked.data
    if (data[y] < 0).any():
        rows = list(data.index[data[y] < 0][:5])
        raise PanelError(f"ppml: outcome {y!r} is negative in rows {rows}; expected counts >= 0")
    frame = pd.DataFrame({"_y": data[y].astype(float).to_numpy()})
    names = [f"_x{i}" for i in range(len(x))]
    for name, col in zip(names, x, strict=True):
        frame[name] = data[col].astype(float).to_numpy()
    frame["_unit"] = pd.factorize(data[unit])[0]
    frame["_time"] = pd.factorize(data[period])[0]
    offset = None
    if exposure:
        values = data[exposure].astype(float).to_numpy()
        if (values <= 0).any():
            raise PanelError(f"ppml: exposure {exposure!r} has values <= 0; expected positive")
        frame["_log_exposure"] = np.log(values)
        offset = "_log_exposure"
    if cluster == "iid":
        vcov: Literal["iid"] | dict[str, str] = "iid"
        ssc = pf.ssc(k_adj=False, G_adj=False)
        label = "iid (model-based, no small-sample factor, as R glm)"
    else:
        frame["_cluster"] = pd.factorize(data[cluster or unit])[0]
        vcov = {"CRV1": "_cluster"}
        ssc = pf.ssc(k_adj=True, k_fixef="nonnested", G_adj=True)  # fixest "nested"
        label = f"clustered by {cluster or unit} (fixest default small-sample correction)"
    fml = "_y ~ " + " + ".join(names) + (" | _unit + _time" if time else " | _unit")
    with warnings.catch_warnings():
        # fixest and pyfixest drop units whose outcome is zero throughout ("separation");
        # they are counted in ``dropped`` below
        warnings.filterwarnings("ignore", message=".*removed because of separation")
        fit = pf.fepois(fml, data=frame, vcov=vcov, ssc=ssc, offset=offset)
    tidy = fit.tidy()
    coef = tidy["Estimate"].to_numpy(dtype=float)
    se = tidy["Std. Error"].to_numpy(dtype=float)
    z = stats.norm.ppf(1 - alpha / 2)
    table = pd.DataFrame(
        {
            "term": [list(x)[names.index(n)] for n in tidy.index],
            "coef": coef,
            "se": se,
            "z": coef / se,
            "pvalue": 2 * stats.norm.sf(np.abs(coef / se)),
            "ci_low": coef - z * se,
            "ci_high": coef + z * se,
            "pct_change": 100 * np.expm1(coef),
        }
    )
    # fixest drops fixed-effect groups whose outcome is zero throughout (they carry no
    # information on b and have no finite effect); count them from the data
    positive = frame["_y"] > 0
    unit_any = positive.groupby(frame["_unit"]).transform("any")
    time_any = positive.groupby(frame["_time"]).transform("any")
    used_rows = (unit_any & time_any).to_numpy()
    used_units = set(data[unit].to_numpy()[used_rows])
    all_zero = sorted(set(data[unit]) - used_units, key=str)
    return PoissonResult(
        table=table,
        n_obs=int(used_rows.sum()),
        n_units=len(used_units),
        n_periods=int(data.loc[used_rows, period].nunique()) if time else 1,
        n_units_dropped=checked.n_units_in - len(used_units),
        dropped={"outcome zero in every period": all_zero} if all_zero else {},
        vcov=label,
        alpha=alpha,
    )
