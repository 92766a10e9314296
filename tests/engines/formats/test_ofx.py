from datetime import date

import orjson

from tally.ingest.formats import parse_ofx

from .helpers import balance_checks, fixture, issues, parse_bytes, rows, statements


def test_ofx1_sgml_bank_and_credit_card_statements() -> None:
    batches = parse_bytes(parse_ofx, fixture("ofx102_bank_and_card.ofx"))
    bank, card = statements(batches)
    assert (bank.account_id, bank.bank_id, bank.currency) == ("000123456789", "021000021", "USD")
    assert (bank.from_date, bank.to_date) == (date(2024, 2, 1), date(2024, 2, 29))
    assert (bank.closing_balance, bank.available_balance) == (57_375_000, 57_000_000)
    assert bank.opening_balance is None and bank.entry_count == 3
    assert (card.account_id, card.closing_balance, card.entry_count) == (
        "4111111111111111",
        -459_000,
        1,
    )
    # OFX has no opening balance: the check cannot be made, and says so.
    assert [check.status for check in balance_checks(batches)] == ["unverifiable"] * 2
    assert issues(batches) == []


def test_ofx1_transactions_field_by_field() -> None:
    check, salary, fee, hotel = rows(parse_bytes(parse_ofx, fixture("ofx102_bank_and_card.ofx")))
    assert check == {
        "row_number": 1,
        "reference": "1042",  # CHECKNUM
        "booking_date": date(2024, 2, 5),
        "value_date": None,
        "amount": -12_500_000,
        "currency": "USD",
        "description": None,  # an empty <MEMO>
        "counterparty": "Café Rouge & Co",  # CHARSET:1252 and an entity
        "counterparty_account": None,
        "transaction_id": "2024020501",
        "extra": '{"date_user":"2024-02-03","trntype":"CHECK"}',
    }
    assert salary["reference"] == "PAYROLL-FEB"  # REFNUM
    assert salary["booking_date"] == date(2024, 2, 10)  # DTPOSTED with time and zone
    assert salary["value_date"] == date(2024, 2, 12)  # DTAVAIL
    assert salary["counterparty"] == "Globex Corp"  # PAYEE/NAME
    assert salary["counterparty_account"] == "987654321"  # BANKACCTTO/ACCTID
    assert salary["description"] == "Salary February"
    assert orjson.loads(salary["extra"])["counterparty_bank"] == "026009593"
    assert fee["reference"] is None  # CHECKNUM 0 means no cheque
    assert hotel["currency"] == "EUR"  # STMTTRN/CURRENCY overrides CURDEF
    assert orjson.loads(hotel["extra"])["currency_rate"] == "1.08"


def test_ofx2_xml_with_cdata_entities_and_utf8() -> None:
    batches = parse_bytes(parse_ofx, fixture("ofx220.xml"))
    [statement] = statements(batches)
    assert (statement.account_id, statement.currency, statement.closing_balance) == (
        "DE89370400440532013000",
        "EUR",
        24_980_100,
    )
    transfer, app = rows(batches)
    assert transfer["amount"] == 14_990_000  # "+1499.00"
    assert transfer["counterparty"] == "Zürich Versicherung <AG>"  # CDATA, trailing blanks cut
    assert transfer["description"] == "Erstattung Schaden <4711>"  # &lt; &gt;
    assert transfer["counterparty_account"] == "CH9300762011623852957"
    assert transfer["value_date"] == date(2024, 3, 16)
    assert (app["amount"], app["description"], app["transaction_id"]) == (-9_900, None, "XML-2")


def test_qfx_ignores_intuit_extensions() -> None:
    batches = parse_bytes(parse_ofx, fixture("quicken.qfx"))
    [statement] = statements(batches)
    assert statement.account_id == "379999999999999"
    purchase, payment = rows(batches)
    assert purchase["transaction_id"] == "320233490287637185"
    assert purchase["reference"] == "320233490287637185"  # REFNUM
    assert purchase["booking_date"] == date(2023, 12, 15)
    assert (payment["amount"], payment["counterparty"]) == (
        5_000_000,
        "AUTOPAY PAYMENT - THANK YOU",
    )


def test_transaction_without_fitid_is_kept_and_reported() -> None:
    data = (
        b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>"
        b"<CURDEF>USD<BANKACCTFROM><ACCTID>1</BANKACCTFROM><BANKTRANLIST>"
        b"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240101<TRNAMT>-1.00<NAME>x</STMTTRN>"
        b"</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )
    batches = parse_bytes(parse_ofx, data)
    assert rows(batches)[0]["transaction_id"] is None
    assert issues(batches) == ["transaction without FITID; its identity is its content"]
