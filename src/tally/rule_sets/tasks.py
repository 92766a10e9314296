"""Background work of rule sets: backtests, inference from large sources, and picking them up
again after a restart."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.tasks.queue import TaskQueue
from tally.kit.tasks.registry import TaskContext, task_registry
from tally.rule_sets.backtest import run_backtest
from tally.rule_sets.inference import INFER_TASK
from tally.rule_sets.inference_runs import run_inference
from tally.rule_sets.repository import RuleSetRepository
from tally.rule_sets.service import BACKTEST_TASK


async def backtest_rule_set(ctx: TaskContext, *, backtest_id: int) -> None:
    """Run one backtest. Safe to run twice: a finished backtest is skipped, a report replaced."""
    await run_backtest(ctx.database, backtest_id, run_in_thread=ctx.run_in_thread)


async def infer_rule_set(ctx: TaskContext, *, run_id: int) -> None:
    """Run one inference. Safe to run twice: a finished run is skipped."""
    await run_inference(ctx.database, run_id, run_in_thread=ctx.run_in_thread)


async def recover_unfinished_backtests(session: AsyncSession, queue: TaskQueue) -> None:
    """After a restart of the embedded server, queue again every backtest queued or running."""
    for backtest_id in await RuleSetRepository(session).unfinished_backtest_ids():
        await queue.enqueue(session, BACKTEST_TASK, backtest_id=backtest_id)


async def recover_unfinished_inferences(session: AsyncSession, queue: TaskQueue) -> None:
    """After a restart of the embedded server, queue again every inference queued or running
    (a job's own inference runs with its job, which the jobs feature recovers)."""
    for run_id in await RuleSetRepository(session).unfinished_inference_ids():
        await queue.enqueue(session, INFER_TASK, run_id=run_id)


task_registry.register(BACKTEST_TASK, backtest_rule_set)
task_registry.register(INFER_TASK, infer_rule_set)
task_registry.register_recovery(recover_unfinished_backtests)
task_registry.register_recovery(recover_unfinished_inferences)
