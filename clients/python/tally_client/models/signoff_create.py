from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.signoff_create_ledger_balances import SignoffCreateLedgerBalances
    from ..models.signoff_create_statement_balances import (
        SignoffCreateStatementBalances,
    )


T = TypeVar("T", bound="SignoffCreate")


@_attrs_define
class SignoffCreate:
    """
    Attributes:
        as_of_date (datetime.date): The period's last day
        ledger_balance (float | None | str | Unset): The ledger's balance on that day (default: the ledger source's
            records booked up to it). Only for a reconciliation in one currency: with several, use ledger_balances
        ledger_balances (SignoffCreateLedgerBalances | Unset): Entered ledger balances, per currency
        statement_balance (float | None | str | Unset): The bank statement's closing balance on that day, when the
            statement source holds none (overrides a stored one). Only for a reconciliation in one currency: with several,
            use statement_balances
        statement_balances (SignoffCreateStatementBalances | Unset): Entered statement balances, per currency
    """

    as_of_date: datetime.date
    ledger_balance: float | None | str | Unset = UNSET
    ledger_balances: SignoffCreateLedgerBalances | Unset = UNSET
    statement_balance: float | None | str | Unset = UNSET
    statement_balances: SignoffCreateStatementBalances | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of_date = self.as_of_date.isoformat()

        ledger_balance: float | None | str | Unset
        if isinstance(self.ledger_balance, Unset):
            ledger_balance = UNSET
        else:
            ledger_balance = self.ledger_balance

        ledger_balances: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ledger_balances, Unset):
            ledger_balances = self.ledger_balances.to_dict()

        statement_balance: float | None | str | Unset
        if isinstance(self.statement_balance, Unset):
            statement_balance = UNSET
        else:
            statement_balance = self.statement_balance

        statement_balances: dict[str, Any] | Unset = UNSET
        if not isinstance(self.statement_balances, Unset):
            statement_balances = self.statement_balances.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of_date": as_of_date,
            }
        )
        if ledger_balance is not UNSET:
            field_dict["ledger_balance"] = ledger_balance
        if ledger_balances is not UNSET:
            field_dict["ledger_balances"] = ledger_balances
        if statement_balance is not UNSET:
            field_dict["statement_balance"] = statement_balance
        if statement_balances is not UNSET:
            field_dict["statement_balances"] = statement_balances

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signoff_create_ledger_balances import SignoffCreateLedgerBalances  # noqa: PLC0415
        from ..models.signoff_create_statement_balances import (
            SignoffCreateStatementBalances,  # noqa: PLC0415
        )

        d = dict(src_dict)
        as_of_date = datetime.date.fromisoformat(d.pop("as_of_date"))

        def _parse_ledger_balance(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        ledger_balance = _parse_ledger_balance(d.pop("ledger_balance", UNSET))

        _ledger_balances = d.pop("ledger_balances", UNSET)
        ledger_balances: SignoffCreateLedgerBalances | Unset
        if isinstance(_ledger_balances, Unset):
            ledger_balances = UNSET
        else:
            ledger_balances = SignoffCreateLedgerBalances.from_dict(_ledger_balances)

        def _parse_statement_balance(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        statement_balance = _parse_statement_balance(d.pop("statement_balance", UNSET))

        _statement_balances = d.pop("statement_balances", UNSET)
        statement_balances: SignoffCreateStatementBalances | Unset
        if isinstance(_statement_balances, Unset):
            statement_balances = UNSET
        else:
            statement_balances = SignoffCreateStatementBalances.from_dict(
                _statement_balances
            )

        signoff_create = cls(
            as_of_date=as_of_date,
            ledger_balance=ledger_balance,
            ledger_balances=ledger_balances,
            statement_balance=statement_balance,
            statement_balances=statement_balances,
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
