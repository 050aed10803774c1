"""The audit of decisive cells: the coded values that set a system's score on an indicator.

A jurisdiction's *system* is its hand-coded units that exist on the reference date. Under the
index's "best available" construction a system's value on an indicator is the highest value
among its units, so the cells holding that value decide the score; they are listed for two
boundaries (every class of unit, and external oversight bodies only). Every decisive cell of an
indicator that scores the law (``basis: law`` in the codebook) must cite a primary source (a
legal act read at the provision: source kind ``law``); for an indicator that scores practice,
the body's own or an official publication counts (``law``, ``official``, ``report``).
Otherwise the cell must be *flagged*: downgraded to low confidence, or listed with a reason in
``data/raw/dataset/audit.csv`` (``unit_id, indicator_id, flag, note``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from policingstudy.core.errors import DataValidationError
from policingstudy.data.dataset import REFERENCE_DATE, unit_validity
from policingstudy.data.schemas import read_csv, record_lines

AUDIT_FILE = "audit.csv"
AUDIT_COLUMNS = ["unit_id", "indicator_id", "flag", "note"]
FLAGS = ("secondary_source", "news_only", "inferred", "not_in_force_checked")
PRIMARY_KINDS = {"law": frozenset({"law"}), "practice": frozenset({"law", "official", "report"})}
EXTERNAL_CLASS = "external_oversight"
DECISIVE_COLUMNS = [
    "unit_id",
    "jurisdiction",
    "indicator_id",
    "basis",
    "value",
    "boundaries",
    "source_id",
    "source_type",
    "confidence",
    "primary",
    "audited",
    "flag",
    "note",
]


def load_audit(folder: Path, *, units: set[str], indicators: set[str]) -> pd.DataFrame:
    """Read ``audit.csv`` (empty when absent), checking ids, flags and duplicates.

    Raises
    ------
    DataValidationError
        Naming file, line, column, what was found and what was expected.
    """
    path = folder / AUDIT_FILE
    if not path.exists():
        return pd.DataFrame(columns=AUDIT_COLUMNS)
    frame = read_csv(path)
    rel = f"data/raw/dataset/{AUDIT_FILE}"
    if list(frame.columns) != AUDIT_COLUMNS:
        raise DataValidationError(
            [f"{rel}: header: found {list(frame.columns)}; expected {AUDIT_COLUMNS}"]
        )
    problems = []
    for line, (_, row) in zip(record_lines(path), frame.iterrows(), strict=True):
        where = f"{rel}: line {line}"
        if row["unit_id"] not in units:
            problems.append(f"{where}, column 'unit_id': unknown unit id {row['unit_id']!r}")
        if row["indicator_id"] not in indicators:
            problems.append(
                f"{where}, column 'indicator_id': unknown indicator {row['indicator_id']!r}"
            )
        if row["flag"] not in FLAGS:
            problems.append(
                f"{where}, column 'flag': found {row['flag']!r}; expected one of {FLAGS}"
            )
        if pd.isna(row["note"]) or not str(row["note"]).strip():
            problems.append(f"{where}, column 'note': empty; expected the reason in words")
    if frame.duplicated(["unit_id", "indicator_id"]).any():
        problems.append(f"{rel}: a unit x indicator is listed twice; expected one row per cell")
    if problems:
        raise DataValidationError(problems)
    return frame.fillna("")


def decisive_cells(
    codings: pd.DataFrame,
    units: pd.DataFrame,
    events: pd.DataFrame,
    indicators: pd.DataFrame,
    sources: pd.DataFrame,
    audit: pd.DataFrame,
    *,
    on: dt.date = REFERENCE_DATE,
) -> pd.DataFrame:
    """List the cells that set a system's value on an indicator, with their audit status.

    Parameters
    ----------
    codings
        Consensus codings (one row per unit x indicator).
    units, events
        The hand-coded units (with ``unit_class``) and their dated events.
    indicators
        The codebook's indicators (with ``basis``).
    sources
        The source registry of the dataset (``source_id``, ``kind``).
    audit
        :func:`load_audit`.
    on
        Reference date: only units that exist on it form the systems.

    Returns
    -------
    pandas.DataFrame
        :data:`DECISIVE_COLUMNS`, sorted by jurisdiction, indicator and unit. ``boundaries`` is
        ``all``, ``external`` or ``all;external``.
    """
    hand = units[units["origin"] == "hand_coded"] if "origin" in units.columns else units
    validity = unit_validity(hand, events[events["unit_id"].isin(hand["unit_id"])], on=on)
    existing = set(validity.loc[validity["exists"].fillna(False).astype(bool), "unit_id"])
    info = hand.set_index("unit_id")
    coded = codings[(codings["status"] == "coded") & codings["unit_id"].isin(existing)].copy()
    coded["jurisdiction"] = coded["unit_id"].map(info["jurisdiction"])
    coded["external"] = coded["unit_id"].map(info["unit_class"]).eq(EXTERNAL_CLASS)
    coded["value"] = pd.to_numeric(coded["value"])
    keys = ["jurisdiction", "indicator_id"]
    top_all = coded.groupby(keys)["value"].transform("max")
    top_ext = coded[coded["external"]].groupby(keys)["value"].transform("max")
    coded["in_all"] = coded["value"].eq(top_all).fillna(False).astype(bool)
    coded["in_ext"] = coded["value"].eq(top_ext.reindex(coded.index)).fillna(False).astype(bool)
    decisive = coded[coded["in_all"] | coded["in_ext"]].copy()
    basis = indicators.set_index("indicator_id")["basis"]
    kind = sources.set_index("source_id")["kind"]
    flags = audit.set_index(["unit_id", "indicator_id"])
    rows = []
    for _, row in decisive.iterrows():
        b = str(basis.get(row["indicator_id"], "law"))
        source_type = str(kind.get(row["source_id"], "unknown"))
        primary = source_type in PRIMARY_KINDS[b]
        key = (row["unit_id"], row["indicator_id"])
        flag = str(flags.loc[key, "flag"]) if key in flags.index else ""
        note = str(flags.loc[key, "note"]) if key in flags.index else ""
        if not flag and not primary and row.get("confidence") == "low":
            flag, note = "low_confidence", "downgraded to low confidence (secondary source)"
        rows.append(
            {
                "unit_id": row["unit_id"],
                "jurisdiction": row["jurisdiction"],
                "indicator_id": row["indicator_id"],
                "basis": b,
                "value": int(row["value"]),
                "boundaries": ";".join(
                    name
                    for name, on_it in (("all", row["in_all"]), ("external", row["in_ext"]))
                    if on_it
                ),
                "source_id": row["source_id"],
                "source_type": source_type,
                "confidence": row.get("confidence", ""),
                "primary": primary,
                "audited": primary or bool(flag),
                "flag": flag,
                "note": note,
            }
        )
    out = pd.DataFrame(rows, columns=DECISIVE_COLUMNS)
    return out.sort_values(["jurisdiction", "indicator_id", "unit_id"], ignore_index=True)


def check_decisive(decisive: pd.DataFrame, codings: pd.DataFrame) -> list[str]:
    """One problem per decisive cell with neither a primary source nor a flag.

    The message names the codings file, line and column of the chosen coding.
    """
    where = codings.set_index(["unit_id", "indicator_id"])
    problems = []
    for _, row in decisive[~decisive["audited"]].iterrows():
        cell = where.loc[(row["unit_id"], row["indicator_id"])]
        file, line = cell.get("file", "codings"), cell.get("line")
        line = int(line) if pd.notna(line) else "?"
        problems.append(
            f"{file}: line {line}, column 'source_id': decisive cell "
            f"{row['unit_id']} {row['indicator_id']} = {row['value']} cites "
            f"{row['source_id']!r} ({row['source_type']}); expected a primary source "
            f"({' or '.join(sorted(PRIMARY_KINDS[row['basis']]))}) for a {row['basis']} "
            f"indicator, low confidence, or a flag in data/raw/dataset/{AUDIT_FILE}"
        )
    return problems
