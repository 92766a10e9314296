"""A hash chain: each link's hash covers its sealed content and the previous link's hash.

Editing, deleting or reordering a sealed link changes a hash that a later link (or a copy of the
chain's head kept elsewhere) still holds, so verification names the first link that no longer
fits. The content is sealed as canonical JSON (sorted keys, UTC timestamps), stored beside the
hash, so verification never depends on how a database renders a value back.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS = "0" * 64  # the "previous hash" of a chain's first link


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def seal(content: dict[str, Any]) -> str:
    """The canonical text of ``content``: the same bytes whatever the dict's order."""
    return orjson.dumps(
        content, default=_default, option=orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
    ).decode()


def link(previous_hash: str, sealed: str) -> str:
    """The hash of a link: SHA-256 over the previous link's hash and this link's sealed text."""
    return hashlib.sha256(f"{previous_hash}\n{sealed}".encode()).hexdigest()
