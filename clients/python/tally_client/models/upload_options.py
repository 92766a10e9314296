from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.upload_options_decimal_separator_type_0 import (
    UploadOptionsDecimalSeparatorType0,
)
from ..models.upload_options_on_error import UploadOptionsOnError
from ..models.upload_options_ragged_rows_type_0 import UploadOptionsRaggedRowsType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.upload_options_mapping_type_0 import UploadOptionsMappingType0


T = TypeVar("T", bound="UploadOptions")


@_attrs_define
class UploadOptions:
    """What the user may say about a file; anything left out is detected.

    Attributes:
        accept_unbalanced (bool | Unset): Keep a statement whose balances do not add up (as a warning) Default: False.
        date_format (None | str | Unset): e.g. %d/%m/%Y when dates are ambiguous
        decimal_separator (None | Unset | UploadOptionsDecimalSeparatorType0):
        default_currency (None | str | Unset):
        delimiter (None | str | Unset):
        encoding (None | str | Unset):
        has_header (bool | None | Unset):
        mapping (None | Unset | UploadOptionsMappingType0): Tally field -> file column, e.g. {'amount': 'Betrag'}
        on_error (UploadOptionsOnError | Unset): reject: any bad row rejects the file; skip: load the rest Default:
            UploadOptionsOnError.REJECT.
        quotechar (None | str | Unset):
        ragged_rows (None | Unset | UploadOptionsRaggedRowsType0): pad: read rows short or long by empty cells; default:
            detected
        sheet (None | str | Unset):
        skip_rows (int | None | Unset):
    """

    accept_unbalanced: bool | Unset = False
    date_format: None | str | Unset = UNSET
    decimal_separator: None | Unset | UploadOptionsDecimalSeparatorType0 = UNSET
    default_currency: None | str | Unset = UNSET
    delimiter: None | str | Unset = UNSET
    encoding: None | str | Unset = UNSET
    has_header: bool | None | Unset = UNSET
    mapping: None | Unset | UploadOptionsMappingType0 = UNSET
    on_error: UploadOptionsOnError | Unset = UploadOptionsOnError.REJECT
    quotechar: None | str | Unset = UNSET
    ragged_rows: None | Unset | UploadOptionsRaggedRowsType0 = UNSET
    sheet: None | str | Unset = UNSET
    skip_rows: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.upload_options_mapping_type_0 import UploadOptionsMappingType0  # noqa: PLC0415

        accept_unbalanced = self.accept_unbalanced

        date_format: None | str | Unset
        if isinstance(self.date_format, Unset):
            date_format = UNSET
        else:
            date_format = self.date_format

        decimal_separator: None | str | Unset
        if isinstance(self.decimal_separator, Unset):
            decimal_separator = UNSET
        elif isinstance(self.decimal_separator, UploadOptionsDecimalSeparatorType0):
            decimal_separator = self.decimal_separator.value
        else:
            decimal_separator = self.decimal_separator

        default_currency: None | str | Unset
        if isinstance(self.default_currency, Unset):
            default_currency = UNSET
        else:
            default_currency = self.default_currency

        delimiter: None | str | Unset
        if isinstance(self.delimiter, Unset):
            delimiter = UNSET
        else:
            delimiter = self.delimiter

        encoding: None | str | Unset
        if isinstance(self.encoding, Unset):
            encoding = UNSET
        else:
            encoding = self.encoding

        has_header: bool | None | Unset
        if isinstance(self.has_header, Unset):
            has_header = UNSET
        else:
            has_header = self.has_header

        mapping: dict[str, Any] | None | Unset
        if isinstance(self.mapping, Unset):
            mapping = UNSET
        elif isinstance(self.mapping, UploadOptionsMappingType0):
            mapping = self.mapping.to_dict()
        else:
            mapping = self.mapping

        on_error: str | Unset = UNSET
        if not isinstance(self.on_error, Unset):
            on_error = self.on_error.value

        quotechar: None | str | Unset
        if isinstance(self.quotechar, Unset):
            quotechar = UNSET
        else:
            quotechar = self.quotechar

        ragged_rows: None | str | Unset
        if isinstance(self.ragged_rows, Unset):
            ragged_rows = UNSET
        elif isinstance(self.ragged_rows, UploadOptionsRaggedRowsType0):
            ragged_rows = self.ragged_rows.value
        else:
            ragged_rows = self.ragged_rows

        sheet: None | str | Unset
        if isinstance(self.sheet, Unset):
            sheet = UNSET
        else:
            sheet = self.sheet

        skip_rows: int | None | Unset
        if isinstance(self.skip_rows, Unset):
            skip_rows = UNSET
        else:
            skip_rows = self.skip_rows

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if accept_unbalanced is not UNSET:
            field_dict["accept_unbalanced"] = accept_unbalanced
        if date_format is not UNSET:
            field_dict["date_format"] = date_format
        if decimal_separator is not UNSET:
            field_dict["decimal_separator"] = decimal_separator
        if default_currency is not UNSET:
            field_dict["default_currency"] = default_currency
        if delimiter is not UNSET:
            field_dict["delimiter"] = delimiter
        if encoding is not UNSET:
            field_dict["encoding"] = encoding
        if has_header is not UNSET:
            field_dict["has_header"] = has_header
        if mapping is not UNSET:
            field_dict["mapping"] = mapping
        if on_error is not UNSET:
            field_dict["on_error"] = on_error
        if quotechar is not UNSET:
            field_dict["quotechar"] = quotechar
        if ragged_rows is not UNSET:
            field_dict["ragged_rows"] = ragged_rows
        if sheet is not UNSET:
            field_dict["sheet"] = sheet
        if skip_rows is not UNSET:
            field_dict["skip_rows"] = skip_rows

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.upload_options_mapping_type_0 import UploadOptionsMappingType0  # noqa: PLC0415

        d = dict(src_dict)
        accept_unbalanced = d.pop("accept_unbalanced", UNSET)

        def _parse_date_format(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        date_format = _parse_date_format(d.pop("date_format", UNSET))

        def _parse_decimal_separator(
            data: object,
        ) -> None | Unset | UploadOptionsDecimalSeparatorType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decimal_separator_type_0 = UploadOptionsDecimalSeparatorType0(data)

                return decimal_separator_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UploadOptionsDecimalSeparatorType0, data)

        decimal_separator = _parse_decimal_separator(d.pop("decimal_separator", UNSET))

        def _parse_default_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_currency = _parse_default_currency(d.pop("default_currency", UNSET))

        def _parse_delimiter(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        delimiter = _parse_delimiter(d.pop("delimiter", UNSET))

        def _parse_encoding(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        encoding = _parse_encoding(d.pop("encoding", UNSET))

        def _parse_has_header(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        has_header = _parse_has_header(d.pop("has_header", UNSET))

        def _parse_mapping(data: object) -> None | Unset | UploadOptionsMappingType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mapping_type_0 = UploadOptionsMappingType0.from_dict(data)

                return mapping_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UploadOptionsMappingType0, data)

        mapping = _parse_mapping(d.pop("mapping", UNSET))

        _on_error = d.pop("on_error", UNSET)
        on_error: UploadOptionsOnError | Unset
        if isinstance(_on_error, Unset):
            on_error = UNSET
        else:
            on_error = UploadOptionsOnError(_on_error)

        def _parse_quotechar(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        quotechar = _parse_quotechar(d.pop("quotechar", UNSET))

        def _parse_ragged_rows(
            data: object,
        ) -> None | Unset | UploadOptionsRaggedRowsType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ragged_rows_type_0 = UploadOptionsRaggedRowsType0(data)

                return ragged_rows_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UploadOptionsRaggedRowsType0, data)

        ragged_rows = _parse_ragged_rows(d.pop("ragged_rows", UNSET))

        def _parse_sheet(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sheet = _parse_sheet(d.pop("sheet", UNSET))

        def _parse_skip_rows(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        skip_rows = _parse_skip_rows(d.pop("skip_rows", UNSET))

        upload_options = cls(
            accept_unbalanced=accept_unbalanced,
            date_format=date_format,
            decimal_separator=decimal_separator,
            default_currency=default_currency,
            delimiter=delimiter,
            encoding=encoding,
            has_header=has_header,
            mapping=mapping,
            on_error=on_error,
            quotechar=quotechar,
            ragged_rows=ragged_rows,
            sheet=sheet,
            skip_rows=skip_rows,
        )

        upload_options.additional_properties = d
        return upload_options

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
