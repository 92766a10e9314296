"""On SQLite the writers of one process take turns at the write gate in arrival order, instead of
polling for the lock in SQLite's busy handler (where the one that polls at the right moment wins,
not the one that came first). Readers never wait for it.

Ordering, not timing: the waiting writers cannot go on before the first one commits.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from tally.kit.db import Database

# A write statement that changes nothing but takes SQLite's write lock all the same.
NO_OP_WRITE = text("UPDATE data_source SET name = name WHERE id = -1")


async def test_writers_take_turns_in_arrival_order_and_readers_never_wait(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("PostgreSQL writers of different rows never wait for each other")
    order: list[str] = []

    async def write(name: str) -> None:
        async with db.sessionmaker() as session:
            await session.execute(NO_OP_WRITE)
            order.append(name)
            await session.commit()

    async with db.sessionmaker() as first:
        await first.execute(NO_OP_WRITE)
        gate = db.write_gate
        assert gate is not None
        waiting = []
        for name in ("second", "third", "fourth"):
            waiting.append(asyncio.create_task(write(name)))
            while gate.waiting() < len(waiting):  # it queues before the next one starts
                assert not waiting[-1].done()
                await asyncio.sleep(0.01)
        async with db.sessionmaker() as reader:
            assert await reader.scalar(text("SELECT count(*) FROM data_source")) is not None
        assert not any(task.done() for task in waiting)
        order.append("first")
        await first.commit()
    await asyncio.gather(*waiting)
    assert order == ["first", "second", "third", "fourth"]
