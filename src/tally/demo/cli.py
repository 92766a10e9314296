"""`tally demo`: a demo user and project with two sample sources and a completed reconciliation."""

from __future__ import annotations

import typer


def demo(
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the server afterwards."),
) -> None:
    """Create the demo project (once) and serve Tally with it."""
    from tally.demo.commands import run_demo

    run_demo(serve)
