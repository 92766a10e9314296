"""One error shape: every expected failure is a TallyError rendered as {"error", "detail"}."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel

from tally.kit.request_id import current_request_id


class TallyError(Exception):
    """Base of every error Tally expects and explains to the caller."""

    status_code = 400

    def __init__(
        self,
        detail: str,
        *,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
        **fields: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status_code is not None:
            self.status_code = status_code
        self.headers = headers or {}
        self.fields = fields


class NotFound(TallyError):
    """The resource does not exist, or the caller may not know that it exists."""

    status_code = 404


class NotAuthenticated(TallyError):
    """No valid credentials were presented."""

    status_code = 401

    def __init__(self, detail: str = "Authentication required") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(TallyError):
    """The caller is known and may see the resource, but may not do this to it."""

    status_code = 403


class Conflict(TallyError):
    """The request conflicts with the current state of the resource."""

    status_code = 409


class PreconditionFailed(TallyError):
    """If-Match named a version that is no longer current: read it again, then write."""

    status_code = 412


class ServiceUnavailable(TallyError):
    """A backing service (the database) is unreachable; the client should retry later."""

    status_code = 503

    def __init__(self, detail: str, *, retry_after: int = 1) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class ErrorBody(BaseModel):
    """What every 4xx/5xx response carries."""

    error: str
    detail: str | list[dict[str, Any]]
    request_id: str | None = None  # the X-Request-ID of the request, to quote when reporting it


def error_response(status_code: int, error: str, detail: Any, **extra: Any) -> Response:
    body = {"error": error, "detail": detail, **extra}
    request_id = current_request_id.get()
    if request_id is not None:
        body["request_id"] = request_id
    return Response(
        orjson.dumps(body, default=str), status_code=status_code, media_type="application/json"
    )


def error_responses(*errors: type[TallyError]) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry for a route's expected errors, so the OpenAPI lists them."""
    return {
        error.status_code: {"model": ErrorBody, "description": error.__doc__ or error.__name__}
        for error in errors
    }


def install_error_handlers(app: FastAPI) -> None:
    async def on_tally_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, TallyError)
        response = error_response(exc.status_code, type(exc).__name__, exc.detail, **exc.fields)
        response.headers.update(exc.headers)
        return response

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": list(err["loc"]), "msg": err["msg"], "type": err["type"]}
            for err in exc.errors()
        ]
        return error_response(422, "ValidationError", errors)

    app.add_exception_handler(TallyError, on_tally_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
