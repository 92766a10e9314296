"""The web app in a real Chromium against a real `tally serve` (SQLite), as a person uses it.

Every test saves a screenshot of each page it visits to test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.web.browser_support import PASSWORD, Seeded, require_browser

pytestmark = pytest.mark.browser
require_browser()
playwright_api = pytest.importorskip("playwright.sync_api")  # present: require_browser checked
Page = playwright_api.Page
expect = playwright_api.expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(autouse=True)
def patient_expectations(page: Page) -> None:
    # The suite shares two cores with everything else CI runs: wait longer than the default 5 s
    # before calling a page broken.
    expect.set_options(timeout=15_000)
    page.set_default_timeout(20_000)


def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Projects", exact=True)).to_be_visible()


def test_sign_in_create_a_project_and_sign_out(page: Page, seeded: Seeded) -> None:
    page.goto("/projects")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fprojects$"))
    shot(page, "01-login")
    page.get_by_label("Email").fill(seeded.alice.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/projects$"))
    shot(page, "02-projects")

    page.get_by_label("Name").fill("Card payouts vs orders")
    page.get_by_label("Description").fill("Stripe payouts against the shop's orders")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="Card payouts vs orders")).to_be_visible()
    expect(page.get_by_text("No data sources yet")).to_be_visible()
    shot(page, "03-project-empty")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have been signed out.")).to_be_visible()
    page.goto("/projects")
    expect(page).to_have_url(re.compile(r"/login"))  # the session is gone on the server


def test_run_a_reconciliation_and_watch_it_complete(page: Page, seeded: Seeded) -> None:
    sign_in(page, seeded.alice.email)
    page.goto(f"/projects/{seeded.project_id}")
    shot(page, "04-project-overview-before")
    page.get_by_role("link", name="Run a reconciliation").first.click()
    expect(page.get_by_text("The rules are valid.")).to_be_visible()

    # Inline validation with the API's own errors, then fix it.
    tolerance = page.locator("#c-abs-0-1")
    tolerance.fill("-5")
    expect(page.get_by_text("must not be negative")).to_be_visible()
    expect(page.get_by_role("button", name="Start reconciliation")).to_be_disabled()
    shot(page, "05-rules-editor-error")
    tolerance.fill("0.01")
    expect(page.get_by_text("The rules are valid.")).to_be_visible()

    # Add a rule, move it up, then remove it again: the editor keeps priorities in order.
    page.get_by_role("button", name="Add a rule").click()
    expect(page.locator("li.rule")).to_have_count(3)
    page.get_by_role("button", name="Move rule 3 up").click()
    expect(page.locator("#rule-name-1")).to_have_value("rule_3")
    page.get_by_role("button", name="Remove rule 2").click()
    expect(page.locator("li.rule")).to_have_count(2)
    expect(page.get_by_text("The rules are valid.")).to_be_visible()
    shot(page, "06-rules-editor")

    page.get_by_role("button", name="Start reconciliation").click()
    expect(page.get_by_role("heading", name=re.compile(r"Reconciliation #\d+"))).to_be_visible()
    expect(page.get_by_text("Completed")).to_be_visible(timeout=30_000)  # via the event stream
    shot(page, "07-job-completed")
    page.get_by_role("link", name="Review the results").click()
    expect(
        page.get_by_role("heading", name=re.compile("Results of reconciliation"))
    ).to_be_visible()
    expect(page.locator("#results-table tbody tr")).to_have_count(1)
    expect(page.get_by_text("reference equal")).to_be_visible()
    shot(page, "08-results-matched")


def test_review_confirm_reject_manual_match_and_export(page: Page, seeded: Seeded) -> None:
    sign_in(page, seeded.alice.email)
    page.goto(f"/projects/{seeded.project_id}/jobs/new")
    page.get_by_role("button", name="Start reconciliation").click()
    expect(page.get_by_text("Completed")).to_be_visible(timeout=30_000)
    results = page.url + "/results"

    page.goto(results + "?tab=review")
    rows = page.locator("#results-table tbody tr")
    # The module's tests share one seeded project whose active rules another test may change
    # first (a backtested version activated): the page lists exactly the suggestions its tab
    # counts, and the seeded files leave at least five.
    expect(rows.first).to_be_visible()
    pending = int(page.locator('[data-tab-count="review"]').inner_text().replace(",", ""))
    assert pending >= 5
    expect(rows).to_have_count(pending)
    shot(page, "09-results-review")
    # Keyboard: j focuses the first row, c confirms it.
    expect(page.locator("html[data-keys=ready]")).to_have_count(1)
    page.locator("body").press("j")
    first = rows.first
    expect(first).to_be_focused()
    match_id = first.get_attribute("data-match")
    # Mark the header and the tabs: the review's answer must replace them (out-of-band swaps).
    page.evaluate(
        "document.getElementById('result-tabs').dataset.stale = '1';"
        "document.getElementById('results-summary').dataset.stale = '1'"
    )
    page.keyboard.press("c")
    expect(page.locator(f"#match-{match_id}")).to_have_attribute("data-status", "confirmed")
    # Focus moves on to the next match still waiting for a decision.
    pending = '[data-status="suggested"], [data-status="ambiguous"]'
    focused = page.locator("#results-table tbody tr:focus")
    expect(focused).to_have_count(1)
    assert focused.get_attribute("data-match") != match_id
    assert focused.evaluate(f"row => row.matches('{pending}')")
    expect(page.locator("#result-tabs[data-stale]")).to_have_count(0)
    expect(page.locator("#results-summary[data-stale]")).to_have_count(0)
    # Every tab's count is current: the review tab counts the rows still pending on the page
    # (they all fit on it), the rejected tab those the confirmation rejected.
    still_pending = page.locator(f"#results-table tbody tr:is({pending})").count()
    rejected_now = page.locator('#results-table tbody tr[data-status="rejected"]').count()
    expect(page.locator('[data-tab-count="review"]')).to_have_text(str(still_pending))
    if rejected_now:
        expect(page.locator('[data-tab-count="rejected"]')).to_have_text(str(rejected_now))
    for tab in ("matched", "review", "discrepancies", "rejected", "unmatched_left"):
        expect(page.locator(f'[data-tab-count="{tab}"]')).to_have_count(1)
    # A button: reject the next open one.
    open_row = page.locator(
        '#results-table tbody tr[data-status="ambiguous"], #results-table tbody tr[data-status="suggested"]'
    ).first
    rejected_id = open_row.get_attribute("data-match")
    open_row.get_by_role("button", name=re.compile("^Reject")).click()
    expect(page.locator(f"#match-{rejected_id}")).to_have_attribute("data-status", "rejected")

    # Manual match: one record on each side, with the running sum and difference.
    page.goto(results + "?tab=unmatched_left")
    expect(page.locator("#results-table tbody tr", has_text="FEE")).to_have_count(1)
    page.locator("#results-table tbody tr", has_text="DUP-7").first.get_by_role("checkbox").check()
    expect(page.locator("#sel-left-sum")).to_have_text("12.00")
    shot(page, "10-results-unmatched-left")
    page.get_by_role("link", name=re.compile("^Unmatched right")).click()
    row = page.locator("#results-table tbody tr", has_text="INV-9")
    row.get_by_role("button", name="Show nearest candidates").click()
    expect(row.get_by_text(re.compile(r"Compared \d+ nearby records"))).to_be_visible()
    row.get_by_role("checkbox").first.check()
    expect(page.locator("#sel-right-sum")).to_have_text("12.00")
    expect(page.locator("#sel-diff")).to_have_text("0.00")
    shot(page, "11-manual-match")
    page.get_by_role("button", name="Match these records").click()
    expect(page.get_by_role("alert")).to_contain_text("Manual match #")
    expect(page.locator("#results-table tbody tr", has_text="INV-9")).to_have_count(0)

    page.get_by_role("link", name="Audit log & quality").click()
    expect(page.get_by_text("manual match: created")).to_be_visible()
    expect(page.get_by_text("match: confirmed")).to_be_visible()
    shot(page, "12-audit")

    # Export: the links the page offers, fetched with the browser's own session.
    page.goto(results + "?tab=matched")
    csv_link = page.get_by_role("link", name="Export CSV")
    expect(csv_link).to_have_attribute("download", "")
    csv = page.request.get(str(csv_link.get_attribute("href")))
    assert csv.status == 200
    assert "attachment" in csv.headers["content-disposition"]
    text = csv.body().decode("utf-8-sig")
    assert "manual" in text and "INV-9" in text
    xlsx = page.request.get(str(page.get_by_role("link", name="Export XLSX").get_attribute("href")))
    assert xlsx.status == 200 and xlsx.body()[:2] == b"PK"

    # Undoing the manual match shows it as undone, with nothing to confirm.
    manual = page.locator("#results-table tbody tr", has_text="INV-9")
    manual.get_by_role("button", name=re.compile("^Reject match")).click()
    expect(manual).to_have_attribute("data-status", "undone")
    expect(manual.locator(".status")).to_have_text("undone")
    expect(manual.locator("button.confirm")).to_have_count(0)

    page.goto(f"/projects/{seeded.project_id}")
    expect(page.locator("[data-chart=match_rate] canvas")).to_be_visible()
    shot(page, "18-project-overview")


def test_the_second_reviewer_gets_the_current_row(page: Page, seeded: Seeded) -> None:
    """Two reviewers, one match: the one who acts second sees the row as the first left it."""
    sign_in(page, seeded.alice.email)
    page.goto(f"/projects/{seeded.project_id}/jobs/new")
    page.get_by_role("button", name="Start reconciliation").click()
    expect(page.get_by_text("Completed")).to_be_visible(timeout=30_000)
    job_url = page.url
    page.goto(job_url + "/results?tab=review")
    row = page.locator(
        '#results-table tbody tr[data-status="suggested"], #results-table tbody tr[data-status="ambiguous"]'
    ).first
    match_id = row.get_attribute("data-match")
    api = job_url.replace("/projects/", "/api/v1/projects/")
    # The other reviewer rejects it through the API while this page still offers Confirm.
    other = page.request.post(
        f"{api}/matches/{match_id}/reject",
        data={"version": 0},
        headers={"Authorization": f"Bearer {seeded.alice.token}"},
    )
    assert other.status == 200, other.text()
    stale = page.locator(f"#match-{match_id}")
    with page.expect_response(re.compile(rf"/matches/{match_id}/confirm")) as answer:
        # Buttons name the match as the page shows it: by its number within the project.
        stale.get_by_role("button", name=re.compile(r"^Confirm match #\d+$")).click()
    assert answer.value.status == 409
    expect(stale).to_have_attribute("data-status", "rejected")
    expect(stale).to_contain_text("Changed by someone else")
    shot(page, "19-review-conflict")


FILES = Path(__file__).resolve().parent / "files"


def drop_file(page: Page, selector: str, path: Path) -> None:
    """Drop a file on an element as a person dragging it from their desktop would."""
    transfer = page.evaluate_handle(
        """([name, text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, {type: "text/csv"}));
            return transfer;
        }""",
        [path.name, path.read_text()],
    )
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_upload_two_csvs_fix_a_mapping_and_refuse_a_bad_file(page: Page, seeded: Seeded) -> None:
    sign_in(page, seeded.alice.email)
    page.get_by_label("Name").fill("Uploads")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="Uploads")).to_be_visible()
    overview = page.url
    page.get_by_role("link", name="Add a data source").first.click()
    shot(page, "19-add-source")

    # Through the drop zone: a semicolon file with decimal commas and an unmapped reference.
    drop_file(page, "#dropzone", FILES / "bank.csv")
    expect(page.locator(".preview-table tbody tr")).to_have_count(5)
    expect(page.locator(".detected")).to_contain_text("semicolon")
    expect(page.locator(".detected")).to_contain_text("1.234,56")
    beleg = page.get_by_label("Tally field for column Beleg")
    expect(beleg).to_have_value("")
    beleg.select_option("reference")
    expect(page.get_by_label("Tally field for column Beleg")).to_have_value("reference")
    expect(page.locator("#field-reference")).to_have_value("Beleg")  # re-rendered in place
    expect(page.get_by_text("Every previewed row reads cleanly")).to_be_visible()
    # The decimal separator picker re-reads the amounts: with a point, '1.234,56' fails.
    page.locator("#decimal-separator").select_option(".")
    expect(page.locator("td.cell-error").first).to_contain_text("not an amount")
    page.locator("#decimal-separator").select_option(",")
    expect(page.get_by_text("Every previewed row reads cleanly")).to_be_visible()
    shot(page, "20-preview-mapped")
    page.get_by_label("Name of this data source").fill("Bank statement")
    page.get_by_role("button", name="Upload and load").click()
    expect(page.locator("#ingest")).to_contain_text("Ready", timeout=20_000)
    expect(page.locator("#ingest")).to_contain_text("5 rows loaded")
    shot(page, "21-upload-ready")

    # Through the file picker.
    page.goto(overview + "/sources/new")
    page.locator("#file-input").set_input_files(str(FILES / "ledger.csv"))
    expect(page.locator(".preview-table tbody tr")).to_have_count(5)
    page.get_by_role("button", name="Upload and load").click()
    expect(page.locator("#ingest")).to_contain_text("Ready", timeout=20_000)

    # A bad file: its errors are shown in place, and uploading it anyway stores nothing.
    page.goto(overview + "/sources/new")
    page.locator("#file-input").set_input_files(str(FILES / "bad.csv"))
    expect(page.locator("td.cell-error")).to_have_count(2)
    expect(page.locator("td.cell-error").first).to_contain_text("not an amount")
    shot(page, "22-preview-errors")
    page.get_by_role("button", name="Upload and load").click()
    expect(page.locator("#flash")).to_contain_text("problems in the first rows")
    page.goto(overview)
    expect(page.locator("#sources-title + .table-wrap tbody tr")).to_have_count(2)
    expect(page.get_by_text("bad", exact=True)).to_have_count(0)


def test_append_a_statement_and_apply_a_suggested_profile(page: Page, seeded: Seeded) -> None:
    sign_in(page, seeded.alice.email)
    project = f"/projects/{seeded.project_id}"
    page.goto(project + "/sources/new")
    page.locator("#file-input").set_input_files(str(FILES / "ledger.csv"))
    page.get_by_label("Name of this data source").fill("Ledger to append to")
    page.get_by_role("button", name="Upload and load").click()
    expect(page.locator("#ingest")).to_contain_text("5 rows loaded", timeout=20_000)

    # The same file again, appended from the source's page: nothing is new.
    page.goto(project)
    page.get_by_role("link", name="Ledger to append to", exact=True).click()
    source_page = page.url
    page.get_by_role("link", name="Append a statement").click()
    page.locator("#file-input").set_input_files(str(FILES / "ledger.csv"))
    expect(page.locator("#duplicate-counts")).to_contain_text("0 new, 5 already imported")
    shot(page, "23-append-preview")
    page.get_by_role("button", name="Upload and append").click()
    expect(page.locator("#ingest")).to_contain_text("Ready", timeout=20_000)
    page.goto(source_page)
    expect(page.locator("#appends")).to_contain_text("ledger.csv")

    # A Stripe export: the preview offers the built-in profile, and applying it maps the columns.
    page.goto(project + "/sources/new")
    stripe = FILES.parent.parent / "profiles" / "files" / "stripe_balance_itemized.csv"
    page.locator("#file-input").set_input_files(str(stripe))
    expect(page.locator("#profile-suggestion")).to_contain_text("Stripe balance report (itemized)")
    page.get_by_role("button", name="apply").click()
    expect(page.get_by_label("Tally field for column net")).to_have_value("amount")
    shot(page, "24-profile-applied")


def test_a_non_member_gets_404_and_a_post_without_csrf_is_403(page: Page, seeded: Seeded) -> None:
    sign_in(page, seeded.mallory.email)
    response = page.goto(f"/projects/{seeded.project_id}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    shot(page, "13-not-found")
    # The browser's own cookies, but no token: refused, and nothing is created.
    refused = page.request.post("/projects", form={"name": "Forged"})
    assert refused.status == 403
    page.goto("/projects")
    expect(page.get_by_text("Forged")).to_have_count(0)
    status = page.evaluate(
        "fetch('/projects', {method: 'POST', body: new URLSearchParams({name: 'Forged'})})"
        ".then(r => r.status)"
    )
    assert status == 403


def test_admin_pages(page: Page, seeded: Seeded) -> None:
    sign_in(page, seeded.admin.email)
    page.get_by_role("link", name="Users").click()
    page.get_by_label("Email").fill("bob@example.test")
    page.get_by_label("Initial password").fill("a long enough password")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_text("Created bob@example.test.")).to_be_visible()
    row = page.locator("tr", has_text="bob@example.test")
    row.get_by_role("button", name=re.compile("^Deactivate")).click()
    expect(page.locator("tr", has_text="bob@example.test")).to_contain_text("deactivated")
    shot(page, "14-admin-users")
    page.get_by_role("link", name="System").click()
    expect(page.get_by_role("heading", name="Database pool")).to_be_visible()
    shot(page, "15-admin-system")


def test_pages_fit_a_phone(page: Page, seeded: Seeded) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, seeded.alice.email)
    page.goto(f"/projects/{seeded.project_id}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the overview scrolls sideways on a phone ({width}px)"
    shot(page, "16-overview-phone")
    page.goto(f"/projects/{seeded.project_id}/jobs/new")
    shot(page, "17-rules-phone")


def test_backtest_a_changed_rule_set_then_activate_it(page: Page, seeded: Seeded) -> None:
    sign_in(page, seeded.alice.email)
    page.goto(f"/projects/{seeded.project_id}/jobs/new")
    page.get_by_role("button", name="Start reconciliation").click()
    expect(page.get_by_text("Completed")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("link", name=re.compile(r"Rules v\d+"))).to_be_visible()

    page.goto(f"/projects/{seeded.project_id}")
    page.get_by_role("link", name="Rules", exact=True).click()
    page.get_by_role("button", name="New draft from the active rules").click()
    expect(page.get_by_text("The rules are valid.")).to_be_visible()
    page.locator("#c-abs-0-1").fill("5.00")  # the first rule's amount tolerance
    expect(page.get_by_text("The rules are valid.")).to_be_visible()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    page.get_by_role("button", name="Run backtest").click()
    panel = page.locator("article.backtest").first
    expect(panel.get_by_text("newly matched", exact=True)).to_be_visible(timeout=30_000)
    expect(panel.get_by_role("table", name=re.compile("Precision and recall"))).to_be_visible()
    shot(page, "18-rules-backtest")
    page.get_by_role("button", name=re.compile(r"Activate v\d+")).click()
    expect(page.locator("h1 .status-active")).to_be_visible()


def test_rules_edited_on_the_run_page_are_kept_and_run(page: Page, seeded: Seeded) -> None:
    sign_in(page, seeded.alice.email)
    page.goto(f"/projects/{seeded.project_id}/jobs/new")
    expect(
        page.get_by_role("heading", name=re.compile(r"2\. Rules v\d+ \(active\)"))
    ).to_be_visible()
    expect(page.get_by_text("The rules are valid.")).to_be_visible()

    # Each valid edit is kept in a draft as it is made; the address remembers which.
    page.locator("#rule-name-0").fill("reference_edited_here")
    expect(page.get_by_text(re.compile(r"Edits kept in draft v\d+\."))).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?draft=\d+$"))
    number = page.url.rsplit("=", 1)[1]
    shot(page, "19-run-page-edits-kept")
    page.reload()
    expect(page.get_by_role("heading", name=f"2. Rules: draft v{number} (earlier rules win)"))
    expect(page.locator("#rule-name-0")).to_have_value("reference_edited_here")
    page.locator("#c-abs-0-1").fill("0.02")  # saved in place, in the same draft
    expect(page.get_by_text(f"Edits kept in draft v{number}.")).to_be_visible()

    # A later visit shows the active rules and offers the kept edits.
    page.goto(f"/projects/{seeded.project_id}/jobs/new")
    page.get_by_role("link", name="continue editing them").click()
    expect(page.locator("#rule-name-0")).to_have_value("reference_edited_here")
    expect(page.locator("#c-abs-0-1")).to_have_value("0.02")
    page.get_by_role("button", name="Start reconciliation").click()
    expect(page.get_by_role("heading", name=re.compile(r"Reconciliation #\d+"))).to_be_visible()
    expect(page.get_by_text("Completed")).to_be_visible(timeout=30_000)
    shot(page, "20-run-page-edited-job")


WIDE_CSV = (
    "Booking date;Value date;Amount;Currency;Reference;Counterparty name;Counterparty IBAN;"
    "Purpose of payment;Bank reference;End to end id;Mandate;Creditor id\n"
    + "".join(
        f"2026-01-{day:02d};2026-01-{day:02d};1.338,{day:02d};EUR;RF18-0000-{day:04d}-LONG-REFERENCE;"
        f"Counterparty with a very long registered company name number {day} GmbH & Co. KG;"
        f"DE89370400440532013{day:03d};Invoice {day} of January for consulting services rendered "
        f"in the period without any line break at all;BANKREF{day:012d};E2E-{day:024d};"
        f"MANDATE-{day:010d};DE98ZZZ09999999999\n"
        for day in range(1, 8)
    )
)


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_the_upload_preview_never_widens_the_page(
    page: Page, seeded: Seeded, tmp_path: Path, viewport: tuple[int, int]
) -> None:
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, seeded.alice.email)
    wide = tmp_path / "wide-statement.csv"
    wide.write_text(WIDE_CSV)
    page.goto(f"/projects/{seeded.project_id}/sources/new")
    page.locator("#file-input").set_input_files(str(wide))
    expect(page.locator(".preview-table tbody tr")).to_have_count(7)
    shot(page, f"23-wide-preview-{width}")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    culprits = page.evaluate(
        """width => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1)
            .slice(0, 8).map(el => el.tagName + '.' + el.className + '#' + el.id + ' ' + Math.round(el.getBoundingClientRect().right))""",
        inner,
    )
    assert scroll <= inner, f"the preview widens the page to {scroll}px at {inner}px: {culprits}"
    # The table itself scrolls inside its frame, where the reader can reach every column.
    frame = page.locator(".preview-scroll").first
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth")


def test_the_manual_match_bar_never_covers_the_selected_row(page: Page, seeded: Seeded) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, seeded.alice.email)
    page.goto(f"/projects/{seeded.project_id}/jobs/new")
    page.get_by_role("button", name="Start reconciliation").click()
    expect(page.get_by_text("Completed")).to_be_visible(timeout=30_000)
    page.goto(page.url + "/results?tab=unmatched_left")
    rows = page.locator("#results-table tbody tr[id^=record-]")
    last = rows.last
    last.scroll_into_view_if_needed()
    # Bring the row to the bottom edge of the window, where the bar appears, then select it.
    page.evaluate(
        "row => window.scrollBy(0, row.getBoundingClientRect().bottom - window.innerHeight + 2)",
        last.element_handle(),
    )
    last.get_by_role("checkbox").check()
    bar = page.locator("#manual-bar")
    expect(bar).to_be_visible()
    page.wait_for_function(
        "() => { const r = document.querySelector('#results-table tbody tr.is-selected');"
        " const b = document.getElementById('manual-bar');"
        " return r && b && r.getBoundingClientRect().bottom <= b.getBoundingClientRect().top; }"
    )  # results.js moves the row out from under the bar once it appears
    box = last.bounding_box()
    bar_box = bar.bounding_box()
    assert box is not None and bar_box is not None
    shot(page, "24-manual-bar-phone", full_page=False)
    assert box["y"] + box["height"] <= bar_box["y"], "the bar covers the selected row"


def test_overview_charts_read_true_amounts_and_ages(page: Page, seeded: Seeded) -> None:
    sign_in(page, seeded.alice.email)
    page.goto(f"/projects/{seeded.project_id}/jobs/new")
    page.get_by_role("button", name="Start reconciliation").click()
    expect(page.get_by_text("Completed")).to_be_visible(timeout=30_000)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/projects/{seeded.project_id}")
        amounts = page.locator("[data-chart=amounts]")
        expect(amounts).to_have_attribute("data-ticks", re.compile(r"^\[.+\]$"))
        ticks = json.loads(str(amounts.get_attribute("data-ticks")))
        assert ticks[0] == "0", f"the amount axis starts at {ticks[0]}, not at zero"
        assert len(set(ticks)) == len(ticks) >= 2, f"amount ticks repeat: {ticks}"
        ages = page.locator("[data-chart=ages]")
        expect(ages).to_have_attribute("data-labels", re.compile("level|turned"))
        if ages.get_attribute("data-labels") == "level":  # level labels fit their slots
            label = int(str(ages.get_attribute("data-label-width")))
            assert label + 8 <= int(str(ages.get_attribute("data-slot-width")))
        shot(page, f"25-overview-charts-{width}")
