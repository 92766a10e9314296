"""A small HTTP/1.1 keep-alive load generator on uvloop: N connections, each sending the next
request of a precomputed sequence as soon as the previous response has arrived (closed loop, like
wrk). Loopback only; the load is bounded by the connection count and the duration."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Request:
    kind: str  # e.g. "get_project", "write"
    raw: bytes  # the full HTTP/1.1 request


def http_request(
    method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: bench", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in {"POST", "PUT", "PATCH"}:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = bytearray()
        self.expected: int | None = None
        self.status = 0
        self.waiter: asyncio.Future[int] | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.expected is None:
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = bytes(self.buffer[:end]).lower()
                self.status = int(head[9:12])
                start = head.find(b"content-length:")
                stop = head.find(b"\r\n", start)  # -1: the header ends the head
                length = (
                    int(head[start + 15 : stop if stop >= 0 else len(head)]) if start >= 0 else 0
                )
                self.expected = end + 4 + length
            if len(self.buffer) < self.expected:
                return
            del self.buffer[: self.expected]
            self.expected = None
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_result(self.status)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("closed"))

    async def send(self, raw: bytes) -> int:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(raw)
        return await self.waiter


@dataclass
class Result:
    duration_s: float
    latencies_ns: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )

    @property
    def count(self) -> int:
        return sum(len(values) for values in self.latencies_ns.values())

    def kinds(self, *prefixes: str) -> list[int]:
        return [
            value
            for kind, values in self.latencies_ns.items()
            if not prefixes or kind.startswith(prefixes)
            for value in values
        ]

    def errors(self, ok: tuple[int, ...] = (200, 201, 204)) -> int:
        return sum(
            n for by_status in self.statuses.values() for s, n in by_status.items() if s not in ok
        )


def percentile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)] / 1e6  # ms


async def run_load(
    host: str,
    port: int,
    requests: list[Request],
    *,
    connections: int,
    seconds: float,
    once: bool = False,
) -> Result:
    """Closed-loop load for ``seconds`` (cycling through ``requests``), or through ``requests``
    exactly once with ``once``."""
    loop = asyncio.get_running_loop()
    protocols = []
    for _ in range(connections):
        _, protocol = await loop.create_connection(_Connection, host, port)
        protocols.append(protocol)
    sequence = iter(requests) if once else itertools.cycle(requests)
    result = Result(duration_s=seconds)
    deadline = float("inf") if once else time.perf_counter() + seconds

    async def worker(connection: _Connection) -> None:
        while time.perf_counter() < deadline:
            request = next(sequence, None)
            if request is None:
                return
            started = time.perf_counter_ns()
            status = await connection.send(request.raw)
            result.latencies_ns[request.kind].append(time.perf_counter_ns() - started)
            result.statuses[request.kind][status] += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(protocol) for protocol in protocols))
    result.duration_s = time.perf_counter() - started
    for protocol in protocols:
        assert protocol.transport is not None
        protocol.transport.close()
    return result


@dataclass
class TimedResult:
    """An open-loop run: per request, its scheduled offset (s), kind, latency (ns) and status."""

    duration_s: float
    offsets_s: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    latencies_ns: list[int] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    unanswered: int = 0  # still queued or in flight ``drain_s`` after the last was due


async def run_fixed_rate(
    host: str,
    port: int,
    requests: list[Request],
    *,
    rate: float,
    seconds: float,
    connections: int = 64,
    drain_s: float = 60.0,
) -> TimedResult:
    """Open loop: request i is due at ``i / rate`` seconds, whatever the server's pace, and its
    latency counts from that moment (waiting for a free connection included), so a slow server
    cannot slow the load down and hide its queue (no coordinated omission). Connections are
    opened as needed, at most ``connections``. Requests still unanswered ``drain_s`` after the
    last one was due are cancelled and counted in ``unanswered``."""
    loop = asyncio.get_running_loop()
    idle: asyncio.Queue[_Connection] = asyncio.Queue()
    opened = 0
    result = TimedResult(duration_s=seconds)
    sequence = itertools.cycle(requests)
    tasks: set[asyncio.Task[None]] = set()

    async def connection() -> _Connection:
        nonlocal opened
        # At a low rate the server closes idle keep-alive connections (uvicorn: after 5 s):
        # those are dropped here, never written to.
        while not idle.empty():
            conn = idle.get_nowait()
            if conn.transport is not None and not conn.transport.is_closing():
                return conn
            opened -= 1
        if opened < connections:
            opened += 1
            _, protocol = await loop.create_connection(_Connection, host, port)
            return protocol
        return await idle.get()

    async def one(request: Request, due_ns: int, offset_s: float) -> None:
        nonlocal opened
        try:
            conn = await connection()
        except OSError:  # the server refuses connections: counted, the slot freed
            opened -= 1
            status = 0
        else:
            try:
                status = await conn.send(request.raw)
                idle.put_nowait(conn)
            except (ConnectionError, OSError, RuntimeError):  # closed under us: counted, replaced
                status = 0
                opened -= 1
        result.offsets_s.append(offset_s)
        result.kinds.append(request.kind)
        result.latencies_ns.append(time.perf_counter_ns() - due_ns)
        result.statuses.append(status)

    start_ns = time.perf_counter_ns()
    total = int(rate * seconds)
    for i in range(total):
        offset_s = i / rate
        due_ns = start_ns + int(offset_s * 1e9)
        wait = (due_ns - time.perf_counter_ns()) / 1e9
        if wait > 0:
            await asyncio.sleep(wait)
        task = asyncio.create_task(one(next(sequence), due_ns, offset_s))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:  # a bounded drain: an overloaded server's backlog is counted, not waited out
        _, late = await asyncio.wait(tasks, timeout=drain_s)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        result.unanswered = len(late)
    result.duration_s = (time.perf_counter_ns() - start_ns) / 1e9
    while not idle.empty():
        conn = idle.get_nowait()
        assert conn.transport is not None
        conn.transport.close()
    return result
