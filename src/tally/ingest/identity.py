"""Stable row identities for duplicate-safe re-imports.

A row's identity is the format's own transaction id when it has one (FITID, AcctSvcrRef, bank
reference), otherwise ``row_hash``: a 64-bit FNV-1a hash of its normalised content. Occurrences of identical rows
are not numbered here: counting them across a whole file would need memory proportional to the file.
Instead the append step compares, per key, how many rows the file has with how many the source already
holds, which keeps two genuine identical payments two (see the sources service).

The hash is computed with numpy over the UTF-8 bytes so it is identical across processes, platforms
and library versions (polars' and pyarrow's hashes promise none of that).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_SEPARATOR = "\x1f"  # unit separator: cannot appear in a parsed field by accident


def fnv1a_64(values: pa.Array) -> np.ndarray:
    """FNV-1a 64-bit hash of every string in ``values`` (nulls hash as the empty string)."""
    strings = pc.fill_null(values.cast(pa.large_string()), "")
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    count = len(strings)
    offsets_buffer = strings.buffers()[1]
    data_buffer = strings.buffers()[2]
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[strings.offset : strings.offset + count + 1]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.empty(0, np.uint8)
    )
    starts = offsets[:-1]
    lengths = np.diff(offsets)
    # Longest strings first, so the rows still being hashed at byte i are always a prefix.
    order = np.argsort(-lengths, kind="stable")
    sorted_starts = starts[order]
    sorted_lengths = lengths[order]
    hashes = np.full(count, _FNV_OFFSET, dtype=np.uint64)
    longest = int(sorted_lengths[0]) if count else 0
    active = count
    with np.errstate(over="ignore"):
        for position in range(longest):
            while active and sorted_lengths[active - 1] <= position:
                active -= 1
            window = hashes[:active]
            window ^= data[sorted_starts[:active] + position].astype(np.uint64)
            window *= _FNV_PRIME
    result = np.empty(count, dtype=np.uint64)
    result[order] = hashes
    return result


def content_hashes(columns: list[pa.Array]) -> pa.Array:
    """Signed 64-bit content hash per row over the given normalised fields, in a fixed order.

    ``columns`` are the fields that make a row what it is (date, amount, currency, reference,
    description, counterparty), as string-castable arrays of equal length.
    """
    as_text = [pc.fill_null(column.cast(pa.string()), "") for column in columns]
    joined = pc.binary_join_element_wise(*as_text, _SEPARATOR)
    return pa.array(fnv1a_64(joined).view(np.int64), pa.int64())
