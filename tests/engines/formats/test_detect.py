import codecs
import gzip
import io
import zipfile

import pytest

from tally.ingest.formats import UnsupportedFormatError, detect_format, parse_statement

from .helpers import FIXTURES, SAMPLES, fixture, statements

EXPECTED = {
    "camt053_v02_batch.xml": "camt.053",
    "camt053_v08_two_statements.xml": "camt.053",  # prefixed namespace
    "camt052_v08_intraday.xml": "camt.052",
    "camt054_v04_notification.xml": "camt.054",
    "ofx102_bank_and_card.ofx": "ofx",
    "ofx220.xml": "ofx",  # an .xml name does not make it CAMT
    "quicken.qfx": "ofx",
    "mt940_german.sta": "mt940",
    "mt940_ing_nl.txt": "mt940",
    "mt942_intraday.txt": "mt942",
    "bai2_two_accounts.bai": "bai2",
}


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_fixtures_are_detected_by_content(name: str, expected: str) -> None:
    assert detect_format(fixture(name)[:8192]) == expected


def test_every_fixture_is_covered() -> None:
    assert {path.name for path in FIXTURES.iterdir()} == set(EXPECTED)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xef\xbb\xbfOFXHEADER:100\r\nDATA:OFXSGML", "ofx"),
        (b"  \n<OFX>\n<SIGNONMSGSRSV1>", "ofx"),
        (b"<Document><BkToCstmrStmt><GrpHdr>", "camt.053"),  # no namespace at all
        (b":20:STARTUMS\r\n:25:10020030/1234567890\r\n:28C:1\r\n:60F:C240101EUR1,00", "mt940"),
        (b"\r\n:20:X\n:25:NL1\n:28C:1\n:61:240101C1,00NTRFNONREF", "mt940"),
        (b":20:X\n:25:DE1\n:28C:1\n:34F:EUR0,\n:13D:2401011200+0100", "mt942"),
        (b"{1:F01ABCDEFGHXXX0000000000}{2:O9401200240101ABCDEFGHXXX}{4:\n:20:X", "mt940"),
        (b"01,SENDER,RECEIVER,240101,0800,1,80,10,2/\n02,", "bai2"),
        (b"Date;Amount;Text\n01.01.2024;1,00;x\n", "csv"),
        (b":not really swift,just text\n", "csv"),
        (b"", "csv"),
    ],
)
def test_detect_by_magic_and_content(head: bytes, expected: str) -> None:
    assert detect_format(head) == expected


def test_utf16_xml_is_detected() -> None:
    head = codecs.BOM_UTF16_LE + fixture("camt053_v02_batch.xml")[:2000].decode().encode(
        "utf-16-le"
    )
    assert detect_format(head) == "camt.053"


def test_xlsx_is_a_zip() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert detect_format(buffer.getvalue()[:8192]) == "xlsx"


def test_gzip_is_looked_through_and_parsed() -> None:
    packed = gzip.compress(fixture("mt940_german.sta"))
    assert detect_format(packed[:8192]) == "mt940"
    assert len(statements(list(parse_statement(io.BytesIO(packed))))) == 2


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (b"%PDF-1.7\n", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "legacy Excel"),
        (b"\x00\x01\x02binary", "binary data"),
        (b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">', "pain.001.001.09 is not a bank statement"),
        (b"<html><body>hi</body></html>", "neither OFX nor"),
    ],
)  # fmt: skip
def test_unsupported_content(head: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=message):
        detect_format(head)


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/bank-samples is not beside the repository")
def test_real_exports_are_detected() -> None:
    detected = {
        path.name: detect_format(path.read_bytes()[:8192])
        for path in sorted(SAMPLES.iterdir())
        if path.suffix in (".ofx", ".xml", ".csv", ".xls")
    }
    assert {name: kind for name, kind in detected.items() if kind != "csv"} == {
        "egh__ledger-autosync__accented_characters_latin1.ofx": "ofx",
        "jseutter__ofxparse__bank_medium.ofx": "ofx",
        "jseutter__ofxparse__suncorp.ofx": "ofx",
        "kedder__ofxstatement-iso20022__davider80.xml": "camt.053",
    }
    # The Swedbank "xls" is a CSV: content wins over the extension.
    assert detected["bank2ynab__bank2ynab__test_swedebank_statement.xls"] == "csv"
