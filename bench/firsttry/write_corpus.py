"""Write the first-try corpus: exports that reproduce documented quirks of real banks and tools.

Each case is the bytes a user would get from that bank or tool (the quirk it reproduces named next
to it) and the records a correct load stores: (booking date, signed amount, currency or None when
the file does not say). ``python -m bench.firsttry.write_corpus`` rewrites ``corpus/``; the files are
committed, so the benchmark reads exactly what is in the repository.
"""

from __future__ import annotations

import codecs
import io
import json
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
RLM = "\u200f"
LRM = "\u200e"
NBSP = "\u00a0"
NNBSP = "\u202f"
DINAR = "\u062f.\u0627."  # the Jordanian dinar's abbreviation, written right to left


@dataclass(frozen=True)
class Case:
    name: str
    origin: str
    quirks: str
    text: str
    records: list[tuple[str, str, str | None]]
    encoding: str = "utf-8"
    newline: str = "\n"
    # Columns detection must map (field -> column) and the encoding it must choose, where stated.
    mapping: dict[str, str] | None = None
    expect_encoding: str | None = None
    # For a file no detection can settle: the columns the user names when preflight asks.
    ask: dict[str, str] | None = None

    def data(self) -> bytes:
        text = self.text.replace("\n", self.newline)
        if self.encoding == "utf-8-sig":
            return codecs.BOM_UTF8 + text.encode("utf-8")
        if self.encoding == "utf-16":
            return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        return text.encode(self.encoding)


def _case(name: str, origin: str, quirks: str, text: str, records, **kw) -> Case:  # type: ignore[no-untyped-def]
    return Case(name, origin, quirks, text.lstrip("\n"), records, **kw)


CASES: list[Case] = [
    _case(
        "stripe_payments_us.csv",
        "Stripe, payments export (API column names)",
        "empty dispute_date column named like a date; card_funding holds 'credit'/'debit' "
        "(not a sign); lower-case currency; created with a time",
        """
id,created,amount,amount_refunded,currency,captured,description,fee,status,card_funding,card_brand,dispute_date,customer_email
ch_3OaA1,2024-03-01 10:12:44,49.00,0.00,usd,true,Order 1001,1.72,Paid,credit,Visa,,a@example.com
ch_3OaA2,2024-03-02 14:01:03,120.50,0.00,usd,true,Order 1002,3.79,Paid,debit,Mastercard,,b@example.com
ch_3OaA3,2024-03-13 09:30:00,15.00,15.00,usd,true,Order 1003,0.74,Refunded,credit,Visa,,c@example.com
ch_3OaA4,2024-03-14 18:45:10,7.25,0.00,usd,true,Order 1004,0.51,Paid,prepaid,Visa,,d@example.com
""",
        [
            ("2024-03-01", "49.00", "USD"),
            ("2024-03-02", "120.50", "USD"),
            ("2024-03-13", "15.00", "USD"),
            ("2024-03-14", "7.25", "USD"),
        ],
    ),
    _case(
        "stripe_balance_history.csv",
        "Stripe, balance history export (dashboard column names)",
        "'Transfer Date (UTC)' empty in every row beside the real 'Created (UTC)'; '(UTC)' is "
        "not a currency; Fee and Net next to Amount",
        """
id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description,Transfer,Transfer Date (UTC)
txn_1,charge,ch_1,100.00,-3.20,96.80,eur,2024-02-01 08:00:00,2024-02-08 00:00:00,Invoice 17,,
txn_2,refund,re_1,-25.00,0.00,-25.00,eur,2024-02-03 12:30:00,2024-02-03 12:30:00,Refund 17,,
txn_3,payout,po_1,-71.80,0.00,-71.80,eur,2024-02-15 02:00:00,2024-02-15 02:00:00,STRIPE PAYOUT,,
""",
        [
            ("2024-02-01", "100.00", "EUR"),
            ("2024-02-03", "-25.00", "EUR"),
            ("2024-02-15", "-71.80", "EUR"),
        ],
    ),
    _case(
        "payoneer_transactions.csv",
        "Payoneer, transactions export",
        "empty 'Transfer Amount' column; the money is in a Credit Amount / Debit Amount pair",
        """
Transaction Date,Description,Credit Amount,Debit Amount,Transfer Amount,Currency,Status,Running Balance
2024-03-14 08:22:10,Payment from ACME Inc,1500.00,,,USD,Completed,1500.00
2024-03-15 11:02:00,Withdrawal to bank,,1200.00,,USD,Completed,300.00
2024-03-18 16:40:31,Card fee,,3.00,,USD,Completed,297.00
""",
        [
            ("2024-03-14", "1500.00", "USD"),
            ("2024-03-15", "-1200.00", "USD"),
            ("2024-03-18", "-3.00", "USD"),
        ],
    ),
    _case(
        "postfinance_fr_date_de_valeur.csv",
        "PostFinance (Switzerland), French UI, card statement",
        "the only date column is 'Date de valeur'; apostrophe thousands; currency in the header",
        """
Date de valeur;Libellé;Montant en CHF;Solde
02.01.2024;Migros Bern;-45.30;2'954.70
05.01.2024;Salaire Janvier;5'200.00;8'154.70
15.01.2024;Loyer;-1'850.00;6'304.70
""",
        [
            ("2024-01-02", "-45.30", "CHF"),
            ("2024-01-05", "5200.00", "CHF"),
            ("2024-01-15", "-1850.00", "CHF"),
        ],
    ),
    _case(
        "gls_bank_umsaetze.csv",
        "GLS Bank (Germany), Umsätze export",
        "cp1252, ';', no final newline; header holds words Tally knows (Buchungstag, Betrag)",
        """
Bezeichnung Auftragskonto;IBAN Auftragskonto;BIC Auftragskonto;Bankname Auftragskonto;Buchungstag;Valutadatum;Name Zahlungsbeteiligter;IBAN Zahlungsbeteiligter;BIC (SWIFT-Code) Zahlungsbeteiligter;Buchungstext;Verwendungszweck;Betrag;Waehrung;Saldo nach Buchung;Bemerkung;Kategorie;Steuerrelevant;Glaeubiger ID;Mandatsreferenz
Girokonto;DE12430609671234567800;GENODEM1GLS;GLS Gemeinschaftsbank;04.03.2024;04.03.2024;Stadtwerke München;DE02700100800000000000;PBNKDEFFXXX;Lastschrift;Strom März;-84,00;EUR;1.916,00;;;;DE98ZZZ09999999999;M-1
Girokonto;DE12430609671234567800;GENODEM1GLS;GLS Gemeinschaftsbank;01.03.2024;01.03.2024;Arbeitgeber GmbH;DE02500105170000000000;INGDDEFFXXX;Gutschrift;Gehalt Februar;2.000,00;EUR;2.000,00;;;;;""",
        [("2024-03-04", "-84.00", "EUR"), ("2024-03-01", "2000.00", "EUR")],
        encoding="cp1252",
    ),
    _case(
        "ynab_register_jod.csv",
        "YNAB, register export of a budget in Jordanian dinar",
        "right-to-left currency abbreviation wrapped in U+200F marks, three decimals, Outflow/Inflow pair",
        f"""
"Account","Flag","Date","Payee","Category Group/Category","Category Group","Category","Memo","Outflow","Inflow","Cleared"
"Cash","","03/14/2024","Carrefour","Everyday: Groceries","Everyday","Groceries","","{RLM}{DINAR}{RLM} 12.500","{RLM}{DINAR}{RLM} 0.000","Cleared"
"Cash","","03/15/2024","Employer","Inflow: Ready to Assign","Inflow","Ready to Assign","","{RLM}{DINAR}{RLM} 0.000","{RLM}{DINAR}{RLM} 850.000","Cleared"
"Cash","","03/20/2024","Orange","Bills: Phone","Bills","Phone","","{RLM}{DINAR}{RLM} 20.250","{RLM}{DINAR}{RLM} 0.000","Uncleared"
""",
        [
            ("2024-03-14", "-12.500", "JOD"),
            ("2024-03-15", "850.000", "JOD"),
            ("2024-03-20", "-20.250", "JOD"),
        ],
        encoding="utf-8-sig",
    ),
    _case(
        "ynab_register_usd.csv",
        "YNAB, register export (US budget)",
        "'$' in every amount, Outflow/Inflow pair with $0.00 on the unused side, M/D/Y dates",
        """
"Account","Flag","Date","Payee","Category Group/Category","Category Group","Category","Memo","Outflow","Inflow","Cleared"
"Checking","","01/02/2024","Safeway","Everyday: Groceries","Everyday","Groceries","","$54.20","$0.00","Reconciled"
"Checking","Red","01/15/2024","ACME Payroll","Inflow: Ready to Assign","Inflow","Ready to Assign","","$0.00","$2,450.00","Cleared"
"Checking","","01/31/2024","Landlord","Bills: Rent","Bills","Rent","Jan","$1,500.00","$0.00","Cleared"
""",
        [
            ("2024-01-02", "-54.20", "USD"),
            ("2024-01-15", "2450.00", "USD"),
            ("2024-01-31", "-1500.00", "USD"),
        ],
    ),
    _case(
        "monzo_uk.csv",
        "Monzo (UK), CSV export",
        "signed Amount next to a redundant Money Out / Money In pair; emoji column; DD/MM/YYYY",
        """
Transaction ID,Date,Time,Type,Name,Emoji,Category,Amount,Currency,Local amount,Local currency,Notes and #tags,Address,Receipt,Description,Category split,Money Out,Money In
tx_0001,02/03/2024,08:14:02,Card payment,Pret A Manger,🥪,Eating out,-4.35,GBP,-4.35,GBP,,London,,PRET A MANGER,,-4.35,
tx_0002,15/03/2024,09:00:00,Faster payment,ACME LTD,,Income,2100.00,GBP,2100.00,GBP,Salary,,,ACME LTD SALARY,,,2100.00
tx_0003,28/03/2024,19:30:11,Card payment,Tesco,🛒,Groceries,-23.10,GBP,-23.10,GBP,,Leeds,,TESCO STORES,,-23.10,
""",
        [
            ("2024-03-02", "-4.35", "GBP"),
            ("2024-03-15", "2100.00", "GBP"),
            ("2024-03-28", "-23.10", "GBP"),
        ],
    ),
    _case(
        "commbank_au_no_header.csv",
        "Commonwealth Bank (Australia), CSV export",
        "no header row; amounts with an explicit '+'; running balance column",
        """
14/03/2024,"-12.50","WOOLWORTHS 1234 SYDNEY","+1221.50"
15/03/2024,"+2500.00","SALARY ACME PTY LTD","+3721.50"
18/03/2024,"-80.00","TRANSFER TO SAVINGS","+3641.50"
""",
        [
            ("2024-03-14", "-12.50", None),
            ("2024-03-15", "2500.00", None),
            ("2024-03-18", "-80.00", None),
        ],
    ),
    _case(
        "stgeorge_au_cr_dr.csv",
        "St.George / Westpac group (Australia), transaction listing",
        "unsigned amounts with a trailing 'CR' or 'DR'",
        """
Date,Description,Amount,Balance
13/02/2024,EFTPOS COLES 0456,45.60 DR,954.40 CR
14/02/2024,PAYROLL ACME,1200.00 CR,2154.40 CR
20/02/2024,BPAY AGL ENERGY,150.25 DR,2004.15 CR
""",
        [
            ("2024-02-13", "-45.60", None),
            ("2024-02-14", "1200.00", None),
            ("2024-02-20", "-150.25", None),
        ],
    ),
    _case(
        "ubs_ch_preamble.csv",
        "UBS (Switzerland), account transactions CSV",
        "key/value preamble; apostrophe thousands; Debit/Credit pair with 'Individual amount' "
        "empty; three date columns; trailing ';'",
        """
Account number:;0233 00123456.01;
IBAN:;CH12 0023 3233 1234 5601 A;
From:;2024-01-01;
Until:;2024-01-31;
Opening balance:;10'000.00;
Closing balance:;8'771.45;
Valued in:;CHF;
Numbers of transactions in this period:;3;

Trade date;Trade time;Booking date;Value date;Currency;Debit;Credit;Individual amount;Balance;Transaction no.;Description1;Description2;Description3;Footnotes;
2024-01-03;;2024-01-03;2024-01-03;CHF;-1'250.00;;;8'750.00;9930703TI1234567;Miete Januar;Immo AG;;;
2024-01-10;;2024-01-10;2024-01-10;CHF;;2'100.55;;10'850.55;9930710TI1234568;Lohn;ACME AG;;;
2024-01-22;;2024-01-22;2024-01-23;CHF;-2'079.10;;;8'771.45;9930722TI1234569;Steuern;Kanton Zürich;;;
""",
        [
            ("2024-01-03", "-1250.00", "CHF"),
            ("2024-01-10", "2100.55", "CHF"),
            ("2024-01-22", "-2079.10", "CHF"),
        ],
    ),
    _case(
        "n26_de.csv",
        "N26 (Germany), CSV export",
        "'Betrag (Fremdwährung)' and 'Fremdwährung' empty beside the real 'Betrag (EUR)'",
        """
"Datum","Empfänger","Kontonummer","Transaktionstyp","Verwendungszweck","Betrag (EUR)","Betrag (Fremdwährung)","Fremdwährung","Wechselkurs"
"2024-03-01","REWE Markt","","MasterCard Zahlung","","-23.45","","",""
"2024-03-05","Arbeitgeber GmbH","DE89370400440532013000","Gutschrift","Gehalt","2500.0","","",""
"2024-03-19","Netflix","","MasterCard Zahlung","","-12.99","","",""
""",
        [
            ("2024-03-01", "-23.45", "EUR"),
            ("2024-03-05", "2500.00", "EUR"),
            ("2024-03-19", "-12.99", "EUR"),
        ],
    ),
    _case(
        "sparkasse_csv_camt.csv",
        "Sparkasse (Germany), 'CSV-CAMT V2' export",
        "cp1252; DD.MM.YY; empty 'Lastschrift Ursprungsbetrag' column named like a debit",
        """
"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";"Glaeubiger ID";"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";"Lastschrift Ursprungsbetrag";"Auslagenersatz Ruecklastschrift";"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";"BIC (SWIFT-Code)";"Betrag";"Waehrung";"Info"
"DE12500105170648489890";"04.03.24";"04.03.24";"FOLGELASTSCHRIFT";"Versicherung März";"DE12ZZZ00000012345";"V-778";"";"";"";"";"Allianz";"DE44500105175407324931";"INGDDEFFXXX";"-45,90";"EUR";"Umsatz gebucht"
"DE12500105170648489890";"28.03.24";"28.03.24";"GUTSCHR. UEBERWEISUNG";"Lohn März";"";"";"";"";"";"";"Arbeitgeber GmbH";"DE02120300000000202051";"BYLADEM1001";"3.120,00";"EUR";"Umsatz gebucht"
"DE12500105170648489890";"29.03.24";"29.03.24";"KARTENZAHLUNG";"Bäckerei Müller";"";"";"";"";"";"";"Bäckerei Müller";"";"";"-4,80";"EUR";"Umsatz vorgemerkt"
""",
        [
            ("2024-03-04", "-45.90", "EUR"),
            ("2024-03-28", "3120.00", "EUR"),
            ("2024-03-29", "-4.80", "EUR"),
        ],
        encoding="cp1252",
    ),
    _case(
        "dkb_de_2023.csv",
        "DKB (Germany), 2023 CSV format",
        "UTF-8 BOM; key/value preamble with a balance; '€' inside amounts; DD.MM.YY; status column",
        """
"Girokonto";"DE12120300001234567890"
""
"Kontostand vom 14.03.2024:";"1.234,56 €"
""
"Buchungsdatum";"Wertstellung";"Status";"Zahlungspflichtige*r";"Zahlungsempfänger*in";"Verwendungszweck";"Umsatztyp";"IBAN";"Betrag (€)";"Gläubiger-ID";"Mandatsreferenz";"Kundenreferenz"
"13.03.24";"13.03.24";"Gebucht";"Max Muster";"Edeka";"Einkauf";"Ausgang";"DE02100100100006820101";"-45,99 €";"";"";""
"12.03.24";"12.03.24";"Gebucht";"ACME GmbH";"Max Muster";"Gehalt";"Eingang";"DE02100100100006820102";"2.345,67 €";"";"";""
""",
        [("2024-03-13", "-45.99", "EUR"), ("2024-03-12", "2345.67", "EUR")],
        encoding="utf-8-sig",
    ),
    _case(
        "abn_amro_tab.txt",
        "ABN AMRO (Netherlands), TXT export",
        "tab-delimited, no header; YYYYMMDD; start/end balances beside the amount; currency column",
        """
123456789\tEUR\t20240314\t1234,56\t1222,06\t20240314\t-12,50\tBEA   NR:ABC123 14.03.24/10.12 ALBERT HEIJN 1234,PAS123
123456789\tEUR\t20240315\t1222,06\t3722,06\t20240315\t2500,00\tSEPA Overboeking IBAN: NL91ABNA0417164300 Naam: ACME BV Omschrijving: SALARIS
123456789\tEUR\t20240318\t3722,06\t3622,06\t20240318\t-100,00\tSEPA Incasso algemeen doorlopend Naam: VATTENFALL
""",
        [
            ("2024-03-14", "-12.50", "EUR"),
            ("2024-03-15", "2500.00", "EUR"),
            ("2024-03-18", "-100.00", "EUR"),
        ],
    ),
    _case(
        "ing_nl_2023_semicolon.csv",
        "ING (Netherlands), 2023 semicolon CSV",
        "'Af Bij' sign column; YYYYMMDD; comma decimals; 'Saldo na mutatie' balance",
        """
"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"
"20240314";"Albert Heijn 1234";"NL20INGB0001234567";"";"BA";"Af";"12,50";"Betaalautomaat";"Pasvolgnr: 001";"1221,50";""
"20240315";"ACME BV";"NL20INGB0001234567";"NL91ABNA0417164300";"OV";"Bij";"2500,00";"Overschrijving";"Salaris";"3721,50";""
""",
        [("2024-03-14", "-12.50", "EUR"), ("2024-03-15", "2500.00", "EUR")],
    ),
    _case(
        "rabobank_2023.csv",
        "Rabobank (Netherlands), CSV export",
        "signed amounts with '+'; 'Saldo na trn' balance; two dates (Datum, Rentedatum)",
        """
"IBAN/BBAN","Munt","BIC","Volgnr","Datum","Rentedatum","Bedrag","Saldo na trn","Tegenrekening IBAN/BBAN","Naam tegenpartij","Omschrijving-1"
"NL11RABO0101010101","EUR","RABONL2U","000000000000007001","2024-03-01","2024-03-01","+1.500,00","+2.000,00","NL91ABNA0417164300","ACME BV","Salaris"
"NL11RABO0101010101","EUR","RABONL2U","000000000000007002","2024-03-02","2024-03-02","-37,49","+1.962,51","","Jumbo","Boodschappen"
""",
        [("2024-03-01", "1500.00", "EUR"), ("2024-03-02", "-37.49", "EUR")],
        encoding="cp1252",
    ),
    _case(
        "fio_cz.csv",
        "Fio banka (Czech Republic), CSV export",
        "UTF-8 BOM; statement preamble; amount column 'Objem'; space thousands; 'Měna' currency",
        f"""
"Výpis č. 3/2024 z účtu ""2400123456/2010""\";
"Období: 01.03.2024 - 31.03.2024";
"Počáteční stav účtu k 01.03.2024:";"12 000,00 CZK";
"Koncový stav účtu k 31.03.2024:";"34 165,00 CZK";

"ID operace";"Datum";"Objem";"Měna";"Protiúčet";"Název protiúčtu";"Kód banky";"Název banky";"KS";"VS";"SS";"Poznámka";"Zpráva pro příjemce";"Typ";"Provedl"
"23456789012";"04.03.2024";"-1{NBSP}250,00";"CZK";"";"";"";"";"";"";"";"Nákup: ALBERT";"";"Platba kartou";"Jan Novák"
"23456789013";"10.03.2024";"25{NBSP}000,00";"CZK";"123456789";"ACME s.r.o.";"0800";"Česká spořitelna";"";"";"";"Mzda";"Mzda 02/2024";"Příjem převodem uvnitř banky";""
"23456789014";"21.03.2024";"-1{NBSP}585,00";"CZK";"";"";"";"";"0308";"12345";"";"ČEZ";"";"Platba převodem";"Jan Novák"
""",
        [
            ("2024-03-04", "-1250.00", "CZK"),
            ("2024-03-10", "25000.00", "CZK"),
            ("2024-03-21", "-1585.00", "CZK"),
        ],
        encoding="utf-8-sig",
    ),
    _case(
        "airbank_cz_cp1250.csv",
        "Air Bank (Czech Republic), CSV export",
        "windows-1250 text, ';', DD/MM/YYYY, amounts with comma decimals, 'Měna účtu'",
        """
Datum provedení;Směr úhrady;Typ úhrady;Měna účtu;Částka v měně účtu;Název protistrany;Poznámka pro mne
03/03/2024;Odchozí;Platba kartou;CZK;-349,00;Lékárna Dr.Max;léky
15/03/2024;Příchozí;Příchozí úhrada;CZK;41 500,00;Zaměstnavatel a.s.;výplata
""",
        [("2024-03-03", "-349.00", "CZK"), ("2024-03-15", "41500.00", "CZK")],
        encoding="cp1250",
    ),
    _case(
        "nab_au.csv",
        "NAB (Australia), transaction history CSV",
        "'14 Mar 24' dates; an unnamed empty header cell; category and merchant columns",
        """
Date,Amount,Account Number,,Transaction Type,Transaction Details,Balance,Category,Merchant Name
14 Mar 24,-12.50,083-123 12-345-6789,,EFTPOS DEBIT,COLES 0456 SYDNEY,1221.50,Groceries,Coles
15 Mar 24,2500.00,083-123 12-345-6789,,CREDIT,SALARY ACME,3721.50,Income,
""",
        [("2024-03-14", "-12.50", None), ("2024-03-15", "2500.00", None)],
    ),
    _case(
        "barclays_uk.csv",
        "Barclays (UK), statement CSV",
        "'Number' column empty; memo with a tab inside; DD/MM/YYYY",
        """
Number,Date,Account,Amount,Subcategory,Memo
,14/03/2024,20-32-06 13152170,-12.50,PAYMENT,TESCO STORES 3297\tON 13 MAR BCC
,15/03/2024,20-32-06 13152170,2500.00,DIRECTDEP,ACME LTD\tSALARY
,28/03/2024,20-32-06 13152170,-650.00,FT,RENT MARCH\tFT
""",
        [
            ("2024-03-14", "-12.50", None),
            ("2024-03-15", "2500.00", None),
            ("2024-03-28", "-650.00", None),
        ],
    ),
    _case(
        "hsbc_uk_no_header.csv",
        "HSBC (UK), recent transactions CSV",
        "no header row, three columns; thousands comma inside quotes",
        """
14/03/2024,"TESCO STORES 1234","-12.50"
15/03/2024,"ACME LTD SALARY","2,500.00"
18/03/2024,"COUNCIL TAX","-143.00"
""",
        [
            ("2024-03-14", "-12.50", None),
            ("2024-03-15", "2500.00", None),
            ("2024-03-18", "-143.00", None),
        ],
    ),
    _case(
        "nationwide_uk.csv",
        "Nationwide (UK), statement CSV",
        "cp1252 '£' (0xA3); three-line key/value preamble; Paid out / Paid in pair with '£'",
        """
"Account Name:","FlexAccount ****1234"
"Account Balance:","£1,234.56"
"Available Balance: ","£1,234.56"

"Date","Transaction type","Description","Paid out","Paid in","Balance"
"14 Mar 2024","Visa purchase","TESCO STORES","£12.50","","£1,222.06"
"15 Mar 2024","Bank credit","ACME LTD","","£2,500.00","£3,722.06"
""",
        [("2024-03-14", "-12.50", "GBP"), ("2024-03-15", "2500.00", "GBP")],
        encoding="cp1252",
    ),
    _case(
        "chase_us_cr_line_ends.csv",
        "Chase (US), activity CSV saved by an old Mac tool",
        "CR-only line ends; trailing comma on every row; 'Details' DEBIT/CREDIT beside a signed amount",
        """
Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #
DEBIT,03/14/2024,"AMAZON MKTPL*1A2B3C",-24.99,DEBIT_CARD,975.01,,
CREDIT,03/15/2024,"ACME CORP PAYROLL",2500.00,ACH_CREDIT,3475.01,,
DEBIT,03/18/2024,"CHECK 1042",-300.00,CHECK_PAID,3175.01,1042,
""",
        [
            ("2024-03-14", "-24.99", None),
            ("2024-03-15", "2500.00", None),
            ("2024-03-18", "-300.00", None),
        ],
        newline="\r",
    ),
    _case(
        "wise_statement.csv",
        "Wise (TransferWise), statement CSV",
        "DD-MM-YYYY; exchange columns mostly empty; 'Total fees' column",
        """
"TransferWise ID",Date,Amount,Currency,Description,"Payment Reference","Running Balance","Exchange From","Exchange To","Exchange Rate","Payer Name","Payee Name","Payee Account Number",Merchant,"Total fees"
TRANSFER-1001,14-03-2024,-120.00,EUR,"Sent money to Jane",,880.00,,,,,"Jane Doe",DE89370400440532013000,,0.00
CARD-1002,15-03-2024,-8.40,EUR,"Card transaction of 8.40 EUR issued by Lidl",,871.60,,,,,,,Lidl,0.00
TRANSFER-1003,20-03-2024,500.00,EUR,"Received money from ACME",,1371.60,,,,"ACME BV",,,,0.00
""",
        [
            ("2024-03-14", "-120.00", "EUR"),
            ("2024-03-15", "-8.40", "EUR"),
            ("2024-03-20", "500.00", "EUR"),
        ],
    ),
    _case(
        "paypal_de.csv",
        "PayPal (Germany), activity download",
        "German column names without an 'amount' word (Brutto/Gebühr/Netto); '1.234,56'",
        """
"Datum","Uhrzeit","Zeitzone","Name","Typ","Status","Währung","Brutto","Gebühr","Netto","Absender E-Mail-Adresse","Transaktionscode"
"01.03.2024","10:15:02","CET","ACME GmbH","Zahlung erhalten","Abgeschlossen","EUR","1.234,56","-35,80","1.198,76","acme@example.com","1AB23456CD789012E"
"03.03.2024","18:01:44","CET","Spotify","Zahlung","Abgeschlossen","EUR","-10,99","0,00","-10,99","me@example.com","2AB23456CD789012F"
""",
        [("2024-03-01", "1234.56", "EUR"), ("2024-03-03", "-10.99", "EUR")],
    ),
    _case(
        "excel_unicode_text_export.txt",
        "Excel 'Unicode Text' save of a bank download (any bank)",
        "UTF-16 LE with BOM, tab-delimited, CRLF",
        """
Date\tDescription\tAmount\tCurrency
2024-03-14\tCafé de Flore\t-7.80\tEUR
2024-03-15\tSalaire\t3200.00\tEUR
""",
        [("2024-03-14", "-7.80", "EUR"), ("2024-03-15", "3200.00", "EUR")],
        encoding="utf-16",
        newline="\r\n",
    ),
    _case(
        "kbc_be_nnbsp.csv",
        "A French-locale export (Belgium/France), amounts typed by a spreadsheet",
        "narrow no-break space (U+202F) thousands and ' €' after the number; ';'",
        f"""
Date;Libellé;Montant;Devise
04/03/2024;Loyer;-1{NNBSP}200,00{NBSP}€;EUR
05/03/2024;Salaire;3{NNBSP}450,25{NBSP}€;EUR
19/03/2024;Boulangerie;-6,40{NBSP}€;EUR
""",
        [
            ("2024-03-04", "-1200.00", "EUR"),
            ("2024-03-05", "3450.25", "EUR"),
            ("2024-03-19", "-6.40", "EUR"),
        ],
    ),
    _case(
        "ltr_marks_amounts.csv",
        "An export opened and re-saved with a Hebrew/Arabic locale (left-to-right marks)",
        "U+200E before every amount and date; '₪' symbol gives the currency",
        f"""
Date,Description,Amount
{LRM}14/03/2024,Shufersal,{LRM}-₪123.40
{LRM}15/03/2024,Salary,"{LRM}₪9,800.00"
""",
        [("2024-03-14", "-123.40", "ILS"), ("2024-03-15", "9800.00", "ILS")],
    ),
    _case(
        "ragged_trailing_empties.csv",
        "Swedbank-style export (Baltics), padded by the bank's exporter",
        "header ends with ',' while data rows carry more empty trailing fields",
        """
Date,Description,Amount,Currency,
2024-03-01,Rimi,-15.20,EUR,,,
2024-03-02,Salary,1800.00,EUR,,,
2024-03-05,Telia,-19.99,EUR,,,
""",
        [
            ("2024-03-01", "-15.20", "EUR"),
            ("2024-03-02", "1800.00", "EUR"),
            ("2024-03-05", "-19.99", "EUR"),
        ],
    ),
    _case(
        "comdirect_footer.csv",
        "comdirect (Germany), Umsätze CSV",
        "title line, blank lines, 'Alter Kontostand' line, and a 'Neuer Kontostand' footer",
        """
;
"Umsätze Girokonto";"Zeitraum: 30 Tage";
"Neuer Kontostand";"2.187,35 EUR";

"Buchungstag";"Wertstellung (Valuta)";"Vorgang";"Buchungstext";"Umsatz in EUR";
"12.03.2024";"12.03.2024";"Lastschrift / Belastung";"Auftraggeber: Telekom Buchungstext: Rechnung";"-39,95";
"01.03.2024";"01.03.2024";"Übertrag / Überweisung";"Auftraggeber: ACME GmbH Buchungstext: Gehalt";"2.227,30";
"Alter Kontostand";"0,00 EUR";
""",
        [("2024-03-12", "-39.95", "EUR"), ("2024-03-01", "2227.30", "EUR")],
        encoding="cp1252",
    ),
    _case(
        "amex_us_positive_charges.csv",
        "American Express (US), activity CSV",
        "charges positive, payments negative (card-issuer convention, stored as exported); "
        "'Extended Details' with line breaks in quotes",
        """
Date,Description,Amount,Extended Details,Appears On Your Statement As,Address,City/State,Zip Code,Country,Reference,Category
03/14/2024,UBER TRIP,23.45,"UBER TRIP
HELP.UBER.COM",UBER TRIP,1455 MARKET ST,"SAN FRANCISCO
CA",94103,UNITED STATES,'320240740123456789',Transportation-Taxis & Coach
03/20/2024,AUTOPAY PAYMENT - THANK YOU,-500.00,,AUTOPAY PAYMENT,,,,,'320240800987654321',
""",
        [("2024-03-14", "23.45", None), ("2024-03-20", "-500.00", None)],
    ),
    _case(
        "up_bank_au_iso_time.csv",
        "Up Bank (Australia), CSV export",
        "ISO 8601 timestamps with a zone offset; 'Total (AUD)' amount column; many empty FX columns",
        """
Time,BSB / Account Number,Transaction Type,Payee,Description,Category,Tags,Subtotal (AUD),Currency,Subtotal (Transaction Currency),Round Up (AUD),Total (AUD),Payment Method,Settled Date
2024-03-14T08:15:02+11:00,633-123 123456789,Purchase,Coles,COLES 0456,Groceries,,-12.50,AUD,-12.50,,-12.50,Card,2024-03-14
2024-03-15T09:00:00+11:00,633-123 123456789,Salary,ACME,ACME SALARY,,,2500.00,AUD,2500.00,,2500.00,,2024-03-15
""",
        [("2024-03-14", "-12.50", "AUD"), ("2024-03-15", "2500.00", "AUD")],
    ),
]

_CAMT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{kind}">\n'
)


def _camt_entry(amount: str, currency: str, mark: str, day: str, ref: str, text: str) -> str:
    return f"""      <Ntry>
        <Amt Ccy="{currency}">{amount}</Amt>
        <CdtDbtInd>{mark}</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <ValDt><Dt>{day}</Dt></ValDt>
        <AcctSvcrRef>{ref}</AcctSvcrRef>
        <BkTxCd><Prtry><Cd>NTRF</Cd></Prtry></BkTxCd>
        <AddtlNtryInf>{text}</AddtlNtryInf>
      </Ntry>
"""


def _camt_balance(code: str, amount: str, currency: str, mark: str, day: str) -> str:
    return f"""      <Bal>
        <Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>
        <Amt Ccy="{currency}">{amount}</Amt>
        <CdtDbtInd>{mark}</CdtDbtInd>
        <Dt><Dt>{day}</Dt></Dt>
      </Bal>
"""


def _camt(kind: str, root: str, box: str, balances: str, entries: str, currency: str) -> str:
    return (
        _CAMT_HEAD.format(kind=kind)
        + f"""  <{root}>
    <GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2024-03-31T20:00:00</CreDtTm></GrpHdr>
    <{box}>
      <Id>STMT-2024-03</Id>
      <CreDtTm>2024-03-31T20:00:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>{currency}</Ccy></Acct>
{balances}{entries}    </{box}>
  </{root}>
</Document>
"""
    )


_CAMT_ENTRIES = _camt_entry("1500.00", "EUR", "CRDT", "2024-03-01", "R1", "Gehalt") + _camt_entry(
    "54.00", "EUR", "DBIT", "2024-03-04", "R2", "Strom"
)

STATEMENT_CASES: list[Case] = [
    _case(
        "camt053_multicurrency_balances.xml",
        "A minimal camt.053.001.02 (after the ISO 20022 multi-currency sample): EUR statement "
        "carrying extra SEK, CHF and JPY balances",
        "balances in other currencies than the statement's: the check is not possible for them",
        _camt(
            "camt.053.001.02",
            "BkToCstmrStmt",
            "Stmt",
            _camt_balance("OPBD", "1000.00", "EUR", "CRDT", "2024-02-29")
            + _camt_balance("OPBD", "500.00", "SEK", "CRDT", "2024-02-29")
            + _camt_balance("CLBD", "2446.00", "EUR", "CRDT", "2024-03-31")
            + _camt_balance("CLBD", "446.00", "CHF", "CRDT", "2024-03-31")
            + _camt_balance("CLAV", "90000", "JPY", "CRDT", "2024-03-31"),
            _CAMT_ENTRIES,
            "EUR",
        ),
        [("2024-03-01", "1500.00", "EUR"), ("2024-03-04", "-54.00", "EUR")],
    ),
    _case(
        "camt053_foreign_balances_only.xml",
        "A minimal camt.053.001.02 whose EUR account reports its balances in CHF and JPY only",
        "no balance in the statement's currency: reported as not checkable, loaded",
        _camt(
            "camt.053.001.02",
            "BkToCstmrStmt",
            "Stmt",
            _camt_balance("OPBD", "980.00", "CHF", "CRDT", "2024-02-29")
            + _camt_balance("CLBD", "388000", "JPY", "CRDT", "2024-03-31"),
            _CAMT_ENTRIES,
            "EUR",
        ),
        [("2024-03-01", "1500.00", "EUR"), ("2024-03-04", "-54.00", "EUR")],
    ),
    _case(
        "camt053_balanced.xml",
        "A German bank's camt.053.001.08 day statement",
        "OPBD/CLBD balances that add up; entries without TxDtls",
        _camt(
            "camt.053.001.08",
            "BkToCstmrStmt",
            "Stmt",
            _camt_balance("OPBD", "1000.00", "EUR", "CRDT", "2024-02-29")
            + _camt_balance("CLBD", "2446.00", "EUR", "CRDT", "2024-03-31"),
            _CAMT_ENTRIES,
            "EUR",
        ),
        [("2024-03-01", "1500.00", "EUR"), ("2024-03-04", "-54.00", "EUR")],
    ),
    _case(
        "camt052_intraday.xml",
        "camt.052.001.02 intraday account report",
        "a report (Rpt) with an interim ITBD balance only: nothing to check",
        _camt(
            "camt.052.001.02",
            "BkToCstmrAcctRpt",
            "Rpt",
            _camt_balance("ITBD", "2446.00", "EUR", "CRDT", "2024-03-31"),
            _CAMT_ENTRIES,
            "EUR",
        ),
        [("2024-03-01", "1500.00", "EUR"), ("2024-03-04", "-54.00", "EUR")],
    ),
    _case(
        "camt054_notification.xml",
        "camt.054.001.02 debit/credit notification",
        "a notification (Ntfctn) without balances",
        _camt("camt.054.001.02", "BkToCstmrDbtCdtNtfctn", "Ntfctn", "", _CAMT_ENTRIES, "EUR"),
        [("2024-03-01", "1500.00", "EUR"), ("2024-03-04", "-54.00", "EUR")],
    ),
    _case(
        "mt940_abnamro_preamble.sta",
        "ABN AMRO (Netherlands), MT940 download",
        "a non-SWIFT preamble 'ABNANL2A' / '940' / 'ABNANL2A' before each of two statements",
        """
ABNANL2A
940
ABNANL2A
:20:ABN AMRO BANK NV
:25:123456789
:28:15001/1
:60F:C240313EUR1234,56
:61:2403140314D12,50N426NONREF
:86:BEA   NR:ABC123 14.03.24/10.12 ALBERT HEIJN 1234,PAS123
:62F:C240314EUR1222,06
-
ABNANL2A
940
ABNANL2A
:20:ABN AMRO BANK NV
:25:123456789
:28:15002/1
:60F:C240314EUR1222,06
:61:2403150315C2500,00N654NONREF
:86:/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/ACME BV/REMI/SALARIS
:62F:C240315EUR3722,06
-
""",
        [("2024-03-14", "-12.50", "EUR"), ("2024-03-15", "2500.00", "EUR")],
        newline="\r\n",
    ),
    _case(
        "mt940_multi_statement_de.mt940",
        "A German Sparkasse/Volksbank MT940 (HBCI download)",
        "two statements, ':86:' with '?NN' subfields, entry date in :61:",
        """
:20:STARTUMS
:25:50010517/0648489890
:28C:00001/001
:60F:C240301EUR1000,00
:61:2403010301CR1500,00NMSCNONREF
:86:166?00GUTSCHRIFT?20Gehalt Maerz?32Arbeitgeber GmbH
:61:2403040304DR54,00NMSCNONREF
:86:105?00LASTSCHRIFT?20Strom?32Stadtwerke
:62F:C240304EUR2446,00
-
:20:STARTUMS
:25:50010517/0648489890
:28C:00002/001
:60F:C240304EUR2446,00
:61:2403050305DR46,00NMSCNONREF
:86:106?00KARTENZAHLUNG?20Baeckerei
:62F:C240305EUR2400,00
-
""",
        [
            ("2024-03-01", "1500.00", "EUR"),
            ("2024-03-04", "-54.00", "EUR"),
            ("2024-03-05", "-46.00", "EUR"),
        ],
    ),
    _case(
        "ofx_sgml_us.qfx",
        "A US credit union's QFX (OFX 1.02 SGML) download",
        "SGML without closing leaf tags; DTPOSTED with a zone; CRLF",
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

<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240331120000[-5:EST]<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>123456789<ACCTID>987654321<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20240301<DTEND>20240331
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240314120000.000[-5:EST]<TRNAMT>-24.99<FITID>2024031401<NAME>AMAZON MKTPL</STMTTRN>
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240315<TRNAMT>2500.00<FITID>2024031501<NAME>ACME PAYROLL</STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT>3475.01<DTASOF>20240331</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
""",
        [("2024-03-14", "-24.99", "USD"), ("2024-03-15", "2500.00", "USD")],
        newline="\r\n",
    ),
    _case(
        "ofx_xml_au.ofx",
        "An Australian bank's OFX 2.x (XML) download",
        "XML OFX with processing instruction, CDATA names, no final newline",
        """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<STMTRS><CURDEF>AUD</CURDEF><BANKACCTFROM><BANKID>484799</BANKID><ACCTID>123456789</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
<BANKTRANLIST><DTSTART>20240301</DTSTART><DTEND>20240331</DTEND>
<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20240314</DTPOSTED><TRNAMT>-12.50</TRNAMT><FITID>T1</FITID><NAME><![CDATA[COLES 0456 ]]></NAME></STMTTRN>
<STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20240315</DTPOSTED><TRNAMT>2500.00</TRNAMT><FITID>T2</FITID><NAME><![CDATA[ACME SALARY ]]></NAME></STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>3721.50</BALAMT><DTASOF>20240331</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>""",
        [("2024-03-14", "-12.50", "AUD"), ("2024-03-15", "2500.00", "AUD")],
    ),
]


def _xlsx_export() -> bytes:
    """A workbook like an online bank's 'Excel' download: two title rows, then the table."""
    from datetime import date

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kontoumsätze"])
    sheet.append(["Konto", "DE89370400440532013000"])
    sheet.append([])
    sheet.append(["Buchungstag", "Empfänger", "Verwendungszweck", "Betrag", "Währung"])
    sheet.append([date(2024, 3, 1), "ACME GmbH", "Gehalt", 2500, "EUR"])
    sheet.append([date(2024, 3, 4), "Stadtwerke", "Strom", -54.2, "EUR"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_CASE = (
    "bank_download_title_rows.xlsx",
    "An online bank's Excel download (German UI)",
    "XLSX with title rows above the table; real date cells and numeric amounts",
    [("2024-03-01", "2500.00", "EUR"), ("2024-03-04", "-54.20", "EUR")],
)


def write() -> int:
    """Write every case and its ``.expected.json``; returns how many files were written."""
    CORPUS.mkdir(exist_ok=True)
    count = 0
    for case in [*CASES, *STATEMENT_CASES]:
        (CORPUS / case.name).write_bytes(case.data())
        _expect(case.name, case.origin, case.quirks, case.records)
        count += 1
    name, origin, quirks, records = XLSX_CASE
    (CORPUS / name).write_bytes(_xlsx_export())
    _expect(name, origin, quirks, records)
    count += 1
    from bench.firsttry.hard_cases import HARD_CASES, STATEMENT_HARD_CASES, XLSX_HARD_CASES
    from bench.firsttry.shape_cases import SHAPE_CASES, STATEMENT_SHAPE_CASES, XLSX_SHAPE_CASES
    from bench.firsttry.world_cases import WORLD_CASES

    cases = [*HARD_CASES, *STATEMENT_HARD_CASES, *WORLD_CASES, *SHAPE_CASES, *STATEMENT_SHAPE_CASES]
    for case in cases:
        (CORPUS / case.name).write_bytes(case.data())
        _expect(
            case.name,
            case.origin,
            case.quirks,
            case.records,
            case.mapping,
            case.expect_encoding,
            case.ask,
        )
        count += 1
    for name, origin, quirks, records, build in [*XLSX_HARD_CASES, *XLSX_SHAPE_CASES]:
        (CORPUS / name).write_bytes(build())
        _expect(name, origin, quirks, records)
        count += 1
    return count


def _expect(
    name: str,
    origin: str,
    quirks: str,
    records: list[tuple[str, str, str | None]],
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    ask: dict[str, str] | None = None,
) -> None:
    expected: dict[str, object] = {
        "origin": origin,
        "quirks": quirks,
        "records": [list(record) for record in records],
    }
    if mapping:
        expected["mapping"] = mapping
    if encoding:
        expected["encoding"] = encoding
    if ask:
        expected["ask"] = ask
    text = json.dumps(expected, ensure_ascii=False, indent=1) + "\n"
    (CORPUS / f"{name}.expected.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    print(f"{write()} files written to {CORPUS}")
