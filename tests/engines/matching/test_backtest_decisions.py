"""Backtest scoring against review decisions, and stored results compared with a new run."""

from __future__ import annotations

import polars as pl
from tests.engines.matching.helpers import amount, equals, records, rule, rules

from tally.matching import reconcile, score_against_decisions, stored_result
from tally.matching.backtest import diff_results


def _pairs(*pairs: tuple[int, int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"left_id": [p[0] for p in pairs], "right_id": [p[1] for p in pairs]},
        schema={"left_id": pl.Int64, "right_id": pl.Int64},
    )


def _stored(*matches: tuple[int, str, str, list[int], list[int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(key, "r", status, category) for key, status, category, _l, _r in matches],
        schema=["match_key", "rule", "status", "category"],
        orient="row",
    )


def _links(*matches: tuple[int, str, str, list[int], list[int]]) -> pl.DataFrame:
    rows = [
        (key, record_id, side)
        for key, _s, _c, lefts, rights in matches
        for side, ids in (("left", lefts), ("right", rights))
        for record_id in ids
    ]
    return pl.DataFrame(rows, schema=["match_key", "record_id", "side"], orient="row")


MATCHES = (
    (10, "auto", "matched", [1], [101]),  # confirmed by a reviewer
    (11, "suggested", "matched", [2], [102]),  # rejected
    (12, "ambiguous", "matched", [3], [103]),  # a question, not a prediction
    (13, "auto", "matched", [4, 5], [104]),  # a group: two pairs, nobody reviewed them
    (14, "suggested", "discrepancy", [6], [106]),  # not a prediction either
)


def test_precision_counts_reviewed_pairs_and_recall_counts_accepted_ones() -> None:
    result = stored_result(_stored(*MATCHES), _links(*MATCHES))
    positives = _pairs((1, 101), (3, 103), (7, 107))  # confirmed, then two manual matches
    negatives = _pairs((2, 102), (7, 107))  # (7, 107) rejected once, matched by hand later
    score = score_against_decisions(result, positives, negatives)
    assert (score.predicted, score.confirmed_found, score.rejected_found) == (4, 1, 1)
    assert (score.positives_missed, score.unreviewed) == (2, 2)
    assert score.precision == 0.5
    assert score.recall == 1 / 3


def test_figures_are_none_without_decisions() -> None:
    result = stored_result(_stored(*MATCHES), _links(*MATCHES))
    score = score_against_decisions(result, _pairs(), _pairs())
    assert (score.precision, score.recall, score.unreviewed) == (None, None, 4)


def test_stored_result_drops_links_of_other_matches_so_their_records_count_as_free() -> None:
    left = records(
        {"id": 1, "reference": "A", "amount": "10"}, {"id": 2, "reference": "B", "amount": "20"}
    )
    right = records(
        {"id": 101, "reference": "A", "amount": "10"}, {"id": 102, "reference": "B", "amount": "20"}
    )
    new = reconcile(left, right, rules(rule("r", equals(), amount())))
    # Stored: the engine matched A; B was matched by hand (match 2, left out of the engine's).
    stored = ((1, "auto", "matched", [1], [101]),)
    manual = (2, "manual", "matched", [2], [102])
    old = stored_result(_stored(*stored), _links(*stored, manual))
    diff = diff_results(old, new)
    assert (diff.added.height, diff.lost.height, diff.changed.height, diff.unchanged) == (
        1,
        0,
        0,
        1,
    )
    assert diff.added.row(0, named=True)["left_ids"] == [2]
