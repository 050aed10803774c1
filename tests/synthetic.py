"""Small synthetic inputs with the layout of the real external files, written to ``tmp_path``.

The readers' logic and error paths are tested on these, so those tests need neither the mirror nor
a network. The values are made up (labelled as such wherever they end up); only the layout --
file names, sheet names, header cells, columns, codes -- follows the real files, as the reader
modules document it. The checks of values in the real files are in the ``test_real_files_*``
tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

Rows = Sequence[Sequence[Any]]


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    """Write a workbook with one worksheet per entry (rows from row 1, ``None`` = empty cell)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, Rows]) -> Path:
    """Write an OpenDocument spreadsheet (odfpy through pandas), rows from row 1."""
    import pandas as pd

    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            pd.DataFrame([list(r) for r in rows]).to_excel(
                writer, sheet_name=name, header=False, index=False
            )
    return path


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8", sep: str = ",") -> Path:
    """Write rows as CSV (quoting only where needed), ``\\n`` line ends."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
        writer.writerows(rows)
    return path


def square(x: float, y: float, size: float = 1.0) -> dict[str, Any]:
    """A GeoJSON polygon: the square with lower-left corner (x, y)."""
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def squares(
    properties: Iterable[dict[str, Any]], *, origin: tuple[float, float], size: float = 1.0
):  # noqa: ANN201
    """GeoJSON features: one square per property set, in a row from ``origin``."""
    x0, y0 = origin
    return [
        {"type": "Feature", "properties": props, "geometry": square(x0 + i * size, y0, size)}
        for i, props in enumerate(properties)
    ]


def write_geojson(path: Path, features: list[dict[str, Any]]) -> Path:
    """Write a FeatureCollection (WGS84, no ``crs`` member)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return path


# -- Germany: PKS basic table by Land ------------------------------------------------------------

PKS_HEADER_2022 = [
    "Schlüssel",
    "Straftat",
    "Bundesland",
    "Anzahl erfasste Fälle",
    "HZ",
    "",
    "",
    "Aufklärung",
    "",
    "",
    "",
    "",
]


def pks_row(key: str, offence: str, land: str, cases: Any, cleared: Any, rate: Any) -> list[Any]:
    """A data row of the 2020-2023 layout (cases in column 4, cleared 8, rate 9)."""
    return [key, offence, land, cases, 1.0, "", "", cleared, rate, "", "", ""]


def pks_rows_2022(keys: Sequence[str], lands: Sequence[str]) -> list[list[Any]]:
    """Made-up counts for every key and Land, consistent with their clearance rates."""
    rows = []
    for i, key in enumerate(keys):
        for j, land in enumerate(lands):
            cases = 10 * (i + 1) + j
            cleared = cases // 2
            rows.append(pks_row(key, f"Straftat\xa0{key}", land, float(cases),
                                float(cleared), round(100 * cleared / cases, 2)))  # fmt: skip
    return rows


# -- United States: the UChicago survey -----------------------------------------------------------

SURVEY_CITIES = [
    # id, name, state, rank, population, latitude, longitude (made up except names and states)
    (1, "New York", "New York", 1, 8_400_000, 40.7, -74.0),
    (2, "Chicago", "Illinois", 2, 2_700_000, 41.9, -87.6),
    (3, "Honolulu", "Hawaii", 3, 350_000, 21.3, -157.9),
    (4, "Minneapolis", "Minnesota", 4, 400_000, 45.0, -93.3),
    (5, "Anchorage", "Alaska", 5, 300_000, 61.2, -149.9),
]
SURVEY_AGENCIES = [
    # id, name, city_id, dep_city, dep_state, established, amended, primary_role, flags
    (1, "Civilian Board A", 1, "New York", "NY", 1953, 1993, "Investigative", ("investigative",)),
    (2, "Police Board B", 2, "Chicago", "IL", 2007, None, "Review", ("review",)),
    (3, "Commission C", 3, "Honolulu", "HA", 1932, None, "Adjuticative", ("adjudicative",)),
    (4, "Review Office D", 4, "Minneapolis", "MI", None, None, "Audit", ("audit", "review")),
    (5, "Panel E", 2, "Chicago", "IL", 2016, None, None, ()),
]
SURVEY_ROLES = (
    "investigative",
    "review",
    "audit",
    "adjudicative",
    "supervisory",
    "advisory",
    "appeals",
)


def write_survey(folder: Path, *, agencies: list[dict] | None = None) -> Path:
    """``agencies.json`` and ``cities.json`` in the UChicago survey's layout (made-up content).

    The quirks of the real files are kept: the misspelt role 'Adjuticative', Honolulu's state
    'HA' and Minneapolis's 'MI', an agency without a role and agencies without a year.
    """
    folder.mkdir(parents=True, exist_ok=True)
    cities = [
        {"id": i, "name": name, "state": state, "rank": rank, "population": pop, "growth": 0.01,
         "latitude": lat, "longitude": lon}
        for i, name, state, rank, pop, lat, lon in SURVEY_CITIES
    ]  # fmt: skip
    if agencies is None:
        agencies = [
            {"id": i, "name": name, "city_id": city, "dep_city": dep_city, "dep_state": state,
             "established_year": est, "amended_year": amended, "primary_role": role,
             "description": f"Synthetic agency {i}.",
             **{r: int(r in flags) for r in SURVEY_ROLES}}
            for i, name, city, dep_city, state, est, amended, role, flags in SURVEY_AGENCIES
        ]  # fmt: skip
    (folder / "agencies.json").write_text(json.dumps(agencies, indent=1), encoding="utf-8")
    (folder / "cities.json").write_text(json.dumps(cities, indent=1), encoding="utf-8")
    return folder
