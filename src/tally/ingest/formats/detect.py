"""Tell a statement file's format from its first bytes, never from its name.

Users upload ``.xls`` files that are CSV, ``.txt`` files that are MT940 and ``.xml`` files of every
kind, so only the content counts. Give ``detect_format`` the first few KiB (``DETECT_BYTES``).
A gzip stream is looked through: the result is the format of the compressed content (the caller
decompresses; ``is_gzip`` tells it to).
"""

from __future__ import annotations

import codecs
import re
import zlib
from typing import Literal

from tally.ingest.formats.errors import Position, UnsupportedFormatError

DetectedFormat = Literal[
    "ofx", "camt.053", "camt.052", "camt.054", "mt940", "mt942", "bai2", "xlsx", "csv"
]

DETECT_BYTES = 8192

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Excel/OLE2 document (.xls); save it as .xlsx"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
)

_CAMT_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.\d{3}\.\d{2}")
_CAMT_ROOTS: tuple[tuple[bytes, DetectedFormat], ...] = (
    (b"BkToCstmrStmt", "camt.053"),
    (b"BkToCstmrAcctRpt", "camt.052"),
    (b"BkToCstmrDbtCdtNtfctn", "camt.054"),
)
_ISO20022_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3}\.\d{3}\.\d{2})")
_OFX_SGML = re.compile(rb"\A\s*OFXHEADER\s*:", re.IGNORECASE)
_OFX_XML = re.compile(rb"<\?OFX\s|<OFX>", re.IGNORECASE)
_SWIFT_BLOCK2 = re.compile(rb"\{2:[IO](94[02])")
_SWIFT_TAG = re.compile(rb"^:(20|25|28C?|60[FM]|61|34F|13D?|90[CD]):", re.MULTILINE)
_BAI2_HEADER = re.compile(rb"\A\s*01,[^,\n]*,[^,\n]*,\d{6},")


def is_gzip(head: bytes) -> bool:
    return head.startswith(_GZIP_MAGIC)


def detect_format(head: bytes) -> DetectedFormat:
    """The format of a statement file from its first bytes.

    Text that is none of the statement formats is ``"csv"`` (the CSV engine sniffs the dialect).
    Raises ``UnsupportedFormatError`` for known non-statement binaries (PDF, images, legacy .xls),
    other binary data, and XML that is neither OFX nor CAMT.052/053/054.
    """
    if is_gzip(head):
        return detect_format(_gunzip_head(head))
    if head.startswith(_ZIP_MAGICS):
        return "xlsx"
    for magic, what in _BINARY_MAGICS:
        if head.startswith(magic):
            raise UnsupportedFormatError(
                f"this is {what}, not a bank statement", Position(offset=0)
            )
    text = _as_ascii_compatible(head)
    if b"\x00" in text:
        raise UnsupportedFormatError("binary data, not a text or XML statement", Position(offset=0))
    if _OFX_SGML.match(text):
        return "ofx"
    stripped = text.lstrip()
    if stripped.startswith(b"<"):
        return _detect_xml(stripped)
    swift = _SWIFT_BLOCK2.search(text)
    if swift:
        return "mt942" if swift.group(1) == b"942" else "mt940"
    tags = {match.group(1) for match in _SWIFT_TAG.finditer(text)}
    if b"20" in tags and b"25" in tags:
        if tags & {b"60F", b"60M", b"62F", b"62M"}:
            return "mt940"
        if tags & {b"34F", b"13D", b"90C", b"90D"}:
            return "mt942"
        if b"61" in tags or b"28C" in tags:
            return "mt940"
    if _BAI2_HEADER.match(text):
        return "bai2"
    return "csv"


def _detect_xml(text: bytes) -> DetectedFormat:
    if _OFX_XML.search(text):
        return "ofx"
    match = _CAMT_NAMESPACE.search(text)
    if match:
        return match.group(1).decode()  # type: ignore[return-value]
    for root, found in _CAMT_ROOTS:
        if b"<" + root in text or b":" + root in text:
            return found
    other = _ISO20022_NAMESPACE.search(text)
    if other:
        raise UnsupportedFormatError(
            f"ISO 20022 message {other.group(1).decode()} is not a bank statement "
            "(camt.052, camt.053 and camt.054 are supported)",
            Position(offset=0),
        )
    raise UnsupportedFormatError(
        "XML that is neither OFX nor ISO 20022 CAMT.052/053/054", Position(offset=0)
    )


def _gunzip_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=31).decompress(head, DETECT_BYTES)
    except zlib.error:
        raise UnsupportedFormatError("corrupt gzip data", Position(offset=0)) from None


def _as_ascii_compatible(head: bytes) -> bytes:
    """The head re-encoded as UTF-8 when it is UTF-16/32 (BOM), without a UTF-8 BOM otherwise."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            body = head[len(bom) :]
            width = 4 if "32" in encoding else 2
            body = body[: len(body) - len(body) % width]
            return body.decode(encoding, errors="replace").encode()
    if head.startswith(codecs.BOM_UTF8):
        return head[len(codecs.BOM_UTF8) :]
    return head
