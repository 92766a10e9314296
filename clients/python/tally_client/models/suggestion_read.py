from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.suggestion_status import SuggestionStatus

if TYPE_CHECKING:
    from ..models.derived_field import DerivedField
    from ..models.job_suggestion_figures import JobSuggestionFigures
    from ..models.rule import Rule


T = TypeVar("T", bound="SuggestionRead")


@_attrs_define
class SuggestionRead:
    """A suggested rule with its figures over all the jobs learned from, and per job.

    Attributes:
        confirmed (int):
        conflicting (int):
        coverage (float): found / pairs
        created_at (datetime.datetime):
        decided_at (datetime.datetime | None):
        derived_fields (list[DerivedField]): Derived fields the rule reads
        description (str): The rule in words
        draft_version (int | None): The draft version accepting it created
        found (int):
        id (int):
        jobs (list[JobSuggestionFigures]): The figures on each job, newest first
        pairs (int):
        precision (float | None):
        predicted (int):
        rejected (int):
        rule (Rule): One matching rule: all required conditions must hold; the score ranks what passes.
        status (SuggestionStatus):
        support (int): Pairs learned from (of all the jobs) showing its pattern
    """

    confirmed: int
    conflicting: int
    coverage: float
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    derived_fields: list[DerivedField]
    description: str
    draft_version: int | None
    found: int
    id: int
    jobs: list[JobSuggestionFigures]
    pairs: int
    precision: float | None
    predicted: int
    rejected: int
    rule: Rule
    status: SuggestionStatus
    support: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        confirmed = self.confirmed

        conflicting = self.conflicting

        coverage = self.coverage

        created_at = self.created_at.isoformat()

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        derived_fields = []
        for derived_fields_item_data in self.derived_fields:
            derived_fields_item = derived_fields_item_data.to_dict()
            derived_fields.append(derived_fields_item)

        description = self.description

        draft_version: int | None
        draft_version = self.draft_version

        found = self.found

        id = self.id

        jobs = []
        for jobs_item_data in self.jobs:
            jobs_item = jobs_item_data.to_dict()
            jobs.append(jobs_item)

        pairs = self.pairs

        precision: float | None
        precision = self.precision

        predicted = self.predicted

        rejected = self.rejected

        rule = self.rule.to_dict()

        status = self.status.value

        support = self.support

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "confirmed": confirmed,
                "conflicting": conflicting,
                "coverage": coverage,
                "created_at": created_at,
                "decided_at": decided_at,
                "derived_fields": derived_fields,
                "description": description,
                "draft_version": draft_version,
                "found": found,
                "id": id,
                "jobs": jobs,
                "pairs": pairs,
                "precision": precision,
                "predicted": predicted,
                "rejected": rejected,
                "rule": rule,
                "status": status,
                "support": support,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.derived_field import DerivedField  # noqa: PLC0415
        from ..models.job_suggestion_figures import JobSuggestionFigures  # noqa: PLC0415
        from ..models.rule import Rule  # noqa: PLC0415

        d = dict(src_dict)
        confirmed = d.pop("confirmed")

        conflicting = d.pop("conflicting")

        coverage = d.pop("coverage")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        derived_fields = []
        _derived_fields = d.pop("derived_fields")
        for derived_fields_item_data in _derived_fields:
            derived_fields_item = DerivedField.from_dict(derived_fields_item_data)

            derived_fields.append(derived_fields_item)

        description = d.pop("description")

        def _parse_draft_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        draft_version = _parse_draft_version(d.pop("draft_version"))

        found = d.pop("found")

        id = d.pop("id")

        jobs = []
        _jobs = d.pop("jobs")
        for jobs_item_data in _jobs:
            jobs_item = JobSuggestionFigures.from_dict(jobs_item_data)

            jobs.append(jobs_item)

        pairs = d.pop("pairs")

        def _parse_precision(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        precision = _parse_precision(d.pop("precision"))

        predicted = d.pop("predicted")

        rejected = d.pop("rejected")

        rule = Rule.from_dict(d.pop("rule"))

        status = SuggestionStatus(d.pop("status"))

        support = d.pop("support")

        suggestion_read = cls(
            confirmed=confirmed,
            conflicting=conflicting,
            coverage=coverage,
            created_at=created_at,
            decided_at=decided_at,
            derived_fields=derived_fields,
            description=description,
            draft_version=draft_version,
            found=found,
            id=id,
            jobs=jobs,
            pairs=pairs,
            precision=precision,
            predicted=predicted,
            rejected=rejected,
            rule=rule,
            status=status,
            support=support,
        )

        suggestion_read.additional_properties = d
        return suggestion_read

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
