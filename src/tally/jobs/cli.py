"""`tally reconcile` and `tally job ...`: run, watch, list, cancel, retry and export jobs."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from tally.kit.cli import (
    JsonOutput,
    ProjectId,
    print_fields,
    print_json,
    print_table,
    reports_errors,
    run_async,
)

job_app = typer.Typer(
    help="Reconciliation jobs (start one with `tally reconcile`).", no_args_is_help=True
)


class ExportFormatChoice(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@reports_errors
def reconcile(
    project: ProjectId,
    left: int = typer.Option(..., "--left", help="Left data source id."),
    right: int = typer.Option(..., "--right", help="Right data source id."),
    rules: Path = typer.Option(None, "--rules", exists=True, dir_okay=False, help="Rule set JSON."),
    wait: bool = typer.Option(False, "--wait", help="Run the job here and show its progress."),
    json_output: bool = typer.Option(False, "--json", help="Print the job as JSON on stdout."),
) -> None:
    """Reconcile two data sources of a project (as the project's owner)."""
    from tally.jobs.commands import run_reconcile

    run_reconcile(project, left, right, rules, wait, json_output)


@job_app.command("list")
@reports_errors
def job_list(
    project: ProjectId,
    json_output: JsonOutput = False,
) -> None:
    """A project's most recent jobs, newest first."""
    from tally.jobs import commands

    jobs = run_async(commands.list_jobs(project))
    if json_output:
        print_json(jobs)
        return
    print_table(
        ("number", "id", "status", "left", "right", "progress", "created", "finished"),
        (
            (
                j["number"],
                j["id"],
                j["status"],
                j["left_source_id"],
                j["right_source_id"],
                f"{j['progress']:.0%}",
                j["created_at"],
                j["finished_at"],
            )
            for j in jobs
        ),
    )


@job_app.command("show")
@reports_errors
def job_show(
    project: ProjectId,
    job: int = typer.Argument(..., help="Job id."),
    json_output: JsonOutput = False,
) -> None:
    """A job: its status, progress, error and (once completed) its summary."""
    from tally.jobs import commands

    found = run_async(commands.show_job(project, job))
    if json_output:
        print_json(found)
        return
    print_fields(
        (key, found[key])
        for key in (
            "number",
            "id",
            "status",
            "left_source_id",
            "right_source_id",
            "progress",
            "attempts",
            "rule_set_version",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        )
    )
    if found["summary"]:
        from tally.jobs.commands import print_summary
        from tally.jobs.schemas import JobSummary

        print_summary(JobSummary.model_validate(found["summary"]))


@job_app.command("cancel")
@reports_errors
def job_cancel(
    project: ProjectId,
    job: int = typer.Argument(..., help="Job id."),
    json_output: JsonOutput = False,
) -> None:
    """Cancel a queued job, or ask a running one to stop (exit 4 if it already finished)."""
    from tally.jobs import commands

    found = run_async(commands.cancel_job(project, job))
    if json_output:
        print_json(found)
    elif found["status"] == "running":
        typer.echo(f"Job {job} asked to stop; it stops at its next check.")
    else:
        typer.echo(f"Job {job} {found['status']}.")


@job_app.command("retry")
@reports_errors
def job_retry(
    project: ProjectId,
    job: int = typer.Argument(..., help="Job id."),
    json_output: JsonOutput = False,
) -> None:
    """Queue a failed or cancelled job again (exit 4 for any other job)."""
    from tally.jobs import commands

    found = run_async(commands.retry_job(project, job))
    if json_output:
        print_json(found)
    else:
        typer.echo(f"Job {job} queued again.")


@job_app.command("export")
@reports_errors
def job_export(
    project: ProjectId,
    job: int = typer.Argument(..., help="Job id."),
    export_format: ExportFormatChoice = typer.Option(
        ExportFormatChoice.CSV, "--format", help="csv (streamed) or xlsx (with a quality sheet)."
    ),
    output: Path = typer.Option(
        ..., "--output", "-o", dir_okay=False, writable=True, help="The file to write."
    ),
) -> None:
    """Export a job's results, one row per record with its match and explanation."""
    from tally.jobs import commands

    run_async(commands.export_job(project, job, export_format.value, output))
    typer.echo(f"Wrote {output} ({output.stat().st_size:,} bytes).")
