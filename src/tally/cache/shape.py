"""The shape tag of cached values: which code wrote them.

A cached value is a serialised response. A deploy that changes a response's fields must not serve
values the previous version stored (for up to their TTL, 30 min for stats), so every value in
Redis is stored under a tag of the code that wrote it. Versions that differ in any module get
different tags; servers of one version (any number of machines) share theirs.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import tally


@cache
def code_fingerprint() -> str:
    """A digest of every Python module of the installed package (a few ms, once per process)."""
    root = Path(tally.__file__).parent
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
