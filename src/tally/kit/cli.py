"""Command-line plumbing shared by the features' commands."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from tally.kit.errors import TallyError

F = TypeVar("F", bound=Callable[..., Any])
_console = Console(stderr=True)


def reports_errors(command: F) -> F:
    """Show an expected error as its message and details (as the API would), not a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TallyError as error:
            _console.print(f"[red]{type(error).__name__}:[/red] {error.detail}")
            if error.fields:
                _console.print_json(json.dumps(error.fields, default=str))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]
