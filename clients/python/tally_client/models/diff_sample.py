from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.record_brief import RecordBrief


T = TypeVar("T", bound="DiffSample")


@_attrs_define
class DiffSample:
    """One match that differs: its records, and how it was (``old_*``) and is now.

    Attributes:
        left (list[RecordBrief]):
        old_rule (None | str):
        old_status (None | str): In the job's stored results (None: new)
        right (list[RecordBrief]):
        rule (None | str):
        status (None | str): Under the backtested rules (None: lost)
    """

    left: list[RecordBrief]
    old_rule: None | str
    old_status: None | str
    right: list[RecordBrief]
    rule: None | str
    status: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        left = []
        for left_item_data in self.left:
            left_item = left_item_data.to_dict()
            left.append(left_item)

        old_rule: None | str
        old_rule = self.old_rule

        old_status: None | str
        old_status = self.old_status

        right = []
        for right_item_data in self.right:
            right_item = right_item_data.to_dict()
            right.append(right_item)

        rule: None | str
        rule = self.rule

        status: None | str
        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "left": left,
                "old_rule": old_rule,
                "old_status": old_status,
                "right": right,
                "rule": rule,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.record_brief import RecordBrief  # noqa: PLC0415

        d = dict(src_dict)
        left = []
        _left = d.pop("left")
        for left_item_data in _left:
            left_item = RecordBrief.from_dict(left_item_data)

            left.append(left_item)

        def _parse_old_rule(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        old_rule = _parse_old_rule(d.pop("old_rule"))

        def _parse_old_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        old_status = _parse_old_status(d.pop("old_status"))

        right = []
        _right = d.pop("right")
        for right_item_data in _right:
            right_item = RecordBrief.from_dict(right_item_data)

            right.append(right_item)

        def _parse_rule(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rule = _parse_rule(d.pop("rule"))

        def _parse_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status = _parse_status(d.pop("status"))

        diff_sample = cls(
            left=left,
            old_rule=old_rule,
            old_status=old_status,
            right=right,
            rule=rule,
            status=status,
        )

        diff_sample.additional_properties = d
        return diff_sample

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
