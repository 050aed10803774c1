"""Boundaries of the four jurisdictions, one projected CRS per map, and joins on codes.

:func:`boundaries` returns a GeoDataFrame with a ``code`` column in the coding of the dataset's
``subunit_code`` (Kazakhstan: geokz ISO 3166-2 codes such as ``KZ-ALA``; England and Wales: ONS
PFA23CD such as ``E23000001``; Germany: ``DE-RP``; United States: ``US-IL``), names in
``name_en`` (plus ``name_kk`` and ``name_ru`` for Kazakhstan, ``name_de`` for Germany) and
geometries projected to the CRS chosen for that region (:data:`CRS`):

* Kazakhstan: an Albers equal-area conic centred on the country (central meridian 67 E,
  standard parallels 43 N and 53 N, i.e. at one sixth and five sixths of the 40.6-55.4 N
  extent; WGS84). Equal-area because the maps compare regions by counts; Web Mercator would
  inflate the northern regions by a third relative to the southern ones.
* England and Wales: British National Grid (EPSG:27700).
* Germany: ETRS89 / UTM zone 32N (EPSG:25832), the official grid of most Länder.
* United States: CONUS Albers (EPSG:5070) for all 52 units. Alaska, Hawaii and Puerto Rico are
  flagged in the ``inset`` column (``AK``, ``HI``, ``PR``; ``conus`` otherwise); the maps draw
  them in inset axes re-projected to :data:`INSET_CRS` (Alaska Albers EPSG:3338, a Hawaii
  Albers, and EPSG:32161 for Puerto Rico). The Census file's Aleutians cross the antimeridian
  (longitudes up to +179.8); both Albers projections handle that without splitting.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import pandas as pd

from policingstudy.core.errors import DataValidationError, JoinError, UsageError
from policingstudy.core.types import check_option
from policingstudy.data.readers._common import need_file

if TYPE_CHECKING:
    import geopandas as gpd

    from policingstudy.core.paths import ProjectPaths

BoundaryName = Literal[
    "kz_regions_2024", "kz_regions_2018", "ew_police_force_areas", "de_laender", "us_states"
]
BOUNDARY_NAMES: tuple[BoundaryName, ...] = get_args(BoundaryName)

KZ_ALBERS = (
    "+proj=aea +lat_0=48 +lon_0=67 +lat_1=43 +lat_2=53 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)
CRS: dict[BoundaryName, str] = {
    "kz_regions_2024": KZ_ALBERS,
    "kz_regions_2018": KZ_ALBERS,
    "ew_police_force_areas": "EPSG:27700",
    "de_laender": "EPSG:25832",
    "us_states": "EPSG:5070",
}
INSET_CRS = {
    "AK": "EPSG:3338",
    "HI": "+proj=aea +lat_0=13 +lon_0=-157 +lat_1=8 +lat_2=18 +x_0=0 +y_0=0 +datum=NAD83 "
    "+units=m +no_defs",
    "PR": "EPSG:32161",
}

DE_NAMES_EN = {
    "DE-BW": "Baden-Württemberg",
    "DE-BY": "Bavaria",
    "DE-BE": "Berlin",
    "DE-BB": "Brandenburg",
    "DE-HB": "Bremen",
    "DE-HH": "Hamburg",
    "DE-HE": "Hesse",
    "DE-MV": "Mecklenburg-Western Pomerania",
    "DE-NI": "Lower Saxony",
    "DE-NW": "North Rhine-Westphalia",
    "DE-RP": "Rhineland-Palatinate",
    "DE-SL": "Saarland",
    "DE-SN": "Saxony",
    "DE-ST": "Saxony-Anhalt",
    "DE-SH": "Schleswig-Holstein",
    "DE-TH": "Thuringia",
}


@dataclass(frozen=True)
class BoundarySpec:
    """Where a boundary set comes from and how many units it must have."""

    source_id: str
    file: str
    count: int


SPECS: dict[BoundaryName, BoundarySpec] = {
    "kz_regions_2024": BoundarySpec("kz_adm1_2024_geokz", "kaz_admbnda_adm1_2024.shp", 20),
    "kz_regions_2018": BoundarySpec("kz_adm1_2018_geokz", "kaz_admbnda_adm1_2018.shp", 17),
    "ew_police_force_areas": BoundarySpec("ew_pfa_2023", "Police_Force_Areas.geojson", 43),
    "de_laender": BoundarySpec("de_laender", "3_mittel.geo.json", 16),
    "us_states": BoundarySpec("us_states_census2010_20m", "gz_2010_us_040_00_20m.json", 52),
}
# Boundary files kept as alternatives or cross-checks: source id -> (file, features).
ALTERNATIVE_LAYERS = {
    "kz_adm1_codab2023": ("kaz_admbnda_adm1_unhcr_2023.shp", 20),
    "kz_adm1_codab2023_simplified": ("kz_adm1_2024.json", 20),
    "us_states": ("us-states.json", 52),
    "de_laender": ("4_niedrig.geo.json", 16),
}


def boundaries(
    name: BoundaryName,
    *,
    folder: Path | None = None,
    paths: ProjectPaths | None = None,
    mirror: Path | None = None,
) -> gpd.GeoDataFrame:
    """Return one boundary set with codes, names and its projected CRS.

    Parameters
    ----------
    name
        ``kz_regions_2024`` (20 units), ``kz_regions_2018`` (17), ``ew_police_force_areas``
        (43), ``de_laender`` (16) or ``us_states`` (50 states, DC and Puerto Rico: 52).
    folder
        The folder holding the source's files (e.g. from
        :func:`policingstudy.data.sources.locate`).
    paths, mirror
        Otherwise the files are located with :func:`policingstudy.data.sources.locate` in the
        project ``paths`` (default: found from the working directory, as the CLI does) and the
        ``mirror`` (default: ``POLICINGSTUDY_MIRROR``).

    Returns
    -------
    geopandas.GeoDataFrame
        Sorted by ``code``: ``code``, ``name_en``, set-specific columns (``name_kk``,
        ``name_ru``, ``kato`` for Kazakhstan; ``name_de`` for Germany; ``fips``, ``usps`` and
        ``inset`` for the United States) and ``geometry``, in :data:`CRS` ``[name]``.

    Raises
    ------
    OptionError
        Unknown ``name`` (lists the names).
    UsageError
        Both ``folder`` and ``paths`` given.
    DataValidationError
        The file does not have the expected number of units or has duplicate codes.
    """
    check_option(name, BOUNDARY_NAMES, name="boundary name")
    spec = SPECS[name]
    if folder is not None and paths is not None:
        raise UsageError("boundaries(): give folder= or paths= (with mirror=), not both")
    if folder is None:
        from policingstudy.core.paths import ProjectPaths, mirror_from_env
        from policingstudy.data.sources import locate

        paths = paths if paths is not None else ProjectPaths.discover()
        mirror = mirror if mirror is not None else mirror_from_env()
        folder = locate(spec.source_id, paths=paths, mirror=mirror)
    raw = _read(need_file(folder, spec.file))
    frame = _shape(name, raw)
    problems = []
    if len(frame) != spec.count:
        problems.append(f"{spec.file}: {len(frame)} features; expected {spec.count} for {name}")
    duplicated = sorted(frame.loc[frame["code"].duplicated(), "code"])
    if duplicated:
        problems.append(f"{spec.file}: duplicate codes {duplicated}")
    if problems:
        raise DataValidationError(problems)
    return frame.to_crs(CRS[name]).sort_values("code").reset_index(drop=True)


def _read(path: Path) -> gpd.GeoDataFrame:
    import geopandas as gpd

    frame = gpd.read_file(path)
    if frame.crs is None:  # GeoJSON without a crs member is WGS84 by the standard
        frame = frame.set_crs("EPSG:4326")
    return frame


def _shape(name: BoundaryName, raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if name.startswith("kz_"):
        columns = {
            "ISO_3166_2": "code",
            "ADM1_EN": "name_en",
            "ADM1_KK": "name_kk",
            "ADM1_RU": "name_ru",
            "KATO": "kato",
        }
        data = raw.rename(columns=columns)[[*columns.values(), "geometry"]]
        data = _correct_kz_names(data)
    elif name == "ew_police_force_areas":
        data = raw.rename(columns={"PFA23CD": "code", "PFA23NM": "name_en"})
        data = data[["code", "name_en", "geometry"]]
    elif name == "de_laender":
        data = raw.rename(columns={"id": "code", "name": "name_de"})
        data["name_en"] = data["code"].map(DE_NAMES_EN)
        data = data[["code", "name_en", "name_de", "geometry"]]
    else:
        from policingstudy.data.readers.us import STATE_BY_FIPS

        usps = raw["STATE"].map(STATE_BY_FIPS)
        data = gpd.GeoDataFrame(
            {
                "code": "US-" + usps,
                "name_en": raw["NAME"],
                "fips": raw["STATE"],
                "usps": usps,
                "inset": usps.where(usps.isin(list(INSET_CRS)), "conus"),
            },
            geometry=raw.geometry,
            crs=raw.crs,
        )
    missing = data[["code", "name_en"]].isna().any(axis=1)
    if missing.any():
        raise DataValidationError(
            [f"{name}: {int(missing.sum())} features without code or English name"]
        )
    return data


# Corrections of the Kazakh boundary file's names (kk/ru language review 2026-12, item F8). The
# file gives the Soviet Russian name Чимкент for the city whose official name is Шымкент, and
# writes Солтүстiк with a Latin i (U+0069) inside a Cyrillic word, which breaks search and
# screen readers; Kazakh uses the Cyrillic і (U+0456).
KZ_NAMES_RU = {"Чимкент": "Шымкент"}
LATIN_TO_KAZAKH = str.maketrans({"i": "\u0456", "I": "\u0406"})


def _correct_kz_names(data: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Apply :data:`KZ_NAMES_RU` and replace Latin i/I in Kazakh names by Cyrillic і/І."""
    return data.assign(
        name_ru=data["name_ru"].replace(KZ_NAMES_RU),
        name_kk=data["name_kk"].map(lambda n: n.translate(LATIN_TO_KAZAKH)),
    )


def read_layer(source_id: str, folder: Path) -> gpd.GeoDataFrame:
    """Read an alternative boundary file (:data:`ALTERNATIVE_LAYERS`) as published, in WGS84.

    Kept for cross-checks: the OCHA COD-AB Kazakhstan sets (codes KAZ001..KAZ020, no ISO codes)
    and the Leaflet US states file (Aleutians written beyond -180 degrees).
    """
    if source_id not in ALTERNATIVE_LAYERS:
        raise UsageError(f"read_layer: {source_id!r} is not one of {sorted(ALTERNATIVE_LAYERS)}")
    file, count = ALTERNATIVE_LAYERS[source_id]
    frame = _read(need_file(folder, file))
    if len(frame) != count:
        raise DataValidationError([f"{file}: {len(frame)} features; expected {count}"])
    return frame.to_crs("EPSG:4326")


def join_on_codes(
    gdf: gpd.GeoDataFrame,
    frame: pd.DataFrame,
    code_col: str,
    *,
    allow_missing: Collection[str] = (),
) -> gpd.GeoDataFrame:
    """Attach ``frame`` to the boundaries by code, refusing joins that leave units unmatched.

    Parameters
    ----------
    gdf
        Boundaries from :func:`boundaries` (column ``code``).
    frame
        Data with one row per unit.
    code_col
        The column of ``frame`` holding the codes.
    allow_missing
        Boundary codes that may lack data (kept with missing values), e.g. an area with no PCC.

    Returns
    -------
    geopandas.GeoDataFrame
        The boundaries with the columns of ``frame`` (``code_col`` dropped when it differs from
        ``code``), in the boundaries' order and CRS.

    Raises
    ------
    JoinError
        Listing the data codes that match no boundary, the boundary codes without data (unless
        allowed) and duplicated data codes.
    """
    if code_col not in frame.columns:
        raise JoinError(
            f"join_on_codes: column {code_col!r} not in the data; columns: {list(frame.columns)}"
        )
    codes = frame[code_col].astype(str)
    problems = []
    duplicated = sorted(set(codes[codes.duplicated()]))
    if duplicated:
        problems.append(f"codes repeated in the data: {duplicated}")
    unknown = sorted(set(codes) - set(gdf["code"]))
    if unknown:
        problems.append(f"data codes matching no boundary: {unknown}")
    without = sorted(set(gdf["code"]) - set(codes) - set(allow_missing))
    if without:
        problems.append(f"boundaries without data: {without}")
    if problems:
        raise JoinError("join on codes failed: " + "; ".join(problems))
    data = frame.rename(columns={code_col: "code"}) if code_col != "code" else frame
    data = data.assign(code=codes.to_numpy())
    return gdf.merge(data, on="code", how="left", validate="one_to_one")
