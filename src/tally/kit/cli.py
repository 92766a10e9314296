"""Command-line plumbing shared by the features' commands: errors as exit codes, output as a table
for a person or JSON for a script.

Light on purpose (the standard library and typer only): every `tally` command imports this module,
and `tally --help` must not pay for the web app, the ORM or pydantic (see tally/cli.py).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Coroutine, Iterable, Sequence
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

# Exit codes a script can branch on (docs/automation.md); click itself exits 2 on a bad option.
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_FOUND = 3
EXIT_CONFLICT = 4

JSON_HELP = "Print machine-readable JSON on stdout instead of a table."
# Parameter types every command spells the same way: `json_output: JsonOutput = False`,
# `project: ProjectId` (required; put it before the parameters that have defaults).
JsonOutput = Annotated[bool, typer.Option("--json", help=JSON_HELP)]
ProjectId = Annotated[int, typer.Option("--project", help="Project id.")]


def exit_code_for(status_code: int) -> int:
    """The exit code of an expected error, from the HTTP status the API answers it with."""
    if status_code == 404:
        return EXIT_NOT_FOUND
    if status_code == 409:
        return EXIT_CONFLICT
    if status_code in (400, 413, 415, 422):
        return EXIT_BAD_INPUT
    return EXIT_FAILURE


def reports_errors(command: F) -> F:
    """Show an expected error as its message and details (as the API would), not a traceback, and
    exit with the code of its kind: bad input 2, not found 3, conflict 4, anything else 1. Also
    sends the command's log lines to stderr."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _log_to_stderr()
        try:
            return command(*args, **kwargs)
        except Exception as error:
            # Imported only once a command failed: by then it has loaded these modules anyway.
            from pydantic import ValidationError

            from tally.kit.errors import TallyError

            if isinstance(error, TallyError):
                fail(f"{type(error).__name__}: {error.detail}", exit_code_for(error.status_code))
                if error.fields:
                    print(json.dumps(error.fields, default=str, indent=2), file=sys.stderr)
                raise typer.Exit(exit_code_for(error.status_code)) from None
            if isinstance(error, ValidationError):
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}"
                    for e in error.errors()
                )
                fail(f"Invalid input: {problems}", EXIT_BAD_INPUT)
                raise typer.Exit(EXIT_BAD_INPUT) from None
            raise

    return wrapper  # type: ignore[return-value]


def _log_to_stderr() -> None:
    """Log lines go to stderr, readable, at TALLY_LOG_LEVEL: stdout is the command's output
    (JSON a script parses). Imported here, once a command runs, not for --help."""
    import logging

    import structlog

    from tally.config import get_settings

    level = logging.getLevelName(get_settings().log_level.upper())
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(
            level if isinstance(level, int) else logging.INFO
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )


def run_async(work: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(work)``, with asyncio imported only by the command that runs (18 ms saved
    on every ``--help``)."""
    import asyncio

    return asyncio.run(work)


def fail(message: str, exit_code: int = EXIT_FAILURE) -> None:
    """Print an error line on stderr (the caller raises ``typer.Exit(exit_code)``)."""
    from rich.console import Console

    Console(stderr=True).print(
        f"[red]{message}[/red]" if exit_code else message, highlight=False, soft_wrap=True
    )


def stop(message: str, exit_code: int) -> typer.Exit:
    """Print ``message`` on stderr and return the Exit to raise: ``raise stop("...", 3)``."""
    fail(message, exit_code)
    return typer.Exit(exit_code)


def print_json(data: Any) -> None:
    """``data`` as JSON on stdout: Decimals as strings (money stays exact), dates in ISO form."""
    print(json.dumps(data, default=_json_default, indent=2))


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "") -> None:
    """Rows as a table on stdout for a person (a script passes --json)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, title=title or None, title_justify="left")
    for row in rows:
        table.add_row(*("" if value is None else str(value) for value in row))
    Console().print(table)


def print_fields(fields: Iterable[tuple[str, Any]]) -> None:
    """One ``name: value`` line per field on stdout, for a single object."""
    from rich.console import Console

    console = Console()
    for name, value in fields:
        shown = (
            json.dumps(value, default=_json_default) if isinstance(value, dict | list) else value
        )
        console.print(f"[bold]{name}[/bold]: {'' if shown is None else shown}", highlight=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
