"""Synthetic control for one treated unit, with placebo-in-space inference.

The synthetic unit is a convex combination of donor units whose outcomes track the treated
unit's before treatment (Abadie, Diamond & Hainmueller 2010). Weights come from pysyncon's
``Synth`` (a port of R ``Synth``); the predictors are the outcome averaged over blocks of the
pre-period and every pre-period year is fitted. Inference is by placebos in space: each donor in
turn is treated as if it had been treated, with the other donors as its pool; the treated unit's
ratio of post- to pre-period root mean squared prediction error (RMSPE) is ranked among all
ratios, and ``p = rank / (donors + 1)`` (ADH 2010, section 4.2). With a one-unit design this is
the only honest p-value; it cannot be smaller than ``1 / (donors + 1)``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policingstudy.core.errors import PanelError, SpecificationError


@dataclass(frozen=True)
class SynthResult:
    """A synthetic-control estimate and its placebo distribution.

    Attributes
    ----------
    path
        One row per period: ``time``, ``treated`` (outcome), ``synthetic`` and ``gap``.
    weights
        Donor -> weight (non-negative, summing to 1), largest first, zeros dropped.
    pre_rmspe, post_rmspe
        Root mean squared gap before and from ``treatment_time``.
    att
        Mean gap from ``treatment_time``.
    placebos
        One row per unit (treated and each donor): ``unit``, ``pre_rmspe``, ``post_rmspe``,
        ``ratio``, ``att``, ``treated`` (bool).
    pvalue
        Rank of the treated unit's RMSPE ratio among all units, divided by their number.
    treatment_time, n_donors
        The setting.
    """

    path: pd.DataFrame
    weights: pd.Series
    pre_rmspe: float
    post_rmspe: float
    att: float
    placebos: pd.DataFrame
    pvalue: float
    treatment_time: int
    n_donors: int


def _fit(z: pd.DataFrame, treated: Hashable, donors: list[Hashable], pre: np.ndarray) -> pd.Series:
    """Weights of ``donors`` for ``treated`` (outcome matrix ``z``: periods x units)."""
    from pysyncon import Synth

    blocks = np.array_split(np.flatnonzero(pre), min(3, int(pre.sum())))
    x = pd.DataFrame([z.iloc[b].mean() for b in blocks], index=range(len(blocks)))
    model = Synth()
    model.fit(
        X0=x[donors],
        X1=x[treated],
        Z0=z.loc[pre, donors],
        Z1=z[treated].loc[pre],
        custom_V=np.ones(len(blocks)) / len(blocks),
    )
    return pd.Series(np.asarray(model.W, dtype=float), index=donors)


def _gaps(z: pd.DataFrame, treated: Hashable, weights: pd.Series) -> pd.Series:
    return z[treated] - z[list(weights.index)] @ weights


def synthetic_control(
    df: pd.DataFrame,
    *,
    y: str,
    unit: str,
    time: str,
    treated_unit: Hashable,
    treatment_time: int,
    donors: Sequence[Hashable] | None = None,
) -> SynthResult:
    """Synthetic control of ``treated_unit`` from ``treatment_time``, with placebos in space.

    Parameters
    ----------
    df
        Balanced long panel.
    y, unit, time
        Outcome, unit and period columns.
    treated_unit
        The treated unit's label in ``unit``.
    treatment_time
        First treated period; at least three earlier periods are needed.
    donors
        Donor pool (default: every other unit).

    Returns
    -------
    SynthResult

    Raises
    ------
    PanelError
        If a unit lacks a period, or the treated unit or a donor is absent.
    SpecificationError
        If fewer than three pre-periods, no post-period, or fewer than two donors.
    """
    wide = df.pivot(index=time, columns=unit, values=y).sort_index()
    if treated_unit not in wide.columns:
        raise PanelError(f"synthetic_control: treated unit {treated_unit!r} not in {unit!r}")
    pool = [u for u in (donors if donors is not None else wide.columns) if u != treated_unit]
    absent = [u for u in pool if u not in wide.columns]
    if absent:
        raise PanelError(f"synthetic_control: donor(s) {absent} not in {unit!r}")
    wide = wide[[treated_unit, *pool]]
    if wide.isna().to_numpy().any():
        raise PanelError(
            f"synthetic_control: {int(wide.isna().to_numpy().sum())} unit-period cells of "
            f"{y!r} are missing; expected a balanced panel"
        )
    periods = wide.index.to_numpy()
    pre = periods < treatment_time
    if pre.sum() < 3 or pre.all():
        raise SpecificationError(
            f"synthetic_control: {int(pre.sum())} pre-period(s) and {int((~pre).sum())} "
            f"post-period(s) around {treatment_time}; expected at least three and one"
        )
    if len(pool) < 2:
        raise SpecificationError("synthetic_control: fewer than two donors")

    def summary(name: Hashable, others: list[Hashable]) -> tuple[pd.Series, dict[str, float]]:
        w = _fit(wide, name, others, pre)
        gap = _gaps(wide, name, w)
        pre_r = float(np.sqrt((gap[pre] ** 2).mean()))
        post_r = float(np.sqrt((gap[~pre] ** 2).mean()))
        return w, {
            "pre_rmspe": pre_r,
            "post_rmspe": post_r,
            "ratio": post_r / pre_r if pre_r > 0 else np.inf,
            "att": float(gap[~pre].mean()),
        }

    weights, main = summary(treated_unit, pool)
    rows = [{"unit": treated_unit, **main, "treated": True}]
    for donor in pool:
        others = [u for u in pool if u != donor]
        rows.append({"unit": donor, **summary(donor, others)[1], "treated": False})
    placebos = pd.DataFrame(rows)
    rank = int((placebos["ratio"] >= main["ratio"] * (1 - 1e-12)).sum())
    gap = _gaps(wide, treated_unit, weights)
    path = pd.DataFrame(
        {
            "time": periods,
            "treated": wide[treated_unit].to_numpy(),
            "synthetic": (wide[treated_unit] - gap).to_numpy(),
            "gap": gap.to_numpy(),
        }
    )
    kept = weights[weights > 1e-6].sort_values(ascending=False)
    return SynthResult(
        path=path,
        weights=kept / kept.sum(),
        pre_rmspe=main["pre_rmspe"],
        post_rmspe=main["post_rmspe"],
        att=main["att"],
        placebos=placebos,
        pvalue=rank / len(placebos),
        treatment_time=int(treatment_time),
        n_donors=len(pool),
    )
