"""HTTP(S) transport: one page, every hop and header recorded, hostile servers bounded.

:func:`capture_http` GETs one URL and returns a :class:`~docwitness.model.Capture`
whose ``body`` is the content-decoded body and whose ``http`` is the
provenance (:class:`~docwitness.provenance.HttpProvenance`): request URL, every
redirect hop, final URL, status, all response headers, server address, times,
attempts, the sha256 of the body as received on the wire and as decoded, the
Content-Type's ``charset`` and the validators (ETag, Last-Modified) for the
next conditional request. A 304 to a conditional request returns a
``not-modified`` capture with an empty body and the previous capture's digest
and size.

Redirects are followed here, one hop at a time, so each is recorded and checked:
a non-HTTP target (file:, ftp:, data:) is refused, a loop or more than
``max_redirects`` hops is an error, and a hop from a public address into
loopback, private or link-local space is refused unless ``allow_private``
(:mod:`docwitness.capture.addresses`). The body is streamed and bounded: over
``max_bytes`` on the wire or after inflating, or not finished within
``total_timeout``, is an error and nothing is returned. Connection errors, 429
and 5xx are retried with backoff (Retry-After honoured, capped); what is still
failing after the retries, other 4xx, TLS and DNS failures raise
:class:`~docwitness.errors.CaptureError` with a one-line reason.

The ``total_timeout`` budget (the command line's ``--deadline``) holds from the
first request to the last byte, across every redirect hop: while
the status line and headers arrive, a watchdog closes the connection of a
request still waiting at the deadline (a server dripping header bytes within
the per-read timeout would otherwise hold the run forever); from the first
body byte on, the body loop checks the deadline itself.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import socket
import threading
import time
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions

from docwitness.capture import (
    FetchOptions,
    addresses,
    guess_media_type,
    tool_id,
    utc_now,
    warc_record,
)
from docwitness.errors import CaptureError
from docwitness.model import Capture, PriorPage, sha256_bytes
from docwitness.provenance import Attempt, HttpProvenance, Redirect

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

Slot = Callable[[str], AbstractContextManager[None]]


class _Transient(Exception):
    """A failure worth retrying: connection refused or reset, 429, 5xx."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class _Watched(threading.local):
    """The connection the current thread's request is using, for its watchdog."""

    conn: urllib3.connection.HTTPConnection | None = None


_WATCHED = _Watched()


class _HTTPConnection(urllib3.connection.HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _WATCHED.conn = self
        super().request(*args, **kwargs)


class _HTTPSConnection(urllib3.connection.HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _WATCHED.conn = self
        super().request(*args, **kwargs)


class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _WatchedAdapter(requests.adapters.HTTPAdapter):
    """An adapter whose connections say which one a request is using."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


class _Watchdog:
    """Shuts the current request's socket down if its headers have not come by the deadline."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        _WATCHED.conn = None
        self._owner = _WATCHED.__dict__  # this thread's slot, read from the timer thread
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        conn = self._owner.get("conn")
        sock = getattr(conn, "sock", None)
        if sock is not None:
            self.fired = True
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def new_session(options: FetchOptions) -> requests.Session:
    """A session that names docwitness and asks only for encodings we can bound."""
    session = requests.Session()
    adapter = _WatchedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = options.agent
    # gzip and deflate are inflated here, chunk by chunk, so a bomb is caught;
    # other encodings (br, zstd) are not offered.
    session.headers["Accept-Encoding"] = "gzip, deflate"
    return session


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """(media type, charset label) from a Content-Type header value."""
    if not value:
        return None, None
    parts = value.split(";")
    media = parts[0].strip().lower() or None
    charset = None
    for param in parts[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return media, charset


def validators(page: PriorPage | None) -> dict[str, str]:
    """The ETag and Last-Modified a previous capture's provenance carries, if any."""
    if page is None or page.http is None:
        return {}
    http = page.http
    found = dict(http.validators)
    for key, header in (("etag", "etag"), ("last_modified", "last-modified")):
        value = http.header(header)
        if key not in found and value:
            found[key] = value
    return {k: v for k, v in found.items() if v}


def retry_after(value: str | None, cap: float) -> float | None:
    """Seconds a Retry-After header asks for (delta or HTTP date), capped; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    when = http_date(value)
    if when is None:
        return None
    return max(0.0, min((when - datetime.now(UTC)).total_seconds(), cap))


def http_date(value: str | None) -> datetime | None:
    """An HTTP date header's value as an aware UTC datetime, or None if it is not one."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def capture_http(
    url: str,
    options: FetchOptions,
    session: requests.Session,
    previous: PriorPage | None = None,
    slot: Slot | None = None,
    transport: str = "http",
) -> Capture:
    """GET ``url`` (retrying transient failures) into a Capture; see the module docstring.

    ``previous`` is the provenance of this page's last capture (for conditional
    headers and the digest a 304 reuses); ``slot`` bounds connections per host.
    """
    prior = validators(previous)
    conditional: dict[str, str] = {}
    if previous and "etag" in prior:
        conditional["If-None-Match"] = prior["etag"]
    if previous and "last_modified" in prior:
        conditional["If-Modified-Since"] = prior["last_modified"]
    attempts: list[Attempt] = []
    attempt = 0
    while True:  # one attempt at least, even when ``retries`` is below 0
        requested = utc_now()
        try:
            with slot(url) if slot else contextlib.nullcontext():
                return _attempt(
                    url, options, session, conditional, previous, requested, attempts, transport
                )
        except _Transient as exc:
            wait = exc.wait if exc.wait is not None else options.backoff * 2**attempt
            wait = min(wait, options.max_wait)
            attempts.append(Attempt(at=requested, outcome=exc.reason, wait_s=wait))
            if attempt >= options.retries:
                n = len(attempts)
                raise CaptureError(
                    url, f"{exc.reason} (after {n} attempt{'s' if n > 1 else ''})"
                ) from None
            log.info("retrying %s in %.2fs: %s", url, wait, exc.reason)
            time.sleep(wait)
            attempt += 1


def _attempt(
    url: str,
    options: FetchOptions,
    session: requests.Session,
    conditional: dict[str, str],
    previous: PriorPage | None,
    requested: str,
    attempts: list[Attempt],
    transport: str,
) -> Capture:
    started = time.monotonic()
    deadline = started + options.total_timeout
    records: list[bytes] = []  # the WARC records of every hop (capture/warc_record.py)
    resp, hops, sent = _follow(url, options, session, conditional, deadline, records)
    with resp:
        status = resp.status_code
        if status == 429 or 500 <= status < 600:
            wait = retry_after(resp.headers.get("Retry-After"), options.max_wait)
            raise _Transient(f"HTTP {status} {resp.reason}".rstrip(), wait)
        if status not in (200, 203, 304):
            raise CaptureError(url, f"HTTP {status} {resp.reason}".rstrip())
        # The page this 304 says is unchanged: only a conditional request has one.
        unchanged: PriorPage | None = None
        if status == 304:
            if not (conditional and previous):
                raise CaptureError(url, "HTTP 304 to a request that was not conditional")
            unchanged = previous
        server = _server_address(resp)
        peer = _peer_host(resp)
        wire, body = (b"", b"") if status == 304 else _read_body(url, resp, options, deadline)
    records.append(warc_record.exchange(resp, sent, peer, wire, previous))
    headers = dict(resp.headers)
    media_type, charset = parse_content_type(resp.headers.get("Content-Type"))
    new_validators = {
        "etag": resp.headers.get("ETag"),
        "last_modified": resp.headers.get("Last-Modified"),
    }
    if status == 304:
        # A 304 need not repeat the validators; the old ones still describe the body.
        new_validators = {k: v or validators(previous).get(k) for k, v in new_validators.items()}
    http = HttpProvenance(
        request_url=url,
        redirects=tuple(hops),
        final_url=resp.url,
        status=status,
        reason=resp.reason,
        http_version=_http_version(resp),
        headers=headers,
        server_address=server,
        requested=requested,
        elapsed_s=round(time.monotonic() - started, 3),
        attempts=tuple(attempts),
        conditional=dict(conditional),
        user_agent=options.agent,
        content_type=resp.headers.get("Content-Type"),
        content_encoding=resp.headers.get("Content-Encoding"),
        charset=charset,
        wire_sha256=sha256_bytes(wire),
        wire_size=len(wire),
        decoded_sha256=sha256_bytes(body),
        decoded_size=len(body),
        validators={k: v for k, v in new_validators.items() if v},
    )
    if unchanged is not None:
        return Capture(
            source=url,
            retrieved=utc_now(),
            body=b"",
            sha256=unchanged.sha256,
            size=unchanged.size,
            media_type=unchanged.media_type,
            tool=tool_id(),
            transport=transport,
            http=http,
            status="not-modified",
            warc=b"".join(records),
        )
    return Capture(
        source=url,
        retrieved=utc_now(),
        body=body,
        sha256=sha256_bytes(body),
        size=len(body),
        media_type=media_type or guess_media_type(urlsplit(resp.url).path),
        tool=tool_id(),
        transport=transport,
        http=http,
        warc=b"".join(records),
    )


def _check_target(source: str, target: str) -> None:
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        raise CaptureError(source, f"redirect to a non-HTTP URL refused: {target[:200]}")


def _follow(
    url: str,
    options: FetchOptions,
    session: requests.Session,
    conditional: dict[str, str],
    deadline: float,
    records: list[bytes],
) -> tuple[requests.Response, list[Redirect], datetime]:
    """GET ``url`` and follow redirects by hand, recording and checking each hop.

    Each redirect hop's WARC records are added to ``records``; the time the last
    request was sent is returned with its response.

    A hop into loopback, private or link-local space from a witness whose URL is
    public is refused (:func:`~docwitness.capture.addresses.refusal`): before the
    request, by the target's resolved address, and after it, by the address the
    connection reached (a DNS answer may have changed in between).
    """
    hops: list[Redirect] = []
    seen = {url}
    current = url
    start: list[str | None] = []  # the witness URL's address, resolved on first need
    first_peer: str | None = None

    def check(address: str | None) -> None:
        if address is None or addresses.local_kind(address) is None:
            return  # a public hop is never refused: nothing to resolve
        if not start:
            start.append(addresses.resolve(urlsplit(url).hostname or "") or first_peer)
        why = addresses.refusal(start[0], address, options.allow_private)
        if why is not None:
            raise CaptureError(url, why)

    for _ in range(options.max_redirects + 1):
        sent = warc_record.now()
        resp = _get(url, current, options, session, conditional, deadline)
        peer = _peer_host(resp)
        if not hops:
            first_peer = peer
        else:
            try:
                check(peer)
            except CaptureError:
                resp.close()
                raise
        if resp.status_code not in REDIRECT_STATUSES or "Location" not in resp.headers:
            return resp, hops, sent
        target = urljoin(current, resp.headers["Location"])
        hops.append(Redirect(url=current, status=resp.status_code, location=target))
        records.append(warc_record.exchange(resp, sent, peer, None))
        resp.close()
        _check_target(url, target)
        if target in seen:
            raise CaptureError(url, f"redirect loop: {target} was already visited")
        seen.add(target)
        check(addresses.resolve(urlsplit(target).hostname or ""))
        current = target
    raise CaptureError(url, f"more than {options.max_redirects} redirects")


def _get(
    source: str,
    url: str,
    options: FetchOptions,
    session: requests.Session,
    conditional: dict[str, str],
    deadline: float,
) -> requests.Response:
    remaining = deadline - time.monotonic()
    read = max(0.001, min(options.read_timeout, remaining))
    watchdog = _Watchdog(remaining)
    late = CaptureError(
        source,
        f"response not finished within {options.total_timeout:g} s (the headers never completed): "
        "the deadline passed",
    )
    try:
        with watchdog:
            resp = session.get(
                url,
                headers=conditional,
                stream=True,
                allow_redirects=False,
                timeout=(options.connect_timeout, read),
            )
    except requests.exceptions.RequestException as exc:
        raise (
            late if watchdog.fired else _request_error(source, url, options, read, exc)
        ) from None
    finally:
        _WATCHED.conn = None
    if watchdog.fired:  # the socket was shut mid-headers: what came is not a response
        resp.close()
        raise late
    return resp


def _request_error(
    source: str, url: str, options: FetchOptions, read: float, exc: Exception
) -> Exception:
    """The CaptureError (final) or _Transient (worth a retry) a requests failure stands for."""
    if isinstance(exc, requests.exceptions.SSLError):
        return CaptureError(source, f"TLS failure: {_root(exc)}")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return _Transient(f"connection timed out after {options.connect_timeout} s")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return CaptureError(source, f"no response within {read:.3g} s")
    if isinstance(exc, requests.exceptions.ConnectionError):
        if _is_dns(exc):
            return CaptureError(source, f"DNS failure: cannot resolve {urlsplit(url).hostname}")
        return _Transient(f"connection failed: {_root(exc)}")
    return CaptureError(source, f"bad request: {_root(exc)}")


def _read_body(
    source: str, resp: requests.Response, options: FetchOptions, deadline: float
) -> tuple[bytes, bytes]:
    """(wire bytes, content-decoded bytes), both bounded by ``max_bytes`` and the deadline."""
    limit = options.max_bytes
    declared = resp.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise CaptureError(source, f"body of {declared} bytes is over the limit of {limit}")
    inflater = _Inflater(source, resp.headers.get("Content-Encoding"), limit)
    wire = bytearray()
    while True:
        if time.monotonic() > deadline:
            raise CaptureError(
                source,
                f"response not finished within {options.total_timeout:g} s "
                f"({len(wire)} bytes received): the deadline passed",
            )
        try:
            # read1 returns what has arrived, so the deadline is checked even when
            # a server drips a byte at a time.
            chunk = resp.raw.read1(_CHUNK, decode_content=False)
        except urllib3.exceptions.ReadTimeoutError:
            raise CaptureError(
                source, f"body stalled for {options.read_timeout:g} s after {len(wire)} bytes"
            ) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _Transient(
                f"connection broken after {len(wire)} bytes of the body: {_root(exc)}"
            ) from None
        if not chunk:
            break
        wire += chunk
        if len(wire) > limit:
            raise CaptureError(source, f"body is over the limit of {limit} bytes")
        inflater.feed(chunk)
    return bytes(wire), inflater.finish(bytes(wire))


class _Inflater:
    """Content-decoding chunk by chunk, so a small body that inflates huge is stopped early."""

    def __init__(self, source: str, encoding: str | None, limit: int) -> None:
        self.source = source
        self.limit = limit
        self.encoding = (encoding or "identity").strip().lower()
        self.out = bytearray()
        if self.encoding in ("identity", ""):
            self._obj: Any = None
        elif self.encoding in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.encoding == "deflate":
            self._obj = zlib.decompressobj(zlib.MAX_WBITS)
            self._raw_deflate_tried = False
        else:
            raise CaptureError(source, f"unsupported Content-Encoding {encoding!r}")

    def feed(self, data: bytes) -> None:
        if self._obj is None:
            return
        try:
            self._inflate(data)
        except zlib.error as exc:
            if self.encoding == "deflate" and not self.out and not self._raw_deflate_tried:
                # Some servers send raw deflate without the zlib wrapper.
                self._raw_deflate_tried = True
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                self._inflate(data)
                return
            raise CaptureError(self.source, f"corrupt {self.encoding} body: {exc}") from None

    def _inflate(self, data: bytes) -> None:
        while data:
            self.out += self._obj.decompress(data, self.limit - len(self.out) + 1)
            if len(self.out) > self.limit:
                raise CaptureError(
                    self.source,
                    f"{self.encoding} body inflates past the limit of {self.limit} bytes",
                )
            if self._obj.eof:
                data = self._obj.unused_data
                if data and self.encoding in ("gzip", "x-gzip"):
                    self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)  # next gzip member
                else:
                    data = b""
            else:
                data = self._obj.unconsumed_tail

    def finish(self, wire: bytes) -> bytes:
        if self._obj is None:
            return wire
        if not self._obj.eof:
            raise CaptureError(self.source, f"{self.encoding} body ends before its end marker")
        return bytes(self.out)


def _peer(resp: requests.Response) -> tuple[str, int] | None:
    """The peer's (address, port), read from the live socket where urllib3 exposes it."""
    try:
        # No public accessor exists; the socket is live until the body is read.
        conn: Any = resp.raw._connection
        host, port = conn.sock.getpeername()[:2]
    except (AttributeError, OSError, TypeError, ValueError):
        return None
    return str(host), int(port)


def _peer_host(resp: requests.Response) -> str | None:
    peer = _peer(resp)
    return peer[0] if peer is not None else None


def _server_address(resp: requests.Response) -> str | None:
    """The peer's address and port as provenance records it (``[v6]:port`` for IPv6)."""
    peer = _peer(resp)
    if peer is None:
        return None
    host, port = peer
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _http_version(resp: requests.Response) -> str | None:
    version = getattr(resp.raw, "version", None)
    return {10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}.get(version) if version else None


def _root(exc: BaseException) -> str:
    """The innermost cause's message: what a user can act on, without the wrapper chain."""
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = exc.__cause__ or exc.__context__
        if inner is None and exc.args and isinstance(exc.args[0], BaseException):
            inner = exc.args[0]
        if inner is None and getattr(exc, "reason", None) is not None:
            reason = exc.reason  # type: ignore[attr-defined]
            inner = reason if isinstance(reason, BaseException) else None
        if inner is None:
            break
        exc = inner
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:300]


def _is_dns(exc: BaseException) -> bool:
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, urllib3.exceptions.NameResolutionError):
            return True
        stack.extend(x for x in (e.__cause__, e.__context__) if x is not None)
        stack.extend(a for a in e.args if isinstance(a, BaseException))
        reason = getattr(e, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return False
