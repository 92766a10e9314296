"""Reconciliation cases with known truth for rule inference: a ledger against a payment export.

Each case is generated from a :class:`CaseSpec` that varies what inference must discover on its
own: the shape of the invoice numbers (prefix + digits, year/number, bare digits), where the
payer writes them (inside free text in several languages, with typos), the sign convention, the
fee model (fixed, percentage with a cap), the payment lag, splits (one invoice paid in 2-3
transfers), batches (one transfer paying consecutive invoices of one customer, quoting the first
one with "ff"), transfers without any reference, rows exported twice and unmatched noise.

The left frame is the ledger (one row per invoice), the right frame the payment export; both are
record frames as jobs load them (amounts in units of 1/10,000). ``truth`` holds one
(``left_id``, ``right_id``) row per true link (a group contributes every member pair).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl

UNIT = 10_000  # units per currency unit
_DAY0 = (dt.date(2025, 1, 1) - dt.date(1970, 1, 1)).days

_NAMES = (
    "Müller GmbH",
    "Schmidt & Söhne KG",
    "Bäckerei Weber",
    "Hoffmann Logistik AG",
    "Fischer Elektro",
    "Wagner Bau GmbH",
    "Becker IT Services",
    "Schulz Handel OHG",
    "Acme Supplies Ltd",
    "Northwind Traders",
    "Contoso Pharmacy",
    "Fabrikam Inc",
    "Dupont & Fils SARL",
    "Rossi Costruzioni SRL",
    "García Hermanos SL",
    "Tailspin Toys",
)
_WORDS = {
    "de": ("Rechnung", "Zahlung", "Überweisung", "RE", "Rg.", "Ausgleich"),
    "en": ("Invoice", "Payment", "Inv", "Remittance for", "Settlement of", "Paid"),
    "fr": ("Facture", "Paiement", "Règlement", "Fact.", "Virement", "Solde"),
}
_FILLER = {
    "de": ("vielen Dank", "Kd-Nr 4471", "SEPA Gutschrift", "Auftrag vom 12.03.", "Skonto nicht"),
    "en": ("thank you", "cust no 88213", "ACH credit", "order of 03/12", "net 30"),
    "fr": ("merci", "client 55102", "virement SEPA", "commande du 12/03", "acompte"),
}

Shape = Literal["prefix", "year", "digits"]


@dataclass(frozen=True)
class CaseSpec:
    name: str
    shape: Shape = "prefix"
    prefix: str = "INV-"
    language: str = "de"
    opposite_sign: bool = False  # payments carry the opposite sign of the invoices
    fee: Literal["none", "fixed", "percent"] = "percent"
    fee_share: float = 0.3  # share of payments with a fee deducted
    max_lag_days: int = 12
    shares: dict[str, float] = field(
        default_factory=lambda: {
            "split": 0.07,
            "batch": 0.06,
            "typo": 0.04,
            "no_reference": 0.03,
        }
    )
    duplicate_share: float = 0.03  # payment rows exported twice
    noise_share: float = 0.05  # records without a partner, each side
    reference_in_text: bool = True  # False: the export has its own reference column


@dataclass(frozen=True)
class Case:
    name: str
    left: pl.DataFrame
    right: pl.DataFrame
    truth: pl.DataFrame  # left_id, right_id
    scenario: pl.DataFrame  # left_id, right_id, scenario (per true link)
    twins: pl.DataFrame  # right_id, original_id: rows exported twice (identical to the original)


CASES: dict[str, CaseSpec] = {
    "bank_de": CaseSpec("bank_de"),
    "vendor_en": CaseSpec(
        "vendor_en",
        shape="year",
        language="en",
        opposite_sign=True,
        fee="fixed",
        fee_share=0.2,
        max_lag_days=20,
    ),
    "digits_fr": CaseSpec(
        "digits_fr",
        shape="digits",
        language="fr",
        fee="none",
        max_lag_days=5,
        shares={"split": 0.1, "batch": 0.03, "typo": 0.02, "no_reference": 0.05},
    ),
    "column_ref": CaseSpec(
        "column_ref",
        prefix="RE",
        fee="percent",
        fee_share=0.5,
        reference_in_text=False,
        shares={"split": 0.05, "batch": 0.05, "typo": 0.03, "no_reference": 0.02},
    ),
}


class _Gen:
    def __init__(self, spec: CaseSpec, n: int, seed: int) -> None:
        self.spec = spec
        self.rng = np.random.default_rng(seed)
        self.left: list[dict[str, object]] = []
        self.right: list[dict[str, object]] = []
        self.links: list[tuple[int, int, str]] = []
        self.twins: list[tuple[int, int]] = []  # (copy, original) rows of the right side
        self.counter = int(self.rng.integers(1_000, 40_000))
        self.n = n

    def invoice_number(self) -> str:
        self.counter += 1
        number = self.counter
        shape = self.spec.shape
        if shape == "prefix":
            return f"{self.spec.prefix}{number}"
        if shape == "year":
            return f"2025/{number:06d}"
        return f"{number + 4_000_000}"

    def amount(self) -> int:
        cents = int(np.exp(self.rng.uniform(np.log(2_000), np.log(2_500_000))))
        return cents * 100

    def fee(self, amount: int) -> int:
        spec = self.spec
        if spec.fee == "none" or self.rng.random() >= spec.fee_share:
            return 0
        if spec.fee == "fixed":
            return 350 * 100  # 3.50
        return min(amount * 15 // 1000 // 100 * 100, 5 * UNIT)  # 1.5 %, at most 5.00

    def text(self, refs: list[str], *, batch: bool = False) -> str:
        words = _WORDS[self.spec.language]
        filler = _FILLER[self.spec.language]
        word = words[int(self.rng.integers(len(words)))]
        quoted = refs[0] + " ff" if batch else " ".join(refs)
        parts = [f"{word} {quoted}"]
        if self.rng.random() < 0.5:
            parts.append(filler[int(self.rng.integers(len(filler)))])
        if self.rng.random() < 0.3:
            parts.insert(0, filler[int(self.rng.integers(len(filler)))])
        return " ".join(parts)

    def typo(self, ref: str) -> str:
        digits = [i for i, c in enumerate(ref) if c.isdigit()]
        i = digits[int(self.rng.integers(len(digits) - 1))]
        chars = list(ref)
        if self.rng.random() < 0.5:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            if chars[i] == chars[i + 1]:
                chars[i] = str((int(chars[i]) + 1) % 10)
        else:
            chars[i] = str((int(chars[i]) + 3) % 10)
        return "".join(chars)

    def invoice(self, customer: str, day: int, amount: int | None = None) -> tuple[int, str, int]:
        ref = self.invoice_number()
        value = self.amount() if amount is None else amount
        self.left.append(
            {
                "reference": ref,
                "booking_date": day,
                "amount": value,
                "description": f"{customer} {ref}",
                "counterparty": customer,
            }
        )
        return len(self.left) - 1, ref, value

    def payment(self, payer: str, day: int, amount: int, refs: list[str], text: str) -> int:
        sign = -1 if self.spec.opposite_sign else 1
        row: dict[str, object] = {
            "booking_date": day,
            "amount": sign * amount,
            "counterparty": payer.upper() if self.rng.random() < 0.5 else payer,
        }
        if self.spec.reference_in_text:
            row["description"] = text
        else:
            row["reference"] = " ".join(refs) if refs else None
            row["description"] = f"SEPA {payer}"
        self.right.append(row)
        return len(self.right) - 1

    def lag(self) -> int:
        return int(self.rng.integers(0, self.spec.max_lag_days + 1))

    def customer(self) -> str:
        return _NAMES[int(self.rng.integers(len(_NAMES)))]

    def day(self) -> int:
        return _DAY0 + int(self.rng.integers(0, 330))

    def build(self) -> None:
        spec = self.spec
        kinds = [*spec.shares, "one_to_one"]
        weights = [*spec.shares.values(), max(0.0, 1 - sum(spec.shares.values()))]
        picks = self.rng.choice(len(kinds), size=self.n, p=np.asarray(weights) / sum(weights))
        for pick in picks.tolist():
            kind = kinds[pick]
            customer, day = self.customer(), self.day()
            if kind == "batch":
                members = [self.invoice(customer, day) for _ in range(int(self.rng.integers(2, 4)))]
                total = sum(m[2] for m in members)
                refs = [m[1] for m in members]
                r = self.payment(
                    customer, day + self.lag(), total, refs, self.text(refs, batch=True)
                )
                self.links += [(m[0], r, kind) for m in members]
            elif kind == "split":
                li, ref, amount = self.invoice(customer, day)
                k = int(self.rng.integers(2, 4))
                cuts = sorted(self.rng.choice(np.arange(1, amount // 100), k - 1, replace=False))
                bounds = [0, *[int(c) * 100 for c in cuts], amount]
                for a, b in itertools.pairwise(bounds):
                    r = self.payment(customer, day + self.lag(), b - a, [ref], self.text([ref]))
                    self.links.append((li, r, kind))
            else:
                li, ref, amount = self.invoice(customer, day)
                paid = amount - self.fee(amount)
                quoted = self.typo(ref) if kind == "typo" else ref
                quoting = [] if kind == "no_reference" else [quoted]
                if quoting:
                    text = self.text(quoting)
                else:
                    words = _FILLER[spec.language]
                    text = f"{customer} {words[int(self.rng.integers(len(words)))]}"
                r = self.payment(customer, day + self.lag(), paid, quoting, text)
                self.links.append((li, r, kind))
        for _ in range(int(self.n * spec.noise_share)):
            self.invoice(self.customer(), self.day())
            ref = self.invoice_number()
            self.payment(self.customer(), self.day(), self.amount(), [ref], self.text([ref]))
        for r in self.rng.choice(
            len(self.right), int(len(self.right) * spec.duplicate_share), replace=False
        ).tolist():
            self.right.append(dict(self.right[r]))
            self.twins.append((len(self.right) - 1, r))


def _frame(rows: list[dict[str, object]], ids: np.ndarray, currency: str) -> pl.DataFrame:
    frame = pl.DataFrame(
        rows,
        schema={
            "reference": pl.String,
            "booking_date": pl.Int32,
            "amount": pl.Int64,
            "description": pl.String,
            "counterparty": pl.String,
        },
    )
    return frame.select(
        pl.Series("id", ids, dtype=pl.Int64),
        pl.col("reference"),
        pl.col("booking_date").cast(pl.Date),
        pl.col("booking_date").cast(pl.Date).alias("value_date"),
        pl.col("amount"),
        pl.lit(currency).alias("currency"),
        pl.col("description"),
        pl.col("counterparty"),
        pl.lit(None, dtype=pl.String).alias("counterparty_account"),
        pl.lit(None, dtype=pl.String).alias("transaction_id"),
        pl.lit(json.dumps({"source": "generated"})).alias("extra"),
    )


def generate_case(name: str | CaseSpec, n: int = 2_000, seed: int = 0) -> Case:
    """The case ``name`` (a key of :data:`CASES` or a spec) with about ``n`` invoices paid."""
    spec = CASES[name] if isinstance(name, str) else name
    gen = _Gen(spec, n, seed)
    gen.build()
    n_l, n_r = len(gen.left), len(gen.right)
    lid = gen.rng.permutation(n_l).astype(np.int64) + 1
    rid = gen.rng.permutation(n_r).astype(np.int64) + 10_000_001
    left = _frame(gen.left, lid, "EUR")[gen.rng.permutation(n_l)]
    right = _frame(gen.right, rid, "EUR")[gen.rng.permutation(n_r)]
    links = pl.DataFrame(
        {
            "left_id": [int(lid[li]) for li, _, _ in gen.links],
            "right_id": [int(rid[ri]) for _, ri, _ in gen.links],
            "scenario": [kind for _, _, kind in gen.links],
        },
        schema={"left_id": pl.Int64, "right_id": pl.Int64, "scenario": pl.String},
    ).sort("left_id", "right_id")
    twins = pl.DataFrame(
        {
            "right_id": [int(rid[c]) for c, _ in gen.twins],
            "original_id": [int(rid[o]) for _, o in gen.twins],
        },
        schema={"right_id": pl.Int64, "original_id": pl.Int64},
    )
    return Case(spec.name, left, right, links.select("left_id", "right_id"), links, twins)
