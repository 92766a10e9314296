from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CurrencyFigures")


@_attrs_define
class CurrencyFigures:
    """One currency's records of a side: amounts of different currencies are never added.

    Attributes:
        currency (None | str): None: records that name no currency
        matched (int):
        matched_amount (str): A decimal amount as a string (never a float), with the currency's own number of decimal
            places (JPY 0, EUR 2, BHD 3), more only when the amount has more
        records (int):
        unmatched (int):
        unmatched_amount (str): A decimal amount as a string (never a float), with the currency's own number of decimal
            places (JPY 0, EUR 2, BHD 3), more only when the amount has more
    """

    currency: None | str
    matched: int
    matched_amount: str
    records: int
    unmatched: int
    unmatched_amount: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency: None | str
        currency = self.currency

        matched = self.matched

        matched_amount = self.matched_amount

        records = self.records

        unmatched = self.unmatched

        unmatched_amount = self.unmatched_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "matched": matched,
                "matched_amount": matched_amount,
                "records": records,
                "unmatched": unmatched,
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

        matched = d.pop("matched")

        matched_amount = d.pop("matched_amount")

        records = d.pop("records")

        unmatched = d.pop("unmatched")

        unmatched_amount = d.pop("unmatched_amount")

        currency_figures = cls(
            currency=currency,
            matched=matched,
            matched_amount=matched_amount,
            records=records,
            unmatched=unmatched,
            unmatched_amount=unmatched_amount,
        )

        currency_figures.additional_properties = d
        return currency_figures

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
