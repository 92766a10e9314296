"""The results page's text search, before and after the job's results are indexed."""

from __future__ import annotations

import re

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tally.results.indexing import index_results
from tests.helpers.results import reconciled_job
from tests.web.conftest import sign_in


async def test_search_says_it_scans_until_the_results_are_indexed(
    client: AsyncClient, session: AsyncSession, db: Database
) -> None:
    reconciled = await reconciled_job(session, db)
    await sign_in(client, reconciled.viewer)
    base = f"/projects/{reconciled.project.id}/jobs/{reconciled.job.id}/results"

    def rows(html: str) -> list[str]:
        return re.findall(r"<tr id=\"record-(\d+)\"", html)

    before = await client.get(f"{base}?tab=unmatched_left&q=hyperlink")
    assert before.status_code == 200
    assert 'id="search-scans"' in before.text
    assert await index_results(db, reconciled.job.id)
    after = await client.get(f"{base}?tab=unmatched_left&q=hyperlink")
    assert 'id="search-scans"' not in after.text
    assert rows(after.text) == rows(before.text) != []
    # Without a search there is nothing to say.
    assert 'id="search-scans"' not in (await client.get(f"{base}?tab=unmatched_left")).text
