"""A company's bank statement against its HR payroll register: salaries, a key that repeats.

Written, like :mod:`bench.quality.marketplace`, to check that rule inference generalises; no rule
or parameter of inference names it. Its shape differs from every other generator: the key (the
employee number) is not an invoice's, paid once, but a person's, paid every month, so a key
value pairs a dozen records on each side and only the pay date tells which of them belong
together; and a tenth of the transfers quote no employee number at all, only the payee's name
written the bank's way (surname first, capitals, no diacritics).

The left file is the HR system's payroll register (English, ``,``, ``DD/MM/YYYY``, ``1234.56``):
one row per employee and pay run with the net pay. The right file is the company's Polish bank
statement (cp1250, ``;``, ``DD.MM.YYYY``, ``-1 234,56``): one debit per transfer, the title
quoting the period and (mostly) the employee number.

- ``salary``: the month's net pay in one transfer on the pay date (or a day later).
- ``no_id``: the same, the title without the employee number ("Wynagrodzenie 03/2024").
- ``bonus``: an off-cycle payment (a bonus, an overtime settlement) mid-month, its own register
  row and its own transfer quoting the number.
- ``advance``: the month's net pay in two transfers, an advance mid-month and the rest on the
  pay date, both quoting the number.
- ``returned``: a transfer returned by the payee's bank (a closed account): the debit, its
  credit back a few days later, then the transfer again to the new account; the three settle
  the register row together (their net is the pay).

Rows that must stay unmatched: social security and tax transfers (one per month, large), bank
fees, register rows not paid yet, and statement rows exported twice.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bench.quality.case import Case, CaseWriter, SideWriter
from bench.quality.formats import Style
from bench.quality.sampling import date_formats, pick

HR_REGISTER = Style(
    name="hr_register",
    encoding="utf-8",
    delimiter=",",
    date_format="%d/%m/%Y",
    decimal=".",
    thousands="",
)
POLISH_BANK = Style(
    name="pl_bank",
    encoding="cp1250",
    delimiter=";",
    date_format="%d.%m.%Y",
    decimal=",",
    thousands=" ",
)
_GIVEN = (
    "Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Paweł", "Agnieszka", "Michał",
    "Joanna", "Krzysztof", "Małgorzata", "Łukasz", "Ewa", "Marcin", "Zofia", "Jakub",
)  # fmt: skip
_FAMILY = (
    "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
    "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski",
)  # fmt: skip
_DEPARTMENTS = ("Sales", "Warehouse", "Finance", "IT", "Production", "Customer Service")
_START = dt.date(2024, 1, 1)
_MONTHS = 12


@dataclass(frozen=True)
class _Employee:
    number: str
    name: str  # as HR writes it
    payee: str  # as the bank writes it
    department: str
    net: int  # cents, a salaried month
    hourly: bool  # net pay varies month to month


@dataclass(frozen=True)
class PayrollBank:
    """An HR payroll register (left) against the company's bank statement (right)."""

    mix: dict[str, float] = field(
        default_factory=lambda: {
            "salary": 0.78,
            "no_id": 0.10,
            "advance": 0.07,
            "returned": 0.05,
        }
    )
    bonus_share: float = 0.08  # of employee-months with an off-cycle payment too
    unpaid_share: float = 0.01  # register rows not paid by the statement's end
    duplicate_share: float = 0.01  # statement rows exported twice
    leaver_share: float = 0.15  # employees leaving (or joining) during the year

    def write(self, name: str, n: int, seed: int, directory: Path) -> Case:
        rng = random.Random(seed)
        hr, bank = HR_REGISTER, POLISH_BANK
        left = SideWriter(
            "payroll_register.csv",
            ["Employee ID", "Employee", "Department", "Pay period", "Payment date",
             "Net pay", "Currency", "Pay type"],
            hr.encoding,
            hr.delimiter,
        )  # fmt: skip
        right = SideWriter(
            "wyciag.csv",
            ["Data operacji", "Data księgowania", "Opis operacji", "Tytuł",
             "Nadawca/Odbiorca", "Numer rachunku", "Kwota", "Waluta"],
            bank.encoding,
            bank.delimiter,
        )  # fmt: skip
        case = CaseWriter(
            name, left, right, notes={"generator": "payroll_bank", "n": n, **date_formats(hr, bank)}
        )
        # Every employee has about twelve register rows (and a few bonuses): n rows need n / 13.
        staff = [self._employee(rng, i) for i in range(max(n // 13, 5))]
        accounts = {person.number: _account(rng) for person in staff}

        def register(person: _Employee, period: str, day: dt.date, cents: int, kind: str) -> int:
            row = [person.number, person.name, person.department, period, hr.date(day),
                   hr.money(cents), "PLN", kind]  # fmt: skip
            return left.add(day, row)

        def transfer(day: dt.date, title: str, payee: str, account: str, cents: int,
                     kind: str = "PRZELEW WYCHODZĄCY") -> int:  # fmt: skip
            booked = day + dt.timedelta(days=rng.choice((0, 0, 0, 1)))
            row = [bank.date(day), bank.date(booked), kind, title, payee, account,
                   bank.money(cents), "PLN"]  # fmt: skip
            index = right.add(day, row)
            if rng.random() < self.duplicate_share:
                right.export_twice(index)
            return index

        for month in range(1, _MONTHS + 1):
            period = f"{month:02d}/2024"
            payday = _last_working_day(2024, month)
            for person in staff:
                if self._absent(person, month, rng):
                    continue
                cents = person.net
                if person.hourly:
                    cents = int(cents * rng.uniform(0.8, 1.2))
                row = register(person, period, payday, cents, "Salary")
                if rng.random() < self.unpaid_share:
                    continue
                account = accounts[person.number]
                scenario = pick(rng, self.mix)
                title = f"Wynagrodzenie {period} {person.number}"
                paid_on = payday + dt.timedelta(days=rng.choice((0, 0, 0, 1)))
                if scenario == "no_id":
                    title = f"Wynagrodzenie {period}"
                if scenario == "advance":
                    advance = cents * rng.choice((20, 25, 30, 40)) // 100 // 100 * 100
                    mid = dt.date(2024, month, 15)
                    first = transfer(mid, f"Zaliczka {period} {person.number}", person.payee,
                                     account, -advance)  # fmt: skip
                    case.pair(row, first, scenario)
                    rest = transfer(paid_on, title, person.payee, account, -(cents - advance))
                    case.pair(row, rest, scenario)
                    continue
                if scenario == "returned":
                    # The register row is settled by the three together (their net is the
                    # pay): a reconciler clears all three against it.
                    first = transfer(paid_on, title, person.payee, account, -cents)
                    back = paid_on + dt.timedelta(days=rng.randint(1, 3))
                    returned = transfer(back, f"ZWROT: {title}", person.payee, account, cents,
                                        "ZWROT PRZELEWU")  # fmt: skip
                    accounts[person.number] = _account(rng)
                    again = back + dt.timedelta(days=rng.randint(1, 4))
                    final = transfer(again, title, person.payee, accounts[person.number], -cents)
                    for index in (first, returned, final):
                        case.pair(row, index, scenario)
                    continue
                final = transfer(paid_on, title, person.payee, account, -cents)
                case.pair(row, final, scenario)
                if rng.random() < self.bonus_share:
                    day = dt.date(2024, month, rng.randint(5, 20))
                    extra = rng.choice((25_000, 50_000, 80_000, 100_000, 150_000))
                    bonus = register(person, period, day, extra, "Bonus")
                    paid = transfer(day + dt.timedelta(days=rng.randint(0, 2)),
                                    f"Premia {period} {person.number}", person.payee, account,
                                    -extra)  # fmt: skip
                    case.pair(bonus, paid, "bonus")
            # The month's social security and income tax, and the bank's fee.
            total = sum(p.net for p in staff)
            due = dt.date(2024, month, 15) + dt.timedelta(days=31)
            transfer(due, f"ZUS składki {period}", "ZAKŁAD UBEZPIECZEŃ SPOŁECZNYCH",
                     _account(rng), -(total * 45 // 100))  # fmt: skip
            transfer(due, f"PIT-4R {period}", "URZĄD SKARBOWY", _account(rng), -(total // 10))
            transfer(payday, f"Opłata za przelewy {period}", "", "", -rng.randint(500, 9_000),
                     "OPŁATA")  # fmt: skip
        return case.write(directory)

    def _employee(self, rng: random.Random, i: int) -> _Employee:
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        if given.endswith("a") and family.endswith("ski"):  # Polish surnames agree in gender
            family = family[:-1] + "a"
        hourly = rng.random() < 0.3
        net = rng.randint(3_500, 14_000) * 100 + rng.choice((0, 0, rng.randint(1, 99)))
        return _Employee(
            number=f"E{1000 + i:05d}",
            name=f"{given} {family}",
            payee=_plain(f"{family} {given}").upper(),
            department=rng.choice(_DEPARTMENTS),
            net=net,
            hourly=hourly,
        )

    def _absent(self, person: _Employee, month: int, rng: random.Random) -> bool:
        """Leavers stop and joiners start somewhere in the year (seeded per employee)."""
        mover = random.Random(f"{person.number}:{self.leaver_share}")
        if mover.random() >= self.leaver_share:
            return False
        cut = mover.randint(2, _MONTHS)
        return month >= cut if mover.random() < 0.5 else month < cut


def _last_working_day(year: int, month: int) -> dt.date:
    day = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _account(rng: random.Random) -> str:
    return "PL" + "".join(str(rng.randint(0, 9)) for _ in range(26))


def _plain(text: str) -> str:
    """Without diacritics, as Polish bank exports write payees (``Ł`` has no decomposition)."""
    text = text.replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
