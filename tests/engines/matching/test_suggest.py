"""Rule suggestions from reviewed pairs: what they share, as a rule, with coverage and precision."""

from __future__ import annotations

import polars as pl
from tests.engines.matching.helpers import records

from tally.matching.rules import AmountCondition, DateCondition, EqualsCondition
from tally.matching.suggest import JobReview, RuleFigures, propose_rules


def _pairs(*pairs: tuple[int, int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"left_id": [p[0] for p in pairs], "right_id": [p[1] for p in pairs]},
        schema={"left_id": pl.Int64, "right_id": pl.Int64},
    )


def _job(
    job_id: int,
    left: pl.DataFrame,
    right: pl.DataFrame,
    reviewed: pl.DataFrame,
    negatives: pl.DataFrame | None = None,
) -> JobReview:
    """A job whose reviewed pairs were all manual matches (learned from and positive)."""
    rejected = _pairs() if negatives is None else negatives
    return JobReview(job_id, left, right, reviewed, reviewed, rejected)


def test_a_reference_inside_the_description_and_a_constant_fee_become_a_rule() -> None:
    # Four bank lines quote an invoice in free text and arrive 1.20 short, two days later.
    left = records(
        *(
            {"id": i, "description": f"Zahlung INV-{1000 + i} ff", "amount": "98.80", "day": 2}
            for i in range(1, 5)
        ),
        {"id": 9, "description": "Zahlung INV-1009", "amount": "50.00", "day": 0},
    )
    right = records(
        *(
            {"id": 100 + i, "reference": f"INV-{1000 + i}", "amount": "100.00", "day": 0}
            for i in range(1, 5)
        ),
        {"id": 109, "reference": "INV-1009", "amount": "51.20", "day": 0},  # fee again, rejected
    )
    reviewed = _pairs((1, 101), (2, 102), (3, 103), (4, 104))
    [proposal] = propose_rules([_job(1, left, right, reviewed, _pairs((9, 109)))])

    assert proposal.description == (
        "the right reference appears in the left description (pattern "
        r"(?i)\b(?P<value>INV[-_ /.]?\d{4,4})\b), equal after normalising case, spaces, "
        "punctuation and leading zeros; amounts differ by a constant 1.20 (a fee?); "
        "dates within 2 days"
    )
    key, amount, date = proposal.rule.conditions
    assert isinstance(key, EqualsCondition)
    assert (key.field, key.right_field) == ("reference_in_left_description", "reference")
    assert isinstance(amount, AmountCondition) and amount.abs_tolerance == "1.20"
    assert isinstance(date, DateCondition) and date.window_days == 2
    # It finds all four reviewed pairs, and also 9/109, which a reviewer rejected: 4 of 5.
    assert proposal.support == 4
    assert proposal.by_job == ((1, proposal.overall),)
    assert proposal.overall == RuleFigures(
        pairs=4, found=4, predicted=5, confirmed=4, rejected=1, conflicting=0
    )
    assert proposal.overall.coverage == 1.0 and proposal.overall.precision == 0.8


def test_equal_references_within_a_percentage_and_a_pattern_seen_too_rarely() -> None:
    left = records(
        {"id": 1, "reference": "a-001", "amount": "100.00", "day": 0},
        {"id": 2, "reference": "A 002", "amount": "200.00", "day": 1},
        {"id": 3, "reference": "A003", "amount": "50.00", "day": 0},
        {"id": 4, "amount": "10.00", "day": 0},
        {"id": 5, "amount": "20.00", "day": 0},
    )
    right = records(
        {"id": 101, "reference": "A-1", "amount": "101.00", "day": 0},
        {"id": 102, "reference": "a2", "amount": "203.00", "day": 0},
        {"id": 103, "reference": "A-03", "amount": "50.50", "day": 0},
        {"id": 104, "amount": "10.00", "day": 0},
        {"id": 105, "amount": "20.00", "day": 1},
        {"id": 106, "amount": "20.00", "day": 1},  # competes with 105 for 5
    )
    reviewed = _pairs((1, 101), (2, 102), (3, 103), (4, 104), (5, 105))
    [proposal] = propose_rules([_job(1, left, right, reviewed)])
    assert proposal.rule.name == "suggested_reference"
    assert proposal.description == (
        "reference equal after normalising case, spaces, punctuation and leading zeros; "
        "amounts within 1.48 %; dates within 1 day"
    )
    assert (proposal.support, proposal.overall.found, proposal.overall.precision) == (3, 3, 1.0)
    # The two pairs without a shared key are too few for an amount-and-date proposal; with a
    # lower bar they make one, which ties 5 between 105 and 106 and so proposes neither.
    rules = propose_rules([_job(1, left, right, reviewed)], min_support=2)
    amount_date = rules[1]
    assert amount_date.description == "amounts equal; dates within 1 day"
    assert (amount_date.support, amount_date.overall.found) == (2, 1)


def test_a_pattern_once_in_each_of_three_jobs_is_repeated_and_judged_on_every_job() -> None:
    """Each job's reviewers matched one fee-shaped pair by hand: too rare in any one job, a
    pattern over the three. A fourth job's reviewer rejected a pair of the same shape: it counts
    against the rule there and overall."""

    def job(job_id: int, negative: bool = False) -> JobReview:
        left_id, right_id = 10 * job_id, 10 * job_id + 1  # record ids are unique across jobs
        left = records({"id": left_id, "description": f"Zahlung INV-{job_id}00", "amount": "98.80"})
        right = records({"id": right_id, "reference": f"INV-{job_id}00", "amount": "100.00"})
        pair = _pairs((left_id, right_id))
        return (
            _job(job_id, left, right, _pairs(), pair)
            if negative
            else _job(job_id, left, right, pair)
        )

    three = [job(1), job(2), job(3)]
    assert all(propose_rules([one]) == [] for one in three)
    [proposal] = propose_rules([*three, job(4, negative=True)])
    assert proposal.rule.name == "suggested_reference_in_left_description"
    assert proposal.support == 3
    learned = RuleFigures(pairs=1, found=1, predicted=1, confirmed=1, rejected=0, conflicting=0)
    rejected = RuleFigures(pairs=0, found=0, predicted=1, confirmed=0, rejected=1, conflicting=0)
    assert proposal.by_job == ((1, learned), (2, learned), (3, learned), (4, rejected))
    assert proposal.overall == RuleFigures(
        pairs=3, found=3, predicted=4, confirmed=3, rejected=1, conflicting=0
    )
    assert (proposal.overall.coverage, proposal.overall.precision) == (1.0, 0.75)
    assert rejected.precision == 0.0
