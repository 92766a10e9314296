from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WebhookRead")


@_attrs_define
class WebhookRead:
    """
    Attributes:
        created_at (datetime.datetime):
        description (str):
        events (list[str]):
        exceptions_threshold (int):
        id (int):
        project_id (int):
        secret_hint (str): The secret's first characters, to tell secrets apart
        secret_rotated_at (datetime.datetime | None):
        url (str):
    """

    created_at: datetime.datetime
    description: str
    events: list[str]
    exceptions_threshold: int
    id: int
    project_id: int
    secret_hint: str
    secret_rotated_at: datetime.datetime | None
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description = self.description

        events = self.events

        exceptions_threshold = self.exceptions_threshold

        id = self.id

        project_id = self.project_id

        secret_hint = self.secret_hint

        secret_rotated_at: None | str
        if isinstance(self.secret_rotated_at, datetime.datetime):
            secret_rotated_at = self.secret_rotated_at.isoformat()
        else:
            secret_rotated_at = self.secret_rotated_at

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "events": events,
                "exceptions_threshold": exceptions_threshold,
                "id": id,
                "project_id": project_id,
                "secret_hint": secret_hint,
                "secret_rotated_at": secret_rotated_at,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        events = cast(list[str], d.pop("events"))

        exceptions_threshold = d.pop("exceptions_threshold")

        id = d.pop("id")

        project_id = d.pop("project_id")

        secret_hint = d.pop("secret_hint")

        def _parse_secret_rotated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                secret_rotated_at_type_0 = datetime.datetime.fromisoformat(data)

                return secret_rotated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        secret_rotated_at = _parse_secret_rotated_at(d.pop("secret_rotated_at"))

        url = d.pop("url")

        webhook_read = cls(
            created_at=created_at,
            description=description,
            events=events,
            exceptions_threshold=exceptions_threshold,
            id=id,
            project_id=project_id,
            secret_hint=secret_hint,
            secret_rotated_at=secret_rotated_at,
            url=url,
        )

        webhook_read.additional_properties = d
        return webhook_read

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
