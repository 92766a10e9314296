"""Two group companies' books of the same intercompany invoices: one books net, the other gross.

Written to check that rule inference generalises (no hand rules or SQL exist for it). The left
file is the selling company's intercompany receivables (ISO dates, ``1234.56``): invoice numbers
``ICR-2024-000123``, amounts **net**. The right file is the buying company's purchase journal
(``;``, ``DD.MM.YYYY``, ``1.234,56``, German headers): its own voucher number ``ER24-55123`` and
the supplier's invoice number as its clerks typed it (``ICR-2024-000123``, ``ICR 2024/123``,
``2024000123``), amounts **gross**: net plus 19 % or 7 % VAT, or no VAT for exempt services,
rounded to the cent, and booked 1-20 days after the invoice.

- ``single``: one journal line per invoice.
- ``cost_centres``: the buyer splits the invoice across two cost centres, VAT rounded per line
  (the two lines can differ by a cent from the invoice's own gross).
- ``credit_note``: a credit note (negative) booked the same way.
- ``typo``: a clerk's typo in the supplier invoice number (two digits swapped).
- ``no_reference``: the supplier number left empty: only the amount, the date and the text tie it.

Rows that must stay unmatched: invoices the buyer has not booked yet (left), the buyer's
purchases from outside the group, and journal lines posted twice.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from bench.quality.case import Case, CaseWriter, SideWriter
from bench.quality.formats import GERMAN_BANK, ISO_EXPORT, Style
from bench.quality.sampling import date_formats, log_amount, pick

JOURNAL = Style(
    name="de_journal",
    encoding="utf-8",
    delimiter=";",
    date_format="%d.%m.%Y",
    decimal=GERMAN_BANK.decimal,
    thousands=GERMAN_BANK.thousands,
)
_START = dt.date(2024, 1, 1)
_VAT = {1900: 0.6, 700: 0.25, 0: 0.15}  # basis points -> share of invoices
_SERVICES = ("Management fee", "IT services", "Licence fee", "Goods delivery", "Rent share",
             "Logistics", "Marketing services", "Staff recharge")  # fmt: skip
_SUPPLIERS = ("Bürobedarf Schmitt GmbH", "Telekom Deutschland", "Stadtwerke", "Spedition Kraus",
              "Kanzlei Weber", "Reinigung Blitz", "Druckerei Hansa")  # fmt: skip


def _gross(net: int, vat_bp: int) -> int:
    """Net cents plus VAT at ``vat_bp`` basis points, rounded half up to the cent."""
    return net + (abs(net) * vat_bp + 5000) // 10000 * (1 if net >= 0 else -1)


@dataclass(frozen=True)
class IntercompanyNetGross:
    """The seller's intercompany receivables, net (left), against the buyer's journal, gross."""

    mix: dict[str, float] = field(
        default_factory=lambda: {
            "single": 0.68,
            "cost_centres": 0.10,
            "credit_note": 0.07,
            "typo": 0.07,
            "no_reference": 0.08,
        }
    )
    unbooked_share: float = 0.06
    outside_share: float = 0.15
    duplicate_share: float = 0.01

    def write(self, name: str, n: int, seed: int, directory: Path) -> Case:
        rng = random.Random(seed)
        seller, buyer = ISO_EXPORT, JOURNAL
        left = SideWriter(
            "ic_receivables.csv",
            ["document", "posting_date", "partner", "text", "net_amount", "currency"],
            seller.encoding,
            seller.delimiter,
        )
        right = SideWriter(
            "eingangsrechnungen.csv",
            ["Belegnr", "Belegdatum", "Lieferant", "Lieferanten-RgNr", "Buchungstext",
             "Kostenstelle", "Bruttobetrag", "USt-Satz"],
            buyer.encoding,
            buyer.delimiter,
        )  # fmt: skip
        case = CaseWriter(
            name,
            left,
            right,
            notes={"generator": "intercompany", "n": n, **date_formats(seller, buyer)},
        )
        voucher = 55_000

        def journal(day: dt.date, supplier: str, ref: str, text: str, centre: str, cents: int,
                    vat_bp: int) -> int:  # fmt: skip
            nonlocal voucher
            voucher += 1
            row = [f"ER24-{voucher}", buyer.date(day), supplier, ref, text, centre,
                   buyer.money(cents), f"{vat_bp // 100} %"]  # fmt: skip
            index = right.add(day, row)
            if rng.random() < self.duplicate_share:
                right.export_twice(index)
            return index

        for seq in range(1, n + 1):
            day = _START + dt.timedelta(days=rng.randint(0, 350))
            scenario = pick(rng, self.mix)
            service = rng.choice(_SERVICES)
            net = log_amount(rng, 50, 60_000)
            if scenario == "credit_note":
                net = -log_amount(rng, 20, 5_000)
            number = f"ICR-2024-{seq:06d}"
            text = f"{service} {day:%m/%Y}"
            index = left.add(day, [number, seller.date(day), "Nordwerk Holding GmbH", text,
                                   seller.money(net), "EUR"])  # fmt: skip
            if rng.random() < self.unbooked_share:
                continue
            vat_bp = pick(rng, {f"{k}": v for k, v in _VAT.items()})
            vat = int(vat_bp)
            booked = day + dt.timedelta(days=rng.randint(1, 20))
            ref = rng.choice((number, f"ICR 2024/{seq}", f"2024{seq:06d}"))
            if scenario == "typo":
                digits = list(number)
                k = rng.randrange(len(digits) - 4, len(digits) - 1)
                digits[k], digits[k + 1] = digits[k + 1], digits[k]
                if digits == list(number):
                    digits[-1] = str((int(digits[-1]) + 1) % 10)
                ref = "".join(digits)
            if scenario == "no_reference":
                ref = ""
            partner = "Nordwerk Holding GmbH"
            if scenario == "cost_centres":
                first = net * rng.randint(20, 80) // 100
                for part, centre in ((first, "4100"), (net - first, "4200")):
                    row = journal(booked, partner, ref, service, centre, _gross(part, vat), vat)
                    case.pair(index, row, scenario)
                continue
            row = journal(booked, partner, ref, service, "4100", _gross(net, vat), vat)
            case.pair(index, row, scenario)
        for _ in range(int(len(right.rows) * self.outside_share)):
            day = _START + dt.timedelta(days=rng.randint(0, 364))
            supplier = rng.choice(_SUPPLIERS)
            net = log_amount(rng, 20, 8_000)
            vat = int(pick(rng, {f"{k}": v for k, v in _VAT.items()}))
            ref = f"{rng.randint(10_000, 99_999_999)}"
            journal(day, supplier, ref, "Eingangsrechnung", "4300", _gross(net, vat), vat)
        return case.write(directory)
