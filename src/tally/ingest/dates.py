"""Dates: strftime-style formats compiled to one regular expression, parsed vectorised to date32.

Supported directives: ``%Y %y %m %d %b %B`` (English, German, French, Dutch, Spanish and Italian
month names) and ``%H %I %M %S %f %p`` (matched, then ignored: records carry dates). ``%y``
follows POSIX (69-99 -> 19xx, 00-68 -> 20xx). A format without a time part also accepts a time of
day after the date (``2020-01-01T13:00:00``, ``12/31/2021 10:28 am``, DB2's
``2013-07-03-08.21.36.47192``), which is ignored, and so is a second date annotated after the first
in a few words (Schwab's ``04/17/2023 as of 04/15/2023``): the first is the entry's. ``"excel"``
reads spreadsheet serial day numbers. Days and months must exist: unlike pyarrow's ``strptime``,
31/02/2020 is an error, not the 2nd of March.

The scalar ``parse_date`` uses the same regular expression as the vectorised ``parse_dates`` (a
pattern valid for both Python ``re`` and RE2), so preflight, error reasons and bulk parsing agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tally.ingest.arrays import as_string_array, strip_invisible, strip_invisible_text, trim
from tally.ingest.errors import OptionsError

EXCEL = "excel"
_EXCEL_EPOCH = date(1899, 12, 30)
_UNIX_EPOCH_SERIAL = (date(1970, 1, 1) - _EXCEL_EPOCH).days

# Tried in this order when detecting; DMY and MDY pairs that both fit all values are ambiguous.
CANDIDATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y年%m月%d日",  # Japanese and Chinese (2024年3月1日)
    "%d.%m.%y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d-%m-%y",
    "%m-%d-%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d-%b-%y",
    "%d %b %y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%d. %B %Y",
)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan january janv januar janvier januari jän jänner ene enero gen gennaio",
        "feb february febr februar février fevrier februari févr febrero febbraio",
        "mar march mär märz mrz mars maart mrt marzo",
        "apr april avr avril abr abril aprile",
        "may mai mei mayo mag maggio",
        "jun june juni juin junio giu giugno",
        "jul july juli juil juillet julio lug luglio",
        "aug august août aout augustus ago agosto",
        "sep sept september septembre septiembre setiembre set settembre",
        "oct october okt oktober octobre octubre ott ottobre",
        "nov november novembre noviembre",
        "dec december dez dezember déc décembre dic diciembre dicembre",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
_MONTH_NAMES = pa.array(list(_MONTHS))
_MONTH_NUMBERS = np.array([0, *_MONTHS.values()], dtype=np.int64)  # index_in position + 1

_TIME_SUFFIX = (
    r"(?:[ T-]+[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2}(?:[.,][0-9]+)?)?"
    r"(?: ?[AaPp][Mm])?(?: ?(?:Z|[+-][0-9]{2}:?[0-9]{2}|[A-Z]{3,4}))?)?"
)
# A second date after the entry's own, joined by one to three words ('as of', 'bis', 'au').
_ANNOTATED_DATE = (
    r"(?:[ ]+[A-Za-zÀ-ÿ]+(?:[ ][A-Za-zÀ-ÿ]+){0,2}[ ]+[0-9]{1,4}[-./][0-9]{1,2}[-./][0-9]{1,4})?"
)
_DIRECTIVES = {
    "Y": "(?P<Y>[0-9]{4})",
    "y": "(?P<y>[0-9]{2})",
    "m": "(?P<m>[0-9]{1,2})",
    "d": "(?P<d>[0-9]{1,2})",
    "b": "(?P<b>[A-Za-zÀ-ÿ]{3,10}\\.?)",
    "B": "(?P<b>[A-Za-zÀ-ÿ]{3,10}\\.?)",
    "H": "[0-9]{1,2}",
    "I": "[0-9]{1,2}",
    "M": "[0-9]{2}",
    "S": "[0-9]{2}",
    "f": "[0-9]{1,9}",
    "p": "[AaPp][Mm]",
}
_TIME_DIRECTIVES = set("HIMSfp")
_WIDTHS = {"Y": 4, "m": 2, "d": 2}


class DateFormatError(ValueError):
    """A cell does not hold a valid date in the format."""


@dataclass(frozen=True)
class CompiledDateFormat:
    format: str
    pattern: str
    # (start of year, month, day) for formats of fixed width made of %Y %m %d and literals only,
    # with the literal positions, so padded values can skip the regular expression.
    width: int | None
    fields: tuple[int, int, int] | None
    literals: tuple[tuple[int, str], ...]


@lru_cache(maxsize=64)
def compile_date_format(date_format: str) -> CompiledDateFormat:
    """Check a strftime-style format and build its regular expression (OptionsError if invalid)."""
    if date_format == EXCEL:
        return CompiledDateFormat(EXCEL, r"^(?P<n>[0-9]{1,7})(?:\.[0-9]+)?$", None, None, ())
    pieces: list[str] = []
    seen: set[str] = set()
    position: int | None = 0
    starts: dict[str, int] = {}
    literals: list[tuple[int, str]] = []
    index = 0
    previous_directive = False
    while index < len(date_format):
        char = date_format[index]
        if char == "%":
            if index + 1 >= len(date_format):
                raise OptionsError(f"date format ends with '%': {date_format!r}")
            directive = date_format[index + 1]
            index += 2
            if directive == "%":
                pieces.append("%")
                position = None
                continue
            if directive not in _DIRECTIVES:
                raise OptionsError(f"unsupported directive %{directive} in {date_format!r}")
            group = "b" if directive == "B" else directive
            if group in seen and group in "Yymdb":
                raise OptionsError(f"%{directive} appears twice in {date_format!r}")
            seen.add(group)
            adjacent = previous_directive or date_format.startswith("%", index)
            if directive in "md" and adjacent:
                # Without a separator ('%Y%m%d') the width must be fixed to stay unambiguous.
                pieces.append(f"(?P<{directive}>[0-9]{{2}})")
            else:
                pieces.append(_DIRECTIVES[directive])
            previous_directive = True
            if directive in _WIDTHS and position is not None:
                starts[directive] = position
                position += _WIDTHS[directive]
            else:
                position = None
            continue
        index += 1
        previous_directive = False
        if char.isspace():
            pieces.append("[ ]+")
            position = None
        else:
            pieces.append(re.escape(char))
            if position is not None:
                literals.append((position, char))
                position += 1
    has_year = bool(seen & {"Y", "y"})
    has_month = bool(seen & {"m", "b"})
    if not (has_year and has_month and "d" in seen):
        raise OptionsError(f"a date format needs a year, a month and a day: {date_format!r}")
    suffix = ("" if seen & _TIME_DIRECTIVES else _TIME_SUFFIX) + _ANNOTATED_DATE
    pattern = "^" + "".join(pieces) + suffix + "$"
    fixed = position is not None and set(starts) == {"Y", "m", "d"}
    return CompiledDateFormat(
        date_format,
        pattern,
        position if fixed else None,
        (starts["Y"], starts["m"], starts["d"]) if fixed else None,
        tuple(literals) if fixed else (),
    )


@lru_cache(maxsize=64)
def _regex(date_format: str) -> re.Pattern[str]:
    return re.compile(compile_date_format(date_format).pattern)


def _year(full: str | None, short: str | None) -> int:
    if full:
        return int(full)
    assert short is not None
    value = int(short)
    return 2000 + value if value < 69 else 1900 + value


def parse_date(text: str, date_format: str) -> date:
    """Parse one cell, or raise DateFormatError saying why."""
    text = strip_invisible_text(text).strip()
    match = _regex(date_format).fullmatch(text)
    if match is None:
        raise DateFormatError(f"not a date in the format {date_format!r}")
    if date_format == EXCEL:
        serial = int(match["n"])
        if serial < 1:
            raise DateFormatError("not a spreadsheet date serial")
        return _EXCEL_EPOCH + timedelta(days=serial)
    groups = match.groupdict()
    month_name = groups.get("b")
    if month_name is not None:
        month = _MONTHS.get(month_name.rstrip(".").lower(), 0)
        if not month:
            raise DateFormatError(f"unknown month name {month_name!r}")
    else:
        month = int(groups["m"])
    try:
        return date(_year(groups.get("Y"), groups.get("y")), month, int(groups["d"]))
    except ValueError as exc:
        raise DateFormatError(f"no such date: {exc}") from None


def looks_like_date(text: str) -> bool:
    """Whether a cell reads as a date in one of the candidate formats (for sniffing)."""
    return bool(text.strip()) and any(_fits(text, fmt) for fmt in CANDIDATE_FORMATS)


def _fits(text: str, date_format: str) -> bool:
    try:
        parsed = parse_date(text, date_format)
    except DateFormatError:
        return False
    return 1000 <= parsed.year <= 2999


@dataclass(frozen=True)
class DateDetection:
    """The format every sampled value fits (None when none does, or when several do)."""

    format: str | None
    candidates: tuple[str, ...]
    ambiguous: bool


def detect_date_format(
    values: Iterable[str], formats: Sequence[str] = CANDIDATE_FORMATS
) -> DateDetection:
    """Pick the format that parses the most sample values (at least half of the non-empty ones).

    When two formats parse the same values (01/02/2023: DD/MM or MM/DD?) the result is ambiguous
    and ``format`` is None: the user must choose, nothing is guessed.
    """
    samples = [value.strip() for value in values if value.strip()]
    if not samples:
        return DateDetection(None, (), False)
    scores = {fmt: sum(_fits(value, fmt) for value in samples) for fmt in formats}
    best = max(scores.values())
    if best == 0 or best * 2 < len(samples):
        return DateDetection(None, (), False)
    winners = tuple(fmt for fmt in formats if scores[fmt] == best)
    if len(winners) == 1 or _same_dates(samples, winners):
        # Formats that read every value as the same date ('%d %b %Y', '%d %B %Y') are one answer.
        # When that is only because every day equals its month (01/01/2024), the other order stays
        # a candidate: the sample did not decide it (the caller says the first is assumed).
        other_order = [fmt for fmt in winners if is_day_first(fmt) != is_day_first(winners[0])]
        return DateDetection(winners[0], (winners[0], *other_order[:1]), False)
    return DateDetection(None, winners, True)


def _same_dates(samples: Sequence[str], formats: Sequence[str]) -> bool:
    for value in samples:
        read: set[date | None] = set()
        for fmt in formats:
            try:
                read.add(parse_date(value, fmt))
            except DateFormatError:
                read.add(None)
        if len(read) > 1:
            return False
    return True


def is_day_first(date_format: str) -> bool:
    """Whether the day comes before the month in ``date_format`` (DD/MM/YYYY, not MM/DD/YYYY)."""
    day, month = date_format.find("%d"), date_format.find("%m")
    return day != -1 and month != -1 and day < month


# A file's rows are in date order far more often than not (statements, ledgers, payouts): read in
# the right format they move in one direction in small steps; read day-for-month they jump by
# months. Each threshold keeps a tie unbroken rather than guessing.
_ORDERED_SHARE = 0.95  # adjacent distinct dates going the same way
_JUMBLED_SHARE = 0.8
_MIN_DISTINCT = 3
_SPAN_RATIO = 3  # the other reading spans at least this many times as many days ...
_MIN_OTHER_SPAN_DAYS = 60  # ... and at least two months


def date_order_tiebreak(
    values_in_row_order: Sequence[str], candidates: Sequence[str]
) -> str | None:
    """The candidate format under which the dates of a column read as a chronological series.

    For dates that fit DD/MM and MM/DD alike (every day <= 12), the reading in which the rows go
    one way (oldest or newest first) while the other reading zigzags wins; when both go one way,
    the reading spanning a few weeks wins over one spanning many months. None when neither is
    clearly better: the user chooses.
    """
    readings: dict[str, list[date]] = {}
    for fmt in candidates:
        parsed = []
        for value in values_in_row_order:
            text = value.strip()
            if not text:
                continue
            try:
                parsed.append(parse_date(text, fmt))
            except DateFormatError:
                return None
        readings[fmt] = parsed
    shares: dict[str, float] = {}
    spans: dict[str, int] = {}
    for fmt, dates in readings.items():
        steps = [b - a for a, b in pairwise(dates) if a != b]
        if len(set(dates)) < _MIN_DISTINCT or not steps:
            return None
        forward = sum(step.days > 0 for step in steps)
        shares[fmt] = max(forward, len(steps) - forward) / len(steps)
        spans[fmt] = (max(dates) - min(dates)).days
    ordered = [fmt for fmt in candidates if shares[fmt] >= _ORDERED_SHARE]
    if len(ordered) == 1 and all(
        shares[fmt] < _JUMBLED_SHARE for fmt in candidates if fmt != ordered[0]
    ):
        return ordered[0]
    if len(ordered) == len(candidates):
        narrowest = min(ordered, key=lambda fmt: spans[fmt])
        others = [spans[fmt] for fmt in ordered if fmt != narrowest]
        if all(
            span >= max(_MIN_OTHER_SPAN_DAYS, _SPAN_RATIO * spans[narrowest]) for span in others
        ):
            return narrowest
    return None


# ----------------------------------------------------------------------------------------------
# Vectorised


def parse_dates(values: pa.Array | pa.ChunkedArray, date_format: str) -> pa.Array:
    """Parse a string column to date32; null where the cell is empty or not a valid date."""
    text = trim(strip_invisible(as_string_array(values)))
    compiled = compile_date_format(date_format)
    if compiled.width is not None:
        fast = _parse_fixed(text, compiled)
        if fast is not None:
            return fast
    if date_format == EXCEL:
        return _parse_excel(text, compiled)
    return _parse_general(text, compiled)


def _parse_fixed(text: pa.Array, compiled: CompiledDateFormat) -> pa.Array | None:
    """Zero-padded fixed-width values: rearrange to ISO and let the strict date32 cast validate."""
    assert compiled.width is not None and compiled.fields is not None
    lengths = pc.binary_length(text)
    nonempty = pc.greater(lengths, 0)
    if not pc.all(pc.or_(pc.equal(lengths, compiled.width), pc.invert(nonempty))).as_py():
        return None
    year, month, day = compiled.fields
    if compiled.format == "%Y-%m-%d":
        iso = text
    else:
        iso = pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(text, year, year + 4),
            pc.utf8_slice_codeunits(text, month, month + 2),
            pc.utf8_slice_codeunits(text, day, day + 2),
            "-",
        )
        for position, literal in compiled.literals:
            if not pc.all(
                pc.or_(
                    pc.equal(pc.utf8_slice_codeunits(text, position, position + 1), literal),
                    pc.invert(nonempty),
                )
            ).as_py():
                return None
    all_nonempty = pc.all(nonempty).as_py() is not False
    if not all_nonempty:
        iso = pc.if_else(nonempty, iso, "1970-01-01")
    try:
        dates = pc.cast(iso, pa.date32())
    except pa.ArrowInvalid:
        return None
    if not all_nonempty:
        dates = pc.if_else(nonempty, dates, pa.scalar(None, pa.date32()))
    return dates


def _int_field(parts: pa.Array, name: str) -> np.ndarray:
    raw = pc.struct_field(parts, name)
    digits = pc.if_else(pc.greater(pc.binary_length(raw), 0), raw, "0")
    return np.asarray(pc.fill_null(pc.cast(pc.fill_null(digits, "0"), pa.int64()), 0))


def _parse_general(text: pa.Array, compiled: CompiledDateFormat) -> pa.Array:
    parts = pc.extract_regex(text, compiled.pattern)
    matched = np.asarray(pc.fill_null(pc.is_valid(parts), False))
    names = {field.name for field in parts.type}
    if "Y" in names:
        years = _int_field(parts, "Y")
    else:
        short = _int_field(parts, "y")
        years = np.where(short < 69, 2000 + short, 1900 + short)
    if "b" in names:
        lowered = pc.utf8_lower(pc.utf8_rtrim(pc.struct_field(parts, "b"), "."))
        index = np.asarray(pc.fill_null(pc.index_in(lowered, value_set=_MONTH_NAMES), -1))
        months = _MONTH_NUMBERS[index + 1]
    else:
        months = _int_field(parts, "m")
    days = _int_field(parts, "d")
    return _civil_to_date32(years, months, days, matched)


_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _civil_to_date32(
    years: np.ndarray, months: np.ndarray, days: np.ndarray, matched: np.ndarray
) -> pa.Array:
    """Days since 1970-01-01 from (y, m, d) (H. Hinnant's days_from_civil), null if impossible."""
    month_ok = (months >= 1) & (months <= 12)
    safe_months = np.where(month_ok, months, 1)
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    month_days = _DAYS_IN_MONTH[safe_months] + ((safe_months == 2) & leap)
    valid = matched & month_ok & (days >= 1) & (days <= month_days) & (years >= 1)
    y = years - (safe_months <= 2)
    era = np.floor_divide(y, 400)
    year_of_era = y - era * 400
    day_of_year = (153 * (safe_months + np.where(safe_months > 2, -3, 9)) + 2) // 5 + days - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    result = era * 146097 + day_of_era - 719468
    return pa.array(result.astype(np.int32), pa.date32(), mask=~valid)


def _parse_excel(text: pa.Array, compiled: CompiledDateFormat) -> pa.Array:
    parts = pc.extract_regex(text, compiled.pattern)
    matched = np.asarray(pc.fill_null(pc.is_valid(parts), False))
    serials = _int_field(parts, "n")
    valid = matched & (serials >= 1)
    return pa.array((serials - _UNIX_EPOCH_SERIAL).astype(np.int32), pa.date32(), mask=~valid)
