from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.match_origin import MatchOrigin
from ..models.match_status import MatchStatus

T = TypeVar("T", bound="DecisionCount")


@_attrs_define
class DecisionCount:
    """Matches of one rule by origin and current status: what the quality report counts.

    Attributes:
        count (int):
        origin (MatchOrigin): What produced a match; kept when a reviewer changes its status, for the quality report.
        rule (str):
        rule_index (int):
        status (MatchStatus):
    """

    count: int
    origin: MatchOrigin
    rule: str
    rule_index: int
    status: MatchStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        origin = self.origin.value

        rule = self.rule

        rule_index = self.rule_index

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "origin": origin,
                "rule": rule,
                "rule_index": rule_index,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        origin = MatchOrigin(d.pop("origin"))

        rule = d.pop("rule")

        rule_index = d.pop("rule_index")

        status = MatchStatus(d.pop("status"))

        decision_count = cls(
            count=count,
            origin=origin,
            rule=rule,
            rule_index=rule_index,
            status=status,
        )

        decision_count.additional_properties = d
        return decision_count

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
