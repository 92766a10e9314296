from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.match_tab import MatchTab
from ..types import UNSET, Unset

T = TypeVar("T", bound="BulkSelection")


@_attrs_define
class BulkSelection:
    """A filter choosing matches of one tab: e.g. every suggestion of a rule at or above a score.

    Attributes:
        max_amount (None | str | Unset): Only left totals at or below this
        min_amount (None | str | Unset): Only left totals at or above this
        min_score (float | None | Unset): Only scores at or above this
        rule (None | str | Unset): Only matches made by this rule
        suggestions_only (bool | Unset): In the review tab, leave out ambiguous alternatives (confirming one rejects its
            rivals, so they are decided one at a time) Default: True.
        tab (MatchTab | Unset): The results tab a match is listed under; a function of its category and status.
    """

    max_amount: None | str | Unset = UNSET
    min_amount: None | str | Unset = UNSET
    min_score: float | None | Unset = UNSET
    rule: None | str | Unset = UNSET
    suggestions_only: bool | Unset = True
    tab: MatchTab | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        max_amount: None | str | Unset
        if isinstance(self.max_amount, Unset):
            max_amount = UNSET
        else:
            max_amount = self.max_amount

        min_amount: None | str | Unset
        if isinstance(self.min_amount, Unset):
            min_amount = UNSET
        else:
            min_amount = self.min_amount

        min_score: float | None | Unset
        if isinstance(self.min_score, Unset):
            min_score = UNSET
        else:
            min_score = self.min_score

        rule: None | str | Unset
        if isinstance(self.rule, Unset):
            rule = UNSET
        else:
            rule = self.rule

        suggestions_only = self.suggestions_only

        tab: str | Unset = UNSET
        if not isinstance(self.tab, Unset):
            tab = self.tab.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if max_amount is not UNSET:
            field_dict["max_amount"] = max_amount
        if min_amount is not UNSET:
            field_dict["min_amount"] = min_amount
        if min_score is not UNSET:
            field_dict["min_score"] = min_score
        if rule is not UNSET:
            field_dict["rule"] = rule
        if suggestions_only is not UNSET:
            field_dict["suggestions_only"] = suggestions_only
        if tab is not UNSET:
            field_dict["tab"] = tab

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_max_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_amount = _parse_max_amount(d.pop("max_amount", UNSET))

        def _parse_min_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        min_amount = _parse_min_amount(d.pop("min_amount", UNSET))

        def _parse_min_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        min_score = _parse_min_score(d.pop("min_score", UNSET))

        def _parse_rule(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rule = _parse_rule(d.pop("rule", UNSET))

        suggestions_only = d.pop("suggestions_only", UNSET)

        _tab = d.pop("tab", UNSET)
        tab: MatchTab | Unset
        if isinstance(_tab, Unset):
            tab = UNSET
        else:
            tab = MatchTab(_tab)

        bulk_selection = cls(
            max_amount=max_amount,
            min_amount=min_amount,
            min_score=min_score,
            rule=rule,
            suggestions_only=suggestions_only,
            tab=tab,
        )

        bulk_selection.additional_properties = d
        return bulk_selection

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
