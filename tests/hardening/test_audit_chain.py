"""The audit trail proves itself: each project's events form a hash chain; editing, deleting or
reordering rows directly in the database breaks it, and verification names the first broken link
(API for admins, `tally audit verify`). Exports carry the chain head."""

from __future__ import annotations

import io
from typing import Any

from httpx import AsyncClient
from openpyxl import load_workbook
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.audit.schemas import ChainLink
from tally.audit.service import AuditService
from tally.kit.db import Database
from tally.models import AuditEvent, UserRole
from tests.helpers.projects import create_project
from tests.helpers.results import Reconciled, reconciled_job
from tests.helpers.users import AuthedUser, create_user


async def _add_events(session: AsyncSession, project_id: int, actor: int, count: int) -> list[int]:
    events = [
        AuditEvent(
            project_id=project_id,
            actor_id=actor,
            action="match.confirmed",
            target=f"match:{n}",
            detail={"note": f"decision {n}", "amount": "10.50"},
        )
        for n in range(count)
    ]
    session.add_all(events)
    await session.commit()
    return [event.id for event in events]


async def _verify(db: Database, project_id: int, head: ChainLink | None = None) -> Any:
    async with db.sessionmaker() as session:
        (result,) = await AuditService(session).verify(project_id, expected_head=head)
        return result


async def _world(session: AsyncSession) -> tuple[AuthedUser, int, list[int]]:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    ids = await _add_events(session, project.id, owner.id, 3)
    ids += await _add_events(session, project.id, owner.id, 2)  # a second transaction appends
    return owner, project.id, ids


async def test_events_chain_per_project_and_verify(db: Database, session: AsyncSession) -> None:
    owner, project_id, _ = await _world(session)
    other = await create_project(session, owner=owner, name="Other")
    await _add_events(session, other.id, owner.id, 2)
    rows = (
        await session.execute(
            select(AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.hash)
            .where(AuditEvent.project_id == project_id)
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert [row.seq for row in rows] == [1, 2, 3, 4, 5]
    assert all(rows[n].prev_hash == rows[n - 1].hash for n in range(1, 5))
    result = await _verify(db, project_id)
    assert result.valid and result.events == 5 and result.head.seq == 5
    assert (await _verify(db, other.id)).events == 2  # its own chain, from 1


async def test_an_edited_event_is_named(db: Database, session: AsyncSession) -> None:
    _, project_id, ids = await _world(session)
    await session.execute(
        update(AuditEvent).where(AuditEvent.id == ids[2]).values(action="match.rejected")
    )
    await session.commit()
    result = await _verify(db, project_id)
    assert not result.valid
    assert (result.first_broken.seq, result.first_broken.event_id) == (3, ids[2])
    assert "action" in result.first_broken.reason
    assert result.events == 2


async def test_edited_detail_or_timestamp_is_named(db: Database, session: AsyncSession) -> None:
    _, project_id, ids = await _world(session)
    await session.execute(
        update(AuditEvent).where(AuditEvent.id == ids[1]).values(detail={"note": "rewritten"})
    )
    await session.commit()
    assert (await _verify(db, project_id)).first_broken.seq == 2


async def test_a_deleted_event_is_named(db: Database, session: AsyncSession) -> None:
    _, project_id, ids = await _world(session)
    await session.execute(delete(AuditEvent).where(AuditEvent.id == ids[1]))
    await session.commit()
    result = await _verify(db, project_id)
    assert not result.valid and result.first_broken.seq == 2
    assert "missing" in result.first_broken.reason


async def test_reordered_events_are_named(db: Database, session: AsyncSession) -> None:
    _, project_id, ids = await _world(session)
    # Swap the positions of events 2 and 3 (through a free number: seq is unique per project).
    for event_id, seq in ((ids[1], 1000), (ids[2], 2), (ids[1], 3)):
        await session.execute(update(AuditEvent).where(AuditEvent.id == event_id).values(seq=seq))
    await session.commit()
    result = await _verify(db, project_id)
    assert not result.valid and result.first_broken.seq == 2
    assert result.first_broken.event_id == ids[2]


async def test_a_dropped_tail_is_caught_by_the_exported_head(
    db: Database, session: AsyncSession
) -> None:
    _, project_id, ids = await _world(session)
    head = (await _verify(db, project_id)).head
    await session.execute(delete(AuditEvent).where(AuditEvent.id == ids[-1]))
    await session.commit()
    assert (await _verify(db, project_id)).valid  # the remaining chain is consistent ...
    result = await _verify(db, project_id, head)  # ... but no longer reaches the exported head
    assert not result.valid and result.first_broken.seq == 5


async def test_a_deleted_job_does_not_break_the_chain(
    client: AsyncClient, db: Database, session: AsyncSession
) -> None:
    world: Reconciled = await reconciled_job(session, db)
    response = await client.get(world.url("/matches?tab=review"), headers=world.owner.headers)
    match_id = response.json()["items"][0]["id"]
    confirmed = await client.post(
        world.url(f"/matches/{match_id}/confirm"), json={"note": "ok"}, headers=world.editor.headers
    )
    assert confirmed.status_code == 200, confirmed.text
    assert (await _verify(db, world.project.id)).events >= 1
    # ON DELETE SET NULL clears job_id when the job goes: honest, so still valid.
    from tally.models import ReconciliationJob

    await session.execute(delete(ReconciliationJob).where(ReconciliationJob.id == world.job.id))
    await session.commit()
    assert (await _verify(db, world.project.id)).valid


async def test_admin_api_and_export_head(
    client: AsyncClient, db: Database, session: AsyncSession
) -> None:
    world: Reconciled = await reconciled_job(session, db)
    admin = await create_user(session, role=UserRole.ADMIN)
    response = await client.get(world.url("/matches?tab=review"), headers=world.owner.headers)
    match_id = response.json()["items"][0]["id"]
    await client.post(
        world.url(f"/matches/{match_id}/reject"), json={"note": "no"}, headers=world.editor.headers
    )
    export = await client.get(world.url("/export?format=csv"), headers=world.owner.headers)
    assert export.status_code == 200
    seq, _, digest = export.headers["x-tally-audit-head"].partition(":")
    assert int(seq) >= 1 and len(digest) == 64
    # A saved workbook carries the head itself (the header is gone once the file is saved).
    workbook = await client.get(world.url("/export?format=xlsx"), headers=world.owner.headers)
    sheet = load_workbook(io.BytesIO(workbook.content), read_only=True)["Audit"]
    carried = dict(sheet.iter_rows(values_only=True))
    assert carried["audit chain head"] == f"{seq}:{digest}"
    assert carried["verify with"].endswith(f"--head {seq}:{digest}")

    url = "/admin/audit/verify"
    assert (await client.get(url, headers=world.owner.headers)).status_code == 403
    params = {"project_id": world.project.id, "head_seq": seq, "head_hash": digest}
    ok = await client.get(url, params=params, headers=admin.headers)
    assert ok.status_code == 200 and ok.json()[0]["valid"] is True
    await session.execute(update(AuditEvent).values(target="match:999"))
    await session.commit()
    broken = await client.get(url, headers=admin.headers)
    (result,) = [r for r in broken.json() if r["project_id"] == world.project.id]
    assert result["valid"] is False and result["first_broken"]["seq"] == 1
    missing = await client.get(url, params={"project_id": 2**40}, headers=admin.headers)
    assert missing.status_code == 404
