"""Import profiles: saved per project, built in for processor exports, suggested and applied."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import Record
from tally.profiles.builtin import BUILTIN_PROFILES
from tests.helpers.projects import create_project
from tests.helpers.users import AuthedUser, create_user
from tests.helpers.waiting import wait_for

FILES = Path(__file__).resolve().parent / "files"
BANK_CSV = b"Buchungstag;Betrag;Verwendung;Beleg\n02.01.2026;100,00;Miete;B-1\n"
BANK_PROFILE = {
    "name": "Bank A CSV",
    "options": {
        "mapping": {"booking_date": "Buchungstag", "amount": "Betrag", "reference": "Beleg"}
    },
    "header": ["Buchungstag", "Betrag", "Verwendung", "Beleg"],
}


async def _project(session: AsyncSession) -> tuple[AuthedUser, AuthedUser, AuthedUser, str]:
    owner, viewer, outsider = [await create_user(session) for _ in range(3)]
    project = await create_project(session, owner=owner, members={viewer: "viewer"})  # type: ignore[dict-item]
    return owner, viewer, outsider, f"/api/v1/projects/{project.id}"


async def _preflight(client: AsyncClient, user: AuthedUser, base: str, name: str) -> Any:
    content = (FILES / name).read_bytes()
    response = await client.post(
        f"{base}/data-sources/preflight",
        files={"file": (name, content, "text/csv")},
        data={"complete": "true"},
        headers=user.headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_builtin_mappings_only_name_columns_of_their_signature() -> None:
    for profile in BUILTIN_PROFILES:
        assert set(profile.options["mapping"].values()) <= set(profile.signature), profile.key


async def test_profiles_are_saved_read_changed_and_deleted_by_editors(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, viewer, outsider, base = await _project(session)
    url = f"{base}/import-profiles"
    created = await client.post(url, json=BANK_PROFILE, headers=owner.headers)
    assert created.status_code == 201, created.text
    profile = created.json()
    assert (profile["name"], profile["builtin"]) == ("Bank A CSV", False)
    assert profile["options"]["mapping"]["amount"] == "Betrag"

    listed = await client.get(url, headers=viewer.headers)  # readers may read
    assert listed.status_code == 200
    ids = [p["id"] for p in listed.json()]
    assert ids[0] == profile["id"]
    assert {"builtin:stripe-balance-itemized", "builtin:paypal-activity"} <= set(ids)
    one = await client.get(f"{url}/{profile['id']}", headers=viewer.headers)
    assert one.json()["header"] == BANK_PROFILE["header"]
    builtin = await client.get(f"{url}/builtin:paypal-activity", headers=viewer.headers)
    assert builtin.json()["builtin"] is True

    # Readers may not write; other tenants do not even see it.
    assert (await client.post(url, json=BANK_PROFILE, headers=viewer.headers)).status_code == 403
    patch = {"name": "Mine"}
    assert (
        await client.patch(f"{url}/{profile['id']}", json=patch, headers=viewer.headers)
    ).status_code == 403
    assert (await client.get(url, headers=outsider.headers)).status_code == 404

    taken = await client.post(url, json=BANK_PROFILE, headers=owner.headers)
    assert (taken.status_code, taken.json()["error"]) == (409, "ProfileNameTaken")
    wrong = {**BANK_PROFILE, "name": "Wrong", "options": {"mapping": {"amount": "Sum"}}}
    refused = await client.post(url, json=wrong, headers=owner.headers)
    assert (refused.status_code, refused.json()["error"]) == (422, "InvalidProfile")

    renamed = await client.patch(
        f"{url}/{profile['id']}", json={"name": "Bank A (semicolon)"}, headers=owner.headers
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Bank A (semicolon)"
    deleted = await client.delete(f"{url}/{profile['id']}", headers=owner.headers)
    assert deleted.status_code == 204
    gone = await client.get(f"{url}/{profile['id']}", headers=owner.headers)
    assert gone.status_code == 404
    assert (await client.get(f"{url}/builtin:nope", headers=owner.headers)).status_code == 404


@pytest.mark.parametrize(
    ("name", "profile_id"),
    [
        ("stripe_balance_itemized.csv", "builtin:stripe-balance-itemized"),
        ("stripe_payouts_itemized.csv", "builtin:stripe-payouts-itemized"),
        ("paypal_activity.csv", "builtin:paypal-activity"),
    ],
)
async def test_processor_exports_suggest_their_builtin_profile(
    client: AsyncClient, session: AsyncSession, name: str, profile_id: str
) -> None:
    owner, _, _, base = await _project(session)
    preview = await _preflight(client, owner, base, name)
    assert [p["id"] for p in preview["profiles"]] == [profile_id]


async def _upload(
    client: AsyncClient, user: AuthedUser, base: str, name: str, profile_id: str
) -> list[dict[str, Any]]:
    response = await client.post(
        f"{base}/data-sources",
        files={"file": (name, (FILES / name).read_bytes(), "text/csv")},
        data={"profile_id": profile_id},
        headers=user.headers,
    )
    assert response.status_code == 202, response.text
    url = f"{base}/data-sources/{response.json()['id']}"
    ready = await wait_for(client, url, user.headers, until={"ready", "failed"})
    assert ready["status"] == "ready", ready
    return ready["id"]  # type: ignore[no-any-return]


async def _records(session: AsyncSession, source_id: int) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(Record).where(Record.data_source_id == source_id).order_by(Record.row_number)
    )
    return [
        {
            "transaction_id": r.transaction_id,
            "booking_date": r.booking_date,
            "value_date": r.value_date,
            "amount": r.amount,
            "currency": r.currency,
            "reference": r.reference,
            "description": r.description,
            "counterparty": r.counterparty,
            "extra": json.loads(r.extra) if r.extra else None,
        }
        for r in rows
    ]


async def test_stripe_balance_report_is_read_field_by_field(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, _, _, base = await _project(session)
    source_id = await _upload(
        client, owner, base, "stripe_balance_itemized.csv", "builtin:stripe-balance-itemized"
    )
    charge, refund, payout = await _records(session, source_id)
    assert charge == {
        "transaction_id": "txn_3Ha1Tally0001",
        "booking_date": date(2026, 3, 2),
        "value_date": date(2026, 3, 4),
        "amount": 1_162_200,  # net 116.22
        "currency": "USD",
        "reference": "ch_3Ha1Tally0001",
        "description": "Invoice 1042",
        "counterparty": None,
        "extra": {
            "gross": "120.00",
            "fee": "3.78",
            "reporting_category": "charge",
            "customer_facing_amount": "120.00",
            "customer_facing_currency": "usd",
        },
    }
    assert (refund["amount"], refund["reference"], refund["value_date"]) == (
        -400_000,
        "re_3Ha1Tally0002",
        date(2026, 3, 3),
    )
    assert (payout["amount"], payout["description"]) == (-12_504_000, "STRIPE PAYOUT")


async def test_stripe_payouts_report_is_read_field_by_field(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, _, _, base = await _project(session)
    source_id = await _upload(
        client, owner, base, "stripe_payouts_itemized.csv", "builtin:stripe-payouts-itemized"
    )
    paid, in_transit = await _records(session, source_id)
    assert {k: v for k, v in paid.items() if k != "extra"} == {
        "transaction_id": "po_1Ha1Tally0003",
        "booking_date": date(2026, 3, 5),
        "value_date": date(2026, 3, 7),
        "amount": 12_504_000,
        "currency": "USD",
        "reference": "paid",
        "description": "STRIPE PAYOUT",
        "counterparty": None,
    }
    assert paid["extra"]["payout_destination_id"] == "ba_1Ha1TallyBank"
    assert (in_transit["transaction_id"], in_transit["reference"], in_transit["amount"]) == (
        "po_1Ha1Tally0004",
        "in_transit",
        9_800_000,
    )


async def test_paypal_activity_download_is_read_field_by_field(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, _, _, base = await _project(session)
    source_id = await _upload(client, owner, base, "paypal_activity.csv", "builtin:paypal-activity")
    payment, refund = await _records(session, source_id)
    assert {k: v for k, v in payment.items() if k != "extra"} == {
        "transaction_id": "4TA11256CD789012E",
        "booking_date": date(2026, 3, 14),
        "value_date": None,
        "amount": 12_345_600,  # 1,234.56 gross
        "currency": "USD",
        "reference": None,
        "description": "Express Checkout Payment",
        "counterparty": "Ann Lee",
    }
    assert payment["extra"]["Net"] == "1,198.46"
    assert payment["extra"]["Invoice Number"] == "INV-2201"
    assert (refund["amount"], refund["counterparty"], refund["booking_date"]) == (
        -200_000,
        "Bo Chen",
        date(2026, 3, 15),
    )


async def test_a_saved_profile_is_suggested_for_its_header_and_applied_by_id(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner, _, _, base = await _project(session)
    created = await client.post(f"{base}/import-profiles", json=BANK_PROFILE, headers=owner.headers)
    profile_id = created.json()["id"]
    # Same columns, other order and case: an exact header set match.
    content = b"beleg;Betrag;Buchungstag;Verwendung\nB-2;5,00;03.01.2026;Strom\n"
    preflight = await client.post(
        f"{base}/data-sources/preflight",
        files={"file": ("a.csv", content, "text/csv")},
        data={"complete": "true"},
        headers=owner.headers,
    )
    suggestions = preflight.json()["profiles"]
    assert [(s["id"], s["score"]) for s in suggestions] == [(profile_id, 1.0)]
    # A file with one more column still fits (score 4/5); one without 'Beleg' does not.
    wider = await client.post(
        f"{base}/data-sources/preflight",
        files={"file": ("b.csv", BANK_CSV.replace(b"Beleg\n", b"Beleg;Extra\n"), "text/csv")},
        data={"complete": "true"},
        headers=owner.headers,
    )
    assert [(s["id"], s["score"]) for s in wider.json()["profiles"]] == [(profile_id, 0.8)]
    narrower = await client.post(
        f"{base}/data-sources/preflight",
        files={"file": ("c.csv", b"Buchungstag;Betrag\n02.01.2026;1,00\n", "text/csv")},
        data={"complete": "true"},
        headers=owner.headers,
    )
    assert narrower.json()["profiles"] == []

    response = await client.post(
        f"{base}/data-sources",
        files={"file": ("bank.csv", BANK_CSV, "text/csv")},
        data={"profile_id": profile_id},
        headers=owner.headers,
    )
    assert response.status_code == 202, response.text
    assert response.json()["column_mapping"]["reference"] == "Beleg"
    missing = await client.post(
        f"{base}/data-sources",
        files={"file": ("bank.csv", BANK_CSV, "text/csv")},
        data={"profile_id": "999999"},
        headers=owner.headers,
    )
    assert (missing.status_code, missing.json()["error"]) == (404, "ImportProfileNotFound")
