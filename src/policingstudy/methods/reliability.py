"""Inter-coder reliability: Krippendorff's alpha, disagreement lists and the reconciliation rule.

The long coder table has one row per ``unit_id x indicator_id x coder`` with ``value`` (NaN when
not coded), ``status`` (coded / unknown / not_applicable) and ``confidence`` (low / medium /
high). A reliability *item* is one ``(unit_id, indicator_id)`` pair. Rows whose status is not
``coded`` count as missing for alpha (``unknown`` and ``not_applicable`` are not scale values),
but a status difference is still listed as a disagreement.

Reconciliation rule (:func:`reconcile`), applied item by item:

0. an adjudicator's row (when ``adjudicator`` is given and the item has one) wins outright: it
   records a third, reasoned reading of a disagreement (data/raw/dataset/PROTOCOL.md);
1. one coder only: that coder's row;
2. all coders agree (same status and value): the primary coder's row;
3. otherwise prefer rows with evidence (status ``coded`` or ``not_applicable``) over ``unknown``;
4. then the highest confidence (high > medium > low > missing);
5. a remaining tie goes to the primary coder, or, if the primary coder is not among the tied,
   to the alphabetically first coder.

The consensus row keeps every independent coder's coded value in ``coder_values`` (e.g.
``"2;3"``) so that the uncertainty analysis can sample from them. Adjudicator rows are not an
independent coding: leave them out of :func:`alpha_by_group` and :func:`disagreements`.

:func:`sample_items` draws the cells a second coder codes (a seeded random sample per stratum).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

import krippendorff
import numpy as np
import pandas as pd

from policingstudy.core.errors import SpecificationError
from policingstudy.core.types import ReliabilityLevel, check_option

ITEM = ("unit_id", "indicator_id")
CONFIDENCE_RANK = {"high": 3, "medium": 2, "low": 1}
EVIDENCE_STATUSES = ("coded", "not_applicable")


def krippendorff_alpha(data: object, level: ReliabilityLevel = "ordinal") -> float:
    """Krippendorff's alpha of a coders x units matrix (wrapping the ``krippendorff`` package).

    Parameters
    ----------
    data
        Array-like or DataFrame, one row per coder and one column per unit; NaN = missing.
    level
        Level of measurement: ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``.

    Returns
    -------
    float

    Raises
    ------
    OptionError
        Unknown ``level``.
    SpecificationError
        If the matrix is not 2-D with at least two coders, if no unit has two values, or if
        only one value occurs (alpha is then undefined: there is no variation to agree on).
    """
    check_option(level, get_args(ReliabilityLevel), name="level")
    matrix = np.asarray(data, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] < 2:
        raise SpecificationError(
            f"krippendorff_alpha: expected a coders x units matrix with >= 2 coders, "
            f"got shape {matrix.shape}"
        )
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if not pairable.any():
        raise SpecificationError(
            "krippendorff_alpha: no unit has values from two coders; alpha is undefined"
        )
    if np.unique(matrix[:, pairable][~np.isnan(matrix[:, pairable])]).size < 2:
        raise SpecificationError(
            "krippendorff_alpha: only one value occurs among pairable units; alpha is "
            "undefined (no variation)"
        )
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))


def _coded_values(codings: pd.DataFrame, value_col: str) -> pd.Series:
    value = pd.to_numeric(codings[value_col], errors="coerce")
    if "status" in codings.columns:
        value = value.where(codings["status"] == "coded")
    return value


def _require(codings: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in codings.columns]
    if missing:
        raise SpecificationError(f"{what}: missing column(s) {missing} in the coder table")


def alpha_by_group(
    codings: pd.DataFrame,
    group_col: str = "dimension",
    *,
    level: ReliabilityLevel = "ordinal",
    coder_col: str = "coder",
    value_col: str = "value",
    overall: str | None = "overall",
) -> pd.DataFrame:
    """Krippendorff's alpha per group (e.g. per dimension) and overall.

    Parameters
    ----------
    codings
        Long coder table with ``unit_id``, ``indicator_id``, ``coder_col``, ``value_col`` and
        ``group_col`` (join the codebook's ``dimension_id`` first if needed).
    group_col
        Column defining the groups.
    level
        Level of measurement passed to :func:`krippendorff_alpha`.
    coder_col, value_col
        Column names.
    overall
        Label of the all-items row, or ``None`` to omit it.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_col``, ``alpha``, ``n_units`` (items coded by at least two coders),
        ``n_coders`` (coders with a value in the group) and ``note`` (why alpha is NaN).
    """
    check_option(level, get_args(ReliabilityLevel), name="level")
    _require(codings, [*ITEM, coder_col, value_col, group_col], "alpha_by_group")
    data = codings.assign(_value=_coded_values(codings, value_col))
    groups: list[tuple[str, pd.DataFrame]] = [
        (str(k), g) for k, g in data.groupby(group_col, sort=True)
    ]
    if overall is not None:
        groups.append((overall, data))
    rows = []
    for name, g in groups:
        wide = g.pivot_table(
            index=coder_col, columns=list(ITEM), values="_value", aggfunc="first", dropna=False
        )
        counts = wide.notna().sum(axis=0)
        n_units = int((counts >= 2).sum())
        n_coders = int(wide.notna().any(axis=1).sum())
        try:
            alpha, note = krippendorff_alpha(wide.to_numpy(dtype=float), level), ""
        except SpecificationError as err:
            alpha, note = np.nan, str(err).split(": ", 1)[-1]
        rows.append(
            {
                group_col: name,
                "alpha": alpha,
                "n_units": n_units,
                "n_coders": n_coders,
                "note": note,
            }
        )
    return pd.DataFrame(rows)


def _describe(g: pd.DataFrame, coder_col: str, column: str) -> str:
    return "; ".join(f"{c}={v}" for c, v in zip(g[coder_col], g[column], strict=True))


def disagreements(
    codings: pd.DataFrame, *, coder_col: str = "coder", value_col: str = "value"
) -> pd.DataFrame:
    """List every item on which coders differ in value or in status.

    Returns
    -------
    pandas.DataFrame
        One row per disagreeing item: ``unit_id``, ``indicator_id``, ``n_coders``, ``values``
        (``"A=2.0; B=3.0"``), ``statuses`` (if a status column exists) and ``spread`` (max - min
        of the coded values; NaN when fewer than two are coded).
    """
    _require(codings, [*ITEM, coder_col, value_col], "disagreements")
    data = codings.assign(_value=_coded_values(codings, value_col)).sort_values([*ITEM, coder_col])
    rows = []
    for key, g in data.groupby(list(ITEM), sort=True):
        if g[coder_col].nunique() < 2:
            continue
        coded = g["_value"].dropna()
        differ_value = len(set(coded)) > 1
        differ_status = "status" in g.columns and len(set(g["status"])) > 1
        if not (differ_value or differ_status):
            continue
        row = dict(zip(ITEM, key, strict=True))
        row.update(
            n_coders=int(g[coder_col].nunique()),
            values=_describe(g, coder_col, "_value"),
            statuses=_describe(g, coder_col, "status") if "status" in g.columns else "",
            spread=float(coded.max() - coded.min()) if len(coded) >= 2 else np.nan,
        )
        rows.append(row)
    columns = [*ITEM, "n_coders", "values", "statuses", "spread"]
    return pd.DataFrame(rows, columns=columns)


def _choose(
    g: pd.DataFrame, primary: str, coder_col: str, adjudicator: str | None = None
) -> tuple[int, str]:
    """Index label of the consensus row of one item and the rule step that decided."""
    if adjudicator is not None:
        adjudicated = g.index[g[coder_col] == adjudicator]
        if len(adjudicated):
            return adjudicated[0], "adjudicated"
    if len(g) == 1:
        return g.index[0], "single coder"
    status = g["status"] if "status" in g.columns else pd.Series("coded", index=g.index)
    values = g["_value"]
    same_value = values.isna().all() or (values.notna().all() and len(set(values)) == 1)
    if same_value and len(set(status)) == 1:
        first = g.index[g[coder_col] == primary]
        return (first[0] if len(first) else g.sort_values(coder_col).index[0]), "agreement"
    candidates = g
    evidence = status.isin(EVIDENCE_STATUSES)
    if evidence.any() and not evidence.all():
        candidates = g[evidence]
        if len(candidates) == 1:
            return candidates.index[0], "evidence over unknown"
    conf = candidates.get("confidence", pd.Series(index=candidates.index, dtype=object))
    rank = conf.map(CONFIDENCE_RANK).fillna(0)
    top = candidates[rank == rank.max()]
    if len(top) == 1:
        return top.index[0], "confidence"
    own = top.index[top[coder_col] == primary]
    if len(own):
        return own[0], "primary coder"
    return top.sort_values(coder_col).index[0], "first coder"


def reconcile(
    codings: pd.DataFrame,
    *,
    primary_coder: str,
    adjudicator: str | None = None,
    coder_col: str = "coder",
    value_col: str = "value",
) -> pd.DataFrame:
    """Apply the documented reconciliation rule (module docstring) to a coder table.

    Parameters
    ----------
    codings
        Long coder table (``unit_id``, ``indicator_id``, coder, value, status, confidence, ...).
    primary_coder
        The coder whose values win ties.
    adjudicator
        The coder id of adjudication rows, which win outright; ``None`` when there are none.
    coder_col, value_col
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per item: the chosen row's columns (without the coder column) plus
        ``chosen_coder``, ``n_coders`` (independent coders), ``agreed`` (all coders gave the same
        status and value), ``rule`` (the step that decided) and ``coder_values`` (distinct values
        coded by independent coders, ``;``-joined).
    """
    _require(codings, [*ITEM, coder_col, value_col], "reconcile")
    data = codings.reset_index(drop=True)
    data = data.assign(_value=_coded_values(data, value_col))
    chosen, rules, extra = [], [], []
    for _, g in data.groupby(list(ITEM), sort=True):
        label, rule = _choose(g, primary_coder, coder_col, adjudicator)
        chosen.append(label)
        rules.append(rule)
        independent = g[g[coder_col] != adjudicator] if adjudicator is not None else g
        values = sorted(independent["_value"].dropna().unique())
        extra.append(
            {
                "chosen_coder": g.loc[label, coder_col],
                "n_coders": int(independent[coder_col].nunique()),
                "agreed": rule in ("agreement", "single coder"),
                "rule": rule,
                "coder_values": ";".join(f"{v:g}" for v in values),
            }
        )
    out = data.loc[chosen].drop(columns=[coder_col, "_value"]).reset_index(drop=True)
    return pd.concat([out, pd.DataFrame(extra)], axis=1)


def sample_items(
    items: pd.DataFrame,
    *,
    share: float,
    rng: np.random.Generator,
    strata: str | None = None,
) -> pd.DataFrame:
    """A random sample of items (``unit_id`` x ``indicator_id``) for a second coder.

    The items are sorted by ``strata`` (if given) and ``ITEM`` before drawing, so the same items,
    share and generator seed always give the same sample, whatever the input order.

    Parameters
    ----------
    items
        One row per item with ``unit_id``, ``indicator_id`` and the ``strata`` column if given.
    share
        Share of items to draw in each stratum, in (0, 1]; each stratum gets
        ``ceil(share * n)`` items.
    rng
        The random generator (e.g. ``numpy.random.default_rng(seed)``; record the seed).
    strata
        Column to stratify by (e.g. ``"jurisdiction"``), or ``None`` for one stratum.

    Returns
    -------
    pandas.DataFrame
        The sampled rows, sorted like the input after sorting.

    Raises
    ------
    SpecificationError
        If a column is missing, an item is listed twice or ``share`` is outside (0, 1].
    """
    key = [strata, *ITEM] if strata is not None else list(ITEM)
    _require(items, key, "sample_items")
    if not 0 < share <= 1:
        raise SpecificationError(f"sample_items: share: found {share!r}; expected 0 < share <= 1")
    if items.duplicated(list(ITEM)).any():
        raise SpecificationError(
            "sample_items: items: found a unit x indicator twice; expected unique items"
        )
    ordered = items.sort_values(key, ignore_index=True)
    groups = [ordered] if strata is None else [g for _, g in ordered.groupby(strata, sort=True)]
    picked: list[int] = []
    for g in groups:
        n = int(np.ceil(share * len(g)))
        picked += sorted(rng.choice(g.index.to_numpy(), size=n, replace=False).tolist())
    return ordered.loc[sorted(picked)].reset_index(drop=True)
