from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tally.audit.schemas import ChainLink, ChainVerification
from tally.audit.service import AuditProjectNotFound, AuditService
from tally.kit.errors import Forbidden, error_responses
from tally.users.auth import AdminPrincipal, Session

# Mounted with the secured operations routers (at /admin), administrators only.
router = APIRouter(prefix="/admin/audit", tags=["admin"], responses=error_responses(Forbidden))


@router.get(
    "/verify",
    operation_id="audit_verify",
    response_model=list[ChainVerification],
    responses=error_responses(AuditProjectNotFound),
)
async def verify_audit_chains(
    _admin: AdminPrincipal,
    session: Session,
    project_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    head_seq: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    head_hash: Annotated[str | None, Query(pattern=r"^[0-9a-f]{64}$")] = None,
) -> list[ChainVerification]:
    """Recompute the audit chain of one project (or of every project) and name the first broken
    link. ``head_seq``/``head_hash`` (from an export's ``X-Tally-Audit-Head``) with
    ``project_id`` also check that the chain still holds that head."""
    expected = (
        ChainLink(seq=head_seq, hash=head_hash)
        if head_seq is not None and head_hash is not None
        else None
    )
    return await AuditService(session).verify(project_id, expected_head=expected)
