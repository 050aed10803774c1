"""The codebook: dimensions, indicators, their scales, anchors and labels in three languages.

Authored in ``data/raw/dataset/codebook.yaml``; this module reads and checks it. Everything else
(schemas, tables, figure labels) takes names, scales and labels from here.

Anchor format. Every level of every indicator has a text in each language::

    anchors:
      0: {en: ..., kk: ..., ru: ...}
      1:
        en: ...
        kk: ...
        ru: ...
        checklist:                      # optional: verifiable conditions of this level
        - {id: fixed_term, en: ..., kk: ..., ru: ...}
        facts: [direct_election]        # optional: shared facts this level scores

An indicator either gives no checklist or gives one for every level above the scale minimum.
Checklists are cumulative: the value is the highest level whose conditions, and those of every
level below it, all hold (:func:`level_from_checklist`; PROTOCOL.md section 5). ``facts`` name a
fact that more than one indicator could reward; each fact may score on one indicator only
(:meth:`Codebook.shared_facts`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from policingstudy.core.errors import DataValidationError
from policingstudy.core.types import LANGS


@dataclass(frozen=True)
class Codebook:
    """A parsed, checked codebook.

    Attributes
    ----------
    dimensions
        One row per dimension: ``dimension_id``, ``label_<lang>``, ``description_<lang>``,
        ``references``.
    indicators
        One row per indicator: ``indicator_id``, ``dimension_id``, ``label_<lang>``,
        ``definition_<lang>``, ``scale_min``, ``scale_max``, ``direction``, ``applies_to``,
        ``anchor_<level>_<lang>``, ``anchor_<level>`` (the English text, kept for older readers),
        ``anchor_<level>_facts`` (``;``-joined fact tags), ``has_checklist``, ``references``.
    checklist
        One row per checklist condition: ``indicator_id``, ``level``, ``position`` (1-based within
        the level), ``item_id`` and ``text_<lang>``.
    unit_classes
        The closed set of unit classes (system parts): ``unit_class``, ``label_<lang>``,
        ``definition_<lang>``.
    title
        The codebook title by language.
    version
        Codebook version string.
    """

    dimensions: pd.DataFrame
    indicators: pd.DataFrame
    checklist: pd.DataFrame
    unit_classes: pd.DataFrame
    title: dict[str, str]
    version: str

    @property
    def scale(self) -> tuple[int, int]:
        """The (min, max) of the ordinal scale shared by the indicators."""
        return int(self.indicators["scale_min"].min()), int(self.indicators["scale_max"].max())

    def facts(self) -> pd.DataFrame:
        """One row per fact tag on an anchor level: ``indicator_id``, ``level``, ``fact``."""
        rows = []
        lo, hi = self.scale
        for _, ind in self.indicators.iterrows():
            for level in range(lo, hi + 1):
                for fact in filter(None, str(ind[f"anchor_{level}_facts"]).split(";")):
                    rows.append({"indicator_id": ind["indicator_id"], "level": level, "fact": fact})
        return pd.DataFrame(rows, columns=["indicator_id", "level", "fact"])

    def shared_facts(self) -> dict[str, list[str]]:
        """Fact tags used by more than one indicator, each with the indicators that use it.

        One fact should score on one indicator only; an empty dict means none is counted twice.
        """
        facts = self.facts()
        users = facts.groupby("fact")["indicator_id"].agg(lambda s: sorted(set(s)))
        return {str(fact): ids for fact, ids in users.items() if len(ids) > 1}

    def reference_ids(self) -> set[str]:
        """Every source id the codebook cites."""
        ids: set[str] = set()
        for refs in [*self.dimensions["references"], *self.indicators["references"]]:
            ids.update(r for r in refs.split(";") if r)
        return ids


def _texts(entry: dict[str, Any], key: str, where: str, problems: list[str]) -> dict[str, str]:
    value = entry.get(key) or {}
    out = {}
    for lang in LANGS:
        text = value.get(lang) if isinstance(value, dict) else None
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: {key}.{lang}: found {text!r}; expected a non-empty text")
            text = ""
        out[f"{key}_{lang}"] = text.strip()
    return out


LEVEL_KEYS = (*LANGS, "checklist", "facts")
BASES = ("law", "practice")
"""What an indicator scores: the law as written (de jure) or what is done (de facto)."""
ITEM_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _anchors(
    entry: dict[str, Any], lo: int, hi: int, where: str, problems: list[str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Check the ``anchors`` of one indicator; return its columns and its checklist rows."""
    raw = entry.get("anchors") or {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: anchors: found {raw!r}; expected a mapping of levels {lo}..{hi}")
        raw = {}
    levels: dict[int, Any] = {}
    for key, value in raw.items():
        try:
            level = int(key)
        except (TypeError, ValueError):
            level = None
        if level is None or not lo <= level <= hi:
            problems.append(f"{where}: anchors: found level {key!r}; expected levels {lo}..{hi}")
            continue
        levels[level] = value
    columns: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    with_checklist = [lv for lv, v in levels.items() if isinstance(v, dict) and v.get("checklist")]
    for level in range(lo, hi + 1):
        at = f"{where}: anchors.{level}"
        value = levels.get(level)
        if value is None:
            problems.append(f"{at}: missing; expected texts in {', '.join(LANGS)}")
            value = {}
        elif not isinstance(value, dict):
            problems.append(
                f"{at}: found a single text {str(value)[:40]!r}; expected one text per language "
                f"({', '.join(LANGS)})"
            )
            value = {}
        unknown = sorted(set(map(str, value)) - set(LEVEL_KEYS))
        if unknown:
            problems.append(f"{at}: unknown key(s) {unknown}; expected {list(LEVEL_KEYS)}")
        for lang in LANGS:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{at}.{lang}: found {text!r}; expected a non-empty text")
                text = ""
            columns[f"anchor_{level}_{lang}"] = text.strip()
        columns[f"anchor_{level}"] = columns[f"anchor_{level}_en"]
        facts = value.get("facts") or []
        if not isinstance(facts, list) or not all(
            isinstance(f, str) and ITEM_ID.match(f) for f in facts
        ):
            problems.append(
                f"{at}.facts: found {facts!r}; expected a list of tags such as [direct_election]"
            )
            facts = []
        columns[f"anchor_{level}_facts"] = ";".join(facts)
        checklist = value.get("checklist") or []
        if with_checklist and level == lo and checklist:
            problems.append(
                f"{at}.checklist: found {len(checklist)} condition(s); expected none at the scale "
                "minimum (it is the value when a level-1 condition fails)"
            )
        elif with_checklist and level > lo and not checklist:
            problems.append(
                f"{at}.checklist: missing; expected conditions for every level above {lo}, "
                f"since level(s) {sorted(with_checklist)} give a checklist"
            )
        if not isinstance(checklist, list):
            problems.append(f"{at}.checklist: found {checklist!r}; expected a list of conditions")
            checklist = []
        for k, item in enumerate(checklist, start=1):
            item_at = f"{at}.checklist[{k}]"
            item = item if isinstance(item, dict) else {}
            item_id = str(item.get("id", ""))
            if not ITEM_ID.match(item_id):
                problems.append(
                    f"{item_at}.id: found {item.get('id')!r}; expected a lower-case id such as "
                    "'fixed_term'"
                )
            texts = {}
            for lang in LANGS:
                text = item.get(lang)
                if not isinstance(text, str) or not text.strip():
                    problems.append(f"{item_at}.{lang}: found {text!r}; expected a non-empty text")
                    text = ""
                texts[f"text_{lang}"] = text.strip()
            items.append(
                {
                    "indicator_id": entry.get("id"),
                    "level": level,
                    "position": k,
                    "item_id": item_id,
                    **texts,
                }
            )
    seen: set[str] = set()
    for item in items:
        if item["item_id"] in seen:
            problems.append(
                f"{where}: anchors.{item['level']}.checklist: item id {item['item_id']!r} is "
                "used twice; expected ids unique within the indicator"
            )
        seen.add(item["item_id"])
    columns["has_checklist"] = bool(with_checklist)
    return columns, items


def load_codebook(path: Path) -> Codebook:
    """Read and check ``codebook.yaml``.

    Raises
    ------
    DataValidationError
        Naming the file, the entry and the key for every problem (missing language, unknown
        dimension, missing anchor level or language, malformed checklist, duplicate id).
    """
    name = path.as_posix()
    if not path.is_file():
        raise DataValidationError([f"{name}: file not found"])
    data = (
        yaml.load(
            path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
        or {}
    )
    problems: list[str] = []
    lo, hi = int(data.get("scale", {}).get("min", 0)), int(data.get("scale", {}).get("max", 3))
    dims = []
    for i, entry in enumerate(data.get("dimensions", []), start=1):
        where = f"{name}: dimensions[{i}] ({entry.get('id')})"
        dims.append(
            {
                "dimension_id": entry.get("id"),
                **_texts(entry, "label", where, problems),
                **_texts(entry, "description", where, problems),
                "references": ";".join(entry.get("references", [])),
            }
        )
    dimensions = pd.DataFrame(dims)
    known_dims = set(dimensions["dimension_id"]) if len(dimensions) else set()
    inds, items = [], []
    for i, entry in enumerate(data.get("indicators", []), start=1):
        where = f"{name}: indicators[{i}] ({entry.get('id')})"
        if entry.get("dimension") not in known_dims:
            problems.append(
                f"{where}: dimension: found {entry.get('dimension')!r}; expected one of "
                f"{sorted(known_dims)}"
            )
        anchors, conditions = _anchors(entry, lo, hi, where, problems)
        items += conditions
        direction = str(entry.get("direction", "+"))
        if direction not in {"+", "-"}:
            problems.append(f"{where}: direction: found {direction!r}; expected '+' or '-'")
        basis = str(entry.get("basis", ""))
        if basis not in BASES:
            problems.append(
                f"{where}: basis: found {basis!r}; expected one of {BASES} (what the indicator "
                "scores: the law as written, or what the body does in practice)"
            )
        inds.append(
            {
                "indicator_id": entry.get("id"),
                "dimension_id": entry.get("dimension"),
                **_texts(entry, "label", where, problems),
                **_texts(entry, "definition", where, problems),
                "scale_min": lo,
                "scale_max": hi,
                "direction": direction,
                "basis": basis,
                "applies_to": str(entry.get("applies_to", "")),
                **anchors,
                "references": ";".join(entry.get("references", [])),
            }
        )
    indicators = pd.DataFrame(inds)
    checklist_columns = ["indicator_id", "level", "position", "item_id"]
    checklist_columns += [f"text_{lang}" for lang in LANGS]
    checklist = pd.DataFrame(items, columns=checklist_columns)
    classes = []
    for i, entry in enumerate(data.get("unit_classes", []), start=1):
        where = f"{name}: unit_classes[{i}] ({entry.get('id')})"
        if not ITEM_ID.match(str(entry.get("id", ""))):
            problems.append(
                f"{where}: id: found {entry.get('id')!r}; expected a lower-case id such as "
                "'external_oversight'"
            )
        classes.append(
            {
                "unit_class": entry.get("id"),
                **_texts(entry, "label", where, problems),
                **_texts(entry, "definition", where, problems),
            }
        )
    if not classes:
        problems.append(f"{name}: unit_classes: missing; expected the closed list of unit classes")
    class_columns = [
        "unit_class",
        *(f"{k}_{lang}" for k in ("label", "definition") for lang in LANGS),
    ]
    unit_classes = pd.DataFrame(classes, columns=class_columns)
    for frame, column in (
        (dimensions, "dimension_id"),
        (indicators, "indicator_id"),
        (unit_classes, "unit_class"),
    ):
        if len(frame):
            dup = frame.loc[frame[column].duplicated(), column]
            problems += [f"{name}: {column} {v!r} is defined twice" for v in dup]
    if problems:
        raise DataValidationError(problems)
    title: dict[str, str] = {lang: str(data.get("title", {}).get(lang, "")) for lang in LANGS}
    return Codebook(
        dimensions, indicators, checklist, unit_classes, title, str(data.get("version", ""))
    )


def level_from_checklist(codebook: Codebook, indicator_id: str, met: Iterable[str]) -> int:
    """The level an indicator's checklist gives when the conditions ``met`` hold.

    The highest level L such that every condition of levels above the scale minimum up to L is in
    ``met``; the scale minimum when a condition of the first level is missing (PROTOCOL.md,
    section 5).

    Raises
    ------
    DataValidationError
        If the indicator is unknown or has no checklist, or ``met`` names a condition the
        indicator does not have.
    """
    known = set(codebook.indicators["indicator_id"])
    if indicator_id not in known:
        raise DataValidationError(
            [f"indicator {indicator_id!r}: unknown; expected one of the codebook's"]
        )
    items = codebook.checklist[codebook.checklist["indicator_id"] == indicator_id]
    if items.empty:
        raise DataValidationError(
            [f"indicator {indicator_id!r}: has no checklist; code it from the anchors"]
        )
    met = set(met)
    unknown = sorted(met - set(items["item_id"]))
    if unknown:
        raise DataValidationError(
            [
                f"indicator {indicator_id!r}: unknown condition(s) {unknown}; expected ids of its "
                f"checklist {sorted(items['item_id'])}"
            ]
        )
    lo, _ = codebook.scale
    value = lo
    for level, group in items.groupby(items["level"].astype(int), sort=True):
        if not set(group["item_id"]) <= met:
            break
        value = int(level)
    return value
