"""Minimal writers of CAMT.053, OFX and MT940 for round-trip tests (not production code).

Each renders a list of ``Entry`` into one statement whose closing balance is the opening balance
plus the entries, in the way a bank would: CAMT with ``TxDtls``/``RltdPties``, OFX 1.x SGML or 2.x
XML, MT940 with German ``?NN`` sub-fields and SEPA ``EREF+``/``SVWZ+`` keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from tally.money import from_units


@dataclass(frozen=True)
class Entry:
    booking_date: date
    value_date: date
    amount: int  # units of 1/10,000, whole cents
    reference: str | None
    description: str | None
    counterparty: str | None
    counterparty_account: str | None
    transaction_id: str


def decimal(units: int, separator: str = ".") -> str:
    text = f"{abs(from_units(units)):.2f}"
    return text.replace(".", separator)


def render_camt053(entries: list[Entry], *, currency: str, opening: int, version: str) -> bytes:
    closing = opening + sum(entry.amount for entry in entries)
    namespace = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
    party_name = "<Pty><Nm>{}</Nm></Pty>" if int(version) >= 8 else "<Nm>{}</Nm>"

    def balance(code: str, units: int) -> str:
        sign = "CRDT" if units >= 0 else "DBIT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="{currency}">{decimal(units)}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
            "<Dt><Dt>2024-01-01</Dt></Dt></Bal>"
        )

    parts = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{namespace}"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>M</MsgId><CreDtTm>2024-01-01T00:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>RT</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id>"
        f"<Ccy>{currency}</Ccy></Acct>",
        balance("OPBD", opening),
        balance("CLBD", closing),
    ]
    for entry in entries:
        credit = entry.amount >= 0
        party = "Dbtr" if credit else "Cdtr"
        details = []
        if entry.reference:
            details.append(f"<Refs><EndToEndId>{escape(entry.reference)}</EndToEndId></Refs>")
        related = []
        if entry.counterparty:
            related.append(f"<{party}>{party_name.format(escape(entry.counterparty))}</{party}>")
        if entry.counterparty_account:
            related.append(
                f"<{party}Acct><Id><Othr><Id>{escape(entry.counterparty_account)}</Id></Othr>"
                f"</Id></{party}Acct>"
            )
        if related:
            details.append(f"<RltdPties>{''.join(related)}</RltdPties>")
        if entry.description:
            details.append(f"<RmtInf><Ustrd>{escape(entry.description)}</Ustrd></RmtInf>")
        parts.append(
            f'<Ntry><Amt Ccy="{currency}">{decimal(entry.amount)}</Amt>'
            f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{entry.booking_date.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{entry.value_date.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>{escape(entry.transaction_id)}</AcctSvcrRef>"
            + (f"<NtryDtls><TxDtls>{''.join(details)}</TxDtls></NtryDtls>" if details else "")
            + "</Ntry>"
        )
    parts.append("</Stmt></BkToCstmrStmt></Document>")
    return "".join(parts).encode("utf-8")


def render_ofx(entries: list[Entry], *, currency: str, xml: bool) -> bytes:
    def leaf(name: str, value: str | None) -> str:
        if value is None:
            return ""
        text = escape(value)
        return f"<{name}>{text}</{name}>" if xml else f"<{name}>{text}\n"

    transactions = []
    for entry in entries:
        sign = "-" if entry.amount < 0 else ""
        account = (
            f"<BANKACCTTO>{leaf('BANKID', '999')}{leaf('ACCTID', entry.counterparty_account)}"
            f"{leaf('ACCTTYPE', 'CHECKING')}</BANKACCTTO>"
            if entry.counterparty_account
            else ""
        )
        transactions.append(
            "<STMTTRN>"
            + leaf("TRNTYPE", "OTHER")
            + leaf("DTPOSTED", entry.booking_date.strftime("%Y%m%d") + "120000.000[-5:EST]")
            + leaf("DTAVAIL", entry.value_date.strftime("%Y%m%d"))
            + leaf("TRNAMT", sign + decimal(entry.amount))
            + leaf("FITID", entry.transaction_id)
            + leaf("REFNUM", entry.reference)
            + leaf("NAME", entry.counterparty)
            + account
            + leaf("MEMO", entry.description)
            + "</STMTTRN>\n"
        )
    body = (
        "<OFX><BANKMSGSRSV1><STMTTRNRS>"
        + leaf("TRNUID", "1")
        + "<STMTRS>"
        + leaf("CURDEF", currency)
        + "<BANKACCTFROM>"
        + leaf("BANKID", "1")
        + leaf("ACCTID", "42")
        + leaf("ACCTTYPE", "CHECKING")
        + "</BANKACCTFROM><BANKTRANLIST>\n"
        + "".join(transactions)
        + "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    )
    if xml:
        header = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" '
            'NEWFILEUID="NONE"?>\n'
        )
        return (header + body).encode("utf-8")
    header = "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:UTF-8\nCHARSET:NONE\n\n"
    return (header + body).encode("utf-8")


def _pieces(text: str, width: int = 27) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def render_mt940(entries: list[Entry], *, currency: str, opening: int) -> bytes:
    closing = opening + sum(entry.amount for entry in entries)

    def balance(tag: str, units: int) -> str:
        mark = "C" if units >= 0 else "D"
        return f":{tag}:{mark}240101{currency}{decimal(units, ',')}"

    lines = [":20:ROUNDTRIP", ":25:37040044/0532013000", ":28C:1/1", balance("60F", opening)]
    for entry in entries:
        mark = "C" if entry.amount >= 0 else "D"
        lines.append(
            f":61:{entry.value_date:%y%m%d}{entry.booking_date:%m%d}{mark}"
            f"{decimal(entry.amount, ',')}NTRFNONREF//{entry.transaction_id}"
        )
        purpose = []
        if entry.reference:
            purpose += _pieces("EREF+" + entry.reference)
        if entry.description:
            purpose += _pieces("SVWZ+" + entry.description)
        numbers = [f"{n}" for n in range(20, 30)] + ["60", "61", "62", "63"]
        info = "166?00UEBERWEISUNG" + "".join(
            f"?{number}{piece}" for number, piece in zip(numbers, purpose, strict=False)
        )
        if entry.counterparty_account:
            info += f"?31{entry.counterparty_account}"
        if entry.counterparty:
            info += "".join(
                f"?{number}{piece}"
                for number, piece in zip(("32", "33"), _pieces(entry.counterparty), strict=False)
            )
        # SWIFT lines are at most 65 characters; German structures wrap anywhere.
        text = ":86:" + info
        lines += [text[i : i + 65] for i in range(0, len(text), 65)]
    lines.append(balance("62F", closing))
    lines.append("-")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")
