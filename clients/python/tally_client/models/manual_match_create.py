from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ManualMatchCreate")


@_attrs_define
class ManualMatchCreate:
    """
    Attributes:
        left_record_ids (list[int]):
        right_record_ids (list[int]):
        note (None | str | Unset):
    """

    left_record_ids: list[int]
    right_record_ids: list[int]
    note: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        left_record_ids = self.left_record_ids

        right_record_ids = self.right_record_ids

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "left_record_ids": left_record_ids,
                "right_record_ids": right_record_ids,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        left_record_ids = cast(list[int], d.pop("left_record_ids"))

        right_record_ids = cast(list[int], d.pop("right_record_ids"))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        manual_match_create = cls(
            left_record_ids=left_record_ids,
            right_record_ids=right_record_ids,
            note=note,
        )

        manual_match_create.additional_properties = d
        return manual_match_create

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
