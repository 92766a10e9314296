"""Rules inferred from a project's data: the first version of a project without rules, the infer
endpoint (a draft once a version is active), its errors, and the rules page."""

from __future__ import annotations

from dataclasses import dataclass

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import DataSource, ProjectRole
from tests.helpers.projects import create_project
from tests.helpers.records import Row, create_source_with_rows
from tests.helpers.users import AuthedUser, create_user
from tests.helpers.waiting import wait_for
from tests.web.conftest import csrf_of, sign_in

# A ledger with invoice numbers and a bank export quoting them inside free text, 2.50 short for
# every fifth payment and one to three days late: nothing the built-in rules match by reference.
LEDGER = [
    Row(f"AR-{7100 + i}", f"2026-03-{1 + i % 25:02d}", f"{120 + i * 37}.00", None, f"Kunde {i % 6}")
    for i in range(40)
]
BANK = [
    Row(
        None,
        f"2026-03-{2 + i % 25 + i % 3:02d}",
        f"{120 + i * 37 - (2.5 if i % 5 == 0 else 0):.2f}",
        f"Gutschrift Rechnung AR-{7100 + i} vielen Dank",
        f"KUNDE {i % 6}",
    )
    for i in range(40)
]


@dataclass(frozen=True)
class World:
    owner: AuthedUser
    editor: AuthedUser
    viewer: AuthedUser
    project_id: int
    ledger: DataSource
    bank: DataSource

    def url(self, path: str = "") -> str:
        return f"/api/v1/projects/{self.project_id}{path}"


async def _world(session: AsyncSession) -> World:
    owner = await create_user(session)
    editor = await create_user(session)
    viewer = await create_user(session)
    project = await create_project(
        session, owner=owner, members={editor: ProjectRole.EDITOR, viewer: ProjectRole.VIEWER}
    )
    ledger = await create_source_with_rows(session, project=project, name="ledger", rows=LEDGER)
    bank = await create_source_with_rows(session, project=project, name="bank", rows=BANK)
    return World(owner, editor, viewer, project.id, ledger, bank)


async def test_a_first_job_runs_with_rules_inferred_from_its_sources(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await _world(session)
    body = {"left_source_id": world.ledger.id, "right_source_id": world.bank.id}
    created = await client.post(world.url("/jobs"), json=body, headers=world.editor.headers)
    assert created.status_code == 202, created.text
    job = created.json()
    assert job["rule_set_version"] == 1

    version = await client.get(world.url("/rule-set/versions/1"), headers=world.viewer.headers)
    v1 = version.json()
    assert v1["status"] == "active" and v1["author_id"] is None
    assert v1["note"].startswith("Proposed from your data (inferred from data).")
    assert "estimated precision" in v1["note"]
    [derived] = v1["rules"]["derived_fields"]
    assert derived["source"] == "description"

    done = await wait_for(
        client, world.url(f"/jobs/{job['id']}"), world.viewer.headers, until={"completed"}
    )
    assert done["summary"]["left"]["matched"] == len(LEDGER)


async def test_infer_proposes_the_active_version_first_then_drafts_with_evidence(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await _world(session)
    body = {"left_source_id": world.ledger.id, "right_source_id": world.bank.id}
    first = await client.post(world.url("/rule-set/infer"), json=body, headers=world.editor.headers)
    assert first.status_code == 201, first.text
    assert (first.json()["version"]["number"], first.json()["version"]["status"]) == (1, "active")

    second = await client.post(
        world.url("/rule-set/infer"), json=body, headers=world.editor.headers
    )
    assert second.status_code == 201, second.text
    proposed = second.json()
    assert (proposed["version"]["number"], proposed["version"]["status"]) == (2, "draft")
    evidence = proposed["evidence"]
    key = next(e for e in evidence["evidence"] if e["rule"] == "key")
    assert key["supporting_pairs"] == len(LEDGER)
    assert key["estimated_precision"] >= 0.97
    amount = next(
        c for c in evidence["rule_set"]["rules"][0]["conditions"] if c["type"] == "amount"
    )
    assert amount["abs_tolerance"] == "2.50"

    activated = await client.post(
        world.url("/rule-set/versions/2/activate"), headers=world.editor.headers
    )
    assert activated.json()["status"] == "active"
    again = await client.post(
        world.url("/rule-set/infer"), json={**body, "activate": True}, headers=world.editor.headers
    )
    assert again.json()["version"]["status"] == "active"


async def test_infer_refuses_one_source_twice_foreign_sources_and_viewers(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await _world(session)
    same = {"left_source_id": world.ledger.id, "right_source_id": world.ledger.id}
    refused = await client.post(
        world.url("/rule-set/infer"), json=same, headers=world.editor.headers
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == "SourcesNotInferable"

    other = await _world(session)
    foreign = {"left_source_id": world.ledger.id, "right_source_id": other.bank.id}
    refused = await client.post(
        world.url("/rule-set/infer"), json=foreign, headers=world.editor.headers
    )
    assert refused.status_code == 422

    body = {"left_source_id": world.ledger.id, "right_source_id": world.bank.id}
    forbidden = await client.post(
        world.url("/rule-set/infer"), json=body, headers=world.viewer.headers
    )
    assert forbidden.status_code == 403
    listed = await client.get(world.url("/rule-set/versions"), headers=world.viewer.headers)
    assert listed.json()["items"] == []


async def test_the_rules_page_proposes_rules_and_shows_their_evidence(
    client: AsyncClient, session: AsyncSession
) -> None:
    world = await _world(session)
    await sign_in(client, world.editor)
    page = await client.get(f"/projects/{world.project_id}/rule-set")
    assert "Proposed from your data" in page.text
    proposed = await client.post(
        f"/projects/{world.project_id}/rule-set/infer",
        data={
            "left_source_id": str(world.ledger.id),
            "right_source_id": str(world.bank.id),
            "csrf_token": csrf_of(page.text),
        },
    )
    assert proposed.status_code == 303
    version = await client.get(proposed.headers["location"])
    assert version.status_code == 200
    assert 'id="proposed"' in version.text
    assert "inferred from data" in version.text
    assert "estimated precision" in version.text
