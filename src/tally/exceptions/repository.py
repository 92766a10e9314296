"""The SQL of exceptions: keeping them in step with the open items, the worklist, comments,
reason codes and write-offs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import (
    AuditEvent,
    ExceptionComment,
    ExceptionItem,
    ExceptionReason,
    ExceptionResolution,
    ExceptionStatus,
    OpenItem,
    ProjectMember,
    Record,
    User,
    WriteOff,
)
from tally.models.base import utcnow
from tally.money import to_units

# Ids bound in one IN list: under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
_ID_CHUNK = 10_000
# Resolutions a record's return to the open items undoes (an explanation still stands).
_UNDONE_BY_REOPENING = (ExceptionResolution.MATCHED, ExceptionResolution.WRITTEN_OFF)


class ExceptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- in step with the open items -----------------------------------------------------------

    async def sync(
        self, project_id: int, reconciliation_id: int, record_ids: Sequence[int] | None = None
    ) -> None:
        """Make the exceptions follow the reconciliation's open items: a new open item becomes an
        open exception; a record that is open again reopens its exception (voiding a write-off);
        an exception whose record a match settled is resolved as matched. Set-based statements
        over the open items and the unresolved exceptions only, never over ``record``'s whole
        sources. ``record_ids``: only these records changed (a review decision), so only their
        exceptions are looked at: a decision then costs what it touches, not the open items."""
        if record_ids is not None and len(record_ids) > _ID_CHUNK:
            for offset in range(0, len(record_ids), _ID_CHUNK):
                await self.sync(
                    project_id, reconciliation_id, record_ids[offset : offset + _ID_CHUNK]
                )
            return
        if record_ids is not None and not record_ids:
            return
        now = utcnow()
        open_row = and_(
            OpenItem.reconciliation_id == ExceptionItem.reconciliation_id,
            OpenItem.record_id == ExceptionItem.record_id,
        )
        only_items = true() if record_ids is None else OpenItem.record_id.in_(record_ids)
        only_exceptions = true() if record_ids is None else ExceptionItem.record_id.in_(record_ids)
        new_items = (
            select(
                literal(project_id),
                OpenItem.reconciliation_id,
                OpenItem.record_id,
                OpenItem.side,
                Record.amount,
                Record.currency,
                Record.booking_date,
                OpenItem.first_seen_at,
                literal(str(ExceptionStatus.OPEN)),
                literal(0),
                literal(now, ExceptionItem.created_at.type),
                literal(now, ExceptionItem.updated_at.type),
            )
            .join(Record, Record.id == OpenItem.record_id)
            .where(
                OpenItem.reconciliation_id == reconciliation_id,
                only_items,
                ~exists().where(open_row),
            )
        )
        await self.session.execute(
            insert(ExceptionItem).from_select(
                [
                    "project_id",
                    "reconciliation_id",
                    "record_id",
                    "side",
                    "amount",
                    "currency",
                    "booking_date",
                    "first_seen_at",
                    "status",
                    "version",
                    "created_at",
                    "updated_at",
                ],
                new_items,
            )
        )
        reopened = list(
            await self.session.scalars(
                select(ExceptionItem.id).where(
                    ExceptionItem.reconciliation_id == reconciliation_id,
                    only_exceptions,
                    ExceptionItem.resolution.in_([str(r) for r in _UNDONE_BY_REOPENING]),
                    exists().where(open_row),
                )
            )
        )
        if reopened:
            await self.session.execute(
                update(ExceptionItem)
                .where(ExceptionItem.id.in_(reopened))
                .values(
                    status=ExceptionStatus.OPEN,
                    resolution=None,
                    resolved_at=None,
                    version=ExceptionItem.version + 1,
                    updated_at=now,
                )
            )
            await self.void_write_offs(reopened, "the record is an open item again", now)
        await self.session.execute(
            update(ExceptionItem)
            .where(
                ExceptionItem.reconciliation_id == reconciliation_id,
                only_exceptions,
                or_(
                    ExceptionItem.resolution.is_(None),
                    ExceptionItem.resolution == ExceptionResolution.EXPLAINED,
                ),
                ~exists().where(open_row),
            )
            .values(
                status=ExceptionStatus.RESOLVED,
                resolution=ExceptionResolution.MATCHED,
                resolved_at=now,
                version=ExceptionItem.version + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )

    async def opened_by_job(self, reconciliation_id: int, job_id: int) -> tuple[int, int]:
        """(exceptions the job opened, unresolved exceptions of the reconciliation): an open item
        the job saw first (new, or open again after a match let it go) is one it opened."""
        opened = await self.session.scalar(
            select(func.count())
            .select_from(OpenItem)
            .where(OpenItem.reconciliation_id == reconciliation_id, OpenItem.first_job_id == job_id)
        )
        unresolved = await self.session.scalar(
            select(func.count())
            .select_from(ExceptionItem)
            .where(
                ExceptionItem.reconciliation_id == reconciliation_id,
                ExceptionItem.status != ExceptionStatus.RESOLVED,
            )
        )
        return int(opened or 0), int(unresolved or 0)

    # --- reading -------------------------------------------------------------------------------

    async def get(self, project_id: int, exception_id: int) -> ExceptionItem | None:
        statement = select(ExceptionItem).where(
            ExceptionItem.id == exception_id, ExceptionItem.project_id == project_id
        )
        return await self.session.scalar(statement.execution_options(populate_existing=True))

    def _filtered(self, project_id: int, query: Any, now: datetime) -> Select[Any]:
        """The worklist's WHERE: ``query`` is an ExceptionFilter."""
        conditions: list[ColumnElement[bool]] = [ExceptionItem.project_id == project_id]
        if query.reconciliation_id is not None:
            conditions.append(ExceptionItem.reconciliation_id == query.reconciliation_id)
        if query.status:
            conditions.append(ExceptionItem.status.in_([str(s) for s in query.status]))
        if query.unassigned:
            conditions.append(ExceptionItem.assignee_id.is_(None))
        elif query.assignee_id is not None:
            conditions.append(ExceptionItem.assignee_id == query.assignee_id)
        if query.side is not None:
            conditions.append(ExceptionItem.side == query.side)
        if query.reason_code is not None:
            conditions.append(ExceptionItem.reason_code == query.reason_code)
        if query.min_age_days is not None:
            conditions.append(ExceptionItem.first_seen_at <= now - timedelta(query.min_age_days))
        if query.max_age_days is not None:
            conditions.append(ExceptionItem.first_seen_at > now - timedelta(query.max_age_days + 1))
        amount: ColumnElement[int] = (
            func.abs(ExceptionItem.amount) if query.ignore_sign else ExceptionItem.amount.expression
        )
        if query.min_amount is not None:
            conditions.append(amount >= to_units(query.min_amount))
        if query.max_amount is not None:
            conditions.append(amount <= to_units(query.max_amount))
        return select(ExceptionItem).where(*conditions)

    async def count(self, project_id: int, query: Any) -> int:
        inner = self._filtered(project_id, query, datetime.now(UTC)).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(inner)) or 0)

    async def page(
        self, project_id: int, query: Any, *, offset: int, limit: int
    ) -> list[tuple[ExceptionItem, Record, str | None]]:
        """Oldest first, with each one's record and assignee's email."""
        statement = (
            self._filtered(project_id, query, datetime.now(UTC))
            .add_columns(Record, User.email)
            .join(Record, Record.id == ExceptionItem.record_id)
            .outerjoin(User, User.id == ExceptionItem.assignee_id)
            .order_by(ExceptionItem.first_seen_at, ExceptionItem.id)
            .offset(offset)
            .limit(limit)
        )
        return [(e, r, email) for e, r, email in await self.session.execute(statement)]

    async def get_many(
        self, project_id: int, exception_ids: Sequence[int]
    ) -> dict[int, ExceptionItem]:
        """The project's exceptions among ``exception_ids``, by id (the others are missing)."""
        found: dict[int, ExceptionItem] = {}
        for offset in range(0, len(exception_ids), _ID_CHUNK):
            statement = select(ExceptionItem).where(
                ExceptionItem.project_id == project_id,
                ExceptionItem.id.in_(exception_ids[offset : offset + _ID_CHUNK]),
            )
            for item in await self.session.scalars(
                statement.execution_options(populate_existing=True)
            ):
                found[item.id] = item
        return found

    async def selected_ids(self, project_id: int, query: Any, limit: int) -> list[int]:
        statement = (
            self._filtered(project_id, query, datetime.now(UTC))
            .with_only_columns(ExceptionItem.id)
            .order_by(ExceptionItem.id)
            .limit(limit)
        )
        return list(await self.session.scalars(statement))

    async def record(self, record_id: int) -> Record | None:
        return await self.session.get(Record, record_id)

    async def email(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        return await self.session.scalar(select(User.email).where(User.id == user_id))

    async def is_member(self, project_id: int, user_id: int) -> bool:
        statement = select(ProjectMember.user_id).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == user_id
        )
        return await self.session.scalar(statement) is not None

    async def ages(self, project_id: int) -> list[tuple[datetime, str | None, int, int]]:
        """(first_seen_at, currency, count, summed absolute amount) of the unresolved
        exceptions."""
        statement = (
            select(
                ExceptionItem.first_seen_at,
                ExceptionItem.currency,
                func.count(),
                func.coalesce(func.sum(func.abs(ExceptionItem.amount)), 0),
            )
            .where(
                ExceptionItem.project_id == project_id,
                ExceptionItem.status != ExceptionStatus.RESOLVED,
            )
            .group_by(ExceptionItem.first_seen_at, ExceptionItem.currency)
        )
        return [(t, c, int(n), int(a)) for t, c, n, a in await self.session.execute(statement)]

    # --- changing ------------------------------------------------------------------------------

    async def update_if_version(
        self, exception_id: int, version: int, values: dict[str, Any]
    ) -> bool:
        """Apply ``values`` only if the exception is still at ``version`` (moving it on): of two
        concurrent changes one wins, the other finds no row (PostgreSQL re-checks the version
        after waiting for the winner's row lock; SQLite has one writer)."""
        result = await self.session.execute(
            update(ExceptionItem)
            .where(ExceptionItem.id == exception_id, ExceptionItem.version == version)
            .values(**values, version=version + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def update_at_versions(
        self, versions: dict[int, int], values: dict[str, Any]
    ) -> list[int]:
        """update_if_version for many exceptions (id -> the version it was read at), in
        statements of _ID_CHUNK ids: returns those not at that version any more (changed or
        gone meanwhile), empty when all took ``values``. The caller refuses the whole change
        then (its transaction rolls back), so no partial update is left."""
        now = utcnow()
        ids = list(versions)
        moved: list[int] = []
        for offset in range(0, len(ids), _ID_CHUNK):
            chunk = ids[offset : offset + _ID_CHUNK]
            rows = await self.session.execute(
                update(ExceptionItem)
                .where(ExceptionItem.id.in_(chunk))
                .values(**values, version=ExceptionItem.version + 1, updated_at=now)
                .returning(ExceptionItem.id, ExceptionItem.version)
                .execution_options(synchronize_session=False)
            )
            now_at = {int(i): int(v) for i, v in rows}
            moved += [i for i in chunk if now_at.get(i) != versions[i] + 1]
        return moved

    async def add_comment(self, comment: ExceptionComment) -> ExceptionComment:
        self.session.add(comment)
        await self.session.flush()
        return comment

    async def add_comments(self, rows: Sequence[dict[str, Any]]) -> dict[int, int]:
        """Comments (ExceptionComment's columns), one per exception, in multi-row INSERTs:
        exception id -> its new comment's id."""
        return await self._insert_by_exception(ExceptionComment, rows)

    async def _insert_by_exception(
        self, model: type[ExceptionComment] | type[WriteOff], rows: Sequence[dict[str, Any]]
    ) -> dict[int, int]:
        # Multi-row INSERT ... RETURNING (SQLAlchemy's insertmanyvalues), the new rows told
        # apart by their exception: the ORM's add_all, or RETURNING in the rows' order, sent one
        # INSERT per row on SQLite (measured: 3,000 statements for 3,000 comments).
        if not rows:
            return {}
        result = await self.session.execute(
            insert(model).returning(model.exception_id, model.id), list(rows)
        )
        return {int(exception_id): int(new_id) for exception_id, new_id in result}

    async def comments(self, exception_id: int) -> list[tuple[ExceptionComment, str | None]]:
        statement = (
            select(ExceptionComment, User.email)
            .outerjoin(User, User.id == ExceptionComment.author_id)
            .where(ExceptionComment.exception_id == exception_id)
            .order_by(ExceptionComment.id)
        )
        return [(c, email) for c, email in await self.session.execute(statement)]

    async def history(
        self, project_id: int, exception_id: int
    ) -> list[tuple[AuditEvent, str | None]]:
        statement = (
            select(AuditEvent, User.email)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(
                AuditEvent.project_id == project_id,
                AuditEvent.target == f"exception:{exception_id}",
            )
            .order_by(AuditEvent.id)
        )
        return [(e, email) for e, email in await self.session.execute(statement)]

    async def add_audit_events(self, events: Sequence[AuditEvent]) -> None:
        self.session.add_all(events)
        await self.session.flush()

    # --- write-offs ----------------------------------------------------------------------------

    async def add_write_off(self, write_off: WriteOff) -> WriteOff:
        self.session.add(write_off)
        await self.session.flush()
        return write_off

    async def add_write_offs(self, rows: Sequence[dict[str, Any]]) -> dict[int, int]:
        """Write-offs (WriteOff's columns), one per exception, in multi-row INSERTs: exception
        id -> its new write-off's id."""
        return await self._insert_by_exception(WriteOff, rows)

    async def standing_write_offs(self, exception_ids: Sequence[int]) -> dict[int, WriteOff]:
        if not exception_ids:
            return {}
        statement = select(WriteOff).where(
            WriteOff.exception_id.in_(exception_ids), WriteOff.voided_at.is_(None)
        )
        return {w.exception_id: w for w in await self.session.scalars(statement)}

    async def void_write_offs(
        self, exception_ids: Sequence[int], reason: str, when: datetime
    ) -> None:
        await self.session.execute(
            update(WriteOff)
            .where(WriteOff.exception_id.in_(exception_ids), WriteOff.voided_at.is_(None))
            .values(voided_at=when, void_reason=reason)
            .execution_options(synchronize_session=False)
        )

    # --- reason codes --------------------------------------------------------------------------

    async def reasons(self, project_id: int) -> list[ExceptionReason]:
        statement = (
            select(ExceptionReason)
            .where(ExceptionReason.project_id == project_id)
            .order_by(ExceptionReason.position, ExceptionReason.code)
        )
        return list(await self.session.scalars(statement))

    async def replace_reasons(
        self, project_id: int, reasons: Sequence[tuple[str, str, bool]]
    ) -> None:
        await self.session.execute(
            delete(ExceptionReason).where(ExceptionReason.project_id == project_id)
        )
        self.session.add_all(
            ExceptionReason(
                project_id=project_id, code=code, label=label, position=i, active=active
            )
            for i, (code, label, active) in enumerate(reasons)
        )
        await self.session.flush()
