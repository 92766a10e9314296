"""Synthetic record sets with known truth, for tests and benchmarks (seeded, deterministic).

``left`` plays the bank statement, ``right`` the ledger. Every scenario returns the frames, the
true pairs (``left_id``, ``right_id``; a group contributes one pair per left x right member) and
a rule set suited to it. Ids are random permutations so that no id order hints at the truth.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from tally.matching.rules import RuleSet

EPOCH = dt.date(1970, 1, 1)
BASE_DAY = (dt.date(2024, 1, 1) - EPOCH).days
RIGHT_ID_OFFSET = 1_000_000_000
CENT = 100  # units per cent
_COUNTERPARTIES = (
    "Acme GmbH",
    "Globex Corporation",
    "Initech AG",
    "Umbrella Ltd",
    "Stark Industries",
    "Wayne Enterprises",
    "Hooli Inc",
    "Vandelay Import Export",
    "Soylent Foods",
    "Wonka Confectionery",
    "Tyrell Systems",
    "Cyberdyne KG",
)

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Scenario:
    name: str
    left: pl.DataFrame
    right: pl.DataFrame
    truth: pl.DataFrame  # left_id, right_id
    rule_set: RuleSet
    description: str = ""


@dataclass
class _Side:
    reference: list[str | None] = field(default_factory=list)
    booking: list[int] = field(default_factory=list)
    amount: list[int] = field(default_factory=list)
    description: list[str | None] = field(default_factory=list)
    counterparty: list[str | None] = field(default_factory=list)
    extra: list[str | None] = field(default_factory=list)

    def add(
        self,
        reference: str | None,
        booking: int,
        amount: int,
        description: str | None = None,
        counterparty: str | None = None,
        extra: str | None = None,
    ) -> int:
        self.reference.append(reference)
        self.booking.append(booking)
        self.amount.append(amount)
        self.description.append(description)
        self.counterparty.append(counterparty)
        self.extra.append(extra)
        return len(self.amount) - 1

    def extend(
        self,
        reference: list[str | None],
        booking: IntArray,
        amount: IntArray,
        description: list[str | None],
        counterparty: list[str | None],
    ) -> IntArray:
        start = len(self.amount)
        self.reference += reference
        self.booking += booking.tolist()
        self.amount += amount.tolist()
        self.description += description
        self.counterparty += counterparty
        self.extra += [None] * len(reference)
        return np.arange(start, len(self.amount), dtype=np.int64)


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.left = _Side()
        self.right = _Side()
        self.truth: list[tuple[int, int]] = []
        self._next_ref = int(self.rng.integers(100_000, 200_000))

    # -- random values -------------------------------------------------------------------
    def refs(self, n: int) -> list[str]:
        nums = self._next_ref + np.arange(n) * 3 + self.rng.integers(0, 3, n)
        self._next_ref += 3 * n + 3
        return [f"INV-{x}" for x in nums.tolist()]

    def amounts(self, n: int, low: float = 10.0, high: float = 20_000.0) -> IntArray:
        cents = np.exp(self.rng.uniform(np.log(low * 100), np.log(high * 100), n))
        return np.maximum(cents.astype(np.int64), 1) * CENT

    def days(self, n: int) -> IntArray:
        return BASE_DAY + self.rng.integers(0, 365, n).astype(np.int64)

    def parties(self, n: int) -> list[str | None]:
        idx = self.rng.integers(0, len(_COUNTERPARTIES), n)
        return [_COUNTERPARTIES[i] for i in idx.tolist()]

    def styled(self, refs: list[str]) -> list[str | None]:
        """The same references written the way another system would (case, spaces, zeros)."""
        styles = self.rng.integers(0, 4, len(refs)).tolist()
        out: list[str | None] = []
        for ref, style in zip(refs, styles, strict=True):
            num = ref[4:]
            out.append((ref, f"inv {num}", f"INV-00{num}", f"INV{num}")[style] if style else ref)
        return out

    # -- building blocks -------------------------------------------------------------------
    def keyed_pairs(
        self,
        n: int,
        *,
        shift: Callable[[int], IntArray] | None = None,
        left_amount: Callable[[IntArray], IntArray] | None = None,
        left_ref: Callable[[list[str]], list[str | None]] | None = None,
        right_ref: Callable[[list[str]], list[str | None]] | None = None,
    ) -> tuple[IntArray, IntArray]:
        refs = self.refs(n)
        amount = self.amounts(n)
        day = self.days(n)
        party = self.parties(n)
        moved = day + (shift(n) if shift else self.rng.integers(0, 3, n))
        lref = left_ref(refs) if left_ref else self.styled(refs)
        rref = right_ref(refs) if right_ref else list[str | None](refs)
        lamt = left_amount(amount) if left_amount else amount
        ldesc: list[str | None] = [f"Payment {r} {p}" for r, p in zip(refs, party, strict=True)]
        rdesc: list[str | None] = [f"Invoice {r}" for r in refs]
        li = self.left.extend(lref, moved, lamt, ldesc, party)
        ri = self.right.extend(rref, day, amount, rdesc, party)
        self.truth += list(zip(li.tolist(), ri.tolist(), strict=True))
        return li, ri

    def noise(self, n_left: int, n_right: int) -> None:
        """Records with no partner on the other side."""
        for side, n in ((self.left, n_left), (self.right, n_right)):
            refs = self.refs(n)
            party = self.parties(n)
            side.extend(
                list[str | None](refs),
                self.days(n),
                self.amounts(n),
                [f"Misc {r}" for r in refs],
                party,
            )

    def build(self, name: str, rule_set: RuleSet, description: str) -> Scenario:
        n_l, n_r = len(self.left.amount), len(self.right.amount)
        lid = self.rng.permutation(n_l).astype(np.int64) + 1
        rid = self.rng.permutation(n_r).astype(np.int64) + 1 + RIGHT_ID_OFFSET
        left = _frame(self.left, lid, self.rng.permutation(n_l))
        right = _frame(self.right, rid, self.rng.permutation(n_r))
        pairs = np.asarray(self.truth, dtype=np.int64).reshape(-1, 2)
        truth = pl.DataFrame(
            {"left_id": lid[pairs[:, 0]], "right_id": rid[pairs[:, 1]]},
            schema={"left_id": pl.Int64, "right_id": pl.Int64},
        ).sort("left_id", "right_id")
        return Scenario(name, left, right, truth, rule_set, description)


def _frame(side: _Side, ids: IntArray, order: IntArray) -> pl.DataFrame:
    n = len(side.amount)
    frame = pl.DataFrame(
        {
            "id": ids,
            "reference": side.reference,
            "booking_date": np.asarray(side.booking, np.int64),
            "amount": np.asarray(side.amount, np.int64),
            "currency": ["EUR"] * n,
            "description": side.description,
            "counterparty": side.counterparty,
            "extra": side.extra,
        },
        schema={
            "id": pl.Int64,
            "reference": pl.String,
            "booking_date": pl.Int64,
            "amount": pl.Int64,
            "currency": pl.String,
            "description": pl.String,
            "counterparty": pl.String,
            "extra": pl.String,
        },
    )
    frame = frame.with_columns(
        pl.col("booking_date").cast(pl.Int32).cast(pl.Date),
    ).with_columns(
        pl.col("booking_date").alias("value_date"),
        pl.lit(None, dtype=pl.String).alias("counterparty_account"),
        pl.lit(None, dtype=pl.String).alias("transaction_id"),
    )
    return frame[order]


# -- rule sets --------------------------------------------------------------------------------

REFERENCE_NORMALISERS = ["case", "whitespace", "punctuation", "leading_zeros"]


def standard_rule_set(
    *,
    abs_tolerance: str = "0.01",
    pct_tolerance: str | None = None,
    window_days: int = 3,
    fallback: bool = True,
    fallback_fuzzy: bool = False,
) -> RuleSet:
    """Exact reference + amount tolerance + date window, then a tolerance-only fallback."""
    amount: dict[str, object] = {"type": "amount", "abs_tolerance": abs_tolerance}
    if pct_tolerance is not None:
        amount["pct_tolerance"] = pct_tolerance
    rules: list[dict[str, object]] = [
        {
            "name": "reference",
            "conditions": [
                {"type": "equals", "field": "reference", "normalisers": REFERENCE_NORMALISERS},
                amount,
                {"type": "date", "window_days": window_days},
            ],
            "auto": 0.9,
            "suggest": 0.6,
        }
    ]
    if fallback:
        conds: list[dict[str, object]] = [
            {"type": "amount", "abs_tolerance": abs_tolerance},
            {"type": "date", "window_days": window_days},
        ]
        if fallback_fuzzy:
            conds.append(
                {
                    "type": "fuzzy",
                    "field": "reference",
                    "scorer": "ratio",
                    "threshold": 75,
                    "normalisers": REFERENCE_NORMALISERS,
                    "required": False,
                }
            )
        rules.append({"name": "amount_date", "conditions": conds, "auto": 0.95, "suggest": 0.6})
    return RuleSet.model_validate({"version": 1, "rules": rules})


# -- scenarios --------------------------------------------------------------------------------


def _clean_keys(b: _Builder, n: int) -> RuleSet:
    b.keyed_pairs(n)
    b.noise(n // 20, n // 20)
    return standard_rule_set()


def _timing_shifts(b: _Builder, n: int) -> RuleSet:
    # Mostly within the 5-day window, a tail beyond it (those become discrepancies).
    b.keyed_pairs(n, shift=lambda k: np.minimum(b.rng.geometric(0.45, k) - 1, 9))
    b.noise(n // 20, n // 20)
    return standard_rule_set(window_days=5)


def _fee_deductions(b: _Builder, n: int) -> RuleSet:
    def deduct(amount: IntArray) -> IntArray:
        pct = b.rng.uniform(0.001, 0.015, amount.size)
        # One in twenty fees is larger than the 2% tolerance: those end up as discrepancies.
        pct = np.where(
            b.rng.random(amount.size) < 0.05, b.rng.uniform(0.03, 0.06, amount.size), pct
        )
        fee = np.maximum((amount * pct).astype(np.int64) // CENT, 1) * CENT
        return np.asarray(amount - fee, dtype=np.int64)

    b.keyed_pairs(n, left_amount=deduct)
    b.noise(n // 20, n // 20)
    return standard_rule_set(abs_tolerance="0.01", pct_tolerance="2", fallback=False)


def _rounding(b: _Builder, n: int) -> RuleSet:
    def rounded(amount: IntArray) -> IntArray:
        return amount + b.rng.integers(-1, 2, amount.size) * CENT

    half = n // 2
    b.keyed_pairs(half, left_amount=rounded)
    b.keyed_pairs(n - half, left_amount=rounded, left_ref=lambda refs: [None] * len(refs))
    b.noise(n // 20, n // 20)
    return standard_rule_set(abs_tolerance="0.01")


def _reference_typos(b: _Builder, n: int) -> RuleSet:
    def typo(refs: list[str]) -> list[str | None]:
        out: list[str | None] = []
        flips = b.rng.random(len(refs)) < 0.5
        for ref, flip in zip(refs, flips.tolist(), strict=True):
            if not flip:
                out.append(ref)
                continue
            chars = list(ref)
            pos = int(b.rng.integers(4, len(chars)))
            chars[pos] = str((int(chars[pos]) + 1 + int(b.rng.integers(0, 8))) % 10)
            out.append("".join(chars))
        return out

    _, ri = b.keyed_pairs(n, left_ref=typo)
    # Decoys: for a third of the pairs another ledger line with the same amount and day but an
    # unrelated reference. Only the (optional) fuzzy reference score tells them apart.
    for i in b.rng.choice(ri, size=n // 3, replace=False).tolist():
        decoy = b.refs(1)[0]
        b.right.add(decoy, b.right.booking[i], b.right.amount[i], f"Invoice {decoy}")
    b.noise(n // 20, n // 20)
    return standard_rule_set(abs_tolerance="0", fallback_fuzzy=True)


def _split_payments(b: _Builder, n: int) -> RuleSet:
    n_split = n // 2
    b.keyed_pairs(n - n_split)
    refs = b.refs(n_split)
    for ref in refs:
        parts = int(b.rng.integers(2, 4))
        amounts = b.amounts(parts, 10, 5000)
        day = int(b.days(1)[0])
        li = b.left.add(ref, day + int(b.rng.integers(0, 3)), int(amounts.sum()), f"Sammel {ref}")
        for a in amounts.tolist():
            ri = b.right.add(ref, day - int(b.rng.integers(0, 5)), a, f"Teil {ref}")
            b.truth.append((li, ri))
        if b.rng.random() < 0.3:  # an unrelated line quoting the same reference
            b.right.add(ref, day, int(b.amounts(1, 10, 5000)[0]), f"Gutschrift {ref}")
    b.noise(n // 20, n // 20)
    base = standard_rule_set(fallback=False)
    return RuleSet.model_validate({"rules": [*base.model_dump()["rules"], split_rule(10)]})


def _duplicates(b: _Builder, n: int) -> RuleSet:
    li, _ = b.keyed_pairs(n, shift=lambda k: np.zeros(k, np.int64))
    dup = b.rng.choice(li, size=max(n // 20, 1), replace=False)
    for i in sorted(dup.tolist()):
        side = b.left
        side.add(
            side.reference[i],
            side.booking[i],
            side.amount[i],
            side.description[i],
            side.counterparty[i],
        )
    b.noise(n // 20, n // 20)
    return standard_rule_set()


def _missing_records(b: _Builder, n: int) -> RuleSet:
    b.keyed_pairs(n)
    b.noise(n // 5, n // 5)
    # Look-alikes: partnerless bank lines without reference whose amount and day happen to equal
    # a partnerless ledger line. The tolerance-only fallback pairs them: false positives that no
    # rule can avoid, which keeps the precision figure honest.
    k = n // 25
    amounts, days = b.amounts(k), b.days(k)
    b.left.extend([None] * k, days, amounts, ["Card payment"] * k, b.parties(k))
    b.right.extend(list[str | None](b.refs(k)), days + 1, amounts, ["Sale"] * k, b.parties(k))
    return standard_rule_set()


def _buried_references(b: _Builder, n: int) -> RuleSet:
    refs = b.refs(n)
    amount = b.amounts(n)
    day = b.days(n)
    party = b.parties(n)
    words = ("Zahlung", "Ueberweisung", "Payment for", "Re:")
    picks = b.rng.integers(0, len(words), n).tolist()
    ldesc: list[str | None] = [
        f"{words[w]} {r} {p} ff" for w, r, p in zip(picks, refs, party, strict=True)
    ]
    li = b.left.extend([None] * n, day + b.rng.integers(0, 3, n), amount, ldesc, party)
    ri = b.right.extend(list[str | None](refs), day, amount, [f"Invoice {r}" for r in refs], party)
    b.truth += list(zip(li.tolist(), ri.tolist(), strict=True))
    b.noise(n // 20, n // 20)
    return RuleSet.model_validate(
        {
            "derived_fields": [
                {"name": "invoice_ref", "source": "description", "pattern": r"(?P<ref>INV-\d+)"}
            ],
            "rules": [
                {
                    "name": "buried_reference",
                    "conditions": [
                        {"type": "equals", "field": "invoice_ref", "right_field": "reference"},
                        {"type": "amount", "abs_tolerance": "0.01"},
                        {"type": "date", "window_days": 3},
                    ],
                }
            ],
        }
    )


def _batch_payments(b: _Builder, n: int) -> RuleSet:
    n_batch = n // 3
    b.keyed_pairs(n - n_batch)
    for _ in range(n_batch):
        k = int(b.rng.integers(2, 5))
        refs = b.refs(k)
        amounts = b.amounts(k, 10, 5000)
        day = int(b.days(1)[0])
        desc = "Sammelzahlung " + ", ".join(refs)
        li = b.left.add(None, day + int(b.rng.integers(0, 3)), int(amounts.sum()), desc)
        for ref, a in zip(refs, amounts.tolist(), strict=True):
            ri = b.right.add(ref, day - int(b.rng.integers(0, 3)), a, f"Invoice {ref}")
            b.truth.append((li, ri))
    b.noise(n // 20, n // 20)
    base = standard_rule_set(fallback=False)
    batch = {
        "name": "batch",
        "cardinality": "one_to_many",
        "conditions": [
            {"type": "equals", "field": "invoices", "right_field": "reference"},
            {"type": "amount", "abs_tolerance": "0"},
            {"type": "date", "window_days": 5},
        ],
    }
    return RuleSet.model_validate(
        {
            "derived_fields": [
                {
                    "name": "invoices",
                    "source": "description",
                    "pattern": r"(?P<ref>INV-\d+)",
                    "multiple": True,
                }
            ],
            "rules": [*base.model_dump()["rules"], batch],
        }
    )


def _near_duplicate_amounts(b: _Builder, n: int) -> RuleSet:
    """No references; same-day chains where the single best pair is a trap for greedy.

    L1 = A, L2 = A + 0.04, R1 = A + 0.01, R2 = A - 0.03 with truth L1-R2 and L2-R1: the closest
    pair L1-R1 leaves both others without a partner within 0.05.
    """
    n_chain = n // 4
    base = b.amounts(n_chain, 50, 5000)
    day = b.days(n_chain)
    for a, d in zip(base.tolist(), day.tolist(), strict=True):
        l1 = b.left.add(None, d, a, "Card payment")
        l2 = b.left.add(None, d, a + 4 * CENT, "Card payment")
        r1 = b.right.add(None, d, a + 1 * CENT, "Sale")
        r2 = b.right.add(None, d, a - 3 * CENT, "Sale")
        b.truth += [(l1, r2), (l2, r1)]
    rest = n - 2 * n_chain
    b.keyed_pairs(
        rest, left_ref=lambda refs: [None] * len(refs), shift=lambda k: np.zeros(k, np.int64)
    )
    b.noise(n // 20, n // 20)
    return RuleSet.model_validate(
        {
            "rules": [
                {
                    "name": "amount_same_day",
                    "conditions": [
                        {"type": "amount", "abs_tolerance": "0.05"},
                        {"type": "date", "window_days": 0},
                    ],
                    "auto": 0.95,
                    "suggest": 0.6,
                }
            ]
        }
    )


# Settlements: several bank lines against several ledger lines carrying the same settlement id.
SETTLEMENT_RULE = {
    "name": "settlement",
    "cardinality": "many_to_many",
    "conditions": [
        {"type": "equals", "field": "extra.settlement"},
        {"type": "amount", "abs_tolerance": "0"},
        {"type": "date", "window_days": 5},
    ],
}


def _many_to_many(b: _Builder, n: int) -> RuleSet:
    n_groups = n // 5
    b.keyed_pairs(n - 4 * n_groups)
    for g in range(n_groups):
        settlement = json.dumps({"settlement": f"S{g:06d}"})
        n_left = int(b.rng.integers(2, 4))
        n_right = int(b.rng.integers(2, 4))
        right_amounts = b.amounts(n_right, 10, 5000)
        total = int(right_amounts.sum())
        cuts = np.sort(b.rng.choice(np.arange(1, total // CENT), n_left - 1, replace=False))
        left_amounts = np.diff(np.concatenate([[0], cuts, [total // CENT]])) * CENT
        day = int(b.days(1)[0])
        lis = [
            b.left.add(
                None, day + int(b.rng.integers(0, 3)), int(a), "Settlement", None, settlement
            )
            for a in left_amounts.tolist()
        ]
        ris = [
            b.right.add(None, day, int(a), "Netting", None, settlement)
            for a in right_amounts.tolist()
        ]
        b.truth += [(li, ri) for li in lis for ri in ris]
        if b.rng.random() < 0.3:  # a stray line of the same settlement that belongs elsewhere
            stray = int(b.amounts(1, 10, 5000)[0])
            b.left.add(None, day, stray, "Settlement", None, settlement)
    b.noise(n // 20, n // 20)
    base = standard_rule_set(fallback=False)
    return RuleSet.model_validate({"rules": [*base.model_dump()["rules"], SETTLEMENT_RULE]})


SCENARIOS: dict[str, tuple[Callable[[_Builder, int], RuleSet], str]] = {
    "clean_keys": (_clean_keys, "equal references (styled differently), same amounts"),
    "timing_shifts": (_timing_shifts, "booking dates shifted, a tail beyond the window"),
    "fee_deductions": (_fee_deductions, "bank amounts net of a 0.1-1.5% fee"),
    "rounding": (_rounding, "amounts off by one cent; half without reference"),
    "reference_typos": (_reference_typos, "half the references carry a typo"),
    "split_payments": (_split_payments, "one bank line for 2-3 ledger parts"),
    "duplicates": (_duplicates, "5% of bank lines imported twice"),
    "missing_records": (_missing_records, "20% extra records without partner per side"),
    "buried_references": (_buried_references, "the reference only inside the bank text"),
    "batch_payments": (_batch_payments, "one bank line quoting 2-4 invoices"),
    "near_duplicate_amounts": (_near_duplicate_amounts, "same-day near-equal amounts"),
    "many_to_many": (_many_to_many, "settlements: 2-3 lines against 2-3 lines"),
}


def generate(name: str, n: int = 1000, seed: int = 0) -> Scenario:
    """Scenario ``name`` with about ``n`` true matches (plus noise), reproducible by ``seed``."""
    try:
        make, description = SCENARIOS[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; one of {', '.join(SCENARIOS)}") from None
    builder = _Builder(seed)
    rule_set = make(builder, n)
    return builder.build(name, rule_set, description)


def split_rule(window_days: int = 5) -> dict[str, object]:
    """A one-to-many rule: one left line settling 2..5 right lines quoting its reference."""
    return {
        "name": "split",
        "cardinality": "one_to_many",
        "conditions": [
            {"type": "equals", "field": "reference", "normalisers": REFERENCE_NORMALISERS},
            {"type": "amount", "abs_tolerance": "0"},
            {"type": "date", "window_days": window_days},
        ],
    }


def generate_mixed(n: int, seed: int = 0, *, split_share: float = 0.0) -> Scenario:
    """A realistic large set: mostly keyed pairs, some without reference, late ones, noise.

    About 89% of left records carry the reference, 6% do not (the fallback rule finds them),
    2% are shifted beyond the window (discrepancies) and 3% per side have no partner. With
    ``split_share`` that fraction of left lines settles 2-3 right lines (and the rule set gains
    a one-to-many rule).
    """
    b = _Builder(seed)
    n_split = int(n * split_share)
    n_keyed = int(n * 0.89) - n_split
    n_noref = int(n * 0.06)
    n_late = int(n * 0.02)
    b.keyed_pairs(n_keyed)
    b.keyed_pairs(n_noref, left_ref=lambda refs: [None] * len(refs))
    b.keyed_pairs(n_late, shift=lambda k: b.rng.integers(4, 9, k))
    refs = b.refs(n_split)
    parts = b.rng.integers(2, 4, n_split).tolist()
    days = b.days(n_split).tolist()
    for ref, k, day in zip(refs, parts, days, strict=True):
        amounts = b.amounts(k, 10, 5000).tolist()
        li = b.left.add(ref, day + 1, sum(amounts), f"Payment {ref}")
        for a in amounts:
            b.truth.append((li, b.right.add(ref, day, a, f"Invoice {ref} part")))
    rest = n - n_keyed - n_noref - n_late - n_split
    b.noise(rest, rest)
    rule_set = standard_rule_set()
    if n_split:
        rules = [*rule_set.model_dump()["rules"], split_rule()]
        rule_set = RuleSet.model_validate({"rules": rules})
    return b.build("mixed", rule_set, "realistic mix for benchmarks")
