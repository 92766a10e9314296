"""`scripts/bench report` (bench/report.py): bench/README.md is what the stored results give, every
stored result is read, and the plots are drawn from them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import report

PNG = b"\x89PNG\r\n\x1a\n"


def test_bench_readme_is_what_the_stored_results_give() -> None:
    parts = report.sections()
    assert (report.BENCH / "README.md").read_text() == report.render(parts), (
        "bench/README.md is stale: run scripts/bench report"
    )


def test_every_stored_result_is_read() -> None:
    text = report.render(report.sections())
    assert report.UNREADABLE not in text


def test_the_plots_are_drawn_from_the_stored_results(tmp_path: Path) -> None:
    parts = report.sections()
    written = report.write_plots(parts, tmp_path)
    assert written, "no plot drawn"
    text = report.render(parts)
    for path in written:
        assert path.read_bytes().startswith(PNG)
        assert f"]({report.PLOTS}/{path.name})" in text


def _runs(seconds: float, rss: float, **more: float) -> list[dict[str, Any]]:
    return [
        {"load_average_1m": 1.0, "peak_rss_mb": rss + i, **{k: v * (1 + i / 10) for k, v in
         {"tally_s": seconds, **more}.items()}}
        for i in range(5)
    ]  # fmt: skip


@pytest.fixture
def results_tree(tmp_path: Path) -> Path:
    """A bench/ tree holding results in the shapes the benchmarks store."""
    (tmp_path / "README.in.md").write_text("# Benchmarks\n")
    settings = {"backend": "postgresql", "durable": True, "fsync": "on",
                "synchronous_commit": "on", "full_page_writes": "on", "server_version": "15.8"}  # fmt: skip
    copies = {"same_table_copy_s": 14.0, "bare_heap_copy_s": 2.0, "fresh_copy_s": 1.5,
              "fresh_index_build_s": 6.0}  # fmt: skip
    ingest = {
        "command": "python -m bench.ingest.bench_ingest --rows 1000 10000 --repeat 5",
        "date": "2026-12-07 15:00 UTC",
        "settings": {"postgresql": settings, "sqlite": {"backend": "sqlite"}},
        "postgresql": {
            str(n): {"file_mb": n / 1e4, "runs": _runs(n / 1e5, 230, **copies)}
            for n in (1000, 10000)
        },
        "sqlite": {"1000": [{"seconds": 1.0 + i, "peak_rss_mb": 240} for i in range(5)]},
    }
    jobs = {
        "command": "python -m bench.jobs.bench_job --sizes 1000 10000",
        "settings": {"postgresql": settings},
        "sizes": [
            {"backend": "postgresql", "n": n, "duckdb_runs_s": [0.1] * 5,
             "runs": [{"task_s": 2.0, "job_s": 1.5, "index_results_s": 0.5, "peak_rss_mb": 300}] * 5}
            for n in (1000, 10000)
        ],
    }  # fmt: skip
    export = {"command": "python -m bench.export.bench_export", "sizes": [
        {"matches": n, "runs": [{"tally_s": 1.0, "bare_copy_s": 0.5, "peak_rss_mb": 200}] * 5}
        for n in (1000, 10000)
    ]}  # fmt: skip
    point = {"t_s": 30.0, "requests": 600, "sql_per_request": 0.2, "hit_ratio": 0.9,
             "read_ms": {"n": 570, "min": 1.0, "median": 2.0, "max": 9.0}}  # fmt: skip
    summary = {"n": 2000, "min": 1.0, "median": 2.0, "p99": 8.0, "max": 9.0}
    soak = {
        "command": "python -m bench.cache.soak --minutes 32 --rate 20",
        "server_settings": {"postgresql": "durable (PostgreSQL defaults)", "rate_per_s": 20},
        "soak": {
            name: {"requests": 38400, "errors": 0, "sql_per_request": sql, "sql_per_read": sql,
                   "sql_per_write": 1.0, "hit_ratio": None if name == "off" else 0.95,
                   "read_ms": summary, "ms_by_kind": {"get_project": summary},
                   "series": [point, {**point, "t_s": 600.0}]}
            for name, sql in (("redis", 0.2), ("local", 0.25), ("off", 3.0))
        },
        "throughput": {"redis": {"get_project": {
            "rps": {"read": [900.0], "asgi": [3000.0], "fastapi": [1000.0]},
            "vs_asgi": {"min": 0.3, "median": 0.3, "max": 0.3},
            "vs_fastapi": {"min": 0.9, "median": 0.9, "max": 0.9}}}},
    }  # fmt: skip
    for relative, body in (("ingest/results.json", ingest), ("jobs/results.json", jobs),
                           ("export/results.json", export), ("cache/soak.json", soak)):  # fmt: skip
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(json.dumps(body))
    return tmp_path


def test_size_and_cache_results_give_tables_with_both_denominators_and_plots(
    results_tree: Path,
) -> None:
    parts = report.sections(results_tree)
    text = report.render(parts, results_tree)
    assert report.UNREADABLE not in text
    assert "No stored results" not in text.split("### Statement formats")[0]
    # Ingest: both denominators (same-table COPY and bare heap) with min-max over 5 runs.
    ingest_row = next(line for line in text.splitlines() if line.startswith("| 10,000 | 1.0 MB"))
    assert ingest_row.count("5 runs") >= 5
    assert "PostgreSQL 15.8 (durable" in text
    assert "python -m bench.jobs.bench_job --sizes 1000 10000" in text
    assert "| 1,000 | 0.50 (0.50-0.50, 5 runs) | 1.00 (1.00-1.00, 5 runs) |" in text  # export
    assert "**93.3% less** (0.200 / 3.000)" in text  # cache: database load against off
    assert "**0.30** (0.30-0.30)" in text and "**0.90** (0.90-0.90)" in text  # ASGI, FastAPI
    written = {p.name for p in report.write_plots(parts, results_tree / "plots")}
    assert written == {"ingest.png", "jobs.png", "export.png", "cache_hit_ratio.png"}


def test_a_missing_result_says_which_command_makes_it(tmp_path: Path) -> None:
    (tmp_path / "README.in.md").write_text("# Benchmarks\n")
    text = report.render(report.sections(tmp_path), tmp_path)
    assert "run `scripts/bench ingest`" in text
    assert "run `scripts/bench cache-soak`" in text
