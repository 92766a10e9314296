"""A card acquirer's settlement report against a shop's card terminal export: another unseen shape.

Written, like :mod:`bench.quality.marketplace`, to check that rule inference generalises; no rule
or parameter of inference names it. The left file is a German shop's terminal export (``;``,
``DD.MM.YYYY``, ``1.234,56``): one row per card payment with the masked card number, the
authorisation code and the terminal's own receipt number. The right file is the acquirer's
settlement report (``,``, ISO dates, ``1234.56``): one row per settled transaction, net of the
acquirer's fee, quoting the card number masked its own way and the authorisation code.

- ``sale``: paid out less a fee whose rate depends on the card type (0.9-2.4 % plus 0.08).
- ``tip``: a restaurant tip added after authorisation: the settled amount is the receipt plus
  5-15 %, less the fee.
- ``foreign``: a card charged in USD, GBP or CHF at the terminal, settled in EUR at the day's
  rate less a 1.5 % mark-up and the fee; the report quotes the original amount in a text column.
- ``refund``: a refund at the terminal (negative) settled as a negative row without an
  authorisation code: only the card number, the amount and the date tie them.
- ``offline``: a payment approved offline: the terminal export has no authorisation code, the
  report has the one issued later.
- ``amex_batch``: American Express settles one row per terminal and day, net of 2.6 %: several
  terminal rows against one report row and no key in common.

Rows that must stay unmatched: payments not settled yet, chargebacks (negative, quoting the
card and authorisation code of a payment already settled, plus a 20.00 fee), monthly terminal
rental and service fees; terminal rows exported twice.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from bench.quality.case import Case, CaseWriter, SideWriter
from bench.quality.formats import Style
from bench.quality.sampling import date_formats, log_amount, pick

TERMINAL_EXPORT = Style(
    name="de_terminal",
    encoding="cp1252",
    delimiter=";",
    date_format="%d.%m.%Y",
    decimal=",",
    thousands=".",
)
ACQUIRER_REPORT = Style(
    name="acquirer_report",
    encoding="utf-8",
    delimiter=",",
    date_format="%Y-%m-%d",
    decimal=".",
    thousands="",
)
_START = dt.date(2024, 1, 1)
# Card type -> fee rate in parts per million of the settled amount (plus _FIXED_FEE).
_CARDS = {
    "Visa Debit": 9_000,
    "Visa Credit": 12_000,
    "Mastercard Debit": 9_500,
    "Mastercard Credit": 13_000,
    "Visa Commercial": 24_000,
}
_BINS = {"Visa": ("411111", "453201", "476173"), "Mastercard": ("510510", "542523", "222100")}
_FIXED_FEE = 8  # cents
_AMEX_PPM = 26_000
_FX = {"USD": 0.92, "GBP": 1.17, "CHF": 1.04}  # EUR per unit, moved up to 2 % a day
_FX_MARKUP_PPM = 15_000
_CHARGEBACK_FEE = 2000
_TERMINALS = 4


@dataclass(frozen=True)
class AcquirerSettlement:
    """A shop's card terminal export (left) against its acquirer's settlement report (right)."""

    mix: dict[str, float] = field(
        default_factory=lambda: {
            "sale": 0.55,
            "tip": 0.10,
            "foreign": 0.08,
            "refund": 0.05,
            "offline": 0.07,
            "amex_batch": 0.15,
        }
    )
    unsettled_share: float = 0.03
    chargeback_share: float = 0.02
    duplicate_share: float = 0.02  # terminal rows exported twice

    def write(self, name: str, n: int, seed: int, directory: Path) -> Case:
        rng = random.Random(seed)
        pos, report = TERMINAL_EXPORT, ACQUIRER_REPORT
        left = SideWriter(
            "kartenzahlungen.csv",
            ["Datum", "Terminal", "Beleg-Nr.", "Karte", "Autorisierung", "Betrag", "Währung"],
            pos.encoding,
            pos.delimiter,
        )
        right = SideWriter(
            "settlement_report.csv",
            ["Transaction date", "Settlement date", "Terminal ID", "Card number", "Card type",
             "Auth code", "Type", "Original amount", "Net amount", "Currency"],
            report.encoding,
            report.delimiter,
        )  # fmt: skip
        case = CaseWriter(
            name,
            left,
            right,
            notes={"generator": "acquirer_settlement", "n": n, **date_formats(pos, report)},
        )
        receipts = [0] * _TERMINALS
        used_codes: set[str] = set()
        rates: dict[tuple[str, dt.date], float] = {}
        # Amex rows of one terminal and day, settled as one report row at the end.
        amex: dict[tuple[int, dt.date], list[tuple[int, int]]] = {}

        def fx(currency: str, day: dt.date) -> float:
            if (currency, day) not in rates:
                rates[currency, day] = _FX[currency] * (1 + rng.uniform(-0.02, 0.02))
            return rates[currency, day]

        def auth_code() -> str:
            while True:
                code = (
                    f"{rng.randrange(1_000_000):06d}"
                    if rng.random() < 0.7
                    else "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(6))
                )
                if code not in used_codes or len(used_codes) > 500_000:
                    used_codes.add(code)
                    return code

        def card() -> tuple[str, str, str]:
            kind = rng.choice(tuple(_CARDS))
            bin_ = rng.choice(_BINS[kind.split()[0]])
            last4 = f"{rng.randrange(10_000):04d}"
            return kind, f"{kind.split()[0].upper()} ****{last4}", f"{bin_}******{last4}"

        def terminal_row(day: dt.date, terminal: int, masked: str, code: str, cents: int,
                         currency: str) -> int:  # fmt: skip
            receipts[terminal] = receipts[terminal] % 9999 + 1
            row = [pos.date(day), f"T{terminal + 1:02d}", f"{receipts[terminal]:04d}", masked,
                   code, pos.money(cents), currency]  # fmt: skip
            index = left.add(day, row)
            if rng.random() < self.duplicate_share:
                left.export_twice(index)
            return index

        def report_row(day: dt.date, terminal: int, masked: str, kind: str, code: str,
                       text: str, original: str, cents: int) -> int:  # fmt: skip
            settled = day + dt.timedelta(days=rng.choice((1, 1, 2, 3)))
            row = [report.date(day), report.date(settled), f"4001{terminal + 1:04d}", masked,
                   kind, code, text, original, report.money(cents), "EUR"]  # fmt: skip
            return right.add(settled, row)

        def fee(cents: int, kind: str) -> int:
            return round(cents * _CARDS[kind] / 1_000_000) + _FIXED_FEE

        made = 0
        while made < n:
            day = _START + dt.timedelta(days=rng.randint(0, 340))
            terminal = rng.randrange(_TERMINALS)
            kind, masked_left, masked_right = card()
            scenario = pick(rng, self.mix)
            cents = log_amount(rng, 3, 800)
            code = auth_code()
            made += 1
            if scenario == "amex_batch":
                last4 = f"{rng.randrange(10_000):04d}"
                index = terminal_row(day, terminal, f"AMEX ****{last4}", code, cents, "EUR")
                amex.setdefault((terminal, day), []).append((index, cents))
                continue
            if scenario == "refund":
                index = terminal_row(day, terminal, masked_left, "", -cents, "EUR")
                row = report_row(day, terminal, masked_right, kind, "", "Refund", "",
                                 -cents + _FIXED_FEE)  # fmt: skip
                case.pair(index, row, scenario)
                continue
            if scenario == "foreign":
                currency = rng.choice(tuple(_FX))
                index = terminal_row(day, terminal, masked_left, code, cents, currency)
                if rng.random() < self.unsettled_share:
                    continue
                eur = round(cents * fx(currency, day) * (1 - _FX_MARKUP_PPM / 1_000_000))
                original = f"{currency} {report.money(cents)}"
                row = report_row(day, terminal, masked_right, kind, code, "Sale", original,
                                 eur - fee(eur, kind))  # fmt: skip
                case.pair(index, row, scenario)
                continue
            shown = "" if scenario == "offline" else code
            index = terminal_row(day, terminal, masked_left, shown, cents, "EUR")
            if rng.random() < self.unsettled_share:
                continue
            settled = cents
            if scenario == "tip":
                settled += cents * rng.randint(5, 15) // 100
            row = report_row(day, terminal, masked_right, kind, code, "Sale", "",
                             settled - fee(settled, kind))  # fmt: skip
            case.pair(index, row, scenario)
            if rng.random() < self.chargeback_share:
                when = day + dt.timedelta(days=rng.randint(20, 90))
                report_row(when, terminal, masked_right, kind, code, "Chargeback", "",
                           -settled - _CHARGEBACK_FEE)  # fmt: skip
        for (terminal, day), members in amex.items():
            total = sum(cents for _, cents in members)
            net = total - round(total * _AMEX_PPM / 1_000_000)
            text = f"AMEX submission {day:%d%m} ({len(members)} items)"
            row = report_row(day, terminal, "", "American Express", "", text, "", net)
            for index, _ in members:
                case.pair(index, row, "amex_batch")
        for month in range(1, 13):
            for terminal in range(_TERMINALS):
                day = dt.date(2024, month, 1)
                report_row(day, terminal, "", "", "", "Terminal rental", "", -2490)
            report_row(dt.date(2024, month, 2), 0, "", "", "", "Service fee", "",
                       -log_amount(rng, 5, 60))  # fmt: skip
        return case.write(directory)
