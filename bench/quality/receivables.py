"""A company's bank account export against its sales ledger (accounts receivable), US/IT/ES style.

Written to check that rule inference generalises to a case of the first kind it was not tuned
on; no rule or parameter of inference names it. The left file is the accounting package's
invoice list (QuickBooks/Xero in the US, a gestionale in Italy, a contabilidad in Spain): one row
per invoice or credit note, the customer's full legal name. The right file is the bank's export:

- US: ``MM/DD/YYYY``, separate Debit and Credit columns, a Check Number column, ACH descriptions
  (``ACH CREDIT ACME CORP PPD ID: 1234567890 INV 4471``) whose company name is the ACH record's
  16 characters, lockbox deposits listing several invoices in a remittance cut at a fixed width,
  incoming wires reduced by an intermediary bank's fee.
- IT: a CBI-like home-banking export (``DD/MM/YYYY``, ``1.234,56``, Dare/Avere columns),
  ``BONIFICO A VOSTRO FAVORE DA ROSSI SRL CAUS: FATT. N. 123/2024``.
- ES: a Norma 43-like export (``DD/MM/YYYY``, one signed ``Importe``), the remittance in the
  16-character ``Referencia 2`` field and a free ``Concepto``: ``TRANSFERENCIA DE ... FRA 2024-123``.

Payers quote invoice numbers their own way: the full number, without its prefix, without the
year, with the leading zeros dropped, now and then with two digits swapped.

Scenarios (the truth's names):

- ``exact``: one payment quoting the invoice, the invoice's amount.
- ``short_ref``: the same, the number quoted without prefix/year/leading zeros.
- ``typo``: the same, two adjacent digits of the number swapped.
- ``discount``: paid within 10 days net of a 2% early-payment discount (terms "2% 10 Net 30").
- ``wire_fee``: an incoming wire short by the intermediary bank's fixed fee.
- ``instalments``: the invoice paid in 2-3 payments, each quoting it.
- ``lockbox``: one deposit paying 2-5 invoices of one customer, the remittance listing them
  (cut at the field's width, so the last ones may be missing).
- ``no_ref``: a payment naming only the customer (its bank name), the invoice's amount.
- ``refund``: a credit note refunded to the customer: a debit quoting the credit note.

Rows that must stay unmatched: open invoices, the bank's fees, payroll, rent, card settlements,
outgoing checks, and statement rows exported twice (the copy settles nothing).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bench.quality.case import Case, CaseWriter, SideWriter
from bench.quality.formats import Style
from bench.quality.sampling import date_formats, log_amount, pick

_START = dt.date(2024, 1, 2)
_DAYS = 330
_LOCKBOX_SPAN = 30  # days between the first and the last invoice one deposit pays

US_LEDGER = Style("us_ar", "utf-8", ",", "%m/%d/%Y", ".", ",")
US_BANK = Style("us_bank", "utf-8", ",", "%m/%d/%Y", ".", "")
IT_LEDGER = Style("it_ar", "cp1252", ";", "%d/%m/%Y", ",", ".")
IT_BANK = Style("it_bank", "cp1252", ";", "%d/%m/%Y", ",", ".")
ES_LEDGER = Style("es_ar", "utf-8", ";", "%d/%m/%Y", ",", ".")
ES_BANK = Style("es_bank", "cp1252", ";", "%d/%m/%Y", ",", ".")

_US_STEMS = (
    "Acme", "Blue Ridge", "Summit", "Lakeshore", "Pioneer", "Redwood", "Granite", "Harbor",
    "Keystone", "Liberty", "Northstar", "Prairie", "Silverline", "Cascade", "Evergreen",
    "Frontier", "Ironwood", "Magnolia", "Patriot", "Riverbend", "Sterling", "Tri-County",
)  # fmt: skip
_US_TRADES = (
    "Manufacturing", "Logistics", "Dental Partners", "Construction", "Distribution",
    "Medical Supply", "Software", "Builders", "Foods", "Industrial Services", "Electric",
)  # fmt: skip
_US_FORMS = ("Inc.", "LLC", "Corporation", "Co.", "Company", "Incorporated", "L.P.", "Group, Inc.")
_IT_STEMS = (
    "Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino", "Greco",
    "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi",
)  # fmt: skip
_IT_TRADES = (
    "Costruzioni", "Trasporti", "Impianti Elettrici", "Arredamenti", "Alimentari",
    "Meccanica", "Informatica", "Tessuti", "Serramenti", "Forniture Industriali",
)  # fmt: skip
_IT_FORMS = ("S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", "S.r.l.s.")
_ES_STEMS = (
    "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
    "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez",
)  # fmt: skip
_ES_TRADES = (
    "Construcciones", "Transportes", "Instalaciones Eléctricas", "Muebles", "Alimentación",
    "Mecanizados", "Informática", "Textil", "Carpintería Metálica", "Suministros Industriales",
)  # fmt: skip
_ES_FORMS = ("S.L.", "S.A.", "S.L.U.", "S.Coop.")
_ABBREVIATIONS = {
    "CORPORATION": "CORP", "COMPANY": "CO", "INCORPORATED": "INC", "MANUFACTURING": "MFG",
    "DISTRIBUTION": "DIST", "INDUSTRIAL": "IND", "SERVICES": "SVCS", "CONSTRUCTION": "CONSTR",
    "MEDICAL": "MED", "PARTNERS": "PTNRS", "ELECTRIC": "ELEC", "LOGISTICS": "LOGISTIC",
    "COSTRUZIONI": "COSTR", "TRASPORTI": "TRASP", "IMPIANTI": "IMP", "FORNITURE": "FORN",
    "INDUSTRIALI": "IND", "CONSTRUCCIONES": "CONSTR", "TRANSPORTES": "TRANSP",
    "INSTALACIONES": "INST", "SUMINISTROS": "SUMIN",
}  # fmt: skip


@dataclass(frozen=True)
class _Customer:
    name: str  # as the ledger writes it
    bank_name: str  # as the bank writes it (capitals, abbreviated, cut)
    account: str  # the payer's account id (ACH originator id / IBAN)
    discounts: bool  # on "2% 10 Net 30" terms and takes the discount when paying early


@dataclass
class _Invoice:
    row: int
    number: str
    year: int
    seq: int
    day: dt.date
    cents: int
    customer: _Customer


@dataclass(frozen=True)
class ReceivablesBank:
    """A sales ledger's invoices (left) against the bank account's export (right)."""

    country: str = "us"  # "us", "it" or "es"
    mix: dict[str, float] = field(
        default_factory=lambda: {
            "exact": 0.34,
            "short_ref": 0.12,
            "typo": 0.04,
            "discount": 0.10,
            "wire_fee": 0.06,
            "instalments": 0.08,
            "lockbox": 0.12,
            "no_ref": 0.07,
        }
    )
    credit_note_share: float = 0.03  # of ledger rows; most are refunded
    open_share: float = 0.05  # invoices not paid by the export's end
    duplicate_share: float = 0.02  # bank rows exported twice
    noise_share: float = 0.12  # bank rows that belong to no invoice, per payment

    def write(self, name: str, n: int, seed: int, directory: Path) -> Case:
        rng = random.Random(f"{seed}:{self.country}")
        ledger_style, bank_style = _STYLES[self.country]
        left = SideWriter("ar_invoices.csv", _LEDGER_HEADERS[self.country],
                          ledger_style.encoding, ledger_style.delimiter)  # fmt: skip
        right = SideWriter("bank_export.csv", _BANK_HEADERS[self.country],
                           bank_style.encoding, bank_style.delimiter)  # fmt: skip
        case = CaseWriter(name, left, right, notes={"generator": "receivables_bank",
                          "country": self.country, "n": n,
                          **date_formats(ledger_style, bank_style)})  # fmt: skip
        customers = [self._customer(rng) for _ in range(max(n // 12, 8))]
        counters: dict[int, int] = {}
        ledger = _Ledger(self.country, ledger_style, left, counters, rng)
        bank = _Bank(self.country, bank_style, right, rng, self.duplicate_share)
        while len(left.rows) < n:
            customer = rng.choice(customers)
            day = _START + dt.timedelta(days=rng.randrange(_DAYS))
            if rng.random() < self.credit_note_share:
                note = ledger.add(customer, day, -log_amount(rng, 20, 2_000), credit=True)
                if rng.random() < 0.8:
                    paid = day + dt.timedelta(days=rng.randint(2, 20))
                    text = bank.refund_text(customer, _quote(note, rng, self.country, "exact"))
                    index = bank.add(paid, text, note.cents, kind="refund")
                    case.pair(note.row, index, "refund")
                continue
            invoice = ledger.add(customer, day, log_amount(rng, 40, 25_000))
            if rng.random() < self.open_share:
                continue
            scenario = pick(rng, self.mix)
            if scenario == "discount" and not customer.discounts:
                scenario = "exact"
            paid = day + dt.timedelta(days=rng.randint(12, 55))
            if scenario == "lockbox":
                # One deposit pays the customer's invoices of about a month.
                batch = [invoice] + [
                    ledger.add(customer, day + dt.timedelta(days=rng.randint(1, _LOCKBOX_SPAN)),
                               log_amount(rng, 40, 25_000))
                    for _ in range(rng.randint(1, 4))
                ]  # fmt: skip
                self._lockbox(case, bank, batch, rng)
                continue
            if scenario == "instalments":
                parts = rng.choice((2, 2, 3))
                shares = _split(invoice.cents, parts, rng)
                for k, cents in enumerate(shares, start=1):
                    when = day + dt.timedelta(days=15 + 30 * (k - 1) + rng.randint(0, 10))
                    quote = _quote(invoice, rng, self.country, "exact")
                    text = bank.payment_text(customer, [quote], k=k, parts=parts)
                    case.pair(invoice.row, bank.add(when, text, cents), scenario)
                continue
            cents = invoice.cents
            if scenario == "discount":
                paid = day + dt.timedelta(days=rng.randint(3, 10))
                cents -= (cents * 2 + 50) // 100
            quote = None if scenario == "no_ref" else _quote(invoice, rng, self.country, scenario)
            if scenario == "wire_fee":
                cents -= rng.choice((1_500, 2_000, 2_500, 3_000))
                text = bank.wire_text(customer, quote or "")
                index = bank.add(paid, text, cents, kind="wire")
                if rng.random() < 0.5:  # the receiving bank's own fee, a row of its own
                    bank.add(paid, bank.fee_text("wire"), -rng.choice((1_000, 1_500)), "fee")
            else:
                text = bank.payment_text(customer, [quote] if quote else [])
                index = bank.add(paid, text, cents)
            case.pair(invoice.row, index, scenario)
            if rng.random() < self.noise_share:
                bank.noise(_START + dt.timedelta(days=rng.randrange(_DAYS + 30)))
        for month in range(1, 13):  # the bank's monthly fee and interest
            end = dt.date(2024, month, 28)
            bank.add(end, bank.fee_text("month"), -rng.randint(1_500, 9_500), "fee")
        return case.write(directory)

    def _lockbox(self, case: CaseWriter, bank: _Bank, batch: list[_Invoice],
                 rng: random.Random) -> None:  # fmt: skip
        last = max(invoice.day for invoice in batch)
        when = last + dt.timedelta(days=rng.randint(5, 25))
        quotes = [_quote(invoice, rng, self.country, "short_ref" if rng.random() < 0.3 else "exact")
                  for invoice in batch]  # fmt: skip
        text = bank.lockbox_text(batch[0].customer, quotes)
        index = bank.add(when, text, sum(invoice.cents for invoice in batch), kind="lockbox")
        for invoice in batch:
            case.pair(invoice.row, index, "lockbox")

    def _customer(self, rng: random.Random) -> _Customer:
        stems, trades, forms = _NAMES[self.country]
        name = f"{rng.choice(stems)} {rng.choice(trades)} {rng.choice(forms)}"
        words = _plain(name).upper().replace(".", "").replace(",", "").split()
        short = " ".join(_ABBREVIATIONS.get(word, word) for word in words)
        if self.country == "us":
            short = short[:16].rstrip()  # the ACH company name field's width
        account = (
            f"{rng.randint(1, 9)}{rng.randint(0, 999_999_999):09d}"
            if self.country == "us"
            else f"{self.country.upper()}{rng.randint(10, 99)}" + "".join(
                str(rng.randint(0, 9)) for _ in range(20))
        )  # fmt: skip
        return _Customer(name, short, account, rng.random() < 0.4)


class _Ledger:
    def __init__(self, country: str, style: Style, side: SideWriter, counters: dict[int, int],
                 rng: random.Random) -> None:  # fmt: skip
        self.country, self.style, self.side, self.counters, self.rng = (
            country, style, side, counters, rng)  # fmt: skip

    def add(self, customer: _Customer, day: dt.date, cents: int, *,
            credit: bool = False) -> _Invoice:  # fmt: skip
        seq = self.counters.get(day.year, 0) + 1
        self.counters[day.year] = seq
        number = _number(self.country, day.year, seq, credit)
        style, terms = self.style, "2% 10 Net 30" if customer.discounts else "Net 30"
        due = day + dt.timedelta(days=30)
        if self.country == "us":
            kind = "Credit Memo" if credit else "Invoice"
            memo = f"PO {self.rng.randint(10_000, 99_999)}" if self.rng.random() < 0.5 else ""
            amount = f"({_us_money(-cents)})" if cents < 0 else _us_money(cents)
            cells = [style.date(day), kind, number, customer.name, memo, style.date(due), terms,
                     amount]  # fmt: skip
        elif self.country == "it":
            kind = "Nota di credito" if credit else "Fattura"
            vat = f"IT{self.rng.randint(10**10, 10**11 - 1)}"
            cells = [number, style.date(day), customer.name, vat, style.date(due),
                     style.money(cents), kind]  # fmt: skip
        else:
            kind = "Abono" if credit else "Factura"
            cells = [number, style.date(day), customer.name, style.date(due),
                     style.money(cents), "EUR", kind]  # fmt: skip
        row = self.side.add(day, cells)
        return _Invoice(row, number, day.year, seq, day, cents, customer)


class _Bank:
    def __init__(self, country: str, style: Style, side: SideWriter, rng: random.Random,
                 duplicate_share: float) -> None:  # fmt: skip
        self.country, self.style, self.side, self.rng = country, style, side, rng
        self.duplicate_share = duplicate_share
        self.checks = 1040  # our own outgoing check numbers

    def add(self, day: dt.date, text: tuple[str, str], cents: int, kind: str = "payment",
            check: str = "") -> int:  # fmt: skip
        style, (description, remittance) = self.style, text
        if self.country == "us":
            debit = _us_plain(-cents) if cents < 0 else ""
            credit = _us_plain(cents) if cents > 0 else ""
            if kind == "lockbox" or (kind == "payment" and "CHECK" in description):
                check = check or str(self.rng.randint(1000, 99999))
            cells = [style.date(day), description, check, debit, credit]
        elif self.country == "it":
            value = day + dt.timedelta(days=self.rng.choice((0, 0, 1, 2)))
            dare = style.money(-cents) if cents < 0 else ""
            avere = style.money(cents) if cents > 0 else ""
            cells = [style.date(day), style.date(value), dare, avere, description, remittance]
        else:
            value = day + dt.timedelta(days=self.rng.choice((0, 0, 1)))
            ref1 = f"{self.rng.randint(0, 10**12 - 1):012d}"
            cells = [style.date(day), style.date(value), description, ref1, remittance[:16],
                     style.money(cents)]  # fmt: skip
        index = self.side.add(day, cells)
        if self.rng.random() < self.duplicate_share:
            self.side.export_twice(index)
        return index

    def payment_text(self, customer: _Customer, quotes: list[str], k: int = 0,
                     parts: int = 0) -> tuple[str, str]:  # fmt: skip
        rng, name, refs = self.rng, customer.bank_name, " ".join(quotes)
        if self.country == "us":
            if k:
                refs = f"{refs} PMT {k} OF {parts}" if rng.random() < 0.5 else f"{refs} PARTIAL"
            trace = f"{rng.randint(10**14, 10**15 - 1)}"
            forms = [
                f"ACH CREDIT {name} PPD ID: {customer.account} {('INV ' + refs) if refs else ''}",
                f"ORIG CO NAME:{name} ORIG ID:{customer.account} CO ENTRY DESCR:PAYMENT "
                f"SEC:CCD TRACE#:{trace} IND NAME:NORTHWIND SUPPLY"
                + (f" RMR*IV*{refs}\\" if refs else ""),
                f"{name} PAYMENTS {customer.account} {refs}",
                f"REMOTE DEPOSIT CHECK {name} {refs}",
            ]
            return rng.choice(forms).strip()[:120], ""
        if self.country == "it":
            verb = rng.choice(("ACCONTO" if k else "SALDO", "PAGAMENTO", "RIF."))
            cause = f"{verb} {refs}" if refs else rng.choice(("PAGAMENTO FORNITURA", "SALDO"))
            if k:
                cause = f"{cause} RATA {k}/{parts}"
            description = rng.choice((
                f"BONIFICO A VOSTRO FAVORE DA {name}",
                f"ACCREDITO BONIFICO SEPA ORD. {name}",
                f"BONIF. DA {name} BANCA {rng.choice(('INTESA', 'UNICREDIT', 'BPM', 'BPER'))}",
            ))  # fmt: skip
            return description, f"CAUS: {cause}"
        cause = f"FRA {refs}" if refs else "PAGO FACTURAS"
        if k:
            cause = f"PAGO PARCIAL {k} {cause}"
        return f"TRANSFERENCIA DE {name} CONCEPTO {cause}", refs or cause

    def lockbox_text(self, customer: _Customer, quotes: list[str]) -> tuple[str, str]:
        if self.country == "us":
            box = self.rng.choice(("0042", "7731"))
            text = f"LOCKBOX DEPOSIT BOX {box} {customer.bank_name} INV {' '.join(quotes)}"
            return text[:64], ""  # the deposit line's fixed width cuts a long remittance
        if self.country == "it":
            refs = " - ".join(quotes)
            return (f"BONIFICO A VOSTRO FAVORE DA {customer.bank_name}",
                    f"CAUS: SALDO FATTURE {refs}"[:70])  # fmt: skip
        refs = " ".join(quotes)
        return f"TRANSFERENCIA DE {customer.bank_name} CONCEPTO FRAS {refs}"[:60], refs

    def wire_text(self, customer: _Customer, quote: str) -> tuple[str, str]:
        if self.country == "us":
            imad = f"{self.rng.randint(10**15, 10**16 - 1)}"
            return f"WIRE TRANSFER CREDIT {customer.bank_name} REF: {quote} IMAD: {imad}", ""
        if self.country == "it":
            return (f"BONIFICO ESTERO DA {customer.bank_name} COMM. TRATTENUTE",
                    f"CAUS: FATTURA {quote}")  # fmt: skip
        return f"TRANSF. INTERNACIONAL DE {customer.bank_name} FRA {quote}", quote

    def refund_text(self, customer: _Customer, quote: str) -> tuple[str, str]:
        if self.country == "us":
            return f"ACH DEBIT REFUND {customer.bank_name} CM {quote}", ""
        if self.country == "it":
            return (f"BONIFICO A FAVORE DI {customer.bank_name}",
                    f"CAUS: RIMBORSO NOTA CREDITO {quote}")  # fmt: skip
        return f"TRANSFERENCIA A {customer.bank_name} ABONO {quote}", quote

    def fee_text(self, kind: str) -> tuple[str, str]:
        if self.country == "us":
            return ("INCOMING WIRE FEE" if kind == "wire" else "MONTHLY SERVICE FEE"), ""
        if self.country == "it":
            return ("COMMISSIONI BONIFICO ESTERO" if kind == "wire" else "CANONE MENSILE CONTO",
                    "")  # fmt: skip
        return ("COMISION TRANSFERENCIA" if kind == "wire" else "COMISION MANTENIMIENTO"), ""

    def noise(self, day: dt.date) -> None:
        rng = self.rng
        if self.country == "us":
            self.checks += 1
            choices = [
                (("ADP PAYROLL FEES ADP - TAX", ""), -rng.randint(50_000, 900_000), ""),
                ((f"CHECK {self.checks}", ""), -log_amount(rng, 50, 9_000), str(self.checks)),
                (("SQUARE INC DEPOSIT SQ240", ""), log_amount(rng, 30, 3_000), ""),
                (("ONLINE TRANSFER TO SAV XXXXXX4417", ""), -rng.randint(1, 50) * 100_000, ""),
                (("RENT PAYMENT CROWN PROPERTIES LLC", ""), -rng.randint(4_000, 6_000) * 100, ""),
            ]
        elif self.country == "it":
            choices = [
                (("ADDEBITO F24 DELEGA", "TRIBUTI"), -rng.randint(50_000, 900_000), ""),
                (("STIPENDI DIPENDENTI", "DISPOSIZIONE CUMULATIVA"),
                 -rng.randint(500_000, 3_000_000), ""),
                (("INCASSO POS", "CIRCUITO PAGOBANCOMAT"), log_amount(rng, 30, 3_000), ""),
                (("ADDEBITO SDD ENEL ENERGIA", "BOLLETTA"), -log_amount(rng, 80, 900), ""),
            ]  # fmt: skip
        else:
            choices = [
                (("PAGO TGSS SEGUROS SOCIALES", ""), -rng.randint(50_000, 900_000), ""),
                (("NOMINA EMPLEADOS", ""), -rng.randint(500_000, 3_000_000), ""),
                (("LIQUIDACION TPV", "COMERCIO"), log_amount(rng, 30, 3_000), ""),
                (("RECIBO IBERDROLA", "FACTURA LUZ"), -log_amount(rng, 80, 900), ""),
            ]
        text, cents, check = rng.choice(choices)
        self.add(day, text, cents, kind="noise", check=check)


def _number(country: str, year: int, seq: int, credit: bool) -> str:
    if country == "us":
        return f"{'CM' if credit else 'INV'}-{year}-{seq:05d}"
    if country == "it":
        return f"{'NC' if credit else 'FV'}{seq}/{year}"
    return f"{'AB' if credit else ''}{year % 100:02d}/{seq:05d}"


def _quote(invoice: _Invoice, rng: random.Random, country: str, scenario: str) -> str:
    """The invoice number as a payer writes it back."""
    year, seq, yy = invoice.year, invoice.seq, invoice.year % 100
    credit = invoice.cents < 0
    if scenario == "short_ref":
        forms = {
            "us": (f"{seq}", f"{year}-{seq}", f"INV {seq}", f"{seq:05d}", f"INV{year}{seq:05d}"),
            "it": (f"{seq}/{yy}", f"N. {seq}", f"{seq}/{year}", f"{seq:05d}/{year}"),
            "es": (f"{year}-{seq}", f"{seq}", f"{yy}{seq:05d}", f"{yy}-{seq}"),
        }[country]
        return rng.choice(forms)
    number = invoice.number
    if country == "it" and not credit:
        number = rng.choice((f"N. {seq}/{year}", number, f"{seq}/{year}"))
    if scenario == "typo":
        digits = [i for i, c in enumerate(number[:-1]) if c.isdigit() and number[i + 1].isdigit()
                  and number[i] != number[i + 1]]  # fmt: skip
        if digits:
            i = rng.choice(digits[-4:])
            number = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
    return number


def _split(cents: int, parts: int, rng: random.Random) -> list[int]:
    first = cents * rng.choice((30, 40, 50)) // 100 // 100 * 100
    if parts == 2:
        return [first, cents - first]
    second = (cents - first) // 2 // 100 * 100
    return [first, second, cents - first - second]


def _us_money(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def _us_plain(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


_STYLES = {"us": (US_LEDGER, US_BANK), "it": (IT_LEDGER, IT_BANK), "es": (ES_LEDGER, ES_BANK)}
_NAMES = {
    "us": (_US_STEMS, _US_TRADES, _US_FORMS),
    "it": (_IT_STEMS, _IT_TRADES, _IT_FORMS),
    "es": (_ES_STEMS, _ES_TRADES, _ES_FORMS),
}
_LEDGER_HEADERS = {
    "us": ["Date", "Transaction Type", "Num", "Customer", "Memo/Description", "Due Date",
           "Terms", "Amount"],
    "it": ["Numero documento", "Data documento", "Cliente", "Partita IVA", "Scadenza",
           "Importo", "Tipo documento"],
    "es": ["Nº Factura", "Fecha factura", "Cliente", "Vencimiento", "Importe", "Moneda", "Tipo"],
}  # fmt: skip
_BANK_HEADERS = {
    "us": ["Posting Date", "Description", "Check Number", "Debit", "Credit"],
    "it": ["Data contabile", "Data valuta", "Dare", "Avere", "Descrizione operazione",
           "Causale"],
    "es": ["Fecha operación", "Fecha valor", "Concepto", "Referencia 1", "Referencia 2",
           "Importe"],
}  # fmt: skip
