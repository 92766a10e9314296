"""Counters and latency histograms the cache keeps for /admin/cache/stats and /metrics.

Plain integers and a bisect per observation: cheaper on the hot path than prometheus_client's
locked metrics. The /metrics collector turns them into Prometheus families at scrape time.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

# Seconds: from a local dict lookup (~1 us) to a Redis call that ran out its budget.
LATENCY_BUCKETS = (
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
)  # fmt: skip


class Histogram:
    __slots__ = ("bounds", "count", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...] = LATENCY_BUCKETS) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)
        self.count = 0
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.count += 1
        self.sum += value

    def cumulative(self) -> list[tuple[str, int]]:
        """(upper bound, observations <= bound) pairs ending with +Inf, as Prometheus wants."""
        running, out = 0, []
        for bound, count in zip((*self.bounds, float("inf")), self.counts, strict=True):
            running += count
            out.append(("+Inf" if bound == float("inf") else repr(bound), running))
        return out

    def quantile(self, q: float) -> float | None:
        """Upper bound of the bucket holding quantile ``q`` (coarse; for the stats page)."""
        if self.count == 0:
            return None
        target, running = q * self.count, 0
        for bound, count in zip(self.bounds, self.counts, strict=False):
            running += count
            if running >= target:
                return bound
        return self.bounds[-1]


@dataclass
class FamilyStats:
    hits_local: int = 0
    hits_redis: int = 0
    misses: int = 0
    # Served straight from the database because Redis was unavailable (breaker open, error).
    bypassed: int = 0
    loads: int = 0
    load_errors: int = 0
    stores: int = 0
    lease_waits: int = 0
    early_refreshes: int = 0
    load_seconds: Histogram = field(default_factory=Histogram)

    @property
    def hits(self) -> int:
        return self.hits_local + self.hits_redis

    @property
    def lookups(self) -> int:
        return self.hits + self.misses + self.bypassed

    def snapshot(self) -> dict[str, object]:
        lookups = self.lookups
        return {
            "hits": self.hits,
            "hits_local": self.hits_local,
            "hits_redis": self.hits_redis,
            "misses": self.misses,
            "bypassed": self.bypassed,
            "hit_ratio": round(self.hits / lookups, 4) if lookups else None,
            "loads": self.loads,
            "load_errors": self.load_errors,
            "stores": self.stores,
            "lease_waits": self.lease_waits,
            "early_refreshes": self.early_refreshes,
            "load_p50_s": self.load_seconds.quantile(0.5),
            "load_p99_s": self.load_seconds.quantile(0.99),
        }


@dataclass
class CacheStats:
    families: defaultdict[str, FamilyStats] = field(
        default_factory=lambda: defaultdict(FamilyStats)
    )
    # Redis failures by operation (get, set, generations, bump, lease, ping, ...).
    errors: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    # (tier, operation) -> latency of the calls that tier served.
    latency: defaultdict[tuple[str, str], Histogram] = field(
        default_factory=lambda: defaultdict(Histogram)
    )
    # Calls sent to Redis for reads and stores (an open breaker lets none through); recovery
    # probes and invalidations are not counted here.
    redis_calls: int = 0
    # Requests answered by tally.fast_reads, before FastAPI's routing.
    fast_path_hits: int = 0
    invalidations: int = 0
    invalidation_failures: int = 0
    epoch_bumps: int = 0
    local_flushes: int = 0

    def totals(self) -> dict[str, object]:
        total = FamilyStats()
        for family in self.families.values():
            total.hits_local += family.hits_local
            total.hits_redis += family.hits_redis
            total.misses += family.misses
            total.bypassed += family.bypassed
            total.loads += family.loads
            total.load_errors += family.load_errors
            total.stores += family.stores
            total.lease_waits += family.lease_waits
            total.early_refreshes += family.early_refreshes
        snapshot = total.snapshot()
        del snapshot["load_p50_s"], snapshot["load_p99_s"]
        return snapshot
