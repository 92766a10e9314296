from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.condition_evidence_type import ConditionEvidenceType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConditionEvidence")


@_attrs_define
class ConditionEvidence:
    """What one condition of the rule measured on the match (fields by condition type).

    Attributes:
        type_ (ConditionEvidenceType):
        days (int | None | Unset): date: right minus left, in days
        difference (None | str | Unset): amount: right minus left
        exact (bool | None | Unset): equals: equal before normalising
        field (None | str | Unset):
        max_days (int | None | Unset): date, in a group: the largest gap
        normalisers (list[str] | None | Unset): equals: what made them equal
        passed (bool | Unset):  Default: True.
        required (bool | Unset):  Default: True.
        right_field (None | str | Unset): The right side's field, when it differs
        sign (Literal['opposite'] | None | Unset): amount: right amounts negated
        similarity (float | None | Unset): fuzzy: 0-100
        threshold (float | None | Unset): fuzzy: the similarity required
        tolerance (None | str | Unset): amount: the difference allowed
        window (int | None | Unset): date: the days allowed
    """

    type_: ConditionEvidenceType
    days: int | None | Unset = UNSET
    difference: None | str | Unset = UNSET
    exact: bool | None | Unset = UNSET
    field: None | str | Unset = UNSET
    max_days: int | None | Unset = UNSET
    normalisers: list[str] | None | Unset = UNSET
    passed: bool | Unset = True
    required: bool | Unset = True
    right_field: None | str | Unset = UNSET
    sign: Literal["opposite"] | None | Unset = UNSET
    similarity: float | None | Unset = UNSET
    threshold: float | None | Unset = UNSET
    tolerance: None | str | Unset = UNSET
    window: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        days: int | None | Unset
        if isinstance(self.days, Unset):
            days = UNSET
        else:
            days = self.days

        difference: None | str | Unset
        if isinstance(self.difference, Unset):
            difference = UNSET
        else:
            difference = self.difference

        exact: bool | None | Unset
        if isinstance(self.exact, Unset):
            exact = UNSET
        else:
            exact = self.exact

        field: None | str | Unset
        if isinstance(self.field, Unset):
            field = UNSET
        else:
            field = self.field

        max_days: int | None | Unset
        if isinstance(self.max_days, Unset):
            max_days = UNSET
        else:
            max_days = self.max_days

        normalisers: list[str] | None | Unset
        if isinstance(self.normalisers, Unset):
            normalisers = UNSET
        elif isinstance(self.normalisers, list):
            normalisers = self.normalisers

        else:
            normalisers = self.normalisers

        passed = self.passed

        required = self.required

        right_field: None | str | Unset
        if isinstance(self.right_field, Unset):
            right_field = UNSET
        else:
            right_field = self.right_field

        sign: Literal["opposite"] | None | Unset
        if isinstance(self.sign, Unset):
            sign = UNSET
        else:
            sign = self.sign

        similarity: float | None | Unset
        if isinstance(self.similarity, Unset):
            similarity = UNSET
        else:
            similarity = self.similarity

        threshold: float | None | Unset
        if isinstance(self.threshold, Unset):
            threshold = UNSET
        else:
            threshold = self.threshold

        tolerance: None | str | Unset
        if isinstance(self.tolerance, Unset):
            tolerance = UNSET
        else:
            tolerance = self.tolerance

        window: int | None | Unset
        if isinstance(self.window, Unset):
            window = UNSET
        else:
            window = self.window

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if days is not UNSET:
            field_dict["days"] = days
        if difference is not UNSET:
            field_dict["difference"] = difference
        if exact is not UNSET:
            field_dict["exact"] = exact
        if field is not UNSET:
            field_dict["field"] = field
        if max_days is not UNSET:
            field_dict["max_days"] = max_days
        if normalisers is not UNSET:
            field_dict["normalisers"] = normalisers
        if passed is not UNSET:
            field_dict["passed"] = passed
        if required is not UNSET:
            field_dict["required"] = required
        if right_field is not UNSET:
            field_dict["right_field"] = right_field
        if sign is not UNSET:
            field_dict["sign"] = sign
        if similarity is not UNSET:
            field_dict["similarity"] = similarity
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if tolerance is not UNSET:
            field_dict["tolerance"] = tolerance
        if window is not UNSET:
            field_dict["window"] = window

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = ConditionEvidenceType(d.pop("type"))

        def _parse_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days = _parse_days(d.pop("days", UNSET))

        def _parse_difference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        difference = _parse_difference(d.pop("difference", UNSET))

        def _parse_exact(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        exact = _parse_exact(d.pop("exact", UNSET))

        def _parse_field(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        field = _parse_field(d.pop("field", UNSET))

        def _parse_max_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_days = _parse_max_days(d.pop("max_days", UNSET))

        def _parse_normalisers(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                normalisers_type_0 = cast(list[str], data)

                return normalisers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        normalisers = _parse_normalisers(d.pop("normalisers", UNSET))

        passed = d.pop("passed", UNSET)

        required = d.pop("required", UNSET)

        def _parse_right_field(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        right_field = _parse_right_field(d.pop("right_field", UNSET))

        def _parse_sign(data: object) -> Literal["opposite"] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            sign_type_0 = cast(Literal["opposite"], data)
            if sign_type_0 != "opposite":
                raise ValueError(
                    f"sign_type_0 must match const 'opposite', got '{sign_type_0}'"
                )
            return sign_type_0
            return cast(Literal["opposite"] | None | Unset, data)

        sign = _parse_sign(d.pop("sign", UNSET))

        def _parse_similarity(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        similarity = _parse_similarity(d.pop("similarity", UNSET))

        def _parse_threshold(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        threshold = _parse_threshold(d.pop("threshold", UNSET))

        def _parse_tolerance(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tolerance = _parse_tolerance(d.pop("tolerance", UNSET))

        def _parse_window(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        window = _parse_window(d.pop("window", UNSET))

        condition_evidence = cls(
            type_=type_,
            days=days,
            difference=difference,
            exact=exact,
            field=field,
            max_days=max_days,
            normalisers=normalisers,
            passed=passed,
            required=required,
            right_field=right_field,
            sign=sign,
            similarity=similarity,
            threshold=threshold,
            tolerance=tolerance,
            window=window,
        )

        condition_evidence.additional_properties = d
        return condition_evidence

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
