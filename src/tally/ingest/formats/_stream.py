"""Byte-stream helpers: peek at a stream's head and then read it whole, line reading with positions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, Protocol


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class PrefixedStream:
    """A stream that first replays ``head`` (already read for sniffing) and then reads on from ``rest``."""

    def __init__(self, head: bytes, rest: Readable) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1, /) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)


def peek(stream: Readable | BinaryIO, size: int) -> tuple[bytes, PrefixedStream]:
    """Read up to ``size`` bytes (fewer only at end of stream) and a stream that still starts at 0."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    head = b"".join(chunks)
    return head, PrefixedStream(head, stream)


def numbered_lines(
    stream: Readable | BinaryIO, chunk_size: int = 1 << 20
) -> Iterator[tuple[int, bytes]]:
    """Physical lines (without CR/LF) with their 1-based numbers, read in bounded chunks.

    CRLF, LF and lone CR all end a line (old Mac exports and some SWIFT gateways use CR).
    """
    number = 0
    pending = b""
    while True:
        chunk = stream.read(chunk_size)
        if not chunk:
            break
        data = pending + chunk
        # A CR at the very end may be the first half of a CRLF split across chunks.
        cut = len(data) - 1 if data.endswith(b"\r") else len(data)
        lines = data[:cut].replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        pending = lines.pop() + data[cut:]
        for line in lines:
            number += 1
            yield number, line
    if pending:
        tail = pending.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        if tail and tail[-1] == b"":
            tail.pop()
        for line in tail:
            number += 1
            yield number, line
