"""The OpenAPI document as a contract: explicit feature_verb operation ids, every error as the
ErrorBody it is, the statuses and headers that the shared middleware adds, typed enums, money as
decimal strings beside a currency, and a valid example for every schema. (Which statuses the
routes really answer is checked against this document by tests/hardening/test_schemathesis.py.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from tally.app import create_app
from tally.config import Settings

SPEC: dict[str, Any] = create_app(Settings(TALLY_ENV="test")).openapi()
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]
FEATURE_VERB = re.compile(r"^[a-z]+(_[a-z]+)+$")
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return resolve(SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]])
    return schema


def test_every_operation_has_an_explicit_unique_feature_verb_id() -> None:
    ids = [operation["operationId"] for _, _, operation in operations()]
    # FastAPI's own ids end with the path and method: upload_data_source_api_v1_projects_...
    generated = [
        op["operationId"]
        for method, path, op in operations()
        if op["operationId"].endswith(re.sub(r"\W", "_", path) + f"_{method}")
    ]
    assert generated == [], "give these routes an operation_id=<feature>_<verb>"
    assert [op_id for op_id in ids if not FEATURE_VERB.match(op_id)] == []
    assert len(ids) == len(set(ids)), sorted(op_id for op_id in ids if ids.count(op_id) > 1)
    # The names an integrator reads in a generated client.
    assert {"projects_create", "jobs_list", "sources_upload", "matches_bulk_review"} <= set(ids)


def test_every_error_status_is_documented_as_the_error_body() -> None:
    wrong = [
        f"{method.upper()} {path} {status}"
        for method, path, operation in operations()
        for status, response in operation["responses"].items()
        if int(status) >= 400
        and response.get("content", {}).get("application/json", {}).get("schema")
        != {"$ref": "#/components/schemas/ErrorBody"}
    ]
    assert wrong == []
    assert "HTTPValidationError" not in SCHEMAS  # FastAPI's 422 shape, which Tally never sends
    assert set(resolve({"$ref": "#/components/schemas/ErrorBody"})["required"]) == {
        "error",
        "detail",
    }


def test_shared_statuses_and_headers_are_documented() -> None:
    for method, path, operation in operations():
        responses = operation["responses"]
        where = f"{method.upper()} {path}"
        for status, response in responses.items():
            assert "X-Request-ID" in response.get("headers", {}), (where, status)
        if operation["operationId"] != "health_live":
            assert "Retry-After" in responses["503"]["headers"], where
        if "requestBody" in operation:
            assert "413" in responses, where
        if "202" in responses:
            assert {"Location", "Retry-After"} <= set(responses["202"]["headers"]), where
        if "304" in responses:
            assert "ETag" in responses["200"]["headers"], where
        if "429" in responses:
            assert "Retry-After" in responses["429"]["headers"], where
        takes_key = any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", ()))
        if takes_key:
            success = [s for s in responses if s.startswith("2")]
            assert all("Idempotent-Replayed" in responses[s]["headers"] for s in success), where
            assert "409" in responses, where  # the same key still running


def test_downloads_document_their_file_name_header() -> None:
    downloads = {
        operation["operationId"]: operation["responses"]["200"]
        for _, _, operation in operations()
        if operation["operationId"]
        in {"jobs_export", "sources_download_skipped_rows", "appends_download_skipped_rows"}
    }
    assert len(downloads) == 3
    for response in downloads.values():
        assert "Content-Disposition" in response["headers"]
        assert "application/json" not in response["content"]


def test_users_routes_document_the_administrator_check() -> None:
    admin_only = {"users_list", "users_create", "users_get", "users_update", "users_reset_password"}
    for _, _, operation in operations():
        if operation["operationId"] in admin_only:
            assert "403" in operation["responses"], operation["operationId"]


def test_match_status_category_and_origin_are_enums() -> None:
    match = SCHEMAS["MatchRead"]["properties"]
    assert resolve(match["status"])["enum"] == [
        "auto",
        "suggested",
        "ambiguous",
        "confirmed",
        "rejected",
        "manual",
    ]
    assert resolve(match["category"])["enum"] == ["matched", "discrepancy"]
    assert set(resolve(match["origin"])["enum"]) == {
        "auto",
        "suggested",
        "ambiguous",
        "discrepancy",
        "manual",
    }
    assert resolve(match["evidence"]["anyOf"][0])["title"] == "Evidence"


def test_upload_options_are_a_typed_json_part() -> None:
    upload = SPEC["paths"]["/api/v1/projects/{project_id}/data-sources"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]
    assert form["schema"]["properties"]["options"]["$ref"].endswith("/UploadOptions")
    assert form["encoding"]["options"]["contentType"] == "application/json"
    preflight = SPEC["paths"]["/api/v1/projects/{project_id}/data-sources/preflight"]["post"]
    assert preflight["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PreflightRead"
    }
    job = SCHEMAS["JobRead"]["properties"]
    assert job["rules"] == {"$ref": "#/components/schemas/RuleSet"}
    assert job["summary"]["anyOf"][0] == {"$ref": "#/components/schemas/JobSummary"}


def _money_fields(schema: dict[str, Any]) -> list[str]:
    return [name for name in schema.get("properties", {}) if name.endswith("amount")]


# Request bodies whose amounts are read as any decimal (filters, a write-off of the record's
# own currency), not figures shown beside a currency.
_AMOUNT_INPUTS = {"BulkSelection", "ExceptionFilter", "WriteOffCreate"}


@pytest.mark.parametrize(
    "name",
    sorted(n for n, s in SCHEMAS.items() if _money_fields(s) and n not in _AMOUNT_INPUTS),
)
def test_amounts_are_decimal_strings_beside_a_currency(name: str) -> None:
    schema = SCHEMAS[name]
    for field in _money_fields(schema):
        money = schema["properties"][field]
        money = money.get("anyOf", [money])[0]
        assert money["type"] == "string" and money["pattern"] == r"^-?\d+(\.\d+)?$", field
    assert "currency" in schema["properties"], f"{name} has amounts without their currency"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_schema_has_an_example_that_it_accepts(name: str) -> None:
    schema = SCHEMAS[name]
    examples = schema.get("examples")
    assert examples, f"{name} has no example"
    validator = jsonschema.Draft202012Validator({**schema, "components": SPEC["components"]})
    for example in examples:
        problems = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(example)]
        assert problems == [], problems


def test_timestamps_are_documented_as_date_times() -> None:
    """Every *_at field is an RFC 3339 date-time (serialised with Z: tests/hardening)."""
    for name, schema in SCHEMAS.items():
        for field, prop in schema.get("properties", {}).items():
            if field.endswith("_at"):
                formats = {choice.get("format") for choice in prop.get("anyOf", [prop])} - {None}
                assert formats == {"date-time"}, (name, field)
