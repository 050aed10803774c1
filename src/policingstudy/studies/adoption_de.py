"""Adoption panels: the dataset's adoption events joined to outcome frames from the readers.

Pure functions: they take the processed ``units`` and ``events`` tables and a reader's frame
and return a tidy panel together with the units and rows used and dropped (and why), so that
nothing is lost silently between the data layer and the estimators in
:mod:`policingstudy.methods.causal.did` and :mod:`policingstudy.methods.causal.twfe`.

Germany (Land x calendar year): a Land is treated from the calendar year of the first
``established`` event of any of its bodies (police commissioner elected by the Landtag, or a
complaints office in the government). Units of kind ``no_body`` are never treated, whatever
historical events they carry (Hamburg's 1998-2001 commission); the federal commissioner
(``DE_FED``, no Land code) is excluded. The outcome is PKS offence key ``655100``
(Körperverletzung im Amt): the reader gives no population, so the panel carries
``log(1 + cases)`` rather than a rate per 100,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policingstudy.core.errors import JoinError, PanelError

BodyType = str  # "parliamentary" (elected by the Landtag) or "executive" (ministry/chancellery)
_BODY_TYPE = {"police_commissioner": "parliamentary", "complaints_office": "executive"}
DE_YEARS = tuple(range(2013, 2025))


@dataclass(frozen=True)
class AdoptionSchedule:
    """First adoption year per unit.

    Attributes
    ----------
    table
        One row per unit: ``land_code``, ``unit_id`` (the body whose event counts),
        ``body_type`` (``parliamentary``, ``executive`` or ``none``), ``first_year``
        (calendar year of the first ``established`` event, 0 = never) and ``date``.
    """

    table: pd.DataFrame

    def as_dict(self) -> dict[str, int]:
        """Return unit → first year (0 = never)."""
        return dict(zip(self.table["land_code"], self.table["first_year"], strict=True))


@dataclass(frozen=True)
class AdoptionPanel:
    """A unit x year panel ready for the estimators.

    Attributes
    ----------
    data
        ``land_code``, ``year``, ``group`` (first treated year inside the window, 0 = never or
        after the window), ``treated`` (0/1), ``cases``, ``cleared_cases``, ``cleared_share``
        (percent, NaN without cases) and ``log_cases`` (``log(1 + cases)``).
    n_units, n_obs
        Units and rows kept.
    dropped
        Reason → list of units dropped for that reason.
    recoded_never
        Units whose adoption falls after the window (kept as not treated within it).
    key, years
        Offence key and window.
    """

    data: pd.DataFrame
    n_units: int
    n_obs: int
    dropped: dict[str, list[str]]
    recoded_never: list[str]
    key: str
    years: tuple[int, ...]

    @property
    def n_units_dropped(self) -> int:
        """Units dropped for any reason."""
        return sum(len(v) for v in self.dropped.values())


def de_adoption_schedule(units: pd.DataFrame, events: pd.DataFrame) -> AdoptionSchedule:
    """Build the German Land adoption schedule from the dataset.

    Parameters
    ----------
    units
        The processed ``units`` table (``unit_id``, ``jurisdiction``, ``subunit_code``,
        ``kind``).
    events
        The processed ``events`` table (``unit_id``, ``event``, ``date`` as ``YYYY[-MM[-DD]]``).

    Returns
    -------
    AdoptionSchedule
        One row per Land (16 expected).

    Raises
    ------
    JoinError
        If a Land has a body of kind other than ``no_body`` but no ``established`` event, or
        no Land unit is found.
    """
    de = units[
        (units["jurisdiction"] == "DE")
        & units["subunit_code"].fillna("").str.match(r"^DE-[A-Z]{2}$")
    ]
    if de.empty:
        raise JoinError(
            "units: no row with jurisdiction 'DE' and subunit_code 'DE-XX'; expected 16 Länder"
        )
    est = events[events["event"] == "established"].copy()
    est["year"] = est["date"].astype(str).str[:4].astype(int)
    est = est.merge(de[["unit_id", "subunit_code", "kind"]], on="unit_id", how="inner")
    est = est[est["kind"] != "no_body"].sort_values(["date", "unit_id"])
    rows, problems = [], []
    for code, bodies in de.groupby("subunit_code", sort=True):
        if (bodies["kind"] == "no_body").all():
            rows.append(
                {
                    "land_code": code,
                    "unit_id": bodies["unit_id"].iloc[0],
                    "body_type": "none",
                    "first_year": 0,
                    "date": "",
                }
            )
            continue
        first = est[est["subunit_code"] == code]
        if first.empty:
            problems.append(f"{code} (units {list(bodies['unit_id'])})")
            continue
        top = first.iloc[0]
        rows.append(
            {
                "land_code": code,
                "unit_id": top["unit_id"],
                "body_type": _BODY_TYPE.get(str(top["kind"]), str(top["kind"])),
                "first_year": int(top["year"]),
                "date": str(top["date"]),
            }
        )
    if problems:
        raise JoinError(
            f"events: no 'established' event for Land(s) {', '.join(problems)}; expected one "
            "per Land with a body (kind other than no_body)"
        )
    return AdoptionSchedule(table=pd.DataFrame(rows))


def pks_land_panel(
    pks: pd.DataFrame,
    schedule: AdoptionSchedule,
    *,
    key: str = "655100",
    years: Sequence[int] = DE_YEARS,
) -> AdoptionPanel:
    """Join PKS counts for one offence key to the adoption schedule (Land x year).

    Parameters
    ----------
    pks
        Frame of :func:`policingstudy.data.readers.de.read_pks_years` (``year``, ``land_code``,
        ``key``, ``cases``, ``cleared_cases``).
    schedule
        From :func:`de_adoption_schedule`.
    key
        PKS offence key.
    years
        Consecutive window.

    Returns
    -------
    AdoptionPanel
        Balanced panel; Länder treated in or before the first year (no pre-period) are dropped,
        adoptions after the last year are recoded to 0, Länder missing a year are dropped.

    Raises
    ------
    PanelError
        If the key is absent from a year, or the years are not consecutive.
    """
    years_t = tuple(int(y) for y in years)
    if list(years_t) != list(range(years_t[0], years_t[-1] + 1)):
        raise PanelError(f"years: found {years_t}; expected consecutive years")
    rows = pks[(pks["key"] == key) & pks["year"].isin(years_t) & (pks["land_code"] != "DE")]
    missing_years = sorted(set(years_t) - set(rows["year"]))
    if missing_years:
        raise PanelError(
            f"pks: key {key!r} absent in year(s) {missing_years}; expected rows for every year "
            f"{years_t[0]}-{years_t[-1]}"
        )
    first, last = years_t[0], years_t[-1]
    sched = schedule.table.set_index("land_code")["first_year"]
    dropped: dict[str, list[str]] = {
        "treated_before_window": sorted(str(u) for u, g in sched.items() if 0 < g <= first),
        "not_in_schedule": sorted(set(rows["land_code"]) - set(sched.index)),
    }
    recoded = sorted(str(u) for u, g in sched.items() if g > last)
    counts = rows.groupby("land_code")["year"].nunique()
    dropped["missing_years"] = sorted(str(u) for u, n in counts.items() if n < len(years_t))
    dropped["no_pks_rows"] = sorted(set(sched.index) - set(counts.index))
    drop = {u for v in dropped.values() for u in v}
    data = rows[~rows["land_code"].isin(drop)][["land_code", "year", "cases", "cleared_cases"]]
    data = data.sort_values(["land_code", "year"]).reset_index(drop=True)
    group = data["land_code"].map(sched).astype(int)
    data.insert(2, "group", group.where(group <= last, 0))
    data.insert(3, "treated", ((data["group"] > 0) & (data["year"] >= data["group"])).astype(int))
    cases = data["cases"].astype(float)
    data["cleared_share"] = (100.0 * data["cleared_cases"] / cases.where(cases > 0)).astype(float)
    data["log_cases"] = np.log1p(cases)
    return AdoptionPanel(
        data=data,
        n_units=int(data["land_code"].nunique()),
        n_obs=len(data),
        dropped={k: v for k, v in dropped.items() if v},
        recoded_never=recoded,
        key=key,
        years=years_t,
    )
