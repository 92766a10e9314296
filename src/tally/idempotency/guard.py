"""Which writes take an Idempotency-Key, and what a retry gets.

A keyed POST first claims its key (scoped to the caller, kept 24 hours) in a short transaction of
its own, so two attempts racing each other cannot both run: the second gets a 409 to retry. The
first attempt's successful answer (status, body, Location/Retry-After/ETag) is stored when it is
sent (tally.kit.idempotency); a retry with the same method, path and body gets it back, marked
``Idempotent-Replayed: true``, and another body under the same key is a 422. An attempt that failed
wrote nothing (its transaction rolled back) and frees the key for the next try.

The key is stored after the request's transaction committed: a process killed in between leaves
the key claimed but unanswered, and retries are refused (409) rather than run twice.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request, Response
from sqlalchemy.exc import IntegrityError

from tally.idempotency.repository import IdempotencyRepository
from tally.kit.db import Database, get_database, run_in_transaction
from tally.kit.errors import Conflict, TallyError, error_responses
from tally.kit.idempotency import HEADER, STATE_KEY, IdempotencyMiddleware, KeyedWrite
from tally.models.base import utcnow
from tally.projects.auth import ProjectAccess, ProjectEditor, ProjectOwner
from tally.users.auth import CurrentPrincipal

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255
RETRY_IN_PROGRESS_SECONDS = 1
# The response headers a replay repeats; the others (dates, request ids) belong to each answer.
_KEPT_HEADERS = frozenset({b"content-type", b"location", b"retry-after", b"etag"})


class InvalidIdempotencyKey(TallyError):
    """The Idempotency-Key header is empty or longer than 255 characters."""

    status_code = 422


class IdempotencyKeyReused(TallyError):
    """The Idempotency-Key was used before for a different request (method, path or body)."""

    status_code = 422


class IdempotentRequestInProgress(Conflict):
    """A request with this Idempotency-Key is still running; retry after it."""


# The `responses=` entry of a write that takes a key: its 422s are Tally's error body, not only
# FastAPI's validation error (list the route's own errors after it).
IDEMPOTENCY_ERRORS = error_responses(InvalidIdempotencyKey, IdempotencyKeyReused)


class StoredResponse(Exception):
    """The first answer to a keyed write, to send again instead of running the write."""

    def __init__(self, status_code: int, body: bytes, headers: dict[str, str]) -> None:
        super().__init__(status_code)
        self.status_code = status_code
        self.body = body
        self.headers = headers


async def guard_write(request: Request, user_id: int) -> None:
    """Run once authorization passed: claim the request's key, or answer from what it stored."""
    write: KeyedWrite | None = request.scope.get("state", {}).get(STATE_KEY)
    if write is None:
        return
    if not 1 <= len(write.key) <= MAX_KEY_LENGTH:
        raise InvalidIdempotencyKey(f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters")
    database = get_database(request)
    now = utcnow()

    async def take(session: Any) -> int:
        return await IdempotencyRepository(session).take(
            user_id, write.key, now, now - KEY_LIFETIME
        )

    try:
        row_id = await run_in_transaction(database, take)
    except IntegrityError:  # held already: answered, or still running
        row_id = None
    if row_id is not None:
        write.finish = partial(_finish, database, row_id, write)
        return
    stored = await run_in_transaction(
        database, lambda session: IdempotencyRepository(session).get(user_id, write.key)
    )
    if stored is None or stored.status_code is None:
        raise IdempotentRequestInProgress(
            f"A request with this {HEADER} is still running; retry it shortly",
            headers={"Retry-After": str(RETRY_IN_PROGRESS_SECONDS)},
        )
    if not write.drained:  # the body decides: read it (hashed as it streams, not kept)
        async for _ in request.stream():
            pass
    if stored.fingerprint != write.fingerprint():
        raise IdempotencyKeyReused(
            f"This {HEADER} was used for another request; use a new key for a new request"
        )
    headers = {**(stored.response_headers or {}), "Idempotent-Replayed": "true"}
    raise StoredResponse(stored.status_code, stored.response_body or b"", headers)


async def _finish(
    database: Database,
    row_id: int,
    write: KeyedWrite,
    status_code: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]],
) -> None:
    if 200 <= status_code < 300 and write.drained:
        kept = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in headers
            if name.lower() in _KEPT_HEADERS
        }

        async def complete(session: Any) -> None:
            await IdempotencyRepository(session).complete(
                row_id,
                fingerprint=write.fingerprint(),
                status_code=status_code,
                body=body,
                headers=kept,
            )

        await run_in_transaction(database, complete)
        return
    await run_in_transaction(
        database, lambda session: IdempotencyRepository(session).release(row_id)
    )


def install_idempotency(app: FastAPI) -> None:
    """Hash keyed POSTs and hold their answers (the middleware); send stored answers again."""

    async def replay(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StoredResponse)
        return Response(exc.body, status_code=exc.status_code, headers=exc.headers)

    app.add_exception_handler(StoredResponse, replay)
    app.add_middleware(IdempotencyMiddleware)


# Documents the header in the OpenAPI; the middleware reads it from the raw request.
KeyHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        max_length=MAX_KEY_LENGTH,
        description="Any unique string (a UUID): retrying with the same key and body within 24 h "
        "returns the first answer instead of writing twice",
    ),
]


async def _project_write(
    request: Request, access: ProjectEditor, key: KeyHeader = None
) -> ProjectAccess:
    await guard_write(request, access.principal.user_id)
    return access


async def _project_owner_write(
    request: Request, access: ProjectOwner, key: KeyHeader = None
) -> ProjectAccess:
    await guard_write(request, access.principal.user_id)
    return access


async def _caller_write(
    request: Request, principal: CurrentPrincipal, key: KeyHeader = None
) -> None:
    await guard_write(request, principal.user_id)


# Declared by each write that takes a key, after the access check it depends on.
IdempotentProjectWrite = Annotated[ProjectAccess, Depends(_project_write)]
IdempotentProjectOwnerWrite = Annotated[ProjectAccess, Depends(_project_owner_write)]
IdempotentCallerWrite = Depends(_caller_write)
