from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="JobSuggestionFigures")


@_attrs_define
class JobSuggestionFigures:
    """
    Attributes:
        confirmed (int):
        conflicting (int):
        coverage (float): found / pairs
        found (int):
        job_id (int):
        pairs (int):
        precision (float | None):
        predicted (int):
        rejected (int):
    """

    confirmed: int
    conflicting: int
    coverage: float
    found: int
    job_id: int
    pairs: int
    precision: float | None
    predicted: int
    rejected: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        confirmed = self.confirmed

        conflicting = self.conflicting

        coverage = self.coverage

        found = self.found

        job_id = self.job_id

        pairs = self.pairs

        precision: float | None
        precision = self.precision

        predicted = self.predicted

        rejected = self.rejected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "confirmed": confirmed,
                "conflicting": conflicting,
                "coverage": coverage,
                "found": found,
                "job_id": job_id,
                "pairs": pairs,
                "precision": precision,
                "predicted": predicted,
                "rejected": rejected,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        confirmed = d.pop("confirmed")

        conflicting = d.pop("conflicting")

        coverage = d.pop("coverage")

        found = d.pop("found")

        job_id = d.pop("job_id")

        pairs = d.pop("pairs")

        def _parse_precision(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        precision = _parse_precision(d.pop("precision"))

        predicted = d.pop("predicted")

        rejected = d.pop("rejected")

        job_suggestion_figures = cls(
            confirmed=confirmed,
            conflicting=conflicting,
            coverage=coverage,
            found=found,
            job_id=job_id,
            pairs=pairs,
            precision=precision,
            predicted=predicted,
            rejected=rejected,
        )

        job_suggestion_figures.additional_properties = d
        return job_suggestion_figures

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
