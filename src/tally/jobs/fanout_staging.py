"""What a fanned-out job keeps between its tasks (job_stage, job_part), and the SQL around it.

Frames travel as Arrow IPC (zstd) in one payload per row, several named frames one after
another: the parts' records and results are read back only by the job's own tasks, whole.
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tally.matching.result import ReconcileResult, ReconcileStats, RuleStats
from tally.matching.state import Exclusions
from tally.models import JobMode, JobPart, JobStage, JobStatus, PartState, ReconciliationJob
from tally.reconciliations.service import RunScope

_HEADER = struct.Struct("<HQ")  # name length, frame length


def pack_frames(frames: dict[str, pl.DataFrame]) -> bytes:
    """Named frames in one payload (Arrow IPC each)."""
    out = io.BytesIO()
    for name, frame in frames.items():
        buffer = io.BytesIO()
        frame.write_ipc(buffer, compression="zstd")
        label, data = name.encode(), buffer.getvalue()
        out.write(_HEADER.pack(len(label), len(data)))
        out.write(label)
        out.write(data)
    return out.getvalue()


def unpack_frames(payload: bytes) -> dict[str, pl.DataFrame]:
    frames: dict[str, pl.DataFrame] = {}
    view, at = memoryview(payload), 0
    while at < len(view):
        label_size, size = _HEADER.unpack_from(view, at)
        at += _HEADER.size
        name = bytes(view[at : at + label_size]).decode()
        at += label_size
        frames[name] = pl.read_ipc(io.BytesIO(view[at : at + size]))
        at += size
    return frames


def pack_result(result: ReconcileResult) -> bytes:
    """A part's result, as ``unpack_result`` gives it back."""
    stats = pl.DataFrame({"stats": [json.dumps(result.stats.as_dict())]})
    return pack_frames(
        {
            "matches": result.matches,
            "links": result.links,
            "duplicates": result.duplicates,
            "unmatched_left": result.unmatched_left_ids.to_frame(),
            "unmatched_right": result.unmatched_right_ids.to_frame(),
            "stats": stats,
        }
    )


def unpack_result(payload: bytes) -> ReconcileResult:
    frames = unpack_frames(payload)
    stats = json.loads(frames["stats"]["stats"][0])
    stats["rules"] = [RuleStats(**rule) for rule in stats["rules"]]
    return ReconcileResult(
        matches=frames["matches"],
        links=frames["links"],
        duplicates=frames["duplicates"],
        unmatched_left_ids=frames["unmatched_left"].to_series(),
        unmatched_right_ids=frames["unmatched_right"].to_series(),
        stats=ReconcileStats(**stats),
    )


def scope_to_json(scope: RunScope | None) -> dict[str, Any] | None:
    """A run's scope but its appended ids (staged as frames beside it)."""
    if scope is None:
        return None
    values = asdict(scope)
    values.pop("appended_ids")
    values["exclusions"] = sorted(scope.exclusions.signatures)
    values["mode"] = str(scope.mode)
    return values


def scope_from_json(
    values: dict[str, Any] | None, frames: dict[str, pl.DataFrame]
) -> RunScope | None:
    if values is None:
        return None
    appended = None
    if "appended_left" in frames:
        appended = (frames["appended_left"].to_series(), frames["appended_right"].to_series())
    return RunScope(
        reconciliation_id=values["reconciliation_id"],
        mode=JobMode(values["mode"]),
        base_version=values["base_version"],
        to_rows=tuple(values["to_rows"]),
        from_rows=tuple(values["from_rows"]),
        exclusions=Exclusions(frozenset(values["exclusions"])),
        leaves_out_settled=values["leaves_out_settled"],
        appended_ids=appended,
    )


class FanoutRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replace_stage(self, stage: JobStage, parts: dict[int, bytes]) -> None:
        """The job's plan and its parts' records, replacing an earlier attempt's."""
        await self.clear(stage.job_id)
        self.session.add(stage)
        self.session.add_all(
            JobPart(job_id=stage.job_id, part=part, attempt=stage.attempt, records=records)
            for part, records in parts.items()
        )
        await self.session.flush()

    async def clear(self, job_id: int) -> None:
        await self.session.execute(delete(JobPart).where(JobPart.job_id == job_id))
        await self.session.execute(delete(JobStage).where(JobStage.job_id == job_id))

    async def live_stage(self, job_id: int, attempt: int) -> JobStage | None:
        """The job's stage of ``attempt`` while the job runs; None when it was replanned,
        cancelled, failed or finished meanwhile."""
        statement = (
            select(JobStage)
            .join(ReconciliationJob, ReconciliationJob.id == JobStage.job_id)
            .where(
                JobStage.job_id == job_id,
                JobStage.attempt == attempt,
                ReconciliationJob.status == JobStatus.RUNNING,
            )
        )
        return await self.session.scalar(statement)

    async def pending_records(self, job_id: int, part: int, attempt: int) -> bytes | None:
        """A part's staged records if it is still to do."""
        return await self.session.scalar(
            select(JobPart.records).where(
                JobPart.job_id == job_id,
                JobPart.part == part,
                JobPart.attempt == attempt,
                JobPart.state == PartState.PENDING,
            )
        )

    async def finish_part(
        self, job_id: int, part: int, attempt: int, result: bytes
    ) -> tuple[int, int] | None:
        """Store a part's result and count it done: (parts done, parts), or None when this part
        was done already (a retried task) or its attempt is gone. The counter's row lock orders
        concurrent parts, so exactly one of them sees the last part land."""
        stored = await self.session.execute(
            update(JobPart)
            .where(
                JobPart.job_id == job_id,
                JobPart.part == part,
                JobPart.attempt == attempt,
                JobPart.state == PartState.PENDING,
            )
            .values(state=PartState.DONE, result=result, finished_at=datetime.now(UTC))
        )
        if not stored.rowcount:  # type: ignore[attr-defined]
            return None
        counted = await self.session.execute(
            update(JobStage)
            .where(JobStage.job_id == job_id, JobStage.attempt == attempt)
            .values(parts_done=JobStage.parts_done + 1)
            .returning(JobStage.parts_done, JobStage.parts)
        )
        row = counted.one_or_none()
        return None if row is None else (row[0], row[1])

    async def parts(self, job_id: int, attempt: int) -> list[JobPart]:
        """Every part of the attempt, in part order."""
        statement = (
            select(JobPart)
            .where(JobPart.job_id == job_id, JobPart.attempt == attempt)
            .order_by(JobPart.part)
        )
        return list(await self.session.scalars(statement))
