"""Test-only tasks for real `tally worker` processes: `tally worker --import tests.helpers.sample_tasks`.

Importing this module registers them into the process-wide registry, as a feature's tasks module
does. They talk to the test through files in the directory passed as an argument, so the test can
see what every process did even after one was killed.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.kit.tasks import TaskContext, task_registry

EFFECT_TASK = "tests.write_effect_once"
QUICK_TASK = "tests.quick"
RETENTION_MARKER_ENV = "TALLY_TEST_RETENTION_DIR"


async def write_effect_once(ctx: TaskContext, *, directory: str, key: str) -> None:
    """Log the start, wait for the test's go-ahead, then apply the effect idempotently.

    ``starts.log`` gets a line per run and ``completions.log`` one per run that got to the end,
    whatever happened before; ``<key>.effect`` is created at most once (O_EXCL), the way a real
    handler writes results under a unique key.
    """
    folder = Path(directory)
    _append(folder / "starts.log", f"{key} attempt={ctx.attempt} pid={os.getpid()}")
    release = folder / "release"
    while not release.exists():  # the test kills the first worker while it waits here
        await asyncio.sleep(0.05)
    try:
        descriptor = os.open(folder / f"{key}.effect", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        pass  # a previous run already applied it: nothing to do
    else:
        os.write(descriptor, f"attempt={ctx.attempt} pid={os.getpid()}\n".encode())
        os.close(descriptor)
    _append(folder / "completions.log", f"{key} attempt={ctx.attempt} pid={os.getpid()}")


async def quick(ctx: TaskContext, *, n: int) -> None:
    """Does nothing; many of these show what the queue keeps around afterwards."""


async def mark_retention(session: AsyncSession, settings: Settings) -> int:
    """A retention hook that leaves a trace when the test asks for one."""
    directory = os.environ.get(RETENTION_MARKER_ENV)
    if directory:
        _append(Path(directory) / "retention.log", f"pid={os.getpid()}")
    return 0


def _append(path: Path, line: str) -> None:
    with path.open("a") as file:
        file.write(line + "\n")


task_registry.register(EFFECT_TASK, write_effect_once)
task_registry.register(QUICK_TASK, quick)
task_registry.register_retention(mark_retention)
