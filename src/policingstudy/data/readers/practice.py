"""De facto measures of police accountability, physical integrity and trust, country x year.

Every reader returns the same tidy table (:data:`MEASURE_COLUMNS`): one row per country
(``iso3``), year, source and measure with the published ``value`` and, where the source publishes
it, its uncertainty:

- ``uncertainty_kind`` ``"sd"``: ``uncertainty`` is a posterior standard deviation (Fariss);
- ``"se"``: ``uncertainty`` is a standard error (WGI);
- ``"interval68"``: ``lower``/``upper`` bound V-Dem's interval of about 68% (codelow/codehigh
  of the OWID exports);
- ``"none"``: the file publishes no uncertainty (WJP, PTS, the V-Dem values of ``vdemlite``,
  the survey means of QoG and EU-SILC).

Rows exist only where the source has a value: missing cells are dropped, never filled. The
scale and direction of every measure are listed in :data:`MEASURES` (``low``/``high`` the
published range, None for latent scales without bounds; ``higher_is_better``).

Country codes are ISO 3166-1 alpha-3, with the World Bank's ``XKX`` for Kosovo. Years are
calendar years, except:

- WJP editions are dated by :func:`wjp_edition_year` (a two-year label by its first year);
- the QoG cross-sections are dated by their reference year (:data:`QOG_REFERENCE_YEARS`); QoG
  takes each value from that year or the nearest year available and does not say which.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
import pandera.pandas as pa

from policingstudy.core.errors import DataValidationError
from policingstudy.data.readers._common import clean_text, need_file, raise_problems, sheet_values
from policingstudy.data.schemas import validate

UncertaintyKind = Literal["sd", "se", "interval68", "none"]
UNCERTAINTY_KINDS: tuple[UncertaintyKind, ...] = get_args(UncertaintyKind)
MEASURE_COLUMNS = [
    "iso3",
    "year",
    "source_id",
    "measure",
    "value",
    "uncertainty_kind",
    "uncertainty",
    "lower",
    "upper",
]


@dataclass(frozen=True)
class MeasureInfo:
    """What a measure is and how it is scaled.

    Attributes
    ----------
    source_id, measure
        The source and the measure's name in it (a column or a WJP factor id).
    label
        Short English description (report labels come from the i18n catalogs).
    low, high
        Published range of the scale, or None for a latent scale without bounds.
    higher_is_better
        Whether higher values mean more protection, accountability or trust.
    """

    source_id: str
    measure: str
    label: str
    low: float | None
    high: float | None
    higher_is_better: bool = True

    @property
    def scale(self) -> str:
        """The scale in words, e.g. ``0-1`` or ``latent``."""
        if self.low is None or self.high is None:
            return "latent"
        return f"{self.low:g}-{self.high:g}"


# -- WJP ----------------------------------------------------------------------------------------

WJP_SOURCE = "wjp_roli_2025"
WJP_FILE = "2025_wjp_rule_of_law_index_HISTORICAL_DATA_FILE.xlsx"
WJP_SHEET = "Historical Data"
WJP_KEYS = ["Country", "Year", "Country_year", "Country Code", "Region"]
WJP_SUBFACTORS = {1: 6, 2: 4, 3: 4, 4: 8, 5: 3, 6: 5, 7: 7, 8: 7}
"""Number of sub-factors of each WJP factor (44 in all)."""
WJP_ROWS = 1484
WJP_METHOD_FROM = 2015
"""The first edition whose scores the WJP updated for the 2017-2018 method (the file's
introduction sheet); the 2012-2013 and 2014 scores were not updated."""
WJP_TWO_YEAR_EDITIONS = {2012: 2013, 2017: 2018}
"""The editions named by two years ('2012-2013', '2017-2018'): dated year -> the second year."""
_RANGE_LABEL = re.compile(r"^(\d{4})-(\d{4})$")


def wjp_measure_id(header: str) -> str:
    """Return the measure id of a WJP column: ``overall``, ``factor_<k>`` or ``<k>.<j>``.

    Raises
    ------
    DataValidationError
        If the header is none of these.
    """
    text = clean_text(header)
    if text == "WJP Rule of Law Index: Overall Score":
        return "overall"
    factor = re.match(r"^Factor (\d): ", text)
    if factor:
        return f"factor_{factor.group(1)}"
    sub = re.match(r"^(\d)\.(\d)\.? ", text)
    if sub:
        return f"{sub.group(1)}.{sub.group(2)}"
    raise DataValidationError([f"{WJP_FILE}: column {header!r} is not a WJP score column"])


def wjp_edition_year(label: object, *, where: str = WJP_FILE) -> int:
    """Date a WJP edition label: an integer edition by itself, ``'2012-2013'`` by 2012.

    The WJP names two editions by two consecutive years (``2012-2013``, ``2017-2018``) and the
    others by one. A two-year edition is dated by its first year, so the editions map to
    2012, 2014, 2015, 2016, 2017, 2019, 2020, ... (no edition is dated 2013 or 2018). The date
    is the edition's label, not the fieldwork period, which the file does not give.

    Parameters
    ----------
    label
        The ``Year`` cell (an integer, a float such as 2014.0, or a string).
    where
        File and row for the error message.

    Raises
    ------
    DataValidationError
        For any other label.
    """
    if isinstance(label, int | float) and not isinstance(label, bool) and float(label) % 1 == 0:
        year = int(label)
        if 2000 <= year <= 2100:
            return year
    text = clean_text(label)
    if text.isdigit() and len(text) == 4:
        return int(text)
    match = _RANGE_LABEL.match(text)
    if match and int(match.group(2)) == int(match.group(1)) + 1:
        return int(match.group(1))
    raise DataValidationError(
        [f"{where}: edition label {label!r}; expected a year or two consecutive years 'YYYY-YYYY'"]
    )


def read_wjp_roli(folder: Path) -> pd.DataFrame:
    """Read the WJP Rule of Law Index historical data file (long sheet 'Historical Data').

    Scores are from 0 to 1, higher meaning more rule of law: the overall index (``overall``),
    the eight factors (``factor_1`` ... ``factor_8``) and the 44 sub-factors (``1.1`` ...
    ``8.7``). Editions are dated by :func:`wjp_edition_year`. The 28 blank cells are left out.
    WJP publishes no uncertainty for its scores.

    Parameters
    ----------
    folder
        Folder of source ``wjp_roli_2025``.

    Returns
    -------
    pandas.DataFrame
        The tidy columns of :data:`MEASURE_COLUMNS` (``uncertainty_kind`` ``"none"``).

    Raises
    ------
    DataValidationError
        If the workbook cannot be opened (damaged or truncated), its header or row count is not
        that of the 2025 release, an edition label is unknown or a score is outside 0-1.
    """
    path = need_file(folder, WJP_FILE)
    try:
        rows = sheet_values(path, WJP_SHEET)
    except DataValidationError:
        raise
    except Exception as exc:  # calamine raises its own types for damaged zip/xml
        raise DataValidationError(
            [
                f"{path.name}: cannot be read as a workbook ({type(exc).__name__}: {exc}); "
                "the file is damaged or truncated: fetch it again (policingstudy fetch)"
            ]
        ) from None
    header = [clean_text(h) for h in rows[0]]
    if header[:5] != WJP_KEYS:
        raise DataValidationError([f"{path.name}: columns {header[:5]}; expected {WJP_KEYS}"])
    ids = [wjp_measure_id(h) for h in rows[0][5:]]
    expected = ["overall"] + [
        m
        for k, n in WJP_SUBFACTORS.items()
        for m in (f"factor_{k}", *(f"{k}.{j}" for j in range(1, n + 1)))
    ]
    if ids != expected:
        raise DataValidationError([f"{path.name}: score columns {ids}; expected {expected}"])
    body = [r for r in rows[1:] if any(v not in ("", None) for v in r)]
    if len(body) != WJP_ROWS:
        raise DataValidationError(
            [
                f"{path.name}: sheet {WJP_SHEET!r} has {len(body)} rows; expected {WJP_ROWS} "
                "(2025 release): the file is truncated or another release"
            ]
        )
    raw = pd.DataFrame(body, columns=WJP_KEYS + ids)
    years = [
        wjp_edition_year(label, where=f"{path.name}: row {n + 2}, column 'Year'")
        for n, label in enumerate(raw["Year"])
    ]
    wide = raw[ids].replace("", np.nan).astype(float)
    wide.insert(0, "iso3", raw["Country Code"].map(clean_text))
    wide.insert(1, "year", years)
    long = wide.melt(["iso3", "year"], var_name="measure", value_name="value").dropna(
        subset=["value"]
    )
    return _finish(long, WJP_SOURCE, path.name)


# -- V-Dem ---------------------------------------------------------------------------------------

VDEMLITE_SOURCE = "vdemlite_v14"
VDEMLITE_FILE = "vdemlite.rda"
VDEMLITE_MEASURES = (
    "v2clkill",
    "v2cltort",
    "v2x_clphy",
    "v2juaccnt",
    "v2x_rule",
    "v2x_corr",
    "v2x_pubcorr",
    "v2x_cspart",
)
VDEMLITE_ROWS = 9170
VDEM_NON_ISO = {"PSG": "Palestine/Gaza", "SML": "Somaliland", "ZZB": "Zanzibar"}
"""V-Dem units with a V-Dem code that is not an ISO 3166-1 country; kept, named here."""


def read_r_file(path: Path, name: str) -> pd.DataFrame:
    """Read the data frame ``name`` from an R data file (``.rda``/``.RData``) with pyreadr.

    Raises
    ------
    DataValidationError
        If the file cannot be parsed (damaged or truncated) or lacks the object ``name``.
    """
    import pyreadr

    try:
        objects = pyreadr.read_r(str(path))
    except Exception as exc:  # pyreadr raises LibrdataError and others for damaged files
        raise DataValidationError(
            [
                f"{path.name}: cannot be read as an R data file ({type(exc).__name__}: {exc}); "
                "the file is damaged or truncated: fetch it again (policingstudy fetch)"
            ]
        ) from None
    if name not in objects:
        raise DataValidationError(
            [f"{path.name}: no object {name!r}; the file holds {sorted(objects)}"]
        )
    frame = objects[name]
    if not isinstance(frame, pd.DataFrame):
        raise DataValidationError([f"{path.name}: object {name!r} is not a data frame"])
    return frame


def read_vdemlite(folder: Path, *, measures: tuple[str, ...] = VDEMLITE_MEASURES) -> pd.DataFrame:
    """Read V-Dem v14 country-years from the vdemlite R data file.

    ``v2clkill`` (freedom from political killings), ``v2cltort`` (freedom from torture) and
    ``v2juaccnt`` (judicial accountability) are on V-Dem's latent measurement-model scale
    (about -4 to 4, higher is better); ``v2x_clphy`` (physical violence index), ``v2x_rule``
    (rule of law), ``v2x_cspart`` (civil society participation) and the corruption indices
    ``v2x_corr``/``v2x_pubcorr`` (higher is MORE corruption) are on 0-1. The file holds point
    estimates only (``uncertainty_kind`` ``"none"``), though V-Dem publishes intervals in its
    full release. Codes are V-Dem's ``country_text_id`` (ISO3 except :data:`VDEM_NON_ISO`).

    Parameters
    ----------
    folder
        Folder of source ``vdemlite_v14``.
    measures
        Columns to read.

    Raises
    ------
    DataValidationError
        A damaged file, a missing column, a row count other than the v14 file's, or an index
        outside 0-1.
    """
    path = need_file(folder, VDEMLITE_FILE)
    raw = read_r_file(path, "vdemlite")
    missing = [c for c in ("country_text_id", "year", *measures) if c not in raw.columns]
    if missing:
        raise DataValidationError([f"{path.name}: columns {missing} missing"])
    if len(raw) != VDEMLITE_ROWS:
        raise DataValidationError(
            [f"{path.name}: {len(raw)} rows; expected {VDEMLITE_ROWS} (vdemlite v14)"]
        )
    wide = raw[["country_text_id", "year", *measures]].rename(columns={"country_text_id": "iso3"})
    wide["year"] = wide["year"].astype(int)
    long = wide.melt(["iso3", "year"], var_name="measure", value_name="value").dropna(
        subset=["value"]
    )
    return _finish(long, VDEMLITE_SOURCE, path.name)


OWID_FILES = {
    "vdem_owid_rule_of_law_v13": ("rule-of-law-index.csv", "rule_of_law", "v2x_rule", 33421),
    "vdem_owid_corruption_v13": ("political-corruption-index.csv", "corruption", "v2x_corr", 32916),
}
"""Source id -> (file, OWID column stem, V-Dem variable, rows of the pinned file)."""
SOVIET_SUCCESSORS = (
    "ARM",
    "AZE",
    "BLR",
    "EST",
    "GEO",
    "KAZ",
    "KGZ",
    "LTU",
    "LVA",
    "MDA",
    "TJK",
    "TKM",
    "UKR",
    "UZB",
)
"""The Soviet successor states other than Russia, whose pre-1990 OWID rows copy Russia's."""
OWID_CODES = {"OWID_KOS": "XKX"}
"""OWID codes kept (mapped to the World Bank's code); every other ``OWID_*`` code is dropped."""


def read_vdem_owid(folder: Path) -> pd.DataFrame:
    """Read an Our World in Data export of a V-Dem v13 index with its interval.

    The folder is that of ``vdem_owid_rule_of_law_v13`` (``v2x_rule``, 0-1, higher is more
    rule of law) or ``vdem_owid_corruption_v13`` (``v2x_corr``, 0-1, higher is MORE
    corruption). ``lower``/``upper`` are V-Dem's codelow/codehigh (``"interval68"``).

    Three kinds of rows are dropped:

    - regional and world aggregates and historical polities (no code, or an ``OWID_*`` code
      other than Kosovo's ``OWID_KOS``, which becomes ``XKX``);
    - the years before 1990 of the Soviet successor states (:data:`SOVIET_SUCCESSORS`), which
      OWID fills with the Russian/Soviet series (e.g. Kazakhstan 1985 equals Russia 1985);
      V-Dem's own series for them start in 1990;
    - rows without a value.

    Raises
    ------
    DataValidationError
        Unknown folder contents, a row count other than the pinned file's, a value outside
        0-1 or outside its interval.
    """
    found = [(sid, spec) for sid, spec in OWID_FILES.items() if (folder / spec[0]).is_file()]
    if len(found) != 1:
        names = [spec[0] for spec in OWID_FILES.values()]
        raise DataValidationError([f"{folder}: expected one of {names}, found {len(found)}"])
    source_id, (name, stem, variable, n_rows) = found[0]
    path = folder / name
    raw = _read_csv(path, n_rows)
    columns = [
        "Entity",
        "Code",
        "Year",
        f"{stem}_vdem_owid",
        f"{stem}_vdem_high_owid",
        f"{stem}_vdem_low_owid",
    ]
    if list(raw.columns) != columns:
        raise DataValidationError([f"{path.name}: columns {list(raw.columns)}; expected {columns}"])
    code = raw["Code"].fillna("").astype(str).replace(OWID_CODES)
    keep = code.str.fullmatch(r"[A-Z]{3}")
    backfilled = code.isin(SOVIET_SUCCESSORS) & (raw["Year"] < 1990)
    frame = pd.DataFrame(
        {
            "iso3": code,
            "year": raw["Year"].astype(int),
            "measure": variable,
            "value": raw[columns[3]].astype(float),
            "lower": raw[columns[5]].astype(float),
            "upper": raw[columns[4]].astype(float),
        }
    )[keep & ~backfilled].dropna(subset=["value"])
    frame["uncertainty_kind"] = np.where(
        frame["lower"].notna() & frame["upper"].notna(), "interval68", "none"
    )
    return _finish(frame, source_id, path.name)


# -- Fariss and PTS ------------------------------------------------------------------------------

FARISS_SOURCE = "hrps_fariss_v4_01"
FARISS_FILE = "HumanRightsProtectionScores_v4.01.csv"
FARISS_ROWS = 11275
COW_EXCEPTIONS = {260: "DEU", 345: "SRB", 347: "XKX"}
"""COW codes without an ISO3 pair in the QoG crosswalk: West Germany (260, to 1990, the same
state as unified Germany's 255), 'Yugoslavia' (345, Serbia's code after 2006 in COW) and Kosovo
(347, the World Bank's XKX)."""


def read_fariss_cow(folder: Path) -> pd.DataFrame:
    """Read the Human Rights Protection Scores v4.01 as published, by COW code.

    Parameters
    ----------
    folder
        Folder of source ``hrps_fariss_v4_01``.

    Returns
    -------
    pandas.DataFrame
        ``cow``, ``country_name``, ``year``, ``theta_mean`` (latent protection of physical
        integrity, higher is more protection, about -3.5 to 5.5) and ``theta_sd`` (its
        posterior standard deviation), one row per COW code and year.

    Raises
    ------
    DataValidationError
        A truncated file (row count), missing columns, a missing or non-positive
        ``theta_sd``.
    """
    path = need_file(folder, FARISS_FILE)
    raw = _read_csv(path, FARISS_ROWS)
    columns = ["COW", "country_name", "YEAR", "theta_mean", "theta_sd"]
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataValidationError([f"{path.name}: columns {missing} missing"])
    frame = raw[columns].rename(columns={"COW": "cow", "YEAR": "year"})
    bad = frame[frame["theta_mean"].isna() | ~(frame["theta_sd"] > 0)]
    if len(bad):
        shown = bad.head(20)
        raise DataValidationError(
            [
                f"{path.name}: row {i + 1}: theta_mean {mean!r}, theta_sd {sd!r}; "
                "expected a value and a positive standard deviation"
                for i, mean, sd in zip(
                    shown.index, shown["theta_mean"], shown["theta_sd"], strict=True
                )
            ]
        )
    return frame.astype({"cow": int, "year": int}).reset_index(drop=True)


def fariss_measures(raw: pd.DataFrame, *, cow_iso3: Mapping[int, str]) -> pd.DataFrame:
    """Turn :func:`read_fariss_cow` into the tidy table, COW codes mapped to ISO3.

    Measure ``theta`` (``theta_mean``) with its posterior standard deviation (``"sd"``). COW
    codes become ISO3 through ``cow_iso3`` and :data:`COW_EXCEPTIONS`. Germany is COW 260 up to
    1990 and 255 from 1990, and 1990 appears under both: the 255 row (the unified state at the
    end of 1990) is kept and the 260 row of 1990 dropped. Other historical units (East Germany,
    the two Yemens, Zanzibar, South Vietnam) end before 1991 and have no ISO3 code: dropped.

    Parameters
    ----------
    raw
        From :func:`read_fariss_cow`.
    cow_iso3
        COW code -> ISO3 (from :func:`qog_cow_crosswalk`).

    Raises
    ------
    DataValidationError
        A unit after 1990 without an ISO3 code, or two rows for one country and year.
    """
    mapping = {**{int(k): v for k, v in cow_iso3.items()}, **COW_EXCEPTIONS}
    raw = raw[~((raw["cow"] == 260) & (raw["year"] == 1990))]
    iso3 = raw["cow"].map(mapping)
    unmatched = raw.loc[iso3.isna() & (raw["year"] > 1990), ["cow", "country_name"]]
    if len(unmatched):
        pairs = sorted(set(map(tuple, unmatched.astype(str).to_numpy())))
        raise DataValidationError([f"{FARISS_FILE}: COW codes without ISO3 after 1990: {pairs}"])
    frame = pd.DataFrame(
        {
            "iso3": iso3,
            "year": raw["year"],
            "measure": "theta",
            "value": raw["theta_mean"].astype(float),
            "uncertainty_kind": "sd",
            "uncertainty": raw["theta_sd"].astype(float),
        }
    ).dropna(subset=["iso3"])
    return _finish(frame, FARISS_SOURCE, FARISS_FILE)


PTS_SOURCE = "pts_2023"
PTS_FILE = "PTS-2023.RData"
PTS_ROWS = 10007
PTS_CODES = {"ADO": "AND", "KSV": "XKX", "ROM": "ROU", "TMP": "TLS", "WBG": "PSE", "ZAR": "COD"}
"""Old World Bank codes of the PTS file -> ISO3 (XKX for Kosovo, as the World Bank)."""
PTS_MEASURES = {"PTS_A": "pts_a", "PTS_H": "pts_h", "PTS_S": "pts_s"}


def read_pts(folder: Path) -> pd.DataFrame:
    """Read the Political Terror Scale, release 2023 (scores for 1976-2022).

    Measures ``pts_a``, ``pts_h`` and ``pts_s``: the scores coded from Amnesty International,
    Human Rights Watch and US State Department reports, 1 (secure rule of law, torture rare) to
    5 (terror extends to the whole population); higher is WORSE. PTS publishes no uncertainty.
    Rows without a World Bank code (historical units, the European Union, sub-state
    territories such as 'Gaza (Hamas)') and the 'Yugoslavia' rows (code ``YUG``, whose scores
    after the federation's end are missing) are dropped; old World Bank codes become ISO3
    (:data:`PTS_CODES`). Scores that are missing (the file gives a reason code in
    ``NA_Status_*``) are left out.

    Raises
    ------
    DataValidationError
        A damaged file, a row count other than the 2023 release's, a score outside 1-5 or two
        rows for one country and year.
    """
    path = need_file(folder, PTS_FILE)
    raw = read_r_file(path, "PTS_2023")
    if len(raw) != PTS_ROWS:
        raise DataValidationError([f"{path.name}: {len(raw)} rows; expected {PTS_ROWS}"])
    code = raw["WordBank_Code_A"].astype("string").replace(PTS_CODES)
    keep = code.notna() & (code != "YUG")
    wide = pd.DataFrame({"iso3": code, "year": raw["Year"].astype(int)})
    for column, measure in PTS_MEASURES.items():
        wide[measure] = pd.to_numeric(raw[column].astype("object"), errors="raise").astype(float)
    long = wide[keep].melt(["iso3", "year"], var_name="measure", value_name="value")
    long = long.dropna(subset=["value"]).astype({"iso3": str})
    return _finish(long, PTS_SOURCE, path.name)


# -- Surveys: QoG cross-sections and EU-SILC ------------------------------------------------------

QOG_FILES = {
    "qog_std_cs_jan24": ("qog_std_cs_jan24.csv", 2020, 194),
    "qog_std_cs_jan25": ("qog_std_cs_jan25.csv", 2021, 194),
}
"""Source id -> (file, reference year, rows)."""
QOG_REFERENCE_YEARS = {sid: spec[1] for sid, spec in QOG_FILES.items()}
QOG_MEASURES = ("wvs_confpol", "ess_trpolice")


def _qog_file(folder: Path) -> tuple[str, Path, int, int]:
    found = [(sid, spec) for sid, spec in QOG_FILES.items() if (folder / spec[0]).is_file()]
    if len(found) != 1:
        names = [spec[0] for spec in QOG_FILES.values()]
        raise DataValidationError([f"{folder}: expected one of {names}, found {len(found)}"])
    sid, (name, year, rows) = found[0]
    return sid, folder / name, year, rows


def read_qog_trust(folder: Path) -> pd.DataFrame:
    """Read the trust-in-police survey means of a QoG Standard cross-section.

    ``wvs_confpol``: World Values Survey, country mean of confidence in the police on 1-4,
    higher is more confidence (QoG's recoding; in the data Finland and New Zealand are near the
    top and Venezuela and Mexico at the bottom). ``ess_trpolice``: European Social Survey,
    mean trust in the police on 0-10. Rows are dated by QoG's reference year
    (:data:`QOG_REFERENCE_YEARS`: 2020 for jan24, 2021 for jan25, the latter checked against
    the file's ``ccodealp_year`` suffix); QoG takes each value from that year or the nearest
    one available and the file does not say which, so a repeated survey appears in both years.
    No standard errors are published (``"none"``).

    Parameters
    ----------
    folder
        Folder of ``qog_std_cs_jan24`` or ``qog_std_cs_jan25``.

    Raises
    ------
    DataValidationError
        Unknown folder contents, a truncated file, missing columns, a value outside its scale.
    """
    source_id, path, year, n_rows = _qog_file(folder)
    raw = _read_csv(
        path, n_rows, usecols=lambda c: c in {"ccodealp", "ccodealp_year", *QOG_MEASURES}
    )
    missing = [c for c in ("ccodealp", *QOG_MEASURES) if c not in raw.columns]
    if missing:
        raise DataValidationError([f"{path.name}: columns {missing} missing"])
    if "ccodealp_year" in raw.columns:
        suffixes = set(raw["ccodealp_year"].astype(str).str[-2:])
        if suffixes != {f"{year % 100:02d}"}:
            raise DataValidationError(
                [
                    f"{path.name}: ccodealp_year ends in {sorted(suffixes)}; expected "
                    f"{year % 100:02d} (reference year {year})"
                ]
            )
    long = raw.rename(columns={"ccodealp": "iso3"}).melt(
        "iso3", value_vars=list(QOG_MEASURES), var_name="measure", value_name="value"
    )
    long = long.dropna(subset=["value"]).assign(year=year)
    return _finish(long, source_id, path.name)


def qog_cow_crosswalk(folder: Path) -> dict[int, str]:
    """Return QoG's COW code -> ISO3 pairs (``ccodecow``, ``ccodealp``) of a cross-section.

    Raises
    ------
    DataValidationError
        If a COW code is paired with two ISO3 codes.
    """
    _, path, _, n_rows = _qog_file(folder)
    raw = _read_csv(path, n_rows, usecols=["ccodealp", "ccodecow"]).dropna()
    pairs = raw.astype({"ccodecow": int}).drop_duplicates()
    twice = pairs[pairs["ccodecow"].duplicated(keep=False)]
    if len(twice):
        raise DataValidationError(
            [f"{path.name}: COW codes with two ISO3 codes: {sorted(set(twice['ccodecow']))}"]
        )
    return dict(zip(pairs["ccodecow"], pairs["ccodealp"], strict=True))


EU_SILC_SOURCE = "eu_silc_trust_police_2013_owid"
EU_SILC_FILE = "Trust \u2013 Eurostat.csv"
EU_SILC_COLUMNS = [
    "Entity",
    "Year",
    "Trust in others (Eurostat (2015))",
    "Trust in police (Eurostat (2015))",
]
EU_SILC_ISO3 = {
    "Austria": "AUT", "Belgium": "BEL", "Bulgaria": "BGR", "Croatia": "HRV", "Cyprus": "CYP",
    "Czech Republic": "CZE", "Denmark": "DNK", "Estonia": "EST", "Finland": "FIN",
    "France": "FRA", "Germany": "DEU", "Greece": "GRC", "Hungary": "HUN", "Iceland": "ISL",
    "Ireland": "IRL", "Italy": "ITA", "Latvia": "LVA", "Lithuania": "LTU", "Luxembourg": "LUX",
    "Malta": "MLT", "Netherlands": "NLD", "Norway": "NOR", "Poland": "POL", "Portugal": "PRT",
    "Romania": "ROU", "Serbia": "SRB", "Slovakia": "SVK", "Slovenia": "SVN", "Spain": "ESP",
    "Sweden": "SWE", "Switzerland": "CHE", "United Kingdom": "GBR",
}  # fmt: skip
"""The 32 country names of the file -> ISO3 (an unknown name is an error, not a drop)."""


def read_eu_silc_trust(folder: Path) -> pd.DataFrame:
    """Read EU-SILC 2013 mean trust in the police (0 no trust at all ... 10 complete trust).

    One measure, ``trust_police``, for the 24 countries with a value; no uncertainty published.

    Raises
    ------
    DataValidationError
        Other columns, an unknown country name, a value outside 0-10.
    """
    path = need_file(folder, EU_SILC_FILE)
    raw = _read_csv(path, 32)
    if list(raw.columns) != EU_SILC_COLUMNS:
        raise DataValidationError(
            [f"{path.name}: columns {list(raw.columns)}; expected {EU_SILC_COLUMNS}"]
        )
    unknown = sorted(set(raw["Entity"]) - set(EU_SILC_ISO3))
    raise_problems([f"{path.name}: country {name!r} has no ISO3 code" for name in unknown])
    frame = pd.DataFrame(
        {
            "iso3": raw["Entity"].map(EU_SILC_ISO3),
            "year": raw["Year"].astype(int),
            "measure": "trust_police",
            "value": raw[EU_SILC_COLUMNS[3]].astype(float),
        }
    ).dropna(subset=["value"])
    return _finish(frame, EU_SILC_SOURCE, path.name)


# -- WGI ------------------------------------------------------------------------------------------

WGI_SOURCE = "wgi_2024"


def wgi_measures(wgi: pd.DataFrame) -> pd.DataFrame:
    """Turn :func:`~policingstudy.data.readers.crossnational.read_wgi_2024` into the tidy table.

    Measures are the WGI indicator codes (``rl``, ``cc``, ``va``, ...); values are estimates in
    standard normal units with their standard errors (``"se"``). Missing estimates are dropped.
    """
    frame = pd.DataFrame(
        {
            "iso3": wgi["code"].astype(str),
            "year": wgi["year"].astype(int),
            "measure": wgi["indicator"].astype(str),
            "value": wgi["estimate"].astype(float),
            "uncertainty_kind": "se",
            "uncertainty": wgi["std_error"].astype(float),
        }
    ).dropna(subset=["value"])
    return _finish(frame, WGI_SOURCE, "wgidataset.xlsx")


# -- the catalogue of measures ---------------------------------------------------------------------


def _wjp_catalogue() -> list[MeasureInfo]:
    out = [MeasureInfo(WJP_SOURCE, "overall", "WJP Rule of Law Index, overall", 0, 1)]
    for k, n in WJP_SUBFACTORS.items():
        out.append(MeasureInfo(WJP_SOURCE, f"factor_{k}", f"WJP factor {k}", 0, 1))
        out += [
            MeasureInfo(WJP_SOURCE, f"{k}.{j}", f"WJP sub-factor {k}.{j}", 0, 1)
            for j in range(1, n + 1)
        ]
    return out


MEASURES: tuple[MeasureInfo, ...] = (
    *_wjp_catalogue(),
    MeasureInfo(VDEMLITE_SOURCE, "v2clkill", "V-Dem freedom from political killings", None, None),
    MeasureInfo(VDEMLITE_SOURCE, "v2cltort", "V-Dem freedom from torture", None, None),
    MeasureInfo(VDEMLITE_SOURCE, "v2x_clphy", "V-Dem physical violence index", 0, 1),
    MeasureInfo(VDEMLITE_SOURCE, "v2juaccnt", "V-Dem judicial accountability", None, None),
    MeasureInfo(VDEMLITE_SOURCE, "v2x_rule", "V-Dem rule of law index (v14)", 0, 1),
    MeasureInfo(VDEMLITE_SOURCE, "v2x_corr", "V-Dem political corruption (v14)", 0, 1, False),
    MeasureInfo(VDEMLITE_SOURCE, "v2x_pubcorr", "V-Dem public sector corruption", 0, 1, False),
    MeasureInfo(VDEMLITE_SOURCE, "v2x_cspart", "V-Dem civil society participation", 0, 1),
    MeasureInfo("vdem_owid_rule_of_law_v13", "v2x_rule", "V-Dem rule of law index (v13)", 0, 1),
    MeasureInfo("vdem_owid_corruption_v13", "v2x_corr", "V-Dem political corruption (v13)", 0, 1,
                False),
    MeasureInfo(FARISS_SOURCE, "theta", "Fariss latent human rights protection", None, None),
    MeasureInfo(PTS_SOURCE, "pts_a", "Political Terror Scale (Amnesty)", 1, 5, False),
    MeasureInfo(PTS_SOURCE, "pts_h", "Political Terror Scale (Human Rights Watch)", 1, 5, False),
    MeasureInfo(PTS_SOURCE, "pts_s", "Political Terror Scale (State Department)", 1, 5, False),
    *(
        m
        for sid in QOG_FILES
        for m in (
            MeasureInfo(sid, "wvs_confpol", "WVS confidence in the police", 1, 4),
            MeasureInfo(sid, "ess_trpolice", "ESS trust in the police", 0, 10),
        )
    ),
    MeasureInfo(EU_SILC_SOURCE, "trust_police", "EU-SILC trust in the police", 0, 10),
    *(
        MeasureInfo(WGI_SOURCE, code, f"WGI {name}", None, None)
        for code, name in (
            ("va", "voice and accountability"),
            ("pv", "political stability"),
            ("ge", "government effectiveness"),
            ("rq", "regulatory quality"),
            ("rl", "rule of law"),
            ("cc", "control of corruption"),
        )
    ),
)  # fmt: skip
"""Every measure the readers return, with its scale and direction."""


def measure_catalogue() -> pd.DataFrame:
    """Return :data:`MEASURES` as a table.

    Columns ``source_id``, ``measure``, ``label``, ``low``, ``high``, ``scale`` and
    ``higher_is_better``.
    """
    return pd.DataFrame(
        [
            {
                "source_id": m.source_id,
                "measure": m.measure,
                "label": m.label,
                "low": m.low,
                "high": m.high,
                "scale": m.scale,
                "higher_is_better": m.higher_is_better,
            }
            for m in MEASURES
        ]
    )


# -- assembly -------------------------------------------------------------------------------------

PRACTICE_SOURCES = (
    WJP_SOURCE,
    VDEMLITE_SOURCE,
    *OWID_FILES,
    FARISS_SOURCE,
    PTS_SOURCE,
    *QOG_FILES,
    EU_SILC_SOURCE,
    WGI_SOURCE,
)
"""The sources of :func:`read_practice_measures`, in the order of its rows."""


def read_practice_measures(folders: Mapping[str, Path]) -> pd.DataFrame:
    """Read every source of :data:`PRACTICE_SOURCES` into one tidy table.

    The Fariss COW codes are paired with ISO3 codes through the January 2025 QoG
    cross-section (:func:`qog_cow_crosswalk`).

    Parameters
    ----------
    folders
        Source id -> folder, for every id of :data:`PRACTICE_SOURCES`.

    Raises
    ------
    DataValidationError
        A source missing from ``folders``, or any reader's error.
    """
    from policingstudy.data.readers.crossnational import read_wgi_2024

    missing = [sid for sid in PRACTICE_SOURCES if sid not in folders]
    if missing:
        raise DataValidationError([f"practice measures: folders of {missing} not given"])
    crosswalk = qog_cow_crosswalk(folders["qog_std_cs_jan25"])
    readers: dict[str, Callable[[Path], pd.DataFrame]] = {
        WJP_SOURCE: read_wjp_roli,
        VDEMLITE_SOURCE: read_vdemlite,
        **dict.fromkeys(OWID_FILES, read_vdem_owid),
        FARISS_SOURCE: lambda f: fariss_measures(read_fariss_cow(f), cow_iso3=crosswalk),
        PTS_SOURCE: read_pts,
        **dict.fromkeys(QOG_FILES, read_qog_trust),
        EU_SILC_SOURCE: read_eu_silc_trust,
        WGI_SOURCE: lambda f: wgi_measures(read_wgi_2024(f)),
    }
    frames = [readers[sid](folders[sid]) for sid in PRACTICE_SOURCES]
    return pd.concat(frames, ignore_index=True)


# -- shared checks -------------------------------------------------------------------------------

_KEY = ["iso3", "year", "source_id", "measure"]


def _in_scale(frame: pd.DataFrame) -> pd.Series:
    """True where the value lies on its measure's published scale (latent: always)."""
    cat = measure_catalogue().set_index(["source_id", "measure"])
    idx = pd.MultiIndex.from_frame(frame[["source_id", "measure"]])
    low = cat["low"].reindex(idx).to_numpy(dtype=float)
    high = cat["high"].reindex(idx).to_numpy(dtype=float)
    value = frame["value"].to_numpy(dtype=float)
    ok = (np.isnan(low) | (value >= low - 1e-9)) & (np.isnan(high) | (value <= high + 1e-9))
    return pd.Series(ok, index=frame.index)


def _known(frame: pd.DataFrame) -> pd.Series:
    cat = set(zip(measure_catalogue()["source_id"], measure_catalogue()["measure"], strict=True))
    keys = zip(frame["source_id"], frame["measure"], strict=True)
    return pd.Series([k in cat for k in keys], index=frame.index)


def _interval_holds(frame: pd.DataFrame) -> pd.Series:
    interval = frame["uncertainty_kind"] == "interval68"
    inside = (frame["lower"] <= frame["value"] + 1e-9) & (frame["value"] <= frame["upper"] + 1e-9)
    return ~interval | inside


def _uncertainty_matches_kind(frame: pd.DataFrame) -> pd.Series:
    kind = frame["uncertainty_kind"]
    has_u = frame["uncertainty"].notna()
    has_b = frame["lower"].notna() & frame["upper"].notna()
    return (
        (kind.isin(["sd", "se"]) & has_u & ~has_b)
        | ((kind == "interval68") & has_b & ~has_u)
        | ((kind == "none") & ~has_u & ~has_b)
    )


MEASURE_SCHEMA = pa.DataFrameSchema(
    {
        "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
        "year": pa.Column(int, pa.Check.in_range(1789, 2100)),
        "source_id": pa.Column(str),
        "measure": pa.Column(str),
        "value": pa.Column(float, pa.Check(np.isfinite, element_wise=False)),
        "uncertainty_kind": pa.Column(str, pa.Check.isin(list(UNCERTAINTY_KINDS))),
        "uncertainty": pa.Column(float, pa.Check.gt(0), nullable=True),
        "lower": pa.Column(float, nullable=True),
        "upper": pa.Column(float, nullable=True),
    },
    checks=[
        pa.Check(_known, error="(source_id, measure) is listed in MEASURES"),
        pa.Check(_in_scale, error="value lies on the measure's published scale"),
        pa.Check(_interval_holds, error="lower <= value <= upper"),
        pa.Check(_uncertainty_matches_kind, error="uncertainty columns match uncertainty_kind"),
    ],
    strict=True,
    unique=_KEY,
)


def _finish(frame: pd.DataFrame, source_id: str, file: str) -> pd.DataFrame:
    """Add the missing tidy columns, order and sort rows, and validate."""
    out = frame.copy()
    out["source_id"] = source_id
    for column, default in (
        ("uncertainty_kind", "none"),
        ("uncertainty", np.nan),
        ("lower", np.nan),
        ("upper", np.nan),
    ):
        if column not in out:
            out[column] = default
    out = out.astype(
        {
            "iso3": str,
            "year": int,
            "measure": str,
            "value": float,
            "uncertainty": float,
            "lower": float,
            "upper": float,
            "uncertainty_kind": str,
        }
    )
    out = out[MEASURE_COLUMNS].sort_values(_KEY, ignore_index=True)
    return validate(out, MEASURE_SCHEMA, file)


def _read_csv(path: Path, n_rows: int, **kwargs: Any) -> pd.DataFrame:
    """Read a CSV of a pinned release and check its number of data rows (truncation)."""
    try:
        frame = pd.read_csv(path, low_memory=False, **kwargs)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataValidationError(
            [
                f"{path.name}: cannot be parsed as CSV ({type(exc).__name__}: {exc}); the file is "
                "damaged: fetch it again (policingstudy fetch)"
            ]
        ) from None
    if len(frame) != n_rows:
        raise DataValidationError(
            [
                f"{path.name}: {len(frame)} data rows; expected {n_rows} in the pinned release: "
                "the file is truncated or another release (fetch it again)"
            ]
        )
    return frame
