from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.db import Database
from tests.helpers.results import Reconciled, reconciled_job
from tests.rule_sets.scenario import BANK, LEDGER


@pytest.fixture
async def reconciled(session: AsyncSession, db: Database) -> Reconciled:
    """A completed job over the scenario's records (tests.rule_sets.scenario), not yet reviewed."""
    return await reconciled_job(session, db, bank=BANK, ledger=LEDGER)
