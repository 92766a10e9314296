"""The FastAPI application: routers composed secure-by-default, clients built in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import APIRouter, Depends, FastAPI

from tally import __version__
from tally.admin.endpoints import metrics_router
from tally.admin.endpoints import router as admin_router
from tally.admin.metrics import Metrics, MetricsMiddleware
from tally.apikeys.endpoints import router as api_keys_router
from tally.audit.endpoints import router as audit_router
from tally.cache import Cache
from tally.config import Settings, get_settings
from tally.exceptions.endpoints import router as exceptions_router
from tally.fast_reads import FastReads
from tally.health.endpoints import router as health_router
from tally.idempotency.guard import install_idempotency
from tally.intake.endpoints import router as intake_router
from tally.intake.poller import start_intake
from tally.invitations.endpoints import public_router as invitations_public_router
from tally.invitations.endpoints import router as invitations_router
from tally.jobs.endpoints import router as jobs_router
from tally.kit.body_limit import BodyLimit
from tally.kit.db import Database, RequestWaitBudget, install_database_error_handler
from tally.kit.errors import NotAuthenticated, error_responses, install_error_handlers
from tally.kit.logging import configure_logging
from tally.kit.migrate import upgrade_database
from tally.kit.openapi import install_openapi
from tally.kit.request_id import RequestIdMiddleware
from tally.kit.security import PasswordPool
from tally.kit.tasks import TaskQueue, build_task_queue, import_task_modules
from tally.kit.transport import StrictTransportSecurity
from tally.periods.endpoints import router as periods_router
from tally.profiles.endpoints import router as profiles_router
from tally.projects.endpoints import router as projects_router
from tally.reconciliations.endpoints import router as reconciliations_router
from tally.results.endpoints import router as results_router
from tally.rule_sets.endpoints import router as rule_sets_router
from tally.sources.endpoints import router as sources_router
from tally.users.auth import current_principal
from tally.users.endpoints import public_router as auth_router
from tally.users.endpoints import router as users_router
from tally.users.throttle import LoginThrottle
from tally.web.router import install_web
from tally.webhooks.endpoints import router as webhooks_router

log = structlog.get_logger("tally.app")
API_PREFIX = "/api/v1"

# Every router here sits behind the token check; the only public routes are the health probes,
# login and accepting an invitation (/metrics checks its own token), mounted separately in
# create_app, so a new router is authenticated unless someone decides otherwise on purpose.
SECURED_ROUTERS = (
    projects_router,
    sources_router,
    profiles_router,
    jobs_router,
    results_router,
    rule_sets_router,
    users_router,
    api_keys_router,
    reconciliations_router,
    intake_router,
    invitations_router,
    exceptions_router,
    periods_router,
    webhooks_router,
)
# Operations routes, at the root (/admin/...) but behind the same token check (and admin-only).
SECURED_OPS_ROUTERS = (admin_router, audit_router)

# Modules whose import registers background tasks (handlers, recoverers, retention hooks) into
# tally.kit.tasks.task_registry; the server and `tally worker` both import them.
TASK_MODULES: tuple[str, ...] = (
    "tally.jobs.tasks",
    "tally.sources.tasks",
    "tally.rule_sets.tasks",
    "tally.idempotency.tasks",
    "tally.webhooks.tasks",
)


def load_task_modules(settings: Settings, *extra: str) -> None:
    import_task_modules((*TASK_MODULES, *settings.task_import_modules, *extra))


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    tasks: TaskQueue | None = None,
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level)
        owned = database is None
        db = database or Database(settings)
        if owned and db.is_sqlite:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            await upgrade_database(db.url)  # the embedded default migrates itself
        app.state.database = db
        app.state.passwords = PasswordPool(settings.password_threads)
        app.state.login_throttle = LoginThrottle(settings)
        # Before the task queue: work it runs must find the cache to invalidate after commit.
        cache = Cache(settings, db)
        await cache.start()
        app.state.cache = cache
        metrics.attach(db, cache)
        owns_tasks = tasks is None
        if tasks is None:
            load_task_modules(settings)
        queue = tasks or build_task_queue(settings, db)
        app.state.tasks = queue
        log.info(
            "app.started",
            version=__version__,
            env=settings.env,
            database=db.engine.dialect.name,
            tasks=queue.backend,
            cache=cache.mode,
            **settings.pool_summary,
        )
        intake = None
        try:
            if owns_tasks:
                await queue.start()  # embedded: in-process workers, then recovery
                intake = start_intake(db, settings, queue)
            yield
        finally:
            if intake is not None:
                intake.cancel()
            if owns_tasks:
                await queue.stop()
            metrics.detach()
            await app.state.login_throttle.close()
            app.state.passwords.shutdown()
            await cache.stop()
            if owned:
                await db.dispose()

    app = FastAPI(
        title="Tally",
        version=__version__,
        description="Reconcile two record sets and prove that they tally.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    metrics = app.state.metrics = Metrics()
    if database is not None:
        app.state.database = database
    if tasks is not None:
        app.state.tasks = tasks
    install_error_handlers(app)
    install_database_error_handler(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cache_fast_path:
        # Added before the metrics middleware, so it runs inside it: its hits are measured too.
        app.add_middleware(FastReads, prefix=API_PREFIX)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    install_idempotency(app)
    # Outside every middleware that reads the database (the fast path, idempotency keys).
    app.add_middleware(RequestWaitBudget, seconds=settings.db_pool_max_wait)
    app.add_middleware(RequestIdMiddleware)  # last added, so outermost: every response has it
    if settings.env == "production":
        app.add_middleware(StrictTransportSecurity)

    app.include_router(health_router)
    app.include_router(auth_router, prefix=API_PREFIX)
    app.include_router(invitations_public_router, prefix=API_PREFIX)  # a link's holder accepts
    # Outside the secured routers because Prometheus scrapers carry no user token: the route itself
    # requires METRICS_TOKEN or an administrator's token.
    app.include_router(metrics_router)
    secured = APIRouter(
        prefix=API_PREFIX,
        dependencies=[Depends(current_principal)],
        responses=error_responses(NotAuthenticated),
    )
    for router in SECURED_ROUTERS:
        secured.include_router(router)
    app.include_router(secured)
    secured_ops = APIRouter(
        dependencies=[Depends(current_principal)], responses=error_responses(NotAuthenticated)
    )
    for router in SECURED_OPS_ROUTERS:
        secured_ops.include_router(router)
    app.include_router(secured_ops)
    # The web app: pages under / (each behind the browser session and CSRF checks, except sign-in)
    # and its assets under /static.
    install_web(app)
    install_openapi(app)
    return app
