"""Malformed, truncated and hostile files: always a FormatError with a position, never a crash."""

import gzip
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tally.ingest.formats import (
    FormatError,
    MalformedFileError,
    UnsafeXmlError,
    UnsupportedFormatError,
    parse_bai2,
    parse_camt,
    parse_mt940,
    parse_mt942,
    parse_ofx,
    parse_statement,
)

from .helpers import FIXTURES, balance_checks, fixture, parse_bytes

CAMT_NS = b"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
MINIMAL_CAMT = (
    b'<?xml version="1.0"?><Document xmlns="' + CAMT_NS + b'"><BkToCstmrStmt><Stmt><Id>1</Id>'
    b"<Ntry><Amt Ccy='EUR'>{amount}</Amt><CdtDbtInd>{sign}</CdtDbtInd>"
    b"<BookgDt><Dt>{day}</Dt></BookgDt></Ntry></Stmt></BkToCstmrStmt></Document>"
)


def camt(amount: str = "1.00", sign: str = "CRDT", day: str = "2024-01-01") -> bytes:
    return (
        MINIMAL_CAMT.replace(b"{amount}", amount.encode())
        .replace(b"{sign}", sign.encode())
        .replace(b"{day}", day.encode())
    )


# -- XML attacks ------------------------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<Document xmlns="'
    + CAMT_NS
    + b'"><BkToCstmrStmt><Stmt><Id>&lol9;</Id></Stmt></BkToCstmrStmt></Document>'
)
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<Document xmlns="' + CAMT_NS + b'"><BkToCstmrStmt><Stmt><Id>&xxe;</Id>'
    b"<Ntry><Amt Ccy='EUR'>1</Amt><CdtDbtInd>CRDT</CdtDbtInd><AddtlNtryInf>&xxe;</AddtlNtryInf>"
    b"</Ntry></Stmt></BkToCstmrStmt></Document>"
)
PARAMETER_ENTITY_XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY % ext SYSTEM "file:///etc/passwd"> %ext;]>\n'
    b'<Document xmlns="' + CAMT_NS + b'"/>'
)
# A DOCTYPE hidden after a comment longer than the prolog pre-scan: the docinfo check catches it.
LATE_DOCTYPE = (
    b'<?xml version="1.0"?>\n<!--' + b"x" * 70_000 + b"-->\n"
    b'<!DOCTYPE d [<!ENTITY e "boom">]>\n<Document xmlns="' + CAMT_NS + b'"/>'
)


@pytest.mark.parametrize(
    "data",
    [BILLION_LAUGHS, XXE, PARAMETER_ENTITY_XXE, LATE_DOCTYPE],
    ids=["laughs", "xxe", "pe", "late"],
)
def test_camt_refuses_dtds_and_entities(data: bytes) -> None:
    with pytest.raises(UnsafeXmlError, match="DOCTYPE") as error:
        parse_bytes(parse_camt, data)
    assert "root:" not in str(error.value)
    assert error.value.position.line is not None


def test_ofx_refuses_doctype() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE OFX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<OFX/>'
    )
    with pytest.raises(UnsafeXmlError):
        parse_bytes(parse_ofx, data)


def test_undeclared_entity_is_malformed() -> None:
    with pytest.raises(MalformedFileError):
        parse_bytes(parse_camt, camt().replace(b"<Id>1</Id>", b"<Id>&ghost;</Id>"))


# -- CAMT -------------------------------------------------------------------------------------------


def test_truncated_camt_reports_the_line() -> None:
    data = fixture("camt053_v02_batch.xml")
    cut = data[: data.index(b"<AcctSvcrRef>ASR-0003")]
    with pytest.raises(MalformedFileError, match="malformed or truncated XML") as error:
        parse_bytes(parse_camt, cut)
    assert error.value.position.line == cut.count(b"\n") + 1


@pytest.mark.parametrize(
    ("namespace", "message"),
    [
        (b"urn:iso:std:iso:20022:tech:xsd:camt.053.001.01", "version 001.01 is not supported"),
        (b"urn:iso:std:iso:20022:tech:xsd:camt.053.001.14", "version 001.14 is not supported"),
        (b"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03", "is not CAMT"),
    ],
)
def test_unsupported_versions_and_messages(namespace: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=message):
        parse_bytes(parse_camt, camt().replace(CAMT_NS, namespace))


@pytest.mark.parametrize(
    ("data", "message", "path"),
    [
        (camt(amount="12.3.4"), "amount '12.3.4' is not a number", "Ntry[1]/Amt"),
        (camt(amount="-5.00"), "must be unsigned", "Ntry[1]/Amt"),
        (camt(amount="0.00001"), "more than 4 decimal places", "Ntry[1]/Amt"),
        (camt(amount="9" * 30), "out of range", "Ntry[1]/Amt"),
        (camt(sign="PLUS"), "CdtDbtInd must be CRDT or DBIT", "Ntry[1]/CdtDbtInd"),
        (camt(day="2024-13-01"), "invalid date '2024-13-01'", "Ntry[1]/BookgDt"),
    ],
)
def test_invalid_entry_values_name_their_path(data: bytes, message: str, path: str) -> None:
    with pytest.raises(MalformedFileError, match=message) as error:
        parse_bytes(parse_camt, data)
    assert error.value.position.path == f"/Document/BkToCstmrStmt/Stmt[1]/{path}"
    assert error.value.position.line == 1
    assert str(error.value).startswith("camt.053 file: ")
    assert str(error.value).endswith(f"(line 1, /Document/BkToCstmrStmt/Stmt[1]/{path})")


def test_xml_that_is_no_camt() -> None:
    with pytest.raises(UnsupportedFormatError, match="no CAMT"):
        parse_bytes(parse_camt, b"<root><child/></root>")
    with pytest.raises(MalformedFileError):
        parse_bytes(parse_camt, b"this is not xml at all")


# -- OFX --------------------------------------------------------------------------------------------


def test_truncated_ofx_names_the_unclosed_element() -> None:
    data = fixture("ofx102_bank_and_card.ofx")
    cut = data[: data.index(b"<NAME>Monthly fee")]
    with pytest.raises(MalformedFileError, match="truncated: <STMTTRN> opened on line 48"):
        parse_bytes(parse_ofx, cut)


@pytest.mark.parametrize(
    ("data", "exception", "message"),
    [
        (b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:302\n\n<OFX></OFX>", UnsupportedFormatError, "302"),
        (b'<?xml version="1.0"?><?OFX OFXHEADER="200" VERSION="300"?><OFX/>', UnsupportedFormatError, "300"),
        (b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX></OFX>", MalformedFileError, "no bank"),
        (b"OFXHEADER:100\nVERSION:102\n\n<OFX><STMTRS><TRN AMT>1</STMTRS></OFX>", MalformedFileError, "broken tag"),
        (b"OFXHEADER:100\nVERSION:102\n\n<OFX><INVSTMTMSGSRSV1><INVSTMTRS></INVSTMTRS></INVSTMTMSGSRSV1></OFX>", UnsupportedFormatError, "investment"),
        (b"OFXHEADER:100\nVERSION:102\n\n<OFX></BANKTRANLIST></OFX>", MalformedFileError, "without a matching"),
    ],
)  # fmt: skip
def test_ofx_structure_errors(data: bytes, exception: type[FormatError], message: str) -> None:
    with pytest.raises(exception, match=message):
        parse_bytes(parse_ofx, data)


def _ofx_with(transaction: bytes) -> bytes:
    return (
        b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:UTF-8\n\n<OFX><BANKMSGSRSV1><STMTTRNRS>"
        b"<STMTRS><CURDEF>USD<BANKTRANLIST><STMTTRN>" + transaction + b"</STMTTRN>"
        b"</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )


@pytest.mark.parametrize(
    ("transaction", "message"),
    [
        (b"<DTPOSTED>20240101<TRNAMT>1.2.3<FITID>1", "TRNAMT '1.2.3' is not a number"),
        (b"<DTPOSTED>2024-01-01<TRNAMT>1<FITID>1", "invalid OFX date"),
        (b"<DTPOSTED>20240230<TRNAMT>1<FITID>1", "invalid date '20240230'"),
        (b"<DTPOSTED>20240101<FITID>1", "without TRNAMT"),
        (b"<TRNAMT>1<FITID>1", "without DTPOSTED"),
        (b"<DTPOSTED>20240101<TRNAMT>1<NAME>\xff\xfe", "not valid utf-8"),
    ],
)
def test_ofx_invalid_values(transaction: bytes, message: str) -> None:
    with pytest.raises(MalformedFileError, match=message) as error:
        parse_bytes(parse_ofx, _ofx_with(transaction))
    assert error.value.position != error.value.position.__class__()


# -- MT940 / MT942 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "line", "message"),
    [
        (b":6X:C240101EUR1,00", 5, "broken tag"),
        (b":61C240101EUR1,00", 5, "broken tag"),
        (b":61:24010XC1,00NTRF", 5, "invalid statement line"),
        (b":61:240101X1,00NTRFREF", 5, "invalid statement line"),
        (b":61:241301C1,00NTRFREF", 5, "invalid date '241301'"),
        (b":61:240101C1,0,0NTRFREF", 5, "is not a number"),
        (b":60F:X240101EUR1,00", 5, "invalid balance"),
    ],
)
def test_mt940_broken_tags_report_their_line(broken: bytes, line: int, message: str) -> None:
    data = b":20:REF\n:25:123/456\n:28C:1\n:60F:C240101EUR0,\n" + broken + b"\n:62F:C240101EUR0,\n"
    with pytest.raises(MalformedFileError, match=message) as error:
        parse_bytes(parse_mt940, data)
    assert error.value.position.line == line
    assert f"(line {line})" in str(error.value)


def test_mt940_truncated_without_closing_balance() -> None:
    data = fixture("mt940_german.sta")
    cut = data[: data.index(b":62F:C240103")]
    with pytest.raises(MalformedFileError, match="truncated: statement 'STARTUMS' has no closing"):
        parse_bytes(parse_mt940, cut)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b":25:123\n:20:X\n", "field :25: before the statement's :20: field"),
        (b"hello world\n", "before the first tag"),
        (
            b":20:X\n:25:1\n:61:240101C1,00NTRFREF\n:62F:C240101EUR1,\n",
            "before the opening balance",
        ),
        (b":20:X\n:25:1\n:60F:C240101EUR1,\n:62F:C240101USD1,\n", "is in USD"),
        (b"", "no mt940 statement"),
    ],
)
def test_mt940_structure_errors(data: bytes, message: str) -> None:
    with pytest.raises(MalformedFileError, match=message):
        parse_bytes(parse_mt940, data)


def test_mt942_invalid_summary() -> None:
    data = b":20:X\n:25:1\n:34F:EUR0,\n:90D:XEUR1,00\n"
    with pytest.raises(MalformedFileError, match="invalid entry summary") as error:
        parse_bytes(parse_mt942, data)
    assert error.value.position.line == 4


def test_unbalanced_statement_is_a_finding_not_a_crash() -> None:
    data = fixture("mt940_german.sta").replace(b":62F:C240103EUR3270,01", b":62F:C240103EUR3270,00")
    checks = balance_checks(parse_bytes(parse_mt940, data))
    assert [(check.status, check.difference) for check in checks] == [
        ("balanced", 0),
        ("unbalanced", -100),
    ]


# -- BAI2 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d[: d.index(b"99,")], "truncated: the file trailer 99 is missing"),
        (lambda d: d.replace(b",2/\n02,", b",3/\n02,"), "BAI version '3' is not supported"),
        (lambda d: d.replace(b"16,475,30925", b"16,475,30X25"), "amount '30X25' is not an integer"),
        (lambda d: d.replace(b"16,475", b"17,475"), "unknown record code 17"),
        (lambda d: b"02,A,B,1,240229/\n" + d, "starts with a 01 file header"),
        (lambda d: d.replace(b"49,1890925,8/\n03,", b"03,"), "before the previous account's 49"),
        (lambda d: d.replace(b"240229,2400", b"240230,2400"), "invalid date '240230'"),
    ],
)
def test_bai2_errors(mutate: object, message: str) -> None:
    data = mutate(fixture("bai2_two_accounts.bai"))  # type: ignore[operator]
    with pytest.raises(FormatError, match=message) as error:
        parse_bytes(parse_bai2, data)
    assert error.value.position.line is not None or "version" in message


# -- gzip and detection -----------------------------------------------------------------------------


def test_truncated_gzip_is_malformed() -> None:
    packed = gzip.compress(fixture("camt053_v02_batch.xml"))
    with pytest.raises(MalformedFileError, match="gzip"):
        list(parse_statement(io.BytesIO(packed[: len(packed) // 2])))


def test_table_content_is_not_a_statement() -> None:
    with pytest.raises(UnsupportedFormatError, match="CSV/XLSX engine"):
        list(parse_statement(io.BytesIO(b"date,amount\n2024-01-01,1.00\n")))


def test_errors_are_picklable() -> None:
    import pickle

    error = MalformedFileError("bad", format="mt940")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.position) == (
        MalformedFileError,
        str(error),
        error.position,
    )


# -- fuzz: mutated fixtures -------------------------------------------------------------------------

PARSERS_BY_FIXTURE = {
    "camt053_v02_batch.xml": parse_camt,
    "camt053_v08_two_statements.xml": parse_camt,
    "camt054_v04_notification.xml": parse_camt,
    "ofx102_bank_and_card.ofx": parse_ofx,
    "ofx220.xml": parse_ofx,
    "mt940_german.sta": parse_mt940,
    "mt940_ing_nl.txt": parse_mt940,
    "mt942_intraday.txt": parse_mt942,
    "bai2_two_accounts.bai": parse_bai2,
}
SOURCES = {name: (FIXTURES / name).read_bytes() for name in PARSERS_BY_FIXTURE}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SOURCES)),
    cut=st.floats(0, 1),
    edits=st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=4)), max_size=4),
)
def test_mutated_files_raise_only_format_errors(
    name: str, cut: float, edits: list[tuple[float, bytes]]
) -> None:
    data = bytearray(SOURCES[name])
    for where, replacement in edits:
        index = int(where * (len(data) - 1))
        data[index : index + len(replacement)] = replacement
    data = data[: max(1, int(cut * len(data)))] if cut < 0.9 else data
    try:
        parse_bytes(PARSERS_BY_FIXTURE[name], bytes(data), batch_rows=2)
    except FormatError as error:
        assert error.reason
        assert "Traceback" not in str(error)
