from __future__ import annotations

import numpy as np
import pytest

from policingstudy.core.errors import PolicingStudyError
from policingstudy.report.numbers import Numbers, format_number


@pytest.mark.parametrize(
    ("value", "lang", "digits", "expected"),
    [
        (1234567, "en", None, "1,234,567"),
        (1234567, "kk", None, "1\u00a0234\u00a0567"),
        (0.8151, "ru", 3, "0,815"),
        (-0.0399, "en", 3, "\u22120.040"),
        (64.8, "kk", 1, "64,8"),
    ],
)
def test_format_number(value, lang, digits, expected):
    assert format_number(value, lang, digits) == expected


def test_numbers_converts_numpy_and_sorts():
    nums = Numbers()
    nums.add("b", np.int64(3))
    nums.add("a", np.float64(0.5))
    assert nums.as_dict() == {"a": 0.5, "b": 3}
    assert type(nums["b"]) is int


def test_numbers_refuses_conflicting_values():
    nums = Numbers()
    nums.add("n", 1)
    with pytest.raises(PolicingStudyError, match="recorded twice"):
        nums.add("n", 2)


def test_numbers_refuses_nan():
    with pytest.raises(PolicingStudyError, match="finite"):
        Numbers().add("x", float("nan"))


def test_years_are_written_without_separators():
    nums = Numbers()
    nums.add("first", 2013, year=True)
    nums.add("count", 2013)
    assert nums.text("en") == {"first": "2013", "count": "2,013"}
    assert nums.text("ru")["first"] == "2013"
    assert nums.as_dict() == {"count": 2013, "first": 2013}


def test_text_rounds_the_recorded_value_once_half_up():
    # 1.45 is stored in binary as 1.4499999...; the old f-string gave "1.4" while a table
    # rounding the same value half up gave "1.5" (language review F7)
    nums = Numbers()
    nums.add("p", 1.45, digits=1)
    nums.add("q", 0.014999999, digits=1)
    assert nums.text("en")["p"] == "1.5"
    assert nums.text("ru")["p"] == "1,5"
    assert nums.text("kk")["q"] == "0,0"


def test_text_values_remember_the_number_shown():
    nums = Numbers()
    nums.add("n", 21)
    shown = nums.text("ru")["n"]
    assert shown == "21"
    assert shown.shown == 21
