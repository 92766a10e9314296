"""Rows read so far by the ingestions running in this process (`tally ingest` shows its bar from
it); every load also publishes its progress in the database (IngestProgress) for other processes:
the embedded server loads in a child process (tally.sources.child_process)."""

from __future__ import annotations

import threading


class ProgressBoard:
    def __init__(self) -> None:
        self._rows: dict[int, int] = {}
        self._lock = threading.Lock()

    def update(self, source_id: int, rows_done: int) -> None:
        with self._lock:
            self._rows[source_id] = rows_done

    def finish(self, source_id: int) -> None:
        with self._lock:
            self._rows.pop(source_id, None)

    def rows_done(self, source_id: int) -> int | None:
        with self._lock:
            return self._rows.get(source_id)


progress_board = ProgressBoard()
