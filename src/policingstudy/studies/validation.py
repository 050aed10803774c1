"""Checks of this study's estimators against published results, shown in notebook 06."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from policingstudy.core.cache import memoised
from policingstudy.methods.causal.simulation import simulation_study

if TYPE_CHECKING:
    from policingstudy.methods.causal.did import AttGtResult

# Published R ``did`` 2.5 results on mpdta (never-treated controls, doubly robust, no
# covariates, analytic SEs): the targets of tests/test_did.py, shown next to ours.
MPDTA_PUBLISHED = {
    "simple": (-0.0399512751551763, 0.0120340127701854),
    "dynamic": (-0.0772398214573151, 0.0199649890618494),
    "attgt_2004_2006": (-0.137258738889403, 0.0364356642876865),
}


def mpdta_validation(result: AttGtResult) -> pd.DataFrame:
    """Compare our ``att_gt`` on mpdta with the published R ``did`` numbers (language-free)."""
    simple = result.aggregate("simple")
    dynamic = result.aggregate("dynamic")
    cell = result.attgt.set_index(["group", "time"]).loc[[(2004, 2006)]].iloc[0]
    ours = {
        "simple": (simple.att, simple.se),
        "dynamic": (dynamic.att, dynamic.se),
        "attgt_2004_2006": (float(cell["att"]), float(cell["se"])),
    }
    rows = []
    for name, (att, se) in MPDTA_PUBLISHED.items():
        rows.append(
            {
                "quantity": name,
                "published_att": att,
                "ours_att": ours[name][0],
                "published_se": se,
                "ours_se": ours[name][1],
                "max_abs_diff": max(abs(att - ours[name][0]), abs(se - ours[name][1])),
            }
        )
    return pd.DataFrame(rows)


@memoised
def mpdta_check(mpdta: pd.DataFrame) -> pd.DataFrame:
    """Estimate ``att_gt`` on mpdta as R ``did``'s example does and compare (language-free).

    Parameters
    ----------
    mpdta
        :func:`policingstudy.data.readers.validation.read_mpdta`.

    Returns
    -------
    pandas.DataFrame
        :func:`mpdta_validation` of the estimate.
    """
    from policingstudy.methods.causal.did import att_gt

    return mpdta_validation(
        att_gt(mpdta, y="lemp", unit="countyreal", time="year", group="first_treat")
    )


simulation_check = memoised(simulation_study)
"""The simulation study of :func:`policingstudy.methods.causal.simulation.simulation_study`,
shared across the language runs of a report (same arguments, same result)."""


def mpdta_published_check() -> pd.DataFrame:
    """Read mpdta (external source ``mpdta``) and run :func:`mpdta_check` (language-free)."""
    from policingstudy.data.readers.validation import read_mpdta
    from policingstudy.studies.inputs import source

    return mpdta_check(read_mpdta(source("mpdta")))
