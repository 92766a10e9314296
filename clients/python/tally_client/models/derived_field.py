from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.derived_field_normalisers_item import DerivedFieldNormalisersItem
from ..types import UNSET, Unset

T = TypeVar("T", bound="DerivedField")


@_attrs_define
class DerivedField:
    """A field extracted from free text by a regex with a named group.

    ``multiple=True`` keeps every occurrence (a bank line quoting three invoices yields three
    values); an equals condition on such a field holds when any value is equal.

        Attributes:
            name (str):
            pattern (str):
            group (None | str | Unset):
            multiple (bool | Unset):  Default: False.
            normalisers (list[DerivedFieldNormalisersItem] | Unset):
            source (str | Unset):  Default: 'description'.
    """

    name: str
    pattern: str
    group: None | str | Unset = UNSET
    multiple: bool | Unset = False
    normalisers: list[DerivedFieldNormalisersItem] | Unset = UNSET
    source: str | Unset = "description"

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        pattern = self.pattern

        group: None | str | Unset
        if isinstance(self.group, Unset):
            group = UNSET
        else:
            group = self.group

        multiple = self.multiple

        normalisers: list[str] | Unset = UNSET
        if not isinstance(self.normalisers, Unset):
            normalisers = []
            for normalisers_item_data in self.normalisers:
                normalisers_item = normalisers_item_data.value
                normalisers.append(normalisers_item)

        source = self.source

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "pattern": pattern,
            }
        )
        if group is not UNSET:
            field_dict["group"] = group
        if multiple is not UNSET:
            field_dict["multiple"] = multiple
        if normalisers is not UNSET:
            field_dict["normalisers"] = normalisers
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        pattern = d.pop("pattern")

        def _parse_group(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        group = _parse_group(d.pop("group", UNSET))

        multiple = d.pop("multiple", UNSET)

        _normalisers = d.pop("normalisers", UNSET)
        normalisers: list[DerivedFieldNormalisersItem] | Unset = UNSET
        if _normalisers is not UNSET:
            normalisers = []
            for normalisers_item_data in _normalisers:
                normalisers_item = DerivedFieldNormalisersItem(normalisers_item_data)

                normalisers.append(normalisers_item)

        source = d.pop("source", UNSET)

        derived_field = cls(
            name=name,
            pattern=pattern,
            group=group,
            multiple=multiple,
            normalisers=normalisers,
            source=source,
        )

        return derived_field
