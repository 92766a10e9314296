from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tests.helpers.results import Reconciled, reconciled_job


@pytest.fixture
async def reconciled(session: AsyncSession, db: Database) -> Reconciled:
    """A completed job over tests.helpers.results.BANK and LEDGER, with its users."""
    return await reconciled_job(session, db)
