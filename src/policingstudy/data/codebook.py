"""The codebook: dimensions, indicators, their scales, anchors and labels in three languages.

Authored in ``data/raw/dataset/codebook.yaml``; this module reads and checks it. Everything else
(schemas, tables, figure labels) takes names, scales and labels from here.
"""

from __future__ import annotations

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
        ``anchor_<level>``, ``references``.
    title
        The codebook title by language.
    version
        Codebook version string.
    """

    dimensions: pd.DataFrame
    indicators: pd.DataFrame
    title: dict[str, str]
    version: str

    @property
    def scale(self) -> tuple[int, int]:
        """The (min, max) of the ordinal scale shared by the indicators."""
        return int(self.indicators["scale_min"].min()), int(self.indicators["scale_max"].max())

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


def load_codebook(path: Path) -> Codebook:
    """Read and check ``codebook.yaml``.

    Raises
    ------
    DataValidationError
        Naming the file, the entry and the key for every problem (missing language, unknown
        dimension, missing anchor, duplicate id).
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
    inds = []
    for i, entry in enumerate(data.get("indicators", []), start=1):
        where = f"{name}: indicators[{i}] ({entry.get('id')})"
        if entry.get("dimension") not in known_dims:
            problems.append(
                f"{where}: dimension: found {entry.get('dimension')!r}; expected one of "
                f"{sorted(known_dims)}"
            )
        anchors = {int(k): v for k, v in (entry.get("anchors") or {}).items()}
        for level in range(lo, hi + 1):
            if not str(anchors.get(level, "")).strip():
                problems.append(f"{where}: anchors.{level}: missing; expected a written anchor")
        direction = str(entry.get("direction", "+"))
        if direction not in {"+", "-"}:
            problems.append(f"{where}: direction: found {direction!r}; expected '+' or '-'")
        inds.append(
            {
                "indicator_id": entry.get("id"),
                "dimension_id": entry.get("dimension"),
                **_texts(entry, "label", where, problems),
                **_texts(entry, "definition", where, problems),
                "scale_min": lo,
                "scale_max": hi,
                "direction": direction,
                "applies_to": str(entry.get("applies_to", "")),
                **{f"anchor_{lv}": str(anchors.get(lv, "")) for lv in range(lo, hi + 1)},
                "references": ";".join(entry.get("references", [])),
            }
        )
    indicators = pd.DataFrame(inds)
    for frame, column in ((dimensions, "dimension_id"), (indicators, "indicator_id")):
        if len(frame):
            dup = frame.loc[frame[column].duplicated(), column]
            problems += [f"{name}: {column} {v!r} is defined twice" for v in dup]
    if problems:
        raise DataValidationError(problems)
    title: dict[str, str] = {lang: str(data.get("title", {}).get(lang, "")) for lang in LANGS}
    return Codebook(dimensions, indicators, title, str(data.get("version", "")))
