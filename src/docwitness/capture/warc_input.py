"""WARC and WACZ files an archive already holds, read as witnesses with warcio.

A ``warc`` witness names a file (a ``.warc``, a ``.warc.gz`` or a ``.wacz``,
told apart by its content, not its name) and the URL of the record to take. The
file is read in two passes:

1. **Index.** Every record is listed with warcio's ``ArchiveIterator`` (for a
   WACZ, every WARC under ``archive/`` in the zip): its type, ``WARC-Target-URI``,
   ``WARC-Date``, ``WARC-Record-ID``, the HTTP status and ``Location`` of a
   response, and where it lies. The file's own sha256 and size are taken on the
   way (for a WACZ, each WARC's too, compared with what ``datapackage.json`` says
   of it). A file that is not a WARC or a WACZ, or whose records stop before its
   end (a gzip member cut short or damaged, bytes that are no record, a record
   not followed by the blank lines that end one), is a
   :class:`~docwitness.errors.CaptureError` naming the byte where reading
   stopped: the witness is unavailable, as after a failed fetch.
2. **Read.** Of the ``response`` and ``revisit`` records whose target is the URL
   (scheme and host compared without case, a default port and a fragment
   aside), the one whose ``WARC-Date`` is nearest the catalogue's ``captured``,
   else the latest, is read again from its offset with warcio's digest checks
   on. A 3xx response is followed to the record its ``Location`` names, the one
   nearest the redirect's own date, up to ``max_redirects`` hops; a loop, a
   ``Location`` the file holds no record of and a final status other than 200
   or 203 make the witness unavailable. A revisit is read through the response
   whose payload it repeats (its ``WARC-Refers-To``, else the record of its
   ``WARC-Refers-To-Target-URI`` and date, else one with the same payload
   digest), and its own ``WARC-Payload-Digest`` is checked against that payload.

A digest that does not match (``WARC-Payload-Digest`` or ``WARC-Block-Digest``,
sha1 or sha256, in base32, base16 or base64 as warcio reads them; for a WACZ, a
WARC whose sha256 is not the one ``datapackage.json`` gives) is not an error: the
copy is read, and the mismatch is recorded in the capture's
:class:`~docwitness.provenance.WarcFileInfo` (``problems``), which the collation makes
an ``evidence-digest-mismatch`` finding. Nothing is read silently.

The capture's body is the payload with its chunking and ``Content-Encoding``
(gzip, deflate) undone, bounded by ``max_bytes`` before and after decoding; its
provenance is an :class:`~docwitness.provenance.HttpProvenance` built from the
record (status, headers, ``WARC-IP-Address`` as the server's address, the
redirect hops, the User-Agent of the request record when the file has one)
with the file, record and digests in ``warc_file``. The capture time is the
record's ``WARC-Date``. The records read (each hop's request and response, a
revisit's original) are kept with the capture byte for byte, as gzip members,
so the store holds the evidence and ``export warc`` writes it again.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import io
import json
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

from docwitness.capture import guess_media_type, tool_id
from docwitness.catalogue import display_path, parse_instant
from docwitness.errors import CaptureError
from docwitness.model import Capture, sha256_bytes
from docwitness.provenance import HttpProvenance, Redirect, WarcFileInfo

REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 1024 * 1024
_ZIP = b"PK\x03\x04"
_DEFAULT_PORTS = {"http": 80, "https": 443}


# --------------------------------------------------------------------------- warcio, quietly


def _iterator(fh: IO[bytes] | _Hashing, check_digests: bool = False) -> Any:
    """warcio's ArchiveIterator over ``fh``, its warnings kept instead of printed.

    warcio writes to stderr when a record is not followed by blank lines or a gzip
    member breaks off part-way; here the first is counted (``err_count``) and the
    second kept (``quiet.damaged``), as is a gzip member that ends before its end
    marker, and the caller says what happened, once."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import DecompressingBufferedReader
    from warcio.utils import BUFF_SIZE

    class Unprinted(str):
        def format(self, *args: object, **kwargs: object) -> str:
            return ""  # warcio writes this out: nothing is written

    class QuietReader(DecompressingBufferedReader):  # type: ignore[misc]
        damaged: str | None = None

        def _decompress(self, data: bytes) -> bytes:
            if self.decompressor and data and self.num_block_read != 0:
                try:
                    out: bytes = self.decompressor.decompress(data)
                except Exception as exc:  # what warcio prints and then reads as the end
                    self.damaged = str(exc)
                    return b""
                return out
            done: bytes = super()._decompress(data)
            return done

        def _process_read(self, data: bytes) -> None:
            member = self.decompressor
            if not data and member is not None and self.num_block_read and not member.eof:
                self.damaged = "a gzip member ends before its end marker"
            super()._process_read(data)

    class Quiet(ArchiveIterator):  # type: ignore[misc]
        INC_RECORD = Unprinted("")

        def __init__(self, fileobj: IO[bytes] | _Hashing, **kwargs: Any) -> None:
            super().__init__(fileobj, **kwargs)
            # Kept apart too: warcio drops its reader when the file ends.
            self.quiet = self.reader = QuietReader(
                self.fh, block_size=kwargs.get("block_size", BUFF_SIZE)
            )

    return Quiet(fh, check_digests=check_digests)


class _Hashing(io.RawIOBase):
    """Reads through to ``raw``, hashing every byte read and counting them."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        self.count += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def tell(self) -> int:
        return self.count


# --------------------------------------------------------------------------- digests


def _digest_value(claim: str) -> tuple[str, bytes] | None:
    """(algorithm, digest bytes) of a WARC digest in base32, base16 or base64."""
    algo, sep, value = claim.strip().partition(":")
    algo = algo.strip().lower().replace("-", "")
    if not sep or not value:
        return None
    try:
        size = hashlib.new(algo).digest_size
    except ValueError:
        return None
    value = value.strip()
    for decode in (_b32, _b16, _b64):
        try:
            raw = decode(value)
        except (binascii.Error, ValueError):
            continue
        if len(raw) == size:
            return algo, raw
    return None


def _b32(v: str) -> bytes:
    return base64.b32decode(v.upper() + "=" * (-len(v) % 8))


def _b16(v: str) -> bytes:
    return base64.b16decode(v.upper())


def _b64(v: str) -> bytes:
    padded = v + "=" * (-len(v) % 4)
    if "-" in v or "_" in v:
        return base64.b64decode(padded, altchars=b"-_")
    return base64.b64decode(padded)


def _digest_of(algo: str, data: bytes) -> str:
    """``data``'s digest in the WARC form: the algorithm and the base32 of the digest."""
    return f"{algo}:" + base64.b32encode(hashlib.new(algo, data).digest()).decode("ascii")


def digest_matches(claim: str, data: bytes) -> bool | None:
    """Whether ``data`` has the digest ``claim``; None when the claim cannot be read."""
    parsed = _digest_value(claim)
    if parsed is None:
        return None
    algo, want = parsed
    return hashlib.new(algo, data).digest() == want


# --------------------------------------------------------------------------- the index


@dataclass(frozen=True, slots=True)
class Record:
    """One record of the index: what it is, whom it is for, and where it lies."""

    member: str | None  # the WARC inside a WACZ; None for a WARC file
    offset: int
    length: int
    order: int  # its place in the file, for ties
    type: str
    uri: str
    date: datetime | None
    date_text: str
    record_id: str
    status: int | None
    reason: str | None
    location: str | None
    payload_digest: str | None
    concurrent_to: str | None
    refers_to: str | None
    refers_to_uri: str | None
    refers_to_date: str | None
    ip: str | None
    user_agent: str | None


def url_key(url: str) -> str:
    """The form in which a URL is looked up: WARC-Target-URI's angle brackets (WARC/1.0
    writers), the fragment, user info and a default port left out; scheme and host
    in lower case; an empty path is ``/``."""
    u = url.strip()
    if u.startswith("<") and u.endswith(">"):
        u = u[1:-1].strip()
    s = urlsplit(u)
    scheme = s.scheme.lower()
    host = (s.hostname or "").lower()
    try:
        port = s.port
    except ValueError:
        port = None
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    query = f"?{s.query}" if s.query else ""
    return f"{scheme}://{netloc}{s.path or '/'}{query}"


def _clean_uri(uri: str) -> str:
    u = uri.strip()
    return u[1:-1].strip() if u.startswith("<") and u.endswith(">") else u


def _header(headers: Any, name: str) -> str | None:
    if headers is None:
        return None
    value = headers.get_header(name)
    return str(value) if value is not None else None


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _kind(path: Path) -> str | None:
    from docwitness.capture.file import _kind as kind_of

    return kind_of(path.stat().st_mode)


class ArchiveFile:
    """A WARC or WACZ file, its records indexed (see the module docstring)."""

    def __init__(self, path: Path, max_bytes: int, max_redirects: int = 10) -> None:
        self.path = path
        self.name = display_path(path)
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.records: list[Record] = []
        self.by_key: dict[str, list[Record]] = {}
        self.by_id: dict[str, Record] = {}
        self.requests: dict[str, Record] = {}  # by the response they were answered by
        self.member_sha256: dict[str | None, str] = {}
        self.member_problems: dict[str | None, tuple[str, ...]] = {}
        self.seen = 0  # records of every type
        try:
            kind = _kind(path)
            if kind is not None:
                raise CaptureError(self.name, kind)
            with open(path, "rb") as fh:
                self.is_wacz = fh.read(4) == _ZIP
            if self.is_wacz:
                self.file_sha256, self.file_size = _file_digest(path)
                self._index_wacz()
            else:
                with open(path, "rb") as fh:
                    hashing = _Hashing(fh)
                    self._index_member(None, hashing, path.stat().st_size)
                    while hashing.read(_CHUNK):
                        pass
                    self.file_sha256 = "sha256:" + hashing.sha.hexdigest()
                    self.file_size = hashing.count
                    self.member_sha256[None] = self.file_sha256
        except FileNotFoundError:
            raise CaptureError(self.name, "no such file") from None
        except PermissionError:
            raise CaptureError(self.name, "permission denied") from None
        except IsADirectoryError:
            raise CaptureError(self.name, "is a directory, not a file") from None
        except OSError as exc:
            raise CaptureError(self.name, exc.strerror or str(exc)) from None

    # ------------------------------------------------------------------ indexing

    def _index_wacz(self) -> None:
        try:
            with zipfile.ZipFile(self.path) as z:
                names = [
                    i
                    for i in z.infolist()
                    if i.filename.startswith("archive/")
                    and i.filename.endswith((".warc", ".warc.gz"))
                ]
                if not names:
                    raise CaptureError(self.name, "a WACZ with no WARC under archive/")
                claimed = _datapackage(z)
                for info in sorted(names, key=lambda i: i.filename):
                    with z.open(info) as fh:
                        hashing = _Hashing(fh)
                        self._index_member(info.filename, hashing, info.file_size)
                        while hashing.read(_CHUNK):
                            pass
                    digest = "sha256:" + hashing.sha.hexdigest()
                    self.member_sha256[info.filename] = digest
                    said = claimed.get(info.filename)
                    if said is not None and said.lower() != digest:
                        self.member_problems[info.filename] = (
                            f"the WARC {info.filename} is not the one datapackage.json names: "
                            f"its digest is {digest}, datapackage.json gives {said} "
                            f"({self.name})",
                        )
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as exc:
            raise CaptureError(self.name, f"not a readable WACZ (zip): {exc}") from None

    def _index_member(self, member: str | None, fh: _Hashing, size: int) -> None:
        from warcio.exceptions import ArchiveLoadFailed

        where = f"{member} in {self.name}" if member else self.name
        if size == 0:
            raise CaptureError(where, "is empty: no WARC records")
        it = _iterator(fh)
        before = self.seen
        try:
            for rec in it:
                if rec.format != "warc":  # ARC, or bytes that read as it
                    raise ArchiveLoadFailed(f"a record of format {rec.format!r}, not WARC")
                if not str(rec.rec_headers.protocol or "").startswith("WARC/"):
                    # warcio reads bytes after a blank first line as a record with no
                    # version line and no headers at all: that is no WARC record.
                    raise ArchiveLoadFailed("a record with no WARC version line")
                self.seen += 1
                self._add(member, it, rec)
        except ArchiveLoadFailed as exc:
            said = str(exc).split(", first line", 1)[0]
            if self.seen == before:
                raise CaptureError(where, f"not a WARC or WACZ file (warcio: {said})") from None
            raise CaptureError(
                where, f"damaged at byte {it.offset}: no WARC record there (warcio: {said})"
            ) from None
        except (EOFError, zlib.error, ValueError, IndexError) as exc:
            raise CaptureError(where, f"damaged at byte {it.offset}: {exc}") from None
        if self.seen == before:
            raise CaptureError(where, "not a WARC or WACZ file: no WARC record in it")
        if it.quiet.damaged:
            raise CaptureError(
                where, f"damaged or cut short after byte {it.offset}: {it.quiet.damaged}"
            )
        if it.err_count:
            raise CaptureError(
                where,
                f"damaged: {it.err_count} record(s) not followed by the blank lines that end "
                "a record (a Content-Length that is wrong, or bytes inserted)",
            )
        if it.offset < size:
            raise CaptureError(
                where,
                f"damaged or cut short: its records end at byte {it.offset} of {size} "
                "(a gzip member or a record is incomplete)",
            )

    def _add(self, member: str | None, it: Any, rec: Any) -> None:
        h = rec.rec_headers
        kind = str(rec.rec_type or "")
        if kind not in ("response", "revisit", "request"):
            it.read_to_end()
            return
        uri = _clean_uri(_header(h, "WARC-Target-URI") or "")
        http = rec.http_headers if kind != "request" else None
        status: int | None = None
        reason: str | None = None
        if http is not None and kind in ("response", "revisit"):
            code = http.get_statuscode()
            status = int(code) if code and str(code).isdigit() else None
            line = str(http.statusline or "")
            reason = line.split(" ", 1)[1].strip() if " " in line else None
        agent = None
        if kind == "request" and rec.http_headers is not None:
            agent = _header(rec.http_headers, "User-Agent")
        date_text = _header(h, "WARC-Date") or ""
        record = Record(
            member=member,
            offset=it.get_record_offset(),
            length=it.get_record_length(),
            order=len(self.records),
            type=kind,
            uri=uri,
            date=parse_instant(date_text) if date_text else None,
            date_text=date_text,
            record_id=_header(h, "WARC-Record-ID") or "",
            status=status,
            reason=reason or None,
            location=_header(http, "Location"),
            payload_digest=_header(h, "WARC-Payload-Digest"),
            concurrent_to=_header(h, "WARC-Concurrent-To"),
            refers_to=_header(h, "WARC-Refers-To"),
            refers_to_uri=_header(h, "WARC-Refers-To-Target-URI"),
            refers_to_date=_header(h, "WARC-Refers-To-Date"),
            ip=_header(h, "WARC-IP-Address"),
            user_agent=agent,
        )
        self.records.append(record)
        if kind == "request":
            if record.concurrent_to:
                self.requests[record.concurrent_to] = record
            return
        self.by_key.setdefault(url_key(uri), []).append(record)
        if record.record_id:
            self.by_id[record.record_id] = record

    # ------------------------------------------------------------------ choosing

    def nearest(self, url: str, when: datetime | None) -> Record | None:
        """The response or revisit record for ``url`` nearest ``when`` (else the latest)."""
        found = self.by_key.get(url_key(url), [])
        if not found:
            return None
        if when is None:
            oldest = datetime.min.replace(tzinfo=UTC)
            return max(found, key=lambda r: (r.date or oldest, r.order))
        far = float("inf")
        return min(
            found,
            key=lambda r: (abs((r.date - when).total_seconds()) if r.date else far, r.order),
        )

    def _original(self, revisit: Record) -> Record:
        """The response whose payload a revisit repeats."""
        if revisit.refers_to:
            named = self.by_id.get(revisit.refers_to)
            if named is not None and named.type == "response":
                return named
        if revisit.refers_to_uri:
            same = [
                r
                for r in self.by_key.get(url_key(revisit.refers_to_uri), [])
                if r.type == "response"
            ]
            when = parse_instant(revisit.refers_to_date) if revisit.refers_to_date else None
            dated = [r for r in same if when is not None and r.date == when]
            if dated:
                return dated[0]
            digested = [
                r
                for r in same
                if revisit.payload_digest and r.payload_digest == revisit.payload_digest
            ]
            if digested:
                return digested[-1]
        digested = [
            r
            for r in self.by_key.get(url_key(revisit.uri), [])
            if r.type == "response"
            and revisit.payload_digest
            and r.payload_digest == revisit.payload_digest
        ]
        if digested:
            return digested[-1]
        target = revisit.refers_to_uri or revisit.uri
        raise CaptureError(
            revisit.uri,
            f"the record taken ({revisit.record_id}) is a revisit of {target}"
            f"{' at ' + revisit.refers_to_date if revisit.refers_to_date else ''}, "
            f"whose payload {self.name} does not hold",
        )

    # ------------------------------------------------------------------ reading

    @contextmanager
    def _open(self, member: str | None) -> Iterator[IO[bytes]]:
        if member is None:
            with open(self.path, "rb") as fh:
                yield fh
        else:
            with zipfile.ZipFile(self.path) as z, z.open(member) as fh:
                yield fh

    def _read(self, rec: Record) -> tuple[Any, bytes, bytes, list[str]]:
        """(HTTP headers, payload as stored, the record's bytes as a gzip member, digest
        problems) of one record, read again with warcio's digest checks."""
        try:
            with self._open(rec.member) as fh:
                fh.seek(rec.offset)
                blob = fh.read(rec.length)
            it = _iterator(io.BytesIO(blob), check_digests=True)
            record = next(iter(it))
            parts: list[bytes] = []
            got = 0
            # Read to the end, so that warcio checks the digests.
            while chunk := record.raw_stream.read(_CHUNK):
                parts.append(chunk)
                got += len(chunk)
                if got > self.max_bytes:
                    raise CaptureError(
                        rec.uri,
                        f"the record's payload is over the limit of {self.max_bytes} bytes",
                    )
            payload = b"".join(parts)
            checker = record.digest_checker
            http = record.http_headers
        except (StopIteration, EOFError, zlib.error, OSError, ValueError) as exc:
            raise CaptureError(
                rec.uri, f"record {rec.record_id} at byte {rec.offset} cannot be read: {exc}"
            ) from None
        said = [str(p) for p in checker.problems] if checker.passed is False else []
        wrong: list[str] = []
        if any(p.startswith("payload digest failed") for p in said):
            claim = rec.payload_digest or ""
            parsed = _digest_value(claim)
            actual = f", the payload is {_digest_of(parsed[0], payload)}" if parsed else ""
            wrong.append(
                f"the payload does not match its WARC-Payload-Digest: the record says "
                f"{claim}{actual}"
            )
        block = next((p for p in said if p.startswith("block digest failed")), None)
        if block is not None:
            claim = block.split()[-1]
            wrong.append(
                f"the block does not match its WARC-Block-Digest {claim}"
                if not wrong
                else f"nor does the block match its WARC-Block-Digest {claim}"
            )
        # One problem a record: what does not match, then which record it is.
        problems = (
            [f"{'; '.join(wrong)} (record {rec.record_id}, {rec.uri}, {rec.date_text})"]
            if wrong
            else []
        )
        # A record of an uncompressed WARC is kept as a gzip member of its own bytes
        # and the two newlines that end a record.
        member = blob if blob[:2] == b"\x1f\x8b" else gzip.compress(blob + b"\r\n\r\n", mtime=0)
        return http, payload, member, problems

    def capture(self, url: str, when: datetime | None) -> Capture:
        """The copy of ``url`` the file holds, nearest ``when``, redirects followed."""
        started = time.monotonic()
        first = self.nearest(url, when)
        if first is None:
            raise CaptureError(url, f"{self.name} holds no response record for {url}")
        chain: list[Record] = []
        hops: list[Redirect] = []
        problems: list[str] = []
        kept: dict[tuple[str | None, int], bytes] = {}
        rec = first
        while True:
            if any(r.record_id == rec.record_id for r in chain):
                raise CaptureError(url, f"redirect loop in {self.name} at {rec.uri}")
            chain.append(rec)
            body_rec = self._original(rec) if rec.type == "revisit" else rec
            http, payload, blob, found = self._read(body_rec)
            problems += found
            kept[(body_rec.member, body_rec.offset)] = blob
            if body_rec is not rec:
                _, _, revisit_blob, found = self._read(rec)
                problems += found
                kept[(rec.member, rec.offset)] = revisit_blob
                if rec.payload_digest and digest_matches(rec.payload_digest, payload) is False:
                    problems.append(
                        f"a revisit's WARC-Payload-Digest {rec.payload_digest} is not that of "
                        f"the payload it refers to, record {body_rec.record_id} (record "
                        f"{rec.record_id}, {rec.uri}, {rec.date_text})"
                    )
            request = self.requests.get(rec.record_id)
            if request is not None:
                kept[(request.member, request.offset)] = self._read(request)[2]
            status = rec.status if rec.status not in (None, 304) else body_rec.status
            if http is None or status is None:
                raise CaptureError(
                    url,
                    f"record {rec.record_id} of {rec.uri} in {self.name} holds no HTTP response",
                )
            if 300 <= status < 400 and status != 304:
                location = rec.location or body_rec.location
                if not location:
                    raise CaptureError(url, f"HTTP {status} with no Location in {self.name}")
                target = urljoin(rec.uri, location.strip())
                hops.append(Redirect(url=rec.uri, status=status, location=target))
                if len(hops) > self.max_redirects:
                    raise CaptureError(url, f"more than {self.max_redirects} redirects")
                nxt = self.nearest(target, rec.date)
                if nxt is None:
                    raise CaptureError(
                        url,
                        f"redirected (HTTP {status}) to {target}, of which {self.name} "
                        "holds no record",
                    )
                rec = nxt
                continue
            if status not in (200, 203):
                reason = body_rec.reason or ""
                raise CaptureError(
                    url,
                    f"the record of {rec.uri} in {self.name} is HTTP {status} {reason}".rstrip(),
                )
            return self._capture(
                url,
                first,
                rec,
                body_rec,
                status,
                http,
                payload,
                hops,
                problems,
                chain,
                kept,
                started,
            )

    def _capture(
        self,
        url: str,
        first: Record,
        rec: Record,
        body_rec: Record,
        status: int,
        http: Any,
        payload: bytes,
        hops: list[Redirect],
        problems: list[str],
        chain: list[Record],
        kept: dict[tuple[str | None, int], bytes],
        started: float,
    ) -> Capture:
        if rec.date is None:
            raise CaptureError(url, f"record {rec.record_id} has no valid WARC-Date")
        body = _decode(url, http, payload, self.max_bytes)
        content_type = _header(http, "Content-Type")
        media_type, charset = _content_type(content_type)
        request = self.requests.get(body_rec.record_id) or self.requests.get(rec.record_id)
        headers = {str(k): str(v) for k, v in http.headers}
        line = str(http.statusline or "")
        info = WarcFileInfo(
            file=self.name,
            file_sha256=self.file_sha256,
            file_size=self.file_size,
            member=rec.member,
            member_sha256=self.member_sha256.get(rec.member) if rec.member else None,
            record_id=rec.record_id,
            record_type=rec.type,
            offset=rec.offset,
            date=rec.date_text,
            payload_digest=rec.payload_digest,
            refers_to=body_rec.record_id if body_rec is not rec else None,
            chain=tuple(r.record_id for r in chain),
            problems=tuple(problems) + self.member_problems.get(rec.member, ()),
        )
        provenance = HttpProvenance(
            request_url=url,
            redirects=tuple(hops),
            final_url=rec.uri,
            status=status,
            reason=line.split(" ", 1)[1].strip() if " " in line else None,
            http_version=str(http.protocol) if getattr(http, "protocol", "") else None,
            headers=headers,
            server_address=rec.ip or body_rec.ip,
            requested=_iso(first.date) if first.date else _iso(rec.date),
            elapsed_s=round(time.monotonic() - started, 3),
            attempts=(),
            conditional={},
            user_agent=(request.user_agent if request is not None else None) or "",
            content_type=content_type,
            content_encoding=_header(http, "Content-Encoding"),
            charset=charset,
            wire_sha256=sha256_bytes(payload),
            wire_size=len(payload),
            decoded_sha256=sha256_bytes(body),
            decoded_size=len(body),
            validators={},
            warc_file=info,
        )
        return Capture(
            source=url,
            retrieved=_iso(rec.date),
            body=body,
            sha256=sha256_bytes(body),
            size=len(body),
            media_type=media_type or guess_media_type(urlsplit(rec.uri).path),
            tool=tool_id(),
            transport="warc",
            http=provenance,
            warc=b"".join(kept[k] for k in sorted(kept, key=lambda k: (k[0] or "", k[1]))),
        )


def _datapackage(z: zipfile.ZipFile) -> dict[str, str]:
    """The sha256 that a WACZ's datapackage.json gives each file, by path."""
    try:
        data = json.loads(z.read("datapackage.json"))
    except (KeyError, ValueError, UnicodeDecodeError):
        return {}
    out: dict[str, str] = {}
    resources = data.get("resources") if isinstance(data, dict) else None
    for res in resources if isinstance(resources, list) else ():
        if isinstance(res, dict) and isinstance(res.get("path"), str):
            digest = res.get("hash") or res.get("stats", {}).get("hash")
            if isinstance(digest, str) and digest.startswith("sha256:"):
                out[res["path"]] = digest
    return out


def _file_digest(path: Path) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return "sha256:" + sha.hexdigest(), size


def _content_type(value: str | None) -> tuple[str | None, str | None]:
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


def _decode(source: str, http: Any, payload: bytes, limit: int) -> bytes:
    """The payload with its chunking (warcio's reader) and Content-Encoding undone."""
    from warcio.bufferedreaders import ChunkedDataReader

    data = payload
    if (_header(http, "Transfer-Encoding") or "").strip().lower() == "chunked":
        reader = ChunkedDataReader(io.BytesIO(payload))
        data = reader.read(limit + 1)
        if len(data) > limit:
            raise CaptureError(source, f"the payload is over the limit of {limit} bytes")
    encoding = (_header(http, "Content-Encoding") or "identity").strip().lower()
    if encoding in ("identity", ""):
        return data
    if encoding in ("gzip", "x-gzip"):
        wbits = 16 + zlib.MAX_WBITS
    elif encoding == "deflate":
        wbits = zlib.MAX_WBITS if data[:1] == b"\x78" else -zlib.MAX_WBITS
    else:
        raise CaptureError(source, f"unsupported Content-Encoding {encoding!r} in the record")
    out = bytearray()
    try:
        while data:
            inflater = zlib.decompressobj(wbits)
            out += inflater.decompress(data, limit - len(out) + 1)
            if len(out) > limit or inflater.unconsumed_tail:
                raise CaptureError(source, f"the payload inflates past the limit of {limit} bytes")
            if not inflater.eof:
                raise CaptureError(source, f"the {encoding} payload ends before its end marker")
            data = inflater.unused_data if encoding != "deflate" else b""
    except zlib.error as exc:
        raise CaptureError(source, f"corrupt {encoding} payload: {exc}") from None
    return bytes(out)


__all__ = ["ArchiveFile", "Record", "digest_matches", "url_key"]
