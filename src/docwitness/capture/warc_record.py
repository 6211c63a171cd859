"""WARC/1.1 records of what the HTTP transport exchanged, written with warcio.

Every request :mod:`docwitness.capture.http` sends becomes a ``request`` record
and its answer a ``response`` record (or a ``revisit``), each gzipped on its
own, so the records of a capture are concatenated gzip members and a history
entry's WARC is their concatenation after a ``warcinfo`` record
(:func:`warcinfo`). What a record holds:

- ``response``: the status line and header block as the HTTP client parsed
  them (in the order and case the server sent), then the body exactly as it
  came off the connection, before any content decoding. A redirect hop's body
  is not read (the transport closes the connection), so its record carries the
  headers only and says ``WARC-Truncated: unspecified``.
- ``request``: the request line and the headers the client sent, ``Host``
  first; ``WARC-Concurrent-To`` names the response it was answered by.
- ``revisit``: a 304 to a conditional request (profile ``server-not-modified``),
  or a 200 whose body has the digest of the previous capture's (profile
  ``identical-payload-digest``), naming that capture's URL and time.

Every record carries ``WARC-Target-URI``, ``WARC-Date`` (when the request was
sent), ``WARC-IP-Address`` when the peer's address is known, and sha256
``WARC-Block-Digest`` and ``WARC-Payload-Digest`` (base32, as warcio and the
WARC guidelines write them). warcio is imported on first use, like requests.
"""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from docwitness import TOOL_NAME, __version__
from docwitness.model import PriorPage

if TYPE_CHECKING:
    import requests

WARC_VERSION = "WARC/1.1"
NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
_VERSIONS = {10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}


def now() -> datetime:
    """The instant a request is sent, as a WARC-Date records it (UTC, microseconds)."""
    return datetime.now(UTC)


def warc_date(when: datetime) -> str:
    """``when`` in the WARC/1.1 form, ``2017-07-05T05:42:41.123456Z``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def warc_digest(data: bytes) -> str:
    """A WARC digest of ``data``: ``sha256:`` and the base32 of the digest."""
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode("ascii")


def _writer(out: io.BytesIO) -> Any:
    """A warcio writer whose block and payload digests are sha256 (warcio's own are sha1)."""
    from warcio.utils import Digester
    from warcio.warcwriter import WARCWriter

    class Sha256Writer(WARCWriter):  # type: ignore[misc]
        @staticmethod
        def _create_digester() -> Any:
            return Digester("sha256")

    return Sha256Writer(out, gzip=True, warc_version=WARC_VERSION)


def _status_headers(line: str, headers: list[tuple[str, str]], protocol: str = "") -> Any:
    from warcio.statusandheaders import StatusAndHeaders

    return StatusAndHeaders(line, headers, protocol=protocol)


def exchange(
    resp: requests.Response,
    sent: datetime,
    ip: str | None,
    wire: bytes | None,
    previous: PriorPage | None = None,
) -> bytes:
    """The request and response (or revisit) records of one HTTP exchange, gzipped.

    ``wire`` is the body as received (None for a redirect hop, whose body was not
    read); ``previous`` is this page's last capture, for a revisit record.
    """
    url = resp.url
    version = _VERSIONS.get(getattr(resp.raw, "version", 11) or 11, "HTTP/1.1")
    headers = [(str(k), str(v)) for k, v in resp.raw.headers.items()]
    status_line = f"{resp.status_code} {resp.reason or ''}".rstrip()
    response_http = _status_headers(status_line, headers, version)
    body = wire if wire is not None else b""
    fields: dict[str, str] = {"WARC-Date": warc_date(sent)}
    if ip:
        fields["WARC-IP-Address"] = ip
    out = io.BytesIO()
    writer = _writer(out)
    record_type = "response"
    old = previous.http if previous is not None else None
    if resp.status_code == 304:
        record_type = "revisit"
        fields["WARC-Profile"] = NOT_MODIFIED
        if old is not None:
            # The payload the server says is unchanged: the previous capture's.
            fields["WARC-Payload-Digest"] = _hex_to_warc(old.wire_sha256)
            fields["WARC-Refers-To-Target-URI"] = old.final_url
            fields["WARC-Refers-To-Date"] = _iso_to_warc(old.requested)
    elif (
        wire is not None
        and old is not None
        and old.status != 304
        and old.wire_size == len(wire)
        and old.wire_sha256 == "sha256:" + hashlib.sha256(wire).hexdigest()
    ):
        record_type = "revisit"
        fields["WARC-Profile"] = IDENTICAL
        fields["WARC-Payload-Digest"] = warc_digest(body)
        fields["WARC-Refers-To-Target-URI"] = old.final_url
        fields["WARC-Refers-To-Date"] = _iso_to_warc(old.requested)
    if record_type == "revisit":
        record = writer.create_warc_record(
            url, "revisit", http_headers=response_http, warc_headers_dict=fields
        )
    else:
        if wire is None:
            fields["WARC-Truncated"] = "unspecified"
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=response_http,
            warc_headers_dict=fields,
        )
    response_id = record.rec_headers.get_header("WARC-Record-ID")

    prepared = resp.request
    split = urlsplit(url)
    host = split.hostname or ""
    if split.port is not None:
        host = f"{host}:{split.port}"
    sent_headers = [("Host", host)] + [
        (str(k), str(v)) for k, v in prepared.headers.items() if str(k).lower() != "host"
    ]
    request_http = _status_headers(
        f"{prepared.method or 'GET'} {prepared.path_url} {version}", sent_headers
    )
    request_fields = {"WARC-Date": warc_date(sent), "WARC-Concurrent-To": response_id}
    if ip:
        request_fields["WARC-IP-Address"] = ip
    request = writer.create_warc_record(
        url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=request_http,
        warc_headers_dict=request_fields,
    )
    writer.write_record(request)
    writer.write_record(record)
    return out.getvalue()


def _iso_to_warc(value: str) -> str:
    """An ISO 8601 time docwitness recorded (``…Z``) in the WARC-Date form."""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return warc_date(when)


def _hex_to_warc(digest: str) -> str:
    """A docwitness digest (``sha256:<hex>``) in the WARC form (``sha256:<base32>``)."""
    algo, _, hexpart = digest.partition(":")
    try:
        raw = bytes.fromhex(hexpart)
    except ValueError:
        return digest
    return f"{algo}:" + base64.b32encode(raw).decode("ascii")


def warcinfo(filename: str, fields: dict[str, str]) -> bytes:
    """A gzipped ``warcinfo`` record naming docwitness, its version and ``fields``."""
    out = io.BytesIO()
    writer = _writer(out)
    info = {
        "software": f"{TOOL_NAME}/{__version__}",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        **fields,
    }
    writer.write_record(writer.create_warcinfo_record(filename, info))
    return out.getvalue()


def resource(
    uri: str, when: str, body: bytes, media_type: str | None, fields: dict[str, str]
) -> bytes:
    """A gzipped ``resource`` record: bytes docwitness holds that did not come over
    HTTP as recorded here (a local copy, or a capture made before WARCs were kept)."""
    out = io.BytesIO()
    writer = _writer(out)
    headers = {
        "WARC-Date": _iso_to_warc(when),
        "Content-Type": media_type or "application/octet-stream",
        **fields,
    }
    record = writer.create_warc_record(
        uri,
        "resource",
        payload=io.BytesIO(body),
        length=len(body),
        warc_content_type=media_type or "application/octet-stream",
        warc_headers_dict=headers,
    )
    writer.write_record(record)
    return out.getvalue()


def metadata(uri: str, when: str, concurrent: str | None, text: str) -> bytes:
    """A gzipped ``metadata`` record (``application/json``) about a capture."""
    out = io.BytesIO()
    writer = _writer(out)
    body = text.encode("utf-8")
    headers = {"WARC-Date": _iso_to_warc(when)}
    if concurrent:
        headers["WARC-Concurrent-To"] = concurrent
    record = writer.create_warc_record(
        uri,
        "metadata",
        payload=io.BytesIO(body),
        length=len(body),
        warc_content_type="application/json",
        warc_headers_dict=headers,
    )
    writer.write_record(record)
    return out.getvalue()


def record_ids(data: bytes) -> list[tuple[str, str, str]]:
    """(WARC-Type, WARC-Target-URI, WARC-Record-ID) of every record in ``data``."""
    from warcio.archiveiterator import ArchiveIterator

    out = []
    for rec in ArchiveIterator(io.BytesIO(data)):
        h = rec.rec_headers
        out.append(
            (
                str(h.get_header("WARC-Type")),
                str(h.get_header("WARC-Target-URI") or ""),
                str(h.get_header("WARC-Record-ID")),
            )
        )
    return out
