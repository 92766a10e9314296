from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.reconciliation_statement import ReconciliationStatement


T = TypeVar("T", bound="SignoffDetail")


@_attrs_define
class SignoffDetail:
    """
    Attributes:
        as_of_date (datetime.date):
        difference (str): Zero: a period is signed off only when it is
        id (int):
        reconciliation_id (int):
        reopen_reason (None | str):
        reopened_at (datetime.datetime | None):
        reopened_by_id (int | None):
        signed_at (datetime.datetime):
        signed_by_email (None | str):
        signed_by_id (int | None):
        statement (ReconciliationStatement): The reconciliation statement as of a date: one section per currency the two
            sources'
            records carry. A period signs off when every currency's difference is zero.
    """

    as_of_date: datetime.date
    difference: str
    id: int
    reconciliation_id: int
    reopen_reason: None | str
    reopened_at: datetime.datetime | None
    reopened_by_id: int | None
    signed_at: datetime.datetime
    signed_by_email: None | str
    signed_by_id: int | None
    statement: ReconciliationStatement
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of_date = self.as_of_date.isoformat()

        difference = self.difference

        id = self.id

        reconciliation_id = self.reconciliation_id

        reopen_reason: None | str
        reopen_reason = self.reopen_reason

        reopened_at: None | str
        if isinstance(self.reopened_at, datetime.datetime):
            reopened_at = self.reopened_at.isoformat()
        else:
            reopened_at = self.reopened_at

        reopened_by_id: int | None
        reopened_by_id = self.reopened_by_id

        signed_at = self.signed_at.isoformat()

        signed_by_email: None | str
        signed_by_email = self.signed_by_email

        signed_by_id: int | None
        signed_by_id = self.signed_by_id

        statement = self.statement.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of_date": as_of_date,
                "difference": difference,
                "id": id,
                "reconciliation_id": reconciliation_id,
                "reopen_reason": reopen_reason,
                "reopened_at": reopened_at,
                "reopened_by_id": reopened_by_id,
                "signed_at": signed_at,
                "signed_by_email": signed_by_email,
                "signed_by_id": signed_by_id,
                "statement": statement,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reconciliation_statement import ReconciliationStatement  # noqa: PLC0415

        d = dict(src_dict)
        as_of_date = datetime.date.fromisoformat(d.pop("as_of_date"))

        difference = d.pop("difference")

        id = d.pop("id")

        reconciliation_id = d.pop("reconciliation_id")

        def _parse_reopen_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reopen_reason = _parse_reopen_reason(d.pop("reopen_reason"))

        def _parse_reopened_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reopened_at_type_0 = datetime.datetime.fromisoformat(data)

                return reopened_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        reopened_at = _parse_reopened_at(d.pop("reopened_at"))

        def _parse_reopened_by_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        reopened_by_id = _parse_reopened_by_id(d.pop("reopened_by_id"))

        signed_at = datetime.datetime.fromisoformat(d.pop("signed_at"))

        def _parse_signed_by_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        signed_by_email = _parse_signed_by_email(d.pop("signed_by_email"))

        def _parse_signed_by_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        signed_by_id = _parse_signed_by_id(d.pop("signed_by_id"))

        statement = ReconciliationStatement.from_dict(d.pop("statement"))

        signoff_detail = cls(
            as_of_date=as_of_date,
            difference=difference,
            id=id,
            reconciliation_id=reconciliation_id,
            reopen_reason=reopen_reason,
            reopened_at=reopened_at,
            reopened_by_id=reopened_by_id,
            signed_at=signed_at,
            signed_by_email=signed_by_email,
            signed_by_id=signed_by_id,
            statement=statement,
        )

        signoff_detail.additional_properties = d
        return signoff_detail

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
