from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.inbox_file_read_error_type_0 import InboxFileReadErrorType0


T = TypeVar("T", bound="InboxFileRead")


@_attrs_define
class InboxFileRead:
    """
    Attributes:
        append_id (int | None):
        content_sha256 (str):
        error (InboxFileReadErrorType0 | None):
        id (int):
        inbox_id (int):
        job_id (int | None):
        name (str):
        size_bytes (int):
        status (str):
        taken_at (datetime.datetime):
    """

    append_id: int | None
    content_sha256: str
    error: InboxFileReadErrorType0 | None
    id: int
    inbox_id: int
    job_id: int | None
    name: str
    size_bytes: int
    status: str
    taken_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.inbox_file_read_error_type_0 import InboxFileReadErrorType0  # noqa: PLC0415

        append_id: int | None
        append_id = self.append_id

        content_sha256 = self.content_sha256

        error: dict[str, Any] | None
        if isinstance(self.error, InboxFileReadErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        id = self.id

        inbox_id = self.inbox_id

        job_id: int | None
        job_id = self.job_id

        name = self.name

        size_bytes = self.size_bytes

        status = self.status

        taken_at = self.taken_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "append_id": append_id,
                "content_sha256": content_sha256,
                "error": error,
                "id": id,
                "inbox_id": inbox_id,
                "job_id": job_id,
                "name": name,
                "size_bytes": size_bytes,
                "status": status,
                "taken_at": taken_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.inbox_file_read_error_type_0 import InboxFileReadErrorType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_append_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        append_id = _parse_append_id(d.pop("append_id"))

        content_sha256 = d.pop("content_sha256")

        def _parse_error(data: object) -> InboxFileReadErrorType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = InboxFileReadErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InboxFileReadErrorType0 | None, data)

        error = _parse_error(d.pop("error"))

        id = d.pop("id")

        inbox_id = d.pop("inbox_id")

        def _parse_job_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        job_id = _parse_job_id(d.pop("job_id"))

        name = d.pop("name")

        size_bytes = d.pop("size_bytes")

        status = d.pop("status")

        taken_at = datetime.datetime.fromisoformat(d.pop("taken_at"))

        inbox_file_read = cls(
            append_id=append_id,
            content_sha256=content_sha256,
            error=error,
            id=id,
            inbox_id=inbox_id,
            job_id=job_id,
            name=name,
            size_bytes=size_bytes,
            status=status,
            taken_at=taken_at,
        )

        inbox_file_read.additional_properties = d
        return inbox_file_read

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
