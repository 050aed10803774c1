"""Readers of the de facto sources: WJP, V-Dem (vdemlite v14, OWID v13), Fariss, PTS, QoG, EU-SILC.

Expected values are cells of the mirror's files, read by hand:

- WJP: sheet 'Historical Data' of the 2025 historical data file, row 'Kazakhstan_2012-2013'
  (overall 0.46278855695087756) and 'Kazakhstan_2020' (2.3 = 0.5685667820630753; QoG jan24's
  ``wjp_pol_mil`` for Kazakhstan is the same number, which also dates that QoG release to 2020);
- vdemlite: rows KAZ/DEU 2023 of ``vdemlite.rda`` (v2cltort -0.568, v2x_rule 0.259, v2x_clphy
  0.566 and 0.975);
- OWID: ``rule-of-law-index.csv`` rows 'Kazakhstan,KAZ,1990,0.249,0.336,0.176' and
  'Russia,RUS,1985,0.171,0.239,0.111' (Kazakhstan 1985 has the same numbers as Russia);
  ``political-corruption-index.csv`` 'Kazakhstan,KAZ,2022,0.686,0.738,0.634';
- Fariss: ``HumanRightsProtectionScores_v4.01.csv`` rows 260-1989 (1.46150028804111), 255-1990
  (1.6045714047933, sd 0.312647076143291), 260-1990 (1.453768...) and 705-2019;
- PTS: ``PTS-2023.RData`` Kazakhstan 2022 PTS_A 4, Romania (code ROM) 2022 PTS_A 2;
- QoG: ``wvs_confpol`` KAZ 2.788889 (both releases), USA 2.8308969 (jan24 only);
  ``ess_trpolice`` DEU 6.645661 (jan24), 6.53 (jan25);
- EU-SILC: 'Czech Republic,2013,5.3,4.9', 'Germany,2013,5.5,6.4'.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from policingstudy.data.readers import practice as pr

Folder = Callable[[str], Path]


@pytest.fixture(scope="module")
def folder(external_dir: Path, project_root: Path) -> Folder:
    paths = ProjectPaths(project_root)
    return lambda sid: sources.locate(sid, paths=paths, mirror=external_dir)


def _row(frame: pd.DataFrame, iso3: str, year: int, measure: str) -> pd.Series:
    rows = frame[(frame["iso3"] == iso3) & (frame["year"] == year) & (frame["measure"] == measure)]
    assert len(rows) == 1, (iso3, year, measure, len(rows))
    return rows.iloc[0]


# -- WJP ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "year"),
    [("2012-2013", 2012), ("2017-2018", 2017), (2014, 2014), (2019.0, 2019), ("2025", 2025)],
)
def test_wjp_edition_labels_map_to_their_first_year(label: object, year: int) -> None:
    assert pr.wjp_edition_year(label) == year


@pytest.mark.parametrize("label", ["2012-2014", "2013/14", "", None, 2019.5, "edition"])
def test_unknown_wjp_edition_label_is_refused(label: object) -> None:
    with pytest.raises(DataValidationError, match="edition label"):
        pr.wjp_edition_year(label, where="f.xlsx: row 3")


def test_wjp_reads_every_score_of_every_edition(folder: Folder) -> None:
    wjp = pr.read_wjp_roli(folder("wjp_roli_2025"))
    assert sorted(wjp["year"].unique()) == [2012, 2014, 2015, 2016, 2017, *range(2019, 2026)]
    assert len(wjp) == 1484 * 53 - 28  # 28 blank cells left out
    assert wjp["measure"].nunique() == 53
    assert _row(wjp, "KAZ", 2012, "overall")["value"] == pytest.approx(0.46278855695087756)
    assert _row(wjp, "KAZ", 2020, "2.3")["value"] == pytest.approx(0.5685667820630753)
    assert set(wjp["uncertainty_kind"]) == {"none"}
    per_year = wjp[wjp["measure"] == "overall"].groupby("year")["iso3"].nunique()
    assert (per_year[2012], per_year[2025]) == (97, 143)


def test_qog_jan24_wjp_value_dates_that_release_to_2020(folder: Folder) -> None:
    qog = pd.read_csv(
        folder("qog_std_cs_jan24") / "qog_std_cs_jan24.csv", usecols=["ccodealp", "wjp_pol_mil"]
    )
    wjp = pr.read_wjp_roli(folder("wjp_roli_2025"))
    kaz = qog.set_index("ccodealp").loc["KAZ", "wjp_pol_mil"]
    assert kaz == pytest.approx(_row(wjp, "KAZ", 2020, "2.3")["value"], abs=1e-7)  # float32
    assert kaz != pytest.approx(_row(wjp, "KAZ", 2021, "2.3")["value"], abs=1e-6)
    assert pr.QOG_REFERENCE_YEARS["qog_std_cs_jan24"] == 2020


# -- V-Dem ----------------------------------------------------------------------------------------


def test_vdemlite_v14_values_and_scales(folder: Folder) -> None:
    vdem = pr.read_vdemlite(folder("vdemlite_v14"))
    assert set(vdem["measure"]) == set(pr.VDEMLITE_MEASURES)
    assert _row(vdem, "KAZ", 2023, "v2cltort")["value"] == pytest.approx(-0.568)
    assert _row(vdem, "KAZ", 2023, "v2x_rule")["value"] == pytest.approx(0.259)
    assert _row(vdem, "KAZ", 2023, "v2x_clphy")["value"] == pytest.approx(0.566)
    assert _row(vdem, "DEU", 2023, "v2x_clphy")["value"] == pytest.approx(0.975)
    assert vdem.loc[vdem["iso3"] == "KAZ", "year"].min() == 1990
    latent = vdem[vdem["measure"] == "v2clkill"]["value"]
    assert latent.min() < 0 < latent.max()  # not a 0-1 index
    assert set(vdem["uncertainty_kind"]) == {"none"}


def test_owid_export_drops_the_ussr_backfill_and_aggregates(folder: Folder) -> None:
    rule = pr.read_vdem_owid(folder("vdem_owid_rule_of_law_v13"))
    kaz = rule[rule["iso3"] == "KAZ"]
    assert kaz["year"].min() == 1990  # 1789-1989 copy Russia's series
    raw = pd.read_csv(folder("vdem_owid_rule_of_law_v13") / "rule-of-law-index.csv")
    kaz85 = raw[(raw["Code"] == "KAZ") & (raw["Year"] == 1985)].iloc[0, 3:].to_numpy()
    rus85 = raw[(raw["Code"] == "RUS") & (raw["Year"] == 1985)].iloc[0, 3:].to_numpy()
    assert np.array_equal(kaz85, rus85)  # the back-fill the reader drops
    assert _row(rule, "RUS", 1985, "v2x_rule")["value"] == pytest.approx(0.171)
    row = _row(rule, "KAZ", 1990, "v2x_rule")
    assert (row["value"], row["lower"], row["upper"]) == pytest.approx((0.249, 0.176, 0.336))
    assert row["uncertainty_kind"] == "interval68"
    for code in pr.SOVIET_SUCCESSORS:
        assert rule.loc[rule["iso3"] == code, "year"].min() >= 1990, code
    assert not rule["iso3"].str.startswith("OWID").any()
    assert "XKX" in set(rule["iso3"])  # OWID_KOS kept as Kosovo
    assert len(raw) - len(rule) == 5735  # aggregates, historical states, back-fill, blanks


def test_owid_corruption_interval(folder: Folder) -> None:
    corr = pr.read_vdem_owid(folder("vdem_owid_corruption_v13"))
    row = _row(corr, "KAZ", 2022, "v2x_corr")
    assert (row["value"], row["lower"], row["upper"]) == pytest.approx((0.686, 0.634, 0.738))
    assert set(corr["source_id"]) == {"vdem_owid_corruption_v13"}


# -- Fariss and PTS -------------------------------------------------------------------------------


def test_fariss_germany_cow_change_and_sd(folder: Folder) -> None:
    raw = pr.read_fariss_cow(folder("hrps_fariss_v4_01"))
    both = raw[(raw["year"] == 1990) & raw["cow"].isin([255, 260])]
    assert sorted(both["cow"]) == [255, 260]  # 1990 is in the file twice
    crosswalk = pr.qog_cow_crosswalk(folder("qog_std_cs_jan25"))
    assert crosswalk[705] == "KAZ"
    assert 260 not in crosswalk  # West Germany: handled by COW_EXCEPTIONS
    hr = pr.fariss_measures(raw, cow_iso3=crosswalk)
    deu = hr[hr["iso3"] == "DEU"].set_index("year")
    assert deu.index.is_unique
    assert deu.loc[1989, "value"] == pytest.approx(1.46150028804111)  # COW 260
    assert deu.loc[1990, "value"] == pytest.approx(1.6045714047933)  # COW 255, not 260's 1.4538
    assert deu.loc[1990, "uncertainty"] == pytest.approx(0.312647076143291)
    row = _row(hr, "KAZ", 2019, "theta")
    assert (row["value"], row["uncertainty"]) == pytest.approx(
        (-0.0602725205174614, 0.275695390889083)
    )
    assert row["uncertainty_kind"] == "sd"
    assert _row(hr, "SRB", 2018, "theta")["value"] == pytest.approx(
        raw[(raw["cow"] == 345) & (raw["year"] == 2018)]["theta_mean"].iloc[0]
    )


def test_fariss_unmatched_cow_code_is_named(folder: Folder) -> None:
    raw = pr.read_fariss_cow(folder("hrps_fariss_v4_01"))
    crosswalk = pr.qog_cow_crosswalk(folder("qog_std_cs_jan25"))
    del crosswalk[705]
    with pytest.raises(DataValidationError, match=r"COW codes without ISO3.*'705', 'Kazakhstan'"):
        pr.fariss_measures(raw, cow_iso3=crosswalk)


def test_pts_codes_and_missing_scores(folder: Folder) -> None:
    pts = pr.read_pts(folder("pts_2023"))
    assert _row(pts, "KAZ", 2022, "pts_a")["value"] == 4
    assert _row(pts, "ROU", 2022, "pts_a")["value"] == 2  # ROM in the file
    assert not pts["iso3"].isin(["ROM", "ZAR", "YUG"]).any()
    usa = pts[pts["iso3"] == "USA"]
    assert len(usa[usa["measure"] == "pts_s"]) == 1  # one State Department score for the US
    assert pts["value"].between(1, 5).all()
    assert pts.loc[pts["measure"] == "pts_h", "year"].min() == 2013


# -- surveys ----------------------------------------------------------------------------------------


def test_qog_trust_dated_by_reference_year(folder: Folder) -> None:
    jan24 = pr.read_qog_trust(folder("qog_std_cs_jan24"))
    jan25 = pr.read_qog_trust(folder("qog_std_cs_jan25"))
    assert set(jan24["year"]) == {2020} and set(jan25["year"]) == {2021}
    assert _row(jan24, "KAZ", 2020, "wvs_confpol")["value"] == pytest.approx(2.788889, abs=1e-6)
    assert _row(jan25, "KAZ", 2021, "wvs_confpol")["value"] == pytest.approx(2.788889, abs=1e-6)
    assert _row(jan24, "USA", 2020, "wvs_confpol")["value"] == pytest.approx(2.8308969)
    assert jan25[(jan25["iso3"] == "USA") & (jan25["measure"] == "wvs_confpol")].empty
    assert _row(jan24, "DEU", 2020, "ess_trpolice")["value"] == pytest.approx(6.645661, abs=1e-6)
    assert _row(jan25, "DEU", 2021, "ess_trpolice")["value"] == pytest.approx(6.53)
    assert jan24[(jan24["iso3"] == "GBR") & (jan24["measure"] == "wvs_confpol")].empty
    counts = jan24.groupby("measure").size()
    assert (counts["wvs_confpol"], counts["ess_trpolice"]) == (84, 32)


def test_eu_silc_trust(folder: Folder) -> None:
    silc = pr.read_eu_silc_trust(folder("eu_silc_trust_police_2013_owid"))
    assert len(silc) == 24 and set(silc["year"]) == {2013}
    assert _row(silc, "CZE", 2013, "trust_police")["value"] == 4.9
    assert _row(silc, "DEU", 2013, "trust_police")["value"] == 6.4
    assert "KAZ" not in set(silc["iso3"])


def test_eu_silc_unknown_country_is_named(folder: Folder, tmp_path: Path) -> None:
    src = folder("eu_silc_trust_police_2013_owid") / pr.EU_SILC_FILE
    text = src.read_text(encoding="utf-8").replace("Czech Republic", "Czechoslovakia")
    (tmp_path / pr.EU_SILC_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match="country 'Czechoslovakia' has no ISO3"):
        pr.read_eu_silc_trust(tmp_path)


# -- the assembled table, the catalogue and damaged files ---------------------------------------------


def test_every_measure_read_is_in_the_catalogue(folder: Folder) -> None:
    frame = pr.read_practice_measures({sid: folder(sid) for sid in pr.PRACTICE_SOURCES})
    pairs = set(zip(frame["source_id"], frame["measure"], strict=True))
    catalogue = pr.measure_catalogue()
    known = set(zip(catalogue["source_id"], catalogue["measure"], strict=True))
    assert pairs == known
    assert set(frame["source_id"]) == set(pr.PRACTICE_SOURCES)
    kinds = frame.groupby("source_id")["uncertainty_kind"].unique().map(set)
    assert kinds["hrps_fariss_v4_01"] == {"sd"} and kinds["wgi_2024"] == {"se"}
    assert kinds["vdem_owid_rule_of_law_v13"] == {"interval68"}
    assert kinds["wjp_roli_2025"] == kinds["pts_2023"] == {"none"}


def test_value_off_its_scale_is_refused() -> None:
    frame = pd.DataFrame({"iso3": ["KAZ"], "year": [2020], "measure": ["overall"], "value": [1.2]})
    with pytest.raises(DataValidationError, match=r"x\.xlsx: row 1.*published scale"):
        pr._finish(frame, "wjp_roli_2025", "x.xlsx")


def _damaged(src: Path, target: Path, *, keep: float) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    data = src.read_bytes()
    (target / src.name).write_bytes(data[: int(len(data) * keep)])
    return target


@pytest.mark.parametrize(
    ("source_id", "file", "reader"),
    [
        ("vdemlite_v14", "vdemlite.rda", pr.read_vdemlite),
        ("pts_2023", "PTS-2023.RData", pr.read_pts),
        ("wjp_roli_2025", pr.WJP_FILE, pr.read_wjp_roli),
        ("hrps_fariss_v4_01", pr.FARISS_FILE, pr.read_fariss_cow),
        ("vdem_owid_rule_of_law_v13", "rule-of-law-index.csv", pr.read_vdem_owid),
        ("qog_std_cs_jan25", "qog_std_cs_jan25.csv", pr.read_qog_trust),
    ],
)
def test_truncated_file_is_refused_with_its_name(
    folder: Folder, tmp_path: Path, source_id: str, file: str, reader: Callable[[Path], object]
) -> None:
    damaged = _damaged(folder(source_id) / file, tmp_path / source_id, keep=0.5)
    with pytest.raises(DataValidationError, match=file.replace(".", r"\.")):
        reader(damaged)


def test_garbage_r_file_is_refused_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "PTS-2023.RData").write_bytes(b"RDX3\nnot really R data" * 10)
    with pytest.raises(DataValidationError, match=r"PTS-2023\.RData: cannot be read as an R data"):
        pr.read_pts(tmp_path)


def test_missing_file_lists_the_folder(tmp_path: Path, folder: Folder) -> None:
    shutil.copy(folder("pts_2023") / "Release-Notes-2023.txt", tmp_path)
    with pytest.raises(
        DataValidationError, match=r"PTS-2023\.RData: file not found.*Release-Notes"
    ):
        pr.read_pts(tmp_path)
