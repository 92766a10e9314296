"""`tally project ...`: create, list and inspect projects and their members from a script."""

from __future__ import annotations

from typing import Any

import typer

from tally.kit.cli import (
    JsonOutput,
    print_fields,
    print_json,
    print_table,
    reports_errors,
    run_async,
)

project_app = typer.Typer(help="Projects and their members.", no_args_is_help=True)


@project_app.command("create")
@reports_errors
def project_create(
    name: str = typer.Argument(..., help="The project's name."),
    owner: str = typer.Option(..., "--owner", help="Email of the user who owns the project."),
    description: str = typer.Option("", help="A description."),
    json_output: JsonOutput = False,
) -> None:
    """Create a project owned by a user (made with `tally user create`)."""
    from tally.projects import commands

    project = run_async(commands.create_project(name, description, owner))
    if json_output:
        print_json(project)
    else:
        typer.echo(f"Created project {project['id']} ({project['name']}), owned by {owner}.")


@project_app.command("list")
@reports_errors
def project_list(
    member: str = typer.Option(None, "--member", help="Only the projects of this user (email)."),
    search: str = typer.Option(None, help="Only projects whose name contains this text."),
    json_output: JsonOutput = False,
) -> None:
    """List projects, newest first."""
    from tally.projects import commands

    projects = run_async(commands.list_projects(member, search))
    if json_output:
        print_json(projects)
        return
    print_table(
        ("id", "name", "owner", "created"),
        ((p["id"], p["name"], p["owner_id"], p["created_at"]) for p in projects),
    )


@project_app.command("show")
@reports_errors
def project_show(
    project: int = typer.Argument(..., help="Project id."),
    json_output: JsonOutput = False,
) -> None:
    """A project with its stats (as of its last completed job)."""
    from tally.projects import commands

    found = run_async(commands.show_project(project))
    if json_output:
        print_json(found)
        return
    stats = found["stats"]

    def money(figures: dict[str, Any], key: str) -> str:
        # As the API presents it: the currency's own places, the currency beside the amount;
        # a project in several currencies shows each, never their sum.
        if figures["by_currency"]:
            return ", ".join(
                f"{part[key]} {part['currency'] or ''}".rstrip() for part in figures["by_currency"]
            )
        return f"{figures[key]} {figures['currency'] or ''}".rstrip()

    print_fields(
        [
            ("id", found["id"]),
            ("name", found["name"]),
            ("description", found["description"]),
            ("owner", found["owner_id"]),
            ("records", stats["record_count"]),
            ("matched", f"{stats['matched_count']} ({money(stats, 'matched_amount')})"),
            ("unmatched", f"{stats['unmatched_count']} ({money(stats, 'unmatched_amount')})"),
            ("match rate", f"{stats['match_rate']:.1%}"),
            ("last job", (stats["last_job"] or {}).get("id")),
        ]
    )
    print_table(
        ("source", "name", "status", "rows"),
        ((s["id"], s["name"], s["status"], s["row_count"]) for s in stats["sources"]),
    )


@project_app.command("members")
@reports_errors
def project_members(
    project: int = typer.Argument(..., help="Project id."),
    add: str = typer.Option(None, "--add", help="Add this user (email), or change their role."),
    role: str = typer.Option("viewer", help="With --add: viewer or editor."),
    remove: str = typer.Option(None, "--remove", help="Remove this user (email)."),
    json_output: JsonOutput = False,
) -> None:
    """List a project's members; --add / --remove change them first."""
    from tally.projects import commands

    members = run_async(commands.project_members(project, add, role, remove))
    if json_output:
        print_json(members)
        return
    print_table(("user", "email", "role"), ((m["user_id"], m["email"], m["role"]) for m in members))
