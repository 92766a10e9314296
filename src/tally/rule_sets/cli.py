"""`tally rules`: rule sets from the command line (`tally rules infer`).

Everything beyond typer is imported inside the commands, so `tally --help` stays light.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import typer

rules_app = typer.Typer(help="Rule sets.", no_args_is_help=True)


@dataclass(frozen=True)
class _Proposed:
    number: int
    status: str
    inferred: dict[str, Any]  # InferredRules.to_dict()
    evidence: str  # InferredRules.describe()


@rules_app.command("infer")
def infer(
    project: int = typer.Option(..., "--project", help="Project id."),
    left: int = typer.Option(..., "--left", help="Left data source id."),
    right: int = typer.Option(..., "--right", help="Right data source id."),
    activate: bool = typer.Option(
        False, "--activate", help="Activate the proposed version (else it is a draft)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the rules and evidence as JSON."),
) -> None:
    """Propose rules inferred from two sources' records, with their evidence, as a new version
    (as the project's owner). A project without an active version gets it activated."""
    import asyncio
    import json

    from rich.console import Console

    from tally.kit.cli import reports_errors
    from tally.rule_sets.inference import PROPOSED_TITLE

    @reports_errors
    def run() -> _Proposed:
        return asyncio.run(_propose(project, left, right, activate))

    proposed = run()
    if as_json:
        typer.echo(
            json.dumps({"version": proposed.number, "status": proposed.status, **proposed.inferred})
        )
        return
    out = Console()
    out.print(f"Rule-set version {proposed.number} ({proposed.status}), inferred from data.")
    out.print_json(json.dumps(proposed.inferred["rule_set"]))
    out.print(f"\n{PROPOSED_TITLE}:")
    for line in proposed.evidence.splitlines():
        out.print(line, markup=False, highlight=False)


async def _propose(project_id: int, left: int, right: int, activate: bool) -> _Proposed:
    from sqlalchemy.ext.asyncio import AsyncSession

    from tally.cache import open_writing_database
    from tally.config import get_settings
    from tally.kit.db import run_in_transaction
    from tally.projects.auth import owner_access
    from tally.rule_sets.inference import RuleInferenceService

    database = await open_writing_database(get_settings())
    try:

        async def propose(session: AsyncSession) -> _Proposed:
            access = await owner_access(session, project_id)
            version, inferred = await RuleInferenceService(session).propose(
                access, left, right, activate=activate
            )
            return _Proposed(
                version.number, str(version.status), inferred.to_dict(), inferred.describe()
            )

        return await run_in_transaction(database, propose)
    finally:
        await database.dispose()
