"""Exact money: every amount is an integer count of 1/10,000 of a currency unit.

A fixed scale of four decimal places covers every ISO 4217 currency exponent (0-4), keeps sums
exact in SQL on both SQLite and PostgreSQL (integer arithmetic), and lets the matching engine work
on plain int64 columns instead of floats or slow decimal objects.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

AMOUNT_SCALE = 4
AMOUNT_FACTOR = 10**AMOUNT_SCALE
_QUANTUM = Decimal(1).scaleb(-AMOUNT_SCALE)


class AmountPrecisionError(ValueError):
    """The amount has more decimal places than Tally stores exactly."""


def to_units(value: Decimal | int | str) -> int:
    """Convert a decimal amount to integer units of 1/10,000, refusing to round."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    scaled = amount.scaleb(AMOUNT_SCALE)
    if scaled != scaled.to_integral_value():
        raise AmountPrecisionError(f"more than {AMOUNT_SCALE} decimal places: {value}")
    return int(scaled)


def from_units(units: int) -> Decimal:
    """Convert integer units of 1/10,000 back to a Decimal with four decimal places."""
    return (Decimal(units).scaleb(-AMOUNT_SCALE)).quantize(_QUANTUM)


def format_units(units: int) -> str:
    """Render units as a plain decimal string with trailing zeros beyond two places removed."""
    text = f"{from_units(units):f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(2, "0")
    return f"{whole}.{frac}"
