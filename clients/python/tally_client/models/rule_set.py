from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.derived_field import DerivedField
    from ..models.rule import Rule


T = TypeVar("T", bound="RuleSet")


@_attrs_define
class RuleSet:
    """An ordered list of rules (priority = order) plus derived fields they may reference.

    Attributes:
        rules (list[Rule]):
        derived_fields (list[DerivedField] | Unset):
        duplicate_fields (list[str] | None | Unset):
        version (int | Unset):  Default: 1.
    """

    rules: list[Rule]
    derived_fields: list[DerivedField] | Unset = UNSET
    duplicate_fields: list[str] | None | Unset = UNSET
    version: int | Unset = 1

    def to_dict(self) -> dict[str, Any]:
        rules = []
        for rules_item_data in self.rules:
            rules_item = rules_item_data.to_dict()
            rules.append(rules_item)

        derived_fields: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.derived_fields, Unset):
            derived_fields = []
            for derived_fields_item_data in self.derived_fields:
                derived_fields_item = derived_fields_item_data.to_dict()
                derived_fields.append(derived_fields_item)

        duplicate_fields: list[str] | None | Unset
        if isinstance(self.duplicate_fields, Unset):
            duplicate_fields = UNSET
        elif isinstance(self.duplicate_fields, list):
            duplicate_fields = self.duplicate_fields

        else:
            duplicate_fields = self.duplicate_fields

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "rules": rules,
            }
        )
        if derived_fields is not UNSET:
            field_dict["derived_fields"] = derived_fields
        if duplicate_fields is not UNSET:
            field_dict["duplicate_fields"] = duplicate_fields
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.derived_field import DerivedField  # noqa: PLC0415
        from ..models.rule import Rule  # noqa: PLC0415

        d = dict(src_dict)
        rules = []
        _rules = d.pop("rules")
        for rules_item_data in _rules:
            rules_item = Rule.from_dict(rules_item_data)

            rules.append(rules_item)

        _derived_fields = d.pop("derived_fields", UNSET)
        derived_fields: list[DerivedField] | Unset = UNSET
        if _derived_fields is not UNSET:
            derived_fields = []
            for derived_fields_item_data in _derived_fields:
                derived_fields_item = DerivedField.from_dict(derived_fields_item_data)

                derived_fields.append(derived_fields_item)

        def _parse_duplicate_fields(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                duplicate_fields_type_0 = cast(list[str], data)

                return duplicate_fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        duplicate_fields = _parse_duplicate_fields(d.pop("duplicate_fields", UNSET))

        version = d.pop("version", UNSET)

        rule_set = cls(
            rules=rules,
            derived_fields=derived_fields,
            duplicate_fields=duplicate_fields,
            version=version,
        )

        return rule_set
