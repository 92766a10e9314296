"""Running one backtest: the version's rules over a past job's inputs, in memory, compared with the
job's stored results and its reviewers' decisions. The report is the only thing written.

The matching runs through the task queue's thread pool: a backtest costs what the job's own
matching cost (the 1M x 1M job: its `match` phase in bench/jobs), and holds both sources in memory.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import polars as pl
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.repository import JobRepository
from tally.kit.db import Database, run_in_transaction
from tally.matching.backtest import (
    DecisionScore,
    ResultDiff,
    diff_results,
    score_against_decisions,
    stored_result,
)
from tally.matching.engine import reconcile
from tally.matching.result import ReconcileResult
from tally.matching.rules import RuleSet
from tally.models import BacktestStatus, MatchOrigin, MatchStatus, RuleSetBacktest
from tally.money import format_amount
from tally.rule_sets.repository import RuleSetRepository
from tally.rule_sets.schemas import (
    BacktestReport,
    DecisionFigures,
    DiffCounts,
    DiffSample,
    RecordBrief,
)
from tally.sources.frames import load_record_frame

log = structlog.get_logger("tally.rule_sets")

SAMPLES_PER_KIND = 10
RunInThread = Callable[..., Awaitable[Any]]
_BRIEF_COLUMNS = ("id", "reference", "booking_date", "amount", "currency", "description")


async def run_backtest(
    database: Database, backtest_id: int, *, run_in_thread: RunInThread = asyncio.to_thread
) -> BacktestStatus | None:
    """Run backtest ``backtest_id`` to completed or failed; None if it was already finished."""
    backtest = await run_in_transaction(
        database, lambda s: RuleSetRepository(s).claim_backtest(backtest_id)
    )
    if backtest is None:
        return None
    started = time.perf_counter()
    try:
        inputs = await _inputs(database, backtest)
        report = await run_in_thread(
            compare, backtest.job_id, RuleSet.model_validate(backtest.rules), *inputs
        )
        report = report.model_copy(update={"seconds": round(time.perf_counter() - started, 3)})
        status, values = BacktestStatus.COMPLETED, {"report": report.model_dump(mode="json")}
    except Exception as error:
        log.exception("rule_sets.backtest_failed", backtest_id=backtest_id)
        status, values = BacktestStatus.FAILED, {"error": f"{type(error).__name__}: {error}"}

    async def finish(session: AsyncSession) -> None:
        await RuleSetRepository(session).finish_backtest(
            backtest_id, status, datetime.now(UTC), **values
        )

    await run_in_transaction(database, finish)
    log.info("rule_sets.backtest_finished", backtest_id=backtest_id, status=status)
    return status


async def _inputs(
    database: Database, backtest: RuleSetBacktest
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The job's two sources and its stored matches and links, read in one snapshot."""
    async with database.sessionmaker() as session, session.begin():
        job = await JobRepository(session).get(backtest.job_id)
        assert job is not None  # the backtest row cascades with its job
        left = await load_record_frame(session, job.left_source_id)
        right = await load_record_frame(session, job.right_source_id)
        matches, links = await RuleSetRepository(session).job_results(job.id)
    return left, right, matches, links


def compare(
    job_id: int,
    rules: RuleSet,
    left: pl.DataFrame,
    right: pl.DataFrame,
    matches: pl.DataFrame,
    links: pl.DataFrame,
) -> BacktestReport:
    """Match ``left`` and ``right`` under ``rules`` and compare with the job's stored results.

    The diff is against what the engine made of the job (each match's ``origin``, before any
    review); the decisions (confirmed, manual = positive pairs; rejected = negative) score both
    the job's results and the backtested ones the same way.
    """
    started = time.perf_counter()
    current = stored_result(_engine_matches(matches), links)
    positives = decision_pairs(matches, links, ACCEPTED)
    # A pair rejected once and matched by hand later counts as accepted.
    negatives = decision_pairs(matches, links, REJECTED).join(
        positives, on=["left_id", "right_id"], how="anti"
    )
    new = reconcile(left, right, rules)
    diff = diff_results(current, new)
    return BacktestReport(
        job_id=job_id,
        diff=DiffCounts(
            added=diff.added.height,
            lost=diff.lost.height,
            changed=diff.changed.height,
            unchanged=diff.unchanged,
        ),
        samples=_samples(diff, left, right),
        decisions={"positives": positives.height, "negatives": negatives.height},
        current=_figures(score_against_decisions(current, positives, negatives)),
        backtested=_figures(score_against_decisions(new, positives, negatives)),
        matches=_status_counts(new),
        seconds=round(time.perf_counter() - started, 3),
    )


def _engine_matches(matches: pl.DataFrame) -> pl.DataFrame:
    """The stored matches as the engine made them: manual ones dropped, status from the origin.

    A discrepancy's origin does not say whether it was suggested or an ambiguous tie: its
    current status does while nobody reviewed it; a reviewed one counts as suggested.
    """
    return matches.filter(pl.col("origin") != MatchOrigin.MANUAL).with_columns(
        pl.when(pl.col("origin") != MatchOrigin.DISCREPANCY)
        .then(pl.col("origin"))
        .when(pl.col("status").is_in([MatchStatus.SUGGESTED, MatchStatus.AMBIGUOUS]))
        .then(pl.col("status"))
        .otherwise(pl.lit(MatchStatus.SUGGESTED.value))
        .alias("status")
    )


# Reviewers' decisions, as filters of a job's stored matches (RuleSetRepository.job_results).
ACCEPTED = pl.col("status").is_in([MatchStatus.CONFIRMED.value, MatchStatus.MANUAL.value])
REJECTED = pl.col("status") == MatchStatus.REJECTED.value


def decision_pairs(matches: pl.DataFrame, links: pl.DataFrame, chosen: pl.Expr) -> pl.DataFrame:
    """(left_id, right_id) of the pairs of records the ``chosen`` stored matches hold."""
    keys = matches.filter(chosen).select("match_key")
    members = links.join(keys, on="match_key", how="semi")
    lefts = members.filter(pl.col("side") == "left").select("match_key", left_id="record_id")
    rights = members.filter(pl.col("side") == "right").select("match_key", right_id="record_id")
    return lefts.join(rights, on="match_key").select("left_id", "right_id").unique()


def _figures(score: DecisionScore) -> DecisionFigures:
    return DecisionFigures(
        predicted=score.predicted,
        confirmed_found=score.confirmed_found,
        rejected_found=score.rejected_found,
        positives_missed=score.positives_missed,
        unreviewed=score.unreviewed,
        precision=None if score.precision is None else round(score.precision, 4),
        recall=None if score.recall is None else round(score.recall, 4),
    )


def _status_counts(result: ReconcileResult) -> dict[str, int]:
    key = pl.concat_str([pl.col("category"), pl.col("status")], separator=":")
    counts = result.matches.group_by(key.alias("key")).len().sort("key")
    return {str(k): int(n) for k, n in counts.iter_rows()}


def _samples(
    diff: ResultDiff, left: pl.DataFrame, right: pl.DataFrame
) -> dict[str, list[DiffSample]]:
    """The first few matches of each kind, with their records (in record id order)."""
    kinds = {
        "added": diff.added.head(SAMPLES_PER_KIND).select(
            "left_ids", "right_ids", "status", "rule", old_status=None, old_rule=None
        ),
        "lost": diff.lost.head(SAMPLES_PER_KIND).select(
            "left_ids",
            "right_ids",
            pl.lit(None, pl.String).alias("status"),
            pl.lit(None, pl.String).alias("rule"),
            old_status="status",
            old_rule="rule",
        ),
        "changed": diff.changed.head(SAMPLES_PER_KIND).select(
            "left_ids", "right_ids", "old_status", "old_rule", status="new_status", rule="new_rule"
        ),
    }
    wanted = {"left": set[int](), "right": set[int]()}
    for frame in kinds.values():
        for left_ids, right_ids in frame.select("left_ids", "right_ids").iter_rows():
            wanted["left"].update(left_ids or ())
            wanted["right"].update(right_ids or ())
    briefs = {"left": _briefs(left, wanted["left"]), "right": _briefs(right, wanted["right"])}
    return {
        kind: [
            DiffSample(
                left=[briefs["left"][i] for i in row["left_ids"] or ()],
                right=[briefs["right"][i] for i in row["right_ids"] or ()],
                status=row["status"],
                rule=row["rule"],
                old_status=row["old_status"],
                old_rule=row["old_rule"],
            )
            for row in frame.iter_rows(named=True)
        ]
        for kind, frame in kinds.items()
    }


def _briefs(frame: pl.DataFrame, ids: set[int]) -> dict[int, RecordBrief]:
    rows = frame.filter(pl.col("id").is_in(list(ids))).select(_BRIEF_COLUMNS)
    return {
        row["id"]: RecordBrief(
            id=row["id"],
            reference=row["reference"],
            booking_date=row["booking_date"],
            amount=format_amount(row["amount"], row["currency"]),
            currency=row["currency"],
            description=row["description"],
        )
        for row in rows.iter_rows(named=True)
    }
