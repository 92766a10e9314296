from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.quality_figures import QualityFigures


T = TypeVar("T", bound="RuleQuality")


@_attrs_define
class RuleQuality:
    """
    Attributes:
        figures (QualityFigures): Review decisions over one rule (or the whole job) and the rates they give.
        rule (str):
        rule_index (int):
    """

    figures: QualityFigures
    rule: str
    rule_index: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        figures = self.figures.to_dict()

        rule = self.rule

        rule_index = self.rule_index

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "figures": figures,
                "rule": rule,
                "rule_index": rule_index,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.quality_figures import QualityFigures  # noqa: PLC0415

        d = dict(src_dict)
        figures = QualityFigures.from_dict(d.pop("figures"))

        rule = d.pop("rule")

        rule_index = d.pop("rule_index")

        rule_quality = cls(
            figures=figures,
            rule=rule,
            rule_index=rule_index,
        )

        rule_quality.additional_properties = d
        return rule_quality

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
