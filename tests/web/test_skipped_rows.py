"""Rows skipped by an upload or an append can be downloaded from the source's page."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.config import Settings
from tally.models import DataSourceAppend, DataSourceStatus, ProjectRole
from tally.sources.storage import append_skipped_path, skipped_path
from tests.helpers.projects import create_project
from tests.helpers.sources import create_data_source
from tests.helpers.users import create_user
from tests.web.conftest import sign_in


async def test_skipped_rows_download_from_the_source_page(
    client: AsyncClient, session: AsyncSession, test_settings: Settings
) -> None:
    owner = await create_user(session)
    viewer = await create_user(session)
    outsider = await create_user(session)
    project = await create_project(session, owner=owner, members={viewer: ProjectRole.VIEWER})
    source = await create_data_source(session, project=project, name="bank")
    clean = await create_data_source(session, project=project, name="ledger")
    source.skipped_count = 2
    appended = DataSourceAppend(
        data_source_id=source.id,
        status=DataSourceStatus.READY,
        rows_added=3,
        skipped_count=1,
        file_name="february.csv",
    )
    session.add(appended)
    await session.commit()
    path = skipped_path(test_settings, source.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("row,reasons\n4,amount: not a number\n9,date: empty\n")
    append_skipped_path(test_settings, appended.id).write_text("row,reasons\n2,date: empty\n")

    await sign_in(client, viewer)
    base = f"/projects/{project.id}/sources/{source.id}"
    page = await client.get(base)
    assert page.status_code == 200
    assert f'href="{base}/skipped.csv"' in page.text and "2 skipped rows" in page.text
    assert f'href="{base}/appends/{appended.id}/skipped.csv"' in page.text
    rows = await client.get(f"{base}/skipped.csv")
    assert rows.status_code == 200 and rows.headers["content-type"].startswith("text/csv")
    assert (
        "amount: not a number" in rows.text and "attachment" in rows.headers["content-disposition"]
    )
    more = await client.get(f"{base}/appends/{appended.id}/skipped.csv")
    assert more.status_code == 200 and "date: empty" in more.text

    nothing = await client.get(f"/projects/{project.id}/sources/{clean.id}")
    assert "skipped.csv" not in nothing.text
    assert (
        await client.get(f"/projects/{project.id}/sources/{clean.id}/skipped.csv")
    ).status_code == 404

    await sign_in(client, outsider)
    assert (await client.get(f"{base}/skipped.csv")).status_code == 404
