from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.bulk_exception_action import BulkExceptionAction

T = TypeVar("T", bound="BulkExceptionOutcome")


@_attrs_define
class BulkExceptionOutcome:
    """
    Attributes:
        action (BulkExceptionAction):
        changed (list[int]): Exceptions changed by this request, each audited
        unchanged (list[int]): Already so (e.g. assigned to that member)
    """

    action: BulkExceptionAction
    changed: list[int]
    unchanged: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        changed = self.changed

        unchanged = self.unchanged

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "changed": changed,
                "unchanged": unchanged,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = BulkExceptionAction(d.pop("action"))

        changed = cast(list[int], d.pop("changed"))

        unchanged = cast(list[int], d.pop("unchanged"))

        bulk_exception_outcome = cls(
            action=action,
            changed=changed,
            unchanged=unchanged,
        )

        bulk_exception_outcome.additional_properties = d
        return bulk_exception_outcome

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
