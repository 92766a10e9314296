from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CurrencyAmounts")


@_attrs_define
class CurrencyAmounts:
    """One currency's money in a project whose records are in several.

    Attributes:
        currency (None | str): None: records that name no currency
        matched_amount (str): Matched money, counted once (the left side)
        unmatched_amount (str): Open items of both sides
    """

    currency: None | str
    matched_amount: str
    unmatched_amount: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency: None | str
        currency = self.currency

        matched_amount = self.matched_amount

        unmatched_amount = self.unmatched_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "matched_amount": matched_amount,
                "unmatched_amount": unmatched_amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        matched_amount = d.pop("matched_amount")

        unmatched_amount = d.pop("unmatched_amount")

        currency_amounts = cls(
            currency=currency,
            matched_amount=matched_amount,
            unmatched_amount=unmatched_amount,
        )

        currency_amounts.additional_properties = d
        return currency_amounts

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
