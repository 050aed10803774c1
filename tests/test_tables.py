"""Report tables and tick labels: locale numbers, dates, missing values (hand-written strings)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import OptionError, PolicingStudyError
from policingstudy.report.numbers import Numbers
from policingstudy.report.style import localise_axes
from policingstudy.report.tables import (
    NA_TEXT,
    cells,
    localise,
    mark_originals,
    original,
    show,
    with_locale,
)

NBSP = "\u00a0"
MINUS = "\u2212"


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["a", "b", None],
            "count": [1624, 2513455, 3],
            "share": [73.25, -0.04, np.nan],
            "value": pd.Series([3.0, pd.NA, 1.0], dtype="Float64"),
            "when": pd.to_datetime(["2026-12-03", None, "2016-01-01"]),
        }
    )


COLUMNS = {
    "name": "common.column_label",
    "count": "common.column_count",
    "share": "dataset.col_share_coded",
    "value": "dataset.col_mean_value",
    "when": "dataset.col_accessed",
}


def test_cells_follow_the_locale_and_never_show_nan():
    table = localise(_frame(), COLUMNS, "ru", digits={"share": 1})
    shown = cells(table)
    assert shown["Название"].tolist() == ["a", "b", NA_TEXT]
    assert shown["Количество"].tolist() == [f"1{NBSP}624", f"2{NBSP}513{NBSP}455", "3"]
    # 73.25 rounds half up to 73.3; -0.04 shows as 0.0 without a sign
    assert shown["Закодировано, %"].tolist() == ["73,3", "0,0", NA_TEXT]
    # a float column of whole values on the 0-3 scale shows whole numbers, not 3.0
    assert shown["Средний балл (0–3)"].tolist() == ["3", NA_TEXT, "1"]
    assert shown["Дата обращения"].tolist() == [
        "3 декабря 2026\u202fг.",
        NA_TEXT,
        "1 января 2016\u202fг.",
    ]


def test_cells_in_english_and_kazakh():
    en = cells(localise(_frame(), COLUMNS, "en", digits={"share": 1}))
    assert en["Count"].tolist() == ["1,624", "2,513,455", "3"]
    assert en["Coded, %"].tolist() == ["73.3", "0.0", NA_TEXT]
    assert en["Accessed"].iloc[0] == "December 3, 2026"
    kk = cells(localise(_frame(), COLUMNS, "kk", digits={"share": 2}))
    assert kk["Кодталған, %"].tolist() == ["73,25", f"{MINUS}0,04", NA_TEXT]


def test_show_renders_locale_numbers_and_em_dashes():
    html = show(localise(_frame(), COLUMNS, "kk", digits={"share": 1})).data
    assert f"1{NBSP}624" in html or "1&nbsp;624" in html
    assert "73,3" in html
    for raw in ("nan", "NaN", "&lt;NA&gt;", "None", "00:00:00", "73.3"):
        assert raw not in html


def test_inferred_digits_follow_the_values():
    frame = with_locale(pd.DataFrame({"x": [0.25, 1.5, 2.0]}), "ru")
    assert cells(frame)["x"].tolist() == ["0,25", "1,50", "2,00"]


def test_a_table_with_numbers_needs_a_language():
    with pytest.raises(PolicingStudyError, match="has no language: build it with"):
        cells(pd.DataFrame({"x": [1.5]}))
    assert cells(pd.DataFrame({"x": ["text"]}))["x"].tolist() == ["text"]
    assert cells(pd.DataFrame({"x": [1.5]}), "en", digits={"x": 1})["x"].tolist() == ["1.5"]


def test_localise_names_unknown_columns():
    with pytest.raises(PolicingStudyError, match=r"no column\(s\) \['nope'\]"):
        localise(_frame(), {"nope": "common.column_label"}, "en")
    with pytest.raises(PolicingStudyError, match=r"digits for columns not shown: \['count2'\]"):
        localise(_frame(), {"count": "common.column_count"}, "en", digits={"count2": 1})


def test_text_and_table_round_the_same_value_the_same_way():
    # language review F7: the text said 1,4 and the table 1.5 for the stored value 1.45
    for value in (1.45, 0.05, 2.675, 99.95, 0.014999):
        nums = Numbers()
        nums.add("p", value, digits=1)
        for lang in ("en", "kk", "ru"):
            table = localise(pd.DataFrame({"p": [value]}), {"p": "common.column_count"}, lang)
            shown = cells(table, digits={table.columns[0]: 1}).iloc[0, 0]
            assert nums.text(lang)["p"] == shown


def test_localise_axes_formats_numbers_and_keeps_categories():
    fig, (ax, bx) = plt.subplots(1, 2)
    ax.plot([0.0, 30000.0], [-0.5, 0.5])
    ax.set_xticks([0, 10000, 20000, 30000])
    ax.set_yticks([-0.5, 0.0, 0.5])
    bx.bar(["a", "b"], [1, 3])
    localise_axes(ax, "kk")
    localise_axes(bx, "ru", y="integer")
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "0",
        f"10{NBSP}000",
        f"20{NBSP}000",
        f"30{NBSP}000",
    ]
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"{MINUS}0,5", "0,0", "0,5"]
    assert [t.get_text() for t in bx.get_xticklabels()] == ["a", "b"]
    assert all("," not in t.get_text() for t in bx.get_yticklabels())  # whole counts only
    plt.close(fig)


def test_localise_axes_years_have_no_separator():
    fig, ax = plt.subplots()
    ax.plot([1998, 2024], [0, 1])
    localise_axes(ax, "ru", x="year")
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(label.isdigit() and len(label) == 4 for label in labels)
    plt.close(fig)


def test_localise_axes_refuses_unknown_kinds():
    fig, ax = plt.subplots()
    with pytest.raises(OptionError, match=r"x: expected one of \('auto'"):
        localise_axes(ax, "en", x="decimal")  # type: ignore[arg-type]
    plt.close(fig)


def test_original_marks_the_language_and_escapes():
    cell = original("Police & Crime <Panel>", "en")
    assert str(cell) == "Police & Crime <Panel>"
    assert (
        cell.markup == '<span lang="en" class="ps-original">Police &amp; Crime &lt;Panel&gt;</span>'
    )
    assert original("Қоғамдық кеңес", "kk", report_lang="kk") == "Қоғамдық кеңес"  # already in it
    assert original(None, "en") is None


def test_mark_originals_wraps_the_original_titles_in_parentheses_only():
    text = (
        "Закон 2002 года о реформе полиции (Police Reform Act 2002, c. 30), часть 2 (с изменениями)"
    )
    cell = mark_originals(text, "en")
    assert str(cell) == text
    assert cell.markup == (
        'Закон 2002 года о реформе полиции (<span lang="en" class="ps-original">'
        "Police Reform Act 2002, c. 30</span>), часть 2 (с изменениями)"
    )


def test_show_writes_marked_cells_as_html_and_escapes_the_rest():
    frame = pd.DataFrame(
        {
            "name": pd.Series([original("Landtag", "de"), "<b>"], dtype=object),
            "n": [1.5, None],
        }
    )
    page = show(frame, "ru").data
    assert '<td><span lang="de" class="ps-original">Landtag</span></td>' in page
    assert "<td>&lt;b&gt;</td>" in page
    assert "<td>1,5</td>" in page and f"<td>{NA_TEXT}</td>" in page
    assert cells(frame, "ru").iloc[:, 0].tolist() == ["Landtag", "<b>"]  # text for CSV and tests
