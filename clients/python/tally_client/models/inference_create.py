from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InferenceCreate")


@_attrs_define
class InferenceCreate:
    """
    Attributes:
        left_source_id (int):
        right_source_id (int):
        activate (bool | Unset): Activate the inferred version at once (it is activated anyway when the project has no
            active version yet) Default: False.
        background (bool | None | Unset): Run in the background (202, poll Location) even for small sources; by default
            only sources holding more records than the server's inline limit are
    """

    left_source_id: int
    right_source_id: int
    activate: bool | Unset = False
    background: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        left_source_id = self.left_source_id

        right_source_id = self.right_source_id

        activate = self.activate

        background: bool | None | Unset
        if isinstance(self.background, Unset):
            background = UNSET
        else:
            background = self.background

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "left_source_id": left_source_id,
                "right_source_id": right_source_id,
            }
        )
        if activate is not UNSET:
            field_dict["activate"] = activate
        if background is not UNSET:
            field_dict["background"] = background

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        left_source_id = d.pop("left_source_id")

        right_source_id = d.pop("right_source_id")

        activate = d.pop("activate", UNSET)

        def _parse_background(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        background = _parse_background(d.pop("background", UNSET))

        inference_create = cls(
            left_source_id=left_source_id,
            right_source_id=right_source_id,
            activate=activate,
            background=background,
        )

        inference_create.additional_properties = d
        return inference_create

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
