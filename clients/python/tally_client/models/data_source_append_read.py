from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.data_source_status import DataSourceStatus

if TYPE_CHECKING:
    from ..models.data_source_append_read_error_type_0 import (
        DataSourceAppendReadErrorType0,
    )


T = TypeVar("T", bound="DataSourceAppendRead")


@_attrs_define
class DataSourceAppendRead:
    """A file appended to a source: ``status`` ingesting -> ready/failed, and what it added.

    Attributes:
        created_at (datetime.datetime):
        data_source_id (int):
        error (DataSourceAppendReadErrorType0 | None):
        file_name (str):
        finished_at (datetime.datetime | None):
        format_ (str):
        id (int):
        include_duplicates (bool):
        rows_added (int):
        rows_already_imported (int):
        rows_read (int):
        size_bytes (int):
        skipped_count (int):
        status (DataSourceStatus):
    """

    created_at: datetime.datetime
    data_source_id: int
    error: DataSourceAppendReadErrorType0 | None
    file_name: str
    finished_at: datetime.datetime | None
    format_: str
    id: int
    include_duplicates: bool
    rows_added: int
    rows_already_imported: int
    rows_read: int
    size_bytes: int
    skipped_count: int
    status: DataSourceStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.data_source_append_read_error_type_0 import (
            DataSourceAppendReadErrorType0,  # noqa: PLC0415
        )

        created_at = self.created_at.isoformat()

        data_source_id = self.data_source_id

        error: dict[str, Any] | None
        if isinstance(self.error, DataSourceAppendReadErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        file_name = self.file_name

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        format_ = self.format_

        id = self.id

        include_duplicates = self.include_duplicates

        rows_added = self.rows_added

        rows_already_imported = self.rows_already_imported

        rows_read = self.rows_read

        size_bytes = self.size_bytes

        skipped_count = self.skipped_count

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "data_source_id": data_source_id,
                "error": error,
                "file_name": file_name,
                "finished_at": finished_at,
                "format": format_,
                "id": id,
                "include_duplicates": include_duplicates,
                "rows_added": rows_added,
                "rows_already_imported": rows_already_imported,
                "rows_read": rows_read,
                "size_bytes": size_bytes,
                "skipped_count": skipped_count,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_source_append_read_error_type_0 import (
            DataSourceAppendReadErrorType0,  # noqa: PLC0415
        )

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        data_source_id = d.pop("data_source_id")

        def _parse_error(data: object) -> DataSourceAppendReadErrorType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = DataSourceAppendReadErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DataSourceAppendReadErrorType0 | None, data)

        error = _parse_error(d.pop("error"))

        file_name = d.pop("file_name")

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        format_ = d.pop("format")

        id = d.pop("id")

        include_duplicates = d.pop("include_duplicates")

        rows_added = d.pop("rows_added")

        rows_already_imported = d.pop("rows_already_imported")

        rows_read = d.pop("rows_read")

        size_bytes = d.pop("size_bytes")

        skipped_count = d.pop("skipped_count")

        status = DataSourceStatus(d.pop("status"))

        data_source_append_read = cls(
            created_at=created_at,
            data_source_id=data_source_id,
            error=error,
            file_name=file_name,
            finished_at=finished_at,
            format_=format_,
            id=id,
            include_duplicates=include_duplicates,
            rows_added=rows_added,
            rows_already_imported=rows_already_imported,
            rows_read=rows_read,
            size_bytes=size_bytes,
            skipped_count=skipped_count,
            status=status,
        )

        data_source_append_read.additional_properties = d
        return data_source_append_read

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
