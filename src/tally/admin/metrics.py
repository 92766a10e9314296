"""Prometheus metrics: HTTP request histograms, cache and pool figures, SQL statement counts.

Hot-path recording is plain counters (see tally.cache.stats); prometheus_client only renders them,
from a registry of the app's own (several apps may live in one test process).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from prometheus_client import CollectorRegistry, ProcessCollector
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tally.cache.core import Cache
from tally.cache.stats import Histogram
from tally.kit.db import Database

HTTP_BUCKETS = (
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip

# What kind of work the current task does, so SQL statements can be counted per kind:
# "read" (GET/HEAD requests, and the cache refreshes they start), "write", or "background".
request_kind: ContextVar[str] = ContextVar("tally_request_kind", default="background")


class Metrics:
    """The app's own figures, and the registry /metrics renders."""

    def __init__(self) -> None:
        self.requests: defaultdict[tuple[str, str, str], int] = defaultdict(int)
        self.durations: defaultdict[tuple[str, str], Histogram] = defaultdict(
            lambda: Histogram(HTTP_BUCKETS)
        )
        self.statements: defaultdict[str, int] = defaultdict(int)
        self.cache: Cache | None = None
        self.database: Database | None = None
        self._engine: Engine | None = None
        self.registry = CollectorRegistry(auto_describe=True)
        self.registry.register(_Collector(self))
        ProcessCollector(registry=self.registry)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[method, route, str(status)] += 1
        self.durations[method, route].observe(seconds)

    def attach(self, database: Database, cache: Cache) -> None:
        self.database, self.cache = database, cache
        self._engine = database.engine.sync_engine
        event.listen(self._engine, "before_cursor_execute", self._on_statement)

    def detach(self) -> None:
        if self._engine is not None:
            event.remove(self._engine, "before_cursor_execute", self._on_statement)
            self._engine = None

    def _on_statement(self, *_args: Any) -> None:
        self.statements[request_kind.get()] += 1


class MetricsMiddleware:
    """Times every HTTP request by method, route template and status (pure ASGI: cheap)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        status = 500
        started = time.perf_counter()

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        token = request_kind.set("read" if method in ("GET", "HEAD") else "write")
        try:
            await self.app(scope, receive, send_with_status)
        finally:
            request_kind.reset(token)
            label = route_label(scope)
            self.metrics.observe_request(method, label, status, time.perf_counter() - started)


def route_label(scope: Scope) -> str:
    """The matched route's template with its include prefix (``/api/v1/projects/{project_id}``),
    never the raw path, so that label values stay few.

    FastAPI puts the route as declared in its router in the scope, without the prefixes it was
    included under; those are static here, so they are the raw path's leading segments.
    """
    served_early: str | None = scope.get("tally.route")  # by tally.fast_reads, before routing
    if served_early is not None:
        return served_early
    template: str | None = getattr(scope.get("route"), "path", None)
    if template is None:
        return "unmatched"
    segments = scope["path"].rstrip("/").split("/")
    prefix = "/".join(segments[: max(len(segments) - template.count("/"), 1)])
    return prefix + template


def _histogram(name: str, doc: str, labels: list[str]) -> HistogramMetricFamily:
    return HistogramMetricFamily(name, doc, labels=labels)


def _add(family: HistogramMetricFamily, labels: list[str], histogram: Histogram) -> None:
    family.add_metric(labels, buckets=histogram.cumulative(), sum_value=histogram.sum)


class _Collector(Collector):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        yield from self._http()
        yield from self._cache()
        yield from self._database()

    def _http(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "tally_http_requests", "HTTP requests served", labels=["method", "route", "status"]
        )
        for (method, route, status), count in list(self.metrics.requests.items()):
            requests.add_metric([method, route, status], count)
        yield requests
        durations = _histogram(
            "tally_http_request_duration_seconds", "HTTP request latency", ["method", "route"]
        )
        for (method, route), histogram in list(self.metrics.durations.items()):
            _add(durations, [method, route], histogram)
        yield durations

    def _cache(self) -> Iterator[Metric]:
        cache = self.metrics.cache
        if cache is None:
            return
        stats = cache.stats
        hits = CounterMetricFamily(
            "tally_cache_hits", "Cache hits by family and tier", labels=["family", "tier"]
        )
        misses = CounterMetricFamily("tally_cache_misses", "Cache misses", labels=["family"])
        bypassed = CounterMetricFamily(
            "tally_cache_bypassed", "Reads served uncached: Redis unavailable", labels=["family"]
        )
        loads = CounterMetricFamily("tally_cache_loads", "Database loads", labels=["family"])
        load_seconds = _histogram("tally_cache_load_seconds", "Loader latency", ["family"])
        for name, family in list(stats.families.items()):
            hits.add_metric([name, "local"], family.hits_local)
            hits.add_metric([name, "redis"], family.hits_redis)
            misses.add_metric([name], family.misses)
            bypassed.add_metric([name], family.bypassed)
            loads.add_metric([name], family.loads)
            _add(load_seconds, [name], family.load_seconds)
        yield from (hits, misses, bypassed, loads, load_seconds)

        operations = _histogram(
            "tally_cache_operation_seconds", "Cache backend call latency", ["tier", "operation"]
        )
        for (tier, operation), histogram in list(stats.latency.items()):
            _add(operations, [tier, operation], histogram)
        yield operations
        errors = CounterMetricFamily(
            "tally_cache_errors", "Failed Redis calls", labels=["operation"]
        )
        for operation, count in list(stats.errors.items()):
            errors.add_metric([operation], count)
        yield errors
        yield CounterMetricFamily(
            "tally_cache_invalidations", "Namespace bumps requested", value=stats.invalidations
        )
        yield CounterMetricFamily(
            "tally_cache_invalidation_failures",
            "Bumps Redis did not receive (recovered by an epoch bump)",
            value=stats.invalidation_failures,
        )
        breaker = cache.breaker
        yield GaugeMetricFamily(
            "tally_cache_breaker_open",
            "1 while Redis is bypassed",
            value=0 if breaker.is_closed else 1,
        )
        yield CounterMetricFamily(
            "tally_cache_breaker_opened", "Times the breaker opened", value=breaker.opened_total
        )
        local = cache.local
        if local is not None:
            yield GaugeMetricFamily(
                "tally_cache_local_bytes", "In-process tier size", value=local.bytes
            )
            yield GaugeMetricFamily(
                "tally_cache_local_entries", "In-process entries", value=len(local)
            )
            yield CounterMetricFamily(
                "tally_cache_local_evictions", "LRU evictions", value=local.evictions
            )

    def _database(self) -> Iterator[Metric]:
        statements = CounterMetricFamily(
            "tally_db_statements", "SQL statements sent, by kind of work", labels=["kind"]
        )
        for kind, count in list(self.metrics.statements.items()):
            statements.add_metric([kind], count)
        yield statements
        database = self.metrics.database
        if database is None:
            return
        pool = database.pool_status()
        for name in ("size", "checked_out", "overflow", "waiters", "capacity"):
            yield GaugeMetricFamily(
                f"tally_db_pool_{name}", f"Connection pool {name}", value=pool[name]
            )
        yield GaugeMetricFamily(
            "tally_db_pool_usage_ratio", "Checked out / capacity", value=pool["usage_pct"] / 100
        )
        for name in ("timeouts", "retries", "connect_errors", "unavailable_responses"):
            yield CounterMetricFamily(f"tally_db_pool_{name}", f"Pool {name}", value=pool[name])
