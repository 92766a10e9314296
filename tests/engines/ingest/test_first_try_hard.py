# ruff: noqa: RUF001
# (full-width digits and brackets as Japanese and Chinese exports write them)
"""Harder exports load right with nothing given: one test per detection mechanism.

Each test feeds the smallest file showing one layout seen in real exports (see
``bench/firsttry/hard_cases.py`` for the full files and where they come from).
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from tally.ingest.batches import collect
from tally.ingest.dates import detect_date_format, parse_date
from tally.ingest.preflight import preflight
from tally.ingest.sniff import detect_encoding
from tally.ingest.xlsx_reader import parse_xlsx, preflight_xlsx

from .helpers import column, preflight_and_parse

# -- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date_format", "expected"),
    [
        ("02 ene. 2024", "%d %b %Y", date(2024, 1, 2)),
        ("14 ago. 2024", "%d %b %Y", date(2024, 8, 14)),
        ("20 dic 2024", "%d %b %Y", date(2024, 12, 20)),
        ("3 gennaio 2024", "%d %B %Y", date(2024, 1, 3)),
        ("15 settembre 2024", "%d %B %Y", date(2024, 9, 15)),
        ("1 septiembre 2024", "%d %B %Y", date(2024, 9, 1)),
        ("04/17/2023 as of 04/15/2023", "%m/%d/%Y", date(2023, 4, 17)),
        ("01.03.2024 bis 31.03.2024", "%d.%m.%Y", date(2024, 3, 1)),
    ],
)
def test_month_names_and_annotated_dates(text: str, date_format: str, expected: date) -> None:
    assert parse_date(text, date_format) == expected


def test_spanish_and_italian_month_names_are_detected() -> None:
    detection = detect_date_format(["02 ene. 2024", "14 ago. 2024", "20 dic. 2024"])
    assert detection.format == "%d %b %Y"
    italian = detect_date_format(["3 gennaio 2024", "2 dicembre 2024"]).format
    assert italian is not None
    assert parse_date("2 dicembre 2024", italian) == date(2024, 12, 2)


def test_a_date_cell_annotated_with_a_second_date_loads_as_the_first() -> None:
    data = (
        b'"Date","Action","Amount"\n'
        b'"04/27/2023","Buy","-$3320.05"\n'
        b'"04/17/2023 as of 04/15/2023","Bank Interest","$0.03"\n'
    )
    result, parsed = preflight_and_parse(data)
    assert result.mapping["booking_date"] == "Date"
    assert column(parsed, "booking_date") == [date(2023, 4, 27), date(2023, 4, 17)]


def test_text_with_a_date_inside_is_not_a_date() -> None:
    assert detect_date_format(["CB CARREFOUR 11/03/2024", "PRLV EDF 05/03/2024"]).format is None


# -- rows that are not entries ---------------------------------------------------------------


def test_a_header_repeated_at_a_page_break_and_page_lines_are_skipped_not_errors() -> None:
    data = (
        b"Date,Details,Amount,Balance\n"
        b"02/04/2024,EFTPOS,-62.35,937.65\n"
        b",Balance carried forward,,937.65\n"
        b"Page 2 of 2\n"
        b"Date,Details,Amount,Balance\n"
        b"19/04/2024,RENT,-600.00,337.65\n"
    )
    result, parsed = preflight_and_parse(data)
    assert result.ok, result.errors
    assert not parsed.errors
    assert column(parsed, "amount") == [-623_500, -6_000_000]
    reasons = {row.row: row.reasons[0] for row in parsed.skipped}
    assert set(reasons) == {2, 3, 4}
    assert "header repeated" in reasons[4]


def test_a_row_with_a_date_among_page_lines_is_still_an_error() -> None:
    data = b"Date,Details,Amount\n02/04/2024,A,-1.00\n33/04/2024\n19/04/2024,B,-2.00\n"
    result, parsed = preflight_and_parse(data)
    assert not result.ok
    assert {(error.row, error.column) for error in parsed.errors} == {(2, "Date"), (2, "Amount")}


def test_sap_list_printout_with_pipes_rules_and_a_total_row() -> None:
    data = (
        "12.03.2024   Dynamische Listenausgabe   1\n"
        "-----------------------------------------------\n"
        "|Belegnr   |Buch.dat. |   Betrag in HW|HWäh|\n"
        "-----------------------------------------------\n"
        "|1400000123|01.03.2024|       1.500,00|EUR |\n"
        "|1400000124|04.03.2024|         254,10-|EUR |\n"
        "-----------------------------------------------\n"
        "|*         |          |       1.245,90|EUR |\n"
        "-----------------------------------------------\n"
    ).encode()
    result, parsed = preflight_and_parse(data)
    assert result.ok, result.errors
    assert not parsed.errors
    assert column(parsed, "booking_date") == [date(2024, 3, 1), date(2024, 3, 4)]
    assert column(parsed, "amount") == [15_000_000, -2_541_000]
    assert column(parsed, "currency") == ["EUR", "EUR"]


def test_a_balance_line_above_the_header_is_preamble_not_the_first_entry() -> None:
    data = (
        "Téléchargement du 15/03/2024;;;;\n"
        "Solde au 14/03/2024;8\u00a0254,10 €;;;\n"
        "\n"
        "Date;Libellé;Débit euros;Crédit euros;\n"
        '01/03/2024;"VIR SEPA RECU\nDE: SARL DUPONT";;2\u00a0500,00 €;\n'
        "05/03/2024;PRLV SEPA EDF;78,45 €;;\n"
    ).encode("cp1252")
    result, parsed = preflight_and_parse(data)
    assert result.ok, result.errors
    assert result.mapping["booking_date"] == "Date"
    assert column(parsed, "amount") == [25_000_000, -784_500]
    assert column(parsed, "currency") == ["EUR", "EUR"]


# -- currency ------------------------------------------------------------------------------------


def _preamble_file(*lines: str) -> bytes:
    return (
        "\n".join(lines) + "\n\nBuchungsdatum;Valuta;Buchungstext;Betrag;Saldo\n"
        "01.02.24;01.02.24;Gutschrift;12\u2019400.00;15\u2019120.55\n"
        "07.02.24;07.02.24;Swisscom;-89.90;15\u2019030.65\n"
        "26.02.24;25.02.24;Miete;-2\u2019150.00;12\u2019880.65\n"
    ).encode()


def test_the_currency_stated_once_above_the_table_is_the_files() -> None:
    data = _preamble_file("IBAN;CH93 0076 2011 6238 5295 7", "Währung;CHF")
    result, parsed = preflight_and_parse(data)
    assert result.options.default_currency == "CHF"
    assert any(w.code == "currency_from_preamble" for w in result.warnings)
    assert column(parsed, "currency") == ["CHF", "CHF", "CHF"]
    assert column(parsed, "amount") == [124_000_000, -899_000, -21_500_000]


def test_two_currencies_above_the_table_decide_nothing() -> None:
    data = _preamble_file("Kontowährung;CHF", "Fremdwährung;EUR")
    result, _ = preflight_and_parse(data)
    assert result.options.default_currency is None


# -- spreadsheet serials in a text file ----------------------------------------------------------


def test_a_date_column_of_spreadsheet_serials_reads_as_dates() -> None:
    data = (
        b"Document No,Posting Date,Customer,Amount\n"
        b'SI-1001,45352,Acme Ltd,"1,250.00"\n'
        b"SI-1002,45355,Globex,-310.40\n"
    )
    result, parsed = preflight_and_parse(data)
    assert result.options.date_format == "excel"
    assert any(w.code == "date_serials" for w in result.warnings)
    assert column(parsed, "booking_date") == [date(2024, 3, 1), date(2024, 3, 4)]


def test_numbers_in_a_column_not_named_like_a_date_stay_numbers() -> None:
    data = b"Date,Invoice,Amount\n2024-03-01,45352,1.00\n2024-03-04,45355,2.00\n"
    result, parsed = preflight_and_parse(data)
    assert result.options.date_format == "%Y-%m-%d"
    assert column(parsed, "booking_date") == [date(2024, 3, 1), date(2024, 3, 4)]


# -- workbooks -----------------------------------------------------------------------------------


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_summary_sheet_before_the_entries_is_passed_over() -> None:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary.append(["Settlement report"])
    summary.append(["Gross sales", 2540.0])
    details = workbook.create_sheet("Transactions")
    details.append(["Settlement date", "Reference", "Gross", "Currency"])
    details.append([date(2024, 3, 4), "PSP-881", 1200.0, "GBP"])
    details.append([date(2024, 3, 18), "PSP-883", -200.0, "GBP"])
    data = _saved(workbook)
    result = preflight_xlsx(data)
    assert result.ok, result.errors
    assert result.options.sheet == "Transactions"
    assert any(w.code == "sheet" for w in result.warnings)
    parsed = collect(parse_xlsx(data, result.options))
    assert parsed.records.column("amount").to_pylist() == [12_000_000, -2_000_000]


def test_a_named_sheet_is_read_even_without_a_table() -> None:
    workbook = Workbook()
    workbook.active.append(["Settlement report"])
    workbook.active.append(["Gross sales", 2540.0])
    workbook.create_sheet("Transactions").append(["Date", "Amount"])
    result = preflight_xlsx(_saved(workbook), sheet="Sheet")
    assert result.options.sheet == "Sheet"
    assert not result.ok


# -- signs -----------------------------------------------------------------------------------


def test_a_ledger_debit_credit_pair_reads_its_sign_from_the_signed_total() -> None:
    data = (
        b"Date,Description,Debit,Credit,Gross\n"
        b'01 Mar 2024,Ridgeway University,"$6,187.50",,"$6,187.50"\n'
        b"04 Mar 2024,Melrose Parking,,$15.00,($15.00)\n"
        b"19 Mar 2024,PowerDirect,,$108.60,($108.60)\n"
    )
    result, parsed = preflight_and_parse(data)
    assert result.mapping["amount"] == "Gross"
    assert "debit" not in result.mapping
    assert any(w.code == "signed_total" for w in result.warnings)
    assert column(parsed, "amount") == [61_875_000, -150_000, -1_086_000]


def test_a_bank_pair_agreeing_with_its_signed_column_keeps_the_pair() -> None:
    data = (
        b"Date,Description,Debit,Credit,Net\n"
        b"2024-03-01,Salary,,2500.00,2500.00\n"
        b"2024-03-04,Rent,900.00,,-900.00\n"
        b"2024-03-05,Food,12.00,,-12.00\n"
    )
    result, parsed = preflight_and_parse(data)
    assert (result.mapping["debit"], result.mapping["credit"]) == ("Debit", "Credit")
    assert column(parsed, "amount") == [25_000_000, -9_000_000, -120_000]


def test_a_two_row_header_names_the_columns_under_a_merged_cell() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kontoauszug"])
    sheet.append([])
    sheet.append(["Buchungstag", "Verwendungszweck", "Betrag (EUR)", None, "Saldo"])
    sheet.append([None, None, "Soll", "Haben", None])
    sheet.merge_cells("C3:D3")
    sheet.append([date(2024, 3, 1), "Gehalt", None, 3200, 4100.55])
    sheet.append([date(2024, 3, 5), "Telekom", 39.95, None, 4060.6])
    data = _saved(workbook)
    result = preflight_xlsx(data)
    assert result.ok, result.errors
    assert (result.mapping["debit"], result.mapping["credit"]) == ("Soll (EUR)", "Haben (EUR)")
    parsed = collect(parse_xlsx(data, result.options))
    assert not parsed.errors
    assert parsed.records.column("amount").to_pylist() == [32_000_000, -399_500]
    assert parsed.records.column("currency").to_pylist() == ["EUR", "EUR"]


def test_a_csv_two_row_header_loads_alike() -> None:
    data = (
        b"Date;Text;Amount;;Balance\n"
        b";;Debit;Credit;\n"
        b"01.03.2024;Salary;;3200,00;4100,55\n"
        b"05.03.2024;Phone;39,95;;4060,60\n"
    )
    result, parsed = preflight_and_parse(data)
    assert (result.mapping["debit"], result.mapping["credit"]) == ("Debit", "Credit")
    assert not parsed.errors
    assert column(parsed, "amount") == [32_000_000, -399_500]


def test_a_section_row_below_the_header_is_not_a_second_header_row() -> None:
    data = (
        b"Date,Description,Debit,Credit\n"
        b"Business Bank Account,,,\n"
        b"2024-03-01,Salary,,3200.00\n"
        b"2024-03-05,Phone,39.95,\n"
    )
    result, _ = preflight_and_parse(data)
    assert result.options.columns == ["Date", "Description", "Debit", "Credit"]


def test_money_in_and_out_columns_are_found_from_the_values_whatever_their_names() -> None:
    data = (
        "Data;Opis;Wpływy;Wydatki;Saldo\n"
        "01.03.2024;Pensja;8450,00;;9000,00\n"
        "04.03.2024;Żabka;;-23,49;8976,51\n"
        "10.03.2024;Czynsz;;-2100,00;6876,51\n"
        "12.03.2024;Zwrot;15,00;;6891,51\n"
    ).encode()
    result, parsed = preflight_and_parse(data)
    assert result.ok, result.errors
    assert (result.mapping["debit"], result.mapping["credit"]) == ("Wydatki", "Wpływy")
    assert any(w.code == "debit_credit_pair" for w in result.warnings)
    assert column(parsed, "amount") == [84_500_000, -234_900, -21_000_000, 150_000]


def test_two_unsigned_columns_filled_in_turn_say_nothing_about_direction() -> None:
    data = (
        b"Date;Text;X;Y\n"
        b"01.03.2024;a;8450,00;\n04.03.2024;b;;23,49\n"
        b"10.03.2024;c;;2100,00\n12.03.2024;d;15,00;\n"
    )
    result = preflight(data, complete=True)
    assert "debit" not in result.mapping
    assert not any(w.code == "debit_credit_pair" for w in result.warnings)
    assert [error.code for error in result.errors] == ["options"]  # asked, not guessed


# -- exports from further afield (bench/firsttry/world_cases.py) ---------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("Opłata za prowadzenie rachunku;Żabka Łódź;wpływy\n", "cp1250", "cp1250"),
        ("Wąsowska Małgorzata;Ślęzak Józef\n", "cp1250", "cp1250"),
        ("Libellé;Débit euros;Crédit à régler;Noël\n", "cp1252", "cp1252"),
        ("Dankort-køb Netto;Løn;Husleje;Afstemt;Beløb\n", "cp1252", "cp1252"),
        ("Überweisung Müller;Gebühr;Straße\n", "cp1252", "cp1252"),
        ("日付,摘要,支払い金額,預かり金額,差引残高\n2024/3/1,ｶ)ｱｸﾒ,振込\n", "cp932", "cp932"),
        ("取扱日付,受入金額（円）\n2024年03月01日,２５０，０００\n", "cp932", "cp932"),
        ("交易创建时间,交易对方,金额（元）,收/支\n星巴克咖啡,支出\n", "gb18030", "gb18030"),
        (
            "Дата операции;Сумма операции;Описание\n01.03.2024;-1234,56;Пятёрочка\n",
            "cp1251",
            "cp1251",
        ),
        ("Дата;Сума;Опис\n01.03.2024;-120,00;Сільпо Київ\n", "cp1251", "cp1251"),
        ("日付,摘要,支払い金額\n", "cp932", "cp932"),
        (
            "거래일시,적요,보낸분/받는분,출금액,입금액,잔액\n스타벅스 강남점,급여\n",
            "cp949",
            "cp949",
        ),
    ],
)
def test_the_code_page_is_chosen_from_the_bytes(text: str, encoding: str, expected: str) -> None:
    assert detect_encoding(text.encode(encoding), complete=True) == expected


def test_a_polish_file_in_cp1250_reads_its_letters() -> None:
    data = (
        "Data;Description;Kwota\n"
        "2024-03-04;Płatność kartą Żabka;-45,99\n"
        "2024-03-15;Opłata miesięczna;-9,00\n"
    ).encode("cp1250")
    result, parsed = preflight_and_parse(data)
    assert result.encoding == "cp1250"
    assert column(parsed, "description") == ["Płatność kartą Żabka", "Opłata miesięczna"]


def test_a_column_of_zeros_named_like_an_amount_is_not_the_amount() -> None:
    data = (
        b"Date,Name,Gross,Fee,Shipping and Handling Amount\n"
        b'3/1/2024,Jane,"1,250.00",-36.55,0.00\n'
        b"3/14/2024,Adobe,-54.99,0.00,0.00\n"
        b"3/28/2024,Bank,-100.00,0.00,0.00\n"
    )
    result, parsed = preflight_and_parse(data)
    assert result.mapping["amount"] == "Gross"
    assert column(parsed, "amount") == [12_500_000, -549_900, -1_000_000]


def test_a_row_counter_is_not_the_amount() -> None:
    data = (
        "Lp.;Nazwisko i imię;Kwota;Data realizacji\n"
        "1;Wąsowska Małgorzata;6 850,00;29.02.2024\n"
        "2;Żółkiewski Łukasz;5 420,50;29.02.2024\n"
        "3;Kręcisz Paweł;4 980,00;01.03.2024\n"
    ).encode("cp1250")
    result, parsed = preflight_and_parse(data)
    assert result.mapping["amount"] == "Kwota"
    assert column(parsed, "amount") == [68_500_000, 54_205_000, 49_800_000]


def test_a_whole_number_column_before_the_amounts_is_not_the_amount() -> None:
    # A Finnish sales ledger: the customer number (a whole number on every row, named in a
    # compound word no name list knows) stands before 'Summa', written with decimals.
    data = (
        "Laskunumero;Asiakasnumero;Asiakas;Laskupäivä;Summa;Valuutta\n"
        "20241414;24816;Revontuli Oy;01.01.2024;11 804,20;EUR\n"
        "20241465;27105;Wouters Oy;02.01.2024;4 119,37;EUR\n"
        "20242635;17841;Keller Oy;03.01.2024;20 966,88;EUR\n"
    ).encode()
    result, parsed = preflight_and_parse(data)
    assert result.mapping["amount"] == "Summa"
    assert column(parsed, "amount") == [118_042_000, 41_193_700, 209_668_800]


def test_nordic_money_out_and_in_columns_are_debit_and_credit() -> None:
    # A Norwegian statement: withdrawals and deposits in two unsigned columns, filled in turn.
    data = (
        b"Dato;Forklaring;Rentedato;Uttak;Innskudd\n"
        b"13.01.2024;Nettgiro fra: TUULI AS;13.01.2024;;59,89\n"
        b"14.01.2024;Gebyr 01/2024;13.01.2024;21,56;\n"
        b"17.01.2024;Giro KID 102401002104;16.01.2024;;408,27\n"
    )
    result, parsed = preflight_and_parse(data)
    assert (result.mapping["debit"], result.mapping["credit"]) == ("Uttak", "Innskudd")
    assert column(parsed, "amount") == [598_900, -215_600, 4_082_700]


def test_a_name_saying_money_out_or_in_is_not_a_signed_amount() -> None:
    data = (
        b"Date,Remarks,Withdrawal Amount (INR ),Deposit Amount (INR ),Balance (INR )\n"
        b'01/03/2024,NEFT SALARY,0.00,"1,25,000.00","3,45,210.55"\n'
        b'05/03/2024,UPI Swiggy,235.00,0.00,"3,44,975.55"\n'
        b'28/03/2024,IMPS Ramesh,"1,12,500.00",0.00,"2,32,475.55"\n'
    )
    result, parsed = preflight_and_parse(data)
    assert result.mapping["debit"] == "Withdrawal Amount (INR )"
    assert result.mapping["credit"] == "Deposit Amount (INR )"
    assert "amount" not in result.mapping
    assert column(parsed, "amount") == [1_250_000_000, -2_350_000, -1_125_000_000]
    assert column(parsed, "currency") == ["INR"] * 3


def test_a_name_written_in_two_words_matches_the_one_word_synonym() -> None:
    data = (
        b"Date,Counter Party,Reference,Amount (GBP)\n"
        b"01/03/2024,TESCO STORES,TESCO,-12.45\n"
        b"23/03/2024,J SMITH,DINNER,24.50\n"
    )
    result, _ = preflight_and_parse(data)
    assert result.mapping["counterparty"] == "Counter Party"


def test_without_a_header_the_longest_varied_text_is_the_description() -> None:
    data = (
        b'"03/01/2024","-45.17","*","","PURCHASE AUTHORIZED ON 02/28 SAFEWAY"\n'
        b'"03/05/2024","-1200.00","*","1051","CHECK # 1051"\n'
        b'"03/18/2024","-12.00","*","","MONTHLY SERVICE FEE"\n'
    )
    result, parsed = preflight_and_parse(data)
    assert result.mapping["description"] == "column_5"
    assert column(parsed, "description")[2] == "MONTHLY SERVICE FEE"


def test_under_a_header_an_unnamed_text_column_is_not_made_the_description() -> None:
    data = b"Datum,Karte,Betrag\n01.03.2024,VISA Gold 1234,10.00\n02.03.2024,Master Card 99,5.00\n"
    result, _ = preflight_and_parse(data)
    assert "description" not in result.mapping


def test_chinese_in_out_indicator_signs_the_amount_above_a_summary_block() -> None:
    data = (
        "交易号,交易创建时间,交易对方,金额（元）,收/支,\n"
        "20240301220014\t,2024-03-01 12:01:33 ,星巴克咖啡 ,32.00   ,支出      ,\n"
        "20240310220014\t,2024-03-10 18:45:12 ,上海某某科技 ,5000.00 ,收入      ,\n"
        "20240328220014\t,2024-03-28 20:11:09 ,美团外卖 ,50.50   ,支出      ,\n"
        "------------------------------------\n"
        "共3笔记录\n"
        "已收入:1笔,5000.00元\n"
        "已支出:2笔,82.50元\n"
    ).encode("gb18030")
    result, parsed = preflight_and_parse(data)
    assert result.encoding == "gb18030"
    assert result.mapping["direction"] == "收/支"
    assert column(parsed, "amount") == [-320_000, 50_000_000, -505_000]


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_running_balance_tells_money_in_from_money_out(newest_first: bool) -> None:
    rows = [
        '2024/3/1,振込,,"350,000","1,584,567"',
        '2024/3/4,カード,"4,980",,"1,579,587"',
        '2024/3/11,口座振替,"8,215",,"1,571,372"',
        '2024/3/27,振込,,"12,000","1,583,372"',
    ]
    if newest_first:
        rows.reverse()
    data = ("日付,摘要,支払い金額,預かり金額,差引残高\n" + "\n".join(rows) + "\n").encode("cp932")
    result, parsed = preflight_and_parse(data)
    assert (result.mapping["debit"], result.mapping["credit"]) == ("支払い金額", "預かり金額")
    assert any(w.code == "debit_credit_balance" for w in result.warnings)
    amounts = [3_500_000_000, -49_800_000, -82_150_000, 120_000_000]
    assert column(parsed, "amount") == (amounts[::-1] if newest_first else amounts)


def test_a_balance_that_does_not_follow_the_columns_decides_nothing() -> None:
    data = (
        b"Date;Text;X;Y;Z\n"
        b"01.03.2024;a;8450,00;;100,00\n04.03.2024;b;;23,49;200,00\n"
        b"10.03.2024;c;;2100,00;300,00\n12.03.2024;d;15,00;;400,00\n"
    )
    result, _ = preflight_and_parse(data)
    assert "debit" not in result.mapping
    assert not any(w.code == "debit_credit_balance" for w in result.warnings)


def test_a_narrower_summary_table_above_the_entries_is_not_their_header() -> None:
    data = (
        b"Description,,Summary Amt.\n"
        b'Beginning balance as of 03/01/2024,,"5,120.44"\n'
        b'Total credits,,"3,150.00"\n'
        b'Ending balance as of 03/31/2024,,"8,070.44"\n'
        b"\n"
        b"Date,Description,Amount,Running Bal.\n"
        b'03/01/2024,Beginning balance as of 03/01/2024,,"5,120.44"\n'
        b'03/04/2024,"ACME CORP DES:PAYROLL","3,150.00","8,270.44"\n'
        b'03/15/2024,"PGANDE DES:WEB ONLINE","-200.00","8,070.44"\n'
    )
    result, parsed = preflight_and_parse(data)
    assert result.ok, result.errors
    assert result.columns == ["Date", "Description", "Amount", "Running Bal."]
    assert column(parsed, "amount") == [31_500_000, -2_000_000]
    assert [row.reasons for row in parsed.skipped] == [
        ["a date and a balance but no amount: a balance line, not an entry"]
    ]


def test_a_dated_row_without_amount_or_balance_is_still_an_error() -> None:
    data = b"Date,Description,Amount,Balance\n03/13/2024,Coffee,-3.50,96.50\n03/14/2024,Lunch,,\n"
    result, _ = preflight_and_parse(data)
    assert not result.ok
    assert result.errors[0].row == 2


def test_full_width_digits_and_nen_gappi_dates() -> None:
    assert parse_date("2024年3月1日", "%Y年%m月%d日") == date(2024, 3, 1)
    assert detect_date_format(["2024年03月01日", "2024年03月29日"]).format == "%Y年%m月%d日"
    data = (
        "取扱日付,金額,詳細\n"
        "2024年03月01日,２５０，０００,振込\n"
        "2024年03月05日,－１２，０００,カード\n"
    ).encode("cp932")
    result, parsed = preflight_and_parse(data)
    assert result.ok, result.errors
    assert column(parsed, "booking_date") == [date(2024, 3, 1), date(2024, 3, 5)]
    assert column(parsed, "amount") == [2_500_000_000, -120_000_000]


def test_a_cyrillic_header_names_its_fields() -> None:
    data = (
        "Дата операции;Сумма операции;Валюта операции;Описание\n"
        "28.03.2024 19:22:41;-1250,00;RUB;Пятёрочка\n"
        "21.03.2024 08:05:10;85000,00;RUB;Зарплата\n"
    ).encode("cp1251")
    result, parsed = preflight_and_parse(data)
    assert result.encoding == "cp1251"
    assert result.mapping["description"] == "Описание"
    assert column(parsed, "description") == ["Пятёрочка", "Зарплата"]


def test_a_running_balance_orients_a_pair_written_with_zeros_on_the_other_side() -> None:
    data = (
        "거래일시,적요,출금액,입금액,잔액\n"
        '2024.03.28 18:02:11,체크카드,"6,500",0,"3,348,300"\n'
        '2024.03.25 09:00:00,급여,0,"3,200,000","3,354,800"\n'
        '2024.03.10 12:30:45,자동이체,"45,200",0,"154,800"\n'
        '2024.03.02 08:15:00,타행이체,"800,000",0,"200,000"\n'
    ).encode("cp949")
    result, parsed = preflight_and_parse(data)
    assert result.encoding == "cp949"
    assert (result.mapping["debit"], result.mapping["credit"]) == ("출금액", "입금액")
    assert column(parsed, "amount") == [-65_000_000, 32_000_000_000, -452_000_000, -8_000_000_000]
