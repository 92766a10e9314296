from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rule_set import RuleSet


T = TypeVar("T", bound="DraftCreate")


@_attrs_define
class DraftCreate:
    """
    Attributes:
        from_version (int | None | Unset): The version number to copy
        note (str | Unset): What changes, and why Default: ''.
        rules (None | RuleSet | Unset): The draft's rules; default: a copy of `from_version`, else of the active version
            (or Tally's built-in rules when the project has none yet)
    """

    from_version: int | None | Unset = UNSET
    note: str | Unset = ""
    rules: None | RuleSet | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.rule_set import RuleSet  # noqa: PLC0415

        from_version: int | None | Unset
        if isinstance(self.from_version, Unset):
            from_version = UNSET
        else:
            from_version = self.from_version

        note = self.note

        rules: dict[str, Any] | None | Unset
        if isinstance(self.rules, Unset):
            rules = UNSET
        elif isinstance(self.rules, RuleSet):
            rules = self.rules.to_dict()
        else:
            rules = self.rules

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if from_version is not UNSET:
            field_dict["from_version"] = from_version
        if note is not UNSET:
            field_dict["note"] = note
        if rules is not UNSET:
            field_dict["rules"] = rules

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_set import RuleSet  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_from_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        from_version = _parse_from_version(d.pop("from_version", UNSET))

        note = d.pop("note", UNSET)

        def _parse_rules(data: object) -> None | RuleSet | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                rules_type_0 = RuleSet.from_dict(data)

                return rules_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RuleSet | Unset, data)

        rules = _parse_rules(d.pop("rules", UNSET))

        draft_create = cls(
            from_version=from_version,
            note=note,
            rules=rules,
        )

        draft_create.additional_properties = d
        return draft_create

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
