"""Find English left in the rendered Kazakh and Russian reports.

Every text node of a report's HTML is read, except:

- text inside an element whose ``lang`` differs from the report's (``lang="en"`` or ``"de"``
  for names, titles and citations shown in their original language, ``lang="zxx"`` for ids,
  codes and URLs; see :func:`policingstudy.report.tables.original`);
- ``<style>``, ``<script>``, ``<code>``, ``<pre>``, ``<svg>`` and ``<math>`` (code, not prose).

In what is left, any Latin-script word of three letters or more (the rules of
:mod:`policingstudy.i18n.scripts`: codes such as ``IND02``, ``KZ_102`` or ``30-VIII``, URLs,
file names and Roman numerals are not words) is English left in the report, unless it belongs to
a phrase of the allow-list ``tests/data/latin_allowlist.txt``: acronyms, proper names and the
English terms a text gives in parentheses at first mention. The allow-list holds phrases, matched
whole and case-sensitively, so allowing "doubly robust" does not allow "robust" elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from policingstudy.i18n.scripts import latin_words

ALLOWLIST = Path(__file__).parent / "data" / "latin_allowlist.txt"
SKIPPED_TAGS = frozenset({"style", "script", "code", "pre", "svg", "math"})
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass(frozen=True)
class Leftover:
    """One English word found in a report, with the text around it."""

    report: str
    word: str
    context: str

    def __str__(self) -> str:
        return f"{self.report}: {self.word!r} in {self.context!r}"


class _Text(HTMLParser):
    """Collect the text nodes that are neither code nor marked as another language."""

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        marked = dict(attrs).get("lang")
        skip = tag in SKIPPED_TAGS or (marked is not None and marked != self.lang)
        self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(skip for _, skip in self.stack):
            self.chunks.append(data)


def load_allowlist(path: Path = ALLOWLIST) -> list[str]:
    """The allowed phrases (one a line; ``#`` starts a comment), longest first."""
    phrases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        phrase = line.split("#", 1)[0].strip()
        if phrase:
            phrases.append(phrase)
    return sorted(set(phrases), key=len, reverse=True)


def _allowed_pattern(phrases: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w'’])")


def text_nodes(html: str, lang: str) -> list[str]:
    """The text of ``html`` a reader of ``lang`` reads as the report's own language."""
    parser = _Text(lang)
    parser.feed(html)
    parser.close()
    return parser.chunks


def leftovers(html: str, lang: str, report: str, phrases: list[str]) -> list[Leftover]:
    """English words in the text of one report (see the module docstring)."""
    allowed = _allowed_pattern(phrases) if phrases else None
    found = []
    for chunk in text_nodes(html, lang):
        text = allowed.sub(" ", chunk) if allowed else chunk
        for word in latin_words(text):
            start = max(chunk.find(word) - 60, 0)
            context = " ".join(chunk[start : start + 160].split())
            found.append(Leftover(report, word, context))
    return found


def scan_reports(folder: Path, lang: str, phrases: list[str] | None = None) -> list[Leftover]:
    """English words in every ``*.html`` report of ``folder`` (a ``reports/<lang>`` folder)."""
    phrases = load_allowlist() if phrases is None else phrases
    found = []
    for path in sorted(folder.glob("*.html")):
        found += leftovers(path.read_text(encoding="utf-8"), lang, f"{lang}/{path.name}", phrases)
    return found
