from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exception_filter_side_type_0 import ExceptionFilterSideType0
from ..models.exception_status import ExceptionStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExceptionFilter")


@_attrs_define
class ExceptionFilter:
    """Which exceptions a list (or a bulk action) covers; every field narrows it.

    Attributes:
        assignee_id (int | None | Unset): Assigned to this member
        ignore_sign (bool | Unset): Compare the amount bounds with the amount's absolute value Default: False.
        max_age_days (int | None | Unset): First seen at most this long ago
        max_amount (float | None | str | Unset): Amount at or below this
        min_age_days (int | None | Unset): First seen at least this long ago
        min_amount (float | None | str | Unset): Amount at or above this
        reason_code (None | str | Unset):
        reconciliation_id (int | None | Unset):
        side (ExceptionFilterSideType0 | None | Unset):
        status (list[ExceptionStatus] | None | Unset): Any of these statuses (default: every status)
        unassigned (bool | Unset): Only exceptions nobody has Default: False.
    """

    assignee_id: int | None | Unset = UNSET
    ignore_sign: bool | Unset = False
    max_age_days: int | None | Unset = UNSET
    max_amount: float | None | str | Unset = UNSET
    min_age_days: int | None | Unset = UNSET
    min_amount: float | None | str | Unset = UNSET
    reason_code: None | str | Unset = UNSET
    reconciliation_id: int | None | Unset = UNSET
    side: ExceptionFilterSideType0 | None | Unset = UNSET
    status: list[ExceptionStatus] | None | Unset = UNSET
    unassigned: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assignee_id: int | None | Unset
        if isinstance(self.assignee_id, Unset):
            assignee_id = UNSET
        else:
            assignee_id = self.assignee_id

        ignore_sign = self.ignore_sign

        max_age_days: int | None | Unset
        if isinstance(self.max_age_days, Unset):
            max_age_days = UNSET
        else:
            max_age_days = self.max_age_days

        max_amount: float | None | str | Unset
        if isinstance(self.max_amount, Unset):
            max_amount = UNSET
        else:
            max_amount = self.max_amount

        min_age_days: int | None | Unset
        if isinstance(self.min_age_days, Unset):
            min_age_days = UNSET
        else:
            min_age_days = self.min_age_days

        min_amount: float | None | str | Unset
        if isinstance(self.min_amount, Unset):
            min_amount = UNSET
        else:
            min_amount = self.min_amount

        reason_code: None | str | Unset
        if isinstance(self.reason_code, Unset):
            reason_code = UNSET
        else:
            reason_code = self.reason_code

        reconciliation_id: int | None | Unset
        if isinstance(self.reconciliation_id, Unset):
            reconciliation_id = UNSET
        else:
            reconciliation_id = self.reconciliation_id

        side: None | str | Unset
        if isinstance(self.side, Unset):
            side = UNSET
        elif isinstance(self.side, ExceptionFilterSideType0):
            side = self.side.value
        else:
            side = self.side

        status: list[str] | None | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, list):
            status = []
            for status_type_0_item_data in self.status:
                status_type_0_item = status_type_0_item_data.value
                status.append(status_type_0_item)

        else:
            status = self.status

        unassigned = self.unassigned

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if assignee_id is not UNSET:
            field_dict["assignee_id"] = assignee_id
        if ignore_sign is not UNSET:
            field_dict["ignore_sign"] = ignore_sign
        if max_age_days is not UNSET:
            field_dict["max_age_days"] = max_age_days
        if max_amount is not UNSET:
            field_dict["max_amount"] = max_amount
        if min_age_days is not UNSET:
            field_dict["min_age_days"] = min_age_days
        if min_amount is not UNSET:
            field_dict["min_amount"] = min_amount
        if reason_code is not UNSET:
            field_dict["reason_code"] = reason_code
        if reconciliation_id is not UNSET:
            field_dict["reconciliation_id"] = reconciliation_id
        if side is not UNSET:
            field_dict["side"] = side
        if status is not UNSET:
            field_dict["status"] = status
        if unassigned is not UNSET:
            field_dict["unassigned"] = unassigned

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_assignee_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        assignee_id = _parse_assignee_id(d.pop("assignee_id", UNSET))

        ignore_sign = d.pop("ignore_sign", UNSET)

        def _parse_max_age_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_age_days = _parse_max_age_days(d.pop("max_age_days", UNSET))

        def _parse_max_amount(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        max_amount = _parse_max_amount(d.pop("max_amount", UNSET))

        def _parse_min_age_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_age_days = _parse_min_age_days(d.pop("min_age_days", UNSET))

        def _parse_min_amount(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        min_amount = _parse_min_amount(d.pop("min_amount", UNSET))

        def _parse_reason_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason_code = _parse_reason_code(d.pop("reason_code", UNSET))

        def _parse_reconciliation_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reconciliation_id = _parse_reconciliation_id(d.pop("reconciliation_id", UNSET))

        def _parse_side(data: object) -> ExceptionFilterSideType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                side_type_0 = ExceptionFilterSideType0(data)

                return side_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExceptionFilterSideType0 | None | Unset, data)

        side = _parse_side(d.pop("side", UNSET))

        def _parse_status(data: object) -> list[ExceptionStatus] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                status_type_0 = []
                _status_type_0 = data
                for status_type_0_item_data in _status_type_0:
                    status_type_0_item = ExceptionStatus(status_type_0_item_data)

                    status_type_0.append(status_type_0_item)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ExceptionStatus] | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        unassigned = d.pop("unassigned", UNSET)

        exception_filter = cls(
            assignee_id=assignee_id,
            ignore_sign=ignore_sign,
            max_age_days=max_age_days,
            max_amount=max_amount,
            min_age_days=min_age_days,
            min_amount=min_amount,
            reason_code=reason_code,
            reconciliation_id=reconciliation_id,
            side=side,
            status=status,
            unassigned=unassigned,
        )

        exception_filter.additional_properties = d
        return exception_filter

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
