"""Rule inference on crafted frames: structured creditor references naming an invoice number
through check digits, and remittances naming several invoices over a second key."""

from __future__ import annotations

import json
from collections.abc import Callable

import polars as pl
import pytest

from tally.matching import reconcile
from tally.matching.backtest import precision_recall
from tally.matching.infer import infer_rules
from tally.matching.infer_references import SCHEMES, reference_payloads, rf_valid
from tally.matching.rules import EqualsCondition

from .helpers import records


def _viite(base: str) -> str:  # Finnish: weights 7, 3, 1 from the right
    total = sum(int(d) * (7, 3, 1)[i % 3] for i, d in enumerate(reversed(base)))
    return base + str((10 - total % 10) % 10)


def _ogm(base: str) -> str:  # Belgian: ten digits and their remainder by 97 (97 for 0)
    digits = base.zfill(10) + f"{int(base) % 97 or 97:02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def _kid(base: str, customer: int) -> str:  # Norwegian: customer, invoice, Luhn check digit
    body = f"{customer:05d}{base}"
    total = 0
    for i, d in enumerate(reversed(body)):
        value = int(d) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def test_check_digit_schemes_accept_published_examples() -> None:
    assert rf_valid("RF18539007547034")  # ISO 11649's example
    assert not rf_valid("RF19539007547034")
    assert SCHEMES["luhn"][1]("79927398713")
    assert SCHEMES["mod10_recursive"][1]("210000000003139471430009017")  # SIX QR example
    assert SCHEMES["weights731"][1]("1234561")
    assert SCHEMES["mod97"][1]("020240012320")
    assert not SCHEMES["mod97"][1]("020240012321")
    # The payload of a valid RF reference is read past its head; an invalid RF head is no
    # reference at all.
    assert (1, "123456", True) in reference_payloads("RF34 1234 561")
    assert reference_payloads("RF35 1234 561") == []


def _case(
    reference: Callable[[str, int], str], *, where: str, n: int = 150
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """A ledger (invoice numbers, no references) against a bank paying each invoice with its
    structured reference, in a column of its own or inside the description."""
    left, right, truth = [], [], []
    for i in range(n):
        number = f"2024{117 + 3 * i:04d}"
        amount = 10_000 + (i * 7919) % 900_000
        left.append({"id": i + 1, "amount": amount, "day": i // 2,
                     "extra": json.dumps({"Invoice": number, "Customer": f"C{i % 40}"})})  # fmt: skip
        ref = reference(number, 10_000 + i % 40)
        row: dict[str, object] = {"id": 10_000 + i, "amount": amount, "day": i // 2 + 3}
        if where == "column":
            row["extra"] = json.dumps({"Reference": ref})
        else:
            row["description"] = f"CREDIT TRANSFER FROM CUSTOMER {i % 40} REF {ref} THANK YOU"
        right.append(row)
        truth.append((i + 1, 10_000 + i))
    return (
        records(*left),
        records(*right),
        pl.DataFrame(truth, schema=["left_id", "right_id"], orient="row"),
    )


@pytest.mark.parametrize(
    ("reference", "where", "right_source"),
    [
        (lambda n, _c: _viite(n), "column", "extra.Reference"),  # 202401172
        (lambda n, _c: " ".join([_viite(n)[:4], _viite(n)[4:]]), "column", "extra.Reference"),
        (lambda n, _c: _ogm(n), "description", "description"),  # +++002/0240/117xx+++
        (lambda n, c: _kid(n, c), "description", "description"),  # customer + invoice + check
    ],
    ids=["viitenumero", "viitenumero_grouped", "belgian_ogm", "kid_with_customer"],
)
def test_a_reference_with_check_digits_is_a_key_to_the_invoice_number(
    reference: Callable[[str, int], str], where: str, right_source: str
) -> None:
    left, right, truth = _case(reference, where=where)
    inferred = infer_rules(left, right)
    rule = next(r for r in inferred.rule_set.rules if r.name == "reference")
    key = next(c for c in rule.conditions if isinstance(c, EqualsCondition))
    assert key.field == "extra.Invoice"
    derived = inferred.rule_set.derived(key.other_field)
    assert derived is not None and derived.source == right_source
    result = reconcile(left, right, inferred.rule_set)
    figures = precision_recall(result, truth)
    assert figures.precision == 1.0
    assert figures.recall == 1.0


def test_numbers_that_fail_every_check_digit_are_no_reference_key() -> None:
    # Bank lines quoting the invoice number with a digit appended that is no check digit of any
    # scheme (a counter, a page number): no reference key is proposed from them.
    def appended(number: str, _customer: int) -> str:
        for extra in "0123456789":
            valid = any(test(number + extra) for c, test in SCHEMES.values() if c == 1)
            if not valid:
                return number + extra
        raise AssertionError(number)

    left, right, _ = _case(appended, where="column")
    inferred = infer_rules(left, right)
    assert not [r for r in inferred.rule_set.rules if r.name.startswith("reference")]


def test_a_remittance_naming_several_invoices_is_a_batch_over_the_second_key() -> None:
    # Most payments quote the reference the ledger shows (the key); a fifth name the invoice
    # numbers in the message instead, often several of them in one transfer: the second key's
    # batches sum them.
    left_rows, right_rows, truth = [], [], []
    bank_id = 50_000
    for i in range(200):
        number = f"7{100_000 + i}"
        amount = 20_000 + (i * 7919) % 700_000
        left_rows.append({"id": i + 1, "amount": amount, "day": i // 3,
                          "extra": json.dumps({"Invoice": number, "Ref": f"P{i * 37 + 11:06d}Q"})})  # fmt: skip
    for block in range(0, 200, 10):  # of ten invoices: six by reference, one named, three batched
        day = block // 3 + 4
        for i in range(block, block + 10):
            amount = int(left_rows[i]["amount"])  # type: ignore[call-overload]
            if i - block < 6:
                bank_id += 1
                right_rows.append({"id": bank_id, "amount": amount, "day": day,
                                   "extra": json.dumps({"Ref": f"P{i * 37 + 11:06d}Q"})})  # fmt: skip
                truth.append((i + 1, bank_id))
            elif i - block == 6:
                bank_id += 1
                right_rows.append({"id": bank_id, "amount": amount, "day": day,
                                   "extra": json.dumps({"Message": f"Invoice 7{100_000 + i}"})})  # fmt: skip
                truth.append((i + 1, bank_id))
        members = range(block + 7, block + 10)
        bank_id += 1
        total = sum(int(left_rows[m]["amount"]) for m in members)  # type: ignore[call-overload]
        message = "Invoices " + ", ".join(f"7{100_000 + m}" for m in members)
        right_rows.append({"id": bank_id, "amount": total, "day": day,
                           "extra": json.dumps({"Message": message})})  # fmt: skip
        truth += [(m + 1, bank_id) for m in members]
    left, right = records(*left_rows), records(*right_rows)
    expected = pl.DataFrame(truth, schema=["left_id", "right_id"], orient="row")
    inferred = infer_rules(left, right)
    names = [r.name for r in inferred.rule_set.rules]
    assert "second_key_many_to_one" in names
    batch = next(r for r in inferred.rule_set.rules if r.name == "second_key_many_to_one")
    key = next(c for c in batch.conditions if isinstance(c, EqualsCondition))
    assert key.field == "extra.Invoice"
    derived = inferred.rule_set.derived(key.other_field)
    assert derived is not None and derived.source == "extra.Message"
    figures = precision_recall(reconcile(left, right, inferred.rule_set), expected)
    assert figures.precision == 1.0
    assert figures.recall == 1.0
