"""Small JSON request bodies of the sender's pages, read without trusting their size."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

MAX_SMALL = 16 * 1024


async def small_json(request: Request) -> dict[str, Any]:
    """The body as a JSON object; {} for anything else (the handler then refuses it)."""
    if int(request.headers.get("content-length") or 0) > MAX_SMALL:
        return {}  # not read at all
    raw = await request.body()
    if len(raw) > MAX_SMALL:
        return {}
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
