"""The work behind `tally demo`: sets up (once) a demo user and project with two sample sources and a completed
reconciliation, then serves the app. Everything goes through the same services as the API."""

from __future__ import annotations

import asyncio
from importlib import resources
from pathlib import Path

from rich.console import Console
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import open_writing_database
from tally.config import Settings, get_settings
from tally.jobs.runner import run_reconciliation
from tally.jobs.schemas import JobCreate
from tally.jobs.service import JobService
from tally.kit.db import Database, run_in_transaction
from tally.matching.rules import RuleSet
from tally.models import Project, UserRole
from tally.projects.auth import owner_access
from tally.projects.schemas import ProjectCreate
from tally.projects.service import ProjectService
from tally.results.indexing import index_results
from tally.rule_sets.service import RuleSetService
from tally.sources.commands import create_source_from_file
from tally.sources.ingestion import run_ingestion
from tally.sources.reading import UploadOptions
from tally.users.auth import Principal
from tally.users.repository import UserRepository
from tally.users.schemas import UserCreate
from tally.users.service import UserService

DEMO_EMAIL = "demo@tally.example"
DEMO_PASSWORD = "tally-demo"  # noqa: S105 - a published demo credential, local only
DEMO_PROJECT = "Demo: bank statement vs ledger"
console = Console(stderr=True)


def run_demo(serve: bool) -> None:
    """`tally demo`: the demo project, made once, and the server started with it."""
    settings = get_settings()
    project_id = asyncio.run(ensure_demo(settings))
    url = f"http://{settings.host}:{settings.port}"
    console.print(
        f"\n[bold]Tally demo[/bold] is at [link={url}]{url}[/link]  (API docs: {url}/docs)"
    )
    console.print(f"Log in as [bold]{DEMO_EMAIL}[/bold] with password [bold]{DEMO_PASSWORD}[/bold]")
    console.print(f"Demo project: {url}/projects/{project_id}\n")
    if serve:
        from tally.cli import serve as run_server

        run_server(host=None, port=None, workers=1)


async def ensure_demo(settings: Settings) -> int:
    """The demo project's id, creating the user, project, sources and job the first time."""
    database = await open_writing_database(settings)
    try:
        existing = await run_in_transaction(database, _existing_project)
        if existing is not None:
            return existing
        console.print("Setting up the demo project...")
        project_id = await run_in_transaction(database, _create_user_and_project)
        sources = []
        for name, file in (
            ("Bank statement (CSV, German)", "bank_statement.csv"),
            ("Ledger (CSV)", "ledger.csv"),
        ):
            sources.append(await _ingest(database, settings, project_id, name, file))
        await _reconcile(database, project_id, sources[0], sources[1])
        return project_id
    finally:
        await database.dispose()


async def _existing_project(session: AsyncSession) -> int | None:
    statement = select(Project.id).where(Project.name == DEMO_PROJECT).order_by(Project.id).limit(1)
    return await session.scalar(statement)


async def _create_user_and_project(session: AsyncSession) -> int:
    user = await UserRepository(session).get_by_email(DEMO_EMAIL)
    if user is None:
        user = await UserService(session).create_user(
            UserCreate(email=DEMO_EMAIL, password=DEMO_PASSWORD, role=UserRole.ADMIN)
        )
    principal = Principal(user.id, user.email, user.role, token="")
    project = await ProjectService(session).create_project(
        principal,
        ProjectCreate(
            name=DEMO_PROJECT, description="September-October bank lines against the sales ledger."
        ),
    )
    access = await owner_access(session, project.id)
    await RuleSetService(session).release_rules(access, _demo_rules(), "The demo's rules.")
    return project.id


def _demo_rules() -> RuleSet:
    return RuleSet.model_validate_json(
        resources.files("tally.demo").joinpath("rules.json").read_text()
    )


async def _ingest(
    database: Database, settings: Settings, project_id: int, name: str, file: str
) -> int:
    path = Path(str(resources.files("tally.demo").joinpath(file)))
    source = await run_in_transaction(
        database,
        lambda s: create_source_from_file(
            s, settings, project_id, path, name=name, options=UploadOptions()
        ),
    )
    await run_ingestion(database, settings, source.id)
    return source.id


async def _reconcile(database: Database, project_id: int, left: int, right: int) -> None:
    async def create(session: AsyncSession) -> int:
        access = await owner_access(session, project_id)
        job = await JobService(session).create_job(
            access, JobCreate(left_source_id=left, right_source_id=right)
        )
        return job.id

    job_id = await run_in_transaction(database, create)
    await run_reconciliation(database, job_id)
    await index_results(database, job_id)  # as the job's task does after completion
