"""`tally audit verify`: recompute the audit chains from the command line (exit 1 if broken)."""

from __future__ import annotations

import typer

audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@audit_app.command("verify")
def verify(
    project: int | None = typer.Option(None, "--project", help="Only this project's chain."),
    head: str | None = typer.Option(
        None, "--head", help="SEQ:HASH from an export's X-Tally-Audit-Head (needs --project)."
    ),
) -> None:
    """Recompute each project's audit chain and name the first broken link."""
    import asyncio

    from tally.audit.schemas import ChainLink, ChainVerification
    from tally.audit.service import AuditService
    from tally.config import get_settings
    from tally.kit.db import run_in_transaction
    from tally.kit.migrate import open_database

    expected = None
    if head is not None:
        expected = ChainLink.parse(head)
        if project is None or expected is None:
            raise typer.BadParameter("use --project ID --head SEQ:HASH", param_hint="--head")

    async def run() -> list[ChainVerification]:
        database = await open_database(get_settings())
        try:
            return await run_in_transaction(
                database, lambda s: AuditService(s).verify(project, expected_head=expected)
            )
        finally:
            await database.dispose()

    results = asyncio.run(run())
    for result in results:
        if result.first_broken is None:
            head_text = result.head.token if result.head else "empty"
            typer.echo(f"project {result.project_id}: ok, {result.events} events, head {head_text}")
        else:
            broken = result.first_broken
            typer.echo(
                f"project {result.project_id}: BROKEN at event {broken.seq} "
                f"(id {broken.event_id}): {broken.reason}"
            )
    if not all(result.valid for result in results):
        raise typer.Exit(1)
