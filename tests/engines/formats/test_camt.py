from datetime import date

import orjson
import pytest

from tally.ingest.formats import (
    UnsupportedFormatError,
    parse_camt,
    parse_camt052,
    parse_camt053,
    parse_camt054,
)

from .helpers import balance_checks, fixture, issues, parse_bytes, rows, statements


def test_camt053_v02_statement_metadata() -> None:
    batches = parse_bytes(parse_camt053, fixture("camt053_v02_batch.xml"))
    [statement] = statements(batches)
    assert statement.format == "camt.053"
    assert statement.statement_id == "STMT-2024-03-01"
    assert statement.sequence_number == "61"
    assert statement.account_id == "DE89370400440532013000"
    assert statement.bank_id == "COBADEFFXXX"
    assert statement.currency == "EUR"
    assert statement.opening_balance == 10_000_000
    assert statement.closing_balance == 9_350_100
    assert statement.available_balance == 9_000_000
    assert (statement.from_date, statement.to_date) == (date(2024, 3, 1), date(2024, 3, 1))
    assert statement.entry_count == 6  # 4 entries, one of them a batch of 3
    assert statement.declared_entry_count == 4
    assert statement.declared_net == -649_900
    assert issues(batches) == []
    [check] = balance_checks(batches)
    assert check.status == "balanced" and check.difference == 0


def test_camt053_single_transfer_maps_every_field() -> None:
    first = rows(parse_bytes(parse_camt053, fixture("camt053_v02_batch.xml")))[0]
    assert first == {
        "row_number": 1,
        "reference": "E2E-INV-1001",
        "booking_date": date(2024, 3, 1),
        "value_date": date(2024, 3, 1),
        "amount": 2_500_000,
        "currency": "EUR",
        "description": "Invoice 1001 March",
        "counterparty": "Acme GmbH",  # the debtor of a credit
        "counterparty_account": "DE44500105175407324931",
        "transaction_id": "ASR-0001",
        "extra": '{"bank_transaction_code":"PMNT/RCDT/ESCT"}',
    }


def test_camt053_batch_entry_becomes_one_record_per_detail() -> None:
    records = rows(parse_bytes(parse_camt053, fixture("camt053_v02_batch.xml")))[1:4]
    assert [r["amount"] for r in records] == [-1_000_000, -1_500_000, -500_000]
    assert [r["reference"] for r in records] == ["PAY-77-1", "PAY-77-2", "PAY-77-3"]
    assert [r["counterparty"] for r in records] == [
        "Supplier One",
        "Supplier Two",
        "Supplier Three",
    ]
    assert [r["counterparty_account"] for r in records] == [
        "NL91ABNA0417164300",
        "0532013000",
        None,
    ]
    # A detail's own AcctSvcrRef wins; the others get the entry's, numbered.
    assert [r["transaction_id"] for r in records] == ["ASR-0002/1", "ASR-0002-B", "ASR-0002/3"]
    assert records[2]["description"] == "Order 503 (no remittance)"  # AddtlTxInf fallback
    extras = [orjson.loads(r["extra"]) for r in records]
    assert [(e["batch_ref"], e["batch_size"], e["batch_item"]) for e in extras] == [
        ("ASR-0002", 3, 1),
        ("ASR-0002", 3, 2),
        ("ASR-0002", 3, 3),
    ]


def test_camt053_structured_reference_datetime_and_reversal() -> None:
    records = rows(parse_bytes(parse_camt053, fixture("camt053_v02_batch.xml")))
    debit = records[4]
    assert debit["reference"] == "RF18539007547034"  # EndToEndId is NOTPROVIDED
    assert debit["booking_date"] == date(2024, 3, 1)  # from DtTm
    assert debit["counterparty"] == "Stadtwerke"
    assert orjson.loads(debit["extra"]) == {
        "bank_transaction_code": "NDDT+105",
        "mandate_id": "MANDATE-9",
    }
    reversal = records[5]
    assert reversal["amount"] == 50_000
    assert reversal["transaction_id"] == "NREF-4"  # no AcctSvcrRef: NtryRef
    assert reversal["description"] == "Reversal of account fee"  # line break folded
    assert orjson.loads(reversal["extra"]) == {"reversal": True}


def test_camt053_v08_party_shape_and_two_statements() -> None:
    batches = parse_bytes(parse_camt, fixture("camt053_v08_two_statements.xml"))
    first, second = statements(batches)
    assert (first.statement_id, first.account_id, first.currency) == ("S1", "12345678", "CHF")
    assert first.sequence_number == "14"
    assert first.opening_balance == 5_000_000  # PRCD stands in for OPBD
    assert first.to_date == date(2024, 4, 1)  # closing balance DtTm
    [record] = rows(batches)
    assert record["counterparty"] == "Müller AG"  # Dbtr/Pty/Nm (v08)
    assert record["counterparty_account"] == "CH9300762011623852957"
    assert record["value_date"] == date(2024, 4, 2)
    assert orjson.loads(record["extra"]) == {"counterparty_bank": "UBSWCHZH80A", "entry_ref": "1"}
    # An entry-less statement still reports itself, with a negative (debit) balance.
    assert (second.statement_id, second.entry_count) == ("S2", 0)
    assert second.opening_balance == second.closing_balance == -100_000
    assert [check.status for check in balance_checks(batches)] == ["balanced", "balanced"]


def test_camt052_checks_against_declared_net() -> None:
    batches = parse_bytes(parse_camt052, fixture("camt052_v08_intraday.xml"))
    [statement] = statements(batches)
    assert statement.format == "camt.052"
    assert statement.opening_balance is None
    assert statement.declared_net == 700_000
    pending = rows(batches)[1]
    assert pending["booking_date"] is None
    assert orjson.loads(pending["extra"]) == {"status": "PDNG"}
    [check] = balance_checks(batches)
    assert (check.basis, check.status) == ("declared_net", "balanced")


def test_camt054_details_that_do_not_add_up_stay_one_record() -> None:
    batches = parse_bytes(parse_camt054, fixture("camt054_v04_notification.xml"))
    [record] = rows(batches)
    assert record["amount"] == -800_000
    assert record["description"] == "Collective debit"
    assert orjson.loads(record["extra"]) == {"batch_size": 2}
    [issue] = [issue for batch in batches for issue in batch.errors]
    assert "add up to -700000 units" in issue.reason
    assert issue.position.path == "/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/NtryDtls"
    assert issue.position.line == 15  # the <NtryDtls> element named by the path
    [check] = balance_checks(batches)
    assert check.status == "unverifiable"


def test_batches_are_cut_at_batch_rows_and_never_span_statements() -> None:
    batches = parse_bytes(parse_camt, fixture("camt053_v02_batch.xml"), batch_rows=4)
    assert [(b.records.num_rows, b.complete) for b in batches] == [(4, False), (2, True)]
    assert [b.statement.entry_count for b in batches] == [4, 6]
    assert [r["row_number"] for r in rows(batches)] == [1, 2, 3, 4, 5, 6]


def test_expected_message_type_is_enforced() -> None:
    with pytest.raises(UnsupportedFormatError, match=r"expected a camt\.054 file, found camt\.053"):
        parse_bytes(parse_camt054, fixture("camt053_v02_batch.xml"))


def test_row_hash_is_stable_and_content_based() -> None:
    once = rows(parse_bytes(parse_camt, fixture("camt053_v02_batch.xml")), keep_hash=True)
    again = rows(
        parse_bytes(parse_camt, fixture("camt053_v02_batch.xml"), batch_rows=1), keep_hash=True
    )
    assert [r["row_hash"] for r in once] == [r["row_hash"] for r in again]
    assert len({r["row_hash"] for r in once}) == len(once)
