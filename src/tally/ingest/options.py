"""ParseOptions: everything the full parse needs, small enough to store on the data source as JSON.

Preflight proposes them from the head of a file; the user may correct any of them (above all the
mapping and an ambiguous date format); the sources service stores ``to_dict()`` and hands
``ParseOptions.from_dict(...)`` to ``parse_csv`` / ``parse_xlsx`` for the whole file.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from tally.ingest.dates import compile_date_format
from tally.ingest.errors import EncodingError, MappingError, OptionsError
from tally.ingest.records import MAPPABLE_FIELDS

OPTIONS_VERSION = 1

# Case-insensitive marker values of a "direction" column (C/D, Af/Bij, Soll/Haben, D/K...).
DEFAULT_DEBIT_MARKERS: tuple[str, ...] = (
    "d",
    "db",
    "dr",
    "dbit",
    "debit",
    "debet",
    "af",
    "s",
    "soll",
    "lastschrift",
    "belastung",
    "out",
    "-",
    "支出",  # Chinese: paid out (Alipay's 收/支), and the ledger's 借 (debit)
    "借",
    "出金",  # Japanese: withdrawal
)
DEFAULT_CREDIT_MARKERS: tuple[str, ...] = (
    "c",
    "cr",
    "crdt",
    "credit",
    "k",
    "kredit",
    "bij",
    "h",
    "haben",
    "gutschrift",
    "in",
    "+",
    "收入",  # Chinese: received, and the ledger's 贷 (credit)
    "贷",
    "入金",  # Japanese: deposit
)

DATE_FIELDS = ("booking_date", "value_date")
AMOUNT_FIELDS = ("amount", "debit", "credit")
TEXT_FIELDS = (
    "reference",
    "description",
    "counterparty",
    "counterparty_account",
    "transaction_id",
)
FORMATS = ("csv", "xlsx")
RAGGED_MODES = ("error", "pad")
DELIMITERS = (",", ";", "\t", "|")


@dataclass
class ParseOptions:
    """How to read one file. JSON-serialisable through ``to_dict`` / ``from_dict``.

    ``mapping`` maps Tally fields (``MAPPABLE_FIELDS``) to the file's column names. ``columns`` are
    the unique names of the data fields in file order (None: take them from the header).
    ``header`` is the header row exactly as found, checked again on every parse so a file with a
    different layout is refused instead of being mis-mapped. ``skip_rows`` counts the non-blank
    records before the header (or before the first data row when there is no header).
    ``ragged_rows`` = "pad" pads short rows with empty cells and drops empty surplus cells; a row
    whose surplus cells are not empty is still an error.
    """

    mapping: dict[str, str] = field(default_factory=dict)
    format: str = "csv"
    encoding: str = "utf-8"
    compression: str | None = None
    delimiter: str = ","
    quotechar: str | None = '"'
    has_header: bool = True
    skip_rows: int = 0
    header: list[str] | None = None
    columns: list[str] | None = None
    date_format: str | None = None
    decimal_separator: str = "."
    default_currency: str | None = None
    debit_markers: list[str] = field(default_factory=lambda: list(DEFAULT_DEBIT_MARKERS))
    credit_markers: list[str] = field(default_factory=lambda: list(DEFAULT_CREDIT_MARKERS))
    ragged_rows: str = "error"
    sheet: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["version"] = OPTIONS_VERSION
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ParseOptions:
        """Rebuild stored options; unknown keys are refused rather than silently ignored."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key != "version"}
        unknown = sorted(set(values) - known)
        if unknown:
            raise OptionsError(f"unknown parse option(s): {', '.join(unknown)}")
        version = data.get("version", OPTIONS_VERSION)
        if version != OPTIONS_VERSION:
            raise OptionsError(f"unsupported parse options version {version!r}")
        options = cls(**values)
        options.mapping = dict(options.mapping)
        for list_name in ("header", "columns"):
            value = getattr(options, list_name)
            if value is not None:
                setattr(options, list_name, [str(cell) for cell in value])
        options.debit_markers = list(options.debit_markers)
        options.credit_markers = list(options.credit_markers)
        return options

    @property
    def python_encoding(self) -> str:
        return codecs.lookup(self.encoding).name

    def validate(self, *, require_mapping: bool = True) -> None:
        """Check the options are usable; raise OptionsError, EncodingError or MappingError."""
        if self.format not in FORMATS:
            raise OptionsError(f"format must be one of {', '.join(FORMATS)}, not {self.format!r}")
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise EncodingError(f"unknown encoding {self.encoding!r}") from None
        if self.compression not in (None, "gzip"):
            raise OptionsError(f"unsupported compression {self.compression!r}")
        if len(self.delimiter) != 1 or self.delimiter in "\r\n\"'":
            raise OptionsError(f"invalid delimiter {self.delimiter!r}")
        if self.quotechar is not None and (
            len(self.quotechar) != 1 or self.quotechar == self.delimiter
        ):
            raise OptionsError(f"invalid quote character {self.quotechar!r}")
        if self.decimal_separator not in (".", ","):
            raise OptionsError("decimal_separator must be '.' or ','")
        if self.ragged_rows not in RAGGED_MODES:
            raise OptionsError(f"ragged_rows must be one of {', '.join(RAGGED_MODES)}")
        if self.skip_rows < 0:
            raise OptionsError("skip_rows must not be negative")
        if self.default_currency is not None and not _is_currency_code(self.default_currency):
            raise OptionsError(
                f"default_currency must be a 3-letter code: {self.default_currency!r}"
            )
        if self.columns is not None and len(set(self.columns)) != len(self.columns):
            raise OptionsError("column names must be unique")
        if self.date_format is not None:
            compile_date_format(self.date_format)
        if require_mapping:
            check_mapping(self.mapping, self.columns)
            if self.date_format is None and any(f in self.mapping for f in DATE_FIELDS):
                raise OptionsError(
                    "date_format is required (preflight could not decide it from the data)"
                )


def check_mapping(mapping: Mapping[str, str], columns: list[str] | None) -> None:
    """Raise MappingError unless the mapping names known fields and columns, with the required ones.

    Required: ``booking_date``, and either ``amount`` or at least one of ``debit`` / ``credit``.
    """
    for problem in mapping_problems(mapping, columns):
        raise MappingError(problem[1], column=problem[0])


AMOUNT_UNMAPPED = "amount (or a debit/credit pair) must be mapped to a column"


def mapping_problems(
    mapping: Mapping[str, str], columns: list[str] | None
) -> list[tuple[str | None, str]]:
    """Every reason the mapping is unusable, as (column or None, reason) pairs."""
    problems: list[tuple[str | None, str]] = []
    for name, column in mapping.items():
        if name not in MAPPABLE_FIELDS:
            problems.append((None, f"unknown field {name!r}"))
        elif columns is not None and column not in columns:
            problems.append(
                (column, f"field {name!r} is mapped to a column the file does not have")
            )
    used = [column for column in mapping.values()]
    duplicates = sorted({column for column in used if used.count(column) > 1})
    for column in duplicates:
        problems.append((column, "the same column is mapped to more than one field"))
    if "booking_date" not in mapping:
        problems.append((None, "booking_date must be mapped to a column"))
    has_pair = "debit" in mapping or "credit" in mapping
    if "amount" in mapping and has_pair:
        problems.append((None, "map either amount or debit/credit, not both"))
    elif "amount" not in mapping and not has_pair:
        problems.append((None, AMOUNT_UNMAPPED))
    if "direction" in mapping and "amount" not in mapping:
        problems.append((None, "a direction column needs an amount column"))
    return problems


def _is_currency_code(value: str) -> bool:
    return len(value) == 3 and value.isascii() and value.isalpha() and value.isupper()
