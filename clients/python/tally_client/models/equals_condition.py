from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..models.equals_condition_missing import EqualsConditionMissing
from ..models.equals_condition_normalisers_item import EqualsConditionNormalisersItem
from ..types import UNSET, Unset

T = TypeVar("T", bound="EqualsCondition")


@_attrs_define
class EqualsCondition:
    """Normalised text equality, optionally comparing left ``field`` with right ``right_field``.

    Attributes:
        field (str):
        missing (EqualsConditionMissing | Unset):  Default: EqualsConditionMissing.FAIL.
        normalisers (list[EqualsConditionNormalisersItem] | Unset):
        required (bool | Unset):  Default: True.
        right_field (None | str | Unset):
        type_ (Literal['equals'] | Unset):  Default: 'equals'.
        weight (float | Unset):  Default: 1.0.
    """

    field: str
    missing: EqualsConditionMissing | Unset = EqualsConditionMissing.FAIL
    normalisers: list[EqualsConditionNormalisersItem] | Unset = UNSET
    required: bool | Unset = True
    right_field: None | str | Unset = UNSET
    type_: Literal["equals"] | Unset = "equals"
    weight: float | Unset = 1.0

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        missing: str | Unset = UNSET
        if not isinstance(self.missing, Unset):
            missing = self.missing.value

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

        type_ = self.type_

        weight = self.weight

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "field": field,
            }
        )
        if missing is not UNSET:
            field_dict["missing"] = missing
        if normalisers is not UNSET:
            field_dict["normalisers"] = normalisers
        if required is not UNSET:
            field_dict["required"] = required
        if right_field is not UNSET:
            field_dict["right_field"] = right_field
        if type_ is not UNSET:
            field_dict["type"] = type_
        if weight is not UNSET:
            field_dict["weight"] = weight

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = d.pop("field")

        _missing = d.pop("missing", UNSET)
        missing: EqualsConditionMissing | Unset
        if isinstance(_missing, Unset):
            missing = UNSET
        else:
            missing = EqualsConditionMissing(_missing)

        _normalisers = d.pop("normalisers", UNSET)
        normalisers: list[EqualsConditionNormalisersItem] | Unset = UNSET
        if _normalisers is not UNSET:
            normalisers = []
            for normalisers_item_data in _normalisers:
                normalisers_item = EqualsConditionNormalisersItem(normalisers_item_data)

                normalisers.append(normalisers_item)

        required = d.pop("required", UNSET)

        def _parse_right_field(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        right_field = _parse_right_field(d.pop("right_field", UNSET))

        type_ = cast(Literal["equals"] | Unset, d.pop("type", UNSET))
        if type_ != "equals" and not isinstance(type_, Unset):
            raise ValueError(f"type must match const 'equals', got '{type_}'")

        weight = d.pop("weight", UNSET)

        equals_condition = cls(
            field=field,
            missing=missing,
            normalisers=normalisers,
            required=required,
            right_field=right_field,
            type_=type_,
            weight=weight,
        )

        return equals_condition
