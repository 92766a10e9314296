from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.write_off_read_side import WriteOffReadSide

T = TypeVar("T", bound="WriteOffRead")


@_attrs_define
class WriteOffRead:
    """
    Attributes:
        account (str):
        amount (str): A decimal amount as a string (never a float), with the currency's own number of decimal places
            (JPY 0, EUR 2, BHD 3), more only when the amount has more
        booking_date (datetime.date | None):
        created_at (datetime.datetime):
        created_by_id (int | None):
        currency (None | str):
        exception_id (int):
        id (int):
        reason (str):
        record_id (int):
        side (WriteOffReadSide):
        void_reason (None | str):
        voided_at (datetime.datetime | None):
    """

    account: str
    amount: str
    booking_date: datetime.date | None
    created_at: datetime.datetime
    created_by_id: int | None
    currency: None | str
    exception_id: int
    id: int
    reason: str
    record_id: int
    side: WriteOffReadSide
    void_reason: None | str
    voided_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account = self.account

        amount = self.amount

        booking_date: None | str
        if isinstance(self.booking_date, datetime.date):
            booking_date = self.booking_date.isoformat()
        else:
            booking_date = self.booking_date

        created_at = self.created_at.isoformat()

        created_by_id: int | None
        created_by_id = self.created_by_id

        currency: None | str
        currency = self.currency

        exception_id = self.exception_id

        id = self.id

        reason = self.reason

        record_id = self.record_id

        side = self.side.value

        void_reason: None | str
        void_reason = self.void_reason

        voided_at: None | str
        if isinstance(self.voided_at, datetime.datetime):
            voided_at = self.voided_at.isoformat()
        else:
            voided_at = self.voided_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account": account,
                "amount": amount,
                "booking_date": booking_date,
                "created_at": created_at,
                "created_by_id": created_by_id,
                "currency": currency,
                "exception_id": exception_id,
                "id": id,
                "reason": reason,
                "record_id": record_id,
                "side": side,
                "void_reason": void_reason,
                "voided_at": voided_at,
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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_created_by_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        created_by_id = _parse_created_by_id(d.pop("created_by_id"))

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        exception_id = d.pop("exception_id")

        id = d.pop("id")

        reason = d.pop("reason")

        record_id = d.pop("record_id")

        side = WriteOffReadSide(d.pop("side"))

        def _parse_void_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        void_reason = _parse_void_reason(d.pop("void_reason"))

        def _parse_voided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                voided_at_type_0 = datetime.datetime.fromisoformat(data)

                return voided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        voided_at = _parse_voided_at(d.pop("voided_at"))

        write_off_read = cls(
            account=account,
            amount=amount,
            booking_date=booking_date,
            created_at=created_at,
            created_by_id=created_by_id,
            currency=currency,
            exception_id=exception_id,
            id=id,
            reason=reason,
            record_id=record_id,
            side=side,
            void_reason=void_reason,
            voided_at=voided_at,
        )

        write_off_read.additional_properties = d
        return write_off_read

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
