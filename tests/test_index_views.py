"""Notebook 04's views and parameters: tables, numbers and figures on a small analysis."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import ParameterError
from policingstudy.methods.index import measurement, systems
from policingstudy.report.views import index as views
from policingstudy.studies.design import SYSTEMS
from policingstudy.studies.index import ComparisonAnalysis, Panel
from policingstudy.studies.params import ComparativeIndexParams


def test_number_key() -> None:
    assert views.number_key("UK-EW") == "uk_ew"


def test_params_refuse_bad_values() -> None:
    with pytest.raises(ParameterError, match="reference_date: expected an ISO date"):
        ComparativeIndexParams(lang="en", reference_date="2025/01/01")
    with pytest.raises(ParameterError, match="n_draws"):
        ComparativeIndexParams(lang="en", n_draws=0)
    with pytest.raises(ParameterError, match=r"n_base: expected one of \(64, 128"):
        ComparativeIndexParams(lang="en", n_base=100)
    assert ComparativeIndexParams(lang="kk").reference_date == "2025-01-01"


def small_analysis() -> ComparisonAnalysis:
    """Two constructions; Kazakhstan below every model in one, above Germany in the other."""
    rows = []
    for c, values in (("c1", (40.0, 60.0, 70.0, 50.0)), ("c2", (55.0, 60.0, 70.0, 50.0))):
        for s, v in zip(SYSTEMS, values, strict=True):
            rows.append(
                {
                    "construction": c,
                    "system_rule": "best_available",
                    "boundary": "all",
                    "missing": "missing",
                    "aggregate": "arithmetic",
                    "weights": "dimension" if c == "c1" else "indicator",
                    "system": s,
                    "index": v,
                    "rank": 1.0,
                    "body": "",
                }
            )
    table = pd.DataFrame(rows)
    coding = pd.DataFrame(
        {
            "system": list(SYSTEMS),
            "nominal": [40.0, 60.0, 70.0, 50.0],
            "median": [40.2, 60.0, 70.0, 50.0],
            "p05": [35.0, 55.0, 66.0, 45.0],
            "p95": [44.0, 64.0, 73.0, 55.0],
        }
    )
    bands = table[["construction", "system"]].assign(p05=table["index"] - 2, p95=table["index"] + 2)
    nominal = pd.DataFrame(
        {"D1": [40.0, 60, 70, 50], "INDEX": [40.0, 60, 70, 50]}, index=pd.Index(SYSTEMS)
    )
    validity = pd.DataFrame(
        {
            "unit_id": ["KZ_A", "DE_B"],
            "system_id": ["KZ", "DE"],
            "kind": "x",
            "unit_class": "",
            "established": [None, "2030-01-01"],
            "ended": None,
            "first_holder": None,
            "undated": [True, False],
            "status": ["in", "not_yet"],
        }
    )
    members = pd.DataFrame(
        {"system_id": ["KZ"], "unit_id": ["KZ_A"], "unit_class": [""], "area": [""]}
    )
    return ComparisonAnalysis(
        "2025-01-01",
        validity,
        members,
        False,
        pd.DataFrame({"": [1, 0, 0, 0]}, index=pd.Index(SYSTEMS)),
        pd.DataFrame(columns=["system_id", "area", "weight", "population_date"]),
        pd.DataFrame(),
        systems.GridResult(table, pd.DataFrame()),
        systems.ordering_shares(table, origin="KZ"),
        systems.pairwise_shares(table),
        nominal,
        pd.DataFrame(columns=["system", "unit_class", "index", "n_bodies"]),
        coding,
        coding.assign(median=coding["median"] + 1),
        bands,
        measurement.error_distribution([0] * 9 + [1]),
        10,
        5,
        pd.DataFrame(
            {
                "model": ["UK-EW", "UK-EW"],
                "factor": ["missing", "coding"],
                "S1": [0.5, 0.1],
                "S1_conf": [0.1, 0.1],
                "ST": [0.6, 0.2],
                "ST_conf": [0.1, 0.05],
            }
        ),
        100,
    )


def test_published_tables_have_the_issue_columns_and_no_translation() -> None:
    a = small_analysis()
    grid = views.grid_table(a)
    assert list(grid.columns) == [
        "construction",
        "system_rule",
        "boundary",
        "missing",
        "aggregate",
        "weights",
        "system",
        "index",
        "rank",
    ]
    assert list(grid["system"][:4]) == list(SYSTEMS)
    assert list(views.coding_table(a).columns) == ["system", "nominal", "median", "p05", "p95"]


def test_verdicts_say_what_holds_and_what_does_not() -> None:
    a = small_analysis()
    # UK-EW and US above KZ in both constructions; Germany below in c1, above in c2
    assert "lower in 100%" in views.verdict(a, "UK-EW", "en")
    assert "not settled" in views.verdict(a, "DE", "en")
    assert "50%" in views.verdict(a, "DE", "en")
    nums = views.index_numbers(a)
    assert nums["below_de"] == 50.0
    assert nums["gap_min_de"] == -10.0
    assert nums["max_median_shift"] == pytest.approx(0.2)
    for lang in ("en", "kk", "ru"):
        assert views.verdicts(a, lang).count("\n") == 2


def test_tables_are_translated() -> None:
    a = small_analysis()
    o = views.ordering_table(a, "ru")
    assert o.columns[0] == "Модель"
    assert o.iloc[0].tolist()[2] == 50  # Germany: KZ below in 50%
    p = views.pairwise_table(a, "en")
    assert p.shape == (4, 5)
    s = views.status_table(a, pd.DataFrame({"unit_id": ["DE_B"], "name_kk": ["Б"]}), "kk")
    assert s.iloc[0, 2] == "әлі құрылмаған"


def test_specification_curve_draws_every_system_and_the_choices() -> None:
    import matplotlib.pyplot as plt

    a = small_analysis()
    ax = views.specification_curve(a, "en")
    lines = {line.get_gid(): line for line in ax.get_lines()}
    assert set(lines) == {f"system:{s}" for s in SYSTEMS}
    # sorted by Kazakhstan's index: c1 (40) then c2 (55)
    assert list(lines["system:KZ"].get_ydata()) == [40.0, 55.0]
    assert ax.get_ylabel() == "Index (0–100)"
    plt.close(ax.figure)
    ax = views.sobol_bar(a, "kk")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Англия мен Уэльс"]
    plt.close(ax.figure)


def test_panel_chart_shows_the_nominal_line_per_system() -> None:
    import matplotlib.pyplot as plt

    rows = []
    for year in (2010, 2011):
        for c, shift in (("n", 0.0), ("x", 10.0)):
            for k, s in enumerate(SYSTEMS):
                rows.append(
                    {"year": year, "construction": c, "system": s, "index": 10.0 * k + shift}
                )
    panel = Panel(pd.DataFrame(rows), pd.DataFrame(), "n")
    ax = views.panel_chart(panel, "en")
    lines = {line.get_gid(): line for line in ax.get_lines()}
    assert list(lines["system:US"].get_ydata()) == [20.0, 20.0]
    assert np.isclose(ax.get_ylim()[1], 100)
    plt.close(ax.figure)
