"""One error shape: every expected failure is a TallyError rendered as {"error", "detail"}."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from tally.kit.request_id import current_request_id

log = structlog.get_logger("tally.errors")

# The largest id a row can have on either backend (64-bit signed integers).
MAX_ID = 2**63 - 1


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
    """What every 4xx/5xx response carries; a 422's ``detail`` lists each problem."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": "JobNotFound",
                    "detail": "No job 12 in this project",
                    "request_id": "5f0c3a9e2b7d4c1a",
                },
                {
                    "error": "ValidationError",
                    "detail": [
                        {"loc": ["body", "name"], "msg": "Field required", "type": "missing"}
                    ],
                    "request_id": "5f0c3a9e2b7d4c1b",
                },
            ]
        }
    )

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


def error_name(status_code: int) -> str:
    """The error name of a framework-level failure: 404 -> NotFound, 405 -> MethodNotAllowed."""
    try:
        phrase = HTTPStatus(status_code).phrase
    except ValueError:
        return "HTTPError"
    return "".join(word.capitalize() for word in phrase.replace("-", " ").split())


_HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (the router names only the first route's),
    found by asking the routes, so nested routers are covered however they are composed."""
    routes = request.app.router.routes
    return [
        method
        for method in _HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


def is_out_of_range(error: BaseException) -> bool:
    """A value the database cannot take: SQLite's OverflowError for integers beyond 64 bits, and
    every DataError (PostgreSQL: a number out of range, a string too long for its column, a NUL
    character in text)."""
    if isinstance(error, sa_exc.DataError):
        return True
    cause = error.orig if isinstance(error, sa_exc.StatementError) else error
    return isinstance(cause, OverflowError)


def _exceeds_max_id(text: str) -> bool:
    return text.isdigit() and int(text) > MAX_ID


async def http_error_response(request: Request, exc: Exception) -> Response:
    """The framework's own failures (unknown path, wrong method, unreadable body) in Tally's shape;
    a 405 names every method the path serves."""
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    detail = exc.detail
    if exc.status_code == 405:
        allow = allowed_methods(request)
        headers["Allow"] = ", ".join(allow)
        detail = f"{request.method} is not allowed here; allowed: {', '.join(allow)}"
    elif exc.status_code == 404 and detail == "Not Found":
        detail = f"There is nothing at {request.url.path}"
    response = error_response(exc.status_code, error_name(exc.status_code), detail)
    response.headers.update(headers)
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Render every failure as ``{"error", "detail"}``: Tally's own errors, payload validation,
    the framework's 404/405/400, out-of-range integers, and (logged) anything unexpected."""

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

    async def on_statement_error(request: Request, exc: Exception) -> Response:
        # Ids are 64-bit on both backends: a larger number names no row and cannot be stored.
        if is_out_of_range(exc):
            too_large = [part for part in request.url.path.split("/") if _exceeds_max_id(part)]
            if too_large:
                return error_response(404, "NotFound", f"Nothing has the id {too_large[0]}")
            message = f"A value cannot be stored: too large (numbers at most {MAX_ID}) or invalid (NUL characters)"
            detail = [{"loc": ["body"], "msg": message, "type": "too_large"}]
            return error_response(422, "ValidationError", detail)
        return await on_unexpected_error(request, exc)

    async def on_unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("http.unhandled_error", path=request.url.path, error=type(exc).__name__)
        return error_response(500, "InternalError", "Tally could not finish this request")

    app.add_exception_handler(TallyError, on_tally_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error_response)
    app.add_exception_handler(OverflowError, on_statement_error)
    app.add_exception_handler(sa_exc.StatementError, on_statement_error)
    app.add_exception_handler(Exception, on_unexpected_error)
