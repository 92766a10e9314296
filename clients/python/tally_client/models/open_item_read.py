from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.record_read import RecordRead


T = TypeVar("T", bound="OpenItemRead")


@_attrs_define
class OpenItemRead:
    """
    Attributes:
        age_days (int): Whole days since first seen
        first_job_id (int):
        first_seen_at (datetime.datetime): When a job first included the record
        record (RecordRead):
    """

    age_days: int
    first_job_id: int
    first_seen_at: datetime.datetime
    record: RecordRead
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        age_days = self.age_days

        first_job_id = self.first_job_id

        first_seen_at = self.first_seen_at.isoformat()

        record = self.record.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "age_days": age_days,
                "first_job_id": first_job_id,
                "first_seen_at": first_seen_at,
                "record": record,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.record_read import RecordRead  # noqa: PLC0415

        d = dict(src_dict)
        age_days = d.pop("age_days")

        first_job_id = d.pop("first_job_id")

        first_seen_at = datetime.datetime.fromisoformat(d.pop("first_seen_at"))

        record = RecordRead.from_dict(d.pop("record"))

        open_item_read = cls(
            age_days=age_days,
            first_job_id=first_job_id,
            first_seen_at=first_seen_at,
            record=record,
        )

        open_item_read.additional_properties = d
        return open_item_read

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
