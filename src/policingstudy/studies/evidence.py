"""Adoption evidence of notebook 06: one study-level function per panel (DE, US, EW).

Each panel function takes the reader frames (pure, tested on hand-made inputs) and returns a
:class:`PanelEvidence` whose tables are the notebook's published tables:

``estimates``
    One row per outcome x estimator x adoption definition x anticipation x p-value method
    (:data:`ESTIMATE_COLUMNS`).
``honest``
    HonestDiD bounds (relative magnitudes and smoothness) for the panel's event study.
``power``
    Minimum detectable effects (80% power, 5% two-sided) and the outcome's mean.

What the estimators are (plain words, repeated in the catalog text):

- ``twfe``: two-way fixed effects, ``rate ~ treated | unit + year``, clustered by unit; its
  p-value three ways: cluster t (``cluster_t``), restricted wild cluster bootstrap with Webb
  weights (``wild_bootstrap``), randomisation over adoption schedules (``permutation``).
- ``cs_varying`` / ``cs_universal``: Callaway & Sant'Anna simple ATT (average effect on the
  adopters, doubly robust, no covariates) with a varying or universal base period, each with
  0 and 1 years of anticipation (``anticipation`` column).
- ``ppml``: Poisson pseudo-maximum likelihood on counts with unit and year effects and
  ``log(population)`` as exposure; the estimate is on the log scale (``exp(b) - 1`` is the
  proportional change).
- ``synthetic_control`` (EW only): synthetic control with placebo-in-space p-value.

Rates are per 100,000 residents with a population of the same year (DE: 31 December of the
previous year, i.e. the start of the year, all on the Zensus 2011 basis; US: Census 1 July
estimates, Vintage 2019 up to 2019 and Vintage 2023 from 2020, a break kept and stated;
EW: ONS mid-year estimates, pre-Census-2021 series, mid-2002 to mid-2018 only).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from policingstudy.core.cache import memoised
from policingstudy.core.errors import JoinError, PanelError
from policingstudy.methods.causal.did import BasePeriod, Control

if TYPE_CHECKING:
    from policingstudy.methods.causal.did import AttGtResult, DynamicCovariance
    from policingstudy.methods.causal.synth import SynthResult
    from policingstudy.studies.adoption_ew import EwPanel

ESTIMATE_COLUMNS = [
    "panel",
    "outcome",
    "estimator",
    "definition",
    "anticipation",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
    "p_method",
    "n_units",
    "n_periods",
]
HONEST_COLUMNS = ["panel", "restriction", "mbar", "lb", "ub"]
POWER_COLUMNS = ["panel", "outcome", "estimator", "mde", "mean_outcome", "mde_share"]
_EXPECTED_WARNINGS = (
    "Be aware that there are some small groups",
    "Not returning pre-test Wald statistic",
    "Solution may be inaccurate",
    "anticipation = ",
    "Dropped ",
    "Only ",
)
PER = 100_000.0


@dataclass(frozen=True)
class EvidenceSettings:
    """Inference settings shared by the panels.

    Attributes
    ----------
    bootstrap_iterations
        Wild cluster bootstrap draws.
    permutation_draws
        Random reassignments of the adoption schedule.
    honest_mbar
        Relative-magnitude values (multiples of the largest pre-period change).
    honest_m_share
        Smoothness values, as multiples of the outcome's standard deviation in the panel.
    honest_grid_points
        Test-inversion grid of the relative-magnitude bounds.
    event_window
        Event times of the event studies (``min``, ``max``).
    """

    bootstrap_iterations: int = 999
    permutation_draws: int = 999
    honest_mbar: tuple[float, ...] = (0.5, 1.0, 2.0)
    honest_m_share: tuple[float, ...] = (0.0, 0.05, 0.1)
    honest_grid_points: int = 100
    event_window: tuple[int, int] = (-4, 3)


@dataclass(frozen=True)
class PanelEvidence:
    """Everything notebook 06 shows about one panel.

    Attributes
    ----------
    panel
        ``DE``, ``US`` or ``EW``.
    rate, count
        Outcome columns (rate per 100,000 and count).
    data
        The main-definition panel: ``unit``, ``year``, ``group``, ``treated``, the count,
        ``population`` and the rate.
    schedules
        ``unit`` x definition first treated years (0 = never in the window, NaN = dropped).
    estimates, honest, power
        The published tables (:data:`ESTIMATE_COLUMNS`, :data:`HONEST_COLUMNS`,
        :data:`POWER_COLUMNS`).
    event_study
        ``estimator`` (``twfe`` or ``cs_universal``), ``event_time``, ``estimate``,
        ``ci_low``, ``ci_high`` (main definition).
    pre_adoption
        ``event_time``, ``adopters_mean``, ``comparison_mean``, ``difference``,
        ``n_adopters``: the outcome around adoption against units not (yet) treated in the
        same calendar years (mean-reversion diagnostic).
    details
        Named counts and values the text quotes.
    """

    panel: str
    rate: str
    count: str
    data: pd.DataFrame
    schedules: pd.DataFrame
    estimates: pd.DataFrame
    honest: pd.DataFrame
    power: pd.DataFrame
    event_study: pd.DataFrame
    pre_adoption: pd.DataFrame
    details: dict[str, Any] = field(default_factory=dict)

    def estimate(self, estimator: str, **where: Any) -> pd.Series:
        """Return the one row of ``estimates`` matching ``estimator`` and ``where``.

        Raises
        ------
        KeyError
            If no row or several rows match.
        """
        rows = self.estimates[self.estimates["estimator"] == estimator]
        for column, value in where.items():
            rows = rows[rows[column] == value]
        if len(rows) != 1:
            raise KeyError(f"{self.panel}: {len(rows)} rows for {estimator} {where}")
        return rows.iloc[0]


# -- shared estimation ------------------------------------------------------------------------


def add_rate(
    data: pd.DataFrame, population: pd.DataFrame, *, count: str, rate: str, unit: str = "unit"
) -> pd.DataFrame:
    """Join a population (``unit``, ``year``, ``population``) and add ``rate`` per 100,000.

    Raises
    ------
    JoinError
        Naming the unit-years without a population.
    """
    merged = data.drop(columns=["population"], errors="ignore").merge(
        population[[unit, "year", "population"]], on=[unit, "year"], how="left"
    )
    missing = merged[merged["population"].isna() | (merged["population"] <= 0)]
    if len(missing):
        shown = list(missing[[unit, "year"]].itertuples(index=False, name=None))[:5]
        raise JoinError(
            f"population: no positive population for {len(missing)} unit-year(s), e.g. {shown}; "
            "expected one for every unit and year of the panel"
        )
    merged[rate] = PER * merged[count] / merged["population"]
    return merged


def _cs(
    data: pd.DataFrame,
    y: str,
    control: Control,
    *,
    anticipation: int,
    base_period: BasePeriod,
) -> AttGtResult:
    from policingstudy.methods.causal.did import att_gt

    with warnings.catch_warnings():
        for message in _EXPECTED_WARNINGS:
            warnings.filterwarnings("ignore", message=message)
        return att_gt(
            data,
            y=y,
            unit="unit",
            time="year",
            group="group",
            control=control,
            anticipation=anticipation,
            base_period=base_period,
        )


def _term_row(table: pd.DataFrame, term: str) -> pd.Series:
    """The row of ``term`` in a tidy coefficient table (one row per ``term``)."""
    return table.set_index("term").loc[[term]].iloc[0]


def _row(panel: str, outcome: str, estimator: str, definition: str, **values: Any) -> dict:
    row: dict[str, Any] = dict.fromkeys(ESTIMATE_COLUMNS, np.nan)
    row.update(
        panel=panel,
        outcome=outcome,
        estimator=estimator,
        definition=definition,
        anticipation=0,
    )
    row.update(values)
    return row


def did_suite(
    data: pd.DataFrame,
    *,
    panel: str,
    rate: str,
    count: str,
    definition: str,
    control: Control,
    rng: np.random.Generator,
    settings: EvidenceSettings,
    inference: bool = True,
) -> list[dict]:
    """Estimate rows of one panel and adoption definition (see the module docstring).

    Parameters
    ----------
    data
        Balanced panel with ``unit``, ``year``, ``group`` (first treated year, 0 = never),
        ``treated``, ``population``, the count and the rate.
    panel, rate, count, definition
        Labels and outcome columns.
    control
        Callaway & Sant'Anna comparison group.
    rng
        Random generator (wild bootstrap and permutations).
    settings
        Draws.
    inference
        Whether to add the wild-bootstrap and permutation p-values (slow parts).

    Returns
    -------
    list of dict
        Rows of :data:`ESTIMATE_COLUMNS`.
    """
    from policingstudy.methods.causal.inference import permutation_test
    from policingstudy.methods.causal.poisson import ppml
    from policingstudy.methods.causal.twfe import twfe
    from policingstudy.methods.causal.wild_bootstrap import wild_cluster_bootstrap

    rows: list[dict] = []
    n_units, n_periods = int(data["unit"].nunique()), int(data["year"].nunique())
    fit = twfe(data, y=rate, x=["treated"], unit="unit", time="year")
    tw = _term_row(fit.table, "treated")
    common = {
        "estimate": float(tw["coef"]),
        "se": float(tw["se"]),
        "ci_low": float(tw["ci_low"]),
        "ci_high": float(tw["ci_high"]),
        "n_units": fit.n_units,
        "n_periods": fit.n_periods,
    }
    rows.append(
        _row(panel, rate, "twfe", definition, **common, p_value=tw["pvalue"], p_method="cluster_t")
    )
    if inference:
        wb = wild_cluster_bootstrap(
            data,
            y=rate,
            x=["treated"],
            test="treated",
            unit="unit",
            time="year",
            rng=rng,
            iterations=settings.bootstrap_iterations,
            weights="webb",
        )
        rows.append(
            _row(
                panel,
                rate,
                "twfe",
                definition,
                **common,
                p_value=wb.pvalue,
                p_method="wild_bootstrap",
            )
        )
        perm = permutation_test(
            data,
            y=rate,
            unit="unit",
            time="year",
            group="group",
            rng=rng,
            draws=settings.permutation_draws,
        )
        rows.append(
            _row(
                panel,
                rate,
                "twfe",
                definition,
                **common,
                p_value=perm.pvalue,
                p_method="permutation",
            )
        )
    for base in ("varying", "universal"):
        for anticipation in (0, 1):
            try:
                cs = _cs(data, rate, control, anticipation=anticipation, base_period=base)
            except PanelError:
                continue
            simple = cs.aggregate("simple")
            if not np.isfinite(simple.se):
                continue
            rows.append(
                _row(
                    panel,
                    rate,
                    f"cs_{base}",
                    definition,
                    anticipation=anticipation,
                    estimate=simple.att,
                    se=simple.se,
                    ci_low=simple.ci_low,
                    ci_high=simple.ci_high,
                    p_value=float(2 * stats.norm.sf(abs(simple.att / simple.se))),
                    p_method="normal",
                    n_units=cs.n_units,
                    n_periods=n_periods,
                )
            )
    pois = ppml(data, y=count, x=["treated"], unit="unit", time="year", exposure="population")
    pr = _term_row(pois.table, "treated")
    rows.append(
        _row(
            panel,
            count,
            "ppml",
            definition,
            estimate=float(pr["coef"]),
            se=float(pr["se"]),
            ci_low=float(pr["ci_low"]),
            ci_high=float(pr["ci_high"]),
            p_value=float(pr["pvalue"]),
            p_method="cluster_normal",
            n_units=pois.n_units,
            n_periods=pois.n_periods,
        )
    )
    del n_units
    return rows


def event_studies(
    data: pd.DataFrame, *, rate: str, control: Control, window: tuple[int, int]
) -> tuple[pd.DataFrame, DynamicCovariance]:
    """TWFE (binned endpoints, reference -1) and C&S (universal base) event studies.

    Returns
    -------
    tuple
        The plotting frame and the C&S :class:`~policingstudy.methods.causal.did.DynamicCovariance`.
    """
    from policingstudy.methods.causal.did import dynamic_covariance
    from policingstudy.methods.causal.twfe import event_study

    lo, hi = window
    es = event_study(data, y=rate, unit="unit", time="year", group="group", window=(lo, hi + 1))
    tw = es.table.assign(estimator="twfe").rename(columns={"coef": "estimate"})
    cs = _cs(data, rate, control, anticipation=0, base_period="universal")
    dyn = dynamic_covariance(cs, min_e=lo, max_e=hi)
    z = stats.norm.ppf(0.975)
    se = np.sqrt(np.clip(np.diag(dyn.vcov), 0, None))
    csf = pd.DataFrame(
        {
            "estimator": "cs_universal",
            "event_time": dyn.event_times,
            "estimate": dyn.att,
            "ci_low": dyn.att - z * se,
            "ci_high": dyn.att + z * se,
        }
    )
    cols = ["estimator", "event_time", "estimate", "ci_low", "ci_high"]
    return pd.concat([tw[cols], csf[cols]], ignore_index=True), dyn


def honest_table(
    dyn: DynamicCovariance, *, panel: str, settings: EvidenceSettings, scale: float
) -> tuple[pd.DataFrame, dict[str, float]]:
    """HonestDiD bounds on the average post-adoption effect of a universal-base event study.

    The reference period (-1) is left out; the target is the average of the post-adoption
    event times in the window (``l_vec`` uniform). Smoothness values are
    ``settings.honest_m_share * scale`` (the outcome's standard deviation).

    Returns
    -------
    tuple
        Rows of :data:`HONEST_COLUMNS` plus ``method`` (the first row per restriction is the
        interval under exact parallel trends, ``mbar`` NaN) and the breakdown values.
    """
    from policingstudy.methods.causal.honest import breakdown, event_study_input, honest_bounds

    keep = dyn.event_times != -1
    est = event_study_input(dyn.event_times[keep], dyn.att[keep], dyn.vcov[np.ix_(keep, keep)])
    l_vec = [1.0 / est.num_post] * est.num_post
    with warnings.catch_warnings():
        for message in _EXPECTED_WARNINGS:
            warnings.filterwarnings("ignore", message=message)
        rm = honest_bounds(
            est,
            restriction="relative_magnitudes",
            mbar=settings.honest_mbar,
            l_vec=l_vec,
            grid_points=settings.honest_grid_points,
            method="Conditional",
        )
        sd = honest_bounds(
            est,
            restriction="smoothness",
            mbar=[m * scale for m in settings.honest_m_share],
            l_vec=l_vec,
        )
    frame = pd.concat([rm, sd], ignore_index=True)
    frame.insert(0, "panel", panel)
    return frame, {"rm_breakdown": breakdown(rm), "sd_breakdown": breakdown(sd)}


def pre_adoption_means(
    data: pd.DataFrame, *, y: str, window: tuple[int, int] = (-5, 3)
) -> pd.DataFrame:
    """Mean outcome of adopters by event time against comparison units in the same years.

    Comparison units in calendar year t are those never treated or first treated after t.

    Returns
    -------
    pandas.DataFrame
        ``event_time``, ``adopters_mean``, ``comparison_mean``, ``difference``,
        ``n_adopters``.
    """
    comp = []
    for year, rows in data.groupby("year"):
        mask = (rows["group"] == 0) | (rows["group"] > year)
        comp.append((year, float(rows.loc[mask, y].mean()) if mask.any() else np.nan))
    by_year = dict(comp)
    adopters = data[data["group"] > 0].copy()
    adopters["event_time"] = adopters["year"] - adopters["group"]
    adopters = adopters[adopters["event_time"].between(*window)]
    adopters["comparison"] = adopters["year"].map(by_year)
    out = adopters.groupby("event_time").agg(
        adopters_mean=(y, "mean"),
        comparison_mean=("comparison", "mean"),
        n_adopters=("unit", "nunique"),
    )
    out["difference"] = out["adopters_mean"] - out["comparison_mean"]
    return out.reset_index()[
        ["event_time", "adopters_mean", "comparison_mean", "difference", "n_adopters"]
    ]


def power_rows(
    estimates: pd.DataFrame, data: pd.DataFrame, *, panel: str, rate: str, count: str, main: str
) -> pd.DataFrame:
    """MDEs of the main definition's TWFE, C&S (varying base, no anticipation) and PPML.

    Returns
    -------
    pandas.DataFrame
        :data:`POWER_COLUMNS`; ``mde_share`` is ``mde / mean_outcome`` (for PPML the MDE is in
        log points and ``mde_share`` is ``exp(mde) - 1``).
    """
    from policingstudy.methods.causal.inference import minimum_detectable_effect

    rows = []
    sel = estimates[(estimates["definition"] == main) & (estimates["anticipation"] == 0)]
    for estimator, outcome, df in (
        ("twfe", rate, int(data["unit"].nunique()) - 1),
        ("cs_varying", rate, None),
        ("ppml", count, None),
    ):
        hit = sel[(sel["estimator"] == estimator)]
        if hit.empty:
            continue
        se = float(hit.iloc[0]["se"])
        mde = minimum_detectable_effect(se, df=df)
        mean = float(data[outcome].mean())
        share = float(np.expm1(mde)) if estimator == "ppml" else mde / mean
        rows.append(
            {
                "panel": panel,
                "outcome": outcome,
                "estimator": estimator,
                "mde": mde,
                "mean_outcome": mean,
                "mde_share": share,
            }
        )
    return pd.DataFrame(rows, columns=POWER_COLUMNS)


def _evidence(
    panels: dict[str, pd.DataFrame],
    *,
    panel: str,
    rate: str,
    count: str,
    main: str,
    control: Control,
    rng: np.random.Generator,
    settings: EvidenceSettings,
    schedules: pd.DataFrame,
    details: dict[str, Any],
) -> PanelEvidence:
    rows: list[dict] = []
    for definition, data in panels.items():
        rows += did_suite(
            data,
            panel=panel,
            rate=rate,
            count=count,
            definition=definition,
            control=control,
            rng=rng,
            settings=settings,
        )
    estimates = pd.DataFrame(rows, columns=ESTIMATE_COLUMNS)
    data = panels[main]
    es, dyn = event_studies(data, rate=rate, control=control, window=settings.event_window)
    honest, breakdowns = honest_table(
        dyn, panel=panel, settings=settings, scale=float(data[rate].std())
    )
    details = dict(details) | breakdowns
    return PanelEvidence(
        panel=panel,
        rate=rate,
        count=count,
        data=data,
        schedules=schedules,
        estimates=estimates,
        honest=honest,
        power=power_rows(estimates, data, panel=panel, rate=rate, count=count, main=main),
        event_study=es,
        pre_adoption=pre_adoption_means(data, y=rate),
        details=details,
    )


def _balanced(frame: pd.DataFrame, years: Sequence[int], first: pd.Series) -> pd.DataFrame:
    """Attach ``group``/``treated`` from unit -> first year (NaN drops, > last year -> 0)."""
    last, start = max(years), min(years)
    g = frame["unit"].map(first)
    keep = g.notna() & ~((g > 0) & (g <= start))
    out = frame[keep].copy()
    group = g[keep].astype(int)
    out["group"] = group.where(group <= last, 0)
    out["treated"] = ((out["group"] > 0) & (out["year"] >= out["group"])).astype(int)
    return out.sort_values(["unit", "year"]).reset_index(drop=True)


# -- Germany ----------------------------------------------------------------------------------

DE_DEFINITIONS = ("established", "first_holder", "parliamentary", "established_without_nw")
DE_MAIN = "established"


def de_timing(units: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Adoption years per Land under each timing definition, from the dataset's dated events.

    ``established``: first ``established`` event of any body of the Land (law adopted or in
    force, or the ministry office set up: the events file dates the legal creation once, so
    "law passed" and "body established" are one definition here). ``first_holder``: first
    ``first_holder_took_office`` event; an executive complaints office (a unit of a ministry)
    is in post when it is set up, so its ``established`` date counts; a commissioner whose
    office was never filled (Hesse) never counts. ``parliamentary``: the established year for
    Länder whose first body is a commissioner elected by the Landtag; Länder whose first body
    is an executive office are dropped (NaN). ``established_without_nw``: as ``established``
    without North Rhine-Westphalia.

    Returns
    -------
    pandas.DataFrame
        ``unit`` (ISO code), ``body_type`` of the first body, and one column per definition
        (0 = never, NaN = dropped).
    """
    from policingstudy.studies.adoption_de import de_adoption_schedule

    schedule = de_adoption_schedule(units, events).table
    de = units[
        (units["jurisdiction"] == "DE")
        & units["subunit_code"].fillna("").str.match(r"^DE-[A-Z]{2}$")
    ]
    ev = events.merge(de[["unit_id", "subunit_code", "kind"]], on="unit_id")
    ev = ev[ev["kind"] != "no_body"].assign(
        year=lambda f: f["date"].astype(str).str[:4].astype(int)
    )
    holder: dict[str, int] = {}
    for code, rows in ev.groupby("subunit_code"):
        years = list(rows.loc[rows["event"] == "first_holder_took_office", "year"])
        exec_units = rows[(rows["kind"] == "complaints_office") & (rows["event"] == "established")]
        years += list(exec_units["year"])
        holder[str(code)] = min(years) if years else 0
    out = pd.DataFrame(
        {
            "unit": schedule["land_code"],
            "body_type": schedule["body_type"],
            "established": schedule["first_year"].astype(float),
        }
    )
    out["first_holder"] = out["unit"].map(holder).fillna(0).astype(float)
    out["parliamentary"] = out["established"].where(out["body_type"] != "executive")
    out["established_without_nw"] = out["established"].where(out["unit"] != "DE-NW")
    return out


def german_evidence(
    pks: pd.DataFrame,
    units: pd.DataFrame,
    events: pd.DataFrame,
    population: pd.DataFrame,
    *,
    rng: np.random.Generator,
    settings: EvidenceSettings,
    key: str = "655100",
    years: Sequence[int] = tuple(range(2013, 2025)),
) -> PanelEvidence:
    """German Länder: PKS offence ``key`` (bodily harm in office) per 100,000 and counts.

    Parameters
    ----------
    pks
        :func:`policingstudy.data.readers.de.read_pks_years` frame (``year``, ``land_code``,
        ``key``, ``cases``).
    units, events
        Processed dataset tables.
    population
        ``unit`` (DE-xx), ``year`` (31 December), ``population``; the panel's year Y uses 31
        December Y-1.
    rng, settings
        Inference.
    key, years
        Offence key and window.

    Returns
    -------
    PanelEvidence
    """
    years_t = tuple(int(y) for y in years)
    rows = pks[(pks["key"] == key) & pks["year"].isin(years_t) & (pks["land_code"] != "DE")]
    counts = rows.groupby("land_code")["year"].nunique()
    short = sorted(str(u) for u, n in counts.items() if n < len(years_t))
    if short or rows.empty:
        raise PanelError(f"pks: key {key} lacks years for {short or 'every Land'}")
    frame = pd.DataFrame(
        {"unit": rows["land_code"], "year": rows["year"].astype(int), "cases": rows["cases"]}
    ).astype({"cases": float})
    start_pop = population.assign(year=population["year"] + 1)
    frame = add_rate(frame, start_pop, count="cases", rate="cases_per_100k")
    timing = de_timing(units, events)
    panels = {d: _balanced(frame, years_t, timing.set_index("unit")[d]) for d in DE_DEFINITIONS}
    n_never = {d: int((p.groupby("unit")["group"].first() == 0).sum()) for d, p in panels.items()}
    details = {
        "n_lands": int(timing["unit"].nunique()),
        "years": years_t,
        "n_never": n_never,
        "total_cases": int(frame["cases"].sum()),
        "population_dates": "31 December of the previous year",
    }
    return _evidence(
        panels,
        panel="DE",
        rate="cases_per_100k",
        count="cases",
        main=DE_MAIN,
        control="notyet",
        rng=rng,
        settings=settings,
        schedules=timing,
        details=details,
    )


# -- United States ----------------------------------------------------------------------------

US_DEFINITIONS = ("first_body", "current_body", "investigative")
US_MAIN = "first_body"
PREDECESSOR_UNITS = ("US_OAK_CPRB", "US_DAL_CPRB", "US_AUS_OPM")
"""Hand-coded predecessor bodies (see their units' notes): used by ``first_body`` only."""


def us_evidence(
    cities: pd.DataFrame,
    agencies: pd.DataFrame,
    units: pd.DataFrame,
    events: pd.DataFrame,
    match: pd.DataFrame,
    nix: pd.DataFrame,
    population: pd.DataFrame,
    *,
    rng: np.random.Generator,
    settings: EvidenceSettings,
    years: Sequence[int] = tuple(range(2015, 2023)),
) -> PanelEvidence:
    """US cities: people fatally shot by police per 100,000 residents of the same year.

    Definitions: ``first_body`` (first civilian oversight body of any kind, predecessors
    included), ``current_body`` (the survey's agencies and the dataset's current agencies, as
    published before), ``investigative`` (cities whose first body investigates complaints;
    adopters of other types dropped, never-adopters kept).

    Parameters
    ----------
    cities, agencies
        Readers of the UChicago survey.
    units, events
        Processed dataset tables.
    match
        :func:`policingstudy.studies.adoption_us.match_cities_to_nix` of the cities.
    nix
        Nix fatal shootings by agency and year.
    population
        ``city``, ``state`` (``US-XX``), ``year``, ``population`` (Census, 1 July).
    rng, settings
        Inference.
    years
        Window.

    Returns
    -------
    PanelEvidence
    """
    from policingstudy.studies.adoption_us import us_adoption_schedule, us_city_panel

    full = us_adoption_schedule(cities, agencies, units, events)
    current = us_adoption_schedule(
        cities, agencies, units[~units["unit_id"].isin(PREDECESSOR_UNITS)], events
    )
    base = us_city_panel(
        current.assign(first_year=current["first_year"].fillna(0)), match, nix, years=years
    )
    label = full["city"] + " (" + full["state"].str[3:] + ")"
    first = {
        "first_body": full.set_index(label)["first_year"],
        "current_body": current.set_index(label)["first_year"],
    }
    inv = current.set_index(label)
    first["investigative"] = inv["first_year"].where(
        (inv["first_year"] == 0) | (inv["oversight_type"] == "investigative")
    )
    pop = population.assign(unit=population["city"] + " (" + population["state"].str[3:] + ")")
    frame = base.data.rename(columns={"city": "unit"})[["unit", "year", "people_killed"]]
    frame = add_rate(
        frame.astype({"people_killed": float}), pop, count="people_killed", rate="killed_per_100k"
    )
    panels = {}
    for d in US_DEFINITIONS:
        panels[d] = _balanced(frame, years, first[d].astype(float))
    timing = pd.DataFrame({"unit": label, **{d: first[d].reindex(label).to_numpy() for d in first}})
    timing["oversight_type"] = full["oversight_type"].to_numpy()
    details = {
        "n_cities": len(full),
        "years": tuple(int(y) for y in years),
        "n_units": {d: int(p["unit"].nunique()) for d, p in panels.items()},
        "n_treated": {d: int(p.loc[p["group"] > 0, "unit"].nunique()) for d, p in panels.items()},
        "total_killed": int(frame["people_killed"].sum()),
        "predecessor_cities": sorted(
            label[
                (full["first_year"].fillna(-1) != current["first_year"].fillna(-1)).to_numpy(
                    dtype=bool
                )
            ].tolist()
        ),
    }
    return _evidence(
        panels,
        panel="US",
        rate="killed_per_100k",
        count="people_killed",
        main=US_MAIN,
        control="never",
        rng=rng,
        settings=settings,
        schedules=timing,
        details=details,
    )


# -- England & Wales --------------------------------------------------------------------------

GREATER_MANCHESTER = "E23000005"
EW_TRANSFER_YEAR = 2017  # financial year 2017/18 holds 8 May 2017
EW_EXCLUDED_DONORS = ("E23000001", "E23000034")  # London: MOPAC and City of London, no PCC


@dataclass(frozen=True)
class EwEvidence:
    """England & Wales: descriptive deaths series and the Greater Manchester synthetic control.

    Attributes
    ----------
    by_year
        Deaths per financial year, PCC forces against London and the City of London.
    data
        Force area x financial year with ``deaths``, ``population`` and ``deaths_per_100k``.
    synth
        :class:`~policingstudy.methods.causal.synth.SynthResult` for Greater Manchester.
    estimates
        Rows of :data:`ESTIMATE_COLUMNS` (the synthetic-control estimate).
    power
        Rows of :data:`POWER_COLUMNS` (MDE from the placebo spread).
    details
        Counts for the text.
    """

    by_year: pd.DataFrame
    data: pd.DataFrame
    synth: SynthResult
    estimates: pd.DataFrame
    power: pd.DataFrame
    details: dict[str, Any]


def ew_evidence(
    panel: EwPanel,
    population: pd.DataFrame,
    *,
    treated_unit: str = GREATER_MANCHESTER,
    treatment_year: int = EW_TRANSFER_YEAR,
) -> EwEvidence:
    """Synthetic control of deaths per 100,000 for the transfer of PCC functions to a mayor.

    Parameters
    ----------
    panel
        :func:`policingstudy.studies.adoption_ew.ew_deaths_panel`.
    population
        ``unit`` (PFA code), ``year`` (mid-year), ``population``; the financial year Y/Y+1
        uses mid-Y, so the panel ends with the last population year.
    treated_unit, treatment_year
        The transfer (Greater Manchester, financial year 2017/18).

    Returns
    -------
    EwEvidence
    """
    from policingstudy.methods.causal.synth import synthetic_control
    from policingstudy.studies.adoption_ew import deaths_by_year

    last = int(population["year"].max())
    data = panel.data.rename(columns={"pfa_code": "unit"})
    data = data[data["year"] <= last][["unit", "year", "deaths"]].astype({"deaths": float})
    data = add_rate(data, population, count="deaths", rate="deaths_per_100k")
    donors = sorted(set(data["unit"]) - {treated_unit, *EW_EXCLUDED_DONORS})
    sc = synthetic_control(
        data,
        y="deaths_per_100k",
        unit="unit",
        time="year",
        treated_unit=treated_unit,
        treatment_time=treatment_year,
        donors=donors,
    )
    placebo_att = sc.placebos.loc[~sc.placebos["treated"], "att"]
    estimates = pd.DataFrame(
        [
            _row(
                "EW",
                "deaths_per_100k",
                "synthetic_control",
                "gmca_mayor_2017",
                estimate=sc.att,
                ci_low=float(placebo_att.quantile(0.025)),
                ci_high=float(placebo_att.quantile(0.975)),
                p_value=sc.pvalue,
                p_method="placebo_in_space",
                n_units=sc.n_donors + 1,
                n_periods=len(sc.path),
            )
        ],
        columns=ESTIMATE_COLUMNS,
    )
    mean = float(data.loc[data["unit"] == treated_unit, "deaths_per_100k"].mean())
    mde = float(np.quantile(np.abs(placebo_att), 0.95))
    power = pd.DataFrame(
        [
            {
                "panel": "EW",
                "outcome": "deaths_per_100k",
                "estimator": "synthetic_control",
                "mde": mde,
                "mean_outcome": mean,
                "mde_share": mde / mean,
            }
        ],
        columns=POWER_COLUMNS,
    )
    details = {
        "n_forces": int(data["unit"].nunique()),
        "n_donors": sc.n_donors,
        "last_year": last,
        "deaths_dropped": dict(panel.deaths_dropped),
    }
    return EwEvidence(
        by_year=deaths_by_year(panel),
        data=data,
        synth=sc,
        estimates=estimates,
        power=power,
        details=details,
    )


# -- loading (the notebook's entry points) ----------------------------------------------------


def _population_folders(*ids: str) -> dict[str, Any]:
    from policingstudy.studies.inputs import source

    return {sid: source(sid) for sid in ids}


DE_POPULATION_SOURCES = ("de_pop_laender_12411_0012", "de_pop_laender_12411_0010_1958_2018")
US_POPULATION_SOURCES = ("us_city_pop_v2019_annrnk", "us_city_pop_v2023")
EW_POPULATION_SOURCES = (
    "ew_pfa_crime_tables_ye_mar2018",
    "ew_pfa_crime_tables_ye_mar2019",
    "ew_pfa_crime_tables_ye_jun2019",
)
US_SOURCES = (
    "us_oversight_agencies",
    "us_wapo_v2_agencies",
    "us_nix_agency_ori_codes",
    "us_nix_agency_year_fois",
)
EW_SOURCES = (
    "ew_iopc_custody_deaths_by_force",
    "ew_iopc_rti_deaths_by_force",
    "ew_iopc_shooting_deaths_by_force",
    "ew_iopc_suicides_by_force",
    "ew_iopc_other_contact_deaths_by_force",
)


@memoised
def german_panel(*, rng: np.random.Generator, settings: EvidenceSettings) -> PanelEvidence:
    """Load the processed tables and Destatis population and run :func:`german_evidence`."""
    from policingstudy.data.readers import population as pop
    from policingstudy.studies.inputs import load

    tables = load("pks_laender", "units", "events")
    de = pop.de_population(_population_folders(*DE_POPULATION_SOURCES))
    population = de.rename(columns={"code": "unit"})[["unit", "year", "population"]]
    return german_evidence(
        tables["pks_laender"],
        tables["units"],
        tables["events"],
        population,
        rng=rng,
        settings=settings,
    )


@memoised
def us_panel(*, rng: np.random.Generator, settings: EvidenceSettings) -> PanelEvidence:
    """Load the survey, Nix, Census population and dataset tables and run :func:`us_evidence`."""
    from policingstudy.data.readers import population as pop
    from policingstudy.data.readers import us as readers
    from policingstudy.studies.adoption_us import match_cities_to_nix
    from policingstudy.studies.inputs import load, source

    folder = source("us_oversight_agencies")
    cities = readers.read_largest_cities(folder)
    agencies = readers.read_oversight_agencies(folder)
    match = match_cities_to_nix(
        cities,
        readers.read_wapo_agencies(source("us_wapo_v2_agencies")),
        readers.read_nix_ori_codes(source("us_nix_agency_ori_codes")),
    )
    nix = readers.read_nix_fatal_ois(source("us_nix_agency_year_fois"))
    people = pop.us_city_population(_population_folders(*US_POPULATION_SOURCES), cities=cities)
    key = people["city_key"]
    wanted = {
        pop.us_city_key(c, s): (c, s) for c, s in zip(cities["city"], cities["state"], strict=True)
    }
    population = pd.DataFrame(
        {
            "city": key.map(lambda k: wanted[k][0]),
            "state": key.map(lambda k: wanted[k][1]),
            "year": people["year"],
            "population": people["population"],
        }
    )
    tables = load("units", "events")
    return us_evidence(
        cities,
        agencies,
        tables["units"],
        tables["events"],
        match,
        nix,
        population,
        rng=rng,
        settings=settings,
    )


@memoised
def ew_panel() -> EwEvidence:
    """Load IOPC deaths and ONS population and run :func:`ew_evidence`."""
    from policingstudy.data.readers import population as pop
    from policingstudy.data.readers.ew import read_iopc_by_force
    from policingstudy.studies.adoption_ew import ew_deaths_panel
    from policingstudy.studies.inputs import source

    categories = ("custody", "rti", "shootings", "suicides", "other_contact")
    iopc = {c: read_iopc_by_force(source(s)) for c, s in zip(categories, EW_SOURCES, strict=True)}
    panel = ew_deaths_panel(iopc)
    ew = pop.ew_population(_population_folders(*EW_POPULATION_SOURCES))
    population = ew.rename(columns={"code": "unit"})[["unit", "year", "population"]]
    return ew_evidence(panel, population)


# -- what the text may claim ------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """Whether a panel's main estimate may be reported as an effect, and which checks fail.

    An estimate is reported as an effect only if its 95% interval excludes zero for the main
    definition under every estimator and p-value method (TWFE with cluster t, wild bootstrap and
    permutation; C&S with 0 and 1 years of anticipation; PPML), for every alternative timing
    definition with the same sign, and if the HonestDiD interval with relative magnitudes
    ``Mbar = 1`` excludes zero.

    Attributes
    ----------
    survives
        True only if every check passes.
    failed
        Names of the checks that fail (``main``, ``anticipation``, ``timing``, ``pretrend``).
    """

    survives: bool
    failed: tuple[str, ...]


def verdict(evidence: PanelEvidence, *, main: str, alpha: float = 0.05) -> Verdict:
    """Apply the checks of :class:`Verdict` to a panel's tables."""
    est = evidence.estimates
    failed = []
    main_rows = est[(est["definition"] == main)]
    zero0 = main_rows[main_rows["anticipation"] == 0]
    if not (zero0["p_value"] < alpha).all() or zero0.empty:
        failed.append("main")
    if not (main_rows.loc[main_rows["anticipation"] == 1, "p_value"] < alpha).all():
        failed.append("anticipation")
    sign = np.sign(zero0["estimate"]).unique()
    others = est[(est["definition"] != main) & (est["anticipation"] == 0)]
    if (
        len(sign) != 1
        or not ((others["p_value"] < alpha) & (np.sign(others["estimate"]) == sign[0])).all()
    ):
        failed.append("timing")
    rm = evidence.honest[
        (evidence.honest["restriction"] == "relative_magnitudes") & (evidence.honest["mbar"] == 1)
    ]
    if rm.empty or ((rm["lb"] <= 0) & (rm["ub"] >= 0)).any():
        failed.append("pretrend")
    return Verdict(survives=not failed, failed=tuple(failed))
