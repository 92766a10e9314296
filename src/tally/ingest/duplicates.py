"""Which rows of a file a data source already holds: duplicate-safe re-imports.

A row's identity key is a 64-bit integer: the FNV-1a hash of the format's transaction id when the
row has one (FITID, AcctSvcrRef, bank reference), otherwise its ``row_hash`` (the content hash of
tally.ingest.identity). Rows are matched by occurrence: when a file has three rows with key K and
the source already holds two, the first two of the file are "already imported" and the third is
new, so two genuine identical payments stay two and re-importing a file adds nothing.

Memory is proportional to the source, never to the file: the source's keys are kept as one sorted
array of distinct keys with a count per key (about 12 bytes a row: 120 MB for ten million rows),
and every batch of the file only uses up those counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tally.ingest.identity import fnv1a_64


def identity_keys(transaction_ids: pa.Array | pa.ChunkedArray, row_hashes: pa.Array) -> np.ndarray:
    """The identity key (int64) of each row: its transaction id's hash, else its row hash."""
    hashes = np.asarray(row_hashes.to_numpy(zero_copy_only=False), dtype=np.int64)
    present = pc.invert(pc.is_null(transaction_ids)).to_numpy(zero_copy_only=False)
    if not present.any():
        return hashes.copy()
    keys = hashes.copy()
    keys[present] = fnv1a_64(transaction_ids.filter(present)).view(np.int64)
    return keys


def record_keys(records: pa.RecordBatch | pa.Table) -> np.ndarray:
    """``identity_keys`` of a batch of records (RECORD_SCHEMA)."""
    return identity_keys(records.column("transaction_id"), records.column("row_hash"))


@dataclass
class ImportedIdentities:
    """The identity keys a source already holds, and how many of each are still unclaimed."""

    keys: np.ndarray  # sorted, distinct int64
    remaining: np.ndarray  # uint32 per key: held rows not yet matched by a row of the file

    @classmethod
    def from_key_chunks(cls, chunks: Iterable[np.ndarray]) -> ImportedIdentities:
        parts = [np.asarray(chunk, dtype=np.int64) for chunk in chunks]
        every = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        del parts
        every.sort()
        if len(every) == 0:
            return cls(every, np.zeros(0, np.uint32))
        starts = np.flatnonzero(np.concatenate(([True], every[1:] != every[:-1])))
        counts = np.diff(np.append(starts, len(every))).astype(np.uint32)
        return cls(every[starts], counts)

    @property
    def held(self) -> int:
        return int(self.remaining.sum(dtype=np.int64))

    def claim(self, keys: np.ndarray) -> np.ndarray:
        """Mark which rows (in file order) are already imported, using up the held counts.

        Returns a boolean mask, True for a row the source already holds. Call it batch after batch
        in file order: occurrences are counted across the whole file.
        """
        already = np.zeros(len(keys), dtype=bool)
        if len(self.keys) == 0 or len(keys) == 0:
            return already
        slots = np.searchsorted(self.keys, keys)
        slots[slots == len(self.keys)] = 0
        found = np.flatnonzero(self.keys[slots] == keys)
        if len(found) == 0:
            return already
        found_slots = slots[found]
        # Rank of each row among the batch's rows with the same key, in file order.
        order = np.argsort(found_slots, kind="stable")
        sorted_slots = found_slots[order]
        group_start = np.flatnonzero(
            np.concatenate(([True], sorted_slots[1:] != sorted_slots[:-1]))
        )
        group_sizes = np.diff(np.append(group_start, len(sorted_slots)))
        ranks = np.arange(len(sorted_slots)) - np.repeat(group_start, group_sizes)
        held = self.remaining[sorted_slots].astype(np.int64)
        already[found[order]] = ranks < held
        group_slots = sorted_slots[group_start]
        used = np.minimum(group_sizes, self.remaining[group_slots]).astype(np.uint32)
        self.remaining[group_slots] -= used
        return already
