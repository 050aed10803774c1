"""Kazakhstan readers: regional crime counts (one unstated period) and form 1-SNG.

Expected values are cells of the source files (comb.csv, clearance-rate-divided.csv and the
'Всего' row of sheet R1 of each regional workbook).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from policingstudy.data.readers import kz

Folder = Callable[[str], Path]
GEOKZ_2024_CODES = {
    "KZ-ABY",
    "KZ-AKM",
    "KZ-AKT",
    "KZ-ALM",
    "KZ-ATY",
    "KZ-ZAP",
    "KZ-ZHA",
    "KZ-ZHT",
    "KZ-KAR",
    "KZ-KUS",
    "KZ-KZY",
    "KZ-MAN",
    "KZ-PAV",
    "KZ-SEV",
    "KZ-YUZ",
    "KZ-ULT",
    "KZ-VOS",
    "KZ-AST",
    "KZ-ALA",
    "KZ-SHY",
}


@pytest.fixture(scope="module")
def folder(external_dir: Path, project_root: Path) -> Folder:
    paths = ProjectPaths(project_root)
    return lambda sid: sources.locate(sid, paths=paths, mirror=external_dir)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Almaty city", "KZ-ALA"),
        ("Almaty region", "KZ-ALM"),
        ("Almaty Region", "KZ-ALM"),
        ("Jetisu Region", "KZ-ZHT"),
        ("Zhetysu", "KZ-ZHT"),
        ("Turkistan region", "KZ-YUZ"),
        ("Abai Region", "KZ-ABY"),
        ("Mangystau Region", "KZ-MAN"),
        ("Astana city", "KZ-AST"),
        ("Atlantis region", None),
    ],
)
def test_region_names_map_to_geokz_codes(name: str, code: str | None) -> None:
    assert kz.kz_region_code(name) == code


def test_crime_regions(folder: Folder) -> None:
    crime = kz.read_kz_crime_regions(folder("kz_crime_regions"))
    assert set(crime["code"]) == GEOKZ_2024_CODES
    row = crime.set_index("code")
    assert row.loc["KZ-AST", "offences"] == 20313
    assert row.loc["KZ-ALA", "offences"] == 39928
    # the column mislabelled 'clearance-rate' holds persons identified (Abay: 503)
    assert row.loc["KZ-ABY", "persons_identified"] == 503
    assert row.loc["KZ-ABY", "persons_per_offence"] == pytest.approx(503 / 2537)
    assert crime["offences"].sum() == 176_746  # sum of the 20 Value cells of comb.csv
    assert set(crime.loc[crime["shared_value"], "code"]) == {"KZ-ZAP", "KZ-ZHT"}
    assert row.loc["KZ-ZAP", "offences"] == row.loc["KZ-ZHT", "offences"] == 2306


def test_sng1_persons_identified_match_the_mislabelled_column(folder: Folder) -> None:
    sng = kz.read_kz_sng1(folder("kz_crime_sng1_by_region"))
    assert set(sng["code"]) == GEOKZ_2024_CODES
    assert len(sng) == 20 * 32
    total = sng.loc[sng["line"] == 1].set_index("code")
    assert (total["label_ru"] == "Всего").all()
    assert tuple(total.loc["KZ-ABY", ["registered", "completed", "persons_identified"]]) == (
        2227,
        534,
        503,
    )
    crime = kz.read_kz_crime_regions(folder("kz_crime_regions")).set_index("code")
    assert (total["persons_identified"] == crime["persons_identified"]).all()
    theft = sng.loc[(sng["code"] == "KZ-ABY") & (sng["line"] == 13)].iloc[0]
    assert theft["label_ru"] == "Хищение чужого имущества,совершенное путем / кражи (ст.188 УК)"
    assert theft["registered"] == 1077


def test_unknown_region_is_named(folder: Folder, tmp_path: Path) -> None:
    for name in ("comb.csv", "clearance-rate-divided.csv"):
        shutil.copy(folder("kz_crime_regions") / name, tmp_path / name)
    comb = tmp_path / "comb.csv"
    comb.write_text(comb.read_text().replace("Ulytau region", "Ulutau district"))
    with pytest.raises(
        DataValidationError,
        match=r"comb\.csv: region 'Ulutau district' matches "
        r"no geokz code",
    ):
        kz.read_kz_crime_regions(tmp_path)


def test_inconsistent_files_are_refused(folder: Folder, tmp_path: Path) -> None:
    for name in ("comb.csv", "clearance-rate-divided.csv"):
        shutil.copy(folder("kz_crime_regions") / name, tmp_path / name)
    comb = tmp_path / "comb.csv"
    comb.write_text(comb.read_text().replace("Astana city,20313", "Astana city,20314"))
    with pytest.raises(
        DataValidationError,
        match=r"Astana city: crime-rate 20313; expected "
        r"20314 as in comb\.csv",
    ):
        kz.read_kz_crime_regions(tmp_path)


def test_sng1_missing_region_workbook(folder: Folder, tmp_path: Path) -> None:
    for path in folder("kz_crime_sng1_by_region").iterdir():
        if path.name != "Ulytau region.XLSX":
            shutil.copy(path, tmp_path / path.name)
    with pytest.raises(DataValidationError, match=r"no workbook for \['KZ-ULT'\]"):
        kz.read_kz_sng1(tmp_path)
