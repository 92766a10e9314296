"""An entry as bytes: the envelope it is stored in (Redis), its ETag, its body decoded once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from tally.cache.local import Entry

_ENVELOPE_VERSION = b"1"


def etag_for(body: bytes) -> str:
    """A strong ETag from the bytes alone: every process computes the same one."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def encode_envelope(entry: Entry) -> bytes:
    """``1 <expires ms> <refresh ms> <etag>\\n<body>``: bytes only, nothing executable."""
    header = b"%s %d %d %s\n" % (
        _ENVELOPE_VERSION,
        int(entry.expires_at * 1000),
        int(entry.refresh_at * 1000),
        entry.etag.encode(),
    )
    return header + entry.body


def decode_envelope(raw: bytes) -> Entry | None:
    newline = raw.find(b"\n")
    parts = raw[:newline].split(b" ") if newline > 0 else []
    if len(parts) != 4 or parts[0] != _ENVELOPE_VERSION:
        return None  # written by another version: a miss, overwritten by the next load
    return Entry(
        body=raw[newline + 1 :],
        etag=parts[3].decode(),
        expires_at=int(parts[1]) / 1000,
        refresh_at=int(parts[2]) / 1000,
    )


def decoded(entry: Entry, decode: Callable[[bytes], Any]) -> Any:
    """``decode(entry.body)``, decoded once per in-process entry."""
    if not entry.is_decoded:
        entry.decoded = decode(entry.body)
    return entry.decoded
