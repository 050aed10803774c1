"""Views of notebook 01 (the thesis overview) and the thesis figure, on hand-made tables."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from policingstudy.core.types import LANGS, Lang
from policingstudy.i18n import catalog, t
from policingstudy.report.figures import general
from policingstudy.report.views import overview


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    def labelled(id_column: str, ids: list[str]) -> pd.DataFrame:
        return pd.DataFrame(
            {id_column: ids, **{f"label_{lang}": [f"{i} ({lang})" for i in ids] for lang in LANGS}}
        )

    topics = labelled("topic_id", ["T01", "T02", "T03", "T04", "T05"]).assign(
        kind=["foundations", "mechanism", "mechanism", "problem", "mechanism"],
        starts_with=["Бірінші", "Екінші", "Үшінші", "Төртінші", "Бесінші"],
        article_refs=["[1]", None, "[2; 3]", None, "[4]"],
    )
    return {
        "thesis_topics": topics,
        "thesis_problems": labelled("problem_id", ["P1", "P2"]),
        "thesis_programme": labelled("item_id", ["G1", "G2", "G3"]),
        "thesis_foreign_models": labelled("model_id", ["M1", "M2", "M3", "M4"]),
        "thesis_references": pd.DataFrame({"ref_id": range(1, 8)}),
    }


def test_thesis_numbers_count_the_tables(tables: dict[str, pd.DataFrame]) -> None:
    nums = overview.thesis_numbers(tables)
    assert nums["n_topics"] == 5
    assert nums["n_mechanism_topics"] == 3
    assert nums["n_problems"] == 2
    assert nums["n_programme"] == 3
    assert nums["n_foreign_models"] == 4
    assert nums["n_references"] == 7
    # the numbers are language-free: every language shows the same digits
    texts = [nums.text(lang) for lang in LANGS]
    assert texts[0] == texts[1] == texts[2]


@pytest.mark.parametrize("lang", LANGS)
def test_topics_table(tables: dict[str, pd.DataFrame], lang: Lang) -> None:
    table = overview.topics_table(tables["thesis_topics"], lang)
    assert len(table) == 5
    assert set(table.columns) <= set(catalog(lang).values())
    assert table.columns.is_unique
    shown = table.to_string()
    assert all(f"T0{i} ({lang})" in shown for i in range(1, 6))  # labels in the language
    assert t("thesis.kind_mechanism", lang) in shown
    assert "Бірінші" in shown  # the Kazakh first words, in every language
    other = next(lg for lg in LANGS if lg != lang)
    assert f"T01 ({other})" not in shown


@pytest.mark.parametrize("lang", LANGS)
def test_labelled_list(tables: dict[str, pd.DataFrame], lang: Lang) -> None:
    table = overview.labelled_list(tables["thesis_problems"], "problem_id", lang)
    assert table.shape == (2, 2)
    assert set(table.columns) <= set(catalog(lang).values())
    assert table.iloc[:, 1].tolist() == [f"P1 ({lang})", f"P2 ({lang})"]


def test_headers_are_translated(tables: dict[str, pd.DataFrame]) -> None:
    headers = {
        tuple(overview.topics_table(tables["thesis_topics"], lang).columns) for lang in LANGS
    }
    assert len(headers) == 3


@pytest.mark.parametrize("lang", LANGS)
def test_topic_kinds_bar(tables: dict[str, pd.DataFrame], lang: Lang) -> None:
    fig, ax = plt.subplots()
    assert general.topic_kinds_bar(tables["thesis_topics"], lang, ax=ax) is ax
    bars = ax.patches
    # counts sorted ascending: foundations 1, problem 1, mechanism 3 (ties keep their order)
    assert sorted(bar.get_width() for bar in bars) == [1, 1, 3]
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert set(labels) == {
        t(f"thesis.kind_{k}", lang) for k in ("foundations", "mechanism", "problem")
    }
    widest = max(bars, key=lambda bar: bar.get_width())
    assert labels[round(widest.get_y() + widest.get_height() / 2)] == t(
        "thesis.kind_mechanism", lang
    )
    assert sorted(text.get_text() for text in ax.texts) == ["1", "1", "3"]  # value labels
    assert ax.get_title() == t("thesis.figure_title", lang)
    assert ax.get_xlabel() == t("thesis.figure_xlabel", lang)
    plt.close(fig)


def test_topic_kinds_bar_makes_its_own_figure(tables: dict[str, pd.DataFrame]) -> None:
    ax = general.topic_kinds_bar(tables["thesis_topics"], "en")
    assert len(ax.patches) == 3
    plt.close("all")
