"""OFX 1.x (SGML), OFX 2.x (XML) and QFX bank and credit-card statements.

Hand-written instead of ``ofxtools`` (1.1.1, the maintained library): ofxtools validates every
element against the OFX schema and rejects real exports for cosmetic reasons; on the test corpus it
refuses ``accented_characters_latin1.ofx`` because its BANKID has 10 characters instead of 9. It
also reports no line numbers. This module tokenizes SGML and XML alike (leaf elements may be left
unclosed, values may be CDATA), in bounded chunks, so one reader serves 1.x, 2.x and Quicken's QFX
(whose ``INTU.*`` extension tags are ignored).

Encoding comes from the header: OFX 1.x ``CHARSET`` (``1252`` -> cp1252, ``ISO-8859-1`` -> latin-1;
``USASCII``/``NONE`` is read as cp1252, its ASCII superset, because banks write accented names under
that label), ``ENCODING:UTF-8``, or the XML declaration of 2.x.

Mapping per ``STMTTRN``: transaction_id = FITID; booking date = DTPOSTED (else DTUSER); value date =
DTAVAIL (the OFX spec's value date); amount = TRNAMT; currency = CURRENCY/CURSYM (else the
statement's CURDEF); reference = CHECKNUM (banks fill 0 when there is no cheque: ignored) else
REFNUM; description = MEMO; counterparty = NAME (else PAYEE/NAME); counterparty account =
BANKACCTTO/CCACCTTO ACCTID. Statement: ACCTID, BANKID, CURDEF, DTSTART/DTEND, closing balance =
LEDGERBAL, available = AVAILBAL. OFX has no opening balance, so its balance check is unverifiable.
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import BinaryIO, Final

from tally.ingest.formats._common import (
    DEFAULT_BATCH_ROWS,
    BatchWriter,
    ExtraValue,
    clean,
    decimal_units,
    is_ascii_digits,
    ymd,
)
from tally.ingest.formats._stream import Readable, peek
from tally.ingest.formats.errors import (
    MalformedFileError,
    Position,
    UnsafeXmlError,
    UnsupportedFormatError,
)
from tally.ingest.formats.statement import ParsedStatementBatch, Statement

FORMAT: Final = "ofx"
_HEAD_BYTES = 4096
_CHUNK_CHARS = 1 << 20

_SGML_HEADER_LINE = re.compile(r"^\s*([A-Z]+)\s*:\s*(.*?)\s*$")
_XML_DECLARATION = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_OFX_PI = re.compile(rb"<\?OFX([^>]*)\?>", re.IGNORECASE)
_PI_ATTRIBUTE = re.compile(rb"([A-Z]+)\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9._:-]*)\s*(/?)>")
_OFX_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})")

_STATEMENTS = {"STMTRS", "CCSTMTRS"}
_ACCOUNT_FROM = {"BANKACCTFROM", "CCACCTFROM"}
_ACCOUNT_TO = {"BANKACCTTO", "CCACCTTO"}
# Leaf elements that may arrive empty in SGML (``<MEMO>`` followed directly by the next tag) and
# must then not be taken for an aggregate that contains what follows.
_LEAVES = {
    "TRNTYPE", "DTPOSTED", "DTUSER", "DTAVAIL", "TRNAMT", "FITID", "CORRECTFITID", "CORRECTACTION",
    "SRVRTID", "CHECKNUM", "REFNUM", "SIC", "PAYEEID", "NAME", "EXTDNAME", "MEMO", "CURSYM",
    "CURRATE", "CURDEF", "ACCTID", "BANKID", "BRANCHID", "ACCTTYPE", "ACCTKEY", "BALAMT", "DTASOF",
    "DTSTART", "DTEND", "TRNUID", "CODE", "SEVERITY", "MESSAGE", "DTSERVER", "LANGUAGE", "ORG",
    "FID", "DTPROFUP", "DTACCTUP", "ADDR1", "ADDR2", "ADDR3", "CITY", "STATE", "POSTALCODE",
    "COUNTRY", "PHONE", "INV401KSOURCE", "MKTGINFO",
}  # fmt: skip

_OPEN, _CLOSE, _TEXT, _CDATA = 0, 1, 2, 3


def parse_ofx(
    stream: BinaryIO | Readable, *, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[ParsedStatementBatch]:
    """Stream the bank and credit-card statements of an OFX/QFX file as record batches."""
    head, replay = peek(stream, _HEAD_BYTES)
    encoding, body_start = _read_header(head)
    if body_start:
        replay.read(body_start)
    chunks = _decoded_chunks(replay, encoding, body_start)
    first_line = head[:body_start].count(b"\n") + 1
    yield from _OfxReader(BatchWriter(batch_rows)).run(_tokens(chunks, first_line))


# -- header and decoding -------------------------------------------------------------------------


def _read_header(head: bytes) -> tuple[str, int]:
    """(Python codec, offset of the body) from the OFX 1.x header block or the 2.x XML prolog."""
    text = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    skipped = len(head) - len(text)
    if text.lstrip().startswith(b"<"):
        return _xml_header(text), skipped
    first_tag = text.find(b"<")
    if first_tag < 0:
        raise MalformedFileError("no OFX body after the header", Position(line=1), format=FORMAT)
    fields: dict[str, str] = {}
    for number, raw in enumerate(text[:first_tag].decode("latin-1").splitlines(), start=1):
        if not raw.strip():
            continue
        match = _SGML_HEADER_LINE.match(raw)
        if not match:
            raise MalformedFileError(
                f"invalid OFX header line {raw.strip()!r}", Position(line=number), format=FORMAT
            )
        fields[match.group(1)] = match.group(2)
    if fields.get("OFXHEADER", "100") != "100":
        raise UnsupportedFormatError(
            f"OFX header version {fields['OFXHEADER']!r} is not supported", format=FORMAT
        )
    if fields.get("DATA", "OFXSGML").upper() != "OFXSGML":
        raise UnsupportedFormatError(f"OFX DATA:{fields['DATA']} is not supported", format=FORMAT)
    version = fields.get("VERSION", "102")
    if not (is_ascii_digits(version) and 100 <= int(version) < 200):
        raise UnsupportedFormatError(
            f"OFX version {version!r} is not supported (1.x SGML and 2.x XML are)", format=FORMAT
        )
    return _sgml_codec(fields.get("ENCODING", "USASCII"), fields.get("CHARSET", "1252")), (
        skipped + first_tag
    )


def _xml_header(text: bytes) -> str:
    pi = _OFX_PI.search(text)
    if pi:
        attributes = {
            key.decode("latin-1").upper(): value.decode("latin-1")
            for key, value in _PI_ATTRIBUTE.findall(pi.group(1))
        }
        version = attributes.get("VERSION", "200")
        if not (is_ascii_digits(version) and 200 <= int(version) < 300):
            raise UnsupportedFormatError(
                f"OFX version {version!r} is not supported (1.x SGML and 2.x XML are)",
                format=FORMAT,
            )
    declared = _XML_DECLARATION.search(text)
    label = declared.group(1).decode("latin-1").lower() if declared else "utf-8"
    if label in ("us-ascii", "ascii"):
        return "cp1252"  # ASCII superset: real files put accented names under an ASCII label
    return _lookup_codec(label)


def _sgml_codec(encoding: str, charset: str) -> str:
    if encoding.upper().replace("-", "") == "UTF8":
        return "utf-8"
    normalized = charset.upper().replace(" ", "")
    if normalized in ("1252", "WINDOWS-1252", "CP1252", "NONE", ""):
        return "cp1252"
    if normalized in ("ISO-8859-1", "8859-1", "ISO8859-1", "LATIN1", "LATIN-1"):
        return "latin-1"
    return _lookup_codec(f"cp{normalized}" if is_ascii_digits(normalized) else normalized)


def _lookup_codec(label: str) -> str:
    try:
        return codecs.lookup(label).name
    except LookupError:
        raise UnsupportedFormatError(f"unknown character set {label!r}", format=FORMAT) from None


def _decoded_chunks(stream: Readable, encoding: str, offset: int) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    while True:
        data = stream.read(_CHUNK_CHARS)
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise MalformedFileError(
                f"bytes that are not valid {encoding}",
                Position(offset=offset + exc.start),
                format=FORMAT,
            ) from None
        if text:
            yield text
        if not data:
            return
        offset += len(data)


# -- tokens ---------------------------------------------------------------------------------------


def _tokens(chunks: Iterator[str], first_line: int = 1) -> Iterator[tuple[int, str, int]]:
    """(kind, tag name or text, line) for the SGML/XML markup, reading ``chunks`` as needed."""
    buffer, position, line, exhausted = "", 0, first_line, False

    def more() -> bool:
        nonlocal buffer, position, exhausted
        if exhausted:
            return False
        for chunk in chunks:
            buffer, position = buffer[position:] + chunk, 0
            return True
        exhausted = True
        return False

    def need(end_marker: str, start: int) -> int:
        """Index of ``end_marker`` at or after ``start``, reading more input as needed."""
        while True:
            end = buffer.find(end_marker, start)
            if end >= 0:
                return end
            # more() drops the consumed prefix: keep ``start`` relative to ``position``.
            relative = max(start, len(buffer) - len(end_marker)) - position
            if not more():
                raise MalformedFileError(
                    f"truncated: {end_marker!r} expected before the end of the file",
                    Position(line=line),
                    format=FORMAT,
                )
            start = position + relative

    while True:
        lt = buffer.find("<", position)
        if lt < 0:
            if more():
                continue
            rest = buffer[position:]
            if rest.strip():
                yield _TEXT, rest, line
            return
        if lt > position:
            yield _TEXT, buffer[position:lt], line
            line += buffer.count("\n", position, lt)
            position = lt
        if len(buffer) - position < 9 and more():
            continue
        if buffer.startswith("<![CDATA[", position):
            end = need("]]>", position + 9)
            yield _CDATA, buffer[position + 9 : end], line
            line += buffer.count("\n", position, end)
            position = end + 3
        elif buffer.startswith("<!--", position):
            end = need("-->", position + 4)
            line += buffer.count("\n", position, end)
            position = end + 3
        elif buffer.startswith("<?", position):
            end = need("?>", position + 2)
            line += buffer.count("\n", position, end)
            position = end + 2
        elif buffer.startswith("<!", position):
            if buffer.startswith(("<!DOCTYPE", "<!ENTITY"), position):
                raise UnsafeXmlError(
                    "DOCTYPE and entity declarations are refused in OFX",
                    Position(line=line),
                    format=FORMAT,
                )
            raise MalformedFileError("unexpected '<!' markup", Position(line=line), format=FORMAT)
        else:
            end = need(">", position + 1)
            match = _TAG.fullmatch(buffer, position, end + 1)
            if not match:
                snippet = buffer[position : min(end + 1, position + 40)]
                raise MalformedFileError(
                    f"broken tag {snippet!r}", Position(line=line), format=FORMAT
                )
            name = match.group(2).upper()
            yield (_CLOSE if match.group(1) else _OPEN), name, line
            if match.group(3):
                yield _CLOSE, name, line
            line += buffer.count("\n", position, end)
            position = end + 1


# -- statements -------------------------------------------------------------------------------------


@dataclass
class _Transaction:
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    payee_name: str | None = None
    account_to: str | None = None
    bank_to: str | None = None
    currency: str | None = None
    orig_currency: str | None = None
    rate: str | None = None


class _OfxReader:
    def __init__(self, writer: BatchWriter) -> None:
        self.writer = writer
        self.stack: list[tuple[str, int]] = []  # open aggregates and the line that opened them
        self.statement: Statement | None = None
        self.statement_count = 0
        self.transaction: _Transaction | None = None
        self.saw_investment = False

    def run(self, tokens: Iterator[tuple[int, str, int]]) -> Iterator[ParsedStatementBatch]:
        pending: tuple[str, int] | None = None  # an open tag whose content is not known yet
        parts: list[tuple[int, str]] = []
        last_leaf: str | None = None
        for kind, value, line in tokens:
            if kind in (_TEXT, _CDATA):
                if pending is None:
                    if value.strip():
                        raise MalformedFileError(
                            f"text {value.strip()[:30]!r} outside any element",
                            Position(line=line),
                            format=FORMAT,
                        )
                    continue
                parts.append((kind, value))
                continue
            if pending is not None:
                text = _join_text(parts).strip()
                name, opened = pending
                pending, parts = None, []
                if text:
                    last_leaf = name
                    self._leaf(name, text, opened)
                    if kind == _CLOSE and value == name:
                        continue  # the closing tag of the leaf just read (XML or closed SGML)
                else:
                    self._open(name, opened)
            if kind == _OPEN:
                pending, parts = (value, line), []
            else:
                yield from self._close(value, line, last_leaf)
                last_leaf = None
        if pending is not None:
            text = _join_text(parts).strip()
            if text:
                self._leaf(pending[0], text, pending[1])
            else:
                self._open(*pending)
        if self.stack:
            name, opened = self.stack[-1]
            raise MalformedFileError(
                f"truncated: <{name}> opened on line {opened} is never closed",
                Position(line=opened),
                format=FORMAT,
            )
        if self.statement_count == 0:
            if self.saw_investment:
                raise UnsupportedFormatError(
                    "OFX investment statements are not supported", format=FORMAT
                )
            raise MalformedFileError(
                "no bank or credit card statement (STMTRS/CCSTMTRS) in this OFX file",
                format=FORMAT,
            )

    def _open(self, name: str, line: int) -> None:
        if name in _LEAVES:
            return  # an empty leaf, not an aggregate
        self.stack.append((name, line))
        if name in _STATEMENTS:
            self.statement = Statement(format=FORMAT, index=self.statement_count)
            self.statement_count += 1
        elif name == "STMTTRN":
            if self.statement is None:
                raise MalformedFileError(
                    "<STMTTRN> outside a statement", Position(line=line), format=FORMAT
                )
            self.transaction = _Transaction(line=line)
        elif name == "INVSTMTRS":
            self.saw_investment = True

    def _close(self, name: str, line: int, last_leaf: str | None) -> Iterator[ParsedStatementBatch]:
        if not any(open_name == name for open_name, _ in self.stack):
            if name in _LEAVES or name == last_leaf:
                return  # closing tag of an (empty) leaf
            raise MalformedFileError(
                f"closing tag </{name}> without a matching opening tag",
                Position(line=line),
                format=FORMAT,
            )
        while self.stack:
            open_name, _ = self.stack.pop()
            if open_name == name:
                break
        if name == "STMTTRN" and self.transaction is not None:
            self._add_transaction(self.transaction)
            self.transaction = None
            if self.writer.full and self.statement is not None:
                yield self.writer.cut(self.statement, complete=False)
        elif name in _STATEMENTS and self.statement is not None:
            yield self.writer.cut(self.statement, complete=True)
            self.statement = None

    def _parent(self) -> str | None:
        for name, _ in reversed(self.stack):
            if name not in _LEAVES:
                return name
        return None

    def _leaf(self, name: str, value: str, line: int) -> None:
        parent = self._parent()
        transaction = self.transaction
        if transaction is not None and any(open_name == "STMTTRN" for open_name, _ in self.stack):
            if parent == "STMTTRN":
                transaction.fields.setdefault(name, value)
            elif parent == "PAYEE" and name == "NAME":
                transaction.payee_name = value
            elif parent in _ACCOUNT_TO and name in ("ACCTID", "BANKID"):
                if name == "ACCTID":
                    transaction.account_to = value
                else:
                    transaction.bank_to = value
            elif parent == "CURRENCY" and name == "CURSYM":
                transaction.currency = value
            elif parent == "ORIGCURRENCY" and name == "CURSYM":
                transaction.orig_currency = value
            elif parent in ("CURRENCY", "ORIGCURRENCY") and name == "CURRATE":
                transaction.rate = value
            return
        statement = self.statement
        if statement is None:
            return
        position = Position(line=line)
        if parent in _STATEMENTS and name == "CURDEF":
            self.statement = replace(statement, currency=value.upper())
        elif parent in _ACCOUNT_FROM and name == "ACCTID":
            self.statement = replace(statement, account_id=value)
        elif parent in _ACCOUNT_FROM and name == "BANKID":
            self.statement = replace(statement, bank_id=value)
        elif parent == "BANKTRANLIST" and name in ("DTSTART", "DTEND"):
            day = _ofx_date(value, position)
            if name == "DTSTART":
                self.statement = replace(statement, from_date=day)
            else:
                self.statement = replace(statement, to_date=day)
        elif parent == "LEDGERBAL" and name == "BALAMT":
            units = decimal_units(value, position, format=FORMAT, what="LEDGERBAL")
            self.statement = replace(statement, closing_balance=units)
        elif parent == "AVAILBAL" and name == "BALAMT":
            units = decimal_units(value, position, format=FORMAT, what="AVAILBAL")
            self.statement = replace(statement, available_balance=units)

    def _add_transaction(self, transaction: _Transaction) -> None:
        assert self.statement is not None
        fields = transaction.fields
        position = Position(line=transaction.line, path="STMTTRN")
        amount_text = fields.get("TRNAMT")
        if amount_text is None:
            raise MalformedFileError("transaction without TRNAMT", position, format=FORMAT)
        amount = decimal_units(amount_text, position, format=FORMAT, what="TRNAMT")
        posted = fields.get("DTPOSTED") or fields.get("DTUSER")
        if posted is None:
            raise MalformedFileError("transaction without DTPOSTED", position, format=FORMAT)
        fitid = clean(fields.get("FITID"))
        if fitid is None:
            self.writer.issue(position, "transaction without FITID; its identity is its content")
        check = clean(fields.get("CHECKNUM"))
        if check is not None and check.strip("0") == "":
            check = None
        reference = check or clean(fields.get("REFNUM"))
        available = fields.get("DTAVAIL")
        user_date = fields.get("DTUSER")
        extra: dict[str, ExtraValue] = {
            "trntype": clean(fields.get("TRNTYPE")),
            "date_user": _ofx_date(user_date, position).isoformat() if user_date else None,
            "refnum": clean(fields.get("REFNUM")) if check else None,
            "sic": clean(fields.get("SIC")),
            "payee_id": clean(fields.get("PAYEEID")),
            "server_id": clean(fields.get("SRVRTID")),
            "correct_fitid": clean(fields.get("CORRECTFITID")),
            "correct_action": clean(fields.get("CORRECTACTION")),
            "original_currency": transaction.orig_currency,
            "currency_rate": transaction.rate,
            "counterparty_bank": transaction.bank_to,
        }
        self.writer.add(
            amount=amount,
            booking_date=_ofx_date(posted, position),
            value_date=_ofx_date(available, position) if available else None,
            currency=(transaction.currency or self.statement.currency),
            reference=reference,
            description=clean(fields.get("MEMO")),
            counterparty=clean(
                fields.get("NAME") or transaction.payee_name or fields.get("EXTDNAME")
            ),
            counterparty_account=clean(transaction.account_to),
            transaction_id=fitid,
            extra=extra,
        )


def _join_text(parts: list[tuple[int, str]]) -> str:
    """Element content from text and CDATA pieces; entities are decoded in text, not in CDATA."""
    out: list[str] = []
    raw: list[str] = []
    for kind, value in parts:
        if kind == _TEXT:
            raw.append(value)
            continue
        if raw:
            out.append(html.unescape("".join(raw)))
            raw = []
        out.append(value)
    if raw:
        out.append(html.unescape("".join(raw)))
    return "".join(out)


def _ofx_date(text: str, position: Position) -> date:
    """The calendar date of an OFX datetime (``YYYYMMDD[HHMMSS[.XXX]][[offset:TZ]]``), as written."""
    match = _OFX_DATE.match(text.strip())
    if not match:
        raise MalformedFileError(f"invalid OFX date {text!r}", position, format=FORMAT)
    year, month, day = (int(part) for part in match.groups())
    return ymd(year, month, day, position, format=FORMAT, text=text)
