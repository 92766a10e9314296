from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_mode import JobMode
from ..models.job_status import JobStatus
from ..models.partitioning import Partitioning
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_read_partitions_type_0 import JobReadPartitionsType0
    from ..models.job_summary import JobSummary
    from ..models.rule_set import RuleSet


T = TypeVar("T", bound="JobRead")


@_attrs_define
class JobRead:
    """
    Attributes:
        attempts (int):
        cancel_requested (bool):
        created_at (datetime.datetime):
        error (None | str):
        finished_at (datetime.datetime | None):
        id (int):
        left_source_id (int):
        number (int): 1, 2, 3 within the project, never reused, what people call it ("job 7"); the id stays its key in
            URLs
        progress (float):
        project_id (int):
        right_source_id (int):
        rule_set_version (int | None): The project's rule-set version the job ran with (None: its own rules)
        rules (RuleSet): An ordered list of rules (priority = order) plus derived fields they may reference.
        started_at (datetime.datetime | None):
        status (JobStatus):
        summary (JobSummary | None): A finished job's counts, amounts with their currency, warnings with what to do, and
            the engine's statistics
        updated_at (datetime.datetime): The job's last change (of any field or a review)
        archived_at (datetime.datetime | None | Unset): When the job was archived: read-only from then on, its decisions
            and audit trail kept, and its sources may be deleted from the project
        mode (JobMode | Unset):
        partitioning (Partitioning | Unset): Whether a job's matching is split into parts (tally.matching.partition).
        partitions (JobReadPartitionsType0 | None | Unset): The partition plan (parts, key, records per part, boundary
            share) and each part's progress; None when the job ran in one part
        reconciliation_id (int | None | Unset): The reconciliation of its two sources whose state the job advances
        results_indexed_at (datetime.datetime | None | Unset): When the indexes of its results pages were built (after
            completion); until then a text search (q) over its results scans every record
    """

    attempts: int
    cancel_requested: bool
    created_at: datetime.datetime
    error: None | str
    finished_at: datetime.datetime | None
    id: int
    left_source_id: int
    number: int
    progress: float
    project_id: int
    right_source_id: int
    rule_set_version: int | None
    rules: RuleSet
    started_at: datetime.datetime | None
    status: JobStatus
    summary: JobSummary | None
    updated_at: datetime.datetime
    archived_at: datetime.datetime | None | Unset = UNSET
    mode: JobMode | Unset = UNSET
    partitioning: Partitioning | Unset = UNSET
    partitions: JobReadPartitionsType0 | None | Unset = UNSET
    reconciliation_id: int | None | Unset = UNSET
    results_indexed_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.job_read_partitions_type_0 import JobReadPartitionsType0  # noqa: PLC0415
        from ..models.job_summary import JobSummary  # noqa: PLC0415

        attempts = self.attempts

        cancel_requested = self.cancel_requested

        created_at = self.created_at.isoformat()

        error: None | str
        error = self.error

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        id = self.id

        left_source_id = self.left_source_id

        number = self.number

        progress = self.progress

        project_id = self.project_id

        right_source_id = self.right_source_id

        rule_set_version: int | None
        rule_set_version = self.rule_set_version

        rules = self.rules.to_dict()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status.value

        summary: dict[str, Any] | None
        if isinstance(self.summary, JobSummary):
            summary = self.summary.to_dict()
        else:
            summary = self.summary

        updated_at = self.updated_at.isoformat()

        archived_at: None | str | Unset
        if isinstance(self.archived_at, Unset):
            archived_at = UNSET
        elif isinstance(self.archived_at, datetime.datetime):
            archived_at = self.archived_at.isoformat()
        else:
            archived_at = self.archived_at

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        partitioning: str | Unset = UNSET
        if not isinstance(self.partitioning, Unset):
            partitioning = self.partitioning.value

        partitions: dict[str, Any] | None | Unset
        if isinstance(self.partitions, Unset):
            partitions = UNSET
        elif isinstance(self.partitions, JobReadPartitionsType0):
            partitions = self.partitions.to_dict()
        else:
            partitions = self.partitions

        reconciliation_id: int | None | Unset
        if isinstance(self.reconciliation_id, Unset):
            reconciliation_id = UNSET
        else:
            reconciliation_id = self.reconciliation_id

        results_indexed_at: None | str | Unset
        if isinstance(self.results_indexed_at, Unset):
            results_indexed_at = UNSET
        elif isinstance(self.results_indexed_at, datetime.datetime):
            results_indexed_at = self.results_indexed_at.isoformat()
        else:
            results_indexed_at = self.results_indexed_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempts": attempts,
                "cancel_requested": cancel_requested,
                "created_at": created_at,
                "error": error,
                "finished_at": finished_at,
                "id": id,
                "left_source_id": left_source_id,
                "number": number,
                "progress": progress,
                "project_id": project_id,
                "right_source_id": right_source_id,
                "rule_set_version": rule_set_version,
                "rules": rules,
                "started_at": started_at,
                "status": status,
                "summary": summary,
                "updated_at": updated_at,
            }
        )
        if archived_at is not UNSET:
            field_dict["archived_at"] = archived_at
        if mode is not UNSET:
            field_dict["mode"] = mode
        if partitioning is not UNSET:
            field_dict["partitioning"] = partitioning
        if partitions is not UNSET:
            field_dict["partitions"] = partitions
        if reconciliation_id is not UNSET:
            field_dict["reconciliation_id"] = reconciliation_id
        if results_indexed_at is not UNSET:
            field_dict["results_indexed_at"] = results_indexed_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_read_partitions_type_0 import JobReadPartitionsType0  # noqa: PLC0415
        from ..models.job_summary import JobSummary  # noqa: PLC0415
        from ..models.rule_set import RuleSet  # noqa: PLC0415

        d = dict(src_dict)
        attempts = d.pop("attempts")

        cancel_requested = d.pop("cancel_requested")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        id = d.pop("id")

        left_source_id = d.pop("left_source_id")

        number = d.pop("number")

        progress = d.pop("progress")

        project_id = d.pop("project_id")

        right_source_id = d.pop("right_source_id")

        def _parse_rule_set_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        rule_set_version = _parse_rule_set_version(d.pop("rule_set_version"))

        rules = RuleSet.from_dict(d.pop("rules"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        status = JobStatus(d.pop("status"))

        def _parse_summary(data: object) -> JobSummary | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                summary_type_0 = JobSummary.from_dict(data)

                return summary_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobSummary | None, data)

        summary = _parse_summary(d.pop("summary"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_archived_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                archived_at_type_0 = datetime.datetime.fromisoformat(data)

                return archived_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        archived_at = _parse_archived_at(d.pop("archived_at", UNSET))

        _mode = d.pop("mode", UNSET)
        mode: JobMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = JobMode(_mode)

        _partitioning = d.pop("partitioning", UNSET)
        partitioning: Partitioning | Unset
        if isinstance(_partitioning, Unset):
            partitioning = UNSET
        else:
            partitioning = Partitioning(_partitioning)

        def _parse_partitions(data: object) -> JobReadPartitionsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                partitions_type_0 = JobReadPartitionsType0.from_dict(data)

                return partitions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobReadPartitionsType0 | None | Unset, data)

        partitions = _parse_partitions(d.pop("partitions", UNSET))

        def _parse_reconciliation_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reconciliation_id = _parse_reconciliation_id(d.pop("reconciliation_id", UNSET))

        def _parse_results_indexed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                results_indexed_at_type_0 = datetime.datetime.fromisoformat(data)

                return results_indexed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        results_indexed_at = _parse_results_indexed_at(
            d.pop("results_indexed_at", UNSET)
        )

        job_read = cls(
            attempts=attempts,
            cancel_requested=cancel_requested,
            created_at=created_at,
            error=error,
            finished_at=finished_at,
            id=id,
            left_source_id=left_source_id,
            number=number,
            progress=progress,
            project_id=project_id,
            right_source_id=right_source_id,
            rule_set_version=rule_set_version,
            rules=rules,
            started_at=started_at,
            status=status,
            summary=summary,
            updated_at=updated_at,
            archived_at=archived_at,
            mode=mode,
            partitioning=partitioning,
            partitions=partitions,
            reconciliation_id=reconciliation_id,
            results_indexed_at=results_indexed_at,
        )

        job_read.additional_properties = d
        return job_read

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
