"""Scale of one job spread over `tally worker` processes on PostgreSQL (procrastinate).

    python -m bench.partition.scale --size 1000000 --workers 1 2 [--part-records 500000]

A synthetic bank/ledger pair of ``--size`` bank lines (generate_mixed, 5% split payments, the
rules sharing the reference key; ``--skewed`` puts 30% of the bank lines and their ledger lines on
one reference, which the plan keeps whole as an oversized key) is loaded once into PostgreSQL
(TALLY_TEST_DATABASE_URL, as scripts/bench provides), with one job per run over the same sources:
unpartitioned on one worker, then partitioned on each ``--workers`` count. Each run starts its
worker processes (`tally worker --concurrency 1`, waited for before the clock starts), queues the
job's task and ends when the job is completed and its results indexed, as a user waits for it.

Per run: wall time; each worker's peak RSS (VmHWM) and its RSS sampled every 0.2 s by phase of
the job (plan and stage, parts, merge and write); PostgreSQL's CPU (its processes' user + system
time, exited backends included through the postmaster's children times) and I/O (blocks read,
WAL written, temporary files); the job's parts and phases. Every partitioned run's stored
matches, duplicates and unmatched records must equal the unpartitioned run's (a digest per job,
computed in SQL); a difference fails the benchmark. Writes REPORT-scale[-skewed].md and
results-scale[-skewed].json beside this file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.ext.asyncio import AsyncSession

import tally.jobs.tasks  # noqa: F401  (registers the reconcile task the queue checks)
from bench._common import (
    fresh_database,
    load_average,
    plain_url,
    server_settings,
    settings_text,
    write_results,
)
from bench.ingest.bench_ingest import _seed
from bench.jobs.bench_job import _load_pair
from bench.partition.overhead import keyed_rules
from tally.config import Settings
from tally.jobs.service import RECONCILE_TASK
from tally.kit.db import Database, run_in_transaction
from tally.kit.tasks.procrastinate_queue import ProcrastinateQueue
from tally.matching.synthetic import generate_mixed
from tally.models import JobStatus, Partitioning, ReconciliationJob

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SAMPLE_S = 0.2
# The job's first task: load and plan, then stage the parts (partitioned) or match and write
# everything (unpartitioned).
RECONCILE_PHASE = "reconcile task"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Each job's outcome as one number per table, order included where the engine numbers matches:
# sums of 60-bit slices of each row's md5 (string_agg would pass PostgreSQL's 1 GB at 5M rows).
_ROW_HASH = "sum(('x' || substr(md5({row}), 1, 15))::bit(60)::bigint::numeric)"
DIGESTS = {
    "matches": f"""
        WITH members AS (
            SELECT match_id, string_agg(side || ':' || record_id, ';' ORDER BY side, record_id) AS m
            FROM match_record WHERE job_id = %(job)s GROUP BY match_id
        ), ranked AS (
            SELECT row_number() OVER (ORDER BY number) AS at, rule, status, category, score,
                   amount_difference, evidence, members.m
            FROM match JOIN members ON members.match_id = match.id WHERE job_id = %(job)s
        )
        SELECT count(*), {
        _ROW_HASH.format(
            row="concat_ws(',', at, rule, status, category, score, amount_difference, evidence, m)"
        )
    } FROM ranked""",
    "duplicates": f"""
        SELECT count(*), {_ROW_HASH.format(row="concat_ws(',', record_id, side, group_id)")}
        FROM record_duplicate WHERE job_id = %(job)s""",
    "unmatched": f"""
        SELECT count(*), {_ROW_HASH.format(row="concat_ws(',', record_id, side)")}
        FROM unmatched_record WHERE job_id = %(job)s""",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000, help="bank lines")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--part-records", type=int, default=500_000)
    parser.add_argument("--skewed", action="store_true", help="one reference on 30% of the rows")
    parser.add_argument("--report-only", action="store_true", help="re-render the stored runs")
    args = parser.parse_args()
    suffix = "-skewed" if args.skewed else ""
    if args.report_only:
        stored = json.loads((HERE / f"results-scale{suffix}.json").read_text())
        args.size, args.part_records = stored["size"], stored["part_records"]
        report = HERE / f"REPORT-scale{suffix}.md"
        _report(
            stored["runs"], stored["command"], stored["settings"], args, stored["records"], report
        )
        return
    url = fresh_database(os.environ["TALLY_TEST_DATABASE_URL"], "tally_bench_partition_scale")
    work = Path(os.environ.get("TMPDIR", "/tmp")) / "tally-bench-partition-scale"
    work.mkdir(exist_ok=True)
    started = time.perf_counter()
    project = asyncio.run(_seed(url, work))
    scenario = generate_mixed(args.size, seed=7, split_share=0.05)
    left, right = scenario.left, scenario.right
    if args.skewed:
        left, right = _skewed(left, right)
    rules = keyed_rules(scenario.rule_set)
    total = left.height + right.height
    base_job = asyncio.run(_load_pair(url, project, left, right, rules))
    del left, right, scenario
    loaded_s = time.perf_counter() - started
    print(f"loaded {total:,} records in {loaded_s:.0f} s", flush=True)

    plans = [("unpartitioned", "off", 1)] + [(f"{n} worker(s)", "on", n) for n in args.workers]
    runs: list[dict[str, Any]] = []
    for label, partitioning, workers in plans:
        job_id = _copy_job(url, base_job, partitioning)
        run = _run(url, job_id, workers, args.part_records, work)
        run.update(label=label, partitioning=partitioning, workers=workers)
        runs.append(run)
        print("run", json.dumps(run, default=str), flush=True)
    expected = runs[0]["digest"]
    for run in runs[1:]:
        if run["digest"] != expected:
            raise SystemExit(f"{run['label']}: outcome differs from one worker's: {run['digest']}")
    command = f"python -m bench.partition.scale {' '.join(sys.argv[1:])}".strip()
    settings = server_settings(url)
    write_results(
        HERE / f"results-scale{suffix}.json",
        command=command,
        settings=settings,
        size=args.size,
        part_records=args.part_records,
        records=total,
        load_s=loaded_s,
        runs=runs,
    )
    _report(runs, command, settings, args, total, HERE / f"REPORT-scale{suffix}.md")


def _skewed(left: Any, right: Any) -> tuple[Any, Any]:
    """30% of the references (and so of the pairs, both sides) replaced by one value."""
    import polars as pl

    hot = pl.col("reference").hash(seed=1) % 10 < 3
    swap = pl.when(hot).then(pl.lit("ACME-HOLDINGS")).otherwise(pl.col("reference"))
    return left.with_columns(swap.alias("reference")), right.with_columns(swap.alias("reference"))


def _copy_job(url: str, job_id: int, partitioning: str) -> int:
    """A new queued job over the same sources and rules (each run's results kept apart)."""

    async def copy(session: AsyncSession) -> int:
        job = await session.get(ReconciliationJob, job_id)
        assert job is not None
        twin = ReconciliationJob(
            project_id=job.project_id,
            left_source_id=job.left_source_id,
            right_source_id=job.right_source_id,
            rules=job.rules,
            status=JobStatus.QUEUED,
            partitioning=Partitioning(partitioning),
        )
        session.add(twin)
        await session.flush()
        return twin.id

    return asyncio.run(_in_transaction(url, copy))


async def _in_transaction(url: str, work: Any) -> Any:
    database = Database(Settings(TALLY_ENV="production"), url=url)
    try:
        return await run_in_transaction(database, work)
    finally:
        await database.dispose()


async def _enqueue(url: str, job_id: int) -> None:
    """The job's reconcile task, queued as the API queues it."""
    settings = Settings(TALLY_ENV="production", DATABASE_URL=url)
    database = Database(settings, url=url)
    queue = ProcrastinateQueue(settings=settings, database=database)
    try:
        await run_in_transaction(
            database, lambda s: queue.enqueue(s, RECONCILE_TASK, job_id=job_id)
        )
    finally:
        await queue.stop()
        await database.dispose()


def _run(url: str, job_id: int, workers: int, part_records: int, work: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TALLY_ENV": "production",
        "TALLY_TASK_BACKEND": "procrastinate",
        "TALLY_LOG_LEVEL": "INFO",
        "TALLY_PARTITION_MIN_RECORDS": "1",
        "TALLY_PARTITION_RECORDS": str(part_records),
        "TALLY_DATA_DIR": str(work),
    }
    logs = [work / f"worker-{job_id}-{n}.log" for n in range(workers)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tally.cli", "worker", "--concurrency", "1"],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        for log in logs
    ]
    try:
        for log in logs:
            _wait_for(lambda log=log: "tasks.worker_started" in log.read_text(), "worker start")
        load = load_average()
        with psycopg.connect(plain_url(url), autocommit=True) as connection:
            before = _postgres_usage(connection)
            started = time.perf_counter()
            asyncio.run(_enqueue(url, job_id))
            peaks, phases_seen = _watch(connection, job_id, [p.pid for p in processes])
            wall = time.perf_counter() - started
            after = _postgres_usage(connection)
            hwm = [_status_kb(p.pid, "VmHWM:") / 1024 for p in processes]
            job = connection.execute(
                "SELECT status, summary, partitions, error FROM reconciliation_job WHERE id = %s",
                (job_id,),
            ).fetchone()
            assert job is not None
            digest = {
                name: [str(v) for v in connection.execute(query, {"job": job_id}).fetchone() or ()]
                for name, query in DIGESTS.items()
            }
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    status, summary, partitions, error = job
    if status != "completed":
        raise RuntimeError(f"job {job_id} {status}: {error}")
    summary = summary or {}
    partitions = partitions or {}
    return {
        "job_id": job_id,
        "seconds": round(wall, 2),
        "load_average_1m": load,
        "peak_rss_mb": [round(mb, 1) for mb in hwm],
        "rss_by_phase_mb": peaks,
        "phases_seen": phases_seen,
        "job_seconds": summary.get("seconds"),
        "phases": summary.get("phases"),
        "matches": summary.get("matches"),
        "parts": partitions.get("parts", 1),
        "records_per_part": partitions.get("records_per_part"),
        "oversized_keys": partitions.get("oversized_keys"),
        "boundary_share": partitions.get("boundary_share"),
        "postgres": {name: round(after[name] - before[name], 2) for name in after},
        "task_seconds": task_seconds(logs),
        "digest": digest,
    }


def _watch(
    connection: psycopg.Connection[Any], job_id: int, pids: list[int]
) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Sample every worker's RSS by phase until the job is completed and indexed; the peak per
    phase and worker (MB), and when each phase was first seen (s after the start)."""
    peaks: dict[str, list[float]] = {}
    seen: dict[str, float] = {}
    started = time.perf_counter()
    while True:
        row = connection.execute(
            "SELECT status, partitions, results_indexed_at FROM reconciliation_job WHERE id = %s",
            (job_id,),
        ).fetchone()
        assert row is not None
        status, partitions, indexed = row
        if status in ("failed", "cancelled") or (status == "completed" and indexed is not None):
            return peaks, seen
        if status != "running":
            phase = "queued"
        elif not partitions or "tasks" not in partitions:
            phase = RECONCILE_PHASE
        elif partitions["tasks_done"] < partitions["tasks"]:
            phase = "parts"
        else:
            phase = "merge and write"
        if status == "completed":
            phase = "index"
        seen.setdefault(phase, round(time.perf_counter() - started, 2))
        sample = [_status_kb(pid, "VmRSS:") / 1024 for pid in pids]
        peaks[phase] = [
            round(max(a, b), 1) for a, b in zip(peaks.get(phase, sample), sample, strict=True)
        ]
        time.sleep(SAMPLE_S)


def _postgres_usage(connection: psycopg.Connection[Any]) -> dict[str, float]:
    """PostgreSQL's CPU seconds so far (every process of the server, exited ones included) and
    its I/O counters (blocks read from outside its buffers, WAL and temporary bytes written)."""
    backend = int(connection.execute("SELECT pg_backend_pid()").fetchone()[0])  # type: ignore[index]
    postmaster = int(_stat(backend)[_PPID])
    ticks = sum(float(v) for v in _stat(postmaster)[_UTIME : _CSTIME + 1])  # own + exited children
    for pid in _children(postmaster):
        ticks += sum(float(v) for v in _stat(pid)[_UTIME : _STIME + 1])
    read, temp = connection.execute(
        "SELECT sum(blks_read), sum(temp_bytes) FROM pg_stat_database"
    ).fetchone()  # type: ignore[misc]
    wal = connection.execute("SELECT wal_bytes FROM pg_stat_wal").fetchone()[0]  # type: ignore[index]
    return {
        "cpu_s": round(ticks / CLOCK_TICKS, 2),
        "read_mb": round(float(read) * 8192 / 2**20, 1),
        "wal_mb": round(float(wal) / 2**20, 1),
        "temp_mb": round(float(temp) / 2**20, 1),
    }


# /proc/PID/stat fields (proc(5) numbers them from 1; here from the state, field 3, at 0).
_PPID, _UTIME, _STIME, _CSTIME = 4 - 3, 14 - 3, 15 - 3, 17 - 3


def _stat(pid: int) -> list[str]:
    # Fields after the command name (which may hold spaces).
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[_PPID]) == parent:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    return found


def task_seconds(logs: list[Path]) -> dict[str, list[float]]:
    """Each task's run time by task name, from the workers' logs (tasks.succeeded)."""
    found: dict[str, list[float]] = {}
    for log in logs:
        for line in log.read_text().splitlines():
            if '"tasks.succeeded"' in line:
                event = json.loads(line)
                found.setdefault(event["task"], []).append(event["duration_s"])
    return found


def _status_kb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return float(line.split()[1])
    except FileNotFoundError:
        pass
    return 0.0


def _wait_for(condition: Any, what: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _report(
    runs: list[dict[str, Any]],
    command: str,
    settings: dict[str, Any],
    args: argparse.Namespace,
    total: int,
    path: Path,
) -> None:
    base = runs[0]
    one = next((r for r in runs if r["partitioning"] == "on" and r["workers"] == 1), None)
    lines = [
        "# One job over several workers: scale on PostgreSQL",
        "",
        f"Command: `{command}` (TALLY_TEST_DATABASE_URL: the PostgreSQL of scripts/bench).",
        "",
        f"{args.size:,} bank lines against their ledger ({total:,} records), rules sharing the",
        "reference key; "
        + ("30% of the rows on one reference; " if args.skewed else "")
        + f"parts of about {args.part_records:,} records. One job per run over the same",
        "sources, each on fresh `tally worker --concurrency 1` processes; wall time from queuing",
        "the job to its results indexed. Every partitioned run's stored outcome equals the",
        "unpartitioned one's (digests of matches in order, duplicates, unmatched: checked).",
        "",
        "| run | parts | wall (s) | job (s) | speed-up | peak RSS per worker (MB) | PG CPU (s) | "
        "PG read (MB) | WAL (MB) | PG temp (MB) | matches | boundary share | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        pg = run["postgres"]
        speed = base["seconds"] / run["seconds"]
        if one is not None and run["partitioning"] == "on":
            speed = one["seconds"] / run["seconds"]
        lines.append(
            f"| {run['label']} ({run['partitioning']}) | {run['parts']} | {run['seconds']:.1f} | "
            f"{run['job_seconds']:.1f} | "
            f"{speed:.2f} | {' / '.join(f'{mb:.0f}' for mb in run['peak_rss_mb'])} | "
            f"{pg['cpu_s']:.1f} | {pg['read_mb']:.0f} | {pg['wal_mb']:.0f} | "
            f"{pg['temp_mb']:.0f} | {sum(run['matches'].values()):,} | {run['boundary_share'] or 0} | "
            f"{run['load_average_1m']:.1f} |"
        )
    if one is not None:
        lines += [
            "",
            f"Overhead of one partitioned worker against the unpartitioned job: "
            f"{one['job_seconds'] / base['job_seconds'] - 1:+.1%} of the job's own time (its "
            f"summary's seconds, queued to completed; bar: at most +15%), "
            f"{one['seconds'] / base['seconds'] - 1:+.1%} of wall time (indexing included).",
            "Speed-up (wall) of partitioned runs is against the partitioned run on one worker.",
        ]
    lines += ["", "Peak RSS (MB) per worker by phase of the job (sampled every 0.2 s):", ""]
    for run in runs:
        cells = "; ".join(
            f"{phase}: {' / '.join(f'{mb:.0f}' for mb in peaks)}"
            for phase, peaks in run["rss_by_phase_mb"].items()
        )
        lines.append(f"- {run['label']} ({run['partitioning']}): {cells}")
    lines += [
        "",
        "Job phases (s, the job's own summary) and task run times (s, workers' logs):",
        "",
    ]
    for run in runs:
        tasks = "; ".join(
            f"{task} x{len(times)}: " + " / ".join(f"{t:.1f}" for t in times)
            for task, times in run["task_seconds"].items()
        )
        lines.append(f"- {run['label']} ({run['partitioning']}): {run['phases']}; {tasks}")
    lines += ["", "PostgreSQL settings: " + settings_text(settings), ""]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
