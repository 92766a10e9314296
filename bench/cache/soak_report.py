"""The cache soak's tables and report, from bench/cache/soak.json (bench/README.md uses the
tables too)."""

from __future__ import annotations

from typing import Any

READS = {
    "get_project": "`project:{id}`",
    "get_projects": "`projects:page:{page}`",
    "get_reconciliation_jobs": "`jobs:project:{id}`",
    "get_project_data_sources": "`data_sources:project:{id}`",
    "get_project_stats": "`stats:project:{id}`",
    "get_users": "`users:page:{page}:per_page:{per_page}`",
}
NAMES = {
    "redis": "Redis (REDIS_URL set)",
    "local": "in-process cache, no Redis",
    "off": "caching off (ENABLE_CACHE=false)",
}


def _ms(summary: dict[str, Any]) -> str:
    if not summary.get("n"):
        return "-"
    p99 = f"{summary['p99']:.1f}" if "p99" in summary else "n/a"
    return (
        f"{summary['min']:.1f} / {summary['median']:.1f} / {p99} / {summary['max']:.0f} "
        f"(n={summary['n']:,})"
    )


def _settled(series: list[dict[str, Any]], minute: float) -> list[dict[str, Any]]:
    return [point for point in series if point["t_s"] > minute * 60]


def soak_tables(data: dict[str, Any]) -> str:
    soak, s = data["soak"], data.get("server_settings", {})
    off = soak.get("off", {})
    off_sql = off.get("sql_per_request")
    rate, minutes = s.get("rate_per_s", "?"), s.get("minutes", "?")
    lines = [
        f"Each configuration: {minutes} min from a cold start at {rate} requests/s (open loop), "
        f"the three side by side on the same machine. Read latency min / median / p99 / max ms "
        f"from each request's due time.",
        "",
        "| cache | answered (errors; unanswered at the end) | SQL / request | database load vs off (SQL/request, cached / off) "
        "| SQL / read | SQL / write | hit ratio, six reads (whole window) "
        "| hit ratio after minute 5 | read latency ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, run in soak.items():
        sql = run["sql_per_request"]
        reduction = (
            f"**{1 - sql / off_sql:.1%} less** ({sql:.3f} / {off_sql:.3f})"
            if off_sql and name != "off"
            else "-"
        )
        late = [
            p["hit_ratio"] for p in _settled(run.get("series", []), 5) if p["hit_ratio"] is not None
        ]
        late_text = f"{min(late):.3f}-{max(late):.3f}" if late else "-"
        hit = run.get("hit_ratio")
        lines.append(
            f"| {NAMES.get(name, name)} | {run['requests']:,} ({run['errors']}; "
            f"{run.get('unanswered', 0):,} unanswered) | **{sql:.3f}** "
            f"| {reduction} | {run['sql_per_read']:.3f} | {run['sql_per_write']:.2f} "
            f"| {'-' if hit is None else f'{hit:.3f}'} | {late_text} | {_ms(run['read_ms'])} |"
        )
    lines += [
        "",
        "Per read (latency ms min / median / p99 / max; p99 only with >= 1,000 samples):",
        "",
        "| read | " + " | ".join(NAMES.get(n, n) for n in soak) + " |",
        "|---|" + "---|" * len(soak),
    ]
    for kind, key in {**READS, "write": "write: `PATCH /projects/{id}`"}.items():
        cells = " | ".join(_ms(run["ms_by_kind"].get(kind, {})) for run in soak.values())
        lines.append(f"| {key} | {cells} |")
    throughput = data.get("throughput") or {}
    if throughput:
        lines += [
            "",
            f"Throughput after the soak (closed loop, {s.get('throughput_connections', '?')} "
            f"connections, {s.get('throughput_windows', '?')} rounds of "
            f"{s.get('throughput_window_s', '?')} s windows alternating): each cached read "
            "against the same bytes from a bare ASGI callable (denominator 1) and from a bare "
            "FastAPI route (denominator 2) on the same server; median (min-max) of the rounds.",
            "",
            "| cache | read | read req/s | bare ASGI req/s | read / bare ASGI "
            "| bare FastAPI req/s | read / bare FastAPI |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, reads in throughput.items():
            for kind, figures in reads.items():
                rps = figures["rps"]

                def med(values: list[float]) -> str:
                    ordered = sorted(values)
                    return f"{ordered[len(ordered) // 2]:.0f}"

                a, f = figures["vs_asgi"], figures["vs_fastapi"]
                lines.append(
                    f"| {NAMES.get(name, name)} | {READS.get(kind, kind)} | {med(rps['read'])} "
                    f"| {med(rps['asgi'])} | **{a['median']:.2f}** ({a['min']:.2f}-{a['max']:.2f}) "
                    f"| {med(rps['fastapi'])} | **{f['median']:.2f}** ({f['min']:.2f}-{f['max']:.2f}) |"
                )
    return "\n".join(lines) + "\n"


def report(data: dict[str, Any]) -> str:
    s = data.get("server_settings", {})
    load = data.get("load_average", {})
    ttls = ", ".join(f"{k} {v // 60} min" for k, v in s.get("ttls_s", {}).items())
    longest = max(s.get("ttls_s", {}).values(), default=0)
    window = (
        "longer than the longest"
        if float(s.get("minutes", 0)) * 60 > longest
        else "**shorter than the longest lifetime: not a headline run**"
    )
    return f"""# Cache soak: six reads, cold start, longer than the longest lifetime

`{data.get("command")}` (PostgreSQL: {s.get("postgresql", "?")}). Taken {data.get("date")} in
{data.get("runtime_s")} s on {data.get("cpus")} CPUs shared with other work: 1-minute load average
{load.get("start")} at the start, {load.get("end")} at the end (per 30 s sample in soak.json).

## Method
- Three servers ({s.get("server", "")}), one per configuration, each on its own copy of the
  same seeded world (300 users, 1000 projects of 3 members, 2 sources, 3 jobs, stats) and started
  cold: empty caches, no warm-up, measured from the first request.
- Lifetimes: {ttls}; the window ({s.get("minutes")} min) is {window}.
- Load: open loop at a fixed {s.get("rate_per_s")} requests/s per server; read mix
  {", ".join(f"{k} {v:.0%}" for k, v in s.get("read_mix", {}).items())}, Zipf keys; every project
  read by one of its members (a membership check on each), the users pages by an administrator;
  {s.get("write_share", 0):.0%} writes (an owner editing their project's description: it
  invalidates the project's entry).
- SQL statements are the server's own count (`tally_db_statements_total`), hit ratios its
  `/admin/cache/stats`, both read every 30 s (the series in soak.json, plotted in
  bench/plots/cache_hit_ratio.png).

## Results

{soak_tables(data)}
Raw figures and the 30 s series: `bench/cache/soak.json`.
"""
