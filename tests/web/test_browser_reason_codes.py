"""The reason-code settings page in a real Chromium against a real `tally serve`: an owner lists
the project's codes, adds one, renames it, deactivates and reactivates another."""

from __future__ import annotations

import httpx
import pytest

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


def _codes(base: str, world: Seeded) -> dict[str, bool]:
    response = httpx.get(
        f"{base}/api/v1/projects/{world.project_id}/exception-reasons",
        headers=world.alice.headers,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return {r["code"]: r["active"] for r in response.json()["reasons"]}


def test_owner_adds_renames_and_deactivates_reason_codes(
    page: Page,
    seeded: Seeded,
    base_url: str,
) -> None:
    before = httpx.get(
        f"{base_url}/api/v1/projects/{seeded.project_id}/exception-reasons",
        headers=seeded.alice.headers,
        timeout=30,
    ).json()
    try:
        sign_in(page, seeded.alice.email)
        page.goto(f"/projects/{seeded.project_id}")
        page.get_by_role("link", name="Reason codes").click()
        expect(page.get_by_role("heading", name="Reason codes", exact=True)).to_be_visible()
        rows = page.locator("#reason-codes tbody tr")
        expect(rows.filter(has_text="Bank fee")).to_have_count(1)
        expect(rows.filter(has_text="Timing difference")).to_have_count(1)

        page.get_by_label("Label", exact=True).fill("Chargeback (card)")
        page.locator("#new-reason-submit").click()
        added = page.locator('#reason-codes tr[data-code="chargeback_card"]')
        expect(added).to_contain_text("Chargeback (card)")
        expect(added).to_contain_text("active")

        page.get_by_label("New label for chargeback_card").fill("Card chargeback")
        added.get_by_role("button", name="Rename").click()
        expect(added.locator("td").first).to_have_text("Card chargeback")

        fee = page.locator('#reason-codes tr[data-code="bank_fee"]')
        fee.get_by_role("button", name="Deactivate").click()
        expect(fee).to_contain_text("inactive")
        expect(fee.get_by_role("button", name="Reactivate")).to_be_visible()
        shot(page, "r01-reason-codes")
        assert _codes(base_url, seeded)["bank_fee"] is False
        assert _codes(base_url, seeded)["chargeback_card"] is True

        # An empty label is refused with the reason, and nothing changes.
        page.get_by_label("New label for chargeback_card").fill("")
        added.get_by_role("button", name="Rename").click()
        expect(page.locator("#reasons-error")).to_contain_text("label")
        expect(added.locator("td").first).to_have_text("Card chargeback")

        fee.get_by_role("button", name="Reactivate").click()
        expect(fee.get_by_role("button", name="Deactivate")).to_be_visible()
        assert _codes(base_url, seeded)["bank_fee"] is True
    finally:  # the browser suite shares one project: leave its codes as they were
        httpx.put(
            f"{base_url}/api/v1/projects/{seeded.project_id}/exception-reasons",
            json={"reasons": before["reasons"]},
            headers=seeded.alice.headers,
            timeout=30,
        )
