"""The `tally` command line.

Adding commands
---------------
Each feature keeps its commands in its own ``<feature>/cli.py`` and this file registers them, one
line per group (plus its import)::

    from tally.rule_sets.cli import rules_app
    app.add_typer(rules_app, name="rules")        # tally rules infer ...

    from tally.sources.cli import ingest
    app.command()(ingest)                         # a single top-level command

The rule that keeps `tally --help` (and every `tally X --help`) under 0.3 s: a ``cli.py`` imports
only the standard library, typer and ``tally.kit.cli`` at module level, and imports what a command
runs (settings, the database, services, pydantic schemas) inside the command's function, usually
from a sibling ``commands.py`` holding the async work. Annotations of command parameters must be
builtins or stdlib types, because typer evaluates them. tests/cli/test_startup.py fails when
``import tally.cli`` or a ``--help`` pulls in SQLAlchemy, pydantic, FastAPI or polars;
``bench/cli`` measures the start-up a user sees.
"""

from __future__ import annotations

import os

import typer
import typer.main
from typer import _click as click
from typer._completion_classes import completion_init
from typer.completion import install_callback, show_callback

from tally.apikeys.cli import app as apikey_app
from tally.audit.cli import audit_app
from tally.demo.cli import demo
from tally.intake.cli import inbox_app, watch
from tally.jobs.cli import job_app, reconcile
from tally.projects.cli import project_app
from tally.rule_sets.cli import rules_app
from tally.sources.cli import ingest, source_app
from tally.users.cli import user_app

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,  # typer's own pair coerces its None defaults through pydantic: +0.3 s
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
completion_init()  # typer's completion classes, as add_completion=True would register them
app.add_typer(db_app, name="db")
app.add_typer(project_app, name="project")
app.add_typer(source_app, name="source")
app.add_typer(job_app, name="job")
app.add_typer(user_app, name="user")
app.add_typer(rules_app, name="rules")
app.add_typer(apikey_app, name="apikey")
app.add_typer(inbox_app, name="inbox")
app.command()(ingest)
app.command()(reconcile)
app.command()(watch)
app.command()(demo)
app.add_typer(audit_app, name="audit")


@app.callback()
def root_options(
    install_completion: bool = typer.Option(
        False,
        "--install-completion",
        is_eager=True,
        expose_value=False,
        callback=install_callback,
        help="Install completion for the current shell.",
    ),
    show_completion: bool = typer.Option(
        False,
        "--show-completion",
        is_eager=True,
        expose_value=False,
        callback=show_callback,
        help="Show completion for the current shell, to copy it or customize the installation.",
    ),
) -> None:
    """Tally: reconcile two record sets and prove that they tally."""


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from tally.config import get_settings
    from tally.kit.migrate import upgrade_database_sync

    settings = get_settings()
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_database_sync(settings.effective_database_url, revision)
    typer.echo(f"Database at {_safe_url(settings.effective_database_url)} is at {revision}.")


@app.command()
def serve(
    host: str | None = typer.Option(
        None, help="Interface to bind (default TALLY_HOST or 127.0.0.1)."
    ),
    port: int | None = typer.Option(None, help="Port (default TALLY_PORT or 8000)."),
    workers: int = typer.Option(1, help="Worker processes."),
) -> None:
    """Run the HTTP server (API under /api/v1, OpenAPI at /docs)."""
    import uvicorn

    from tally.config import get_settings
    from tally.kit.logging import configure_logging
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
    import asyncio

    from tally.app import load_task_modules
    from tally.config import get_settings
    from tally.kit.logging import configure_logging

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
    from tally.cache import running_cache
    from tally.config import get_settings
    from tally.intake.poller import start_intake
    from tally.kit.db import Database
    from tally.kit.tasks import ProcrastinateQueue

    settings = get_settings()
    database = Database(settings)
    queue = ProcrastinateQueue(settings=settings, database=database, concurrency=concurrency)
    try:
        # Tasks' writes (job progress, results, stats) invalidate the servers' caches via Redis.
        async with running_cache(settings, database):
            intake = start_intake(database, settings, queue)  # inboxes polled in the workers too
            try:
                await queue.run_worker()
            finally:
                if intake is not None:
                    intake.cancel()
    finally:
        await queue.stop()
        await database.dispose()


def _safe_url(url: str) -> str:
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def run() -> None:
    """The `tally` entry point: the app's click command, with every --help flag defaulting to False.

    typer 0.29 passes an unset --help flag (None) of each group on the command line through a
    pydantic TypeAdapter, so `tally job export --help` imported pydantic and built adapters: 0.3 s
    before any output. A False default is a bool already, which typer passes through untouched.
    """
    command = typer.main.get_command(app)
    _default_help_off(command)
    command()


def _default_help_off(command: click.Command) -> None:
    option = command.get_help_option(click.Context(command))
    if option is not None:
        option.default = False
    for child in getattr(command, "commands", {}).values():
        _default_help_off(child)


if __name__ == "__main__":
    run()
