"""How a capture came: the transport's provenance, its redirect hops and attempts,
the archive or WARC file it was read from.

Kept apart from :mod:`docwitness.model` so that a command reading local files never
builds these classes; :class:`~docwitness.model.Capture` names them for its ``http``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docwitness.fields import Fields


@dataclass(frozen=True, slots=True)
class Redirect:
    """One redirect hop: the URL asked for, the status it answered, where it pointed."""

    url: str
    status: int
    location: str

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "location": self.location}

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> Redirect:
        f = Fields(obj, where)
        return cls(url=f.text("url"), status=f.integer("status"), location=f.text("location"))


@dataclass(frozen=True, slots=True)
class Attempt:
    """A failed attempt that was retried: when, why, and how long was waited after it."""

    at: str
    outcome: str
    wait_s: float

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "outcome": self.outcome, "wait_s": self.wait_s}

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> Attempt:
        f = Fields(obj, where)
        return cls(at=f.text("at"), outcome=f.text("outcome"), wait_s=f.number("wait_s"))


@dataclass(frozen=True, slots=True)
class ArchiveInfo:
    """Where a web archive's copy came from: the timestamp asked for, the capture time
    actually served and the original URL."""

    base: str
    requested_timestamp: str
    timestamp: str
    captured: str | None
    memento_datetime: str | None
    original_url: str

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "requested_timestamp": self.requested_timestamp,
            "timestamp": self.timestamp,
            "captured": self.captured,
            "memento_datetime": self.memento_datetime,
            "original_url": self.original_url,
        }

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> ArchiveInfo:
        f = Fields(obj, where)
        return cls(
            base=f.text("base"),
            requested_timestamp=f.text("requested_timestamp"),
            timestamp=f.text("timestamp"),
            captured=f.opt_text("captured"),
            memento_datetime=f.opt_text("memento_datetime"),
            original_url=f.text("original_url"),
        )


@dataclass(frozen=True, slots=True)
class WarcFileInfo:
    """Where a copy read from a WARC or WACZ file came from: the file (as named in the
    catalogue, its sha256 and size), for a WACZ the WARC inside it (``member``, its
    sha256), the record taken (``record_id``, ``record_type``, its byte ``offset`` in
    that WARC, its ``WARC-Date`` as written, the ``WARC-Payload-Digest`` it claims),
    for a revisit the record whose payload it repeats (``refers_to``), every record of
    the redirect chain in order (``chain``), and each digest that did not match
    (``problems``: an ``evidence-digest-mismatch`` finding each)."""

    file: str
    file_sha256: str
    file_size: int
    record_id: str
    record_type: str
    offset: int
    date: str
    payload_digest: str | None = None
    member: str | None = None
    member_sha256: str | None = None
    refers_to: str | None = None
    chain: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "file_sha256": self.file_sha256,
            "file_size": self.file_size,
            "member": self.member,
            "member_sha256": self.member_sha256,
            "record_id": self.record_id,
            "record_type": self.record_type,
            "offset": self.offset,
            "date": self.date,
            "payload_digest": self.payload_digest,
            "refers_to": self.refers_to,
            "chain": list(self.chain),
            "problems": list(self.problems),
        }

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> WarcFileInfo:
        f = Fields(obj, where)
        return cls(
            file=f.text("file"),
            file_sha256=f.digest("file_sha256"),
            file_size=f.integer("file_size"),
            member=f.opt_text("member"),
            member_sha256=f.opt_digest("member_sha256"),
            record_id=f.text("record_id"),
            record_type=f.text("record_type"),
            offset=f.integer("offset"),
            date=f.text("date"),
            payload_digest=f.opt_text("payload_digest"),
            refers_to=f.opt_text("refers_to"),
            chain=f.texts("chain"),
            problems=f.texts("problems"),
        )


@dataclass(frozen=True, slots=True)
class HttpProvenance:
    """What the HTTP transport recorded about one page: every hop and header, the
    server, times and retries, digests on the wire and decoded, the validators for
    the next conditional request; ``archive`` for a web archive's copy, ``warc_file``
    for a record read from a WARC or WACZ file (the exchange as that file recorded
    it), ``next_url`` when a next page was found from it."""

    request_url: str
    redirects: tuple[Redirect, ...]
    final_url: str
    status: int
    reason: str | None
    http_version: str | None
    headers: dict[str, str]
    server_address: str | None
    requested: str
    elapsed_s: float
    attempts: tuple[Attempt, ...]
    conditional: dict[str, str]
    user_agent: str
    content_type: str | None
    content_encoding: str | None
    charset: str | None
    wire_sha256: str
    wire_size: int
    decoded_sha256: str
    decoded_size: int
    validators: dict[str, str]
    archive: ArchiveInfo | None = None
    next_url: str | None = None
    warc_file: WarcFileInfo | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "request_url": self.request_url,
            "redirects": [h.to_json() for h in self.redirects],
            "final_url": self.final_url,
            "status": self.status,
            "reason": self.reason,
            "http_version": self.http_version,
            "headers": dict(self.headers),
            "server_address": self.server_address,
            "requested": self.requested,
            "elapsed_s": self.elapsed_s,
            "attempts": [a.to_json() for a in self.attempts],
            "conditional": dict(self.conditional),
            "user_agent": self.user_agent,
            "content_type": self.content_type,
            "content_encoding": self.content_encoding,
            "charset": self.charset,
            "wire_sha256": self.wire_sha256,
            "wire_size": self.wire_size,
            "decoded_sha256": self.decoded_sha256,
            "decoded_size": self.decoded_size,
            "validators": dict(self.validators),
        }
        # Written only when there is one, as they always have been.
        if self.archive is not None:
            out["archive"] = self.archive.to_json()
        if self.next_url is not None:
            out["next_url"] = self.next_url
        if self.warc_file is not None:
            out["warc_file"] = self.warc_file.to_json()
        return out

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> HttpProvenance:
        f = Fields(obj, where)
        return cls(
            request_url=f.text("request_url"),
            redirects=f.objects("redirects", Redirect.from_json),
            final_url=f.text("final_url"),
            status=f.integer("status"),
            reason=f.opt_text("reason"),
            http_version=f.opt_text("http_version"),
            headers=f.text_map("headers"),
            server_address=f.opt_text("server_address"),
            requested=f.text("requested"),
            elapsed_s=f.number("elapsed_s"),
            attempts=f.objects("attempts", Attempt.from_json),
            conditional=f.text_map("conditional"),
            user_agent=f.text("user_agent"),
            content_type=f.opt_text("content_type"),
            content_encoding=f.opt_text("content_encoding"),
            charset=f.opt_text("charset"),
            wire_sha256=f.text("wire_sha256"),
            wire_size=f.integer("wire_size"),
            decoded_sha256=f.text("decoded_sha256"),
            decoded_size=f.integer("decoded_size"),
            validators=f.text_map("validators"),
            archive=f.opt_one("archive", ArchiveInfo.from_json),
            next_url=f.opt_text("next_url") if f.has("next_url") else None,
            warc_file=f.opt_one("warc_file", WarcFileInfo.from_json),
        )

    def header(self, name: str) -> str | None:
        """A response header's value, the name matched without regard to case."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


@dataclass(frozen=True, slots=True)
class PageGap:
    """A page of a paginated copy that could not be captured.

    ``page`` is its 1-based number in the copy; ``after`` how many captured pages
    come before it, i.e. the index in the capture list where the gap falls (the
    pipeline reports a ``truncation`` after those pages' paragraphs).
    """

    page: int
    url: str
    reason: str
    after: int

    def to_json(self) -> dict[str, Any]:
        return {"page": self.page, "url": self.url, "reason": self.reason, "after": self.after}

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> PageGap:
        f = Fields(obj, where)
        return cls(
            page=f.integer("page"),
            url=f.text("url"),
            reason=f.text("reason"),
            after=f.integer("after"),
        )
