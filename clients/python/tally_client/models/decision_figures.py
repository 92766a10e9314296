from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DecisionFigures")


@_attrs_define
class DecisionFigures:
    """Agreement with the reviewers' decisions on the job (pairs of records).

    Attributes:
        confirmed_found (int): ... that reviewers confirmed or matched by hand
        positives_missed (int): Confirmed or manual pairs not matched
        precision (float | None): confirmed / (confirmed + rejected) found
        predicted (int): Pairs matched (auto or suggested)
        recall (float | None): confirmed found / all confirmed or manual pairs
        rejected_found (int): ... that reviewers rejected
        unreviewed (int): Predicted pairs no reviewer decided on
    """

    confirmed_found: int
    positives_missed: int
    precision: float | None
    predicted: int
    recall: float | None
    rejected_found: int
    unreviewed: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        confirmed_found = self.confirmed_found

        positives_missed = self.positives_missed

        precision: float | None
        precision = self.precision

        predicted = self.predicted

        recall: float | None
        recall = self.recall

        rejected_found = self.rejected_found

        unreviewed = self.unreviewed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "confirmed_found": confirmed_found,
                "positives_missed": positives_missed,
                "precision": precision,
                "predicted": predicted,
                "recall": recall,
                "rejected_found": rejected_found,
                "unreviewed": unreviewed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        confirmed_found = d.pop("confirmed_found")

        positives_missed = d.pop("positives_missed")

        def _parse_precision(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        precision = _parse_precision(d.pop("precision"))

        predicted = d.pop("predicted")

        def _parse_recall(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        recall = _parse_recall(d.pop("recall"))

        rejected_found = d.pop("rejected_found")

        unreviewed = d.pop("unreviewed")

        decision_figures = cls(
            confirmed_found=confirmed_found,
            positives_missed=positives_missed,
            precision=precision,
            predicted=predicted,
            recall=recall,
            rejected_found=rejected_found,
            unreviewed=unreviewed,
        )

        decision_figures.additional_properties = d
        return decision_figures

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
