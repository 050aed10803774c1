"""England & Wales: police force area x financial year panel around the start of PCCs.

Pure functions on the frames of :mod:`policingstudy.data.readers.ew`. Deaths during or following
police contact are the sum of the IOPC's five mutually exclusive categories (custody, road
traffic incidents, fatal shootings, apparent suicides following custody, other deaths following
contact) per territorial police force area and financial year (April-March, ``year_start``
2004 for 2004/05). A force absent from an IOPC table had no death in that category (the reader
adds those rows with zero). Deaths recorded against joint incidents or national bodies
(British Transport Police, etc.) have no force area and are dropped, and counted.

Design. Police and crime commissioners took office in 41 force areas on 22 November 2012, which
falls in financial year 2012/13 (``year_start`` 2012, partly exposed). The comparison units are
London (Metropolitan Police: the Mayor's Office for Policing and Crime from 16 January 2012,
financial year 2011/12, itself a governance reform at almost the same date) and the City of
London (no PCC; the City of London Corporation is the police authority). With every treated
force starting on the same date, a two-way fixed-effects coefficient is a before/after
comparison of 41 forces against two comparison units, not a credible difference-in-differences.

Officer strength: full-time equivalents at 31 March of year Y (2015-2019) are the strength at
the start of financial year Y/Y+1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policingstudy.core.errors import PanelError

EW_YEARS = tuple(range(2004, 2020))
PCC_START_YEAR = 2012  # financial year 2012/13 holds 22 November 2012
METROPOLITAN = "E23000001"
CITY_OF_LONDON = "E23000034"
COMPARISON_UNITS = (METROPOLITAN, CITY_OF_LONDON)
_IOPC_COLUMNS = ("pfa_code", "authority_kind", "year_start", "deaths")


@dataclass(frozen=True)
class EwPanel:
    """Force area x financial year panel.

    Attributes
    ----------
    data
        ``pfa_code``, ``year`` (start of the financial year), ``financial_year`` ('2012/13'),
        ``group`` (:data:`PCC_START_YEAR` for PCC forces, 0 for comparison units),
        ``comparison`` (bool), ``treated`` (0/1), ``deaths``, ``officers_fte`` (NaN outside
        2015-2019) and ``deaths_per_1000_fte``.
    n_units, n_obs
        Force areas and rows.
    deaths_dropped
        Deaths without a force area (joint incidents, national bodies), by category.
    categories
        IOPC categories summed.
    """

    data: pd.DataFrame
    n_units: int
    n_obs: int
    deaths_dropped: dict[str, int]
    categories: tuple[str, ...]

    @property
    def years(self) -> tuple[int, ...]:
        """Financial years (start) of the panel."""
        return tuple(sorted(int(y) for y in self.data["year"].unique()))


def financial_year(year_start: int) -> str:
    """Return the financial year label of its starting year (``2012`` → ``'2012/13'``)."""
    return f"{year_start}/{(year_start + 1) % 100:02d}"


def ew_deaths_panel(
    iopc: dict[str, pd.DataFrame],
    fte: pd.DataFrame | None = None,
    *,
    years: Iterable[int] = EW_YEARS,
    pcc_start: int = PCC_START_YEAR,
    comparison: Iterable[str] = COMPARISON_UNITS,
) -> EwPanel:
    """Sum IOPC deaths over categories into a force x financial-year panel.

    Parameters
    ----------
    iopc
        Category name → frame of :func:`policingstudy.data.readers.ew.read_iopc_by_force` (or
        ``read_iopc_timeseries``): ``pfa_code``, ``authority_kind``, ``year_start``,
        ``deaths``.
    fte
        Frame of :func:`policingstudy.data.readers.ew.read_police_fte` (``pfa_code``, ``year`` =
        31 March of that year, ``officers_fte``), or None.
    years
        Consecutive financial years (start) to keep.
    pcc_start
        First (partly) treated financial year of the PCC forces.
    comparison
        Force area codes not treated at ``pcc_start`` (group 0).

    Returns
    -------
    EwPanel
        Balanced panel of every force area present in all categories.

    Raises
    ------
    PanelError
        No category, a missing column, years not consecutive, a force-year listed twice in a
        category, a force missing a year, a comparison unit absent, or ``pcc_start`` without
        a year before it in the window.
    """
    years_t = tuple(int(y) for y in years)
    if not years_t or list(years_t) != list(range(years_t[0], years_t[-1] + 1)):
        raise PanelError(f"years: found {years_t}; expected consecutive years")
    if not years_t[0] < pcc_start <= years_t[-1]:
        raise PanelError(
            f"pcc_start: found {pcc_start}; expected a year in {years_t[0] + 1}-{years_t[-1]}"
        )
    if not iopc:
        raise PanelError("iopc: no category given; expected at least one IOPC frame")
    parts, dropped = [], {}
    for name, frame in iopc.items():
        missing = [c for c in _IOPC_COLUMNS if c not in frame.columns]
        if missing:
            raise PanelError(
                f"iopc[{name!r}]: columns {missing} missing; expected {list(_IOPC_COLUMNS)}"
            )
        rows = frame[frame["year_start"].isin(years_t)]
        force = rows[rows["authority_kind"] == "territorial"]
        dup = force[force.duplicated(["pfa_code", "year_start"])]
        if len(dup):
            first = dup.iloc[0]
            raise PanelError(
                f"iopc[{name!r}]: force {first['pfa_code']} year {first['year_start']} listed "
                "more than once; expected one row per force and year"
            )
        dropped[name] = int(rows.loc[rows["authority_kind"] != "territorial", "deaths"].sum())
        parts.append(force[["pfa_code", "year_start", "deaths"]].assign(category=name))
    long = pd.concat(parts, ignore_index=True)
    counts = long.groupby(["pfa_code", "category"])["year_start"].nunique()
    codes = counts.index.get_level_values("pfa_code")
    short = sorted({code for code, n in zip(codes, counts, strict=True) if n < len(years_t)})
    absent = counts.unstack().isna().any(axis=1)
    short += sorted(code for code, miss in absent.items() if miss)
    if short:
        raise PanelError(
            f"iopc: force area(s) {sorted(set(short))} lack some year or category; expected "
            f"{len(years_t)} years ({years_t[0]}-{years_t[-1]}) in each of {list(iopc)}"
        )
    comparison_t = tuple(comparison)
    units = set(long["pfa_code"])
    lacking = [c for c in comparison_t if c not in units]
    if lacking:
        raise PanelError(f"comparison: unit(s) {lacking} not in the IOPC frames")
    data = (
        long.groupby(["pfa_code", "year_start"])["deaths"]
        .sum()
        .reset_index()
        .rename(columns={"year_start": "year"})
    )
    data["deaths"] = data["deaths"].astype(int)
    data["comparison"] = data["pfa_code"].isin(comparison_t)
    data["group"] = np.where(data["comparison"], 0, pcc_start).astype(int)
    data["treated"] = ((data["group"] > 0) & (data["year"] >= data["group"])).astype(int)
    data["financial_year"] = data["year"].map(financial_year)
    data = data.merge(_fte_by_year(fte), on=["pfa_code", "year"], how="left")
    fte_values = data["officers_fte"].where(data["officers_fte"] > 0)
    data["deaths_per_1000_fte"] = 1000.0 * data["deaths"] / fte_values
    columns = [
        "pfa_code",
        "year",
        "financial_year",
        "group",
        "comparison",
        "treated",
        "deaths",
        "officers_fte",
        "deaths_per_1000_fte",
    ]
    data = data[columns].sort_values(["pfa_code", "year"]).reset_index(drop=True)
    return EwPanel(
        data=data,
        n_units=int(data["pfa_code"].nunique()),
        n_obs=len(data),
        deaths_dropped=dropped,
        categories=tuple(iopc),
    )


def _fte_by_year(fte: pd.DataFrame | None) -> pd.DataFrame:
    """Officer FTE at 31 March Y as the strength of financial year Y (force areas only)."""
    if fte is None:
        return pd.DataFrame({"pfa_code": [], "year": [], "officers_fte": []}).astype(
            {"pfa_code": str, "year": int, "officers_fte": float}
        )
    rows = fte[fte["pfa_code"].notna()]
    if rows.duplicated(["pfa_code", "year"]).any():
        raise PanelError("fte: a force is listed twice in a year; expected one row per force")
    return rows[["pfa_code", "year", "officers_fte"]].astype({"year": int, "officers_fte": float})


def deaths_by_year(panel: EwPanel) -> pd.DataFrame:
    """Deaths per financial year, PCC forces against the comparison units.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``financial_year``, ``pcc_forces`` and ``comparison`` (death counts).
    """
    data = panel.data
    table = data.pivot_table(
        index="year", columns="comparison", values="deaths", aggfunc="sum", fill_value=0
    ).rename(columns={False: "pcc_forces", True: "comparison"})
    for col in ("pcc_forces", "comparison"):
        if col not in table.columns:
            table[col] = 0
    table = table.reset_index()[["year", "pcc_forces", "comparison"]]
    table.insert(1, "financial_year", table["year"].map(financial_year))
    table.columns.name = None
    return table


def before_after(panel: EwPanel) -> pd.DataFrame:
    """Mean deaths per force and year before and from the PCC start, by group.

    Returns
    -------
    pandas.DataFrame
        Index ``pcc_forces``/``comparison``; columns ``before``, ``after``, ``change``,
        ``n_units``.
    """
    data = panel.data
    start = int(data.loc[data["group"] > 0, "group"].min())
    period = np.where(data["year"] >= start, "after", "before")
    side = np.where(data["comparison"], "comparison", "pcc_forces")
    table = data.groupby([side, period])["deaths"].mean().unstack()
    table["change"] = table["after"] - table["before"]
    table["n_units"] = data.groupby(side)["pfa_code"].nunique()
    return table.reindex(["pcc_forces", "comparison"])
