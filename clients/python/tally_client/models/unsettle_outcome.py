from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UnsettleOutcome")


@_attrs_define
class UnsettleOutcome:
    """
    Attributes:
        job_id (int | None):
        match_id (int | None): The match that had settled them, if still stored
        reopened_record_ids (list[int]): Records now open items again
    """

    job_id: int | None
    match_id: int | None
    reopened_record_ids: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job_id: int | None
        job_id = self.job_id

        match_id: int | None
        match_id = self.match_id

        reopened_record_ids = self.reopened_record_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job_id": job_id,
                "match_id": match_id,
                "reopened_record_ids": reopened_record_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_job_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        job_id = _parse_job_id(d.pop("job_id"))

        def _parse_match_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        match_id = _parse_match_id(d.pop("match_id"))

        reopened_record_ids = cast(list[int], d.pop("reopened_record_ids"))

        unsettle_outcome = cls(
            job_id=job_id,
            match_id=match_id,
            reopened_record_ids=reopened_record_ids,
        )

        unsettle_outcome.additional_properties = d
        return unsettle_outcome

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
