"""The rules of invitations: adding an address to a project never says whether it has an account.

Every address that is not yet a member gets a pending invitation, a known user's as well as an
unknown one's: the answer (status, body, work done) is the same for both, and so is the members
list afterwards, because nobody joins a project until they accept. A finance team expects that
too: access to a client's books is granted by the owner and taken up by the person, each step in
the project's audit trail, and nobody finds a project in their list they never agreed to join.
The invitation's token is the only way in; it is shown to the inviter once (there is no mail
server: they pass the link on) and stored as a SHA-256 digest.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.invitations.repository import InvitationRepository
from tally.invitations.schemas import InvitationRead
from tally.kit.errors import Conflict, NotFound
from tally.kit.pagination import Cursor, read_all
from tally.kit.security import token_digest
from tally.models import AuditEvent, ProjectInvitation, ProjectRole, User
from tally.projects.auth import ProjectAccess
from tally.projects.schemas import MemberAdd, MemberRead
from tally.projects.service import OwnerIsPermanent, ProjectService

log = structlog.get_logger("tally.invitations")
INVITATION_TOKEN_PREFIX = "tlyi_"  # noqa: S105 - a public prefix that makes leaked links greppable


class InvitationNotFound(NotFound):
    """No such invitation in this project."""


class InvitationNotPending(Conflict):
    """The invitation was already accepted, revoked, or has expired."""


class InvalidInvitation(NotFound):
    """The link is unknown, used, revoked or expired (one answer for all four)."""

    def __init__(self) -> None:
        super().__init__(
            "This invitation link is not valid: it was used, revoked or has expired. "
            "Ask the project's owner for a new one."
        )


def invitation_read(invitation: ProjectInvitation, now: datetime | None = None) -> InvitationRead:
    return InvitationRead.model_validate(
        {
            **{
                column: getattr(invitation, column)
                for column in InvitationRead.model_fields
                if column != "status"
            },
            "status": invitation.status_at(now or datetime.now(UTC)),
        }
    )


class InvitationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = InvitationRepository(session)

    async def invite(
        self, access: ProjectAccess, data: MemberAdd, *, ttl: timedelta
    ) -> MemberRead | tuple[ProjectInvitation, str]:
        """Invite ``data.email`` with ``data.role``: a new pending invitation and its token
        (any earlier pending one for the address is revoked), the same whether or not the
        address has an account. A current member's role changes at once instead (the owner
        sees the members list anyway, so that answer tells nothing new)."""
        if data.role == ProjectRole.OWNER:
            raise OwnerIsPermanent("A project has exactly one owner")
        actor_id = access.principal.user_id
        email = data.email.strip().lower()
        member = await self.repository.member_by_email(access.project_id, email)
        if member is not None:
            return await self._change_role(access, actor_id, member[1], data.role)
        now = datetime.now(UTC)
        for revoked_id in await self.repository.revoke_pending(access.project_id, email, now):
            self._audit(access.project_id, actor_id, "invitation.replaced", revoked_id, email=email)
        token = INVITATION_TOKEN_PREFIX + secrets.token_urlsafe(32)
        invitation = await self.repository.add(
            ProjectInvitation(
                project_id=access.project_id,
                email=email,
                role=data.role,
                token_hash=token_digest(token),
                invited_by_id=actor_id,
                created_at=now,
                expires_at=now + ttl,
            )
        )
        self._audit(
            access.project_id,
            actor_id,
            "invitation.created",
            invitation.id,
            email=email,
            role=str(data.role),
        )
        return invitation, token

    async def page_invitations(
        self, access: ProjectAccess, cursor: Cursor
    ) -> tuple[list[InvitationRead], bool]:
        """A page of the project's invitations, newest first, each with its status now."""
        now = datetime.now(UTC)
        rows, has_more = await self.repository.page_for_project(access.project_id, cursor)
        return [invitation_read(i, now) for i in rows], has_more

    async def list_invitations(self, access: ProjectAccess) -> list[InvitationRead]:
        """Every invitation of the project, newest first (the members page)."""
        return await read_all(lambda cursor: self.page_invitations(access, cursor), _invitation_id)

    async def revoke(self, access: ProjectAccess, invitation_id: int) -> None:
        """Withdraw a pending invitation: its link stops working at once."""
        invitation = await self.repository.get(access.project_id, invitation_id)
        if invitation is None:
            raise InvitationNotFound(f"Invitation {invitation_id} not found in this project")
        now = datetime.now(UTC)
        if invitation.status_at(now) != "pending":
            raise InvitationNotPending(
                f"Invitation {invitation_id} is {invitation.status_at(now)}; only a pending "
                "invitation can be revoked"
            )
        invitation.revoked_at = now
        await self.session.flush()
        self._audit(
            access.project_id,
            access.principal.user_id,
            "invitation.revoked",
            invitation.id,
            email=invitation.email,
        )

    async def pending(self, token: str) -> ProjectInvitation:
        """The pending invitation a link's token opens, or InvalidInvitation."""
        invitation = await self.repository.pending_by_token(token_digest(token), datetime.now(UTC))
        if invitation is None:
            raise InvalidInvitation()
        return invitation

    async def project_name(self, invitation: ProjectInvitation) -> str:
        """The name of the project an invitation opens (shown to the link's holder)."""
        return await self.repository.project_name(invitation.project_id)

    async def accept(self, invitation: ProjectInvitation, user: User) -> MemberRead:
        """``user`` (signed in as, or just created for, the invited address) joins the project
        with the invited role; the invitation is used up. Two accepts of one link: one wins."""
        if not await self.repository.claim(invitation.id, user.id, datetime.now(UTC)):
            raise InvalidInvitation()
        member = await ProjectService(self.session).set_member_role(
            invitation.project_id, user, ProjectRole(invitation.role)
        )
        self._audit(
            invitation.project_id,
            user.id,
            "invitation.accepted",
            invitation.id,
            email=invitation.email,
            role=str(member.role),
        )
        return member

    async def _change_role(
        self, access: ProjectAccess, actor_id: int, user: User, role: ProjectRole
    ) -> MemberRead:
        member = await ProjectService(self.session).set_member_role(access.project_id, user, role)
        self.session.add(
            AuditEvent(
                project_id=access.project_id,
                actor_id=actor_id,
                action="member.role_changed",
                target=f"user:{user.id}",
                detail={"email": user.email, "role": str(role)},
            )
        )
        return member

    def _audit(
        self, project_id: int, actor_id: int, action: str, invitation_id: int, **detail: str
    ) -> None:
        log.info(action, project_id=project_id, invitation_id=invitation_id, actor_id=actor_id)
        self.session.add(
            AuditEvent(
                project_id=project_id,
                actor_id=actor_id,
                action=action,
                target=f"invitation:{invitation_id}",
                detail=detail,
            )
        )


def _invitation_id(invitation: InvitationRead) -> int:
    return invitation.id
