"""Bad input gets a named error before any computation; invariances of the index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import OptionError, SpecificationError
from policingstudy.methods.index.composite import composite


@pytest.fixture
def data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        rng.integers(0, 4, size=(8, 4)).astype(float),
        index=[f"u{i}" for i in range(8)],
        columns=["i1", "i2", "i3", "i4"],
    )


@pytest.fixture
def meta() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "iCode": ["i1", "i2", "i3", "i4", "d1", "d2", "INDEX"],
            "Level": [1, 1, 1, 1, 2, 2, 3],
            "Parent": ["d1", "d1", "d2", "d2", "INDEX", "INDEX", None],
            "Weight": [1.0, 2, 1, 3, 1, 2, 1],
            "Direction": [1, -1, 1, 1, 1, 1, 1],
        }
    )


def test_unknown_method_lists_the_allowed_ones(data, meta):
    with pytest.raises(OptionError, match=r"normalise: expected one of \('minmax', 'zscore'"):
        composite(data, meta, normalise="minimax")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match=r"aggregate: expected one of .*'copeland'"):
        composite(data, meta, aggregate="median")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match=r"weighting: expected one of .*'ahp'"):
        composite(data, meta, weighting="entropy")  # type: ignore[arg-type]


def test_meta_indicators_must_match_the_data(data, meta):
    with pytest.raises(SpecificationError, match=r"in meta but not in the data: \['i4'\]"):
        composite(data.drop(columns="i4"), meta)
    with pytest.raises(SpecificationError, match=r"in the data but not in meta: \['i5'\]"):
        composite(data.assign(i5=1.0), meta)


def test_user_weights_must_name_weighted_codes(data, meta):
    with pytest.raises(SpecificationError, match=r"codes \['i9'\] are not weighted codes"):
        composite(data, meta, weights={"i9": 1.0})


def test_negative_weights_are_refused(data, meta):
    with pytest.raises(SpecificationError, match="negative or missing weights.*'i2'"):
        composite(data, meta.assign(Weight=[1.0, -2, 1, 3, 1, 2, 1]))
    with pytest.raises(SpecificationError, match="negative or missing weights.*'i3'"):
        composite(data, meta, weights={"i3": -0.5})


def test_all_zero_weights_in_a_group_are_refused(data, meta):
    with pytest.raises(SpecificationError, match=r"children of \['d2'\] all have weight 0"):
        composite(data, meta, weights={"i3": 0.0, "i4": 0.0})


def test_hierarchy_cycle_is_refused(data, meta):
    cyclic = meta.copy()
    cyclic.loc[cyclic["iCode"] == "d1", "Parent"] = "i1"
    with pytest.raises(SpecificationError, match=r"cycle \(i1 -> d1 -> i1\)"):
        composite(data, cyclic)


def test_orphans_are_refused(data, meta):
    missing_parent = meta.copy()
    missing_parent.loc[missing_parent["iCode"] == "i3", "Parent"] = "d9"
    with pytest.raises(SpecificationError, match="Parent 'd9' of 'i3' is not an iCode.*orphan"):
        composite(data, missing_parent)
    no_parent = meta.copy()
    no_parent.loc[no_parent["iCode"] == "d2", "Parent"] = None
    with pytest.raises(SpecificationError, match="'d2' \\(Level 2\\) has no Parent.*orphan"):
        composite(data, no_parent)


def test_level_structure_is_checked(data, meta):
    skipped = meta.copy()
    skipped.loc[skipped["iCode"] == "i1", "Parent"] = "INDEX"
    with pytest.raises(SpecificationError, match="Parent 'INDEX' is at Level 3"):
        composite(data, skipped)
    childless = pd.concat(
        [meta, pd.DataFrame([{"iCode": "d3", "Level": 2, "Parent": "INDEX", "Weight": 1}])]
    )
    with pytest.raises(SpecificationError, match=r"aggregate\(s\) \['d3'\].*no children"):
        composite(data, childless)
    with pytest.raises(SpecificationError, match=r"duplicate iCode\(s\) \['i1'\]"):
        composite(data, pd.concat([meta, meta.iloc[[0]]]))
    with pytest.raises(SpecificationError, match="Level of 'i1' is 1.5"):
        composite(data, meta.assign(Level=[1.5, 1, 1, 1, 2, 2, 3]))
    with pytest.raises(SpecificationError, match=r"missing column\(s\) \['Direction'\]"):
        composite(data, meta.drop(columns="Direction"))
    with pytest.raises(SpecificationError, match="Direction of indicator 'i1' is 2"):
        composite(data, meta.assign(Direction=[2, 1, 1, 1, 1, 1, 1]))


def test_distance_needs_a_complete_reference(data, meta):
    with pytest.raises(SpecificationError, match="needs reference"):
        composite(data, meta, normalise="distance")
    with pytest.raises(SpecificationError, match="unit 'zz' is not a row"):
        composite(data, meta, normalise="distance", reference="zz")
    gappy = data.copy()
    gappy.loc["u0", "i2"] = np.nan
    with pytest.raises(SpecificationError, match=r"reference unit 'u0' has no value for \['i2'\]"):
        composite(gappy, meta, normalise="distance", reference="u0")


def test_bad_bounds_and_data(data, meta):
    with pytest.raises(SpecificationError, match="bounds: expected finite lo < hi"):
        composite(data, meta, bounds=(100, 0))
    with pytest.raises(SpecificationError, match=r"non-numeric column\(s\) \['i1'\]"):
        composite(data.assign(i1="x"), meta)
    with pytest.raises(SpecificationError, match="duplicate row labels"):
        composite(pd.concat([data, data.iloc[[0]]]), meta)


def test_geometric_refuses_values_below_the_shifted_floor(data, meta):
    # a value below the scale's lower goalpost normalises below lo - delta (here -33 < -1)
    far = data.copy()
    far.loc["u0", "i1"] = -1.0
    posts = dict.fromkeys(data.columns, (0.0, 3.0))
    with pytest.raises(SpecificationError, match=r"geometric.*found value -33.3.*at or below -1"):
        composite(far, meta, aggregate="geometric", goalposts=posts)


METHODS = [
    ("minmax", "arithmetic"),
    ("minmax", "geometric"),
    ("zscore", "arithmetic"),
    ("rank", "arithmetic"),
    ("rank", "copeland"),
]


@pytest.mark.parametrize(("normalise", "aggregate"), METHODS)
def test_unit_order_does_not_matter(data, meta, normalise, aggregate):
    a = composite(data, meta, normalise=normalise, aggregate=aggregate)
    shuffled = data.iloc[np.random.default_rng(1).permutation(len(data))]
    b = composite(shuffled, meta, normalise=normalise, aggregate=aggregate)
    pd.testing.assert_frame_equal(a, b.loc[a.index], check_exact=False, rtol=1e-12)


@pytest.mark.parametrize(("normalise", "aggregate"), METHODS)
def test_indicator_order_does_not_matter(data, meta, normalise, aggregate):
    a = composite(data, meta, normalise=normalise, aggregate=aggregate)
    b = composite(data[["i3", "i1", "i4", "i2"]], meta, normalise=normalise, aggregate=aggregate)
    pd.testing.assert_frame_equal(a, b[a.columns], check_exact=False, rtol=1e-12)


@pytest.mark.parametrize(("normalise", "aggregate"), METHODS)
def test_positive_rescaling_does_not_matter(data, meta, normalise, aggregate):
    # x -> a x + b with a > 0 per indicator (e.g. a 0-3 scale recoded 10..40)
    scale = pd.Series({"i1": 10.0, "i2": 0.5, "i3": 3.0, "i4": 100.0})
    shift = pd.Series({"i1": 10.0, "i2": -4.0, "i3": 0.0, "i4": 1e3})
    a = composite(data, meta, normalise=normalise, aggregate=aggregate)
    b = composite(data * scale + shift, meta, normalise=normalise, aggregate=aggregate)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-9)


def test_bounds_scale_linearly_under_minmax(data, meta):
    a = composite(data, meta)
    b = composite(data, meta, bounds=(1, 11))
    pd.testing.assert_frame_equal(b, 1 + a / 10, check_exact=False, rtol=1e-12)
