from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_mode import JobMode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.decision_count import DecisionCount
    from ..models.job_summary_engine_type_0 import JobSummaryEngineType0
    from ..models.job_summary_matches import JobSummaryMatches
    from ..models.job_summary_phases_type_0 import JobSummaryPhasesType0
    from ..models.job_summary_scope_type_0 import JobSummaryScopeType0
    from ..models.job_summary_settled_before_type_0 import JobSummarySettledBeforeType0
    from ..models.side_summary import SideSummary
    from ..models.summary_age_bucket import SummaryAgeBucket
    from ..models.summary_warning import SummaryWarning


T = TypeVar("T", bound="JobSummary")


@_attrs_define
class JobSummary:
    """A finished job's figures. Amounts are decimal strings beside their currency.

    Attributes:
        decisions (list[DecisionCount] | Unset):
        duplicates (int | None | Unset): Records with a twin on their own side
        engine (JobSummaryEngineType0 | None | Unset): The matching engine's statistics
        left (SideSummary | Unset): One source's records in a job: how many, how many matched, and their amounts.
        matches (JobSummaryMatches | Unset): Matches per category:status, e.g. matched:auto
        mode (JobMode | None | Unset):
        phases (JobSummaryPhasesType0 | None | Unset): Seconds per phase of the run
        reconciliation_id (int | None | Unset):
        reviewed_at (datetime.datetime | None | Unset): The last review that moved a figure
        right (SideSummary | Unset): One source's records in a job: how many, how many matched, and their amounts.
        scope (JobSummaryScopeType0 | None | Unset): incremental: the records per side the run matched
        seconds (float | None | Unset):
        settled_before (JobSummarySettledBeforeType0 | None | Unset): incremental: the records per side settled by
            earlier runs
        unmatched_by_age (list[SummaryAgeBucket] | None | Unset):
        warnings (list[SummaryWarning] | Unset):
    """

    decisions: list[DecisionCount] | Unset = UNSET
    duplicates: int | None | Unset = UNSET
    engine: JobSummaryEngineType0 | None | Unset = UNSET
    left: SideSummary | Unset = UNSET
    matches: JobSummaryMatches | Unset = UNSET
    mode: JobMode | None | Unset = UNSET
    phases: JobSummaryPhasesType0 | None | Unset = UNSET
    reconciliation_id: int | None | Unset = UNSET
    reviewed_at: datetime.datetime | None | Unset = UNSET
    right: SideSummary | Unset = UNSET
    scope: JobSummaryScopeType0 | None | Unset = UNSET
    seconds: float | None | Unset = UNSET
    settled_before: JobSummarySettledBeforeType0 | None | Unset = UNSET
    unmatched_by_age: list[SummaryAgeBucket] | None | Unset = UNSET
    warnings: list[SummaryWarning] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.job_summary_engine_type_0 import JobSummaryEngineType0  # noqa: PLC0415
        from ..models.job_summary_phases_type_0 import JobSummaryPhasesType0  # noqa: PLC0415
        from ..models.job_summary_scope_type_0 import JobSummaryScopeType0  # noqa: PLC0415
        from ..models.job_summary_settled_before_type_0 import (
            JobSummarySettledBeforeType0,  # noqa: PLC0415
        )

        decisions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.decisions, Unset):
            decisions = []
            for decisions_item_data in self.decisions:
                decisions_item = decisions_item_data.to_dict()
                decisions.append(decisions_item)

        duplicates: int | None | Unset
        if isinstance(self.duplicates, Unset):
            duplicates = UNSET
        else:
            duplicates = self.duplicates

        engine: dict[str, Any] | None | Unset
        if isinstance(self.engine, Unset):
            engine = UNSET
        elif isinstance(self.engine, JobSummaryEngineType0):
            engine = self.engine.to_dict()
        else:
            engine = self.engine

        left: dict[str, Any] | Unset = UNSET
        if not isinstance(self.left, Unset):
            left = self.left.to_dict()

        matches: dict[str, Any] | Unset = UNSET
        if not isinstance(self.matches, Unset):
            matches = self.matches.to_dict()

        mode: None | str | Unset
        if isinstance(self.mode, Unset):
            mode = UNSET
        elif isinstance(self.mode, JobMode):
            mode = self.mode.value
        else:
            mode = self.mode

        phases: dict[str, Any] | None | Unset
        if isinstance(self.phases, Unset):
            phases = UNSET
        elif isinstance(self.phases, JobSummaryPhasesType0):
            phases = self.phases.to_dict()
        else:
            phases = self.phases

        reconciliation_id: int | None | Unset
        if isinstance(self.reconciliation_id, Unset):
            reconciliation_id = UNSET
        else:
            reconciliation_id = self.reconciliation_id

        reviewed_at: None | str | Unset
        if isinstance(self.reviewed_at, Unset):
            reviewed_at = UNSET
        elif isinstance(self.reviewed_at, datetime.datetime):
            reviewed_at = self.reviewed_at.isoformat()
        else:
            reviewed_at = self.reviewed_at

        right: dict[str, Any] | Unset = UNSET
        if not isinstance(self.right, Unset):
            right = self.right.to_dict()

        scope: dict[str, Any] | None | Unset
        if isinstance(self.scope, Unset):
            scope = UNSET
        elif isinstance(self.scope, JobSummaryScopeType0):
            scope = self.scope.to_dict()
        else:
            scope = self.scope

        seconds: float | None | Unset
        if isinstance(self.seconds, Unset):
            seconds = UNSET
        else:
            seconds = self.seconds

        settled_before: dict[str, Any] | None | Unset
        if isinstance(self.settled_before, Unset):
            settled_before = UNSET
        elif isinstance(self.settled_before, JobSummarySettledBeforeType0):
            settled_before = self.settled_before.to_dict()
        else:
            settled_before = self.settled_before

        unmatched_by_age: list[dict[str, Any]] | None | Unset
        if isinstance(self.unmatched_by_age, Unset):
            unmatched_by_age = UNSET
        elif isinstance(self.unmatched_by_age, list):
            unmatched_by_age = []
            for unmatched_by_age_type_0_item_data in self.unmatched_by_age:
                unmatched_by_age_type_0_item = (
                    unmatched_by_age_type_0_item_data.to_dict()
                )
                unmatched_by_age.append(unmatched_by_age_type_0_item)

        else:
            unmatched_by_age = self.unmatched_by_age

        warnings: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.warnings, Unset):
            warnings = []
            for warnings_item_data in self.warnings:
                warnings_item = warnings_item_data.to_dict()
                warnings.append(warnings_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if decisions is not UNSET:
            field_dict["decisions"] = decisions
        if duplicates is not UNSET:
            field_dict["duplicates"] = duplicates
        if engine is not UNSET:
            field_dict["engine"] = engine
        if left is not UNSET:
            field_dict["left"] = left
        if matches is not UNSET:
            field_dict["matches"] = matches
        if mode is not UNSET:
            field_dict["mode"] = mode
        if phases is not UNSET:
            field_dict["phases"] = phases
        if reconciliation_id is not UNSET:
            field_dict["reconciliation_id"] = reconciliation_id
        if reviewed_at is not UNSET:
            field_dict["reviewed_at"] = reviewed_at
        if right is not UNSET:
            field_dict["right"] = right
        if scope is not UNSET:
            field_dict["scope"] = scope
        if seconds is not UNSET:
            field_dict["seconds"] = seconds
        if settled_before is not UNSET:
            field_dict["settled_before"] = settled_before
        if unmatched_by_age is not UNSET:
            field_dict["unmatched_by_age"] = unmatched_by_age
        if warnings is not UNSET:
            field_dict["warnings"] = warnings

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.decision_count import DecisionCount  # noqa: PLC0415
        from ..models.job_summary_engine_type_0 import JobSummaryEngineType0  # noqa: PLC0415
        from ..models.job_summary_matches import JobSummaryMatches  # noqa: PLC0415
        from ..models.job_summary_phases_type_0 import JobSummaryPhasesType0  # noqa: PLC0415
        from ..models.job_summary_scope_type_0 import JobSummaryScopeType0  # noqa: PLC0415
        from ..models.job_summary_settled_before_type_0 import (
            JobSummarySettledBeforeType0,  # noqa: PLC0415
        )
        from ..models.side_summary import SideSummary  # noqa: PLC0415
        from ..models.summary_age_bucket import SummaryAgeBucket  # noqa: PLC0415
        from ..models.summary_warning import SummaryWarning  # noqa: PLC0415

        d = dict(src_dict)
        _decisions = d.pop("decisions", UNSET)
        decisions: list[DecisionCount] | Unset = UNSET
        if _decisions is not UNSET:
            decisions = []
            for decisions_item_data in _decisions:
                decisions_item = DecisionCount.from_dict(decisions_item_data)

                decisions.append(decisions_item)

        def _parse_duplicates(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        duplicates = _parse_duplicates(d.pop("duplicates", UNSET))

        def _parse_engine(data: object) -> JobSummaryEngineType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                engine_type_0 = JobSummaryEngineType0.from_dict(data)

                return engine_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobSummaryEngineType0 | None | Unset, data)

        engine = _parse_engine(d.pop("engine", UNSET))

        _left = d.pop("left", UNSET)
        left: SideSummary | Unset
        if isinstance(_left, Unset):
            left = UNSET
        else:
            left = SideSummary.from_dict(_left)

        _matches = d.pop("matches", UNSET)
        matches: JobSummaryMatches | Unset
        if isinstance(_matches, Unset):
            matches = UNSET
        else:
            matches = JobSummaryMatches.from_dict(_matches)

        def _parse_mode(data: object) -> JobMode | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                mode_type_0 = JobMode(data)

                return mode_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobMode | None | Unset, data)

        mode = _parse_mode(d.pop("mode", UNSET))

        def _parse_phases(data: object) -> JobSummaryPhasesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                phases_type_0 = JobSummaryPhasesType0.from_dict(data)

                return phases_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobSummaryPhasesType0 | None | Unset, data)

        phases = _parse_phases(d.pop("phases", UNSET))

        def _parse_reconciliation_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reconciliation_id = _parse_reconciliation_id(d.pop("reconciliation_id", UNSET))

        def _parse_reviewed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reviewed_at_type_0 = datetime.datetime.fromisoformat(data)

                return reviewed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        reviewed_at = _parse_reviewed_at(d.pop("reviewed_at", UNSET))

        _right = d.pop("right", UNSET)
        right: SideSummary | Unset
        if isinstance(_right, Unset):
            right = UNSET
        else:
            right = SideSummary.from_dict(_right)

        def _parse_scope(data: object) -> JobSummaryScopeType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                scope_type_0 = JobSummaryScopeType0.from_dict(data)

                return scope_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobSummaryScopeType0 | None | Unset, data)

        scope = _parse_scope(d.pop("scope", UNSET))

        def _parse_seconds(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        seconds = _parse_seconds(d.pop("seconds", UNSET))

        def _parse_settled_before(
            data: object,
        ) -> JobSummarySettledBeforeType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                settled_before_type_0 = JobSummarySettledBeforeType0.from_dict(data)

                return settled_before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobSummarySettledBeforeType0 | None | Unset, data)

        settled_before = _parse_settled_before(d.pop("settled_before", UNSET))

        def _parse_unmatched_by_age(
            data: object,
        ) -> list[SummaryAgeBucket] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                unmatched_by_age_type_0 = []
                _unmatched_by_age_type_0 = data
                for unmatched_by_age_type_0_item_data in _unmatched_by_age_type_0:
                    unmatched_by_age_type_0_item = SummaryAgeBucket.from_dict(
                        unmatched_by_age_type_0_item_data
                    )

                    unmatched_by_age_type_0.append(unmatched_by_age_type_0_item)

                return unmatched_by_age_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[SummaryAgeBucket] | None | Unset, data)

        unmatched_by_age = _parse_unmatched_by_age(d.pop("unmatched_by_age", UNSET))

        _warnings = d.pop("warnings", UNSET)
        warnings: list[SummaryWarning] | Unset = UNSET
        if _warnings is not UNSET:
            warnings = []
            for warnings_item_data in _warnings:
                warnings_item = SummaryWarning.from_dict(warnings_item_data)

                warnings.append(warnings_item)

        job_summary = cls(
            decisions=decisions,
            duplicates=duplicates,
            engine=engine,
            left=left,
            matches=matches,
            mode=mode,
            phases=phases,
            reconciliation_id=reconciliation_id,
            reviewed_at=reviewed_at,
            right=right,
            scope=scope,
            seconds=seconds,
            settled_before=settled_before,
            unmatched_by_age=unmatched_by_age,
            warnings=warnings,
        )

        job_summary.additional_properties = d
        return job_summary

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
