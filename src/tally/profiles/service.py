"""The rules about import profiles: saving them per project, and which one fits a file.

Suggestion rule (one rule for saved and built-in profiles): a profile fits a file when every column
of its header is among the file's columns, compared case-insensitively with runs of spaces as one.
Its score is the share of the file's columns the profile names: 1.0 is an exact header set match;
fitting profiles are suggested best score first. A saved profile's header is the full header of the
file it was saved from; a built-in's is the columns its processor always exports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tally.cache.http import require_current
from tally.ingest.records import MAPPABLE_FIELDS
from tally.kit.errors import Conflict, NotFound, TallyError
from tally.models import ImportProfile
from tally.profiles.builtin import BUILTIN_BY_ID, BUILTIN_PREFIX, BUILTIN_PROFILES, BuiltinProfile
from tally.profiles.repository import ImportProfileRepository
from tally.profiles.schemas import (
    ImportProfileCreate,
    ImportProfileRead,
    ImportProfileUpdate,
    ProfileSuggestion,
)
from tally.projects.auth import ProjectAccess
from tally.sources.reading import UploadOptions

MAX_SUGGESTIONS = 3


class ImportProfileNotFound(NotFound):
    """No such import profile in this project (nor a built-in one by that id)."""


class ProfileNameTaken(Conflict):
    """The project already has an import profile by that name."""


class InvalidProfile(TallyError):
    """The profile's mapping names a field Tally does not have or a column its header lacks."""

    status_code = 422


def normalise_column(name: str) -> str:
    return " ".join(name.split()).casefold()


def match_score(profile_header: Iterable[str], file_header: Iterable[str]) -> float | None:
    """How well a profile fits a file's header (see the module docstring); None: it does not."""
    wanted = {normalise_column(name) for name in profile_header}
    present = {normalise_column(name) for name in file_header}
    if not wanted or not present or not wanted <= present:
        return None
    return len(wanted) / len(present)


def with_profile(profile: UploadOptions, given: UploadOptions) -> UploadOptions:
    """The profile's options, with every option the caller set explicitly taking precedence."""
    merged = profile.model_dump(exclude_unset=True)
    merged.update(given.model_dump(include=given.model_fields_set))
    return UploadOptions.model_validate(merged)


class ImportProfileService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = ImportProfileRepository(session)

    async def list_profiles(self, access: ProjectAccess) -> list[ImportProfileRead]:
        """The project's own profiles by name, then the built-in ones."""
        own = await self.repository.list_for_project(access.project_id)
        return [*(_read(profile) for profile in own), *(_read_builtin(b) for b in BUILTIN_PROFILES)]

    async def get_profile(self, access: ProjectAccess, profile_id: str) -> ImportProfileRead:
        """A saved profile by its number, or a built-in one by ``builtin:<key>``."""
        if profile_id.startswith(BUILTIN_PREFIX):
            builtin = BUILTIN_BY_ID.get(profile_id)
            if builtin is None:
                raise ImportProfileNotFound(f"No built-in import profile {profile_id}")
            return _read_builtin(builtin)
        if not profile_id.isdigit():
            raise ImportProfileNotFound(f"Import profile {profile_id} not found in this project")
        return _read(await self._get(access, int(profile_id)))

    async def create_profile(
        self, access: ProjectAccess, data: ImportProfileCreate
    ) -> ImportProfileRead:
        _check(data.options, data.header)
        if await self.repository.name_taken(access.project_id, data.name):
            raise ProfileNameTaken(f"An import profile named {data.name!r} already exists")
        profile = await self.repository.add(
            ImportProfile(
                project_id=access.project_id,
                name=data.name,
                options=data.options.model_dump(exclude_unset=True),
                header=list(data.header),
                created_by_id=access.principal.user_id,
            )
        )
        return _read(profile)

    async def update_profile(
        self,
        access: ProjectAccess,
        profile_id: int,
        data: ImportProfileUpdate,
        *,
        if_match: str | None = None,
    ) -> ImportProfileRead:
        """Apply ``data``; with ``if_match`` (the profile's ETag as read) only if the profile is
        still that version."""
        profile = await self._get(access, profile_id, lock=True)
        require_current(if_match, _read(profile), f"Import profile {profile_id}")
        options = data.options or UploadOptions.model_validate(profile.options)
        header = data.header or profile.header
        _check(options, header)
        if data.name is not None and data.name != profile.name:
            if await self.repository.name_taken(access.project_id, data.name, except_id=profile.id):
                raise ProfileNameTaken(f"An import profile named {data.name!r} already exists")
            profile.name = data.name
        profile.options = options.model_dump(exclude_unset=True)
        profile.header = list(header)
        return _read(await self.repository.save(profile))

    async def delete_profile(self, access: ProjectAccess, profile_id: int) -> None:
        await self.repository.delete(await self._get(access, profile_id))

    async def suggest(
        self, access: ProjectAccess, file_header: list[str]
    ) -> list[ProfileSuggestion]:
        """The profiles that fit a file with these columns, best first (at most three)."""
        if not file_header:
            return []
        fitting: list[ProfileSuggestion] = []
        for profile in await self.list_profiles(access):
            score = match_score(profile.header, file_header)
            if score is not None:
                fitting.append(
                    ProfileSuggestion(
                        id=profile.id,
                        name=profile.name,
                        builtin=profile.builtin,
                        score=round(score, 3),
                        options=profile.options,
                    )
                )
        fitting.sort(key=lambda suggestion: (-suggestion.score, suggestion.builtin))
        return fitting[:MAX_SUGGESTIONS]

    async def _get(
        self, access: ProjectAccess, profile_id: int, *, lock: bool = False
    ) -> ImportProfile:
        profile = await self.repository.get_in_project(access.project_id, profile_id, lock=lock)
        if profile is None:
            raise ImportProfileNotFound(f"Import profile {profile_id} not found in this project")
        return profile


def _check(options: UploadOptions, header: list[str]) -> None:
    columns = {normalise_column(name) for name in header}
    problems: list[dict[str, Any]] = []
    for field, column in (options.mapping or {}).items():
        if field not in MAPPABLE_FIELDS:
            problems.append({"field": field, "reason": "not a field Tally maps"})
        elif normalise_column(column) not in columns:
            problems.append({"field": field, "column": column, "reason": "not in the header"})
    if problems:
        raise InvalidProfile("The mapping does not fit the profile's header", errors=problems)


def _read(profile: ImportProfile) -> ImportProfileRead:
    return ImportProfileRead(
        id=str(profile.id),
        name=profile.name,
        builtin=False,
        options=UploadOptions.model_validate(profile.options),
        header=list(profile.header),
        created_at=profile.created_at,
        updated_at=profile.updated_at,
    )


def _read_builtin(profile: BuiltinProfile) -> ImportProfileRead:
    return ImportProfileRead(
        id=profile.id,
        name=profile.name,
        builtin=True,
        description=profile.description,
        options=UploadOptions.model_validate(profile.options),
        header=list(profile.signature),
    )
