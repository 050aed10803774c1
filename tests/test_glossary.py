"""The terminology glossary (src/policingstudy/i18n/glossary.csv) and its forbidden variants.

Each glossary row fixes one rendering of a concept in en, kk and ru and lists variants that must
not be used (semicolon-separated). Every catalog string, every codebook label, definition,
description and anchor, and every unit name is searched for those variants:

- whole words only, case-insensitive, Cyrillic-aware (Kazakh letters count as word letters, and
  ё matches е); a variant written in capitals (an abbreviation such as СО) matches capitals only;
- ``*`` at the end of a word stands for any ending (``надзор*`` finds надзор, надзора,
  надзорный);
- a match that lies inside an approved term of any concept is allowed (``надзор`` inside
  ``прокурорский надзор``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT

GLOSSARY = ROOT / "src" / "policingstudy" / "i18n" / "glossary.csv"
CATALOGS = ROOT / "src" / "policingstudy" / "i18n"
CODEBOOK = ROOT / "data" / "raw" / "dataset" / "codebook.yaml"
UNITS = ROOT / "data" / "raw" / "dataset" / "units"
COLUMNS = [
    "concept_id",
    "en",
    "kk",
    "ru",
    "source",
    "forbidden_en",
    "forbidden_kk",
    "forbidden_ru",
    "note",
]
LANGS = ("en", "kk", "ru")
_YO = str.maketrans({"ё": "е", "Ё": "Е"})


@dataclass(frozen=True)
class Variant:
    """A forbidden variant of one concept in one language, compiled to a regex."""

    concept: str
    lang: str
    text: str
    approved: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Finding:
    """One forbidden variant found in one text."""

    where: str
    found: str
    variant: Variant

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.found!r} matches the forbidden variant {self.variant.text!r} "
            f"of concept {self.variant.concept!r} ({self.variant.lang}); "
            f"use {self.variant.approved!r}"
        )


def _words_pattern(phrase: str, *, wildcard: bool) -> str:
    parts = []
    for word in phrase.translate(_YO).split():
        if wildcard and word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word))
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


def compile_variant(text: str, *, case_sensitive: bool | None = None) -> re.Pattern[str]:
    """Regex of a forbidden variant (see the module docstring for the rules)."""
    if case_sensitive is None:
        letters = [ch for ch in text if ch.isalpha()]
        case_sensitive = bool(letters) and all(ch.isupper() for ch in letters)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(_words_pattern(text, wildcard=True), flags)


def load_glossary(path: Path = GLOSSARY) -> list[dict[str, str]]:
    """Read the glossary and check its shape; raise AssertionError naming row and field."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS, f"{path.name}: columns {reader.fieldnames}"
        rows = list(reader)
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        cid = row["concept_id"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", cid), f"{path.name} line {line}: id {cid!r}"
        assert cid not in seen, f"{path.name} line {line}: duplicate concept_id {cid!r}"
        seen.add(cid)
        for field in ("en", "kk", "ru", "source"):
            assert row[field].strip(), f"{path.name} line {line} ({cid}): empty {field}"
    return rows


def variants(rows: list[dict[str, str]]) -> list[Variant]:
    """Every forbidden variant of the glossary, compiled."""
    out = []
    for row in rows:
        for lang in LANGS:
            for text in row[f"forbidden_{lang}"].split(";"):
                if text.strip():
                    out.append(
                        Variant(
                            row["concept_id"], lang, text.strip(), row[lang], compile_variant(text)
                        )
                    )
    return out


def approved_patterns(rows: list[dict[str, str]], lang: str) -> list[re.Pattern[str]]:
    """The approved terms of ``lang`` (literal, case-insensitive), inside which matches are allowed."""
    return [
        re.compile(_words_pattern(row[lang], wildcard=False), re.IGNORECASE)
        for row in rows
        if row[lang].strip()
    ]


def find(
    text: str, lang: str, where: str, rows: list[dict[str, str]], checks: list[Variant]
) -> list[Finding]:
    """Forbidden variants of ``lang`` in ``text``, except inside an approved term."""
    plain = text.translate(_YO)
    allowed = [m.span() for p in approved_patterns(rows, lang) for m in p.finditer(plain)]
    found = []
    for variant in checks:
        if variant.lang != lang:
            continue
        for match in variant.pattern.finditer(plain):
            start, end = match.span()
            if any(a <= start and end <= b for a, b in allowed):
                continue
            found.append(Finding(where, text[start:end], variant))
    return found


def catalog_texts(path: Path) -> list[tuple[str, str]]:
    """(key, text) of one catalog file; each plural form is its own text."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.extend((f"{key}.{form}", str(text)) for form, text in value.items())
        elif value is not None:
            out.append((str(key), str(value)))
    return out


def codebook_texts() -> list[tuple[str, str, str]]:
    """(where, lang, text) of the codebook's title, labels, definitions, descriptions, anchors."""
    book = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    out: list[tuple[str, str, str]] = []

    def add(where: str, value: object, default_lang: str = "en") -> None:
        if isinstance(value, dict):
            for lang, text in value.items():
                if lang in LANGS and text:
                    out.append((f"{where}.{lang}", str(lang), str(text)))
        elif value:
            out.append((where, default_lang, str(value)))

    add("title", book.get("title"))
    for dim in book["dimensions"]:
        for field in ("label", "description"):
            add(f"{dim['id']}.{field}", dim.get(field))
    for ind in book["indicators"]:
        for field in ("label", "definition"):
            add(f"{ind['id']}.{field}", ind.get(field))
        for level, anchor in (ind.get("anchors") or {}).items():
            add(f"{ind['id']}.anchors.{level}", anchor)
    return out


def unit_names() -> list[tuple[str, str, str]]:
    """(where, lang, name) of every unit in data/raw/dataset/units/*.csv."""
    out = []
    for path in sorted(UNITS.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                for lang in LANGS:
                    out.append(
                        (
                            f"{path.relative_to(ROOT)} line {line} ({row['unit_id']}), name_{lang}",
                            lang,
                            row[f"name_{lang}"],
                        )
                    )
    return out


ROWS = load_glossary()
CHECKS = variants(ROWS)
CATALOG_FILES = sorted(CATALOGS.glob("*/*.yaml"))


def _report(findings: list[Finding]) -> str:
    return "\n".join(str(f) for f in findings)


def test_glossary_has_the_columns_unique_ids_and_all_three_languages():
    assert len(ROWS) >= 25
    ids = [r["concept_id"] for r in ROWS]
    assert len(ids) == len(set(ids))
    for needed in (
        "internal_affairs_bodies",
        "civilian_oversight",
        "police_commissioner_de",
        "police_force_ew",
        "review_nacole",
        "outcome",
        "treated",
        "rank",
        "standard_error",
        "fte",
        "doubly_robust",
        "pre_trends",
        "thesis_linkage",
    ):
        assert needed in ids


def test_glossary_fixes_the_official_kazakhstan_terms():
    by_id = {r["concept_id"]: r for r in ROWS}
    assert by_id["internal_affairs_bodies"]["kk"] == "ішкі істер органдары"
    assert by_id["internal_affairs_bodies"]["ru"] == "органы внутренних дел"
    assert by_id["civilian_oversight"]["kk"] == "азаматтық бақылау"
    assert by_id["civilian_oversight"]["ru"] == "гражданский контроль"
    assert "надзор*" in by_id["oversight"]["forbidden_ru"]
    assert "adilet.zan.kz" in by_id["prosecutorial_supervision"]["source"]


def test_no_approved_term_is_itself_forbidden():
    for variant in CHECKS:
        approved = ROWS[[r["concept_id"] for r in ROWS].index(variant.concept)][variant.lang]
        assert not variant.pattern.fullmatch(approved.translate(_YO)), variant


def test_load_glossary_names_the_bad_row(tmp_path):
    bad = tmp_path / "glossary.csv"
    bad.write_text(",".join(COLUMNS) + "\nx,one,,бір,src,,,,\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"glossary.csv line 2 \(x\): empty kk"):
        load_glossary(bad)
    bad.write_text(",".join(COLUMNS) + "\nx,a,b,c,s,,,,\nx,a,b,c,s,,,,\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="line 3: duplicate concept_id 'x'"):
        load_glossary(bad)


@pytest.mark.parametrize(
    ("text", "variant", "lang", "hits"),
    [
        ("Органы гражданского НАДЗОРА", "надзор*", "ru", ["НАДЗОРА"]),
        ("Прокурорский надзор за законностью", "надзор*", "ru", []),  # inside an approved term
        ("поднадзорный", "надзор*", "ru", []),  # whole words only
        ("работа со СМИ", "СО", "ru", []),  # abbreviations match capitals only
        ("Средняя СО", "СО", "ru", ["СО"]),
        ("азаматтық бақылау агенттігі", "бақылау агентт*", "kk", ["бақылау агенттігі"]),
        ("Соединенные Штаты", "Соединённые Штаты", "ru", ["Соединенные Штаты"]),  # ё = е
        ("полиция уәкілдері", "полиция уәкіл*", "kk", ["полиция уәкілдері"]),
        ("полиция істері жөніндегі уәкіл", "полиция уәкіл*", "kk", []),
    ],
)
def test_matching_rules(text, variant, lang, hits):
    check = Variant("c", lang, variant, "", compile_variant(variant))
    assert [f.found for f in find(text, lang, "x", ROWS, [check])] == hits


def test_finding_names_file_key_and_variant():
    check = Variant("oversight", "ru", "надзор*", "контроль", compile_variant("надзор*"))
    (finding,) = find("модели надзора", "ru", "ru/common.yaml, key 'x'", ROWS, [check])
    assert str(finding) == (
        "ru/common.yaml, key 'x': 'надзора' matches the forbidden variant 'надзор*' of concept "
        "'oversight' (ru); use 'контроль'"
    )


@pytest.mark.parametrize(
    "path", CATALOG_FILES, ids=[f"{p.parent.name}/{p.name}" for p in CATALOG_FILES]
)
def test_catalog_uses_no_forbidden_variant(path):
    lang = path.parent.name
    rel = path.relative_to(ROOT)
    findings = [
        f
        for key, text in catalog_texts(path)
        for f in find(text, lang, f"{rel}, key {key!r}", ROWS, CHECKS)
    ]
    assert not findings, _report(findings)


def test_codebook_uses_no_forbidden_variant():
    rel = CODEBOOK.relative_to(ROOT)
    findings = [
        f
        for where, lang, text in codebook_texts()
        for f in find(text, lang, f"{rel}, {where}", ROWS, CHECKS)
    ]
    assert not findings, _report(findings)


def test_unit_names_use_no_forbidden_variant():
    findings = [
        f for where, lang, text in unit_names() for f in find(text, lang, where, ROWS, CHECKS)
    ]
    assert not findings, _report(findings)
