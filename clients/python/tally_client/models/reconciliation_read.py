from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.age_bucket import AgeBucket


T = TypeVar("T", bound="ReconciliationRead")


@_attrs_define
class ReconciliationRead:
    """
    Attributes:
        ageing (list[AgeBucket]): Open items by days since first seen
        created_at (datetime.datetime):
        id (int):
        latest_job_id (int | None): The job that last advanced the state
        left_row_watermark (int): Rows of the left source numbered up to this have been through a job
        left_source_id (int):
        open_left (int): Open items of the left source
        open_right (int):
        project_id (int):
        rejected_pairs (int): Rejected proposals no job makes again
        right_row_watermark (int):
        right_source_id (int):
        updated_at (datetime.datetime):
    """

    ageing: list[AgeBucket]
    created_at: datetime.datetime
    id: int
    latest_job_id: int | None
    left_row_watermark: int
    left_source_id: int
    open_left: int
    open_right: int
    project_id: int
    rejected_pairs: int
    right_row_watermark: int
    right_source_id: int
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ageing = []
        for ageing_item_data in self.ageing:
            ageing_item = ageing_item_data.to_dict()
            ageing.append(ageing_item)

        created_at = self.created_at.isoformat()

        id = self.id

        latest_job_id: int | None
        latest_job_id = self.latest_job_id

        left_row_watermark = self.left_row_watermark

        left_source_id = self.left_source_id

        open_left = self.open_left

        open_right = self.open_right

        project_id = self.project_id

        rejected_pairs = self.rejected_pairs

        right_row_watermark = self.right_row_watermark

        right_source_id = self.right_source_id

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ageing": ageing,
                "created_at": created_at,
                "id": id,
                "latest_job_id": latest_job_id,
                "left_row_watermark": left_row_watermark,
                "left_source_id": left_source_id,
                "open_left": open_left,
                "open_right": open_right,
                "project_id": project_id,
                "rejected_pairs": rejected_pairs,
                "right_row_watermark": right_row_watermark,
                "right_source_id": right_source_id,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.age_bucket import AgeBucket  # noqa: PLC0415

        d = dict(src_dict)
        ageing = []
        _ageing = d.pop("ageing")
        for ageing_item_data in _ageing:
            ageing_item = AgeBucket.from_dict(ageing_item_data)

            ageing.append(ageing_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        def _parse_latest_job_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        latest_job_id = _parse_latest_job_id(d.pop("latest_job_id"))

        left_row_watermark = d.pop("left_row_watermark")

        left_source_id = d.pop("left_source_id")

        open_left = d.pop("open_left")

        open_right = d.pop("open_right")

        project_id = d.pop("project_id")

        rejected_pairs = d.pop("rejected_pairs")

        right_row_watermark = d.pop("right_row_watermark")

        right_source_id = d.pop("right_source_id")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        reconciliation_read = cls(
            ageing=ageing,
            created_at=created_at,
            id=id,
            latest_job_id=latest_job_id,
            left_row_watermark=left_row_watermark,
            left_source_id=left_source_id,
            open_left=open_left,
            open_right=open_right,
            project_id=project_id,
            rejected_pairs=rejected_pairs,
            right_row_watermark=right_row_watermark,
            right_source_id=right_source_id,
            updated_at=updated_at,
        )

        reconciliation_read.additional_properties = d
        return reconciliation_read

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
