"""What several benchmarks need alike: a scratch PostgreSQL database, a measurement in a child."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg


def plain_url(url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL (psycopg and psql take no driver name)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def fresh_database(admin_url: str, name: str) -> str:
    """(Re)create database ``name`` empty on the server of ``admin_url``; returns its URL."""
    with psycopg.connect(plain_url(admin_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


@contextmanager
def scratch_database(admin_url: str, name: str) -> Iterator[str]:
    """A fresh database ``name`` for the span of a ``with`` block (its URL), dropped after it."""
    url = fresh_database(admin_url, name)
    try:
        yield url
    finally:
        with psycopg.connect(plain_url(admin_url), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_json_child(module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module args`` (a measurement in a process of its own, so its peak memory is
    its own) and return the JSON object its last output line holds."""
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TALLY_LOG_LEVEL": "WARNING"},
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def peak_rss_mb() -> float:
    """This process's own high-water RSS. Not ru_maxrss: Linux carries that across exec from the
    parent (signal->maxrss), so a child started by a big parent reports the parent's peak."""
    return _status_mb("VmHWM:")


def rss_mb() -> float:
    """This process's RSS now."""
    return _status_mb("VmRSS:")


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def spread(values: list[float]) -> dict[str, float]:
    """min / median / max of a benchmark's runs (with few runs a high percentile is the max)."""
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


def spread_text(values: list[float], unit: str = "s", digits: int = 2) -> str:
    """`min / median / max unit` for a report cell."""
    s = spread(values)
    return f"{s['min']:.{digits}f} / **{s['median']:.{digits}f}** / {s['max']:.{digits}f} {unit}".rstrip()


def load_average() -> float:
    """The 1-minute load average now (the machine is shared: each figure says what it ran beside)."""
    return round(os.getloadavg()[0], 2)


def server_settings(url: str) -> dict[str, Any]:
    """The durability settings of the database at ``url``, stated beside every figure."""
    if url.startswith("sqlite"):
        return {"backend": "sqlite", "durable": True, "synchronous": "default of the engine"}
    names = ("fsync", "synchronous_commit", "full_page_writes", "server_version")
    with psycopg.connect(plain_url(url), autocommit=True) as connection:
        values = {name: str(connection.execute(f"SHOW {name}").fetchone()[0]) for name in names}  # type: ignore[index]
    durable = all(values[name] == "on" for name in names[:3])
    return {"backend": "postgresql", "durable": durable, **values}


def settings_text(settings: dict[str, Any]) -> str:
    """How a report names the server a figure ran against."""
    if settings["backend"] == "sqlite":
        return "SQLite (Tally's own settings)"
    state = "durable: PostgreSQL's defaults" if settings["durable"] else "NOT durable"
    return (
        f"PostgreSQL {settings['server_version']} ({state}; fsync={settings['fsync']}, "
        f"synchronous_commit={settings['synchronous_commit']}, "
        f"full_page_writes={settings['full_page_writes']})"
    )


def write_results(path: Path, *, command: str, **payload: Any) -> None:
    """The raw runs behind a report, stored beside it (``scripts/bench report`` reads them)."""
    body = {
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average_1m_at_end": load_average(),
        **payload,
    }
    path.write_text(json.dumps(body, indent=1, default=str) + "\n")
