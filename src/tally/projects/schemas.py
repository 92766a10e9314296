from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from tally.models import ProjectRole
from tally.money import CurrencyCode, Money, format_amount


class ProjectCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)


class ProjectUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=10_000)


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    owner_id: int
    created_at: datetime
    updated_at: datetime


_PROJECT_JSON = TypeAdapter(ProjectRead)


def project_json(project: ProjectRead) -> bytes:
    """The bytes ``GET /projects/{id}`` answers with, which the cache stores under
    ``project:{id}`` (written by the endpoint, a projects page's loader, or an edit)."""
    return _PROJECT_JSON.dump_json(project)


class MemberAdd(BaseModel):
    email: str = Field(min_length=3, max_length=320, pattern=r"^\s*[^@\s]+@[^@\s]+\s*$")
    role: ProjectRole = ProjectRole.VIEWER

    @field_validator("email")
    @classmethod
    def _normalised(cls, email: str) -> str:
        """Stored and compared trimmed and in lower case; lowering may lengthen some letters."""
        email = email.strip().lower()
        if len(email) > 320:
            raise ValueError("An email address has at most 320 characters")
        return email


class MemberRead(BaseModel):
    user_id: int
    email: str
    role: ProjectRole


class SourceCount(BaseModel):
    id: int
    name: str
    status: str
    row_count: int


class LastJob(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    created_at: datetime
    finished_at: datetime | None


class CurrencyAmounts(BaseModel):
    """One currency's money in a project whose records are in several."""

    currency: CurrencyCode | None = Field(description="None: records that name no currency")
    matched_amount: Money = Field(description="Matched money, counted once (the left side)")
    unmatched_amount: Money = Field(description="Open items of both sides")


class ProjectStatsRead(BaseModel):
    project_id: int
    sources: list[SourceCount]
    record_count: int
    matched_count: int
    unmatched_count: int
    currency: CurrencyCode | None = Field(
        description="The currency of both amounts (None when the sources name none or several)"
    )
    matched_amount: Money | None = Field(
        description="Matched money, counted once (the left side); null when the records are in "
        "several currencies (see by_currency)"
    )
    unmatched_amount: Money | None = Field(
        description="Open items of both sides; null when the records are in several currencies"
    )
    by_currency: list[CurrencyAmounts] | None = Field(
        None,
        description="Per currency, when the records are in several (amounts of different "
        "currencies are never added); null when in one",
    )
    match_rate: float = Field(description="Share of the last completed job's records matched, 0-1")
    last_job: LastJob | None
    computed_at: datetime | None


def project_amounts(matched: int, unmatched: int, detail: dict[str, Any]) -> dict[str, Any]:
    """The money fields of ProjectStatsRead from the stored totals of the project's last job
    (``matched``/``unmatched``: their sums in units; ``detail``: the job's per-side totals).

    One currency: its amounts, simply. Several: each currency's amounts and no sum across them
    (also when a side's split is unknown: then no amounts rather than a sum)."""
    sides = [detail.get(side) or {} for side in ("left", "right")]
    splits = [side.get("by_currency") for side in sides]
    named = {side.get("currency") for side in sides if side.get("records")}
    currency = named.pop() if len(named) == 1 else None
    if all(isinstance(split, dict) for split in splits):
        left, right = (split or {} for split in splits)
        codes = sorted({*left, *right})
        if len(codes) > 1:
            empty = {"matched_amount": 0, "unmatched_amount": 0}
            by_currency = [
                CurrencyAmounts(
                    currency=code or None,
                    matched_amount=format_amount(left.get(code, empty)["matched_amount"], code),
                    unmatched_amount=format_amount(
                        left.get(code, empty)["unmatched_amount"]
                        + right.get(code, empty)["unmatched_amount"],
                        code or None,
                    ),
                )
                for code in codes
            ]
            return {
                "currency": None,
                "matched_amount": None,
                "unmatched_amount": None,
                "by_currency": by_currency,
            }
        currency = (codes[0] or None) if codes else None
    elif currency is None and any(
        "by_currency" in side and side["by_currency"] is None for side in sides
    ):
        return {"currency": None, "matched_amount": None, "unmatched_amount": None}
    return {
        "currency": currency,
        "matched_amount": format_amount(matched, currency),
        "unmatched_amount": format_amount(unmatched, currency),
    }
