"""Cross-national readers: WGI (2024 XLSX and 2020 cp1252 CSV), V-Dem subsets, UNODC CTS.

Expected values are cells of the source files; the WGI 2024 values for Kazakhstan, rule of law,
2023, are those of the World Bank's release (the CSV of the same release rounds them to -0.45
and 0.15).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from policingstudy.data.readers import crossnational as cn

Folder = Callable[[str], Path]


@pytest.fixture(scope="module")
def folder(external_dir: Path, project_root: Path) -> Folder:
    paths = ProjectPaths(project_root)
    return lambda sid: sources.locate(sid, paths=paths, mirror=external_dir)


def test_wgi_2024_full_precision_estimates_and_errors(folder: Folder) -> None:
    wgi = cn.read_wgi_2024(folder("wgi_2024"))
    assert len(wgi) == 32100
    assert wgi["code"].nunique() == 214
    assert sorted(wgi["year"].unique())[:4] == [1996, 1998, 2000, 2002]
    row = wgi.set_index(["code", "year", "indicator"]).loc[("KAZ", 2023, "rl")]
    assert row["estimate"] == pytest.approx(-0.44678136706352234, abs=1e-12)
    assert row["std_error"] == pytest.approx(0.15361973643302917, abs=1e-12)
    assert row["estimate"] != round(row["estimate"], 2)  # not the rounded CSV
    assert (row["n_sources"], row["pct_rank_lower"]) == (11, 25.0)
    missing = wgi.loc[(wgi["code"] == "ASM") & (wgi["year"] == 1996) & (wgi["indicator"] == "cc")]
    assert missing["estimate"].isna().all()  # '..' in the file
    assert wgi["estimate"].isna().sum() == 1126


def test_wgi_2020_is_cp1252_with_long_indicator_names(folder: Folder) -> None:
    wgi = cn.read_wgi_2020_long(folder("wgi_2020_long"))
    assert len(wgi) == 26964
    assert "Côte d'Ivoire" in set(wgi["country"])
    assert "São Tomé and Principe" in set(wgi["country"])
    assert set(wgi["indicator"]) == set(cn.WGI_INDICATORS)
    row = wgi.set_index(["code", "year", "indicator"]).loc[("KAZ", 1996, "va")]
    assert row["estimate"] == pytest.approx(-0.964694976806641)
    assert row["std_error"] == pytest.approx(0.236476689577103)
    assert (row["pct_rank"], row["pct_rank_lower"], row["pct_rank_upper"]) == (18.5, 12.0, 32.5)


def test_wgi_2020_read_as_utf8_would_fail(folder: Folder) -> None:
    raw = folder("wgi_2020_long") / "2020_Worldwide_Governance_Indicators_1996-2019.csv"
    with pytest.raises(UnicodeDecodeError):
        raw.read_bytes().decode("utf-8")


def test_vdem_subsets(folder: Folder) -> None:
    demspaces = cn.read_vdem_demspaces(folder("vdem_demspaces_v14_subset"))
    assert len(demspaces) == 8796
    assert {"KAZ", "GBR", "USA", "DEU"} <= set(demspaces["code"])
    assert "v2xcl_rol" in demspaces and "v2x_rule" not in demspaces
    biodem = cn.read_vdem_biodem(folder("vdem_biodem_v16_subset"))
    assert len(biodem) == 10789
    assert set(biodem["v2x_regime"].dropna()) == {0, 1, 2, 3}
    assert "v2x_clphy" in biodem and "v2clkill" not in biodem
    codebook = cn.read_vdem_biodem_codebook(folder("vdem_biodem_v16_codebook"))
    assert len(codebook) == 11
    assert "v2x_clphy" in set(codebook["id"])


def test_unodc_splits_the_united_kingdom(folder: Folder) -> None:
    violent = cn.read_unodc_cts(folder("unodc_cts_violent_sexual_crime"))
    assert len(violent) == 26114
    assert {"GBR_E_W", "GBR_S", "GBR_NI"} <= set(violent["code"])
    assert "GBR" not in set(violent["code"])
    kaz = violent.loc[violent["code"] == "KAZ"]
    assert (len(kaz), kaz["year"].min(), kaz["year"].max()) == (94, 2005, 2017)
    economic = cn.read_unodc_cts(folder("unodc_cts_corruption_economic_crime"))
    assert len(economic) == 22754
    assert set(economic["unit"]) == {"Counts", "Rate per 100,000 population"}


def test_unodc_folder_without_workbook(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"expected one of \['data_cts_violent"):
        cn.read_unodc_cts(tmp_path)
