"""Schemathesis over the whole OpenAPI against a real `tally serve`, as a plain user and as an
admin, on SQLite and PostgreSQL: no request may get a 500, and every response must match the
documented schema and content type, with a status the operation documents. Bounded (a few
examples per operation) to fit the suite."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tally.app import create_app
from tally.config import Settings
from tally.kit.db import Database
from tally.kit.migrate import upgrade_database
from tally.models import UserRole
from tests.conftest import create_postgres_database
from tests.helpers.processes import TallyServer
from tests.helpers.results import Reconciled, reconciled_job
from tests.helpers.users import create_user

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 6
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
]
# Calls that end the caller's own access (the run goes on with the same token), and the one
# that deletes everything the run reads.
SKIPPED = {
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/logout-everywhere"),
    ("POST", "/api/v1/users/me/password"),
}


@dataclass(frozen=True)
class Target:
    base_url: str
    tokens: dict[str, str]  # role -> bearer token
    # role -> path parameter -> an id that exists (random ids mostly find nothing); each role
    # works on a project of its own, since a run ends by deleting what it can.
    ids: dict[str, dict[str, int]]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Target]:
    data_dir: Path = tmp_path_factory.mktemp("schemathesis")
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{data_dir / 'tally.db'}"
    else:
        url = create_postgres_database(f"tally_schemathesis_{uuid.uuid4().hex[:8]}")
    await upgrade_database(url)
    settings = Settings(TALLY_ENV="test", TALLY_DATA_DIR=data_dir)
    database = Database(settings, url=url)
    async with database.sessionmaker() as session:
        # Projects with sources and a completed job: the member's own, and one the admin reads.
        worlds = {"member": await reconciled_job(session, database)}
        worlds["admin"] = await reconciled_job(session, database)
        admin = await create_user(session, role=UserRole.ADMIN)
    await database.dispose()
    env = {
        "DATABASE_URL": url,
        "TALLY_DATA_DIR": str(data_dir),
        "TALLY_ENV": "test",
        "TALLY_TASK_BACKEND": "embedded",
        # Generated logins must not pause the run's own calls.
        "TALLY_LOGIN_ADDRESS_MAX_FAILURES": "100000",
    }
    server = TallyServer(env, data_dir / "server.log")
    ids = {role: _existing_ids(server.base_url, world) for role, world in worlds.items()}
    try:
        tokens = {"member": worlds["member"].owner.token, "admin": admin.token}
        yield Target(server.base_url, tokens, ids)
    finally:
        server.stop()


def _existing_ids(base_url: str, world: Reconciled) -> dict[str, int]:
    matches = httpx.get(
        f"{base_url}{world.url('/matches')}", headers=world.owner.headers, timeout=30
    ).json()["items"]
    return {
        "project_id": world.project.id,
        "job_id": world.job.id,
        "source_id": world.job.left_source_id,
        "match_id": matches[0]["id"],
        "record_id": next(iter(world.left.values())),
        "user_id": world.viewer.id,
    }


def _operations() -> list[Any]:
    """Every operation but SKIPPED, deletions last (generated ids include the small real ones)."""
    schema = schemathesis.openapi.from_dict(create_app(Settings(TALLY_ENV="test")).openapi())
    operations = [result.ok() for result in schema.get_all_operations()]
    kept = [op for op in operations if (op.method.upper(), op.path) not in SKIPPED]
    return sorted(kept, key=lambda op: op.method.upper() == "DELETE")


@pytest.mark.parametrize("role", ["member", "admin"])
def test_every_operation_answers_within_its_contract(target: Target, role: str) -> None:
    headers = {"Authorization": f"Bearer {target.tokens[role]}"}
    ids = target.ids[role]
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    calls = 0
    for operation in _operations():

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            nonlocal calls
            calls += 1
            # Every other call names rows that exist; deletions keep random ids, so the rows the
            # run reads stay.
            if calls % 2 and case.path_parameters and case.method.upper() != "DELETE":
                for name in case.path_parameters.keys() & ids.keys():
                    case.path_parameters[name] = ids[name]
            response = case.call_and_validate(
                base_url=target.base_url, headers=headers, checks=CHECKS
            )
            statuses[response.status_code] += 1

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # one report naming every failure
            failures.append(f"{operation.method.upper()} {operation.path}: {error}"[:2000])
    assert httpx.get(f"{target.base_url}/healthz").status_code == 200
    assert failures == [], "\n\n".join(failures)
    # The run reached the operations themselves, not only the authentication in front of them.
    assert sum(n for status, n in statuses.items() if status < 300) >= 60, statuses
