"""Working exceptions and signing a period off in a real Chromium against a real `tally serve`:
filter the worklist, assign, comment and write off an exception, sign the statement off, find
decisions locked, reopen the period with a reason, and change them again."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.helpers.results import RULES
from tests.web.browser_support import Seeded, require_browser
from tests.web.test_browser import (  # noqa: F401  (the browser suite's server and fixtures)
    patient_expectations,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser
require_browser()
playwright_api = pytest.importorskip("playwright.sync_api")
Page = playwright_api.Page
expect = playwright_api.expect


def _api(base: str, world: Seeded) -> httpx.Client:
    return httpx.Client(
        base_url=f"{base}/api/v1/projects/{world.project_id}",
        headers=world.alice.headers,
        timeout=30,
    )


def _completed_job(api: httpx.Client) -> dict[str, Any]:
    response = api.get("/data-sources")
    assert response.status_code == 200, response.text
    listed = response.json()
    items = listed["items"] if isinstance(listed, dict) else listed  # paged or a bare list
    sources = {s["name"]: s["id"] for s in items}
    created = api.post(
        "/jobs",
        json={
            "left_source_id": sources["Bank statement"],
            "right_source_id": sources["General ledger"],
            "rules": RULES,
        },
    )
    assert created.status_code == 202, created.text
    for _ in range(600):  # polls the job, as a client would (no clock in the assertion)
        job: dict[str, Any] = api.get(f"/jobs/{created.json()['id']}").json()
        if job["status"] in ("completed", "failed", "cancelled"):
            assert job["status"] == "completed", job
            return job
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_work_an_exception_sign_off_and_reopen(page: Page, seeded: Seeded, base_url: str) -> None:
    with _api(base_url, seeded) as api:
        job = _completed_job(api)
        reconciliation_id = job["reconciliation_id"]
        sign_in(page, seeded.alice.email)
        page.goto(f"/projects/{seeded.project_id}")
        expect(page.locator("#overview-exception-ageing")).to_be_visible()
        page.get_by_role("link", name="Work the exceptions").click()
        expect(page.get_by_role("heading", name="Exceptions", exact=True)).to_be_visible()
        expect(page.locator("#exceptions-table tbody tr").first).to_be_visible()
        shot(page, "x01-exceptions")

        # Filter: open items at most 10.00 either way: the bank fee.
        page.get_by_label("Amount from").fill("")
        page.locator("input[name=max_amount]").fill("10")
        page.get_by_label("ignore the sign").check()
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("#exceptions-table tbody tr")).to_have_count(1)
        page.get_by_role("link", name="FEE").click()
        expect(page.get_by_role("heading", name=re.compile("Exception #"))).to_be_visible()

        page.locator("#exception-status-input").select_option("investigating")
        page.locator("#exception-assignee-input").select_option(label=seeded.alice.email)
        page.locator("#exception-reason-input").select_option("bank_fee")
        page.locator("#exception-save").click()
        expect(page.locator("#exception-status")).to_contain_text("investigating")
        expect(page.locator("#exception-assignee")).to_contain_text(seeded.alice.email)
        page.locator("#comment-body").fill("Monthly account fee; booking it")
        page.locator("#comment-submit").click()
        expect(page.locator("#exception-comments")).to_contain_text("Monthly account fee")
        page.locator("#write-off-reason").fill("Monthly account fee")
        page.locator("#write-off-account").fill("6810 Bank charges")
        page.locator("#resolve-submit").click()
        expect(page.locator("#exception-status")).to_contain_text("written off")
        expect(page.locator("#exception-write-off")).to_contain_text("6810 Bank charges")
        shot(page, "x02-exception-written-off")

        # The closing balance that makes the statement tally (the difference is linear in it).
        statement_url = f"/reconciliations/{reconciliation_id}/statement"
        probe = api.get(f"{statement_url}?as_of=2026-01-31&statement_balance=0").json()
        closing = -Decimal(probe["currencies"][0]["difference"])
        page.goto(f"/projects/{seeded.project_id}{statement_url}?as_of=2026-01-31")
        page.locator("#statement-balance").fill(str(closing))
        page.locator("#statement-show").click()
        expect(page.locator("#statement-difference")).to_have_text("0.00")
        shot(page, "x03-statement")
        page.locator("#signoff-submit").click()
        expect(page.locator("#statement-message")).to_contain_text("Signed off")
        expect(page.locator("#statement-signed")).to_be_visible()
        shot(page, "x04-signed-off")

        # Locked: a change to an exception dated within the period is refused, naming it.
        open_items = api.get("/exceptions?status=open").json()["items"]
        target = open_items[0]["id"]
        page.goto(f"/projects/{seeded.project_id}/exceptions/{target}")
        page.locator("#exception-status-input").select_option("investigating")
        page.locator("#exception-save").click()
        expect(page.locator("#exception-error")).to_contain_text("2026-01-31 is signed off")
        shot(page, "x05-locked")

        page.goto(f"/projects/{seeded.project_id}{statement_url}?as_of=2026-01-31")
        page.locator("#reopen-period-reason").fill("A late bank fee to book")
        page.locator("#reopen-period-submit").click()
        expect(page.locator("#statement-message")).to_contain_text("Period reopened")
        expect(page.locator("#signoffs")).to_contain_text("A late bank fee to book")
        page.goto(f"/projects/{seeded.project_id}/exceptions/{target}")
        page.locator("#exception-status-input").select_option("investigating")
        page.locator("#exception-save").click()
        expect(page.locator("#exception-status")).to_contain_text("investigating")
        shot(page, "x06-reopened")
