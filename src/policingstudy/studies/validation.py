"""Checks of this study's estimators against published results, shown in notebook 06."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from policingstudy.core.cache import memoised
from policingstudy.core.paths import ProjectPaths
from policingstudy.data.reference import Reference, published
from policingstudy.methods.causal.simulation import simulation_study
from policingstudy.studies.inputs import project

if TYPE_CHECKING:
    from policingstudy.methods.causal.did import AttGtResult

MPDTA_QUANTITIES = ("simple", "dynamic", "attgt_2004_2006")
"""The R ``did`` 2.5 results on mpdta compared (never-treated controls, doubly robust, no
covariates, analytic SEs): ``did.mpdta.<quantity>.att`` and ``.se`` in
``data/raw/reference/published.json`` (written by ``scripts/make_reference.py``)."""


def mpdta_published(paths: ProjectPaths | None = None) -> dict[str, tuple[Reference, Reference]]:
    """The published ATT and SE of each of :data:`MPDTA_QUANTITIES` (see ``data/reference``)."""
    where = project(paths)
    return {
        q: (
            published(f"did.mpdta.{q}.att", paths=where),
            published(f"did.mpdta.{q}.se", paths=where),
        )
        for q in MPDTA_QUANTITIES
    }


def _mpdta_estimates(result: AttGtResult) -> dict[str, tuple[float, float]]:
    simple = result.aggregate("simple")
    dynamic = result.aggregate("dynamic")
    cell = result.attgt.set_index(["group", "time"]).loc[[(2004, 2006)]].iloc[0]
    return {
        "simple": (float(simple.att), float(simple.se)),
        "dynamic": (float(dynamic.att), float(dynamic.se)),
        "attgt_2004_2006": (float(cell["att"]), float(cell["se"])),
    }


def mpdta_validation(result: AttGtResult, *, paths: ProjectPaths | None = None) -> pd.DataFrame:
    """Compare our ``att_gt`` on mpdta with the published R ``did`` numbers (language-free).

    Parameters
    ----------
    result
        :func:`policingstudy.methods.causal.did.att_gt` on mpdta (never-treated controls,
        doubly robust, no covariates).
    paths
        The project (for the reference file); found from the working directory when None.

    Returns
    -------
    pandas.DataFrame
        One row per quantity: ``quantity``, ``published_att``, ``ours_att``, ``published_se``,
        ``ours_se``, ``max_abs_diff``.
    """
    return _comparison(_mpdta_estimates(result), mpdta_published(paths))


def _comparison(
    ours: dict[str, tuple[float, float]], reference: dict[str, tuple[Reference, Reference]]
) -> pd.DataFrame:
    rows = []
    for name, (att, se) in reference.items():
        rows.append(
            {
                "quantity": name,
                "published_att": att.value,
                "ours_att": ours[name][0],
                "published_se": se.value,
                "ours_se": ours[name][1],
                "max_abs_diff": max(att.difference(ours[name][0]), se.difference(ours[name][1])),
            }
        )
    return pd.DataFrame(rows)


@memoised
def mpdta_estimates(mpdta: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Our ATT and SE of each of :data:`MPDTA_QUANTITIES` on mpdta, as R ``did``'s example.

    Parameters
    ----------
    mpdta
        :func:`policingstudy.data.readers.validation.read_mpdta`.
    """
    from policingstudy.methods.causal.did import att_gt

    return _mpdta_estimates(
        att_gt(mpdta, y="lemp", unit="countyreal", time="year", group="first_treat")
    )


def mpdta_check(mpdta: pd.DataFrame, *, paths: ProjectPaths | None = None) -> pd.DataFrame:
    """Estimate ``att_gt`` on mpdta as R ``did``'s example does and compare (language-free).

    Parameters
    ----------
    mpdta
        :func:`policingstudy.data.readers.validation.read_mpdta`.
    paths
        The project (for the reference file); found from the working directory when None.

    Returns
    -------
    pandas.DataFrame
        :func:`mpdta_validation` of the estimate.
    """
    return _comparison(mpdta_estimates(mpdta), mpdta_published(paths))


simulation_check = memoised(simulation_study)
"""The simulation study of :func:`policingstudy.methods.causal.simulation.simulation_study`,
shared across the language runs of a report (same arguments, same result)."""


def mpdta_published_check() -> pd.DataFrame:
    """Read mpdta (external source ``mpdta``) and run :func:`mpdta_check` (language-free)."""
    from policingstudy.data.readers.validation import read_mpdta
    from policingstudy.studies.inputs import source

    return mpdta_check(read_mpdta(source("mpdta")))
