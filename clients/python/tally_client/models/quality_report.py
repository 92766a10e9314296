from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.quality_figures import QualityFigures
    from ..models.rule_quality import RuleQuality


T = TypeVar("T", bound="QualityReport")


@_attrs_define
class QualityReport:
    """
    Attributes:
        job_id (int):
        overall (QualityFigures): Review decisions over one rule (or the whole job) and the rates they give.
        rules (list[RuleQuality]):
    """

    job_id: int
    overall: QualityFigures
    rules: list[RuleQuality]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job_id = self.job_id

        overall = self.overall.to_dict()

        rules = []
        for rules_item_data in self.rules:
            rules_item = rules_item_data.to_dict()
            rules.append(rules_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job_id": job_id,
                "overall": overall,
                "rules": rules,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.quality_figures import QualityFigures  # noqa: PLC0415
        from ..models.rule_quality import RuleQuality  # noqa: PLC0415

        d = dict(src_dict)
        job_id = d.pop("job_id")

        overall = QualityFigures.from_dict(d.pop("overall"))

        rules = []
        _rules = d.pop("rules")
        for rules_item_data in _rules:
            rules_item = RuleQuality.from_dict(rules_item_data)

            rules.append(rules_item)

        quality_report = cls(
            job_id=job_id,
            overall=overall,
            rules=rules,
        )

        quality_report.additional_properties = d
        return quality_report

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
