from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.bulk_action import BulkAction
from ..types import UNSET, Unset

T = TypeVar("T", bound="BulkOutcome")


@_attrs_define
class BulkOutcome:
    """
    Attributes:
        action (BulkAction):
        changed (list[int]): Matches decided by this request, each audited
        unchanged (list[int]): Matches already in the requested state
        rejected_match_ids (list[int] | Unset): Ambiguous alternatives rejected because a confirmed match shares records
    """

    action: BulkAction
    changed: list[int]
    unchanged: list[int]
    rejected_match_ids: list[int] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        changed = self.changed

        unchanged = self.unchanged

        rejected_match_ids: list[int] | Unset = UNSET
        if not isinstance(self.rejected_match_ids, Unset):
            rejected_match_ids = self.rejected_match_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "changed": changed,
                "unchanged": unchanged,
            }
        )
        if rejected_match_ids is not UNSET:
            field_dict["rejected_match_ids"] = rejected_match_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = BulkAction(d.pop("action"))

        changed = cast(list[int], d.pop("changed"))

        unchanged = cast(list[int], d.pop("unchanged"))

        rejected_match_ids = cast(list[int], d.pop("rejected_match_ids", UNSET))

        bulk_outcome = cls(
            action=action,
            changed=changed,
            unchanged=unchanged,
            rejected_match_ids=rejected_match_ids,
        )

        bulk_outcome.additional_properties = d
        return bulk_outcome

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
