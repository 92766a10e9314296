# ruff: noqa: RUF001
# (Turkish dotless i, as the exports write it)
"""Export shapes the corpus did not hold yet: ERP ledgers, indicator columns, statements of several
accounts, spreadsheets with hidden sheets and subtotals, and files whose direction is undecidable.

Each case reproduces the layout of a real export (origin and quirks stated with it) and states what
a correct load gives. A case with ``ask`` is one no detection can settle (two unsigned money columns
filled in turn, names that say nothing, no balance): preflight must ask which column is money out,
and with the user's answer (``ask``) the file must load as stated.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from bench.firsttry.write_corpus import NBSP, Case, _case

MINUS = "\u2212"


SHAPE_CASES: list[Case] = [
    _case(
        "sap_fbl3n_trailing_minus.txt",
        "SAP ERP FBL3N (G/L account line items) 'Spreadsheet' export saved as text with tabs",
        "title lines; an empty first column and a status column; 'Zuordnung' holding the posting "
        "date as YYYYMMDD; document date ('Belegdatum') beside the posting date ('Buchungsdat.'); "
        "trailing minus (3.210,55-); '*' subtotal and '**' total rows",
        """
Hauptbuch-Einzelposten
Sachkonto 113100  Bank Girokonto
Buchungskreis 1000

\tSt\tZuordnung\tBelegnr\tBA\tBelegdatum\tBuchungsdat.\tBetrag in HW\tHWähr\tText
\t\t20240301\t1400000123\tDZ\t01.03.2024\t01.03.2024\t12.500,00\tEUR\tZahlungseingang Kunde 4711
\t\t20240304\t1500000456\tKZ\t02.03.2024\t04.03.2024\t3.210,55-\tEUR\tZahlung Lieferant Müller GmbH
\t\t20240315\t1500000457\tKZ\t14.03.2024\t15.03.2024\t480,00-\tEUR\tZahlung Telekom Rg 03
\t\t20240328\t1400000124\tDZ\t27.03.2024\t28.03.2024\t999,99\tEUR\tZahlungseingang Kunde 4712
*\t\t\t\t\t\t\t9.809,44\tEUR\t
**\t\t\t\t\t\t\t9.809,44\tEUR\t
""",
        [
            ("2024-03-01", "12500.00", "EUR"),
            ("2024-03-04", "-3210.55", "EUR"),
            ("2024-03-15", "-480.00", "EUR"),
            ("2024-03-28", "999.99", "EUR"),
        ],
        mapping={"booking_date": "Buchungsdat.", "amount": "Betrag in HW", "reference": "Belegnr"},
    ),
    _case(
        "vr_bank_soll_haben_multiline.csv",
        "Volksbank/Raiffeisenbank (Germany) classic 'Umsatzanzeige' CSV",
        "ten preamble lines of key/value pairs; an unnamed last column holding S (Soll) or H "
        "(Haben) beside the unsigned 'Umsatz'; quoted multi-line 'Vorgang/Verwendungszweck'; an "
        "empty row, then 'Anfangssaldo' and 'Endsaldo' rows in the table's own columns",
        """
"Volksbank Musterstadt eG"

"Umsatzanzeige"

"BLZ:";"12345678";;"Datum:";"02.04.2024"
"Konto:";"1234567";;"Uhrzeit:";"10:15:00"
"Abfrage von:";"Max Mustermann";;"Kontoinhaber:";"Max Mustermann"

"Zeitraum:";;"von:";"01.03.2024";"bis:";"31.03.2024"
"Sortiert nach:";"Buchungstag";"aufsteigend"

"Buchungstag";"Valuta";"Auftraggeber/Zahlungsempfänger";"Empfänger/Zahlungspflichtiger";"Konto-Nr.";"IBAN";"BLZ";"BIC";"Vorgang/Verwendungszweck";"Kundenreferenz";"Währung";"Umsatz";" "
"01.03.2024";"01.03.2024";"ACME GmbH";"Max Mustermann";"";"DE44500105175407324931";"";"INGDDEFFXXX";"Lohn/Gehalt
Gehalt 03/2024
ACME GmbH";"";"EUR";"3.250,00";"H"
"04.03.2024";"04.03.2024";"Max Mustermann";"Stadtwerke Musterstadt";"";"DE12500105170648489890";"";"GENODEF1XXX";"Basislastschrift
Strom Abschlag 03/2024
Kd-Nr 4711 Mandat M-88";"";"EUR";"85,00";"S"
"15.03.2024";"15.03.2024";"Max Mustermann";"Hausverwaltung Meier";"";"DE02120300000000202051";"";"BYLADEM1001";"Dauerauftrag
Miete März";"";"EUR";"1.150,00";"S"
"28.03.2024";"28.03.2024";"Max Mustermann";"Bäckerei Korn";"";"";"";"";"Kartenzahlung girocard
2024-03-27T08:12";"";"EUR";"4,60";"S"
"";"";"";"";"";"";"";"";"";"";"";"";""
"01.03.2024";"";"";"";"";"";"";"";"";"Anfangssaldo";"EUR";"1.234,56";"H"
"31.03.2024";"";"";"";"";"";"";"";"";"Endsaldo";"EUR";"3.244,96";"H"
""",
        [
            ("2024-03-01", "3250.00", "EUR"),
            ("2024-03-04", "-85.00", "EUR"),
            ("2024-03-15", "-1150.00", "EUR"),
            ("2024-03-28", "-4.60", "EUR"),
        ],
        encoding="cp1252",
        newline="\r\n",
        mapping={"booking_date": "Buchungstag", "amount": "Umsatz", "currency": "Währung"},
        expect_encoding="cp1252",
    ),
    _case(
        "kotak_in_two_dr_cr_columns.csv",
        "Kotak Mahindra Bank (India) account statement CSV",
        "unsigned 'Amount' with a 'Dr / Cr' indicator, and 'Balance' with a second 'Dr / Cr' "
        "(always CR); DD-MM-YYYY; lakh grouping; a serial-number column",
        """
Sl. No.,Transaction Date,Value Date,Description,Chq / Ref No.,Amount,Dr / Cr,Balance,Dr / Cr
1,01-03-2024,01-03-2024,NEFT-ACME PVT LTD-SALARY MAR,NEFTN52024030112345,"85,000.00",CR,"1,02,345.67",CR
2,05-03-2024,05-03-2024,UPI/SWIGGY/406512345678,UPI-406512345678,450.00,DR,"1,01,895.67",CR
3,14-03-2024,14-03-2024,CHQ PAID-RENT MARCH,000457,"25,000.00",DR,"76,895.67",CR
4,20-03-2024,20-03-2024,IMPS-RAMESH KUMAR-LOAN REPAY,IMPS408812345678,"10,000.00",CR,"86,895.67",CR
5,28-03-2024,28-03-2024,ATM WDL-KOTAK ATM MG ROAD,ATM-1234,"2,000.00",DR,"84,895.67",CR
""",
        [
            ("2024-03-01", "85000.00", None),
            ("2024-03-05", "-450.00", None),
            ("2024-03-14", "-25000.00", None),
            ("2024-03-20", "10000.00", None),
            ("2024-03-28", "-2000.00", None),
        ],
        mapping={"amount": "Amount", "direction": "Dr / Cr", "description": "Description"},
    ),
    _case(
        "bbva_mx_cargo_abono.csv",
        "BBVA México 'Movimientos' export saved as CSV",
        "Spanish names Cargo (out) / Abono (in), unsigned, beside 'Saldo'; DD/MM/YYYY; "
        "'Concepto / Referencia' holding both the text and a reference",
        """
Fecha,Concepto / Referencia,Cargo,Abono,Saldo
28/03/2024,PAGO TARJETA DE CREDITO / 0012345678,"3,500.00",,"18,420.15"
22/03/2024,SPEI RECIBIDO ACME SA DE CV / 0098765432,,"15,000.00","21,920.15"
13/03/2024,CFE SUMINISTRADOR DE SERVICIOS / 0044556677,845.50,,"6,920.15"
04/03/2024,RETIRO CAJERO AUTOMATICO / 0011223344,"1,000.00",,"7,765.65"
""",
        [
            ("2024-03-28", "-3500.00", None),
            ("2024-03-22", "15000.00", None),
            ("2024-03-13", "-845.50", None),
            ("2024-03-04", "-1000.00", None),
        ],
        mapping={"booking_date": "Fecha", "debit": "Cargo", "credit": "Abono"},
    ),
    _case(
        "italian_erp_numero_documento.csv",
        "An Italian ERP's customer ledger ('partitario clienti') exported to CSV",
        "'Numero documento' (the invoice number) and 'Cliente' (the customer); 'Data "
        "registrazione' beside 'Data documento'; signed 'Importo' with decimal commas; P.IVA "
        "numbers (11 digits)",
        """
Data registrazione;Data documento;Numero documento;Cliente;Partita IVA;Descrizione;Importo
01/03/2024;29/02/2024;FT 2024/0112;Rossi Costruzioni Srl;01234567890;Fattura vendita materiali;1.220,00
05/03/2024;05/03/2024;FT 2024/0118;Bianchi & Figli Snc;09876543210;Fattura vendita servizi;3.050,50
18/03/2024;18/03/2024;NC 2024/0007;Rossi Costruzioni Srl;01234567890;Nota di credito reso;-150,00
27/03/2024;26/03/2024;FT 2024/0131;Verdi Impianti Spa;05550001112;Fattura vendita;780,00
""",
        [
            ("2024-03-01", "1220.00", None),
            ("2024-03-05", "3050.50", None),
            ("2024-03-18", "-150.00", None),
            ("2024-03-27", "780.00", None),
        ],
        mapping={
            "booking_date": "Data registrazione",
            "amount": "Importo",
            "reference": "Numero documento",
            "counterparty": "Cliente",
            "description": "Descrizione",
        },
    ),
    _case(
        "holded_es_facturas_num_cliente.csv",
        "A Spanish invoicing tool's 'Facturas' list exported to CSV",
        "'Num' (the invoice number), 'Cliente', 'NIF'; 'Total' as the only money column named "
        "by no synonym; DD/MM/YYYY; 'Estado' Pagada/Pendiente",
        """
Fecha,Num,Cliente,NIF,Concepto,Total,Estado
02/03/2024,F2024-0031,Construcciones Pérez SL,B12345678,Reforma cocina,"4.235,00",Pagada
07/03/2024,F2024-0032,Ana García López,12345678Z,Mantenimiento,"181,50",Pendiente
19/03/2024,R2024-0002,Construcciones Pérez SL,B12345678,Rectificativa F2024-0031,"-235,00",Pagada
26/03/2024,F2024-0033,Talleres Norte SA,A87654321,Instalación eléctrica,"1.089,00",Pagada
""",
        [
            ("2024-03-02", "4235.00", None),
            ("2024-03-07", "181.50", None),
            ("2024-03-19", "-235.00", None),
            ("2024-03-26", "1089.00", None),
        ],
        mapping={
            "booking_date": "Fecha",
            "amount": "Total",
            "reference": "Num",
            "counterparty": "Cliente",
        },
    ),
    _case(
        "oracle_ap_payments_parentheses.csv",
        "Oracle E-Business Suite 'Payment Register' exported to CSV",
        "DD-MON-YYYY dates in capitals (08-MAR-2024); voided payments in parentheses "
        "((1,234.56)); 'Payment Num' and 'Supplier Name'; 'Bank Account Num' of digits",
        """
Payment Date,Payment Num,Supplier Name,Supplier Site,Bank Account Num,Currency,Payment Amount,Status
01-MAR-2024,100231,GLOBAL OFFICE SUPPLY INC,HQ-DALLAS,004412345678,USD,"1,234.56",NEGOTIABLE
08-MAR-2024,100232,NORTHWIND TRADERS,MAIN,004412345678,USD,"15,980.00",NEGOTIABLE
12-MAR-2024,100231,GLOBAL OFFICE SUPPLY INC,HQ-DALLAS,004412345678,USD,"(1,234.56)",VOIDED
21-MAR-2024,100233,CONTOSO FACILITIES LLC,BRANCH-02,004412345678,USD,432.10,NEGOTIABLE
""",
        [
            ("2024-03-01", "1234.56", "USD"),
            ("2024-03-08", "15980.00", "USD"),
            ("2024-03-12", "-1234.56", "USD"),
            ("2024-03-21", "432.10", "USD"),
        ],
        mapping={
            "booking_date": "Payment Date",
            "amount": "Payment Amount",
            "reference": "Payment Num",
            "counterparty": "Supplier Name",
        },
    ),
    _case(
        "handelsbanken_se_compact_dates_unicode_minus.csv",
        "A Swedish bank's account transactions export (Handelsbanken/SEB style)",
        "YYYYMMDD dates; the minus sign U+2212 and no-break-space thousands (−1 234,50); a "
        "10-digit 'Verifikationsnummer' that reads as an integer; 'Saldo' beside 'Belopp'",
        f"""
Bokföringsdatum;Valutadatum;Verifikationsnummer;Text;Belopp;Saldo
20240301;20240301;5484381424;LÖN ACME AB;32{NBSP}500,00;45{NBSP}210,75
20240305;20240305;5484390017;ICA NÄRA;{MINUS}1{NBSP}234,50;43{NBSP}976,25
20240311;20240312;5484399936;BG 5050-1055 VATTENFALL;{MINUS}876,00;43{NBSP}100,25
20240325;20240325;5484411203;SWISH FRÅN ANNA;250,00;43{NBSP}350,25
""",
        [
            ("2024-03-01", "32500.00", None),
            ("2024-03-05", "-1234.50", None),
            ("2024-03-11", "-876.00", None),
            ("2024-03-25", "250.00", None),
        ],
        mapping={"booking_date": "Bokföringsdatum", "amount": "Belopp", "description": "Text"},
    ),
    _case(
        "vietcombank_vn_dong_dots.csv",
        "A Vietnamese bank's statement (Vietcombank style) exported to CSV",
        "Vietnamese names no synonym list holds ('Ngày giao dịch', 'Số tiền', 'Số dư'); dong "
        "without decimals and '.' thousands (1.500.000); the balance column before the amount",
        """
Ngày giao dịch,Số tham chiếu,Số dư,Số tiền,Mô tả
01/03/2024,FT24061123456,"26.500.000","25.000.000",CONG TY ACME TRA LUONG THANG 3
05/03/2024,FT24065234567,"25.000.000","-1.500.000",CHUYEN TIEN NHA THANG 3
12/03/2024,FT24072345678,"24.655.000","-345.000",THANH TOAN HOA DON DIEN EVN
25/03/2024,FT24085456789,"24.855.000","200.000",NGUYEN VAN A CHUYEN TIEN
""",
        [
            ("2024-03-01", "25000000", None),
            ("2024-03-05", "-1500000", None),
            ("2024-03-12", "-345000", None),
            ("2024-03-25", "200000", None),
        ],
        mapping={"amount": "Số tiền", "description": "Mô tả"},
    ),
    _case(
        "zkb_ch_apostrophe_two_digit_years.csv",
        "A Swiss cantonal bank's account export (ZKB style)",
        "unpadded two-digit-year dates (8.3.24); ASCII apostrophe thousands (1'250.00); "
        "'Belastung CHF' / 'Gutschrift CHF' with the currency in the name; 'Saldo CHF'",
        """
Datum;Buchungstext;Referenz;Belastung CHF;Gutschrift CHF;Valuta;Saldo CHF
1.3.24;Gutschrift ACME AG Lohn;ZKB-7720011;;7'850.00;1.3.24;12'340.55
8.3.24;Einkauf Migros Zürich;ZKB-7720345;126.40;;8.3.24;12'214.15
15.3.24;eBill Swisscom;ZKB-7721001;89.90;;15.3.24;12'124.25
27.3.24;Dauerauftrag Miete;ZKB-7721987;2'150.00;;27.3.24;9'974.25
""",
        [
            ("2024-03-01", "7850.00", "CHF"),
            ("2024-03-08", "-126.40", "CHF"),
            ("2024-03-15", "-89.90", "CHF"),
            ("2024-03-27", "-2150.00", "CHF"),
        ],
        mapping={"booking_date": "Datum", "debit": "Belastung CHF", "credit": "Gutschrift CHF"},
    ),
    _case(
        "isbank_tr_borc_alacak_tl.csv",
        "A Turkish bank's account statement (İş Bankası style) exported to CSV",
        "Turkish names Borç (out) / Alacak (in), unsigned, with 'TL' after the number; "
        "'Bakiye' (balance); DD.MM.YYYY HH:MM; 'Dekont No'",
        """
Tarih;Açıklama;Dekont No;Borç;Alacak;Bakiye
01.03.2024 09:12;MAAŞ ÖDEMESİ ACME A.Ş.;100234;;45.000,00 TL;52.310,40 TL
06.03.2024 14:30;KREDİ KARTI ÖDEMESİ;100301;7.250,00 TL;;45.060,40 TL
12.03.2024 10:05;İSKİ SU FATURASI;100355;312,75 TL;;44.747,65 TL
26.03.2024 16:48;FAST GELEN AYŞE YILMAZ;100412;;1.500,00 TL;46.247,65 TL
""",
        [
            ("2024-03-01", "45000.00", "TRY"),
            ("2024-03-06", "-7250.00", "TRY"),
            ("2024-03-12", "-312.75", "TRY"),
            ("2024-03-26", "1500.00", "TRY"),
        ],
        mapping={"booking_date": "Tarih", "debit": "Borç", "credit": "Alacak"},
    ),
    _case(
        "ccb_cn_unpadded_nian_yue_ri.csv",
        "A Chinese bank's account detail export (China Construction Bank style)",
        "UTF-8 with a BOM; unpadded 年月日 dates (2024年3月8日); unsigned 支出金额 (out) and "
        "收入金额 (in) beside 账户余额; the counterparty's name in 对方户名",
        """
\ufeff交易日期,摘要,支出金额,收入金额,账户余额,对方户名,对方账号
2024年3月1日,工资,,"12,000.00","15,230.50",上海某某科技有限公司,310066******1234
2024年3月8日,消费,258.00,,"14,972.50",美团,
2024年3月15日,转账,"3,000.00",,"11,972.50",张伟,622700******5678
2024年3月28日,利息,,12.34,"11,984.84",,
""",
        [
            ("2024-03-01", "12000.00", None),
            ("2024-03-08", "-258.00", None),
            ("2024-03-15", "-3000.00", None),
            ("2024-03-28", "12.34", None),
        ],
        mapping={"debit": "支出金额", "credit": "收入金额"},
    ),
    _case(
        "excel_sep_hint_semicolon.csv",
        "A CSV written for Excel with a 'sep=;' first line (Excel's delimiter hint)",
        "'sep=;' line above the header; decimal commas; DD.MM.YYYY",
        """
sep=;
Datum;Omschrijving;Bedrag;Saldo
01.03.2024;Salaris ACME BV;2.850,00;3.120,45
04.03.2024;Albert Heijn 1234;-56,78;3.063,67
18.03.2024;Huur maart;-1.100,00;1.963,67
""",
        [
            ("2024-03-01", "2850.00", None),
            ("2024-03-04", "-56.78", None),
            ("2024-03-18", "-1100.00", None),
        ],
        mapping={"booking_date": "Datum", "amount": "Bedrag", "description": "Omschrijving"},
    ),
    _case(
        "overdraft_headerless_balance_first.csv",
        "A UK business current account in overdraft, exported without a header",
        "no header; the running balance (negative: overdrawn) comes before the signed amount, "
        "both with pence on every row; DD/MM/YYYY",
        """
02/03/2024,-1250.40,-1250.40,CARD PAYMENT OFFICE DEPOT
05/03/2024,-1310.15,-59.75,DIRECT DEBIT BT BUSINESS
11/03/2024,1189.85,2500.00,FASTER PAYMENT ACME LTD INV 2231
19/03/2024,-10.15,-1200.00,RENT MARCH UNIT 4
27/03/2024,-45.15,-35.00,OVERDRAFT ARRANGEMENT FEE
""",
        [
            ("2024-03-02", "-1250.40", None),
            ("2024-03-05", "-59.75", None),
            ("2024-03-11", "2500.00", None),
            ("2024-03-19", "-1200.00", None),
            ("2024-03-27", "-35.00", None),
        ],
        mapping={"booking_date": "column_1", "amount": "column_3", "description": "column_4"},
    ),
    _case(
        "headerless_pair_no_balance.csv",
        "A statement table saved as CSV without its header (two unsigned amount columns)",
        "no header; two unsigned money columns filled in turn and no running balance: which "
        "one is money out cannot be read from the file, so preflight must ask",
        """
01/03/2024,Transfer from ACME Ltd,,1500.00
04/03/2024,Card payment Tesco,45.60,
12/03/2024,Direct debit Octopus,96.00,
21/03/2024,Refund Amazon,,19.99
""",
        [
            ("2024-03-01", "1500.00", None),
            ("2024-03-04", "-45.60", None),
            ("2024-03-12", "-96.00", None),
            ("2024-03-21", "19.99", None),
        ],
        ask={"debit": "column_3", "credit": "column_4"},
    ),
    _case(
        "report_writer_pair_unknown_names.csv",
        "A custom ERP report (report writer) with money columns named only by position",
        "two unsigned money columns 'Amount 1' / 'Amount 2' filled in turn, no balance: "
        "preflight must ask which is money out",
        """
Posting Date,Doc No,Account Name,Amount 1,Amount 2
2024-03-01,JV-1001,Receivables clearing,,2400.00
2024-03-03,JV-1002,Office rent,1800.00,
2024-03-09,JV-1003,Utilities,212.35,
2024-03-20,JV-1004,Customer receipt,,980.00
""",
        [
            ("2024-03-01", "2400.00", None),
            ("2024-03-03", "-1800.00", None),
            ("2024-03-09", "-212.35", None),
            ("2024-03-20", "980.00", None),
        ],
        ask={"debit": "Amount 1", "credit": "Amount 2"},
    ),
]


MT942 = """
:20:MT942-20240315
:25:DE89370400440532013000
:28C:00072/001
:34F:EURD0,
:34F:EURC0,
:13D:2403151030+0100
:61:2403150315C1500,00NTRFNONREF//B4C15-0001
:86:166?00GUTSCHRIFT?20RE 2024-031?32ACME GMBH
:61:2403150315D250,50NDDTNONREF//B4C15-0002
:86:105?00LASTSCHRIFT?20STROM 03/2024?32STADTWERKE
:90D:1EUR250,50
:90C:1EUR1500,00
-
"""

BAI2_TWO_ACCOUNTS = """
01,122000661,ACMECORP,240401,0600,1,80,,2/
02,ACMECORP,122000661,1,240331,2400,USD,2/
03,123456789,USD,010,500000,,,015,631545,,/
16,195,250000,S,250000,0,0,REF001,INV-1001,INCOMING WIRE ACME/
88,ORIGINATOR BANK OF NOWHERE
16,475,123455,0,CHK1043,1043,CHECK PAID/
16,301,10000,V,240329,1200,DEP77,,DEPOSIT/
16,699,5000,Z,FEE1,,ACCOUNT ANALYSIS FEE/
49,1520000,7/
03,987654321,USD,010,100000,,,015,90000,,/
16,475,10000,0,CHK2001,2001,CHECK PAID/
49,200000,3/
98,1720000,2,12/
99,1720000,1,14/
"""

OFX_TWO_ACCOUNTS = """OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240401<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1>
<STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000248<ACCTID>1111<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20240301<DTEND>20240331
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240305<TRNAMT>-64.20<FITID>C1<NAME>PG&amp;E WEB PAYMENT</STMTTRN>
<STMTTRN><TRNTYPE>XFER<DTPOSTED>20240310<TRNAMT>-500.00<FITID>C2<NAME>TRANSFER TO SAVINGS</STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT>1935.80<DTASOF>20240331</LEDGERBAL>
</STMTRS></STMTTRNRS>
<STMTTRNRS><TRNUID>2<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000248<ACCTID>2222<ACCTTYPE>SAVINGS</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20240301<DTEND>20240331
<STMTTRN><TRNTYPE>XFER<DTPOSTED>20240310<TRNAMT>500.00<FITID>S1<NAME>TRANSFER FROM CHECKING</STMTTRN>
<STMTTRN><TRNTYPE>INT<DTPOSTED>20240331<TRNAMT>1.27<FITID>S2<NAME>INTEREST PAID</STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT>6501.27<DTASOF>20240331</LEDGERBAL>
</STMTRS></STMTTRNRS>
</BANKMSGSRSV1>
</OFX>
"""

STATEMENT_SHAPE_CASES: list[Case] = [
    _case(
        "mt942_interim_floor_limits.sta",
        "A German bank's MT942 interim transaction report (intraday)",
        "two ':34F:' floor limits (debit and credit), ':13D:' date-time with an offset, ?NN "
        "sub-fields in ':86:', ':90D:'/':90C:' counts and sums; no balances",
        MT942,
        [("2024-03-15", "1500.00", "EUR"), ("2024-03-15", "-250.50", "EUR")],
        newline="\r\n",
    ),
    _case(
        "bai2_two_accounts_funds_types.bai",
        "A US bank's BAI2 prior-day file with two accounts",
        "funds types S (three availability amounts), V (value date and time), 0 and Z in the "
        "16 records; an 88 continuation; two accounts with their own 49 trailers",
        BAI2_TWO_ACCOUNTS,
        [
            ("2024-03-31", "2500.00", "USD"),
            ("2024-03-31", "-1234.55", "USD"),
            ("2024-03-31", "100.00", "USD"),
            ("2024-03-31", "-50.00", "USD"),
            ("2024-03-31", "-100.00", "USD"),
        ],
    ),
    _case(
        "ofx1_two_accounts.qfx",
        "A US bank's QFX (OFX 1.02 SGML) download of checking and savings together",
        "two STMTTRNRS in one file; leaf tags never closed; an escaped '&amp;' in a name",
        OFX_TWO_ACCOUNTS,
        [
            ("2024-03-05", "-64.20", "USD"),
            ("2024-03-10", "-500.00", "USD"),
            ("2024-03-10", "500.00", "USD"),
            ("2024-03-31", "1.27", "USD"),
        ],
        newline="\r\n",
    ),
]


def _saved(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _hidden_first_sheet_workbook() -> bytes:
    """A workbook whose first sheet is a hidden lookup table of dated rates."""
    from openpyxl import Workbook

    workbook = Workbook()
    rates = workbook.active
    rates.title = "Rates"
    rates.append(["Date", "Currency", "Rate"])
    for day in range(1, 21):
        rates.append([date(2024, 2, day), "EUR", 0.92 + day / 1000])
    rates.sheet_state = "hidden"
    sheet = workbook.create_sheet("Statement")
    sheet.append(["Date", "Description", "Amount", "Currency"])
    sheet.append([date(2024, 3, 4), "Client payment INV-77", 1840.0, "EUR"])
    sheet.append([date(2024, 3, 9), "Hosting March", -49.99, "EUR"])
    sheet.append([date(2024, 3, 22), "Contractor fee", -600.0, "EUR"])
    workbook.active = 1
    return _saved(workbook)


def _subtotals_workbook() -> bytes:
    """An online bank's Excel report: a merged title, blank rows where the logo sits, rows grouped
    by month with a subtotal after each group and a grand total."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Report"
    sheet.append(["First Coastal Bank - Account Activity Report"])
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append([])
    sheet.append(["Account:", "Business Checking ****4821"])
    sheet.append(["Generated:", datetime(2024, 4, 2, 9, 30)])
    sheet.append([])
    sheet.append(["Date", "Description", "Reference", "Debit", "Credit"])
    sheet.append([date(2024, 2, 27), "ACH CREDIT STRIPE PAYOUT", "ST-8812", None, 3120.45])
    sheet.append([date(2024, 2, 29), "WIRE OUT NORTHWIND", "WO-1201", 1500.0, None])
    sheet.append([None, "Subtotal February 2024", None, 1500.0, 3120.45])
    sheet.append([date(2024, 3, 4), "CHECK 2231", "2231", 780.0, None])
    sheet.append([date(2024, 3, 15), "ACH CREDIT SQUARE INC", "SQ-5521", None, 912.3])
    sheet.append([date(2024, 3, 29), "MONTHLY SERVICE FEE", "FEE", 15.0, None])
    sheet.append([None, "Subtotal March 2024", None, 795.0, 912.3])
    sheet.append([])
    sheet.append([None, "Total", None, 2295.0, 4032.75])
    sheet["D8"].number_format = "#,##0.00;(#,##0.00)"
    return _saved(workbook)


def _text_cells_workbook() -> bytes:
    """SAP list output exported to XLSX: every cell text, amounts with a trailing minus."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(["Posting Date", "Document Number", "Amount in LC", "LCurr", "Text"])
    sheet.append(["01.03.2024", "5100000011", "2.400,00", "EUR", "Customer receipt 4711"])
    sheet.append(["06.03.2024", "1500000020", "1.180,25-", "EUR", "Vendor payment 88"])
    sheet.append(["19.03.2024", "1500000021", "64,00-", "EUR", "Bank charges"])
    sheet.append(["28.03.2024", "5100000012", "310,10", "EUR", "Customer receipt 4712"])
    return _saved(workbook)


# (name, origin, quirks, records, builder)
XLSX_SHAPE_CASES = [
    (
        "xlsx_hidden_first_sheet.xlsx",
        "A finance team's workbook with a hidden lookup sheet before the statement",
        "the first sheet is hidden and holds a dated table of rates (dates and numbers on every "
        "row); the visible, active sheet is the statement",
        [
            ("2024-03-04", "1840.00", "EUR"),
            ("2024-03-09", "-49.99", "EUR"),
            ("2024-03-22", "-600.00", "EUR"),
        ],
        _hidden_first_sheet_workbook,
    ),
    (
        "xlsx_title_subtotals_total.xlsx",
        "A US business bank's 'Account Activity' Excel report",
        "merged title row, blank rows where the logo sits, 'Account:'/'Generated:' lines; "
        "Debit/Credit; a subtotal row after each month and a grand total row (no date)",
        [
            ("2024-02-27", "3120.45", None),
            ("2024-02-29", "-1500.00", None),
            ("2024-03-04", "-780.00", None),
            ("2024-03-15", "912.30", None),
            ("2024-03-29", "-15.00", None),
        ],
        _subtotals_workbook,
    ),
    (
        "xlsx_sap_text_cells_trailing_minus.xlsx",
        "SAP list output exported to XLSX ('Spreadsheet' from an ALV grid)",
        "every cell is text: DD.MM.YYYY dates, amounts with decimal commas and a trailing minus",
        [
            ("2024-03-01", "2400.00", "EUR"),
            ("2024-03-06", "-1180.25", "EUR"),
            ("2024-03-19", "-64.00", "EUR"),
            ("2024-03-28", "310.10", "EUR"),
        ],
        _text_cells_workbook,
    ),
]
