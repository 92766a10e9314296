from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.history_entry_detail_type_0 import HistoryEntryDetailType0


T = TypeVar("T", bound="HistoryEntry")


@_attrs_define
class HistoryEntry:
    """
    Attributes:
        action (str):
        actor_email (None | str):
        created_at (datetime.datetime):
        detail (HistoryEntryDetailType0 | None):
    """

    action: str
    actor_email: None | str
    created_at: datetime.datetime
    detail: HistoryEntryDetailType0 | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.history_entry_detail_type_0 import HistoryEntryDetailType0  # noqa: PLC0415

        action = self.action

        actor_email: None | str
        actor_email = self.actor_email

        created_at = self.created_at.isoformat()

        detail: dict[str, Any] | None
        if isinstance(self.detail, HistoryEntryDetailType0):
            detail = self.detail.to_dict()
        else:
            detail = self.detail

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "actor_email": actor_email,
                "created_at": created_at,
                "detail": detail,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.history_entry_detail_type_0 import HistoryEntryDetailType0  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        def _parse_actor_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor_email = _parse_actor_email(d.pop("actor_email"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_detail(data: object) -> HistoryEntryDetailType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                detail_type_0 = HistoryEntryDetailType0.from_dict(data)

                return detail_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HistoryEntryDetailType0 | None, data)

        detail = _parse_detail(d.pop("detail"))

        history_entry = cls(
            action=action,
            actor_email=actor_email,
            created_at=created_at,
            detail=detail,
        )

        history_entry.additional_properties = d
        return history_entry

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
