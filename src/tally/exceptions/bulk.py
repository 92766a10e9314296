"""Bulk work on exceptions: assign, comment on, write off or explain many in one request.

A bulk action is the single actions it stands for, taken as sets (as tally.results.bulk does for
match decisions): the chosen exceptions are read in statements of ID_CHUNK ids, the period lock
and the assignee or reason code are checked once, the changes are UPDATE ... WHERE id IN
(chunk) whose RETURNING versions prove nobody changed an exception meanwhile, comments and
write-offs are batched INSERTs, the write-offs' open items and settlements change by key, and
the audit events, one per exception as the single action writes it, are appended to the
project's chain in multi-row INSERTs (AuditRepository.append_events). All in the request's one
transaction: a refusal changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.audit.repository import AuditRepository
from tally.exceptions.schemas import (
    MAX_BULK_EXCEPTIONS,
    BulkExceptionAction,
    BulkExceptionOutcome,
    BulkExceptions,
    ExceptionFilter,
)
from tally.exceptions.service import NO_MATCH, ExceptionNotFound, ExceptionService
from tally.kit.errors import TallyError
from tally.models import (
    AuditEvent,
    ExceptionItem,
    ExceptionResolution,
    ExceptionStatus,
)
from tally.models.base import utcnow
from tally.money import format_units
from tally.periods.locks import PeriodLocked
from tally.projects.auth import ProjectAccess

log = structlog.get_logger("tally.exceptions")

UNRESOLVED = [ExceptionStatus.OPEN, ExceptionStatus.INVESTIGATING]


class BulkExceptionsRefused(TallyError):
    """One exception of a bulk action cannot take it, so none was changed (the status is that
    exception's own refusal: 409 locked or changed, 404 gone, 422 not a member)."""

    status_code = 409


class BulkExceptionService:
    def __init__(self, session: AsyncSession) -> None:
        self.exceptions = ExceptionService(session)
        self.repository = self.exceptions.repository
        self.audit = AuditRepository(session)

    async def bulk(self, access: ProjectAccess, data: BulkExceptions) -> BulkExceptionOutcome:
        """Apply one action to each chosen exception in one transaction, each change audited as
        the single action would be. All or nothing: one exception that cannot take it (locked
        by a sign-off, changed meanwhile, not a member) refuses the whole request, naming it.
        A selection covers unresolved exceptions only (unless it names statuses itself)."""
        if data.exception_ids is not None:
            ids = list(dict.fromkeys(data.exception_ids))
        else:
            selection = data.selection or ExceptionFilter()
            if not selection.status:
                selection = selection.model_copy(update={"status": UNRESOLVED})
            ids = await self.repository.selected_ids(
                access.project_id, selection, MAX_BULK_EXCEPTIONS
            )
        items = await self.repository.get_many(access.project_id, ids)
        missing = next((i for i in ids if i not in items), None)
        if missing is not None:
            raise _refused(
                missing, ExceptionNotFound(f"Exception {missing} not found in this project")
            )
        chosen = [items[i] for i in ids]
        if data.action is BulkExceptionAction.ASSIGN:
            changed = await self._assign(access, chosen, data)
        elif data.action is BulkExceptionAction.COMMENT:
            changed = await self._comment(access, chosen, data)
        elif data.action is BulkExceptionAction.EXPLAIN:
            changed = await self._explain(access, chosen, data)
        else:
            changed = await self._write_off(access, chosen, data)
        done = {item.id for item in changed}
        outcome = BulkExceptionOutcome(
            action=data.action,
            changed=[i for i in ids if i in done],
            unchanged=[i for i in ids if i not in done],
        )
        log.info(
            "exceptions.bulk",
            project_id=access.project_id,
            action=str(data.action),
            changed=len(outcome.changed),
            unchanged=len(outcome.unchanged),
        )
        return outcome

    # --- the actions ---------------------------------------------------------------------------

    async def _assign(
        self, access: ProjectAccess, chosen: list[ExceptionItem], data: BulkExceptions
    ) -> list[ExceptionItem]:
        assignee = data.assignee_id
        assert assignee is not None  # the schema requires it
        changing = [item for item in chosen if item.assignee_id != assignee]
        if not changing:
            return []
        await self._ensure_unlocked(changing)
        try:
            await self.exceptions._ensure_member(access, assignee)
        except TallyError as error:
            raise _refused(changing[0].id, error) from error
        changes = [
            (item, "exception.assigned", {"from": item.assignee_id, "to": assignee})
            for item in changing
        ]
        await self._update(access, changing, {"assignee_id": assignee})
        await self._audit(access, changes)
        return changing

    async def _comment(
        self, access: ProjectAccess, chosen: list[ExceptionItem], data: BulkExceptions
    ) -> list[ExceptionItem]:
        """Comments do not move the versions (as a single comment does not)."""
        assert data.body is not None  # the schema requires it
        await self._ensure_unlocked(chosen)
        now = utcnow()
        comment_ids = await self.repository.add_comments(
            [
                {
                    "exception_id": item.id,
                    "author_id": access.principal.user_id,
                    "body": data.body,
                    "created_at": now,
                }
                for item in chosen
            ]
        )
        await self._audit(
            access,
            [
                (
                    item,
                    "exception.commented",
                    {"comment_id": comment_ids[item.id], "body": data.body},
                )
                for item in chosen
            ],
        )
        return chosen

    async def _explain(
        self, access: ProjectAccess, chosen: list[ExceptionItem], data: BulkExceptions
    ) -> list[ExceptionItem]:
        """Resolve each unresolved exception as explained (expected to clear by a date): the
        items stay open for the next jobs, as after a single explanation."""
        expected = data.expected_clear_date
        assert expected is not None  # the schema requires it
        changing = await self._resolvable(access, chosen, data)
        if not changing:
            return []
        values = _resolved(ExceptionResolution.EXPLAINED, data)
        values["expected_clear_date"] = expected
        await self._update(access, changing, values)
        await self._audit(
            access,
            [
                (
                    item,
                    "exception.explained",
                    {
                        "note": data.note,
                        "reason_code": data.reason_code or item.reason_code,
                        "expected_clear_date": expected.isoformat(),
                    },
                )
                for item in changing
            ],
        )
        return changing

    async def _resolvable(
        self, access: ProjectAccess, chosen: list[ExceptionItem], data: BulkExceptions
    ) -> list[ExceptionItem]:
        """The unresolved of ``chosen``, once checked unlocked and the reason code offered."""
        changing = [item for item in chosen if item.status != ExceptionStatus.RESOLVED]
        if not changing:
            return []
        await self._ensure_unlocked(changing)
        if data.reason_code is not None:
            try:
                await self.exceptions._ensure_reason(access, data.reason_code)
            except TallyError as error:
                raise _refused(changing[0].id, error) from error
        return changing

    async def _write_off(
        self, access: ProjectAccess, chosen: list[ExceptionItem], data: BulkExceptions
    ) -> list[ExceptionItem]:
        """Resolve each unresolved exception by a write-off of its whole amount: its own
        WriteOff row, its record settled (out of the open items, no later job proposes it)."""
        assert data.reason is not None and data.account is not None  # the schema requires them
        changing = await self._resolvable(access, chosen, data)
        if not changing:
            return []
        values = _resolved(ExceptionResolution.WRITTEN_OFF, data)
        by_reconciliation: dict[int, list[ExceptionItem]] = defaultdict(list)
        for item in changing:
            by_reconciliation[item.reconciliation_id].append(item)
        # The exceptions' rows, then their reconciliations' (the order a single write-off
        # takes them in, so the two wait for each other rather than deadlock).
        await self._update(access, changing, values)
        latest_jobs: dict[int, int] = {}
        for reconciliation_id in by_reconciliation:
            reconciliation = await self.exceptions.state.lock(reconciliation_id)
            assert reconciliation is not None  # exceptions go with their reconciliation
            latest_jobs[reconciliation_id] = reconciliation.latest_job_id or 0
        now = utcnow()
        write_off_ids = await self.repository.add_write_offs(
            [
                {
                    "project_id": item.project_id,
                    "reconciliation_id": item.reconciliation_id,
                    "exception_id": item.id,
                    "record_id": item.record_id,
                    "side": item.side,
                    "amount": item.amount,
                    "currency": item.currency,
                    "booking_date": item.booking_date,
                    "reason": data.reason,
                    "account": data.account,
                    "created_by_id": access.principal.user_id,
                    "created_at": now,
                }
                for item in changing
            ]
        )
        state = self.exceptions.state
        for reconciliation_id, items in by_reconciliation.items():
            sides = {item.record_id: item.side for item in items}
            await state.close_items(reconciliation_id, list(sides))
            await state.add_settlements(
                reconciliation_id,
                sides,
                job_id=latest_jobs[reconciliation_id],
                match_id=NO_MATCH,
            )
            await state.bump_version(reconciliation_id)
        await self._audit(
            access,
            [
                (
                    item,
                    "exception.written_off",
                    {
                        "reason_code": data.reason_code or item.reason_code,
                        "write_off_id": write_off_ids[item.id],
                        "amount": format_units(item.amount),
                        "record_amount": format_units(item.amount),
                        "reason": data.reason,
                        "account": data.account,
                    },
                )
                for item in changing
            ],
        )
        return changing

    # --- helpers -------------------------------------------------------------------------------

    async def _ensure_unlocked(self, items: Sequence[ExceptionItem]) -> None:
        """No standing sign-off holds any of ``items`` (one check per reconciliation, on its
        earliest booking date): otherwise the earliest one names the refusal."""
        earliest: dict[int, tuple[date, ExceptionItem]] = {}
        for item in items:
            day = item.booking_date
            first = earliest.get(item.reconciliation_id)
            if day is not None and (first is None or day < first[0]):
                earliest[item.reconciliation_id] = (day, item)
        for reconciliation_id, (day, item) in earliest.items():
            try:
                await self.exceptions.locks.ensure_unlocked(reconciliation_id, dates=[day])
            except PeriodLocked as error:
                raise _refused(item.id, error) from error

    async def _update(
        self, access: ProjectAccess, items: Sequence[ExceptionItem], values: dict[str, Any]
    ) -> None:
        """Apply ``values`` to ``items`` at the versions they were read at, moving each on."""
        changed = await self.repository.update_at_versions(
            {item.id: item.version for item in items}, values
        )
        if changed:
            raise _refused(changed[0], await self.exceptions._changed(access, changed[0]))

    async def _audit(
        self,
        access: ProjectAccess,
        changes: Sequence[tuple[ExceptionItem, str, dict[str, Any]]],
    ) -> None:
        events: list[AuditEvent] = [
            self.exceptions._event(access, item, action, **detail)
            for item, action, detail in changes
        ]
        if events:
            await self.audit.append_events(events[0].project_id, events)


def _refused(exception_id: int, error: TallyError) -> BulkExceptionsRefused:
    return BulkExceptionsRefused(
        f"Exception {exception_id}: {error.detail}; nothing was changed",
        status_code=error.status_code,
        exception_id=exception_id,
        reason=type(error).__name__,
    )


def _resolved(resolution: ExceptionResolution, data: BulkExceptions) -> dict[str, Any]:
    """The columns every exception resolved by a bulk action takes."""
    values: dict[str, Any] = {
        "status": ExceptionStatus.RESOLVED,
        "resolved_at": utcnow(),
        "resolution": resolution,
    }
    if data.reason_code is not None:
        values["reason_code"] = data.reason_code  # otherwise each keeps its own
    return values
