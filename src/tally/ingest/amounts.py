"""Exact amount parsing: text -> int64 units of 1/10,000, vectorised, never through a float.

Accepted forms (``D`` is the decimal separator, '.' or ','):

- a sign before or after the number, or parentheses: ``-12.50``, ``+12.50``, ``12.50-``, ``(12.50)``,
  the minus sign U+2212, a space after the sign (``- 12.01``);
- a currency symbol or ISO code before or after the number: ``$7.50``, ``-$7,971.39``, ``EUR 12``,
  ``12,00 €``, ``+ £1,100.00``;
- thousands groups of three digits (or Indian 2-digit groups) separated by the other of '.'/',',
  an apostrophe (``1'234.56``, also U+2019) or a space (also no-break and thin spaces);
- at most four significant decimal places (trailing zeros beyond that are fine) and 14 integer
  digits, so every value is exact in int64 units.

``parse_amounts`` runs the whole column through pyarrow compute: a fast path (plain signed decimals,
one ``decimal128`` cast whose unscaled integers *are* the units) and, only when the fast path
refuses the batch, the general path built on the same regular expression as the scalar
``parse_amount`` (which explains rejected cells and serves as the reference in tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tally.ingest.arrays import (
    as_string_array,
    filled_mask,
    strip_invisible,
    strip_invisible_text,
    trim,
    value_bytes,
)
from tally.money import AMOUNT_SCALE

MAX_INTEGER_DIGITS = 14
_DECIMAL_TYPE = pa.decimal128(MAX_INTEGER_DIGITS + AMOUNT_SCALE, AMOUNT_SCALE)

_SPACES = " \u00a0\u202f\u2009"
_GROUP_COMMON = "'\u2019" + _SPACES
_SYMBOLS = "$€£¥₣₹₽₺₩₪฿₫₱₦₴₸₼₾"
# What may stand for the currency next to a number: an ISO code, a symbol, a symbol with a
# country prefix (US$, A$, R$), a local abbreviation (kr, Kč, zł, Fr., Turkish banks' TL, Ft,
# lei, лв), or a word in Arabic script (the dinar's and riyal's abbreviations, as YNAB and Excel
# write them in right-to-left locales).
_CURRENCY = (
    f"(?:[A-Z]{{3}}|[A-Z]{{1,2}}\\$|[{_SYMBOLS}]|kr\\.?|Kč|zł|Fr\\.?|Rp|RM|TL|Ft|lei|лв\\.?|"
    "[\u0600-\u06ff][\u0600-\u06ff.]*)"
)
# Symbols that name one currency when the file names none (a '$' file is taken as US dollars).
SYMBOL_CURRENCIES = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
    "₺": "TRY",
    "₩": "KRW",
    "₪": "ILS",
    "฿": "THB",
    "₫": "VND",
    "₱": "PHP",
    "₦": "NGN",
    "₴": "UAH",
    "A$": "AUD",
    "C$": "CAD",
    "NZ$": "NZD",
    "R$": "BRL",
    "Kč": "CZK",
    "zł": "PLN",
    "TL": "TRY",
    "Ft": "HUF",
    "lei": "RON",
    "лв": "BGN",
    "лв.": "BGN",
    "Fr.": "CHF",
    "\u062f.\u0627.": "JOD",
    "\u062f.\u0627": "JOD",
    "\u062f.\u0625.": "AED",
    "\u062f.\u0625": "AED",
    "\u0631.\u0633.": "SAR",
    "\u0631.\u0633": "SAR",
    "\u062f.\u0643.": "KWD",
    "\u062f.\u0643": "KWD",
    "\u0631.\u0642.": "QAR",
    "\u0631.\u0642": "QAR",
    "\u062f.\u0628.": "BHD",
    "\u062f.\u0628": "BHD",
    "\u062c.\u0645.": "EGP",
    "\u062c.\u0645": "EGP",
}
_SP = f"[{_SPACES}]*"
_SIGNS = "-+\u2212"


class AmountFormatError(ValueError):
    """A cell is not an amount; ``code`` tells 'invalid_amount' from 'amount_precision'."""

    def __init__(self, reason: str, code: str = "invalid_amount") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def _group_class(decimal_separator: str) -> str:
    other = "," if decimal_separator == "." else "."
    return "[" + re.escape(other + _GROUP_COMMON) + "]"


@lru_cache(maxsize=4)
def amount_pattern(decimal_separator: str) -> str:
    """The grammar of one amount cell, valid both for Python ``re`` and RE2 (pyarrow)."""
    group = _group_class(decimal_separator)
    integer = f"[0-9]+|[0-9]{{1,3}}(?:{group}[0-9]{{3}})+|[0-9]{{1,2}}(?:{group}[0-9]{{2}})+{group}[0-9]{{3}}"
    dec = re.escape(decimal_separator)
    return (
        f"^(?P<lead>[{_SIGNS}(])?{_SP}(?:(?P<cur1>{_CURRENCY}){_SP})?(?P<sign>[{_SIGNS}])?{_SP}"
        f"(?P<int>{integer})?(?:{dec}(?P<frac>[0-9]*))?"
        f"{_SP}(?:(?P<cur2>{_CURRENCY}){_SP})?(?P<trail>[-+)])?{_SP}(?P<crdr>[CcDd][Rr])?$"
    )


@lru_cache(maxsize=4)
def _compiled(decimal_separator: str) -> re.Pattern[str]:
    return re.compile(amount_pattern(decimal_separator))


def parse_amount(text: str, decimal_separator: str = ".") -> int:
    """Parse one amount cell to units of 1/10,000, or raise AmountFormatError saying why."""
    match = _compiled(decimal_separator).fullmatch(strip_invisible_text(text).strip())
    if match is None:
        raise AmountFormatError(_why_not(text, decimal_separator))
    lead, sign, trail = match["lead"], match["sign"], match["trail"]
    crdr = (match["crdr"] or "").upper()
    integer = re.sub(_group_class(decimal_separator), "", match["int"] or "")
    fraction = match["frac"] or ""
    if not integer and not fraction:
        raise AmountFormatError("not an amount: no digits")
    if (lead == "(") != (trail == ")"):
        raise AmountFormatError("not an amount: unbalanced parentheses")
    signs = [s for s in (lead, sign, trail) if s is not None and s not in "()"]
    if crdr:
        signs.append(crdr)
    if len(signs) > 1 or (signs and lead == "("):
        raise AmountFormatError("not an amount: more than one sign")
    fraction = fraction.rstrip("0")
    if len(fraction) > AMOUNT_SCALE:
        raise AmountFormatError(
            f"more than {AMOUNT_SCALE} decimal places: {text.strip()}", code="amount_precision"
        )
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise AmountFormatError(f"too large: more than {MAX_INTEGER_DIGITS} integer digits")
    units = int((integer or "0") + fraction.ljust(AMOUNT_SCALE, "0"))
    negative = (
        lead in ("-", "\u2212", "(") or sign in ("-", "\u2212") or trail == "-" or crdr == "DR"
    )
    return -units if negative else units


def _why_not(text: str, decimal_separator: str) -> str:
    """The reason a cell is not an amount, naming what stands in the way when it can."""
    stripped = text.strip()
    if any(ch.isdigit() for ch in stripped):
        other = "," if decimal_separator == "." else "."
        if _compiled(other).fullmatch(strip_invisible_text(stripped)):
            return f"not an amount with the decimal separator {decimal_separator!r}"
        odd = sorted({ch for ch in stripped if not ch.isalnum() and ch not in ".,'+-() \u2212"})
        if odd:
            names = ", ".join(
                f"U+{ord(ch):04X}" if not ch.isprintable() else repr(ch) for ch in odd
            )
            return f"not an amount: unexpected character(s) {names}"
    return f"not an amount (decimal separator {decimal_separator!r})"


def currency_of_symbols(values: Iterable[str]) -> str | None:
    """The one currency that the symbols written next to the amounts name, or None.

    None also when the symbols name several currencies, or when a value carries no symbol at all
    while others do (a mixed column says nothing reliable).
    """
    found: set[str] = set()
    for value in values:
        match = _compiled(".").fullmatch(strip_invisible_text(value).strip()) or _compiled(
            ","
        ).fullmatch(strip_invisible_text(value).strip())
        if match is None:
            continue
        symbol = match["cur1"] or match["cur2"]
        if symbol is None:
            continue
        code = SYMBOL_CURRENCIES.get(symbol) or (
            symbol if symbol.isalpha() and symbol.isupper() and len(symbol) == 3 else None
        )
        if code is None:
            return None
        found.add(code)
    return found.pop() if len(found) == 1 else None


def looks_like_amount(text: str) -> bool:
    """Whether a cell reads as an amount with either decimal separator (for sniffing)."""
    text = text.strip()
    if not text or not any(ch.isdigit() for ch in text):
        return False
    for separator in (".", ","):
        try:
            parse_amount(text, separator)
        except AmountFormatError:
            continue
        return True
    return False


_NUMBER_PART = re.compile(r"[0-9][0-9.,'\u2019 \u00a0\u202f\u2009]*")


def detect_decimal_separator(values: Iterable[str]) -> tuple[str | None, bool]:
    """Vote for the decimal separator over sample cells: (separator or None, conflicting?).

    '1.234,56' and '12,5' vote ','; '1,234.56', '12.5' and '1,234,567' vote '.'. A lone
    separator followed by exactly three digits ('1,234') votes for nothing: it could be either.
    """
    votes = {".": 0, ",": 0}
    for value in values:
        match = _NUMBER_PART.search(value)
        if match is None:
            continue
        number = match.group().rstrip(_SPACES + "'\u2019")
        dots, commas = number.count("."), number.count(",")
        if dots and commas:
            votes["." if number.rfind(".") > number.rfind(",") else ","] += 1
        elif dots + commas == 1:
            separator = "." if dots else ","
            if len(number) - number.rfind(separator) - 1 != 3:
                votes[separator] += 1
        elif dots > 1:
            votes[","] += 1
        elif commas > 1:
            votes["."] += 1
    if not votes["."] and not votes[","]:
        return None, False
    winner = "." if votes["."] >= votes[","] else ","
    return winner, bool(votes["."] and votes[","])


# ----------------------------------------------------------------------------------------------
# Vectorised


def parse_amounts(values: pa.Array | pa.ChunkedArray, decimal_separator: str = ".") -> pa.Array:
    """Parse a string column to int64 units; null where the cell is empty or not an amount.

    Callers find the invalid cells as ``non-empty input & null output`` and ask ``parse_amount``
    for the reason, so nothing is ever rounded or silently dropped.
    """
    values = trim(strip_invisible(as_string_array(values)))
    fast = _parse_plain(values, decimal_separator)
    if fast is not None:
        return fast
    return _parse_general(values, decimal_separator)


def _parse_plain(text: pa.Array, decimal_separator: str) -> pa.Array | None:
    """Signed decimals, with or without thousands groups ('-1234.5', '1.234,56'): one decimal128
    cast, whose unscaled integers are the units. None when the column holds anything else."""
    group = "," if decimal_separator == "." else "."
    data = value_bytes(text).tobytes()
    if data.translate(None, b"0123456789+-" + decimal_separator.encode() + group.encode()):
        return None  # spaces, symbols, letters, parentheses...: the general path decides
    filled = filled_mask(text)
    if group.encode() in data:
        # Groups must be real groups ('1.234,56', not '12.50' read with ',' decimals).
        d, g = re.escape(decimal_separator), re.escape(group)
        grouped = f"^[-+]?(?:[0-9]{{1,3}}(?:{g}[0-9]{{3}})+|[0-9]+)(?:{d}[0-9]*)?$"
        valid = pc.match_substring_regex(text, grouped)
        if not pc.all(pc.or_(valid, pa.array(~filled))).as_py():
            return None
        text = pc.replace_substring(text, group, "")
    if decimal_separator == ",":
        text = pc.replace_substring(text, ",", ".")
    if not filled.all():
        text = pc.if_else(pa.array(filled), text, "0")
    try:
        decimals = pc.cast(text, _DECIMAL_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    # decimal128(18, 4) holds the unscaled integer, i.e. the units, in its low 64 bits.
    words = np.frombuffer(decimals.buffers()[1], dtype=np.int64)
    low = words[2 * decimals.offset : 2 * (decimals.offset + len(decimals)) : 2]
    return pa.array(low, pa.int64(), mask=~filled)


def _parse_general(text: pa.Array, decimal_separator: str) -> pa.Array:
    parts = pc.extract_regex(text, amount_pattern(decimal_separator))
    lead = pc.struct_field(parts, "lead")
    sign = pc.struct_field(parts, "sign")
    trail = pc.struct_field(parts, "trail")
    crdr = pc.utf8_upper(pc.struct_field(parts, "crdr"))
    crdr_given = pc.greater(pc.binary_length(crdr), 0)
    integer = pc.replace_substring_regex(
        pc.struct_field(parts, "int"), _group_class(decimal_separator), ""
    )
    raw_fraction = pc.struct_field(parts, "frac")
    fraction = pc.utf8_rtrim(raw_fraction, "0")

    has_digits = pc.or_(
        pc.greater(pc.binary_length(integer), 0), pc.greater(pc.binary_length(raw_fraction), 0)
    )
    open_paren = pc.equal(lead, "(")
    close_paren = pc.equal(trail, ")")
    lead_sign = pc.and_not(pc.greater(pc.binary_length(lead), 0), open_paren)
    sign_given = pc.greater(pc.binary_length(sign), 0)
    trail_sign = pc.and_not(pc.greater(pc.binary_length(trail), 0), close_paren)
    sign_count = pc.add(
        pc.add(
            pc.add(lead_sign.cast(pa.int8()), sign_given.cast(pa.int8())),
            trail_sign.cast(pa.int8()),
        ),
        crdr_given.cast(pa.int8()),
    )
    # Balanced parentheses, and at most one sign (none inside parentheses).
    sign_limit = pc.if_else(open_paren, 0, 1)
    signs_ok = pc.and_(
        pc.equal(open_paren, close_paren), pc.less_equal(sign_count, sign_limit.cast(pa.int8()))
    )
    sizes_ok = pc.and_(
        pc.less_equal(pc.utf8_length(fraction), AMOUNT_SCALE),
        pc.less_equal(pc.utf8_length(pc.utf8_ltrim(integer, "0")), MAX_INTEGER_DIGITS),
    )
    valid = pc.fill_null(pc.and_(pc.and_(has_digits, signs_ok), sizes_ok), False)

    digits = pc.binary_join_element_wise(
        pc.if_else(pc.greater(pc.binary_length(integer), 0), integer, "0"),
        pc.utf8_rpad(fraction, AMOUNT_SCALE, "0"),
        "",
    )
    units = pc.cast(pc.if_else(valid, digits, pa.scalar(None, pa.string())), pa.int64())
    negative = pc.fill_null(
        pc.or_(
            pc.or_(
                pc.is_in(lead, pa.array(["-", "\u2212", "("])),
                pc.is_in(sign, pa.array(["-", "\u2212"])),
            ),
            pc.or_(pc.equal(trail, "-"), pc.equal(crdr, "DR")),
        ),
        False,
    )
    return pc.if_else(negative, pc.negate(units), units)
