"""What features call to emit events (names in tally.webhooks.events).

Emitting inserts one delivery per subscribed hook and enqueues its first attempt, all in the
caller's transaction: a rolled-back change sends nothing. The same event emitted twice (a task
run again) is delivered once, by its key.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tally.exceptions.repository import ExceptionRepository
from tally.kit.tasks.queue import TaskQueue
from tally.models import JobStatus, ReconciliationJob
from tally.webhooks.events import (
    EXCEPTIONS_THRESHOLD_EXCEEDED,
    JOB_COMPLETED,
    JOB_FAILED,
    PERIOD_SIGNED_OFF,
)
from tally.webhooks.service import WebhookService


async def emit_job_finished(session: AsyncSession, queue: TaskQueue, job: ReconciliationJob) -> int:
    """job.completed or job.failed for a finished job (other statuses emit nothing)."""
    event = {"completed": JOB_COMPLETED, "failed": JOB_FAILED}.get(str(job.status))
    if event is None:
        return 0
    summary = job.summary or {}
    data: dict[str, Any] = {
        "job": {
            "id": job.id,
            "status": str(job.status),
            "mode": job.mode,
            "left_source_id": job.left_source_id,
            "right_source_id": job.right_source_id,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "error": job.error,
            "matches": summary.get("matches"),
            "left": summary.get("left"),
            "right": summary.get("right"),
        }
    }
    return await WebhookService(session).emit(
        queue, job.project_id, event, f"job:{job.id}:{job.status}", data
    )


async def emit_period_signed_off(
    session: AsyncSession,
    queue: TaskQueue,
    project_id: int,
    *,
    period_id: int,
    as_of: date,
    signed_off_by: int | None,
    signed_off_at: datetime,
    statement: dict[str, Any] | None = None,
) -> int:
    """period.signed_off: call it in the transaction that signs the period off.

    ``statement`` is the reconciliation statement's figures as JSON values (decimal strings for
    money). A period reopened and signed off again is a new event (its key carries the time).
    """
    data = {
        "period": {
            "id": period_id,
            "as_of": as_of.isoformat(),
            "signed_off_by": signed_off_by,
            "signed_off_at": signed_off_at.isoformat(),
            "statement": statement,
        }
    }
    return await WebhookService(session).emit(
        queue,
        project_id,
        PERIOD_SIGNED_OFF,
        f"period:{period_id}:signed_off:{signed_off_at.isoformat()}",
        data,
    )


async def emit_job_exceptions(
    session: AsyncSession, queue: TaskQueue, job: ReconciliationJob
) -> int:
    """exceptions.threshold_exceeded for a completed job of a reconciliation, counting the
    exceptions it opened (its open items seen first by it), to the hooks whose threshold that
    count reaches. A job that opened none emits nothing."""
    if job.status != JobStatus.COMPLETED or job.reconciliation_id is None:
        return 0
    opened, unresolved = await ExceptionRepository(session).opened_by_job(
        job.reconciliation_id, job.id
    )
    if opened == 0:
        return 0
    return await emit_exceptions_threshold_exceeded(
        session,
        queue,
        job.project_id,
        new_exceptions=opened,
        job_id=job.id,
        open_exceptions=unresolved,
    )


async def emit_exceptions_threshold_exceeded(
    session: AsyncSession,
    queue: TaskQueue,
    project_id: int,
    *,
    new_exceptions: int,
    job_id: int | None,
    open_exceptions: int | None = None,
) -> int:
    """exceptions.threshold_exceeded, to the hooks whose threshold ``new_exceptions`` reaches;
    emitted again for the same job it is delivered once (its key)."""
    data = {
        "exceptions": {
            "new": new_exceptions,
            "open": open_exceptions,
            "job_id": job_id,
        }
    }
    key = f"exceptions:job:{job_id}" if job_id is not None else f"exceptions:{uuid.uuid4().hex}"
    return await WebhookService(session).emit(
        queue,
        project_id,
        EXCEPTIONS_THRESHOLD_EXCEEDED,
        key,
        data,
        count=new_exceptions,
    )
