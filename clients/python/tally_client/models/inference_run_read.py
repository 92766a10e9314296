from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.inference_status import InferenceStatus

if TYPE_CHECKING:
    from ..models.inference_run_read_evidence_type_0 import (
        InferenceRunReadEvidenceType0,
    )


T = TypeVar("T", bound="InferenceRunRead")


@_attrs_define
class InferenceRunRead:
    """Rules being inferred in the background: poll until `status` is completed or failed.

    Attributes:
        activate (bool):
        created_at (datetime.datetime):
        error (None | str):
        evidence (InferenceRunReadEvidenceType0 | None): As InferenceRead.evidence, once completed
        finished_at (datetime.datetime | None):
        id (int):
        job_id (int | None): The job whose first rules these are (its task runs the inference)
        left_source_id (int):
        phase (str): queued, loading, inferring, storing, then the final status
        progress (float):
        right_source_id (int):
        started_at (datetime.datetime | None):
        status (InferenceStatus):
        version (int | None): The version stored, once completed
    """

    activate: bool
    created_at: datetime.datetime
    error: None | str
    evidence: InferenceRunReadEvidenceType0 | None
    finished_at: datetime.datetime | None
    id: int
    job_id: int | None
    left_source_id: int
    phase: str
    progress: float
    right_source_id: int
    started_at: datetime.datetime | None
    status: InferenceStatus
    version: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.inference_run_read_evidence_type_0 import (
            InferenceRunReadEvidenceType0,  # noqa: PLC0415
        )

        activate = self.activate

        created_at = self.created_at.isoformat()

        error: None | str
        error = self.error

        evidence: dict[str, Any] | None
        if isinstance(self.evidence, InferenceRunReadEvidenceType0):
            evidence = self.evidence.to_dict()
        else:
            evidence = self.evidence

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        id = self.id

        job_id: int | None
        job_id = self.job_id

        left_source_id = self.left_source_id

        phase = self.phase

        progress = self.progress

        right_source_id = self.right_source_id

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status.value

        version: int | None
        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "activate": activate,
                "created_at": created_at,
                "error": error,
                "evidence": evidence,
                "finished_at": finished_at,
                "id": id,
                "job_id": job_id,
                "left_source_id": left_source_id,
                "phase": phase,
                "progress": progress,
                "right_source_id": right_source_id,
                "started_at": started_at,
                "status": status,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.inference_run_read_evidence_type_0 import (
            InferenceRunReadEvidenceType0,  # noqa: PLC0415
        )

        d = dict(src_dict)
        activate = d.pop("activate")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_evidence(data: object) -> InferenceRunReadEvidenceType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                evidence_type_0 = InferenceRunReadEvidenceType0.from_dict(data)

                return evidence_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InferenceRunReadEvidenceType0 | None, data)

        evidence = _parse_evidence(d.pop("evidence"))

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

        def _parse_job_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        job_id = _parse_job_id(d.pop("job_id"))

        left_source_id = d.pop("left_source_id")

        phase = d.pop("phase")

        progress = d.pop("progress")

        right_source_id = d.pop("right_source_id")

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

        status = InferenceStatus(d.pop("status"))

        def _parse_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        version = _parse_version(d.pop("version"))

        inference_run_read = cls(
            activate=activate,
            created_at=created_at,
            error=error,
            evidence=evidence,
            finished_at=finished_at,
            id=id,
            job_id=job_id,
            left_source_id=left_source_id,
            phase=phase,
            progress=progress,
            right_source_id=right_source_id,
            started_at=started_at,
            status=status,
            version=version,
        )

        inference_run_read.additional_properties = d
        return inference_run_read

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
