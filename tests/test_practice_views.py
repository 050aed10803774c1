"""report.views.practice: figures (artists, not pixels), tables and the numbers the texts quote."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from policingstudy.core.paths import ProjectPaths
from policingstudy.core.types import Lang
from policingstudy.data import sources
from policingstudy.data.readers import practice as pr
from policingstudy.i18n import catalog, t
from policingstudy.report.text import heading
from policingstudy.report.views import practice as views
from policingstudy.studies import practice as sp
from policingstudy.studies.crossnational import kz_reform_events
from tests.helpers import assert_readable

TEXT_KEYS = [k for k in catalog("en") if k.startswith("practice.") and k.endswith("_text")]


@pytest.fixture(scope="module")
def measures(external_dir: Path, project_root: Path) -> pd.DataFrame:
    paths = ProjectPaths(project_root)
    folders = {
        sid: sources.locate(sid, paths=paths, mirror=external_dir) for sid in pr.PRACTICE_SOURCES
    }
    return pr.read_practice_measures(folders)


@pytest.fixture(scope="module")
def index(measures: pd.DataFrame) -> sp.PracticeIndex:
    return sp.performance_index(measures, n_draws=200, rng=np.random.default_rng(3))


@pytest.fixture(scope="module")
def design() -> pd.DataFrame:
    rows = []
    for name, kz in (("minmax/arithmetic", 71.3), ("rank/arithmetic", 80.0)):
        for system, value in (("KZ", kz), ("UK-EW", 79.2), ("US", 81.7), ("DE", 73.1)):
            rows.append({"construction": name, "system": system, "design_index": value,
                         "design_p05": value - 3, "design_p95": value + 4})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def events(dataset_tables: dict) -> pd.DataFrame:
    return kz_reform_events(dataset_tables["units"], dataset_tables["events"], years=(2012, 2023))


@pytest.fixture(scope="module")
def positions(measures: pd.DataFrame, dataset_tables: dict) -> pd.DataFrame:
    return sp.problem_positions(measures, dataset_tables["problem_measures"])


def test_every_text_renders_in_every_language(
    index: sp.PracticeIndex, design: pd.DataFrame, events: pd.DataFrame, dataset_tables: dict,
    positions: pd.DataFrame,
) -> None:  # fmt: skip
    year = sp.common_year(index)
    nominal = design[design["construction"] == "minmax/arithmetic"]
    table = sp.design_practice(nominal, index, year=year)
    gaps = sp.implementation_gap(design, index, year=year)
    nums = views.practice_numbers(
        index, table, gaps, practice_year=year, n_draws=200, events=events,
        trust_figures=dataset_tables["kz_trust_figures"],
    )  # fmt: skip
    fields = views.position_numbers(positions, nums)
    assert nums["kaz_trust_py_n_sources"] == 1
    assert nums["dp_n_models"] == 3
    for lang in ("en", "kk", "ru"):
        texts = nums.text(lang)
        named = views.position_fields(fields, lang)
        for key in TEXT_KEYS:
            rendered = t(key, lang, **texts, **named)
            assert "{" not in rendered, (key, lang)
    assert nums.text("ru")["kaz_integrity_py_rank"].isdigit()  # whole ranks without decimals


def test_design_practice_map_marks_the_four_systems(index: sp.PracticeIndex) -> None:
    design = pd.DataFrame({"system": ["KZ", "UK-EW", "US", "DE"], "design_index": [71.3, 79.2,
                           81.7, 73.1], "design_p05": [69.4, 75.8, 74.2, 66.9],
                           "design_p95": [80.0, 84.2, 82.0, 79.3]})  # fmt: skip
    table = sp.design_practice(design, index, year=2020)
    ax = views.design_practice_plot(table, "overall", "kk")
    gids = {line.get_gid() for line in ax.get_lines()} - {None}
    assert gids == {"system:KZ", "system:UK-EW", "system:US", "system:DE"}
    assert ax.get_xlabel() == t("practice.axis_design", "kk")
    plt.close("all")
    axes = views.design_practice_figure({"integrity": table, "overall": table}, "en", year=2020)
    assert len([a for a in np.ravel(axes) if a.get_visible()]) == 2
    plt.close("all")


def test_peer_figure_draws_kazakhstan_peers_and_reform_years(
    index: sp.PracticeIndex, events: pd.DataFrame
) -> None:
    axes = views.peer_figure(index, "ru", events=events)
    left = axes[0]
    gids = {line.get_gid() for line in left.get_lines()}
    assert {"country:KAZ", "country:DEU", "country:GEO", "country:UKR"} <= gids
    vertical = [ln for ln in left.get_lines() if ln.get_linestyle() == ":"]
    assert len(vertical) == len(set(events["year"]))
    assert left.get_title().replace("\n", " ") == t("practice.dim_integrity", "ru")
    plt.close("all")


def test_trust_figure_shows_each_survey_on_its_own_scale(index: sp.PracticeIndex) -> None:
    axes = views.trust_figure(sp.source_values(index), "en")
    wvs, ess, silc = axes
    assert any(c.get_gid() == "country:KAZ" for c in wvs.collections)
    assert not any(c.get_gid() == "country:KAZ" for c in ess.collections)  # not in the ESS
    assert "2020" in wvs.get_title() and "2013" in silc.get_title()
    assert wvs.get_ylabel() == t("practice.axis_wvs_confpol", "en")
    plt.close("all")


def test_problems_plot_has_a_bar_per_covered_measure(positions: pd.DataFrame) -> None:
    ax = views.problems_plot(positions, "en")
    covered = int(np.isfinite(positions["percentile"]).sum())
    assert len(ax.patches) == covered
    assert ax.get_xlim() == (0, 100)
    plt.close("all")


def test_tables_are_translated(index: sp.PracticeIndex, dataset_tables: dict) -> None:
    kaz = views.country_table(index, "KAZ", "kk")
    assert list(kaz.columns)[1] == t("practice.dim_integrity", "kk")
    assert len(kaz) == 12
    trust = views.kz_trust_table(
        dataset_tables["kz_trust_figures"], dataset_tables["sources"], "ru"
    )
    assert t("practice.not_stated", "ru") in set(trust[t("practice.col_wording", "ru")])
    sources_table = views.sources_table(index, "en")
    assert "none published" in set(sources_table["Published uncertainty"])


def test_interval_text_and_heading() -> None:
    assert views.interval_text(0.5, 0.4, 0.6, "ru") == "0,50 [0,40; 0,60]"
    assert views.interval_text(0.5, np.nan, np.nan, "en") == "0.50"
    assert heading("practice.title", "en", level=1).data.startswith("# Design and practice")


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_practice_figures_are_readable(
    index: sp.PracticeIndex,
    design: pd.DataFrame,
    events: pd.DataFrame,
    positions: pd.DataFrame,
    lang: Lang,
) -> None:
    """No overlapping texts, no legend over the points (``tests.helpers.assert_readable``)."""
    year = sp.common_year(index)
    nominal = design[design["construction"] == "minmax/arithmetic"]
    table = sp.design_practice(nominal, index, year=year)
    assert_readable(views.design_practice_plot(table, "overall", lang), f"design-practice {lang}")
    by_dimension = dict.fromkeys((*sp.DIMENSIONS, "overall"), table)
    figure = views.design_practice_figure(by_dimension, lang, year=year)
    assert_readable(figure, f"design-practice grid {lang}")
    assert_readable(
        views.peer_plot(sp.peer_panel(index, "integrity"), "integrity", lang, events=events),
        f"peers {lang}",
    )
    assert_readable(views.peer_figure(index, lang, events=events), f"peer grid {lang}")
    values = sp.source_values(index)
    trust = views.trust_plot(values, "qog_std_cs_jan24", "wvs_confpol", lang)
    assert_readable(trust, f"trust {lang}")
    assert_readable(views.trust_figure(values, lang), f"trust grid {lang}")
    assert_readable(views.problems_plot(positions, lang), f"problems {lang}")
