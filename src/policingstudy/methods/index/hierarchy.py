"""The structure of a composite index, read from a COINr-style ``iMeta`` table and validated.

A meta table has one row per code with columns ``iCode``, ``Level``, ``Parent``, ``Weight`` and
``Direction``. Level 1 rows are indicators (columns of the data); each higher level holds
aggregates whose children are the rows of the level below naming them as ``Parent``. The top
level has no parent. As in COINr, a row's ``Weight`` is its weight inside its parent (weights are
relative: they are rescaled to sum to one within each parent), and ``Direction`` (+1 or -1, also
``"+"``/``"-"``) is read for indicators only. If a ``Type`` column is present, only rows typed
``Indicator`` or ``Aggregate`` are used (COINr also lists ``Group`` and ``Denominator`` rows).

Everything is checked before any computation and reported as :class:`SpecificationError`: missing
columns, duplicate codes, non-integer levels, negative or missing weights, a parent that is not a
code (orphan), a cycle, a parent not exactly one level up, an aggregate with no children, and
indicator codes that do not match the data columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policingstudy.core.errors import SpecificationError

META_COLUMNS = ("iCode", "Level", "Parent", "Weight", "Direction")
USED_TYPES = ("Indicator", "Aggregate")


@dataclass(frozen=True)
class Step:
    """One aggregation step: the codes of one level combined into the codes one level up.

    Attributes
    ----------
    level
        The level of the aggregates this step produces.
    children
        Codes of the level below, in the order the engine holds them.
    parents
        Codes produced, in output order.
    membership
        ``(len(children), len(parents))`` 0/1 matrix: child ``i`` belongs to parent ``j``.
    weights
        Nominal weight of each child inside its parent (not rescaled).
    """

    level: int
    children: tuple[str, ...]
    parents: tuple[str, ...]
    membership: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True)
class Hierarchy:
    """A validated index structure.

    Attributes
    ----------
    indicators
        Level-1 codes, in the column order of the data.
    directions
        +1 or -1 per indicator.
    steps
        Aggregation steps, bottom-up.
    """

    indicators: tuple[str, ...]
    directions: np.ndarray
    steps: tuple[Step, ...]

    @property
    def aggregates(self) -> tuple[str, ...]:
        """All aggregate codes, level by level (the engine's output columns)."""
        return tuple(code for step in self.steps for code in step.parents)

    @property
    def top(self) -> tuple[str, ...]:
        """Codes of the highest level (usually the single overall index)."""
        return self.steps[-1].parents if self.steps else self.indicators

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Codes one level below the top (the dimensions of a three-level index)."""
        return self.steps[-1].children if self.steps else self.indicators

    @property
    def weighted_codes(self) -> tuple[str, ...]:
        """Every code carrying a weight (all children of every step), in engine order."""
        return tuple(code for step in self.steps for code in step.children)

    @property
    def nominal_weights(self) -> np.ndarray:
        """Nominal weights aligned with :attr:`weighted_codes`."""
        if not self.steps:
            return np.zeros(0)
        return np.concatenate([step.weights for step in self.steps])

    def with_weights(self, weights: dict[str, float]) -> Hierarchy:
        """Return a copy with the weights of the given codes replaced (codes must exist)."""
        known = set(self.weighted_codes)
        unknown = sorted(set(weights) - known)
        if unknown:
            raise SpecificationError(
                f"weights: codes {unknown} are not weighted codes of the index; "
                f"expected some of {sorted(known)}"
            )
        steps = []
        for step in self.steps:
            new = np.array(
                [weights.get(c, w) for c, w in zip(step.children, step.weights, strict=True)]
            )
            _check_weight_values(dict(zip(step.children, new, strict=True)))
            steps.append(
                Step(step.level, step.children, step.parents, step.membership, new.astype(float))
            )
        _check_group_sums(steps)
        return Hierarchy(self.indicators, self.directions, tuple(steps))


def _check_weight_values(weights: dict[str, float]) -> None:
    bad = {c: w for c, w in weights.items() if not np.isfinite(w) or w < 0}
    if bad:
        raise SpecificationError(
            f"weights: found negative or missing weights {bad}; "
            "expected finite numbers >= 0 (weights are relative within each parent)"
        )


def _check_group_sums(steps: Sequence[Step]) -> None:
    for step in steps:
        sums = step.weights @ step.membership
        zero = [p for p, s in zip(step.parents, sums, strict=True) if s <= 0]
        if zero:
            raise SpecificationError(
                f"weights: the children of {zero} all have weight 0; "
                "expected at least one positive weight per aggregate"
            )


def parse_direction(value: object, code: str) -> int:
    """Read an indicator direction: ``1``/``-1`` (any numeric type) or ``"+"``/``"-"``."""
    if isinstance(value, str) and value.strip() in ("+", "-"):
        return 1 if value.strip() == "+" else -1
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = np.nan
    if number in (1.0, -1.0):
        return int(number)
    shown = value.item() if isinstance(value, np.generic) else value
    raise SpecificationError(
        f"meta: Direction of indicator '{code}' is {shown!r}; expected 1, -1, '+' or '-'"
    )


def _select_rows(meta: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in META_COLUMNS if c not in meta.columns]
    if missing:
        raise SpecificationError(
            f"meta: missing column(s) {missing}; expected columns {list(META_COLUMNS)} "
            "(COINr iMeta layout)"
        )
    rows = meta
    if "Type" in meta.columns:
        rows = meta[meta["Type"].isin(USED_TYPES)]
    rows = rows.reset_index(drop=True)
    codes = rows["iCode"]
    if codes.isna().any() or (codes.astype(str).str.strip() == "").any():
        raise SpecificationError("meta: found empty iCode values; expected a code on every row")
    dup = sorted(codes[codes.duplicated()].astype(str).unique())
    if dup:
        raise SpecificationError(f"meta: duplicate iCode(s) {dup}; expected each code once")
    return rows


def _levels(rows: pd.DataFrame) -> dict[str, int]:
    levels: dict[str, int] = {}
    for code, level in zip(rows["iCode"].astype(str), rows["Level"], strict=True):
        try:
            number = float(level)
        except (TypeError, ValueError):
            number = np.nan
        if not np.isfinite(number) or number < 1 or number != int(number):
            raise SpecificationError(
                f"meta: Level of '{code}' is {level!r}; expected an integer >= 1 "
                "(1 = indicator, higher = aggregate)"
            )
        levels[code] = int(number)
    return levels


def _parents(rows: pd.DataFrame, levels: dict[str, int]) -> dict[str, str | None]:
    top = max(levels.values())
    parents: dict[str, str | None] = {}
    for code, parent in zip(rows["iCode"].astype(str), rows["Parent"], strict=True):
        name = None if pd.isna(parent) or str(parent).strip() == "" else str(parent).strip()
        if name is None and levels[code] != top:
            raise SpecificationError(
                f"meta: '{code}' (Level {levels[code]}) has no Parent; expected a parent at "
                f"Level {levels[code] + 1} (only the top level, {top}, has none): orphan code"
            )
        if name is not None and name not in levels:
            raise SpecificationError(
                f"meta: Parent '{name}' of '{code}' is not an iCode; expected one of the "
                f"Level {levels[code] + 1} codes: orphan code"
            )
        parents[code] = name
    return parents


def _check_cycles(parents: dict[str, str | None]) -> None:
    for start in parents:
        path = [start]
        node = parents[start]
        while node is not None:
            if node in path:
                cycle = " -> ".join([*path[path.index(node) :], node])
                raise SpecificationError(
                    f"meta: the hierarchy has a cycle ({cycle}); expected a tree in which "
                    "following Parent always reaches the top"
                )
            path.append(node)
            node = parents[node]


def parse_meta(meta: pd.DataFrame, indicator_codes: Sequence[str] | None = None) -> Hierarchy:
    """Validate a COINr-style meta table and return its :class:`Hierarchy`.

    Parameters
    ----------
    meta
        Columns ``iCode``, ``Level``, ``Parent``, ``Weight``, ``Direction`` (``Type`` optional).
    indicator_codes
        The indicator columns of the data, in order. Level-1 codes must match them exactly
        (same set); if omitted, the meta's own order is used.

    Returns
    -------
    Hierarchy

    Raises
    ------
    SpecificationError
        For any of the problems listed in the module docstring.
    """
    rows = _select_rows(meta)
    levels = _levels(rows)
    parents = _parents(rows, levels)
    _check_cycles(parents)
    for code, parent in parents.items():
        if parent is not None and levels[parent] != levels[code] + 1:
            raise SpecificationError(
                f"meta: '{code}' is at Level {levels[code]} but its Parent '{parent}' is at "
                f"Level {levels[parent]}; expected the parent exactly one level up"
            )
    weights = dict(
        zip(rows["iCode"].astype(str), pd.to_numeric(rows["Weight"], errors="coerce"), strict=True)
    )
    top = max(levels.values())
    _check_weight_values({c: float(w) for c, w in weights.items() if levels[c] != top})

    meta_indicators = [c for c in levels if levels[c] == 1]
    if indicator_codes is None:
        ordered = meta_indicators
    else:
        ordered = [str(c) for c in indicator_codes]
        missing = sorted(set(meta_indicators) - set(ordered))
        extra = sorted(set(ordered) - set(meta_indicators))
        if missing or extra or len(ordered) != len(set(ordered)):
            raise SpecificationError(
                "weights/meta do not match the indicators: "
                f"in meta but not in the data: {missing}; in the data but not in meta: {extra}; "
                "expected the Level-1 iCodes to equal the indicator columns"
            )
    directions = rows.set_index(rows["iCode"].astype(str))["Direction"]
    dirs = np.array([parse_direction(directions[c], c) for c in ordered], dtype=float)

    steps: list[Step] = []
    children = tuple(ordered)
    for level in range(2, top + 1):
        parent_codes = tuple(c for c in levels if levels[c] == level)
        childless = [p for p in parent_codes if not any(parents[c] == p for c in children)]
        if childless:
            raise SpecificationError(
                f"meta: aggregate(s) {childless} at Level {level} have no children; "
                f"expected at least one Level {level - 1} code naming each as Parent"
            )
        membership = np.array(
            [[1.0 if parents[c] == p else 0.0 for p in parent_codes] for c in children]
        )
        w = np.array([float(weights[c]) for c in children])
        steps.append(Step(level, children, parent_codes, membership, w))
        children = parent_codes
    _check_group_sums(steps)
    return Hierarchy(tuple(ordered), dirs, tuple(steps))
