"""Every report figure, drawn in en, kk and ru, has no overlapping texts and no legend over data.

The checks themselves (``report.layout.overlapping_text`` and ``legends_over_data``) are pinned
first on figures made to fail. Each report figure function is then drawn in the three languages
with the report style on inputs that carry the long names the reports show: the shipped dataset
(units, events, topics), and the toy analyses of the view tests (index, scenarios, evidence).
The maps and the practice figures are checked in ``test_maps.py`` and
``test_practice_views.py`` on their own fixtures. ``test_every_figure_function_is_checked``
fails when a new drawing function is added to ``report`` without a check here or there.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from policingstudy.core.types import LANGS, Lang
from policingstudy.report import layout
from policingstudy.report.figures import general, maps
from policingstudy.report.style import use_style
from policingstudy.report.views import dataset as dataset_views
from policingstudy.report.views import evidence, evidence_ew, practice
from policingstudy.report.views import index as index_views
from policingstudy.report.views import scenarios as scenario_views
from policingstudy.studies.adoption_ew import deaths_by_year
from policingstudy.studies.crossnational import FOCUS_INDICATORS, wgi_panel
from policingstudy.studies.index import Panel
from tests.helpers import assert_readable

CHECKED_ELSEWHERE = {
    # test_maps.py::test_maps_are_readable
    maps: {"kz_crime_map", "kz_crime_rate_map", "ew_pcc_map", "de_commissioner_map",
           "us_oversight_map", "overview_figure"},
    # test_practice_views.py::test_practice_figures_are_readable
    practice: {"design_practice_plot", "design_practice_figure", "peer_plot", "peer_figure",
               "trust_plot", "trust_figure", "problems_plot"},
}  # fmt: skip
CHECKED_HERE = {
    general: {"topic_kinds_bar"},
    dataset_views: {"heatmap", "timeline", "survey_decades"},
    index_views: {"specification_curve", "sobol_bar", "panel_chart", "dimension_profiles"},
    scenario_views: {"change_chart"},
    evidence: {"pre_adoption_plot", "event_study_plot", "honest_plot", "synth_plot"},
    evidence_ew: {"ew_deaths_plot", "wgi_plot", "wgi_figure"},
}
DRAWN = ("Axes", "Figure", "np.ndarray")  # return annotations of a drawing function


@pytest.fixture(autouse=True)
def _style() -> Iterator[None]:
    """The report style (fonts, sizes, constrained layout), restored after each test."""
    with matplotlib.rc_context():
        use_style()
        yield
    plt.close("all")


# -- the checks fail on what they should find ---------------------------------------------------


def test_overlap_check_finds_texts_on_top_of_each_other() -> None:
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, 0.5, "Полиция қызметінің заңдылығын")
    ax.text(0.52, 0.5, "прокурорлық қадағалау")
    found = layout.overlapping_text(fig)
    assert [str(o) for o in found] == [
        "'Полиция қызметінің заңдылығын' overlaps 'прокурорлық қадағалау'"
    ]
    ax.texts[1].set_position((0.5, 0.1))
    assert layout.overlapping_text(fig) == []


def test_overlap_check_sees_crowded_tick_labels() -> None:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_xticks(range(4), ["Нордрейн-Вестфалия"] * 4)
    found = layout.overlapping_text(fig)
    assert found  # each label runs into its neighbours
    assert {(o.first, o.second) for o in found} == {("Нордрейн-Вестфалия", "Нордрейн-Вестфалия")}
    ax.set_xticks(range(4), layout.wrap_all(["Нордрейн-Вестфалия"] * 4, 8), rotation=90)
    assert layout.overlapping_text(fig) == []


def test_legend_check_finds_a_legend_over_the_data_and_not_beside_it() -> None:
    fig, ax = plt.subplots(figsize=(4, 3))
    x = np.linspace(0, 1, 50)
    ax.plot(x, np.full_like(x, 0.9), label="Kazakhstan", gid="line:KZ")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    found = layout.legends_over_data(fig)
    assert [str(c) for c in found] == ["legend 'Kazakhstan' covers line:KZ in 'axes'"]
    ax.get_legend().remove()
    layout.legend_outside(ax, where="below")
    assert layout.legends_over_data(fig) == []
    assert layout.overlapping_text(fig) == []


# -- every report figure ------------------------------------------------------------------------


def test_every_figure_function_is_checked() -> None:
    for module in [*CHECKED_HERE, *CHECKED_ELSEWHERE]:
        drawing = {
            name
            for name, function in inspect.getmembers(module, inspect.isfunction)
            if function.__module__ == module.__name__
            and not name.startswith("_")
            and str(inspect.signature(function).return_annotation) in DRAWN
        }
        checked = CHECKED_HERE.get(module, set()) | CHECKED_ELSEWHERE.get(module, set())
        assert drawing == checked, f"{module.__name__}: unchecked {sorted(drawing - checked)}"


LANG_PARAMS = pytest.mark.parametrize("lang", LANGS)
JURISDICTIONS = ("KZ", "UK-EW", "US", "DE")


def _jurisdiction(tables: dict, code: str) -> pd.DataFrame:
    units = tables["units"]
    return units[(units["jurisdiction"] == code) & (units["kind"] != "no_body")]


@LANG_PARAMS
def test_dataset_figures_are_readable(dataset_tables: dict, lang: Lang) -> None:
    """Heatmaps and timelines of every jurisdiction with the units' real names (notebooks 02, 03)."""
    events, codings = dataset_tables["events"], dataset_tables["codings"]
    for code in JURISDICTIONS:
        units = _jurisdiction(dataset_tables, code)
        what = f"{code} {lang}"
        assert_readable(
            dataset_views.heatmap(codings, units, dataset_tables["indicators"], lang),
            f"heatmap {what}",
        )
        assert_readable(
            dataset_views.timeline(events[events["unit_id"].isin(units["unit_id"])], units, lang),
            f"timeline {what}",
        )
    # all units together: the 1856 establishment compresses the axis before the cut
    assert_readable(dataset_views.timeline(events, dataset_tables["units"], lang), "timeline")
    assert_readable(general.topic_kinds_bar(dataset_tables["thesis_topics"], lang), "topics")


@LANG_PARAMS
def test_survey_chart_is_readable(lang: Lang) -> None:
    """Every role the survey names, across a century of decades."""
    roles = ["investigative", "review", "audit", "supervisory", "adjudicative", "advisory",
             "appeals", None]  # fmt: skip
    years = range(1925, 2025, 4)
    survey = pd.DataFrame(
        {
            "agency_id": range(len(years)),
            "city": "City",
            "established_year": pd.array(list(years), dtype="Int64"),
            "primary_role": [roles[i % len(roles)] for i in range(len(years))],
        }
    )
    assert_readable(dataset_views.survey_decades(survey, lang), f"survey {lang}")


@LANG_PARAMS
def test_index_figures_are_readable(dataset_tables: dict, lang: Lang) -> None:
    from tests.test_index_views import small_analysis

    a = small_analysis()
    assert_readable(index_views.specification_curve(a, lang), "specification curve")
    assert_readable(index_views.sobol_bar(a, lang), "Sobol bars")
    profiles = index_views.dimension_profiles(a, dataset_tables["dimensions"], lang)
    assert_readable(profiles, "dimension profiles (parallel coordinates)")
    rows = [
        {"year": year, "construction": c, "system": s, "index": 20.0 * k + shift + year - 2010}
        for year in range(2010, 2025)
        for c, shift in (("n", 0.0), ("x", 8.0), ("y", -6.0))
        for k, s in enumerate(JURISDICTIONS)
    ]
    chart = index_views.panel_chart(Panel(pd.DataFrame(rows), pd.DataFrame(), "n"), lang)
    assert_readable(chart, "panel chart")


@LANG_PARAMS
def test_scenario_chart_is_readable(lang: Lang) -> None:
    from tests.test_scenario_views_report import build_analysis

    assert_readable(scenario_views.change_chart(build_analysis(), lang), f"scenarios {lang}")


@pytest.fixture(scope="module")
def german() -> object:
    from policingstudy.studies.evidence import german_evidence
    from tests.test_evidence import FAST, _dataset, _inputs

    units, events = _dataset()
    pks, population = _inputs(effect=2.0)
    return german_evidence(
        pks, units, events, population, rng=np.random.default_rng(0), settings=FAST,
        years=range(2013, 2021),
    )  # fmt: skip


@LANG_PARAMS
def test_evidence_figures_are_readable(german: evidence.PanelEvidence, lang: Lang) -> None:
    assert_readable(evidence.pre_adoption_plot(german, lang), f"pre-adoption {lang}")
    assert_readable(evidence.event_study_plot(german, lang), f"event study {lang}")
    assert_readable(evidence.honest_plot(german, lang), f"HonestDiD {lang}")
    years = np.arange(2002, 2020)
    path = pd.DataFrame(
        {
            "time": years,
            "treated": 1.0 + 0.02 * (years - 2002),
            "synthetic": 1.1 - 0.01 * (years - 2002),
        }
    )
    ew = SimpleNamespace(synth=SimpleNamespace(path=path, treatment_time=2012))
    assert_readable(evidence.synth_plot(ew, lang), f"synthetic control {lang}")  # type: ignore[arg-type]


@LANG_PARAMS
def test_england_wales_and_governance_figures_are_readable(lang: Lang) -> None:
    from tests.test_panels_ew import _panel

    assert_readable(evidence_ew.ew_deaths_plot(deaths_by_year(_panel()), lang), f"deaths {lang}")
    rng = np.random.default_rng(3)
    rows = [
        {"code": code, "year": year, "indicator": ind, "estimate": rng.normal(base, 0.1),
         "std_error": 0.2}
        for code, base in (("KAZ", -0.8), ("DEU", 1.5), ("GBR", 1.4), ("USA", 1.2), ("UZB", -1.2))
        for year in range(1996, 2024)
        for ind in FOCUS_INDICATORS
    ]  # fmt: skip
    wgi = wgi_panel(pd.DataFrame(rows))
    events = pd.DataFrame({"year": [2014, 2016, 2021, 2023]})
    assert_readable(evidence_ew.wgi_plot(wgi, "rl", lang, events=events), f"WGI {lang}")
    assert_readable(evidence_ew.wgi_figure(wgi, lang, events=events), f"WGI grid {lang}")
