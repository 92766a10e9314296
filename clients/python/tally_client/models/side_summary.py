from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SideSummary")


@_attrs_define
class SideSummary:
    """One source's records in a job: how many, how many matched, and their amounts.

    Attributes:
        claimed (int | Unset): Held by a match of any status (not in the unmatched tabs) Default: 0.
        currency (None | str | Unset): The currency of its amounts (None when its records name none or several)
        matched (int | Unset): Settled: auto, confirmed or manual matches Default: 0.
        matched_amount (str | Unset): Sum of the matched records' absolute amounts Default: '0.00'.
        records (int | Unset):  Default: 0.
        unmatched (int | Unset):  Default: 0.
        unmatched_amount (str | Unset): Sum of the open records' absolute amounts Default: '0.00'.
    """

    claimed: int | Unset = 0
    currency: None | str | Unset = UNSET
    matched: int | Unset = 0
    matched_amount: str | Unset = "0.00"
    records: int | Unset = 0
    unmatched: int | Unset = 0
    unmatched_amount: str | Unset = "0.00"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        claimed = self.claimed

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        matched = self.matched

        matched_amount = self.matched_amount

        records = self.records

        unmatched = self.unmatched

        unmatched_amount = self.unmatched_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
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
        d = dict(src_dict)
        claimed = d.pop("claimed", UNSET)

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        matched = d.pop("matched", UNSET)

        matched_amount = d.pop("matched_amount", UNSET)

        records = d.pop("records", UNSET)

        unmatched = d.pop("unmatched", UNSET)

        unmatched_amount = d.pop("unmatched_amount", UNSET)

        side_summary = cls(
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
