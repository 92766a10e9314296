from datetime import date

import orjson
import pytest

from tally.ingest.formats import parse_mt940, parse_mt942
from tally.ingest.formats._mt940_details import join_wrapped, parse_information

from .helpers import balance_checks, fixture, issues, parse_bytes, rows, statements


def test_german_statements_metadata_and_balances() -> None:
    batches = parse_bytes(parse_mt940, fixture("mt940_german.sta"))
    first, second = statements(batches)
    assert (first.statement_id, first.sequence_number) == ("STARTUMS", "00042/001")
    assert (first.bank_id, first.account_id, first.currency) == ("37040044", "0532013000", "EUR")
    assert (first.opening_balance, first.closing_balance) == (10_000_000, 33_700_000)
    assert first.available_balance == 33_700_000
    assert (first.from_date, first.to_date) == (date(2023, 12, 28), date(2024, 1, 2))
    assert (second.sequence_number, second.entry_count) == ("00043/001", 1)
    assert second.closing_balance == 32_700_100
    assert [check.status for check in balance_checks(batches)] == ["balanced", "balanced"]
    assert issues(batches) == []


def test_german_sepa_subfields() -> None:
    debit = rows(parse_bytes(parse_mt940, fixture("mt940_german.sta")))[0]
    assert debit == {
        "row_number": 1,
        "reference": "E2E-ENERGIE-2023-12",  # EREF+
        "booking_date": date(2023, 12, 29),
        "value_date": date(2023, 12, 29),
        "amount": -1_500_000,
        "currency": "EUR",
        "description": "Abschlag Dezember Strom Kundennr 123",  # SVWZ+, 27-char pieces glued
        "counterparty": "Stadtwerke Köln GmbH",  # ?32, cp1252
        "counterparty_account": "DE44500105175407324931",  # ?31
        "transaction_id": "BANKREF0001",  # after //
        "extra": orjson.dumps(
            {
                "counterparty_bank": "COBADEFFXXX",
                "creditor_id": "DE98ZZZ09999999999",
                "entry_type": "NDDT",
                "funds_code": "R",
                "mandate_reference": "M-4711",
                "posting_text": "SEPA-BASISLASTSCHRIFT",
                "primanota": "931",
                "transaction_code": "105",
            },
            option=orjson.OPT_SORT_KEYS,
        ).decode(),
    }


def test_entry_date_year_rollover_reversal_and_supplementary_details() -> None:
    _, salary, storno, rent = rows(parse_bytes(parse_mt940, fixture("mt940_german.sta")))
    assert (salary["value_date"], salary["booking_date"]) == (date(2023, 12, 30), date(2024, 1, 2))
    assert salary["reference"] == "KREF-8812"  # customer reference, no EREF+
    assert salary["description"] == "Gehalt Dezember"
    assert storno["amount"] == 200_000  # RD: reversal of a debit is a credit
    assert storno["description"] == "Storno Gebuehr"  # no :86:, the supplementary details
    assert storno["reference"] is None and storno["transaction_id"] is None  # NONREF, no //
    assert orjson.loads(storno["extra"])["reversal"] is True
    assert rent["description"] == "Miete Januar Wohnung 3 OG"  # short pieces joined by a space
    assert rent["counterparty"] == "Hausverwaltung Müller"


def test_dutch_ing_statement_in_swift_envelope() -> None:
    batches = parse_bytes(parse_mt940, fixture("mt940_ing_nl.txt"))
    [statement] = statements(batches)
    assert statement.account_id == "NL20INGB0001234567"  # the EUR suffix is not part of the IBAN
    assert (statement.opening_balance, statement.closing_balance) == (50_000_000, 58_745_000)
    invoice, payment = rows(batches)
    assert invoice["reference"] == "INV-2024-001"
    assert invoice["description"] == "Factuur 2024-001 januari"  # wrapped mid-word at 65
    assert (invoice["counterparty"], invoice["counterparty_account"]) == (
        "J. JANSEN",
        "NL91ABNA0417164300",
    )
    assert invoice["transaction_id"] == "00012345678901"
    assert orjson.loads(invoice["extra"])["supplementary_details"] == "/TRCD/01028/"
    assert payment["reference"] is None  # EREF NOTPROVIDED and customer reference NONREF
    assert (payment["counterparty"], payment["description"]) == (
        "Voorbeeld BV",
        "Betaling order 77",
    )
    assert [check.status for check in balance_checks(batches)] == ["balanced"]


def test_mt942_interim_report() -> None:
    batches = parse_bytes(parse_mt942, fixture("mt942_intraday.txt"))
    [statement] = statements(batches)
    assert statement.format == "mt942"
    assert (statement.currency, statement.to_date) == ("EUR", date(2024, 3, 5))
    assert (statement.declared_entry_count, statement.declared_net) == (2, 3_800_000)
    assert statement.opening_balance is None
    credit, debit = rows(batches)
    assert (credit["amount"], credit["transaction_id"]) == (5_000_000, "B942-1")
    assert credit["description"] == "Incoming payment ACME invoice 2024-17"
    assert (debit["amount"], debit["reference"]) == (-1_200_000, "REF-99")
    [check] = balance_checks(batches)
    assert (check.basis, check.status) == ("declared_net", "balanced")


def test_unknown_well_formed_tag_is_skipped_with_an_issue() -> None:
    data = b":20:X\n:25:123\n:28C:1\n:60F:C240101EUR0,\n:99Z:something\n:62F:C240101EUR0,\n"
    batches = parse_bytes(parse_mt940, data)
    assert issues(batches) == ["unknown field :99Z: ignored"]
    assert batches[0].errors[0].position.line == 5


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Payment for order 4711"], "Payment for order 4711"),
        (["x" * 65, "yz"], "x" * 65 + "yz"),  # a full SWIFT line continues
        (["short line", "next"], "short line next"),
    ],
)
def test_free_text_information(lines: list[str], expected: str) -> None:
    assert parse_information(lines).description == expected


def test_join_wrapped_keeps_spaces_at_piece_boundaries() -> None:
    assert join_wrapped(["abc ", "def"], 4) == "abc def"
    assert join_wrapped(["abcd", " efg"], 4) == "abcd efg"
    assert join_wrapped(["abcd", "efg"], 4) == "abcdefg"
