"""When an API key was last used: noted at most once a minute per key and process, so an
authenticated request almost never writes (the principal itself comes from the cache)."""

from __future__ import annotations

import time

from tally.apikeys.repository import ApiKeyRepository
from tally.kit.db import Database, run_in_transaction
from tally.models.base import utcnow

API_KEY_KIND = "key"
NOTE_EVERY_SECONDS = 60.0
_MAX_REMEMBERED = 10_000

_noted: dict[str, float] = {}


async def note_key_use(database: Database, digest: str) -> None:
    """Store the key's last use, unless this process stored it less than a minute ago."""
    now = time.monotonic()
    if now - _noted.get(digest, float("-inf")) < NOTE_EVERY_SECONDS:
        return
    if len(_noted) >= _MAX_REMEMBERED:
        _noted.clear()
    _noted[digest] = now
    moment = utcnow()
    await run_in_transaction(
        database, lambda session: ApiKeyRepository(session).note_use(digest, moment)
    )
