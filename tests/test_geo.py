"""Boundaries: feature counts, codes, CRS, joins on codes, and the bad-input errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError, JoinError, OptionError, UsageError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import geo
from policingstudy.data.readers.ew import PFA_NAMES
from policingstudy.data.readers.kz import KZ_CODES

COUNTS = {
    "kz_regions_2024": 20,
    "kz_regions_2018": 17,
    "ew_police_force_areas": 43,
    "de_laender": 16,
    "us_states": 52,
}


@pytest.mark.parametrize(("name", "count"), list(COUNTS.items()))
def test_feature_counts_codes_and_crs(
    name: str, count: int, external_dir: Path, project_root: Path
) -> None:
    frame = geo.boundaries(name, paths=ProjectPaths(project_root), mirror=external_dir)  # type: ignore[arg-type]
    assert len(frame) == count
    assert frame["code"].is_unique
    assert frame["name_en"].notna().all()
    assert frame.crs.equals(geo.CRS[name])  # type: ignore[index]
    assert not frame.crs.equals("EPSG:3857")


def test_codes_follow_the_dataset_codings(external_dir: Path, project_root: Path) -> None:
    paths = ProjectPaths(project_root)
    kz = geo.boundaries("kz_regions_2024", paths=paths, mirror=external_dir)
    assert set(kz["code"]) == set(KZ_CODES.values())
    almaty = kz.set_index("code").loc["KZ-ALA"]
    assert (almaty["name_en"], almaty["name_kk"], almaty["name_ru"]) == (
        "Almaty (city)",
        "Алматы (қала)",
        "Алматы",
    )
    kz18 = geo.boundaries("kz_regions_2018", paths=paths, mirror=external_dir)
    assert set(kz18["code"]) == set(KZ_CODES.values()) - {"KZ-ABY", "KZ-ZHT", "KZ-ULT"}
    ew = geo.boundaries("ew_police_force_areas", paths=paths, mirror=external_dir)
    assert set(ew["code"]) == set(PFA_NAMES)
    de = geo.boundaries("de_laender", paths=paths, mirror=external_dir).set_index("code")
    assert (de.loc["DE-RP", "name_en"], de.loc["DE-RP", "name_de"]) == (
        "Rhineland-Palatinate",
        "Rheinland-Pfalz",
    )
    us = geo.boundaries("us_states", paths=paths, mirror=external_dir).set_index("code")
    assert us.loc["US-IL", "name_en"] == "Illinois"
    assert {"US-DC", "US-PR"} <= set(us.index)
    assert us["inset"].value_counts().to_dict() == {"conus": 49, "AK": 1, "HI": 1, "PR": 1}


def test_kazakhstan_projection_is_equal_area(external_dir: Path, project_root: Path) -> None:
    kz = geo.boundaries("kz_regions_2024", paths=ProjectPaths(project_root), mirror=external_dir)
    area_km2 = kz.geometry.area.sum() / 1e6
    # official area of Kazakhstan: 2,724,900 km2; the 1:1M boundaries agree within 1 %
    assert area_km2 == pytest.approx(2_724_900, rel=0.01)
    mercator = kz.to_crs("EPSG:3857").geometry.area.sum() / 1e6
    assert mercator > 1.5 * area_km2


def test_alternative_layers(external_dir: Path) -> None:
    for source_id, (_, count) in geo.ALTERNATIVE_LAYERS.items():
        layer = geo.read_layer(source_id, external_dir / source_id)
        assert len(layer) == count
        assert layer.crs.equals("EPSG:4326")
    leaflet = geo.read_layer("us_states", external_dir / "us_states")
    assert leaflet.total_bounds[0] < -180  # Aleutians written beyond the antimeridian


def test_unknown_boundary_name_lists_names(external_dir: Path) -> None:
    with pytest.raises(
        OptionError,
        match=r"boundary name: expected one of \('kz_regions_2024', "
        r"'kz_regions_2018', .*'us_states'\), got 'kz_regions'",
    ):
        geo.boundaries("kz_regions", folder=external_dir)  # type: ignore[arg-type]


def test_boundaries_find_the_project_and_the_mirror_as_the_cli_does(
    external_dir: Path, project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_root / "notebooks")  # as a JupyterLab kernel would start
    frame = geo.boundaries("de_laender")
    assert len(frame) == 16
    assert frame["code"].iloc[0] == "DE-BB"
    with pytest.raises(UsageError, match=r"give folder= or paths= \(with mirror=\), not both"):
        geo.boundaries("de_laender", folder=external_dir, paths=ProjectPaths(project_root))


def test_wrong_feature_count_is_refused(external_dir: Path, tmp_path: Path) -> None:
    data = json.loads(
        (external_dir / "de_laender" / "3_mittel.geo.json").read_text(encoding="utf-8")
    )
    data["features"] = data["features"][:15]
    (tmp_path / "3_mittel.geo.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        DataValidationError,
        match=r"3_mittel\.geo\.json: 15 features; expected "
        r"16 for de_laender",
    ):
        geo.boundaries("de_laender", folder=tmp_path)


def test_missing_boundary_file_is_named(external_dir: Path, tmp_path: Path) -> None:
    for path in (external_dir / "kz_adm1_2024_geokz").iterdir():
        if path.suffix != ".dbf":
            shutil.copy(path, tmp_path / path.name)
    shutil.move(tmp_path / "kaz_admbnda_adm1_2024.shp", tmp_path / "renamed.shp")
    with pytest.raises(DataValidationError, match=r"kaz_admbnda_adm1_2024\.shp: file not found"):
        geo.boundaries("kz_regions_2024", folder=tmp_path)


def test_join_on_codes(external_dir: Path) -> None:
    de = geo.boundaries("de_laender", folder=external_dir / "de_laender")
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


@pytest.mark.parametrize("name", ["kz_regions_2024", "kz_regions_2018"])
def test_kazakh_region_names_are_corrected(
    name: str, external_dir: Path, project_root: Path
) -> None:
    # language review F8: the file has the Soviet "Чимкент" and a Latin i in "Солтүстiк"
    frame = geo.boundaries(name, paths=ProjectPaths(project_root), mirror=external_dir)  # type: ignore[arg-type]
    names = " ".join(frame["name_kk"]) + " " + " ".join(frame["name_ru"])
    assert not any("a" <= ch.lower() <= "z" for ch in names)
    assert "Чимкент" not in names
    north = frame.set_index("code").loc["KZ-SEV", "name_kk"]
    assert north.startswith("Солтүстік")  # Cyrillic і, U+0456
    if name == "kz_regions_2024":
        assert frame.set_index("code").loc["KZ-SHY", "name_ru"] == "Шымкент"
