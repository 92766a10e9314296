"""Load a case's files the way an upload is loaded, with nothing given, into the job's frames.

Each file goes through Tally's own reading path: format detection and preflight on the file's
head (``tally.sources.reading.preview_file`` with empty options, exactly what an upload with no
mapping does), then the full read with the plan preflight proposed. The records become the frame a
job hands the matching engine (``tally.sources.frames.FRAME_SCHEMA``); ids are the row numbers
(right side offset), so the truth's row numbers are record ids.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from bench.quality.case import Case
from tally.sources.frames import FRAME_SCHEMA
from tally.sources.reading import HEAD_BYTES, UploadOptions, preview_file, read_file

RIGHT_ID_OFFSET = 1_000_000_000


@dataclass(frozen=True)
class LoadedSide:
    frame: pl.DataFrame
    mapping: dict[str, str]  # what detection mapped: Tally field -> file column
    options: dict[str, Any]


@dataclass(frozen=True)
class LoadedCase:
    case: Case
    left: LoadedSide
    right: LoadedSide
    truth: pl.DataFrame  # left_id, right_id, scenario
    twins: pl.DataFrame  # side, id, copy_of_id (rows exported twice)


def load_file(path: Path, id_offset: int = 0) -> LoadedSide:
    """One file read as an upload with no options, as the engine's record frame."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    complete = len(head) < HEAD_BYTES
    preview = preview_file(head, complete=complete, options=UploadOptions(), path=path)
    if preview.errors:
        raise ValueError(f"{path.name}: preflight errors {preview.errors[:3]}")
    batches: list[pa.RecordBatch] = []
    for batch in read_file(path, preview.plan, batch_rows=100_000):
        if batch.errors:
            raise ValueError(f"{path.name}: {batch.errors[:3]}")
        batches.append(batch.records)
    table = pa.Table.from_batches(batches)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    frame = frame.with_columns((pl.col("row_number") + id_offset).alias("id"))
    frame = frame.select(
        [
            pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
            for name, dtype in FRAME_SCHEMA.items()
        ]
    )
    options = preview.plan.options or {}
    mapping = dict(options.get("mapping") or {})
    return LoadedSide(frame, mapping, options)


def load_case(case: Case) -> LoadedCase:
    left = load_file(case.left)
    right = load_file(case.right, RIGHT_ID_OFFSET)
    truth = pl.read_csv(case.truth_path).select(
        pl.col("left_row").cast(pl.Int64).alias("left_id"),
        (pl.col("right_row").cast(pl.Int64) + RIGHT_ID_OFFSET).alias("right_id"),
        pl.col("scenario").cast(pl.String),
    )
    rows: list[tuple[str, int, int]] = []
    with case.twins_path.open() as handle:
        for row in csv.DictReader(handle):
            offset = RIGHT_ID_OFFSET if row["side"] == "right" else 0
            rows.append((row["side"], int(row["row"]) + offset, int(row["copy_of_row"]) + offset))
    twins = pl.DataFrame(
        rows, schema={"side": pl.String, "id": pl.Int64, "copy_of_id": pl.Int64}, orient="row"
    )
    return LoadedCase(case, left, right, truth, twins)
