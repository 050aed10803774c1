"""External check: COINr's ASEM index reproduced from the Treated data and iMeta.

The data ship with the tests (``tests/data/coinr_asem``); the published index values (COINr's
ASEM example: min-max to [0, 100], weighted arithmetic means up the hierarchy) are the
``coinr.asem.index.*`` entries of ``data/raw/reference/published.json`` (source ``coinr_asem`` in
``scripts/make_reference.py``), compared within their published rounding.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policingstudy.core.paths import ProjectPaths
from policingstudy.data.readers import validation
from policingstudy.data.reference import published_group
from policingstudy.methods.index.composite import composite, ranks


def test_reproduces_coinr_asem_index(asem_folder: Path, project_root: Path) -> None:
    published = published_group("coinr.asem.index", paths=ProjectPaths(project_root))
    order = sorted(published, key=lambda unit: -published[unit].value)  # published ranks 1-6
    assert len(order) == 6
    meta = validation.read_asem_meta(asem_folder)
    treated = validation.read_asem_treated(asem_folder).set_index("UnitCode")
    # iMeta also lists Group and Denominator rows (Type); composite() keeps Indicator/Aggregate
    indicators = meta.loc[meta["Type"] == "Indicator", "iCode"]
    result = composite(treated[indicators], meta, normalise="minmax", bounds=(0, 100))
    index = result["Index"]
    top = index.sort_values(ascending=False).head(6)
    assert list(top.index) == order
    for unit, ref in published.items():
        assert index[unit] == pytest.approx(ref.value, abs=ref.tolerance), unit
    assert ranks(index)[order].tolist() == [1, 2, 3, 4, 5, 6]
    # every unit and every aggregate is computed (the Treated data have no gaps)
    assert result.notna().all().all()
    assert len(result) == 51
