# ruff: noqa: RUF001
# (Turkish dotless i, as the exports write it)
"""Export shapes of ERPs, indicator columns and statement furniture: one test per mechanism.

The full files and where they come from are in ``bench/firsttry/shape_cases.py``.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from tally.ingest.amounts import currency_of_symbols, parse_amount
from tally.ingest.batches import collect
from tally.ingest.preflight import preflight
from tally.ingest.xlsx_reader import parse_xlsx, preflight_xlsx

from .helpers import column, preflight_and_parse

# -- two unsigned money columns nothing tells apart: a question, not a guess ---------------------

UNDECIDED = (
    b"Posting Date,Doc No,Account Name,Amount 1,Amount 2\n"
    b"2024-03-01,JV-1001,Receivables clearing,,2400.00\n"
    b"2024-03-03,JV-1002,Office rent,1800.00,\n"
    b"2024-03-09,JV-1003,Utilities,212.35,\n"
    b"2024-03-20,JV-1004,Customer receipt,,980.00\n"
)


def test_two_unsigned_columns_filled_in_turn_are_asked_about_not_guessed() -> None:
    result = preflight(UNDECIDED, complete=True)
    assert not result.ok
    assert [error.code for error in result.errors] == ["options"]
    assert "'Amount 1'" in result.errors[0].reason and "'Amount 2'" in result.errors[0].reason
    assert "money out" in result.errors[0].reason
    assert not {"amount", "debit", "credit"} & set(result.mapping)


def test_the_answer_to_the_question_loads_the_pair() -> None:
    answer = {"debit": "Amount 1", "credit": "Amount 2"}
    result, parsed = preflight_and_parse(UNDECIDED, mapping=answer)
    assert result.ok, result.errors
    assert column(parsed, "amount") == [24_000_000, -18_000_000, -2_123_500, 9_800_000]


def test_without_a_header_the_pair_is_asked_about_too() -> None:
    data = (
        b"01/03/2024,Transfer from ACME Ltd,,1500.00\n"
        b"04/03/2024,Card payment Tesco,45.60,\n"
        b"12/03/2024,Direct debit Octopus,96.00,\n"
        b"21/03/2024,Refund Amazon,,19.99\n"
    )
    result = preflight(data, complete=True)
    assert [error.code for error in result.errors] == ["options"]
    assert "'column_3'" in result.errors[0].reason


def test_names_that_say_the_direction_settle_the_pair_without_a_question() -> None:
    data = (
        "Tarih;Açıklama;Dekont No;Borç;Alacak\n"
        "01.03.2024 09:12;MAAŞ ÖDEMESİ;100234;;45.000,00 TL\n"
        "06.03.2024 14:30;KREDİ KARTI;100301;7.250,00 TL;\n"
        "12.03.2024 10:05;İSKİ SU;100355;312,75 TL;\n"
    ).encode()
    result, parsed = preflight_and_parse(data)
    assert result.ok, result.errors
    assert (result.mapping["debit"], result.mapping["credit"]) == ("Borç", "Alacak")
    assert result.options.default_currency == "TRY"
    assert column(parsed, "amount") == [450_000_000, -72_500_000, -3_127_500]


@pytest.mark.parametrize(
    ("text", "units", "code"),
    [
        ("1.250,00 TL", 12_500_000, "TRY"),
        ("12 500 Ft", 125_000_000, "HUF"),
        ("-310,50 lei", -3_105_000, "RON"),
        ("99,90 лв.", 999_000, "BGN"),
    ],
)
def test_local_currency_abbreviations_after_the_number(text: str, units: int, code: str) -> None:
    assert parse_amount(text, ",") == units
    assert currency_of_symbols([text]) == code


# -- names of ERP columns ------------------------------------------------------------------------


def test_an_erp_ledger_names_its_document_number_and_customer() -> None:
    data = (
        b"Data registrazione;Numero documento;Cliente;Descrizione;Importo\n"
        b"01/03/2024;FT 2024/0112;Rossi Costruzioni Srl;Fattura vendita;1.220,00\n"
        b"18/03/2024;NC 2024/0007;Rossi Costruzioni Srl;Nota di credito;-150,00\n"
    )
    result, _ = preflight_and_parse(data)
    assert result.mapping["reference"] == "Numero documento"
    assert result.mapping["counterparty"] == "Cliente"
    assert result.mapping["description"] == "Descrizione"
    assert result.mapping["booking_date"] == "Data registrazione"


def test_num_is_the_reference_and_an_account_number_is_not() -> None:
    data = (
        b"Fecha,Bank Account Num,Num,Cliente,Total\n"
        b'02/03/2024,004412345678,F2024-0031,Construcciones SL,"4.235,00"\n'
        b'19/03/2024,004412345678,R2024-0002,Construcciones SL,"-235,00"\n'
    )
    result, _ = preflight_and_parse(data)
    assert result.mapping["reference"] == "Num"
    assert result.mapping["counterparty"] == "Cliente"


def test_an_abbreviated_posting_date_beats_a_yyyymmdd_assignment_column() -> None:
    data = (
        b"Zuordnung\tBelegnr\tBuchungsdat.\tBetrag in HW\tText\n"
        b"20240301\t1400000123\t01.03.2024\t12.500,00\tZahlungseingang\n"
        b"20240302\t1500000456\t04.03.2024\t3.210,55-\tZahlung Lieferant\n"
    )
    result, parsed = preflight_and_parse(data)
    assert result.ok, result.errors
    assert result.mapping["booking_date"] == "Buchungsdat."
    assert column(parsed, "booking_date") == [date(2024, 3, 1), date(2024, 3, 4)]


@pytest.mark.parametrize("balance", ["Bakiye", "Số dư", "账户余额"])
def test_balances_named_in_other_languages_are_not_the_amount(balance: str) -> None:
    data = (  # an overdrawn account: the balances are signed too, and come first
        f"Date;{balance};Movement\n01.03.2024;-1.500,00;-1.500,00\n"
        "05.03.2024;-1.845,00;-345,00\n12.03.2024;-1.645,00;200,00\n"
    ).encode()
    result, _ = preflight_and_parse(data)
    assert result.mapping["amount"] == "Movement"


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_running_balance_before_the_amount_is_not_taken_for_it(newest_first: bool) -> None:
    rows = [
        "02/03/2024,-1250.40,-1250.40,CARD PAYMENT OFFICE DEPOT",
        "05/03/2024,-1310.15,-59.75,DIRECT DEBIT BT BUSINESS",
        "11/03/2024,1189.85,2500.00,FASTER PAYMENT ACME LTD",
        "19/03/2024,-10.15,-1200.00,RENT MARCH UNIT 4",
    ]
    data = ("\n".join(rows[::-1] if newest_first else rows) + "\n").encode()
    result, parsed = preflight_and_parse(data)
    assert result.mapping["amount"] == "column_3"
    assert any(w.code == "running_balance" for w in result.warnings)
    amounts = [-12_504_000, -597_500, 25_000_000, -12_000_000]
    assert column(parsed, "amount") == (amounts[::-1] if newest_first else amounts)


# -- balance and total lines in the entries' own columns -----------------------------------------

VR_BANK = (
    '"Buchungstag";"Vorgang/Verwendungszweck";"Kundenreferenz";"Währung";"Umsatz";" "\n'
    '"01.03.2024";"Lohn/Gehalt\nGehalt 03/2024";"";"EUR";"3.250,00";"H"\n'
    '"04.03.2024";"Basislastschrift\nStrom";"";"EUR";"85,00";"S"\n'
    '"15.03.2024";"Saldo Ausgleich Konto 4711";"";"EUR";"10,00";"S"\n'
    '"";"";"";"";"";""\n'
    '"01.03.2024";"";"Anfangssaldo";"EUR";"1.234,56";"H"\n'
    '"31.03.2024";"";"Endsaldo";"EUR";"4.389,56";"H"\n'
).encode()


def test_opening_and_closing_balance_rows_are_skipped_with_a_reason() -> None:
    result, parsed = preflight_and_parse(VR_BANK)
    assert result.ok, result.errors
    assert column(parsed, "amount") == [32_500_000, -850_000, -100_000]
    reasons = [reason for row in parsed.skipped for reason in row.reasons]
    assert (
        reasons.count(
            "an opening, closing or total balance line (a label and amounts), not an entry"
        )
        == 2
    )


def test_subtotal_rows_between_the_entries_are_skipped_and_a_dateless_entry_is_not() -> None:
    data = (
        b"St,Date,Description,Reference,Debit,Credit\n"
        b",2024-02-27,ACH CREDIT STRIPE,ST-8812,,3120.45\n"
        b",,Subtotal February 2024,,,3120.45\n"
        b",2024-03-04,CHECK 2231,2231,780.00,\n"
        b"*,,,,780.00,\n"
        b",2024-03-29,MONTHLY FEE,FEE,15.00,\n"
    )
    result, parsed = preflight_and_parse(data)
    assert result.ok, result.errors
    assert column(parsed, "amount") == [31_204_500, -7_800_000, -150_000]
    broken = data.replace(b",Subtotal February 2024,", b",Card payment Tesco,")
    result, _ = preflight_and_parse(broken)
    assert not result.ok
    assert result.errors[0].row == 2


def test_a_workbook_with_a_title_and_monthly_subtotals_loads_its_entries() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Account Activity Report"])
    sheet.append([])
    sheet.append(["Date", "Description", "Debit", "Credit"])
    sheet.append([date(2024, 2, 27), "ACH CREDIT STRIPE", None, 3120.45])
    sheet.append([date(2024, 2, 29), "WIRE OUT NORTHWIND", 1500.0, None])
    sheet.append([None, "Subtotal February 2024", 1500.0, 3120.45])
    sheet.append([date(2024, 3, 4), "CHECK 2231", 780.0, None])
    sheet.append([None, "Subtotal March 2024", 780.0, None])
    sheet.append([None, "Total", 2280.0, 3120.45])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = preflight_xlsx(buffer.getvalue())
    assert result.ok, result.errors
    parsed = collect(parse_xlsx(io.BytesIO(buffer.getvalue()), result.options))
    assert column(parsed, "amount") == [31_204_500, -15_000_000, -7_800_000]
