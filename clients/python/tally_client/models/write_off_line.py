from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WriteOffLine")


@_attrs_define
class WriteOffLine:
    """
    Attributes:
        account (str):
        amount (str): A decimal amount as a string (never a float), with the currency's own number of decimal places
            (JPY 0, EUR 2, BHD 3), more only when the amount has more
        booking_date (datetime.date | None):
        currency (None | str):
        exception_id (int):
        reason (str):
        record_id (int):
        write_off_id (int):
    """

    account: str
    amount: str
    booking_date: datetime.date | None
    currency: None | str
    exception_id: int
    reason: str
    record_id: int
    write_off_id: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account = self.account

        amount = self.amount

        booking_date: None | str
        if isinstance(self.booking_date, datetime.date):
            booking_date = self.booking_date.isoformat()
        else:
            booking_date = self.booking_date

        currency: None | str
        currency = self.currency

        exception_id = self.exception_id

        reason = self.reason

        record_id = self.record_id

        write_off_id = self.write_off_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account": account,
                "amount": amount,
                "booking_date": booking_date,
                "currency": currency,
                "exception_id": exception_id,
                "reason": reason,
                "record_id": record_id,
                "write_off_id": write_off_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account = d.pop("account")

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

        exception_id = d.pop("exception_id")

        reason = d.pop("reason")

        record_id = d.pop("record_id")

        write_off_id = d.pop("write_off_id")

        write_off_line = cls(
            account=account,
            amount=amount,
            booking_date=booking_date,
            currency=currency,
            exception_id=exception_id,
            reason=reason,
            record_id=record_id,
            write_off_id=write_off_id,
        )

        write_off_line.additional_properties = d
        return write_off_line

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
