"""Cross-national readers: WGI (2024 XLSX and 2020 cp1252 CSV), V-Dem subsets, UNODC CTS.

``test_real_files_crossnational`` checks the real files (external data: the mirror, the download
cache or the network); its expected values are cells of the source files, and the WGI 2024 values
for Kazakhstan, rule of law, 2023, are those of the World Bank's release (the CSV of the same
release rounds them to -0.45 and 0.15). The readers' logic and errors run on synthetic files with
the same layout (made-up values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policingstudy.core.errors import DataValidationError
from policingstudy.data.readers import crossnational as cn
from tests.synthetic import write_csv, write_xlsx

CN_SOURCES = [
    "wgi_2024",
    "wgi_2020_long",
    "vdem_demspaces_v14_subset",
    "vdem_biodem_v16_subset",
    "vdem_biodem_v16_codebook",
    "unodc_cts_violent_sexual_crime",
    "unodc_cts_corruption_economic_crime",
]


@pytest.mark.mirror
def test_real_files_crossnational(external: Any) -> None:
    """The real WGI, V-Dem and UNODC files."""
    folder = external.require(*CN_SOURCES, family="cross-national readers (WGI, V-Dem, UNODC)")

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
    wgi = cn.read_wgi_2020_long(folder("wgi_2020_long"))
    assert len(wgi) == 26964
    assert "Côte d'Ivoire" in set(wgi["country"])
    assert "São Tomé and Principe" in set(wgi["country"])
    assert set(wgi["indicator"]) == set(cn.WGI_INDICATORS)
    row = wgi.set_index(["code", "year", "indicator"]).loc[("KAZ", 1996, "va")]
    assert row["estimate"] == pytest.approx(-0.964694976806641)
    assert row["std_error"] == pytest.approx(0.236476689577103)
    assert (row["pct_rank"], row["pct_rank_lower"], row["pct_rank_upper"]) == (18.5, 12.0, 32.5)
    raw = folder("wgi_2020_long") / "2020_Worldwide_Governance_Indicators_1996-2019.csv"
    with pytest.raises(UnicodeDecodeError):
        raw.read_bytes().decode("utf-8")
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
    violent = cn.read_unodc_cts(folder("unodc_cts_violent_sexual_crime"))
    assert len(violent) == 26114
    assert {"GBR_E_W", "GBR_S", "GBR_NI"} <= set(violent["code"])
    assert "GBR" not in set(violent["code"])
    kaz = violent.loc[violent["code"] == "KAZ"]
    assert (len(kaz), kaz["year"].min(), kaz["year"].max()) == (94, 2005, 2017)
    economic = cn.read_unodc_cts(folder("unodc_cts_corruption_economic_crime"))
    assert len(economic) == 22754
    assert set(economic["unit"]) == {"Counts", "Rate per 100,000 population"}


# -- logic and errors on synthetic files (layout of the real ones, made-up values) ----------------

WGI_HEADER = ["codeindyr", "code", "countryname", "year", "indicator", "estimate", "stddev",
              "nsource", "pctrank", "pctranklower", "pctrankupper"]  # fmt: skip


def test_wgi_2024_missing_cells_and_header(tmp_path: Path) -> None:
    rows = [
        WGI_HEADER,
        ["KAZrl2023", "KAZ", "Kazakhstan", 2023, "rl", -0.44678136706352234, 0.1536, 11, 30.2, 25.0, 35.1],
        ["ASMcc1996", "ASM", "American Samoa", 1996, "cc", "..", "..", "..", "..", "..", ".."],
    ]  # fmt: skip
    write_xlsx(tmp_path / "wgidataset.xlsx", {"Sheet1": rows})
    wgi = cn.read_wgi_2024(tmp_path)
    row = wgi.set_index(["code", "year", "indicator"]).loc[("KAZ", 2023, "rl")]
    assert row["estimate"] == pytest.approx(-0.44678136706352234, abs=1e-12)
    assert row["estimate"] != round(row["estimate"], 2)  # full precision, not rounded
    assert (row["n_sources"], row["pct_rank_lower"]) == (11, 25.0)
    missing = wgi.loc[wgi["code"] == "ASM"]
    assert missing[["estimate", "std_error", "n_sources", "pct_rank"]].isna().all().all()
    write_xlsx(tmp_path / "wgidataset.xlsx", {"Sheet1": [WGI_HEADER[:-1]]})
    with pytest.raises(DataValidationError, match=r"wgidataset.xlsx: header \['codeindyr'"):
        cn.read_wgi_2024(tmp_path)
    rows[1][5] = 4.2  # outside the standard-normal range of the schema
    write_xlsx(tmp_path / "wgidataset.xlsx", {"Sheet1": rows})
    with pytest.raises(DataValidationError, match=r"estimate"):
        cn.read_wgi_2024(tmp_path)


WGI_2020 = "2020_Worldwide_Governance_Indicators_1996-2019.csv"
WGI_2020_HEADER = ["", "Country/Territory", "Code", "Year", "Estimate", "Lower", "NumSrc", "Rank",
                   "StdErr", "Upper", "Indicator"]  # fmt: skip


def test_wgi_2020_is_cp1252_with_long_indicator_names(tmp_path: Path) -> None:
    rows = [WGI_2020_HEADER]
    for i, long_name in enumerate(cn.WGI_LONG_NAMES):
        rows.append(
            [str(i), "Côte d'Ivoire", "CIV", 1996, -0.5, 12.0, 4, 18.5, 0.23, 32.5, long_name]
        )
        rows.append([str(i + 6), "São Tomé and Principe", "STP", 1996, 0.1, 40.0, 2, 50.0, 0.3, 60.0, long_name])  # fmt: skip
    write_csv(tmp_path / WGI_2020, rows, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        (tmp_path / WGI_2020).read_bytes().decode("utf-8")
    wgi = cn.read_wgi_2020_long(tmp_path)
    assert len(wgi) == 12
    assert {"Côte d'Ivoire", "São Tomé and Principe"} == set(wgi["country"])
    assert set(wgi["indicator"]) == set(cn.WGI_INDICATORS)
    row = wgi.set_index(["code", "year", "indicator"]).loc[("CIV", 1996, "va")]
    assert (row["pct_rank"], row["pct_rank_lower"], row["pct_rank_upper"]) == (18.5, 12.0, 32.5)
    rows[1][-1] = "RuleOfLaw"
    write_csv(tmp_path / WGI_2020, rows, encoding="cp1252")
    with pytest.raises(DataValidationError, match=r"unknown indicators \['RuleOfLaw'\]"):
        cn.read_wgi_2020_long(tmp_path)


def test_vdem_subsets(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "dv_data_1968_on.csv",
        [
            ["gwcode", "year", "country_name", "country_id", "country_text_id", "v2xcl_rol", "v2x_pubcorr"],
            [705, 2020, "Kazakhstan", 121, "KAZ", 0.4, 0.7],
            [2, 2020, "United States of America", 20, "USA", 0.8, 0.2],
        ],
    )  # fmt: skip
    demspaces = cn.read_vdem_demspaces(tmp_path)
    assert list(demspaces["code"]) == ["KAZ", "USA"]
    write_csv(
        tmp_path / "vdem_variables.csv",
        [
            ["country", "year", "v2x_regime", "v2x_polyarchy", "v2xcl_dmove", "v2x_clphy", "e_migdppc"],
            ["KAZ", 2020, 1, 0.25, 0.6, 0.5, 25.4],
            ["DEU", 2020, 3, 0.9, 0.95, 0.95, ""],
        ],
    )  # fmt: skip
    biodem = cn.read_vdem_biodem(tmp_path)
    assert biodem["v2x_regime"].tolist() == [1, 3] and biodem["v2x_regime"].dtype == "Int64"
    assert list(biodem["code"]) == ["KAZ", "DEU"]
    write_csv(
        tmp_path / "vdem_variables.csv",
        [
            ["country", "year", "v2x_regime", "v2x_polyarchy", "v2xcl_dmove"],
            ["KAZ", 2020, 1, 1.25, -0.1],
        ],
    )
    with pytest.raises(DataValidationError) as info:
        cn.read_vdem_biodem(tmp_path)
    assert info.value.problems == [
        "vdem_variables.csv: column 'v2x_polyarchy': 1 values outside 0-1, e.g. 1.25",
        "vdem_variables.csv: column 'v2xcl_dmove': 1 values outside 0-1, e.g. -0.1",
    ]
    write_csv(
        tmp_path / "vdem_variables_explanations.csv",
        [["id", "full_name"], ["v2x_clphy", "Physical violence index"]],
    )
    assert cn.read_vdem_biodem_codebook(tmp_path).to_dict("records") == [
        {"id": "v2x_clphy", "full_name": "Physical violence index"}
    ]


UNODC_HEADER = ["Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension",
                "Category", "Sex", "Age", "Year", "Unit of measurement", "VALUE", "Source"]  # fmt: skip


def test_unodc_workbook(tmp_path: Path) -> None:
    rows = [
        ["UNODC Crime Trends Survey (synthetic)"],
        ["Release of 16 May 2024"],
        UNODC_HEADER,
        ["GBR_E_W", "United Kingdom (England and Wales)", "Europe", "Northern Europe",
         "Violent offences", "by type", "Serious assault", "Total", "Total", 2017, "Counts", 100, "CTS"],
        ["KAZ", "Kazakhstan", "Asia", "Central Asia", "Violent offences", "by type",
         "Serious assault", "Total", "Total", 2017, "Rate per 100,000 population", 5.5, "CTS"],
    ]  # fmt: skip
    write_xlsx(tmp_path / "data_cts_violent_and_sexual_crime.xlsx", {"data_cts": rows})
    frame = cn.read_unodc_cts(tmp_path)
    assert list(frame["code"]) == ["GBR_E_W", "KAZ"]
    assert frame["year"].tolist() == [2017, 2017] and frame["value"].tolist() == [100.0, 5.5]
    assert set(frame["unit"]) == {"Counts", "Rate per 100,000 population"}
    write_xlsx(
        tmp_path / "data_cts_violent_and_sexual_crime.xlsx",
        {"data_cts": [[], [], ["Code", *UNODC_HEADER[1:]]]},
    )
    with pytest.raises(DataValidationError, match=r"row 3 is \['Code'.*expected the Iso3_code"):
        cn.read_unodc_cts(tmp_path)


def test_unodc_folder_without_workbook(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"expected one of \['data_cts_violent"):
        cn.read_unodc_cts(tmp_path)
