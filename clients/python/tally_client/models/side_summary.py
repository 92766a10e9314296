from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.currency_figures import CurrencyFigures


T = TypeVar("T", bound="SideSummary")


@_attrs_define
class SideSummary:
    """One source's records in a job: how many, how many matched, and their amounts.

    Attributes:
        by_currency (list[CurrencyFigures] | None | Unset): Per currency, when the records are in several; null when in
            one (the amounts above are then that currency's)
        claimed (int | Unset): Held by a match of any status (not in the unmatched tabs) Default: 0.
        currency (None | str | Unset): The currency of its amounts (None when its records name none or several)
        matched (int | Unset): Settled: auto, confirmed or manual matches Default: 0.
        matched_amount (None | str | Unset): Sum of the matched records' absolute amounts; null when the records are in
            several currencies (see by_currency) Default: '0.00'.
        records (int | Unset):  Default: 0.
        unmatched (int | Unset):  Default: 0.
        unmatched_amount (None | str | Unset): Sum of the open records' absolute amounts; null when the records are in
            several currencies (see by_currency) Default: '0.00'.
    """

    by_currency: list[CurrencyFigures] | None | Unset = UNSET
    claimed: int | Unset = 0
    currency: None | str | Unset = UNSET
    matched: int | Unset = 0
    matched_amount: None | str | Unset = "0.00"
    records: int | Unset = 0
    unmatched: int | Unset = 0
    unmatched_amount: None | str | Unset = "0.00"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        by_currency: list[dict[str, Any]] | None | Unset
        if isinstance(self.by_currency, Unset):
            by_currency = UNSET
        elif isinstance(self.by_currency, list):
            by_currency = []
            for by_currency_type_0_item_data in self.by_currency:
                by_currency_type_0_item = by_currency_type_0_item_data.to_dict()
                by_currency.append(by_currency_type_0_item)

        else:
            by_currency = self.by_currency

        claimed = self.claimed

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        matched = self.matched

        matched_amount: None | str | Unset
        if isinstance(self.matched_amount, Unset):
            matched_amount = UNSET
        else:
            matched_amount = self.matched_amount

        records = self.records

        unmatched = self.unmatched

        unmatched_amount: None | str | Unset
        if isinstance(self.unmatched_amount, Unset):
            unmatched_amount = UNSET
        else:
            unmatched_amount = self.unmatched_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if by_currency is not UNSET:
            field_dict["by_currency"] = by_currency
        if claimed is not UNSET:
            field_dict["claimed"] = claimed
        if currency is not UNSET:
            field_dict["currency"] = currency
        if matched is not UNSET:
            field_dict["matched"] = matched
        if matched_amount is not UNSET:
            field_dict["matched_amount"] = matched_amount
        if records is not UNSET:
            field_dict["records"] = records
        if unmatched is not UNSET:
            field_dict["unmatched"] = unmatched
        if unmatched_amount is not UNSET:
            field_dict["unmatched_amount"] = unmatched_amount

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.currency_figures import CurrencyFigures  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_by_currency(data: object) -> list[CurrencyFigures] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                by_currency_type_0 = []
                _by_currency_type_0 = data
                for by_currency_type_0_item_data in _by_currency_type_0:
                    by_currency_type_0_item = CurrencyFigures.from_dict(
                        by_currency_type_0_item_data
                    )

                    by_currency_type_0.append(by_currency_type_0_item)

                return by_currency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[CurrencyFigures] | None | Unset, data)

        by_currency = _parse_by_currency(d.pop("by_currency", UNSET))

        claimed = d.pop("claimed", UNSET)

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        matched = d.pop("matched", UNSET)

        def _parse_matched_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        matched_amount = _parse_matched_amount(d.pop("matched_amount", UNSET))

        records = d.pop("records", UNSET)

        unmatched = d.pop("unmatched", UNSET)

        def _parse_unmatched_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        unmatched_amount = _parse_unmatched_amount(d.pop("unmatched_amount", UNSET))

        side_summary = cls(
            by_currency=by_currency,
            claimed=claimed,
            currency=currency,
            matched=matched,
            matched_amount=matched_amount,
            records=records,
            unmatched=unmatched,
            unmatched_amount=unmatched_amount,
        )

        side_summary.additional_properties = d
        return side_summary

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
