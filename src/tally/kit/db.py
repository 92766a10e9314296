"""The database layer: engine, pool with retry and back-off, and the request transaction owner."""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util import await_only
from starlette.types import ASGIApp, Receive, Scope, Send

from tally.config import Settings
from tally.kit.errors import ServiceUnavailable, error_response

log = structlog.get_logger("tally.db")

T = TypeVar("T")

RETRY_DELAYS_S = (0.010, 0.020, 0.040)
APPLICATION_NAME = "tally"


@dataclass
class PoolCounters:
    """What the pool has done since start-up; read by /admin/db/pool and /metrics."""

    waiting: int = 0
    timeouts: int = 0
    connect_errors: int = 0
    retries: int = 0
    unavailable: int = 0
    high_usage_warnings: int = 0
    last_warning_at: float = field(default=0.0, repr=False)


@dataclass
class _WaitBudget:
    remaining: float
    open: bool = True  # closed when its request ends: tasks it started wait on their own terms


# The current request's DB_POOL_MAX_WAIT: a request may check out several times (the cache's
# loads have sessions of their own), and its checkouts share one budget.
_request_wait: ContextVar[_WaitBudget | None] = ContextVar("tally_request_wait", default=None)


@contextmanager
def request_wait_budget(seconds: float) -> Iterator[None]:
    """Within this block, every checkout's wait comes out of one budget of ``seconds``."""
    budget = _WaitBudget(seconds)
    token = _request_wait.set(budget)
    try:
        yield
    finally:
        budget.open = False
        _request_wait.reset(token)


class RequestWaitBudget:
    """Give each HTTP request one budget for all its waits for a connection (DB_POOL_MAX_WAIT)."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with request_wait_budget(self.seconds):
            await self.app(scope, receive, send)


class RetryingQueuePool(AsyncAdaptedQueuePool):
    """A queue pool whose checkout retries with exponential back-off and jitter, within a budget.

    Only pool time-outs and failures to connect are retried (10/20/40 ms): they are the transient
    faults of an exhausted pool or a restarting server. Anything else surfaces at once. The whole
    checkout, every wait and back-off included, ends within ``max_wait`` seconds (DB_POOL_MAX_WAIT):
    each wait for a free connection is cut to what remains of it, and no retry starts after it.
    Inside a request (``RequestWaitBudget``) all its checkouts share that one budget.
    """

    counters: PoolCounters
    warn_ratio: float
    max_wait: float
    attempt_timeout: float  # DB_POOL_TIMEOUT: one attempt's longest wait for a free connection

    def _do_get(self) -> ConnectionPoolEntry:
        self.counters.waiting += 1
        started = time.monotonic()
        budget = _request_wait.get()
        if budget is not None and not budget.open:
            budget = None
        deadline = started + (
            self.max_wait if budget is None else min(self.max_wait, budget.remaining)
        )
        try:
            for attempt, delay in enumerate((*RETRY_DELAYS_S, None)):
                try:
                    entry = self._get_before(deadline)
                except exc.TimeoutError:
                    self.counters.timeouts += 1
                    if delay is None or deadline - time.monotonic() <= delay:
                        raise
                except Exception as error:  # the DBAPI's own connect error, not yet wrapped
                    if not _is_connect_error(error):
                        raise
                    self.counters.connect_errors += 1
                    if delay is None or deadline - time.monotonic() <= delay:
                        raise
                else:
                    self._warn_if_busy()
                    return entry
                self.counters.retries += 1
                log.info("db.checkout_retry", attempt=attempt + 1, delay_ms=delay * 1000)
                await_only(asyncio.sleep(delay * random.uniform(0.8, 1.2)))
            raise AssertionError("unreachable")
        finally:
            self.counters.waiting -= 1
            if budget is not None:
                budget.remaining -= time.monotonic() - started

    def _get_before(self, deadline: float) -> ConnectionPoolEntry:
        """One checkout attempt whose wait for a free connection ends by ``deadline``.

        QueuePool reads its time-out from ``self._timeout`` when it starts waiting, synchronously,
        so setting it just before is safe between coroutines; it is put back for ``timeout()``.
        """
        self._timeout = max(min(self.attempt_timeout, deadline - time.monotonic()), 0.0)
        try:
            return super()._do_get()
        finally:
            self._timeout = self.attempt_timeout

    def _warn_if_busy(self) -> None:
        capacity = self.size() + max(self._max_overflow, 0)
        usage = self.checkedout() / capacity if capacity else 0.0
        now = time.monotonic()
        if usage > self.warn_ratio and now - self.counters.last_warning_at > 10:
            self.counters.last_warning_at = now
            self.counters.high_usage_warnings += 1
            log.warning(
                "db.pool_high_usage",
                usage_pct=round(usage * 100, 1),
                checked_out=self.checkedout(),
                capacity=capacity,
            )


def _is_connect_error(error: BaseException) -> bool:
    name = type(error).__name__
    return name in {"OperationalError", "InterfaceError"} or isinstance(
        error, (ConnectionError, OSError)
    )


class Database:
    """Owns the engine and the session factory; built in the app's lifespan or a worker's start."""

    def __init__(self, settings: Settings, *, url: str | None = None) -> None:
        self.url = url or settings.effective_database_url
        self.is_sqlite = self.url.startswith("sqlite")
        self.engine: AsyncEngine = create_async_engine(self.url, **_engine_options(settings, self))
        pool = self.engine.pool
        assert isinstance(pool, RetryingQueuePool)
        pool.counters = PoolCounters()
        pool.warn_ratio = settings.db_pool_warn_ratio
        pool.max_wait = settings.db_pool_max_wait
        pool.attempt_timeout = pool.timeout()
        self.pool: RetryingQueuePool = pool
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _configure_sqlite)
            self.write_gate: SqliteWriteGate | None = SqliteWriteGate(SQLITE_BUSY_TIMEOUT_S)
            self.write_gate.install(self.engine)
        else:
            self.write_gate = None
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self._on_dispose: list[Callable[[], Awaitable[None]]] = []

    def on_dispose(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` when the database is disposed of (what was started with it stops)."""
        self._on_dispose.append(callback)

    def pool_status(self) -> dict[str, Any]:
        pool = self.pool
        capacity = pool.size() + max(pool._max_overflow, 0)
        checked_out = pool.checkedout()
        return {
            "backend": self.engine.dialect.name,
            "size": pool.size(),
            "max_overflow": pool._max_overflow,
            "checked_out": checked_out,
            "checked_in": pool.checkedin(),
            "overflow": max(pool.overflow(), 0),
            "capacity": capacity,
            "usage_pct": round(100 * checked_out / capacity, 1) if capacity else 0.0,
            "waiters": pool.counters.waiting,
            "timeouts": pool.counters.timeouts,
            "connect_errors": pool.counters.connect_errors,
            "retries": pool.counters.retries,
            "unavailable_responses": pool.counters.unavailable,
            "high_usage_warnings": pool.counters.high_usage_warnings,
            "timeout_s": pool.attempt_timeout,
            "max_wait_s": pool.max_wait,
        }

    async def dispose(self) -> None:
        while self._on_dispose:
            await self._on_dispose.pop()()
        await self.engine.dispose()


def _engine_options(settings: Settings, database: Database) -> dict[str, Any]:
    options: dict[str, Any] = {
        "poolclass": RetryingQueuePool,
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
        "pool_recycle": settings.db_pool_recycle,
        "pool_pre_ping": settings.db_pool_pre_ping,
    }
    if database.is_sqlite:
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
    else:
        options["connect_args"] = {
            "application_name": APPLICATION_NAME,
            # libpq counts whole seconds and 1 s is unreliable; refused connections fail at once.
            "connect_timeout": max(2, int(settings.db_connect_timeout)),
        }
    return options


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the one writer; foreign keys make ON DELETE CASCADE work.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode syncs at checkpoints, not at each commit: a process crash loses nothing
    # committed; a power or OS failure may lose the last commits, never the file's consistency
    # (https://www.sqlite.org/pragma.html#pragma_synchronous). A load's short steps commit often,
    # and FULL would sync each of them.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.close()


SQLITE_BUSY_TIMEOUT_S = 30
# The statements that take SQLite's write lock (pysqlite begins the transaction before the first
# of them; a SELECT runs outside any write transaction).
_WRITE_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.I)


class SqliteWriteGate:
    """One writing connection at a time in this process, served in arrival order.

    SQLite has one writer; a connection that finds the lock taken polls for it in its busy handler
    (sleeps of 1, 2, 5, ... 25 ms, then 50 and 100 ms), so a waiting login only gets the lock if one
    of its polls falls between two steps of a load, and its wait is a lottery with a long tail (a
    project create's p99 was 1.3-2.0 s beside a 300k-row load at 5k-row steps, bench/ingest/
    WRITERS.md). Here a connection waits for this FIFO lock before its first write statement and
    frees it when it goes back to the pool (after its commit or rollback): the process's writers
    take turns, and a request waits at most for the writes queued before it - one step of a load.
    The busy handler still arbitrates between processes (`tally ingest` beside `tally serve`).

    A wait longer than the busy timeout fails like SQLite's own (OperationalError: 503), so a
    connection that writes while its own task holds another's write transaction fails as before
    instead of waiting for ever.
    """

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        self._waiting = 0
        # Another process's gate this one takes turns at too (a child load of the server's, see
        # tally.sources.child_process): a connection writes once it holds both.
        self.outer: OuterWriteTurns | None = None

    def install(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "before_cursor_execute", self._before_execute)
        event.listen(engine.sync_engine.pool, "checkin", self._on_checkin)

    def waiting(self) -> int:
        """How many connections wait for their turn to write."""
        return self._waiting

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            # One lock per event loop (a test suite runs several; a server runs one).
            self._locks = {
                known: held for known, held in self._locks.items() if not known.is_closed()
            }
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    def _before_execute(self, connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        info = connection.connection.info  # the pooled connection's: kept until checkin
        if "write_gate" in info or not _WRITE_STATEMENT.match(statement):
            return
        lock = self._lock()
        try:
            await_only(self._acquire(lock))
        except TimeoutError:
            raise exc.OperationalError(statement, None, _GateTimeout()) from None
        info["write_gate"] = (lock, asyncio.get_running_loop())

    async def _acquire(self, lock: asyncio.Lock) -> None:
        # asyncio.timeout, not wait_for: a lock granted as the time runs out is handed on, not lost.
        self._waiting += 1
        try:
            async with asyncio.timeout(self.timeout_s):
                await lock.acquire()
            if self.outer is not None:
                try:
                    await self.outer.acquire()
                except BaseException:
                    lock.release()
                    raise
        finally:
            self._waiting -= 1

    async def take_turn(self) -> None:
        """Wait for a turn to write on behalf of another process's writer (no time limit)."""
        await self._lock().acquire()

    def end_turn(self) -> None:
        self._lock().release()

    def _on_checkin(self, _dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        held = record.info.pop("write_gate", None)
        if held is None:
            return
        lock, loop = held

        def release() -> None:
            if self.outer is not None:
                self.outer.release()
            lock.release()

        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            release()
        elif not loop.is_closed():  # a connection collected outside its loop's thread
            loop.call_soon_threadsafe(release)


class OuterWriteTurns(Protocol):
    """Turns to write granted by another process (SqliteWriteGate.outer)."""

    async def acquire(self) -> None: ...

    def release(self) -> None: ...


class _GateTimeout(Exception):
    def __init__(self) -> None:
        super().__init__("database is locked (waited for this process's other writers)")


AfterCommit = Callable[[], Awaitable[None]]


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run ``callback`` once the transaction owner has committed (never if it rolls back)."""
    session.info.setdefault("after_commit", []).append(callback)


async def run_after_commit(session: AsyncSession) -> None:
    callbacks: list[AfterCommit] = session.info.pop("after_commit", [])
    for callback in callbacks:
        await callback()


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The transaction owner of a request: commit on success, roll back on any error."""
    database = get_database(request)
    async with database.sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            session.info.pop("after_commit", None)
            await session.rollback()
            raise
        await run_after_commit(session)


async def run_in_transaction(database: Database, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """The transaction owner for background work (tasks, CLI): one commit, or none."""
    async with database.sessionmaker() as session:
        try:
            result = await work(session)
            await session.commit()
        except BaseException:
            session.info.pop("after_commit", None)
            await session.rollback()
            raise
        await run_after_commit(session)
        return result


_UNAVAILABLE_ERRORS = (exc.TimeoutError, exc.OperationalError, exc.InterfaceError)


def install_database_error_handler(app: FastAPI) -> None:
    """Map an unreachable database to 503 + Retry-After: never a hang, never a 500."""

    async def on_database_unavailable(request: Request, error: Exception) -> Response:
        database = getattr(request.app.state, "database", None)
        if database is not None:
            database.pool.counters.unavailable += 1
        log.warning("db.unavailable", path=request.url.path, error=type(error).__name__)
        unavailable = ServiceUnavailable("The database is unavailable; retry shortly.")
        response = error_response(503, type(unavailable).__name__, unavailable.detail)
        response.headers.update(unavailable.headers)
        return response

    for error_type in _UNAVAILABLE_ERRORS:
        app.add_exception_handler(error_type, on_database_unavailable)


class StatementCounter:
    """Counts SQL statements sent through an engine while active (tests and benchmarks)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine: Engine = engine.sync_engine
        self.count = 0

    def _on_execute(self, *_args: Any) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self._engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self._engine, "before_cursor_execute", self._on_execute)
