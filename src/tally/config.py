"""The one Settings object: every tunable comes from the environment (or a `.env` file)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "production", "test"]
TaskBackend = Literal["embedded", "procrastinate"]

# Pool defaults per environment: production sizes for a real PostgreSQL server, small ones for a
# laptop or a test run, where many short-lived engines would otherwise hold idle connections.
_POOL_DEFAULTS: dict[str, dict[str, object]] = {
    "production": {
        "db_pool_size": 20,
        "db_max_overflow": 10,
        "db_pool_timeout": 30.0,
        "db_pool_recycle": 1800,
        "db_pool_pre_ping": True,
    },
    "development": {
        "db_pool_size": 5,
        "db_max_overflow": 5,
        "db_pool_timeout": 5.0,
        "db_pool_recycle": 1800,
        "db_pool_pre_ping": True,
    },
    "test": {
        "db_pool_size": 5,
        "db_max_overflow": 5,
        "db_pool_timeout": 2.0,
        "db_pool_recycle": 1800,
        "db_pool_pre_ping": True,
    },
}


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("tally", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    env: Environment = Field("development", alias="TALLY_ENV")
    data_dir: Path = Field(default_factory=default_data_dir, alias="TALLY_DATA_DIR")
    database_url: str | None = Field(None, alias="DATABASE_URL")
    redis_url: str | None = Field(None, alias="REDIS_URL")
    enable_cache: bool = Field(True, alias="ENABLE_CACHE")
    # Fallback TTL (seconds) for cache families without their own entry in CACHE_TTLS.
    cache_ttl: int = Field(300, alias="CACHE_TTL", ge=1)
    # Per-family TTLs (seconds) merged over tally.cache.keys.DEFAULT_TTLS, e.g. '{"stats": 600}'.
    cache_ttls: dict[str, int] = Field(default_factory=dict, alias="CACHE_TTLS")
    # Prefix of every Redis key and of the invalidation channel (several deployments, one Redis).
    cache_key_prefix: str = Field("tally:", alias="CACHE_KEY_PREFIX", min_length=1)
    # Tags every value stored in Redis (not the generations, which all versions share so that a
    # write through a new server invalidates what an old one serves during a rolling deploy).
    # Unset: a fingerprint of the running code, so a deploy never reads a value an older version
    # stored in another shape (tally.cache.shape).
    cache_shape: str | None = Field(None, alias="CACHE_SHAPE", min_length=1)
    # The in-process tier's size limit; 0 turns the tier off (then every hit is a Redis GET).
    cache_local_max_bytes: int = Field(64 * 1024**2, alias="CACHE_LOCAL_MAX_BYTES", ge=0)
    # Budget of one Redis call (connect, send and reply), after which it counts as failed.
    cache_redis_timeout: float = Field(0.05, alias="CACHE_REDIS_TIMEOUT", gt=0)
    # Consecutive Redis failures that open the breaker; while open the cache is bypassed.
    cache_breaker_threshold: int = Field(3, alias="CACHE_BREAKER_THRESHOLD", ge=1)
    # Seconds between recovery probes while the breaker is open.
    cache_breaker_cooldown: float = Field(1.0, alias="CACHE_BREAKER_COOLDOWN", gt=0)
    # Lease (seconds) one process holds while it loads a missing key for every process.
    cache_lock_ttl: float = Field(2.0, alias="CACHE_LOCK_TTL", gt=0)
    # Share of a TTL at the end of which one request refreshes the entry in the background.
    cache_early_refresh: float = Field(0.1, alias="CACHE_EARLY_REFRESH", ge=0, lt=1)
    # Serve hits of the six cached reads before FastAPI's routing (tally.fast_reads).
    cache_fast_path: bool = Field(True, alias="CACHE_FAST_PATH")
    # How often the in-process tier checks that its invalidation subscription is alive.
    cache_heartbeat: float = Field(0.1, alias="CACHE_HEARTBEAT", gt=0)
    # Static bearer token for GET /metrics (scrapers); unset, only an administrator's token works.
    metrics_token: str | None = Field(None, alias="METRICS_TOKEN")

    db_pool_size: int | None = Field(None, alias="DB_POOL_SIZE", ge=1)
    db_max_overflow: int | None = Field(None, alias="DB_MAX_OVERFLOW", ge=0)
    db_pool_timeout: float | None = Field(None, alias="DB_POOL_TIMEOUT", gt=0)
    db_pool_recycle: int | None = Field(None, alias="DB_POOL_RECYCLE")
    db_pool_pre_ping: bool | None = Field(None, alias="DB_POOL_PRE_PING")
    db_connect_timeout: float = Field(2.0, alias="DB_CONNECT_TIMEOUT", gt=0)
    # The longest one checkout waits for a connection, retries and back-off included; then 503.
    # Without it the production pool (30 s time-out, 3 retries) keeps a request about 2 minutes.
    db_pool_max_wait: float = Field(3.0, alias="DB_POOL_MAX_WAIT", gt=0)
    db_pool_warn_ratio: float = Field(0.8, alias="DB_POOL_WARN_RATIO", gt=0, le=1)

    token_ttl_days: int = Field(30, alias="TALLY_TOKEN_TTL_DAYS", ge=1)
    # How long a project invitation's link stays valid.
    invitation_ttl_days: int = Field(7, alias="TALLY_INVITATION_TTL_DAYS", ge=1)
    # Results (matches, links) of finished jobs older than this are removed by the cleanup task;
    # the job row and its summary stay. 0 keeps results forever.
    result_retention_days: int = Field(90, alias="TALLY_RESULT_RETENTION_DAYS", ge=0)
    # Sources holding more records than this together have their rules inferred in the
    # background (the infer endpoint answers 202; a first job infers them in its own task);
    # below it, within the request. Inference reads a bounded sample, so the wait inline is
    # mostly loading the records (bench/infer/REPORT.md).
    infer_inline_max_records: int = Field(100_000, alias="TALLY_INFER_INLINE_MAX_RECORDS", ge=0)
    max_upload_bytes: int = Field(5 * 1024**3, alias="TALLY_MAX_UPLOAD_BYTES", ge=1)
    # Any request body that is not a file upload (JSON, forms), refused before it is parsed.
    max_body_bytes: int = Field(1024**2, alias="TALLY_MAX_BODY_BYTES", ge=1024)
    # What one source may expand to: bytes after decompression, rows, columns (every format).
    max_expanded_bytes: int = Field(20 * 1024**3, alias="TALLY_MAX_EXPANDED_BYTES", ge=1)
    max_source_rows: int = Field(50_000_000, alias="TALLY_MAX_SOURCE_ROWS", ge=1)
    max_columns: int = Field(1000, alias="TALLY_MAX_COLUMNS", ge=1)
    # Compressed uploads (gzip, XLSX parts) expanding more than this many times are bombs.
    max_compression_ratio: int = Field(200, alias="TALLY_MAX_COMPRESSION_RATIO", ge=2)
    max_sheet_bytes: int = Field(2 * 1024**3, alias="TALLY_MAX_SHEET_BYTES", ge=1)
    # Failed logins before a pause, counted per account and per client address, in a window.
    login_max_failures: int = Field(10, alias="TALLY_LOGIN_MAX_FAILURES", ge=1)
    login_address_max_failures: int = Field(50, alias="TALLY_LOGIN_ADDRESS_MAX_FAILURES", ge=1)
    login_window_seconds: int = Field(900, alias="TALLY_LOGIN_WINDOW_SECONDS", ge=1)
    # Password verifications running at once (argon2 takes ~50 ms of CPU and 64 MiB each); the
    # default leaves one core to the event loop, so logins never starve other requests.
    password_threads: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 2) - 1),
        alias="TALLY_PASSWORD_THREADS",
        ge=1,
    )
    # Trust X-Forwarded-Proto/-For from these proxy addresses (comma-separated; "*" for any).
    forwarded_allow_ips: str = Field("127.0.0.1", alias="TALLY_FORWARDED_ALLOW_IPS")
    # Seconds a client may take to send its request headers / stay idle between requests.
    header_timeout_seconds: float = Field(10.0, alias="TALLY_HEADER_TIMEOUT_SECONDS", gt=0)
    keep_alive_seconds: int = Field(5, alias="TALLY_KEEP_ALIVE_SECONDS", ge=1)
    host: str = Field("127.0.0.1", alias="TALLY_HOST")
    port: int = Field(8000, alias="TALLY_PORT")
    log_level: str = Field("INFO", alias="TALLY_LOG_LEVEL")

    # Background tasks (tally.kit.tasks). Backend: embedded in the server, or procrastinate workers
    # (`tally worker`); unset means procrastinate on PostgreSQL outside tests, embedded otherwise.
    task_backend: TaskBackend | None = Field(None, alias="TALLY_TASK_BACKEND")
    task_concurrency: int = Field(2, alias="TALLY_TASK_CONCURRENCY", ge=1)
    # Where the embedded server loads uploads: "child" (a process of its own, so parsing never
    # holds the server's GIL; at niceness TALLY_INGEST_NICE on PostgreSQL) or "inline".
    ingest_process: Literal["child", "inline"] = Field("child", alias="TALLY_INGEST_PROCESS")
    ingest_nice: int = Field(10, alias="TALLY_INGEST_NICE", ge=0, le=19)
    task_imports: str = Field("", alias="TALLY_TASK_IMPORTS")  # extra modules, comma-separated
    task_heartbeat_seconds: float = Field(10.0, alias="TALLY_TASK_HEARTBEAT_SECONDS", gt=0)
    task_stalled_after_seconds: float = Field(30.0, alias="TALLY_TASK_STALLED_AFTER_SECONDS", gt=0)
    task_stall_check_seconds: float = Field(10.0, alias="TALLY_TASK_STALL_CHECK_SECONDS", gt=0)
    task_poll_seconds: float = Field(5.0, alias="TALLY_TASK_POLL_SECONDS", gt=0)
    task_max_attempts: int = Field(5, alias="TALLY_TASK_MAX_ATTEMPTS", ge=1)
    task_shutdown_grace_seconds: float = Field(
        30.0, alias="TALLY_TASK_SHUTDOWN_GRACE_SECONDS", ge=0
    )
    task_history_hours: int = Field(24, alias="TALLY_TASK_HISTORY_HOURS", ge=0)
    task_cleanup_seconds: int = Field(3600, alias="TALLY_TASK_CLEANUP_SECONDS", ge=1)
    # Matches one bulk review may decide (one transaction, set-based, each audited): more is a 422.
    bulk_review_max: int = Field(1_000_000, alias="TALLY_BULK_REVIEW_MAX", ge=1)
    # Partitioned matching (tally.matching.partition): jobs with partitioning "auto" split from
    # this many records (both sides), into parts of about PARTITION_RECORDS, matched by up to
    # PARTITION_WORKERS threads of the job's worker. Below ~10M records parts only add CPU
    # (bench/partition/REPORT.md): one worker holds a 1M x 1M job.
    partition_min_records: int = Field(10_000_000, alias="TALLY_PARTITION_MIN_RECORDS", ge=1)
    partition_records: int = Field(500_000, alias="TALLY_PARTITION_RECORDS", ge=1)
    partition_workers: int = Field(2, alias="TALLY_PARTITION_WORKERS", ge=1)
    # How often the server and `tally worker` look for due inboxes (0: they never poll; each
    # inbox keeps its own schedule, tally.intake). Default 15 s; 0 under TALLY_ENV=test, where a
    # poll in the background would land in the statements a test counts.
    intake_tick_seconds: int | None = Field(None, alias="TALLY_INTAKE_TICK_SECONDS", ge=0)
    # Webhooks (tally.webhooks). A hook's URL must be https and resolve to a public address:
    # private, loopback and link-local targets are refused (SSRF) unless ALLOW_PRIVATE is set,
    # and plain http is accepted only towards loopback names, or anywhere with ALLOW_HTTP.
    webhook_allow_private_addresses: bool = Field(
        False, alias="TALLY_WEBHOOK_ALLOW_PRIVATE_ADDRESSES"
    )
    webhook_allow_http: bool = Field(False, alias="TALLY_WEBHOOK_ALLOW_HTTP")
    webhook_timeout_seconds: float = Field(10.0, alias="TALLY_WEBHOOK_TIMEOUT_SECONDS", gt=0)
    webhook_max_attempts: int = Field(8, alias="TALLY_WEBHOOK_MAX_ATTEMPTS", ge=1, le=20)
    # Attempt n+1 waits BASE * 2**(n-1) seconds after attempt n (30 s, 1 min, 2 min, ... ~1 h).
    webhook_retry_base_seconds: float = Field(30.0, alias="TALLY_WEBHOOK_RETRY_BASE_SECONDS", gt=0)
    webhook_log_days: int = Field(30, alias="TALLY_WEBHOOK_LOG_DAYS", ge=1)

    @model_validator(mode="after")
    def _apply_environment_defaults(self) -> Settings:
        for name, value in _POOL_DEFAULTS[self.env].items():
            if getattr(self, name) is None:
                setattr(self, name, value)
        if self.intake_tick_seconds is None:
            self.intake_tick_seconds = 0 if self.env == "test" else 15
        # A live worker must never look stalled: it beats at least twice per stall window.
        if self.task_stalled_after_seconds < 2 * self.task_heartbeat_seconds:
            raise ValueError(
                "TALLY_TASK_STALLED_AFTER_SECONDS must be at least twice "
                "TALLY_TASK_HEARTBEAT_SECONDS"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        """DATABASE_URL, or the embedded SQLite file under the data directory."""
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite+aiosqlite:///{self.data_dir / 'tally.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def effective_task_backend(self) -> TaskBackend:
        if self.task_backend is not None:
            return self.task_backend
        return "embedded" if self.is_sqlite or self.env == "test" else "procrastinate"

    @property
    def task_import_modules(self) -> tuple[str, ...]:
        return tuple(name.strip() for name in self.task_imports.split(",") if name.strip())

    @property
    def pool_summary(self) -> dict[str, object]:
        return {
            "pool_size": self.db_pool_size,
            "max_overflow": self.db_max_overflow,
            "pool_timeout": self.db_pool_timeout,
            "pool_recycle": self.db_pool_recycle,
            "pool_pre_ping": self.db_pool_pre_ping,
        }


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, sqlite:///...) and pick the async drivers."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
