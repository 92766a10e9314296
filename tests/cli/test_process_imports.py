"""What `tally serve` and `tally worker` hold before their first job: not scipy (imported when a
job matches, `tally.matching.assignment.bipartite_components`), not openpyxl (when a workbook is
written), and on the embedded backend not procrastinate. A server or worker that only ingests does
not carry their ~65 MB of RSS (bench/rss/REPORT.md measures the peak). Checked by the modules a
fresh interpreter holds, not by a memory figure."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
from tally.app import create_app, load_task_modules
from tally.config import Settings
settings = Settings(TALLY_ENV="production", DATABASE_URL="sqlite+aiosqlite:///unused.db")
load_task_modules(settings)
create_app(settings)
lazy = ("scipy", "openpyxl", "procrastinate")
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(lazy))))
"""

_MATCH = """
import json, sys
import numpy as np
from tally.matching.assignment import bipartite_components
labels = bipartite_components(np.array([0, 1, 2]), np.array([0, 0, 1]), 3, 2)
print(json.dumps(labels.tolist()))
"""


def _run(code: str) -> object:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_server_and_worker_start_without_what_only_jobs_and_exports_use() -> None:
    assert _run(_PROBE) == []


def test_bipartite_components_label_left_then_right_nodes() -> None:
    # Left 0 and 1 share right 0; left 2 with right 1 is a component of its own.
    left0, left1, left2, right0, right1 = _run(_MATCH)  # type: ignore[misc]
    assert left0 == left1 == right0
    assert left2 == right1
    assert left0 != left2
