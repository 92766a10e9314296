from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.statement_section import StatementSection
    from ..models.write_off_section import WriteOffSection


T = TypeVar("T", bound="CurrencyStatement")


@_attrs_define
class CurrencyStatement:
    """One currency's part of the statement (currencies are never summed together).

    Adjusted statement balance = statement balance - open statement items + open ledger items;
    adjusted ledger balance = ledger balance + statement write-offs - ledger write-offs; the
    difference of the two is what nothing explains.

        Attributes:
            adjusted_ledger_balance (str):
            adjusted_statement_balance (None | str):
            currency (None | str): None: records that name no currency
            difference (None | str): Unexplained: zero to sign off
            ledger_balance (str):
            ledger_balance_basis (str):
            ledger_write_offs (WriteOffSection):
            open_ledger_items (StatementSection):
            open_statement_items (StatementSection):
            statement_balance (None | str): None: neither stored nor entered
            statement_balance_basis (str): Where the statement balance came from
            statement_write_offs (WriteOffSection):
    """

    adjusted_ledger_balance: str
    adjusted_statement_balance: None | str
    currency: None | str
    difference: None | str
    ledger_balance: str
    ledger_balance_basis: str
    ledger_write_offs: WriteOffSection
    open_ledger_items: StatementSection
    open_statement_items: StatementSection
    statement_balance: None | str
    statement_balance_basis: str
    statement_write_offs: WriteOffSection
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        adjusted_ledger_balance = self.adjusted_ledger_balance

        adjusted_statement_balance: None | str
        adjusted_statement_balance = self.adjusted_statement_balance

        currency: None | str
        currency = self.currency

        difference: None | str
        difference = self.difference

        ledger_balance = self.ledger_balance

        ledger_balance_basis = self.ledger_balance_basis

        ledger_write_offs = self.ledger_write_offs.to_dict()

        open_ledger_items = self.open_ledger_items.to_dict()

        open_statement_items = self.open_statement_items.to_dict()

        statement_balance: None | str
        statement_balance = self.statement_balance

        statement_balance_basis = self.statement_balance_basis

        statement_write_offs = self.statement_write_offs.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "adjusted_ledger_balance": adjusted_ledger_balance,
                "adjusted_statement_balance": adjusted_statement_balance,
                "currency": currency,
                "difference": difference,
                "ledger_balance": ledger_balance,
                "ledger_balance_basis": ledger_balance_basis,
                "ledger_write_offs": ledger_write_offs,
                "open_ledger_items": open_ledger_items,
                "open_statement_items": open_statement_items,
                "statement_balance": statement_balance,
                "statement_balance_basis": statement_balance_basis,
                "statement_write_offs": statement_write_offs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
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

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        def _parse_difference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        difference = _parse_difference(d.pop("difference"))

        ledger_balance = d.pop("ledger_balance")

        ledger_balance_basis = d.pop("ledger_balance_basis")

        ledger_write_offs = WriteOffSection.from_dict(d.pop("ledger_write_offs"))

        open_ledger_items = StatementSection.from_dict(d.pop("open_ledger_items"))

        open_statement_items = StatementSection.from_dict(d.pop("open_statement_items"))

        def _parse_statement_balance(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        statement_balance = _parse_statement_balance(d.pop("statement_balance"))

        statement_balance_basis = d.pop("statement_balance_basis")

        statement_write_offs = WriteOffSection.from_dict(d.pop("statement_write_offs"))

        currency_statement = cls(
            adjusted_ledger_balance=adjusted_ledger_balance,
            adjusted_statement_balance=adjusted_statement_balance,
            currency=currency,
            difference=difference,
            ledger_balance=ledger_balance,
            ledger_balance_basis=ledger_balance_basis,
            ledger_write_offs=ledger_write_offs,
            open_ledger_items=open_ledger_items,
            open_statement_items=open_statement_items,
            statement_balance=statement_balance,
            statement_balance_basis=statement_balance_basis,
            statement_write_offs=statement_write_offs,
        )

        currency_statement.additional_properties = d
        return currency_statement

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
