"""The in-process tier: an LRU bounded in bytes with per-entry expiry, and the generations map."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

# Rough per-entry bookkeeping cost (dict slot, Entry object, key string header) added to the body
# size, so that many tiny entries cannot exceed the limit by an order of magnitude.
ENTRY_OVERHEAD_BYTES = 200

_UNDECODED: Any = object()


@dataclass(slots=True, eq=False)
class Entry:
    """A cached value: the stored bytes, their ETag, and when they expire or should be refreshed
    (wall-clock seconds, so that every process reads the same deadlines from Redis)."""

    body: bytes
    etag: str
    expires_at: float
    refresh_at: float
    size: int = 0
    # What a caller decoded from ``body`` once (e.g. a principal); reused by later local hits.
    decoded: Any = field(default=_UNDECODED, repr=False)

    @property
    def is_decoded(self) -> bool:
        return self.decoded is not _UNDECODED


class LocalTier:
    """Least-recently-used entries up to ``max_bytes``; an entry past ``expires_at`` is a miss."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        # One entry may take at most an eighth of the tier, so a huge page cannot flush it.
        self.max_entry_bytes = max(max_bytes // 8, 1)
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self.bytes = 0
        self.evictions = 0
        self.expirations = 0
        self.rejected = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str, now: float) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires_at <= now:
            self._remove(key, entry)
            self.expirations += 1
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        entry.size = len(entry.body) + len(key) + ENTRY_OVERHEAD_BYTES
        if entry.size > self.max_entry_bytes:
            self.rejected += 1
            return
        previous = self._entries.pop(key, None)
        if previous is not None:
            self.bytes -= previous.size
        self._entries[key] = entry
        self.bytes += entry.size
        while self.bytes > self.max_bytes:
            _, oldest = self._entries.popitem(last=False)
            self.bytes -= oldest.size
            self.evictions += 1

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0

    def _remove(self, key: str, entry: Entry) -> None:
        del self._entries[key]
        self.bytes -= entry.size


class Generations:
    """Namespace -> generation as this process last learned it.

    Generations only grow, so what arrives late (a reply, a broadcast) can only raise a value.
    Forgetting one is always safe: an unknown namespace is looked up again, or, without Redis,
    given a fresh generation that no stored key has ever used. So the map is bounded by dropping
    its oldest half when full.
    """

    def __init__(self, max_size: int = 100_000) -> None:
        self.max_size = max_size
        self._values: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._values)

    def get(self, namespace: str) -> int | None:
        return self._values.get(namespace)

    def learn(self, namespace: str, value: int) -> None:
        current = self._values.get(namespace)
        if current is None:
            if len(self._values) >= self.max_size:
                self._shrink()
            self._values[namespace] = value
        elif value > current:
            self._values[namespace] = value

    def forget(self, namespace: str) -> None:
        self._values.pop(namespace, None)

    def clear(self) -> None:
        self._values.clear()

    def _shrink(self) -> None:
        for namespace in list(self._values)[: len(self._values) // 2]:
            del self._values[namespace]
