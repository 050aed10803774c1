"""Weighting schemes: equal, user-supplied, PCA-derived and AHP (with Saaty's consistency ratio).

Every function returns plain ``{code: weight}`` dictionaries that
:meth:`policingstudy.methods.index.hierarchy.Hierarchy.with_weights` applies; weights are relative
within each parent, as in COINr.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policingstudy.core.errors import SpecificationError
from policingstudy.methods.index.hierarchy import Hierarchy

# Saaty's random consistency index RI(n) (Saaty 1980, The Analytic Hierarchy Process, Table 1.7;
# also Saaty 1990, EJOR 48:9-26): mean CI of random reciprocal matrices of order n.
RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}
CR_LIMIT = 0.1


@dataclass(frozen=True)
class AHPResult:
    """Priorities derived from a pairwise-comparison matrix.

    Attributes
    ----------
    weights
        Principal right eigenvector, normalised to sum to 1, indexed by the matrix labels.
    lambda_max
        Principal eigenvalue.
    consistency_index
        ``(lambda_max - n) / (n - 1)``.
    consistency_ratio
        ``consistency_index / RI(n)`` (0 for ``n <= 2``, which are always consistent).
    """

    weights: pd.Series
    lambda_max: float
    consistency_index: float
    consistency_ratio: float


def equal_weights(hierarchy: Hierarchy) -> dict[str, float]:
    """Weight 1 for every weighted code (equal weights inside each parent)."""
    return dict.fromkeys(hierarchy.weighted_codes, 1.0)


def _check_pairwise(matrix: pd.DataFrame, name: str) -> np.ndarray:
    if list(matrix.index) != list(matrix.columns):
        raise SpecificationError(
            f"pairwise matrix {name}: row labels {list(matrix.index)} differ from column labels "
            f"{list(matrix.columns)}; expected a square matrix with the same labels in order"
        )
    a = matrix.to_numpy(dtype=float)
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise SpecificationError(
            f"pairwise matrix {name}: found non-positive or missing entries; "
            "expected positive judgements (Saaty's 1-9 scale and reciprocals)"
        )
    if not np.allclose(np.diag(a), 1.0):
        raise SpecificationError(f"pairwise matrix {name}: expected 1 on the diagonal")
    product = a * a.T
    if not np.allclose(product, 1.0, rtol=1e-2):
        i, j = map(int, np.unravel_index(np.argmax(np.abs(product - 1.0)), a.shape))
        raise SpecificationError(
            f"pairwise matrix {name}: a[{matrix.index[i]}, {matrix.columns[j]}] = {a[i, j]:.4g} "
            f"and a[{matrix.index[j]}, {matrix.columns[i]}] = {a[j, i]:.4g} are not reciprocal; "
            "expected a[j, i] = 1 / a[i, j]"
        )
    if len(a) > max(RANDOM_INDEX):
        raise SpecificationError(
            f"pairwise matrix {name}: {len(a)} elements; Saaty's random index used for the "
            f"consistency ratio is tabulated for at most {max(RANDOM_INDEX)}"
        )
    return a


def ahp_weights(
    pairwise: pd.DataFrame, *, allow_inconsistent: bool = False, name: str = ""
) -> AHPResult:
    """Derive AHP priorities and Saaty's consistency ratio from a pairwise-comparison matrix.

    Parameters
    ----------
    pairwise
        Square reciprocal matrix labelled by the compared codes: ``a[i, j]`` says how much more
        important ``i`` is than ``j``.
    allow_inconsistent
        Return the result even when the consistency ratio exceeds 0.1.
    name
        Used in messages (e.g. the aggregate whose children are compared).

    Returns
    -------
    AHPResult

    Raises
    ------
    SpecificationError
        If the matrix is not square, positive and reciprocal, or if ``CR > 0.1`` and
        ``allow_inconsistent`` is false.
    """
    a = _check_pairwise(pairwise, name or "pairwise")
    n = len(a)
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lam = float(values[k].real)
    vec = np.abs(vectors[:, k].real)
    weights = pd.Series(vec / vec.sum(), index=pairwise.index, name="weight")
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    cr = ci / RANDOM_INDEX[n] if n > 2 else 0.0
    if cr > CR_LIMIT and not allow_inconsistent:
        raise SpecificationError(
            f"pairwise matrix {name or ''}: consistency ratio CR = {cr:.3f} exceeds {CR_LIMIT} "
            f"(lambda_max = {lam:.3f}, n = {n}); revise the judgements, or pass "
            "allow_inconsistent=True to use them anyway"
        )
    return AHPResult(weights, lam, float(ci), float(cr))


def ahp_hierarchy_weights(
    hierarchy: Hierarchy,
    pairwise: Mapping[str, pd.DataFrame],
    *,
    allow_inconsistent: bool = False,
) -> dict[str, float]:
    """AHP weights for the children of each aggregate that has a pairwise matrix.

    ``pairwise`` maps an aggregate code to a matrix labelled by exactly that aggregate's
    children. Aggregates without a matrix keep their meta weights.
    """
    if not pairwise:
        raise SpecificationError("weighting='ahp' needs at least one pairwise matrix")
    children: dict[str, list[str]] = {}
    for step in hierarchy.steps:
        for j, parent in enumerate(step.parents):
            children[parent] = [c for i, c in enumerate(step.children) if step.membership[i, j]]
    out: dict[str, float] = {}
    for parent, matrix in pairwise.items():
        if parent not in children:
            raise SpecificationError(
                f"pairwise: '{parent}' is not an aggregate code; expected one of {list(children)}"
            )
        if sorted(map(str, matrix.index)) != sorted(children[parent]):
            raise SpecificationError(
                f"pairwise matrix {parent}: labels {list(matrix.index)} do not match its "
                f"children {children[parent]}"
            )
        result = ahp_weights(matrix, allow_inconsistent=allow_inconsistent, name=parent)
        out.update({str(k): float(v) for k, v in result.weights.items()})
    return out


def pca_weights(normalised: pd.DataFrame, hierarchy: Hierarchy) -> dict[str, float]:
    """Derive indicator weights from the first principal component of each Level-2 group.

    For the indicators of each Level-2 aggregate, the correlation matrix of the complete rows
    is decomposed and each indicator's weight is its squared loading on the first component
    (squared loadings of a unit eigenvector sum to one, and are never negative). This is the
    OECD/JRC Handbook's "squared factor loadings" idea restricted to one component; weights of
    higher levels are left as in the meta table.

    Raises
    ------
    SpecificationError
        If a group has fewer than 3 complete rows, or a constant indicator.
    """
    if not hierarchy.steps:
        return {}
    step = hierarchy.steps[0]
    out: dict[str, float] = {}
    for j, parent in enumerate(step.parents):
        codes = [c for i, c in enumerate(step.children) if step.membership[i, j]]
        if len(codes) == 1:
            out[codes[0]] = 1.0
            continue
        data = normalised[codes].dropna()
        if len(data) < 3:
            raise SpecificationError(
                f"weighting='pca': aggregate '{parent}' has {len(data)} complete row(s); "
                "expected at least 3 to estimate correlations"
            )
        sd = data.std(ddof=1)
        constant = list(sd.index[sd == 0])
        if constant:
            raise SpecificationError(
                f"weighting='pca': indicator(s) {constant} in '{parent}' are constant over the "
                "complete rows; expected variation (use equal or user weights for this group)"
            )
        corr = np.corrcoef(data.to_numpy(dtype=float), rowvar=False)
        values, vectors = np.linalg.eigh(corr)
        loading = vectors[:, int(np.argmax(values))]
        out.update({c: float(v) for c, v in zip(codes, loading**2, strict=True)})
    return out
