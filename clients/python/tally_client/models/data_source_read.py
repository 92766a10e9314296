from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.data_source_status import DataSourceStatus

if TYPE_CHECKING:
    from ..models.data_source_read_column_mapping_type_0 import (
        DataSourceReadColumnMappingType0,
    )
    from ..models.data_source_read_error_type_0 import DataSourceReadErrorType0
    from ..models.data_source_read_statement_type_0 import DataSourceReadStatementType0


T = TypeVar("T", bound="DataSourceRead")


@_attrs_define
class DataSourceRead:
    """
    Attributes:
        column_mapping (DataSourceReadColumnMappingType0 | None):
        created_at (datetime.datetime):
        error (DataSourceReadErrorType0 | None):
        file_name (str):
        format_ (str):
        id (int):
        name (str):
        project_id (int):
        row_count (int):
        rows_done (int):
        size_bytes (int):
        skipped_count (int):
        statement (DataSourceReadStatementType0 | None):
        status (DataSourceStatus):
        updated_at (datetime.datetime):
        warnings (list[str] | None):
    """

    column_mapping: DataSourceReadColumnMappingType0 | None
    created_at: datetime.datetime
    error: DataSourceReadErrorType0 | None
    file_name: str
    format_: str
    id: int
    name: str
    project_id: int
    row_count: int
    rows_done: int
    size_bytes: int
    skipped_count: int
    statement: DataSourceReadStatementType0 | None
    status: DataSourceStatus
    updated_at: datetime.datetime
    warnings: list[str] | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.data_source_read_column_mapping_type_0 import (
            DataSourceReadColumnMappingType0,  # noqa: PLC0415
        )
        from ..models.data_source_read_error_type_0 import DataSourceReadErrorType0  # noqa: PLC0415
        from ..models.data_source_read_statement_type_0 import (
            DataSourceReadStatementType0,  # noqa: PLC0415
        )

        column_mapping: dict[str, Any] | None
        if isinstance(self.column_mapping, DataSourceReadColumnMappingType0):
            column_mapping = self.column_mapping.to_dict()
        else:
            column_mapping = self.column_mapping

        created_at = self.created_at.isoformat()

        error: dict[str, Any] | None
        if isinstance(self.error, DataSourceReadErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        file_name = self.file_name

        format_ = self.format_

        id = self.id

        name = self.name

        project_id = self.project_id

        row_count = self.row_count

        rows_done = self.rows_done

        size_bytes = self.size_bytes

        skipped_count = self.skipped_count

        statement: dict[str, Any] | None
        if isinstance(self.statement, DataSourceReadStatementType0):
            statement = self.statement.to_dict()
        else:
            statement = self.statement

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        warnings: list[str] | None
        if isinstance(self.warnings, list):
            warnings = self.warnings

        else:
            warnings = self.warnings

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "column_mapping": column_mapping,
                "created_at": created_at,
                "error": error,
                "file_name": file_name,
                "format": format_,
                "id": id,
                "name": name,
                "project_id": project_id,
                "row_count": row_count,
                "rows_done": rows_done,
                "size_bytes": size_bytes,
                "skipped_count": skipped_count,
                "statement": statement,
                "status": status,
                "updated_at": updated_at,
                "warnings": warnings,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_source_read_column_mapping_type_0 import (
            DataSourceReadColumnMappingType0,  # noqa: PLC0415
        )
        from ..models.data_source_read_error_type_0 import DataSourceReadErrorType0  # noqa: PLC0415
        from ..models.data_source_read_statement_type_0 import (
            DataSourceReadStatementType0,  # noqa: PLC0415
        )

        d = dict(src_dict)

        def _parse_column_mapping(
            data: object,
        ) -> DataSourceReadColumnMappingType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                column_mapping_type_0 = DataSourceReadColumnMappingType0.from_dict(data)

                return column_mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DataSourceReadColumnMappingType0 | None, data)

        column_mapping = _parse_column_mapping(d.pop("column_mapping"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_error(data: object) -> DataSourceReadErrorType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = DataSourceReadErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DataSourceReadErrorType0 | None, data)

        error = _parse_error(d.pop("error"))

        file_name = d.pop("file_name")

        format_ = d.pop("format")

        id = d.pop("id")

        name = d.pop("name")

        project_id = d.pop("project_id")

        row_count = d.pop("row_count")

        rows_done = d.pop("rows_done")

        size_bytes = d.pop("size_bytes")

        skipped_count = d.pop("skipped_count")

        def _parse_statement(data: object) -> DataSourceReadStatementType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                statement_type_0 = DataSourceReadStatementType0.from_dict(data)

                return statement_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DataSourceReadStatementType0 | None, data)

        statement = _parse_statement(d.pop("statement"))

        status = DataSourceStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_warnings(data: object) -> list[str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                warnings_type_0 = cast(list[str], data)

                return warnings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None, data)

        warnings = _parse_warnings(d.pop("warnings"))

        data_source_read = cls(
            column_mapping=column_mapping,
            created_at=created_at,
            error=error,
            file_name=file_name,
            format_=format_,
            id=id,
            name=name,
            project_id=project_id,
            row_count=row_count,
            rows_done=rows_done,
            size_bytes=size_bytes,
            skipped_count=skipped_count,
            statement=statement,
            status=status,
            updated_at=updated_at,
            warnings=warnings,
        )

        data_source_read.additional_properties = d
        return data_source_read

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
