"""Kazakhstan readers: regional crime counts (one unstated period), form 1-SNG, BNS population.

``test_real_files_kz`` checks the real files (external data: the mirror, the download cache or
the network); its expected values are cells of the source files (comb.csv,
clearance-rate-divided.csv, the 'Всего' row of sheet R1 of each regional workbook, the BNS
workbooks). The readers' logic and error paths run on synthetic files with the same layout.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.data.readers import kz
from policingstudy.data.readers import population as pop
from tests.synthetic import KZ_REGION_NAMES, sng1_rows, write_kz_crime, write_kz_sng1, write_xlsx

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


KZ_SOURCES = [
    "kz_crime_regions",
    "kz_crime_sng1_by_region",
    "kz_pop_regions_bns_2000_2023",
    "kz_pop_regions_20230101",
]


def _value(frame: pd.DataFrame, code: str, year: int) -> int:
    rows = frame.loc[(frame["code"] == code) & (frame["year"] == year), "population"]
    assert len(rows) == 1, (code, year)
    return int(rows.iloc[0])


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


@pytest.mark.mirror
def test_real_files_kz(external: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real Kazakh files: qamqor crime counts, form 1-SNG, BNS population."""
    folder = external.require(*KZ_SOURCES, family="Kazakhstan readers (qamqor, 1-SNG, BNS)")

    # -- regional crime counts (comb.csv, clearance-rate-divided.csv)
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

    # -- form 1-SNG: persons identified match the mislabelled column
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
    assert (total["persons_identified"] == row["persons_identified"]).all()
    theft = sng.loc[(sng["code"] == "KZ-ABY") & (sng["line"] == 13)].iloc[0]
    assert theft["label_ru"] == "Хищение чужого имущества,совершенное путем / кражи (ст.188 УК)"
    assert theft["registered"] == 1077

    # -- the real files with one edit: the errors name what was changed
    edited = tmp_path / "crime"
    edited.mkdir()
    for name in ("comb.csv", "clearance-rate-divided.csv"):
        shutil.copy(folder("kz_crime_regions") / name, edited / name)
    comb = edited / "comb.csv"
    original = comb.read_text()
    comb.write_text(original.replace("Ulytau region", "Ulutau district"))
    with pytest.raises(
        DataValidationError, match=r"comb\.csv: region 'Ulutau district' matches no geokz code"
    ):
        kz.read_kz_crime_regions(edited)
    comb.write_text(original.replace("Astana city,20313", "Astana city,20314"))
    with pytest.raises(
        DataValidationError,
        match=r"Astana city: crime-rate 20313; expected 20314 as in comb\.csv",
    ):
        kz.read_kz_crime_regions(edited)
    without = tmp_path / "sng1"
    without.mkdir()
    for path in folder("kz_crime_sng1_by_region").iterdir():
        if path.name != "Ulytau region.XLSX":
            shutil.copy(path, without / path.name)
    with pytest.raises(DataValidationError, match=r"no workbook for \['KZ-ULT'\]"):
        kz.read_kz_sng1(without)

    # -- BNS population series 2000-2023 (source.xlsx, sheet 'Все население')
    series_folder = folder("kz_pop_regions_bns_2000_2023")
    frame = pop.read_kz_pop_bns_2000_2023(series_folder)
    # row 21 'г. Алматы', column Y (2023)
    assert _value(frame, "KZ-ALA", 2023) == 2_161_797
    # row 17 'Туркестанская 1', columns R (2016: South Kazakhstan incl. Shymkent) and S (2017)
    assert _value(frame, "KZ-YUZ", 2016) == 2_840_871
    assert _value(frame, "KZ-YUZ", 2017) == 1_966_336
    # row 22 'г. Шымкент', column S (2017)
    assert _value(frame, "KZ-SHY", 2017) == 912_300
    assert (frame["date"] == pd.to_datetime(frame["year"].astype(str) + "-01-01")).all()
    units = frame.groupby("year")["code"].nunique()
    assert units.to_dict() == {
        **dict.fromkeys(range(2000, 2017), 16),
        **dict.fromkeys(range(2017, 2022), 17),
        **dict.fromkeys(range(2022, 2024), 20),
    }
    assert (frame.groupby("year")["layout_units"].first() == units).all()
    assert len(frame) == 397
    # row 2 'Республика Казахстан ', column Y: the units sum to the national total
    assert frame.loc[frame["year"] == 2023, "population"].sum() == 19_766_807
    assert set(frame.loc[frame["year"] == 2016, "code"]).isdisjoint({"KZ-SHY", "KZ-ABY"})

    # -- the 1 January 2023 bulletin and the combined series
    bulletin = pop.read_kz_pop_20230101(folder("kz_pop_regions_20230101"))
    # source.xlsx, sheet '01', row 25 'Алматы қаласы', column B; city_population.csv line 20
    assert _value(bulletin, "KZ-ALA", 2023) == 2_161_695
    # sheet '01', row 21 'Түркістан облысы', column B
    assert _value(bulletin, "KZ-YUZ", 2023) == 2_119_063
    assert len(bulletin) == 20
    assert bulletin["population"].sum() == 19_765_004  # sheet '01', row 6
    folders = {sid: folder(sid) for sid in KZ_SOURCES[2:]}
    assert pop.kz_population(folders).equals(frame)

    # -- the real population files with one edit
    copy = _copy(folder("kz_pop_regions_20230101"), tmp_path / "bulletin")
    path = copy / "city_population.csv"
    path.write_text(path.read_text().replace("Jetisu Region", "Jetisu Oblys"))
    with pytest.raises(DataValidationError, match=r"line 9: region 'Jetisu Oblys' unknown"):
        pop.read_kz_pop_20230101(copy)
    copy = _copy(series_folder, tmp_path / "series")
    path = copy / "kazpop.csv"
    path.write_text(
        path.read_text().replace("г. Алматы,2023,2161797.0", "г. Алматы,2023,2161798.0")
    )
    with pytest.raises(DataValidationError, match=r"kazpop.csv: line \d+: г. Алматы 2023"):
        pop.read_kz_pop_bns_2000_2023(copy)
    names = {k: v for k, v in pop.KZ_NAMES_RU.items() if k != "Жетісу"}
    monkeypatch.setattr(pop, "KZ_NAMES_RU", names)
    with pytest.raises(DataValidationError, match=r"row 10: region 'Жетісу' unknown"):
        pop.read_kz_pop_bns_2000_2023(series_folder)


# -- logic and errors on synthetic files (layout of the real ones, made-up counts) ----------------


def test_crime_regions_codes_ratios_and_shared_values(tmp_path: Path) -> None:
    offences = {name: 1000 + 10 * i for i, name in enumerate(KZ_REGION_NAMES)}
    offences["West Kazakhstan region"] = offences["Jetisu region"]  # as upstream: one value twice
    crime = kz.read_kz_crime_regions(write_kz_crime(tmp_path, offences))
    assert set(crime["code"]) == GEOKZ_2024_CODES
    row = crime.set_index("code")
    assert row.loc["KZ-AST", "offences"] == offences["Astana city"]
    assert row.loc["KZ-AST", "persons_identified"] == offences["Astana city"] // 4
    assert row.loc["KZ-AST", "persons_per_offence"] == pytest.approx(
        (offences["Astana city"] // 4) / offences["Astana city"]
    )
    assert set(crime.loc[crime["shared_value"], "code"]) == {"KZ-ZAP", "KZ-ZHT"}
    assert list(crime["code"]) == sorted(crime["code"])


def test_unknown_region_is_named(tmp_path: Path) -> None:
    write_kz_crime(tmp_path)
    comb = tmp_path / "comb.csv"
    comb.write_text(comb.read_text().replace("Ulytau region", "Ulutau district"))
    with pytest.raises(
        DataValidationError,
        match=r"comb\.csv: region 'Ulutau district' matches "
        r"no geokz code",
    ):
        kz.read_kz_crime_regions(tmp_path)


def test_inconsistent_files_are_refused(tmp_path: Path) -> None:
    write_kz_crime(tmp_path)
    comb = tmp_path / "comb.csv"
    astana = 1000 + 10 * KZ_REGION_NAMES.index("Astana city")
    comb.write_text(comb.read_text().replace(f"Astana city,{astana}", f"Astana city,{astana + 1}"))
    with pytest.raises(
        DataValidationError,
        match=rf"Astana city: crime-rate {astana}; expected "
        rf"{astana + 1} as in comb\.csv",
    ):
        kz.read_kz_crime_regions(tmp_path)
    ratio = tmp_path / "clearance-rate-divided.csv"
    comb.write_text(comb.read_text().replace(f"Astana city,{astana + 1}", f"Astana city,{astana}"))
    lines = ratio.read_text().splitlines()
    k = next(i for i, line in enumerate(lines) if ",Astana city," in line)
    lines[k] = lines[k].rsplit(",", 1)[0] + ",0.5"
    ratio.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataValidationError, match=r"Astana city: ratio 0.5; expected \d+/\d+"):
        kz.read_kz_crime_regions(tmp_path)


def test_sng1_lines_labels_and_counts(tmp_path: Path) -> None:
    sng = kz.read_kz_sng1(write_kz_sng1(tmp_path))
    assert set(sng["code"]) == GEOKZ_2024_CODES
    assert len(sng) == 20 * 3
    abay = sng.loc[sng["code"] == "KZ-ABY"].set_index("line")  # the first workbook: seed 0
    assert abay.loc[1, "label_ru"] == "Всего"
    assert abay.loc[2, "label_ru"] == "Убийство"  # column A's generic heading is left out
    assert abay.loc[3, "label_ru"] == "связанных с оборотом / оружия (ст. 287 УК)"
    assert tuple(abay.loc[1, ["registered", "completed", "persons_identified"]]) == (100, 40, 30)
    assert set(abay.columns) >= set(kz.SNG1_COLUMNS.values())


def test_sng1_errors_are_named(tmp_path: Path) -> None:
    write_kz_sng1(tmp_path / "a", [n for n in KZ_REGION_NAMES if n != "Ulytau region"])
    with pytest.raises(DataValidationError, match=r"no workbook for \['KZ-ULT'\]"):
        kz.read_kz_sng1(tmp_path / "a")
    write_kz_sng1(tmp_path / "b")
    write_xlsx(tmp_path / "b" / "Atlantis region.XLSX", {"R1": sng1_rows(0)})
    with pytest.raises(DataValidationError, match=r"Atlantis region\.XLSX: file name matches no"):
        kz.read_kz_sng1(tmp_path / "b")
    write_kz_sng1(tmp_path / "c")
    rows = sng1_rows(0)
    rows[2] = [*rows[2][:9], "Осуждено лиц"]  # column 10 is not 'Выявлено лиц'
    rows[4] = [*rows[4][:5], "н/д", *rows[4][6:]]  # not a count
    write_xlsx(tmp_path / "c" / "Abay region.XLSX", {"R1": rows})
    with pytest.raises(DataValidationError) as info:
        kz.read_kz_sng1(tmp_path / "c")
    assert info.value.problems == [
        "Abay region.XLSX: R1 row 3, column 10: found 'Осуждено лиц'; expected 'Выявлено лиц'",
        "Abay region.XLSX: R1 row 5, column 6: found 'н/д'; expected a count",
    ]
    write_kz_sng1(tmp_path / "d")
    write_xlsx(tmp_path / "d" / "Abay region.XLSX", {"R1": sng1_rows(0)[:2]})
    with pytest.raises(DataValidationError, match=r"R1 has no header row starting 'Наименование'"):
        kz.read_kz_sng1(tmp_path / "d")
