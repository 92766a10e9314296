from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.record_read import RecordRead


T = TypeVar("T", bound="NearCandidateRead")


@_attrs_define
class NearCandidateRead:
    """
    Attributes:
        closeness (float): 0..1; failing conditions graded by how far they missed
        failed (list[str]):
        matches_rule (bool): Every required condition holds
        passed (list[str]):
        record (RecordRead):
        rule (str): The rule under which it came closest
        match_id (int | None | Unset): The match that already claims it, if any
    """

    closeness: float
    failed: list[str]
    matches_rule: bool
    passed: list[str]
    record: RecordRead
    rule: str
    match_id: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        closeness = self.closeness

        failed = self.failed

        matches_rule = self.matches_rule

        passed = self.passed

        record = self.record.to_dict()

        rule = self.rule

        match_id: int | None | Unset
        if isinstance(self.match_id, Unset):
            match_id = UNSET
        else:
            match_id = self.match_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "closeness": closeness,
                "failed": failed,
                "matches_rule": matches_rule,
                "passed": passed,
                "record": record,
                "rule": rule,
            }
        )
        if match_id is not UNSET:
            field_dict["match_id"] = match_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.record_read import RecordRead  # noqa: PLC0415

        d = dict(src_dict)
        closeness = d.pop("closeness")

        failed = cast(list[str], d.pop("failed"))

        matches_rule = d.pop("matches_rule")

        passed = cast(list[str], d.pop("passed"))

        record = RecordRead.from_dict(d.pop("record"))

        rule = d.pop("rule")

        def _parse_match_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        match_id = _parse_match_id(d.pop("match_id", UNSET))

        near_candidate_read = cls(
            closeness=closeness,
            failed=failed,
            matches_rule=matches_rule,
            passed=passed,
            record=record,
            rule=rule,
            match_id=match_id,
        )

        near_candidate_read.additional_properties = d
        return near_candidate_read

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
