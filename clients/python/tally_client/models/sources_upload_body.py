from __future__ import annotations

import json
from collections.abc import Mapping
from io import BytesIO
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, Unset

if TYPE_CHECKING:
    from ..models.upload_options import UploadOptions


T = TypeVar("T", bound="SourcesUploadBody")


@_attrs_define
class SourcesUploadBody:
    """
    Attributes:
        file (File):
        complete (bool | Unset): preflight only: the file sent is the whole file
        name (str | Unset):
        options (UploadOptions | Unset): What the user may say about a file; anything left out is detected.
        profile_id (str | Unset): read the file with this import profile's options (options given explicitly win)
    """

    file: File
    complete: bool | Unset = UNSET
    name: str | Unset = UNSET
    options: UploadOptions | Unset = UNSET
    profile_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        complete = self.complete

        name = self.name

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()

        profile_id = self.profile_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
            }
        )
        if complete is not UNSET:
            field_dict["complete"] = complete
        if name is not UNSET:
            field_dict["name"] = name
        if options is not UNSET:
            field_dict["options"] = options
        if profile_id is not UNSET:
            field_dict["profile_id"] = profile_id

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.complete, Unset):
            files.append(
                ("complete", (None, str(self.complete).encode(), "text/plain"))
            )

        if not isinstance(self.name, Unset):
            files.append(("name", (None, str(self.name).encode(), "text/plain")))

        if not isinstance(self.options, Unset):
            files.append(
                (
                    "options",
                    (
                        None,
                        json.dumps(self.options.to_dict()).encode(),
                        "application/json",
                    ),
                )
            )

        if not isinstance(self.profile_id, Unset):
            files.append(
                ("profile_id", (None, str(self.profile_id).encode(), "text/plain"))
            )

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.upload_options import UploadOptions  # noqa: PLC0415

        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        complete = d.pop("complete", UNSET)

        name = d.pop("name", UNSET)

        _options = d.pop("options", UNSET)
        options: UploadOptions | Unset
        if isinstance(_options, Unset):
            options = UNSET
        else:
            options = UploadOptions.from_dict(_options)

        profile_id = d.pop("profile_id", UNSET)

        sources_upload_body = cls(
            file=file,
            complete=complete,
            name=name,
            options=options,
            profile_id=profile_id,
        )

        sources_upload_body.additional_properties = d
        return sources_upload_body

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
