"""Web archive captures as witnesses (the Wayback Machine's URL scheme).

A witness with ``wayback = "<timestamp>"`` (with its ``url``) or a full archive
URL ``<base><timestamp>[flags]/<original>`` is fetched in the ``id_`` form,
``<base><timestamp>id_/<original>``, which returns the archived page's own bytes
without the archive's banner or rewritten links. The archive redirects to the
nearest capture it holds; the capture time actually served (Memento-Datetime,
else the timestamp of the final URL) and the original URL (the ``rel="original"``
Link, else the one in the final URL) are recorded as the provenance's ``archive``,
next to the requested timestamp. Transport, limits and errors are those of
:mod:`docwitness.capture.http`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import requests
import requests.utils

from docwitness.capture import FetchOptions
from docwitness.capture.http import Slot, capture_http, http_date
from docwitness.errors import CaptureError
from docwitness.lazy_re import lazy
from docwitness.model import Capture, PriorPage
from docwitness.provenance import ArchiveInfo

_ARCHIVE = lazy(
    r"^(?P<base>https?://[^?#]*?/web/)(?P<ts>\d{1,14})(?P<flags>[a-z]{2}_|\*)?/(?P<original>.+)$",
    re.IGNORECASE,
)
_TIMESTAMP = lazy(r"^\d{1,14}$")


@dataclass(frozen=True, slots=True)
class ArchiveRef:
    """An archived page: the archive's base URL, a timestamp and the original URL."""

    base: str  # ends with "/web/"
    timestamp: str
    original: str

    @property
    def raw_url(self) -> str:
        """The ``id_`` URL: the original bytes, no banner."""
        return f"{self.base}{self.timestamp}id_/{self.original}"


def parse_archive_url(url: str) -> ArchiveRef | None:
    """The parts of an archive URL (any flag form), or None if ``url`` is not one."""
    m = _ARCHIVE.match(url.strip())
    if m is None:
        return None
    return ArchiveRef(m.group("base"), m.group("ts"), m.group("original"))


def resolve(wayback: str, original: str | None, base: str) -> ArchiveRef:
    """The archived page a witness's ``wayback`` key (timestamp or archive URL) names."""
    value = wayback.strip()
    if _TIMESTAMP.match(value):
        if not original:
            raise CaptureError(value, "a wayback timestamp needs the witness's url")
        ref_base = base if base.endswith("/") else base + "/"
        return ArchiveRef(ref_base, value, original)
    ref = parse_archive_url(value)
    if ref is None:
        raise CaptureError(value, "wayback must be a timestamp (1-14 digits) or an archive URL")
    return ref


def timestamp_iso(timestamp: str) -> str | None:
    """A full 14-digit archive timestamp as ISO 8601 UTC; None for partial ones."""
    if len(timestamp) != 14:
        return None
    try:
        when = datetime.strptime(timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return when.isoformat().replace("+00:00", "Z")


def _memento_iso(value: str | None) -> str | None:
    when = http_date(value)
    if when is None:
        return None
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _link_original(value: str | None) -> str | None:
    if not value:
        return None
    for link in requests.utils.parse_header_links(value):
        if "original" in str(link.get("rel", "")).split():
            return link.get("url")
    return None


def capture_wayback(
    ref: ArchiveRef,
    options: FetchOptions,
    session: requests.Session,
    previous: PriorPage | None = None,
    slot: Slot | None = None,
) -> Capture:
    """Capture the archived page's original bytes, recording the archive's provenance."""
    capture = capture_http(ref.raw_url, options, session, previous, slot, transport="wayback")
    http = capture.http
    if http is None:  # capture_http always records its provenance; say so if it did not
        raise CaptureError(ref.raw_url, "no HTTP provenance was recorded for the archived page")
    final = parse_archive_url(http.final_url or ref.raw_url) or ref
    memento = http.header("memento-datetime")
    archive = ArchiveInfo(
        base=ref.base,
        requested_timestamp=ref.timestamp,
        timestamp=final.timestamp,
        captured=_memento_iso(memento) or timestamp_iso(final.timestamp),
        memento_datetime=memento,
        original_url=_link_original(http.header("link")) or final.original,
    )
    return replace(capture, http=replace(http, archive=archive))
