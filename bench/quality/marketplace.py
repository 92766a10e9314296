"""A marketplace's settlement report against the seller's order book: a case inference never saw.

Written to check that rule inference generalises rather than fits the other generators: its shape
differs from each of them. The left file is a Spanish seller's order book (``;``, ``DD/MM/YY``,
``1.234,56``, Spanish headers, orders in EUR and GBP) holding orders and the credit notes of
refunds, each credit note naming its order in a column of its own. The right file is the
marketplace's settlement report (``,``, ``05-Mar-2024``, ``1,234.56``): one row per transaction,
the order id in a column of its own for most rows and inside the description for others.

- ``sale``: the order paid out once, less a commission whose rate depends on the product category
  (7, 10 or 15 %, at least 0.30): a mixture of rates, no single fee.
- ``split_shipment``: an order shipped in two parts, each paid less its own commission.
- ``refund``: the sale is paid out (``refund_sale``), later refunded: the refund row (the order
  amount back, less a fifth of the commission the marketplace keeps) pairs with the seller's
  credit note.
- ``no_order_id``: a sale row whose order id the report left out; only the buyer, the amount
  and the date tie it to its order.

Rows that must stay unmatched: chargebacks (the buyer's bank took the money back: the order amount
plus a 15.00 fee, quoting the order id of an order already paid out), subscription and advertising
fees, and report rows exported twice.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from bench.quality.case import Case, CaseWriter, SideWriter
from bench.quality.formats import Style
from bench.quality.sampling import date_formats, log_amount, pick

SPANISH_BOOKS = Style(
    name="es_books",
    encoding="utf-8",
    delimiter=";",
    date_format="%d/%m/%y",
    decimal=",",
    thousands=".",
)
MARKETPLACE_REPORT = Style(
    name="marketplace_report",
    encoding="utf-8",
    delimiter=",",
    date_format="%d-%b-%Y",
    decimal=".",
    thousands=",",
)
_START = dt.date(2024, 1, 1)
_CATEGORIES = {"Libros": 0.15, "Electrónica": 0.07, "Hogar": 0.10, "Juguetes": 0.15}
_GIVEN = ("Lucía", "Hugo", "Martina", "Mateo", "Sofía", "Leo", "Julia", "Daniel", "Valeria")
_FAMILY = ("García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz")
_MIN_COMMISSION = 30  # cents
_CHARGEBACK_FEE = 1500
_REFUND_ADMIN_SHARE = 0.2  # of the commission, kept on a refund


@dataclass(frozen=True)
class MarketplaceOrders:
    """A seller's order book (left) against the marketplace's settlement report (right)."""

    mix: dict[str, float] = field(
        default_factory=lambda: {
            "sale": 0.70,
            "split_shipment": 0.10,
            "refund": 0.12,
            "no_order_id": 0.08,
        }
    )
    gbp_share: float = 0.2  # orders on the UK marketplace, in GBP on both sides
    unpaid_share: float = 0.05  # orders not settled yet
    chargeback_share: float = 0.03
    other_share: float = 0.06  # subscription and advertising fees
    duplicate_share: float = 0.02  # report rows exported twice

    def write(self, name: str, n: int, seed: int, directory: Path) -> Case:
        rng = random.Random(seed)
        books, report = SPANISH_BOOKS, MARKETPLACE_REPORT
        left = SideWriter(
            "pedidos.csv",
            ["Pedido", "Fecha", "Cliente", "Categoría", "Importe", "Moneda", "Referencia"],
            books.encoding,
            books.delimiter,
        )
        right = SideWriter(
            "settlement.csv",
            ["date", "settlement id", "type", "order id", "description", "buyer", "total", "currency"],
            report.encoding,
            report.delimiter,
        )  # fmt: skip
        case = CaseWriter(
            name,
            left,
            right,
            notes={"generator": "marketplace_orders", "n": n, **date_formats(books, report)},
        )
        order_seq = 0
        credit_seq = 0

        def buyer() -> tuple[str, str]:
            given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
            second = rng.choice(_FAMILY)
            # The books hold the full name; the report an initial and the first surname.
            return f"{given} {family} {second}", f"{given[0]}. {family}"

        def order_id() -> str:
            nonlocal order_seq
            order_seq += 1
            middle = rng.randrange(1_000_000, 9_999_999)
            return f"{rng.choice((171, 302, 404, 408))}-{middle}-{order_seq:07d}"

        def book(day: dt.date, number: str, person: str, category: str, cents: int,
                 currency: str, reference: str = "") -> int:  # fmt: skip
            row = [number, books.date(day), person, category, books.money(cents), currency,
                   reference]  # fmt: skip
            return left.add(day, row)

        def settle(day: dt.date, kind: str, order: str, text: str, person: str, cents: int,
                   currency: str) -> int:  # fmt: skip
            settlement = f"{11_000_000 + (day - _START).days // 14}"
            row = [report.date(day), settlement, kind, order, text, person, report.money(cents),
                   currency]  # fmt: skip
            index = right.add(day, row)
            if rng.random() < self.duplicate_share:
                right.export_twice(index)
            return index

        def net(cents: int, category: str) -> tuple[int, int]:
            commission = max(round(cents * _CATEGORIES[category]), _MIN_COMMISSION)
            return cents - commission, commission

        made = 0
        while made < n:
            day = _START + dt.timedelta(days=rng.randint(0, 340))
            full, short = buyer()
            category = rng.choice(tuple(_CATEGORIES))
            currency = "GBP" if rng.random() < self.gbp_share else "EUR"
            cents = log_amount(rng, 8, 1500)
            number = order_id()
            index = book(day, number, full, category, cents, currency)
            made += 1
            if rng.random() < self.unpaid_share:
                continue
            scenario = pick(rng, self.mix)
            shipped = day + dt.timedelta(days=rng.randint(1, 10))
            if scenario == "split_shipment":
                first = max(cents * rng.randint(30, 70) // 100, 100)
                for k, part in enumerate((first, cents - first)):
                    paid, _ = net(part, category)
                    when = shipped + dt.timedelta(days=k * rng.randint(2, 12))
                    text = f"Order payment, shipment {k + 1} of 2"
                    row = settle(when, "Order", number, text, short, paid, currency)
                    case.pair(index, row, scenario)
                continue
            paid, commission = net(cents, category)
            if scenario == "no_order_id":
                row = settle(shipped, "Order", "", "Order payment", short, paid, currency)
                case.pair(index, row, scenario)
                continue
            text = rng.choice(("Order payment", f"Payment for order {number}", "Sale"))
            row = settle(shipped, "Order", number, text, short, paid, currency)
            case.pair(index, row, "sale" if scenario == "sale" else "refund_sale")
            if scenario == "refund":
                credit_seq += 1
                returned = day + dt.timedelta(days=rng.randint(12, 40))
                note = book(returned, f"AB-2024-{credit_seq:05d}", full, category, -cents,
                            currency, number)  # fmt: skip
                made += 1
                back = -(cents - round(commission * _REFUND_ADMIN_SHARE))
                text = f"Refund for order {number}" if rng.random() < 0.5 else "Refund"
                when = returned + dt.timedelta(days=rng.randint(0, 4))
                refund = settle(when, "Refund", number, text, short, back, currency)
                case.pair(note, refund, scenario)
            elif rng.random() < self.chargeback_share:
                when = shipped + dt.timedelta(days=rng.randint(20, 60))
                settle(when, "Chargeback", number, f"Chargeback {number}", short,
                       -cents - _CHARGEBACK_FEE, currency)  # fmt: skip
        for _ in range(int(len(right.rows) * self.other_share)):
            day = _START + dt.timedelta(days=rng.randint(0, 364))
            kind, text = rng.choice((("Service fee", "Subscription fee"),
                                     ("Advertising", "Sponsored products")))  # fmt: skip
            settle(day, kind, "", text, "", -log_amount(rng, 5, 400), "EUR")
        return case.write(directory)
