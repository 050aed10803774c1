"""Locale formatting (policingstudy.i18n.format) against hand-written CLDR strings.

Expected strings were written by hand from CLDR 47 (Babel 2.19) data for en, kk_KZ and ru_RU:
group separator U+00A0 (no-break space) and decimal comma for kk and ru; percent pattern
"#,##0%" for en and kk and "#,##0\u00a0%" for ru; the project's own rules add the minus sign
U+2212 and round half up once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from policingstudy.core.errors import OptionError, PolicingStudyError
from policingstudy.i18n import format as fmt

NBSP = "\u00a0"
NNBSP = "\u202f"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "1,624"), ("kk", f"1{NBSP}624"), ("ru", f"1{NBSP}624")]
)
def test_integer_groups_thousands(lang, expected):
    assert fmt.integer(1624, lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "2,513,455"), ("kk", f"2{NBSP}513{NBSP}455"), ("ru", f"2{NBSP}513{NBSP}455")],
)
def test_integer_accepts_numpy_and_groups_millions(lang, expected):
    assert fmt.integer(np.int64(2513455), lang) == expected


def test_integer_refuses_fractions():
    with pytest.raises(PolicingStudyError, match=r"expected a whole number, got 2\.5"):
        fmt.integer(2.5, "en")


@pytest.mark.parametrize(
    ("value", "lang", "digits", "expected"),
    [
        (73.3, "en", 1, "73.3"),
        (73.3, "kk", 1, "73,3"),
        (73.3, "ru", 1, "73,3"),
        (-0.04, "en", 1, "0.0"),
        (-0.04, "kk", 1, "0,0"),
        (-0.04, "ru", 1, "0,0"),
        (-1.23, "ru", 1, f"{MINUS}1,2"),
        (-1.23, "en", 1, f"{MINUS}1.2"),
        (-0.0816, "kk", 3, f"{MINUS}0,082"),
        (12345.678, "ru", 2, f"12{NBSP}345,68"),
        (np.float64(0.5), "en", 2, "0.50"),
        (Decimal("2.5"), "en", 0, "3"),
    ],
)
def test_number(value, lang, digits, expected):
    assert fmt.number(value, lang, digits=digits) == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(1.45, 1, "1.5"), (2.5, 0, "3"), (-2.5, 0, "-3"), (0.125, 2, "0.13"), (1.005, 2, "1.01")],
)
def test_rounding_is_half_up_on_the_decimal_representation(value, digits, expected):
    # Python's round(1.005, 2) == 1.0 and f"{2.5:.0f}" == "2": both differ from what readers
    # expect and from spreadsheet rounding
    assert str(fmt.round_half_up(value, digits)) == expected


def test_rounding_is_identical_across_languages():
    values = [0.05, 0.15, 0.25, 1.45, 2.675, -0.35, 99.95]
    shown = {lang: [fmt.number(v, lang, digits=1) for v in values] for lang in ("en", "kk", "ru")}
    assert [s.replace(",", ".") for s in shown["ru"]] == shown["en"]
    assert shown["kk"] == shown["ru"]


def test_number_refuses_nan_and_bad_digits():
    with pytest.raises(PolicingStudyError, match="finite"):
        fmt.number(float("nan"), "en", digits=1)
    with pytest.raises(PolicingStudyError, match="digits: expected an integer from 0 to 10"):
        fmt.number(1.0, "en", digits=-1)


def test_number_without_grouping_for_years():
    assert fmt.number(2013, "ru", digits=0, grouping=False) == "2013"


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (8.84, "ru", "+8,8"),
        (-1.25, "kk", f"{MINUS}1,3"),
        (-0.04, "en", "0.0"),
        (0.04, "ru", "0,0"),
        (0.0, "en", "0.0"),
    ],
)
def test_signed(value, lang, expected):
    assert fmt.signed(value, lang, digits=1) == expected


@pytest.mark.parametrize(
    ("value", "scale", "lang", "expected"),
    [
        (0.733, "share", "en", "73.3%"),
        (0.733, "share", "kk", "73,3%"),
        (0.733, "share", "ru", f"73,3{NBSP}%"),
        (14.2, "points", "ru", f"14,2{NBSP}%"),
        (1.45, "points", "en", "1.5%"),
        (-0.0004, "share", "en", "0.0%"),
        (-0.012, "share", "kk", f"{MINUS}1,2%"),
    ],
)
def test_percent(value, scale, lang, expected):
    assert fmt.percent(value, lang, digits=1, scale=scale) == expected


def test_percent_needs_an_explicit_scale():
    with pytest.raises(OptionError, match=r"scale: expected one of \('share', 'points'\)"):
        fmt.percent(0.5, "en", digits=0, scale="fraction")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("2026-11-26", "en", "November 26, 2026"),
        ("2026-11-26", "kk", f"2026{NNBSP}ж. 26 қараша"),
        ("2026-11-26", "ru", f"26 ноября 2026{NNBSP}г."),
        (pd.Timestamp("2026-12-03"), "ru", f"3 декабря 2026{NNBSP}г."),
        ("2026-12-03 00:00:00", "en", "December 3, 2026"),
        (dt.datetime(2026, 12, 3, 0, 0), "kk", f"2026{NNBSP}ж. 3 желтоқсан"),
        (np.datetime64("2016-01-01"), "en", "January 1, 2016"),
        ("2002-09", "ru", f"сентябрь 2002{NNBSP}г."),
        ("2002-09", "kk", f"2002{NNBSP}ж. қыркүйек"),
        ("2002-09", "en", "September 2002"),
        ("2002", "ru", "2002"),
    ],
)
def test_date(value, lang, expected):
    text = fmt.date(value, lang)
    assert text == expected
    assert "00:00" not in text


def test_date_refuses_other_strings():
    with pytest.raises(PolicingStudyError, match="expected an ISO date"):
        fmt.date("26/11/2026", "en")


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "one"), (2, "few"), (5, "many"), (11, "many"), (21, "one"), (22, "few"), (25, "many")],
)
def test_russian_plural_categories(count, expected):
    assert fmt.plural_category(count, "ru") == expected


def test_plural_categories_of_each_language():
    assert fmt.plural_categories("ru") == {"one", "few", "many", "other"}
    assert fmt.plural_categories("kk") == {"one", "other"}
    assert fmt.plural_categories("en") == {"one", "other"}
    assert fmt.plural_category(Decimal("1.5"), "ru") == "other"
    assert fmt.plural_category(1, "kk") == "one"
    assert fmt.plural_category(0, "en") == "other"


def test_tick_formatter_uses_the_same_rules():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 30000], [-0.5, 0.6])
    ax.set_xticks([0, 10000, 20000, 30000])
    ax.set_yticks([-0.5, -0.25, 0, 0.25, 0.5])
    ax.xaxis.set_major_formatter(fmt.ticks("kk"))
    ax.yaxis.set_major_formatter(fmt.ticks("ru"))
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "0",
        f"10{NBSP}000",
        f"20{NBSP}000",
        f"30{NBSP}000",
    ]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        f"{MINUS}0,50",
        f"{MINUS}0,25",
        "0,00",
        "0,25",
        "0,50",
    ]
    plt.close(fig)


def test_tick_formatter_with_fixed_digits_and_years():
    assert fmt.ticks("ru", digits=1)(1.25) == "1,3"
    assert fmt.ticks("en", digits=0, grouping=False)(2013.0) == "2013"


def test_format_module_does_not_import_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys; import policingstudy.i18n.format, policingstudy.i18n; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
