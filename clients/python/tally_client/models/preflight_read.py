from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.file_warning import FileWarning
    from ..models.new_row_counts import NewRowCounts
    from ..models.preflight_read_mapping import PreflightReadMapping
    from ..models.preflight_read_options import PreflightReadOptions
    from ..models.profile_suggestion import ProfileSuggestion
    from ..models.row_problem import RowProblem


T = TypeVar("T", bound="PreflightRead")


@_attrs_define
class PreflightRead:
    """What Tally read from the head of a file: the format, how it reads it (``options``, to send
    back with the upload as they are or corrected), the first rows and their problems. Nothing
    is stored. Format-specific details (bank statements, sheets) come as further fields.

        Attributes:
            format_ (str): csv, xlsx, ofx, camt, mt940, bai2
            ok (bool): The first rows read without a problem
            columns (list[str] | Unset):
            date_format (None | str | Unset):
            date_format_choices (list[str] | Unset):
            decimal_separator (None | str | Unset):
            delimiter (None | str | Unset):
            duplicates (NewRowCounts | None | Unset): Appends only
            encoding (None | str | Unset):
            errors (list[RowProblem] | Unset):
            has_header (bool | None | Unset):
            header (list[str] | Unset):
            mapping (PreflightReadMapping | Unset): Tally's field -> the file's column
            notes (list[str] | Unset):
            options (PreflightReadOptions | Unset): How the file is read: send as the upload's options
            profiles (list[ProfileSuggestion] | Unset): Import profiles whose columns the file has
            quotechar (None | str | Unset):
            row_numbers (list[int] | Unset):
            rows (list[list[None | str]] | Unset): The first rows
            skip_rows (int | None | Unset):
            warnings (list[FileWarning] | Unset):
    """

    format_: str
    ok: bool
    columns: list[str] | Unset = UNSET
    date_format: None | str | Unset = UNSET
    date_format_choices: list[str] | Unset = UNSET
    decimal_separator: None | str | Unset = UNSET
    delimiter: None | str | Unset = UNSET
    duplicates: NewRowCounts | None | Unset = UNSET
    encoding: None | str | Unset = UNSET
    errors: list[RowProblem] | Unset = UNSET
    has_header: bool | None | Unset = UNSET
    header: list[str] | Unset = UNSET
    mapping: PreflightReadMapping | Unset = UNSET
    notes: list[str] | Unset = UNSET
    options: PreflightReadOptions | Unset = UNSET
    profiles: list[ProfileSuggestion] | Unset = UNSET
    quotechar: None | str | Unset = UNSET
    row_numbers: list[int] | Unset = UNSET
    rows: list[list[None | str]] | Unset = UNSET
    skip_rows: int | None | Unset = UNSET
    warnings: list[FileWarning] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.new_row_counts import NewRowCounts  # noqa: PLC0415

        format_ = self.format_

        ok = self.ok

        columns: list[str] | Unset = UNSET
        if not isinstance(self.columns, Unset):
            columns = self.columns

        date_format: None | str | Unset
        if isinstance(self.date_format, Unset):
            date_format = UNSET
        else:
            date_format = self.date_format

        date_format_choices: list[str] | Unset = UNSET
        if not isinstance(self.date_format_choices, Unset):
            date_format_choices = self.date_format_choices

        decimal_separator: None | str | Unset
        if isinstance(self.decimal_separator, Unset):
            decimal_separator = UNSET
        else:
            decimal_separator = self.decimal_separator

        delimiter: None | str | Unset
        if isinstance(self.delimiter, Unset):
            delimiter = UNSET
        else:
            delimiter = self.delimiter

        duplicates: dict[str, Any] | None | Unset
        if isinstance(self.duplicates, Unset):
            duplicates = UNSET
        elif isinstance(self.duplicates, NewRowCounts):
            duplicates = self.duplicates.to_dict()
        else:
            duplicates = self.duplicates

        encoding: None | str | Unset
        if isinstance(self.encoding, Unset):
            encoding = UNSET
        else:
            encoding = self.encoding

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        has_header: bool | None | Unset
        if isinstance(self.has_header, Unset):
            has_header = UNSET
        else:
            has_header = self.has_header

        header: list[str] | Unset = UNSET
        if not isinstance(self.header, Unset):
            header = self.header

        mapping: dict[str, Any] | Unset = UNSET
        if not isinstance(self.mapping, Unset):
            mapping = self.mapping.to_dict()

        notes: list[str] | Unset = UNSET
        if not isinstance(self.notes, Unset):
            notes = self.notes

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()

        profiles: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.profiles, Unset):
            profiles = []
            for profiles_item_data in self.profiles:
                profiles_item = profiles_item_data.to_dict()
                profiles.append(profiles_item)

        quotechar: None | str | Unset
        if isinstance(self.quotechar, Unset):
            quotechar = UNSET
        else:
            quotechar = self.quotechar

        row_numbers: list[int] | Unset = UNSET
        if not isinstance(self.row_numbers, Unset):
            row_numbers = self.row_numbers

        rows: list[list[None | str]] | Unset = UNSET
        if not isinstance(self.rows, Unset):
            rows = []
            for rows_item_data in self.rows:
                rows_item = []
                for rows_item_item_data in rows_item_data:
                    rows_item_item: None | str
                    rows_item_item = rows_item_item_data
                    rows_item.append(rows_item_item)

                rows.append(rows_item)

        skip_rows: int | None | Unset
        if isinstance(self.skip_rows, Unset):
            skip_rows = UNSET
        else:
            skip_rows = self.skip_rows

        warnings: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.warnings, Unset):
            warnings = []
            for warnings_item_data in self.warnings:
                warnings_item = warnings_item_data.to_dict()
                warnings.append(warnings_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "format": format_,
                "ok": ok,
            }
        )
        if columns is not UNSET:
            field_dict["columns"] = columns
        if date_format is not UNSET:
            field_dict["date_format"] = date_format
        if date_format_choices is not UNSET:
            field_dict["date_format_choices"] = date_format_choices
        if decimal_separator is not UNSET:
            field_dict["decimal_separator"] = decimal_separator
        if delimiter is not UNSET:
            field_dict["delimiter"] = delimiter
        if duplicates is not UNSET:
            field_dict["duplicates"] = duplicates
        if encoding is not UNSET:
            field_dict["encoding"] = encoding
        if errors is not UNSET:
            field_dict["errors"] = errors
        if has_header is not UNSET:
            field_dict["has_header"] = has_header
        if header is not UNSET:
            field_dict["header"] = header
        if mapping is not UNSET:
            field_dict["mapping"] = mapping
        if notes is not UNSET:
            field_dict["notes"] = notes
        if options is not UNSET:
            field_dict["options"] = options
        if profiles is not UNSET:
            field_dict["profiles"] = profiles
        if quotechar is not UNSET:
            field_dict["quotechar"] = quotechar
        if row_numbers is not UNSET:
            field_dict["row_numbers"] = row_numbers
        if rows is not UNSET:
            field_dict["rows"] = rows
        if skip_rows is not UNSET:
            field_dict["skip_rows"] = skip_rows
        if warnings is not UNSET:
            field_dict["warnings"] = warnings

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.file_warning import FileWarning  # noqa: PLC0415
        from ..models.new_row_counts import NewRowCounts  # noqa: PLC0415
        from ..models.preflight_read_mapping import PreflightReadMapping  # noqa: PLC0415
        from ..models.preflight_read_options import PreflightReadOptions  # noqa: PLC0415
        from ..models.profile_suggestion import ProfileSuggestion  # noqa: PLC0415
        from ..models.row_problem import RowProblem  # noqa: PLC0415

        d = dict(src_dict)
        format_ = d.pop("format")

        ok = d.pop("ok")

        columns = cast(list[str], d.pop("columns", UNSET))

        def _parse_date_format(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        date_format = _parse_date_format(d.pop("date_format", UNSET))

        date_format_choices = cast(list[str], d.pop("date_format_choices", UNSET))

        def _parse_decimal_separator(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        decimal_separator = _parse_decimal_separator(d.pop("decimal_separator", UNSET))

        def _parse_delimiter(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        delimiter = _parse_delimiter(d.pop("delimiter", UNSET))

        def _parse_duplicates(data: object) -> NewRowCounts | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                duplicates_type_0 = NewRowCounts.from_dict(data)

                return duplicates_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NewRowCounts | None | Unset, data)

        duplicates = _parse_duplicates(d.pop("duplicates", UNSET))

        def _parse_encoding(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        encoding = _parse_encoding(d.pop("encoding", UNSET))

        _errors = d.pop("errors", UNSET)
        errors: list[RowProblem] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = RowProblem.from_dict(errors_item_data)

                errors.append(errors_item)

        def _parse_has_header(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        has_header = _parse_has_header(d.pop("has_header", UNSET))

        header = cast(list[str], d.pop("header", UNSET))

        _mapping = d.pop("mapping", UNSET)
        mapping: PreflightReadMapping | Unset
        if isinstance(_mapping, Unset):
            mapping = UNSET
        else:
            mapping = PreflightReadMapping.from_dict(_mapping)

        notes = cast(list[str], d.pop("notes", UNSET))

        _options = d.pop("options", UNSET)
        options: PreflightReadOptions | Unset
        if isinstance(_options, Unset):
            options = UNSET
        else:
            options = PreflightReadOptions.from_dict(_options)

        _profiles = d.pop("profiles", UNSET)
        profiles: list[ProfileSuggestion] | Unset = UNSET
        if _profiles is not UNSET:
            profiles = []
            for profiles_item_data in _profiles:
                profiles_item = ProfileSuggestion.from_dict(profiles_item_data)

                profiles.append(profiles_item)

        def _parse_quotechar(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        quotechar = _parse_quotechar(d.pop("quotechar", UNSET))

        row_numbers = cast(list[int], d.pop("row_numbers", UNSET))

        _rows = d.pop("rows", UNSET)
        rows: list[list[None | str]] | Unset = UNSET
        if _rows is not UNSET:
            rows = []
            for rows_item_data in _rows:
                rows_item = []
                _rows_item = rows_item_data
                for rows_item_item_data in _rows_item:

                    def _parse_rows_item_item(data: object) -> None | str:
                        if data is None:
                            return data
                        return cast(None | str, data)

                    rows_item_item = _parse_rows_item_item(rows_item_item_data)

                    rows_item.append(rows_item_item)

                rows.append(rows_item)

        def _parse_skip_rows(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        skip_rows = _parse_skip_rows(d.pop("skip_rows", UNSET))

        _warnings = d.pop("warnings", UNSET)
        warnings: list[FileWarning] | Unset = UNSET
        if _warnings is not UNSET:
            warnings = []
            for warnings_item_data in _warnings:
                warnings_item = FileWarning.from_dict(warnings_item_data)

                warnings.append(warnings_item)

        preflight_read = cls(
            format_=format_,
            ok=ok,
            columns=columns,
            date_format=date_format,
            date_format_choices=date_format_choices,
            decimal_separator=decimal_separator,
            delimiter=delimiter,
            duplicates=duplicates,
            encoding=encoding,
            errors=errors,
            has_header=has_header,
            header=header,
            mapping=mapping,
            notes=notes,
            options=options,
            profiles=profiles,
            quotechar=quotechar,
            row_numbers=row_numbers,
            rows=rows,
            skip_rows=skip_rows,
            warnings=warnings,
        )

        preflight_read.additional_properties = d
        return preflight_read

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
