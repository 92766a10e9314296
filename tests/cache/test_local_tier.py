"""The in-process tier's bounds, and the generations map's monotonicity."""

from __future__ import annotations

from tally.cache.envelope import decode_envelope, encode_envelope, etag_for
from tally.cache.http import etag_matches
from tally.cache.local import ENTRY_OVERHEAD_BYTES, Entry, Generations, LocalTier


def _entry(body: bytes, *, expires_at: float = 1e12) -> Entry:
    return Entry(body=body, etag=etag_for(body), expires_at=expires_at, refresh_at=expires_at)


def test_evicts_least_recently_used_entries_to_stay_within_bytes() -> None:
    size = 100 + len("k0") + ENTRY_OVERHEAD_BYTES
    tier = LocalTier(max_bytes=8 * size)  # an entry may take an eighth: exactly one of these
    for i in range(8):
        tier.put(f"k{i}", _entry(b"x" * 100))
    assert tier.get("k0", now=0) is not None  # k0 is now the most recently used
    tier.put("k8", _entry(b"x" * 100))
    assert tier.get("k1", now=0) is None and tier.get("k0", now=0) is not None
    assert (tier.evictions, len(tier), tier.bytes) == (1, 8, 8 * size)


def test_expired_entries_are_misses_and_oversized_ones_are_refused() -> None:
    tier = LocalTier(max_bytes=10_000)
    tier.put("old", _entry(b"{}", expires_at=100.0))
    assert tier.get("old", now=99.0) is not None
    assert tier.get("old", now=100.0) is None
    assert tier.expirations == 1 and tier.bytes == 0
    tier.put("huge", _entry(b"x" * 5_000))
    assert tier.get("huge", now=0) is None and tier.rejected == 1


def test_generations_only_grow_and_forgetting_is_bounded() -> None:
    generations = Generations(max_size=4)
    generations.learn("a", 5)
    generations.learn("a", 3)  # a late reply cannot lower what a broadcast raised
    assert generations.get("a") == 5
    for name in "bcdef":
        generations.learn(name, 1)
    assert len(generations) <= 4 and generations.get("f") == 1


def test_envelope_round_trips_and_rejects_other_formats() -> None:
    entry = _entry(b'{"id": 1}\n{"and": "newlines"}', expires_at=1_800_000_000.5)
    decoded = decode_envelope(encode_envelope(entry))
    assert decoded is not None
    assert (decoded.body, decoded.etag, decoded.expires_at) == (
        entry.body,
        entry.etag,
        1_800_000_000.5,
    )
    assert decode_envelope(b"\x80\x04pickle") is None
    assert decode_envelope(b"2 1 2 x\nbody") is None


def test_etags_are_content_hashes_and_if_none_match_compares_weakly() -> None:
    etag = etag_for(b"[]")
    assert etag == etag_for(b"[]") != etag_for(b"[1]")
    assert etag_matches(etag, etag)
    assert etag_matches(f'"other", W/{etag}', etag)
    assert etag_matches("*", etag)
    assert not etag_matches('"other"', etag)
