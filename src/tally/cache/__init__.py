"""Read-through cache of serialized responses and authorization lookups (infrastructure).

Features import this package; it imports no feature (a test checks). Built in the app's lifespan
(``Cache(settings, database)``, ``await cache.start()``) as ``app.state.cache``.

Reading (an endpoint, after its authorization dependency ran)::

    async def load(session: AsyncSession) -> bytes:
        return _JOBS.dump_json(await JobService(session).list_jobs(access))

    return await cached_response(request, keys.jobs(access.project_id), load)

The loader gets a session of its own, opened after the key's generations were read; a hit
returns the stored bytes with their ETag (If-None-Match -> 304) and touches no database.

Writing (a service, inside the transaction that writes; bumped after commit)::

    invalidate_jobs(session, project_id)

Which write must call what
--------------------------
=========================================================  ===========================================
write                                                      call
=========================================================  ===========================================
data source uploaded / deleted / status or counts changed  ``invalidate_data_sources(session, pid)``
job created / cancelled / retried / progress / finished    ``invalidate_jobs(session, pid)``
stats recomputed, matches confirmed / rejected / manual    ``invalidate_stats(session, pid)``
a job's summary changed by a review                        ``invalidate_jobs(session, pid)``
project fields updated by one UPDATE ... RETURNING         ``await write_through(session, key)``, then
                                                           ``.store(json)`` (``WriteThrough``)
project created / deleted                                  ``invalidate_project_lifecycle(session, pid, member_ids)``
member added / removed / role changed                      ``invalidate_membership(session, pid, user_id)``
user created                                               ``invalidate_users(session, auth=False)``
user role or active flag changed                           ``invalidate_users(session, auth=True)``
token revoked                                              ``invalidate_token(session, token_digest)``
=========================================================  ===========================================

``invalidate_jobs`` and ``invalidate_data_sources`` also bump the project's stats (they show the
last job and the sources' row counts). Calling one too many is only a cache miss; one too few is
stale data, so when unsure, call it. Background work: the task's transaction owner
(``run_in_transaction``) runs the bumps after commit, provided the process has a started Cache on
that Database. The server has one; a process that writes outside it opens its database with
``open_writing_database(settings)`` (``tally ingest``, ``reconcile``, ``demo``) or wraps its work
in ``async with running_cache(settings, database): ...`` (``tally worker``, ``user create``),
which delivers its bumps through Redis at once. Without REDIS_URL nothing can reach another
process's memory: the server turns the cache off when task workers run elsewhere, and
``--workers N`` does too; a CLI write made while a server runs is seen by that server once the
entries it changed expire (their TTL, at most 30 min with the defaults).

Namespaces and keys
-------------------
Each key depends on namespaces (``keys.py``); every namespace has a generation, and a key's
storage key embeds the generations of the global ``epoch`` and of its namespaces::

    project:42@<epoch gen>.<project:42 gen>

A write bumps generations *after commit*; from then on every reader computes new storage keys.
A slow reader that read the old generations before the write can only store its (stale) value
under the old storage key, which nobody reads again: no race between a load and an invalidation,
and "all pages of a list" is one generation, not a KEYS/SCAN. Loaders run in a session that starts
after the generations were read, so on snapshot-isolated backends too the loaded data is never
older than the generations it is stored under.

=====================  ==========================================  =================================
key                    namespaces                                  default TTL (``CACHE_TTLS``)
=====================  ==========================================  =================================
projects:page:{scope}  ``projects:user:{uid}`` or ``projects:all``  5 min (the page's ids only)
project:{id}           ``project:{id}``                             10 min
jobs:project:{id}      ``project:{id}:jobs``                        2 min
data_sources:...:{id}  ``project:{id}:sources``                     5 min
stats:project:{id}     ``project:{id}:stats``                       30 min
users:page:...         ``users``                                    10 min
principal:{digest}     ``token:{digest}``, ``users:auth``           CACHE_TTL (token expiry checked)
access:{pid}:{digest}  ``project:{pid}:members``                    CACHE_TTL
=====================  ==========================================  =================================

A projects page is served from its ids and the ``project:{id}`` entries (``pages.py``): editing a
project invalidates that project's entry alone, not every member's list. Access is keyed by the
caller's token digest (a token belongs to one user for good), so all of a request's keys are known
before anything is read.

Tiers and coherence
-------------------
Without REDIS_URL: the in-process LRU (CACHE_LOCAL_MAX_BYTES, counted in bytes) with generations
held in the process; one process only: ``tally serve --workers N`` turns the cache off, and so
does the server when task workers run in other processes.

With REDIS_URL: generations and values live in Redis (bytes, ``envelope.py``; no pickle). The
in-process tier stays on and is kept coherent by a pub/sub broadcast of every bump, applied as the
bytes arrive (``listener.py``): a request that follows a write's response anywhere finds it applied.
The tier is bypassed while the subscription is not provably live (a PING unanswered for 350 ms) and
flushed when it drops. CACHE_LOCAL_MAX_BYTES=0 turns the tier off: a request's lookups (token,
access, response) are then one Lua call, generations and values together, sent over one pipelined
connection (``redis_pipe.py``) rather than through redis.asyncio. Misses load once per process
(single flight, keyed by the versioned key; a flight that starts after another stored the value
finds it instead of loading) and once across processes (a Redis lease, renewed while the load runs;
the others poll for the value while it is held). Near expiry, one request refreshes an entry in the
background while the rest keep hitting it (CACHE_EARLY_REFRESH).

Hits of the six reads are answered by ``tally.fast_reads`` before FastAPI's routing, from cached
facts only (token, membership, response), through the endpoints' own authorization functions;
anything it is not sure of falls through to the endpoint.

Outages
-------
Each Redis call has a budget (CACHE_REDIS_TIMEOUT, 50 ms, waiting for a pooled connection included);
CACHE_BREAKER_THRESHOLD consecutive failures open a circuit breaker: reads that miss the in-process
tier are served from the database without calling Redis, and a background probe closes the breaker
when Redis answers. An invalidation that could not be delivered trips the breaker at once; this
process forgets those namespaces' generations (so it cannot serve the old value from its own tier),
and recovery bumps the global epoch before Redis is trusted again, so nothing stored before the
write is ever served by any process (``coherence.py``). Known limit: while Redis hangs, another
process's in-process tier may serve for up to 350 ms (until its subscription turns stale) a value a
write made during the hang changed; a killed Redis closes the subscription at once.
"""

from tally.cache import keys
from tally.cache.core import Cache, Loader
from tally.cache.http import NOT_MODIFIED, cached_response, get_cache
from tally.cache.invalidation import (
    invalidate,
    invalidate_data_sources,
    invalidate_jobs,
    invalidate_membership,
    invalidate_project_lifecycle,
    invalidate_stats,
    invalidate_token,
    invalidate_users,
    write_through,
)
from tally.cache.writers import open_writing_database, run_command, running_cache

__all__ = [
    "NOT_MODIFIED",
    "Cache",
    "Loader",
    "cached_response",
    "get_cache",
    "invalidate",
    "invalidate_data_sources",
    "invalidate_jobs",
    "invalidate_membership",
    "invalidate_project_lifecycle",
    "invalidate_stats",
    "invalidate_token",
    "invalidate_users",
    "keys",
    "open_writing_database",
    "run_command",
    "running_cache",
    "write_through",
]
