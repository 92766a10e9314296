"""A key rule whose amounts differ by a discount rate or a fixed fee, not by anything up to both.

Customers on "2 % 10, net 30" terms pay an invoice less 2 % when they pay early; wires arrive
short by an intermediary bank's fixed fee (15.00, 25.00). The key rule's amount model
(:func:`tally.matching.infer_models.amount_model`) reads one band from such pairs: "within
2.01 % or within X", where X is the largest difference the percentage leaves. One deposit
quoting only the first of the invoices it pays (the remittance cut at the field's width)
is a keyed pair too, a few percent over it: X becomes that difference, the band admits every
neighbouring amount and the key rule's estimated precision falls below the bar.

What discounts and fees have in common is that they recur: the same rate (to the cent of the
invoice) and the same few fixed values, pair after pair. :func:`discount_model` reads them off
the keyed pairs: the rates that explain at least 2 % of the pairs to the cent, and the fixed
differences left that recur; the rule then asks for the amount less one of the rates (0 % among
them) within the largest recurring fixed difference (``AmountCondition.fee_rates``). A key
rule with that amount condition is tried right after the key rule (:func:`with_discount`), on
what it left open; it is kept, like every candidate, only when its estimated precision holds.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import polars as pl

from tally.matching.infer_candidates import Candidate
from tally.matching.infer_fallback import FeeRates, gross_and_net, rate_gaps, recurring_rates
from tally.matching.rules import PPM, AmountCondition
from tally.money import format_units, to_units

_CLOSE_PPM = 250_000  # keyed pairs within 25 %: payments of the whole amount
_MAX_RATES = 3  # discount terms a ledger offers
_MIN_RATE_SHARE = 0.02  # a rate explains at least this share of the keyed pairs
_MIN_FIXED_SHARE = 0.01  # a fixed difference recurs in at least this share
_COVER = 0.95  # rates and fixed differences together explain this share, else no model
_MIN_PAIRS = 20
# Most customers pay the invoiced amount; a discount is the exception. Where most pairs differ
# by rates, they are a fee schedule (a marketplace's commissions: infer_fallback.fee_rates).
_MIN_EXACT = 0.5
_CENT = to_units("0.01")


def discount_model(facts: pl.DataFrame, sign: str) -> FeeRates | None:
    """The discount rates (0 % among them) and the largest recurring fixed difference of the
    keyed pairs ``facts`` (``l_amount``, ``r_amount``), or None when fewer than half the pairs
    are exact, no non-zero rate recurs or together they leave more than 5 % of the pairs within
    25 % unexplained."""
    if facts.height < _MIN_PAIRS:
        return None
    fee_from, big, small = gross_and_net(facts, sign)
    ppm = np.abs(big - small) * PPM // np.maximum(big, 1)
    close = ppm <= _CLOSE_PPM
    big, small, ppm = big[close], small[close], ppm[close]
    if big.size < _MIN_PAIRS or float((big == small).mean()) < _MIN_EXACT:
        return None
    needed = max(3, math.ceil(_MIN_RATE_SHARE * big.size))
    chosen = recurring_rates(big, small, ppm, big != small, needed, _MAX_RATES)
    if not chosen:
        return None
    rates = (0, *sorted(chosen))
    nearest = rate_gaps(big, small, rates)
    # What the rates leave: fixed fees recur (a few values, each in many pairs); a deposit
    # quoting one of the invoices it pays differs by an amount of its own.
    left_over, counts = np.unique(nearest[nearest > _CENT], return_counts=True)
    recurring = left_over[counts >= max(3, math.ceil(_MIN_FIXED_SHARE * big.size))]
    abs_units = max(_CENT, int(recurring.max()) if recurring.size else 0)
    covered = float((nearest <= abs_units).mean())
    if covered < _COVER:
        return None
    shown = ", ".join(f"{Decimal(r) / 10_000} %" for r in rates)
    note = (
        f"the {fee_from} amount less {shown} (a discount), within {format_units(abs_units)} "
        f"(a fixed fee) in {covered:.0%} of {big.size} keyed payments"
    )
    return FeeRates(rates, fee_from, abs_units, covered, int(big.size), note)


def with_discount(
    candidates: list[Candidate], facts: pl.DataFrame | None, sign: str
) -> list[Candidate]:
    """The candidates with the key rule again right after it, its amount the discount model's
    (when the keyed pairs show one): tried on what the key rule left open, or in its place
    when its band of amounts was too wide to keep."""
    at = next((i for i, c in enumerate(candidates) if c.rule.name == "key"), None)
    if facts is None or at is None:
        return candidates
    model = discount_model(facts, sign)
    if model is None:
        return candidates
    key = candidates[at]
    conditions = [
        model.condition(sign) if isinstance(c, AmountCondition) else c for c in key.rule.conditions
    ]
    rule = key.rule.model_copy(update={"name": "key_discount", "conditions": conditions})
    note = f"{key.note.split(';')[0]}; {model.note}"
    return [*candidates[: at + 1], Candidate(rule, key.derived, note), *candidates[at + 1 :]]
