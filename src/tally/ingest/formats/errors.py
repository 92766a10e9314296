"""Errors raised by the statement parsers, and the non-fatal issues they report.

Policy, the same for every format: anything that would drop, invent or distort an entry (a truncated
file, a broken tag, an unparseable amount or date, a DTD in an XML file) raises a ``FormatError``;
a file is never imported half. Findings that lose no data (a control total that does not add up, a
declared entry count that differs, an unknown tag that was skipped) travel with the batches as
``Issue`` objects so the caller can show them next to the balance check.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Position:
    """Where in a file something was found: a 1-based line, a byte offset and/or an XPath-like path."""

    line: int | None = None
    offset: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.offset is not None:
            parts.append(f"byte {self.offset}")
        if self.path:
            parts.append(self.path)
        return ", ".join(parts) or "unknown position"


@dataclass(frozen=True, slots=True)
class Issue:
    """A non-fatal finding attached to a batch: nothing was lost, but the file is suspicious."""

    position: Position
    reason: str

    def __str__(self) -> str:
        return f"{self.reason} ({self.position})"


class FormatError(ValueError):
    """A statement file cannot be read: ``reason`` says why and ``position`` says where.

    ``str(error)`` is a complete, user-presentable sentence; it never contains a traceback or the
    repr of an internal exception.
    """

    def __init__(
        self, reason: str, position: Position | None = None, *, format: str | None = None
    ) -> None:
        self.reason = reason
        self.position = position if position is not None else Position()
        self.format = format
        super().__init__(reason)

    def __str__(self) -> str:
        where = "" if self.position == Position() else f" ({self.position})"
        what = f"{self.format} file: " if self.format else ""
        return f"{what}{self.reason}{where}"

    def __reduce__(self) -> tuple[object, ...]:
        # Keeps the error picklable across worker processes despite the keyword-only argument.
        return (_rebuild, (type(self), self.reason, self.position, self.format))


def _rebuild(
    cls: type[FormatError], reason: str, position: Position, format: str | None
) -> FormatError:
    return cls(reason, position, format=format)


class UnsupportedFormatError(FormatError):
    """The content is not a statement format Tally reads, or a version of one it does not support."""


class MalformedFileError(FormatError):
    """The file claims a supported format but breaks its syntax or structure (truncated, bad tag)."""


class UnsafeXmlError(FormatError):
    """An XML file carries a DTD or entity declarations (XML bomb, external entity); refused unread."""
