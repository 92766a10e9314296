from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.resolution import Resolution
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.write_off_create import WriteOffCreate


T = TypeVar("T", bound="ResolveRequest")


@_attrs_define
class ResolveRequest:
    """Resolve an exception by a write-off or an explanation. (Matched is reached by matching
    the record: a job, a confirmation or a manual match resolves it.)

        Attributes:
            resolution (Resolution):
            expected_clear_date (datetime.date | None | Unset): Required to explain
            note (None | str | Unset): Kept in the audit trail
            reason_code (None | str | Unset):
            version (int | None | Unset):
            write_off (None | Unset | WriteOffCreate):
    """

    resolution: Resolution
    expected_clear_date: datetime.date | None | Unset = UNSET
    note: None | str | Unset = UNSET
    reason_code: None | str | Unset = UNSET
    version: int | None | Unset = UNSET
    write_off: None | Unset | WriteOffCreate = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.write_off_create import WriteOffCreate  # noqa: PLC0415

        resolution = self.resolution.value

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

        reason_code: None | str | Unset
        if isinstance(self.reason_code, Unset):
            reason_code = UNSET
        else:
            reason_code = self.reason_code

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        write_off: dict[str, Any] | None | Unset
        if isinstance(self.write_off, Unset):
            write_off = UNSET
        elif isinstance(self.write_off, WriteOffCreate):
            write_off = self.write_off.to_dict()
        else:
            write_off = self.write_off

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "resolution": resolution,
            }
        )
        if expected_clear_date is not UNSET:
            field_dict["expected_clear_date"] = expected_clear_date
        if note is not UNSET:
            field_dict["note"] = note
        if reason_code is not UNSET:
            field_dict["reason_code"] = reason_code
        if version is not UNSET:
            field_dict["version"] = version
        if write_off is not UNSET:
            field_dict["write_off"] = write_off

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.write_off_create import WriteOffCreate  # noqa: PLC0415

        d = dict(src_dict)
        resolution = Resolution(d.pop("resolution"))

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

        def _parse_reason_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason_code = _parse_reason_code(d.pop("reason_code", UNSET))

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        def _parse_write_off(data: object) -> None | Unset | WriteOffCreate:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                write_off_type_0 = WriteOffCreate.from_dict(data)

                return write_off_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WriteOffCreate, data)

        write_off = _parse_write_off(d.pop("write_off", UNSET))

        resolve_request = cls(
            resolution=resolution,
            expected_clear_date=expected_clear_date,
            note=note,
            reason_code=reason_code,
            version=version,
            write_off=write_off,
        )

        resolve_request.additional_properties = d
        return resolve_request

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
