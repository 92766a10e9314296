"""A project's reason codes (settings): everyone reads them; owners add, rename, deactivate and
reactivate them. A deactivated code stays on the exceptions that carry it."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.exceptions.schemas import ReasonCode, ReasonCodes
from tally.exceptions.service import ExceptionService, UnknownReasonCode
from tally.projects.auth import ProjectAccess
from tally.projects.service import ProjectService
from tally.users.auth import Session
from tally.web.auth import WebProjectOwner, WebProjectReader
from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)


async def _page(
    request: Request,
    access: ProjectAccess,
    session: AsyncSession,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "reasons/list.html",
        {
            "nav": "projects",
            "project": await ProjectService(session).get_project(access),
            "codes": await ExceptionService(session).reason_codes(access),
            "can_own": access.role in ("owner", "admin"),
            "error": error,
            "form": form or {},
        },
        status_code=status_code,
    )


@router.get("/projects/{project_id}/reason-codes", include_in_schema=False)
async def get_reason_codes_page(
    request: Request, access: WebProjectReader, session: Session
) -> Response:
    return await _page(request, access, session)


def _code_of(label: str) -> str:
    """A new code from its label: "Chargeback (card)" -> "chargeback_card"."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40]


def _changed(
    reasons: list[ReasonCode], action: str, code: str, label: str
) -> list[ReasonCode] | None:
    """The list after one owner's action, or None when the action names no code of it."""
    if action == "add":
        return [*reasons, ReasonCode(code=code or _code_of(label), label=label)]
    if code not in {r.code for r in reasons}:
        return None
    changes: dict[str, dict[str, object]] = {
        "rename": {"label": label},
        "deactivate": {"active": False},
        "activate": {"active": True},
    }
    if action not in changes:
        return None
    return [
        ReasonCode.model_validate({**r.model_dump(), **changes[action]}) if r.code == code else r
        for r in reasons
    ]


@router.post("/projects/{project_id}/reason-codes", include_in_schema=False)
async def change_reason_codes(
    request: Request,
    access: WebProjectOwner,
    session: Session,
    action: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    label: Annotated[str, Form()] = "",
) -> Response:
    """Add a code, rename one (its label: the code exceptions carry stays), deactivate or
    reactivate one."""
    service = ExceptionService(session)
    form = {"action": action, "code": code.strip(), "label": label.strip()}
    try:
        current = (await service.reason_codes(access)).reasons
        reasons = _changed(current, action, form["code"], form["label"])
        if reasons is None:
            raise UnknownReasonCode(f"No reason code {form['code']!r} to {action or 'change'}")
        await service.set_reason_codes(access, ReasonCodes(reasons=reasons))
    except ValidationError as error:
        message = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][-1:])}: {e['msg']}" for e in error.errors()
        )
        return await _page(request, access, session, error=message, form=form, status_code=422)
    except UnknownReasonCode as error:
        await session.rollback()
        return await _page(request, access, session, error=error.detail, form=form, status_code=422)
    return RedirectResponse(f"/projects/{access.project_id}/reason-codes", status_code=303)
