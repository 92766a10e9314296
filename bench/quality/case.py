"""A generated reconciliation case: two real files plus the truth, written to a directory.

The files are what a user uploads (a ledger export, a bank export ...); the truth says which rows
belong together and why (its scenario). Rows are numbered 1.. in file order, the same numbering
ingestion gives them (``row_number``), so the truth needs no ids.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

TRUTH_FILE = "truth.csv"
TWINS_FILE = "twins.csv"
META_FILE = "case.json"


@dataclass
class _Row:
    day: dt.date
    cells: list[str]
    twin_of: int | None = None  # an exported-twice copy of this row index


@dataclass
class SideWriter:
    """The rows of one file; written sorted by date, as exports are."""

    filename: str
    header: list[str]
    encoding: str
    delimiter: str
    rows: list[_Row] = field(default_factory=list)

    def add(self, day: dt.date, cells: list[str]) -> int:
        self.rows.append(_Row(day, cells))
        return len(self.rows) - 1

    def export_twice(self, index: int) -> int:
        """A second, identical copy of row ``index`` (a bank exporting an overlap twice)."""
        original = self.rows[index]
        self.rows.append(_Row(original.day, list(original.cells), twin_of=index))
        return len(self.rows) - 1

    def row_numbers(self) -> list[int]:
        """Each row's 1-based position in the written file (sorted by date, stable)."""

        def key(i: int) -> tuple[dt.date, int, int]:
            row = self.rows[i]
            anchor = row.twin_of if row.twin_of is not None else i
            return (row.day, anchor, 0 if row.twin_of is None else 1)

        order = sorted(range(len(self.rows)), key=key)
        numbers = [0] * len(self.rows)
        for position, index in enumerate(order):
            numbers[index] = position + 1
        return numbers

    def write(self, directory: Path, numbers: list[int]) -> Path:
        path = directory / self.filename
        ordered = sorted(range(len(self.rows)), key=lambda i: numbers[i])
        # newline="" with csv's own "\r\n"-free terminator: exports on Windows write \r\n, ours
        # write \n; both are read alike.
        with path.open("w", encoding=self.encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=self.delimiter, lineterminator="\n")
            writer.writerow(self.header)
            for index in ordered:
                writer.writerow(self.rows[index].cells)
        return path


@dataclass
class CaseWriter:
    """Collects both sides and the true pairs, then writes files with the rows renumbered."""

    name: str
    left: SideWriter
    right: SideWriter
    truth: list[tuple[int, int, str]] = field(default_factory=list)
    notes: dict[str, object] = field(default_factory=dict)

    def pair(self, left: int, right: int, scenario: str) -> None:
        self.truth.append((left, right, scenario))

    def write(self, directory: Path) -> Case:
        directory.mkdir(parents=True, exist_ok=True)
        left_numbers = self.left.row_numbers()
        right_numbers = self.right.row_numbers()
        left_path = self.left.write(directory, left_numbers)
        right_path = self.right.write(directory, right_numbers)
        with (directory / TRUTH_FILE).open("w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["left_row", "right_row", "scenario"])
            for left, right, scenario in sorted(
                self.truth, key=lambda t: (left_numbers[t[0]], right_numbers[t[1]])
            ):
                writer.writerow([left_numbers[left], right_numbers[right], scenario])
        with (directory / TWINS_FILE).open("w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["side", "row", "copy_of_row"])
            for side, numbers in (("left", left_numbers), ("right", right_numbers)):
                rows = (self.left if side == "left" else self.right).rows
                for index, row in enumerate(rows):
                    if row.twin_of is not None:
                        writer.writerow([side, numbers[index], numbers[row.twin_of]])
        meta = {
            "name": self.name,
            "left": left_path.name,
            "right": right_path.name,
            "left_rows": len(self.left.rows),
            "right_rows": len(self.right.rows),
            "true_pairs": len(self.truth),
            **self.notes,
        }
        (directory / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
        return Case.open(directory)


@dataclass(frozen=True)
class Case:
    """A case on disk: the two files a user would upload, and the truth beside them."""

    directory: Path
    name: str
    left: Path
    right: Path

    @property
    def truth_path(self) -> Path:
        return self.directory / TRUTH_FILE

    @property
    def twins_path(self) -> Path:
        return self.directory / TWINS_FILE

    @classmethod
    def open(cls, directory: Path) -> Case:
        meta = json.loads((directory / META_FILE).read_text())
        return cls(directory, meta["name"], directory / meta["left"], directory / meta["right"])
