from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..models.date_condition_direction import DateConditionDirection
from ..models.date_condition_field import DateConditionField
from ..models.date_condition_right_field_type_0 import DateConditionRightFieldType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="DateCondition")


@_attrs_define
class DateCondition:
    """Dates at most ``window_days`` apart (either direction, unless ``direction`` says).

    Attributes:
        direction (DateConditionDirection | Unset):  Default: DateConditionDirection.EITHER.
        field (DateConditionField | Unset):  Default: DateConditionField.BOOKING_DATE.
        required (bool | Unset):  Default: True.
        right_field (DateConditionRightFieldType0 | None | Unset):
        type_ (Literal['date'] | Unset):  Default: 'date'.
        weight (float | Unset):  Default: 1.0.
        window_days (int | Unset):  Default: 3.
    """

    direction: DateConditionDirection | Unset = DateConditionDirection.EITHER
    field: DateConditionField | Unset = DateConditionField.BOOKING_DATE
    required: bool | Unset = True
    right_field: DateConditionRightFieldType0 | None | Unset = UNSET
    type_: Literal["date"] | Unset = "date"
    weight: float | Unset = 1.0
    window_days: int | Unset = 3

    def to_dict(self) -> dict[str, Any]:
        direction: str | Unset = UNSET
        if not isinstance(self.direction, Unset):
            direction = self.direction.value

        field: str | Unset = UNSET
        if not isinstance(self.field, Unset):
            field = self.field.value

        required = self.required

        right_field: None | str | Unset
        if isinstance(self.right_field, Unset):
            right_field = UNSET
        elif isinstance(self.right_field, DateConditionRightFieldType0):
            right_field = self.right_field.value
        else:
            right_field = self.right_field

        type_ = self.type_

        weight = self.weight

        window_days = self.window_days

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if direction is not UNSET:
            field_dict["direction"] = direction
        if field is not UNSET:
            field_dict["field"] = field
        if required is not UNSET:
            field_dict["required"] = required
        if right_field is not UNSET:
            field_dict["right_field"] = right_field
        if type_ is not UNSET:
            field_dict["type"] = type_
        if weight is not UNSET:
            field_dict["weight"] = weight
        if window_days is not UNSET:
            field_dict["window_days"] = window_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _direction = d.pop("direction", UNSET)
        direction: DateConditionDirection | Unset
        if isinstance(_direction, Unset):
            direction = UNSET
        else:
            direction = DateConditionDirection(_direction)

        _field = d.pop("field", UNSET)
        field: DateConditionField | Unset
        if isinstance(_field, Unset):
            field = UNSET
        else:
            field = DateConditionField(_field)

        required = d.pop("required", UNSET)

        def _parse_right_field(
            data: object,
        ) -> DateConditionRightFieldType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                right_field_type_0 = DateConditionRightFieldType0(data)

                return right_field_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DateConditionRightFieldType0 | None | Unset, data)

        right_field = _parse_right_field(d.pop("right_field", UNSET))

        type_ = cast(Literal["date"] | Unset, d.pop("type", UNSET))
        if type_ != "date" and not isinstance(type_, Unset):
            raise ValueError(f"type must match const 'date', got '{type_}'")

        weight = d.pop("weight", UNSET)

        window_days = d.pop("window_days", UNSET)

        date_condition = cls(
            direction=direction,
            field=field,
            required=required,
            right_field=right_field,
            type_=type_,
            weight=weight,
            window_days=window_days,
        )

        return date_condition
