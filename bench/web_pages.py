"""The web app on a job with a million matches, and a 1 GB upload through it (PostgreSQL).

    python -m bench.web_pages --url postgresql+psycopg://postgres@127.0.0.1:55432/postgres \
        --matches 1000000 --upload-rows 10000000

1. Seeds a database ``tally_bench_web`` as bench.results_pages does (a completed job with
   --matches matches and its records), starts a real `tally serve` on it, signs a browser session
   in and times each page over HTTP (after the background step that indexes a completed job's
   results: tally.results.indexing): p50 and p99 of --requests requests after two warm-ups (at
   least 5, fewer than --requests when a page needs more than 30 s for them).
2. Streams a synthetic CSV of --upload-rows rows (10M rows is about 1 GB; written to bench/data
   once) to the web app's upload route, as the page's XHR does (multipart, read from disk in
   chunks), sampling the server process's RSS every 20 ms: its growth from before the upload to
   the peak until the upload is accepted (202).

The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil
import psycopg
from tests.helpers.processes import TallyServer

from bench._common import scratch_database
from bench.results_pages import _seed_sql
from bench.synthetic_csv import write_csv
from tally.config import Settings
from tally.kit.db import Database
from tally.kit.migrate import upgrade_database
from tally.kit.security import hash_password
from tally.results.indexing import index_results
from tally.results.partitions import PARTITIONED, partition_name
from tally.results.review_repository import ReviewRepository
from tally.results.stats_repository import StatsRepository

DB_NAME = "tally_bench_web"
PAGE_BUDGET_S = 30.0
DATA = Path(__file__).resolve().parent / "data"
PASSWORD = "bench password"
PAGES = {
    "overview": "/projects/1",
    "job": "/projects/1/jobs/1",
    "results matched, page 1": "/projects/1/jobs/1/results",
    "results matched, page 2000": "/projects/1/jobs/1/results?page=2000",
    "results matched, largest amounts": "/projects/1/jobs/1/results?sort=-amount",
    "results matched, text search": "/projects/1/jobs/1/results?q=INV-123456",
    "results matched, rule + amount range": "/projects/1/jobs/1/results?rule=amount_date&min=1000&max=2000",
    "results to review": "/projects/1/jobs/1/results?tab=review",
    "results unmatched left": "/projects/1/jobs/1/results?tab=unmatched_left",
    "results unmatched left, page 500": "/projects/1/jobs/1/results?tab=unmatched_left&page=500",
    "results unmatched right, largest amounts": (
        "/projects/1/jobs/1/results?tab=unmatched_right&sort=-amount"
    ),
    "results unmatched left, text search": (
        "/projects/1/jobs/1/results?tab=unmatched_left&q=INV-1049999"
    ),
    "audit log and quality": "/projects/1/jobs/1/audit",
}


def seed(url: str, n: int) -> None:
    asyncio.run(upgrade_database(url))
    started = time.perf_counter()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        # The job's partitions of match and match_record (migration 0010_result_write), which
        # the job's own write would have attached.
        for model in PARTITIONED:
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {partition_name(model, 1)} "  # type: ignore[arg-type]
                f"PARTITION OF {model.__tablename__} FOR VALUES IN (1)"
            )
        for statement in _seed_sql(n, n // 20):
            connection.execute(statement)  # type: ignore[arg-type]
        connection.execute(
            'UPDATE "user" SET password_hash = %s WHERE id = 1', (hash_password(PASSWORD),)
        )
        # The seed writes ids by hand; the upload below adds a data source through the app.
        for table in ("project", "data_source", "reconciliation_job"):
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        connection.commit()
    asyncio.run(_store_totals(url))
    print(f"seeded {n:,} matches in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    asyncio.run(_index(url))
    print(
        f"indexed the results (search text of both sources, unmatched rows) as a completed job's"
        f" task does, in {time.perf_counter() - started:.1f} s"
    )


async def _store_totals(url: str) -> None:
    """The job summary and project stats a completed job has (the overview reads them)."""
    database = Database(Settings(TALLY_ENV="test"), url=url)
    try:
        async with database.sessionmaker() as session:
            stats = StatsRepository(session)
            totals = await stats.job_totals(1, 1, 2)
            reviews = ReviewRepository(session)
            job = await reviews.lock_job(1, 1)
            assert job is not None
            await reviews.update_job_summary(job, totals)
            await stats.save_project_stats(1, 1, totals)
            await session.commit()
    finally:
        await database.dispose()


async def _index(url: str) -> None:
    database = Database(Settings(TALLY_ENV="test"), url=url)
    try:
        assert await index_results(database, 1)
    finally:
        await database.dispose()


def sign_in(client: httpx.Client) -> str:
    client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": "bench@example.test",
            "password": PASSWORD,
            "csrf_token": client.cookies["tally_login_csrf"],
        },
    )
    assert response.status_code == 303, response.text
    page = client.get("/projects")
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def time_pages(client: httpx.Client, requests: int) -> None:
    print(f"\n| page (job with matches, {requests} requests) | p50 ms | p99 ms |\n|---|---:|---:|")
    for name, path in PAGES.items():
        for _ in range(2):
            assert client.get(path).status_code == 200, path
        samples: list[float] = []
        deadline = time.perf_counter() + PAGE_BUDGET_S  # a slow page gets fewer samples
        while len(samples) < requests and (len(samples) < 5 or time.perf_counter() < deadline):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        samples.sort()
        p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
        note = "" if len(samples) == requests else f" ({len(samples)} requests)"
        print(f"| {name}{note} | {statistics.median(samples):.1f} | {p99:.1f} |")


def upload(client: httpx.Client, server: TallyServer, csrf: str, rows: int) -> None:
    path = DATA / f"transactions-{rows}.csv"
    if not path.exists():
        print(f"writing {path} ...")
        write_csv(path, rows)
    size = path.stat().st_size
    process = psutil.Process(server.process.pid)
    baseline = process.memory_info().rss
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    try:
        with path.open("rb") as stream:
            response = client.post(
                "/projects/1/sources",
                data={"name": "bench upload", "options": '{"on_error": "reject"}'},
                files={"file": (path.name, stream, "text/csv")},
                headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
                timeout=600,
            )
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - started
    if response.status_code != 202:
        raise RuntimeError(f"upload answered {response.status_code}: {response.text[:300]}")
    mb = 1024 * 1024
    print(
        f"\nupload of {size / 1e9:.2f} GB ({rows:,} rows) through POST /projects/1/sources: "
        f"{seconds:.1f} s ({size / mb / seconds:.0f} MB/s); server RSS {baseline / mb:.0f} MB "
        f"before, peak {peak / mb:.0f} MB, growth {(peak - baseline) / mb:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="an admin URL of the PostgreSQL server")
    parser.add_argument("--matches", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--upload-rows", type=int, default=10_000_000, help="0 skips the upload")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tally-bench-web-"))
    server = None
    with scratch_database(args.url, DB_NAME) as url:
        try:
            seed(url, args.matches)
            env = {
                "DATABASE_URL": url,
                "TALLY_ENV": "development",  # production marks the cookie Secure; this is plain HTTP
                "TALLY_TASK_BACKEND": "embedded",
                "TALLY_DATA_DIR": str(workdir),
            }
            server = TallyServer(env, workdir / "server.log")
            with httpx.Client(base_url=server.base_url, timeout=60) as client:
                csrf = sign_in(client)
                time_pages(client, args.requests)
                if args.upload_rows:
                    upload(client, server, csrf, args.upload_rows)
        except Exception:
            log = workdir / "server.log"
            if log.exists():
                print("server log (tail):\n" + "\n".join(log.read_text().splitlines()[-40:]))
            raise
        finally:
            if server is not None:
                server.stop()
            for file in workdir.rglob("*"):
                if file.is_file():
                    os.unlink(file)


if __name__ == "__main__":
    main()
