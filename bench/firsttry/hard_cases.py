"""Harder first-try exports: layouts that break naive readers, each modelled on a real format.

Every case names the export it reproduces and the quirks that make it hard (report tools' title
blocks and total rows, list printouts with rule lines and repeated page headers, amounts carrying
their sign or currency as text, dates as spreadsheet serials or month names, statement formats'
optional structures). ``write_corpus`` writes them with the rest of the corpus; the records are
what a correct load stores: (booking date, signed amount, currency or None when the file does not
say it).
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from bench.firsttry.write_corpus import NBSP, Case, _case

RSQUO = "\u2019"  # typographic apostrophe

HARD_CASES: list[Case] = [
    _case(
        "sap_alv_list_pipes.txt",
        "SAP GUI list export (FBL3N/FBL5N 'Local file > unconverted'), German locale",
        "a page title and date above the table; '|' at both ends of every row; dashed rule lines; "
        "padded cells; trailing minus for credits (254,10-); a '*' total row at the end",
        """
12.03.2024                 Dynamische Listenausgabe                         1

 Sachkonto           113100
 Buchungskreis       1000
------------------------------------------------------------------------------
|  Zuordnung  |Belegnr   |Buch.dat. |   Betrag in HW|HWäh|Text              |
------------------------------------------------------------------------------
|  4711       |1400000123|01.03.2024|       1.500,00|EUR |Rechnung 4711     |
|  4712       |1400000124|04.03.2024|         254,10-|EUR |Gutschrift 4712   |
|  4713       |1400000125|11.03.2024|      12.004,90|EUR |Rechnung 4713     |
------------------------------------------------------------------------------
|*            |          |          |      13.250,80|EUR |                  |
------------------------------------------------------------------------------
""",
        [
            ("2024-03-01", "1500.00", "EUR"),
            ("2024-03-04", "-254.10", "EUR"),
            ("2024-03-11", "12004.90", "EUR"),
        ],
        encoding="cp1252",
    ),
    _case(
        "westpac_au_cr_dr_suffix.csv",
        "A card or loan statement CSV (Australian and Indian banks) with CR/DR after the amount",
        "one unsigned Amount column whose sign is a CR/DR suffix in the cell; thousands commas; "
        "DD/MM/YYYY with every day <= 12 in some rows; a closing balance row below the data",
        """
Date,Narrative,Amount,Balance
03/01/2024,OPENING DEPOSIT,"2,500.00 CR","2,500.00 CR"
05/01/2024,WOOLWORTHS 1234 SYDNEY,45.10 DR,"2,454.90 CR"
17/01/2024,SALARY ACME PTY LTD,"3,100.00 CR","5,554.90 CR"
28/01/2024,RENT BPAY,"1,850.00 DR","3,704.90 CR"
,Closing balance,,"3,704.90 CR"
""",
        [
            ("2024-01-03", "2500.00", None),
            ("2024-01-05", "-45.10", None),
            ("2024-01-17", "3100.00", None),
            ("2024-01-28", "-1850.00", None),
        ],
    ),
    _case(
        "xero_account_transactions.csv",
        "Xero 'Account Transactions' report exported to CSV",
        "three title lines and a blank line; a section row naming the account; negatives in "
        "parentheses with a currency symbol ($1,234.56); 'Total' and 'Closing Balance' rows; "
        "dates like '01 Mar 2024'",
        """
Account Transactions
Demo Company (US)
For the period 1 March 2024 to 31 March 2024

Date,Source,Description,Reference,Debit,Credit,Gross
Business Bank Account,,,,,,
01 Mar 2024,Receive Money,Ridgeway University,INV-0041,"$6,187.50",,"$6,187.50"
04 Mar 2024,Spend Money,Melrose Parking,,,$15.00,($15.00)
19 Mar 2024,Spend Money,PowerDirect,DD,,$108.60,($108.60)
Total Business Bank Account,,,,"$6,187.50",$123.60,"$6,063.90"
""",
        [
            ("2024-03-01", "6187.50", "USD"),
            ("2024-03-04", "-15.00", "USD"),
            ("2024-03-19", "-108.60", "USD"),
        ],
    ),
    _case(
        "raiffeisen_ch_typographic_apostrophe.csv",
        "A Swiss bank's e-banking CSV (typographic apostrophe as thousands separator)",
        "U+2019 thousands (1\u2019234.56) as Excel writes Swiss numbers; two-digit years DD.MM.YY; "
        "IBAN and period on key;value lines above the header",
        f"""
IBAN;CH93 0076 2011 6238 5295 7
Zeitraum;01.02.24 - 29.02.24
Währung;CHF

Buchungsdatum;Valuta;Buchungstext;Betrag;Saldo
01.02.24;01.02.24;Gutschrift Müller AG;12{RSQUO}400.00;15{RSQUO}120.55
07.02.24;07.02.24;Zahlung Swisscom;-89.90;15{RSQUO}030.65
26.02.24;25.02.24;Miete Februar;-2{RSQUO}150.00;12{RSQUO}880.65
""",
        [
            ("2024-02-01", "12400.00", "CHF"),
            ("2024-02-07", "-89.90", "CHF"),
            ("2024-02-26", "-2150.00", "CHF"),
        ],
    ),
    _case(
        "credit_agricole_fr_nbsp.csv",
        "A French bank's CSV download (Crédit Agricole / BNP style), cp1252",
        "cp1252 with accents in the header; 'Débit euros' / 'Crédit euros' split; no-break and "
        "no-break spaces (0xA0) as thousands separators; '€' inside the cell; quoted labels with "
        "a line break inside; a balance line and a blank line above the header",
        f"""
Téléchargement du 15/03/2024;;;;
Solde au 14/03/2024;8{NBSP}254,10 €;;;

Date;Libellé;Débit euros;Crédit euros;
01/03/2024;"VIR SEPA RECU
DE: SARL DUPONT";;2{NBSP}500,00 €;
05/03/2024;"PRLV SEPA EDF";78,45 €;;
12/03/2024;"CB CARREFOUR 11/03";1{NBSP}023,18 €;;
""",
        [
            ("2024-03-01", "2500.00", "EUR"),
            ("2024-03-05", "-78.45", "EUR"),
            ("2024-03-12", "-1023.18", "EUR"),
        ],
        encoding="cp1252",
        newline="\r\n",
    ),
    _case(
        "santander_es_month_names.csv",
        "A Spanish bank's movements export (Santander / BBVA style)",
        "Spanish month abbreviations with a dot (02 ene. 2024, 14 ago. 2024, 20 dic. 2024); "
        "amount with the currency code in the cell ('-1.234,56 EUR'); ';' delimited",
        """
Fecha operación;Concepto;Importe;Saldo
02 ene. 2024;Nómina Enero;2.350,00 EUR;5.120,35 EUR
14 ago. 2024;Recibo Iberdrola;-64,12 EUR;5.056,23 EUR
20 dic. 2024;Transferencia a J. García;-1.234,56 EUR;3.821,67 EUR
""",
        [
            ("2024-01-02", "2350.00", "EUR"),
            ("2024-08-14", "-64.12", "EUR"),
            ("2024-12-20", "-1234.56", "EUR"),
        ],
    ),
    _case(
        "intesa_it_month_names.csv",
        "An Italian bank's movements export (long Italian month names)",
        "full Italian month names (3 gennaio 2024, 15 settembre 2024, 2 dicembre 2024); "
        "Entrate / Uscite split with the expense already negative",
        """
Data;Descrizione;Entrate;Uscite
3 gennaio 2024;Bonifico da Rossi Srl;1.200,00;
15 settembre 2024;Pagamento POS Esselunga;;-56,30
2 dicembre 2024;Addebito SDD Enel;;-88,00
""",
        [
            ("2024-01-03", "1200.00", None),
            ("2024-09-15", "-56.30", None),
            ("2024-12-02", "-88.00", None),
        ],
    ),
    _case(
        "excel_saved_csv_serial_dates.csv",
        "A ledger saved as CSV from Excel where the date column was formatted 'General'",
        "dates written as Excel serial day numbers (45352); a Posting Date column and a "
        "Document Date column; amounts with a thousands comma",
        """
Document No,Posting Date,Document Date,Customer,Amount
SI-1001,45352,45350,Acme Ltd,"1,250.00"
SI-1002,45355,45352,Globex,-310.40
SI-1003,45366,45366,Initech,"12,000.00"
""",
        [
            ("2024-03-01", "1250.00", None),
            ("2024-03-04", "-310.40", None),
            ("2024-03-15", "12000.00", None),
        ],
    ),
    _case(
        "shopify_payouts_iso_offsets.csv",
        "Shopify Payments transactions export / Adyen-style timestamps",
        "ISO 8601 timestamps with milliseconds and zone offsets (Z and -05:00); an evening UTC-5 "
        "time stays on its local date; Fee and Net beside Amount; lower-case currency",
        """
Transaction Date,Type,Order,Card Brand,Payout Status,Payout Date,Amount,Fee,Net,Currency
2024-03-14T23:41:07.123-05:00,charge,#1041,visa,paid,2024-03-18,59.00,2.01,56.99,usd
2024-03-15T08:00:00Z,charge,#1042,master,paid,2024-03-18,120.00,3.78,116.22,usd
2024-03-16T12:30:59+01:00,refund,#1038,visa,paid,2024-03-18,-20.00,0.00,-20.00,usd
""",
        [
            ("2024-03-14", "59.00", "USD"),
            ("2024-03-15", "120.00", "USD"),
            ("2024-03-16", "-20.00", "USD"),
        ],
    ),
    _case(
        "us_credit_union_two_digit_years.csv",
        "A US credit union's CSV (M/D/YY without padding)",
        "unpadded month/day and two-digit years (3/5/24, 12/14/24) that only the values "
        "decide as month-first; Debit and Credit columns with the debit already negative",
        """
Transaction Date,Description,Debit,Credit
3/5/24,POS PURCHASE TARGET,-54.12,
3/14/24,PAYROLL ACME,,1850.00
12/14/24,ATM WITHDRAWAL,-100.00,
""",
        [
            ("2024-03-05", "-54.12", None),
            ("2024-03-14", "1850.00", None),
            ("2024-12-14", "-100.00", None),
        ],
    ),
    _case(
        "utf16_quoted_preamble.csv",
        "A Windows accounting tool's 'Unicode CSV' (UTF-16 LE with BOM), comma-delimited",
        "UTF-16 with a BOM; a report title and a run date above the header; quoted fields "
        "with commas inside; a 'Total' row below the data",
        """
"Bank Register - Operating Account"
"Printed 2024-04-02"
"Date","Num","Payee","Memo","Amount"
"2024-03-01","1043","Smith, Jones & Co","Invoice 77, part 1","-1,200.00"
"2024-03-08","","Deposit","Customer payments","4,310.25"
"2024-03-22","1044","O'Brien Supplies","Paper, toner","-87.10"
"","","","Total","3,023.15"
""",
        [
            ("2024-03-01", "-1200.00", None),
            ("2024-03-08", "4310.25", None),
            ("2024-03-22", "-87.10", None),
        ],
        encoding="utf-16",
        newline="\r\n",
    ),
    _case(
        "printed_statement_page_breaks.csv",
        "A bank's 'print view' saved as CSV: every page repeats the header",
        "the header repeated mid-file after 'Page 2 of 2'; a 'Balance carried forward' row "
        "at each page break; signed amounts",
        """
Statement of account 12-3456-7890123-00
Page 1 of 2
Date,Details,Amount,Balance
02/04/2024,EFTPOS COUNTDOWN,-62.35,"1,937.65"
05/04/2024,SALARY,"3,200.00","5,137.65"
,Balance carried forward,,"5,137.65"
Page 2 of 2
Date,Details,Amount,Balance
,Balance brought forward,,"5,137.65"
19/04/2024,AUTOMATIC PAYMENT RENT,"-1,600.00","3,537.65"
29/04/2024,INTEREST,1.12,"3,538.77"
""",
        [
            ("2024-04-02", "-62.35", None),
            ("2024-04-05", "3200.00", None),
            ("2024-04-19", "-1600.00", None),
            ("2024-04-29", "1.12", None),
        ],
    ),
    _case(
        "mbank_pl_hash_header.csv",
        "mBank (Poland) operations history CSV, cp1250",
        "cp1250 (ą ę ł ż); key/value preamble; header cells start with '#'; amounts with space "
        "thousands and the code in the cell ('-1 234,56 PLN'); a '#Saldo końcowe' footer",
        """
mBank S.A. Bankowość Detaliczna;
Skrytka Pocztowa 2108;
#Za okres:;
01.03.2024;31.03.2024;

#Data operacji;#Opis operacji;#Rachunek;#Kategoria;#Kwota;
2024-03-01;"PRZELEW PRZYCHODZĄCY WYNAGRODZENIE";eKonto 1234;Wpływy;8 450,00 PLN;
2024-03-04;"ZAKUP PRZY UŻYCIU KARTY ŻABKA";eKonto 1234;Jedzenie;-23,49 PLN;
2024-03-10;"PRZELEW WYCHODZĄCY CZYNSZ";eKonto 1234;Dom;-2 100,00 PLN;

#Saldo końcowe;6 326,51 PLN;
""",
        [
            ("2024-03-01", "8450.00", "PLN"),
            ("2024-03-04", "-23.49", "PLN"),
            ("2024-03-10", "-2100.00", "PLN"),
        ],
        encoding="cp1250",
    ),
    _case(
        "nordea_fi_tab_plus_sign.txt",
        "A Finnish bank's account transactions (Nordea-style), tab-delimited",
        "tab delimiter; Finnish header words; explicit '+' on credits with comma decimals; "
        "an empty spacer column between every two values",
        """
Kirjauspäivä\t\tMäärä\t\tMaksaja\t\tMaksunsaaja\t\tNimi\t\tOtsikko
14.03.2024\t\t+1250,00\t\tACME OY\t\t\t\tACME OY\t\tPalkka
15.03.2024\t\t-42,90\t\t\t\tK-MARKET\t\tK-MARKET\t\tKorttiosto
20.03.2024\t\t-1350,00\t\t\t\tVUOKRANANTAJA\t\tVUOKRANANTAJA\t\tVuokra
""",
        [
            ("2024-03-14", "1250.00", None),
            ("2024-03-15", "-42.90", None),
            ("2024-03-20", "-1350.00", None),
        ],
    ),
]

STATEMENT_HARD_CASES: list[Case] = [
    _case(
        "mt940_swift_envelope_free_86.sta",
        "An MT940 received over SWIFT FIN (block envelope) from a UK/Nordic bank",
        "{1:}{2:}{4: block envelope and '-}' trailer; ':61:' with a supplementary-details second "
        "line; ':86:' free text over several lines without '?NN' or '/' structure; a '/'-keyed "
        ":86: in another entry; ':64:' and ':65:' balances",
        """
{1:F01ABNANL2AXXXX0000000000}{2:O9401200240315NDEAFIHHXXXX00000000002403151200N}{4:
:20:940S240315
:25:FI4950009420028730
:28C:00075/00001
:60F:C240314EUR10000,00
:61:2403150315C1250,00NTRFNONREF//FI240315AB12
INVOICE 2024-117
:86:ACME OY
PAYMENT FOR INVOICE 2024-117
REF 00000 12345
:61:2403150315D42,90NMSCNONREF
:86:/PURP/CARD/NAME/K-MARKET/REMI/CARD PURCHASE 14.03
:62F:C240315EUR11207,10
:64:C240315EUR11207,10
:65:C240318EUR11207,10
-}
""",
        [("2024-03-15", "1250.00", "EUR"), ("2024-03-15", "-42.90", "EUR")],
        newline="\r\n",
    ),
    _case(
        "bai2_continuation_records.bai",
        "A US bank's BAI2 prior-day file (lockbox and wire detail)",
        "'88' continuation records carrying the rest of a '16' detail's text and of a '03' "
        "account summary; a '16' with funds type V (value date and time); a '16' with funds "
        "type S (three availability amounts); trailers with record counts",
        """
01,121000358,PAYERCO,240315,0600,1,,,2/
02,PAYERCO,121000358,1,240314,2400,USD,2/
03,0975312468,USD,010,1523478,,,015,1603321,,/
88,100,125000,2,,400,45157,1,/
16,195,75000,Z,FW240314001,WIRE123,/
88,INCOMING WIRE ACME CORP
88,ORIGINATOR REF INV 5501
16,115,50000,V,240315,1200,LB240314,LBX77,/
88,LOCKBOX DEPOSIT
16,475,45157,S,0,45157,0,CHK1043,1043,/
88,CHECK PAID 1043
49,3467113,10/
98,3467113,1,12/
99,3467113,1,14/
""",
        [
            ("2024-03-14", "750.00", "USD"),
            ("2024-03-14", "500.00", "USD"),
            ("2024-03-14", "-451.57", "USD"),
        ],
    ),
    _case(
        "ofx1_creditcard_comma_decimals.ofx",
        "A European bank's OFX 1.0.2 credit-card download (SGML)",
        "credit-card statement (CREDITCARDMSGSRSV1/CCSTMTRS); comma decimal separator in TRNAMT "
        "as some European banks write it; an unescaped '&' in NAME; the whole body on one line",
        """
OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240331<LANGUAGE>FRA</SONRS></SIGNONMSGSRSV1><CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>0<STATUS><CODE>0<SEVERITY>INFO</STATUS><CCSTMTRS><CURDEF>EUR<CCACCTFROM><ACCTID>4970XXXXXXXX1234</CCACCTFROM><BANKTRANLIST><DTSTART>20240301<DTEND>20240331<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240305<TRNAMT>-24,99<FITID>CB0305A<NAME>M&S FOOD PARIS</STMTTRN><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240320<TRNAMT>150,00<FITID>CB0320B<NAME>REMBOURSEMENT</STMTTRN></BANKTRANLIST><LEDGERBAL><BALAMT>-312,45<DTASOF>20240331</LEDGERBAL></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>
""",
        [("2024-03-05", "-24.99", "EUR"), ("2024-03-20", "150.00", "EUR")],
        newline="\r\n",
    ),
    _case(
        "camt054_batch_booking.xml",
        "A SEPA direct-debit batch booked as one entry (CAMT.054, batch booking true)",
        "one Ntry with Btch/NbOfTxs=3 and three TxDtls that add up to it (one record per "
        "collection); a second entry without details; camt.054.001.08 party shapes (Pty/Nm)",
        """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
<BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>N240315</MsgId><CreDtTm>2024-03-15T18:00:00+01:00</CreDtTm></GrpHdr>
<Ntfctn><Id>N240315-1</Id><CreDtTm>2024-03-15T18:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><NtryRef>1</NtryRef><Amt Ccy="EUR">180.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2024-03-15</Dt></BookgDt><ValDt><Dt>2024-03-15</Dt></ValDt><AcctSvcrRef>B-77</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd><SubFmlyCd>BBDD</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><Btch><PmtInfId>SDD-2024-03</PmtInfId><NbOfTxs>3</NbOfTxs><TtlAmt Ccy="EUR">180.00</TtlAmt><CdtDbtInd>CRDT</CdtDbtInd></Btch>
<TxDtls><Refs><EndToEndId>M-1001</EndToEndId></Refs><Amt Ccy="EUR">50.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<RltdPties><Dbtr><Pty><Nm>Anna Schmidt</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>Beitrag März</Ustrd></RmtInf></TxDtls>
<TxDtls><Refs><EndToEndId>M-1002</EndToEndId></Refs><Amt Ccy="EUR">50.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<RltdPties><Dbtr><Pty><Nm>Ben Meyer</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>Beitrag März</Ustrd></RmtInf></TxDtls>
<TxDtls><Refs><EndToEndId>M-1003</EndToEndId></Refs><Amt Ccy="EUR">80.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<RltdPties><Dbtr><Pty><Nm>Cara Vogel</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>Beitrag März Familie</Ustrd></RmtInf></TxDtls>
</NtryDtls></Ntry>
<Ntry><NtryRef>2</NtryRef><Amt Ccy="EUR">4.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2024-03-15</Dt></BookgDt><ValDt><Dt>2024-03-15</Dt></ValDt><AcctSvcrRef>B-78</AcctSvcrRef>
<AddtlNtryInf>Entgelt Lastschrifteinzug</AddtlNtryInf></Ntry>
</Ntfctn>
</BkToCstmrDbtCdtNtfctn>
</Document>
""",
        [
            ("2024-03-15", "50.00", "EUR"),
            ("2024-03-15", "50.00", "EUR"),
            ("2024-03-15", "80.00", "EUR"),
            ("2024-03-15", "-4.50", "EUR"),
        ],
    ),
]


def _saved(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _merged_header_workbook() -> bytes:
    """A bank's Excel download: title block, a two-row header whose top cell spans two columns."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Umsätze"
    sheet.append(["Kontoauszug"])
    sheet.append(["Zeitraum", "01.03.2024 - 31.03.2024"])
    sheet.append(["Kontonummer", "DE02120300000000202051"])
    sheet.append([])
    sheet.append(["Buchungstag", "Verwendungszweck", "Betrag (EUR)", None, "Saldo"])
    sheet.append([None, None, "Soll", "Haben", None])
    sheet.merge_cells("C5:D5")
    sheet.append([datetime(2024, 3, 1, 9, 30), "Gehalt März", None, 3200, 4100.55])
    sheet.append([datetime(2024, 3, 5, 0, 0), "Lastschrift Telekom", 39.95, None, 4060.6])
    sheet.append([datetime(2024, 3, 28, 16, 5), "Miete", 1250, None, 2810.6])
    sheet.append([None, "Summe", 1289.95, 3200, None])
    return _saved(workbook)


def _summary_first_workbook() -> bytes:
    """A processor's report workbook: a summary sheet first, the transactions on the second."""
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary.append(["Settlement report"])
    summary.append(["Merchant", "ACME Online Ltd"])
    summary.append(["Period", "March 2024"])
    summary.append(["Gross sales", 2540.0])
    summary.append(["Fees", -76.2])
    summary.append(["Net", 2463.8])
    details = workbook.create_sheet("Transactions")
    details.append(["Settlement date", "Reference", "Type", "Gross", "Fee", "Net", "Currency"])
    details.append([date(2024, 3, 4), "PSP-881", "Sale", 1200.0, -36.0, 1164.0, "GBP"])
    details.append([date(2024, 3, 11), "PSP-882", "Sale", 1340.0, -40.2, 1299.8, "GBP"])
    details.append([date(2024, 3, 18), "PSP-883", "Refund", -200.0, 0.0, -200.0, "GBP"])
    return _saved(workbook)


# (name, origin, quirks, records, builder)
XLSX_HARD_CASES = [
    (
        "bank_xlsx_merged_two_row_header.xlsx",
        "A German bank's Excel download with a two-row header",
        "title block; 'Betrag (EUR)' merged across the Soll/Haben sub-header below it; datetime "
        "cells with a time of day; a 'Summe' total row",
        [
            ("2024-03-01", "3200.00", "EUR"),
            ("2024-03-05", "-39.95", "EUR"),
            ("2024-03-28", "-1250.00", "EUR"),
        ],
        _merged_header_workbook,
    ),
    (
        "psp_settlement_summary_sheet_first.xlsx",
        "A payment processor's settlement workbook (summary sheet before the details)",
        "first sheet is a key/value summary; the transactions table is on the second sheet; "
        "Gross, Fee and Net columns",
        [
            ("2024-03-04", "1200.00", "GBP"),
            ("2024-03-11", "1340.00", "GBP"),
            ("2024-03-18", "-200.00", "GBP"),
        ],
        _summary_first_workbook,
    ),
]
