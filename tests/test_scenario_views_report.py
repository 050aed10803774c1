"""Notebook-05 views on a toy dataset: scenario evaluation, numbers, tables and figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from policingstudy.methods.index.scenarios import parse_scenarios
from policingstudy.report.views import scenarios as views
from policingstudy.studies.scenarios import ScenarioAnalysis, analyse_scenarios

IND = ["IND01", "IND02"]
DOC = """
scenarios:
  - id: new_body
    label: {en: New body, kk: Жаңа орган, ru: Новый орган}
    rationale: IND01 = 3 as coded for DE1.
    borrows_from: DE
    changes:
      - add_unit: KZ_NEW
        values: {IND01: 3}
  - id: control
    label: {en: Control, kk: Бақылау, ru: Контроль}
    rationale: Sets IND02 = 1, the current value.
    borrows_from: UK-EW
    changes:
      - set: KZ1
        values: {IND02: 1}
"""


@pytest.fixture(scope="module")
def analysis() -> ScenarioAnalysis:
    units = pd.DataFrame(
        {
            "unit_id": ["KZ1", "UK1", "US1", "DE1"],
            "jurisdiction": ["KZ", "UK-EW", "US", "DE"],
            "kind": "body",
            "origin": "hand_coded",
        }
    )
    values = {"KZ1": (1, 1), "UK1": (3, 3), "US1": (2, 2), "DE1": (3, 1)}
    codings = pd.DataFrame(
        [
            {
                "unit_id": u,
                "indicator_id": i,
                "value": float(v),
                "status": "coded",
                "confidence": "high",
            }
            for u, vs in values.items()
            for i, v in zip(IND, vs, strict=True)
        ]
    )
    indicators = pd.DataFrame(
        {
            "indicator_id": IND,
            "dimension_id": ["D1", "D2"],
            "scale_min": 0,
            "scale_max": 3,
            "direction": "+",
            "label_en": IND,
        }
    )
    links = pd.DataFrame(
        {"link_type": ["programme", "problem"], "link_id": ["R6", "P1"], "indicator_id": IND}
    )
    scenarios = parse_scenarios(DOC, source="test.yaml", indicators=indicators, units=units)
    return analyse_scenarios(units, codings, indicators, links, scenarios, n_draws=50)


def test_hand_computed_effects(analysis: ScenarioAnalysis) -> None:
    s = analysis.result.summary.set_index("scenario_id")
    # baseline KZ: IND01 = 1, IND02 = 1 -> 33.3 each; new body: IND01 = 3 -> (100 + 33.3) / 2
    assert s.loc["baseline", "index_nominal"] == pytest.approx(100 / 3)
    assert s.loc["new_body", "index_nominal"] == pytest.approx(200 / 3)
    assert s.loc["control", "index_nominal"] == pytest.approx(100 / 3)
    assert views.is_control(analysis, "control")
    assert not views.is_control(analysis, "new_body")
    assert views.top_scenarios(analysis) == ("new_body", "control")
    raised = analysis.raised
    assert raised[["scenario_id", "indicator_id"]].to_numpy().tolist() == [["new_body", "IND01"]]
    assert analysis.programme[["scenario_id", "link_id"]].to_numpy().tolist() == [
        ["new_body", "R6"]
    ]
    # D1: KZ 33.3 -> 100; gap to UK, DE (100) and US (66.7) shrinks by 66.7 points each
    closed = views.mean_closed(analysis)
    assert closed.loc["new_body", "D1"] == pytest.approx(200 / 3)
    assert closed.loc["control"].abs().max() == 0


def test_numbers_do_not_depend_on_language(analysis: ScenarioAnalysis) -> None:
    nums = views.scenario_numbers(analysis)
    assert nums["top_change"] == pytest.approx(round(100 / 3, 3))
    assert nums["n_no_effect"] == 1
    assert nums["p_top_beats_baseline"] == 100.0
    assert nums["n_scenarios"] == 2


def test_tables_and_figures(analysis: ScenarioAnalysis) -> None:
    table = views.result_table(analysis, "ru")
    assert table.columns[0] == "Сценарий"
    assert list(table["Сценарий"]) == ["Базовый вариант (без реформы)", "Новый орган", "Контроль"]
    defs = views.definition_table(analysis, "kk")
    assert list(defs.iloc[:, 1]) == [
        views.row_label("DE", "system", "kk"),
        views.row_label("UK-EW", "system", "kk"),
    ]
    order = views.ordering_table(analysis, "en")
    assert order.shape == (3, 4)
    assert order.iloc[1, 1] == 100.0  # new body beats the baseline on every draw
    ax = views.index_chart(analysis, "en")
    assert ax.get_xlabel() == "Kazakhstan's index (0–100)"
    rank = int(analysis.result.summary.set_index("scenario_id").loc["new_body", "rank_median"])
    assert [t.get_text() for t in ax.get_yticklabels()][1] == f"New body (rank {rank})"
    dims = pd.DataFrame({"dimension_id": ["D1", "D2"], "label_en": ["One", "Two"]})
    hm = views.closed_heatmap(analysis, dims, "en")
    assert [t.get_text() for t in hm.get_xticklabels()] == ["One", "Two"]
    assert np.isclose(float(hm.images[0].get_array()[0, 0]), 200 / 3)
