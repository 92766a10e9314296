"""The FastAPI application: routers composed secure-by-default, clients built in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import APIRouter, Depends, FastAPI

from tally import __version__
from tally.config import Settings, get_settings
from tally.health.endpoints import router as health_router
from tally.jobs.endpoints import router as jobs_router
from tally.kit.db import Database, install_database_error_handler
from tally.kit.errors import NotAuthenticated, error_responses, install_error_handlers
from tally.kit.logging import configure_logging
from tally.kit.migrate import upgrade_database
from tally.projects.endpoints import router as projects_router
from tally.sources.endpoints import router as sources_router
from tally.users.auth import current_principal
from tally.users.endpoints import public_router as auth_router
from tally.users.endpoints import router as users_router

log = structlog.get_logger("tally.app")
API_PREFIX = "/api/v1"

# Every router here sits behind the token check; the only public routes are the health probes and
# login, mounted separately in create_app, so a new router is authenticated unless someone decides
# otherwise on purpose.
SECURED_ROUTERS = (projects_router, sources_router, jobs_router, users_router)


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
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
        log.info(
            "app.started",
            version=__version__,
            env=settings.env,
            database=db.engine.dialect.name,
            **settings.pool_summary,
        )
        try:
            yield
        finally:
            if owned:
                await db.dispose()

    app = FastAPI(
        title="Tally",
        version=__version__,
        description="Reconcile two record sets and prove that they tally.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    if database is not None:
        app.state.database = database
    install_error_handlers(app)
    install_database_error_handler(app)

    app.include_router(health_router)
    app.include_router(auth_router, prefix=API_PREFIX)
    secured = APIRouter(
        prefix=API_PREFIX,
        dependencies=[Depends(current_principal)],
        responses=error_responses(NotAuthenticated),
    )
    for router in SECURED_ROUTERS:
        secured.include_router(router)
    app.include_router(secured)
    return app
