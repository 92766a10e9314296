from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.audit_event_read_detail_type_0 import AuditEventReadDetailType0


T = TypeVar("T", bound="AuditEventRead")


@_attrs_define
class AuditEventRead:
    """
    Attributes:
        action (str):
        actor_email (None | str):
        actor_id (int | None):
        created_at (datetime.datetime):
        detail (AuditEventReadDetailType0 | None):
        id (int):
        job_id (int | None):
        target (str):
    """

    action: str
    actor_email: None | str
    actor_id: int | None
    created_at: datetime.datetime
    detail: AuditEventReadDetailType0 | None
    id: int
    job_id: int | None
    target: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_event_read_detail_type_0 import AuditEventReadDetailType0  # noqa: PLC0415

        action = self.action

        actor_email: None | str
        actor_email = self.actor_email

        actor_id: int | None
        actor_id = self.actor_id

        created_at = self.created_at.isoformat()

        detail: dict[str, Any] | None
        if isinstance(self.detail, AuditEventReadDetailType0):
            detail = self.detail.to_dict()
        else:
            detail = self.detail

        id = self.id

        job_id: int | None
        job_id = self.job_id

        target = self.target

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "actor_email": actor_email,
                "actor_id": actor_id,
                "created_at": created_at,
                "detail": detail,
                "id": id,
                "job_id": job_id,
                "target": target,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_event_read_detail_type_0 import AuditEventReadDetailType0  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        def _parse_actor_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor_email = _parse_actor_email(d.pop("actor_email"))

        def _parse_actor_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        actor_id = _parse_actor_id(d.pop("actor_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_detail(data: object) -> AuditEventReadDetailType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                detail_type_0 = AuditEventReadDetailType0.from_dict(data)

                return detail_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEventReadDetailType0 | None, data)

        detail = _parse_detail(d.pop("detail"))

        id = d.pop("id")

        def _parse_job_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        job_id = _parse_job_id(d.pop("job_id"))

        target = d.pop("target")

        audit_event_read = cls(
            action=action,
            actor_email=actor_email,
            actor_id=actor_id,
            created_at=created_at,
            detail=detail,
            id=id,
            job_id=job_id,
            target=target,
        )

        audit_event_read.additional_properties = d
        return audit_event_read

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
