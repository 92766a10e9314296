"""`tally user ...`: create, list and deactivate users, reset a password."""

from __future__ import annotations

import getpass

import typer

from tally.kit.cli import JsonOutput, print_json, print_table, reports_errors, run_async

user_app = typer.Typer(help="Users.", no_args_is_help=True)


@user_app.command("create")
@reports_errors
def user_create(
    email: str,
    password: str = typer.Option(None, help="Prompted for when omitted."),
    admin: bool = typer.Option(False, "--admin", help="Grant the administrator role."),
    json_output: JsonOutput = False,
) -> None:
    """Create a user who can log in to the API and the web app."""
    from tally.users import commands

    password = password or getpass.getpass("Password: ")
    user = run_async(commands.create_user(email, password, admin))
    if json_output:
        print_json(user)
    else:
        typer.echo(f"Created user {user['id']} ({user['role']}).")


@user_app.command("list")
@reports_errors
def user_list(json_output: JsonOutput = False) -> None:
    """List every user."""
    from tally.users import commands

    users = run_async(commands.list_users())
    if json_output:
        print_json(users)
        return
    print_table(
        ("id", "email", "role", "active", "created"),
        ((u["id"], u["email"], u["role"], u["is_active"], u["created_at"]) for u in users),
    )


@user_app.command("deactivate")
@reports_errors
def user_deactivate(
    email: str,
    reactivate: bool = typer.Option(False, "--reactivate", help="Let the user log in again."),
    json_output: JsonOutput = False,
) -> None:
    """Stop a user from logging in (their tokens stop working at once); --reactivate undoes it."""
    from tally.users import commands

    user = run_async(commands.set_active(email, reactivate))
    if json_output:
        print_json(user)
    else:
        typer.echo(f"User {user['email']} is {'active' if user['is_active'] else 'deactivated'}.")


@user_app.command("reset-password")
@reports_errors
def user_reset_password(
    email: str,
    password: str = typer.Option(None, help="The new password (prompted for when omitted)."),
) -> None:
    """Set a new password for a user; every session and API token they had is revoked."""
    from tally.users import commands

    password = password or getpass.getpass("New password: ")
    user = run_async(commands.reset_password(email, password))
    typer.echo(f"Password of {user['email']} reset; their sessions were ended.")
