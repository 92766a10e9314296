"""structlog configured for JSON lines with dotted event names and keyword fields."""

from __future__ import annotations

import logging
import sys

import structlog

from tally.kit.request_id import current_request_id

# The server's own lines (uvicorn's access and error logs) are plain logging records, not
# structlog events: they get the request's id appended by a filter instead.
_SERVER_LOGGERS = ("uvicorn.access", "uvicorn.error")


class RequestIdFilter(logging.Filter):
    """Appends ``request_id=<X-Request-ID>`` to a record logged while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id.get()
        if request_id is not None and not getattr(record, "request_id", None):
            record.request_id = request_id
            record.msg = f"{record.msg} request_id={request_id}"
        return True


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    numeric_level = logging.getLevelName(level.upper())
    if not isinstance(numeric_level, int):
        numeric_level = logging.INFO
    logging.basicConfig(format="%(message)s", stream=sys.stderr, level=numeric_level, force=True)
    for name in _SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        if not any(isinstance(f, RequestIdFilter) for f in server_logger.filters):
            server_logger.addFilter(RequestIdFilter())
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
