"""A job that matches little says why and what to do: in its stored summary, the API, the job page
and `tally reconcile --wait`; its summary shows amounts as decimals (issue 12 items 3-4)."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.jobs.runner import run_reconciliation
from tally.kit.db import Database
from tally.models import JobStatus, ReconciliationJob
from tally.web.pages.jobs import job_state
from tests.helpers.jobs import create_job
from tests.helpers.projects import create_project
from tests.helpers.records import Row, create_source_with_rows
from tests.helpers.users import AuthedUser, create_user
from tests.web.conftest import sign_in

# A bank export of date, text and amount against a ledger with references: the default rules
# key on `reference` (empty in the bank) and score `counterparty` (empty in both).
BANK = [Row(None, f"2026-01-{d:02d}", f"{100 + d}.50", f"Transfer INV-{d}") for d in range(1, 11)]
LEDGER = [
    Row(f"INV-{d}", f"2026-01-{d:02d}", f"{200 + d}.00", f"Invoice {d}") for d in range(1, 11)
]


async def _run_default_job(
    session: AsyncSession, db: Database
) -> tuple[ReconciliationJob, AuthedUser]:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    bank = await create_source_with_rows(session, project=project, name="bank", rows=BANK)
    ledger = await create_source_with_rows(session, project=project, name="ledger", rows=LEDGER)
    job = await create_job(
        session, project=project, left=bank, right=ledger, status=JobStatus.QUEUED
    )
    assert await run_reconciliation(db, job.id) == JobStatus.COMPLETED
    async with db.sessionmaker() as check:
        stored = await check.get(ReconciliationJob, job.id)
        assert stored is not None
        return stored, owner


async def test_a_job_that_matches_nothing_warns_with_what_to_do(
    session: AsyncSession, db: Database
) -> None:
    job, _ = await _run_default_job(session, db)
    warnings = (job.summary or {})["warnings"]
    by_code = {(w["code"], w.get("rule")): w for w in warnings}
    empty = by_code["field_empty", "reference_amount_date"]
    assert "reads reference, which is empty in every record of the left source" in empty["message"]
    assert "Map a column of the left file to reference" in empty["action"]
    assert ("field_empty", "amount_date_counterparty") in by_code
    low = {w["message"] for w in warnings if w["code"] == "low_match_rate"}
    assert low == {
        "Only 0 of 10 left records (0%) matched.",
        "Only 0 of 10 right records (0%) matched.",
    }
    assert all(w["action"] for w in warnings)
    # A rule whose field is empty is reported for that, not again as "found no candidates".
    assert "no_candidates" not in {w["code"] for w in warnings}


async def test_api_and_job_page_show_the_warnings_and_decimal_amounts(
    session: AsyncSession, db: Database, client: AsyncClient
) -> None:
    job, owner = await _run_default_job(session, db)
    response = await client.get(
        f"/api/v1/projects/{job.project_id}/jobs/{job.id}", headers=owner.headers
    )
    assert response.status_code == 200, response.text
    summary = response.json()["summary"]
    assert summary["left"]["unmatched_amount"] == "1060.00"  # 101.50 + ... + 110.50
    assert summary["right"]["matched_amount"] == "0.00"
    assert {w["code"] for w in summary["warnings"]} >= {"field_empty", "low_match_rate"}

    await sign_in(client, owner)
    page = await client.get(f"/projects/{job.project_id}/jobs/{job.id}")
    assert page.status_code == 200
    assert "Check before trusting this result" in page.text
    assert "What to do:" in page.text and "empty in every record of the left source" in page.text
    # The page reads the same presenter: decimal amounts, never the stored integer units.
    assert "1060.00 open" in page.text and "10600000" not in page.text
    assert job_state(job)["left"] == summary["left"]
