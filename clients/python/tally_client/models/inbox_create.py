from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InboxCreate")


@_attrs_define
class InboxCreate:
    """
    Attributes:
        data_source_id (int): The data source each new file is appended to
        name (str):
        url (str): Where files land, as an fsspec URL: a local folder (/srv/drop or file://), sftp://user@host/path,
            s3://bucket/prefix, memory://path
        counterpart_source_id (int | None | Unset): The source it is reconciled with after each file (default: the other
            side of the source's latest job)
        enabled (bool | Unset):  Default: True.
        pattern (str | Unset): Glob of file names Default: '*'.
        poll_seconds (int | Unset): Schedule Default: 300.
        profile_id (None | str | Unset): Import profile to read files with (id or builtin:<key>)
    """

    data_source_id: int
    name: str
    url: str
    counterpart_source_id: int | None | Unset = UNSET
    enabled: bool | Unset = True
    pattern: str | Unset = "*"
    poll_seconds: int | Unset = 300
    profile_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data_source_id = self.data_source_id

        name = self.name

        url = self.url

        counterpart_source_id: int | None | Unset
        if isinstance(self.counterpart_source_id, Unset):
            counterpart_source_id = UNSET
        else:
            counterpart_source_id = self.counterpart_source_id

        enabled = self.enabled

        pattern = self.pattern

        poll_seconds = self.poll_seconds

        profile_id: None | str | Unset
        if isinstance(self.profile_id, Unset):
            profile_id = UNSET
        else:
            profile_id = self.profile_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data_source_id": data_source_id,
                "name": name,
                "url": url,
            }
        )
        if counterpart_source_id is not UNSET:
            field_dict["counterpart_source_id"] = counterpart_source_id
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if pattern is not UNSET:
            field_dict["pattern"] = pattern
        if poll_seconds is not UNSET:
            field_dict["poll_seconds"] = poll_seconds
        if profile_id is not UNSET:
            field_dict["profile_id"] = profile_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        data_source_id = d.pop("data_source_id")

        name = d.pop("name")

        url = d.pop("url")

        def _parse_counterpart_source_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        counterpart_source_id = _parse_counterpart_source_id(
            d.pop("counterpart_source_id", UNSET)
        )

        enabled = d.pop("enabled", UNSET)

        pattern = d.pop("pattern", UNSET)

        poll_seconds = d.pop("poll_seconds", UNSET)

        def _parse_profile_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        profile_id = _parse_profile_id(d.pop("profile_id", UNSET))

        inbox_create = cls(
            data_source_id=data_source_id,
            name=name,
            url=url,
            counterpart_source_id=counterpart_source_id,
            enabled=enabled,
            pattern=pattern,
            poll_seconds=poll_seconds,
            profile_id=profile_id,
        )

        inbox_create.additional_properties = d
        return inbox_create

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
