from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NewRowCounts")


@_attrs_define
class NewRowCounts:
    """An append's rows: how many are new and how many the source already holds.

    Attributes:
        already_imported (int):
        new (int):
        rows_checked (int):
        whole_file (bool): Counted over the whole file, not only the rows sent
    """

    already_imported: int
    new: int
    rows_checked: int
    whole_file: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        already_imported = self.already_imported

        new = self.new

        rows_checked = self.rows_checked

        whole_file = self.whole_file

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "already_imported": already_imported,
                "new": new,
                "rows_checked": rows_checked,
                "whole_file": whole_file,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        already_imported = d.pop("already_imported")

        new = d.pop("new")

        rows_checked = d.pop("rows_checked")

        whole_file = d.pop("whole_file")

        new_row_counts = cls(
            already_imported=already_imported,
            new=new,
            rows_checked=rows_checked,
            whole_file=whole_file,
        )

        new_row_counts.additional_properties = d
        return new_row_counts

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
