"""The work behind `tally user ...`: the users service, with the database's authority."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache import run_command
from tally.config import get_settings
from tally.kit.pagination import MAX_PER_PAGE, PageParams
from tally.kit.security import PasswordPool
from tally.models import UserRole
from tally.users.schemas import UserCreate, UserRead, UserUpdate
from tally.users.service import UserService


async def create_user(email: str, password: str, admin: bool) -> dict[str, Any]:
    role = UserRole.ADMIN if admin else UserRole.MEMBER
    data = UserCreate.model_validate({"email": email, "password": password, "role": role})

    async def work(session: AsyncSession) -> dict[str, Any]:
        user = await UserService(session).create_user(data)
        await session.flush()
        await session.refresh(user)
        return _user_json(user)

    return await run_command(get_settings(), work)


async def list_users() -> list[dict[str, Any]]:
    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        service = UserService(session)
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            batch = await service.list_users(PageParams(page=page, per_page=MAX_PER_PAGE))
            found.extend(u.model_dump(mode="json") for u in batch.items)
            if not batch.has_more:
                return found
            page += 1

    return await run_command(get_settings(), work)


async def set_active(email: str, active: bool) -> dict[str, Any]:
    async def work(session: AsyncSession) -> dict[str, Any]:
        service = UserService(session)
        user = await service.get_user_by_email(email)
        # The command line acts as the operator, not as a user (id 0 is never one), so no
        # "cannot deactivate yourself" rule applies to it.
        update = UserUpdate(is_active=active)
        return _user_json(await service.update_user(user.id, update, actor_id=0))

    return await run_command(get_settings(), work)


async def reset_password(email: str, password: str) -> dict[str, Any]:
    UserCreate.model_validate({"email": email, "password": password})  # the same password rules

    async def work(session: AsyncSession) -> dict[str, Any]:
        service = UserService(session)
        user = await service.get_user_by_email(email)
        passwords = PasswordPool(threads=1)
        try:
            await service.reset_password(user.id, password, passwords)
        finally:
            passwords.shutdown()
        return _user_json(user)

    return await run_command(get_settings(), work)


def _user_json(user: Any) -> dict[str, Any]:
    return UserRead.model_validate(user).model_dump(mode="json")
