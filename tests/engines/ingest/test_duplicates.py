"""Which rows of a file a source already holds: keys, and occurrences matched in file order."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tally.ingest.duplicates import ImportedIdentities, identity_keys
from tally.ingest.identity import fnv1a_64


def _held(*keys: int) -> ImportedIdentities:
    return ImportedIdentities.from_key_chunks([np.array(keys[:2]), np.array(keys[2:])])


def test_transaction_id_wins_over_the_content_hash() -> None:
    keys = identity_keys(pa.array(["FIT-1", None, "FIT-1"]), pa.array([10, 20, 30], pa.int64()))
    fit = int(fnv1a_64(pa.array(["FIT-1"]))[0].astype(np.int64))
    assert keys.tolist() == [fit, 20, fit]


def test_identical_rows_are_matched_by_occurrence() -> None:
    held = _held(5, 5, 7)  # the source holds key 5 twice and key 7 once
    assert held.held == 3
    # Three rows with key 5: two are already there, the third is new; 8 was never imported.
    assert held.claim(np.array([5, 8, 5, 5])).tolist() == [True, False, True, False]
    # Occurrences count across batches: key 5 is used up, key 7 still has one.
    assert held.claim(np.array([5, 7, 7])).tolist() == [False, True, False]
    assert held.held == 0


def test_an_empty_source_holds_nothing() -> None:
    held = ImportedIdentities.from_key_chunks([])
    assert held.claim(np.array([1, 2, 2])).tolist() == [False, False, False]


def test_keys_beyond_the_largest_held_key_are_new() -> None:
    held = _held(1, 2)
    assert held.claim(np.array([3, 2, -1, 1])).tolist() == [False, True, False, True]
