from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_mode import JobMode
from ..models.partitioning import Partitioning
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rule_set import RuleSet


T = TypeVar("T", bound="JobCreate")


@_attrs_define
class JobCreate:
    """
    Attributes:
        left_source_id (int):
        right_source_id (int):
        mode (JobMode | Unset):
        partitioning (Partitioning | Unset): Whether a job's matching is split into parts (tally.matching.partition).
        rule_set_version (int | None | Unset): A released version of the project's rule set to match with
        rules (None | RuleSet | Unset): The rules to match with; default: the project's active rule-set version
    """

    left_source_id: int
    right_source_id: int
    mode: JobMode | Unset = UNSET
    partitioning: Partitioning | Unset = UNSET
    rule_set_version: int | None | Unset = UNSET
    rules: None | RuleSet | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.rule_set import RuleSet  # noqa: PLC0415

        left_source_id = self.left_source_id

        right_source_id = self.right_source_id

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        partitioning: str | Unset = UNSET
        if not isinstance(self.partitioning, Unset):
            partitioning = self.partitioning.value

        rule_set_version: int | None | Unset
        if isinstance(self.rule_set_version, Unset):
            rule_set_version = UNSET
        else:
            rule_set_version = self.rule_set_version

        rules: dict[str, Any] | None | Unset
        if isinstance(self.rules, Unset):
            rules = UNSET
        elif isinstance(self.rules, RuleSet):
            rules = self.rules.to_dict()
        else:
            rules = self.rules

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "left_source_id": left_source_id,
                "right_source_id": right_source_id,
            }
        )
        if mode is not UNSET:
            field_dict["mode"] = mode
        if partitioning is not UNSET:
            field_dict["partitioning"] = partitioning
        if rule_set_version is not UNSET:
            field_dict["rule_set_version"] = rule_set_version
        if rules is not UNSET:
            field_dict["rules"] = rules

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_set import RuleSet  # noqa: PLC0415

        d = dict(src_dict)
        left_source_id = d.pop("left_source_id")

        right_source_id = d.pop("right_source_id")

        _mode = d.pop("mode", UNSET)
        mode: JobMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = JobMode(_mode)

        _partitioning = d.pop("partitioning", UNSET)
        partitioning: Partitioning | Unset
        if isinstance(_partitioning, Unset):
            partitioning = UNSET
        else:
            partitioning = Partitioning(_partitioning)

        def _parse_rule_set_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        rule_set_version = _parse_rule_set_version(d.pop("rule_set_version", UNSET))

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

        job_create = cls(
            left_source_id=left_source_id,
            right_source_id=right_source_id,
            mode=mode,
            partitioning=partitioning,
            rule_set_version=rule_set_version,
            rules=rules,
        )

        job_create.additional_properties = d
        return job_create

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
