"""The ``:86:`` information field of MT940/MT942: German ``?NN`` sub-fields, Dutch ``/KEY/`` pairs.

German banks (DFÜ-Abkommen, Anlage 3) write ``GVC?00posting text?10primanota?20..?29 purpose
?30 BLZ/BIC?31 account/IBAN?32..?33 name?34 text key?60..?63 more purpose``; since SEPA the purpose
carries ``EREF+``, ``MREF+``, ``CRED+``, ``SVWZ+`` ... keys. Dutch banks (ING, ABN AMRO, Rabobank)
write ``/TRCD/.../EREF/.../CNTP/iban/bic/name/city/REMI/USTD//text/``. Anything else is free text.

SWIFT wraps the field at 65 characters and German purpose pieces at 27, often mid-word, so a full
piece is glued to the next and a shorter one (the bank ended it on purpose) is joined with a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tally.ingest.formats._common import ExtraValue, clean

_GERMAN = re.compile(r"^(\d{3})\?")
_GERMAN_SUBFIELD = re.compile(r"\?(\d{2})")
_SEPA_KEY = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|IBAN|BIC)\+")
_DUTCH_KEY = re.compile(
    r"/(TRCD|TRTP|EREF|PREF|MARF|CSID|CNTP|REMI|PURP|ULTC|ULTD|ULTB|NAME|IBAN|BIC|ADDR|ISDT|"
    r"RTRN|IREF|SVCL|BENM|ORDP|CHGS|EXCH|OCMT|ID)/"
)
_DUTCH_START = re.compile(r"^\s*/[A-Z]{2,4}/")
_NOT_PROVIDED = "NOTPROVIDED"
SWIFT_LINE = 65
GERMAN_PIECE = 27


@dataclass
class Details:
    """What an ``:86:`` field says about its statement line."""

    description: str | None = None
    reference: str | None = None
    counterparty: str | None = None
    counterparty_account: str | None = None
    extra: dict[str, ExtraValue] = field(default_factory=dict)


def join_wrapped(pieces: list[str], width: int) -> str:
    """Join fixed-width pieces: a full piece continues in the next, a shorter one ended a phrase."""
    out = ""
    for index, piece in enumerate(pieces):
        previous = pieces[index - 1] if index else ""
        if index and len(previous) >= width and not previous.endswith(" "):
            out += piece
        else:
            out = out.rstrip() + " " + piece.lstrip()
    return out.strip()


def parse_information(lines: list[str]) -> Details:
    """Map an ``:86:`` field (its physical lines) onto record fields."""
    glued = "".join(lines)
    german = _GERMAN.match(glued)
    if german:
        return _german(german.group(1), glued[3:])
    if _DUTCH_START.match(glued) and _DUTCH_KEY.search(glued):
        return _dutch(glued.strip())
    return Details(description=clean(join_wrapped(lines, SWIFT_LINE)))


def _german(code: str, text: str) -> Details:
    parts = _GERMAN_SUBFIELD.split(text)
    subfields: dict[str, list[str]] = {}
    for number, value in zip(parts[1::2], parts[2::2], strict=True):
        subfields.setdefault(number, []).append(value)
    purpose_pieces = [
        piece
        for number in sorted(subfields)
        if "20" <= number <= "29" or "60" <= number <= "63"
        for piece in subfields[number]
    ]
    purpose = join_wrapped(purpose_pieces, GERMAN_PIECE)
    details = Details(
        description=clean(purpose),
        counterparty=clean(
            join_wrapped(subfields.get("32", []) + subfields.get("33", []), GERMAN_PIECE)
        ),
        counterparty_account=clean("".join(subfields.get("31", []))),
        extra={
            "transaction_code": code,
            "posting_text": clean("".join(subfields.get("00", []))),
            "primanota": clean("".join(subfields.get("10", []))),
            "counterparty_bank": clean("".join(subfields.get("30", []))),
            "text_key_extension": clean("".join(subfields.get("34", []))),
        },
    )
    _apply_sepa_keys(details, purpose)
    return details


def _apply_sepa_keys(details: Details, purpose: str) -> None:
    """Split German SEPA purpose keys (``EREF+...SVWZ+...``) when the purpose starts with one."""
    parts = _SEPA_KEY.split(purpose)
    if len(parts) < 3 or parts[0].strip():
        return
    values: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        values.setdefault(key, value.strip())
    reference = values.get("EREF")
    if reference and reference.upper() != _NOT_PROVIDED:
        details.reference = reference
    # The keys replace the free purpose text: without SVWZ+ there is no description, only keys.
    details.description = clean(values.get("SVWZ"))
    details.extra.update(
        {
            "mandate_reference": clean(values.get("MREF")),
            "creditor_id": clean(values.get("CRED")),
            "customer_reference": clean(values.get("KREF")),
            "ultimate_party": clean(values.get("ABWA") or values.get("ABWE")),
        }
    )
    if not details.counterparty_account and values.get("IBAN"):
        details.counterparty_account = clean(values["IBAN"])


def _dutch(text: str) -> Details:
    parts = _DUTCH_KEY.split(text)
    values: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        values.setdefault(key, value[:-1] if value.endswith("/") else value)
    counterparty = clean(values.get("NAME"))
    account = clean(values.get("IBAN"))
    bank = clean(values.get("BIC"))
    if "CNTP" in values:
        # /CNTP/account/BIC/name/city/
        cntp = [*values["CNTP"].split("/"), "", "", ""][:4]
        account = account or clean(cntp[0])
        bank = bank or clean(cntp[1])
        counterparty = counterparty or clean(cntp[2])
    remittance = values.get("REMI", "")
    description: str | None
    creditor_ref = None
    if remittance.startswith("USTD//"):
        description = clean(remittance[6:].rstrip("/"))
    elif "CDTRREF/" in remittance:
        creditor_ref = clean(remittance.split("CDTRREF/", 1)[1].split("/", 1)[0])
        description = creditor_ref
    else:
        description = clean(remittance.rstrip("/"))
    reference = clean(values.get("EREF"))
    if reference and reference.upper() == _NOT_PROVIDED:
        reference = None
    return Details(
        description=description,
        reference=reference or creditor_ref,
        counterparty=counterparty,
        counterparty_account=account,
        extra={
            "transaction_code": clean(values.get("TRCD") or values.get("TRTP")),
            "counterparty_bank": bank,
            "mandate_reference": clean(values.get("MARF")),
            "creditor_id": clean(values.get("CSID")),
            "purpose_code": clean(values.get("PURP")),
            "creditor_reference": creditor_ref if reference else None,
            "return_reason": clean(values.get("RTRN")),
        },
    )
