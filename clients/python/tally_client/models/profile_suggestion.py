from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.upload_options import UploadOptions


T = TypeVar("T", bound="ProfileSuggestion")


@_attrs_define
class ProfileSuggestion:
    """A profile whose columns the file has; ``score`` is the share of the file's columns it names
    (1.0: the file has exactly the profile's columns).

        Attributes:
            builtin (bool):
            id (str):
            name (str):
            options (UploadOptions): What the user may say about a file; anything left out is detected.
            score (float):
    """

    builtin: bool
    id: str
    name: str
    options: UploadOptions
    score: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        builtin = self.builtin

        id = self.id

        name = self.name

        options = self.options.to_dict()

        score = self.score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "builtin": builtin,
                "id": id,
                "name": name,
                "options": options,
                "score": score,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.upload_options import UploadOptions  # noqa: PLC0415

        d = dict(src_dict)
        builtin = d.pop("builtin")

        id = d.pop("id")

        name = d.pop("name")

        options = UploadOptions.from_dict(d.pop("options"))

        score = d.pop("score")

        profile_suggestion = cls(
            builtin=builtin,
            id=id,
            name=name,
            options=options,
            score=score,
        )

        profile_suggestion.additional_properties = d
        return profile_suggestion

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
