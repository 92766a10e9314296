from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.rule_set_version_status import RuleSetVersionStatus

if TYPE_CHECKING:
    from ..models.rule_set import RuleSet


T = TypeVar("T", bound="RuleSetVersionRead")


@_attrs_define
class RuleSetVersionRead:
    """
    Attributes:
        activated_at (datetime.datetime | None): When it last became the active version
        author_email (None | str):
        author_id (int | None):
        created_at (datetime.datetime):
        note (str):
        number (int):
        rules (RuleSet): An ordered list of rules (priority = order) plus derived fields they may reference.
        status (RuleSetVersionStatus):
        updated_at (datetime.datetime):
    """

    activated_at: datetime.datetime | None
    author_email: None | str
    author_id: int | None
    created_at: datetime.datetime
    note: str
    number: int
    rules: RuleSet
    status: RuleSetVersionStatus
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        activated_at: None | str
        if isinstance(self.activated_at, datetime.datetime):
            activated_at = self.activated_at.isoformat()
        else:
            activated_at = self.activated_at

        author_email: None | str
        author_email = self.author_email

        author_id: int | None
        author_id = self.author_id

        created_at = self.created_at.isoformat()

        note = self.note

        number = self.number

        rules = self.rules.to_dict()

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "activated_at": activated_at,
                "author_email": author_email,
                "author_id": author_id,
                "created_at": created_at,
                "note": note,
                "number": number,
                "rules": rules,
                "status": status,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rule_set import RuleSet  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_activated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                activated_at_type_0 = datetime.datetime.fromisoformat(data)

                return activated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        activated_at = _parse_activated_at(d.pop("activated_at"))

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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        note = d.pop("note")

        number = d.pop("number")

        rules = RuleSet.from_dict(d.pop("rules"))

        status = RuleSetVersionStatus(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        rule_set_version_read = cls(
            activated_at=activated_at,
            author_email=author_email,
            author_id=author_id,
            created_at=created_at,
            note=note,
            number=number,
            rules=rules,
            status=status,
            updated_at=updated_at,
        )

        rule_set_version_read.additional_properties = d
        return rule_set_version_read

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
