"""A bank statement and a ledger that grow day by day, with the truth of every line.

Each business event puts a line on one or both sides; the simulation (bench.continuous.simulate)
appends each day's lines to the two sources and its reviewer decides from the truth kept here.

Events, per day (shares of the day's lines):

- paid invoices and supplier payments: booked in the ledger on the day, on the bank statement
  the same day or 1-4 days later (late postings); some bank lines carry no reference, some a
  typo in it;
- payments the ledger books 1-3 days after the bank shows them;
- bank fees: on the statement only (written off as bank fees);
- wrong amounts: the ledger books a typo'd amount, then a correcting entry 1-2 days later (the
  bank line matches the two together);
- duplicates: the ledger books an entry twice (the second is written off as a duplicate).

Every line's description starts with its line id (``B123``/``L456``), the reviewer's key into
the truth; the rules never read descriptions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

LEFT, RIGHT = "left", "right"  # the bank statement, the ledger
HEADER = "Date,Reference,Amount,Currency,Description,Counterparty\n"
COUNTERPARTIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell")


@dataclass
class Line:
    line_id: str
    side: str
    day: int  # the day it is appended (0-based)
    booked: date
    reference: str | None
    units: int  # cents
    description: str
    counterparty: str
    group: str  # lines of one group settle together
    kind: str  # pair, fee, correction, duplicate

    def csv(self) -> str:
        amount = (
            f"{'-' if self.units < 0 else ''}{abs(self.units) // 100}.{abs(self.units) % 100:02d}"
        )
        return (
            f"{self.booked.isoformat()},{self.reference or ''},{amount},EUR,"
            f"{self.description},{self.counterparty}\n"
        )


@dataclass
class Books:
    """Every line of the simulation, by the day it arrives, and each group's lines."""

    days: int
    start: date
    lines: dict[str, Line] = field(default_factory=dict)
    by_day: dict[int, list[Line]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)

    def add(self, line: Line) -> None:
        self.lines[line.line_id] = line
        self.by_day.setdefault(line.day, []).append(line)
        self.groups.setdefault(line.group, []).append(line.line_id)

    def arrived(self, line_id: str, through_day: int) -> bool:
        return self.lines[line_id].day <= through_day

    def complete(self, group: str, through_day: int) -> bool:
        """Every line of the group has arrived by the end of ``through_day``."""
        return all(self.arrived(i, through_day) for i in self.groups[group])

    def unresolved(self, through_day: int) -> set[str]:
        """The lines that should be open items after ``through_day``: arrived, in a pair or a
        correction whose other lines have not (fees and duplicates are written off)."""
        return {
            line.line_id
            for line in self.lines.values()
            if line.day <= through_day
            and line.kind in ("pair", "correction")
            and not self.complete(line.group, through_day)
        }

    def csv(self, day: int, side: str) -> bytes:
        rows = [line.csv() for line in self.by_day.get(day, []) if line.side == side]
        return (HEADER + "".join(rows)).encode()

    def balance(self, side: str, through_day: int) -> int:
        """The side's total of lines arrived and booked by the end of ``through_day``."""
        cutoff = self.start + timedelta(days=through_day)
        return sum(
            line.units
            for line in self.lines.values()
            if line.side == side and line.day <= through_day and line.booked <= cutoff
        )


def generate(days: int, lines_per_day: int, seed: int, start: date = date(2026, 3, 2)) -> Books:
    """``days`` days of about ``lines_per_day`` lines per side."""
    rng = random.Random(seed)
    books = Books(days=days, start=start)
    counters = {LEFT: 0, RIGHT: 0}

    def amount() -> int:
        units = rng.randint(100, 2_000_000)
        return -units if rng.random() < 0.3 else units

    for day in range(days):
        for event in range(lines_per_day):
            invoice = day * lines_per_day + event + 1
            reference = f"INV-{invoice:07d}"
            party = rng.choice(COUNTERPARTIES)

            def line(
                side: str,
                on: int,
                units: int,
                text: str,
                *,
                reference: str | None = reference,
                kind: str = "pair",
                group: str = f"g{invoice}",
                party: str = party,
            ) -> None:
                counters[side] += 1
                line_id = f"{'B' if side == LEFT else 'L'}{counters[side]}"
                books.add(
                    Line(
                        line_id=line_id,
                        side=side,
                        day=on,
                        booked=start + timedelta(days=on),
                        reference=reference,
                        units=units,
                        description=f"{line_id} {text}",
                        counterparty=party,
                        group=group,
                        kind=kind,
                    )
                )

            roll = rng.random()
            units = amount()
            if roll < 0.02:  # a bank fee
                fee = -rng.randint(50, 2500)
                line(LEFT, day, fee, "Bank fee", reference=None, kind="fee", party="Bank")
                continue
            if roll < 0.05:  # the ledger books it 1-3 days after the bank
                line(LEFT, day, units, "Payment")
                line(RIGHT, day + rng.randint(1, 3), units, "Invoice")
                continue
            lag = rng.choices((0, 1, 2, 3, 4), weights=(70, 15, 8, 5, 2))[0]
            bank_reference: str | None = reference
            if rng.random() < 0.06:
                bank_reference = None
            elif rng.random() < 0.02:  # a typo: two digits swapped
                digits = list(reference)
                digits[-1], digits[-2] = digits[-2], digits[-1]
                bank_reference = "".join(digits) if digits[-1] != digits[-2] else reference + "X"
            line(LEFT, day + lag, units, "Payment", reference=bank_reference)
            if roll < 0.06:  # the ledger books a wrong amount, corrected 1-2 days later
                wrong = units + rng.choice((-1, 1)) * rng.randint(1, 900) * 100
                line(RIGHT, day, wrong, "Invoice")
                line(RIGHT, day + rng.randint(1, 2), units - wrong, "Correction", kind="correction")
                continue
            line(RIGHT, day, units, "Invoice")
            if roll < 0.07:  # booked twice
                line(RIGHT, day, units, "Invoice", kind="duplicate", group=f"dup{invoice}")
    return books
