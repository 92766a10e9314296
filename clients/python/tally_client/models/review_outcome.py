from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.match_read import MatchRead


T = TypeVar("T", bound="ReviewOutcome")


@_attrs_define
class ReviewOutcome:
    """
    Attributes:
        match (MatchRead):
        rejected_match_ids (list[int] | Unset): Ambiguous alternatives rejected because they share records with this
            match
    """

    match: MatchRead
    rejected_match_ids: list[int] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        match = self.match.to_dict()

        rejected_match_ids: list[int] | Unset = UNSET
        if not isinstance(self.rejected_match_ids, Unset):
            rejected_match_ids = self.rejected_match_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "match": match,
            }
        )
        if rejected_match_ids is not UNSET:
            field_dict["rejected_match_ids"] = rejected_match_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.match_read import MatchRead  # noqa: PLC0415

        d = dict(src_dict)
        match = MatchRead.from_dict(d.pop("match"))

        rejected_match_ids = cast(list[int], d.pop("rejected_match_ids", UNSET))

        review_outcome = cls(
            match=match,
            rejected_match_ids=rejected_match_ids,
        )

        review_outcome.additional_properties = d
        return review_outcome

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
