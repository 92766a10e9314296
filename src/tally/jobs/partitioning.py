"""Whether and how a job's matching is split into parts (tally.matching.partition).

A job run by the task queue fans its parts out as tasks of their own (tally.jobs.fanout); run
directly (``run_reconciliation`` without a queue), the parts run on threads of its worker. The
result is exactly
one run's (tests/engines/matching/test_partition.py), so a job reads the same either way. The
plan and each part's progress are published for the job page while the job runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl
import structlog

from tally.config import Settings
from tally.matching.engine import reconcile
from tally.matching.partition import PartitionPlan, plan_partitions
from tally.matching.partition_run import reconcile_partitioned
from tally.matching.result import ReconcileResult
from tally.matching.rules import RuleSet
from tally.matching.state import Exclusions
from tally.models import Partitioning

log = structlog.get_logger("tally.jobs")


@dataclass(frozen=True)
class PartitionOptions:
    """The settings of partitioned matching (TALLY_PARTITION_*)."""

    min_records: int = 10_000_000
    part_records: int = 500_000
    workers: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> PartitionOptions:
        return cls(
            min_records=settings.partition_min_records,
            part_records=settings.partition_records,
            workers=settings.partition_workers,
        )


class PartitionStatus:
    """The plan and every part's progress, as the job row stores it (``partitions``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, Any] | None = None

    def start(self, plan: PartitionPlan) -> None:
        total = max(sum(plan.records_per_part), 1)
        with self._lock:
            self._state = {
                **plan.as_dict(),
                "boundary_share": round(plan.boundary_records / total, 6),
                "progress": [0.0] * plan.parts,
            }

    def part_progress(self, part: int, fraction: float) -> None:
        with self._lock:
            if self._state is not None:
                self._state["progress"][part] = round(fraction, 4)

    def snapshot(self) -> dict[str, Any] | None:
        with self._lock:
            if self._state is None:
                return None
            return {**self._state, "progress": list(self._state["progress"])}


def plan_for_job(
    left: pl.DataFrame,
    right: pl.DataFrame,
    rules: RuleSet,
    partitioning: Partitioning,
    options: PartitionOptions,
) -> PartitionPlan | None:
    """The job's plan, or None when it runs in one part without asking (off, or auto below the
    size). Forced on, a job gets at least two parts when its rules allow it."""
    total = left.height + right.height
    if partitioning is Partitioning.OFF:
        return None
    if partitioning is Partitioning.AUTO and total < options.min_records:
        return None
    parts = -(-total // options.part_records)
    if partitioning is Partitioning.ON:
        parts = max(parts, 2)
    return plan_partitions(left, right, rules, parts=parts)


def match_job(
    left: pl.DataFrame,
    right: pl.DataFrame,
    rules: RuleSet,
    plan: PartitionPlan | None,
    options: PartitionOptions,
    status: PartitionStatus,
    *,
    progress: Callable[[float], None],
    should_cancel: Callable[[], bool],
    exclusions: Exclusions | None,
) -> ReconcileResult:
    """Match one job's records: in parts on threads when ``plan`` (plan_for_job) has several,
    else in one ``reconcile``."""
    if plan is None or plan.parts == 1:
        report = progress
        if plan is not None:
            status.start(plan)  # forced on but not splittable: the page says why
            log.info("jobs.not_partitioned", reason=plan.reason)

            def report(fraction: float) -> None:
                status.part_progress(0, fraction)
                progress(fraction)

        return reconcile(
            left, right, rules, progress=report, should_cancel=should_cancel, exclusions=exclusions
        )
    status.start(plan)
    log.info("jobs.partitioned", parts=plan.parts, key=plan.key.describe() if plan.key else None)
    return reconcile_partitioned(
        left,
        right,
        rules,
        plan,
        workers=options.workers,
        progress=progress,
        part_progress=status.part_progress,
        should_cancel=should_cancel,
        exclusions=exclusions,
    )
