"""A bank account export against a sales ledger where customers pay with structured creditor
references: Finland, Belgium, Switzerland and Norway. Written to check that rule inference
generalises; no rule or parameter of inference names it.

Each country's invoices carry a payment reference derived from the invoice number through a
check-digit scheme, and its customers write it back in the bank's own way:

- ``fi``: the Finnish *viitenumero* (the invoice number and a 7-3-1 weighted check digit,
  printed in groups of five), or its ISO 11649 form ``RF`` + two check digits + the viitenumero.
  Nordea-style export: a preamble of account lines, ``;``, ``DD.MM.YYYY``, ``+1234,56``, the
  reference in a column of its own and the payer's message in another.
- ``be``: the Belgian structured communication ``+++020/2400/12345+++`` (the invoice number's
  digits zero-padded to ten and their remainder by 97). KBC-style export, the reference in the
  free-text description or in its own column, bare.
- ``ch``: the Swiss QR reference (27 digits: the customer number, the invoice number's digits,
  a recursive modulo-10 check digit) inside the advice text; the ledger does not show it.
  PostFinance-style export: preamble, credits and debits in two columns.
- ``no``: the Norwegian KID (customer number, invoice number, Luhn check digit). DNB-style export:
  ``Uttak``/``Innskudd`` columns, the KID inside the explanation.

The ledger shows the invoice number always and the reference only for some rows (or never).
Scenarios (``truth``: which ledger rows each bank row settles):

- ``structured``: one invoice paid exactly with its national reference;
- ``rf``: the same with the ISO 11649 RF reference (``ch``: an RF reference, not a QR one);
- ``multi``: one transfer paying two to four invoices of a customer, its message naming the
  invoice numbers ("Laskut 20240117, 20240118 ja 20240125"), no reference;
- ``partial``: an invoice paid in two transfers quoting its reference;
- ``overpaid``: an invoice paid with a rounded-up amount quoting its reference;
- ``credit_netted``: an invoice paid net of a credit note of the same customer (both ledger rows
  settle the transfer), the message naming both numbers or only the invoice's reference;
- ``swift_fee``: a customer abroad paying by SWIFT, the intermediary banks' fee deducted;
- ``name_only``: the exact amount, no reference, the payer's name only;
- ``typo``: the invoice number typed in the message with one digit wrong.

A share of customers are paid for by their parent company (another name on the bank side).
Rows that must stay unmatched: interest, card and account fees, outgoing payments (rent,
salaries, suppliers), invoices not paid yet, and bank rows exported twice.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.quality.case import Case, CaseWriter, SideWriter
from bench.quality.creditor_countries import (
    FINLAND,
    Country,
    Customer,
    digits_of,
    rf_reference,
)
from bench.quality.sampling import date_formats, log_amount, pick

_START = dt.date(2024, 1, 1)
_DAYS = 360
_STEMS = (
    "Aalto",
    "Nieminen",
    "Virtanen",
    "Koskinen",
    "Lehtonen",
    "Halvorsen",
    "Berg",
    "Haugen",
    "Lindqvist",
    "Nordström",
    "Peeters",
    "Janssens",
    "Maes",
    "Claes",
    "Wouters",
    "Dubois",
    "Keller",
    "Huber",
    "Meier",
    "Brunner",
    "Steiner",
    "Fjord",
    "Kivi",
    "Tuuli",
    "Revontuli",
)
_TRADES = (
    "Rakennus",
    "Logistiikka",
    "Sähkö",
    "Metalli",
    "Bygg",
    "Transport",
    "Elektro",
    "Handel",
    "Technik",
    "Software",
    "Holz",
    "Media",
    "Consulting",
    "Automation",
    "Design",
)
_FORMS = {
    "fi": ("Oy", "Oy Ab", "Ky"),
    "be": ("BV", "NV", "SRL"),
    "ch": ("AG", "GmbH", "SA"),
    "no": ("AS", "ASA", "DA"),
}
_TOWNS = {"fi": ("Helsinki", "Tampere", "Turku", "Oulu", "Espoo", "Jyväskylä"),
          "be": ("Gent", "Antwerpen", "Brugge", "Leuven", "Namur", "Liège"),
          "ch": ("Basel", "Luzern", "Bern", "Zug", "Winterthur", "St. Gallen"),
          "no": ("Bergen", "Stavanger", "Trondheim", "Tromsø", "Drammen", "Bodø")}  # fmt: skip
_MAX_MISSES = 200  # names drawn again before a branch's town is added (large cases)
_GROUPS = ("Holding", "Group", "Konserni", "Invest", "Partners")
_FOREIGN = (
    "Acme Trading Ltd",
    "Bluebird Imports Inc",
    "Pacific Supply Co",
    "Dragon Parts Ltd",
    "Maple Leaf Distribution Inc",
    "Kiwi Components Ltd",
)
_SWIFT_FEES = (1000, 1500, 2000, 2500, 3500)  # cents, OUR/SHA charges taken on the way


@dataclass
class _BankSide(SideWriter):
    """A bank export: the account lines of its preamble, then the header and the rows."""

    preamble: list[list[str]] = field(default_factory=list)

    def write(self, directory: Path, numbers: list[int]) -> Path:
        path = super().write(directory, numbers)
        if self.preamble:
            body = path.read_text(encoding=self.encoding)
            head = "".join(self.delimiter.join(line) + "\n" for line in self.preamble)
            path.write_text(head + body, encoding=self.encoding)
        return path


# -- the generator -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditorReferenceBank:
    """A sales ledger (left) against the company's bank export (right), one country's way."""

    country: Country = FINLAND
    mix: dict[str, float] = field(
        default_factory=lambda: {
            "structured": 0.38,
            "rf": 0.10,
            "multi": 0.12,
            "partial": 0.08,
            "overpaid": 0.05,
            "credit_netted": 0.07,
            "swift_fee": 0.07,
            "name_only": 0.06,
            "typo": 0.07,
        }
    )
    parent_share: float = 0.15  # customers whose parent company pays
    open_share: float = 0.07  # invoices not paid yet
    duplicate_share: float = 0.02  # bank rows exported twice
    noise_share: float = 0.15  # bank rows of other business, per paid transfer

    def write(self, name: str, n: int, seed: int, directory: Path) -> Case:
        rng = random.Random(seed)
        c = self.country
        ledger_style, bank_style = c.ledger, c.bank
        left = SideWriter(
            c.ledger_file, c.ledger_header, ledger_style.encoding, ledger_style.delimiter
        )
        right = _BankSide(
            c.bank_file,
            c.bank_header,
            bank_style.encoding,
            bank_style.delimiter,
            preamble=c.preamble,
        )
        case = CaseWriter(
            name,
            left,
            right,
            notes={
                "generator": f"creditor_refs_{c.code}",
                "n": n,
                **date_formats(ledger_style, bank_style),
            },
        )
        customers = self._customers(rng, max(n // 8, 10))
        seq = [117]

        def next_number() -> str:
            seq[0] += 1
            return c.invoice(seq[0])

        def book(
            customer: Customer, day: dt.date, cents: int, kind: str = "invoice"
        ) -> tuple[int, str, str]:
            number = next_number()
            reference = c.reference(number, customer)
            shown = reference if rng.random() < c.ledger_shows_reference else ""
            index = left.add(day, self._ledger_row(customer, number, shown, day, cents, kind))
            return index, number, reference

        def transfer(
            day: dt.date,
            cents: int,
            payer: str,
            account: str,
            reference: str,
            message: str,
            kind: str = "credit",
        ) -> int:
            index = right.add(
                day, self._bank_row(rng, day, cents, payer, account, reference, message, kind)
            )
            if rng.random() < self.duplicate_share:
                right.export_twice(index)
            return index

        made = 0
        while made < n:
            customer = rng.choice(customers)
            day = _START + dt.timedelta(days=rng.randrange(_DAYS))
            due = day + dt.timedelta(days=rng.choice((14, 14, 21, 30)))
            paid = due + dt.timedelta(days=rng.randint(-10, 12))
            cents = log_amount(rng, 40.0, 25_000.0)
            scenario = pick(rng, self.mix)
            if customer.foreign:
                scenario = "swift_fee"
            elif scenario == "swift_fee":
                scenario = "structured"
            if rng.random() < self.open_share:
                book(customer, day, cents)
                made += 1
                continue
            if scenario == "multi":
                count = rng.choice((2, 2, 3, 4))
                rows, numbers, total = [], [], 0
                for k in range(count):
                    amount = log_amount(rng, 40.0, 8_000.0)
                    index, number, _ = book(customer, day + dt.timedelta(days=k), amount)
                    rows.append(index)
                    numbers.append(number)
                    total += amount
                template = rng.choice(c.multi)
                message = template.format(a=", ".join(numbers[:-1]), b=numbers[-1])
                bank = transfer(paid, total, customer.payer, customer.account, "", message)
                for index in rows:
                    case.pair(index, bank, scenario)
                made += count
                continue
            if scenario == "credit_netted":
                index, number, reference = book(customer, day, cents)
                credit = -(cents * rng.choice((10, 20, 25, 50)) // 100)
                cn_day = day + dt.timedelta(days=rng.randint(1, 8))
                cn_index, cn_number, _ = book(customer, cn_day, credit, "credit_note")
                if rng.random() < 0.6:
                    message = rng.choice(c.netted).format(inv=number, cn=cn_number)
                    bank = transfer(
                        paid + dt.timedelta(days=8),
                        cents + credit,
                        customer.payer,
                        customer.account,
                        "",
                        message,
                    )
                else:
                    bank = transfer(
                        paid + dt.timedelta(days=8),
                        cents + credit,
                        customer.payer,
                        customer.account,
                        reference,
                        "",
                    )
                case.pair(index, bank, scenario)
                case.pair(cn_index, bank, scenario)
                made += 2
                continue
            index, number, reference = book(customer, day, cents)
            made += 1
            if scenario == "rf":
                reference = self._rf(number, reference, customer)
            if scenario in ("structured", "rf"):
                bank = transfer(paid, cents, customer.payer, customer.account, reference, "")
                case.pair(index, bank, scenario)
            elif scenario == "partial":
                first = cents * rng.choice((30, 40, 50, 60)) // 100
                one = transfer(paid, first, customer.payer, customer.account, reference, "")
                later = paid + dt.timedelta(days=rng.randint(10, 40))
                two = transfer(
                    later, cents - first, customer.payer, customer.account, reference, ""
                )
                case.pair(index, one, scenario)
                case.pair(index, two, scenario)
            elif scenario == "overpaid":
                step = rng.choice((1000, 5000, 10000))
                over = (cents // step + 1) * step
                bank = transfer(paid, over, customer.payer, customer.account, reference, "")
                case.pair(index, bank, scenario)
            elif scenario == "swift_fee":
                fee = rng.choice(_SWIFT_FEES)
                message = rng.choice(("/INV/{inv}", "INVOICE {inv}", "{inv}", "PAYMENT INV {inv}"))
                use_ref = rng.random() < 0.4
                bank = transfer(
                    paid + dt.timedelta(days=rng.randint(1, 3)),
                    cents - fee,
                    customer.payer,
                    customer.account,
                    reference if use_ref else "",
                    "" if use_ref else message.format(inv=number),
                    "swift",
                )
                case.pair(index, bank, scenario)
            elif scenario == "name_only":
                message = rng.choice(c.anonymous)
                bank = transfer(paid, cents, customer.payer, customer.account, "", message)
                case.pair(index, bank, scenario)
            elif scenario == "typo":
                message = rng.choice(c.single).format(inv=_typo(number, rng))
                bank = transfer(paid, cents, customer.payer, customer.account, "", message)
                case.pair(index, bank, scenario)
            if rng.random() < self.noise_share:
                self._noise(rng, transfer, paid)
        return case.write(directory)

    def _rf(self, number: str, reference: str, customer: Customer) -> str:
        if self.country.code == "ch":  # an RF creditor reference instead of a QR one
            return _rf_printed(rf_reference(digits_of(number)))
        return _rf_printed(rf_reference(digits_of(reference)))

    def _customers(self, rng: random.Random, count: int) -> list[Customer]:
        forms = _FORMS[self.country.code]
        names: set[str] = set()
        misses = 0
        while len(names) < count:
            stem, trade, form = rng.choice(_STEMS), rng.choice(_TRADES), rng.choice(forms)
            name = f"{stem} {trade} {form}"
            if name in names:
                misses += 1
            if misses > _MAX_MISSES:  # the plain names are taken: branches name their town
                town = rng.choice(_TOWNS[self.country.code])
                name = f"{stem} {trade} {town} {form}"
                if name in names:
                    name = f"{stem} {trade} {town} {len(names)} {form}"
            names.add(name)
        out = []
        for i, name in enumerate(sorted(names)):
            foreign = rng.random() < 0.07
            if foreign:
                name = rng.choice(_FOREIGN)
            payer = name
            if rng.random() < self.parent_share:
                payer = f"{rng.choice(_STEMS)} {rng.choice(_GROUPS)} {rng.choice(forms)}"
            out.append(
                Customer(
                    number=10000 + i * 7 + rng.randint(0, 6),
                    name=name,
                    payer=payer.upper()[:35],
                    account=_iban(rng, "GB" if foreign else self.country.code.upper()),
                    foreign=foreign,
                )
            )
        return out

    def _ledger_row(
        self, customer: Customer, number: str, reference: str, day: dt.date, cents: int, kind: str
    ) -> list[str]:
        c, style = self.country, self.country.ledger
        due = style.date(day + dt.timedelta(days=21))
        kinds = {
            "fi": ("Lasku", "Hyvityslasku"),
            "be": ("Factuur", "Creditnota"),
            "ch": ("Rechnung", "Gutschrift"),
            "no": ("Faktura", "Kreditnota"),
        }[c.code]
        values = {
            "number": number,
            "reference": reference,
            "customer_no": str(customer.number),
            "customer": customer.name,
            "date": style.date(day),
            "due": due,
            "amount": style.money(cents),
            "currency": c.currency,
            "type": kinds[0] if kind == "invoice" else kinds[1],
        }
        return [values[name] for name in c.ledger_fields]

    def _bank_row(
        self,
        rng: random.Random,
        day: dt.date,
        cents: int,
        payer: str,
        account: str,
        reference: str,
        message: str,
        kind: str,
    ) -> list[str]:
        c, style = self.country, self.country.bank
        booked = day + dt.timedelta(days=rng.choice((0, 0, 0, 1)))
        if c.code == "fi":
            label = {
                "credit": "TILISIIRTO",
                "swift": "ULKOMAAN MAKSU",
                "fee": "PALVELUMAKSU",
                "debit": "TILISIIRTO",
                "interest": "KORKO",
                "card": "KORTTIOSTO",
            }[kind]
            bic = "" if not account else ("NDEAFIHH" if account.startswith("FI") else "BARCGB22")
            return [
                style.date(booked),
                style.date(day),
                style.money(cents, plus=True),
                payer,
                account,
                bic,
                label,
                reference,
                message,
            ]
        if c.code == "be":
            statement = f"2024/{day.isocalendar().week:03d}"
            ogm_bare = digits_of(reference) if reference.startswith("+++") else ""
            where = rng.random()
            description = f"OVERSCHRIJVING VAN {payer} {account}".strip()
            if kind in ("fee", "interest", "card", "debit"):
                description = message
                message = ""
            elif reference and where < 0.5:
                description += f" MET STRUCTURELE MEDEDELING {reference}"
                ogm_bare = ""
            elif reference and not ogm_bare:  # an RF reference in the free communication
                message = reference
            elif message:
                description += f" MEDEDELING : {message}"
            return [
                c.own_iban,
                statement,
                style.date(booked),
                description,
                style.date(day),
                style.money(cents),
                c.currency,
                payer,
                account,
                ogm_bare,
                message,
            ]
        if c.code == "ch":
            if kind in ("fee", "interest", "card", "debit"):
                text = message
            elif reference:
                label = "REFERENZEN" if reference[:2] != "RF" else "REFERENZ"
                text = f"GUTSCHRIFT QR-IBAN VON: {payer} {account} {label}: {reference}"
            else:
                text = f"GUTSCHRIFT VON: {payer} {account} MITTEILUNGEN: {message}".strip()
            credit = style.money(cents) if cents > 0 else ""
            debit = style.money(cents) if cents < 0 else ""
            return [style.date(booked), text, credit, debit, style.date(day), ""]
        # Norway: one explanation text, withdrawals and deposits apart.
        if kind in ("fee", "interest", "card", "debit"):
            text = message
        elif reference and reference.startswith("RF"):
            text = f"Giro {reference} {payer}"
        elif reference:
            text = f"Giro KID {reference} Fra: {payer}"
        else:
            text = f"Nettgiro fra: {payer} Betalt: {style.date(day)} {message}".strip()
        withdrawal = style.money(-cents) if cents < 0 else ""
        deposit = style.money(cents) if cents > 0 else ""
        return [style.date(booked), text, style.date(day), withdrawal, deposit]

    def _noise(self, rng: random.Random, transfer: Callable[..., int], day: dt.date) -> None:
        """A bank row of other business: it settles no invoice."""
        c = self.country
        words = {
            "fi": (
                "Korko {m}",
                "Korttimaksut {m}",
                "Palvelumaksu SEPA",
                "Vuokra {m}",
                "Palkat {m}",
                "Toimittajan lasku 88{r}",
            ),
            "be": (
                "Intresten {m}",
                "Kaartkosten {m}",
                "Beheerskosten {m}",
                "Huur {m}",
                "Lonen {m}",
                "Leverancier factuur 88{r}",
            ),
            "ch": (
                "Zins {m}",
                "Kartengebühren {m}",
                "Kontoführung {m}",
                "Miete {m}",
                "Löhne {m}",
                "Lieferantenrechnung 88{r}",
            ),
            "no": (
                "Renter {m}",
                "Kortgebyr {m}",
                "Gebyr {m}",
                "Husleie {m}",
                "Lønn {m}",
                "Leverandørfaktura 88{r}",
            ),
        }[c.code]
        which = rng.randrange(len(words))
        text = words[which].format(m=f"{day.month:02d}/{day.year}", r=rng.randint(1000, 9999))
        kind = ("interest", "card", "fee", "debit", "debit", "debit")[which]
        if which == 0:
            cents = rng.randint(10, 4_000)
        elif which in (1, 2):
            cents = -rng.randint(35, 6_000)
        else:
            cents = -log_amount(rng, 300.0, 40_000.0)
        transfer(day, cents, "", "", "", text, kind)


def _rf_printed(reference: str) -> str:
    """An RF reference in groups of four from the left, as printed on an invoice."""
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


def _typo(number: str, rng: random.Random) -> str:
    digits = [i for i, ch in enumerate(number) if ch.isdigit()][-4:]
    chars = list(number)
    pos = rng.choice(digits)
    chars[pos] = str((int(chars[pos]) + rng.randint(1, 9)) % 10)
    return "".join(chars)


def _iban(rng: random.Random, country: str) -> str:
    length = {"FI": 16, "BE": 14, "CH": 19, "NO": 13, "GB": 20}[country]
    return country + "".join(str(rng.randint(0, 9)) for _ in range(length))
