"""A telecom's customer billing ledger against its bank account: direct debits, returns, arrears.

Written to check that rule inference generalises (no hand rules or SQL exist for it). The left
file is a French operator's billing export (``;``, ``DD/MM/YYYY``, ``1 234,56``): one row per
monthly bill, numbered ``301234567``, the customer number ``C0012345`` beside it. Every customer
gets a bill each month, and most pay the same plan price month after month, so amounts repeat
across customers and months: amount and date alone identify little. The right file is the
operator's bank statement (cp1252, ``;``): SEPA direct-debit collections whose end-to-end id
carries the bill number (``FAC301234567``) and whose text names the mandate (``RUM C0012345``),
returned debits, re-presentations and customers' own transfers.

- ``debit``: the bill collected on its due date (0-2 days later on the statement).
- ``returned``: the debit comes back unpaid (``IMPAYE PRLV ... MOTIF AM04``, the amount negative,
  3-8 days later) and is presented again 7-14 days after that; the bill pairs with all three rows,
  whose sum is the bill.
- ``partial``: a customer in arrears pays by transfer in two parts, quoting the bill number the
  way people write it (``FACTURE 301 234 567``, ``fact. n°301234567``).
- ``no_reference``: a transfer of the exact amount naming only the customer, 2-20 days late.

Rows that must stay unmatched: the bank's fee for each returned debit, card-shop receipts and
statement rows exported twice; bills still open stay unmatched on the left.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.quality.case import Case, CaseWriter, SideWriter
from bench.quality.formats import FRENCH_BANK, Style
from bench.quality.sampling import date_formats, pick

BILLING_EXPORT = Style(
    name="fr_billing",
    encoding="utf-8",
    delimiter=";",
    date_format="%d/%m/%Y",
    decimal=",",
    thousands=" ",
)
_START = dt.date(2024, 1, 1)
_PLANS = (999, 1599, 1999, 2499, 2999, 3499, 3999, 4999)  # cents a month
_GIVEN = ("Jean", "Marie", "Pierre", "Camille", "Louis", "Chloé", "Hugo", "Léa", "Nathan", "Inès")
_FAMILY = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
           "Leroy", "Moreau", "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "Roux")  # fmt: skip
_RETURN_FEE = 750
_REASONS = ("AM04", "MS02", "AC04", "MD06")
Post = Callable[[dt.date, str, str, int], int]  # day, text, reference, cents -> row index


@dataclass(frozen=True)
class DirectDebitBilling:
    """A telecom's monthly bills (left) against its bank statement (right)."""

    mix: dict[str, float] = field(
        default_factory=lambda: {
            "debit": 0.78,
            "returned": 0.07,
            "partial": 0.07,
            "no_reference": 0.08,
        }
    )
    usage_share: float = 0.35  # bills with usage charges on top of the plan price
    open_share: float = 0.04
    shop_share: float = 0.05  # card receipts of the operator's shops, not bills
    duplicate_share: float = 0.01

    def write(self, name: str, n: int, seed: int, directory: Path) -> Case:
        rng = random.Random(seed)
        books, bank = BILLING_EXPORT, FRENCH_BANK
        left = SideWriter(
            "facturation.csv",
            ["N° client", "N° facture", "Date facture", "Date échéance", "Titulaire", "Montant TTC"],
            books.encoding,
            books.delimiter,
        )  # fmt: skip
        right = SideWriter(
            "releve.csv",
            ["Date opération", "Date valeur", "Libellé", "Référence", "Montant"],
            bank.encoding,
            bank.delimiter,
        )
        case = CaseWriter(
            name,
            left,
            right,
            notes={"generator": "direct_debit", "n": n, **date_formats(books, bank)},
        )
        customers = max(n // 10, 5)
        people = [
            (f"C{1_000_000 + 37 * k:07d}", f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}",
             rng.choice(_PLANS))
            for k in range(customers)
        ]  # fmt: skip

        def post(day: dt.date, text: str, reference: str, cents: int) -> int:
            row = [bank.date(day), bank.date(day), text, reference, bank.money(cents)]
            index = right.add(day, row)
            if rng.random() < self.duplicate_share:
                right.export_twice(index)
            return index

        bill_seq = 301_000_000
        made = 0
        month = 0
        while made < n:
            issued = _START + dt.timedelta(days=31 * (month % 12) + rng.randint(0, 2))
            for number, holder, plan in people:
                if made >= n:
                    break
                bill_seq += rng.randint(1, 9)
                bill = f"{bill_seq}"
                due = issued + dt.timedelta(days=15)
                cents = plan + (rng.randint(50, 4000) if rng.random() < self.usage_share else 0)
                row = [number, bill, books.date(issued), books.date(due), holder,
                       books.money(cents)]  # fmt: skip
                index = left.add(issued, row)
                made += 1
                if rng.random() < self.open_share:
                    continue
                self._settle(case, rng, post, index, bill, number, holder, cents, due)
            month += 1
        for _ in range(int(len(right.rows) * self.shop_share)):
            day = _START + dt.timedelta(days=rng.randint(0, 364))
            shop = rng.choice(("PARIS 11", "LYON PART DIEU", "LILLE", "NANTES"))
            post(day, f"REMISE CB BOUTIQUE {shop}", "", rng.randint(500, 30000))
        return case.write(directory)

    def _settle(self, case: CaseWriter, rng: random.Random, post: Post, index: int, bill: str,
                number: str, holder: str, cents: int, due: dt.date) -> None:  # fmt: skip
        scenario = pick(rng, self.mix)
        e2e = f"FAC{bill}"
        debit_text = f"PRLV SEPA RUM {number} ECH {due:%d%m%y}"
        if scenario == "debit":
            row = post(due + dt.timedelta(days=rng.randint(0, 2)), debit_text, e2e, cents)
            case.pair(index, row, scenario)
        elif scenario == "returned":
            first = due + dt.timedelta(days=rng.randint(0, 2))
            back = first + dt.timedelta(days=rng.randint(3, 8))
            again = back + dt.timedelta(days=rng.randint(7, 14))
            reason = rng.choice(_REASONS)
            rows = (
                post(first, debit_text, e2e, cents),
                post(back, f"IMPAYE PRLV SEPA MOTIF {reason} RUM {number}", e2e, -cents),
                post(again, f"PRLV SEPA REPRESENTATION RUM {number}", e2e, cents),
            )
            post(back, f"FRAIS IMPAYE PRLV {reason}", "", -_RETURN_FEE)
            for row in rows:
                case.pair(index, row, scenario)
        elif scenario == "partial":
            first = max(cents * rng.randint(30, 70) // 100, 100)
            day = due + dt.timedelta(days=rng.randint(10, 25))
            spaced = f"{bill[:3]} {bill[3:6]} {bill[6:]}"
            for k, part in enumerate((first, cents - first)):
                text = rng.choice((f"VIR {holder.upper()} FACTURE {spaced}",
                                   f"fact. n°{bill} acompte {k + 1}",
                                   f"REGLEMENT PARTIEL {bill} {number}"))  # fmt: skip
                row = post(day + dt.timedelta(days=k * rng.randint(5, 20)), text, "", part)
                case.pair(index, row, scenario)
        else:
            day = due + dt.timedelta(days=rng.randint(2, 20))
            text = rng.choice((f"VIR SEPA {holder.upper()}", f"VIREMENT DE M {holder.upper()}"))
            row = post(day, text, "", cents)
            case.pair(index, row, scenario)
