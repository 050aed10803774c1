"""Finish a report's HTML page: navigation, contents, downloads, no network resources.

Every report links to the index, to the same report in the other languages and to the CSV files
of its published tables, and lists its sections. The page needs no network: the script tags
nbconvert adds for JavaScript loaders and MathJax (from a CDN; the reports use neither) are
removed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from html.parser import HTMLParser

from policingstudy.core.types import LANGS, Lang
from policingstudy.i18n import t

NAV_CSS = (
    ".ps-nav{font-family:'DejaVu Sans',Arial,sans-serif;font-size:.85em;background:#f3f5f7;"
    "border-bottom:1px solid #d0d7de;padding:.5em 1em;margin:0 0 1em 0}"
    ".ps-nav a{margin-right:1em}.ps-toc{font-size:.85em;margin:0 1em 1em 1em}"
    ".ps-toc ol{margin:.2em 0 .2em 1.2em;padding:0}.ps-toc li{margin:.1em 0}"
    "@media print{.ps-nav{display:none}}"
)
_REMOTE_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.I)


class _Headings(HTMLParser):
    """Collect ``(level, id, text)`` of h1/h2 headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []
        self._open: tuple[int, str] | None = None
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2"):
            self._open = (int(tag[1]), dict(attrs).get("id") or "")
            self._text = []
        elif tag == "a" and self._open is not None:
            classes = dict(attrs).get("class") or ""
            if "anchor-link" in classes:
                self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._skip:
            self._skip -= 1
        elif tag in ("h1", "h2") and self._open is not None:
            level, anchor = self._open
            text = "".join(self._text).strip()
            if text and anchor:
                self.found.append((level, anchor, text))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None and not self._skip:
            self._text.append(data)


def headings(page: str) -> list[tuple[int, str, str]]:
    """The page's h1 and h2 headings as ``(level, id, text)``, in order."""
    parser = _Headings()
    parser.feed(page)
    return parser.found


def decorate(page: str, *, lang: Lang, stem: str, tables_href: str, tables: Iterable[str]) -> str:
    """Add the navigation bar and contents to a report page and drop remote scripts.

    Parameters
    ----------
    page
        The HTML from nbconvert.
    lang, stem
        The report's language and notebook stem (for the links to the other languages).
    tables_href
        Link from the page to its tables' folder (``../tables/<stem>``).
    tables
        Names of the tables the report published (CSV files in that folder).
    """
    page = _REMOTE_SCRIPT.sub("", page)
    links = [f'<a href="../index.html">{html.escape(t("common.nav_index", lang))}</a>']
    links += [
        f'<a href="../{other}/{html.escape(stem)}.html" hreflang="{other}" lang="{other}">'
        f"{html.escape(t('common.language_name', other))}</a>"
        for other in LANGS
        if other != lang
    ]
    downloads = [
        f'<a href="{html.escape(tables_href)}/{html.escape(name)}.csv" download>'
        f"{html.escape(name)}.csv</a>"
        for name in sorted(tables)
    ]
    if downloads:
        links.append(f"{html.escape(t('common.nav_downloads', lang))}: " + " ".join(downloads))
    nav = f'<nav class="ps-nav">{" ".join(links)}</nav>'
    sections = [h for h in headings(page) if h[0] == 2]
    toc = ""
    if len(sections) >= 3:
        items = "".join(
            f'<li><a href="#{html.escape(anchor)}">{html.escape(text)}</a></li>'
            for _, anchor, text in sections
        )
        toc = (
            f'<nav class="ps-toc"><b>{html.escape(t("common.nav_contents", lang))}</b>'
            f"<ol>{items}</ol></nav>"
        )
    page = page.replace("</head>", f"<style>{NAV_CSS}</style></head>", 1)
    body = re.search(r"<body[^>]*>", page)
    if body is None:
        return page
    first_h1 = page.find("</h1>", body.end())
    page = page[: body.end()] + nav + page[body.end() :]
    if toc and first_h1 != -1:
        at = page.find("</h1>", body.end() + len(nav)) + len("</h1>")
        page = page[:at] + toc + page[at:]
    return page
