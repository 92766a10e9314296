"""Background work of rule sets: backtests, and picking them up again after a restart."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.tasks.queue import TaskQueue
from tally.kit.tasks.registry import TaskContext, task_registry
from tally.rule_sets.backtest import run_backtest
from tally.rule_sets.repository import RuleSetRepository
from tally.rule_sets.service import BACKTEST_TASK


async def backtest_rule_set(ctx: TaskContext, *, backtest_id: int) -> None:
    """Run one backtest. Safe to run twice: a finished backtest is skipped, a report replaced."""
    await run_backtest(ctx.database, backtest_id, run_in_thread=ctx.run_in_thread)


async def recover_unfinished_backtests(session: AsyncSession, queue: TaskQueue) -> None:
    """After a restart of the embedded server, queue again every backtest queued or running."""
    for backtest_id in await RuleSetRepository(session).unfinished_backtest_ids():
        await queue.enqueue(session, BACKTEST_TASK, backtest_id=backtest_id)


task_registry.register(BACKTEST_TASK, backtest_rule_set)
task_registry.register_recovery(recover_unfinished_backtests)
