"""Design decisions of the comparison: systems, the reference date, membership, boundaries, areas.

**Systems.** Kazakhstan's police-accountability system is compared with the three foreign
models the article proposes to adapt (England & Wales, the United States, Germany). A system is
made of the *bodies* of its jurisdiction in force on the reference date. Rows recording the
absence of a body (``kind == "no_body"``) and the typology's ideal types
(``oversight_model_type``: models no resident can turn to) are not bodies.

**Reference date.** The de jure index scores the law in force on ``reference_date`` (default
:data:`REFERENCE_DATE`). Validity comes from the events file (:func:`validity`):

- a body exists from its ``established`` event until its ``abolished`` event (the dataset's
  rule, :func:`policingstudy.data.dataset.unit_validity`; a partial date such as ``1993`` or
  ``2020-12`` counts from the first day of the period). A body with no dated establishment is
  kept and flagged ``undated``;
- an office held by one person (:data:`HOLDER_KINDS`) counts only when it is known to be filled
  on the date (first holder in office on or before it); otherwise it is flagged ``unfilled``
  and left out: a law without an office-holder gives residents no one to turn to. Hessen's
  commissioner (vacant in 2023, no holder recorded since) is out on every date.

Codings are not dated: a body's values are those coded (the law at coding). Only membership
moves with the date; the panel (:mod:`policingstudy.studies.index`) says so.

**Boundaries.** Every body carries a ``unit_class`` (the codebook's closed set
:data:`UNIT_CLASSES`). The ``all`` boundary keeps every class; ``external`` keeps external
oversight bodies only. Comparisons are also shown class by class.

**Areas.** For the population-covered mean a body covers the area it serves: a Land body its
Land (``subunit_code``), an E&W mayor's office its police force area, a city agency its city, a
national body every area of its jurisdiction. :data:`RESIDUAL_COVERAGE` lists model-level
bodies that cover the areas no other body of given kinds covers (the PCC model covers every
police force area without a mayor holding PCC functions, except the City of London). The US
system's areas are the cities whose coded agency is in force on the date (predecessor agencies
are not coded); Germany's and England & Wales's are all their Länder and police force areas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from policingstudy.core.errors import DataValidationError, ParameterError
from policingstudy.data import dataset
from policingstudy.methods.index.systems import Construction, Gate

SYSTEMS: tuple[str, ...] = ("KZ", "UK-EW", "US", "DE")
ORIGIN = "KZ"
MODELS: tuple[str, ...] = tuple(s for s in SYSTEMS if s != ORIGIN)
REFERENCE_DATE = dataset.REFERENCE_DATE.isoformat()
PANEL_START = 2010
NOT_BODIES: tuple[str, ...] = ("no_body", "oversight_model_type")
HOLDER_KINDS: tuple[str, ...] = ("police_commissioner", "pcc", "mayor_pcc")
UNIT_CLASSES: tuple[str, ...] = (
    "external_oversight",
    "police_governance",
    "internal_police",
    "prosecutor_court",
    "complaint_channel",
    "participation_forum",
)
BOUNDARIES: dict[str, tuple[str, ...]] = {
    "all": UNIT_CLASSES,
    "external": ("external_oversight",),
}
GATE = Gate("IND02", ("IND06", "IND07", "IND08", "IND09"))
"""Powers (D2: documents, own initiative, role in investigations, follow-up) count at most as
much as the body's separation from the police hierarchy (IND02)."""
NOMINAL = Construction("covered_mean", "all", "missing", "arithmetic", "dimension")
"""The construction whose dimension scores and coding intervals are shown; every headline is
stated across the whole grid."""
AREA_KEY: dict[str, str] = {"DE": "subunit_code", "UK-EW": "subunit_code", "US": "locality"}
RESIDUAL_COVERAGE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "UK_PCC": (("mayor_pcc",), ("E23000034",)),
}
"""``unit_id: (kinds whose areas it does not cover, areas it never covers)``."""
STATUSES = ("in", "not_yet", "ended", "unfilled", "uncoded")


def parse_reference_date(value: str | dt.date) -> dt.date:
    """Return the reference date as a date (ISO ``YYYY-MM-DD``).

    Raises
    ------
    ParameterError
        If ``value`` is not an ISO date.
    """
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(
            f"reference_date: expected an ISO date YYYY-MM-DD, got {value!r}"
        ) from None


def event_date(text: object) -> dt.date | None:
    """An events-file date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) as its first day."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or str(text).strip() == "":
        return None
    raw = str(text).strip()
    try:
        return dataset.parse_date(raw)
    except ValueError:
        raise DataValidationError(
            [f"events: date {raw!r}: expected YYYY, YYYY-MM or YYYY-MM-DD"]
        ) from None


def bodies(units: pd.DataFrame) -> pd.DataFrame:
    """Hand-coded units of the four systems that are bodies (see the module docstring)."""
    keep = (
        (units["origin"] == "hand_coded")
        & ~units["kind"].isin(NOT_BODIES)
        & units["jurisdiction"].isin(SYSTEMS)
    )
    return units[keep]


def mark_coded(units: pd.DataFrame, codings: pd.DataFrame) -> pd.DataFrame:
    """``units`` with a ``coded`` column: whether the unit has at least one coding row.

    A unit recorded for another analysis but never coded on the codebook (e.g. a predecessor
    body dated for an adoption panel) is not part of the index: :func:`validity` marks it
    ``uncoded``.
    """
    return units.assign(coded=units["unit_id"].isin(set(codings["unit_id"])))


def has_classes(units: pd.DataFrame) -> bool:
    """Whether the units carry a ``unit_class`` for every body."""
    if "unit_class" not in units.columns:
        return False
    return bool(bodies(units)["unit_class"].fillna("").astype(str).ne("").all())


def validity(
    units: pd.DataFrame, events: pd.DataFrame, *, reference_date: str | dt.date
) -> pd.DataFrame:
    """Every body with its dated validity and its status on the reference date.

    Existence and office-holding come from the dataset's rule
    (:func:`policingstudy.data.dataset.unit_validity`); this function adds the study's
    decisions: an undated body is kept (and flagged), an office held by one person
    (:data:`HOLDER_KINDS`) counts only when its office is known to be filled on the date, and a
    unit with no coding (``coded`` column of :func:`mark_coded`, when present) is ``uncoded``.

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``system_id``, ``kind``, ``unit_class`` (empty when not classified),
        ``established``, ``ended``, ``first_holder`` (dates or None), ``undated`` (no dated
        establishment), ``status`` (:data:`STATUSES`).
    """
    when = parse_reference_date(reference_date)
    b = bodies(units)
    v = dataset.unit_validity(b, events, on=when).set_index("unit_id")
    rows = []
    for r in b.itertuples(index=False):
        u = str(r.unit_id)
        start = event_date(v.loc[u, "established"])
        end = event_date(v.loc[u, "abolished"])
        first = event_date(v.loc[u, "first_holder_took_office"])
        exists, filled = v.loc[u, "exists"], v.loc[u, "office_filled"]
        if "coded" in b.columns and not bool(getattr(r, "coded", True)):
            status = "uncoded"
        elif exists is not pd.NA and not bool(exists):
            status = "not_yet" if start is not None and start > when else "ended"
        elif str(r.kind) in HOLDER_KINDS and (filled is pd.NA or not bool(filled)):
            status = "unfilled"
        else:
            status = "in"
        rows.append(
            {
                "unit_id": u,
                "system_id": str(r.jurisdiction),
                "kind": str(r.kind),
                "unit_class": str(getattr(r, "unit_class", "") or "")
                if "unit_class" in b.columns
                else "",
                "established": start,
                "ended": end,
                "first_holder": first,
                "undated": start is None,
                "status": status,
            }
        )
    return pd.DataFrame(rows)


def membership(
    units: pd.DataFrame,
    events: pd.DataFrame,
    *,
    reference_date: str | dt.date = REFERENCE_DATE,
    classes: Sequence[str] | None = None,
    areas: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Bodies of each system in force on the date, with their class and the areas they cover.

    Parameters
    ----------
    units, events
        Processed ``units`` and ``events`` tables.
    reference_date
        ISO date.
    classes
        Keep bodies of these classes only (default: every body, classified or not).
    areas
        ``system_id``, ``area`` of the systems that have areas (see :func:`area_table`); a body
        covering areas gets one row per area (default: one row per body, covering everything).

    Returns
    -------
    pandas.DataFrame
        ``system_id``, ``unit_id``, ``unit_class``, ``area`` (empty = every area), in system
        order then unit id.
    """
    v = validity(units, events, reference_date=reference_date)
    v = v[v["status"] == "in"]
    if classes is not None:
        if not has_classes(units):
            raise DataValidationError(
                [
                    "units: no unit_class column (or empty classes); cannot select classes "
                    f"{list(classes)}"
                ]
            )
        v = v[v["unit_class"].isin(list(classes))]
    info = units.set_index("unit_id")
    order = {s: i for i, s in enumerate(SYSTEMS)}
    v = v.assign(_o=v["system_id"].map(order)).sort_values(["_o", "unit_id"], kind="stable")
    rows = []
    listed = areas if areas is not None else pd.DataFrame(columns=["system_id", "area"])
    for r in v.itertuples(index=False):
        system_areas = list(listed.loc[listed["system_id"] == r.system_id, "area"].astype(str))
        for area in covered_areas(str(r.unit_id), info, v, system_areas):
            rows.append(
                {
                    "system_id": r.system_id,
                    "unit_id": r.unit_id,
                    "unit_class": r.unit_class,
                    "area": area,
                }
            )
    return pd.DataFrame(rows, columns=["system_id", "unit_id", "unit_class", "area"])


def covered_areas(
    unit_id: str, info: pd.DataFrame, members: pd.DataFrame, system_areas: Sequence[str]
) -> list[str]:
    """Areas a body covers: ``[""]`` for every area, else the listed area ids."""
    system = str(info.loc[unit_id, "jurisdiction"])
    if not system_areas:
        return [""]
    if unit_id in RESIDUAL_COVERAGE:
        kinds, never = RESIDUAL_COVERAGE[unit_id]
        others = members[members["kind"].isin(kinds) & (members["system_id"] == system)]
        key = AREA_KEY[system]
        taken = {str(info.loc[u, key]) for u in others["unit_id"]}
        return [a for a in system_areas if a not in taken and a not in never]
    column = AREA_KEY.get(system)
    level = str(info.loc[unit_id, "level"])
    if column is None or level == "national":
        return [""]
    area = str(info.loc[unit_id, column] or "")
    if area not in system_areas:
        raise DataValidationError(
            [
                f"units: {unit_id} serves area {area!r} ({column}), which has no population row "
                f"for {system}; expected one of {sorted(system_areas)[:8]}..."
            ]
        )
    return [area]


def boundary_memberships(
    units: pd.DataFrame,
    events: pd.DataFrame,
    *,
    reference_date: str | dt.date,
    areas: pd.DataFrame | None = None,
    by_class: bool = False,
) -> dict[str, pd.DataFrame]:
    """Membership per boundary (:data:`BOUNDARIES`), plus ``class:<c>`` per class if asked.

    Without classified units only the ``all`` boundary exists.
    """
    if not has_classes(units):
        return {"all": membership(units, events, reference_date=reference_date, areas=areas)}
    out = {
        name: membership(units, events, reference_date=reference_date, classes=classes, areas=areas)
        for name, classes in BOUNDARIES.items()
    }
    if by_class:
        for c in UNIT_CLASSES:
            out[f"class:{c}"] = membership(
                units, events, reference_date=reference_date, classes=(c,), areas=areas
            )
    return out


def class_counts(members: pd.DataFrame) -> pd.DataFrame:
    """Systems x classes: number of bodies in force (0 where a class has none)."""
    m = members.drop_duplicates("unit_id")
    cols = list(UNIT_CLASSES) if m["unit_class"].ne("").any() else [""]
    table = pd.crosstab(m["system_id"], m["unit_class"]).reindex(
        index=list(SYSTEMS), columns=cols, fill_value=0
    )
    return table.fillna(0).astype(int)


def year_dates(reference_date: str | dt.date, start: int = PANEL_START) -> list[dt.date]:
    """1 January of every year from ``start`` to the reference date's year."""
    when = parse_reference_date(reference_date)
    return [dt.date(y, 1, 1) for y in range(start, when.year + 1)]


def nearest_population(population: pd.DataFrame, *, reference_date: str | dt.date) -> pd.DataFrame:
    """Per system and area, the population figure whose date is nearest the reference date.

    Parameters
    ----------
    population
        ``system_id``, ``area``, ``date``, ``population``.
    reference_date
        ISO date.

    Returns
    -------
    pandas.DataFrame
        ``system_id``, ``area``, ``weight`` (population), ``population_date``; ties go to the
        earlier figure.
    """
    when = pd.Timestamp(parse_reference_date(reference_date))
    p = population.assign(_d=(pd.to_datetime(population["date"]) - when).abs())
    p = p.sort_values(["system_id", "area", "_d", "date"], kind="stable")
    best = p.groupby(["system_id", "area"], sort=False).head(1)
    return pd.DataFrame(
        {
            "system_id": best["system_id"].astype(str).to_numpy(),
            "area": best["area"].astype(str).to_numpy(),
            "weight": best["population"].astype(float).to_numpy(),
            "population_date": pd.to_datetime(best["date"]).dt.date.to_numpy(),
        }
    )


def area_table(
    units: pd.DataFrame,
    events: pd.DataFrame,
    population: pd.DataFrame | None,
    *,
    reference_date: str | dt.date,
) -> pd.DataFrame:
    """Areas of the systems that have them, with population weights on the reference date.

    Germany and England & Wales: every Land / police force area in the population table. The
    United States: the cities of the coded agencies in force on the date. Kazakhstan: none (its
    bodies are national).
    """
    if population is None:
        return pd.DataFrame(columns=["system_id", "area", "weight", "population_date"])
    near = nearest_population(population, reference_date=reference_date)
    v = validity(units, events, reference_date=reference_date)
    live = set(v.loc[v["status"] == "in", "unit_id"])
    info = units.set_index("unit_id")
    us_cities = {
        str(info.loc[u, AREA_KEY["US"]])
        for u in live
        if info.loc[u, "jurisdiction"] == "US" and str(info.loc[u, "level"]) != "national"
    }
    keep = near["system_id"].isin(["DE", "UK-EW"]) | (
        (near["system_id"] == "US") & near["area"].isin(us_cities)
    )
    missing = sorted(us_cities - set(near.loc[near["system_id"] == "US", "area"]))
    if missing:
        raise DataValidationError(
            [f"population: no figure for US cities {missing}; expected one per coded agency city"]
        )
    return near[keep].reset_index(drop=True)


def population_note(areas: pd.DataFrame) -> Mapping[str, tuple[str, str]]:
    """``{system: (earliest, latest population date)}`` of the area weights used."""
    out = {}
    for s, g in areas.groupby("system_id"):
        dates = sorted(str(d) for d in g["population_date"])
        out[str(s)] = (dates[0], dates[-1])
    return out


def gate_for(indicators: Sequence[str]) -> Gate | None:
    """:data:`GATE` restricted to the indicators present (None without the gate indicator)."""
    codes = set(indicators)
    if GATE.gate not in codes:
        return None
    return Gate(GATE.gate, tuple(c for c in GATE.gated if c in codes))
