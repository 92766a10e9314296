from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SignoffCreate")


@_attrs_define
class SignoffCreate:
    """
    Attributes:
        as_of_date (datetime.date): The period's last day
        ledger_balance (float | None | str | Unset): The ledger's balance on that day (default: the ledger source's
            records booked up to it)
        statement_balance (float | None | str | Unset): The bank statement's closing balance on that day, when the
            statement source holds none (overrides a stored one)
    """

    as_of_date: datetime.date
    ledger_balance: float | None | str | Unset = UNSET
    statement_balance: float | None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of_date = self.as_of_date.isoformat()

        ledger_balance: float | None | str | Unset
        if isinstance(self.ledger_balance, Unset):
            ledger_balance = UNSET
        else:
            ledger_balance = self.ledger_balance

        statement_balance: float | None | str | Unset
        if isinstance(self.statement_balance, Unset):
            statement_balance = UNSET
        else:
            statement_balance = self.statement_balance

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of_date": as_of_date,
            }
        )
        if ledger_balance is not UNSET:
            field_dict["ledger_balance"] = ledger_balance
        if statement_balance is not UNSET:
            field_dict["statement_balance"] = statement_balance

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        as_of_date = datetime.date.fromisoformat(d.pop("as_of_date"))

        def _parse_ledger_balance(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        ledger_balance = _parse_ledger_balance(d.pop("ledger_balance", UNSET))

        def _parse_statement_balance(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        statement_balance = _parse_statement_balance(d.pop("statement_balance", UNSET))

        signoff_create = cls(
            as_of_date=as_of_date,
            ledger_balance=ledger_balance,
            statement_balance=statement_balance,
        )

        signoff_create.additional_properties = d
        return signoff_create

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
