"""Tests of the notebook-04 views (membership rule, parameters, figures)."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from policingstudy.core.errors import ParameterError
from policingstudy.report.views import index as views
from policingstudy.studies import design
from policingstudy.studies.params import ComparativeIndexParams


def test_membership_keeps_hand_coded_bodies_only() -> None:
    units = pd.DataFrame(
        {
            "unit_id": ["DE_BY", "DE_FED", "KZ_PC", "US_X", "US_S1"],
            "jurisdiction": ["DE", "DE", "KZ", "US", "US"],
            "kind": ["no_body", "police_commissioner", "public_council", "coa", "coa"],
            "origin": ["hand_coded"] * 4 + ["uchicago_survey"],
        }
    )
    m = design.membership(units)
    assert list(m["system_id"]) == ["KZ", "US", "DE"]
    assert list(m["unit_id"]) == ["KZ_PC", "US_X", "DE_FED"]


def test_alternatives_never_pair_zscore_with_geometric() -> None:
    assert design.alternatives("minmax", "arithmetic") == (("minmax",), ("arithmetic", "geometric"))
    assert design.alternatives("zscore", "arithmetic") == (("zscore",), ("arithmetic",))


def test_number_key() -> None:
    assert views.number_key("UK-EW") == "uk_ew"


def test_params_refuse_bad_values() -> None:
    with pytest.raises(ParameterError, match="weighting"):
        ComparativeIndexParams(lang="en", weighting="magic")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="n_draws"):
        ComparativeIndexParams(lang="en", n_draws=0)
    assert ComparativeIndexParams(lang="kk").n_draws == 2000


def test_notebook_refuses_weighting_schemes_it_cannot_parameterise():
    with pytest.raises(ParameterError, match=r"weighting: expected one of \('equal'\), got 'ahp'"):
        ComparativeIndexParams(lang="en", weighting="ahp")


def test_method_text_names_the_chosen_methods():
    from policingstudy.report.views.index import method_text

    assert method_text("rank", "geometric", "en").startswith("percentile ranks")
    assert "геометриялық" in method_text("minmax", "geometric", "kk")


def test_dimension_profiles_draws_one_line_per_system():
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from policingstudy.report.views.index import dimension_profiles
    from policingstudy.studies.design import SYSTEMS

    dims = ("D1", "D2")
    scores = pd.DataFrame({"D1": [10.0, 20, 30, 40], "D2": [50.0, np.nan, 70, 80]}, index=SYSTEMS)
    analysis = type("A", (), {"dimensions": dims, "scores": scores})()
    dimensions = pd.DataFrame({"dimension_id": list(dims), "label_en": ["Independence", "Powers"]})
    ax = dimension_profiles(analysis, dimensions, "en")
    lines = {line.get_gid(): line for line in ax.get_lines()}
    assert set(lines) == {f"system:{s}" for s in SYSTEMS}
    assert list(lines["system:KZ"].get_ydata()) == [10.0, 50.0]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["Independence", "Powers"]
    plt.close(ax.figure)


def test_body_distances_ranks_foreign_bodies_with_enough_dimensions():
    import numpy as np
    import pandas as pd

    from policingstudy.report.views.index import body_distances

    dims = ("D1", "D2")
    scores = pd.DataFrame(
        {"D1": [50.0, 60.0, 90.0, 55.0, 10.0], "D2": [50.0, 50.0, 10.0, np.nan, 20.0]},
        index=["KZ", "DE_A", "US_B", "UK_C", "KZ_X"],
    )
    kinds = pd.Series(["system", "unit", "unit", "unit", "unit"], index=scores.index)
    analysis = type("A", (), {"dimensions": dims, "scores": scores, "kinds": kinds})()
    units = pd.DataFrame(
        {
            "unit_id": ["DE_A", "US_B", "UK_C", "KZ_X"],
            "jurisdiction": ["DE", "US", "UK-EW", "KZ"],
            "name_en": ["A", "B", "C", "X"],
        }
    )
    table = body_distances(analysis, units, "en", min_dimensions=2)
    assert table["Body"].tolist() == ["DE_A", "US_B"]  # UK_C has one dimension; KZ_X is Kazakh
    assert table["Overall distance"].tolist() == [
        round(np.sqrt(50.0), 1),
        40.0,
    ]  # RMS of (10, 0) and (40, 40)
