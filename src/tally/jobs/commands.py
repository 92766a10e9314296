"""The work behind `tally reconcile` and `tally job ...`: queue (and optionally run and watch) a
reconciliation job; list, show, cancel, retry and export jobs."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from sqlalchemy.ext.asyncio import AsyncSession

from tally.audit.schemas import verify_command
from tally.audit.service import AuditService
from tally.cache import open_writing_database, run_command
from tally.config import Settings, get_settings
from tally.jobs.runner import run_reconciliation
from tally.jobs.schemas import JobCreate, JobRead, JobSummary, present_summary
from tally.jobs.service import RECONCILE_TASK, JobService
from tally.jobs.tasks import reconcile as reconcile_task
from tally.kit.cli import EXIT_FAILURE, print_json, print_table
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks import build_task_queue
from tally.matching.rules import RuleSet
from tally.models import JobStatus, ReconciliationJob
from tally.projects.auth import owner_access
from tally.results.export import ExportFilter, csv_chunks, export_tabs, write_xlsx
from tally.results.indexing import index_results
from tally.results.schemas import ExportFormat
from tally.results.service import ResultService
from tally.results.summary import QualityService

console = Console(stderr=True)


def run_reconcile(
    project: int, left: int, right: int, rules: Path | None, wait: bool, json_output: bool
) -> None:
    """`tally reconcile`: queue a job, or run it here with a progress bar (--wait)."""
    rule_set = _read_rules(rules) if rules else None
    data = JobCreate(left_source_id=left, right_source_id=right, rules=rule_set)
    job = asyncio.run(_reconcile(get_settings(), project, data, wait))
    if json_output:
        print_json(job_json(job))
    elif not wait:
        console.print(
            f"Job {job.number} (id {job.id}) queued. Workers (`tally worker`, or the embedded "
            "server) run it."
        )
    else:
        console.print(f"Job {job.number} (id {job.id}) {job.status}.")
        summary = present_summary(job.summary)
        if job.status == JobStatus.COMPLETED and summary is not None:
            print_summary(summary)
            for warning in summary.warnings:
                console.print(
                    f"[yellow]Warning:[/yellow] {warning.message} What to do: {warning.action}",
                    highlight=False,
                    soft_wrap=True,  # one line per warning: greppable, whatever the terminal width
                )
        else:
            console.print(f"[red]{job.error or job.status}[/red]")
    if wait and job.status != JobStatus.COMPLETED:
        raise typer.Exit(EXIT_FAILURE)


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


def job_json(job: ReconciliationJob) -> dict[str, Any]:
    """A job as `GET .../jobs/{id}` shows it (the same presenter: tally.jobs.schemas)."""
    return JobRead.model_validate(job).model_dump(mode="json")


def print_summary(summary: JobSummary) -> None:
    """Per side: records, matched and unmatched, with their amounts and currency."""
    rows = [
        (
            side,
            figures.records,
            figures.matched,
            f"{figures.matched_amount} {figures.currency or ''}".rstrip(),
            figures.unmatched,
            f"{figures.unmatched_amount} {figures.currency or ''}".rstrip(),
        )
        for side, figures in (("left", summary.left), ("right", summary.right))
    ]
    print_table(
        (
            "side",
            "records",
            "matched",
            "matched amount",
            "unmatched",
            "unmatched amount",
        ),
        rows,
    )
    console.print(
        "Matches: "
        + ", ".join(f"{k} {v}" for k, v in summary.matches.items())
        + f" ({summary.seconds} s)"
    )


async def _reconcile(
    settings: Settings, project_id: int, data: JobCreate, wait: bool
) -> ReconciliationJob:
    database = await open_writing_database(settings)
    try:
        queue = None if wait else build_task_queue(settings, database)

        async def create(session: AsyncSession) -> ReconciliationJob:
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


async def list_jobs(project_id: int) -> list[dict[str, Any]]:
    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        access = await owner_access(session, project_id)
        return [job_json(job) for job in await JobService(session).list_jobs(access)]

    return await run_command(get_settings(), work)


async def show_job(project_id: int, job_id: int) -> dict[str, Any]:
    async def work(session: AsyncSession) -> dict[str, Any]:
        access = await owner_access(session, project_id)
        return job_json(await JobService(session).get_job(access, job_id))

    return await run_command(get_settings(), work)


async def cancel_job(project_id: int, job_id: int) -> dict[str, Any]:
    async def work(session: AsyncSession) -> dict[str, Any]:
        access = await owner_access(session, project_id)
        return job_json(await JobService(session).cancel_job(access, job_id))

    return await run_command(get_settings(), work)


async def retry_job(project_id: int, job_id: int) -> dict[str, Any]:
    """Queue the job again, enqueued in the transaction that marks it queued (as the API does)."""
    settings = get_settings()
    database = await open_writing_database(settings)
    try:
        queue = build_task_queue(settings, database)

        async def work(session: AsyncSession) -> dict[str, Any]:
            access = await owner_access(session, project_id)
            job = await JobService(session).retry_job(access, job_id)
            await queue.enqueue(session, RECONCILE_TASK, job_id=job.id)
            return job_json(job)

        return await run_in_transaction(database, work)
    finally:
        await database.dispose()


async def export_job(project_id: int, job_id: int, fmt: str, output: Path) -> None:
    """Write the job's results (every tab, as the API's export) to ``output``.

    Written to a temporary file beside ``output`` and renamed into place: a failed export never
    leaves a half-written file under the name a script reads. The project's audit chain head as of
    the export goes with it (a sheet of the workbook; ``OUTPUT.audit-head`` beside a CSV), so the
    saved copy can be checked later with ``tally audit verify --head``."""
    export_format = ExportFormat(fmt)
    settings = get_settings()
    database = await open_writing_database(settings)
    partial = output.with_name(f".{output.name}.partial")
    try:
        async with database.sessionmaker() as session:
            access = await owner_access(session, project_id)
            job = await ResultService(session).get_job(access, job_id)
            head = await AuditService(session).export_head(job.project_id)
            tabs = export_tabs(None)
            if export_format is ExportFormat.CSV:
                with partial.open("wb") as stream:
                    async for chunk in csv_chunks(database, job, tabs, ExportFilter()):
                        await asyncio.to_thread(stream.write, chunk)
            else:
                quality = await QualityService(session).quality_of(job)
                built = await write_xlsx(session, job, tabs, ExportFilter(), quality, head)
                await asyncio.to_thread(shutil.move, built, partial)
        partial.replace(output)
        verify = verify_command(job.project_id, head)
        if export_format is ExportFormat.CSV:
            output.with_name(f"{output.name}.audit-head").write_text(f"{head.token}\n# {verify}\n")
        console.print(
            f"Audit chain head {head.token}; check this copy later with: {verify}", soft_wrap=True
        )
    finally:
        partial.unlink(missing_ok=True)
        await database.dispose()


# Enqueueing checks the task is registered; importing the jobs' task module registers it.
REGISTERED_TASKS = (reconcile_task,)
