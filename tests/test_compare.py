"""Distances, gaps, nearest model, linkage to the thesis, clustering and the dendrogram."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import JoinError, OptionError, SpecificationError
from policingstudy.methods.index.compare import (
    cluster,
    distances,
    gap_table,
    link_gaps,
    nearest_model,
)


@pytest.fixture
def scores() -> pd.DataFrame:
    return pd.DataFrame(
        {"d1": [10.0, 10, 30], "d2": [20.0, 50, 20], "INDEX": [15.0, 30, 25]},
        index=["KZ", "M1", "M2"],
    )


def test_distances_by_hand(scores):
    table = distances(scores, origin="KZ", dimensions=["d1", "d2"])
    # M1: gaps (0, 30) -> sqrt(900 / 2); M2: gaps (20, 0) -> sqrt(400 / 2)
    assert table.loc["M1", "overall"] == pytest.approx(np.sqrt(450))
    assert table.loc["M2", "overall"] == pytest.approx(np.sqrt(200))
    assert table.loc["M1", "d2"] == 30
    assert list(table.index) == ["M2", "M1"]
    assert nearest_model(table) == "M2"
    weighted = distances(scores, origin="KZ", dimensions=["d1", "d2"], weights={"d1": 3})
    # M1: sqrt(1 * 900 / 4) = 15; M2: sqrt(3 * 400 / 4) = 17.32
    assert weighted.loc["M1", "overall"] == pytest.approx(15)
    assert weighted.loc["M2", "overall"] == pytest.approx(np.sqrt(300))
    assert nearest_model(weighted) == "M1"


def test_distance_skips_missing_dimensions(scores):
    gappy = scores.copy()
    gappy.loc["M2", "d1"] = np.nan
    table = distances(gappy, origin="KZ", dimensions=["d1", "d2"])
    assert table.loc["M2", "overall"] == 0.0
    assert np.isnan(table.loc["M2", "d1"])


def test_gap_table_signs(scores):
    gaps = gap_table(scores, origin="KZ", models=["M1"], codes=["d2", "INDEX"])
    assert gaps.to_dict("records") == [
        {"model": "M1", "code": "d2", "origin_score": 20.0, "model_score": 50.0, "gap": 30.0},
        {"model": "M1", "code": "INDEX", "origin_score": 15.0, "model_score": 30.0, "gap": 15.0},
    ]
    with pytest.raises(JoinError, match=r"no row for \['FR'\]"):
        gap_table(scores, origin="KZ", models=["FR"])


def test_link_gaps_to_problems():
    indicators = pd.DataFrame(
        {"x1": [0.0, 3.0], "x2": [1.0, 2.0], "x3": [2.0, 2.0]}, index=["KZ", "DE"]
    )
    gaps = gap_table(indicators, origin="KZ")
    linkage = pd.DataFrame({"problem_id": ["P1", "P1", "P2"], "indicator_id": ["x1", "x2", "x3"]})
    table = link_gaps(gaps, linkage, item_col="problem_id").set_index("problem_id")
    assert table.loc["P1", "mean_gap"] == 2.0  # (3 + 1) / 2
    assert table.loc["P1", "max_gap"] == 3.0
    assert table.loc["P1", "n_indicators"] == 2
    assert table.loc["P1", "indicators"] == "x1;x2"
    assert table.loc["P2", "mean_gap"] == 0.0
    lost = pd.concat([linkage, pd.DataFrame({"problem_id": ["P3"], "indicator_id": ["x9"]})])
    with pytest.raises(JoinError, match=r"have no gap: \['x9'\]"):
        link_gaps(gaps, lost, item_col="problem_id")


def test_cluster_finds_two_groups_and_reports_dropped_rows():
    features = pd.DataFrame(
        {"d1": [0.0, 1, 50, 51, np.nan], "d2": [0.0, 1, 50, 49, 3]},
        index=["a", "b", "c", "d", "e"],
    )
    result = cluster(features, method="ward")
    assert result.dropped == ("e",)
    groups = result.clusters(2)
    assert groups["a"] == groups["b"] != groups["c"] == groups["d"]
    with pytest.raises(OptionError, match="method: expected one of"):
        cluster(features, method="centroid")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="ward.*euclidean"):
        cluster(features, method="ward", metric="cityblock")


def test_pairwise_rms_uses_shared_features_only():
    import numpy as np
    from scipy.spatial.distance import squareform

    from policingstudy.methods.index.compare import pairwise_rms

    values = np.array([[0.0, 10.0, np.nan], [3.0, 6.0, 50.0], [0.0, np.nan, 20.0]])
    d = squareform(pairwise_rms(values))
    # rows 0 and 1 share features 1-2: sqrt((9 + 16) / 2)
    assert d[0, 1] == pytest.approx(np.sqrt(12.5))
    # rows 0 and 2 share feature 1 only: |0 - 0|
    assert d[0, 2] == pytest.approx(0.0)
    # rows 1 and 2 share features 1 and 3: sqrt((9 + 900) / 2)
    assert d[1, 2] == pytest.approx(np.sqrt(454.5))


def test_cluster_pairwise_keeps_rows_with_more_than_half_observed():
    import numpy as np
    import pandas as pd

    from policingstudy.methods.index.compare import cluster

    f = pd.DataFrame(
        {"a": [1.0, 2, np.nan, 9], "b": [1.0, np.nan, np.nan, 8], "c": [2.0, 2, 5, np.nan]},
        index=["u1", "u2", "u3", "u4"],
    )
    result = cluster(f, missing="pairwise")
    assert result.dropped == ("u3",)
    assert result.labels == ("u1", "u2", "u4")
    assert result.metric == "pairwise_rms"
    with pytest.raises(SpecificationError, match="ward"):
        cluster(f, method="ward", missing="pairwise")
