"""AHP priorities and Saaty's consistency ratio on a published example; weight helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import SpecificationError
from policingstudy.methods.index.weights import RANDOM_INDEX, ahp_weights
from tests.helpers import approx_published

# Published example "Analytic hierarchy process - leader example" (Saaty's method): criteria
# Experience, Education, Charisma, Age compared pairwise. The published priorities and consistency
# ratio are the ahp.leader.* entries of data/raw/reference/published.json (source
# ahp_leader_example in scripts/make_reference.py).
CRITERIA = ["Experience", "Education", "Charisma", "Age"]
LEADER = pd.DataFrame(
    [
        [1, 4, 3, 7],
        [1 / 4, 1, 1 / 3, 3],
        [1 / 3, 3, 1, 5],
        [1 / 7, 1 / 3, 1 / 5, 1],
    ],
    index=CRITERIA,
    columns=CRITERIA,
)


def test_leader_example_priorities_and_consistency():
    result = ahp_weights(LEADER)
    # published to 3 decimals; the exact eigenvector gives .5476 for Experience
    for criterion in CRITERIA:
        assert result.weights[criterion] == approx_published(f"ahp.leader.weight.{criterion}")
    assert result.weights.sum() == pytest.approx(1.0)
    # lambda_max is the largest eigenvalue (numpy's, independently of ahp_weights' method)
    assert result.lambda_max == pytest.approx(max(np.linalg.eigvals(LEADER.to_numpy()).real))
    # CI = (lambda_max - 4) / 3, CR = CI / RI(4) with Saaty's RI(4) = 0.90
    assert result.consistency_index == pytest.approx((result.lambda_max - 4) / 3)
    assert result.consistency_ratio == approx_published("ahp.leader.consistency_ratio")
    assert result.consistency_ratio == pytest.approx(result.consistency_index / RANDOM_INDEX[4])


def test_consistent_matrix_has_zero_ratio():
    w = np.array([0.5, 0.3, 0.2])
    matrix = pd.DataFrame(w[:, None] / w[None, :], index=list("abc"), columns=list("abc"))
    result = ahp_weights(matrix)
    np.testing.assert_allclose(result.weights, w)
    assert result.lambda_max == pytest.approx(3.0)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-12)


def test_inconsistent_judgements_are_refused_unless_allowed():
    # a > b (5), b > c (5) but c > a (5): a cycle of preferences
    cyclic = pd.DataFrame(
        [[1, 5, 1 / 5], [1 / 5, 1, 5], [5, 1 / 5, 1]], index=list("abc"), columns=list("abc")
    )
    with pytest.raises(SpecificationError, match=r"CR = \d\.\d+ exceeds 0.1.*allow_inconsistent"):
        ahp_weights(cyclic)
    result = ahp_weights(cyclic, allow_inconsistent=True)
    assert result.consistency_ratio > 0.1
    np.testing.assert_allclose(result.weights, [1 / 3, 1 / 3, 1 / 3], atol=1e-9)  # symmetric


def test_malformed_matrices_are_refused():
    with pytest.raises(SpecificationError, match="not reciprocal"):
        ahp_weights(pd.DataFrame([[1, 2], [2, 1]], index=list("ab"), columns=list("ab")))
    with pytest.raises(SpecificationError, match="row labels"):
        ahp_weights(pd.DataFrame([[1, 2], [0.5, 1]], index=list("ab"), columns=list("ba")))
    with pytest.raises(SpecificationError, match="non-positive"):
        ahp_weights(pd.DataFrame([[1, 0], [0, 1]], index=list("ab"), columns=list("ab")))
    with pytest.raises(SpecificationError, match="diagonal"):
        ahp_weights(pd.DataFrame([[2, 1], [1, 1]], index=list("ab"), columns=list("ab")))
