"""`tally watch` and `tally inbox ...`: statements picked up from folders, SFTP and object stores."""

from __future__ import annotations

from typing import Any

import typer

from tally.kit.cli import (
    JsonOutput,
    ProjectId,
    print_json,
    print_table,
    reports_errors,
    run_async,
)

inbox_app = typer.Typer(
    help="Inboxes: where statements land, polled by `tally watch`.", no_args_is_help=True
)


@reports_errors
def watch(
    project: int = typer.Option(None, "--project", help="Only this project's inboxes."),
    once: bool = typer.Option(
        False, "--once", help="Poll every inbox once, whatever its schedule, and exit."
    ),
    interval: float = typer.Option(15.0, min=1.0, help="Seconds between looks for due inboxes."),
    json_output: bool = typer.Option(
        False, "--json", help="Print each file taken as a JSON line on stdout."
    ),
) -> None:
    """Poll the configured inboxes: append each new file to its data source, then reconcile."""
    import json
    from dataclasses import asdict

    from tally.intake import commands

    def report(arrival: Any) -> None:
        if json_output:
            print(json.dumps(asdict(arrival)), flush=True)
            return
        outcome = {
            "processed": f"appended {arrival.rows_added} new rows"
            + (f", job {arrival.job_id}" if arrival.job_id else ""),
            "failed": f"FAILED: {arrival.reason}",
            "duplicate": f"ignored, {arrival.reason}",
            "waiting": f"left for the next poll: {arrival.reason}",
        }[arrival.status]
        typer.echo(f"inbox {arrival.inbox_id}: {arrival.name}: {outcome}", err=True)

    try:
        arrivals = run_async(commands.watch(project, once, interval, report))
    except KeyboardInterrupt:
        return
    if once and any(a.status == "failed" for a in arrivals):
        raise typer.Exit(1)


@inbox_app.command("create")
@reports_errors
def inbox_create(
    project: ProjectId,
    url: str = typer.Argument(..., help="A folder, sftp://user@host/path, s3://bucket/prefix."),
    source: int = typer.Option(..., "--source", help="Data source each new file is appended to."),
    counterpart: int = typer.Option(
        None, "--counterpart", help="Source to reconcile with (default: that of its latest job)."
    ),
    pattern: str = typer.Option("*", help="Glob of the file names to take."),
    profile: str = typer.Option(None, help="Import profile id (a number, or builtin:<key>)."),
    poll_seconds: int = typer.Option(300, help="How often to look (seconds)."),
    name: str = typer.Option(None, help="A name (default: the URL)."),
    json_output: JsonOutput = False,
) -> None:
    """Configure an inbox for a data source."""
    from tally.intake import commands

    values = {
        "name": name or url,
        "url": url,
        "pattern": pattern,
        "data_source_id": source,
        "counterpart_source_id": counterpart,
        "profile_id": profile,
        "poll_seconds": poll_seconds,
    }
    inbox = run_async(commands.create_inbox(project, values))
    if json_output:
        print_json(inbox)
    else:
        typer.echo(f"Inbox {inbox['id']} watches {url} for data source {source}.")


@inbox_app.command("list")
@reports_errors
def inbox_list(
    project: ProjectId,
    json_output: JsonOutput = False,
) -> None:
    """A project's inboxes."""
    from tally.intake import commands

    inboxes = run_async(commands.list_inboxes(project))
    if json_output:
        print_json(inboxes)
        return
    print_table(
        ("id", "url", "pattern", "source", "counterpart", "every", "enabled", "last polled"),
        (
            (
                i["id"],
                i["url"],
                i["pattern"],
                i["data_source_id"],
                i["counterpart_source_id"],
                f"{i['poll_seconds']} s",
                i["enabled"],
                i["last_polled_at"],
            )
            for i in inboxes
        ),
    )
