from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.candidate_window import CandidateWindow
    from ..models.near_candidate_read import NearCandidateRead
    from ..models.record_read import RecordRead


T = TypeVar("T", bound="CandidatesRead")


@_attrs_define
class CandidatesRead:
    """
    Attributes:
        candidates (list[NearCandidateRead]):
        record (RecordRead):
        window (CandidateWindow): The slice of the other source that was compared (bounded, read through indexes).
    """

    candidates: list[NearCandidateRead]
    record: RecordRead
    window: CandidateWindow
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        candidates = []
        for candidates_item_data in self.candidates:
            candidates_item = candidates_item_data.to_dict()
            candidates.append(candidates_item)

        record = self.record.to_dict()

        window = self.window.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "candidates": candidates,
                "record": record,
                "window": window,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.candidate_window import CandidateWindow  # noqa: PLC0415
        from ..models.near_candidate_read import NearCandidateRead  # noqa: PLC0415
        from ..models.record_read import RecordRead  # noqa: PLC0415

        d = dict(src_dict)
        candidates = []
        _candidates = d.pop("candidates")
        for candidates_item_data in _candidates:
            candidates_item = NearCandidateRead.from_dict(candidates_item_data)

            candidates.append(candidates_item)

        record = RecordRead.from_dict(d.pop("record"))

        window = CandidateWindow.from_dict(d.pop("window"))

        candidates_read = cls(
            candidates=candidates,
            record=record,
            window=window,
        )

        candidates_read.additional_properties = d
        return candidates_read

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
