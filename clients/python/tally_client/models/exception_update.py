from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exception_update_status_type_0 import ExceptionUpdateStatusType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExceptionUpdate")


@_attrs_define
class ExceptionUpdate:
    """Change what is being done about an exception (unset fields stay as they are).

    Attributes:
        assignee_id (int | None | Unset): A project member
        reason_code (None | str | Unset):
        status (ExceptionUpdateStatusType0 | None | Unset): Resolve with POST .../resolve, reopen with POST .../reopen
        unassign (bool | Unset): Remove the assignee Default: False.
        version (int | None | Unset): The version the change was made on (409 when it moved)
    """

    assignee_id: int | None | Unset = UNSET
    reason_code: None | str | Unset = UNSET
    status: ExceptionUpdateStatusType0 | None | Unset = UNSET
    unassign: bool | Unset = False
    version: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assignee_id: int | None | Unset
        if isinstance(self.assignee_id, Unset):
            assignee_id = UNSET
        else:
            assignee_id = self.assignee_id

        reason_code: None | str | Unset
        if isinstance(self.reason_code, Unset):
            reason_code = UNSET
        else:
            reason_code = self.reason_code

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, ExceptionUpdateStatusType0):
            status = self.status.value
        else:
            status = self.status

        unassign = self.unassign

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if assignee_id is not UNSET:
            field_dict["assignee_id"] = assignee_id
        if reason_code is not UNSET:
            field_dict["reason_code"] = reason_code
        if status is not UNSET:
            field_dict["status"] = status
        if unassign is not UNSET:
            field_dict["unassign"] = unassign
        if version is not UNSET:
            field_dict["version"] = version

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

        def _parse_reason_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason_code = _parse_reason_code(d.pop("reason_code", UNSET))

        def _parse_status(data: object) -> ExceptionUpdateStatusType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = ExceptionUpdateStatusType0(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExceptionUpdateStatusType0 | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        unassign = d.pop("unassign", UNSET)

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        exception_update = cls(
            assignee_id=assignee_id,
            reason_code=reason_code,
            status=status,
            unassign=unassign,
            version=version,
        )

        exception_update.additional_properties = d
        return exception_update

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
