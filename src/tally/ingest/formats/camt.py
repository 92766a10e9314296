"""ISO 20022 CAMT.052 / CAMT.053 / CAMT.054 (bank-to-customer report, statement, notification).

Hand-written on ``lxml.etree.iterparse`` rather than a library: the Python CAMT packages on PyPI
either build the whole document tree (a 1M-entry statement needs gigabytes) or are abandoned
converters, and none reports error positions. Here memory is bounded: each ``Ntry`` is mapped and
cleared as soon as it ends, and entries already read are unlinked from their statement element.

Security: the parser never resolves entities, loads a DTD or touches the network, keeps libxml2's
size limits (``huge_tree=False``), and any file with a DOCTYPE is refused as ``UnsafeXmlError``
before an entry is read (billion laughs, external entities such as ``file:///etc/passwd``).

Mapping (per ``Ntry``; ``TxDtls`` fields win over entry fields when present):
amount = ``Amt`` signed by ``CdtDbtInd``; booking/value date = ``BookgDt``/``ValDt`` (``Dt`` or the
date part of ``DtTm``); transaction_id = ``AcctSvcrRef`` (else ``NtryRef``); reference =
``EndToEndId`` (else the structured creditor reference ``Strd/CdtrRefInf/Ref``); description =
``RmtInf/Ustrd`` (else ``AddtlTxInf``, else ``AddtlNtryInf``); counterparty and its account = the
debtor of a credit, the creditor of a debit (``RltdPties``, both the pre-2019 ``Dbtr/Nm`` and the
v08+ ``Dbtr/Pty/Nm`` shapes). An entry with several ``TxDtls`` becomes one record per detail
(amount from ``TxDtls/Amt`` or ``AmtDtls/TxAmt/Amt``) linked by ``extra.batch_ref``/``batch_size``;
if the details do not add up to the entry, the entry stays one record and an issue says why.
Opening balance = ``Bal`` of type OPBD (else PRCD), closing = CLBD, available = CLAV.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any, BinaryIO

from lxml import etree

from tally.ingest.formats._common import (
    DEFAULT_BATCH_ROWS,
    BatchWriter,
    ExtraValue,
    clean,
    decimal_units,
    is_ascii_digits,
)
from tally.ingest.formats._stream import Readable, peek
from tally.ingest.formats.errors import (
    MalformedFileError,
    Position,
    UnsafeXmlError,
    UnsupportedFormatError,
)
from tally.ingest.formats.statement import ParsedStatementBatch, Statement, StatementFormat

_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.001\.(\d{2})")
# Versions whose Ntry/Bal structure this parser was written against (2009's .02 to 2023's .13).
SUPPORTED_VERSIONS = range(2, 14)
_MESSAGES: dict[str, tuple[StatementFormat, str]] = {
    # container local name -> (format, message root local name)
    "Stmt": ("camt.053", "BkToCstmrStmt"),
    "Rpt": ("camt.052", "BkToCstmrAcctRpt"),
    "Ntfctn": ("camt.054", "BkToCstmrDbtCdtNtfctn"),
}
_PROLOG_BYTES = 1 << 16
_NOT_PROVIDED = "NOTPROVIDED"

Element = Any  # lxml ships no type stubs


def parse_camt(
    stream: BinaryIO | Readable,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    expect: StatementFormat | None = None,
) -> Iterator[ParsedStatementBatch]:
    """Stream the statements of a CAMT.052/053/054 file as record batches (see the module docstring).

    ``expect`` makes a file of another CAMT message type an ``UnsupportedFormatError``.
    """
    head, replay = peek(stream, _PROLOG_BYTES)
    _refuse_dtd_in_prolog(head, expect or "camt")
    parser = _CamtParser(BatchWriter(batch_rows), expect)
    yield from parser.run(replay)


def parse_camt053(
    stream: BinaryIO | Readable, *, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[ParsedStatementBatch]:
    """CAMT.053 (end-of-day statement) only."""
    return parse_camt(stream, batch_rows=batch_rows, expect="camt.053")


def parse_camt052(
    stream: BinaryIO | Readable, *, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[ParsedStatementBatch]:
    """CAMT.052 (intraday account report) only."""
    return parse_camt(stream, batch_rows=batch_rows, expect="camt.052")


def parse_camt054(
    stream: BinaryIO | Readable, *, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[ParsedStatementBatch]:
    """CAMT.054 (debit/credit notification) only."""
    return parse_camt(stream, batch_rows=batch_rows, expect="camt.054")


def _refuse_dtd_in_prolog(head: bytes, format: str) -> None:
    # Cheap first line of defence; the docinfo check in the parser covers a DOCTYPE further in.
    root = re.search(rb"<[A-Za-z_]", head)
    prolog = head[: root.start()] if root else head
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise UnsafeXmlError(
            "XML with a DOCTYPE or entity declarations is refused (possible XML bomb or external "
            "entity)",
            Position(line=prolog.count(b"\n") + 1),
            format=format,
        )


class _CamtParser:
    def __init__(self, writer: BatchWriter, expect: StatementFormat | None) -> None:
        self.writer = writer
        self.expect = expect
        self.format: StatementFormat | None = None
        self.ns = ""
        self.ns_length = 0
        self.statement: Statement | None = None
        self.container: Element = None
        self.container_path = ""
        self.header_read = False
        self.statement_count = 0
        self.entry_number = 0  # Ntry ordinal within the current statement
        self.declared_entries: int | None = None

    # -- driving the parse ---------------------------------------------------------------------

    def run(self, source: Readable) -> Iterator[ParsedStatementBatch]:
        tags = ["{*}Document", "{*}Ntry", *(f"{{*}}{name}" for name in _MESSAGES)]
        context = etree.iterparse(
            source,
            events=("start", "end"),
            tag=tags,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        checked_doctype = False
        try:
            for event, element in context:
                if not checked_doctype:
                    self._refuse_doctype(element)
                    checked_doctype = True
                local = _local(element.tag)
                if event == "start":
                    self._on_start(local, element)
                elif local == "Ntry":
                    yield from self._on_entry(element)
                elif local in _MESSAGES:
                    yield self._on_statement_end(element)
        except etree.XMLSyntaxError as exc:
            line = exc.lineno if getattr(exc, "lineno", 0) else None
            reason = (exc.msg or "malformed XML").split(" (line ")[0]
            raise MalformedFileError(
                f"malformed or truncated XML: {reason}", Position(line=line), format=self._name
            ) from None
        if self.format is None:
            raise UnsupportedFormatError(
                "no CAMT.052/053/054 statement, report or notification found", format="camt"
            )

    @property
    def _name(self) -> str:
        return self.format or self.expect or "camt"

    def _refuse_doctype(self, element: Element) -> None:
        docinfo = element.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            raise UnsafeXmlError(
                "XML with a DOCTYPE or entity declarations is refused (possible XML bomb or "
                "external entity)",
                Position(line=1),
                format=self._name,
            )

    def _on_start(self, local: str, element: Element) -> None:
        if local == "Document":
            self._set_namespace(element)
            return
        if local not in _MESSAGES:
            return  # an Ntry start: handled at its end
        if self.format is None:
            self._set_namespace(element)
        format, root = _MESSAGES[local]
        if self.format != format:
            raise MalformedFileError(
                f"<{local}> does not belong in a {self.format} message",
                self._position(element),
                format=self._name,
            )
        self.statement_count += 1
        self.container = element
        self.container_path = f"/Document/{root}/{local}[{self.statement_count}]"
        self.statement = Statement(format=format, index=self.statement_count - 1)
        self.header_read = False
        self.entry_number = 0
        self.declared_entries = None

    def _set_namespace(self, element: Element) -> None:
        tag = element.tag
        namespace = tag[1 : tag.index("}")] if tag.startswith("{") else ""
        local = _local(tag)
        if namespace:
            match = _NAMESPACE.fullmatch(namespace)
            if not match:
                raise UnsupportedFormatError(
                    f"namespace {namespace!r} is not CAMT.052/053/054",
                    Position(line=element.sourceline),
                )
            format: StatementFormat = match.group(1)  # type: ignore[assignment]
            version = int(match.group(2))
            if version not in SUPPORTED_VERSIONS:
                raise UnsupportedFormatError(
                    f"{format} version 001.{version:02d} is not supported (001.02 to 001.13 are)",
                    Position(line=element.sourceline),
                    format=format,
                )
        elif local in _MESSAGES:
            format = _MESSAGES[local][0]
        else:
            # A Document without namespace: the message type is known at the first container.
            self.ns = ""
            return
        if self.expect is not None and format != self.expect:
            raise UnsupportedFormatError(
                f"expected a {self.expect} file, found {format}", format=self.expect
            )
        self.format = format
        self.ns = namespace
        self.ns_length = len(namespace) + 2 if namespace else 0

    def _on_entry(self, element: Element) -> Iterator[ParsedStatementBatch]:
        if self.statement is None:
            raise MalformedFileError(
                "<Ntry> outside a statement, report or notification",
                Position(line=element.sourceline),
                format=self._name,
            )
        if not self.header_read:
            self._read_header()
        self.entry_number += 1
        self._map_entry(element)
        # Free the entry and every sibling before it (header elements included, already read).
        element.clear(keep_tail=False)
        parent = element.getparent()
        while element.getprevious() is not None:
            del parent[0]
        if self.writer.full:
            yield self.writer.cut(self.statement, complete=False)

    def _on_statement_end(self, element: Element) -> ParsedStatementBatch:
        assert self.statement is not None
        if not self.header_read:
            self._read_header()
        if self.declared_entries is not None and self.declared_entries != self.entry_number:
            self.writer.issue(
                Position(line=element.sourceline, path=self.container_path),
                f"TxsSummry declares {self.declared_entries} entries, the statement has "
                f"{self.entry_number}",
            )
        batch = self.writer.cut(self.statement, complete=True)
        element.clear(keep_tail=False)
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
        self.statement = None
        self.container = None
        return batch

    # -- helpers -------------------------------------------------------------------------------

    def _q(self, *names: str) -> str:
        prefix = f"{{{self.ns}}}" if self.ns else ""
        return "/".join(prefix + name for name in names)

    def _position(self, element: Element, path: str = "") -> Position:
        return Position(line=element.sourceline, path=path or None)

    def _entry_path(self, *names: str) -> str:
        return "/".join((f"{self.container_path}/Ntry[{self.entry_number}]", *names))

    def _date(self, parent: Element | None, path: str) -> date | None:
        """``Dt`` or the local date part of ``DtTm`` inside ``parent`` (e.g. ``BookgDt``)."""
        if parent is None:
            return None
        text = parent.findtext(self._q("Dt")) or parent.findtext(self._q("DtTm"))
        return self._date_text(text, parent, path)

    def _date_text(self, text: str | None, element: Element, path: str) -> date | None:
        if text is None or not text.strip():
            return None
        value = text.strip()
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            raise MalformedFileError(
                f"invalid date {value!r}", self._position(element, path), format=self._name
            ) from None

    def _amount(self, element: Element, path: str) -> tuple[int, str | None]:
        text = (element.text or "").strip()
        position = self._position(element, path)
        units = decimal_units(text, position, format=self._name)
        if units < 0 or text.startswith(("-", "+")):
            raise MalformedFileError(
                f"amount {text!r} must be unsigned (the sign is in CdtDbtInd)",
                position,
                format=self._name,
            )
        return units, element.get("Ccy")

    def _sign(self, text: str | None, element: Element, path: str) -> int:
        value = (text or "").strip()
        if value == "CRDT":
            return 1
        if value == "DBIT":
            return -1
        raise MalformedFileError(
            f"CdtDbtInd must be CRDT or DBIT, not {value!r}",
            self._position(element, path),
            format=self._name,
        )

    # -- statement header ----------------------------------------------------------------------

    @staticmethod
    def _balance(
        balances: dict[tuple[str, str | None], tuple[int, str | None, date | None]],
        codes: tuple[str, ...],
        currency: str | None,
    ) -> tuple[int, str | None, date | None] | None:
        """The first balance of one of ``codes`` in the statement's currency (or without one)."""
        for code in codes:
            for ccy in (currency, None):
                found = balances.get((code, ccy))
                if found is not None:
                    return found
        return None

    def _read_header(self) -> None:
        assert self.statement is not None
        q = self._q
        box = self.container
        path = self.container_path
        statement_id = clean(box.findtext(q("Id")))
        sequence = clean(box.findtext(q("ElctrncSeqNb")) or box.findtext(q("LglSeqNb")))
        from_date = to_date = None
        period = box.find(q("FrToDt"))
        if period is not None:
            from_date = self._date_text(period.findtext(q("FrDtTm")), period, path + "/FrToDt")
            to_date = self._date_text(period.findtext(q("ToDtTm")), period, path + "/FrToDt")
        account_id = bank_id = currency = None
        account = box.find(q("Acct"))
        if account is not None:
            account_id = clean(
                account.findtext(q("Id", "IBAN")) or account.findtext(q("Id", "Othr", "Id"))
            )
            currency = clean(account.findtext(q("Ccy")))
            bank_id = clean(
                account.findtext(q("Svcr", "FinInstnId", "BIC"))
                or account.findtext(q("Svcr", "FinInstnId", "BICFI"))
            )
        # Keyed by (type, currency): a statement may also report its balances in other currencies
        # (a multi-currency account), which its entries cannot be checked against.
        balances: dict[tuple[str, str | None], tuple[int, str | None, date | None]] = {}
        for number, balance in enumerate(box.iterfind(q("Bal")), start=1):
            code = clean(balance.findtext(q("Tp", "CdOrPrtry", "Cd")))
            if code is None:
                continue
            balance_path = f"{path}/Bal[{number}]"
            amount_element = balance.find(q("Amt"))
            if amount_element is None:
                raise MalformedFileError(
                    f"balance {code} has no Amt",
                    self._position(balance, balance_path),
                    format=self._name,
                )
            units, ccy = self._amount(amount_element, balance_path + "/Amt")
            if (code, ccy) in balances:
                continue
            sign = self._sign(
                balance.findtext(q("CdtDbtInd")), balance, balance_path + "/CdtDbtInd"
            )
            balances[(code, ccy)] = (
                sign * units,
                ccy,
                self._date(balance.find(q("Dt")), balance_path),
            )
        if currency is None:
            currency = next(
                (ccy for (code, ccy) in balances if code in ("OPBD", "PRCD", "CLBD") and ccy),
                None,
            )
        opening = self._balance(balances, ("OPBD", "PRCD"), currency)
        closing = self._balance(balances, ("CLBD",), currency)
        available = self._balance(balances, ("CLAV",), currency)
        foreign = sorted({ccy for (_, ccy) in balances if ccy and currency and ccy != currency})
        if foreign:
            self.writer.issue(
                self._position(box, path),
                f"balances in {', '.join(foreign)} are not in the statement's currency "
                f"{currency}: its entries cannot be checked against them",
            )
        declared_net = None
        summary = box.find(q("TxsSummry", "TtlNtries"))
        if summary is not None:
            count_text = clean(summary.findtext(q("NbOfNtries")))
            if count_text is not None and is_ascii_digits(count_text):
                self.declared_entries = int(count_text)
            net = summary.find(q("TtlNetNtry"))  # v03+
            net_amount = net.find(q("Amt")) if net is not None else summary.find(q("TtlNetNtryAmt"))
            net_owner = net if net is not None else summary
            if net_amount is not None and net_owner.findtext(q("CdtDbtInd")):
                units, _ = self._amount(net_amount, path + "/TxsSummry/TtlNtries")
                sign = self._sign(
                    net_owner.findtext(q("CdtDbtInd")), net_owner, path + "/TxsSummry"
                )
                declared_net = sign * units
        self.statement = Statement(
            format=self.statement.format,
            index=self.statement.index,
            statement_id=statement_id,
            sequence_number=sequence,
            account_id=account_id,
            bank_id=bank_id,
            currency=currency,
            opening_balance=opening[0] if opening else None,
            closing_balance=closing[0] if closing else None,
            available_balance=available[0] if available else None,
            from_date=from_date or (opening[2] if opening else None),
            to_date=to_date or (closing[2] if closing else None),
            declared_entry_count=self.declared_entries,
            declared_net=declared_net,
        )
        self.header_read = True

    # -- entries -------------------------------------------------------------------------------
    # Entries are read by flattening each Ntry (and each TxDtls) into a dict keyed by the local
    # path ("RltdPties/Dbtr/Nm"): one pass over the elements that matter instead of ~30
    # ElementPath lookups per entry. Lines for error positions are looked up only when raising.

    def _flatten(
        self, element: Element, prefix: str, out: Flat, details: list[Flat] | None
    ) -> None:
        cut = self.ns_length
        descend = _ENTRY_CONTAINERS if details is not None else _DETAIL_CONTAINERS
        for child in element:
            name = prefix + child.tag[cut:]
            if len(child):
                if name == "NtryDtls" and details is not None:
                    for item in child:
                        local = item.tag[cut:]
                        if local == "TxDtls":
                            detail: Flat = {}
                            self._flatten(item, "", detail, None)
                            details.append(detail)
                        elif local == "Btch":
                            self._flatten(item, "NtryDtls/Btch/", out, None)
                elif name in descend:
                    self._flatten(child, name + "/", out, details)
            elif name not in out:
                out[name] = child.text
                if name[-3:] == "Amt":
                    out[name + "@Ccy"] = child.get("Ccy")
            elif name[-5:] == "Ustrd":
                out[name] = f"{out[name] or ''}\n{child.text or ''}"

    def _at(self, ntry: Element, key: str) -> Position:
        """Position of ``key`` (a flattened path, ``TxDtls[2]`` allowed) in the current entry."""
        target = ntry
        for step in key.split("/"):
            name, _, index = step.partition("[")
            if name == "TxDtls" and target is not None:
                found = target.findall(self._q(name))
                target = found[int(index[:-1]) - 1] if index and found else None
            elif target is not None:
                target = target.find(self._q(name))
        line = target.sourceline if target is not None else ntry.sourceline
        return Position(line=line, path=self._entry_path(key))

    def _fail(self, ntry: Element, key: str, reason: str) -> MalformedFileError:
        """An error at ``key`` of the current entry (only looked up when raising)."""
        return MalformedFileError(reason, self._at(ntry, key), format=self._name)

    def _entry_amount(self, ntry: Element, flat: Flat, key: str) -> int:
        text = (flat.get(key) or "").strip()
        try:
            units = decimal_units(text, Position(), format=self._name)
        except MalformedFileError as error:
            raise self._fail(ntry, key, error.reason) from None
        if text.startswith(("-", "+")):
            raise self._fail(
                ntry, key, f"amount {text!r} must be unsigned (the sign is in CdtDbtInd)"
            )
        return units

    def _entry_sign(self, ntry: Element, flat: Flat, key: str) -> int:
        value = (flat.get(key) or "").strip()
        if value == "CRDT":
            return 1
        if value == "DBIT":
            return -1
        raise self._fail(ntry, key, f"CdtDbtInd must be CRDT or DBIT, not {value!r}")

    def _entry_date(self, ntry: Element, flat: Flat, key: str) -> date | None:
        text = flat.get(key + "/Dt") or flat.get(key + "/DtTm")
        if text is None or not text.strip():
            return None
        value = text.strip()
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            raise self._fail(ntry, key, f"invalid date {value!r}") from None

    def _map_entry(self, ntry: Element) -> None:
        flat: Flat = {}
        details: list[Flat] = []
        self._flatten(ntry, "", flat, details)
        if "Amt" not in flat:
            raise self._fail(ntry, "Amt", "entry has no Amt")
        amount = self._entry_sign(ntry, flat, "CdtDbtInd") * self._entry_amount(ntry, flat, "Amt")
        currency = clean(flat.get("Amt@Ccy")) or (
            self.statement.currency if self.statement else None
        )
        booking = self._entry_date(ntry, flat, "BookgDt")
        value = self._entry_date(ntry, flat, "ValDt")
        servicer_ref = clean(flat.get("AcctSvcrRef"))
        entry_ref = clean(flat.get("NtryRef"))
        status = clean(flat.get("Sts") or flat.get("Sts/Cd"))
        entry_info = clean(flat.get("AddtlNtryInf"))
        entry_extra: dict[str, ExtraValue] = {
            "entry_ref": entry_ref if servicer_ref else None,
            "status": status if status and status != "BOOK" else None,
            "reversal": True if clean(flat.get("RvslInd")) in ("true", "1") else None,
            "bank_transaction_code": _bank_code(flat),
        }
        transaction_id = servicer_ref or entry_ref

        if len(details) > 1:
            split = self._split(ntry, details, amount, currency)
            if split is not None:
                batch_ref = (
                    servicer_ref
                    or entry_ref
                    or clean(flat.get("NtryDtls/Btch/PmtInfId"))
                    or clean(flat.get("NtryDtls/Btch/MsgId"))
                    or f"entry:{self.statement.index if self.statement else 0}:{self.entry_number}"
                )
                for item, (detail, detail_amount) in enumerate(zip(details, split, strict=True), 1):
                    fields = _detail(detail, detail_amount)
                    detail_id = fields.pop("servicer_ref") or (
                        f"{transaction_id}/{item}" if transaction_id else None
                    )
                    self._add(
                        amount=detail_amount,
                        booking=booking,
                        value=value,
                        currency=currency,
                        fields=fields,
                        fallback_description=entry_info,
                        transaction_id=detail_id,
                        extra={
                            **entry_extra,
                            "batch_ref": batch_ref,
                            "batch_size": len(details),
                            "batch_item": item,
                        },
                    )
                return
        # Details that could not be split describe no single counterparty: keep the entry's own text.
        fields = _detail(details[0], amount) if len(details) == 1 else {}
        detail_ref = fields.pop("servicer_ref", None)
        extra = dict(entry_extra)
        if len(details) > 1:
            extra["batch_size"] = len(details)
        else:
            count = clean(flat.get("NtryDtls/Btch/NbOfTxs"))
            extra["batch_size"] = int(count) if count and is_ascii_digits(count) else None
        self._add(
            amount=amount,
            booking=booking,
            value=value,
            currency=currency,
            fields=fields,
            fallback_description=entry_info,
            transaction_id=transaction_id or detail_ref,
            extra=extra,
        )

    def _add(
        self,
        *,
        amount: int,
        booking: date | None,
        value: date | None,
        currency: str | None,
        fields: dict[str, str | None],
        fallback_description: str | None,
        transaction_id: str | None,
        extra: dict[str, ExtraValue],
    ) -> None:
        extra["creditor_reference"] = fields.get("creditor_reference_extra")
        extra["mandate_id"] = fields.get("mandate_id")
        extra["counterparty_bank"] = fields.get("counterparty_bank")
        self.writer.add(
            amount=amount,
            booking_date=booking,
            value_date=value,
            currency=currency,
            reference=fields.get("reference"),
            description=fields.get("description") or fallback_description,
            counterparty=fields.get("counterparty"),
            counterparty_account=fields.get("counterparty_account"),
            transaction_id=transaction_id,
            extra=extra,
        )

    def _split(
        self, ntry: Element, details: list[Flat], entry_amount: int, currency: str | None
    ) -> list[int] | None:
        """Signed amount of each TxDtls, or None (with an issue) when they do not make up the entry."""
        amounts: list[int] = []
        for item, detail in enumerate(details, start=1):
            key = "Amt" if "Amt" in detail else "AmtDtls/TxAmt/Amt"
            base = f"NtryDtls/TxDtls[{item}]"
            if key not in detail:
                self.writer.issue(
                    self._at(ntry, base),
                    "batch detail has no amount; the entry is kept as one record",
                )
                return None
            try:
                units = decimal_units(detail[key] or "", Position(), format=self._name)
            except MalformedFileError as error:
                raise self._fail(ntry, f"{base}/{key}", error.reason) from None
            detail_currency = clean(detail.get(key + "@Ccy"))
            if detail_currency and currency and detail_currency != currency:
                self.writer.issue(
                    self._at(ntry, base),
                    f"batch detail in {detail_currency}, entry in {currency}; the entry is kept "
                    "as one record",
                )
                return None
            indicator = clean(detail.get("CdtDbtInd"))
            if indicator is None:
                sign = 1 if entry_amount >= 0 else -1
            elif indicator in ("CRDT", "DBIT"):
                sign = 1 if indicator == "CRDT" else -1
            else:
                raise self._fail(
                    ntry, f"{base}/CdtDbtInd", f"CdtDbtInd must be CRDT or DBIT, not {indicator!r}"
                )
            amounts.append(sign * units)
        if sum(amounts) != entry_amount:
            self.writer.issue(
                self._at(ntry, "NtryDtls"),
                f"batch details add up to {sum(amounts)} units, the entry to {entry_amount}; the "
                "entry is kept as one record",
            )
            return None
        return amounts


Flat = dict[str, str | None]
# Only these containers are walked (a real entry also carries addresses, charges, tax, related
# dates and supplementary data that map to nothing).
_ENTRY_CONTAINERS = frozenset(
    ["Sts", "BookgDt", "ValDt", "BkTxCd", "BkTxCd/Domn", "BkTxCd/Domn/Fmly", "BkTxCd/Prtry"]
)
_DETAIL_CONTAINERS = frozenset(
    [
        "Refs",
        "AmtDtls",
        "AmtDtls/TxAmt",
        "RltdPties",
        "RltdAgts",
        "RmtInf",
        "RmtInf/Strd",
        "RmtInf/Strd/CdtrRefInf",
        *(
            f"{group}/{party}{tail}"
            for group, party in (
                ("RltdPties", "Dbtr"),
                ("RltdPties", "Cdtr"),
                ("RltdAgts", "DbtrAgt"),
                ("RltdAgts", "CdtrAgt"),
            )
            for tail in ("", "/Pty", "Acct", "Acct/Id", "Acct/Id/Othr", "/FinInstnId")
        ),
    ]
)


def _detail(detail: Flat, amount: int) -> dict[str, str | None]:
    """Record fields from one flattened TxDtls; the counterparty is the other side of ``amount``."""
    end_to_end = clean(detail.get("Refs/EndToEndId"))
    if end_to_end and end_to_end.upper() == _NOT_PROVIDED:
        end_to_end = None
    creditor_ref = clean(detail.get("RmtInf/Strd/CdtrRefInf/Ref"))
    unstructured = detail.get("RmtInf/Ustrd")
    description = None
    if unstructured:
        description = " ".join(
            part for part in (clean(line) for line in unstructured.split("\n")) if part
        )
    party, agent = ("Dbtr", "DbtrAgt") if amount >= 0 else ("Cdtr", "CdtrAgt")
    return {
        "reference": end_to_end or creditor_ref,
        "creditor_reference_extra": creditor_ref if end_to_end else None,
        "description": description or clean(detail.get("AddtlTxInf")),
        "counterparty": clean(
            detail.get(f"RltdPties/{party}/Nm") or detail.get(f"RltdPties/{party}/Pty/Nm")
        ),
        "counterparty_account": clean(
            detail.get(f"RltdPties/{party}Acct/Id/IBAN")
            or detail.get(f"RltdPties/{party}Acct/Id/Othr/Id")
        ),
        "counterparty_bank": clean(
            detail.get(f"RltdAgts/{agent}/FinInstnId/BIC")
            or detail.get(f"RltdAgts/{agent}/FinInstnId/BICFI")
        ),
        "mandate_id": clean(detail.get("Refs/MndtId")),
        "servicer_ref": clean(detail.get("Refs/AcctSvcrRef")),
    }


def _bank_code(flat: Flat) -> str | None:
    domain = clean(flat.get("BkTxCd/Domn/Cd"))
    if domain:
        family = clean(flat.get("BkTxCd/Domn/Fmly/Cd"))
        sub = clean(flat.get("BkTxCd/Domn/Fmly/SubFmlyCd"))
        return "/".join(part for part in (domain, family, sub) if part)
    return clean(flat.get("BkTxCd/Prtry/Cd"))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2] if tag.startswith("{") else tag
