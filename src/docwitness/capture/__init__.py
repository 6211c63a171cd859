"""Bytes + provenance; one module per transport (file, http, wayback, warc_input).

Which transport reads a witness is the registry's to say
(:data:`docwitness.capture.transports.TRANSPORTS`); this module holds what they
share: the options, the per-host limit, paging and fetching many at once.

A fetcher returns :class:`~docwitness.model.Capture` objects, one per page of
a copy, and never extracts: a PDF is fetched like any other body and extracted
differently. To follow a paginated copy's next-page links, the caller hands in
a :class:`NextLinks` function (the extract stage's
:func:`docwitness.extract.links.next_links`) that reads the candidates from a
page; this package only chooses which one to follow. Nothing here writes
anywhere or prints; storing captures is the store's job, displaying progress
the caller's.

Contract of :func:`capture_witness`: a list of captures in page order, or a
:class:`~docwitness.errors.CaptureError` with a clear reason (the witness is
``unavailable``). A paginated copy of which some pages were captured and some
were not raises :class:`IncompleteCapture`, a CaptureError subclass carrying the
captured pages and a :class:`PageGap` for each missing one, so a caller that
knows it can build the document from the pages it has and report a
``truncation`` at each gap, while a caller that does not still reports the
witness unavailable rather than silently shorter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urljoin, urlsplit

from docwitness import TOOL_NAME, __version__
from docwitness.errors import CaptureError
from docwitness.lazy_re import lazy
from docwitness.model import Capture, PriorPage

__all__ = [
    "FetchOptions",
    "HostLimiter",
    "IncompleteCapture",
    "NextLinks",
    "PageReader",
    "capture_pages",
    "capture_url",
    "capture_witness",
    "fetch_many",
]

if TYPE_CHECKING:
    import requests

    from docwitness.capture.progress import FetchProgress
    from docwitness.provenance import PageGap
    from docwitness.specs import WitnessSpec

_DIGITS = lazy(r"\d+")


def utc_now() -> str:
    """The current time in UTC, ISO 8601 with seconds and a ``Z``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def tool_id() -> str:
    return f"{TOOL_NAME}/{__version__}"


def guess_media_type(name: str) -> str | None:
    """The media type a file name or URL path suggests.

    For a suffix a registered format claims, that format's type for it (its first
    media type, unless it names another for the suffix, as HTML does for
    ``.xhtml``): the same on every machine, and without reading the system's MIME
    tables (milliseconds at every start). For any other suffix, the system's guess
    (None when it has none).
    """
    from docwitness.formats import EXTRACTORS, format_of_name

    fmt = format_of_name(name)
    if fmt is None:
        import mimetypes

        return mimetypes.guess_type(name)[0]
    cls = EXTRACTORS.get(fmt)
    lowered = name.lower()
    named: dict[str, str] = getattr(cls, "suffix_media_types", {})
    return next((t for suffix, t in named.items() if lowered.endswith(suffix)), cls.media_types[0])


class NextLinks(Protocol):
    """Reads the candidate next-page hrefs from a page's bytes, best first (see
    :func:`docwitness.extract.links.next_links`); raises ValueError for an invalid
    ``selector``."""

    def __call__(
        self,
        body: bytes,
        media_type: str | None,
        *,
        charset: str | None = None,
        selector: str | None = None,
    ) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits and manners of network fetching. Times are in seconds.

    ``total_timeout`` (``--deadline``) is the budget for one response, headers
    to last byte and every redirect hop, so a server dripping bytes cannot hold a
    run forever; an attempt that runs out of it is not retried. ``retries`` counts extra
    attempts after the first, on connection errors, 429 and 5xx; waits grow as
    ``backoff * 2**n`` and a server's Retry-After is honoured, both capped at
    ``max_wait``. ``max_bytes`` bounds the body on the wire and after
    decompression. ``max_pages`` bounds a paginated copy whose catalogue entry
    sets no ``max_pages``. ``max_pdf_chars`` bounds the characters a PDF may draw
    when it is read (None: the extractor's default; ``--max-pdf-chars``).
    ``allow_private`` follows redirects from a public address into loopback,
    private and link-local space, which are otherwise refused.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 300.0
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 60.0
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 10
    max_pages: int = 20
    user_agent: str | None = None
    wayback_base: str = "https://web.archive.org/web/"
    workers: int = 4
    per_host: int = 2
    allow_private: bool = False
    max_pdf_chars: int | None = None

    @property
    def agent(self) -> str:
        """The User-Agent sent: the configured one, or one naming docwitness and its version."""
        return self.user_agent or f"{tool_id()} (document provenance verifier)"


class IncompleteCapture(CaptureError):
    """Some pages of a paginated copy were captured and some were not."""

    def __init__(self, source: str, captures: list[Capture], gaps: list[PageGap]) -> None:
        self.captures = list(captures)
        self.gaps = tuple(gaps)
        first = self.gaps[0]
        more = f" (and {len(self.gaps) - 1} more gap(s))" if len(self.gaps) > 1 else ""
        super().__init__(source, f"page {first.page} ({first.url}) missing: {first.reason}{more}")


class HostLimiter:
    """At most ``per_host`` requests in flight to one host, across threads."""

    def __init__(self, per_host: int) -> None:
        self._per_host = max(1, per_host)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            sem = self._slots.setdefault(host, threading.BoundedSemaphore(self._per_host))
        with sem:
            yield


def capture_url(
    url: str, options: FetchOptions | None = None, *, next_links: NextLinks | None = None
) -> list[Capture]:
    """Capture one URL named on a command line (one capture per page).

    The most specific transport that takes the URL says what witness it stands
    for: an archive URL on the configured archive's host is fetched in its
    ``id_`` form, as a ``wayback`` witness would be. Next-page links are followed
    when ``next_links`` is given.
    """
    from docwitness.capture.transports import spec_for_url

    opts = options or FetchOptions()
    return capture_witness(spec_for_url(url, opts), None, opts, next_links=next_links)


def capture_witness(
    spec: WitnessSpec,
    previous: Sequence[PriorPage] | None = None,
    options: FetchOptions | None = None,
    *,
    session: requests.Session | None = None,
    limiter: HostLimiter | None = None,
    next_links: NextLinks | None = None,
) -> list[Capture]:
    """Capture every page of one witness, by the transport that serves it
    (:data:`~docwitness.capture.transports.TRANSPORTS`), sending conditional
    requests from ``previous``.

    ``previous`` is the provenance of the witness's previous captures (the pages of
    its last history entry, or the captures themselves), matched to this run's
    pages by URL. A witness with one ``url`` is followed page by page through the
    links ``next_links`` finds; without it only that page is captured.
    """
    from docwitness.capture.transports import transport_for

    opts = options or FetchOptions()
    return transport_for(spec).capture(spec, previous, opts, session, limiter, next_links)


# --------------------------------------------------------------------------- pages


# Reads one page: (URL, the previous run's page provenance by URL) → its capture.
PageReader = Callable[[str, Mapping[str, PriorPage]], Capture]


def capture_pages(
    spec: WitnessSpec,
    previous: Sequence[PriorPage] | None,
    opts: FetchOptions,
    start: str,
    read: PageReader,
    next_links: NextLinks | None,
) -> list[Capture]:
    """The pages of one network witness: its ``urls`` list, or ``start`` and its next links.

    ``read`` is the transport's: it captures one page, given the previous run's pages.
    """
    from docwitness.provenance import PageGap

    before = _previous_pages(previous)
    source = spec.location or spec.wayback or spec.id

    def one(url: str) -> Capture:
        return read(url, before)

    if spec.urls:
        # An explicit page list: every page is tried, each missing one is a gap.
        captures: list[Capture] = []
        gaps: list[PageGap] = []
        for number, url in enumerate(spec.urls, 1):
            try:
                captures.append(one(url))
            except CaptureError as exc:
                if len(spec.urls) == 1:
                    raise
                gaps.append(PageGap(number, url, exc.reason, len(captures)))
        if not captures:
            raise CaptureError(
                source, f"all {len(gaps)} pages unavailable; page 1: {gaps[0].reason}"
            )
        if gaps:
            raise IncompleteCapture(source, captures, gaps)
        return captures

    # One start URL, then "next" links until none is left or the page limit.
    limit = max(1, spec.max_pages or opts.max_pages)
    url = start
    captures = []
    seen: set[str] = set()
    while True:
        try:
            capture = one(url)
        except CaptureError as exc:
            if not captures:
                raise
            gap = PageGap(
                len(captures) + 1,
                url,
                f"{exc.reason}; pages after it could not be followed",
                len(captures),
            )
            raise IncompleteCapture(source, captures, [gap]) from None
        seen.add(_page_key(url))
        nxt = _next_url(capture, spec, before, next_links)
        if nxt is not None and capture.http is not None:
            capture = replace(capture, http=replace(capture.http, next_url=nxt))
        captures.append(capture)
        if nxt is None or _page_key(nxt) in seen:
            return captures
        if len(captures) >= limit:
            gap = PageGap(len(captures) + 1, nxt, f"page limit of {limit} reached", len(captures))
            raise IncompleteCapture(source, captures, [gap])
        url = nxt


def _previous_pages(previous: Sequence[PriorPage] | None) -> dict[str, PriorPage]:
    """The previous run's page provenance, keyed by the URL each was requested from."""
    return {p.source: p for p in previous or () if p.source}


def _page_key(url: str) -> str:
    return url.split("#", 1)[0]


def _next_url(
    capture: Capture,
    spec: WitnessSpec,
    before: Mapping[str, PriorPage],
    next_links: NextLinks | None,
) -> str | None:
    """The next page's URL (for a wayback witness, the original URL), or None.

    A ``next`` selector is followed wherever it points; the bare "下一页" link only
    to a sibling URL (same host, same path up to page numbers), so a "next page"
    link into another article is never glued on.
    """
    http = capture.http
    if capture.status == "not-modified":
        # The page is unchanged, so its next link is what was found last time.
        old = before.get(capture.source)
        return old.http.next_url if old is not None and old.http is not None else None
    if next_links is None or spec.format not in (None, "html"):
        return None
    base = capture.source
    if http is not None:
        base = (http.archive.original_url if http.archive else None) or http.final_url or base
    try:
        found = next_links(
            capture.body,
            capture.media_type,
            charset=http.charset if http is not None else None,
            selector=spec.next,
        )
    except ValueError as exc:
        raise CaptureError(spec.id, str(exc)) from None
    href: str | None = None
    if spec.next:
        href = found[0] if found else None
    else:
        href = next((u for u in (urljoin(base, h) for h in found) if _sibling(base, u)), None)
    if not href:
        return None
    target = urljoin(base, href)
    if urlsplit(target).scheme not in ("http", "https"):
        return None
    from docwitness.capture.wayback import parse_archive_url

    archived = parse_archive_url(target) if http is not None and http.archive else None
    return archived.original if archived is not None else target


def _sibling(current: str, candidate: str) -> bool:
    """Same host, and the same path and query up to numbers, or a suffixed first page."""
    a, b = urlsplit(current), urlsplit(candidate)
    if a.netloc.lower() != b.netloc.lower():
        return False
    here, there = f"{a.path}?{a.query}", f"{b.path}?{b.query}"
    if here == there:
        return False
    if _DIGITS.sub("0", here) == _DIGITS.sub("0", there):
        return True
    stem = a.path.rsplit(".", 1)[0] if "." in a.path.rsplit("/", 1)[-1] else a.path
    return b.path.startswith(stem) and b.path != a.path


# --------------------------------------------------------------------------- many witnesses


def fetch_many(
    specs: Sequence[WitnessSpec],
    previous_by_id: Mapping[str, Sequence[PriorPage] | None] | None = None,
    options: FetchOptions | None = None,
    *,
    progress: Callable[[FetchProgress], None] | None = None,
    next_links: NextLinks | None = None,
    limiter: HostLimiter | None = None,
) -> dict[str, list[Capture] | CaptureError]:
    """Capture many witnesses concurrently; one failing never stops the others.

    ``previous_by_id`` holds each witness's previous page provenance. Each
    witness's value is its captures or the CaptureError that made it
    unavailable (an :class:`IncompleteCapture` when only some pages failed).
    ``progress`` is called from the calling thread as each witness finishes;
    ``next_links`` is as for :func:`capture_witness`. ``limiter`` bounds the
    requests in flight to each host (by default ``options.per_host``, in this process;
    :mod:`docwitness.scale` hands in one held across a cluster).
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    opts = options or FetchOptions()
    previous_by_id = previous_by_id or {}
    limiter = limiter if limiter is not None else HostLimiter(opts.per_host)
    local = threading.local()
    sessions: list[requests.Session] = []
    sessions_lock = threading.Lock()

    def thread_session() -> requests.Session:
        # requests.Session is not documented as thread-safe: one per worker thread.
        sess: requests.Session | None = getattr(local, "session", None)
        if sess is None:
            # Imported here: a fetch of local copies alone never loads requests.
            from docwitness.capture.http import new_session

            sess = new_session(opts)
            local.session = sess
            with sessions_lock:
                sessions.append(sess)
        return sess

    def one(spec: WitnessSpec) -> list[Capture] | CaptureError:
        try:
            return capture_witness(
                spec,
                previous_by_id.get(spec.id),
                opts,
                # A file, or a record of a WARC or WACZ file, is read without a session.
                session=None if spec.local else thread_session(),
                limiter=limiter,
                next_links=next_links,
            )
        except CaptureError as exc:
            return exc

    results: dict[str, list[Capture] | CaptureError] = {}
    workers = max(1, min(opts.workers, len(specs)))
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="docwitness-fetch") as pool:
            futures = {pool.submit(one, spec): spec for spec in specs}
            for future in as_completed(futures):
                spec = futures[future]
                result = future.result()
                results[spec.id] = result
                if progress is not None:
                    progress(_progress(spec.id, result, len(results), len(specs)))
    finally:
        for sess in sessions:
            sess.close()
    return {spec.id: results[spec.id] for spec in specs if spec.id in results}


def _progress(
    witness: str, result: list[Capture] | CaptureError, done: int, total: int
) -> FetchProgress:
    from docwitness.capture.progress import FetchProgress

    if isinstance(result, IncompleteCapture):
        return FetchProgress(witness, done, total, "incomplete", result.reason)
    if isinstance(result, CaptureError):
        return FetchProgress(witness, done, total, "unavailable", result.reason)
    if result and all(c.status == "not-modified" for c in result):
        return FetchProgress(witness, done, total, "not-modified", f"{len(result)} page(s)")
    return FetchProgress(witness, done, total, "captured", f"{len(result)} page(s)")
