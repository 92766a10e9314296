from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..models.fuzzy_condition_normalisers_item import FuzzyConditionNormalisersItem
from ..models.fuzzy_condition_scorer import FuzzyConditionScorer
from ..types import UNSET, Unset

T = TypeVar("T", bound="FuzzyCondition")


@_attrs_define
class FuzzyCondition:
    """Text similarity (rapidfuzz, 0..100) at least ``threshold``.

    Attributes:
        field (str | Unset):  Default: 'description'.
        normalisers (list[FuzzyConditionNormalisersItem] | Unset):
        required (bool | Unset):  Default: True.
        right_field (None | str | Unset):
        scorer (FuzzyConditionScorer | Unset):  Default: FuzzyConditionScorer.TOKEN_SET_RATIO.
        threshold (float | Unset):  Default: 85.0.
        type_ (Literal['fuzzy'] | Unset):  Default: 'fuzzy'.
        weight (float | Unset):  Default: 1.0.
    """

    field: str | Unset = "description"
    normalisers: list[FuzzyConditionNormalisersItem] | Unset = UNSET
    required: bool | Unset = True
    right_field: None | str | Unset = UNSET
    scorer: FuzzyConditionScorer | Unset = FuzzyConditionScorer.TOKEN_SET_RATIO
    threshold: float | Unset = 85.0
    type_: Literal["fuzzy"] | Unset = "fuzzy"
    weight: float | Unset = 1.0

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        normalisers: list[str] | Unset = UNSET
        if not isinstance(self.normalisers, Unset):
            normalisers = []
            for normalisers_item_data in self.normalisers:
                normalisers_item = normalisers_item_data.value
                normalisers.append(normalisers_item)

        required = self.required

        right_field: None | str | Unset
        if isinstance(self.right_field, Unset):
            right_field = UNSET
        else:
            right_field = self.right_field

        scorer: str | Unset = UNSET
        if not isinstance(self.scorer, Unset):
            scorer = self.scorer.value

        threshold = self.threshold

        type_ = self.type_

        weight = self.weight

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if field is not UNSET:
            field_dict["field"] = field
        if normalisers is not UNSET:
            field_dict["normalisers"] = normalisers
        if required is not UNSET:
            field_dict["required"] = required
        if right_field is not UNSET:
            field_dict["right_field"] = right_field
        if scorer is not UNSET:
            field_dict["scorer"] = scorer
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if type_ is not UNSET:
            field_dict["type"] = type_
        if weight is not UNSET:
            field_dict["weight"] = weight

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = d.pop("field", UNSET)

        _normalisers = d.pop("normalisers", UNSET)
        normalisers: list[FuzzyConditionNormalisersItem] | Unset = UNSET
        if _normalisers is not UNSET:
            normalisers = []
            for normalisers_item_data in _normalisers:
                normalisers_item = FuzzyConditionNormalisersItem(normalisers_item_data)

                normalisers.append(normalisers_item)

        required = d.pop("required", UNSET)

        def _parse_right_field(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        right_field = _parse_right_field(d.pop("right_field", UNSET))

        _scorer = d.pop("scorer", UNSET)
        scorer: FuzzyConditionScorer | Unset
        if isinstance(_scorer, Unset):
            scorer = UNSET
        else:
            scorer = FuzzyConditionScorer(_scorer)

        threshold = d.pop("threshold", UNSET)

        type_ = cast(Literal["fuzzy"] | Unset, d.pop("type", UNSET))
        if type_ != "fuzzy" and not isinstance(type_, Unset):
            raise ValueError(f"type must match const 'fuzzy', got '{type_}'")

        weight = d.pop("weight", UNSET)

        fuzzy_condition = cls(
            field=field,
            normalisers=normalisers,
            required=required,
            right_field=right_field,
            scorer=scorer,
            threshold=threshold,
            type_=type_,
            weight=weight,
        )

        return fuzzy_condition
