from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.broken_link import BrokenLink
    from ..models.chain_link import ChainLink


T = TypeVar("T", bound="ChainVerification")


@_attrs_define
class ChainVerification:
    """One project's audit chain, recomputed from its first event.

    Attributes:
        events (int): Events verified
        head (ChainLink | None): The chain's last link (export it to check later)
        project_id (int):
        valid (bool):
        first_broken (BrokenLink | None | Unset):
    """

    events: int
    head: ChainLink | None
    project_id: int
    valid: bool
    first_broken: BrokenLink | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.broken_link import BrokenLink  # noqa: PLC0415
        from ..models.chain_link import ChainLink  # noqa: PLC0415

        events = self.events

        head: dict[str, Any] | None
        if isinstance(self.head, ChainLink):
            head = self.head.to_dict()
        else:
            head = self.head

        project_id = self.project_id

        valid = self.valid

        first_broken: dict[str, Any] | None | Unset
        if isinstance(self.first_broken, Unset):
            first_broken = UNSET
        elif isinstance(self.first_broken, BrokenLink):
            first_broken = self.first_broken.to_dict()
        else:
            first_broken = self.first_broken

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "events": events,
                "head": head,
                "project_id": project_id,
                "valid": valid,
            }
        )
        if first_broken is not UNSET:
            field_dict["first_broken"] = first_broken

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.broken_link import BrokenLink  # noqa: PLC0415
        from ..models.chain_link import ChainLink  # noqa: PLC0415

        d = dict(src_dict)
        events = d.pop("events")

        def _parse_head(data: object) -> ChainLink | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                head_type_0 = ChainLink.from_dict(data)

                return head_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChainLink | None, data)

        head = _parse_head(d.pop("head"))

        project_id = d.pop("project_id")

        valid = d.pop("valid")

        def _parse_first_broken(data: object) -> BrokenLink | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                first_broken_type_0 = BrokenLink.from_dict(data)

                return first_broken_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BrokenLink | None | Unset, data)

        first_broken = _parse_first_broken(d.pop("first_broken", UNSET))

        chain_verification = cls(
            events=events,
            head=head,
            project_id=project_id,
            valid=valid,
            first_broken=first_broken,
        )

        chain_verification.additional_properties = d
        return chain_verification

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
