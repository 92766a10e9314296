"""`tally reconcile`: queue (and optionally run and watch) a reconciliation job."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from tally.cache import open_writing_database
from tally.config import Settings, get_settings
from tally.jobs.runner import run_reconciliation
from tally.jobs.schemas import JobCreate, present_summary
from tally.jobs.service import RECONCILE_TASK, JobService
from tally.kit.cli import reports_errors
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks import build_task_queue
from tally.matching.rules import RuleSet
from tally.models import JobStatus, ReconciliationJob
from tally.projects.auth import owner_access
from tally.results.indexing import index_results

console = Console(stderr=True)


@reports_errors
def reconcile(
    project: int = typer.Option(..., "--project", help="Project id."),
    left: int = typer.Option(..., "--left", help="Left data source id."),
    right: int = typer.Option(..., "--right", help="Right data source id."),
    rules: Path = typer.Option(None, "--rules", exists=True, dir_okay=False, help="Rule set JSON."),
    wait: bool = typer.Option(False, "--wait", help="Run the job here and show its progress."),
) -> None:
    """Reconcile two data sources of a project (as the project's owner)."""
    rule_set = _read_rules(rules) if rules else None
    data = JobCreate(left_source_id=left, right_source_id=right, rules=rule_set)
    job = asyncio.run(_reconcile(get_settings(), project, data, wait))
    if not wait:
        console.print(
            f"Job {job.id} queued. Workers (`tally worker`, or the embedded server) run it."
        )
        return
    summary = present_summary(job.summary) or {}
    console.print(f"Job {job.id} {job.status}.")
    if job.status == JobStatus.COMPLETED:
        console.print_json(
            json.dumps({k: summary.get(k) for k in ("left", "right", "matches", "seconds")})
        )
        for warning in summary.get("warnings") or []:
            console.print(
                f"[yellow]Warning:[/yellow] {warning['message']} What to do: {warning['action']}",
                highlight=False,
                soft_wrap=True,  # one line per warning: greppable, whatever the terminal width
            )
    else:
        console.print(f"[red]{job.error or job.status}[/red]")
        raise typer.Exit(1)


def _read_rules(path: Path) -> RuleSet:
    """The rule set in ``path``, or a usage error listing what is wrong where (no traceback)."""
    try:
        return RuleSet.model_validate_json(path.read_text())
    except ValidationError as error:
        problems = "\n".join(
            f"  {'.'.join(str(part) for part in e['loc']) or '(rule set)'}: {e['msg']}"
            for e in error.errors()
        )
        raise typer.BadParameter(
            f"{path} is not a valid rule set:\n{problems}", param_hint="--rules"
        ) from None


async def _reconcile(
    settings: Settings, project_id: int, data: JobCreate, wait: bool
) -> ReconciliationJob:
    database = await open_writing_database(settings)
    try:
        queue = None if wait else build_task_queue(settings, database)

        async def create(session):  # type: ignore[no-untyped-def]
            access = await owner_access(session, project_id)
            job = await JobService(session).create_job(access, data)
            if queue is not None:
                await queue.enqueue(session, RECONCILE_TASK, job_id=job.id)
            return job

        job: ReconciliationJob = await run_in_transaction(database, create)
        if wait:
            await _run_with_progress(database, job.id)
        final = await run_in_transaction(database, lambda s: s.get(ReconciliationJob, job.id))
        assert final is not None
        return final
    finally:
        await database.dispose()


async def _run_with_progress(database: Database, job_id: int) -> None:
    task = asyncio.create_task(run_reconciliation(database, job_id))
    columns = (
        TextColumn("Job {task.fields[job]}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("reconcile", total=1.0, job=job_id)
        while not task.done():
            await asyncio.sleep(0.5)
            job = await run_in_transaction(database, lambda s: s.get(ReconciliationJob, job_id))
            if job is not None:
                progress.update(bar, completed=job.progress)
        await task
        progress.update(bar, completed=1.0)
    await index_results(database, job_id)  # as the job's task does after completion
