from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.inference_read_evidence import InferenceReadEvidence
    from ..models.rule_set_version_read import RuleSetVersionRead


T = TypeVar("T", bound="InferenceRead")


@_attrs_define
class InferenceRead:
    """
    Attributes:
        evidence (InferenceReadEvidence): Per rule: supporting pairs, share of records covered, margin over the runner-
            up, estimated precision and a note; plus the models' notes
        version (RuleSetVersionRead):
    """

    evidence: InferenceReadEvidence
    version: RuleSetVersionRead
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        evidence = self.evidence.to_dict()

        version = self.version.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "evidence": evidence,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.inference_read_evidence import InferenceReadEvidence  # noqa: PLC0415
        from ..models.rule_set_version_read import RuleSetVersionRead  # noqa: PLC0415

        d = dict(src_dict)
        evidence = InferenceReadEvidence.from_dict(d.pop("evidence"))

        version = RuleSetVersionRead.from_dict(d.pop("version"))

        inference_read = cls(
            evidence=evidence,
            version=version,
        )

        inference_read.additional_properties = d
        return inference_read

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
