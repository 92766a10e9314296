from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.currency_amounts import CurrencyAmounts
    from ..models.last_job import LastJob
    from ..models.source_count import SourceCount


T = TypeVar("T", bound="ProjectStatsRead")


@_attrs_define
class ProjectStatsRead:
    """
    Attributes:
        computed_at (datetime.datetime | None):
        currency (None | str): The currency of both amounts (None when the sources name none or several)
        last_job (LastJob | None):
        match_rate (float): Share of the last completed job's records matched, 0-1
        matched_amount (None | str): Matched money, counted once (the left side); null when the records are in several
            currencies (see by_currency)
        matched_count (int):
        project_id (int):
        record_count (int):
        sources (list[SourceCount]):
        unmatched_amount (None | str): Open items of both sides; null when the records are in several currencies
        unmatched_count (int):
        by_currency (list[CurrencyAmounts] | None | Unset): Per currency, when the records are in several (amounts of
            different currencies are never added); null when in one
    """

    computed_at: datetime.datetime | None
    currency: None | str
    last_job: LastJob | None
    match_rate: float
    matched_amount: None | str
    matched_count: int
    project_id: int
    record_count: int
    sources: list[SourceCount]
    unmatched_amount: None | str
    unmatched_count: int
    by_currency: list[CurrencyAmounts] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.last_job import LastJob  # noqa: PLC0415

        computed_at: None | str
        if isinstance(self.computed_at, datetime.datetime):
            computed_at = self.computed_at.isoformat()
        else:
            computed_at = self.computed_at

        currency: None | str
        currency = self.currency

        last_job: dict[str, Any] | None
        if isinstance(self.last_job, LastJob):
            last_job = self.last_job.to_dict()
        else:
            last_job = self.last_job

        match_rate = self.match_rate

        matched_amount: None | str
        matched_amount = self.matched_amount

        matched_count = self.matched_count

        project_id = self.project_id

        record_count = self.record_count

        sources = []
        for sources_item_data in self.sources:
            sources_item = sources_item_data.to_dict()
            sources.append(sources_item)

        unmatched_amount: None | str
        unmatched_amount = self.unmatched_amount

        unmatched_count = self.unmatched_count

        by_currency: list[dict[str, Any]] | None | Unset
        if isinstance(self.by_currency, Unset):
            by_currency = UNSET
        elif isinstance(self.by_currency, list):
            by_currency = []
            for by_currency_type_0_item_data in self.by_currency:
                by_currency_type_0_item = by_currency_type_0_item_data.to_dict()
                by_currency.append(by_currency_type_0_item)

        else:
            by_currency = self.by_currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "computed_at": computed_at,
                "currency": currency,
                "last_job": last_job,
                "match_rate": match_rate,
                "matched_amount": matched_amount,
                "matched_count": matched_count,
                "project_id": project_id,
                "record_count": record_count,
                "sources": sources,
                "unmatched_amount": unmatched_amount,
                "unmatched_count": unmatched_count,
            }
        )
        if by_currency is not UNSET:
            field_dict["by_currency"] = by_currency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.currency_amounts import CurrencyAmounts  # noqa: PLC0415
        from ..models.last_job import LastJob  # noqa: PLC0415
        from ..models.source_count import SourceCount  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_computed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                computed_at_type_0 = datetime.datetime.fromisoformat(data)

                return computed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        computed_at = _parse_computed_at(d.pop("computed_at"))

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        def _parse_last_job(data: object) -> LastJob | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_job_type_0 = LastJob.from_dict(data)

                return last_job_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LastJob | None, data)

        last_job = _parse_last_job(d.pop("last_job"))

        match_rate = d.pop("match_rate")

        def _parse_matched_amount(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        matched_amount = _parse_matched_amount(d.pop("matched_amount"))

        matched_count = d.pop("matched_count")

        project_id = d.pop("project_id")

        record_count = d.pop("record_count")

        sources = []
        _sources = d.pop("sources")
        for sources_item_data in _sources:
            sources_item = SourceCount.from_dict(sources_item_data)

            sources.append(sources_item)

        def _parse_unmatched_amount(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unmatched_amount = _parse_unmatched_amount(d.pop("unmatched_amount"))

        unmatched_count = d.pop("unmatched_count")

        def _parse_by_currency(data: object) -> list[CurrencyAmounts] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                by_currency_type_0 = []
                _by_currency_type_0 = data
                for by_currency_type_0_item_data in _by_currency_type_0:
                    by_currency_type_0_item = CurrencyAmounts.from_dict(
                        by_currency_type_0_item_data
                    )

                    by_currency_type_0.append(by_currency_type_0_item)

                return by_currency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[CurrencyAmounts] | None | Unset, data)

        by_currency = _parse_by_currency(d.pop("by_currency", UNSET))

        project_stats_read = cls(
            computed_at=computed_at,
            currency=currency,
            last_job=last_job,
            match_rate=match_rate,
            matched_amount=matched_amount,
            matched_count=matched_count,
            project_id=project_id,
            record_count=record_count,
            sources=sources,
            unmatched_amount=unmatched_amount,
            unmatched_count=unmatched_count,
            by_currency=by_currency,
        )

        project_stats_read.additional_properties = d
        return project_stats_read

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
