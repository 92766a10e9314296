"""The rules reference (docs/rules.md) as a page, linked from the rules pages and the editor."""

from __future__ import annotations

import asyncio
import functools
import html
import re
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tally.web.routing import WebRoute
from tally.web.templating import render

router = APIRouter(route_class=WebRoute)
# The reference lives in the repository's docs/ so that it reads as a document there too.
RULES_REFERENCE = Path(__file__).resolve().parents[4] / "docs" / "rules.md"
_HEADING = re.compile(r"<h([23])>(.*?)</h\1>")


@router.get("/help/rules", include_in_schema=False)
async def get_rules_reference(request: Request) -> Response:
    if not RULES_REFERENCE.is_file():
        return render(
            request,
            "help/rules.html",
            {"reference": None, "source": str(RULES_REFERENCE)},
            status_code=404,
        )
    reference = await asyncio.to_thread(_reference_html, RULES_REFERENCE.stat().st_mtime_ns)
    return render(request, "help/rules.html", {"reference": reference})


@functools.lru_cache(maxsize=2)
def _reference_html(_version: int) -> str:
    """The Markdown rendered once per file version (markdown-it, which rich already brings)."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("table").render(RULES_REFERENCE.read_text())
    return _HEADING.sub(_with_anchor, rendered)


def _with_anchor(found: re.Match[str]) -> str:
    """Headings get the ids GitHub gives them, so the document's own links work on the page."""
    level, inner = found.group(1), found.group(2)
    text = html.unescape(re.sub(r"<[^>]+>", "", inner)).lower()
    slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
    return f'<h{level} id="{html.escape(slug)}">{inner}</h{level}>'
