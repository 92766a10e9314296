from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.bulk_exception_action import BulkExceptionAction
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.exception_filter import ExceptionFilter


T = TypeVar("T", bound="BulkExceptions")


@_attrs_define
class BulkExceptions:
    """Assign, comment on, write off or explain many exceptions in one transaction: listed by
    id, or every unresolved exception a filter chooses (e.g. all open items below an amount).

        Attributes:
            action (BulkExceptionAction):
            account (None | str | Unset): write_off
            assignee_id (int | None | Unset): assign: to this member
            body (None | str | Unset): comment: text
            exception_ids (list[int] | None | Unset):
            expected_clear_date (datetime.date | None | Unset): explain: when the other side is expected (required)
            note (None | str | Unset): explain: kept in the audit trail
            reason (None | str | Unset): write_off
            reason_code (None | str | Unset): write_off, explain: reason code
            selection (ExceptionFilter | None | Unset):
    """

    action: BulkExceptionAction
    account: None | str | Unset = UNSET
    assignee_id: int | None | Unset = UNSET
    body: None | str | Unset = UNSET
    exception_ids: list[int] | None | Unset = UNSET
    expected_clear_date: datetime.date | None | Unset = UNSET
    note: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    reason_code: None | str | Unset = UNSET
    selection: ExceptionFilter | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.exception_filter import ExceptionFilter  # noqa: PLC0415

        action = self.action.value

        account: None | str | Unset
        if isinstance(self.account, Unset):
            account = UNSET
        else:
            account = self.account

        assignee_id: int | None | Unset
        if isinstance(self.assignee_id, Unset):
            assignee_id = UNSET
        else:
            assignee_id = self.assignee_id

        body: None | str | Unset
        if isinstance(self.body, Unset):
            body = UNSET
        else:
            body = self.body

        exception_ids: list[int] | None | Unset
        if isinstance(self.exception_ids, Unset):
            exception_ids = UNSET
        elif isinstance(self.exception_ids, list):
            exception_ids = self.exception_ids

        else:
            exception_ids = self.exception_ids

        expected_clear_date: None | str | Unset
        if isinstance(self.expected_clear_date, Unset):
            expected_clear_date = UNSET
        elif isinstance(self.expected_clear_date, datetime.date):
            expected_clear_date = self.expected_clear_date.isoformat()
        else:
            expected_clear_date = self.expected_clear_date

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        reason_code: None | str | Unset
        if isinstance(self.reason_code, Unset):
            reason_code = UNSET
        else:
            reason_code = self.reason_code

        selection: dict[str, Any] | None | Unset
        if isinstance(self.selection, Unset):
            selection = UNSET
        elif isinstance(self.selection, ExceptionFilter):
            selection = self.selection.to_dict()
        else:
            selection = self.selection

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
            }
        )
        if account is not UNSET:
            field_dict["account"] = account
        if assignee_id is not UNSET:
            field_dict["assignee_id"] = assignee_id
        if body is not UNSET:
            field_dict["body"] = body
        if exception_ids is not UNSET:
            field_dict["exception_ids"] = exception_ids
        if expected_clear_date is not UNSET:
            field_dict["expected_clear_date"] = expected_clear_date
        if note is not UNSET:
            field_dict["note"] = note
        if reason is not UNSET:
            field_dict["reason"] = reason
        if reason_code is not UNSET:
            field_dict["reason_code"] = reason_code
        if selection is not UNSET:
            field_dict["selection"] = selection

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exception_filter import ExceptionFilter  # noqa: PLC0415

        d = dict(src_dict)
        action = BulkExceptionAction(d.pop("action"))

        def _parse_account(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account = _parse_account(d.pop("account", UNSET))

        def _parse_assignee_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        assignee_id = _parse_assignee_id(d.pop("assignee_id", UNSET))

        def _parse_body(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        body = _parse_body(d.pop("body", UNSET))

        def _parse_exception_ids(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                exception_ids_type_0 = cast(list[int], data)

                return exception_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        exception_ids = _parse_exception_ids(d.pop("exception_ids", UNSET))

        def _parse_expected_clear_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_clear_date_type_0 = datetime.date.fromisoformat(data)

                return expected_clear_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        expected_clear_date = _parse_expected_clear_date(
            d.pop("expected_clear_date", UNSET)
        )

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_reason_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason_code = _parse_reason_code(d.pop("reason_code", UNSET))

        def _parse_selection(data: object) -> ExceptionFilter | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                selection_type_0 = ExceptionFilter.from_dict(data)

                return selection_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExceptionFilter | None | Unset, data)

        selection = _parse_selection(d.pop("selection", UNSET))

        bulk_exceptions = cls(
            action=action,
            account=account,
            assignee_id=assignee_id,
            body=body,
            exception_ids=exception_ids,
            expected_clear_date=expected_clear_date,
            note=note,
            reason=reason,
            reason_code=reason_code,
            selection=selection,
        )

        bulk_exceptions.additional_properties = d
        return bulk_exceptions

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
