"""The Python client generated from the OpenAPI (clients/python): current with the routes,
generated without warnings, and working through an integration's scripted flow against a live
`tally serve` on SQLite and PostgreSQL: login -> API key -> idempotent upload -> job -> wait ->
every match, by cursor -> bulk confirm -> export. docs/api.md shows the same flow."""

from __future__ import annotations

import filecmp
import io
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from tally.config import Settings
from tally.kit.db import Database
from tally.kit.migrate import upgrade_database
from tests.conftest import create_postgres_database
from tests.helpers.processes import ROOT, TallyServer
from tests.helpers.users import DEFAULT_PASSWORD, create_user

pytestmark = pytest.mark.slow

CLIENTS = ROOT / "clients"
DEMO = ROOT / "src" / "tally" / "demo"
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
# Generous bounds on polling background work: a deadline, never an assertion about speed.
WAIT_SECONDS = 180


def test_checked_in_client_is_what_the_routes_generate(tmp_path: Path) -> None:
    """scripts/gen-client into a temporary directory gives the checked-in files byte for byte
    (and fails on any generator warning): run `scripts/gen-client` after changing a route."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_client.py"), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "openapi.json").read_bytes() == (CLIENTS / "openapi.json").read_bytes(), (
        "clients/openapi.json is stale: run scripts/gen-client"
    )
    assert _differences(tmp_path / "python", CLIENTS / "python") == [], (
        "clients/python is stale: run scripts/gen-client"
    )


def _differences(left: Path, right: Path) -> list[str]:
    def walk(compare: filecmp.dircmp[str], prefix: str) -> Iterator[str]:
        for name in compare.left_only + compare.right_only + compare.funny_files:
            yield f"{prefix}{name}"
        _, mismatch, errors = filecmp.cmpfiles(
            compare.left, compare.right, compare.common_files, shallow=False
        )
        yield from (f"{prefix}{name}" for name in mismatch + errors)
        for name, sub in compare.subdirs.items():
            if name not in {"__pycache__", ".ruff_cache"}:
                yield from walk(sub, f"{prefix}{name}/")

    return sorted(walk(filecmp.dircmp(left, right, ignore=["__pycache__"]), ""))


@pytest.fixture(params=["sqlite", "postgresql"])
async def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    data_dir = tmp_path_factory.mktemp("client")
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{data_dir / 'tally.db'}"
    else:
        url = create_postgres_database(f"tally_client_{uuid.uuid4().hex[:8]}")
    await upgrade_database(url)
    database = Database(Settings(TALLY_ENV="test", TALLY_DATA_DIR=data_dir), url=url)
    async with database.sessionmaker() as session:
        user = await create_user(session)
    await database.dispose()
    env = {
        "DATABASE_URL": url,
        "TALLY_DATA_DIR": str(data_dir),
        "TALLY_ENV": "test",
        "TALLY_TASK_BACKEND": "embedded",
    }
    process = TallyServer(env, data_dir / "server.log")
    try:
        yield process.base_url, user.email
    finally:
        process.stop()


@pytest.fixture(scope="module")
def tally_client() -> Any:
    """The checked-in generated package, imported from clients/python as a user would."""
    sys.path.insert(0, str(CLIENTS / "python"))
    try:
        import tally_client

        yield tally_client
    finally:
        sys.path.remove(str(CLIENTS / "python"))


def _wait(read: Any, done: Any) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        current = read()
        if done(current) or time.monotonic() > deadline:
            return current
        time.sleep(0.2)


def _timestamps_end_in_z(value: Any) -> list[str]:
    """Every *_at string anywhere in a JSON document that is not RFC 3339 UTC with Z."""
    if isinstance(value, dict):
        wrong = [
            f"{key}={item}"
            for key, item in value.items()
            if key.endswith("_at") and isinstance(item, str) and not RFC3339_UTC.match(item)
        ]
        return wrong + [w for item in value.values() for w in _timestamps_end_in_z(item)]
    if isinstance(value, list):
        return [w for item in value for w in _timestamps_end_in_z(item)]
    return []


def test_scripted_flow_through_the_generated_client(server: Any, tally_client: Any) -> None:
    from tally_client import AuthenticatedClient, Client
    from tally_client.api.api_keys import api_keys_create
    from tally_client.api.auth import auth_login
    from tally_client.api.data_sources import sources_get, sources_list, sources_upload
    from tally_client.api.projects import projects_create, projects_get_stats
    from tally_client.api.reconciliation_jobs import jobs_create, jobs_get
    from tally_client.api.results import (
        jobs_export,
        matches_bulk_review,
        matches_get,
        matches_list,
    )
    from tally_client.models import (
        ApiKeyCreate,
        BulkAction,
        BulkReview,
        DataSourceStatus,
        ExportFormat,
        JobCreate,
        JobStatus,
        LoginRequest,
        MatchStatus,
        MatchTab,
        ProjectCreate,
        ProjectRole,
        SourcesUploadBody,
        UploadOptions,
    )
    from tally_client.types import UNSET, File

    base_url, email = server
    # A person logs in once to make a key; the integration runs on the key from then on.
    login = auth_login.sync(
        client=Client(base_url), body=LoginRequest(email=email, password=DEFAULT_PASSWORD)
    )
    person = AuthenticatedClient(base_url, token=login.access_token)
    key = api_keys_create.sync(
        client=person, body=ApiKeyCreate(name="nightly import", role=ProjectRole.OWNER)
    )
    api = AuthenticatedClient(base_url, token=key.secret, raise_on_unexpected_status=True)

    project = projects_create.sync(client=api, body=ProjectCreate(name="Bank vs ledger"))

    def upload(path: Path, options: UploadOptions, idempotency_key: str) -> Any:
        body = SourcesUploadBody(
            file=File(payload=io.BytesIO(path.read_bytes()), file_name=path.name),
            name=path.stem,
            options=options,
        )
        return sources_upload.sync_detailed(
            project.id, client=api, body=body, idempotency_key=idempotency_key
        )

    german = UploadOptions(date_format="%d.%m.%Y", decimal_separator=",")
    bank_key = str(uuid.uuid4())
    first = upload(DEMO / "bank_statement.csv", german, bank_key)
    retried = upload(DEMO / "bank_statement.csv", german, bank_key)  # a retry after a timeout
    assert first.status_code == retried.status_code == 202
    assert retried.parsed.id == first.parsed.id
    assert retried.headers["Idempotent-Replayed"] == "true"
    ledger = upload(DEMO / "ledger.csv", UploadOptions(), str(uuid.uuid4()))
    sources = sources_list.sync(project.id, client=api)
    assert sorted(s.name for s in sources.items) == ["bank_statement", "ledger"]  # one bank

    for source_id in (first.parsed.id, ledger.parsed.id):
        source = _wait(
            lambda source_id=source_id: sources_get.sync(project.id, source_id, client=api),
            lambda s: s.status in (DataSourceStatus.READY, DataSourceStatus.FAILED),
        )
        assert source.status == DataSourceStatus.READY, source

    created = jobs_create.sync_detailed(
        project.id,
        client=api,
        body=JobCreate(left_source_id=first.parsed.id, right_source_id=ledger.parsed.id),
        idempotency_key=str(uuid.uuid4()),
    )
    assert created.status_code == 202 and created.headers["Location"].endswith(
        f"/jobs/{created.parsed.id}"
    )
    job = _wait(
        lambda: jobs_get.sync(project.id, created.parsed.id, client=api),
        lambda j: j.status in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED),
    )
    assert job.status == JobStatus.COMPLETED, job.error
    left = job.summary.left
    assert left.currency == "EUR" and re.fullmatch(r"\d+\.\d\d", left.matched_amount)
    raw_job = jobs_get.sync_detailed(project.id, job.id, client=api)
    assert _timestamps_end_in_z(orjson.loads(raw_job.content)) == []

    # Every match of the review tab and the matched tab, by cursor, a small page at a time.
    seen: dict[MatchTab, list[Any]] = {}
    for tab in (MatchTab.REVIEW, MatchTab.MATCHED):
        items: list[Any] = []
        while True:
            after = items[-1].id if items else UNSET
            page = matches_list.sync(
                project.id, job.id, client=api, tab=tab, starting_after=after, limit=25
            )
            items += page.items
            if not page.has_more:
                break
        assert len({m.id for m in items}) == len(items)  # each match once
        seen[tab] = items
    assert len(seen[MatchTab.MATCHED]) > 25  # more than one page was read
    match = seen[MatchTab.MATCHED][0]
    assert match.currency == "EUR" and re.fullmatch(r"-?\d+\.\d\d", match.amount)
    raw_page = matches_list.sync_detailed(project.id, job.id, client=api, limit=5)
    assert _timestamps_end_in_z(orjson.loads(raw_page.content)) == []

    # Confirm the suggestions in one request; when the rules left none to review, confirm
    # automatic matches (a reviewer signing them off), which moves their status the same way.
    chosen = [m.id for m in seen[MatchTab.REVIEW]] or [m.id for m in seen[MatchTab.MATCHED][:10]]
    outcome = matches_bulk_review.sync(
        project.id,
        job.id,
        client=api,
        body=BulkReview(action=BulkAction.CONFIRM, match_ids=chosen, note="checked"),
    )
    assert outcome.changed and set(outcome.changed) | set(outcome.unchanged) <= set(chosen)
    confirmed = matches_get.sync(project.id, job.id, outcome.changed[0], client=api)
    assert confirmed.status == MatchStatus.CONFIRMED and confirmed.tab == MatchTab.MATCHED
    stats = projects_get_stats.sync(project.id, client=api)
    assert stats.currency == "EUR" and stats.matched_count >= len(seen[MatchTab.MATCHED])

    export = jobs_export.sync_detailed(project.id, job.id, client=api, format_=ExportFormat.CSV)
    assert export.status_code == 200
    assert "attachment" in export.headers["Content-Disposition"]
    lines = export.content.decode("utf-8-sig").splitlines()
    assert len(lines) > len(seen[MatchTab.MATCHED])  # a header and a row per record
