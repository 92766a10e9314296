"""Shared machinery of the statement parsers: the batch writer and exact value conversions."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation

import orjson
import pyarrow as pa

from tally.ingest.formats.errors import Issue, MalformedFileError, Position
from tally.ingest.formats.statement import ParsedStatementBatch, Statement
from tally.ingest.identity import content_hashes
from tally.ingest.records import RECORD_SCHEMA
from tally.money import AmountPrecisionError, to_units

DEFAULT_BATCH_ROWS = 10_000

ExtraValue = str | int | bool | None


class BatchWriter:
    """Collects one file's entries column-wise and cuts them into ``RECORD_SCHEMA`` batches.

    ``row_number`` runs across the whole file (1-based), so rows of later statements keep counting.
    ``row_hash`` is computed per batch with ``identity.content_hashes`` over (booking_date, amount,
    currency, reference, description, counterparty), the same fields and order for every format.
    """

    def __init__(self, batch_rows: int) -> None:
        if batch_rows < 1:
            raise ValueError("batch_rows must be at least 1")
        self.batch_rows = batch_rows
        self._next_row = 1
        self._statement_rows = 0
        self._issues: list[Issue] = []
        self._reset()

    def _reset(self) -> None:
        self._row_number: list[int] = []
        self._reference: list[str | None] = []
        self._booking_date: list[date | None] = []
        self._value_date: list[date | None] = []
        self._amount: list[int] = []
        self._currency: list[str | None] = []
        self._description: list[str | None] = []
        self._counterparty: list[str | None] = []
        self._counterparty_account: list[str | None] = []
        self._transaction_id: list[str | None] = []
        self._extra: list[str | None] = []

    def add(
        self,
        *,
        amount: int,
        booking_date: date | None,
        value_date: date | None = None,
        currency: str | None = None,
        reference: str | None = None,
        description: str | None = None,
        counterparty: str | None = None,
        counterparty_account: str | None = None,
        transaction_id: str | None = None,
        extra: dict[str, ExtraValue] | None = None,
    ) -> None:
        self._row_number.append(self._next_row)
        self._next_row += 1
        self._statement_rows += 1
        self._reference.append(reference)
        self._booking_date.append(booking_date)
        self._value_date.append(value_date)
        self._amount.append(amount)
        self._currency.append(currency)
        self._description.append(description)
        self._counterparty.append(counterparty)
        self._counterparty_account.append(counterparty_account)
        self._transaction_id.append(transaction_id)
        self._extra.append(extra_json(extra))

    def issue(self, position: Position, reason: str) -> None:
        self._issues.append(Issue(position, reason))

    @property
    def full(self) -> bool:
        return len(self._amount) >= self.batch_rows

    @property
    def statement_rows(self) -> int:
        return self._statement_rows

    def cut(self, statement: Statement, *, complete: bool) -> ParsedStatementBatch:
        """The rows collected since the last cut as one batch of ``statement``."""
        booking = pa.array(self._booking_date, pa.date32())
        amount = pa.array(self._amount, pa.int64())
        currency = pa.array(self._currency, pa.string())
        reference = pa.array(self._reference, pa.string())
        description = pa.array(self._description, pa.string())
        counterparty = pa.array(self._counterparty, pa.string())
        row_hash = content_hashes([booking, amount, currency, reference, description, counterparty])
        records = pa.RecordBatch.from_arrays(
            [
                pa.array(self._row_number, pa.int64()),
                reference,
                booking,
                pa.array(self._value_date, pa.date32()),
                amount,
                currency,
                description,
                counterparty,
                pa.array(self._counterparty_account, pa.string()),
                pa.array(self._transaction_id, pa.string()),
                row_hash,
                pa.array(self._extra, pa.string()),
            ],
            schema=RECORD_SCHEMA,
        )
        batch = ParsedStatementBatch(
            records=records,
            statement=replace(statement, entry_count=self._statement_rows),
            complete=complete,
            errors=tuple(self._issues),
        )
        self._reset()
        self._issues = []
        if complete:
            self._statement_rows = 0
        return batch


def extra_json(extra: dict[str, ExtraValue] | None) -> str | None:
    """The ``extra`` column: a JSON object of the non-empty unmapped fields, keys sorted, or null."""
    if not extra:
        return None
    kept = {key: value for key, value in extra.items() if value is not None and value != ""}
    if not kept:
        return None
    return orjson.dumps(kept, option=orjson.OPT_SORT_KEYS).decode()


_LINE_BREAKS = re.compile(r"[ \t]*[\r\n]+[ \t]*")


def clean(text: str | None) -> str | None:
    """Strip surrounding whitespace, fold line breaks inside into one space; empty becomes null."""
    if text is None:
        return None
    text = text.strip()
    if "\n" in text or "\r" in text:
        text = _LINE_BREAKS.sub(" ", text)
    return text or None


def decimal_units(text: str, position: Position, *, format: str, what: str = "amount") -> int:
    """Exact units of 1/10,000 from a plain decimal string (``-12.34``, ``1234,56``)."""
    candidate = text.strip().replace(" ", "")
    if candidate.count(",") == 1 and "." not in candidate:
        candidate = candidate.replace(",", ".")
    if not candidate or not _is_plain_decimal(candidate):
        raise MalformedFileError(
            f"{what} {text.strip()!r} is not a number", position, format=format
        )
    try:
        units = to_units(Decimal(candidate))
    except AmountPrecisionError:
        raise MalformedFileError(
            f"{what} {text.strip()!r} has more than 4 decimal places", position, format=format
        ) from None
    except (InvalidOperation, ValueError):
        raise MalformedFileError(
            f"{what} {text.strip()!r} is not a number", position, format=format
        ) from None
    return int64_units(units, position, format=format, what=f"{what} {text.strip()!r}")


INT64_LIMIT = 2**63


def int64_units(units: int, position: Position, *, format: str, what: str = "amount") -> int:
    """``units`` if it fits the int64 ``amount`` column, else a ``MalformedFileError``."""
    if -INT64_LIMIT <= units < INT64_LIMIT:
        return units
    raise MalformedFileError(f"{what} is out of range", position, format=format)


def _is_plain_decimal(text: str) -> bool:
    body = text[1:] if text[:1] in "+-" else text
    whole, _, fraction = body.partition(".")
    if not (whole or fraction):
        return False
    return all(not part or (part.isascii() and part.isdigit()) for part in (whole, fraction))


def is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def ymd(year: int, month: int, day: int, position: Position, *, format: str, text: str) -> date:
    """A calendar date, or a ``MalformedFileError`` naming the offending text."""
    try:
        return date(year, month, day)
    except ValueError:
        raise MalformedFileError(f"invalid date {text!r}", position, format=format) from None


def swift_year(two_digits: int) -> int:
    """Four-digit year of a YYMMDD date (SWIFT, BAI2): 70-99 are 19xx, the rest 20xx."""
    return 1900 + two_digits if two_digits >= 70 else 2000 + two_digits


def parse_yymmdd(text: str, position: Position, *, format: str) -> date:
    if len(text) != 6 or not is_ascii_digits(text):
        raise MalformedFileError(
            f"invalid date {text!r} (expected YYMMDD)", position, format=format
        )
    return ymd(
        swift_year(int(text[:2])),
        int(text[2:4]),
        int(text[4:6]),
        position,
        format=format,
        text=text,
    )


# ISO 4217 minor-unit exponents that differ from 2 (for formats that write amounts without a decimal
# point, such as BAI2). Source: the ISO 4217 list; currencies not named here use 2.
CURRENCY_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        (
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


def minor_units_factor(currency: str | None) -> int:
    """Multiplier from a currency's minor units to Tally's 1/10,000 units."""
    exponent: int = CURRENCY_EXPONENTS.get(currency or "", 2)
    return int(10 ** (4 - exponent))


def iban_is_valid(candidate: str) -> bool:
    """ISO 13616 check digits (mod 97); used to tell an IBAN from an IBAN with a currency suffix."""
    text = candidate.replace(" ", "").upper()
    if not (15 <= len(text) <= 34) or not text[:2].isalpha() or not text[2:4].isdigit():
        return False
    if not text.isascii() or not text.isalnum():
        return False
    rearranged = text[4:] + text[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1
