"""The panel contract of the causal estimators on small hand-made panels (no external data)."""

from __future__ import annotations

import pandas as pd
import pytest

from policingstudy.core.errors import PanelError
from policingstudy.methods.causal.did import att_gt


def _panel(**overrides: object) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "y": [1.0, 2, 3, 4] * 3,
            "u": [1] * 4 + [2] * 4 + [3] * 4,
            "t": [2001, 2002, 2003, 2004] * 3,
            "g": [0] * 4 + [2003] * 4 + [0] * 4,
        }
    )
    return frame.assign(**overrides)


def test_a_text_period_column_is_a_panel_error_naming_the_column() -> None:
    data = _panel(t=[str(v) for v in _panel()["t"]])
    with pytest.raises(PanelError, match=r"column 't' has dtype .*; expected numeric periods"):
        att_gt(data, y="y", unit="u", time="t", group="g")


def test_a_text_group_column_is_a_panel_error_naming_the_column() -> None:
    data = _panel(g=[str(v) for v in _panel()["g"]])
    with pytest.raises(PanelError, match=r"column 'g' has dtype .*; expected numeric first"):
        att_gt(data, y="y", unit="u", time="t", group="g")
