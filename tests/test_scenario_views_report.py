"""Notebook 05 on a toy dataset: scenarios across the grid, numbers, tables and figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from policingstudy.methods.index.scenarios import parse_scenarios
from policingstudy.report.views import scenarios as views
from policingstudy.studies.scenarios import ScenarioAnalysis, scenarios_across_grid

IND = ["IND01", "IND02", "IND06"]
DOC = """
scenarios:
  - id: new_body
    label: {en: New body, kk: Жаңа орган, ru: Новый орган}
    rationale: IND01 = 3 as coded for DE1.
    borrows_from: DE
    changes:
      - add_unit: KZ_NEW
        unit_class: external_oversight
        values: {IND01: 3}
  - id: control
    label: {en: Control, kk: Бақылау, ru: Контроль}
    rationale: Sets IND02 = 1, the current value.
    borrows_from: UK-EW
    changes:
      - set: KZ1
        values: {IND02: 1}
"""


def build_analysis() -> ScenarioAnalysis:
    """The toy scenario analysis (also drawn by ``test_figure_layout``)."""
    units = pd.DataFrame(
        {
            "unit_id": ["KZ1", "UK1", "US1", "DE1"],
            "jurisdiction": ["KZ", "UK-EW", "US", "DE"],
            "kind": "body",
            "level": "national",
            "subunit_code": "",
            "locality": "",
            "origin": "hand_coded",
            "name_en": "x",
        }
    )
    # KZ1's power (IND06 = 3) is gated by its separation (IND02 = 1): it counts 1.
    values = {"KZ1": (1, 1, 3), "UK1": (3, 3, 3), "US1": (2, 2, 2), "DE1": (3, 1, 1)}
    codings = pd.DataFrame(
        [
            {"unit_id": u, "indicator_id": i, "value": float(v), "status": "coded"}
            for u, vs in values.items()
            for i, v in zip(IND, vs, strict=True)
        ]
    ).assign(source_id="s")
    by_coder = pd.concat([codings.assign(coder="c1"), codings.assign(coder="c2")])
    by_coder.loc[by_coder.index[-1], "value"] = 2.0  # one disagreement out of 12 pairs
    indicators = pd.DataFrame(
        {
            "indicator_id": IND,
            "dimension_id": ["D1", "D1", "D2"],
            "scale_min": 0,
            "scale_max": 3,
            "direction": "+",
            "label_en": IND,
        }
    )
    events = pd.DataFrame(columns=["unit_id", "event", "date", "source_id", "note"])
    links = pd.DataFrame(
        {"link_type": ["programme", "problem"], "link_id": ["R6", "P1"], "indicator_id": IND[:2]}
    )
    scenarios = parse_scenarios(DOC, source="test.yaml", indicators=indicators, units=units)
    return scenarios_across_grid(
        units, codings, by_coder, indicators, events, None, links, scenarios, n_draws=50
    )


@pytest.fixture(scope="module")
def analysis() -> ScenarioAnalysis:
    return build_analysis()


def test_hand_computed_effects(analysis: ScenarioAnalysis) -> None:
    n = analysis.nominal.set_index("scenario")
    # baseline KZ (best available): D1 = (1 + 1) / 2 -> 33.3, D2 = min(1, 3) = 1 -> 33.3
    assert n.loc["baseline", "index"] == pytest.approx(100 / 3)
    # new body: IND01 = 3 -> D1 = (100 + 33.3) / 2 = 66.7; index (66.7 + 33.3) / 2 = 50
    assert n.loc["new_body", "index"] == pytest.approx(50.0)
    assert n.loc["control", "index"] == pytest.approx(100 / 3)
    assert views.is_control(analysis, "control")
    assert not views.is_control(analysis, "new_body")
    assert views.top_scenario(analysis) == "new_body"
    raised = analysis.raised
    assert raised[["scenario", "indicator_id"]].to_numpy().tolist() == [["new_body", "IND01"]]
    assert analysis.programme[["scenario", "link_id"]].to_numpy().tolist() == [["new_body", "R6"]]
    c = analysis.contributions.set_index(["scenario", "indicator_id"])["points"]
    assert c[("new_body", "IND01")] == pytest.approx(50 - 100 / 3)


def test_grid_and_shares(analysis: ScenarioAnalysis) -> None:
    table = views.grid_table(analysis)
    assert list(table.columns) == ["scenario", "construction", "index", "rank"]
    assert len(table) == 3 * analysis.n_constructions
    p = analysis.passes.set_index(["scenario", "model"])
    # KZ is below every model at baseline; the control passes no one
    assert p.loc[("baseline", "UK-EW"), "above"] == 0
    assert p.loc[("control", "DE"), "passes"] == 0
    assert 0 <= p.loc[("new_body", "DE"), "passes"] <= 1
    ch = analysis.change.set_index("scenario")
    assert ch.loc["control", "max"] == 0
    assert ch.loc["new_body", "max"] > 0


def test_numbers_tables_and_figure(analysis: ScenarioAnalysis) -> None:
    nums = views.scenario_numbers(analysis)
    assert nums["n_no_effect"] == 1
    assert nums["n_scenarios"] == 2
    assert nums["top_index"] == pytest.approx(50.0)
    table = views.passes_table(analysis, "ru")
    assert table.columns[0] == "Сценарий"
    assert list(table["Сценарий"]) == ["Базовый вариант (без реформы)", "Новый орган", "Контроль"]
    defs = views.definition_table(analysis, "kk")
    assert list(defs.iloc[:, 1]) == ["Германия", "Англия мен Уэльс"]
    ax = views.change_chart(analysis, "en")
    assert ax.get_xlabel() == "Change of Kazakhstan's index (points)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["New body", "Control"]
