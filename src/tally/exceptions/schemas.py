"""What the exceptions API reads and returns."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from tally.models import ExceptionResolution, ExceptionStatus
from tally.money import CurrencyCode, Money
from tally.results.schemas import RecordRead

MAX_BULK_EXCEPTIONS = 10_000  # per request: one transaction, each change audited
# Amounts a person types: at most four decimal places (tally.money's scale) and small enough
# that their units fit a 64-bit integer column.
MONEY_DIGITS, MONEY_PLACES = 18, 4


class ExceptionFilter(BaseModel):
    """Which exceptions a list (or a bulk action) covers; every field narrows it."""

    reconciliation_id: int | None = Field(None, ge=1)
    status: list[ExceptionStatus] | None = Field(
        None, description="Any of these statuses (default: every status)"
    )
    assignee_id: int | None = Field(None, ge=1, description="Assigned to this member")
    unassigned: bool = Field(False, description="Only exceptions nobody has")
    side: Literal["left", "right"] | None = None
    reason_code: str | None = None
    min_age_days: int | None = Field(None, ge=0, description="First seen at least this long ago")
    max_age_days: int | None = Field(None, ge=0, description="First seen at most this long ago")
    min_amount: Decimal | None = Field(
        None,
        description="Amount at or above this",
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
    )
    max_amount: Decimal | None = Field(
        None,
        description="Amount at or below this",
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
    )
    ignore_sign: bool = Field(
        False, description="Compare the amount bounds with the amount's absolute value"
    )


class ExceptionCommentRead(BaseModel):
    id: int
    author_id: int | None
    author_email: str | None
    body: str
    created_at: datetime


class WriteOffRead(BaseModel):
    id: int
    exception_id: int
    record_id: int
    side: Literal["left", "right"]
    amount: Money
    currency: CurrencyCode | None
    booking_date: date | None
    reason: str
    account: str
    created_by_id: int | None
    created_at: datetime
    voided_at: datetime | None
    void_reason: str | None


class ExceptionRead(BaseModel):
    id: int
    project_id: int
    reconciliation_id: int
    record: RecordRead
    status: ExceptionStatus
    resolution: ExceptionResolution | None
    reason_code: str | None
    assignee_id: int | None
    assignee_email: str | None
    expected_clear_date: date | None = Field(description="An explained item is expected by then")
    overdue: bool = Field(description="Explained, still open, and past its expected date")
    first_seen_at: datetime
    age_days: int = Field(description="Whole days since a job first left it open")
    resolved_at: datetime | None
    version: int = Field(description="Send it back with a change: 409 when it moved meanwhile")
    write_off: WriteOffRead | None = Field(None, description="The standing write-off, if any")


class HistoryEntry(BaseModel):
    action: str
    actor_email: str | None
    detail: dict[str, object] | None
    created_at: datetime


class ExceptionDetail(ExceptionRead):
    comments: list[ExceptionCommentRead] = Field(description="Oldest first")
    history: list[HistoryEntry] = Field(description="Its audit events, oldest first")


class ExceptionUpdate(BaseModel):
    """Change what is being done about an exception (unset fields stay as they are)."""

    version: int | None = Field(
        None, ge=0, description="The version the change was made on (409 when it moved)"
    )
    status: Literal["open", "investigating"] | None = Field(
        None, description="Resolve with POST .../resolve, reopen with POST .../reopen"
    )
    assignee_id: int | None = Field(None, ge=1, description="A project member")
    unassign: bool = Field(False, description="Remove the assignee")
    reason_code: str | None = Field(None, max_length=40)


class CommentCreate(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


class WriteOffCreate(BaseModel):
    amount: Decimal | None = Field(
        None,
        description="Amount written off (default: the record's whole amount)",
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
    )
    reason: str = Field(min_length=1, max_length=1000)
    account: str = Field(min_length=1, max_length=200, description="The ledger account charged")


class Resolution(StrEnum):
    WRITTEN_OFF = "written_off"
    EXPLAINED = "explained"


class ResolveRequest(BaseModel):
    """Resolve an exception by a write-off or an explanation. (Matched is reached by matching
    the record: a job, a confirmation or a manual match resolves it.)"""

    version: int | None = Field(None, ge=0)
    resolution: Resolution
    reason_code: str | None = Field(None, max_length=40)
    note: str | None = Field(None, max_length=1000, description="Kept in the audit trail")
    write_off: WriteOffCreate | None = None
    expected_clear_date: date | None = Field(None, description="Required to explain")

    @model_validator(mode="after")
    def _complete(self) -> ResolveRequest:
        if self.resolution is Resolution.WRITTEN_OFF and self.write_off is None:
            raise ValueError("a write-off needs write_off (reason, account)")
        if self.resolution is Resolution.EXPLAINED and self.expected_clear_date is None:
            raise ValueError("an explanation needs expected_clear_date")
        return self


class ReopenRequest(BaseModel):
    version: int | None = Field(None, ge=0)
    reason: str = Field(min_length=1, max_length=1000, description="Why (audited)")


class ReasonCode(BaseModel):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1, max_length=200)
    active: bool = Field(
        True,
        description="Offered for new decisions; an inactive code stays on the exceptions that "
        "carry it",
    )


class ReasonCodes(BaseModel):
    reasons: list[ReasonCode] = Field(min_length=1, max_length=100)
    defaults: bool = Field(False, description="True when the project uses the default list")


class AgeingBucket(BaseModel):
    label: str
    count: int = Field(description="Unresolved exceptions first seen this long ago")
    amount: Money = Field(description="Their summed absolute amount")
    currency: CurrencyCode | None = Field(
        description="The currency of the amount (None when the exceptions name none or several)"
    )


class BulkExceptionAction(StrEnum):
    ASSIGN = "assign"
    COMMENT = "comment"
    WRITE_OFF = "write_off"
    EXPLAIN = "explain"


class BulkExceptions(BaseModel):
    """Assign, comment on, write off or explain many exceptions in one transaction: listed by
    id, or every unresolved exception a filter chooses (e.g. all open items below an amount)."""

    action: BulkExceptionAction
    exception_ids: list[int] | None = Field(None, min_length=1, max_length=MAX_BULK_EXCEPTIONS)
    selection: ExceptionFilter | None = None
    assignee_id: int | None = Field(None, ge=1, description="assign: to this member")
    body: str | None = Field(None, min_length=1, max_length=5000, description="comment: text")
    reason: str | None = Field(None, min_length=1, max_length=1000, description="write_off")
    account: str | None = Field(None, min_length=1, max_length=200, description="write_off")
    reason_code: str | None = Field(
        None, max_length=40, description="write_off, explain: reason code"
    )
    expected_clear_date: date | None = Field(
        None, description="explain: when the other side is expected (required)"
    )
    note: str | None = Field(None, max_length=1000, description="explain: kept in the audit trail")

    @model_validator(mode="after")
    def _complete(self) -> BulkExceptions:
        if (self.exception_ids is None) == (self.selection is None):
            raise ValueError("give either exception_ids or selection")
        if self.action is BulkExceptionAction.ASSIGN and self.assignee_id is None:
            raise ValueError("assign needs assignee_id")
        if self.action is BulkExceptionAction.COMMENT and self.body is None:
            raise ValueError("comment needs body")
        if self.action is BulkExceptionAction.WRITE_OFF and not (self.reason and self.account):
            raise ValueError("write_off needs reason and account")
        if self.action is BulkExceptionAction.EXPLAIN and self.expected_clear_date is None:
            raise ValueError("explain needs expected_clear_date")
        return self


class BulkExceptionOutcome(BaseModel):
    action: BulkExceptionAction
    changed: list[int] = Field(description="Exceptions changed by this request, each audited")
    unchanged: list[int] = Field(description="Already so (e.g. assigned to that member)")
