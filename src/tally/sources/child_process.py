"""The embedded server's ingestions run in a child process of their own, at a lower CPU priority.

Parsing a file and converting its batches is CPU work that holds the GIL: in the server's process
it competed with every request (a 10M-row SQLite ingest pushed login p99 to 490 ms and project
create p99 to 373 ms on an otherwise quiet machine, bench/ingest/WRITERS_10M_SQLITE.md). In a
child, the load has its own interpreter; on PostgreSQL, ``os.nice`` also lets the kernel serve the
server first (not on SQLite: see _main).

The child runs the same load (tally.sources.ingestion) on its own engine, so every guarantee is
the same: all or nothing, bounded memory, short SQLite write steps with lock gaps (between two
processes SQLite's busy handler arbitrates; tally.kit.db's gate only orders one process's
writers). Its lifetime is tied to the server's:

- The parent sends the work as one pickled message on the child's stdin and keeps stdin open.
  End of stdin, whether the parent closed it (its task was cancelled) or died (killed, crashed),
  cancels the child's load, which deletes what it had committed before the child exits: the
  source stays `ingesting` for start-up recovery, exactly as for a cancelled load in process.
- A child killed itself (out of memory, a signal) cannot undo: the parent then deletes what it
  wrote and marks the load failed, as a crash inside the load would have (ingestion's
  fail_abandoned). If the server dies too, the re-run that start-up recovery enqueues deletes them.

The child's progress reaches readers through the database (IngestProgress), and the parent bumps
the source list's cache namespaces while it waits and once the child is done (the child has no
cache of its own to invalidate).
"""

from __future__ import annotations

import asyncio
import importlib
import os
import pickle
import struct
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

import structlog

from tally.cache import invalidate_data_sources
from tally.config import Settings
from tally.kit.db import Database, SqliteWriteGate, run_in_transaction

log = structlog.get_logger("tally.sources")

# How often the parent tells its cache that the source list changed (progress), as a load in the
# server's process does (ingestion.PROGRESS_INTERVAL_S).
INVALIDATE_INTERVAL_S = 1.0
_LENGTH = struct.Struct(">Q")
_ASK, _GRANT, _RELEASE = b"A\n", b"G", b"R\n"
EXIT_CANCELLED = 3

ChildWork = Callable[..., Coroutine[Any, Any, Any]]


class ChildFailed(Exception):
    """The child process ended without finishing its work (killed, or a crash outside the load);
    ``message`` says so for the user."""

    def __init__(self, pid: int, code: int) -> None:
        killed = f"killed by signal {-code}" if code < 0 else f"ended with code {code}"
        super().__init__(f"the loading process {pid} {killed}")
        self.message = (
            f"The load stopped unexpectedly (its process was {killed}: out of memory, or "
            "stopped by the system); nothing was loaded. Upload the file again."
        )


def use_child_process(settings: Settings, database: Database) -> bool:
    """Whether this server's ingestions run in a child: unless turned off (TALLY_INGEST_PROCESS),
    and not for an in-memory SQLite database, which no other process can open."""
    return settings.ingest_process == "child" and ":memory:" not in database.url


async def run_in_child(
    database: Database,
    settings: Settings,
    work: str,
    *,
    project_id: int,
    **kwargs: Any,
) -> None:
    """Run ``work`` ("module:function", called as ``function(database, settings, **kwargs)``) in a
    child process, and wait for it. Cancelling this coroutine cancels the child's work (which
    undoes itself) and waits for the child to exit."""
    turns = _TurnsForChild(database.write_gate) if database.write_gate is not None else None
    payload = pickle.dumps((work, settings, database.url, turns is not None, kwargs))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        __name__,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    log.info("sources.child_started", pid=process.pid, work=work, **kwargs)
    serving = asyncio.create_task(_serve(turns, process.stdin, process.stdout))
    try:
        process.stdin.write(_LENGTH.pack(len(payload)) + payload)
        await process.stdin.drain()
        while True:
            try:
                code = await asyncio.wait_for(asyncio.shield(process.wait()), INVALIDATE_INTERVAL_S)
                break
            except TimeoutError:
                await _invalidate_sources(database, project_id)
    except BaseException:
        # Cancelled (server stopping) or failed here: end of stdin makes the child undo and exit;
        # it no longer asks for turns, and the one it may hold is given back.
        process.stdin.close()
        serving.cancel()
        if turns is not None:
            turns.end()
        await asyncio.shield(process.wait())
        raise
    finally:
        serving.cancel()
        if turns is not None:
            turns.end()  # a child that died holding its turn
            turns.log_summary(pid=process.pid, **kwargs)
        await asyncio.shield(_invalidate_sources(database, project_id))
    if code != 0:
        raise ChildFailed(process.pid, code)


class _TurnsForChild:
    """The parent's side of the child's write turns: each is a turn at the server's write gate,
    so the child's steps and the server's own writers are served in arrival order. Records how
    long the child held each turn (its write transaction)."""

    def __init__(self, gate: SqliteWriteGate) -> None:
        self.gate = gate
        self.held_since: float | None = None
        self.holds_s: list[float] = []
        self.waits_s: list[float] = []

    async def grant(self) -> None:
        asked = time.monotonic()
        await self.gate.take_turn()
        self.held_since = time.monotonic()
        self.waits_s.append(self.held_since - asked)

    def end(self) -> None:
        if self.held_since is not None:
            self.holds_s.append(time.monotonic() - self.held_since)
            self.held_since = None
            self.gate.end_turn()

    def log_summary(self, **fields: Any) -> None:
        if self.holds_s:
            log.info(
                "sources.child_write_turns",
                turns=len(self.holds_s),
                hold_ms=_percentiles(self.holds_s),
                wait_ms=_percentiles(self.waits_s),
                **fields,
            )


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {"p50": at(0.5), "p99": at(0.99), "max": at(1.0)}


async def _serve(
    turns: _TurnsForChild | None, stdin: asyncio.StreamWriter, stdout: asyncio.StreamReader
) -> None:
    """Answer the child's requests: ``A`` asks for a turn (granted with ``G``), ``R`` ends it."""
    while line := await stdout.readline():
        if turns is None:
            continue
        if line == _ASK:
            await turns.grant()
            stdin.write(_GRANT)
        elif line == _RELEASE:
            turns.end()


async def _invalidate_sources(database: Database, project_id: int) -> None:
    async def bump(session: Any) -> None:
        invalidate_data_sources(session, project_id)

    await run_in_transaction(database, bump)


class _TurnsFromParent:
    """The child's side (an OuterWriteTurns for its write gate)."""

    def __init__(self, channel: int) -> None:
        self.channel = channel
        self.granted: asyncio.Future[None] | None = None

    async def acquire(self) -> None:
        self.granted = asyncio.get_running_loop().create_future()
        os.write(self.channel, _ASK)
        await self.granted

    def release(self) -> None:
        os.write(self.channel, _RELEASE)

    def on_grant(self) -> None:
        if self.granted is not None and not self.granted.done():
            self.granted.set_result(None)


def _main() -> int:
    # What the child prints goes to stderr (the server's log); its stdout carries turn requests.
    channel = os.dup(1)
    os.dup2(2, 1)
    (length,) = _LENGTH.unpack(_read_exactly(_LENGTH.size))
    # The only writer of this stdin is the parent server that started this process.
    work, settings, url, turns, kwargs = pickle.loads(_read_exactly(length))  # noqa: S301
    if not url.startswith("sqlite"):
        # Not on SQLite: there the child holds the write lock the server's writers wait for, and
        # a niced holder is descheduled whenever the machine is busy (priority inversion). At a
        # load average of 40 on 2 cores a child at niceness 10 got 0.5% of a core and a 10M-row
        # load exhausted the server's pool with writers queued behind its steps.
        os.nice(settings.ingest_nice)
    from tally.kit.logging import configure_logging

    configure_logging(settings.log_level)
    module_name, function_name = work.split(":")
    function: ChildWork = getattr(importlib.import_module(module_name), function_name)
    return asyncio.run(_run(function, settings, url, channel if turns else None, kwargs))


def _read_exactly(size: int) -> bytes:
    # Unbuffered: what follows the message on stdin is read by the thread that watches the parent.
    data = b""
    while len(data) < size:
        chunk = os.read(sys.stdin.fileno(), size - len(data))
        if not chunk:
            raise SystemExit("the parent closed stdin before sending the work")
        data += chunk
    return data


async def _run(
    function: ChildWork,
    settings: Settings,
    url: str,
    channel: int | None,
    kwargs: dict[str, Any],
) -> int:
    database = Database(settings, url=url)
    gate = database.write_gate
    turns = _TurnsFromParent(channel) if channel is not None and gate is not None else None
    if gate is not None:
        gate.outer = turns
    work: asyncio.Task[Any] = asyncio.create_task(function(database, settings, **kwargs))
    loop = asyncio.get_running_loop()

    def parent_gone() -> None:
        # The undo that the cancel starts waits at SQLite's busy handler, like any other process.
        if gate is not None:
            gate.outer = None
        work.cancel()

    def read_parent() -> None:
        # The raw descriptor, not sys.stdin: a daemon thread blocked in a buffered read holds the
        # buffer's lock, and the interpreter's shutdown would abort on it.
        while grants := os.read(sys.stdin.fileno(), 64):
            if turns is not None:
                for _ in range(grants.count(_GRANT)):
                    loop.call_soon_threadsafe(turns.on_grant)
        loop.call_soon_threadsafe(parent_gone)  # end of file: the parent closed it, or died

    threading.Thread(target=read_parent, daemon=True, name="parent-watch").start()
    try:
        await work
    except asyncio.CancelledError:
        log.info("sources.child_cancelled", **kwargs)
        return EXIT_CANCELLED
    finally:
        await database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
