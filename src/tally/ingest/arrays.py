"""Cheap helpers over pyarrow string arrays, reading their buffers with numpy where that saves a pass."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Bytes that may start or end whitespace: ASCII whitespace, and any non-ASCII byte (NBSP and the
# other Unicode spaces are multi-byte). A string whose first and last bytes are none of these
# cannot need trimming.
_MAYBE_SPACE = np.zeros(256, dtype=bool)
_MAYBE_SPACE[[9, 10, 11, 12, 13, 32]] = True
_MAYBE_SPACE[128:] = True


def as_string_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous ``string`` array (chunks combined, other types cast)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()
    if values.type != pa.string():
        values = values.cast(pa.string())
    return values


def offsets(values: pa.Array) -> np.ndarray:
    """The int32 offsets of a string array, ``len + 1`` of them, for its own slice."""
    raw = np.frombuffer(values.buffers()[1], dtype=np.int32)
    return raw[values.offset : values.offset + len(values) + 1]


def value_bytes(values: pa.Array) -> np.ndarray:
    """The UTF-8 bytes of a string array's values (without those of sliced-off rows)."""
    data = values.buffers()[2]
    if data is None or len(values) == 0:
        return np.zeros(0, np.uint8)
    bounds = offsets(values)
    return np.frombuffer(data, dtype=np.uint8)[int(bounds[0]) : int(bounds[-1])]


def filled_mask(values: pa.Array) -> np.ndarray:
    """Which cells are non-empty (nulls count as empty)."""
    filled = np.diff(offsets(values)) > 0
    if values.null_count:
        filled &= np.asarray(values.is_valid())
    return filled


def trim(values: pa.Array) -> pa.Array:
    """``utf8_trim_whitespace``, skipped (no copy) when no value starts or ends with a space."""
    bounds = offsets(values)
    data = values.buffers()[2]
    if data is None or len(values) == 0:
        return values
    raw = np.frombuffer(data, dtype=np.uint8)
    if int(bounds[-1]) == int(bounds[0]):
        return values
    # Empty cells read a neighbour's byte: at worst a needless trim, never a missed one.
    firsts = np.take(raw, bounds[:-1], mode="clip")
    lasts = np.take(raw, bounds[1:] - 1, mode="clip")
    if not (_MAYBE_SPACE[firsts].any() or _MAYBE_SPACE[lasts].any()):
        return values
    return pc.utf8_trim_whitespace(values)


# Invisible formatting characters that spreadsheets and right-to-left locales put around numbers
# and dates: the LTR/RTL marks, the Arabic letter mark, bidi embeddings and isolates, the BOM.
INVISIBLE_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_INVISIBLE_UTF8 = tuple(mark.encode() for mark in INVISIBLE_MARKS)
_INVISIBLE_CLASS = "[" + INVISIBLE_MARKS + "]"


# Japanese and Chinese exports write digits, commas, slashes and minus signs in their full-width
# forms (U+FF01-U+FF5E: U+FF11 U+FF12 U+FF0C is '12,') and use the ideographic space: NFKC reads them as ASCII.
_FULL_WIDTH_CLASS = "[\uff01-\uff5e\u3000]"
_FULL_WIDTH = re.compile(_FULL_WIDTH_CLASS)


def strip_invisible_text(text: str) -> str:
    """One cell without the invisible marks (see ``INVISIBLE_MARKS``), full-width forms folded
    to ASCII."""
    if text.isascii():
        return text
    text = text.translate(_INVISIBLE_TABLE)
    if _FULL_WIDTH.search(text):
        text = unicodedata.normalize("NFKC", text)
    return text


_INVISIBLE_TABLE = {ord(mark): None for mark in INVISIBLE_MARKS}


def strip_invisible(values: pa.Array) -> pa.Array:
    """The column without invisible marks and with full-width forms folded to ASCII; no copy
    when it holds neither (the usual case)."""
    data = value_bytes(values)
    if not data.size or not (data >= 0xD8).any():
        return values
    raw = data.tobytes()
    if any(mark in raw for mark in _INVISIBLE_UTF8):
        values = pc.replace_substring_regex(values, _INVISIBLE_CLASS, "")
    if b"\xef\xbc" in raw or b"\xef\xbd" in raw or b"\xe3\x80\x80" in raw:
        wide = pc.fill_null(pc.match_substring_regex(values, _FULL_WIDTH_CLASS), False)
        if pc.any(wide).as_py():
            values = pc.if_else(wide, pc.utf8_normalize(values, form="NFKC"), values)
    return values


def null_where_empty(values: pa.Array, filled: np.ndarray) -> pa.Array:
    """The same strings with empty cells as nulls (sharing the character data)."""
    if filled.all():
        return values
    if values.offset == 0 and values.null_count == 0:
        validity = pa.array(filled).buffers()[1]
        return pa.Array.from_buffers(pa.string(), len(values), [validity, *values.buffers()[1:]])
    return pc.if_else(pa.array(filled), values, pa.scalar(None, pa.string()))
