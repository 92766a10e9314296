"""The rules about API keys: who may make one, what it may reach, and its life cycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tally.apikeys.repository import KIND, ApiKeyRepository
from tally.apikeys.schemas import ApiKeyCreate, ApiKeyRotate
from tally.cache import invalidate_token
from tally.kit.errors import Conflict, Forbidden, NotFound
from tally.kit.pagination import Cursor, read_all
from tally.kit.security import new_token
from tally.models import ApiToken, AuditEvent, ProjectRole
from tally.models.base import utcnow
from tally.projects.auth import ROLE_RANK, ProjectNotFound
from tally.projects.repository import ProjectRepository
from tally.users.auth import Principal

log = structlog.get_logger("tally.apikeys")

PREFIX_LENGTH = 12


class ApiKeyNotFound(NotFound):
    """No such API key of yours."""


class KeysNeedALogin(Forbidden):
    """API keys are made, rotated and revoked with a login, never with another key."""


class RoleAboveYours(Forbidden):
    """A key cannot have a higher role on the project than its maker."""


class ApiKeyRevoked(Conflict):
    """The key is revoked; make a new one."""


class ApiKeyService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ApiKeyRepository(session)

    async def create(self, principal: Principal, data: ApiKeyCreate) -> tuple[ApiToken, str]:
        """A new key and its secret (returned this once). A project key needs membership of the
        project with at least the key's role."""
        _require_login(principal)
        if data.project_id is not None:
            found, role = await ProjectRepository(self.session).access(
                data.project_id, principal.user_id
            )
            if not found or role is None:
                raise ProjectNotFound(f"Project {data.project_id} not found")
            if ROLE_RANK[data.role] > ROLE_RANK[ProjectRole(role)]:
                raise RoleAboveYours(f"Your role on project {data.project_id} is {role}")
        lifetime = timedelta(days=data.expires_in_days) if data.expires_in_days else None
        key, secret = await self._issue(
            principal.user_id, data.name, data.role, data.project_id, lifetime
        )
        self._audit(principal, key, "api_key.created")
        return key, secret

    async def page_keys(self, principal: Principal, cursor: Cursor) -> tuple[list[ApiToken], bool]:
        """A page of the caller's keys, newest first, and whether more follow."""
        _require_login(principal)
        return await self.repository.page_for_user(principal.user_id, cursor)

    async def list_keys(self, principal: Principal) -> list[ApiToken]:
        """Every key of the caller, newest first."""
        return await read_all(lambda cursor: self.page_keys(principal, cursor), _id)

    async def rotate(
        self, principal: Principal, key_id: int, data: ApiKeyRotate
    ) -> tuple[ApiToken, str]:
        """A new key like the old one (name, role, project, lifetime); the old one keeps working
        for ``overlap_hours``, so a deployment can switch without a gap."""
        old = await self._own_key(principal, key_id)
        if old.revoked_at is not None:
            raise ApiKeyRevoked(f"API key {key_id} is revoked")
        now = utcnow()
        lifetime = _lifetime(old)
        key, secret = await self._issue(
            principal.user_id, old.name, ProjectRole(old.role or "viewer"), old.project_id, lifetime
        )
        overlap_end = now + timedelta(hours=data.overlap_hours)
        expires_at = _aware(old.expires_at)
        if expires_at is None or expires_at > overlap_end:
            old.expires_at = overlap_end
        await self.session.flush()
        invalidate_token(self.session, old.token_hash)  # its cached identity holds the expiry
        self._audit(principal, key, "api_key.rotated", replaces=old.id)
        return key, secret

    async def revoke(self, principal: Principal, key_id: int) -> None:
        key = await self._own_key(principal, key_id)
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            await self.session.flush()
            invalidate_token(self.session, key.token_hash)
            self._audit(principal, key, "api_key.revoked")

    async def _own_key(self, principal: Principal, key_id: int) -> ApiToken:
        _require_login(principal)
        key = await self.repository.get_for_user(principal.user_id, key_id)
        if key is None:
            raise ApiKeyNotFound(f"API key {key_id} not found")
        return key

    async def _issue(
        self,
        user_id: int,
        name: str,
        role: ProjectRole,
        project_id: int | None,
        lifetime: timedelta | None,
    ) -> tuple[ApiToken, str]:
        secret, digest = new_token()
        now = utcnow()
        key = ApiToken(
            token_hash=digest,
            user_id=user_id,
            name=name,
            kind=KIND,
            role=role,
            project_id=project_id,
            prefix=secret[:PREFIX_LENGTH],
            created_at=now,
            expires_at=now + lifetime if lifetime is not None else None,
        )
        return await self.repository.add(key), secret

    def _audit(self, principal: Principal, key: ApiToken, action: str, **detail: object) -> None:
        """Every key change is logged; one reaching a single project is in its audit trail too."""
        facts = {"name": key.name, "role": key.role, "prefix": key.prefix, **detail}
        log.info(action, key_id=key.id, actor_id=principal.user_id, project_id=key.project_id)
        if key.project_id is not None:
            self.session.add(
                AuditEvent(
                    project_id=key.project_id,
                    actor_id=principal.user_id,
                    action=action,
                    target=f"api_key:{key.id}",
                    detail=facts,
                )
            )


def _require_login(principal: Principal) -> None:
    if principal.is_api_key:
        raise KeysNeedALogin("API keys are managed with a login, not with an API key")


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # SQLite hands timestamps back naive (UTC)
    return moment


def _lifetime(key: ApiToken) -> timedelta | None:
    expires_at, created_at = _aware(key.expires_at), _aware(key.created_at)
    if expires_at is None or created_at is None:
        return None
    return expires_at - created_at


def _id(key: ApiToken) -> int:
    return key.id
