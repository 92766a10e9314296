"""Where a data source's files live while Tally needs them (under TALLY_DATA_DIR)."""

from __future__ import annotations

from pathlib import Path

from tally.config import Settings


def spool_dir(settings: Settings) -> Path:
    """Incoming uploads, before they belong to a data source."""
    return settings.data_dir / "uploads" / "incoming"


def upload_path(settings: Settings, source_id: int) -> Path:
    """The uploaded file of a source, kept until its ingestion finished (for crash recovery)."""
    return settings.data_dir / "uploads" / f"source-{source_id}"


def skipped_path(settings: Settings, source_id: int) -> Path:
    """Rows skipped with on_error=skip, as CSV for download."""
    return settings.data_dir / "skipped" / f"source-{source_id}.csv"


def append_path(settings: Settings, append_id: int) -> Path:
    """The file of an append to an existing source, kept until its load finished."""
    return settings.data_dir / "uploads" / f"append-{append_id}"


def append_skipped_path(settings: Settings, append_id: int) -> Path:
    """Rows of an append skipped with on_error=skip, as CSV."""
    return settings.data_dir / "skipped" / f"append-{append_id}.csv"
