"""structlog configured for JSON lines with dotted event names and keyword fields."""

from __future__ import annotations

import copy
import logging
import sys
from typing import Any

import structlog
from uvicorn.config import LOGGING_CONFIG

from tally.kit.request_id import current_request_id


class RequestIdFilter(logging.Filter):
    """Gives a plain logging record the ``request_id`` of the request being handled ("-" when
    none): uvicorn's access lines are not structlog events, their formatter prints it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get() or "-"
        return True


def server_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration, with each access line ending in its request id."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["access"]["fmt"] += " request_id=%(request_id)s"
    config.setdefault("filters", {})["request_id"] = {"()": RequestIdFilter}
    config["handlers"]["access"]["filters"] = ["request_id"]
    return config


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    numeric_level = logging.getLevelName(level.upper())
    if not isinstance(numeric_level, int):
        numeric_level = logging.INFO
    logging.basicConfig(format="%(message)s", stream=sys.stderr, level=numeric_level, force=True)
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
