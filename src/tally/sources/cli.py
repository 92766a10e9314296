"""`tally ingest` and `tally source ...`: load files into data sources, list, show, delete them."""

from __future__ import annotations

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

source_app = typer.Typer(
    help="Data sources (load files with `tally ingest`).", no_args_is_help=True
)


@reports_errors
def ingest(
    project: ProjectId,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    name: str = typer.Option(None, help="Data source name (default: the file name)."),
    mapping: str = typer.Option(None, help='JSON mapping, e.g. \'{"amount": "Betrag"}\'.'),
    options: str = typer.Option(None, help="JSON upload options (date_format, on_error, ...)."),
    profile: str = typer.Option(
        None, help="Import profile id (a number, or builtin:<key>) whose options to read FILE with."
    ),
    append_to: int = typer.Option(
        None,
        "--append-to",
        help="Append FILE to this data source: only rows it does not hold yet are added.",
    ),
    include_duplicates: bool = typer.Option(
        False, help="With --append-to: add every row, also those already imported."
    ),
    dry_run: bool = typer.Option(
        False, help="With --append-to: only count new and already imported rows; change nothing."
    ),
) -> None:
    """Load FILE into a new data source of a project, or append it to one (as the project's owner)."""
    from tally.sources.commands import run_ingest

    run_ingest(
        file, project, name, mapping, options, profile, append_to, include_duplicates, dry_run
    )


@source_app.command("list")
@reports_errors
def source_list(
    project: ProjectId,
    json_output: JsonOutput = False,
) -> None:
    """List a project's data sources."""
    from tally.sources import commands

    sources = run_async(commands.list_sources(project))
    if json_output:
        print_json(sources)
        return
    print_table(
        ("id", "name", "format", "status", "rows", "skipped", "file"),
        (
            (
                s["id"],
                s["name"],
                s["format"],
                s["status"],
                s["row_count"],
                s["skipped_count"],
                s["file_name"],
            )
            for s in sources
        ),
    )


@source_app.command("show")
@reports_errors
def source_show(
    project: ProjectId,
    source: int = typer.Argument(..., help="Data source id."),
    json_output: JsonOutput = False,
) -> None:
    """A data source: its status, counts, column mapping and the files appended to it."""
    from tally.sources import commands

    found = run_async(commands.show_source(project, source))
    if json_output:
        print_json(found)
        return
    print_fields(
        (key, found[key])
        for key in (
            "id",
            "name",
            "file_name",
            "format",
            "status",
            "row_count",
            "skipped_count",
            "column_mapping",
            "warnings",
            "error",
            "created_at",
        )
    )
    if found["appends"]:
        print_table(
            ("append", "file", "status", "added", "already imported"),
            (
                (a["id"], a["file_name"], a["status"], a["rows_added"], a["rows_already_imported"])
                for a in found["appends"]
            ),
        )


@source_app.command("delete")
@reports_errors
def source_delete(
    project: ProjectId,
    source: int = typer.Argument(..., help="Data source id."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a data source with its records and the jobs that used it."""
    from tally.sources import commands

    if not yes:
        typer.confirm(f"Delete data source {source} and the jobs that used it?", abort=True)
    run_async(commands.delete_source(project, source))
    typer.echo(f"Deleted data source {source}.")
