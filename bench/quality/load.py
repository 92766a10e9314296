"""Load a case's files the way an upload is loaded, with nothing given, into the job's frames.

Each file goes through Tally's own reading path: format detection and preflight on the file's
head (``tally.sources.reading.preview_file`` with empty options, exactly what an upload with no
mapping does), then the full read with the plan preflight proposed. The records become the frame a
job hands the matching engine (``tally.sources.frames.FRAME_SCHEMA``); ids are the row numbers
(right side offset), so the truth's row numbers are record ids.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from bench.quality.case import Case
from tally.ingest.errors import OptionsError
from tally.sources.frames import FRAME_SCHEMA
from tally.sources.reading import HEAD_BYTES, UploadOptions, preview_file, read_file

RIGHT_ID_OFFSET = 1_000_000_000


@dataclass(frozen=True)
class LoadedSide:
    frame: pl.DataFrame
    mapping: dict[str, str]  # what detection mapped: Tally field -> file column
    options: dict[str, Any]
    # What the upload had to ask the user (detection could not decide it), e.g. the date format
    # of a file whose dates fit DD/MM and MM/DD alike all the way through the read-ahead (see
    # tally.ingest.readahead); empty when nothing was asked.
    asked: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LoadedCase:
    case: Case
    left: LoadedSide
    right: LoadedSide
    truth: pl.DataFrame  # left_id, right_id, scenario
    twins: pl.DataFrame  # side, id, copy_of_id (rows exported twice)


def load_file(path: Path, id_offset: int = 0, date_format: str | None = None) -> LoadedSide:
    """One file read as an upload with no options, as the engine's record frame.

    When detection cannot decide the date format the upload asks the user; ``date_format`` is the
    answer (the format the file was written in), recorded in ``asked``.
    """
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    asked: dict[str, str] = {}
    try:
        options, batches = _read(path, head, UploadOptions())
    except OptionsError as error:
        # Detection could not decide the date format (it asks): the user answers with the
        # file's format.
        if date_format is None or "date_format" not in str(error):
            raise
        asked["date_format"] = f"{date_format} (detection: {error})"
        options, batches = _read(path, head, UploadOptions(date_format=date_format))
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
    mapping = dict(options.get("mapping") or {})
    return LoadedSide(frame, mapping, options, asked)


def _read(
    path: Path, head: bytes, upload: UploadOptions
) -> tuple[dict[str, Any], list[pa.RecordBatch]]:
    """Preflight on the head, then the whole file with the plan preflight proposed."""
    preview = preview_file(head, complete=len(head) < HEAD_BYTES, options=upload, path=path)
    if preview.errors:
        raise ValueError(f"{path.name}: preflight errors {preview.errors[:3]}")
    batches: list[pa.RecordBatch] = []
    for batch in read_file(path, preview.plan, batch_rows=100_000):
        if batch.errors:
            raise ValueError(f"{path.name}: {batch.errors[:3]}")
        batches.append(batch.records)
    return preview.plan.options or {}, batches


def load_case(case: Case) -> LoadedCase:
    left = load_file(case.left, date_format=case.date_formats.get("left"))
    right = load_file(case.right, RIGHT_ID_OFFSET, date_format=case.date_formats.get("right"))
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
