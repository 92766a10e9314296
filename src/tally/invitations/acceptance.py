"""Taking up an invitation, as the API and the web page both run it.

The link's holder proves who they are with the invited address's password: the existing
account's (checked like a sign-in: throttled, off the event loop) or, when the address has no
account yet, the one they choose for the account that accepting creates. Either way one argon2
operation runs. Only the holder of a valid link learns which of the two happened; the inviter's
answer never said.
"""

from __future__ import annotations

from typing import NamedTuple

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from tally.invitations.service import InvitationService
from tally.models import ProjectRole, User, UserRole
from tally.users.login import get_passwords, sign_in
from tally.users.repository import UserRepository
from tally.users.service import UserService


class Accepted(NamedTuple):
    user: User
    project_id: int
    role: ProjectRole


async def accept_invitation(
    request: Request, session: AsyncSession, token: str, password: str
) -> Accepted:
    """Who accepted the invitation ``token`` opens, into which project, with which role.
    InvalidInvitation for a bad link, InvalidCredentials (or TooManyLogins) for the wrong
    password of an existing account; nothing is written unless it succeeds."""
    invitations = InvitationService(session)
    invitation = await invitations.pending(token)
    if await UserRepository(session).get_by_email(invitation.email) is not None:
        user = await sign_in(request, session, invitation.email, password)
    else:
        user = await UserService(session).add_account(
            invitation.email, password, get_passwords(request), role=UserRole.MEMBER
        )
    member = await invitations.accept(invitation, user)
    return Accepted(user, invitation.project_id, member.role)
