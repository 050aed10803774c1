"""Latin-script words in Kazakh and Russian text: what counts as one, and where it may stand.

The Kazakh and Russian reports are written in Cyrillic. Latin script is expected in them only
where a name, citation or code is shown in its original language (marked ``lang`` in the HTML)
and in codes that are not words (``IND02``, ``KZ_102``, ``30-VIII``, ``§ 4.136``). This module
gives the rules that the dataset validation, the report tables and the report test share:

- a *word* is a run of Latin letters (accented letters included: ``Bürger``), possibly joined
  by an apostrophe, ``&`` or a hyphen (``V-Dem``, ``Sant'Anna``);
- a whitespace-delimited token that holds a digit, an underscore, ``@`` or ``/`` is a code or a
  reference (``IND02``, ``KZ_102``, ``2012-Or-061``, ``I/22``), not a word; so are URLs, domain
  names (``egov.kz``) and file names;
- Roman numerals (``XVIII``, ``VIII``) are numbers, not words.
"""

from __future__ import annotations

import re

__all__ = [
    "LATIN_WORD",
    "ORIGINAL_LANGS",
    "guess_lang",
    "latin_words",
    "original_spans",
    "outside_parentheses",
]

_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
LATIN_WORD = re.compile(rf"[{_LATIN}]+(?:['\u2019&-][{_LATIN}]+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_KAZAKH = re.compile(r"[әіңғүұқөһӘІҢҒҮҰҚӨҺ]")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_CODE_TOKEN = re.compile(r"[0-9_@/]")
_FILE = re.compile(r"\.(?:csv|ya?ml|md|ipynb|py|html?|json|pdf|xlsx?|rda|RData|shp|zip|txt)\b")
_DOMAIN = re.compile(r"\w\.(?:kz|ru|org|com|net|gov|edu|int|uk|de|us|eu|io)\b")
_GERMAN = re.compile(r"[äöüßÄÖÜ]|\b(?:und|der|die|das|des|den|über|ueber|für|fuer|von|zur|zum)\b")
_TOKEN = re.compile(r"\S+")
ORIGINAL_LANGS = {"KZ": "kk", "UK-EW": "en", "US": "en", "DE": "de"}
"""Language of a unit's original name and legal acts, by jurisdiction."""


def _is_code(token: str) -> bool:
    return (
        bool(_CODE_TOKEN.search(token))
        or "://" in token
        or token.startswith("www.")
        or bool(_FILE.search(token) or _DOMAIN.search(token))
    )


def latin_words(text: str, *, min_letters: int = 3) -> list[str]:
    """The Latin-script words of ``text`` with at least ``min_letters`` letters.

    Tokens that are codes, references, URLs or file names, and Roman numerals, are left out
    (see the module docstring).
    """
    out = []
    for token in _TOKEN.findall(text):
        if _is_code(token):
            continue
        for match in LATIN_WORD.finditer(token):
            word = match.group(0)
            if _ROMAN.match(word) or sum(ch.isalpha() for ch in word) < min_letters:
                continue
            out.append(word)
    return out


def _groups(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the top-level balanced parenthesised groups, parentheses included."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def outside_parentheses(text: str) -> str:
    """``text`` with every top-level parenthesised group replaced by a space."""
    out, last = [], 0
    for start, end in _groups(text):
        out.append(text[last:start])
        out.append(" ")
        last = end
    out.append(text[last:])
    return "".join(out)


def original_spans(text: str) -> list[tuple[int, int]]:
    """Spans of original-language material: Latin-script runs inside parentheses.

    A translated title is followed by its original in parentheses ("Закон о реформе полиции
    (Police Reform Act 2002, c. 30)"). Within each top-level group, a run starts at a token with
    a Latin letter and goes on over the tokens that hold no Cyrillic letter; trailing ``;`` and
    ``,`` and an unmatched closing parenthesis are left out.
    """
    spans = []
    for g_start, g_end in _groups(text):
        inner_start, inner_end = g_start + 1, g_end - 1
        run: list[tuple[int, int]] = []
        for m in _TOKEN.finditer(text, inner_start, inner_end):
            token = m.group(0)
            if _CYRILLIC.search(token):
                if run:
                    spans.append((run[0][0], run[-1][1]))
                run = []
            elif run or LATIN_WORD.search(token):
                run.append(m.span())
        if run:
            spans.append((run[0][0], run[-1][1]))
    trimmed = []
    for start, end in spans:
        while end > start and text[end - 1] in ";,":
            end -= 1
        while (
            end > start
            and text[end - 1] == ")"
            and text.count("(", start, end) < text.count(")", start, end)
        ):
            end -= 1
        trimmed.append((start, end))
    return trimmed


def guess_lang(text: str) -> str:
    """Best guess of the language of a citation or title: ``kk``, ``ru``, ``de`` or ``en``.

    The script with more letters wins: a citation in Latin script with a Russian title in it is
    English (as published), one in Cyrillic with a Latin acronym is Kazakh or Russian.
    """
    cyrillic = len(_CYRILLIC.findall(text))
    latin = sum(len(word) for word in LATIN_WORD.findall(text))
    if cyrillic > latin:
        return "kk" if _KAZAKH.search(text) else "ru"
    if _GERMAN.search(text):
        return "de"
    return "en"
