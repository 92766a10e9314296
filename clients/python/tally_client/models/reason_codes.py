from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reason_code import ReasonCode


T = TypeVar("T", bound="ReasonCodes")


@_attrs_define
class ReasonCodes:
    """
    Attributes:
        reasons (list[ReasonCode]):
        defaults (bool | Unset): True when the project uses the default list Default: False.
    """

    reasons: list[ReasonCode]
    defaults: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)

        defaults = self.defaults

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reasons": reasons,
            }
        )
        if defaults is not UNSET:
            field_dict["defaults"] = defaults

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reason_code import ReasonCode  # noqa: PLC0415

        d = dict(src_dict)
        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in _reasons:
            reasons_item = ReasonCode.from_dict(reasons_item_data)

            reasons.append(reasons_item)

        defaults = d.pop("defaults", UNSET)

        reason_codes = cls(
            reasons=reasons,
            defaults=defaults,
        )

        reason_codes.additional_properties = d
        return reason_codes

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
