"""Test rig: every database test runs on SQLite and on a real PostgreSQL.

Each xdist worker gets its own PostgreSQL database and SQLite file, migrated by `alembic upgrade
head`. Tests commit for real (background workers and second processes must see the rows), and the
`db` fixture empties every table afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from tally.app import create_app
from tally.config import Settings
from tally.kit.db import Database
from tally.kit.migrate import upgrade_database
from tally.models import Base

BACKENDS = ("sqlite", "postgresql")


def postgres_admin_url() -> str | None:
    return os.environ.get("TALLY_TEST_DATABASE_URL")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def test_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        TALLY_ENV="test",
        TALLY_DATA_DIR=tmp_path_factory.mktemp("data"),
        TALLY_INGEST_PROCESS="inline",  # tests/sources/test_child_process.py runs the child
    )


def _plain_postgres_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def create_postgres_database(name: str) -> str:
    """A fresh, empty PostgreSQL database on the test server; returns its SQLAlchemy URL."""
    admin = postgres_admin_url()
    if admin is None:
        if os.environ.get("CI"):
            pytest.fail("TALLY_TEST_DATABASE_URL is not set: run the suite through scripts/test")
        pytest.skip("PostgreSQL tests need TALLY_TEST_DATABASE_URL (scripts/test sets it)")
    with psycopg.connect(_plain_postgres_url(admin), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
async def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if backend == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "tally.db"
        url = f"sqlite+aiosqlite:///{path}"
    else:
        url = create_postgres_database(f"tally_test_{_worker()}")
    await upgrade_database(url)
    return url


@pytest.fixture(scope="session")
async def _session_database(database_url: str, test_settings: Settings) -> AsyncIterator[Database]:
    database = Database(test_settings, url=database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def db(_session_database: Database) -> AsyncIterator[Database]:
    """The test's database (SQLite or PostgreSQL); emptied after the test."""
    yield _session_database
    async with _session_database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(delete(table))


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    """A session whose work the test commits itself (as a transaction owner would)."""
    async with db.sessionmaker() as session:
        yield session


@pytest.fixture
async def client(db: Database, test_settings: Settings) -> AsyncIterator[AsyncClient]:
    """The app, with its lifespan run (it builds the cache: in-process, as without REDIS_URL)."""
    app = create_app(test_settings, database=db)
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://tally.test") as http,
    ):
        yield http


@pytest.fixture(scope="session")
def artifacts_dir() -> Iterator[Path]:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    yield path
