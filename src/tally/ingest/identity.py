"""Stable row identities for duplicate-safe re-imports.

A row's identity is the format's own transaction id when it has one (FITID, AcctSvcrRef, bank
reference), otherwise ``row_hash``: a 64-bit FNV-1a hash of its normalised content. Occurrences of identical rows
are not numbered here: counting them across a whole file would need memory proportional to the file.
Instead the append step compares, per key, how many rows the file has with how many the source already
holds, which keeps two genuine identical payments two (see tally.ingest.duplicates).

The hash is computed with numpy over the UTF-8 bytes so it is identical across processes, platforms
and library versions (polars' and pyarrow's hashes promise none of that).

FNV-1a is sequential within a row, so the work is vectorised across rows: one numpy pass per byte
position over the rows still that long. Two things keep that fast (about 0.25 s for a million
six-field rows): fixed-width columns (dates, currency codes) are read as a strided matrix without
any gather, and variable-width ones are processed in cache-sized chunks of rows sorted by length.
Hashing the fields one after another with the separator byte in between gives exactly the hash of
the joined string, without building it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_SEPARATOR = "\x1f"  # unit separator: cannot appear in a parsed field by accident
_SEPARATOR_BYTE = np.uint64(0x1F)
_MATRIX_MAX_WIDTH = 256  # longer values are hashed byte by byte
_MATRIX_CELLS = 1 << 19  # bytes per chunk matrix


def _string_parts(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(offsets as int64, data bytes) of a string column, nulls read as empty strings."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.string())
    if values.null_count:
        values = pc.fill_null(values, "")
    buffers = values.buffers()
    offset_type = np.int64 if pa.types.is_large_string(values.type) else np.int32
    offsets = np.frombuffer(buffers[1], dtype=offset_type)[
        values.offset : values.offset + len(values) + 1
    ].astype(np.int64)
    data = (
        np.frombuffer(buffers[2], dtype=np.uint8)
        if buffers[2] is not None
        else np.zeros(0, np.uint8)
    )
    return offsets, data


def _update(hashes: np.ndarray, values: pa.Array | pa.ChunkedArray) -> None:
    """Continue each row's FNV-1a hash over the UTF-8 bytes of its value (in place)."""
    offsets, data = _string_parts(values)
    count = len(hashes)
    if count == 0 or offsets[-1] == offsets[0]:
        return
    starts = offsets[:-1]
    lengths = np.diff(offsets)
    first = int(lengths[0])
    if (lengths == first).all():
        # Fixed width and contiguous: the bytes form a (rows x width) matrix.
        matrix = data[int(offsets[0]) : int(offsets[-1])].reshape(count, first)
        for position in range(first):
            np.bitwise_xor(hashes, matrix[:, position], out=hashes)
            np.multiply(hashes, _FNV_PRIME, out=hashes)
        return
    longest = int(lengths.max())
    sort_key = lengths.astype(np.uint16) if longest < 65_536 else lengths
    order = np.argsort(sort_key, kind="stable")[::-1]  # longest first
    sorted_lengths = lengths[order]
    # The few very long values (if any) come first: hash them byte by byte, no big matrix.
    long_rows = int(np.count_nonzero(sorted_lengths > _MATRIX_MAX_WIDTH))
    if long_rows:
        rows = order[:long_rows]
        long_hashes = hashes[rows]
        _update_long(long_hashes, starts[rows], sorted_lengths[:long_rows], data)
        hashes[rows] = long_hashes
    # Every row's bytes as a window over the (padded) data: one row gather per chunk, no copy.
    padded = np.concatenate([data, np.zeros(_MATRIX_MAX_WIDTH, np.uint8)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, _MATRIX_MAX_WIDTH)
    chunk_start = long_rows
    while chunk_start < count:
        width = int(sorted_lengths[chunk_start])
        if width == 0:
            break
        chunk_rows = max(1024, _MATRIX_CELLS // width)
        rows = order[chunk_start : chunk_start + chunk_rows]
        chunk_lengths = sorted_lengths[chunk_start : chunk_start + chunk_rows]
        chunk_start += chunk_rows
        chunk_hashes = hashes[rows]
        # Position-major copy of the chunk's bytes: row i's byte p at [p, i].
        matrix = np.ascontiguousarray(windows[starts[rows], :width].T)
        # Rows are sorted by length, so at position p the first active[p] rows are still in.
        active = np.searchsorted(-chunk_lengths, -np.arange(width), side="left")
        for position in range(width):
            live = int(active[position])
            window = chunk_hashes[:live]
            np.bitwise_xor(window, matrix[position, :live], out=window)
            np.multiply(window, _FNV_PRIME, out=window)
        hashes[rows] = chunk_hashes


def _update_long(
    hashes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, data: np.ndarray
) -> None:
    """Rows sorted by length, longest first, some very long: gather byte by byte (no big matrix)."""
    positions = starts.copy()
    live = len(hashes)
    for position in range(int(lengths[0])):
        while live and lengths[live - 1] <= position:
            live -= 1
        window = hashes[:live]
        np.bitwise_xor(window, data[positions[:live]], out=window)
        np.multiply(window, _FNV_PRIME, out=window)
        positions[:live] += 1


def fnv1a_64(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """FNV-1a 64-bit hash of every string in ``values`` (nulls hash as the empty string)."""
    hashes = np.full(len(values), _FNV_OFFSET, dtype=np.uint64)
    with np.errstate(over="ignore"):
        _update(hashes, values)
    return hashes


def content_hashes(columns: list[pa.Array]) -> pa.Array:
    """Signed 64-bit content hash per row over the given normalised fields, in a fixed order.

    ``columns`` are the fields that make a row what it is (date, amount, currency, reference,
    description, counterparty), as string-castable arrays of equal length. The result equals
    ``fnv1a_64`` of the fields joined with U+001F (nulls as empty strings).
    """
    count = len(columns[0]) if columns else 0
    hashes = np.full(count, _FNV_OFFSET, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for position, column in enumerate(columns):
            if position:
                np.bitwise_xor(hashes, _SEPARATOR_BYTE, out=hashes)
                np.multiply(hashes, _FNV_PRIME, out=hashes)
            _update(hashes, column)
    return pa.array(hashes.view(np.int64), pa.int64())
