"""The Jinja2 environment of the pages: autoescaped templates, number/date filters, static URLs."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tally import __version__
from tally.money import from_units

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
MISSING = "\u2013"  # an en dash stands for "no value" in tables
TEMPLATE_DIR = WEB_DIR / "templates"


@lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """/static/<path>?v=<content hash>: browsers may cache assets forever, and still see changes."""
    file = STATIC_DIR / path
    try:
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
    except OSError:
        digest = __version__
    return f"/static/{path}?v={digest}"


def money(value: int | Decimal | str | None, *, units: bool = True) -> str:
    """1234567 units -> '123.4567'; Decimal('1234.5') -> '1,234.50'; '1200' (JPY) -> '1,200'.
    Never through float."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        # An amount as the API presents it (tally.money.format_amount): already in its currency's
        # places (JPY "1200", BHD "1.250"), which the page keeps.
        shown = Decimal(value)
        places = -min(int(shown.as_tuple().exponent), 0)
        return f"{shown:,.{places}f}"
    amount = from_units(value) if units and isinstance(value, int) else Decimal(str(value))
    text = f"{amount:,.4f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(2, "0")
    return f"{whole}.{frac}"


def datetime_text(value: datetime | date | str | None) -> str:
    if value is None:
        return MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def ago(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return "never"
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    seconds = int(((now or datetime.now(UTC)) - aware).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return "just now"


def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return MISSING
    return f"{value * 100:.{digits}f}%"


def number(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"


def filesize(value: int | None) -> str:
    if value is None:
        return MISSING
    size = float(value)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{value} bytes"


def query(request: Request, **changes: Any) -> str:
    """The current query string with some parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params) if params else "?"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=money,
        when=datetime_text,
        ago=ago,
        percent=percent,
        number=number,
        filesize=filesize,
    )
    env.globals.update(static_url=static_url, query=query, version=__version__)
    return env


templates = Jinja2Templates(env=_environment())


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page or fragment with the signed-in user and the CSRF token in its context."""
    user = getattr(request.state, "web_user", None)
    full = {
        "request": request,
        "user": user,
        "csrf_token": user.csrf_token if user else "",
        "nav": "",
        **(context or {}),
    }
    response = templates.TemplateResponse(
        request, name, full, status_code=status_code, headers=headers
    )
    assert isinstance(response, HTMLResponse)
    return response
