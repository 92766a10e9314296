from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ExceptionCommentRead")


@_attrs_define
class ExceptionCommentRead:
    """
    Attributes:
        author_email (None | str):
        author_id (int | None):
        body (str):
        created_at (datetime.datetime):
        id (int):
    """

    author_email: None | str
    author_id: int | None
    body: str
    created_at: datetime.datetime
    id: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        author_email: None | str
        author_email = self.author_email

        author_id: int | None
        author_id = self.author_id

        body = self.body

        created_at = self.created_at.isoformat()

        id = self.id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "author_email": author_email,
                "author_id": author_id,
                "body": body,
                "created_at": created_at,
                "id": id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_author_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        author_email = _parse_author_email(d.pop("author_email"))

        def _parse_author_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        author_id = _parse_author_id(d.pop("author_id"))

        body = d.pop("body")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        exception_comment_read = cls(
            author_email=author_email,
            author_id=author_id,
            body=body,
            created_at=created_at,
            id=id,
        )

        exception_comment_read.additional_properties = d
        return exception_comment_read

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
