"""Closed option sets as ``Literal`` types, and the one helper that checks them at run time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, TypeVar, get_args

from policingstudy.core.errors import OptionError

Lang = Literal["en", "kk", "ru"]
LANGS: tuple[Lang, ...] = get_args(Lang)

Jurisdiction = Literal["KZ", "UK-EW", "US", "DE"]
JURISDICTIONS: tuple[Jurisdiction, ...] = get_args(Jurisdiction)

Confidence = Literal["low", "medium", "high"]

Normalise = Literal["minmax", "zscore", "rank", "distance"]
Aggregate = Literal["arithmetic", "geometric", "copeland"]
Weighting = Literal["equal", "user", "pca", "ahp"]
ReliabilityLevel = Literal["nominal", "ordinal", "interval", "ratio"]

T = TypeVar("T", bound=str)


def check_option(value: object, allowed: Iterable[T], *, name: str) -> T:
    """Return ``value`` if it is one of ``allowed``, else raise :class:`OptionError`.

    Parameters
    ----------
    value
        The value given by the caller.
    allowed
        The closed set of accepted values (e.g. ``get_args(Lang)``).
    name
        What the value is, used in the message (e.g. ``"lang"``).

    Returns
    -------
    str
        ``value`` unchanged.

    Raises
    ------
    OptionError
        With a message of the form ``name: expected one of (...), got '...'``.
    """
    options = tuple(allowed)
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise OptionError(f"{name}: expected one of ({listed}), got {value!r}")
    return value
