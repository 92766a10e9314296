from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.cardinality import Cardinality
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.amount_condition import AmountCondition
    from ..models.date_condition import DateCondition
    from ..models.equals_condition import EqualsCondition
    from ..models.fuzzy_condition import FuzzyCondition


T = TypeVar("T", bound="Rule")


@_attrs_define
class Rule:
    """One matching rule: all required conditions must hold; the score ranks what passes.

    Attributes:
        conditions (list[AmountCondition | DateCondition | EqualsCondition | FuzzyCondition]):
        name (str):
        auto (float | Unset):  Default: 0.9.
        cardinality (Cardinality | Unset):
        max_group_size (int | Unset):  Default: 5.
        report_discrepancies (bool | Unset):  Default: True.
        suggest (float | Unset):  Default: 0.6.
    """

    conditions: list[AmountCondition | DateCondition | EqualsCondition | FuzzyCondition]
    name: str
    auto: float | Unset = 0.9
    cardinality: Cardinality | Unset = UNSET
    max_group_size: int | Unset = 5
    report_discrepancies: bool | Unset = True
    suggest: float | Unset = 0.6

    def to_dict(self) -> dict[str, Any]:
        from ..models.amount_condition import AmountCondition  # noqa: PLC0415
        from ..models.date_condition import DateCondition  # noqa: PLC0415
        from ..models.equals_condition import EqualsCondition  # noqa: PLC0415

        conditions = []
        for conditions_item_data in self.conditions:
            conditions_item: dict[str, Any]
            if isinstance(conditions_item_data, EqualsCondition):
                conditions_item = conditions_item_data.to_dict()
            elif isinstance(conditions_item_data, AmountCondition):
                conditions_item = conditions_item_data.to_dict()
            elif isinstance(conditions_item_data, DateCondition):
                conditions_item = conditions_item_data.to_dict()
            else:
                conditions_item = conditions_item_data.to_dict()

            conditions.append(conditions_item)

        name = self.name

        auto = self.auto

        cardinality: str | Unset = UNSET
        if not isinstance(self.cardinality, Unset):
            cardinality = self.cardinality.value

        max_group_size = self.max_group_size

        report_discrepancies = self.report_discrepancies

        suggest = self.suggest

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "conditions": conditions,
                "name": name,
            }
        )
        if auto is not UNSET:
            field_dict["auto"] = auto
        if cardinality is not UNSET:
            field_dict["cardinality"] = cardinality
        if max_group_size is not UNSET:
            field_dict["max_group_size"] = max_group_size
        if report_discrepancies is not UNSET:
            field_dict["report_discrepancies"] = report_discrepancies
        if suggest is not UNSET:
            field_dict["suggest"] = suggest

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amount_condition import AmountCondition  # noqa: PLC0415
        from ..models.date_condition import DateCondition  # noqa: PLC0415
        from ..models.equals_condition import EqualsCondition  # noqa: PLC0415
        from ..models.fuzzy_condition import FuzzyCondition  # noqa: PLC0415

        d = dict(src_dict)
        conditions = []
        _conditions = d.pop("conditions")
        for conditions_item_data in _conditions:

            def _parse_conditions_item(
                data: object,
            ) -> AmountCondition | DateCondition | EqualsCondition | FuzzyCondition:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    conditions_item_type_0 = EqualsCondition.from_dict(data)

                    return conditions_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    conditions_item_type_1 = AmountCondition.from_dict(data)

                    return conditions_item_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    conditions_item_type_2 = DateCondition.from_dict(data)

                    return conditions_item_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                conditions_item_type_3 = FuzzyCondition.from_dict(data)

                return conditions_item_type_3

            conditions_item = _parse_conditions_item(conditions_item_data)

            conditions.append(conditions_item)

        name = d.pop("name")

        auto = d.pop("auto", UNSET)

        _cardinality = d.pop("cardinality", UNSET)
        cardinality: Cardinality | Unset
        if isinstance(_cardinality, Unset):
            cardinality = UNSET
        else:
            cardinality = Cardinality(_cardinality)

        max_group_size = d.pop("max_group_size", UNSET)

        report_discrepancies = d.pop("report_discrepancies", UNSET)

        suggest = d.pop("suggest", UNSET)

        rule = cls(
            conditions=conditions,
            name=name,
            auto=auto,
            cardinality=cardinality,
            max_group_size=max_group_size,
            report_discrepancies=report_discrepancies,
            suggest=suggest,
        )

        return rule
