"""Backtesting a changed rule set against a reviewed job: its diff, its precision and recall
before activation, and nothing else changed."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.models import (
    AuditEvent,
    Match,
    MatchRecord,
    ProjectStats,
    ReconciliationJob,
    RuleSetVersion,
)
from tally.rule_sets.backtest import run_backtest
from tests.helpers.results import RULES, Reconciled
from tests.helpers.waiting import wait_for
from tests.rule_sets.scenario import changed_rules, review


def _versions(world: Reconciled) -> str:
    return f"/api/v1/projects/{world.project.id}/rule-set/versions"


async def _snapshot(db: Database, world: Reconciled) -> dict[str, Any]:
    """Everything a backtest must leave alone: the job, its results, audit, stats, versions."""
    async with db.sessionmaker() as s:
        job = await s.get(ReconciliationJob, world.job.id)
        assert job is not None
        return {
            "job": (job.status, job.summary, job.rules, job.rule_set_version, job.finished_at),
            "matches": (
                await s.execute(
                    select(Match.id, Match.status, Match.tab, Match.rule, Match.origin)
                    .where(Match.job_id == job.id)
                    .order_by(Match.id)
                )
            ).all(),
            "links": (
                await s.execute(
                    select(MatchRecord.match_id, MatchRecord.record_id, MatchRecord.claims)
                    .where(MatchRecord.job_id == job.id)
                    .order_by(MatchRecord.id)
                )
            ).all(),
            "audit": (await s.execute(select(AuditEvent.id).order_by(AuditEvent.id))).all(),
            "stats": (
                await s.execute(select(ProjectStats.matched_count, ProjectStats.unmatched_count))
            ).all(),
            "versions": (
                await s.execute(
                    select(RuleSetVersion.number, RuleSetVersion.status, RuleSetVersion.rules)
                )
            ).all(),
        }


async def test_backtest_of_a_changed_rule_set_shows_its_diff_and_precision(
    client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    world = reconciled
    await review(client, world)
    draft = await client.post(
        _versions(world),
        json={"rules": changed_rules(), "note": "wider reference tolerance"},
        headers=world.editor.headers,
    )
    assert draft.status_code == 201, draft.text
    number = draft.json()["number"]
    before = await _snapshot(db, world)

    started = await client.post(
        f"{_versions(world)}/{number}/backtests",
        json={"job_id": world.job.id},
        headers=world.editor.headers,
    )
    assert started.status_code == 202, started.text
    url = f"/api/v1/projects/{world.project.id}/rule-set/backtests/{started.json()['id']}"
    done = await wait_for(client, url, world.viewer.headers, until={"completed", "failed"})

    assert done["status"] == "completed", done["error"]
    report = done["report"]
    assert report["diff"] == {"added": 1, "lost": 1, "changed": 1, "unchanged": 5}
    left, right = world.left, world.right
    samples = report["samples"]
    assert [
        ([r["id"] for r in s["left"]], [r["id"] for r in s["right"]]) for s in samples["added"]
    ] == [([left["e"]], [right["e"]])]
    assert samples["added"][0]["rule"] == "description_amount"
    assert [s["left"][0]["id"] for s in samples["lost"]] == [left["c"]]
    assert samples["lost"][0]["old_status"] == "suggested"
    [changed] = samples["changed"]
    assert changed["left"][0]["id"] == left["b"] and changed["old_rule"] == "reference"
    assert changed["left"][0]["amount"] == "250.50"
    assert report["decisions"] == {"positives": 3, "negatives": 1}
    assert report["current"] == {
        "predicted": 2,
        "confirmed_found": 1,
        "rejected_found": 1,
        "positives_missed": 2,
        "unreviewed": 0,
        "precision": 0.5,
        "recall": 0.3333,
    }
    assert report["backtested"] == {
        "predicted": 3,
        "confirmed_found": 3,
        "rejected_found": 0,
        "positives_missed": 0,
        "unreviewed": 0,
        "precision": 1.0,
        "recall": 1.0,
    }
    assert await _snapshot(db, world) == before

    listed = await client.get(
        f"{_versions(world)}/{number}/backtests", headers=world.viewer.headers
    )
    assert [(b["id"], b["outdated"]) for b in listed.json()["items"]] == [(done["id"], False)]
    # Editing the draft afterwards marks the backtest as measured on an earlier edit.
    await client.put(
        f"{_versions(world)}/{number}", json={"rules": RULES}, headers=world.editor.headers
    )
    assert (await client.get(url, headers=world.viewer.headers)).json()["outdated"] is True


async def test_a_backtest_runs_once_and_a_rerun_is_skipped(
    client: AsyncClient, db: Database, session: AsyncSession, reconciled: Reconciled
) -> None:
    world = reconciled
    draft = await client.post(_versions(world), json={}, headers=world.editor.headers)
    number = draft.json()["number"]
    started = await client.post(
        f"{_versions(world)}/{number}/backtests",
        json={"job_id": world.job.id},
        headers=world.editor.headers,
    )
    url = f"/api/v1/projects/{world.project.id}/rule-set/backtests/{started.json()['id']}"
    done = await wait_for(client, url, world.owner.headers, until={"completed", "failed"})
    assert done["status"] == "completed"
    # The draft copied the built-in rules, not the job's: a diff, and the same run twice is
    # skipped (the task queue may deliver a task again).
    assert await run_backtest(db, done["id"]) is None
