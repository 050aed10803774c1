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
from dataclasses import dataclass
from typing import Literal, get_args

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


# -- alpha with every disagreement counted, bootstrap intervals, coder bias ------------------------

AlphaVariant = Literal["values", "status"]
STATUS_CODES = {"unknown": 100.0, "not_applicable": 101.0}
"""Codes of the two non-value judgments in the status variant (outside any 0-3 scale)."""


def judgments(
    codings: pd.DataFrame, variant: AlphaVariant, *, value_col: str = "value"
) -> pd.Series:
    """Each coder's judgment of an item as a number, for :func:`alpha_with_interval`.

    ``values``: the coded value, NaN for ``unknown`` and ``not_applicable`` (they are left out).
    ``status``: the coded value, or a code of its own for ``unknown`` and for
    ``not_applicable`` (:data:`STATUS_CODES`), so that "one coder found a value, the other did
    not" counts as a disagreement.
    """
    check_option(variant, get_args(AlphaVariant), name="variant")
    value = _coded_values(codings, value_col)
    if variant == "status" and "status" in codings.columns:
        value = value.fillna(codings["status"].map(STATUS_CODES))
    return value


def _pair_contributions(matrix: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """Per item, its coincidence-matrix contribution: ``(items, V, V)``.

    An item with ``m`` judgments adds ``1 / (m - 1)`` for every ordered pair of two different
    coders' judgments (Krippendorff 2011, "Computing Krippendorff's alpha-reliability").
    """
    index = {v: i for i, v in enumerate(domain)}
    items = matrix.shape[1]
    out = np.zeros((items, len(domain), len(domain)))
    for j in range(items):
        column = matrix[:, j]
        present = [index[v] for v in column[~np.isnan(column)]]
        m = len(present)
        if m < 2:
            continue
        for a in range(m):
            for b in range(m):
                if a != b:
                    out[j, present[a], present[b]] += 1.0 / (m - 1)
    return out


def _delta2(n_v: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """Squared distances between judgments, for marginal counts ``n_v`` (``(..., V)``).

    Scale values use the ordinal metric (Krippendorff): the squared count of judgments between
    two values, halving the end values. A status code (unknown, not applicable) differs from
    every other judgment by the largest ordinal distance among the scale values.
    """
    is_value = domain < min(STATUS_CODES.values())
    v = int(is_value.sum())
    shape = (*n_v.shape[:-1], len(domain), len(domain))
    d = np.zeros(shape)
    counts = n_v[..., :v]
    cum = np.cumsum(counts, axis=-1)
    for c in range(v):
        for k in range(c + 1, v):
            between = cum[..., k] - (cum[..., c - 1] if c > 0 else 0)
            dist = (between - (counts[..., c] + counts[..., k]) / 2.0) ** 2
            d[..., c, k] = d[..., k, c] = dist
    if v < len(domain):
        largest = d[..., :v, :v].max(axis=(-1, -2)) if v >= 2 else np.ones(shape[:-2])
        largest = np.where(largest > 0, largest, 1.0)
        for s in range(v, len(domain)):
            d[..., s, :] = largest[..., None]
            d[..., :, s] = largest[..., None]
            d[..., s, s] = 0.0
    return d


def _alpha_from(coincidence: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """Alpha from coincidence matrices ``(..., V, V)``; NaN when undefined."""
    n_v = coincidence.sum(axis=-1)
    n = n_v.sum(axis=-1)
    d = _delta2(n_v, domain)
    observed = (coincidence * d).sum(axis=(-1, -2))
    expected = (n_v[..., :, None] * n_v[..., None, :] * d).sum(axis=(-1, -2))
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - (n - 1.0) * observed / expected
    return np.where(expected > 0, alpha, np.nan)


@dataclass(frozen=True)
class AlphaEstimate:
    """Krippendorff's alpha with a bootstrap interval over items.

    Attributes
    ----------
    alpha
        The estimate (NaN when undefined: fewer than two pairable items or no variation).
    low, high
        The 2.5% and 97.5% percentiles of the bootstrap estimates (resampling items).
    n_items
        Items judged by at least two coders.
    """

    alpha: float
    low: float
    high: float
    n_items: int


def alpha_with_interval(
    matrix: np.ndarray, *, n_boot: int, rng: np.random.Generator, level: float = 0.95
) -> AlphaEstimate:
    """Ordinal Krippendorff's alpha of a coders x items matrix, with a bootstrap interval.

    Scale values (below 100) are ordinal; :data:`STATUS_CODES` judgments are categories that
    disagree maximally with any other judgment (see :func:`judgments`). The point estimate
    equals the ``krippendorff`` package's ordinal alpha when only scale values occur (tested).
    The interval resamples items with replacement (Hayes and Krippendorff 2007).

    Parameters
    ----------
    matrix
        Coders x items; NaN = no judgment.
    n_boot
        Bootstrap replicates.
    rng
        Random generator.
    level
        Coverage of the interval.
    """
    matrix = np.asarray(matrix, dtype=float)
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    data = matrix[:, pairable]
    n_items = int(data.shape[1])
    nan = AlphaEstimate(np.nan, np.nan, np.nan, n_items)
    if n_items == 0:
        return nan
    domain = np.unique(data[~np.isnan(data)])
    if domain.size < 2:
        return nan
    parts = _pair_contributions(data, domain)
    alpha = float(_alpha_from(parts.sum(axis=0), domain))
    if n_boot <= 0:
        return AlphaEstimate(alpha, np.nan, np.nan, n_items)
    weights = rng.multinomial(n_items, np.full(n_items, 1.0 / n_items), size=n_boot)
    boots = _alpha_from(np.einsum("bi,ivw->bvw", weights, parts), domain)
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.nanpercentile(boots, [tail, 100.0 - tail])
    return AlphaEstimate(alpha, float(low), float(high), n_items)


def reliability_table(
    codings: pd.DataFrame,
    *,
    by: Sequence[str],
    n_boot: int,
    rng: np.random.Generator,
    coder_col: str = "coder",
    value_col: str = "value",
) -> pd.DataFrame:
    """Alpha in both variants, with bootstrap intervals, for every combination of ``by``.

    For each group of every subset of ``by`` (e.g. dimension x jurisdiction, dimension,
    jurisdiction and all items: an omitted column is reported as ``"all"``): ``variant``
    (``values``: coded values only; ``status``: unknown and not applicable count as judgments),
    ``alpha``, ``ci_low``, ``ci_high``, ``n_items`` and ``below_threshold`` (alpha below
    Krippendorff's 0.667 for tentative conclusions, or undefined).
    """
    from itertools import combinations

    _require(codings, [*ITEM, coder_col, value_col, *by], "reliability_table")
    rows = []
    for size in range(len(by), -1, -1):
        for keys in combinations(by, size):
            groups = codings.groupby(list(keys), sort=True) if keys else [((), codings)]
            for key, g in groups:
                key = key if isinstance(key, tuple) else (key,)
                label = {col: "all" for col in by}
                label.update(dict(zip(keys, (str(k) for k in key), strict=True)))
                for variant in get_args(AlphaVariant):
                    wide = g.assign(_j=judgments(g, variant, value_col=value_col)).pivot_table(
                        index=coder_col, columns=list(ITEM), values="_j", aggfunc="first"
                    )
                    est = alpha_with_interval(wide.to_numpy(dtype=float), n_boot=n_boot, rng=rng)
                    rows.append(
                        {
                            **label,
                            "variant": variant,
                            "alpha": est.alpha,
                            "ci_low": est.low,
                            "ci_high": est.high,
                            "n_items": est.n_items,
                            "below_threshold": bool(not est.alpha >= 0.667),
                        }
                    )
    return pd.DataFrame(rows)


def coder_bias(
    codings: pd.DataFrame, *, first: str, second: str, by: str | None = None
) -> pd.DataFrame:
    """Sign test of the coders' value differences (is one coder systematically higher).

    Items both coders gave a value; ``n_higher_first`` / ``n_higher_second`` count items where
    that coder's value is higher; ties are left out; ``p_value`` is the two-sided exact binomial
    test of equal chances (scipy). One row per group of ``by`` plus ``all``.
    """
    from scipy.stats import binomtest

    _require(codings, [*ITEM, "coder", "value"], "coder_bias")
    data = codings.assign(_value=_coded_values(codings, "value"))
    wide = data.pivot_table(
        index=[*([by] if by else []), *ITEM], columns="coder", values="_value", aggfunc="first"
    )
    if first not in wide.columns or second not in wide.columns:
        return pd.DataFrame(
            columns=[by or "group", "n_pairs", "n_higher_first", "n_higher_second", "p_value"]
        )
    both = wide[[first, second]].dropna()
    diff = both[first] - both[second]
    groups: list[tuple[str, pd.Series]] = []
    if by:
        groups += [(str(k), d) for k, d in diff.groupby(level=0, sort=True)]
    groups.append(("all", diff))
    rows = []
    for name, d in groups:
        up, down = int((d > 0).sum()), int((d < 0).sum())
        p = float(binomtest(up, up + down, 0.5).pvalue) if up + down else np.nan
        rows.append(
            {
                by or "group": name,
                "n_pairs": len(d),
                "n_higher_first": up,
                "n_higher_second": down,
                "p_value": p,
            }
        )
    return pd.DataFrame(rows)
