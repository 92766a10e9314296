"""Composite identifiers quoted by their sequence part alone (PL-2025-004512 as 4512)."""

from __future__ import annotations

import json
from decimal import Decimal

import polars as pl

from tally.matching.fields import key_expr, prepare_side
from tally.matching.infer import infer_rules
from tally.matching.infer_keys import choose_key, token_shapes
from tally.matching.rules import RuleSet

from .helpers import records
from .test_infer import Pairs, _amount, _f1


def _policies(n: int = 80, *, documento_agrees: bool = True) -> Pairs:
    """A premium ledger of policy numbers PL-<year>-<sequence, zero-padded> against a bank
    statement quoting every second policy whole in the text and every other one by its sequence
    alone in a ``Documento`` column, less a 1.90 fee (or, with ``documento_agrees`` False,
    an unrelated amount: the sequence is then a chance tail, not the payment's key)."""
    p = Pairs()
    for i in range(n):
        year, sequence = 2024 + i % 2, 1_017 + 37 * i
        premium = p.amount()
        policy = p.invoice(f"PL-{year}-{sequence:06d}", premium, i)
        if i % 2:
            paid = p.payment(
                premium, i + 1, description=f"PIX RECEBIDO APOLICE {year}{sequence:06d}"
            )
        else:
            amount = premium - 19_000 if documento_agrees else p.amount()  # 1.90 in units
            paid = p.payment(
                amount,
                i + 1,
                description="BOLETO LIQUIDADO",
                extra=json.dumps({"Documento": str(sequence)}),
            )
            if not documento_agrees:
                continue
        p.pair(policy, paid)
    return p


def _prepared(p: Pairs) -> tuple[pl.DataFrame, pl.DataFrame]:
    left, right, _ = p.frames()
    return prepare_side(left, "left"), prepare_side(right, "right")


def _values(texts: list[str], pattern: str) -> list[list[str]]:
    frame = records(*({"id": i, "description": t} for i, t in enumerate(texts, 1)))
    rule_set = RuleSet.model_validate(
        {
            "rules": [{"name": "k", "conditions": [{"type": "equals", "field": "k"}]}],
            "derived_fields": [
                {"name": "k", "source": "description", "pattern": pattern,
                 "normalisers": ["leading_zeros"], "multiple": True}
            ],
        }
    )  # fmt: skip
    found = frame.select(key_expr("k", ("leading_zeros",), rule_set).alias("k"))
    return found["k"].to_list()


def test_the_sequence_reading_pairs_a_policy_number_with_its_bare_sequence() -> None:
    left, right = _prepared(_policies())
    key = choose_key(left, right, min_pairs=3)
    assert key is not None
    # The whole number (year and sequence) is the key of the texts quoting it.
    assert (key.best.left.how, key.best.right.label) == ("number", "description (token)")
    assert key.second is not None and key.runner_up is not None
    cond = key.second.condition
    assert (cond.other_field, key.runner_up.left.how) == ("extra.Documento", "sequence")
    rule_set = RuleSet.model_validate(
        {
            "rules": [{"name": "k", "conditions": [cond.model_dump()]}],
            "derived_fields": [d.model_dump() for d in key.second.derived],
        }
    )
    read = left.select(key_expr(cond.field, cond.normalisers, rule_set).alias("k"))["k"]
    assert read.to_list()[:3] == [["1017"], ["1054"], ["1091"]]
    # Every policy gives its sequence, none its year.
    assert read.list.len().to_list() == [1] * left.height
    assert not {"2024", "2025"} & set(read.explode().to_list())


def test_the_sequence_key_gets_a_rule_with_the_fee_learned_from_its_pairs() -> None:
    left, right, truth = _policies().frames()
    inferred = infer_rules(left, right)
    second = next(r for r in inferred.rule_set.rules if r.name.startswith("second_key"))
    assert second.key_conditions[0].other_field == "extra.Documento"
    fee = _amount(inferred, second.name)
    assert Decimal("1.90") <= Decimal(fee.abs_tolerance) < 5  # the 1.90 fee, not the premiums
    figures = _f1(left, right, truth, inferred.rule_set)
    assert figures.precision == 1.0 and figures.recall == 1.0


def test_the_sequence_regex_is_anchored_after_the_runs_before_it_and_never_reads_a_year() -> None:
    shapes = token_shapes(
        ["2025-004512", "2024-000017", "2025-123456", "2024-098765"],
        number_only=True,
        sequence=True,
    )
    assert _values(
        [
            "PL-2025-004512",
            "APOLICE 2025-004512 E PL-2024-000017.",
            "2025 004512 2025004512",  # no separator before the sequence: not one number
            "VENCIMENTO 2025",
            "PARC 1/3",
        ],
        shapes.pattern(),
    ) == [["4512"], ["4512", "17"], [], [], []]
    slashed = token_shapes(["2024/0456", "2024/1201", "2023/0032"], number_only=True,
                           sequence=True)  # fmt: skip
    assert _values(["SO/2024/0456", "SO 2024"], slashed.pattern()) == [["456"], []]


def test_a_chance_tail_with_amounts_that_do_not_agree_is_no_key() -> None:
    p = _policies(documento_agrees=False)
    key = choose_key(*_prepared(p), min_pairs=3)
    assert key is not None and key.best.right.field == "description"
    # The tails meet, but their amounts agree only as often as unrelated amounts do.
    assert key.runner_up is not None and key.runner_up.left.how == "sequence"
    assert key.runner_up.agreement < 0.2
    left, right, truth = p.frames()
    inferred = infer_rules(left, right)
    read = {c.other_field for r in inferred.rule_set.rules for c in r.key_conditions}
    assert "extra.Documento" not in read
    figures = _f1(left, right, truth, inferred.rule_set)
    assert figures.precision == 1.0 and figures.recall == 1.0


def test_numbers_of_one_run_have_no_sequence_reading_apart_from_their_number() -> None:
    shapes = token_shapes(["4500001168", "4500002637", "4500003801"], number_only=True,
                          sequence=True)  # fmt: skip
    assert _values(["4500001168"], shapes.pattern()) == [["4500001168"]]
