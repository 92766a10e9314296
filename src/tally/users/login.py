"""Sign-in as the API and the web app both run it: throttled, then checked off the event loop."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.security import PasswordPool
from tally.kit.transport import client_address
from tally.models import User
from tally.users.service import InvalidCredentials, UserService
from tally.users.throttle import LoginThrottle


def get_passwords(request: Request) -> PasswordPool:
    passwords: PasswordPool = request.app.state.passwords
    return passwords


Passwords = Annotated[PasswordPool, Depends(get_passwords)]


async def sign_in(request: Request, session: AsyncSession, email: str, password: str) -> User:
    """The user these credentials authenticate; TooManyLogins (429) while the account or the
    client's address is paused, InvalidCredentials (counted) when they are wrong."""
    throttle: LoginThrottle = request.app.state.login_throttle
    address = client_address(request)
    await throttle.check(email, address)
    try:
        user = await UserService(session).authenticate(email, password, get_passwords(request))
    except InvalidCredentials:
        await throttle.record_failure(email, address)
        raise
    await throttle.record_success(email, address)
    return user
