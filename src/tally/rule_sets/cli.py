"""`tally rules`: rule sets from the command line (`tally rules infer`).

Everything beyond typer is imported inside the commands, so `tally --help` stays light.
"""

from __future__ import annotations

import typer

rules_app = typer.Typer(help="Rule sets.", no_args_is_help=True)


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
    (as the project's owner). A project without an active version gets it activated. Sources
    above TALLY_INFER_INLINE_MAX_RECORDS are inferred as a background run, watched here with a
    progress bar."""
    import asyncio
    import json

    from rich.console import Console

    from tally.kit.cli import reports_errors
    from tally.rule_sets.commands import Proposed, propose
    from tally.rule_sets.inference import PROPOSED_TITLE

    @reports_errors
    def run() -> Proposed:
        return asyncio.run(propose(project, left, right, activate))

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
    for line in proposed.evidence:
        out.print(f"- {line}", markup=False, highlight=False)
