from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reconciliation_statement_ledger_sign import (
    ReconciliationStatementLedgerSign,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.currency_statement import CurrencyStatement
    from ..models.signoff_read import SignoffRead


T = TypeVar("T", bound="ReconciliationStatement")


@_attrs_define
class ReconciliationStatement:
    """The reconciliation statement as of a date: one section per currency the two sources'
    records carry. A period signs off when every currency's difference is zero.

        Attributes:
            as_of_date (datetime.date):
            balanced (bool): Every currency's statement balance is known and its difference is zero
            currencies (list[CurrencyStatement]): One section per currency, by currency code (at least one)
            ledger_sign (ReconciliationStatementLedgerSign): -1 when the rules compare the ledger with opposite signs: its
                amounts are negated here
            ledger_source (str):
            reconciliation_id (int):
            statement_source (str):
            signed_off (None | SignoffRead | Unset): The standing sign-off covering this date, if any
    """

    as_of_date: datetime.date
    balanced: bool
    currencies: list[CurrencyStatement]
    ledger_sign: ReconciliationStatementLedgerSign
    ledger_source: str
    reconciliation_id: int
    statement_source: str
    signed_off: None | SignoffRead | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.signoff_read import SignoffRead  # noqa: PLC0415

        as_of_date = self.as_of_date.isoformat()

        balanced = self.balanced

        currencies = []
        for currencies_item_data in self.currencies:
            currencies_item = currencies_item_data.to_dict()
            currencies.append(currencies_item)

        ledger_sign = self.ledger_sign.value

        ledger_source = self.ledger_source

        reconciliation_id = self.reconciliation_id

        statement_source = self.statement_source

        signed_off: dict[str, Any] | None | Unset
        if isinstance(self.signed_off, Unset):
            signed_off = UNSET
        elif isinstance(self.signed_off, SignoffRead):
            signed_off = self.signed_off.to_dict()
        else:
            signed_off = self.signed_off

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of_date": as_of_date,
                "balanced": balanced,
                "currencies": currencies,
                "ledger_sign": ledger_sign,
                "ledger_source": ledger_source,
                "reconciliation_id": reconciliation_id,
                "statement_source": statement_source,
            }
        )
        if signed_off is not UNSET:
            field_dict["signed_off"] = signed_off

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.currency_statement import CurrencyStatement  # noqa: PLC0415
        from ..models.signoff_read import SignoffRead  # noqa: PLC0415

        d = dict(src_dict)
        as_of_date = datetime.date.fromisoformat(d.pop("as_of_date"))

        balanced = d.pop("balanced")

        currencies = []
        _currencies = d.pop("currencies")
        for currencies_item_data in _currencies:
            currencies_item = CurrencyStatement.from_dict(currencies_item_data)

            currencies.append(currencies_item)

        ledger_sign = ReconciliationStatementLedgerSign(d.pop("ledger_sign"))

        ledger_source = d.pop("ledger_source")

        reconciliation_id = d.pop("reconciliation_id")

        statement_source = d.pop("statement_source")

        def _parse_signed_off(data: object) -> None | SignoffRead | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                signed_off_type_0 = SignoffRead.from_dict(data)

                return signed_off_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SignoffRead | Unset, data)

        signed_off = _parse_signed_off(d.pop("signed_off", UNSET))

        reconciliation_statement = cls(
            as_of_date=as_of_date,
            balanced=balanced,
            currencies=currencies,
            ledger_sign=ledger_sign,
            ledger_source=ledger_source,
            reconciliation_id=reconciliation_id,
            statement_source=statement_source,
            signed_off=signed_off,
        )

        reconciliation_statement.additional_properties = d
        return reconciliation_statement

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
