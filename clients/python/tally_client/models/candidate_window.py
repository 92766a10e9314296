from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CandidateWindow")


@_attrs_define
class CandidateWindow:
    """The slice of the other source that was compared (bounded, read through indexes).

    Attributes:
        amount_ranges (list[list[str]]):
        currency (None | str):
        date_from (datetime.date | None):
        date_to (datetime.date | None):
        records_compared (int):
        source_id (int):
    """

    amount_ranges: list[list[str]]
    currency: None | str
    date_from: datetime.date | None
    date_to: datetime.date | None
    records_compared: int
    source_id: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_ranges = []
        for amount_ranges_item_data in self.amount_ranges:
            amount_ranges_item = []
            for amount_ranges_item_item_data in amount_ranges_item_data:
                amount_ranges_item_item: str
                amount_ranges_item_item = amount_ranges_item_item_data
                amount_ranges_item.append(amount_ranges_item_item)

            amount_ranges.append(amount_ranges_item)

        currency: None | str
        currency = self.currency

        date_from: None | str
        if isinstance(self.date_from, datetime.date):
            date_from = self.date_from.isoformat()
        else:
            date_from = self.date_from

        date_to: None | str
        if isinstance(self.date_to, datetime.date):
            date_to = self.date_to.isoformat()
        else:
            date_to = self.date_to

        records_compared = self.records_compared

        source_id = self.source_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_ranges": amount_ranges,
                "currency": currency,
                "date_from": date_from,
                "date_to": date_to,
                "records_compared": records_compared,
                "source_id": source_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_ranges = []
        _amount_ranges = d.pop("amount_ranges")
        for amount_ranges_item_data in _amount_ranges:
            amount_ranges_item = []
            _amount_ranges_item = amount_ranges_item_data
            for amount_ranges_item_item_data in _amount_ranges_item:

                def _parse_amount_ranges_item_item(data: object) -> str:
                    return cast(str, data)

                amount_ranges_item_item = _parse_amount_ranges_item_item(
                    amount_ranges_item_item_data
                )

                amount_ranges_item.append(amount_ranges_item_item)

            amount_ranges.append(amount_ranges_item)

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        def _parse_date_from(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_from_type_0 = datetime.date.fromisoformat(data)

                return date_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        date_from = _parse_date_from(d.pop("date_from"))

        def _parse_date_to(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_to_type_0 = datetime.date.fromisoformat(data)

                return date_to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        date_to = _parse_date_to(d.pop("date_to"))

        records_compared = d.pop("records_compared")

        source_id = d.pop("source_id")

        candidate_window = cls(
            amount_ranges=amount_ranges,
            currency=currency,
            date_from=date_from,
            date_to=date_to,
            records_compared=records_compared,
            source_id=source_id,
        )

        candidate_window.additional_properties = d
        return candidate_window

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
