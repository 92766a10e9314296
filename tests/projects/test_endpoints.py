from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import ProjectRole
from tests.helpers.invitations import join_by_invitation
from tests.helpers.projects import create_project
from tests.helpers.users import create_user


async def test_create_then_read_project(client: AsyncClient, session: AsyncSession) -> None:
    owner = await create_user(session)
    created = await client.post(
        "/api/v1/projects",
        json={"name": "Q3 close", "description": "Bank vs GL"},
        headers=owner.headers,
    )
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]

    read = await client.get(f"/api/v1/projects/{project_id}", headers=owner.headers)
    assert read.status_code == 200
    assert read.json()["name"] == "Q3 close"

    listed = await client.get("/api/v1/projects", headers=owner.headers)
    assert listed.json()["total"] == 1
    assert [p["id"] for p in listed.json()["items"]] == [project_id]


async def test_projects_list_shows_only_the_callers_projects(
    client: AsyncClient, session: AsyncSession
) -> None:
    alice = await create_user(session)
    bob = await create_user(session)
    mine = await create_project(session, owner=alice, name="mine")
    await create_project(session, owner=bob, name="theirs")
    shared = await create_project(
        session, owner=bob, name="shared", members={alice: ProjectRole.VIEWER}
    )

    listed = await client.get("/api/v1/projects", headers=alice.headers)
    assert listed.status_code == 200
    assert {p["id"] for p in listed.json()["items"]} == {mine.id, shared.id}
    assert listed.json()["total"] == 2


async def test_viewer_cannot_update_but_editor_can(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    viewer = await create_user(session)
    editor = await create_user(session)
    project = await create_project(
        session, owner=owner, members={viewer: ProjectRole.VIEWER, editor: ProjectRole.EDITOR}
    )
    url = f"/api/v1/projects/{project.id}"
    denied = await client.patch(url, json={"name": "x"}, headers=viewer.headers)
    assert denied.status_code == 403
    assert denied.json() == {
        "error": "Forbidden",
        "detail": "Editor role required on this project",
        "request_id": denied.headers["X-Request-ID"],
    }
    allowed = await client.patch(url, json={"name": "renamed"}, headers=editor.headers)
    assert allowed.status_code == 200
    assert allowed.json()["name"] == "renamed"


async def test_members_can_be_added_and_removed_by_the_owner(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    colleague = await create_user(session)
    project = await create_project(session, owner=owner)
    url = f"/api/v1/projects/{project.id}/members"

    assert (
        await client.get(f"/api/v1/projects/{project.id}", headers=colleague.headers)
    ).status_code == 404
    await join_by_invitation(
        client, owner=owner, project_id=project.id, member=colleague, role="editor"
    )
    assert (
        await client.get(f"/api/v1/projects/{project.id}", headers=colleague.headers)
    ).status_code == 200

    removed = await client.delete(f"{url}/{colleague.id}", headers=owner.headers)
    assert removed.status_code == 204
    assert (
        await client.get(f"/api/v1/projects/{project.id}", headers=colleague.headers)
    ).status_code == 404

    refused = await client.delete(f"{url}/{owner.id}", headers=owner.headers)
    assert refused.status_code == 409
    assert refused.json()["error"] == "OwnerIsPermanent"


async def test_deleting_a_project_removes_it(client: AsyncClient, session: AsyncSession) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    assert (
        await client.delete(f"/api/v1/projects/{project.id}", headers=owner.headers)
    ).status_code == 204
    assert (
        await client.get(f"/api/v1/projects/{project.id}", headers=owner.headers)
    ).status_code == 404


async def test_invalid_payload_is_422_with_the_error_shape(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    response = await client.post("/api/v1/projects", json={"name": ""}, headers=owner.headers)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "ValidationError"
    assert body["detail"][0]["loc"] == ["body", "name"]


async def test_project_search_matches_names(session: AsyncSession) -> None:
    from tally.kit.pagination import PageParams
    from tally.projects.service import ProjectService
    from tally.users.auth import Principal

    owner = await create_user(session)
    for name in ("Bank 100% vs GL", "Stripe payouts", "bank_fees"):
        await create_project(session, owner=owner, name=name)
    service = ProjectService(session)
    principal = Principal(owner.id, owner.email, "member", "")
    params = PageParams(page=1, per_page=20)
    found = await service.list_projects(principal, params, search="BANK")
    assert sorted(p.name for p in found.items) == ["Bank 100% vs GL", "bank_fees"]
    # Wildcards in the search text are literal characters.
    assert [
        p.name for p in (await service.list_projects(principal, params, search="100%")).items
    ] == ["Bank 100% vs GL"]
    assert (await service.list_projects(principal, params, search="_")).total == 1


async def test_default_rules_are_validated_and_stored(
    client: AsyncClient, session: AsyncSession
) -> None:
    owner = await create_user(session)
    project = await create_project(session, owner=owner)
    url = f"/api/v1/projects/{project.id}/default-rules"
    bad = await client.put(url, json={"rules": []}, headers=owner.headers)
    assert bad.status_code == 422
    rules = {"rules": [{"name": "ref", "conditions": [{"type": "equals", "field": "reference"}]}]}
    assert (await client.put(url, json=rules, headers=owner.headers)).status_code == 200
    # They become the active version of the project's rule set: what new jobs use.
    versions = await client.get(
        f"/api/v1/projects/{project.id}/rule-set/versions", headers=owner.headers
    )
    [active] = versions.json()["items"]
    assert (active["number"], active["status"]) == (1, "active")
    assert active["rules"]["rules"][0]["name"] == "ref"
