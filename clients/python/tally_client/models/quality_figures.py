from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="QualityFigures")


@_attrs_define
class QualityFigures:
    """Review decisions over one rule (or the whole job) and the rates they give.

    Attributes:
        ambiguity_rate (float | None | Unset): Ambiguous alternatives / matches the engine proposed
        ambiguous (int | Unset): Ambiguous alternatives (several per tie) Default: 0.
        ambiguous_confirmed (int | Unset):  Default: 0.
        ambiguous_rejected (int | Unset):  Default: 0.
        auto (int | Unset):  Default: 0.
        auto_confirmed (int | Unset):  Default: 0.
        auto_precision (float | None | Unset): Confirmed / (confirmed + rejected) among reviewed automatic matches
        auto_rejected (int | Unset):  Default: 0.
        auto_reviewed_share (float | None | Unset): Share of automatic matches a reviewer decided on (the sample size)
        discrepancies (int | Unset):  Default: 0.
        discrepancies_confirmed (int | Unset):  Default: 0.
        discrepancies_rejected (int | Unset):  Default: 0.
        manual (int | Unset): Manual matches in place (undone ones excluded) Default: 0.
        manual_share (float | None | Unset): Manual matches / settled matches: how much the rules missed
        matches (int | Unset): Matches the engine proposed (every status) Default: 0.
        pending_review (int | Unset): Suggestions, ambiguous pairs, discrepancies open Default: 0.
        settled (int | Unset): Matches in the matched tab: auto, confirmed, manual Default: 0.
        suggested (int | Unset):  Default: 0.
        suggested_confirmed (int | Unset):  Default: 0.
        suggested_rejected (int | Unset):  Default: 0.
    """

    ambiguity_rate: float | None | Unset = UNSET
    ambiguous: int | Unset = 0
    ambiguous_confirmed: int | Unset = 0
    ambiguous_rejected: int | Unset = 0
    auto: int | Unset = 0
    auto_confirmed: int | Unset = 0
    auto_precision: float | None | Unset = UNSET
    auto_rejected: int | Unset = 0
    auto_reviewed_share: float | None | Unset = UNSET
    discrepancies: int | Unset = 0
    discrepancies_confirmed: int | Unset = 0
    discrepancies_rejected: int | Unset = 0
    manual: int | Unset = 0
    manual_share: float | None | Unset = UNSET
    matches: int | Unset = 0
    pending_review: int | Unset = 0
    settled: int | Unset = 0
    suggested: int | Unset = 0
    suggested_confirmed: int | Unset = 0
    suggested_rejected: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ambiguity_rate: float | None | Unset
        if isinstance(self.ambiguity_rate, Unset):
            ambiguity_rate = UNSET
        else:
            ambiguity_rate = self.ambiguity_rate

        ambiguous = self.ambiguous

        ambiguous_confirmed = self.ambiguous_confirmed

        ambiguous_rejected = self.ambiguous_rejected

        auto = self.auto

        auto_confirmed = self.auto_confirmed

        auto_precision: float | None | Unset
        if isinstance(self.auto_precision, Unset):
            auto_precision = UNSET
        else:
            auto_precision = self.auto_precision

        auto_rejected = self.auto_rejected

        auto_reviewed_share: float | None | Unset
        if isinstance(self.auto_reviewed_share, Unset):
            auto_reviewed_share = UNSET
        else:
            auto_reviewed_share = self.auto_reviewed_share

        discrepancies = self.discrepancies

        discrepancies_confirmed = self.discrepancies_confirmed

        discrepancies_rejected = self.discrepancies_rejected

        manual = self.manual

        manual_share: float | None | Unset
        if isinstance(self.manual_share, Unset):
            manual_share = UNSET
        else:
            manual_share = self.manual_share

        matches = self.matches

        pending_review = self.pending_review

        settled = self.settled

        suggested = self.suggested

        suggested_confirmed = self.suggested_confirmed

        suggested_rejected = self.suggested_rejected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if ambiguity_rate is not UNSET:
            field_dict["ambiguity_rate"] = ambiguity_rate
        if ambiguous is not UNSET:
            field_dict["ambiguous"] = ambiguous
        if ambiguous_confirmed is not UNSET:
            field_dict["ambiguous_confirmed"] = ambiguous_confirmed
        if ambiguous_rejected is not UNSET:
            field_dict["ambiguous_rejected"] = ambiguous_rejected
        if auto is not UNSET:
            field_dict["auto"] = auto
        if auto_confirmed is not UNSET:
            field_dict["auto_confirmed"] = auto_confirmed
        if auto_precision is not UNSET:
            field_dict["auto_precision"] = auto_precision
        if auto_rejected is not UNSET:
            field_dict["auto_rejected"] = auto_rejected
        if auto_reviewed_share is not UNSET:
            field_dict["auto_reviewed_share"] = auto_reviewed_share
        if discrepancies is not UNSET:
            field_dict["discrepancies"] = discrepancies
        if discrepancies_confirmed is not UNSET:
            field_dict["discrepancies_confirmed"] = discrepancies_confirmed
        if discrepancies_rejected is not UNSET:
            field_dict["discrepancies_rejected"] = discrepancies_rejected
        if manual is not UNSET:
            field_dict["manual"] = manual
        if manual_share is not UNSET:
            field_dict["manual_share"] = manual_share
        if matches is not UNSET:
            field_dict["matches"] = matches
        if pending_review is not UNSET:
            field_dict["pending_review"] = pending_review
        if settled is not UNSET:
            field_dict["settled"] = settled
        if suggested is not UNSET:
            field_dict["suggested"] = suggested
        if suggested_confirmed is not UNSET:
            field_dict["suggested_confirmed"] = suggested_confirmed
        if suggested_rejected is not UNSET:
            field_dict["suggested_rejected"] = suggested_rejected

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_ambiguity_rate(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        ambiguity_rate = _parse_ambiguity_rate(d.pop("ambiguity_rate", UNSET))

        ambiguous = d.pop("ambiguous", UNSET)

        ambiguous_confirmed = d.pop("ambiguous_confirmed", UNSET)

        ambiguous_rejected = d.pop("ambiguous_rejected", UNSET)

        auto = d.pop("auto", UNSET)

        auto_confirmed = d.pop("auto_confirmed", UNSET)

        def _parse_auto_precision(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        auto_precision = _parse_auto_precision(d.pop("auto_precision", UNSET))

        auto_rejected = d.pop("auto_rejected", UNSET)

        def _parse_auto_reviewed_share(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        auto_reviewed_share = _parse_auto_reviewed_share(
            d.pop("auto_reviewed_share", UNSET)
        )

        discrepancies = d.pop("discrepancies", UNSET)

        discrepancies_confirmed = d.pop("discrepancies_confirmed", UNSET)

        discrepancies_rejected = d.pop("discrepancies_rejected", UNSET)

        manual = d.pop("manual", UNSET)

        def _parse_manual_share(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        manual_share = _parse_manual_share(d.pop("manual_share", UNSET))

        matches = d.pop("matches", UNSET)

        pending_review = d.pop("pending_review", UNSET)

        settled = d.pop("settled", UNSET)

        suggested = d.pop("suggested", UNSET)

        suggested_confirmed = d.pop("suggested_confirmed", UNSET)

        suggested_rejected = d.pop("suggested_rejected", UNSET)

        quality_figures = cls(
            ambiguity_rate=ambiguity_rate,
            ambiguous=ambiguous,
            ambiguous_confirmed=ambiguous_confirmed,
            ambiguous_rejected=ambiguous_rejected,
            auto=auto,
            auto_confirmed=auto_confirmed,
            auto_precision=auto_precision,
            auto_rejected=auto_rejected,
            auto_reviewed_share=auto_reviewed_share,
            discrepancies=discrepancies,
            discrepancies_confirmed=discrepancies_confirmed,
            discrepancies_rejected=discrepancies_rejected,
            manual=manual,
            manual_share=manual_share,
            matches=matches,
            pending_review=pending_review,
            settled=settled,
            suggested=suggested,
            suggested_confirmed=suggested_confirmed,
            suggested_rejected=suggested_rejected,
        )

        quality_figures.additional_properties = d
        return quality_figures

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
