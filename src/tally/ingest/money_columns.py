"""Money columns read from the values: which columns are money out and money in, and when a
ledger's signed total is the amount.

Detection in ``mapping`` proposes columns from names and kinds; these checks look at the amounts
row by row (pairs filled in turn, a running balance, a total equal to debit minus credit), so
they run on the sampled rows after the proposal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

from tally.ingest.amounts import AmountFormatError, parse_amount
from tally.ingest.mapping import NOT_AMOUNT, ColumnProfile, normalise_name

# A statement has a handful of money columns (out, in, balance, perhaps fees and a total).
BALANCE_SEARCH_COLUMNS = 12


@dataclass(frozen=True)
class PairFound:
    """A debit/credit pair found from the values, with the warning that says how."""

    debit: str
    credit: str
    code: str
    message: str


def debit_credit_from_values(
    mapping: Mapping[str, str],
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    profiles: Sequence[ColumnProfile],
) -> PairFound | None:
    """Money out / money in columns no name announced: one signed column and one unsigned
    filled in turn, or two unsigned ones a running balance tells apart (None: neither)."""
    pair = complementary_pair(mapping, columns, rows, profiles)
    if pair is not None:
        message = (
            f"every entry fills one of {pair[0]!r} (negative amounts) and {pair[1]!r}: "
            "reading them as money out and money in"
        )
        return PairFound(pair[0], pair[1], "debit_credit_pair", message)
    pair = balance_signed_pair(mapping, columns, rows, profiles)
    if pair is not None:
        message = (
            f"every entry fills one of {pair[0]!r} and {pair[1]!r}, and the running balance "
            "goes down by the first and up by the second: reading them as money out and money in"
        )
        return PairFound(pair[0], pair[1], "debit_credit_balance", message)
    return None


def undecided_pair(
    mapping: Mapping[str, str],
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    profiles: Sequence[ColumnProfile],
) -> PairFound | None:
    """Two unsigned money columns filled in turn that nothing tells apart: the amount proposed
    from the values and another column of amounts, every entry filling exactly one of them.

    Neither a sign, a direction column nor a running balance (``debit_credit_from_values`` came
    first) nor a name says which is money out: reading one as the amount would drop every row of
    the other, and reading them as a pair either way round is a coin toss. Only the user knows:
    the pair comes back in the file's order with the question to put (``debit``/``credit`` are
    only the order, not an answer).
    """
    if "amount" not in mapping or "direction" in mapping:
        return None
    chosen = next(profile for profile in profiles if profile.name == mapping["amount"])
    if chosen.negatives:
        return None
    for profile in _free_amounts(profiles, set(mapping.values())):
        if profile.negatives or not profile.money:
            continue
        x, y = sorted((columns.index(chosen.name), columns.index(profile.name)))
        if _filled_in_turn(rows, x, y, _filled_amount):
            question = (
                f"every entry fills one of {columns[x]!r} and {columns[y]!r}, both without a "
                "sign, and nothing in the file says which is money out: choose it (map debit "
                "to the money-out column and credit to the money-in column)"
            )
            return PairFound(columns[x], columns[y], "money_direction", question)
    return None


def _units(text: str, decimal: str) -> int | None:
    try:
        return parse_amount(text, decimal) if text.strip() else None
    except AmountFormatError:
        return None


def _free_amounts(profiles: Sequence[ColumnProfile], used: set[str]) -> list[ColumnProfile]:
    """Unmapped columns of amounts that are not balances, prices or fees."""
    return [
        profile
        for profile in profiles
        if profile.name not in used
        and profile.kind == "amount"
        and not NOT_AMOUNT.search(normalise_name(profile.name))
    ]


def reversed_pair_total(
    mapping: Mapping[str, str],
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    profiles: Sequence[ColumnProfile],
    decimal: str,
) -> str | None:
    """A signed column equal to debit minus credit on every row: the pair is a ledger's view.

    Accounting tools export a bank account's lines with the money coming in under 'Debit' (the
    asset grows) and a signed total beside them (Xero's 'Gross'); read as a bank's Debit/Credit the
    signs come out reversed. The signed column states them, so it is the amount. None when no
    column shows that (a total equal to credit minus debit agrees with the pair as read).
    """
    if "amount" in mapping or "debit" not in mapping or "credit" not in mapping:
        return None
    debit, credit = columns.index(mapping["debit"]), columns.index(mapping["credit"])
    used = set(mapping.values())
    for profile in _free_amounts(profiles, used):
        if not profile.negatives:
            continue
        index = columns.index(profile.name)
        agreeing = 0
        for row in rows:
            out, into = _units(row[debit], decimal), _units(row[credit], decimal)
            if out is None and into is None:
                continue
            total = _units(row[index], decimal)
            if total is None or total != abs(out or 0) - abs(into or 0):
                break
            agreeing += 1
        else:
            if agreeing >= 2:
                return profile.name
    return None


def complementary_pair(
    mapping: Mapping[str, str],
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    profiles: Sequence[ColumnProfile],
) -> tuple[str, str] | None:
    """(debit, credit) columns found from the values when no name said so.

    Two amount columns of which every entry fills exactly one, one holding negative amounts and
    the other none, are money out and money in ('Wpływy' / 'Wydatki', whatever the language): the
    amount chosen alone would leave every other row empty.
    """
    if "amount" not in mapping or "debit" in mapping or "credit" in mapping:
        return None
    by_name = {profile.name: profile for profile in profiles}
    chosen = by_name[mapping["amount"]]
    used = set(mapping.values())
    first = columns.index(chosen.name)
    for profile in _free_amounts(profiles, used):
        if (chosen.negatives > 0) == (profile.negatives > 0):
            continue  # both signed, or neither: nothing says which way the money goes
        if _filled_in_turn(rows, first, columns.index(profile.name), _filled_cell):
            debit, credit = (chosen, profile) if chosen.negatives else (profile, chosen)
            return debit.name, credit.name
    return None


def amount_beside_its_balance(
    mapping: Mapping[str, str],
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    profiles: Sequence[ColumnProfile],
) -> str | None:
    """The column the proposed amount is the running balance of (None: it is no balance).

    A balance column is as full, as signed (an overdraft) and as decimal as the amounts, so the
    proposal may pick it when no name tells them apart (a file without a header, names in an
    unknown language). The values do: from one row to the next the balance moves by the other
    column's amount, whether the file lists the oldest entry first or the newest.
    """
    if "amount" not in mapping:
        return None
    balance = columns.index(mapping["amount"])
    for profile in _free_amounts(profiles, set(mapping.values())):
        if not profile.money:
            continue
        amount = columns.index(profile.name)
        for decimal in (".", ","):
            if _moves_by(rows, balance, amount, decimal):
                return profile.name
    return None


def _moves_by(rows: Sequence[Sequence[str]], balance: int, amount: int, decimal: str) -> bool:
    """Whether column ``balance`` moves by column ``amount`` on every pair of successive rows
    holding both (three rows at least, and not a copy of the amounts)."""
    steps: list[tuple[int, int]] = []
    for row in rows:
        left, right = _units(row[balance], decimal), _units(row[amount], decimal)
        if left is not None and right is not None:
            steps.append((left, right))
    if len(steps) < 3 or all(left == right for left, right in steps):
        return False
    oldest_first = all(later[0] - earlier[0] == later[1] for earlier, later in pairwise(steps))
    newest_first = all(earlier[0] - later[0] == earlier[1] for earlier, later in pairwise(steps))
    return oldest_first or newest_first


def _filled_in_turn(
    rows: Sequence[Sequence[str]], first: int, second: int, filled: Callable[[str], bool]
) -> bool:
    """Whether every row fills exactly one of two columns, each of them on two rows or more."""
    counts = [0, 0]
    for row in rows:
        in_first, in_second = filled(row[first]), filled(row[second])
        if in_first == in_second:
            return False
        counts[in_second] += 1
    return min(counts) >= 2


def _filled_cell(text: str) -> bool:
    return bool(text.strip())


def _filled_amount(text: str) -> bool:
    """Whether a cell holds money: empty, 0 and 0.00 on the other side all mean 'not this one'."""
    stripped = text.strip()
    return bool(stripped) and any(ch in "123456789" for ch in stripped)


def balance_signed_pair(
    mapping: Mapping[str, str],
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    profiles: Sequence[ColumnProfile],
) -> tuple[str, str] | None:
    """(debit, credit) of two unsigned amount columns filled in turn, told apart by a running
    balance: the column whose amounts the balance goes up by is money in (the other side of
    each row empty or 0).

    Japanese banks export 支払い金額 / 預かり金額 beside 差引残高, names no synonym list holds; the
    balance says which way each column goes, whatever the language and whether the file lists
    the oldest entry first or the newest.
    """
    if "debit" in mapping or "credit" in mapping:
        return None
    # Each pair is tried against each balance: the first few columns of each kind only, so a
    # file of hundreds of number columns costs what a statement does (the search is cubic).
    unsigned = [p for p in profiles if p.money and not p.negatives][:BALANCE_SEARCH_COLUMNS]
    amounts = [p for p in profiles if p.kind == "amount"][:BALANCE_SEARCH_COLUMNS]
    for first, second in combinations(unsigned, 2):
        x, y = columns.index(first.name), columns.index(second.name)
        for balance in amounts:
            if balance.name in (first.name, second.name):
                continue
            b = columns.index(balance.name)
            for decimal in (".", ","):
                credit = _balance_credit(rows, x, y, b, decimal)
                if credit is not None:
                    return (second.name, first.name) if credit == x else (first.name, second.name)
    return None


def _balance_credit(
    rows: Sequence[Sequence[str]], x: int, y: int, b: int, decimal: str
) -> int | None:
    """Which of columns ``x``/``y`` raises balance ``b`` on every row (None: neither, or no
    balance): rows whose balance is empty are left aside, each other row must fill one of x/y."""
    steps: list[tuple[int, int, int]] = []  # (balance, money in x, money in y) per entry row
    for row in rows:
        balance = _units(row[b], decimal)
        if balance is None:
            continue
        # 0 on the other side (Korean and Indian banks) is as empty as an empty cell.
        into_x, into_y = _units(row[x], decimal) or None, _units(row[y], decimal) or None
        if (into_x is None) == (into_y is None):
            return None
        steps.append((balance, into_x or 0, into_y or 0))
    if len(steps) < 3:
        return None
    for credit in (x, y):
        for newest_first in (False, True):
            if all(
                _balance_moves(earlier, later, credit == x, newest_first)
                for earlier, later in pairwise(steps)
            ):
                return credit
    return None


def _balance_moves(
    earlier: tuple[int, int, int], later: tuple[int, int, int], x_in: bool, newest_first: bool
) -> bool:
    moved = later[0] - earlier[0]
    if newest_first:  # the earlier row's balance already includes its own entry
        _, out_x, out_y = earlier
        change = out_x - out_y if x_in else out_y - out_x
        return moved == -change
    _, in_x, in_y = later
    return moved == (in_x - in_y if x_in else in_y - in_x)
