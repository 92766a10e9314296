"""How inference reads large sources: the records it drops must not change what it counts."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tally.demo.cases import CASES, generate_case
from tally.matching.fields import ROW, prepare_side
from tally.matching.infer import InferenceLimits, infer_rules
from tally.matching.infer_keys import (
    choose_key,
    key_candidates,
    key_rule_set,
    key_values,
    keyed_pairs,
    text_fields,
)
from tally.matching.infer_sample import (
    holding,
    left_keys,
    quoting,
    reach,
    repeated_share,
    sample,
)
from tally.matching.rules import EqualsCondition

from .helpers import records


def _window(name: str, n: int = 800) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, tuple]:
    case = generate_case(name, n, seed=5)
    left, right = prepare_side(case.left, "left"), prepare_side(case.right, "right")
    ls, wide, window = sample(left, right, size=n // 8, seed=0)
    assert window is not None and ls.height < left.height
    return left, ls, wide, window


def test_quoting_keeps_every_record_quoting_a_value_of_the_sample_however_written() -> None:
    ls = prepare_side(
        records(
            {"reference": "INV-000123", "amount": "10.00"},
            {"reference": "2025/001234", "amount": "20.00"},
            {"reference": "104233-A", "amount": "30.00"},
            {"reference": "po_1xPOkr0gftoy0ZtI", "amount": "40.00"},
        ),
        "left",
    )
    right = prepare_side(
        records(
            {"id": 1, "description": "Zahlung inv 123 danke"},  # case, space, zeros
            {"id": 2, "description": "RE: INV/00123 und INV-0999"},  # one of two quoted
            {"id": 3, "description": "Rechnung 2025-1234"},  # other punctuation, zeros
            {"id": 4, "description": "paid 104233A"},
            {"id": 5, "description": "payout PO_1XPOKR0GFTOY0ZTI"},
            {"id": 6, "extra": json.dumps({"Verwendungszweck": "ref 20251234"})},
            {"id": 7, "description": "INV-124 and 2026/009999"},  # neither value
            {"id": 8, "description": "Miete Maerz"},
            {"id": 9},
        ),
        "right",
    )
    names = [*text_fields(right), "extra.Verwendungszweck"]
    kept = quoting(right, names, ls)
    assert sorted(kept["id"].to_list()) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("name", sorted(CASES))
def test_key_statistics_on_the_quoting_records_equal_those_on_the_whole_window(name: str) -> None:
    # Every count key discovery makes (records holding a shared value, their amounts, whether
    # they agree) and the key it then chooses must be the same: a sampler dropping one holder of
    # a shared value changes a count and fails here.
    _, ls, wide, _ = _window(name)
    names = text_fields(wide)
    near = quoting(wide, names, ls)
    assert near.height < wide.height
    _, _, whole = key_candidates(ls, wide, names)
    _, _, quoted = key_candidates(ls, near, names)
    order = ["l_reading", "r_reading", "value"]
    assert whole.height > 0
    assert quoted.sort(order).equals(whole.sort(order))
    min_pairs = max(3, min(ls.height, wide.height) // 200)
    chosen = choose_key(ls, wide, min_pairs=min_pairs)
    from_near = choose_key(ls, near, min_pairs=min_pairs, right_fields=names)
    assert chosen is not None and from_near is not None
    assert from_near.condition == chosen.condition and from_near.derived == chosen.derived
    assert from_near.pairs.sort("l_row").equals(chosen.pairs.sort("l_row"))
    assert from_near.fan_out == chosen.fan_out
    assert from_near.groups.sort(pl.all()).equals(chosen.groups.sort(pl.all()))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_reached_right_records_hold_every_keyed_partner_of_the_sample(name: str) -> None:
    left, ls, wide, window = _window(name)
    key = choose_key(ls, quoting(wide, text_fields(wide), ls), min_pairs=3)
    assert key is not None
    rs = reach(left_keys(left, key), ls, wide, key, window)
    assert rs.height < wide.height
    # the sample's clean 1:1 pairs over the whole right side, not only the sampled window
    everywhere = prepare_side(generate_case(name, 800, seed=5).right, "right")
    pairs = keyed_pairs(ls, everywhere, key.condition, key.rule_set())
    lags = pairs.join(ls.select(pl.col(ROW).alias("l_row"), "booking_date"), on="l_row").join(
        everywhere.select(pl.col(ROW).alias("r_row"), pl.col("booking_date").alias("paid")),
        on="r_row",
    )
    kept = lags["r_row"].is_in(rs[ROW].implode())
    assert lags.height > 0
    assert kept.mean() >= 0.99  # the lags' 0.5 % tails on either side may fall outside


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_records_holding_key_values_are_those_whose_values_hold_them(name: str) -> None:
    # The scan of the source text keeps every record whose key values (derived, normalised)
    # include one of the values asked: the same records the values themselves give.
    _, ls, wide, _ = _window(name)
    key = choose_key(ls, quoting(wide, text_fields(wide), ls), min_pairs=3)
    assert key is not None
    keys = [(key.condition, key.derived)]
    if key.second is not None:
        keys.append((key.second.condition, key.second.derived))
    for cond, derived in keys:
        rule_set = key_rule_set(cond, derived)
        held = key_values(ls, cond.field, cond.normalisers, rule_set)["k"]
        kept = holding(wide, cond.other_field, cond.normalisers, held, rule_set)
        assert kept.height < wide.height
        whole, scanned = (
            key_values(frame, cond.other_field, cond.normalisers, rule_set, ROW)
            .filter(pl.col("k").is_in(held.implode()))
            .sort(ROW, "k")
            for frame in (wide, kept)
        )
        assert whole.height > 0
        assert scanned.equals(whole)


def test_a_field_read_with_other_normalisers_than_the_keys_is_not_filtered() -> None:
    # "5-0012" read with leading zeros only is "5-12", which the key normalisers read as "512":
    # not a substring of the text's "50012", so no scan may decide for this field.
    right = prepare_side(records({"reference": "5-0012"}, {"reference": "7"}), "right")
    cond = EqualsCondition(field="reference", normalisers=("leading_zeros",))
    rule_set = key_rule_set(cond, ())
    kept = holding(right, "reference", cond.normalisers, pl.Series(["5-12"]), rule_set)
    assert kept.height == 2


def test_repeated_key_values_are_counted_over_the_whole_left_source() -> None:
    left = prepare_side(
        records(*({"reference": f"R-{1000 + i % 90}", "amount": "1.00"} for i in range(100))),
        "left",
    )
    right = prepare_side(records({"description": "R-1000"}), "right")
    key = choose_key(left, prepare_side(records(
        *({"description": f"R-{1000 + i}", "amount": "1.00"} for i in range(90))
    ), "right"), min_pairs=3)  # fmt: skip
    assert key is not None and right.height == 1
    # 10 of the 90 values are held by two records
    assert repeated_share(left_keys(left, key)) == pytest.approx(10 / 90)


def test_a_sampled_inference_proposes_the_rules_of_the_whole_inference() -> None:
    case = generate_case("bank_de", 1_200, seed=2)
    whole = infer_rules(case.left, case.right, limits=InferenceLimits(sample_rows=100_000))
    sampled = infer_rules(case.left, case.right, limits=InferenceLimits(sample_rows=600))
    assert sampled.sampled_left < sampled.left_rows
    assert [r.name for r in sampled.rule_set.rules][:2] == [r.name for r in whole.rule_set.rules][
        :2
    ]
