"""Properties of the comparison on the shipped dataset (notebook 04's analysis)."""

from __future__ import annotations

import numpy as np
import pytest

from policingstudy.methods.index import systems
from policingstudy.report.views import index as views
from policingstudy.studies import design
from policingstudy.studies import index as ix


def compare(tables: dict, population, **kw):  # noqa: ANN001, ANN201
    t = tables
    return ix.compare_systems(
        t["units"],
        t["codings"],
        t["codings_by_coder"],
        t["indicators"],
        t["events"],
        population,
        **{"reference_date": "2025-01-01", "n_draws": 1000, "n_grid_draws": 20, "n_base": 32, **kw},
    )


@pytest.fixture(scope="module")
def population(dataset_tables, mirror):  # noqa: ANN001
    del mirror  # the population readers read the mirror's files
    return ix.population_table(dataset_tables["units"])


@pytest.fixture(scope="module")
def analysis(dataset_tables, population):  # noqa: ANN001
    return compare(dataset_tables, population)


@pytest.fixture(scope="module")
def best_rule(dataset_tables):  # noqa: ANN001
    """Without population weights: the nominal construction takes the best available value."""
    return compare(dataset_tables, None)


def test_reference_date_moves_the_ipcc_and_later_bodies(dataset_tables) -> None:  # noqa: ANN001
    u, e = dataset_tables["units"], dataset_tables["events"]
    early = set(design.membership(u, e, reference_date="2016-01-01")["unit_id"])
    late = set(design.membership(u, e, reference_date="2025-01-01")["unit_id"])
    assert "UK_IPCC" in early
    assert "UK_IPCC" not in late
    assert "UK_IOPC" in late
    assert "UK_IOPC" not in early
    v = design.validity(u, e, reference_date="2025-01-01").set_index("unit_id")["status"]
    assert v["DE_HE"] == "unfilled"
    born_later = {"DE_FED", "DE_BB", "UK_GMCA_MAYOR", "US_BRK_PAB"}
    assert born_later <= late
    assert not born_later & early


def check_grid(a, n_expected: int) -> None:  # noqa: ANN001
    table = views.grid_table(a)
    assert list(table.columns) == list(views.GRID_COLUMNS)
    assert table["construction"].nunique() == n_expected
    assert len(table) == n_expected * 4
    assert set(table["system"]) == set(design.SYSTEMS)
    assert table.groupby("construction")["system"].nunique().eq(4).all()
    assert set(table["boundary"]) == {"all", "external"}


def test_grid_without_population_has_48_constructions(best_rule) -> None:  # noqa: ANN001
    check_grid(best_rule, 2 * 2 * 3 * 2 * 2)
    assert set(best_rule.grid.table["system_rule"]) == {"best_available", "best_body"}


def test_grid_has_every_construction_for_every_system(analysis) -> None:  # noqa: ANN001
    check_grid(analysis, 3 * 2 * 3 * 2 * 2)
    assert set(analysis.grid.table["system_rule"]) == set(systems.SYSTEM_RULES)


@pytest.mark.parametrize("which", ["best_rule", "analysis"])
def test_coding_draws_are_centred_on_the_nominal_index(which, request) -> None:  # noqa: ANN001
    # "best_rule": the system takes the best body per indicator (the max rule the old band
    # biased upwards); "analysis": the population-covered mean (needs the mirror)
    a = request.getfixturevalue(which)
    c = views.coding_table(a)
    assert list(c.columns) == list(views.CODING_COLUMNS)
    gap = (c["median"] - c["nominal"]).abs()
    assert (gap <= 1.0).all(), c
    assert (c["p05"] <= c["nominal"]).all()
    assert (c["nominal"] <= c["p95"]).all()
    assert a.error.n_pairs > 50
    assert 0 < a.error.p_error < 0.2


def test_earlier_reference_date_changes_membership_and_results(dataset_tables) -> None:  # noqa: ANN001
    small = {"n_draws": 50, "n_grid_draws": 5, "n_base": 8}
    early = compare(dataset_tables, None, reference_date="2016-01-01", **small)
    late = compare(dataset_tables, None, **small)
    assert "UK_IPCC" in set(early.members["unit_id"])
    assert "UK_IPCC" not in set(late.members["unit_id"])
    assert early.class_counts.loc["DE"].sum() < late.class_counts.loc["DE"].sum()
    a = views.grid_table(early).set_index(["construction", "system"])["index"]
    b = views.grid_table(late).set_index(["construction", "system"])["index"]
    assert not np.allclose(a.loc[b.index].to_numpy(), b.to_numpy(), equal_nan=True)
