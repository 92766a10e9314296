"""Generators of realistic reconciliation cases with known truth (seeded, deterministic).

Three families, each a pair of files a finance team really holds, with the share of each
situation a parameter:

- ``bank_ledger``: a sales ledger (one row per invoice) against a bank export: the invoice number
  sits in the free-text purpose, fees deducted, typos, invoices paid in 2-3 transfers, batch
  transfers quoting the first invoice with "ff", transfers without any number, rows exported twice.
- ``payouts_orders``: shop orders against a bank account receiving the payment processor's
  payouts; one payout is many charges (and refunds) minus per-charge fees.
- ``vendor_ap``: AP invoices against outgoing vendor payments whose remittance text lists the
  vendor's invoice numbers (batches, early-payment discounts, credit notes, instalments, payments
  quoting the company's own document number instead).

:data:`GENERATORS` names the variants the benchmark runs: other languages, date and number
formats, token shapes and scenario mixes. Every variant writes real files (encodings, separators,
headers of the exporting system); nothing here knows how Tally will read them.
"""

from __future__ import annotations

import datetime as dt
import random
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.quality.acquirer import AcquirerSettlement
from bench.quality.case import Case, CaseWriter, SideWriter
from bench.quality.creditor_countries import COUNTRIES
from bench.quality.creditor_refs import CreditorReferenceBank
from bench.quality.direct_debit import DirectDebitBilling
from bench.quality.formats import (
    BRITISH_BANK,
    DUTCH_BANK,
    FRENCH_BANK,
    GERMAN_BANK,
    GERMAN_ERP,
    ISO_EXPORT,
    SWISS_EXPORT,
    US_EXPORT,
    Style,
    fill,
)
from bench.quality.insurance import InsurancePremiums
from bench.quality.intercompany import IntercompanyNetGross
from bench.quality.marketplace import MarketplaceOrders
from bench.quality.payroll import PayrollBank
from bench.quality.receivables import ReceivablesBank
from bench.quality.sampling import customers as _customers
from bench.quality.sampling import date_formats as _formats
from bench.quality.sampling import log_amount as _amount
from bench.quality.sampling import pick as _pick
from bench.quality.tokens import SHAPES, TokenShape

START = dt.date(2024, 1, 1)
_FIRST = ("Anna", "Jonas", "Lena", "Lukas", "Marie", "Paul", "Sophie", "Leon", "Emma", "Felix")


def _bank_name(name: str, rng: random.Random) -> str:
    """How a bank shows a payer's name: upper case, umlauts spelled out, cut at 27 characters."""
    roll = rng.random()
    if roll < 0.4:
        return name
    spelled = (
        name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss")
        if roll < 0.8
        else unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    )
    return spelled.upper()[:27]


def _partition(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` cents cut into ``parts`` positive amounts (round hundreds for all but the last)."""
    out: list[int] = []
    left = total
    for k in range(parts - 1):
        share = rng.uniform(0.2, 0.6) if k == 0 else rng.uniform(0.3, 0.7)
        cut = max(int(left * share) // 10000 * 10000, 100)
        if cut >= left:
            cut = left // 2
        out.append(cut)
        left -= cut
    out.append(left)
    return out


def _iban(rng: random.Random, country: str = "DE") -> str:
    return country + "".join(rng.choice(string.digits) for _ in range(20))


def _bank_export(bank: Style) -> SideWriter:
    """A bank's account export: booking and value date, kind, party, account, purpose, amount."""
    columns = ("booking", "value", "kind", "party", "account", "purpose", "amount", "currency")
    return SideWriter("bank.csv", [bank.word(k) for k in columns], bank.encoding, bank.delimiter)


# -- bank export vs sales ledger -----------------------------------------------------------------

LEDGER_HEADERS = {
    "en": ["Invoice", "Invoice date", "Due date", "Customer", "Customer no", "Amount", "Currency"],
    "de": ["Rechnungsnr", "Rechnungsdatum", "Fällig am", "Kunde", "Kundennr", "Brutto", "Währung"],
    "fr": ["N° facture", "Date facture", "Échéance", "Client", "Code client", "Montant TTC", "Devise"],
}  # fmt: skip


@dataclass(frozen=True)
class BankLedger:
    """A sales ledger (left) against the bank account receiving the customers' transfers (right)."""

    bank: Style = GERMAN_BANK
    ledger: Style = ISO_EXPORT
    ledger_language: str = "en"
    shape: TokenShape = SHAPES["prefix"]
    currency: str = "EUR"
    mix: dict[str, float] = field(
        default_factory=lambda: {
            "exact": 0.52,
            "fee": 0.10,
            "typo": 0.08,
            "split": 0.08,
            "batch": 0.12,
            "no_reference": 0.10,
        }
    )
    duplicate_share: float = 0.02  # bank rows exported twice
    open_share: float = 0.08  # invoices not paid yet
    other_share: float = 0.12  # bank rows unrelated to any invoice
    lookalike_share: float = 0.01  # unrelated credits whose amount equals an open invoice

    def write(self, name: str, n: int, seed: int, directory: Path) -> Case:
        rng = random.Random(seed)
        customers = _customers(rng, max(40, n // 25))
        numbers = {c: f"K{10000 + i}" for i, c in enumerate(customers)}
        ibans = {c: _iban(rng, "DE") for c in customers}
        header = LEDGER_HEADERS[self.ledger_language]
        left = SideWriter("ledger.csv", header, self.ledger.encoding, self.ledger.delimiter)
        w = self.bank.word
        right = _bank_export(self.bank)
        case = CaseWriter(
            name,
            left,
            right,
            notes={"generator": "bank_ledger", "n": n, **_formats(self.ledger, self.bank)},
        )
        seq = 0
        span = 330  # invoice dates spread over the year, in number order

        def invoice(customer: str, cents: int) -> tuple[int, str, dt.date]:
            nonlocal seq
            seq += 1
            ref = self.shape.make(seq, rng)
            day = START + dt.timedelta(days=seq * span // max(n, 1) + rng.randint(0, 2))
            due = day + dt.timedelta(days=rng.choice((14, 30, 30, 45)))
            row = [
                ref,
                self.ledger.date(day),
                self.ledger.date(due),
                customer,
                numbers[customer],
                self.ledger.money(cents),
                self.currency,
            ]
            return left.add(day, row), ref, day

        def transfer(day: dt.date, customer: str, purpose: str, cents: int) -> int:
            value = day + dt.timedelta(days=rng.choice((0, 0, 1)))
            row = [
                self.bank.date(day),
                self.bank.date(value),
                w("transfer") if cents > 0 else w("debit"),
                _bank_name(customer, rng),
                ibans[customer],
                purpose,
                self.bank.money(cents),
                self.currency,
            ]
            index = right.add(day, row)
            if rng.random() < self.duplicate_share:
                right.export_twice(index)
            return index

        def paid_on(day: dt.date) -> dt.date:
            lag = rng.randint(2, 12) if rng.random() < 0.6 else rng.randint(0, 45)
            return day + dt.timedelta(days=lag)

        def purpose(template_pool: tuple[str, ...], ref: str, customer: str, **more: str) -> str:
            return fill(
                rng.choice(template_pool),
                rng,
                ref=self.shape.restyle(ref, rng),
                customer=customer,
                custno=numbers[customer],
                date=self.bank.date(START),
                **more,
            )

        open_invoices: list[tuple[int, dt.date, str]] = []
        paid = 0
        while paid < n:
            customer = rng.choice(customers)
            if rng.random() < self.open_share:
                cents = _amount(rng)
                _, _, day = invoice(customer, cents)
                open_invoices.append((cents, day, customer))
                paid += 1
                continue
            scenario = _pick(rng, self.mix)
            if scenario == "batch":
                k = rng.randint(2, 4)
                amounts = [_amount(rng, 15, 3000) for _ in range(k)]
                members = [invoice(customer, cents) for cents in amounts]
                total = sum(amounts)
                day = paid_on(members[-1][2])
                text = purpose(self.bank.batch, members[0][1], customer)
                bank_row = transfer(day, customer, text, total)
                for index, _, _ in members:
                    case.pair(index, bank_row, scenario)
                paid += k
                continue
            cents = _amount(rng)
            index, ref, day = invoice(customer, cents)
            paid += 1
            if scenario == "split":
                parts = _partition(rng, cents, rng.randint(2, 3))
                when = paid_on(day)
                for k, part in enumerate(parts, 1):
                    text = purpose(self.bank.partial, ref, customer, k=str(k), n=str(len(parts)))
                    case.pair(index, transfer(when, customer, text, part), scenario)
                    when += dt.timedelta(days=rng.randint(3, 25))
                continue
            net = cents
            text = purpose(self.bank.purposes, ref, customer)
            if scenario == "fee":
                if rng.random() < 0.6:
                    fee = rng.choice((150, 250, 500, 750, 1000, 1500))
                else:  # a percentage, capped as correspondent banks do
                    fee = min(int(cents * rng.uniform(0.002, 0.015)), 2500)
                net = max(cents - fee, 100)
            elif scenario == "typo":
                text = purpose(self.bank.purposes, self.shape.typo(ref, rng), customer)
            elif scenario == "no_reference":
                text = fill(rng.choice(self.bank.unrelated[-1:]), rng, customer=customer)
            case.pair(index, transfer(paid_on(day), customer, text, net), scenario)

        others = int(len(right.rows) * self.other_share)
        for _ in range(others):
            day = START + dt.timedelta(days=rng.randint(0, 364))
            cents = -_amount(rng, 5, 8000) if rng.random() < 0.8 else _amount(rng, 1, 500)
            party = rng.choice(customers) if rng.random() < 0.1 else "Stadtwerke / Vermieter"
            ibans.setdefault(party, _iban(rng))
            numbers.setdefault(party, "")
            text = fill(rng.choice(self.bank.unrelated[:-1]), rng, customer=party)
            transfer(day, party, text, cents)
        for cents, day, _ in rng.sample(
            open_invoices, min(len(open_invoices), int(n * self.lookalike_share))
        ):
            stranger = rng.choice(customers)
            text = fill(self.bank.unrelated[-1], rng, customer=stranger)
            transfer(day + dt.timedelta(days=rng.randint(0, 10)), stranger, text, cents)
        return case.write(directory)


# -- processor payouts vs orders ------------------------------------------------------------------


@dataclass(frozen=True)
class PayoutsOrders:
    """Shop orders (left) against the bank account the payment processor pays out to (right).

    A payout is one bank credit for a merchant's charges of a day, net of a per-charge fee and of
    refunds; each order row names its payout, and the bank text quotes the payout's id.
    """

    bank: Style = GERMAN_BANK
    orders: Style = US_EXPORT
    processor: str = "STRIPE PAYMENTS EUROPE LTD"
    id_shape: str = "stripe"
    fee_pct: float = 0.014
    fee_fixed: int = 25  # cents per charge
    max_charges: int = 8
    mix: dict[str, float] = field(
        default_factory=lambda: {"payout": 0.75, "single": 0.15, "with_refund": 0.10}
    )
    unpaid_share: float = 0.06  # orders paid by invoice or not paid out yet
    other_share: float = 0.10

    def write(self, name: str, n: int, seed: int, directory: Path) -> Case:
        rng = random.Random(seed)
        shape = TokenShape(self.id_shape)
        stores = [f"{s} Shop" for s in _customers(rng, max(10, n // 200))]
        left = SideWriter(
            "orders.csv",
            ["Order", "Created", "Store", "Email", "Total", "Currency", "Gateway", "Payout"],
            self.orders.encoding,
            self.orders.delimiter,
        )
        w = self.bank.word
        right = _bank_export(self.bank)
        case = CaseWriter(
            name,
            left,
            right,
            notes={"generator": "payouts_orders", "n": n, **_formats(self.orders, self.bank)},
        )
        processor_iban = _iban(rng, "IE")
        order_no = 1000
        payout_seq = 0

        def order(day: dt.date, store: str, cents: int, gateway: str, payout: str) -> int:
            nonlocal order_no
            order_no += 1
            email = f"{rng.choice(_FIRST).lower()}.{order_no}@example.com"
            label = f"#{order_no}" if cents > 0 else f"#{order_no - rng.randint(1, 50)}-R"
            row = [
                label,
                self.orders.date(day),
                store,
                email,
                self.orders.money(cents),
                "EUR",
                gateway,
                payout,
            ]
            return left.add(day, row)

        def bank(day: dt.date, party: str, account: str, text: str, cents: int) -> int:
            row = [
                self.bank.date(day),
                self.bank.date(day),
                w("transfer") if cents > 0 else w("debit"),
                party,
                account,
                text,
                self.bank.money(cents),
                "EUR",
            ]
            return right.add(day, row)

        made = 0
        while made < n:
            store = rng.choice(stores)
            day = START + dt.timedelta(days=rng.randint(0, 360))
            if rng.random() < self.unpaid_share:
                order(day, store, _amount(rng, 5, 900), rng.choice(("Invoice", "PayPal")), "")
                made += 1
                continue
            scenario = _pick(rng, self.mix)
            payout_seq += 1
            payout = shape.make(payout_seq, rng)
            k = 1 if scenario == "single" else rng.randint(2, self.max_charges)
            charges = [_amount(rng, 5, 900) for _ in range(k)]
            rows = [order(day, store, c, "Stripe", payout) for c in charges]
            net = sum(c - round(c * self.fee_pct) - self.fee_fixed for c in charges)
            if scenario == "with_refund":
                refund = -min(charges[0], _amount(rng, 5, 200))
                rows.append(order(day, store, refund, "Stripe", payout))
                net += refund
            made += len(rows)
            arrival = day + dt.timedelta(days=rng.choice((2, 2, 3, 4)))
            text = f"{self.processor} {payout} {store[:20].upper()}"
            if self.id_shape == "batch":
                text = f"ADYEN N.V. BATCH {payout} MERCHANT {store[:16].upper()}"
            bank_row = bank(arrival, self.processor, processor_iban, text, net)
            for row in rows:
                case.pair(row, bank_row, scenario)
        for _ in range(int(len(right.rows) * self.other_share)):
            day = START + dt.timedelta(days=rng.randint(0, 364))
            cents = -_amount(rng, 5, 8000)
            text = fill(rng.choice(self.bank.unrelated[:-1]), rng, customer="")
            bank(day, "Vermieter / Lieferant", _iban(rng), text, cents)
        return case.write(directory)


# -- vendor payments vs AP invoices ---------------------------------------------------------------


@dataclass(frozen=True)
class VendorAP:
    """AP invoices (left, positive) against outgoing vendor payments (right, negative)."""

    bank: Style = BRITISH_BANK
    erp: Style = GERMAN_ERP
    discount_pct: float = 0.02
    mix: dict[str, float] = field(
        default_factory=lambda: {
            "single": 0.45,
            "discount": 0.15,
            "batch": 0.20,
            "credit_note": 0.05,
            "instalments": 0.07,
            "own_document_no": 0.08,
        }
    )
    open_share: float = 0.08
    other_share: float = 0.08

    def write(self, name: str, n: int, seed: int, directory: Path) -> Case:
        rng = random.Random(seed)
        vendors = _customers(rng, max(30, n // 40))
        # Every vendor numbers its invoices its own way.
        vendor_shape = {
            v: TokenShape(rng.choice(("prefix", "year", "slash", "digits", "suffix")))
            for v in vendors
        }
        vendor_seq = {v: rng.randint(10, 5000) for v in vendors}
        accounts = {v: _iban(rng, rng.choice(("DE", "GB", "FR", "NL"))) for v in vendors}
        left = SideWriter(
            "ap_invoices.csv",
            ["Belegnr", "Lieferant", "Rechnungsnr Lieferant", "Belegdatum", "Fällig", "Betrag", "Währung"],
            self.erp.encoding,
            self.erp.delimiter,
        )  # fmt: skip
        w = self.bank.word
        right = SideWriter(
            "payments.csv",
            [w(k) for k in ("booking", "kind", "party", "account", "purpose", "amount")],
            self.bank.encoding,
            self.bank.delimiter,
        )
        case = CaseWriter(
            name,
            left,
            right,
            notes={"generator": "vendor_ap", "n": n, **_formats(self.erp, self.bank)},
        )
        doc = 5100000000

        def ap_invoice(vendor: str, cents: int, day: dt.date) -> tuple[int, str, str]:
            nonlocal doc
            doc += 1
            vendor_seq[vendor] += rng.randint(1, 40)
            ref = vendor_shape[vendor].make(vendor_seq[vendor], rng)
            if cents < 0:
                ref = f"CN-{ref}"
            due = day + dt.timedelta(days=rng.choice((14, 30, 60)))
            row = [
                str(doc),
                vendor,
                ref,
                self.erp.date(day),
                self.erp.date(due),
                self.erp.money(cents),
                "EUR",
            ]
            return left.add(day, row), ref, str(doc)

        def payment(day: dt.date, vendor: str, text: str, cents: int) -> int:
            row = [
                self.bank.date(day),
                w("debit"),
                vendor.upper()[:30],
                accounts[vendor],
                text,
                self.bank.money(-cents),
            ]
            return right.add(day, row)

        made = 0
        while made < n:
            vendor = rng.choice(vendors)
            day = START + dt.timedelta(days=rng.randint(0, 330))
            if rng.random() < self.open_share:
                ap_invoice(vendor, _amount(rng, 20, 20000), day)
                made += 1
                continue
            scenario = _pick(rng, self.mix)
            pay_day = day + dt.timedelta(days=rng.randint(5, 40))
            if scenario in ("batch", "credit_note"):
                k = rng.randint(2, 5)
                members = [
                    (_amount(rng, 20, 5000), day + dt.timedelta(days=rng.randint(0, 20)))
                    for _ in range(k)
                ]
                if scenario == "credit_note":
                    members.append((-min(members[0][0] // 2, _amount(rng, 10, 500)), day))
                written = [ap_invoice(vendor, c, d) for c, d in members]
                refs = ", ".join(ref for _, ref, _ in written)
                text = f"REMITTANCE {refs}"[:140]
                bank_row = payment(pay_day, vendor, text, sum(c for c, _ in members))
                for index, _, _ in written:
                    case.pair(index, bank_row, scenario)
                made += len(written)
                continue
            cents = _amount(rng, 20, 20000)
            index, ref, doc_no = ap_invoice(vendor, cents, day)
            made += 1
            if scenario == "instalments":
                parts = _partition(rng, cents, 2)
                for k, part in enumerate(parts, 1):
                    text = f"INSTALMENT {k}/2 INV {ref}"
                    when = pay_day + dt.timedelta(days=30 * (k - 1))
                    case.pair(index, payment(when, vendor, text, part), scenario)
                continue
            paid = cents
            text = rng.choice((f"INV {ref}", f"INVOICE {ref} {vendor[:12].upper()}", f"{ref}"))
            if scenario == "discount":
                paid = cents - round(cents * self.discount_pct)
                text = f"INV {ref} LESS {self.discount_pct:.0%} DISCOUNT"
            elif scenario == "own_document_no":
                text = f"YOUR REF {doc_no}"
            case.pair(index, payment(pay_day, vendor, text, paid), scenario)
        for _ in range(int(len(right.rows) * self.other_share)):
            day = START + dt.timedelta(days=rng.randint(0, 364))
            vendor = rng.choice(vendors)
            text = fill(rng.choice(self.bank.unrelated[:-1]), rng, customer=vendor)
            payment(day, vendor, text, _amount(rng, 5, 3000))
        return case.write(directory)


Generator = (
    BankLedger
    | PayoutsOrders
    | VendorAP
    | MarketplaceOrders
    | AcquirerSettlement
    | PayrollBank
    | CreditorReferenceBank
    | InsurancePremiums
)

GENERATORS: dict[str, Generator] = {
    # (a) the case of the issue: German bank export (cp1252, ';', 1.234,56) vs an ISO ledger.
    "bank_ledger_de": BankLedger(),
    # (d) the same kind of case written other ways, with other token shapes and shares.
    "bank_ledger_fr": BankLedger(
        bank=FRENCH_BANK,
        ledger=GERMAN_ERP,
        ledger_language="fr",
        shape=SHAPES["slash"],
        mix={
            "exact": 0.40,
            "fee": 0.15,
            "typo": 0.10,
            "split": 0.15,
            "batch": 0.10,
            "no_reference": 0.10,
        },
    ),
    "bank_ledger_nl": BankLedger(
        bank=DUTCH_BANK,
        ledger=US_EXPORT,
        shape=SHAPES["digits"],
        mix={
            "exact": 0.60,
            "fee": 0.05,
            "typo": 0.10,
            "split": 0.05,
            "batch": 0.15,
            "no_reference": 0.05,
        },
        duplicate_share=0.05,
    ),
    "bank_ledger_gb": BankLedger(
        bank=BRITISH_BANK,
        ledger=SWISS_EXPORT,
        ledger_language="de",
        shape=SHAPES["suffix"],
        mix={
            "exact": 0.35,
            "fee": 0.20,
            "typo": 0.15,
            "split": 0.10,
            "batch": 0.15,
            "no_reference": 0.05,
        },
        open_share=0.15,
        other_share=0.25,
    ),
    # (b) processor payouts vs orders.
    "payouts_orders": PayoutsOrders(),
    "payouts_orders_adyen": PayoutsOrders(
        bank=BRITISH_BANK,
        orders=ISO_EXPORT,
        processor="ADYEN N.V.",
        id_shape="batch",
        fee_pct=0.029,
        fee_fixed=30,
        max_charges=5,
    ),
    # (c) vendor payments vs AP invoices with remittance text.
    "vendor_ap": VendorAP(),
    "vendor_ap_de": VendorAP(
        bank=GERMAN_BANK,
        erp=ISO_EXPORT,
        discount_pct=0.03,
        mix={
            "single": 0.30,
            "discount": 0.25,
            "batch": 0.25,
            "credit_note": 0.05,
            "instalments": 0.05,
            "own_document_no": 0.10,
        },
    ),
    # (e) a case of another shape, written to check inference generalises
    # (bench.quality.marketplace); no hand-tuned rules or SQL exist for it.
    "marketplace_es": MarketplaceOrders(),
    # (f) a card acquirer's settlement report vs a shop's terminal export
    # (bench.quality.acquirer), written the same way: no hand-tuned rules or SQL exist for it.
    "acquirer_de": AcquirerSettlement(),
    # (g) an HR payroll register vs a Polish bank statement (bench.quality.payroll): employee
    # numbers that repeat every month, transfers naming only the payee; no hand rules or SQL.
    "payroll_pl": PayrollBank(),
    # (h) a sales ledger vs a bank export paid with structured creditor references derived from
    # the invoice number by check digits (bench.quality.creditor_refs): Finnish viitenumero/RF,
    # Belgian +++OGM+++, Swiss QR, Norwegian KID; no hand rules or SQL.
    "bank_ledger_nordic": CreditorReferenceBank(),
    "bank_ledger_be": CreditorReferenceBank(country=COUNTRIES["be"]),
    "bank_ledger_ch": CreditorReferenceBank(country=COUNTRIES["ch"]),
    "bank_ledger_no": CreditorReferenceBank(country=COUNTRIES["no"]),
    # (i) a US/IT/ES bank account export vs a sales ledger (bench.quality.receivables): ACH and
    # lockbox remittances, CBI and Norma 43 texts, payers restyling invoice numbers; no hand rules.
    "bank_ledger_us": ReceivablesBank(country="us"),
    "bank_ledger_it": ReceivablesBank(country="it"),
    "bank_ledger_es": ReceivablesBank(country="es"),
    # (j) a telecom's monthly bills vs its bank statement (bench.quality.direct_debit): SEPA
    # debits returned and presented again, arrears paid in parts, plan prices repeating across
    # customers and months; no hand rules or SQL.
    "direct_debit_fr": DirectDebitBilling(),
    # (k) one group company's intercompany invoices booked net vs the other's purchase journal
    # booked gross with 0/7/19 % VAT (bench.quality.intercompany); no hand rules or SQL.
    "intercompany_vat": IntercompanyNetGross(),
    # (l) an insurer's premium ledger vs a Brazilian bank statement (bench.quality.insurance):
    # policy numbers PL-2025-004512 quoted whole in the text or by their sequence alone (4512)
    # in a column of their own, less a fixed boleto fee; no hand rules or SQL.
    "insurance_br": InsurancePremiums(),
}

WriteCase = Callable[[str, int, int, Path], Case]


def generate(name: str, n: int, seed: int, directory: Path) -> Case:
    """Write generator ``name``'s case of about ``n`` left rows into ``directory``."""
    try:
        generator = GENERATORS[name]
    except KeyError:
        raise ValueError(f"unknown generator {name!r}; one of {', '.join(GENERATORS)}") from None
    return generator.write(name, n, seed, directory)
