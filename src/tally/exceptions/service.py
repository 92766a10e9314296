"""The rules of exceptions: every open item a job leaves is an exception that people work to a
resolution (matched, written off, explained).

An exception changes only at the version it was read at (409 ExceptionChanged with its current
state otherwise), never inside a signed-off period (409 PeriodLocked), and every change is an
audit event of the project's chain. A write-off settles the record (it leaves the open items and
no later job proposes it) and is a row of its own that the reconciliation statement adds as a
line, so balances stay exact; reopening the exception voids it and the record is open again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.exceptions.repository import ExceptionRepository
from tally.exceptions.schemas import (
    AgeingBucket,
    CommentCreate,
    ExceptionCommentRead,
    ExceptionDetail,
    ExceptionFilter,
    ExceptionRead,
    ExceptionUpdate,
    HistoryEntry,
    ReasonCode,
    ReasonCodes,
    ReopenRequest,
    Resolution,
    ResolveRequest,
    WriteOffCreate,
    WriteOffRead,
)
from tally.kit.errors import Conflict, NotFound, TallyError
from tally.kit.pagination import Page, PageParams
from tally.models import (
    AuditEvent,
    ExceptionComment,
    ExceptionItem,
    ExceptionResolution,
    ExceptionStatus,
    Record,
    WriteOff,
)
from tally.models.base import utcnow
from tally.money import format_amount, format_units, single_currency, to_units
from tally.periods.locks import PeriodLocks
from tally.projects.auth import ProjectAccess
from tally.reconciliations.repository import ReconciliationRepository
from tally.results.shaping import as_side, record_read

log = structlog.get_logger("tally.exceptions")

DEFAULT_REASONS: tuple[tuple[str, str], ...] = (
    ("bank_fee", "Bank fee"),
    ("timing_difference", "Timing difference"),
    ("missing_in_ledger", "Missing in ledger"),
    ("missing_in_bank", "Missing in bank"),
    ("duplicate", "Duplicate"),
    ("other", "Other"),
)
# Ageing buckets: (label, oldest age in days it holds); the last holds everything older.
AGE_BUCKETS = (("0-7 days", 7), ("8-30 days", 30), ("31-60 days", 60), ("61-90 days", 90))
OLDEST_BUCKET = "over 90 days"
# A write-off settles its record without a match: its settlement row names none.
NO_MATCH = 0


class ExceptionNotFound(NotFound):
    """No such exception in this project."""


class ExceptionChanged(Conflict):
    """The exception changed since the version the change was made on (someone else acted)."""


class ExceptionResolved(Conflict):
    """The exception is resolved: reopen it first (or it cannot be reopened this way)."""


class ExceptionNotResolved(Conflict):
    """The exception is not resolved: there is nothing to reopen."""


class NotAMember(TallyError):
    """The assignee is not a member of this project."""

    status_code = 422


class UnknownReasonCode(TallyError):
    """The reason code is not one the project offers."""

    status_code = 422


class ExceptionService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ExceptionRepository(session)
        self.state = ReconciliationRepository(session)
        self.locks = PeriodLocks(session)

    # --- reading -------------------------------------------------------------------------------

    async def list_exceptions(
        self, access: ProjectAccess, query: ExceptionFilter, params: PageParams
    ) -> Page[ExceptionRead]:
        """The worklist, oldest first, filtered by status, assignee, age, amount, side, reason."""
        total = await self.repository.count(access.project_id, query)
        rows = await self.repository.page(
            access.project_id, query, offset=params.offset, limit=params.per_page
        )
        write_offs = await self.repository.standing_write_offs([e.id for e, _r, _m in rows])
        items = [_read(e, r, email, write_offs.get(e.id)) for e, r, email in rows]
        return Page.of(items, params, total)

    async def get_exception(self, access: ProjectAccess, exception_id: int) -> ExceptionDetail:
        item = await self._get(access, exception_id)
        return await self._detail(item)

    async def ageing(self, access: ProjectAccess) -> list[AgeingBucket]:
        """Unresolved exceptions by days since first seen: 0-7, 8-30, 31-60, 61-90, over 90."""
        now = datetime.now(UTC)
        buckets = {label: [0, 0] for label, _days in AGE_BUCKETS}
        buckets[OLDEST_BUCKET] = [0, 0]
        ages = await self.repository.ages(access.project_id)
        currency = single_currency(code for _, code, _, _ in ages)
        for first_seen, _currency, count, amount in ages:
            days = max((now - first_seen).days, 0)
            label = next((name for name, most in AGE_BUCKETS if days <= most), OLDEST_BUCKET)
            buckets[label][0] += count
            buckets[label][1] += amount
        return [
            AgeingBucket(
                label=label, count=count, amount=format_amount(amount, currency), currency=currency
            )
            for label, (count, amount) in buckets.items()
        ]

    async def reason_codes(self, access: ProjectAccess) -> ReasonCodes:
        stored = await self.repository.reasons(access.project_id)
        if not stored:
            return ReasonCodes(
                reasons=[ReasonCode(code=c, label=label) for c, label in DEFAULT_REASONS],
                defaults=True,
            )
        return ReasonCodes(
            reasons=[ReasonCode(code=r.code, label=r.label, active=r.active) for r in stored]
        )

    async def set_reason_codes(self, access: ProjectAccess, data: ReasonCodes) -> ReasonCodes:
        """Replace the project's reason codes (exceptions keep the codes they carry, also one
        removed or deactivated): rename by a new label, deactivate by ``active: false``."""
        codes = [(r.code, r.label, r.active) for r in data.reasons]
        if len({c for c, _label, _active in codes}) != len(codes):
            raise UnknownReasonCode("Each reason code may appear once")
        if not any(active for _c, _label, active in codes):
            raise UnknownReasonCode("Keep at least one reason code active")
        await self.repository.replace_reasons(access.project_id, codes)
        self.session.add(
            AuditEvent(
                project_id=access.project_id,
                actor_id=access.principal.user_id,
                action="exception_reasons.set",
                target=f"project:{access.project_id}",
                detail={
                    "codes": [c for c, _label, _active in codes],
                    "inactive": [c for c, _label, active in codes if not active],
                },
            )
        )
        await self.session.flush()
        return await self.reason_codes(access)

    # --- changing ------------------------------------------------------------------------------

    async def update_exception(
        self, access: ProjectAccess, exception_id: int, data: ExceptionUpdate
    ) -> ExceptionDetail:
        """Change status (open/investigating), assignee or reason code; audited per field."""
        item = await self._editable(access, exception_id, data.version)
        if item.status == ExceptionStatus.RESOLVED and data.status is not None:
            raise ExceptionResolved(f"Exception {item.id} is resolved; reopen it first")
        values: dict[str, Any] = {}
        events: list[tuple[str, dict[str, Any]]] = []
        if data.status is not None and data.status != item.status:
            values["status"] = data.status
            events.append(("exception.status_changed", {"from": item.status, "to": data.status}))
        if data.unassign and item.assignee_id is not None:
            values["assignee_id"] = None
            events.append(("exception.unassigned", {"from": item.assignee_id}))
        elif data.assignee_id is not None and data.assignee_id != item.assignee_id:
            await self._ensure_member(access, data.assignee_id)
            values["assignee_id"] = data.assignee_id
            events.append(
                ("exception.assigned", {"from": item.assignee_id, "to": data.assignee_id})
            )
        if data.reason_code is not None and data.reason_code != item.reason_code:
            await self._ensure_reason(access, data.reason_code)
            values["reason_code"] = data.reason_code
            events.append(
                ("exception.reason_set", {"from": item.reason_code, "to": data.reason_code})
            )
        if values:
            await self._apply(access, item, values, events)
        return await self._detail(await self._get(access, exception_id))

    async def add_comment(
        self, access: ProjectAccess, exception_id: int, data: CommentCreate
    ) -> ExceptionCommentRead:
        """A note on the exception, audited; comments do not move the version (two people may
        comment at once without either being refused)."""
        item = await self._get(access, exception_id)
        await self.locks.ensure_unlocked(item.reconciliation_id, dates=[item.booking_date])
        comment = await self.repository.add_comment(
            ExceptionComment(
                exception_id=item.id, author_id=access.principal.user_id, body=data.body
            )
        )
        await self.repository.add_audit_events(
            [
                self._event(
                    access, item, "exception.commented", comment_id=comment.id, body=data.body
                )
            ]
        )
        return ExceptionCommentRead(
            id=comment.id,
            author_id=comment.author_id,
            author_email=access.principal.email,
            body=comment.body,
            created_at=comment.created_at,
        )

    async def resolve(
        self, access: ProjectAccess, exception_id: int, data: ResolveRequest
    ) -> ExceptionDetail:
        """Resolve by a write-off (a record of its own; the item leaves the open items) or an
        explanation (expected to clear by a date; the item stays open for the next jobs)."""
        item = await self._editable(access, exception_id, data.version)
        if item.status == ExceptionStatus.RESOLVED:
            raise ExceptionResolved(f"Exception {item.id} is already resolved ({item.resolution})")
        if data.reason_code is not None:
            await self._ensure_reason(access, data.reason_code)
        values: dict[str, Any] = {
            "status": ExceptionStatus.RESOLVED,
            "resolved_at": utcnow(),
            "reason_code": data.reason_code or item.reason_code,
        }
        detail: dict[str, Any] = {"note": data.note, "reason_code": values["reason_code"]}
        if data.resolution is Resolution.EXPLAINED:
            assert data.expected_clear_date is not None  # the schema requires it
            values["resolution"] = ExceptionResolution.EXPLAINED
            values["expected_clear_date"] = data.expected_clear_date
            detail["expected_clear_date"] = data.expected_clear_date.isoformat()
            await self._apply(access, item, values, [("exception.explained", detail)])
        else:
            assert data.write_off is not None
            values["resolution"] = ExceptionResolution.WRITTEN_OFF
            await self._apply(access, item, values, [])
            await self._write_off(access, item, data.write_off, detail)
        return await self._detail(await self._get(access, exception_id))

    async def reopen(
        self, access: ProjectAccess, exception_id: int, data: ReopenRequest
    ) -> ExceptionDetail:
        """Undo a write-off or an explanation: the exception is open again (a written-off record
        returns to the open items, its write-off is voided). An item a match settled is reopened
        by unsettling the record instead."""
        item = await self._editable(access, exception_id, data.version)
        if item.status != ExceptionStatus.RESOLVED:
            raise ExceptionNotResolved(f"Exception {item.id} is {item.status}, not resolved")
        if item.resolution == ExceptionResolution.MATCHED:
            raise ExceptionResolved(
                f"Exception {item.id} was resolved by a match: unsettle its record instead"
            )
        reconciliation = await self.state.lock(item.reconciliation_id)
        assert reconciliation is not None  # exceptions are deleted with their reconciliation
        values = {
            "status": ExceptionStatus.OPEN,
            "resolution": None,
            "resolved_at": None,
            "expected_clear_date": None,
        }
        await self._apply(
            access,
            item,
            values,
            [("exception.reopened", {"reason": data.reason, "resolution": item.resolution})],
        )
        if item.resolution == ExceptionResolution.WRITTEN_OFF:
            await self.repository.void_write_offs([item.id], data.reason, utcnow())
            await self.state.drop_settlements(item.reconciliation_id, [item.record_id])
            await self.state.reopen_items(
                item.reconciliation_id,
                {item.record_id: item.side},
                first_seen_at=item.first_seen_at,
                first_job_id=reconciliation.latest_job_id or 0,
            )
            await self.state.bump_version(item.reconciliation_id)
        return await self._detail(await self._get(access, exception_id))

    # --- helpers -------------------------------------------------------------------------------

    async def _write_off(
        self,
        access: ProjectAccess,
        item: ExceptionItem,
        data: WriteOffCreate,
        detail: dict[str, Any],
    ) -> None:
        reconciliation = await self.state.lock(item.reconciliation_id)
        assert reconciliation is not None
        amount = item.amount if data.amount is None else to_units(data.amount)
        write_off = await self.repository.add_write_off(
            WriteOff(
                project_id=item.project_id,
                reconciliation_id=item.reconciliation_id,
                exception_id=item.id,
                record_id=item.record_id,
                side=item.side,
                amount=amount,
                currency=item.currency,
                booking_date=item.booking_date,
                reason=data.reason,
                account=data.account,
                created_by_id=access.principal.user_id,
            )
        )
        # Settled by the write-off: no later job (full or incremental) matches it again.
        await self.state.close_items(item.reconciliation_id, [item.record_id])
        await self.state.add_settlements(
            item.reconciliation_id,
            {item.record_id: item.side},
            job_id=reconciliation.latest_job_id or 0,
            match_id=NO_MATCH,
        )
        await self.state.bump_version(item.reconciliation_id)
        await self.repository.add_audit_events(
            [
                self._event(
                    access,
                    item,
                    "exception.written_off",
                    **detail,
                    write_off_id=write_off.id,
                    amount=format_units(amount),
                    record_amount=format_units(item.amount),
                    reason=data.reason,
                    account=data.account,
                )
            ]
        )

    async def _get(self, access: ProjectAccess, exception_id: int) -> ExceptionItem:
        item = await self.repository.get(access.project_id, exception_id)
        if item is None:
            raise ExceptionNotFound(f"Exception {exception_id} not found in this project")
        return item

    async def _editable(
        self, access: ProjectAccess, exception_id: int, version: int | None
    ) -> ExceptionItem:
        """The exception, if the caller's version is current and no sign-off locks it."""
        item = await self._get(access, exception_id)
        if version is not None and version != item.version:
            raise await self._changed(access, item.id)
        await self.locks.ensure_unlocked(item.reconciliation_id, dates=[item.booking_date])
        return item

    async def _apply(
        self,
        access: ProjectAccess,
        item: ExceptionItem,
        values: dict[str, Any],
        events: list[tuple[str, dict[str, Any]]],
    ) -> None:
        if not await self.repository.update_if_version(item.id, item.version, values):
            raise await self._changed(access, item.id)
        await self.repository.add_audit_events(
            [self._event(access, item, action, **detail) for action, detail in events]
        )
        log.info("exceptions.changed", exception_id=item.id, actions=[a for a, _d in events])

    async def _changed(self, access: ProjectAccess, exception_id: int) -> Conflict:
        current = await self._get(access, exception_id)
        read = await self._detail(current)
        return ExceptionChanged(
            f"Exception {exception_id} was changed by someone else meanwhile; its current state"
            " is attached",
            exception=read.model_dump(mode="json"),
        )

    async def _ensure_member(self, access: ProjectAccess, user_id: int) -> None:
        if not await self.repository.is_member(access.project_id, user_id):
            raise NotAMember(f"User {user_id} is not a member of this project")

    async def _ensure_reason(self, access: ProjectAccess, code: str) -> None:
        offered = {r.code for r in (await self.reason_codes(access)).reasons if r.active}
        if code not in offered:
            raise UnknownReasonCode(
                f"Reason code {code!r} is not one of this project's: {sorted(offered)}"
            )

    async def _detail(self, item: ExceptionItem) -> ExceptionDetail:
        record = await self.repository.record(item.record_id)
        assert record is not None  # records outlive the exceptions of their reconciliation
        email = await self.repository.email(item.assignee_id)
        write_off = (await self.repository.standing_write_offs([item.id])).get(item.id)
        comments = await self.repository.comments(item.id)
        history = await self.repository.history(item.project_id, item.id)
        return ExceptionDetail(
            **_read(item, record, email, write_off).model_dump(),
            comments=[
                ExceptionCommentRead(
                    id=c.id,
                    author_id=c.author_id,
                    author_email=author,
                    body=c.body,
                    created_at=c.created_at,
                )
                for c, author in comments
            ],
            history=[
                HistoryEntry(
                    action=e.action, actor_email=actor, detail=e.detail, created_at=e.created_at
                )
                for e, actor in history
            ],
        )

    def _event(
        self, access: ProjectAccess, item: ExceptionItem, action: str, **detail: Any
    ) -> AuditEvent:
        return AuditEvent(
            project_id=item.project_id,
            actor_id=access.principal.user_id,
            action=action,
            target=f"exception:{item.id}",
            detail={
                "reconciliation_id": item.reconciliation_id,
                "record_id": item.record_id,
                **{k: v for k, v in detail.items() if v is not None},
            },
        )


def _read(
    item: ExceptionItem, record: Record, email: str | None, write_off: WriteOff | None
) -> ExceptionRead:
    now = datetime.now(UTC)
    today = now.date()
    return ExceptionRead(
        id=item.id,
        project_id=item.project_id,
        reconciliation_id=item.reconciliation_id,
        record=record_read(record, as_side(item.side)),
        status=ExceptionStatus(item.status),
        resolution=ExceptionResolution(item.resolution) if item.resolution else None,
        reason_code=item.reason_code,
        assignee_id=item.assignee_id,
        assignee_email=email,
        expected_clear_date=item.expected_clear_date,
        overdue=_overdue(item, today),
        first_seen_at=item.first_seen_at,
        age_days=max((now - item.first_seen_at).days, 0),
        resolved_at=item.resolved_at,
        version=item.version,
        write_off=write_off_read(write_off) if write_off is not None else None,
    )


def _overdue(item: ExceptionItem, today: date) -> bool:
    return (
        item.resolution == ExceptionResolution.EXPLAINED
        and item.expected_clear_date is not None
        and item.expected_clear_date < today
    )


def write_off_read(write_off: WriteOff) -> WriteOffRead:
    return WriteOffRead(
        id=write_off.id,
        exception_id=write_off.exception_id,
        record_id=write_off.record_id,
        side=as_side(write_off.side),
        amount=format_amount(write_off.amount, write_off.currency),
        currency=write_off.currency,
        booking_date=write_off.booking_date,
        reason=write_off.reason,
        account=write_off.account,
        created_by_id=write_off.created_by_id,
        created_at=write_off.created_at,
        voided_at=write_off.voided_at,
        void_reason=write_off.void_reason,
    )
