"""The OpenAPI document completed in one place, for what every route shares: the error shape of
a 422, the 503 any route answers when the database is away, the 413 of an oversized body, the
request id, ETag, Retry-After and idempotency headers, and an example for every schema.

Routes document their own outcomes (``responses=`` with tally.kit.errors.error_responses);
this adds only what follows from the middleware and handlers every route runs behind, so a
new route is complete without repeating them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI

from tally.kit.errors import ErrorBody, ServiceUnavailable

ERROR_REF = "#/components/schemas/ErrorBody"
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": ERROR_REF}}}
# FastAPI's own 422 body, replaced everywhere by ErrorBody (what the handler really sends).
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
# Operations that never reach the database (liveness answers while it is away).
_NO_DATABASE = frozenset({"health_live"})
IDEMPOTENCY_HEADER = "Idempotency-Key"

REQUEST_ID_HEADER = {
    "X-Request-ID": {
        "description": "The request's id (the caller's own when it sent a sane one): quote it"
        " when reporting a problem; every log line of the request carries it",
        "schema": {"type": "string"},
    }
}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer"},
    }
}
_RETRY_WHEN_TRANSIENT = {
    "description": "When the conflict passes by itself (work still running): seconds to wait",
    "schema": {"type": "integer"},
}
REPLAYED_HEADER = {
    "Idempotent-Replayed": {
        "description": "true when this is the stored first answer to a retried Idempotency-Key",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
ETAG_HEADER = {
    "ETag": {
        "description": "The representation's version: send it in If-None-Match to poll (304"
        " while unchanged)",
        "schema": {"type": "string"},
    }
}
CONTENT_DISPOSITION_HEADER = {
    "Content-Disposition": {
        "description": "attachment, with the file's name",
        "schema": {"type": "string"},
    }
}

# Example values by format and by field name, for schemas whose model gives no example of its own.
_FORMAT_EXAMPLES: dict[str, Any] = {
    "date-time": datetime(2026, 12, 7, 9, 30, tzinfo=UTC).isoformat().replace("+00:00", "Z"),
    "date": "2026-12-07",
    "email": "ana@example.com",
    "binary": "",
    "uri": "https://example.com/",
}
_NAME_EXAMPLES: dict[str, Any] = {
    "id": 42,
    "email": "ana@example.com",
    "name": "Bank vs ledger",
    "currency": "EUR",
    "reference": "INV-2026-0042",
    "description": "Invoice 42",
    "note": "Same invoice, paid in two parts",
    "password": "correct horse battery staple",
    "token": "tly_3f9c2a",
}


def error_response(description: str, *, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": _ERROR_CONTENT}
    if headers:
        response["headers"] = headers
    return response


def file_response(description: str, *media_types: str) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry of a download: a file of one of ``media_types``, named in
    Content-Disposition."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        200: {
            "description": description,
            "content": {media_type: binary for media_type in media_types},
            "headers": dict(CONTENT_DISPOSITION_HEADER),
        }
    }


def install_openapi(app: FastAPI) -> None:
    """Complete ``app``'s OpenAPI document (built and cached by FastAPI) the first time it is
    read after the routes change."""
    build: Callable[[], dict[str, Any]] = app.openapi
    completed: list[int] = []

    def openapi() -> dict[str, Any]:
        schema = build()
        if id(schema) not in completed:
            complete_openapi(schema)
            completed[:] = [id(schema)]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete_openapi(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorBody", ErrorBody.model_json_schema())
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            _complete_operation(operation)
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        components.pop(name, None)
    for component in components.values():
        if "examples" not in component and "example" not in component:
            component["examples"] = [example_of(component, components)]


def _complete_operation(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    if "422" in responses:
        responses["422"] = error_response(
            "The request is not valid: `detail` lists each problem as {loc, msg, type}"
        )
    if operation.get("requestBody"):
        responses.setdefault("413", error_response("The request body is too large"))
    if operation.get("operationId") not in _NO_DATABASE:
        responses.setdefault(
            "503",
            error_response(
                ServiceUnavailable.__doc__ or "Unavailable", headers=dict(RETRY_AFTER_HEADER)
            ),
        )
    takes_key = any(
        param.get("in") == "header" and param.get("name") == IDEMPOTENCY_HEADER
        for param in operation.get("parameters", ())
    )
    if takes_key:
        responses.setdefault(
            "409",
            error_response(
                "A request with this Idempotency-Key is still running: retry after it",
                headers=dict(RETRY_AFTER_HEADER),
            ),
        )
    for status, response in responses.items():
        headers = response.setdefault("headers", {})
        headers.update(REQUEST_ID_HEADER)
        if status in ("429", "503"):
            headers.update(RETRY_AFTER_HEADER)
        if status == "409":  # some conflicts pass (a job still running, a key in use)
            headers.setdefault("Retry-After", _RETRY_WHEN_TRANSIENT)
        if "304" in responses and status in ("200", "304"):
            headers.setdefault("ETag", ETAG_HEADER["ETag"])
        if takes_key and status.startswith("2"):
            headers.update(REPLAYED_HEADER)


def example_of(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    """An example instance of ``schema``: its own example, else one built from its fields'
    examples, defaults, enums, formats and names (references followed a few levels deep)."""
    if "$ref" in schema:
        target = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
        return example_of(target, components, depth + 1) if depth < 6 else None
    if schema.get("examples"):
        return schema["examples"][0]
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    if "enum" in schema:
        return schema["enum"][0]
    if _option(schema) is not schema:
        return example_of(_option(schema), components, depth)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            name: _field_example(name, field, components, depth)
            for name, field in schema.get("properties", {}).items()
        }
    if kind == "array":
        if "prefixItems" in schema:
            return [example_of(item, components, depth) for item in schema["prefixItems"]]
        item = example_of(schema.get("items", {}), components, depth)
        return [] if item is None else [item]
    if kind == "string":
        text = _FORMAT_EXAMPLES.get(schema.get("format", ""), "text")
        return text.ljust(schema.get("minLength", 0), "x")
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return True
    return None


def _option(schema: dict[str, Any]) -> dict[str, Any]:
    """The first non-null choice of an anyOf/oneOf/allOf (``schema`` itself when it has none)."""
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            choices = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return choices[0]  # type: ignore[no-any-return]
    return schema


def _field_example(name: str, field: dict[str, Any], components: dict[str, Any], depth: int) -> Any:
    if any(key in field for key in ("examples", "example", "default", "enum", "const")):
        return example_of(field, components, depth)
    kind = _option(field).get("type")
    if name in _NAME_EXAMPLES and isinstance(_NAME_EXAMPLES[name], str) == (kind == "string"):
        return _NAME_EXAMPLES[name]
    if name.endswith("_id") and kind == "integer":
        return 7
    return example_of(field, components, depth)
