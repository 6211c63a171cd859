"""Bytes + provenance; one module per transport.

A fetcher returns :class:`~docwitness.model.Capture` objects (one per page of
a paginated copy) and never extracts: a PDF is fetched like any other body and
extracted differently.
"""

from __future__ import annotations

import mimetypes
from datetime import UTC, datetime

from docwitness import TOOL_NAME, __version__
from docwitness.errors import CaptureError
from docwitness.model import Capture


def utc_now() -> str:
    """The current time in UTC, ISO 8601 with seconds and a ``Z``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def tool_id() -> str:
    return f"{TOOL_NAME}/{__version__}"


def guess_media_type(name: str) -> str | None:
    if name.lower().endswith((".md", ".markdown")):
        return "text/markdown"
    return mimetypes.guess_type(name)[0]


def capture_url(url: str) -> list[Capture]:
    """Capture one URL over the network (one capture per page)."""
    raise CaptureError(url, "network fetching is not available in this version")
