from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.bulk_action import BulkAction
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bulk_selection import BulkSelection


T = TypeVar("T", bound="BulkReview")


@_attrs_define
class BulkReview:
    """Confirm or reject many matches in one request: listed by id, or chosen by a filter.

    Attributes:
        action (BulkAction):
        match_ids (list[int] | None | Unset): These matches (at most TALLY_BULK_REVIEW_MAX, 1,000,000 by default)
        note (None | str | Unset): Why; kept with each decision
        selection (BulkSelection | None | Unset): Or every match this filter chooses
    """

    action: BulkAction
    match_ids: list[int] | None | Unset = UNSET
    note: None | str | Unset = UNSET
    selection: BulkSelection | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.bulk_selection import BulkSelection  # noqa: PLC0415

        action = self.action.value

        match_ids: list[int] | None | Unset
        if isinstance(self.match_ids, Unset):
            match_ids = UNSET
        elif isinstance(self.match_ids, list):
            match_ids = self.match_ids

        else:
            match_ids = self.match_ids

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        selection: dict[str, Any] | None | Unset
        if isinstance(self.selection, Unset):
            selection = UNSET
        elif isinstance(self.selection, BulkSelection):
            selection = self.selection.to_dict()
        else:
            selection = self.selection

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
            }
        )
        if match_ids is not UNSET:
            field_dict["match_ids"] = match_ids
        if note is not UNSET:
            field_dict["note"] = note
        if selection is not UNSET:
            field_dict["selection"] = selection

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bulk_selection import BulkSelection  # noqa: PLC0415

        d = dict(src_dict)
        action = BulkAction(d.pop("action"))

        def _parse_match_ids(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                match_ids_type_0 = cast(list[int], data)

                return match_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        match_ids = _parse_match_ids(d.pop("match_ids", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_selection(data: object) -> BulkSelection | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                selection_type_0 = BulkSelection.from_dict(data)

                return selection_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BulkSelection | None | Unset, data)

        selection = _parse_selection(d.pop("selection", UNSET))

        bulk_review = cls(
            action=action,
            match_ids=match_ids,
            note=note,
            selection=selection,
        )

        bulk_review.additional_properties = d
        return bulk_review

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
