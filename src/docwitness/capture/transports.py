"""The transports: how the bytes of a witness are read (file, http, wayback, warc).

Every transport is registered in :data:`TRANSPORTS` under the name it records
as :attr:`~docwitness.model.Capture.transport`; its docstring's first line is
its help. A transport says whether it serves a catalogue witness (by the keys
the witness has: ``path``, ``url``/``urls``, ``wayback``, ``warc``; exactly one serves
each witness) and whether it takes a URL named on the command line. The classes
here are light: each imports its module, and that module requests, on first
use, so a run over local copies never imports the network stack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from docwitness.capture import FetchOptions, HostLimiter, NextLinks, capture_pages
from docwitness.errors import CaptureError
from docwitness.model import Capture, PriorPage
from docwitness.registry import Registry
from docwitness.specs import WitnessSpec

if TYPE_CHECKING:
    import requests

    from docwitness.capture.http import Slot


class Transport(Protocol):
    # When several transports take a URL named on the command line, the most
    # specific wins: an archive URL is an http URL too.
    specificity: int

    def serves(self, spec: WitnessSpec) -> bool: ...

    def spec_for_url(self, url: str, options: FetchOptions) -> WitnessSpec | None: ...

    def capture(
        self,
        spec: WitnessSpec,
        previous: Sequence[PriorPage] | None,
        options: FetchOptions,
        session: requests.Session | None,
        limiter: HostLimiter | None,
        next_links: NextLinks | None = None,
    ) -> list[Capture]: ...


TRANSPORTS: Registry[Transport] = Registry("transport")


def transport_for(spec: WitnessSpec) -> Transport:
    """The one transport that serves ``spec``; a witness with no location is a CaptureError."""
    for _, cls in TRANSPORTS.items():
        transport = cls()
        if transport.serves(spec):
            return transport
    raise CaptureError(spec.id, "no path, url, wayback or warc to capture from")


def spec_for_url(url: str, options: FetchOptions) -> WitnessSpec:
    """The witness a URL named on the command line stands for, by the most specific
    transport that takes it."""
    claims = [
        (transport.specificity, spec)
        for _, cls in TRANSPORTS.items()
        if (spec := (transport := cls()).spec_for_url(url, options)) is not None
    ]
    if not claims:
        raise CaptureError(
            url, f"no transport takes this URL (known: {', '.join(TRANSPORTS.names())})"
        )
    return max(claims, key=lambda claim: claim[0])[1]


@TRANSPORTS.register("file")
class FileTransport:
    """A local copy (``path``): the file's bytes, read in one go."""

    specificity: int = 0

    def serves(self, spec: WitnessSpec) -> bool:
        return spec.path is not None

    def spec_for_url(self, url: str, options: FetchOptions) -> WitnessSpec | None:
        return None  # a local copy is named by its path, never by a URL

    def capture(
        self,
        spec: WitnessSpec,
        previous: Sequence[PriorPage] | None,
        options: FetchOptions,
        session: requests.Session | None,
        limiter: HostLimiter | None,
        next_links: NextLinks | None = None,
    ) -> list[Capture]:
        from docwitness.capture.file import capture_file

        if spec.path is None:
            raise CaptureError(spec.id, "a local copy needs a path")
        return [capture_file(spec.path, options.max_bytes)]


class _Network:
    """A witness read over HTTP, page by page, in a session of its own unless given one."""

    def capture(
        self,
        spec: WitnessSpec,
        previous: Sequence[PriorPage] | None,
        options: FetchOptions,
        session: requests.Session | None,
        limiter: HostLimiter | None,
        next_links: NextLinks | None = None,
    ) -> list[Capture]:
        from docwitness.capture.http import new_session

        own = session is None
        sess = session or new_session(options)
        slot = limiter.slot if limiter is not None else None
        try:
            return self.pages(spec, previous, options, sess, slot, next_links)
        finally:
            if own:
                sess.close()

    def pages(
        self,
        spec: WitnessSpec,
        previous: Sequence[PriorPage] | None,
        options: FetchOptions,
        session: requests.Session,
        slot: Slot | None,
        next_links: NextLinks | None,
    ) -> list[Capture]:
        raise NotImplementedError


@TRANSPORTS.register("http")
class HttpTransport(_Network):
    """A copy on the web (``url`` or ``urls``): GET, conditional, with retries and limits."""

    specificity: int = 0

    def serves(self, spec: WitnessSpec) -> bool:
        return (
            spec.path is None
            and spec.warc is None
            and not spec.wayback
            and bool(spec.url or spec.urls)
        )

    def spec_for_url(self, url: str, options: FetchOptions) -> WitnessSpec | None:
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        return WitnessSpec(id=url, role="mirror", url=url)

    def pages(
        self,
        spec: WitnessSpec,
        previous: Sequence[PriorPage] | None,
        options: FetchOptions,
        session: requests.Session,
        slot: Slot | None,
        next_links: NextLinks | None,
    ) -> list[Capture]:
        from docwitness.capture.http import capture_http

        def read(url: str, before: Mapping[str, PriorPage]) -> Capture:
            return capture_http(url, options, session, before.get(url), slot)

        return capture_pages(spec, previous, options, str(spec.url), read, next_links)


@TRANSPORTS.register("wayback")
class WaybackTransport(_Network):
    """A web archive's capture (``wayback``): the archived page's own bytes, without the banner."""

    specificity: int = 1

    def serves(self, spec: WitnessSpec) -> bool:
        return spec.path is None and bool(spec.wayback)

    def spec_for_url(self, url: str, options: FetchOptions) -> WitnessSpec | None:
        # Only an archive URL on the configured archive's host, fetched in its id_ form.
        from docwitness.capture.wayback import parse_archive_url

        ref = parse_archive_url(url)
        if ref is None or urlsplit(url).netloc != urlsplit(options.wayback_base).netloc:
            return None
        return WitnessSpec(id=url, role="archive", url=ref.original, wayback=url)

    def pages(
        self,
        spec: WitnessSpec,
        previous: Sequence[PriorPage] | None,
        options: FetchOptions,
        session: requests.Session,
        slot: Slot | None,
        next_links: NextLinks | None,
    ) -> list[Capture]:
        from docwitness.capture.wayback import (
            ArchiveRef,
            capture_wayback,
            parse_archive_url,
            resolve,
        )

        start = resolve(
            str(spec.wayback),
            spec.url or (spec.urls[0] if spec.urls else None),
            options.wayback_base,
        )

        def read(url: str, before: Mapping[str, PriorPage]) -> Capture:
            ref = parse_archive_url(url) or ArchiveRef(start.base, start.timestamp, url)
            return capture_wayback(ref, options, session, before.get(ref.raw_url), slot)

        return capture_pages(spec, previous, options, start.original, read, next_links)


@TRANSPORTS.register("warc")
class WarcTransport:
    """A record of a WARC or WACZ file an archive holds (``warc``, ``url``, ``captured``).

    Its payload is read with the redirects within the file followed and its digests
    checked (:mod:`docwitness.capture.warc_input`)."""

    specificity: int = 0

    def serves(self, spec: WitnessSpec) -> bool:
        return spec.warc is not None

    def spec_for_url(self, url: str, options: FetchOptions) -> WitnessSpec | None:
        return None  # a WARC file is named in a catalogue, with the record's URL

    def capture(
        self,
        spec: WitnessSpec,
        previous: Sequence[PriorPage] | None,
        options: FetchOptions,
        session: requests.Session | None,
        limiter: HostLimiter | None,
        next_links: NextLinks | None = None,
    ) -> list[Capture]:
        from docwitness.capture.warc_input import ArchiveFile
        from docwitness.catalogue import parse_instant

        if spec.warc is None:
            raise CaptureError(spec.id, "a WARC witness needs its file (warc)")
        start = spec.url or (spec.urls[0] if spec.urls else None)
        if start is None:
            raise CaptureError(spec.id, "a WARC witness needs the url of the record to take")
        archive = ArchiveFile(spec.warc, options.max_bytes, options.max_redirects)
        when = parse_instant(spec.captured) if spec.captured else None

        def read(url: str, before: Mapping[str, PriorPage]) -> Capture:
            return archive.capture(url, when)

        return capture_pages(spec, previous, options, start, read, next_links)
