from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.evidence_kind import EvidenceKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.condition_evidence import ConditionEvidence


T = TypeVar("T", bound="Evidence")


@_attrs_define
class Evidence:
    """Why the match was made: each condition's measurement, and a group's arithmetic.

    Attributes:
        kind (EvidenceKind):
        conditions (list[ConditionEvidence] | Unset):
        difference (None | str | Unset): group, manual: right minus left total
        left (list[str] | None | Unset): group, manual: the left amounts
        right (list[str] | None | Unset): group, manual: the right amounts
        sign (Literal['opposite'] | None | Unset): Right amounts negated
        tie (bool | Unset): Another candidate had the same score Default: False.
        tolerance (None | str | Unset): group: the difference allowed
    """

    kind: EvidenceKind
    conditions: list[ConditionEvidence] | Unset = UNSET
    difference: None | str | Unset = UNSET
    left: list[str] | None | Unset = UNSET
    right: list[str] | None | Unset = UNSET
    sign: Literal["opposite"] | None | Unset = UNSET
    tie: bool | Unset = False
    tolerance: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        conditions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.conditions, Unset):
            conditions = []
            for conditions_item_data in self.conditions:
                conditions_item = conditions_item_data.to_dict()
                conditions.append(conditions_item)

        difference: None | str | Unset
        if isinstance(self.difference, Unset):
            difference = UNSET
        else:
            difference = self.difference

        left: list[str] | None | Unset
        if isinstance(self.left, Unset):
            left = UNSET
        elif isinstance(self.left, list):
            left = self.left

        else:
            left = self.left

        right: list[str] | None | Unset
        if isinstance(self.right, Unset):
            right = UNSET
        elif isinstance(self.right, list):
            right = self.right

        else:
            right = self.right

        sign: Literal["opposite"] | None | Unset
        if isinstance(self.sign, Unset):
            sign = UNSET
        else:
            sign = self.sign

        tie = self.tie

        tolerance: None | str | Unset
        if isinstance(self.tolerance, Unset):
            tolerance = UNSET
        else:
            tolerance = self.tolerance

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
            }
        )
        if conditions is not UNSET:
            field_dict["conditions"] = conditions
        if difference is not UNSET:
            field_dict["difference"] = difference
        if left is not UNSET:
            field_dict["left"] = left
        if right is not UNSET:
            field_dict["right"] = right
        if sign is not UNSET:
            field_dict["sign"] = sign
        if tie is not UNSET:
            field_dict["tie"] = tie
        if tolerance is not UNSET:
            field_dict["tolerance"] = tolerance

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.condition_evidence import ConditionEvidence  # noqa: PLC0415

        d = dict(src_dict)
        kind = EvidenceKind(d.pop("kind"))

        _conditions = d.pop("conditions", UNSET)
        conditions: list[ConditionEvidence] | Unset = UNSET
        if _conditions is not UNSET:
            conditions = []
            for conditions_item_data in _conditions:
                conditions_item = ConditionEvidence.from_dict(conditions_item_data)

                conditions.append(conditions_item)

        def _parse_difference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        difference = _parse_difference(d.pop("difference", UNSET))

        def _parse_left(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                left_type_0 = cast(list[str], data)

                return left_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        left = _parse_left(d.pop("left", UNSET))

        def _parse_right(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                right_type_0 = cast(list[str], data)

                return right_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        right = _parse_right(d.pop("right", UNSET))

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

        tie = d.pop("tie", UNSET)

        def _parse_tolerance(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tolerance = _parse_tolerance(d.pop("tolerance", UNSET))

        evidence = cls(
            kind=kind,
            conditions=conditions,
            difference=difference,
            left=left,
            right=right,
            sign=sign,
            tie=tie,
            tolerance=tolerance,
        )

        evidence.additional_properties = d
        return evidence

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
