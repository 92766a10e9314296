"""The `tally` command line."""

from __future__ import annotations

import asyncio
import getpass
import os

import typer
import uvicorn

from tally.app import load_task_modules
from tally.audit.cli import audit_app
from tally.cache import running_cache
from tally.config import get_settings
from tally.demo.cli import demo
from tally.jobs.cli import reconcile
from tally.kit.cli import reports_errors
from tally.kit.db import Database, run_in_transaction
from tally.kit.logging import configure_logging
from tally.kit.migrate import open_database, upgrade_database_sync
from tally.kit.tasks import ProcrastinateQueue
from tally.models import UserRole
from tally.sources.cli import ingest
from tally.users.schemas import UserCreate
from tally.users.service import UserService

app = typer.Typer(
    help="Tally: reconcile two record sets and prove that they tally.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.command()(ingest)
app.command()(reconcile)
app.command()(demo)
app.add_typer(audit_app, name="audit")


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    settings = get_settings()
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_database_sync(settings.effective_database_url, revision)
    typer.echo(f"Database at {_safe_url(settings.effective_database_url)} is at {revision}.")


@user_app.command("create")
@reports_errors
def user_create(
    email: str,
    password: str = typer.Option(None, help="Prompted for when omitted."),
    admin: bool = typer.Option(False, "--admin", help="Grant the administrator role."),
) -> None:
    """Create a user who can log in to the API and the web app."""
    password = password or getpass.getpass("Password: ")
    role = UserRole.ADMIN if admin else UserRole.MEMBER
    user = asyncio.run(_create_user(UserCreate(email=email, password=password, role=role)))
    typer.echo(f"Created user {user} ({role}).")


async def _create_user(data: UserCreate) -> int:
    settings = get_settings()
    database = await open_database(settings)
    try:
        async with running_cache(settings, database):  # servers' cached user pages: invalidated
            user = await run_in_transaction(database, lambda s: UserService(s).create_user(data))
        return user.id
    finally:
        await database.dispose()


@app.command()
def serve(
    host: str | None = typer.Option(
        None, help="Interface to bind (default TALLY_HOST or 127.0.0.1)."
    ),
    port: int | None = typer.Option(None, help="Port (default TALLY_PORT or 8000)."),
    workers: int = typer.Option(1, help="Worker processes."),
) -> None:
    """Run the HTTP server (API under /api/v1, OpenAPI at /docs)."""
    from tally.kit.server import server_options

    settings = get_settings()
    configure_logging(settings.log_level)
    if workers > 1 and settings.effective_task_backend == "embedded":
        # Each process would recover, and run, the same unfinished work.
        raise typer.BadParameter(
            "the embedded task backend runs in one process; use --workers 1, or PostgreSQL with "
            "TALLY_TASK_BACKEND=procrastinate and `tally worker`",
            param_hint="--workers",
        )
    if workers > 1 and settings.enable_cache and not settings.redis_url:
        # Each worker process would keep its own cache, blind to the others' writes.
        typer.echo(
            "Cache off: --workers > 1 needs REDIS_URL to keep the processes coherent.", err=True
        )
        os.environ["ENABLE_CACHE"] = "false"  # read by each worker's get_settings()
    uvicorn.run(
        "tally.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
        **server_options(settings),
    )


@app.command()
def worker(
    imports: list[str] = typer.Option(
        [], "--import", help="Also import MODULE to register its tasks (repeatable)."
    ),
    concurrency: int = typer.Option(
        None, min=1, help="Tasks run at once (default TALLY_TASK_CONCURRENCY)."
    ),
) -> None:
    """Run background tasks from the PostgreSQL queue until SIGINT/SIGTERM (any number of them)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    if settings.is_sqlite:
        raise typer.BadParameter(
            "`tally worker` needs DATABASE_URL to point at PostgreSQL; with SQLite, tasks run "
            "inside `tally serve`"
        )
    load_task_modules(settings, *imports)
    asyncio.run(_run_worker(concurrency))


async def _run_worker(concurrency: int | None) -> None:
    settings = get_settings()
    database = Database(settings)
    queue = ProcrastinateQueue(settings=settings, database=database, concurrency=concurrency)
    try:
        # Tasks' writes (job progress, results, stats) invalidate the servers' caches via Redis.
        async with running_cache(settings, database):
            await queue.run_worker()
    finally:
        await queue.stop()
        await database.dispose()


def _safe_url(url: str) -> str:
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


if __name__ == "__main__":
    app()
