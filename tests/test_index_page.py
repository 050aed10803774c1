"""The reports index page rendered from a run payload (no files, no notebooks)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from policingstudy.i18n import t
from policingstudy.run.index_page import render_index


class _Page(HTMLParser):
    """Links, table rows (cell texts) and elements by class."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.rows: list[list[str]] = []
        self.classes: dict[str, list[str]] = {}
        self._cell: list[str] | None = None
        self._class: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "a" and attr.get("href"):
            self.links.append(str(attr["href"]))
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []
        self._class.append(attr.get("class"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        if self._class:
            self._class.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        for name in filter(None, self._class[-1:]):
            self.classes.setdefault(name, []).append(data)


def _result(stem: str, lang: str, **extra: Any) -> dict[str, Any]:
    return {"stem": stem, "lang": lang, "status": "ok", "this_run": True, "has_report": True,
            "has_numbers": True, "title": f"{stem} title", **extra}  # fmt: skip


def _payload(results: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "results": results,
        "packages": {"pandas": "2.2.3", "numpy": "2.1.0"},
        "inputs": {"data/raw/dataset/codebook.yaml": "ab" * 32},
        "git_commit": "0123abc",
        "git_dirty": False,
        "started": "2026-12-01T10:00:00",
        "finished": "2026-12-01T10:05:00",
        "python": "3.11.7",
        **extra,
    }


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def test_every_notebook_and_language_is_linked() -> None:
    results = [_result(s, lang) for s in ("01_a", "02_b") for lang in ("en", "kk", "ru")]
    page = _parse(render_index(_payload(results)))
    for stem in ("01_a", "02_b"):
        for lang in ("en", "kk", "ru"):
            assert f"{lang}/{stem}.html" in page.links
            assert f"numbers/{stem}.json" in page.links
    header = page.rows[0]
    assert header == ["notebook", *(t("common.language_name", lang) for lang in ("en", "kk", "ru"))]
    notebooks = [row[0] for row in page.rows[1:3]]
    assert notebooks == ["01_a", "02_b"]
    assert "run.json" in page.links
    assert page.classes["ok"][0].startswith("All runs of the latest run succeeded")  # verdict


def test_only_languages_present_get_a_column_and_gaps_show_a_dash() -> None:
    results = [_result("01_a", "en"), _result("01_a", "ru"), _result("02_b", "ru")]
    page = _parse(render_index(_payload(results)))
    assert page.rows[0] == [
        "notebook",
        t("common.language_name", "en"),
        t("common.language_name", "ru"),
    ]
    assert page.rows[2][:2] == ["02_b", "-"]
    assert "kk/01_a.html" not in page.links


def test_failed_run_links_its_failure_page_and_the_last_good_report() -> None:
    failed = _result(
        "03_c",
        "en",
        status="failed",
        cell=7,
        error="ZeroDivisionError: division by zero",
        has_failure_page=True,
        last_good={"finished": "2026-11-30T09:00:00"},
    )
    never = _result("04_d", "en", status="failed", error="boom", has_report=False)
    page = _parse(render_index(_payload([_result("01_a", "en"), failed, never])))
    assert "en/03_c.failed.html" in page.links
    assert "en/03_c.html" in page.links  # the last good report stays linked
    assert "en/04_d.html" not in page.links
    cells = {row[0]: row[1] for row in page.rows[1:4]}
    assert "cell 7: ZeroDivisionError: division by zero" in cells["03_c"]
    assert "last good one (2026-11-30T09:00:00)" in cells["03_c"]
    assert "no earlier good report" in cells["04_d"]
    assert page.classes["failed"][0].startswith("2 run(s) failed in the latest run")  # verdict


@pytest.mark.parametrize(
    ("extra", "label"),
    [
        ({"status": "cached"}, "unchanged"),
        ({"status": "ok", "this_run": False}, "from an earlier run"),
        ({"status": "ok", "duration": 12.34, "finished": "2026-12-01T10:01:00"}, "ok"),
    ],
)
def test_status_words(extra: dict[str, Any], label: str) -> None:
    page = _parse(render_index(_payload([_result("01_a", "en", **extra)])))
    cell = page.rows[1][1]
    assert label in cell
    if "duration" in extra:
        assert "ran 12.3s" in cell and "2026-12-01T10:01:00" in cell


def test_parameters_except_the_language_are_shown_and_text_is_escaped() -> None:
    result = _result(
        "05_<e>", "en", parameters={"lang": "en", "seed": 3, "label": "a&b"}, variant="-x"
    )
    text = render_index(_payload([result]))
    assert "05_&lt;e&gt;" in text and "05_<e>" not in text
    page = _parse(text)
    cell = page.rows[1][1]
    assert "seed=3" in cell and 'label="a&b"' in cell
    assert "lang=" not in cell
    assert "numbers/05_<e>-x.json" in page.links


def test_provenance() -> None:
    payload = _payload([_result("01_a", "en")], git_dirty=True)
    page = _parse(render_index(payload))
    rows = {row[0]: row[1] for row in page.rows if len(row) == 2}
    assert rows["git commit"] == "0123abc"
    assert rows["tree dirty"] == "yes (uncommitted or untracked changes)"
    assert rows["Python"] == "3.11.7"
    assert rows["pandas"] == "2.2.3"
    assert rows["data/raw/dataset/codebook.yaml"] == "ab" * 32
    unknown = _parse(render_index(_payload([_result("01_a", "en")], git_dirty=None)))
    assert {r[0]: r[1] for r in unknown.rows if len(r) == 2}["tree dirty"] == "unknown"
    text = render_index(payload)
    assert text.startswith("<!DOCTYPE html>") and "<script" not in text  # standalone, no code
    for lang in ("en", "kk", "ru"):
        assert t("common.report_subtitle", lang) in text
