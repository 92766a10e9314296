"""Small binary stream adapters: count what was read, and put back a head that was peeked at."""

from __future__ import annotations

import io
from typing import Protocol


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class CountingReader(io.RawIOBase):
    """Reads through to ``source`` and counts the bytes (progress for the caller)."""

    def __init__(self, source: Readable) -> None:
        super().__init__()
        self._source = source
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        data = self._source.read(size)
        self.count += len(data)
        return data

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class PrefixedReader(io.RawIOBase):
    """Yields ``prefix`` first, then the rest of ``source``."""

    def __init__(self, prefix: bytes, source: Readable) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._source = source

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        if self._prefix:
            if size is None or size < 0:
                data = bytes(self._prefix) + self._source.read()
                self._prefix = memoryview(b"")
                return data
            data = bytes(self._prefix[:size])
            self._prefix = self._prefix[size:]
            return data
        return self._source.read(size)

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class LineBoundedReader(io.RawIOBase):
    """Reads through to ``source`` until about ``limit`` bytes, ending at the last line break
    before the limit (so the rows read are whole): a deterministic bound on a look ahead."""

    def __init__(self, source: Readable, limit: int) -> None:
        super().__init__()
        self._source = source
        self._left = limit

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        if self._left <= 0:
            return b""
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        data = bytes(self._source.read(wanted))
        self._left -= len(data)
        if self._left <= 0 and data:
            data = data[: data.rfind(b"\n") + 1]
        return data

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def read_up_to(source: Readable, size: int) -> tuple[bytes, bool]:
    """Read ``size`` bytes (fewer only at the end): (data, whether the end was reached)."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = source.read(remaining)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(bytes(chunk))
        remaining -= len(chunk)
    data = b"".join(chunks)
    # Probe one byte further so a file of exactly ``size`` bytes counts as complete.
    extra = source.read(1)
    if not extra:
        return data, True
    return data + bytes(extra), False
