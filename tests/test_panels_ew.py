"""England & Wales deaths panel, WGI cross-national panel and their report functions."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import PanelError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from policingstudy.data.readers.crossnational import read_wgi_2024
from policingstudy.data.readers.ew import read_iopc_by_force, read_police_fte
from policingstudy.i18n import t
from policingstudy.report.numbers import Numbers
from policingstudy.report.views import evidence_ew
from policingstudy.studies.adoption_ew import before_after, deaths_by_year, ew_deaths_panel
from policingstudy.studies.crossnational import kz_reform_events, wgi_change, wgi_panel

YEARS = (2010, 2011, 2012, 2013)
# deaths by force and year: A, B treated from 2012; M (comparison)
DEATHS = {"A": [1, 2, 4, 5], "B": [2, 2, 3, 3], "M": [5, 6, 6, 8]}


def _iopc(deaths: dict[str, list[int]] = DEATHS, extra: int = 3) -> pd.DataFrame:
    rows = [
        {"pfa_code": code, "authority_kind": "territorial", "year_start": y, "deaths": d}
        for code, values in deaths.items()
        for y, d in zip(YEARS, values, strict=True)
    ]
    rows.append({"pfa_code": None, "authority_kind": "joint", "year_start": 2011, "deaths": extra})
    return pd.DataFrame(rows)


def _panel(**kwargs: object):  # type: ignore[no-untyped-def]
    half = {k: [v // 2 for v in vals] for k, vals in DEATHS.items()}
    rest = {k: [v - h for v, h in zip(DEATHS[k], half[k], strict=True)] for k in DEATHS}
    frames = {"custody": _iopc(half, extra=1), "other": _iopc(rest, extra=2)}
    return ew_deaths_panel(frames, years=YEARS, pcc_start=2012, comparison=("M",), **kwargs)


def test_panel_sums_categories_and_counts_dropped_deaths() -> None:
    panel = _panel()
    assert (panel.n_units, panel.n_obs) == (3, 12)
    assert panel.deaths_dropped == {"custody": 1, "other": 2}
    got = panel.data.set_index(["pfa_code", "year"])["deaths"]
    assert got[("A", 2013)] == 5 and got[("M", 2011)] == 6
    treated = panel.data.set_index(["pfa_code", "year"])["treated"]
    assert treated[("A", 2012)] == 1 and treated[("A", 2011)] == 0
    assert treated[("M", 2013)] == 0


def test_before_after_and_deaths_by_year_by_hand() -> None:
    panel = _panel()
    # PCC forces: before mean (1+2+2+2)/4 = 1.75, after (4+5+3+3)/4 = 3.75, change 2.0
    # comparison: before 5.5, after 7.0, change 1.5 -> DiD 0.5
    table = before_after(panel)
    assert table.loc["pcc_forces", "change"] == pytest.approx(2.0)
    assert table.loc["comparison", "change"] == pytest.approx(1.5)
    by_year = deaths_by_year(panel)
    assert list(by_year["pcc_forces"]) == [3, 4, 7, 8]
    assert list(by_year["comparison"]) == [5, 6, 6, 8]
    assert by_year["financial_year"].iloc[0] == "2010/11"


def test_fte_rate_computed_and_duplicates_refused() -> None:
    fte = pd.DataFrame(
        {
            "pfa_code": ["B", "A", "M", None],
            "force": ["B", "A", "M", "BTP"],
            "year": [2013] * 4,
            "officers_fte": [100.0, 200.0, 500.0, 50.0],
        }
    )
    panel = _panel(fte=fte)
    row = panel.data.set_index(["pfa_code", "year"]).loc[("A", 2013)]
    assert row["officers_fte"] == 200.0
    assert row["deaths_per_1000_fte"] == pytest.approx(25.0)
    with pytest.raises(PanelError, match="listed twice in a year"):
        _panel(fte=pd.concat([fte, fte.iloc[[1]]]))


def test_bad_inputs_get_named_errors() -> None:
    short = {k: v for k, v in DEATHS.items()}
    frame = _iopc(short)
    with pytest.raises(PanelError, match=r"force area\(s\) \['B'\] lack some year"):
        ew_deaths_panel({"x": frame.drop(index=5)}, years=YEARS, pcc_start=2012, comparison=("M",))
    with pytest.raises(PanelError, match="force A year 2010 listed more than once"):
        ew_deaths_panel(
            {"x": pd.concat([frame, frame.iloc[[0]]])},
            years=YEARS,
            pcc_start=2012,
            comparison=("M",),
        )
    with pytest.raises(PanelError, match=r"comparison: unit\(s\) \['Z'\]"):
        ew_deaths_panel({"x": frame}, years=YEARS, pcc_start=2012, comparison=("Z",))
    with pytest.raises(PanelError, match="pcc_start: found 2010"):
        ew_deaths_panel({"x": frame}, years=YEARS, pcc_start=2010, comparison=("M",))
    with pytest.raises(PanelError, match=r"columns \['deaths'\] missing"):
        ew_deaths_panel(
            {"x": frame.drop(columns="deaths")}, years=YEARS, pcc_start=2012, comparison=("M",)
        )


def _wgi() -> pd.DataFrame:
    rows = []
    for code, base in (("KAZ", -1.0), ("DEU", 1.5), ("XXX", 0.0)):
        for year, shift in ((1996, 0.0), (2023, 0.5)):
            est = base + shift if code == "KAZ" else base
            rows.append(
                {"code": code, "year": year, "indicator": "rl", "estimate": est, "std_error": 0.3}
            )
    return pd.DataFrame(rows)


def test_wgi_panel_mean_and_interval_by_hand() -> None:
    panel = wgi_panel(_wgi(), countries=("KAZ", "DEU"), indicators=("rl",), z=2.0)
    mean = panel[(panel["code"] == "ALL") & (panel["year"] == 1996)].iloc[0]
    assert mean["estimate"] == pytest.approx(0.5 / 3)
    assert mean["std_error"] == pytest.approx(np.sqrt(3 * 0.09) / 3)
    assert mean["n_countries"] == 3
    kaz = panel[(panel["code"] == "KAZ") & (panel["year"] == 2023)].iloc[0]
    assert (kaz["ci_low"], kaz["ci_high"]) == pytest.approx((-1.1, 0.1))
    change = wgi_change(panel, code="KAZ", first=1996, last=2023)
    assert change.loc["rl", "change"] == pytest.approx(0.5)
    assert change.loc["rl", "se_change"] == pytest.approx(np.hypot(0.3, 0.3))
    with pytest.raises(PanelError, match=r"countries \['GBR'\] not found"):
        wgi_panel(_wgi(), countries=("GBR",), indicators=("rl",))
    with pytest.raises(PanelError, match="KAZ rl 1996 appears more than once"):
        wgi_panel(pd.concat([_wgi(), _wgi().iloc[[0]]]), countries=("KAZ",), indicators=("rl",))
    with pytest.raises(PanelError, match="KAZ rl lacks year 2000"):
        wgi_change(panel, code="KAZ", first=2000, last=2023)


def test_kz_events_from_hand_made_tables() -> None:
    units = pd.DataFrame(
        {
            "unit_id": ["KZ_A", "DE_B"],
            "jurisdiction": ["KZ", "DE"],
            "name_en": ["A", "B"],
            "name_kk": ["А", "Б"],
            "name_ru": ["А", "Б"],
        }
    )
    events = pd.DataFrame(
        {
            "unit_id": ["KZ_A", "KZ_A", "KZ_A", "DE_B"],
            "event": ["established", "reformed", "reformed", "established"],
            "date": ["1990", "2021-07-01", "2016-01", "2000"],
        }
    )
    got = kz_reform_events(units, events, unit_ids=("KZ_A",), years=(1996, 2023))
    assert list(got["year"]) == [2016, 2021]
    with pytest.raises(PanelError, match=r"\['DE_B'\] not found"):
        kz_reform_events(units, events, unit_ids=("DE_B",))


def test_report_functions_label_and_draw() -> None:
    panel = _panel()
    ax = evidence_ew.ew_deaths_plot(deaths_by_year(panel), "ru")
    legend = ax.get_legend() or ax.get_figure(root=True).legends[0]  # under the figure
    labels = [h.get_label() for h in legend.legend_handles]
    assert labels[0] == t("evidence_ew.label_pcc_forces", "ru")
    assert list(ax.lines[0].get_ydata()) == [3, 4, 7, 8]
    wgi = wgi_panel(_wgi(), countries=("KAZ", "DEU"), indicators=("rl",))
    events = pd.DataFrame({"year": [2016, 2021]})
    ax2 = evidence_ew.wgi_plot(wgi, "rl", "kk", events=events)
    assert ax2.get_title().replace("\n", " ") == t("evidence_ew.wgi_rl", "kk")
    assert len([line for line in ax2.lines if line.get_linestyle() == ":"]) == 2
    plt.close("all")


def _mirror_inputs(mirror):  # type: ignore[no-untyped-def]
    paths = ProjectPaths(Path(__file__).resolve().parents[1])
    iopc = {
        name: read_iopc_by_force(sources.locate(sid, paths=paths, mirror=mirror))
        for name, sid in evidence_ew.IOPC_SOURCES.items()
    }
    fte = read_police_fte(sources.locate("ew_police_fte_2015_2019", paths=paths, mirror=mirror))
    return paths, iopc, fte


def test_mirror_ew_panel(mirror) -> None:  # type: ignore[no-untyped-def]
    _, iopc, fte = _mirror_inputs(mirror)
    panel = ew_deaths_panel(iopc, fte)
    assert (panel.n_units, panel.n_obs) == (43, 688)
    # territorial deaths of the five IOPC tables: 307 + 470 + 47 + 852 + 1059
    assert int(panel.data["deaths"].sum()) == 2735
    assert sum(panel.deaths_dropped.values()) == 45
    fte_rows = panel.data.dropna(subset=["officers_fte"])
    assert len(fte_rows) == 215 and set(fte_rows["year"]) == set(range(2015, 2020))
    wm = fte_rows.set_index(["pfa_code", "year"]).loc[("E23000014", 2015), "officers_fte"]
    assert wm == pytest.approx(7132.75)  # the force, not the region subtotal 11,688.54


def test_mirror_wgi_and_numbers(mirror, dataset_tables) -> None:  # type: ignore[no-untyped-def]
    paths, iopc, fte = _mirror_inputs(mirror)
    wgi = wgi_panel(read_wgi_2024(sources.locate("wgi_2024", paths=paths, mirror=mirror)))
    kaz = wgi[wgi["code"] == "KAZ"]
    assert len(kaz) == 4 * 25  # 1996, 1998, 2000, 2002-2023
    mean = wgi[wgi["code"] == "ALL"]
    assert mean["estimate"].abs().max() < 0.05  # WGI are centred each year
    events = kz_reform_events(dataset_tables["units"], dataset_tables["events"])
    assert {2016, 2021, 2022} <= set(events["year"])
    change = wgi_change(wgi, code="KAZ", first=1996, last=2023)
    nums = evidence_ew.xn_numbers(wgi, change, events, Numbers())
    assert nums["xn_kaz_rl_last"] == pytest.approx(-0.4468, abs=1e-4)
