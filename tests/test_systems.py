"""Body-then-system scoring and the construction grid, on hand-computed examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import JoinError, OptionError, SpecificationError
from policingstudy.methods.index import systems
from policingstudy.methods.index.composite import meta_from_indicators

# Two dimensions: D1 = {gate, extra}, D2 = {power}. Scale 0-3 everywhere.
INDICATORS = pd.DataFrame(
    {
        "indicator_id": ["gate", "extra", "power"],
        "dimension_id": ["D1", "D1", "D2"],
        "direction": "+",
    }
)
META = meta_from_indicators(INDICATORS)
SCALES = {c: (0.0, 3.0) for c in INDICATORS["indicator_id"]}
GATE = systems.Gate("gate", ("power",))


def frames(rows: dict[str, tuple[object, object, object]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and statuses from ``{unit: (gate, extra, power)}`` with 'u' = unknown, 'n' = n/a."""
    cols = ["gate", "extra", "power"]
    values = pd.DataFrame(
        [[v if isinstance(v, int | float) else np.nan for v in r] for r in rows.values()],
        index=list(rows),
        columns=cols,
        dtype=float,
    )
    status = pd.DataFrame(
        [
            [
                "coded"
                if isinstance(v, int | float)
                else "unknown"
                if v == "u"
                else "not_applicable"
                for v in r
            ]
            for r in rows.values()
        ],
        index=list(rows),
        columns=cols,
    )
    return values, status


def one(system: str, *units: str, area: str = "") -> pd.DataFrame:
    return pd.DataFrame({"system_id": system, "unit_id": list(units), "area": area})


def test_powers_count_only_as_far_as_the_body_is_independent() -> None:
    # internal unit: gate 0, power 3 -> 0; ombudsman: gate 2, power 3 -> 2;
    # unknown independence: power missing (unknown); n/a gate: power kept.
    values, status = frames(
        {"internal": (0, 1, 3), "ombud": (2, 1, 3), "dark": ("u", 1, 2), "free": ("n", 1, 2)}
    )
    for unit, expected in (("internal", 0.0), ("ombud", 2.0), ("dark", np.nan), ("free", 2.0)):
        inputs = systems.prepare(
            values,
            META,
            scales=SCALES,
            boundaries={"all": one("S", unit)},
            status=status,
            gate=GATE,
        )
        rows, _ = systems.system_rows(
            inputs,
            inputs.matrix[None],
            systems.Construction("best_available", "all", "missing", "arithmetic", "dimension"),
        )
        np.testing.assert_equal(rows[0, 0, 2], expected)
    assert inputs.unknown[list(inputs.unit_ids).index("dark"), 2]


def test_best_available_no_longer_mixes_independence_and_powers() -> None:
    # The system's power comes from the internal unit (3) under the old rule; gated, from the
    # ombudsman (2). Index by dimension: D1 = mean(gate 2, extra 1) = 50, D2 = 2/3 = 66.7.
    values, status = frames({"internal": (0, 1, 3), "ombud": (2, 1, 2)})
    members = {"all": one("S", "internal", "ombud")}
    c = systems.Construction("best_available", "all", "missing", "arithmetic", "dimension")
    gated = systems.prepare(
        values, META, scales=SCALES, boundaries=members, status=status, gate=GATE
    )
    plain = systems.prepare(values, META, scales=SCALES, boundaries=members, status=status)
    assert systems.score(gated, c).index[0, 0] == pytest.approx((50 + 200 / 3) / 2)
    assert systems.score(plain, c).index[0, 0] == pytest.approx((50 + 100) / 2)


def test_covered_mean_weights_areas_by_population_and_uncovered_areas_score_zero() -> None:
    # National body N (power 1) covers a, b, c; Land body R (power 3) covers a only.
    # power per area: a = 3, b = 1, c = 1; population 2, 1, 1 -> (6 + 1 + 1) / 4 = 2.
    values, status = frames({"N": (3, 3, 1), "R": (3, 3, 3)})
    members = pd.DataFrame({"system_id": "S", "unit_id": ["N", "R"], "area": ["", "a"]})
    areas = pd.DataFrame({"system_id": "S", "area": ["a", "b", "c"], "weight": [2.0, 1.0, 1.0]})
    inputs = systems.prepare(
        values, META, scales=SCALES, boundaries={"all": members}, status=status, areas=areas
    )
    c = systems.Construction("covered_mean", "all", "missing", "arithmetic", "indicator")
    rows, _ = systems.system_rows(inputs, inputs.matrix[None], c)
    np.testing.assert_allclose(rows[0, 0], [3.0, 3.0, 2.0])
    # Without the national body, areas b and c have no body: they count as 0.
    alone = systems.prepare(
        values,
        META,
        scales=SCALES,
        boundaries={"all": members[members["unit_id"] == "R"]},
        status=status,
        areas=areas,
    )
    rows, _ = systems.system_rows(alone, alone.matrix[None], c)
    np.testing.assert_allclose(rows[0, 0], [1.5, 1.5, 1.5])  # (2 * 3 + 0 + 0) / 4


def test_missing_rules_bound_unknowns_not_absences() -> None:
    # 'extra' is unknown in the only body: lower -> 0, upper -> 3.
    # 'power' is not applicable: lower -> 0, upper -> 0 (an absence, not an unknown).
    values, status = frames({"A": (3, "u", "n")})
    inputs = systems.prepare(
        values, META, scales=SCALES, boundaries={"all": one("S", "A")}, status=status
    )
    got = {}
    for rule in systems.MISSING_RULES:
        c = systems.Construction("best_available", "all", rule, "arithmetic", "indicator")
        got[rule] = systems.system_rows(inputs, inputs.matrix[None], c)[0][0, 0]
    np.testing.assert_equal(got["missing"], [3.0, np.nan, np.nan])
    np.testing.assert_equal(got["lower"], [3.0, 0.0, 0.0])
    np.testing.assert_equal(got["upper"], [3.0, 3.0, 0.0])
    c = systems.Construction("best_available", "all", "missing", "arithmetic", "indicator")
    assert systems.score(inputs, c).index[0, 0] == pytest.approx(100.0)  # mean of what exists
    c = systems.Construction("best_available", "all", "upper", "arithmetic", "indicator")
    assert systems.score(inputs, c).index[0, 0] == pytest.approx(200 / 3)


def test_best_body_is_the_best_body_index_and_names_it() -> None:
    # A: gate 3, extra 3, power n/a -> by-indicator index 100 with gaps left missing,
    #    66.7 with the absence set to 0; B: (2, 2, 2) -> 66.7 either way.
    values, status = frames({"A": (3, 3, "n"), "B": (2, 2, 2)})
    inputs = systems.prepare(
        values, META, scales=SCALES, boundaries={"all": one("S", "B", "A")}, status=status
    )
    c = systems.Construction("best_body", "all", "missing", "arithmetic", "indicator")
    s = systems.score(inputs, c)
    assert s.index[0, 0] == pytest.approx(100.0)
    assert inputs.unit_ids[s.chosen[0, 0]] == "A"
    c = systems.Construction("best_body", "all", "lower", "arithmetic", "indicator")
    s = systems.score(inputs, c)
    assert s.index[0, 0] == pytest.approx(200 / 3)
    table = systems.run_grid(inputs, [c]).table
    assert table.loc[0, "body"] in {"A", "B"}


def test_geometric_mean_penalises_zeros() -> None:
    values, status = frames({"A": (3, 0, 3)})
    inputs = systems.prepare(
        values, META, scales=SCALES, boundaries={"all": one("S", "A")}, status=status
    )
    c = systems.Construction("best_available", "all", "missing", "geometric", "indicator")
    # values 100, 0, 100 shifted by 1: exp(mean(log(101, 1, 101))) - 1
    expected = np.exp((2 * np.log(101.0) + np.log(1.0)) / 3) - 1
    assert systems.score(inputs, c).index[0, 0] == pytest.approx(expected)


def example() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame], pd.DataFrame]:
    values, status = frames(
        {
            "k1": (0, 1, 3),
            "k2": (2, "u", 1),
            "k3": (1, 2, "n"),
            "u1": (3, 3, 2),
            "u2": (3, "u", 3),
            "d1": (3, 2, "u"),
            "d2": ("u", 1, 1),
        }
    )
    members = pd.DataFrame(
        {
            "system_id": ["K", "K", "K", "U", "U", "D", "D"],
            "unit_id": ["k1", "k2", "k3", "u1", "u2", "d1", "d2"],
            "area": ["", "", "", "", "", "x", "y"],
        }
    )
    external = members[members["unit_id"].isin(["k2", "u1", "d1"])]
    areas = pd.DataFrame({"system_id": "D", "area": ["x", "y", "z"], "weight": [5.0, 3.0, 2.0]})
    return values, status, {"all": members, "external": external}, areas


def test_grid_has_every_combination_and_the_documented_columns() -> None:
    values, status, members, areas = example()
    inputs = systems.prepare(
        values, META, scales=SCALES, boundaries=members, status=status, areas=areas, gate=GATE
    )
    grid = systems.constructions(["all", "external"])
    assert len(grid) == 3 * 2 * 3 * 2 * 2 == 72
    assert len({c.id for c in grid}) == 72
    table = systems.run_grid(inputs, grid).table
    assert list(table.columns) == [
        "construction",
        "system_rule",
        "boundary",
        "missing",
        "aggregate",
        "weights",
        "system",
        "index",
        "rank",
        "body",
    ]
    assert len(table) == 72 * 3
    assert table.groupby("construction")["rank"].min().eq(1).all()
    shares = systems.ordering_shares(table, origin="K")
    assert set(shares["model"]) == {"D", "U"}
    assert np.allclose(shares[["below", "tied", "above"]].sum(axis=1), 1.0)
    pair = systems.pairwise_shares(table)
    assert pair.loc["K", "U"] == pytest.approx(shares.set_index("model").loc["U", "above"])


def test_results_do_not_depend_on_the_order_of_units_areas_or_members() -> None:
    values, status, members, areas = example()
    grid = systems.constructions(["all", "external"])
    base = systems.prepare(
        values, META, scales=SCALES, boundaries=members, status=status, areas=areas, gate=GATE
    )
    order = values.index[::-1]
    shuffled = systems.prepare(
        values.loc[order],
        META,
        scales=SCALES,
        boundaries={k: m.iloc[::-1] for k, m in members.items()},
        status=status.loc[order],
        areas=areas.iloc[::-1],
        gate=GATE,
    )
    a = systems.run_grid(base, grid).table.sort_values(["construction", "system"])
    b = systems.run_grid(shuffled, grid).table.sort_values(["construction", "system"])
    pd.testing.assert_frame_equal(
        a.drop(columns="body").reset_index(drop=True), b.drop(columns="body").reset_index(drop=True)
    )


def test_ordering_shares_by_hand() -> None:
    table = pd.DataFrame(
        {
            "construction": ["c1", "c1", "c2", "c2", "c3", "c3"],
            "system": ["K", "M"] * 3,
            "index": [50.0, 60.0, 70.0, 60.0, 40.0, 40.0],
        }
    )
    s = systems.ordering_shares(table, origin="K").iloc[0]
    assert (s["below"], s["tied"], s["above"]) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert (s["gap_min"], s["gap_median"], s["gap_max"]) == (-10.0, 0.0, 10.0)


def test_bad_inputs_are_refused_with_what_was_expected() -> None:
    values, status, members, areas = example()
    with pytest.raises(
        JoinError, match=r"boundary 'all': 1 unit_id\(s\) not in the data: \['zz'\]"
    ):
        systems.prepare(
            values,
            META,
            scales=SCALES,
            boundaries={"all": pd.concat([members["all"], one("K", "zz")])},
            status=status,
        )
    bad = members["all"].assign(area=lambda m: m["area"].replace("y", "q"))
    with pytest.raises(JoinError, match="covers area 'q', which is not an area of D"):
        systems.prepare(
            values, META, scales=SCALES, boundaries={"all": bad}, status=status, areas=areas
        )
    with pytest.raises(SpecificationError, match=r"unit 'k1' is in systems 'K' and 'U'"):
        systems.prepare(
            values,
            META,
            scales=SCALES,
            boundaries={"all": members["all"], "x": one("U", "k1")},
            status=status,
        )
    with pytest.raises(SpecificationError, match=r"status: found \['guess'\]"):
        systems.prepare(
            values, META, scales=SCALES, boundaries=members, status=status.replace("coded", "guess")
        )
    with pytest.raises(SpecificationError, match=r"gate: \['nope'\] are not indicators"):
        systems.prepare(
            values,
            META,
            scales=SCALES,
            boundaries=members,
            areas=areas,
            gate=systems.Gate("nope", ("power",)),
        )
    with pytest.raises(
        OptionError, match=r"missing: expected one of \('missing', 'lower', 'upper'\)"
    ):
        systems.Construction("best_available", "all", "zero", "arithmetic", "indicator")  # type: ignore[arg-type]
    inputs = systems.prepare(
        values, META, scales=SCALES, boundaries=members, status=status, areas=areas
    )
    with pytest.raises(SpecificationError, match="boundary 'elsewhere'"):
        systems.score(
            inputs,
            systems.Construction(
                "best_available", "elsewhere", "missing", "arithmetic", "indicator"
            ),
        )
