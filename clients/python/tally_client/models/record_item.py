from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.record_item_side import RecordItemSide
from ..types import UNSET, Unset

T = TypeVar("T", bound="RecordItem")


@_attrs_define
class RecordItem:
    """
    Attributes:
        amount (str): A decimal amount as a string (never a float), with the currency's own number of decimal places
            (JPY 0, EUR 2, BHD 3), more only when the amount has more
        booking_date (datetime.date | None):
        counterparty (None | str):
        counterparty_account (None | str):
        currency (None | str):
        description (None | str):
        id (int):
        reference (None | str):
        row_number (int):
        side (RecordItemSide):
        transaction_id (None | str):
        value_date (datetime.date | None):
        duplicate_group (int | None | Unset): Smallest record id of this record's duplicate group in the job, if any
        match_id (int | None | Unset): The match that claims this record, if any
    """

    amount: str
    booking_date: datetime.date | None
    counterparty: None | str
    counterparty_account: None | str
    currency: None | str
    description: None | str
    id: int
    reference: None | str
    row_number: int
    side: RecordItemSide
    transaction_id: None | str
    value_date: datetime.date | None
    duplicate_group: int | None | Unset = UNSET
    match_id: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        booking_date: None | str
        if isinstance(self.booking_date, datetime.date):
            booking_date = self.booking_date.isoformat()
        else:
            booking_date = self.booking_date

        counterparty: None | str
        counterparty = self.counterparty

        counterparty_account: None | str
        counterparty_account = self.counterparty_account

        currency: None | str
        currency = self.currency

        description: None | str
        description = self.description

        id = self.id

        reference: None | str
        reference = self.reference

        row_number = self.row_number

        side = self.side.value

        transaction_id: None | str
        transaction_id = self.transaction_id

        value_date: None | str
        if isinstance(self.value_date, datetime.date):
            value_date = self.value_date.isoformat()
        else:
            value_date = self.value_date

        duplicate_group: int | None | Unset
        if isinstance(self.duplicate_group, Unset):
            duplicate_group = UNSET
        else:
            duplicate_group = self.duplicate_group

        match_id: int | None | Unset
        if isinstance(self.match_id, Unset):
            match_id = UNSET
        else:
            match_id = self.match_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "booking_date": booking_date,
                "counterparty": counterparty,
                "counterparty_account": counterparty_account,
                "currency": currency,
                "description": description,
                "id": id,
                "reference": reference,
                "row_number": row_number,
                "side": side,
                "transaction_id": transaction_id,
                "value_date": value_date,
            }
        )
        if duplicate_group is not UNSET:
            field_dict["duplicate_group"] = duplicate_group
        if match_id is not UNSET:
            field_dict["match_id"] = match_id

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

        def _parse_counterparty(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        counterparty = _parse_counterparty(d.pop("counterparty"))

        def _parse_counterparty_account(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        counterparty_account = _parse_counterparty_account(
            d.pop("counterparty_account")
        )

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

        id = d.pop("id")

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        row_number = d.pop("row_number")

        side = RecordItemSide(d.pop("side"))

        def _parse_transaction_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        transaction_id = _parse_transaction_id(d.pop("transaction_id"))

        def _parse_value_date(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                value_date_type_0 = datetime.date.fromisoformat(data)

                return value_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        value_date = _parse_value_date(d.pop("value_date"))

        def _parse_duplicate_group(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        duplicate_group = _parse_duplicate_group(d.pop("duplicate_group", UNSET))

        def _parse_match_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        match_id = _parse_match_id(d.pop("match_id", UNSET))

        record_item = cls(
            amount=amount,
            booking_date=booking_date,
            counterparty=counterparty,
            counterparty_account=counterparty_account,
            currency=currency,
            description=description,
            id=id,
            reference=reference,
            row_number=row_number,
            side=side,
            transaction_id=transaction_id,
            value_date=value_date,
            duplicate_group=duplicate_group,
            match_id=match_id,
        )

        record_item.additional_properties = d
        return record_item

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
