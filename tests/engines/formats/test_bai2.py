from datetime import date

import orjson
import pytest

from tally.ingest.formats import MalformedFileError, parse_bai2

from .helpers import balance_checks, fixture, issues, parse_bytes, rows, statements


def test_accounts_become_statements_with_ledger_balances() -> None:
    batches = parse_bytes(parse_bai2, fixture("bai2_two_accounts.bai"))
    usd, jpy = statements(batches)
    assert (usd.statement_id, usd.account_id, usd.currency) == ("FILE0042", "0975312468", "USD")
    assert (usd.opening_balance, usd.closing_balance) == (50_000_000, 46_907_500)  # 010 / 015
    assert usd.available_balance == 46_000_000  # 045
    assert usd.from_date == usd.to_date == date(2024, 2, 29)
    assert usd.entry_count == 5
    # JPY has no minor unit: 1,000,000 in the file is 1,000,000 yen.
    assert (jpy.currency, jpy.opening_balance) == ("JPY", 1_000_000 * 10_000)
    assert [check.status for check in balance_checks(batches)] == ["balanced", "balanced"]
    assert issues(batches) == []


def test_details_field_by_field() -> None:
    ach, wire, check, payroll, fee, yen = rows(
        parse_bytes(parse_bai2, fixture("bai2_two_accounts.bai"))
    )
    assert ach == {
        "row_number": 1,
        "reference": "CUSTREF001",
        "booking_date": date(2024, 2, 29),
        "value_date": date(2024, 2, 29),  # funds type 0: immediate
        "amount": 7_500_000,  # 165: credit, 750.00 in cents
        "currency": "USD",
        "description": "ACH CREDIT ACME CORP",
        "counterparty": None,
        "counterparty_account": None,
        "transaction_id": "BANKREF001",
        "extra": '{"funds_type":"0","type_code":"165"}',
    }
    assert wire["value_date"] == date(2024, 3, 1)  # funds type V carries the value date
    assert (check["amount"], check["reference"]) == (-3_092_500, "1042")  # 475: debit
    assert payroll["description"] == "PAYROLL BATCH FEBRUARY EMPLOYEES"  # 88 continues the text
    assert payroll["transaction_id"] == "ACH0003"  # after the three S availability fields
    assert (fee["amount"], fee["description"]) == (-1_000_000, None)  # custom debit code 969
    assert orjson.loads(fee["extra"]) == {"funds_type": "Z", "type_code": "969"}
    assert (yen["amount"], yen["currency"]) == (5_000 * 10_000, "JPY")


def test_account_control_total_mismatch_is_an_issue() -> None:
    data = fixture("bai2_two_accounts.bai").replace(b"49,2010000,3/", b"49,2010001,3/")
    data = data.replace(b"98,3900925,2,13/", b"98,3900926,2,13/")
    data = data.replace(b"99,3900925,1,15/", b"99,3900926,1,15/")
    batches = parse_bytes(parse_bai2, data)
    assert issues(batches) == ["account control total is 2010001, the amounts add up to 2010000"]
    assert batches[-1].errors[0].position.line == 13


def test_group_trailer_mismatch_raises() -> None:
    data = fixture("bai2_two_accounts.bai").replace(b"98,3900925,2,13/", b"98,3900925,3,13/")
    with pytest.raises(
        MalformedFileError, match="number of accounts is 3, the group has 2"
    ) as error:
        parse_bytes(parse_bai2, data)
    assert error.value.position.line == 14


def test_type_code_outside_credit_and_debit_ranges_raises() -> None:
    data = fixture("bai2_two_accounts.bai").replace(b"16,142,5000", b"16,015,5000")
    with pytest.raises(MalformedFileError, match="type code 015 is not a credit or debit"):
        parse_bytes(parse_bai2, data)
