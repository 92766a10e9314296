# ruff: noqa: RUF001
# (the exports' own full-width digits and brackets, as Japanese and Chinese banks write them)
"""Exports from banks, processors and accounting tools the corpus did not hold yet.

Each case reproduces a real export's layout (origin and quirks stated with it) and states what a
correct load gives: the records (booking date, signed amount, currency or None when the file does
not say it) and, where the file makes it clear, the columns detection must map and the encoding it
must read the file with. ``write_corpus`` writes them with the rest of the corpus.
"""

from __future__ import annotations

from bench.firsttry.write_corpus import Case, _case

FW = {ord(ch): ord(ch) + 0xFEE0 for ch in "0123456789,"}  # to full-width digits and comma


def _fw(text: str) -> str:
    return text.translate(FW)


WORLD_CASES: list[Case] = [
    _case(
        "chase_checking_us_trailing_comma.csv",
        "Chase (US) checking account, 'Download account activity' CSV",
        "every data row has one field more than the header (a trailing comma); 'Details' holds "
        "DEBIT/CREDIT/CHECK/DSLIP beside an amount that is already signed; M/D/Y dates; long ACH "
        "descriptions padded with spaces; check number in 'Check or Slip #'",
        """
Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #
DEBIT,03/01/2024,"ORIG CO NAME:COMCAST            ORIG ID:0000123 DESC DATE:240301 CO ENTRY DESCR:CABLE    SEC:PPD",-89.99,ACH_DEBIT,4910.01,,
CREDIT,03/04/2024,"ACME CORP        PAYROLL                    PPD ID: 9876543210",2450.00,ACH_CREDIT,7360.01,,
CHECK,03/06/2024,"CHECK 1043",-1200.00,CHECK_PAID,6160.01,1043,
DSLIP,03/11/2024,"REMOTE ONLINE DEPOSIT #          1",315.50,CHECK_DEPOSIT,6475.51,,
DEBIT,03/12/2024,"Zelle payment to JOHN SMITH JPM99a1b2c3",-50.00,QUICKPAY_DEBIT,6425.51,,
""",
        [
            ("2024-03-01", "-89.99", None),
            ("2024-03-04", "2450.00", None),
            ("2024-03-06", "-1200.00", None),
            ("2024-03-11", "315.50", None),
            ("2024-03-12", "-50.00", None),
        ],
        mapping={
            "booking_date": "Posting Date",
            "amount": "Amount",
            "description": "Description",
            "reference": "Check or Slip #",
        },
    ),
    _case(
        "wells_fargo_no_header.csv",
        "Wells Fargo (US) 'Comma delimited' account activity download",
        "no header at all; every cell quoted; a constant '*' column and an empty check-number "
        "column; a date inside the description ('AUTHORIZED ON 02/28')",
        """
"03/01/2024","-45.17","*","","PURCHASE AUTHORIZED ON 02/28 SAFEWAY #1234 SAN JOSE CA S384059123456789 CARD 1234"
"03/01/2024","2500.00","*","","ACME INC DIR DEP 240301 XXXXX1234 SMITH JOHN"
"03/05/2024","-1200.00","*","1051","CHECK # 1051"
"03/18/2024","-12.00","*","","MONTHLY SERVICE FEE"
""",
        [
            ("2024-03-01", "-45.17", None),
            ("2024-03-01", "2500.00", None),
            ("2024-03-05", "-1200.00", None),
            ("2024-03-18", "-12.00", None),
        ],
        mapping={"booking_date": "column_1", "amount": "column_2", "description": "column_5"},
    ),
    _case(
        "bofa_checking_summary_block.csv",
        "Bank of America (US) checking 'Microsoft Excel format' CSV download",
        "a 3-column summary table (beginning/ending balance, totals) above the 4-column "
        "transactions table; the first entry row is the beginning balance with an empty amount; "
        "amounts quoted with thousands commas; 'Running Bal.'",
        """
Description,,Summary Amt.
Beginning balance as of 03/01/2024,,"5,120.44"
Total credits,,"3,150.00"
Total debits,,"-1,433.27"
Ending balance as of 03/31/2024,,"6,837.17"

Date,Description,Amount,Running Bal.
03/01/2024,Beginning balance as of 03/01/2024,,"5,120.44"
03/01/2024,"BKOFAMERICA ATM 03/01 #000004321 WITHDRWL MAIN ST","-200.00","4,920.44"
03/04/2024,"ACME CORP DES:PAYROLL ID:XXXXX12345 INDN:SMITH,JOHN CO ID:XXXXX12345 PPD","3,150.00","8,070.44"
03/15/2024,"PGANDE DES:WEB ONLINE ID:12345678 INDN:JOHN SMITH CO ID:XXXXX PPD","-133.27","7,937.17"
03/28/2024,"Online Banking transfer to SAV 1234 Confirmation# 1234567890","-1,100.00","6,837.17"
""",
        [
            ("2024-03-01", "-200.00", None),
            ("2024-03-04", "3150.00", None),
            ("2024-03-15", "-133.27", None),
            ("2024-03-28", "-1100.00", None),
        ],
        mapping={"booking_date": "Date", "amount": "Amount", "description": "Description"},
    ),
    _case(
        "paypal_us_activity_multi_currency.csv",
        "PayPal (US) 'Activity download', all columns, several currencies",
        "41 columns; Gross/Fee/Net; 'Shipping and Handling Amount' and 'Insurance Amount' named "
        "like an amount but 0.00 on every row; currency conversion rows in two currencies; "
        "M/D/YYYY with a TimeZone column; 'Balance Impact' Debit/Credit beside signed amounts",
        """
"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net","From Email Address","To Email Address","Transaction ID","Shipping Address","Address Status","Item Title","Item ID","Shipping and Handling Amount","Insurance Amount","Sales Tax","Option 1 Name","Option 1 Value","Option 2 Name","Option 2 Value","Reference Txn ID","Invoice Number","Custom Number","Quantity","Receipt ID","Balance","Address Line 1","Address Line 2/District/Neighborhood","Town/City","State/Province/Region/County/Territory/Prefecture/Republic","Zip/Postal Code","Country","Contact Phone Number","Subject","Note","Country Code","Balance Impact"
"3/1/2024","09:14:22","PST","Jane Doe","Website Payment","Completed","USD","1,250.00","-36.55","1,213.45","jane@example.com","billing@acme.example","1AB23456CD7890123","","Non-Confirmed","Consulting March","","0.00","0.00","0.00","","","","","","INV-2024-031","","1","","1,213.45","","","","","","","","Consulting March","","US","Credit"
"3/2/2024","11:02:10","PST","Hans Müller","Website Payment","Completed","EUR","300.00","-10.65","289.35","hans@example.de","billing@acme.example","2CD34567EF8901234","","Non-Confirmed","Workshop seat","","0.00","0.00","0.00","","","","","","INV-2024-032","","1","","289.35","","","","","","","","Workshop seat","","DE","Credit"
"3/2/2024","11:02:10","PST","","General Currency Conversion","Completed","EUR","-289.35","0.00","-289.35","billing@acme.example","","3EF45678GH9012345","","","","","0.00","0.00","0.00","","","","","2CD34567EF8901234","","","","","0.00","","","","","","","","","","","Debit"
"3/2/2024","11:02:10","PST","","General Currency Conversion","Completed","USD","309.61","0.00","309.61","","billing@acme.example","4GH56789IJ0123456","","","","","0.00","0.00","0.00","","","","","2CD34567EF8901234","","","","","1,523.06","","","","","","","","","","","Credit"
"3/14/2024","06:30:00","PDT","Adobe Inc","PreApproved Payment Bill User Payment","Completed","USD","-54.99","0.00","-54.99","billing@acme.example","paypal@adobe.example","5IJ67890KL1234567","","","Creative Cloud","","0.00","0.00","0.00","","","","","B-12345678","","","1","","1,468.07","","","","","","","","Creative Cloud","","US","Debit"
"3/28/2024","17:45:51","PDT","","General Withdrawal","Completed","USD","-1,000.00","0.00","-1,000.00","billing@acme.example","","6KL78901MN2345678","","","","","0.00","0.00","0.00","","","","","","","","","","468.07","","","","","","","","","","","Debit"
""",
        [
            ("2024-03-01", "1250.00", "USD"),
            ("2024-03-02", "300.00", "EUR"),
            ("2024-03-02", "-289.35", "EUR"),
            ("2024-03-02", "309.61", "USD"),
            ("2024-03-14", "-54.99", "USD"),
            ("2024-03-28", "-1000.00", "USD"),
        ],
        mapping={"booking_date": "Date", "amount": "Gross", "currency": "Currency"},
    ),
    _case(
        "revolut_multi_currency.csv",
        "Revolut (personal/business) account statement CSV, several currency pockets",
        "ISO date-times in 'Started Date' and 'Completed Date' (a pending row has no completed "
        "date); an exchange shown as two rows in two currencies; Fee column of zeros; "
        "Balance per currency pocket",
        """
Type,Product,Started Date,Completed Date,Description,Amount,Fee,Currency,State,Balance
TOPUP,Current,2024-03-01 08:12:45,2024-03-01 08:12:47,Top-Up by *1234,500.00,0.00,EUR,COMPLETED,512.30
CARD_PAYMENT,Current,2024-03-02 19:40:11,2024-03-03 09:15:02,Lidl,-23.47,0.00,EUR,COMPLETED,488.83
EXCHANGE,Current,2024-03-04 10:00:00,2024-03-04 10:00:00,Exchanged to USD,-100.00,0.00,EUR,COMPLETED,388.83
EXCHANGE,Current,2024-03-04 10:00:00,2024-03-04 10:00:00,Exchanged from EUR,107.95,0.00,USD,COMPLETED,107.95
CARD_PAYMENT,Current,2024-03-05 14:22:31,2024-03-06 02:11:09,Amazon.com,-45.00,0.00,USD,COMPLETED,62.95
TRANSFER,Current,2024-03-07 09:01:00,2024-03-07 09:01:03,To JOHN SMITH,-150.00,0.00,EUR,COMPLETED,238.83
CARD_PAYMENT,Current,2024-03-30 21:05:44,,Uber,-12.60,0.00,EUR,PENDING,
""",
        [
            ("2024-03-01", "500.00", "EUR"),
            ("2024-03-02", "-23.47", "EUR"),
            ("2024-03-04", "-100.00", "EUR"),
            ("2024-03-04", "107.95", "USD"),
            ("2024-03-05", "-45.00", "USD"),
            ("2024-03-07", "-150.00", "EUR"),
            ("2024-03-30", "-12.60", "EUR"),
        ],
        mapping={
            "booking_date": "Started Date",
            "amount": "Amount",
            "currency": "Currency",
            "description": "Description",
        },
    ),
    _case(
        "starling_uk.csv",
        "Starling Bank (UK) statement CSV",
        "currency only in the header ('Amount (GBP)', 'Balance (GBP)'); 'Counter Party' written "
        "as two words; DD/MM/YYYY with days <= 12 on most rows",
        """
Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category,Notes
01/03/2024,TESCO STORES 3292,TESCO STORES 3292,CONTACTLESS,-12.45,1237.55,GROCERIES,
04/03/2024,ACME LTD,SALARY MAR,FASTER PAYMENT,2200.00,3437.55,INCOME,
11/03/2024,Octopus Energy,A-1B2C3D4E,DIRECT DEBIT,-96.00,3341.55,BILLS_AND_SERVICES,
23/03/2024,J SMITH,DINNER SPLIT,FASTER PAYMENT,24.50,3366.05,INCOME,
""",
        [
            ("2024-03-01", "-12.45", "GBP"),
            ("2024-03-04", "2200.00", "GBP"),
            ("2024-03-11", "-96.00", "GBP"),
            ("2024-03-23", "24.50", "GBP"),
        ],
        mapping={
            "booking_date": "Date",
            "amount": "Amount (GBP)",
            "counterparty": "Counter Party",
            "reference": "Reference",
        },
    ),
    _case(
        "danske_dk_cp1252.csv",
        "Danske Bank (Denmark) 'Eksporter' CSV",
        "cp1252 with Danish letters (Beløb, Løn); every cell quoted; ';' with decimal commas "
        "and '.' thousands; Status/Afstemt text columns",
        """
"Dato";"Tekst";"Beløb";"Saldo";"Status";"Afstemt"
"01.03.2024";"Løn";"25.400,00";"31.205,50";"Udført";"Nej"
"04.03.2024";"Dankort-køb Netto";"-312,75";"30.892,75";"Udført";"Nej"
"15.03.2024";"Husleje";"-9.500,00";"21.392,75";"Udført";"Nej"
"28.03.2024";"MobilePay Jens";"-150,00";"21.242,75";"Venter";"Nej"
""",
        [
            ("2024-03-01", "25400.00", None),
            ("2024-03-04", "-312.75", None),
            ("2024-03-15", "-9500.00", None),
            ("2024-03-28", "-150.00", None),
        ],
        encoding="cp1252",
        newline="\r\n",
        mapping={"booking_date": "Dato", "amount": "Beløb", "description": "Tekst"},
        expect_encoding="cp1252",
    ),
    _case(
        "icici_in_lakh_grouping.csv",
        "ICICI Bank (India) detailed statement saved as CSV",
        "Indian lakh/crore grouping (1,25,000.00; 3,45,210.55); title lines above the header; "
        "a serial-number column 1..n; withdrawal/deposit pair with 0.00 (not empty) on the other "
        "side; '-' for no cheque; currency in the header ('(INR )')",
        """
DETAILED STATEMENT

Transactions List - ACME TRADERS (INR) - XXXXXXXX1234

S No.,Value Date,Transaction Date,Cheque Number,Transaction Remarks,Withdrawal Amount (INR ),Deposit Amount (INR ),Balance (INR )
1,01/03/2024,01/03/2024,-,NEFT-HDFCN52024030112345-ACME PVT LTD-SALARY,0.00,"1,25,000.00","3,45,210.55"
2,05/03/2024,05/03/2024,-,UPI/406512345678/Swiggy/paytm,235.00,0.00,"3,44,975.55"
3,12/03/2024,12/03/2024,000123,CHQ PAID-MICR CTS-MU-RENT,"45,000.00",0.00,"2,99,975.55"
4,28/03/2024,28/03/2024,-,IMPS-408812345678-Ramesh Kumar,"1,12,500.00",0.00,"1,87,475.55"
""",
        [
            ("2024-03-01", "125000.00", "INR"),
            ("2024-03-05", "-235.00", "INR"),
            ("2024-03-12", "-45000.00", "INR"),
            ("2024-03-28", "-112500.00", "INR"),
        ],
        mapping={
            "debit": "Withdrawal Amount (INR )",
            "credit": "Deposit Amount (INR )",
            "description": "Transaction Remarks",
        },
    ),
    _case(
        "sbi_in_tab_text_as_xls.xls",
        "State Bank of India 'Account Statement' download (tab-separated text named .xls)",
        "text with a .xls name; a 15-line 'Key :<tab>value' preamble; 'd Mon yyyy' dates; lakh "
        "grouping; a single space in the empty Debit/Credit cell; a footer sentence",
        """
Account Name       :\tMr. RAMESH KUMAR
Address            :\t12 MG ROAD BANGALORE
Date               :\t1 Apr 2024
Account Number     :\t_00000012345678901
Account Description:\tSAVINGS ACCOUNT
Branch             :\tMG ROAD
Drawing Power      :\t0.00
Interest Rate(% p.a.):\t2.7
MOD Balance        :\t0.00
CIF No.            :\t_12345678901
IFS Code           :\tSBIN0001234
MICR Code          :\t560002001
Nomination Registered :\tYes
Balance as on 1 Mar 2024 :\t 1,23,456.78

Account Statement from 1 Mar 2024 to 31 Mar 2024
Txn Date\tValue Date\tDescription\tRef No./Cheque No.\t        Debit\tCredit\tBalance
1 Mar 2024\t1 Mar 2024\tBY TRANSFER-NEFT*HDFC0000001*N061241234*ACME PVT LTD--\tTRANSFER FROM 3199412345\t \t1,50,000.00\t2,73,456.78
5 Mar 2024\t5 Mar 2024\tTO TRANSFER-UPI/DR/406512345678/SWIGGY/YESB/swiggy@yes--\tTRANSFER TO 4897691234\t235.00\t \t2,73,221.78
12 Mar 2024\t12 Mar 2024\tATM WDL-ATM CASH 1234 MG ROAD BANGALORE\t\t10,000.00\t \t2,63,221.78
30 Mar 2024\t30 Mar 2024\tCREDIT INTEREST--\t\t \t1,021.00\t2,64,242.78
**This is a computer generated statement and does not require a signature.
""",
        [
            ("2024-03-01", "150000.00", None),
            ("2024-03-05", "-235.00", None),
            ("2024-03-12", "-10000.00", None),
            ("2024-03-30", "1021.00", None),
        ],
        mapping={"booking_date": "Txn Date", "debit": "Debit", "credit": "Credit"},
    ),
    _case(
        "itau_br_reais.csv",
        "Itaú (Brazil) extrato exported to CSV from the Excel download",
        "cp1252; 'R$ 12.500,00' and '-R$ 150,00' (sign before the symbol); DD/MM/AAAA; title "
        "lines; a 'SALDO ANTERIOR' line with a balance and no amount; CNPJ/CPF numbers with dots",
        """
Extrato Conta Corrente
Agência: 1234  Conta: 56789-0
Período: 01/03/2024 a 31/03/2024

Data;Lançamento;Razão Social;CNPJ/CPF;Valor (R$);Saldo (R$)
01/03/2024;SALDO ANTERIOR;;;;R$ 2.345,67
04/03/2024;PIX TRANSF JOAO S04/03;JOAO SILVA;***.123.456-**;-R$ 150,00;R$ 2.195,67
05/03/2024;TED 341.1234.ACME LTDA;ACME LTDA;12.345.678/0001-90;R$ 12.500,00;R$ 14.695,67
15/03/2024;BOLETO PAGO ENEL;ENEL DISTRIBUICAO;;-R$ 312,48;R$ 14.383,19
28/03/2024;TAR PACOTE ITAU;;;-R$ 64,90;R$ 14.318,29
""",
        [
            ("2024-03-04", "-150.00", "BRL"),
            ("2024-03-05", "12500.00", "BRL"),
            ("2024-03-15", "-312.48", "BRL"),
            ("2024-03-28", "-64.90", "BRL"),
        ],
        encoding="cp1252",
        newline="\r\n",
        mapping={"booking_date": "Data", "amount": "Valor (R$)", "description": "Lançamento"},
    ),
    _case(
        "pko_bp_pl_cp1250.csv",
        "PKO Bank Polski 'Historia rachunku' CSV",
        "cp1250 (ł ż ą ę ś ó Ż Ł in header and text); four unnamed columns after 'Opis "
        "transakcji' that hold the rest of the description; amounts and balance with an explicit "
        "'+'; ISO dates",
        """
"Data operacji","Data waluty","Typ transakcji","Kwota","Waluta","Saldo po transakcji","Opis transakcji","","","",""
"2024-03-01","2024-03-01","Przelew na rachunek","+8500.00","PLN","+12450.33","Rachunek nadawcy: 12 1020 1026 0000 1102 0123 4567","Nazwa nadawcy: FIRMA ŻÓŁW SP. Z O.O.","Tytuł: WYNAGRODZENIE ZA LUTY 2024","",""
"2024-03-04","2024-03-04","Płatność kartą","-45.99","PLN","+12404.34","Tytuł: 000498849 74230784064087139848122","Lokalizacja: Adres: ŻABKA Z1234 K.1 Miasto: Łódź Kraj: POLSKA","","",""
"2024-03-10","2024-03-10","Zlecenie stałe","-1800.00","PLN","+10604.34","Rachunek odbiorcy: 45 1140 2004 0000 3002 7654 3210","Nazwa odbiorcy: Spółdzielnia Mieszkaniowa Zieleń","Tytuł: CZYNSZ MARZEC","",""
"2024-03-15","2024-03-15","Opłata za prowadzenie rachunku","-9.00","PLN","+10595.34","Tytuł: OPŁATA MIESIĘCZNA","","","",""
""",
        [
            ("2024-03-01", "8500.00", "PLN"),
            ("2024-03-04", "-45.99", "PLN"),
            ("2024-03-10", "-1800.00", "PLN"),
            ("2024-03-15", "-9.00", "PLN"),
        ],
        encoding="cp1250",
        newline="\r\n",
        mapping={"booking_date": "Data operacji", "amount": "Kwota", "currency": "Waluta"},
        expect_encoding="cp1250",
    ),
    _case(
        "payroll_pl_cp1250.csv",
        "A Polish bank's payroll transfer list ('lista płac') exported from online banking",
        "cp1250 names (Łukasz, Wąsowska, Żółkiewski); a 'Lp.' row-number column 1..n before "
        "the amounts; space thousands and decimal comma (6 850,00); account numbers in groups "
        "of four digits; DD.MM.YYYY",
        """
Lp.;Nazwisko i imię;Numer rachunku;Kwota;Tytuł przelewu;Data realizacji
1;Wąsowska Małgorzata;12 1020 1026 0000 1102 0123 4567;6 850,00;Wynagrodzenie za luty 2024;29.02.2024
2;Żółkiewski Łukasz;45 1140 2004 0000 3002 7654 3210;5 420,50;Wynagrodzenie za luty 2024;29.02.2024
3;Kręcisz Paweł;61 1090 1014 0000 0712 1981 2874;4 980,00;Wynagrodzenie za luty 2024;29.02.2024
4;Ślęzak Józef;83 1050 0086 1000 0023 4567 8901;3 150,75;Premia kwartalna;01.03.2024
""",
        [
            ("2024-02-29", "6850.00", None),
            ("2024-02-29", "5420.50", None),
            ("2024-02-29", "4980.00", None),
            ("2024-03-01", "3150.75", None),
        ],
        encoding="cp1250",
        newline="\r\n",
        mapping={"booking_date": "Data realizacji", "amount": "Kwota"},
        expect_encoding="cp1250",
    ),
    _case(
        "mufg_jp_shift_jis.csv",
        "MUFG Bank (Japan) 入出金明細 CSV download",
        "Shift-JIS (cp932) with half-width katakana payee names; Japanese column names only; "
        "unsigned 支払い金額 (paid out) / 預かり金額 (paid in) filled in turn, the sign readable "
        "only from the running balance 差引残高; yen without decimals; YYYY/M/D",
        """
日付,摘要,摘要内容,支払い金額,預かり金額,差引残高,メモ,未資金化区分,入払区分
2024/3/1,振込１,ｶ)ｱｸﾒ,,"350,000","1,584,567",,,入金
2024/3/4,カード,ＡＭＡＺＯＮ　ＣＯ　ＪＰ,"4,980",,"1,579,587",,,支払い
2024/3/11,口座振替,ﾄｳｷﾖｳﾃﾞﾝﾘﾖｸ,"8,215",,"1,571,372",,,支払い
2024/3/25,振込手数料,,440,,"1,570,932",,,支払い
2024/3/27,振込２,ｽｽﾞｷ ﾀﾛｳ,,"12,000","1,582,932",,,入金
""",
        [
            ("2024-03-01", "350000", None),
            ("2024-03-04", "-4980", None),
            ("2024-03-11", "-8215", None),
            ("2024-03-25", "-440", None),
            ("2024-03-27", "12000", None),
        ],
        encoding="cp932",
        newline="\r\n",
        mapping={"booking_date": "日付", "debit": "支払い金額", "credit": "預かり金額"},
        expect_encoding="cp932",
    ),
    _case(
        "japan_post_bank_nen_gappi.csv",
        "A Japanese bank's statement CSV in the Japan Post Bank style (ゆうちょ)",
        "Shift-JIS; 年月日 dates (2024年03月01日); amounts in full-width digits with a "
        "full-width comma (１２，０００); 受入金額 (in) / 払出金額 (out) pair with a balance",
        f"""
取扱日付,受入金額（円）,払出金額（円）,詳細１,詳細２,現在高（円）
2024年03月01日,{_fw("250,000")},,振込,ｶ)ｱｸﾒ,{_fw("1,250,000")}
2024年03月05日,,{_fw("12,000")},カード,ＡＥＯＮ,{_fw("1,238,000")}
2024年03月14日,,{_fw("3,300")},自払,ＮＨＫ,{_fw("1,234,700")}
2024年03月29日,{_fw("1,500")},,利子,,{_fw("1,236,200")}
""",
        [
            ("2024-03-01", "250000", None),
            ("2024-03-05", "-12000", None),
            ("2024-03-14", "-3300", None),
            ("2024-03-29", "1500", None),
        ],
        encoding="cp932",
        newline="\r\n",
        mapping={"booking_date": "取扱日付", "debit": "払出金額（円）", "credit": "受入金額（円）"},
        expect_encoding="cp932",
    ),
    _case(
        "alipay_cn_gb18030.csv",
        "Alipay (支付宝) 交易记录明细 CSV export",
        "GB18030/GBK; four preamble lines and a dashed banner; cells padded with trailing "
        "spaces and a tab after the long trade number; unsigned 金额（元） whose sign is the "
        "收/支 column (收入 in / 支出 out); a summary block below a dashed line",
        """
支付宝交易记录明细查询
账号:[alice@example.com]
起始日期:[2024-03-01 00:00:00]    终止日期:[2024-04-01 00:00:00]
---------------------------------交易记录明细列表------------------------------------
交易号                  ,商家订单号               ,交易创建时间              ,付款时间                ,最近修改时间              ,交易来源地     ,类型              ,交易对方            ,商品名称                ,金额（元）   ,收/支     ,交易状态    ,服务费（元）   ,成功退款（元）  ,备注                  ,资金状态     ,
2024030122001412345678901234\t,T200P1234567890123456\t,2024-03-01 12:01:33 ,2024-03-01 12:01:35 ,2024-03-01 12:01:35 ,其他（包括阿里巴巴外部） ,即时到账交易          ,星巴克咖啡            ,拿铁咖啡                ,32.00   ,支出      ,交易成功    ,0.00     ,0.00     ,                    ,已支出      ,
2024030522001412345678905678\t,\t,2024-03-05 09:30:00 ,2024-03-05 09:30:02 ,2024-03-05 09:30:02 ,支付宝网站     ,转账              ,张伟                ,3月房租                ,1200.00 ,支出      ,交易成功    ,0.00     ,0.00     ,                    ,已支出      ,
2024031022001412345678909012\t,\t,2024-03-10 18:45:12 ,2024-03-10 18:45:12 ,2024-03-10 18:45:12 ,支付宝网站     ,转账              ,上海某某科技有限公司  ,2月工资                ,5000.00 ,收入      ,交易成功    ,0.00     ,0.00     ,                    ,已收入      ,
2024032822001412345678903456\t,E2024032812345\t,2024-03-28 20:11:09 ,2024-03-28 20:11:20 ,2024-03-28 20:11:20 ,其他（包括阿里巴巴外部） ,即时到账交易          ,美团外卖            ,晚餐                ,50.50   ,支出      ,交易成功    ,0.00     ,0.00     ,                    ,已支出      ,
------------------------------------------------------------------------------------
共4笔记录
已收入:1笔,5000.00元
待收入:0笔,0.00元
已支出:3笔,1282.50元
待支出:0笔,0.00元
导出时间:[2024-04-01 10:12:33]
""",
        [
            ("2024-03-01", "-32.00", None),
            ("2024-03-05", "-1200.00", None),
            ("2024-03-10", "5000.00", None),
            ("2024-03-28", "-50.50", None),
        ],
        encoding="gb18030",
        newline="\r\n",
        mapping={"amount": "金额（元）", "direction": "收/支"},
        expect_encoding="gb18030",
    ),
    _case(
        "quickbooks_general_ledger.csv",
        "QuickBooks Online 'General Ledger' report exported to CSV",
        "three title lines; an empty first header cell and an account name alone in the first "
        "column as a section row; 'Total for Checking' and 'TOTAL' rows with '$' amounts; blank "
        "comma-only rows; a 'Cash Basis <date>' footer",
        """
ACME Landscaping LLC
General Ledger
"January 1 - March 31, 2024"

,Date,Transaction Type,Num,Name,Memo/Description,Split,Amount,Balance
Checking,,,,,,,,
,01/02/2024,Deposit,,Greenway Property Mgmt,Invoice 1042 payment,Accounts Receivable (A/R),"2,450.00","2,450.00"
,01/05/2024,Expense,DEBIT,Home Depot,Mulch and soil,Job Supplies,-312.18,"2,137.82"
,01/15/2024,Check,1007,Carlos Ruiz,Crew wages week 2,Payroll Expenses,"-1,200.00",937.82
,02/01/2024,Bill Payment (Check),1008,Pacific Fuel Co,,Accounts Payable (A/P),-96.40,841.42
Total for Checking,,,,,,,"$841.42",
,,,,,,,,
TOTAL,,,,,,,"$841.42",
,,,,,,,,
,,,,,,,,
"Cash Basis Monday, April 1, 2024 09:12 AM GMT-07:00",,,,,,,,
""",
        [
            ("2024-01-02", "2450.00", None),
            ("2024-01-05", "-312.18", None),
            ("2024-01-15", "-1200.00", None),
            ("2024-02-01", "-96.40", None),
        ],
        mapping={
            "booking_date": "Date",
            "amount": "Amount",
            "counterparty": "Name",
            "description": "Memo/Description",
        },
    ),
    _case(
        "tinkoff_ru_cp1251.csv",
        "Tinkoff Bank (Russia) 'Выписка' operations CSV",
        "cp1251 Cyrillic header and text; every cell quoted; ';' with decimal commas; newest "
        "entry first; 'DD.MM.YYYY HH:MM:SS' operation date beside a payment date; a card "
        "payment in USD beside its RUB debit; bonus, rounding and MCC number columns; the last "
        "column repeats the amount without its sign",
        """
"Дата операции";"Дата платежа";"Номер карты";"Статус";"Сумма операции";"Валюта операции";"Сумма платежа";"Валюта платежа";"Кэшбэк";"Категория";"MCC";"Описание";"Бонусы (включая кэшбэк)";"Округление на инвесткопилку";"Сумма операции с округлением"
"28.03.2024 19:22:41";"29.03.2024";"*1234";"OK";"-1250,00";"RUB";"-1250,00";"RUB";"";"Супермаркеты";"5411";"Пятёрочка";"12,00";"0,00";"1250,00"
"21.03.2024 08:05:10";"21.03.2024";"";"OK";"85000,00";"RUB";"85000,00";"RUB";"";"Пополнения";"";"Зарплата ООО Ромашка";"0,00";"0,00";"85000,00"
"14.03.2024 23:41:02";"16.03.2024";"*1234";"OK";"-15,99";"USD";"-1480,35";"RUB";"";"Сервис";"5815";"Netflix";"14,00";"0,00";"15,99"
"02.03.2024 12:00:00";"02.03.2024";"";"OK";"-3200,00";"RUB";"-3200,00";"RUB";"";"Переводы";"";"Перевод Ивану П.";"0,00";"0,00";"3200,00"
""",
        [
            ("2024-03-28", "-1250.00", "RUB"),
            ("2024-03-21", "85000.00", "RUB"),
            ("2024-03-14", "-15.99", "USD"),
            ("2024-03-02", "-3200.00", "RUB"),
        ],
        encoding="cp1251",
        newline="\r\n",
        mapping={
            "booking_date": "Дата операции",
            "amount": "Сумма операции",
            "currency": "Валюта операции",
            "description": "Описание",
        },
        expect_encoding="cp1251",
    ),
    _case(
        "kb_kookmin_kr_cp949.csv",
        "KB Kookmin Bank (Korea) 거래내역 download saved as CSV",
        "cp949 (EUC-KR) Hangul throughout; three title lines (account, period) above the header; "
        "'YYYY.MM.DD HH:MM:SS' dates; won without decimals; unsigned 출금액 (out) / 입금액 (in) "
        "with 0 on the other side, the sign readable only from the balance 잔액; newest first",
        """
거래내역조회
계좌번호,123456-01-234567
조회기간,2024.03.01 ~ 2024.03.31
거래일시,적요,보낸분/받는분,송금메모,출금액,입금액,잔액,거래점
2024.03.28 18:02:11,체크카드,스타벅스 강남점,,"6,500",0,"3,348,300",KB
2024.03.25 09:00:00,급여,주식회사 한빛,3월 급여,0,"3,200,000","3,354,800",KB
2024.03.10 12:30:45,자동이체,한국전력공사,전기요금,"45,200",0,"154,800",KB
2024.03.02 08:15:00,타행이체,김민수,월세,"800,000",0,"200,000",KB
""",
        [
            ("2024-03-28", "-6500", None),
            ("2024-03-25", "3200000", None),
            ("2024-03-10", "-45200", None),
            ("2024-03-02", "-800000", None),
        ],
        encoding="cp949",
        newline="\r\n",
        mapping={"debit": "출금액", "credit": "입금액"},
        expect_encoding="cp949",
    ),
]
