from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StatementLine")


@_attrs_define
class StatementLine:
    """
    Attributes:
        amount (str): A decimal amount as a string (never a float), with the currency's own number of decimal places
            (JPY 0, EUR 2, BHD 3), more only when the amount has more
        booking_date (datetime.date | None):
        currency (None | str):
        description (None | str):
        exception_id (int | None):
        exception_status (None | str):
        record_id (int):
        reference (None | str):
        resolution (None | str): explained: expected to clear
        expected_clear_date (datetime.date | None | Unset):
    """

    amount: str
    booking_date: datetime.date | None
    currency: None | str
    description: None | str
    exception_id: int | None
    exception_status: None | str
    record_id: int
    reference: None | str
    resolution: None | str
    expected_clear_date: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        booking_date: None | str
        if isinstance(self.booking_date, datetime.date):
            booking_date = self.booking_date.isoformat()
        else:
            booking_date = self.booking_date

        currency: None | str
        currency = self.currency

        description: None | str
        description = self.description

        exception_id: int | None
        exception_id = self.exception_id

        exception_status: None | str
        exception_status = self.exception_status

        record_id = self.record_id

        reference: None | str
        reference = self.reference

        resolution: None | str
        resolution = self.resolution

        expected_clear_date: None | str | Unset
        if isinstance(self.expected_clear_date, Unset):
            expected_clear_date = UNSET
        elif isinstance(self.expected_clear_date, datetime.date):
            expected_clear_date = self.expected_clear_date.isoformat()
        else:
            expected_clear_date = self.expected_clear_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "booking_date": booking_date,
                "currency": currency,
                "description": description,
                "exception_id": exception_id,
                "exception_status": exception_status,
                "record_id": record_id,
                "reference": reference,
                "resolution": resolution,
            }
        )
        if expected_clear_date is not UNSET:
            field_dict["expected_clear_date"] = expected_clear_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        def _parse_booking_date(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                booking_date_type_0 = datetime.date.fromisoformat(data)

                return booking_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        booking_date = _parse_booking_date(d.pop("booking_date"))

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        def _parse_exception_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        exception_id = _parse_exception_id(d.pop("exception_id"))

        def _parse_exception_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        exception_status = _parse_exception_status(d.pop("exception_status"))

        record_id = d.pop("record_id")

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        def _parse_resolution(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        resolution = _parse_resolution(d.pop("resolution"))

        def _parse_expected_clear_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expected_clear_date_type_0 = datetime.date.fromisoformat(data)

                return expected_clear_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        expected_clear_date = _parse_expected_clear_date(
            d.pop("expected_clear_date", UNSET)
        )

        statement_line = cls(
            amount=amount,
            booking_date=booking_date,
            currency=currency,
            description=description,
            exception_id=exception_id,
            exception_status=exception_status,
            record_id=record_id,
            reference=reference,
            resolution=resolution,
            expected_clear_date=expected_clear_date,
        )

        statement_line.additional_properties = d
        return statement_line

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
