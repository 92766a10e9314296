"""`tally apikey ...`: make, list, rotate and revoke a user's API keys from the command line.

Runs with the database's authority on behalf of the user named by --user (as that user's
login would); the secret of a new key is printed once, on standard output, for a script to keep.
Commands import what they need inside themselves, so `tally --help` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from tally.users.auth import Principal

app = typer.Typer(help="API keys for programs (secret shown once).", no_args_is_help=True)
_USER = typer.Option(..., "--user", help="Email of the user the key acts for.")


@app.command("create")
def create(
    user: str = _USER,
    name: str = typer.Option(..., "--name", help="What the key is for."),
    role: str = typer.Option("viewer", "--role", help="viewer, editor or owner (capped at yours)."),
    project: int | None = typer.Option(None, "--project", help="The one project it reaches."),
    expires_days: int | None = typer.Option(365, "--expires-days", help="Days it works."),
    as_json: bool = typer.Option(False, "--json", help="Print the key and secret as JSON."),
) -> None:
    """Make a key; its secret is printed this once."""
    from tally.apikeys.schemas import ApiKeyCreate

    data = ApiKeyCreate.model_validate(
        {"name": name, "role": role, "project_id": project, "expires_in_days": expires_days}
    )
    _show_created(_run(user, lambda service, principal: service.create(principal, data)), as_json)


@app.command("list")
def list_keys(
    user: str = _USER,
    as_json: bool = typer.Option(False, "--json", help="Print the keys as JSON."),
) -> None:
    """The user's keys, newest first, with their last use."""
    from rich.console import Console
    from rich.table import Table

    from tally.apikeys.schemas import ApiKeyRead

    keys = [
        ApiKeyRead.model_validate(key)
        for key in _run(user, lambda service, principal: service.list_keys(principal))
    ]
    if as_json:
        typer.echo("[" + ",".join(key.model_dump_json() for key in keys) + "]")
        return
    table = Table("id", "name", "prefix", "role", "project", "expires", "last used", "revoked")
    for key in keys:
        table.add_row(
            str(key.id),
            key.name,
            key.prefix or "",
            key.role,
            str(key.project_id or "all"),
            str(key.expires_at or "never"),
            str(key.last_used_at or "never"),
            str(key.revoked_at or ""),
        )
    Console().print(table)


@app.command("rotate")
def rotate(
    key_id: int = typer.Argument(..., help="The key's id (see `tally apikey list`)."),
    user: str = _USER,
    overlap_hours: int = typer.Option(24, "--overlap-hours", help="Hours the old key still works."),
    as_json: bool = typer.Option(False, "--json", help="Print the new key and secret as JSON."),
) -> None:
    """A new secret for the key; the old one works for --overlap-hours more."""
    from tally.apikeys.schemas import ApiKeyRotate

    data = ApiKeyRotate(overlap_hours=overlap_hours)
    created = _run(user, lambda service, principal: service.rotate(principal, key_id, data))
    _show_created(created, as_json)


@app.command("revoke")
def revoke(
    key_id: int = typer.Argument(..., help="The key's id (see `tally apikey list`)."),
    user: str = _USER,
) -> None:
    """Stop the key at once."""
    _run(user, lambda service, principal: service.revoke(principal, key_id))
    typer.echo(f"API key {key_id} revoked.", err=True)


def _run(email: str, work: Any) -> Any:
    """``work(service, principal)`` for the user ``email``, in one transaction whose cache
    invalidations reach the servers (a revoked key stops everywhere)."""
    import asyncio

    from tally.kit.cli import reports_errors

    return reports_errors(lambda: asyncio.run(_in_transaction(email, work)))()


async def _in_transaction(email: str, work: Any) -> Any:
    from sqlalchemy.ext.asyncio import AsyncSession

    from tally.apikeys.service import ApiKeyService
    from tally.cache import open_writing_database
    from tally.config import get_settings
    from tally.kit.db import run_in_transaction
    from tally.kit.errors import NotFound
    from tally.kit.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)  # log lines to stderr: stdout holds only the secret
    database = await open_writing_database(settings)
    try:

        async def run(session: AsyncSession) -> Any:
            principal = await _principal(session, email)
            if principal is None:
                raise NotFound(f"No active user with email {email}")
            return await work(ApiKeyService(session), principal)

        return await run_in_transaction(database, run)
    finally:
        await database.dispose()


async def _principal(session: Any, email: str) -> Principal | None:
    from tally.users.auth import Principal
    from tally.users.repository import UserRepository

    user = await UserRepository(session).get_by_email(email.strip().lower())
    if user is None or not user.is_active:
        return None
    return Principal(user.id, user.email, user.role, token="")


def _show_created(created: tuple[Any, str], as_json: bool) -> None:
    from tally.apikeys.schemas import ApiKeyCreated, ApiKeyRead

    key, secret = created
    shown = ApiKeyCreated(key=ApiKeyRead.model_validate(key), secret=secret)
    if as_json:
        typer.echo(shown.model_dump_json())
        return
    typer.echo(secret)
    typer.echo(
        f"API key {shown.key.id} '{shown.key.name}' ({shown.key.role}); the secret above is "
        "shown once: keep it now.",
        err=True,
    )
