from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.upload_options import UploadOptions


T = TypeVar("T", bound="ImportProfileCreate")


@_attrs_define
class ImportProfileCreate:
    """
    Attributes:
        header (list[str]): The column names of the file this profile reads
        name (str):
        options (UploadOptions): What the user may say about a file; anything left out is detected.
    """

    header: list[str]
    name: str
    options: UploadOptions
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        header = self.header

        name = self.name

        options = self.options.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "header": header,
                "name": name,
                "options": options,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.upload_options import UploadOptions  # noqa: PLC0415

        d = dict(src_dict)
        header = cast(list[str], d.pop("header"))

        name = d.pop("name")

        options = UploadOptions.from_dict(d.pop("options"))

        import_profile_create = cls(
            header=header,
            name=name,
            options=options,
        )

        import_profile_create.additional_properties = d
        return import_profile_create

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
