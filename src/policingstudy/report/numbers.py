"""Named numbers quoted in report text.

A notebook records every number its narrative quotes in a :class:`Numbers` object, formats them for
its language from there (never retyped), and publishes them in its last cell. The runner collects
the published numbers into ``reports/numbers/<stem>.json`` and checks they are identical across
languages.
"""

from __future__ import annotations

import math
from typing import Any

from policingstudy.core.errors import PolicingStudyError
from policingstudy.core.types import LANGS, Lang, check_option
from policingstudy.i18n.format import FormattedNumber, integer, number

MIMETYPE = "application/vnd.policingstudy.numbers+json"
Number = int | float


def format_number(value: Number, lang: Lang, digits: int | None = None) -> FormattedNumber:
    """Format a number for running text in ``lang`` (rules of :mod:`policingstudy.i18n.format`).

    English uses a comma as thousands separator and a point as decimal mark; Kazakh and Russian use
    a no-break space and a comma. Negative numbers take the minus sign U+2212; the value is rounded
    once, half up (see :func:`policingstudy.i18n.format.round_half_up`).

    Parameters
    ----------
    value
        The number.
    lang
        Language code.
    digits
        Decimal places; default 0 for integers and 2 for floats.

    Returns
    -------
    FormattedNumber
        The formatted number (a ``str`` that remembers the value shown, for plural forms).
    """
    check_option(lang, LANGS, name="lang")
    if digits is None:
        digits = 0 if isinstance(value, int) else 2
    return number(value, lang, digits=digits)


class Numbers:
    """An ordered record of named numbers.

    Examples
    --------
    >>> nums = Numbers()
    >>> nums.add("n_topics", 30)
    30
    >>> nums.text("en")["n_topics"]
    '30'
    """

    def __init__(self) -> None:
        self._values: dict[str, Number] = {}
        self._raw: dict[str, Number] = {}
        self._digits: dict[str, int | None] = {}
        self._years: set[str] = set()

    def add(
        self, name: str, value: Any, *, digits: int | None = None, year: bool = False
    ) -> Number:
        """Record ``value`` under ``name`` and return it as a plain int or float.

        ``digits`` sets the decimals shown in text; ``year=True`` shows an integer without
        thousands separators (``2013``, not ``2,013``).

        Raises
        ------
        PolicingStudyError
            If the name is taken by a different value, or the value is not a finite number.
        """
        if isinstance(value, bool) or not isinstance(value, int | float):
            try:
                value = value.item()  # type: ignore[union-attr]  # numpy scalar
            except AttributeError:
                raise PolicingStudyError(
                    f"number {name!r}: expected an int or float, got {type(value).__name__}"
                ) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise PolicingStudyError(f"number {name!r}: expected a finite number, got {value}")
        raw = value
        if isinstance(value, float) and digits is not None:
            value = round(value, digits + 2)
        if name in self._values and self._values[name] != value:
            raise PolicingStudyError(
                f"number {name!r} recorded twice with different values: "
                f"{self._values[name]!r} and {value!r}"
            )
        self._values[name] = value
        self._raw.setdefault(name, raw)
        self._digits[name] = digits
        if year:
            self._years.add(name)
        return value

    def __getitem__(self, name: str) -> Number:
        return self._values[name]

    def as_dict(self) -> dict[str, Number]:
        """Return the numbers, sorted by name."""
        return dict(sorted(self._values.items()))

    def text(self, lang: Lang) -> dict[str, FormattedNumber]:
        """Return every number formatted for ``lang`` (for ``str.format`` fields).

        Each value is rounded once, from the value recorded (not from its stored rounding), so
        text and tables that show the same value with the same digits agree. The results are
        :class:`~policingstudy.i18n.format.FormattedNumber` strings, which plural references
        in catalog texts (``{n_cities:@cities}``) read.
        """
        return {
            name: integer(int(value), lang, grouping=False)
            if name in self._years
            else format_number(self._raw[name], lang, self._digits[name])
            for name, value in self._values.items()
        }

    def publish(self) -> None:
        """Display the numbers as a machine-readable output the runner collects."""
        from IPython.display import display

        display({MIMETYPE: self.as_dict(), "text/plain": f"{len(self._values)} numbers"}, raw=True)
