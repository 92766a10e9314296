"""Exact money: every amount is an integer count of 1/10,000 of a currency unit.

A fixed scale of four decimal places covers every ISO 4217 currency exponent (0-4), keeps sums
exact in SQL on both SQLite and PostgreSQL (integer arithmetic), and lets the matching engine work
on plain int64 columns instead of floats or slow decimal objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import Field

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


# ISO 4217 minor units of every currency whose exponent is not 2 (the list maintained by SIX,
# https://www.six-group.com/en/products-services/financial-information/data-standards.html).
# Written out rather than read from Babel (not a dependency): Babel carries CLDR's *display*
# digits, which are a formatting choice, not ISO's minor units (CLDR shows IQD with 0 digits,
# ISO gives it 3), and an amount's exponent is a fact of the currency, not of a locale.
EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        (
            "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
            "VND", "VUV", "XAF", "XOF", "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}  # fmt: skip
DEFAULT_EXPONENT = 2


def currency_exponent(currency: str | None) -> int:
    """The ISO 4217 minor units of ``currency`` (JPY 0, EUR 2, BHD 3); 2 when it is unknown."""
    if currency is None:
        return DEFAULT_EXPONENT
    return EXPONENTS.get(currency.upper(), DEFAULT_EXPONENT)


def format_amount(units: int, currency: str | None) -> str:
    """Integer units as the decimal string an API reader gets: the currency's own number of
    places (JPY "1200", EUR "12.50", BHD "1.250"), more only when the amount has more (a rate or
    a fee of "0.0125" EUR is never rounded)."""
    exact = from_units(units).normalize()
    exponent = exact.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite number: integer units always are
    places = max(currency_exponent(currency), -min(exponent, 0))
    return f"{exact.quantize(Decimal(1).scaleb(-places)):f}"


def amount_decimal(units: int, currency: str | None) -> Decimal:
    """Integer units as a Decimal carrying format_amount's places (JPY ``Decimal("1200")``, EUR
    ``Decimal("12.50")``): what exports write, as numbers a spreadsheet keeps exact."""
    return Decimal(format_amount(units, currency))


Money = Annotated[
    str,
    Field(
        pattern=r"^-?\d+(\.\d+)?$",
        description="A decimal amount as a string (never a float), with the currency's own number"
        " of decimal places (JPY 0, EUR 2, BHD 3), more only when the amount has more",
        examples=["1250.00"],
    ),
]
CurrencyCode = Annotated[
    str,
    Field(
        pattern=r"^[A-Z]{3}$",
        description="ISO 4217 code of the amounts beside it",
        examples=["EUR"],
    ),
]


def single_currency(codes: Iterable[str | None]) -> str | None:
    """The one currency that ``codes`` name (blanks aside), or None when they name none or
    several: the currency amounts summed over those records are in."""
    named = {code for code in codes if code}
    return named.pop() if len(named) == 1 else None
