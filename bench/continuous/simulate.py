"""A month of continuous reconciliation, as a finance team runs it through the API.

    python -m bench.continuous.simulate [--days 30] [--lines 30000] [--seed 15]
        [--backend sqlite|postgresql] [--report bench/continuous/SIMULATION.md]

Each day the day's bank statement and ledger entries (bench.continuous.books: late postings,
bank fees, wrong amounts corrected later, duplicates, missing and mistyped references) are
uploaded (day 1) or appended to two sources of one project; a job runs with the project's
rules (none written: tally.jobs.rules.DEFAULT_RULE_SET; full on day 1, incremental after); then a scripted reviewer works the results through the API as a user would:
it confirms true suggestions, rejects false ones (auto matches included), matches by hand what
the engine could not pair, writes off bank fees and duplicates with reason codes (bulk), explains
timing differences that waited two days (bulk; all of them on the last day), and on a few days unsettles a settled record (the next job settles it again).

At the end it checks, and the command fails unless all hold:
- the open items are exactly the lines whose other side has not arrived yet;
- no later job proposed a rejected pair again;
- no confirmed or manual match lost its records (none open again, none proposed again);
- the reconciliation statement's difference is 0.00 with the statement balance entered from
  the bank's lines, and its ledger balance is the ledger lines' total to the cent.

The same function runs as a test at a small size on SQLite and PostgreSQL
(tests/bench/test_simulation.py). PostgreSQL here needs TALLY_TEST_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from httpx import AsyncClient, Response

from bench.continuous.books import LEFT, RIGHT, Books, generate

HERE = Path(__file__).resolve().parent
PAGE = 200
POLL_SECONDS = 0.05
UNSETTLE_DAYS = (1, 3)  # days on which the reviewer unsettles a few auto-matched records
UNSETTLE_PER_DAY = 3
MAX_BULK = 10_000  # exceptions per bulk request (tally.exceptions.schemas)


class SimulationFailed(AssertionError):
    """An end-of-month check did not hold."""


@dataclass
class Day:
    day: int
    bank_lines: int
    ledger_lines: int
    load_s: float
    job_s: float
    review_s: float
    decision_ms: float  # mean time of one decision request (confirm, reject, manual, resolve)
    proposals: int
    confirmed: int
    rejected: int
    manual: int
    written_off: int
    explained: int
    open_items: int


@dataclass
class Outcome:
    days: list[Day] = field(default_factory=list)
    open_items: int = 0
    true_unresolved: int = 0
    rejected_pairs: int = 0
    rejected_reproposed: int = 0
    confirmed_records: int = 0
    confirmations_lost: int = 0
    unsettled: int = 0
    resettled: int = 0
    statement: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


class Api:
    """The calls a user's client makes (raising on an unexpected answer)."""

    def __init__(self, client: AsyncClient, headers: dict[str, str], project_id: int) -> None:
        self.client = client
        self.headers = headers
        self.base = f"/api/v1/projects/{project_id}"
        self.decisions = 0  # decision requests made, and the seconds they took
        self.decision_s = 0.0

    async def decide(self, path: str, **kw: Any) -> Response:
        """A reviewer's decision on one item (timed: its cost must not grow with the days)."""
        started = time.perf_counter()
        response = await self.client.post(self.base + path, headers=self.headers, **kw)
        self.decision_s += time.perf_counter() - started
        self.decisions += 1
        return response

    async def call(
        self, method: str, path: str, expect: tuple[int, ...] = (200,), **kw: Any
    ) -> Any:
        response = await self.client.request(method, self.base + path, headers=self.headers, **kw)
        if response.status_code not in expect:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json() if response.content else None

    async def all_pages(self, path: str) -> list[Any]:
        items: list[Any] = []
        page = 1
        joiner = "&" if "?" in path else "?"
        while True:
            body = await self.call("GET", f"{path}{joiner}page={page}&per_page={PAGE}")
            items.extend(body["items"])
            if len(body["items"]) < PAGE:
                return items
            page += 1

    async def wait(self, path: str, until: set[str]) -> Any:
        while True:
            body = await self.call("GET", path)
            if body["status"] in until:
                return body
            await asyncio.sleep(POLL_SECONDS)


def _line_id(record: dict[str, Any]) -> str:
    return str(record["description"]).split(" ", 1)[0]


class Reviewer:
    """Decides from the truth of the books, acting only through the API."""

    def __init__(self, api: Api, books: Books, outcome: Outcome) -> None:
        self.api = api
        self.books = books
        self.outcome = outcome
        self.record_of: dict[str, int] = {}  # line id -> record id
        self.rejected: set[frozenset[int]] = set()
        self.confirmed: set[int] = set()  # records of confirmed and manual matches
        self.unsettled: set[int] = set()
        self.resettled: set[int] = set()
        self.confirmed_reproposed = 0  # later proposals holding a confirmed record

    def _truth(self, match: dict[str, Any]) -> str:
        """true (a whole group), partial (part of a group not yet complete), or false."""
        lines = {_line_id(r) for r in match["left"] + match["right"]}
        groups = {self.books.lines[i].group for i in lines}
        if len(groups) != 1:
            return "false"
        group = self.books.groups[next(iter(groups))]
        if lines == set(group) and self.books.lines[group[0]].kind != "duplicate":
            return "true"
        return "false"

    def _check_proposal(self, match: dict[str, Any]) -> None:
        records = frozenset(r["id"] for r in match["left"] + match["right"])
        if records in self.rejected:
            self.outcome.rejected_reproposed += 1
        if records & self.confirmed:
            self.confirmed_reproposed += 1
        if match["status"] in ("auto", "confirmed", "manual"):
            self.resettled |= records & self.unsettled

    async def review(self, day: int, job_id: int, figures: dict[str, int]) -> None:
        jobs = f"/jobs/{job_id}"
        matches = []
        for tab in ("matched", "review", "discrepancies"):
            matches += await self.api.all_pages(f"{jobs}/matches?tab={tab}")
        figures["proposals"] = len(matches)
        for match in matches:
            for record in match["left"] + match["right"]:
                self.record_of[_line_id(record)] = record["id"]
            self._check_proposal(match)
        pending = [m for m in matches if m["status"] in ("suggested", "ambiguous")]
        for match in sorted(pending, key=lambda m: self._truth(m) != "true"):
            ids = frozenset(r["id"] for r in match["left"] + match["right"])
            if self._truth(match) == "true":
                if ids & self.confirmed:
                    continue
                answer = await self.api.decide(f"{jobs}/matches/{match['id']}/confirm")
                if answer.status_code == 200:
                    self.confirmed |= ids
                    figures["confirmed"] += 1
                continue
            await self._reject(jobs, match, ids, figures)
        for match in matches:
            settled_or_discrepant = match["status"] == "auto" or match["category"] == "discrepancy"
            if settled_or_discrepant and self._truth(match) != "true":
                ids = frozenset(r["id"] for r in match["left"] + match["right"])
                await self._reject(jobs, match, ids, figures)
        if day in UNSETTLE_DAYS:
            await self._unsettle(matches)
        await self._work_open_items(day, job_id, figures)

    async def _reject(
        self, jobs: str, match: dict[str, Any], ids: frozenset[int], figures: dict[str, int]
    ) -> None:
        answer = await self.api.decide(f"{jobs}/matches/{match['id']}/reject")
        if answer.status_code == 200:  # 409: an alternative's confirmation rejected it already
            self.rejected.add(ids)
            figures["rejected"] += 1

    async def _unsettle(self, matches: list[dict[str, Any]]) -> None:
        auto = [
            m
            for m in matches
            if m["status"] == "auto" and self._truth(m) == "true" and len(m["left"]) == 1
        ][:UNSETTLE_PER_DAY]
        reconciliation = self.reconciliation_id
        for match in auto:
            body = await self.api.call(
                "POST",
                f"/reconciliations/{reconciliation}/records/{match['left'][0]['id']}/unsettle",
                json={"reason": "Bank recalled the line; check it again"},
            )
            self.unsettled |= set(body["reopened_record_ids"])

    reconciliation_id: int = 0

    async def _work_open_items(self, day: int, job_id: int, figures: dict[str, int]) -> None:
        items = await self.api.all_pages(f"/reconciliations/{self.reconciliation_id}/open-items")
        open_lines = {}
        for item in items:
            open_lines[_line_id(item["record"])] = item["record"]["id"]
            self.record_of[_line_id(item["record"])] = item["record"]["id"]
        matched: set[str] = set()
        for line_id in list(open_lines):
            line = self.books.lines[line_id]
            if line.kind not in ("pair", "correction") or line.group in matched:
                continue
            group = self.books.groups[line.group]
            if not self.books.complete(line.group, day) or not all(i in open_lines for i in group):
                continue
            if {open_lines[i] for i in group} & (self.unsettled - self.resettled):
                continue  # unsettled today: the next job settles it again
            matched.add(line.group)
            body = {
                "left_record_ids": [
                    open_lines[i] for i in group if self.books.lines[i].side == LEFT
                ],
                "right_record_ids": [
                    open_lines[i] for i in group if self.books.lines[i].side == RIGHT
                ],
                "note": "Matched by hand: same payment",
            }
            made = await self.api.decide(f"/jobs/{job_id}/matches", json=body)
            if made.status_code != 201:
                raise RuntimeError(f"manual match: {made.status_code} {made.text[:500]}")
            self.confirmed |= {open_lines[i] for i in group}
            figures["manual"] += 1
        exceptions = await self.api.all_pages(
            f"/exceptions?reconciliation_id={self.reconciliation_id}&status=open"
        )
        write_offs: dict[str, list[int]] = {"fee": [], "duplicate": []}
        explain: list[int] = []
        last_day = day == self.books.days - 1
        for exception in exceptions:
            line = self.books.lines[_line_id(exception["record"])]
            if line.kind in write_offs:
                write_offs[line.kind].append(exception["id"])
                continue
            # A timing difference is explained once it has waited two days, and at month end.
            waited = line.day <= day - 2 or last_day
            if line.group in matched or self.books.complete(line.group, day) or not waited:
                continue
            explain.append(exception["id"])
        # The day's timing differences in bulk (a request per MAX_BULK), as a person selects
        # them in the worklist: one request each made them the whole of a 30k-line day.
        expected = self.books.start + timedelta(days=day + 5)
        for chunk in range(0, len(explain), MAX_BULK):
            body = await self.api.call(
                "POST",
                "/exceptions/bulk",
                json={
                    "action": "explain",
                    "exception_ids": explain[chunk : chunk + MAX_BULK],
                    "reason_code": "timing_difference",
                    "note": "The other side books it in the next days",
                    "expected_clear_date": expected.isoformat(),
                },
            )
            figures["explained"] += len(body["changed"])
        for kind, ids in write_offs.items():
            fee = kind == "fee"
            for chunk in range(0, len(ids), MAX_BULK):
                body = await self.api.call(
                    "POST",
                    "/exceptions/bulk",
                    json={
                        "action": "write_off",
                        "exception_ids": ids[chunk : chunk + MAX_BULK],
                        "reason_code": "bank_fee" if fee else "duplicate",
                        "reason": "Bank charge" if fee else "Entry booked twice",
                        "account": "6810 Bank charges" if fee else "1200 Suspense",
                    },
                )
                figures["written_off"] += len(body["changed"])


async def _load(api: Api, books: Books, day: int, sources: dict[str, int]) -> None:
    for side, name in ((LEFT, "bank"), (RIGHT, "ledger")):
        content = books.csv(day, side)
        files = {"file": (f"{name}-{day + 1}.csv", content, "text/csv")}
        if side not in sources:
            body = await api.call(
                "POST", "/data-sources", expect=(202,), files=files, data={"name": name}
            )
            ready = await api.wait(f"/data-sources/{body['id']}", {"ready", "failed"})
            if ready["status"] != "ready":
                raise RuntimeError(f"upload failed: {ready}")
            sources[side] = body["id"]
            continue
        if content.count(b"\n") <= 1:
            continue
        path = f"/data-sources/{sources[side]}"
        body = await api.call("POST", f"{path}/append", expect=(202,), files=files)
        done = await api.wait(f"{path}/appends/{body['id']}", {"ready", "failed"})
        if done["status"] != "ready":
            raise RuntimeError(f"append failed: {done}")


async def simulate(
    client: AsyncClient,
    headers: dict[str, str],
    project_id: int,
    books: Books,
    on_day: Callable[[Outcome], None] | None = None,
) -> Reviewer:
    """Run the books' days through the API, then the end-of-month checks; the reviewer's
    ``outcome`` holds the figures and the checks' failures."""
    api = Api(client, headers, project_id)
    outcome = Outcome()
    reviewer = Reviewer(api, books, outcome)
    sources: dict[str, int] = {}
    for day in range(books.days):
        started = time.perf_counter()
        await _load(api, books, day, sources)
        loaded = time.perf_counter()
        created = await api.call(
            "POST",
            "/jobs",
            expect=(202,),
            json={
                "left_source_id": sources[LEFT],
                "right_source_id": sources[RIGHT],
                "mode": "full" if day == 0 else "incremental",
            },
        )
        job = await api.wait(f"/jobs/{created['id']}", {"completed", "failed", "cancelled"})
        if job["status"] != "completed":
            raise RuntimeError(f"day {day + 1}: job {job['id']} {job['status']}: {job['error']}")
        reviewer.reconciliation_id = job["reconciliation_id"]
        ran = time.perf_counter()
        decisions, decision_s = api.decisions, api.decision_s
        figures = dict.fromkeys(
            ("proposals", "confirmed", "rejected", "manual", "written_off", "explained"), 0
        )
        await reviewer.review(day, job["id"], figures)
        state = await api.call("GET", f"/reconciliations/{reviewer.reconciliation_id}")
        arrived = books.by_day.get(day, [])
        outcome.days.append(
            Day(
                day=day + 1,
                bank_lines=sum(1 for line in arrived if line.side == LEFT),
                ledger_lines=sum(1 for line in arrived if line.side == RIGHT),
                load_s=loaded - started,
                job_s=ran - loaded,
                review_s=time.perf_counter() - ran,
                decision_ms=1000
                * (api.decision_s - decision_s)
                / max(1, api.decisions - decisions),
                open_items=state["open_left"] + state["open_right"],
                **figures,
            )
        )
        if on_day is not None:
            on_day(outcome)
    await check_month(reviewer)
    return reviewer


async def check_month(reviewer: Reviewer) -> None:
    """The end-of-month checks, against the state the API shows now (run again after a change,
    they say what it broke): ``reviewer.outcome.failures`` lists what does not hold."""
    api, books, outcome = reviewer.api, reviewer.books, reviewer.outcome
    outcome.failures = []
    last = books.days - 1
    items = await api.all_pages(f"/reconciliations/{reviewer.reconciliation_id}/open-items")
    open_lines = {_line_id(item["record"]) for item in items}
    truth = books.unresolved(last)
    outcome.open_items, outcome.true_unresolved = len(open_lines), len(truth)
    if open_lines != truth:
        outcome.failures.append(
            f"open items differ from the true unresolved set: {len(open_lines - truth)} open "
            f"but resolved (e.g. {sorted(open_lines - truth)[:5]}), {len(truth - open_lines)} "
            f"unresolved but not open (e.g. {sorted(truth - open_lines)[:5]})"
        )
    open_ids = {item["record"]["id"] for item in items}
    lost = reviewer.confirmed & open_ids
    outcome.confirmations_lost = reviewer.confirmed_reproposed + len(lost)
    outcome.confirmed_records = len(reviewer.confirmed)
    outcome.rejected_pairs = len(reviewer.rejected)
    outcome.unsettled = len(reviewer.unsettled)
    outcome.resettled = len(reviewer.resettled - open_ids)
    if outcome.confirmations_lost:
        outcome.failures.append(f"{outcome.confirmations_lost} confirmations lost")
    if outcome.rejected_reproposed:
        outcome.failures.append(f"{outcome.rejected_reproposed} rejected pairs proposed again")
    if outcome.resettled != outcome.unsettled:
        outcome.failures.append(
            f"{outcome.unsettled - outcome.resettled} unsettled records not settled again"
        )
    as_of = books.start + timedelta(days=last)
    bank = books.balance(LEFT, last)
    ledger = books.balance(RIGHT, last)
    whole = await api.call(
        "GET",
        f"/reconciliations/{reviewer.reconciliation_id}/statement",
        params={"as_of": as_of.isoformat(), "statement_balance": _decimal(bank)},
    )
    [statement] = whole["currencies"]  # the books are in EUR only
    outcome.statement = {
        "as_of": as_of.isoformat(),
        "statement_balance": statement["statement_balance"],
        "ledger_balance": statement["ledger_balance"],
        "open_statement_items": statement["open_statement_items"]["count"],
        "open_ledger_items": statement["open_ledger_items"]["count"],
        "statement_write_offs": statement["statement_write_offs"]["amount"],
        "ledger_write_offs": statement["ledger_write_offs"]["amount"],
        "difference": statement["difference"],
    }
    if statement["difference"] is None or Decimal(statement["difference"]) != 0:
        outcome.failures.append(f"the statement's difference is {statement['difference']}")
    if Decimal(statement["ledger_balance"]) != Decimal(_decimal(ledger)):
        outcome.failures.append(
            f"ledger balance {statement['ledger_balance']}, the books say {_decimal(ledger)}"
        )


def _decimal(units: int) -> str:
    sign = "-" if units < 0 else ""
    return f"{sign}{abs(units) // 100}.{abs(units) % 100:02d}"


# --- the command ---------------------------------------------------------------------------------


@asynccontextmanager
async def _app(backend: str) -> AsyncIterator[tuple[AsyncClient, dict[str, str], int]]:
    """The app in-process on a fresh database, with a user signed in and a project."""
    from httpx import ASGITransport

    from bench._common import fresh_database
    from bench.ingest.bench_ingest import _seed
    from tally.app import create_app
    from tally.config import Settings
    from tally.kit.db import Database

    data_dir = Path(tempfile.mkdtemp(prefix="tally-simulation-"))
    if backend == "postgresql":
        url = fresh_database(os.environ["TALLY_TEST_DATABASE_URL"], "tally_simulation")
    else:
        url = f"sqlite+aiosqlite:///{data_dir / 'tally.db'}"
    project_id = await _seed(url, data_dir)  # a user bench@example.test and a project
    settings = Settings(TALLY_ENV="production", TALLY_DATA_DIR=data_dir)
    database = Database(settings, url=url)
    app = create_app(settings, database=database)
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://tally.bench", timeout=600) as client,
    ):
        login = await client.post(
            "/api/v1/auth/login", json={"email": "bench@example.test", "password": "bench password"}
        )
        login.raise_for_status()
        yield client, {"Authorization": f"Bearer {login.json()['access_token']}"}, project_id
    await database.dispose()


def _report(outcome: Outcome, args: argparse.Namespace, seconds: float) -> str:
    load = os.getloadavg()
    lines = [
        "# 30-day continuous reconciliation simulation",
        "",
        f"Command: `python -m bench.continuous.simulate --days {args.days} --lines {args.lines} "
        f"--seed {args.seed} --backend {args.backend}`",
        f"Taken {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on a shared 2-core machine (load average "
        f"{load[0]:.1f} at the end; other work ran meanwhile, so times are indicative). "
        f"Total {seconds:.0f} s.",
        "",
        "| day | bank lines | ledger lines | load s | job s | review s | ms/decision | proposals "
        "| confirmed | rejected | manual | written off | explained | open items |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for d in outcome.days:
        lines.append(
            f"| {d.day} | {d.bank_lines} | {d.ledger_lines} | {d.load_s:.1f} | {d.job_s:.1f} | "
            f"{d.review_s:.1f} | {d.decision_ms:.0f} | {d.proposals} | {d.confirmed} | {d.rejected} | {d.manual} | "
            f"{d.written_off} | {d.explained} | {d.open_items} |"
        )
    lines += [
        "",
        "## End-of-month checks",
        "",
        f"- open items {outcome.open_items} == true unresolved {outcome.true_unresolved}",
        f"- rejected pairs {outcome.rejected_pairs}, proposed again: {outcome.rejected_reproposed}",
        f"- records of confirmed and manual matches {outcome.confirmed_records}, lost: "
        f"{outcome.confirmations_lost}",
        f"- unsettled {outcome.unsettled}, settled again {outcome.resettled}",
        f"- statement: `{json.dumps(outcome.statement)}`",
        f"- result: {'PASS' if not outcome.failures else 'FAIL: ' + '; '.join(outcome.failures)}",
        "",
    ]
    return "\n".join(lines)


async def _main(args: argparse.Namespace) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    books = generate(args.days, args.lines, args.seed)
    started = time.perf_counter()

    def progress(outcome: Outcome) -> None:  # the days so far, should the run be stopped
        elapsed = time.perf_counter() - started
        Path(args.report).write_text(_report(outcome, args, elapsed) + "\n(in progress)\n")
        print(f"day {len(outcome.days)} done at {elapsed:.0f} s", flush=True)

    async with _app(args.backend) as (client, headers, project_id):
        outcome = (await simulate(client, headers, project_id, books, progress)).outcome
    report = _report(outcome, args, time.perf_counter() - started)
    Path(args.report).write_text(report)
    print(report)
    return 1 if outcome.failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--lines", type=int, default=30_000, help="lines per side per day")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--report", default=str(HERE / "SIMULATION.md"))
    raise SystemExit(asyncio.run(_main(parser.parse_args())))


if __name__ == "__main__":
    main()
