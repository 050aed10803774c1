"""England and Wales: police force areas, deaths after police contact, workforce, crime, PCCs.

Every reader returns force-level rows with ``pfa_code``, the ONS police force area code
(PFA23CD: ``E23000001`` Metropolitan Police ... ``W15000004`` Dyfed-Powys), obtained from the
force names as printed in each file by :func:`pfa_code`. Rows of bodies outside the 43 police
force areas (British Transport Police, HMRC, the National Crime Agency ...) keep a missing code.

Who holds the functions of a police and crime commissioner is not read from any file here: it
is coded in the dataset (``data/raw/dataset/ew_pcc_functions.csv``, each row with its source) and
turned into map input by :func:`policingstudy.studies.maps.ew_holders`.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Literal, get_args

import pandas as pd
import pandera.pandas as pa

from policingstudy.core.errors import DataValidationError
from policingstudy.core.types import check_option
from policingstudy.data.readers._common import clean_text, need_file, raise_problems, sheet_rows
from policingstudy.data.schemas import validate

# ONS police force area codes and names (PFA23CD, PFA23NM), December 2023.
PFA_NAMES: dict[str, str] = {
    "E23000001": "Metropolitan Police",
    "E23000002": "Cumbria",
    "E23000003": "Lancashire",
    "E23000004": "Merseyside",
    "E23000005": "Greater Manchester",
    "E23000006": "Cheshire",
    "E23000007": "Northumbria",
    "E23000008": "Durham",
    "E23000009": "North Yorkshire",
    "E23000010": "West Yorkshire",
    "E23000011": "South Yorkshire",
    "E23000012": "Humberside",
    "E23000013": "Cleveland",
    "E23000014": "West Midlands",
    "E23000015": "Staffordshire",
    "E23000016": "West Mercia",
    "E23000017": "Warwickshire",
    "E23000018": "Derbyshire",
    "E23000019": "Nottinghamshire",
    "E23000020": "Lincolnshire",
    "E23000021": "Leicestershire",
    "E23000022": "Northamptonshire",
    "E23000023": "Cambridgeshire",
    "E23000024": "Norfolk",
    "E23000025": "Suffolk",
    "E23000026": "Bedfordshire",
    "E23000027": "Hertfordshire",
    "E23000028": "Essex",
    "E23000029": "Thames Valley",
    "E23000030": "Hampshire",
    "E23000031": "Surrey",
    "E23000032": "Kent",
    "E23000033": "Sussex",
    "E23000034": "London, City of",
    "E23000035": "Devon & Cornwall",
    "E23000036": "Avon and Somerset",
    "E23000037": "Gloucestershire",
    "E23000038": "Wiltshire",
    "E23000039": "Dorset",
    "W15000001": "North Wales",
    "W15000002": "Gwent",
    "W15000003": "South Wales",
    "W15000004": "Dyfed-Powys",
}
# Spellings used by the Home Office, IOPC and others that do not normalise to the ONS name.
_ALIASES = {"city of london": "E23000034", "warkwickshire": "E23000017"}
# Bodies outside the 43 police force areas, as named by the IOPC and the Home Office.
NON_TERRITORIAL_NAMES = (
    "British Transport Police",
    "HMRC",
    "Ministry of Defence",
    "SOCA / NCA",
    "SOCA",
    "Home Office",
    "Central Service Secondments",
)


def _normalise(name: str) -> str:
    text = clean_text(name).lower().rstrip("^~*\"'0123456789 ")
    text = text.replace("&", " and ").replace(",", " ")
    words = [w for w in text.split() if w not in {"police", "constabulary", "service"}]
    return " ".join(words)


_INDEX = {_normalise(n): c for c, n in PFA_NAMES.items()} | _ALIASES
NON_TERRITORIAL = frozenset(_normalise(n) for n in NON_TERRITORIAL_NAMES)


def pfa_code(name: str) -> str | None:
    """Return the ONS police force area code of a force name, or None if it is not one.

    Footnote markers, '&'/'and', commas, case and the words police/constabulary/service are
    ignored: 'Avon & Somerset', 'Avon and Somerset Constabulary' -> ``E23000036``; 'Metropolitan'
    and 'Metropolitan Police Service' -> ``E23000001``; 'City of London' and 'London, City of' ->
    ``E23000034``. Regions such as 'London' or 'North East' return None.
    """
    return _INDEX.get(_normalise(name))


# -- PCC parties ---------------------------------------------------------------------------


def read_pcc_party(folder: Path) -> pd.DataFrame:
    """Read the party of the holder of PCC functions by force area and year, 2012-2024.

    Parameters
    ----------
    folder
        Folder of source ``ew_pcc_party_by_year`` (sheet 'wider', cached formula values).

    Returns
    -------
    pandas.DataFrame
        42 areas (all but City of London) x 13 years: ``pfa_code``, ``force`` (name as in the
        file, trailing spaces removed), ``year``, ``party`` (e.g. 'Labour', 'Conservative',
        'Independent', 'Plaid Cymru'). For London it is the Mayor's party.

    Raises
    ------
    DataValidationError
        A force name that matches no police force area, or an empty party cell.
    """
    path = need_file(folder, "pcc_list_by_year.xlsx")
    rows, problems, years = [], [], []
    for number, values in sheet_rows(path, "wider"):
        if number == 1:
            years = [int(v) for v in values[1:] if v is not None]
            continue
        force = clean_text(values[0])
        code = pfa_code(force)
        if code is None:
            problems.append(f"{path.name}: sheet 'wider', row {number}: unknown force {force!r}")
            continue
        for year, value in zip(years, values[1:], strict=False):
            party = clean_text(value)
            if not party:
                problems.append(f"{path.name}: row {number}, year {year}: empty party")
            rows.append({"pfa_code": code, "force": force, "year": year, "party": party})
    raise_problems(problems)
    schema = pa.DataFrameSchema(
        {
            "pfa_code": pa.Column(str, pa.Check.isin(list(PFA_NAMES))),
            "force": pa.Column(str),
            "year": pa.Column(int, pa.Check.in_range(2012, 2024)),
            "party": pa.Column(str, pa.Check.str_length(min_value=1)),
        },
        unique=["pfa_code", "year"],
    )
    return validate(pd.DataFrame(rows), schema, path.name)


# -- IOPC deaths during or following police contact ----------------------------------------------

AuthorityKind = Literal["territorial", "joint", "non_territorial"]
FINANCIAL_YEARS = tuple(f"{y % 100:02d}/{(y + 1) % 100:02d}" for y in range(2004, 2020))
_MARKERS = re.compile(r"[~*^\"]+$")


def _authority(name: str) -> tuple[str | None, AuthorityKind] | None:
    code = pfa_code(name)
    if code is not None:
        return code, "territorial"
    if _normalise(name) in NON_TERRITORIAL:
        return None, "non_territorial"
    parts = [p for p in clean_text(name).split(" & ") if p]
    known = [pfa_code(p) is not None or _normalise(p) in NON_TERRITORIAL for p in parts]
    if len(parts) > 1 and all(known):
        return None, "joint"
    return None


IOPC_SCHEMA = pa.DataFrameSchema(
    {
        "authority": pa.Column(str),
        "pfa_code": pa.Column(str, pa.Check.isin(list(PFA_NAMES)), nullable=True),
        "authority_kind": pa.Column(str, pa.Check.isin(list(get_args(AuthorityKind)))),
        "financial_year": pa.Column(
            str, pa.Check.isin([f"20{y[:2]}/{y[3:]}" for y in FINANCIAL_YEARS])
        ),
        "year_start": pa.Column(int, pa.Check.in_range(2004, 2019)),
        "deaths": pa.Column(int, pa.Check.ge(0)),
        "listed": pa.Column(bool),
    },
    strict=True,
    unique=["authority", "financial_year"],
)


def _iopc_long(table: pd.DataFrame, file: str) -> pd.DataFrame:
    """Wide authority x year table (strings) -> long frame with zeros for unlisted forces."""
    problems, rows = [], []
    for i, (_, record) in enumerate(table.iterrows()):  # table has a RangeIndex
        name = clean_text(record["Authority"])
        found = _authority(name)
        if found is None:
            problems.append(
                f"{file}: row {i + 1}: authority {name!r} is no police force area, "
                "joint incident or known national body"
            )
            continue
        code, kind = found
        counts = [int(record[fy]) for fy in FINANCIAL_YEARS]
        if "Total" in record and int(record["Total"]) != sum(counts):
            problems.append(
                f"{file}: row {i + 1} ({name}): Total {record['Total']}; expected "
                f"{sum(counts)}, the sum of the years"
            )
        for k, deaths in enumerate(counts):
            rows.append((name, code, kind, 2004 + k, deaths, True))
    raise_problems(problems)
    listed = {str(r[1]) for r in rows if r[2] == "territorial"}
    duplicated = [c for c in listed if sum(1 for r in rows if r[1] == c) > len(FINANCIAL_YEARS)]
    if duplicated:
        raise DataValidationError([f"{file}: force areas listed twice: {sorted(duplicated)}"])
    for code, name in PFA_NAMES.items():
        if code not in listed:  # absent from the IOPC table = no death in any year
            rows.extend((name, code, "territorial", 2004 + k, 0, False) for k in range(16))
    frame = pd.DataFrame(
        rows, columns=["authority", "pfa_code", "authority_kind", "year_start", "deaths", "listed"]
    )
    frame["financial_year"] = [f"{y}/{(y + 1) % 100:02d}" for y in frame["year_start"]]
    frame["pfa_code"] = frame["pfa_code"].astype("str").where(frame["pfa_code"].notna())
    columns = list(IOPC_SCHEMA.columns)
    return validate(frame[columns], IOPC_SCHEMA, file)


def read_iopc_by_force(folder: Path) -> pd.DataFrame:
    """Read an IOPC deaths-by-force CSV (custody, road traffic, shootings, suicides, other).

    The five sources ``ew_iopc_*_by_force`` share this layout. Counts are deaths (people) in
    the financial year (April-March) in which the IOPC recorded them.

    Parameters
    ----------
    folder
        Folder of one of the sources (file ``fatalities.csv``).

    Returns
    -------
    pandas.DataFrame
        Long: ``authority`` (as printed; ONS name for added rows), ``pfa_code`` (missing for
        joint incidents and national bodies), ``authority_kind`` (``territorial``, ``joint``,
        ``non_territorial``), ``financial_year`` ('2004/05'), ``year_start`` (2004),
        ``deaths``, ``listed`` (False for the rows added with zero deaths: a territorial force
        absent from the file had no death in any year). Every one of the 43 police force
        areas has 16 years.

    Raises
    ------
    DataValidationError
        Unknown authority names, a Total that is not the sum of the years, a force listed twice.
    """
    path = need_file(folder, "fatalities.csv")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = ["Authority", *FINANCIAL_YEARS, "Total"]
    if list(table.columns) != expected:
        raise DataValidationError(
            [f"{path.name}: columns {list(table.columns)}; expected {expected}"]
        )
    return _iopc_long(table, path.name)


IOPC_SHEETS = {
    "custody": "Custody_By_Force",
    "rti": "RTI_By_Force",
    "shootings": "Shootings_By_Force",
    "suicides": "Apparent_suicides_By_Force",
    "other_contact": "Other_contact_by_force",
}
IopcCategory = Literal["custody", "rti", "shootings", "suicides", "other_contact"]


def read_iopc_timeseries(folder: Path, *, category: IopcCategory) -> pd.DataFrame:
    """Read the FATALITIES-by-authority table of one category from the IOPC 2019/20 ODS.

    Revision and footnote markers ('2~', '3^', '2**', '1"') are stripped from the counts and
    reported in the ``annotated`` column.

    Parameters
    ----------
    folder
        Folder of source ``ew_iopc_deaths_timeseries_2019_20``.
    category
        ``custody``, ``rti`` (road traffic), ``shootings``, ``suicides`` or ``other_contact``.

    Returns
    -------
    pandas.DataFrame
        As :func:`read_iopc_by_force`, plus ``annotated`` (bool; False on added rows).
    """
    check_option(category, IOPC_SHEETS, name="category")
    path = need_file(folder, "Time_series_tables_2019-20.ods")
    cells = _ods_cells(path, IOPC_SHEETS[category])
    titles = [i for i, row in enumerate(cells) if "FATALITIES by appropriate authority" in row[0]]
    if len(titles) != 1:
        raise DataValidationError(
            [
                f"{path.name}: sheet {IOPC_SHEETS[category]}: expected one "
                f"FATALITIES by authority table, found {len(titles)}"
            ]
        )
    header = next(i for i, row in enumerate(cells) if i > titles[0] and row[1] == "04/05")
    years = [_MARKERS.sub("", cell) for cell in cells[header][1:17]]
    if tuple(years) != FINANCIAL_YEARS:
        raise DataValidationError(
            [f"{path.name}: row {header + 1}: years {years}; expected {list(FINANCIAL_YEARS)}"]
        )
    body = []
    for row in cells[header + 1 :]:
        if row[0].startswith("Total"):
            break
        body.append(row[:18])
    table = pd.DataFrame(body, columns=["Authority", *FINANCIAL_YEARS, "Total"])
    table["Authority"] = table["Authority"].map(lambda v: _MARKERS.sub("", v).strip())
    annotated = {
        (name, f"20{fy[:2]}/{fy[3:]}")
        for name, row in zip(
            table["Authority"], table[list(FINANCIAL_YEARS)].to_numpy(), strict=True
        )
        for fy, cell in zip(FINANCIAL_YEARS, row, strict=True)
        if _MARKERS.search(cell)
    }
    table = table.map(lambda v: _MARKERS.sub("", v))
    frame = _iopc_long(table, f"{path.name}:{IOPC_SHEETS[category]}")
    keys = zip(frame["authority"], frame["financial_year"], strict=True)
    frame["annotated"] = [key in annotated for key in keys]
    return frame


def _ods_cells(path: Path, sheet: str) -> list[list[str]]:
    """Read one ODS sheet as rows of cleaned text cells ('' for empty)."""
    frame = pd.read_excel(path, sheet_name=sheet, header=None, engine="odf", dtype=object)
    return [["" if pd.isna(v) else clean_text(v) for v in row] for row in frame.to_numpy()]


# -- workforce, Taser, recorded crime, lookups ----------------------------------------------------


def _with_codes(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    codes = frame[column].map(pfa_code)
    frame.insert(0, "pfa_code", codes.astype("str").where(codes.notna()))
    return frame


def read_police_fte(folder: Path) -> pd.DataFrame:
    """Read police officer full-time equivalents by force at 31 March, 2015-2019.

    Parameters
    ----------
    folder
        Folder of source ``ew_police_fte_2015_2019``.

    Returns
    -------
    pandas.DataFrame
        ``pfa_code`` (missing for British Transport Police and Central Service Secondments),
        ``force``, ``year``, ``officers_fte``; one row per force and year. The file's repeated
        header rows are dropped, and so is the West Midlands *region* subtotal that the file
        lists under the force's name just before the region's forces.

    Raises
    ------
    DataValidationError
        A force listed twice in a year where the first row is not the subtotal of the rows
        down to the second.
    """
    path = need_file(folder, "police-workforce-fte-by-year.csv")
    raw = pd.read_csv(path, dtype=str)
    raw = raw.loc[raw["Police force"] != "Police force"]
    frame = pd.DataFrame(
        {
            "force": raw["Police force"].map(clean_text),
            "year": raw["Year"].astype(int),
            "officers_fte": raw["FTE Count"].astype(float),
        }
    )
    frame = _with_codes(frame, "force")
    _check_forces(frame, path.name)
    return _drop_region_subtotals(frame.reset_index(drop=True), path.name)


def _drop_region_subtotals(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Drop a force's first row in a year when it equals the sum of the rows after it."""
    drop, problems = [], []
    for (year, code), rows in frame[frame["pfa_code"].notna()].groupby(["year", "pfa_code"]):
        if len(rows) == 1:
            continue
        first, second = int(rows.index.min()), int(rows.index.max())
        subtotal = frame.loc[first + 1 : second, "officers_fte"].sum()
        if len(rows) > 2 or abs(frame["officers_fte"].loc[first] - subtotal) > 0.05:
            problems.append(
                f"{file}: {year}, force {code}: listed {len(rows)} times and the first row "
                "is not a subtotal of the rows after it; expected one row per force and year"
            )
        drop.append(first)
    raise_problems(problems)
    return frame.drop(index=drop).reset_index(drop=True)


def _check_forces(frame: pd.DataFrame, file: str) -> None:
    unknown = frame.loc[frame["pfa_code"].isna(), "force"].map(_normalise)
    strange = sorted(set(unknown) - NON_TERRITORIAL)
    if strange:
        raise DataValidationError([f"{file}: force names matching no force area: {strange}"])


def read_taser_use(folder: Path) -> pd.DataFrame:
    """Read police use of Taser by force and 12-month period.

    Parameters
    ----------
    folder
        Folder of source ``ew_taser_use_by_force``.

    Returns
    -------
    pandas.DataFrame
        ``pfa_code``, ``force``, ``period_end`` (date), ``total``, ``non_discharge``,
        ``discharge``, ``not_stated`` and the detailed counts (``drawn``, ``aimed``,
        ``red_dot``, ``arced``, ``drive_stun``, ``fired``, ``angled_drive_stun``); unit: uses.
    """
    path = need_file(folder, "taser-use-by-force-by-year.csv")
    raw = pd.read_csv(path)
    names = {
        "Police force": "force",
        "Total": "total",
        "Total non-discharge": "non_discharge",
        "Drawn": "drawn",
        "Aimed": "aimed",
        "Red-dot": "red_dot",
        "Arced": "arced",
        "Total discharge": "discharge",
        "Drive stun": "drive_stun",
        "Fired": "fired",
        "Angled drive stun": "angled_drive_stun",
        "Not stated": "not_stated",
        "ytd": "period_end",
    }
    frame = raw.rename(columns=names)[list(names.values())]
    frame["force"] = frame["force"].map(clean_text)
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    frame = _with_codes(frame, "force")
    _check_forces(frame, path.name)
    return frame


WORKFORCE_FILES = {
    2015: "police-workforce-tabs-30sep15.ods",
    2016: "police-workforce-tables-sep16.ods",
    2017: "police-workforce-tables-jan17.ods",
    2018: "police-workforce-sep18-tables.ods",
    2019: "police-workforce-sep19-tables.ods",
}


def read_ho_workforce(folder: Path, *, year: int) -> pd.DataFrame:
    """Read Table 1 (police officers, FTE, by force) of a Home Office workforce release.

    Parameters
    ----------
    folder
        Folder of source ``ew_ho_police_workforce_sep<year>``.
    year
        2015-2019: the release as at 30 September of that year.

    Returns
    -------
    pandas.DataFrame
        ``pfa_code``, ``force`` (footnote digits removed), ``as_at`` (date), ``officers_fte``;
        the 43 forces at the three dates of the table (regions and totals dropped; British
        Transport Police and Central Service Secondments kept with a missing code).
    """
    if year not in WORKFORCE_FILES:
        raise DataValidationError([f"workforce year {year}; known {sorted(WORKFORCE_FILES)}"])
    path = need_file(folder, WORKFORCE_FILES[year])
    sheet = pd.read_excel(path, sheet_name="Table_1", header=None, engine="odf", dtype=object)
    values = sheet.to_numpy()
    title = clean_text(values[0][0])
    if not title.startswith("Table 1: Police officers by police force area"):
        raise DataValidationError(
            [
                f"{path.name}: Table_1 title {title!r}; expected "
                "'Table 1: Police officers by police force area ...'"
            ]
        )
    date_rows = [
        i for i, row in enumerate(values) if all(isinstance(v, datetime) for v in row[1:4])
    ]
    if not date_rows:
        raise DataValidationError([f"{path.name}: Table_1 has no row of three dates"])
    start = date_rows[0]
    dates = [pd.Timestamp(v) for v in values[start][1:4]]
    # The region 'West Midlands' has the same name as the force and comes first, just above the
    # force: for a repeated name the later row (the force) replaces the earlier (the region).
    by_name: dict[str, list[dict]] = {}
    for row in values[start + 1 :]:
        name = clean_text(row[0]).rstrip("0123456789")
        code = pfa_code(name)
        if code is None and _normalise(name) not in NON_TERRITORIAL:
            continue
        by_name[name] = [
            {"pfa_code": code, "force": name, "as_at": when, "officers_fte": float(value)}
            for value, when in zip(row[1:4], dates, strict=True)
        ]
    rows = [row for group in by_name.values() for row in group]
    frame = pd.DataFrame(rows)
    found = frame["pfa_code"].dropna().nunique()
    if found != len(PFA_NAMES):
        raise DataValidationError(
            [f"{path.name}: {found} police force areas in Table_1; expected {len(PFA_NAMES)}"]
        )
    frame["pfa_code"] = frame["pfa_code"].astype("str").where(frame["pfa_code"].notna())
    return frame


def read_pfa_crime(folder: Path) -> pd.DataFrame:
    """Read Table P1 (police recorded crime by offence group, year ending December 2024).

    Parameters
    ----------
    folder
        Folder of source ``ew_pfa_crime_tables_ye2024``.

    Returns
    -------
    pandas.DataFrame
        Long: ``area_code`` (ONS code; missing for British Transport Police), ``area_name``,
        ``level`` (``country``, ``region``, ``pfa`` or ``other``), ``offence_group`` (header
        text without note references), ``offences`` (number, may be missing where suppressed).
    """
    path = need_file(folder, "policeforceareatablesyedecember2024.xlsx")
    header: list[str] = []
    rows = []
    for _, values in sheet_rows(path, "Table P1"):
        if clean_text(values[0]) == "Area Code":
            header = [re.sub(r"\s*\[note \d+\]", "", clean_text(v)) for v in values]
            continue
        if not header:
            continue
        code, name = (
            clean_text(values[0]) or None,
            re.sub(r"\s*\[note \d+\]", "", clean_text(values[1])),
        )
        for col in range(2, len(header)):
            if header[col]:
                value = values[col]
                rows.append(
                    {
                        "area_code": code,
                        "area_name": name,
                        "offence_group": header[col],
                        "offences": value if isinstance(value, int | float) else None,
                    }
                )
    if not header:
        raise DataValidationError([f"{path.name}: Table P1 has no 'Area Code' header row"])
    frame = pd.DataFrame(rows)
    frame["offences"] = frame["offences"].astype("Float64")
    frame["level"] = frame["area_code"].map(_area_level)
    return frame[["area_code", "area_name", "level", "offence_group", "offences"]]


def _area_level(code: object) -> str:
    text = str(code) if isinstance(code, str) else ""
    if text.startswith(("E23", "W15")):
        return "pfa"
    if text.startswith("E12"):
        return "region"
    if text.startswith(("K04", "E92", "W92")):
        return "country"
    return "other"


def read_lad_pfa_lookup(folder: Path) -> pd.DataFrame:
    """Read the ONS lookup of local authority districts to CSPs and police force areas (2023).

    Parameters
    ----------
    folder
        Folder of source ``ew_lad_csp_pfa_lookup_2023``.

    Returns
    -------
    pandas.DataFrame
        332 rows: ``lad_code``, ``lad_name``, ``csp_code``, ``csp_name``, ``pfa_code``,
        ``pfa_name`` (the byte-order mark of the file is removed).
    """
    path = need_file(
        folder,
        "Local_Authority_District_to_CSPs_to_Police_Force_Areas_(December__2023)_Lookup_.csv",
    )
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    frame = raw.rename(
        columns={
            "LAD23CD": "lad_code",
            "LAD23NM": "lad_name",
            "CSP23CD": "csp_code",
            "CSP23NM": "csp_name",
            "PFA23CD": "pfa_code",
            "PFA23NM": "pfa_name",
        }
    )
    frame = frame[["lad_code", "lad_name", "csp_code", "csp_name", "pfa_code", "pfa_name"]]
    bad = sorted(set(frame["pfa_code"]) - set(PFA_NAMES))
    if bad:
        raise DataValidationError([f"{path.name}: unknown PFA23CD codes {bad}"])
    return frame
