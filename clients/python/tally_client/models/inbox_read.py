from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InboxRead")


@_attrs_define
class InboxRead:
    """
    Attributes:
        counterpart_source_id (int | None):
        created_at (datetime.datetime):
        data_source_id (int):
        enabled (bool):
        id (int):
        last_polled_at (datetime.datetime | None):
        name (str):
        pattern (str):
        poll_seconds (int):
        profile_id (None | str):
        project_id (int):
        url (str):
    """

    counterpart_source_id: int | None
    created_at: datetime.datetime
    data_source_id: int
    enabled: bool
    id: int
    last_polled_at: datetime.datetime | None
    name: str
    pattern: str
    poll_seconds: int
    profile_id: None | str
    project_id: int
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        counterpart_source_id: int | None
        counterpart_source_id = self.counterpart_source_id

        created_at = self.created_at.isoformat()

        data_source_id = self.data_source_id

        enabled = self.enabled

        id = self.id

        last_polled_at: None | str
        if isinstance(self.last_polled_at, datetime.datetime):
            last_polled_at = self.last_polled_at.isoformat()
        else:
            last_polled_at = self.last_polled_at

        name = self.name

        pattern = self.pattern

        poll_seconds = self.poll_seconds

        profile_id: None | str
        profile_id = self.profile_id

        project_id = self.project_id

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "counterpart_source_id": counterpart_source_id,
                "created_at": created_at,
                "data_source_id": data_source_id,
                "enabled": enabled,
                "id": id,
                "last_polled_at": last_polled_at,
                "name": name,
                "pattern": pattern,
                "poll_seconds": poll_seconds,
                "profile_id": profile_id,
                "project_id": project_id,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_counterpart_source_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        counterpart_source_id = _parse_counterpart_source_id(
            d.pop("counterpart_source_id")
        )

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        data_source_id = d.pop("data_source_id")

        enabled = d.pop("enabled")

        id = d.pop("id")

        def _parse_last_polled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_polled_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_polled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_polled_at = _parse_last_polled_at(d.pop("last_polled_at"))

        name = d.pop("name")

        pattern = d.pop("pattern")

        poll_seconds = d.pop("poll_seconds")

        def _parse_profile_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        profile_id = _parse_profile_id(d.pop("profile_id"))

        project_id = d.pop("project_id")

        url = d.pop("url")

        inbox_read = cls(
            counterpart_source_id=counterpart_source_id,
            created_at=created_at,
            data_source_id=data_source_id,
            enabled=enabled,
            id=id,
            last_polled_at=last_polled_at,
            name=name,
            pattern=pattern,
            poll_seconds=poll_seconds,
            profile_id=profile_id,
            project_id=project_id,
            url=url,
        )

        inbox_read.additional_properties = d
        return inbox_read

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
