"""Cross-national comparison, country x year: WGI estimates with their standard errors.

Descriptive only. WGI estimates are standardised each year across the economies covered
(world mean about 0, standard deviation about 1), so a country's line shows its position
relative to the others, not an absolute level. The all-country mean is the unweighted mean of
the estimates of a year; its band uses only the measurement errors the WGI publish
(``sqrt(sum se^2) / n``, errors taken as independent). Before 2002 the WGI are biennial
(1996, 1998, 2000).

Kazakhstan's reform events are read from the dataset's ``events`` table for the chosen units.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from policingstudy.core.cache import memoised
from policingstudy.core.errors import PanelError
from policingstudy.data.readers import crossnational as readers_crossnational

FOCUS_COUNTRIES = ("KAZ", "DEU", "GBR", "USA")
ALL_COUNTRIES = "ALL"
FOCUS_INDICATORS = ("rl", "va", "cc", "ge")
Z90 = 1.6448536269514722  # the WGI publish 90% intervals
KZ_REFORM_UNITS = (
    "KZ_LOCAL_POLICE_SERVICE",
    "KZ_COMPLAINTS",
    "KZ_OMBUDSMAN",
)
_WGI_COLUMNS = ("code", "year", "indicator", "estimate", "std_error")


def wgi_panel(
    wgi: pd.DataFrame,
    *,
    countries: Sequence[str] = FOCUS_COUNTRIES,
    indicators: Sequence[str] = FOCUS_INDICATORS,
    z: float = Z90,
) -> pd.DataFrame:
    """Select countries and indicators and add the all-country mean, with intervals.

    Parameters
    ----------
    wgi
        Frame of :func:`policingstudy.data.readers.crossnational.read_wgi_2024`.
    countries
        World Bank codes to keep.
    indicators
        WGI indicator codes (``rl``, ``va``, ``cc``, ``ge``, ...).
    z
        Interval half-width in standard errors (default: 90%, as the WGI publish).

    Returns
    -------
    pandas.DataFrame
        ``code`` (``ALL`` for the mean), ``indicator``, ``year``, ``estimate``,
        ``std_error``, ``ci_low``, ``ci_high``, ``n_countries`` (1 for a country); rows with
        a missing estimate are dropped.

    Raises
    ------
    PanelError
        If a column is missing, a country or indicator is absent, or a
        country-indicator-year appears twice.
    """
    missing = [c for c in _WGI_COLUMNS if c not in wgi.columns]
    if missing:
        raise PanelError(f"wgi: columns {missing} missing; expected {list(_WGI_COLUMNS)}")
    for name, wanted, column in (
        ("countries", countries, "code"),
        ("indicators", indicators, "indicator"),
    ):
        absent = sorted(set(wanted) - set(wgi[column]))
        if absent:
            raise PanelError(f"wgi: {name} {absent} not found in column {column!r}")
    dup = wgi[wgi.duplicated(["code", "year", "indicator"])]
    if len(dup):
        row = dup.iloc[0]
        raise PanelError(
            f"wgi: {row['code']} {row['indicator']} {row['year']} appears more than once; "
            "expected one row per country, indicator and year"
        )
    data = wgi[wgi["indicator"].isin(indicators) & wgi["estimate"].notna()]
    focus = data[data["code"].isin(countries)][list(_WGI_COLUMNS)].assign(n_countries=1)
    grouped = data.groupby(["indicator", "year"])
    mean = grouped.agg(
        estimate=("estimate", "mean"),
        n_countries=("estimate", "size"),
        ss=("std_error", lambda s: float(np.sum(np.square(s.dropna())))),
    ).reset_index()
    mean["std_error"] = np.sqrt(mean["ss"]) / mean["n_countries"]
    mean["code"] = ALL_COUNTRIES
    out = pd.concat([focus, mean[list(_WGI_COLUMNS) + ["n_countries"]]], ignore_index=True)
    out["ci_low"] = out["estimate"] - z * out["std_error"]
    out["ci_high"] = out["estimate"] + z * out["std_error"]
    columns = ["code", "indicator", "year", "estimate", "std_error", "ci_low", "ci_high"]
    out = out[[*columns, "n_countries"]].astype({"year": int, "n_countries": int})
    return out.sort_values(["indicator", "code", "year"]).reset_index(drop=True)


def wgi_change(panel: pd.DataFrame, *, code: str, first: int, last: int) -> pd.DataFrame:
    """Change of one country's estimates between two years, per indicator.

    The standard error of the change is ``sqrt(se_first^2 + se_last^2)``: it treats the two
    years' errors as independent, which overstates it when they are positively correlated.

    Returns
    -------
    pandas.DataFrame
        Index ``indicator``; ``first``, ``last``, ``se_first``, ``se_last``, ``change``,
        ``se_change``.

    Raises
    ------
    PanelError
        If the country lacks either year for an indicator.
    """
    rows = panel[panel["code"] == code].set_index(["indicator", "year"])
    out = []
    for indicator in sorted(panel["indicator"].unique()):
        try:
            a, b = rows.loc[(indicator, first)], rows.loc[(indicator, last)]
        except KeyError:
            raise PanelError(
                f"wgi panel: {code} {indicator} lacks year {first} or {last}"
            ) from None
        out.append(
            {
                "indicator": indicator,
                "first": float(a["estimate"]),
                "last": float(b["estimate"]),
                "se_first": float(a["std_error"]),
                "se_last": float(b["std_error"]),
            }
        )
    table = pd.DataFrame(out).set_index("indicator")
    table["change"] = table["last"] - table["first"]
    table["se_change"] = np.hypot(table["se_first"], table["se_last"])
    return table


def kz_reform_events(
    units: pd.DataFrame,
    events: pd.DataFrame,
    *,
    unit_ids: Sequence[str] = KZ_REFORM_UNITS,
    years: tuple[int, int] = (1996, 2023),
) -> pd.DataFrame:
    """Kazakhstan's reform events of the chosen units inside a year range.

    Parameters
    ----------
    units, events
        The processed ``units`` (``unit_id``, ``jurisdiction``, ``name_en/kk/ru``) and
        ``events`` (``unit_id``, ``event``, ``date`` as ``YYYY[-MM[-DD]]``) tables.
    unit_ids
        Units whose events are marked.
    years
        First and last year kept.

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``event``, ``date``, ``year``, ``name_en``, ``name_kk``, ``name_ru``,
        sorted by date.

    Raises
    ------
    PanelError
        If a unit is not a Kazakh unit of ``units``.
    """
    kz = units[units["jurisdiction"] == "KZ"].set_index("unit_id")
    unknown = [u for u in unit_ids if u not in kz.index]
    if unknown:
        raise PanelError(f"units: {unknown} not found among units with jurisdiction 'KZ'")
    rows = events[events["unit_id"].isin(list(unit_ids))].copy()
    rows["year"] = rows["date"].astype(str).str[:4].astype(int)
    rows = rows[(rows["year"] >= years[0]) & (rows["year"] <= years[1])]
    names = kz.loc[:, ["name_en", "name_kk", "name_ru"]]
    rows = rows.join(names, on="unit_id")
    columns = ["unit_id", "event", "date", "year", "name_en", "name_kk", "name_ru"]
    return rows[columns].sort_values(["date", "unit_id"]).reset_index(drop=True)


read_wgi_2024 = memoised(readers_crossnational.read_wgi_2024)
"""The WGI 2024 reader, shared across the language runs of a report."""


def wgi_evidence() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """WGI panel, Kazakhstan's change over the whole period and its reform events.

    Reads the external source ``wgi_2024`` and the processed ``units`` and ``events``.

    Returns
    -------
    tuple of pandas.DataFrame
        :func:`wgi_panel`, :func:`wgi_change` for KAZ, :func:`kz_reform_events`.
    """
    from policingstudy.studies.inputs import load, source

    wgi = wgi_panel(read_wgi_2024(source("wgi_2024")))
    change = wgi_change(wgi, code="KAZ", first=int(wgi["year"].min()), last=int(wgi["year"].max()))
    tables = load("units", "events")
    return wgi, change, kz_reform_events(tables["units"], tables["events"])
