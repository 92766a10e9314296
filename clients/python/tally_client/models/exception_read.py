from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exception_resolution import ExceptionResolution
from ..models.exception_status import ExceptionStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.record_read import RecordRead
    from ..models.write_off_read import WriteOffRead


T = TypeVar("T", bound="ExceptionRead")


@_attrs_define
class ExceptionRead:
    """
    Attributes:
        age_days (int): Whole days since a job first left it open
        assignee_email (None | str):
        assignee_id (int | None):
        expected_clear_date (datetime.date | None): An explained item is expected by then
        first_seen_at (datetime.datetime):
        id (int):
        overdue (bool): Explained, still open, and past its expected date
        project_id (int):
        reason_code (None | str):
        reconciliation_id (int):
        record (RecordRead):
        resolution (ExceptionResolution | None):
        resolved_at (datetime.datetime | None):
        status (ExceptionStatus):
        version (int): Send it back with a change: 409 when it moved meanwhile
        write_off (None | Unset | WriteOffRead): The standing write-off, if any
    """

    age_days: int
    assignee_email: None | str
    assignee_id: int | None
    expected_clear_date: datetime.date | None
    first_seen_at: datetime.datetime
    id: int
    overdue: bool
    project_id: int
    reason_code: None | str
    reconciliation_id: int
    record: RecordRead
    resolution: ExceptionResolution | None
    resolved_at: datetime.datetime | None
    status: ExceptionStatus
    version: int
    write_off: None | Unset | WriteOffRead = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.write_off_read import WriteOffRead  # noqa: PLC0415

        age_days = self.age_days

        assignee_email: None | str
        assignee_email = self.assignee_email

        assignee_id: int | None
        assignee_id = self.assignee_id

        expected_clear_date: None | str
        if isinstance(self.expected_clear_date, datetime.date):
            expected_clear_date = self.expected_clear_date.isoformat()
        else:
            expected_clear_date = self.expected_clear_date

        first_seen_at = self.first_seen_at.isoformat()

        id = self.id

        overdue = self.overdue

        project_id = self.project_id

        reason_code: None | str
        reason_code = self.reason_code

        reconciliation_id = self.reconciliation_id

        record = self.record.to_dict()

        resolution: None | str
        if isinstance(self.resolution, ExceptionResolution):
            resolution = self.resolution.value
        else:
            resolution = self.resolution

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        status = self.status.value

        version = self.version

        write_off: dict[str, Any] | None | Unset
        if isinstance(self.write_off, Unset):
            write_off = UNSET
        elif isinstance(self.write_off, WriteOffRead):
            write_off = self.write_off.to_dict()
        else:
            write_off = self.write_off

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "age_days": age_days,
                "assignee_email": assignee_email,
                "assignee_id": assignee_id,
                "expected_clear_date": expected_clear_date,
                "first_seen_at": first_seen_at,
                "id": id,
                "overdue": overdue,
                "project_id": project_id,
                "reason_code": reason_code,
                "reconciliation_id": reconciliation_id,
                "record": record,
                "resolution": resolution,
                "resolved_at": resolved_at,
                "status": status,
                "version": version,
            }
        )
        if write_off is not UNSET:
            field_dict["write_off"] = write_off

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.record_read import RecordRead  # noqa: PLC0415
        from ..models.write_off_read import WriteOffRead  # noqa: PLC0415

        d = dict(src_dict)
        age_days = d.pop("age_days")

        def _parse_assignee_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        assignee_email = _parse_assignee_email(d.pop("assignee_email"))

        def _parse_assignee_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        assignee_id = _parse_assignee_id(d.pop("assignee_id"))

        def _parse_expected_clear_date(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_clear_date_type_0 = datetime.date.fromisoformat(data)

                return expected_clear_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        expected_clear_date = _parse_expected_clear_date(d.pop("expected_clear_date"))

        first_seen_at = datetime.datetime.fromisoformat(d.pop("first_seen_at"))

        id = d.pop("id")

        overdue = d.pop("overdue")

        project_id = d.pop("project_id")

        def _parse_reason_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason_code = _parse_reason_code(d.pop("reason_code"))

        reconciliation_id = d.pop("reconciliation_id")

        record = RecordRead.from_dict(d.pop("record"))

        def _parse_resolution(data: object) -> ExceptionResolution | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolution_type_0 = ExceptionResolution(data)

                return resolution_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExceptionResolution | None, data)

        resolution = _parse_resolution(d.pop("resolution"))

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        status = ExceptionStatus(d.pop("status"))

        version = d.pop("version")

        def _parse_write_off(data: object) -> None | Unset | WriteOffRead:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                write_off_type_0 = WriteOffRead.from_dict(data)

                return write_off_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WriteOffRead, data)

        write_off = _parse_write_off(d.pop("write_off", UNSET))

        exception_read = cls(
            age_days=age_days,
            assignee_email=assignee_email,
            assignee_id=assignee_id,
            expected_clear_date=expected_clear_date,
            first_seen_at=first_seen_at,
            id=id,
            overdue=overdue,
            project_id=project_id,
            reason_code=reason_code,
            reconciliation_id=reconciliation_id,
            record=record,
            resolution=resolution,
            resolved_at=resolved_at,
            status=status,
            version=version,
            write_off=write_off,
        )

        exception_read.additional_properties = d
        return exception_read

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
