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
    from ..models.signoff_read import SignoffRead
    from ..models.statement_section import StatementSection
    from ..models.write_off_section import WriteOffSection


T = TypeVar("T", bound="ReconciliationStatement")


@_attrs_define
class ReconciliationStatement:
    """Adjusted statement balance = statement balance - open statement items + open ledger
    items; adjusted ledger balance = ledger balance + statement write-offs - ledger write-offs;
    the difference of the two is what nothing explains.

        Attributes:
            adjusted_ledger_balance (str):
            adjusted_statement_balance (None | str):
            as_of_date (datetime.date):
            difference (None | str): Unexplained: zero to sign off
            ledger_balance (str):
            ledger_balance_basis (str):
            ledger_sign (ReconciliationStatementLedgerSign): -1 when the rules compare the ledger with opposite signs: its
                amounts are negated here
            ledger_source (str):
            ledger_write_offs (WriteOffSection):
            open_ledger_items (StatementSection):
            open_statement_items (StatementSection):
            reconciliation_id (int):
            statement_balance (None | str): None: neither stored nor entered
            statement_balance_basis (str): Where the statement balance came from
            statement_source (str):
            statement_write_offs (WriteOffSection):
            signed_off (None | SignoffRead | Unset): The standing sign-off covering this date, if any
    """

    adjusted_ledger_balance: str
    adjusted_statement_balance: None | str
    as_of_date: datetime.date
    difference: None | str
    ledger_balance: str
    ledger_balance_basis: str
    ledger_sign: ReconciliationStatementLedgerSign
    ledger_source: str
    ledger_write_offs: WriteOffSection
    open_ledger_items: StatementSection
    open_statement_items: StatementSection
    reconciliation_id: int
    statement_balance: None | str
    statement_balance_basis: str
    statement_source: str
    statement_write_offs: WriteOffSection
    signed_off: None | SignoffRead | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.signoff_read import SignoffRead  # noqa: PLC0415

        adjusted_ledger_balance = self.adjusted_ledger_balance

        adjusted_statement_balance: None | str
        adjusted_statement_balance = self.adjusted_statement_balance

        as_of_date = self.as_of_date.isoformat()

        difference: None | str
        difference = self.difference

        ledger_balance = self.ledger_balance

        ledger_balance_basis = self.ledger_balance_basis

        ledger_sign = self.ledger_sign.value

        ledger_source = self.ledger_source

        ledger_write_offs = self.ledger_write_offs.to_dict()

        open_ledger_items = self.open_ledger_items.to_dict()

        open_statement_items = self.open_statement_items.to_dict()

        reconciliation_id = self.reconciliation_id

        statement_balance: None | str
        statement_balance = self.statement_balance

        statement_balance_basis = self.statement_balance_basis

        statement_source = self.statement_source

        statement_write_offs = self.statement_write_offs.to_dict()

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
                "adjusted_ledger_balance": adjusted_ledger_balance,
                "adjusted_statement_balance": adjusted_statement_balance,
                "as_of_date": as_of_date,
                "difference": difference,
                "ledger_balance": ledger_balance,
                "ledger_balance_basis": ledger_balance_basis,
                "ledger_sign": ledger_sign,
                "ledger_source": ledger_source,
                "ledger_write_offs": ledger_write_offs,
                "open_ledger_items": open_ledger_items,
                "open_statement_items": open_statement_items,
                "reconciliation_id": reconciliation_id,
                "statement_balance": statement_balance,
                "statement_balance_basis": statement_balance_basis,
                "statement_source": statement_source,
                "statement_write_offs": statement_write_offs,
            }
        )
        if signed_off is not UNSET:
            field_dict["signed_off"] = signed_off

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signoff_read import SignoffRead  # noqa: PLC0415
        from ..models.statement_section import StatementSection  # noqa: PLC0415
        from ..models.write_off_section import WriteOffSection  # noqa: PLC0415

        d = dict(src_dict)
        adjusted_ledger_balance = d.pop("adjusted_ledger_balance")

        def _parse_adjusted_statement_balance(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        adjusted_statement_balance = _parse_adjusted_statement_balance(
            d.pop("adjusted_statement_balance")
        )

        as_of_date = datetime.date.fromisoformat(d.pop("as_of_date"))

        def _parse_difference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        difference = _parse_difference(d.pop("difference"))

        ledger_balance = d.pop("ledger_balance")

        ledger_balance_basis = d.pop("ledger_balance_basis")

        ledger_sign = ReconciliationStatementLedgerSign(d.pop("ledger_sign"))

        ledger_source = d.pop("ledger_source")

        ledger_write_offs = WriteOffSection.from_dict(d.pop("ledger_write_offs"))

        open_ledger_items = StatementSection.from_dict(d.pop("open_ledger_items"))

        open_statement_items = StatementSection.from_dict(d.pop("open_statement_items"))

        reconciliation_id = d.pop("reconciliation_id")

        def _parse_statement_balance(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        statement_balance = _parse_statement_balance(d.pop("statement_balance"))

        statement_balance_basis = d.pop("statement_balance_basis")

        statement_source = d.pop("statement_source")

        statement_write_offs = WriteOffSection.from_dict(d.pop("statement_write_offs"))

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
            adjusted_ledger_balance=adjusted_ledger_balance,
            adjusted_statement_balance=adjusted_statement_balance,
            as_of_date=as_of_date,
            difference=difference,
            ledger_balance=ledger_balance,
            ledger_balance_basis=ledger_balance_basis,
            ledger_sign=ledger_sign,
            ledger_source=ledger_source,
            ledger_write_offs=ledger_write_offs,
            open_ledger_items=open_ledger_items,
            open_statement_items=open_statement_items,
            reconciliation_id=reconciliation_id,
            statement_balance=statement_balance,
            statement_balance_basis=statement_balance_basis,
            statement_source=statement_source,
            statement_write_offs=statement_write_offs,
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
