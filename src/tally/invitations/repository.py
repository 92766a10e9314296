from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.pagination import Cursor, cut, keyset
from tally.models import Project, ProjectInvitation, ProjectMember, User


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, invitation: ProjectInvitation) -> ProjectInvitation:
        self.session.add(invitation)
        await self.session.flush()
        return invitation

    async def page_for_project(
        self, project_id: int, cursor: Cursor
    ) -> tuple[list[ProjectInvitation], bool]:
        """A cursor page of the project's invitations, newest first."""
        statement = select(ProjectInvitation).where(ProjectInvitation.project_id == project_id)
        rows = await self.session.scalars(
            keyset(statement, ProjectInvitation.id, cursor, descending=True)
        )
        return cut(list(rows), cursor)

    async def get(self, project_id: int, invitation_id: int) -> ProjectInvitation | None:
        invitation = await self.session.get(ProjectInvitation, invitation_id)
        return invitation if invitation and invitation.project_id == project_id else None

    async def pending_by_token(self, token_hash: str, now: datetime) -> ProjectInvitation | None:
        statement = select(ProjectInvitation).where(
            ProjectInvitation.token_hash == token_hash,
            ProjectInvitation.accepted_at.is_(None),
            ProjectInvitation.revoked_at.is_(None),
            ProjectInvitation.expires_at > now,
        )
        return await self.session.scalar(statement)

    async def project_name(self, project_id: int) -> str:
        name = await self.session.scalar(select(Project.name).where(Project.id == project_id))
        return name or ""

    async def revoke_pending(self, project_id: int, email: str, now: datetime) -> list[int]:
        """Revoke the address's pending invitations to the project; their ids."""
        statement = (
            update(ProjectInvitation)
            .where(
                ProjectInvitation.project_id == project_id,
                ProjectInvitation.email == email,
                ProjectInvitation.accepted_at.is_(None),
                ProjectInvitation.revoked_at.is_(None),
            )
            .values(revoked_at=now)
            .returning(ProjectInvitation.id)
            .execution_options(synchronize_session=False)
        )
        return list(await self.session.scalars(statement))

    async def claim(self, invitation_id: int, user_id: int, now: datetime) -> bool:
        """Mark a still-pending invitation accepted; False if another request got there first
        (or it was revoked or expired meanwhile)."""
        statement = (
            update(ProjectInvitation)
            .where(
                ProjectInvitation.id == invitation_id,
                ProjectInvitation.accepted_at.is_(None),
                ProjectInvitation.revoked_at.is_(None),
                ProjectInvitation.expires_at > now,
            )
            .values(accepted_at=now, accepted_by_id=user_id)
            .returning(ProjectInvitation.id)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.scalar(statement)) is not None

    async def member_by_email(
        self, project_id: int, email: str
    ) -> tuple[ProjectMember, User] | None:
        """The project's member with this email, if any: one statement whether or not an
        account with the email exists, so both cost the same."""
        statement = (
            select(ProjectMember, User)
            .join(User, User.id == ProjectMember.user_id)
            .where(ProjectMember.project_id == project_id, User.email == email)
        )
        row = (await self.session.execute(statement)).first()
        return (row[0], row[1]) if row is not None else None
