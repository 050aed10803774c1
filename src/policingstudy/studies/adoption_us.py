"""United States adoption panel: the 100 largest cities x year, oversight x police shootings.

Pure functions over reader frames and the processed ``units`` / ``events`` tables.

Treatment. A city is treated from the year of its first civilian oversight agency: the
earliest of the UChicago survey's ``established_year`` over the city's agencies and the
``established`` events of the dataset's hand-coded agencies in that city (matched on
``locality`` and state). The type of the first agency follows the NACOLE typology
(:data:`OVERSIGHT_TYPE`). The survey's 38 cities without an agency are never treated;
cities whose agencies all lack a founding year are dropped (``adoption_year_unknown``).

Outcome. People fatally shot by on-duty police per agency-year from the Nix panel; a blank
cell means "not collected" and the agency-year is dropped, never read as zero.

Matching (documented, counted). City -> Washington Post agency by name (``"<City> Police
Department"`` in the same state, or the names in :data:`WAPO_NAME_OVERRIDES` where the city's
department is named differently) -> its FBI ORI code(s) -> the Nix agency slug with that ORI
(``ori_codes.csv``). Each city ends with one status of :data:`MATCH_STATUSES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from policingstudy.core.errors import JoinError, PanelError

# UChicago primary role -> NACOLE type (De Angelis, Rosenthal & Buchner 2016): boards that
# review, hear appeals, adjudicate, advise or supervise the department are review-focused.
OVERSIGHT_TYPE = {
    "investigative": "investigative",
    "audit": "auditor_monitor",
    "review": "review",
    "appeals": "review",
    "adjudicative": "review",
    "advisory": "review",
    "supervisory": "review",
}
# Cities whose police department is not "<City> Police Department" in the WaPo agencies file.
WAPO_NAME_OVERRIDES: dict[tuple[str, str], tuple[str, ...]] = {
    ("Washington", "US-DC"): ("Metropolitan Police Department",),
    ("Lexington-Fayette", "US-KY"): ("Lexington Police Department",),
    ("Charlotte", "US-NC"): ("Charlotte Mecklenburg Police Department",),
    ("Louisville/Jefferson County", "US-KY"): (
        "Louisville Metro Police Department",
        "Louisville-Jefferson County Metro Government Louisville Police Department",
    ),
    ("Las Vegas", "US-NV"): ("Las Vegas Metropolitan Police Department",),
    ("Nashville-Davidson", "US-TN"): ("Nashville Police Department",),
    ("Jacksonville", "US-FL"): ("Jacksonville Sheriff's Office",),
    ("Boise City", "US-ID"): ("Boise Police Department",),
    ("Indianapolis", "US-IN"): ("Indianapolis Metropolitan Police Department",),
}
MATCH_STATUSES = ("matched", "no_wapo_agency", "no_ori", "ori_not_in_nix", "ambiguous")
US_YEARS = tuple(range(2015, 2023))
_NEEDED_CITY_COLUMNS = ("city_id", "city", "state", "population", "rank")


def _need(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise JoinError(
            f"{name}: column(s) {missing} missing; found {list(frame.columns)}; expected the "
            "frame of the matching reader or processed table"
        )


def us_adoption_schedule(
    cities: pd.DataFrame,
    agencies: pd.DataFrame,
    units: pd.DataFrame,
    events: pd.DataFrame,
) -> pd.DataFrame:
    """First civilian oversight agency per city (survey and dataset), with its type.

    Parameters
    ----------
    cities
        :func:`~policingstudy.data.readers.us.read_largest_cities` (``city_id``, ``city``,
        ``state``, ``population``, ``rank``).
    agencies
        :func:`~policingstudy.data.readers.us.read_oversight_agencies`.
    units, events
        The processed tables; US units of kind ``civilian_oversight_agency`` with a
        ``locality`` and ``established`` events.

    Returns
    -------
    pandas.DataFrame
        One row per city: the city columns, ``n_agencies``, ``first_year`` (0 = no agency,
        missing = agencies without a known year), ``year_source`` (``survey``, ``dataset``,
        ``none``), ``first_role`` and ``oversight_type`` (``none`` without agency, ``unknown``
        without role).

    Raises
    ------
    JoinError
        If a frame lacks a needed column, or an agency's city is not among ``cities``.
    """
    _need(cities, _NEEDED_CITY_COLUMNS, "cities")
    _need(agencies, ("agency_id", "city_id", "established_year", "primary_role"), "agencies")
    _need(units, ("unit_id", "jurisdiction", "subunit_code", "locality", "kind"), "units")
    _need(events, ("unit_id", "event", "date"), "events")
    stray = sorted(set(agencies["city_id"]) - set(cities["city_id"]))
    if stray:
        raise JoinError(f"agencies: city_id(s) {stray} not in cities; expected 100 survey cities")
    survey = agencies.dropna(subset=["established_year"]).assign(
        year=lambda f: f["established_year"].astype(int), source="survey"
    )[["city_id", "year", "primary_role", "source"]]
    hand = units[(units["jurisdiction"] == "US") & (units["kind"] == "civilian_oversight_agency")]
    est = events[events["event"] == "established"].merge(hand, on="unit_id")
    est = est.merge(
        cities[["city_id", "city", "state"]],
        left_on=["locality", "subunit_code"],
        right_on=["city", "state"],
    )  # units outside the 100 cities (Berkeley) drop out here
    dataset = pd.DataFrame(
        {
            "city_id": est["city_id"],
            "year": est["date"].astype(str).str[:4].astype(int),
            "primary_role": pd.NA,
            "source": "dataset",
        }
    )
    candidates = pd.concat([survey, dataset], ignore_index=True)
    candidates = candidates.sort_values(
        ["city_id", "year", "source"], ascending=[True, True, False]
    )
    first = candidates.groupby("city_id").first()
    counts = agencies.groupby("city_id").size()
    out = cities[list(_NEEDED_CITY_COLUMNS)].copy()
    out["n_agencies"] = out["city_id"].map(counts).fillna(0).astype(int)
    has_body = (out["n_agencies"] > 0) | out["city_id"].isin(first.index)
    year = out["city_id"].map(first["year"]).astype("Int64")
    out["first_year"] = year.where(has_body, 0)
    out["year_source"] = out["city_id"].map(first["source"]).fillna("none")
    # the role of the first agency; a dataset year earlier than the survey's keeps the role of
    # the city's earliest survey agency (the dataset records no role)
    ordered = agencies.sort_values(["established_year", "agency_id"], na_position="last")
    role = ordered.groupby("city_id")["primary_role"].first()
    out["first_role"] = out["city_id"].map(role)
    kind = out["first_role"].map(OVERSIGHT_TYPE).fillna("unknown")
    out["oversight_type"] = kind.where(has_body, "none")
    return out.sort_values("rank").reset_index(drop=True)


def _split_oris(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    return [p.strip() for p in text.replace(",", ";").split(";") if p.strip()]


def match_cities_to_nix(
    cities: pd.DataFrame, wapo_agencies: pd.DataFrame, ori_codes: pd.DataFrame
) -> pd.DataFrame:
    """Match each city to a Nix agency slug through WaPo agency names and ORI codes.

    Parameters
    ----------
    cities
        ``city_id``, ``city``, ``state`` (e.g. from :func:`us_adoption_schedule`).
    wapo_agencies
        :func:`~policingstudy.data.readers.us.read_wapo_agencies` (``name``, ``state``,
        ``oricodes``).
    ori_codes
        :func:`~policingstudy.data.readers.us.read_nix_ori_codes` (``agency``, ``ori``).

    Returns
    -------
    pandas.DataFrame
        One row per city: ``city_id``, ``city``, ``state``, ``wapo_name`` (names found, ``;``
        joined), ``ori`` (ORI codes found), ``nix_agency`` (slug when matched) and ``status``
        (one of :data:`MATCH_STATUSES`).
    """
    _need(wapo_agencies, ("name", "state", "oricodes"), "wapo_agencies")
    _need(ori_codes, ("agency", "ori"), "ori_codes")
    by_ori = ori_codes.dropna(subset=["ori"]).groupby("ori")["agency"].apply(sorted)
    names = wapo_agencies.assign(key=wapo_agencies["name"].str.strip().str.lower())
    rows = []
    for city in cities[["city_id", "city", "state"]].itertuples(index=False):
        name, state = str(city.city), str(city.state)
        wanted = WAPO_NAME_OVERRIDES.get((name, state), (f"{name} Police Department",))
        found = names[
            names["key"].isin([w.lower() for w in wanted]) & (names["state"] == city.state)
        ]
        oris = sorted({o for text in found["oricodes"] for o in _split_oris(text)})
        slugs = sorted({s for o in oris for s in by_ori.get(o, [])})
        if found.empty:
            status = "no_wapo_agency"
        elif not oris:
            status = "no_ori"
        elif not slugs:
            status = "ori_not_in_nix"
        else:
            status = "matched" if len(slugs) == 1 else "ambiguous"
        rows.append(
            {
                "city_id": city.city_id,
                "city": city.city,
                "state": city.state,
                "wapo_name": "; ".join(sorted(found["name"])),
                "ori": "; ".join(oris),
                "nix_agency": slugs[0] if status == "matched" else "",
                "status": status,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class UsPanel:
    """City x year panel of people fatally shot by police and oversight adoption.

    Attributes
    ----------
    data
        ``city``, ``year``, ``group`` (first treated year inside the window, 0 = never or
        later), ``treated`` (0/1), ``oversight_type``, ``population``, ``people_killed`` and
        ``killed_per_100k`` (per 100,000 residents of 2019).
    n_units, n_obs
        Cities and city-years kept.
    dropped
        Reason -> cities dropped for it (``unmatched``, ``adoption_year_unknown``,
        ``treated_before_window``, ``incomplete_years``).
    n_obs_not_collected
        City-years in the window that the Nix panel did not collect (dropped, not zero).
    recoded_never
        Cities adopting after the window (never treated within it).
    years
        The window.
    """

    data: pd.DataFrame
    n_units: int
    n_obs: int
    dropped: dict[str, list[str]]
    n_obs_not_collected: int
    recoded_never: list[str]
    years: tuple[int, ...]

    @property
    def n_units_dropped(self) -> int:
        """Cities dropped for any reason."""
        return sum(len(v) for v in self.dropped.values())


def us_city_panel(
    schedule: pd.DataFrame,
    match: pd.DataFrame,
    nix: pd.DataFrame,
    *,
    years: Sequence[int] = US_YEARS,
) -> UsPanel:
    """Join the adoption schedule and matched Nix counts into a balanced city x year panel.

    Parameters
    ----------
    schedule
        :func:`us_adoption_schedule`.
    match
        :func:`match_cities_to_nix`.
    nix
        :func:`~policingstudy.data.readers.us.read_nix_fatal_ois` (``agency``, ``year``,
        ``people_killed``; not-collected years absent or missing).
    years
        Consecutive window; cities not collected in every year are dropped.

    Returns
    -------
    UsPanel
        The panel and what was dropped.

    Raises
    ------
    PanelError
        If the years are not consecutive, or nothing is left.
    JoinError
        If ``schedule`` and ``match`` do not cover the same cities.
    """
    years_t = tuple(int(y) for y in years)
    if not years_t or list(years_t) != list(range(years_t[0], years_t[-1] + 1)):
        raise PanelError(f"years: found {years_t}; expected consecutive years")
    if set(schedule["city_id"]) != set(match["city_id"]):
        raise JoinError(
            "schedule and match: city_id sets differ; expected match_cities_to_nix run on the "
            "schedule's cities"
        )
    first, last = years_t[0], years_t[-1]
    frame = schedule.merge(match[["city_id", "nix_agency", "status"]], on="city_id")
    label = frame["city"] + " (" + frame["state"].str[3:] + ")"
    dropped: dict[str, list[str]] = {
        "unmatched": sorted(label[frame["status"] != "matched"]),
        "adoption_year_unknown": sorted(
            label[(frame["status"] == "matched") & frame["first_year"].isna()]
        ),
    }
    keep = (frame["status"] == "matched") & frame["first_year"].notna()
    g = frame["first_year"].fillna(-1).astype(int)
    before = keep & (g > 0) & (g <= first)
    dropped["treated_before_window"] = sorted(label[before])
    frame = frame.assign(label=label, group=g)[keep & ~before]
    counts = nix[nix["year"].between(first, last) & nix["people_killed"].notna()]
    data = frame.merge(counts, left_on="nix_agency", right_on="agency")
    n_years = data.groupby("label")["year"].transform("nunique")
    incomplete = sorted(set(frame["label"]) - set(data.loc[n_years == len(years_t), "label"]))
    dropped["incomplete_years"] = incomplete
    not_collected = len(frame) * len(years_t) - len(data)
    data = data[~data["label"].isin(incomplete)]
    if data.empty:
        raise PanelError(
            f"panel: no city left for {first}-{last} after dropping {dropped}; expected cities "
            "matched to Nix agencies collected in every year"
        )
    recoded = sorted(set(data.loc[data["group"] > last, "label"]))
    group = data["group"].where(data["group"] <= last, 0)
    out = pd.DataFrame(
        {
            "city": data["label"],
            "year": data["year"].astype(int),
            "group": group.astype(int),
            "treated": ((group > 0) & (data["year"] >= group)).astype(int),
            "oversight_type": data["oversight_type"],
            "population": data["population"].astype(int),
            "people_killed": data["people_killed"].astype(int),
        }
    )
    out["killed_per_100k"] = 1e5 * out["people_killed"] / out["population"]
    out = out.sort_values(["city", "year"]).reset_index(drop=True)
    return UsPanel(
        data=out,
        n_units=int(out["city"].nunique()),
        n_obs=len(out),
        dropped={k: v for k, v in dropped.items() if v},
        n_obs_not_collected=not_collected,
        recoded_never=recoded,
        years=years_t,
    )
