"""Boundaries: feature counts, codes, CRS, joins on codes, and the bad-input errors.

``test_real_files_geo`` checks the real boundary files (external data: the mirror, the download
cache or the network). The reading, projection, join and error logic runs on synthetic files
(``tests.synthetic.write_boundaries``): small squares carrying the real codes of each set.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError, JoinError, OptionError, UsageError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import geo
from policingstudy.data.readers.ew import PFA_NAMES
from policingstudy.data.readers.kz import KZ_CODES
from tests.synthetic import write_boundaries

COUNTS = {
    "kz_regions_2024": 20,
    "kz_regions_2018": 17,
    "ew_police_force_areas": 43,
    "de_laender": 16,
    "us_states": 52,
}
BOUNDARY_SOURCES = sorted(
    {spec.source_id for spec in geo.SPECS.values()} | set(geo.ALTERNATIVE_LAYERS)
)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic boundary files, laid out ``<source_id>/<file>``."""
    return write_boundaries(tmp_path_factory.mktemp("boundaries"))


def _read(name: geo.BoundaryName, root: Path) -> Any:
    return geo.boundaries(name, folder=root / geo.SPECS[name].source_id)


def check_counts_codes_and_crs(name: geo.BoundaryName, frame: Any) -> None:
    assert len(frame) == COUNTS[name]
    assert frame["code"].is_unique
    assert frame["name_en"].notna().all()
    assert frame.crs.equals(geo.CRS[name])
    assert not frame.crs.equals("EPSG:3857")
    assert list(frame["code"]) == sorted(frame["code"])


def check_codes_follow_the_dataset_codings(read: Any) -> None:
    kz = read("kz_regions_2024")
    assert set(kz["code"]) == set(KZ_CODES.values())
    kz18 = read("kz_regions_2018")
    assert set(kz18["code"]) == set(KZ_CODES.values()) - {"KZ-ABY", "KZ-ZHT", "KZ-ULT"}
    assert set(read("ew_police_force_areas")["code"]) == set(PFA_NAMES)
    de = read("de_laender").set_index("code")
    assert (de.loc["DE-RP", "name_en"], de.loc["DE-RP", "name_de"]) == (
        "Rhineland-Palatinate",
        "Rheinland-Pfalz",
    )
    us = read("us_states").set_index("code")
    assert us.loc["US-IL", "name_en"] == "Illinois"
    assert {"US-DC", "US-PR"} <= set(us.index)
    assert us["inset"].value_counts().to_dict() == {"conus": 49, "AK": 1, "HI": 1, "PR": 1}


def check_join_on_codes(de: Any) -> None:
    values = pd.DataFrame({"land": sorted(geo.DE_NAMES_EN), "x": range(16)})
    joined = geo.join_on_codes(de, values, "land")
    assert len(joined) == 16
    assert joined.set_index("code").loc["DE-BW", "x"] == 2  # sorted: DE-BB, DE-BE, DE-BW
    assert joined.crs == de.crs
    partial = values.iloc[1:].assign(land=lambda f: f["land"].replace("DE-TH", "DE-XX"))
    with pytest.raises(
        JoinError,
        match=r"data codes matching no boundary: \['DE-XX'\]; "
        r"boundaries without data: \['DE-BB', 'DE-TH'\]",
    ):
        geo.join_on_codes(de, partial, "land")
    twice = pd.concat([values, values.iloc[:1]])
    with pytest.raises(JoinError, match=r"codes repeated in the data: \['DE-BB'\]"):
        geo.join_on_codes(de, twice, "land")
    allowed = geo.join_on_codes(de, values.iloc[1:], "land", allow_missing={"DE-BB"})
    assert pd.isna(allowed.set_index("code").loc["DE-BB", "x"])
    with pytest.raises(JoinError, match=r"column 'code_col' not in the data"):
        geo.join_on_codes(de, values, "code_col")


def check_bad_files(root: Path, tmp_path: Path) -> None:
    data = json.loads((root / "de_laender" / "3_mittel.geo.json").read_text(encoding="utf-8"))
    data["features"] = data["features"][:15]
    (tmp_path / "3_mittel.geo.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        DataValidationError,
        match=r"3_mittel\.geo\.json: 15 features; expected 16 for de_laender",
    ):
        geo.boundaries("de_laender", folder=tmp_path)
    for path in (root / "kz_adm1_2024_geokz").iterdir():
        if path.suffix != ".dbf":
            shutil.copy(path, tmp_path / path.name)
    shutil.move(tmp_path / "kaz_admbnda_adm1_2024.shp", tmp_path / "renamed.shp")
    with pytest.raises(DataValidationError, match=r"kaz_admbnda_adm1_2024\.shp: file not found"):
        geo.boundaries("kz_regions_2024", folder=tmp_path)


@pytest.mark.mirror
def test_real_files_geo(external: Any, project_root: Path, tmp_path: Path) -> None:
    """The real boundary files: counts, codes, CRS, areas, alternative layers, joins, errors."""
    locate = external.require(*BOUNDARY_SOURCES, family="boundary files (geo)")
    paths = ProjectPaths(project_root)

    def read(name: geo.BoundaryName) -> Any:
        return geo.boundaries(name, folder=locate(geo.SPECS[name].source_id))

    for name in COUNTS:
        check_counts_codes_and_crs(name, read(name))  # type: ignore[arg-type]
    check_codes_follow_the_dataset_codings(read)
    kz = read("kz_regions_2024")
    almaty = kz.set_index("code").loc["KZ-ALA"]
    assert (almaty["name_en"], almaty["name_kk"], almaty["name_ru"]) == (
        "Almaty (city)",
        "Алматы (қала)",
        "Алматы",
    )
    # official area of Kazakhstan: 2,724,900 km2; the 1:1M boundaries agree within 1 %
    area_km2 = kz.geometry.area.sum() / 1e6
    assert area_km2 == pytest.approx(2_724_900, rel=0.01)
    mercator = kz.to_crs("EPSG:3857").geometry.area.sum() / 1e6
    assert mercator > 1.5 * area_km2
    # located through the project (cache or mirror), as the notebooks do
    de = geo.boundaries("de_laender", paths=paths, mirror=external.mirror)
    assert len(de) == 16
    for source_id, (_, count) in geo.ALTERNATIVE_LAYERS.items():
        layer = geo.read_layer(source_id, locate(source_id))
        assert len(layer) == count
        assert layer.crs.equals("EPSG:4326")
    leaflet = geo.read_layer("us_states", locate("us_states"))
    assert leaflet.total_bounds[0] < -180  # Aleutians written beyond the antimeridian
    check_join_on_codes(de)
    root = locate("de_laender").parent
    if (root / "kz_adm1_2024_geokz").is_dir():  # the cache or mirror holds both sources
        check_bad_files(root, tmp_path)


# -- synthetic boundary files -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "count"), list(COUNTS.items()))
def test_feature_counts_codes_and_crs(name: geo.BoundaryName, count: int, synthetic: Path) -> None:
    frame = _read(name, synthetic)
    assert len(frame) == count
    check_counts_codes_and_crs(name, frame)


def test_codes_follow_the_dataset_codings(synthetic: Path) -> None:
    check_codes_follow_the_dataset_codings(lambda name: _read(name, synthetic))
    kz = _read("kz_regions_2024", synthetic).set_index("code")
    assert kz.loc["KZ-ALA", ["name_en", "name_kk", "name_ru"]].tolist() == [
        "Region ALA",
        "Өңір ALA",
        "Регион ALA",
    ]  # the synthetic names, read through the shapefile's UTF-8 encoding


def test_kazakhstan_projection_is_equal_area(synthetic: Path) -> None:
    from pyproj import Geod

    kz = _read("kz_regions_2024", synthetic)
    geod = Geod(ellps="WGS84")
    on_ellipsoid = [
        abs(geod.geometry_area_perimeter(g)[0]) for g in kz.to_crs("EPSG:4326").geometry
    ]
    # the Albers projection keeps every square's true area; Web Mercator inflates the north
    assert (kz.geometry.area / on_ellipsoid).tolist() == pytest.approx([1.0] * 20, rel=1e-3)
    mercator = kz.to_crs("EPSG:3857").geometry.area / on_ellipsoid
    assert mercator.min() > 1.7


def test_alternative_layers(synthetic: Path) -> None:
    for source_id, (_, count) in geo.ALTERNATIVE_LAYERS.items():
        layer = geo.read_layer(source_id, synthetic / source_id)
        assert len(layer) == count
        assert layer.crs.equals("EPSG:4326")
    with pytest.raises(UsageError, match=r"read_layer: 'de_states' is not one of"):
        geo.read_layer("de_states", synthetic)
    data = json.loads((synthetic / "us_states" / "us-states.json").read_text(encoding="utf-8"))
    data["features"] = data["features"][:50]
    broken = synthetic.parent / "broken_layer"
    broken.mkdir(exist_ok=True)
    (broken / "us-states.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"us-states\.json: 50 features; expected 52"):
        geo.read_layer("us_states", broken)


def test_unknown_boundary_name_lists_names(synthetic: Path) -> None:
    with pytest.raises(
        OptionError,
        match=r"boundary name: expected one of \('kz_regions_2024', "
        r"'kz_regions_2018', .*'us_states'\), got 'kz_regions'",
    ):
        geo.boundaries("kz_regions", folder=synthetic)  # type: ignore[arg-type]


def test_boundaries_find_the_project_and_the_mirror_as_the_cli_does(
    synthetic: Path, project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no folder and no paths, the project is found from the working directory (as from
    a JupyterLab kernel in notebooks/) and the mirror from POLICINGSTUDY_MIRROR."""
    from policingstudy.data import sources

    calls = []

    def locate(source_id: str, *, paths: ProjectPaths, mirror: Path | None = None) -> Path:
        calls.append((source_id, paths.root, mirror))
        return synthetic / source_id

    monkeypatch.setattr(sources, "locate", locate)
    monkeypatch.chdir(project_root / "notebooks")
    monkeypatch.setenv("POLICINGSTUDY_MIRROR", str(synthetic))
    frame = geo.boundaries("de_laender")
    assert len(frame) == 16
    assert calls == [("de_laender", project_root.resolve(), synthetic.resolve())]
    with pytest.raises(UsageError, match=r"give folder= or paths= \(with mirror=\), not both"):
        geo.boundaries("de_laender", folder=synthetic, paths=ProjectPaths(project_root))


def test_bad_files_are_refused(synthetic: Path, tmp_path: Path) -> None:
    check_bad_files(synthetic, tmp_path)
    data = json.loads((synthetic / "de_laender" / "3_mittel.geo.json").read_text(encoding="utf-8"))
    data["features"][1]["properties"]["id"] = data["features"][0]["properties"]["id"]
    folder = tmp_path / "dup"
    folder.mkdir()
    (folder / "3_mittel.geo.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        DataValidationError, match=r"3_mittel\.geo\.json: duplicate codes \['DE-BW'\]"
    ):
        geo.boundaries("de_laender", folder=folder)


def test_join_on_codes(synthetic: Path) -> None:
    check_join_on_codes(_read("de_laender", synthetic))
