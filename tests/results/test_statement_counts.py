"""Result reads cost a constant number of SQL statements, whatever the page size (no N+1)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from tally.kit.db import Database, StatementCounter
from tests.helpers.results import Reconciled

# At most: token + project access (unless cached) + job + count + page [+ the page's records].
READS = {
    "/matches?tab=review&per_page={n}": 6,
    "/matches?tab=review&sort=-amount&q=card&per_page={n}": 6,
    "/records?tab=unmatched_left&per_page={n}": 5,
    "/records?tab=duplicates&per_page={n}": 5,
    "/audit?per_page={n}": 5,
}


async def _cost(client: AsyncClient, db: Database, world: Reconciled, path: str) -> int:
    with StatementCounter(db.engine) as counter:
        response = await client.get(world.url(path), headers=world.owner.headers)
    assert response.status_code == 200, response.text
    return counter.count


@pytest.mark.parametrize("path", sorted(READS))
async def test_page_size_does_not_change_the_statement_count(
    client: AsyncClient, db: Database, reconciled: Reconciled, path: str
) -> None:
    # A few review changes, so the audit trail has rows to page through.
    page = (
        await client.get(reconciled.url("/matches?tab=review"), headers=reconciled.owner.headers)
    ).json()
    for match in page["items"][:2]:
        await client.post(
            reconciled.url(f"/matches/{match['id']}/reject"), headers=reconciled.owner.headers
        )
    await _cost(client, db, reconciled, path.format(n=1))  # warm the auth caches alike for both

    one = await _cost(client, db, reconciled, path.format(n=1))
    many = await _cost(client, db, reconciled, path.format(n=200))

    assert one == many, f"{path}: {one} statements for one item, {many} for a full page"
    assert many <= READS[path]


async def test_other_reads_are_constant_too(
    client: AsyncClient, db: Database, reconciled: Reconciled
) -> None:
    await _cost(client, db, reconciled, "/quality")
    assert await _cost(client, db, reconciled, "/quality") <= 4
    fee = reconciled.left["fee"]
    small = await _cost(client, db, reconciled, f"/records/{fee}/candidates?limit=1")
    large = await _cost(client, db, reconciled, f"/records/{fee}/candidates?limit=50")
    # + the record, two bounded window reads and the claims of the candidates
    assert small == large <= 7
