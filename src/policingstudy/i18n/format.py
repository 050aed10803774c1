"""Locale formatting of numbers, percentages, signed values, dates and plural categories.

One layer over CLDR (via Babel) that running text, tables and figure tick labels all use, so a
number reads the same everywhere in a report. The locales are ``en`` (English), ``kk_KZ``
(Kazakh) and ``ru_RU`` (Russian). CLDR gives Kazakh and Russian a decimal comma and a no-break
space (U+00A0) as group separator, English a point and a comma; groups of three digits start
at four-digit numbers in all three (CLDR's minimum grouping digits is 1 for these locales).

Rules every function follows:

- **Round once, half up.** A value is rounded exactly once, to the digits shown, by
  :func:`round_half_up`: the float's shortest decimal representation (``repr``, so ``1.45``
  is the decimal 1.45, not the binary 1.4499999...) is rounded half away from zero. The same
  value with the same digits therefore prints the same in every language, in text and in tables.
  Callers pass unrounded values and the digits; they never round first.
- **True minus sign.** Negative numbers start with U+2212 (−), not the hyphen-minus that CLDR
  lists for these locales; a value that rounds to zero prints without a sign (``0.0``, never
  ``-0.0``).
- **Explicit percent scale.** :func:`percent` takes ``scale="share"`` (0.733 is 73.3%) or
  ``scale="points"`` (73.3 is 73.3%), never a guess.

Nothing here imports matplotlib at module import time; :func:`ticks` imports it when called.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from policingstudy.core.errors import PolicingStudyError
from policingstudy.core.types import LANGS, Lang, check_option

if TYPE_CHECKING:
    from matplotlib.ticker import Formatter

LOCALES: dict[Lang, str] = {"en": "en", "kk": "kk_KZ", "ru": "ru_RU"}
MINUS = "\u2212"
PLUS = "+"
MAX_DIGITS = 10

Scale = Literal["share", "points"]
SCALES: tuple[Scale, ...] = ("share", "points")
Precision = Literal["day", "month", "year"]
PRECISIONS: tuple[Precision, ...] = ("day", "month", "year")
_SKELETONS: dict[Precision, str] = {"day": "yMMMMd", "month": "yMMMM", "year": "y"}
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ]00:00(?::00(?:\.0+)?)?)?$")

Real = int | float | Decimal | np.integer[Any] | np.floating[Any]


class FormattedNumber(str):
    """A number formatted for one language that remembers the value it shows.

    It is an ordinary ``str`` (``"1 624"``); ``shown`` holds the rounded value as a
    :class:`~decimal.Decimal`, which plural selection uses (``1,5`` selects Russian ``other``,
    ``21`` selects ``one``).
    """

    shown: Decimal

    def __new__(cls, text: str, shown: Decimal) -> FormattedNumber:
        """Create the string ``text`` that shows the value ``shown``."""
        obj = super().__new__(cls, text)
        obj.shown = shown
        return obj


@cache
def locale(lang: Lang) -> Locale:
    """Return the Babel locale of ``lang`` (``en``, ``kk_KZ`` or ``ru_RU``)."""
    check_option(lang, LANGS, name="lang")
    return Locale.parse(LOCALES[lang])


def _decimal(value: Any, *, what: str = "value") -> Decimal:
    """Convert an int, float, Decimal or numpy scalar to a finite Decimal (floats via repr)."""
    if isinstance(value, bool):
        raise PolicingStudyError(f"{what}: expected a number, got a bool ({value!r})")
    if hasattr(value, "item") and not isinstance(value, int | float | Decimal):
        value = value.item()  # numpy scalar
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise PolicingStudyError(f"{what}: expected a finite number, got {value!r}")
        result = Decimal(repr(float(value)))  # numpy floats repr as "np.float64(...)"
    else:
        raise PolicingStudyError(f"{what}: expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise PolicingStudyError(f"{what}: expected a finite number, got {value!r}")
    return result


def _check_digits(digits: int) -> int:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= MAX_DIGITS:
        raise PolicingStudyError(
            f"digits: expected an integer from 0 to {MAX_DIGITS}, got {digits!r}"
        )
    return digits


def round_half_up(value: Real, digits: int) -> Decimal:
    """Round ``value`` to ``digits`` decimals, half away from zero; the project's one rounding.

    Parameters
    ----------
    value
        The number (a float is read through its shortest decimal representation).
    digits
        Decimal places, 0 to 10.

    Returns
    -------
    Decimal
        The rounded value; ``-0`` becomes ``0``.

    Examples
    --------
    >>> str(round_half_up(1.45, 1)), str(round_half_up(-2.5, 0)), str(round_half_up(-0.04, 1))
    ('1.5', '-3', '0.0')
    """
    exact = _decimal(value)
    try:
        rounded = exact.quantize(Decimal(1).scaleb(-_check_digits(digits)), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than the context's precision
        raise PolicingStudyError(
            f"value {value!r} is too large to show with {digits} digits"
        ) from exc
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _pattern(digits: int, *, grouping: bool) -> str:
    body = "#,##0" if grouping else "0"
    return body + ("." + "0" * digits if digits else "")


def _unsigned(rounded: Decimal, lang: Lang, digits: int, *, grouping: bool) -> str:
    return babel_numbers.format_decimal(
        rounded.copy_abs(), format=_pattern(digits, grouping=grouping), locale=locale(lang)
    )


def number(value: Real, lang: Lang, *, digits: int, grouping: bool = True) -> FormattedNumber:
    """Format ``value`` with ``digits`` decimals for ``lang``.

    Parameters
    ----------
    value
        The number (unrounded).
    lang
        Language code.
    digits
        Decimal places shown (the value is rounded once, half up).
    grouping
        Separate thousands (False for years and codes).

    Returns
    -------
    FormattedNumber
        E.g. ``number(-1234.56, "ru", digits=1) == "−1 234,6"`` (U+2212, U+00A0).
    """
    rounded = round_half_up(value, digits)
    text = _unsigned(rounded, lang, digits, grouping=grouping)
    return FormattedNumber(MINUS + text if rounded < 0 else text, rounded)


def integer(value: Real, lang: Lang, *, grouping: bool = True) -> FormattedNumber:
    """Format a whole number with thousands separators (``1624`` -> ``"1 624"`` in kk/ru).

    Raises
    ------
    PolicingStudyError
        If ``value`` is not a whole number (round it with :func:`number` instead).
    """
    exact = _decimal(value)
    if exact != exact.to_integral_value():
        raise PolicingStudyError(
            f"integer(): expected a whole number, got {value!r}; use number(..., digits=...)"
        )
    return number(exact, lang, digits=0, grouping=grouping)


def signed(value: Real, lang: Lang, *, digits: int) -> FormattedNumber:
    """Format a change or difference with an explicit sign: ``+8,8``, ``−1,2``, ``0,0``.

    A value that rounds to zero prints without a sign.
    """
    shown = number(value, lang, digits=digits)
    return shown if shown.shown <= 0 else FormattedNumber(PLUS + shown, shown.shown)


def percent(value: Real, lang: Lang, *, digits: int, scale: Scale) -> FormattedNumber:
    """Format a percentage with the locale's percent pattern (``73,3%`` kk, ``73,3 %`` ru).

    Parameters
    ----------
    value
        A share (``scale="share"``: 0.733) or percentage points (``scale="points"``: 73.3).
    lang
        Language code.
    digits
        Decimal places of the percentage.
    scale
        How ``value`` is expressed; no default, so that a share is never shown as 0.7%.

    Returns
    -------
    FormattedNumber
        The percentage with sign and percent symbol; ``shown`` is the rounded percentage.
    """
    check_option(scale, SCALES, name="scale")
    points = _decimal(value) * 100 if scale == "share" else _decimal(value)
    rounded = round_half_up(points, digits)
    body = "#,##0" + ("." + "0" * digits if digits else "")
    pattern = locale(lang).percent_formats[None].pattern.replace("#,##0", body, 1)
    text = babel_numbers.format_percent(
        rounded.copy_abs() / 100, format=pattern, locale=locale(lang)
    )
    return FormattedNumber(MINUS + text if rounded < 0 else text, rounded)


def scientific(value: Real, lang: Lang, *, digits: int) -> str:
    """Format a tiny or huge number as ``1,2 × 10⁻¹²`` (mantissa rounded as in :func:`number`).

    Examples
    --------
    >>> scientific(1.23e-12, "ru", digits=1)
    '1,2\u00a0×\u00a010⁻¹²'
    >>> scientific(0, "en", digits=1)
    '0.0'
    """
    exact = _decimal(value)
    if exact.is_zero():
        return str(number(0, lang, digits=digits))
    exponent = exact.copy_abs().adjusted()
    mantissa = round_half_up(exact.scaleb(-exponent), digits)
    if mantissa.copy_abs() >= 10:  # 9.96 -> 10.0: carry into the exponent
        exponent += 1
        mantissa = round_half_up(exact.scaleb(-exponent), digits)
    power = str(exponent).translate(_SUPERSCRIPT)
    return f"{number(mantissa, lang, digits=digits)}\u00a0×\u00a010{power}"


_SUPERSCRIPT = str.maketrans(
    "-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)


def _as_date(value: Any) -> tuple[_dt.date, Precision]:
    """Read a date, datetime, pandas/numpy timestamp or ISO string, with its precision."""
    if isinstance(value, str):
        match = _ISO.match(value.strip())
        if not match:
            raise PolicingStudyError(
                f"date: expected an ISO date such as 2026-11-26, 2002-09 or 2002, got {value!r}"
            )
        year, month, day = match.groups()
        precision: Precision = "day" if day else "month" if month else "year"
        return _dt.date(int(year), int(month or 1), int(day or 1)), precision
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    elif type(value).__name__ == "datetime64":  # numpy
        value = value.astype("datetime64[D]").item()
    if isinstance(value, _dt.datetime):
        return value.date(), "day"
    if isinstance(value, _dt.date):
        return value, "day"
    raise PolicingStudyError(f"date: expected a date or ISO string, got {type(value).__name__}")


def date(value: Any, lang: Lang, *, precision: Precision | None = None) -> str:
    """Format a date in the locale's long form, without a time of day.

    Parameters
    ----------
    value
        A ``datetime.date``/``datetime``, pandas ``Timestamp``, numpy ``datetime64`` or ISO
        string (``2026-11-26``, ``2002-09``, ``2002``; a midnight time is dropped).
    lang
        Language code.
    precision
        ``day``, ``month`` or ``year``; default: that of an ISO string, else ``day``.

    Returns
    -------
    str
        ``26 ноября 2026 г.``, ``2026 ж. 26 қараша``, ``November 26, 2026``; by month
        ``сентябрь 2002 г.``, ``2002 ж. қыркүйек``, ``September 2002``.
    """
    day, found = _as_date(value)
    chosen = check_option(precision or found, PRECISIONS, name="precision")
    return babel_dates.format_skeleton(_SKELETONS[chosen], day, locale=locale(lang))


def plural_categories(lang: Lang) -> frozenset[str]:
    """The CLDR plural categories of ``lang`` (``other`` always included)."""
    return frozenset(locale(lang).plural_form.tags) | {"other"}


def plural_category(count: Real, lang: Lang) -> str:
    """The CLDR plural category of ``count`` in ``lang`` (``one``, ``few``, ``many``, ``other``).

    Integers and Decimals are used as they are (``Decimal("1.0")`` has a visible fraction digit
    and selects ``other`` in Russian); floats through their shortest decimal representation.
    """
    return str(locale(lang).plural_form(_decimal(count, what="count")))


def tick_digits(locs: list[float], *, limit: int = 6) -> int:
    """The fewest decimals (up to ``limit``) that show every tick location exactly and distinctly.

    >>> tick_digits([0.0, 0.25, 0.5]), tick_digits([10000.0, 20000.0]), tick_digits([1.5, 2.0])
    (2, 0, 1)
    """
    finite = [x for x in locs if math.isfinite(x)]
    if not finite:
        return 0
    scale = max(abs(x) for x in finite) or 1.0
    for digits in range(limit + 1):
        shown = [round(x, digits) for x in finite]
        if all(abs(s - x) <= 1e-9 * scale for s, x in zip(shown, finite, strict=True)):
            return digits
    return limit


def ticks(lang: Lang, *, digits: int | None = None, grouping: bool = True) -> Formatter:
    """A matplotlib tick formatter that follows the rules of :func:`number`.

    Parameters
    ----------
    lang
        Language code.
    digits
        Decimals on every tick; default: the fewest that show the axis's ticks exactly.
    grouping
        Separate thousands (pass False for an axis of years).

    Returns
    -------
    matplotlib.ticker.Formatter
        Set it with ``ax.xaxis.set_major_formatter(ticks("kk"))``.
    """
    check_option(lang, LANGS, name="lang")
    if digits is not None:
        _check_digits(digits)
    return _formatter_class()(lang, digits, grouping)


@cache
def _formatter_class() -> type:
    from matplotlib.ticker import Formatter

    class LocaleFormatter(Formatter):
        """Tick labels formatted by :func:`policingstudy.i18n.format.number`."""

        def __init__(self, lang: Lang, digits: int | None, grouping: bool) -> None:
            self.lang: Lang = lang
            self.digits = digits
            self.grouping = grouping
            self.tick_locs: list[float] = []

        def set_locs(self, locs: Any) -> None:
            # matplotlib calls this with the axis's tick locations before formatting them
            self.tick_locs = [float(x) for x in locs]

        def _digits(self, x: float) -> int:
            if self.digits is not None:
                return self.digits
            return tick_digits(self.tick_locs or [x])

        def __call__(self, x: float, pos: int | None = None) -> str:
            if not math.isfinite(x):
                return ""
            return str(number(x, self.lang, digits=self._digits(x), grouping=self.grouping))

    return LocaleFormatter
