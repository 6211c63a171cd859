"""Frozen data that flows between the pipeline's stages; no I/O here.

Source (catalogue) → Capture (raw bytes + provenance) → Extraction (text blocks)
→ Document (canonical paragraphs) → Report (findings per witness).

Every digest is written ``sha256:<hex>``. A capture's bytes are evidence and are
kept verbatim; every derived form records which extractor and normalisation
profile produced it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, Protocol, get_args

from docwitness.fields import Fields

Role = Literal["official", "mirror", "aggregator", "archive", "community"]
ROLES: tuple[str, ...] = get_args(Role)
SCRIPTS: tuple[str, ...] = ("simplified", "traditional")

Severity = Literal["substantive", "formal"]
SEVERITIES: tuple[str, ...] = ("formal", "substantive")  # ordered, weakest first

# What ``--fail-on`` accepts: exit 1 for anything at or above the level. The first
# is the default; ``any`` counts formal differences too.
FailOn = Literal["substantive", "formal", "any"]
FAIL_ON: tuple[str, ...] = get_args(FailOn)

BlockKind = Literal["paragraph", "heading"]


def sha256_bytes(data: bytes) -> str:
    """The digest of ``data`` in docwitness's written form, ``sha256:<hex>``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """The digest of ``text`` encoded as UTF-8."""
    return sha256_bytes(text.encode("utf-8"))


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no spaces, the form that is hashed."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class WitnessSpec:
    """One copy of a document, as the catalogue describes it."""

    id: str
    role: str
    url: str | None = None
    urls: tuple[str, ...] = ()
    path: Path | None = None
    format: str | None = None
    select: str | None = None
    script: str | None = None
    published: str | None = None
    wayback: str | None = None
    next: str | None = None
    max_pages: int | None = None
    # A record of a WARC or WACZ file (``warc``) taken by its URL (``url``/``urls``),
    # the one nearest ``captured`` when the file holds several.
    warc: Path | None = None
    captured: str | None = None

    @property
    def location(self) -> str:
        """Where the copy is read from: the local path (a file, or the WARC or WACZ
        holding it) if there is one, else the URL."""
        if self.path is not None:
            return str(self.path)
        if self.warc is not None:
            return str(self.warc)
        if self.urls:
            return self.urls[0]
        return self.url or ""

    @property
    def origin(self) -> str | None:
        """The URL the copy came from, if known (for a local copy, its ``url`` key)."""
        if self.urls:
            return self.urls[0]
        return self.url

    @property
    def local(self) -> bool:
        """Whether the copy is read from this machine (a file, or a WARC or WACZ file),
        so ``--offline`` still captures it."""
        return self.path is not None or self.warc is not None


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """A document and its witnesses, from one catalogue file."""

    id: str
    title: str
    language: str
    witnesses: tuple[WitnessSpec, ...]
    catalogue: Path
    reference: str | None = None

    def witness(self, witness_id: str) -> WitnessSpec:
        for w in self.witnesses:
            if w.id == witness_id:
                return w
        raise KeyError(witness_id)


# --------------------------------------------------------------------------- captures


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
class Capture:
    """Raw bytes of one copy (or one page of it) plus where and when they came from.

    ``http`` holds the transport's provenance (request URL, redirect hops, final
    URL, status, response headers, server address) when there was one, and
    ``warc`` the WARC records of the exchanges (:mod:`docwitness.capture.warc_record`).
    """

    source: str
    retrieved: str  # ISO 8601, UTC, seconds precision, "Z" suffix
    body: bytes = field(repr=False)
    sha256: str
    size: int
    media_type: str | None
    tool: str  # "docwitness/<version>"
    transport: str  # the name of a transport in docwitness.capture.transports.TRANSPORTS
    http: HttpProvenance | None = field(default=None, compare=False)
    status: str = "captured"  # "captured" | "not-modified"
    # The WARC records (gzip members) of every HTTP exchange behind this page, in
    # order; empty for a transport that made none (a local file).
    warc: bytes = field(default=b"", repr=False, compare=False)


class PriorPage(Protocol):
    """What a fetcher needs of a page's previous capture for a conditional request: a
    :class:`Capture`, or the page provenance a history entry holds."""

    @property
    def source(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def media_type(self) -> str | None: ...
    @property
    def http(self) -> HttpProvenance | None: ...


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


# --------------------------------------------------------------------------- extraction


@dataclass(frozen=True, slots=True)
class Block:
    """A run of text that the source marks as one paragraph or heading."""

    text: str
    kind: BlockKind = "paragraph"
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """What an extractor made of a capture, and how.

    ``removed`` lists what was taken out as not being the document's text
    (site chrome, running headers), so a report can show it. ``metadata`` holds
    claims the copy makes about itself (title, dateline, date).
    """

    blocks: tuple[Block, ...]
    extractor: str
    extractor_version: str
    libraries: dict[str, str] = field(default_factory=dict, compare=False)
    encoding: str | None = None
    encoding_evidence: dict[str, str | None] = field(default_factory=dict, compare=False)
    replacement_chars: int = 0
    removed: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict, compare=False)
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The extracted text: blocks joined by newlines (the ``text`` digest's input)."""
        return "\n".join(b.text for b in self.blocks)


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One canonical paragraph.

    ``raw`` is the extracted text, ``text`` the canonical form the profile made of
    it, ``sha256`` the digest of ``text``. ``marker`` is the numbering at the start
    of ``text`` ("十、", "1.", "（一）" as canonicalised) or None, and ``point`` the
    label of the top-level outline point the paragraph belongs to ("十"), or None
    before the first point.
    """

    index: int
    raw: str
    text: str
    sha256: str
    kind: BlockKind = "paragraph"
    marker: str | None = None
    point: str | None = None
    page: int | None = None

    @property
    def body(self) -> str:
        """``text`` without its leading marker."""
        if self.marker and self.text.startswith(self.marker):
            return self.text[len(self.marker) :].lstrip()
        return self.text


@dataclass(frozen=True, slots=True)
class Digests:
    """The three digests of a document: raw bytes, extracted text, canonical text."""

    raw: str
    text: str
    canonical: str

    def to_dict(self) -> dict[str, str]:
        return {"raw": self.raw, "text": self.text, "canonical": self.canonical}


@dataclass(frozen=True, slots=True)
class Document:
    """A copy turned into canonical paragraphs, with the record of how.

    ``witness_id`` names the copy (a catalogue's witness id, or the file name a
    command line gave); in findings and rows, ``witness`` is always a paragraph
    index into such a copy.
    """

    witness_id: str
    source: str
    paragraphs: tuple[Paragraph, ...]
    digests: Digests
    profile: str
    extraction: Extraction

    @property
    def canonical_text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def length(self) -> int:
        return sum(len(p.text) for p in self.paragraphs)


# --------------------------------------------------------------------------- findings and reports


@dataclass(frozen=True, slots=True)
class Run:
    """The paragraphs a grouped finding stands for: a run of consecutive missing (or
    extra) paragraphs, first and last of each side it has (None for the side it
    lacks), and the outline points it covers, in order."""

    ref_first: int | None = None
    ref_last: int | None = None
    witness_first: int | None = None
    witness_last: int | None = None
    points: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found about a witness. Data, never an exception.

    ``ref`` is a 0-based index into the reference's canonical paragraphs (None
    when there is no reference or no counterpart); ``witness`` an index, or a
    tuple of indexes, into the witness's paragraphs. ``rule`` names the rule that
    fired and ``evidence`` what it fired on, so a reader can judge it.
    ``detail`` carries kind-specific extras (coverage, mended text, expected
    numbering, context) that the JSON report passes through. ``count`` is how many
    paragraphs a grouped finding stands for (a run of consecutive missing or extra
    paragraphs is one finding), and ``run`` says which; a finding about one
    paragraph has ``count`` 1 and no ``run``.
    """

    kind: str
    severity: Severity
    ref: int | None = None
    ref_excerpt: str | None = None
    witness: int | tuple[int, ...] | None = None
    outline: str | None = None
    ref_text: str | None = None
    witness_text: str | None = None
    offset: int | None = None
    boilerplate: bool = False
    rule: str | None = None
    evidence: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict, compare=False)
    at: str | None = None  # a truncation's place: "start", "end" or "gap"
    count: int = 1
    run: Run | None = None


@dataclass(frozen=True, slots=True)
class FormalDifference:
    """A difference the normalisation profile removes: both readings, kept for display."""

    ref: int | None
    witness: int | None
    ref_reading: str
    witness_reading: str
    reason: str  # "script" | "width" | "quotes" | "whitespace" | "other"


@dataclass(frozen=True, slots=True)
class AlignedRow:
    """One row of the alignment of a witness against the reference, for side-by-side display.

    ``ref`` and ``witness`` are paragraph indexes (a tuple where a split or merge
    spans several); ``kind`` is "equal", "formal" (equal once normalised),
    "variant", "missing", "extra", "split", "merge", "moved" or "numbering".
    ``ops`` is the character diff of the pair for display, as (op, text) with op
    -1 (only in the reference), 0 (both), 1 (only in the witness). ``point`` is
    the outline point the row stands in. A single copy shown on its own has rows
    of kind "text" with no ``ref``.
    """

    kind: str
    ref: tuple[int, ...] = ()
    witness: tuple[int, ...] = ()
    ref_text: str = ""
    witness_text: str = ""
    ops: tuple[tuple[int, str], ...] = ()
    boilerplate: bool = False
    point: str | None = None


class Verdict(StrEnum):
    """What one witness amounts to; :func:`docwitness.compare.verdict.decide` decides it."""

    IDENTICAL = "identical"  # the same canonical text, paragraph for paragraph
    EQUIVALENT = "equivalent"  # formal findings only, or readings that differ only in script
    VARIANT = "variant"  # a substantive finding other than a cut
    TRUNCATED = "truncated"  # the copy stops early, or begins late
    UNRELATED = "unrelated"  # too little of it aligns with the reference: another document
    # Its text layer cannot be trusted (not compared), or its evidence is not what it
    # claims (an archive file's digest does not match; compared all the same).
    UNRELIABLE = "unreliable"
    UNAVAILABLE = "unavailable"  # it could not be read
    COMPLETE = "complete"  # a copy judged on its own with nothing substantive found
    CHANGED = "changed"  # otherwise in order, but its text changed since its last snapshot

    @property
    def ok(self) -> bool:
        """Whether the verdict is a clean bill (a report shows it without alarm)."""
        return self in (Verdict.IDENTICAL, Verdict.EQUIVALENT, Verdict.COMPLETE)


@dataclass(frozen=True, slots=True)
class WitnessReport:
    """The outcome for one witness."""

    id: str
    source: str
    verdict: Verdict
    role: str | None = None
    coverage: float | None = None
    degraded: bool = False
    digests: Digests | None = None
    findings: tuple[Finding, ...] = ()
    formal: tuple[FormalDifference, ...] = ()
    reason: str | None = None
    captured: str | None = None
    notes: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict, compare=False)
    paragraphs: int | None = None
    rows: tuple[AlignedRow, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class ReferenceInfo:
    """Which witness the others were compared with, and why it was chosen."""

    id: str
    source: str
    digests: Digests
    paragraphs: int
    chosen_because: str


# --------------------------------------------------------------------------- all witnesses at once


@dataclass(frozen=True, slots=True)
class VariantReading:
    """One reading at a variant place, and the witnesses that have it.

    ``tokens`` is the reading as the apparatus holds it: text, and the marks of a
    paragraph break and of where a witness's lacuna starts or ends
    (:data:`docwitness.multi.table.MARKS`); ``text`` is the same with a paragraph
    break as a newline and the lacuna marks left out. ``marks`` names what makes a
    reading unlikely to arise twice by chance: ``site-text`` (a line of a site's
    chrome), ``page-break`` (a paragraph broken mid-sentence), ``encoding`` (a
    replacement character), ``lacuna`` (the witness's text stops or resumes here).
    """

    tokens: tuple[str, ...]
    witnesses: tuple[str, ...]
    substantive: bool
    marks: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "".join(
            "\n" if t == "\x00para" else t for t in self.tokens if not t.startswith("\x00lacuna")
        )


@dataclass(frozen=True, slots=True)
class VariantPlace:
    """A place where the witnesses disagree: ``base`` is ``reference[paragraph][start:end]``.

    The first reading is the reference's (with every witness that agrees with it).
    ``absent`` witnesses have no text here (a lacuna: cut, or a run they lack);
    ``echo`` ones read here what they already read at the place before (the second
    half of two paragraphs merged), so it is not a second difference.
    """

    number: int
    paragraph: int
    start: int
    end: int
    point: str | None
    base: str
    readings: tuple[VariantReading, ...]
    absent: tuple[str, ...] = ()
    echo: tuple[str, ...] = ()

    @property
    def substantive(self) -> bool:
        return any(r.substantive for r in self.readings[1:])

    def reading_of(self, witness: str) -> VariantReading | None:
        return next((r for r in self.readings if witness in r.witnesses), None)


@dataclass(frozen=True, slots=True)
class Stretch:
    """Text of the reference outside every variant place, and who reads it (every
    witness not in a lacuna there)."""

    paragraph: int
    start: int
    end: int
    text: str
    witnesses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VariantTable:
    """Every available witness aligned into one table on the reference's paragraphs.

    ``witnesses`` are the compared ones, the reference first; ``excluded`` maps a
    witness left out of the table to why. ``segments`` runs through the reference
    in order: each a :class:`Stretch` (shared text) or a :class:`VariantPlace`.
    """

    reference: str
    witnesses: tuple[str, ...]
    excluded: dict[str, str]
    places: tuple[VariantPlace, ...]
    segments: tuple[Stretch | VariantPlace, ...] = field(default=(), compare=False)
    official: bool = False


@dataclass(frozen=True, slots=True)
class LineageEdge:
    """One claimed relation between two copies, with the readings it rests on.

    ``relation`` is ``derives`` (``target`` has every unlikely reading of ``source``
    and more of its own: copied from it, or from a copy of it), ``common-source``
    (they share unlikely readings and each has its own) or ``same-text`` (they
    agree at every place, unlikely readings included; ``source`` is the earlier by
    their dates when dates say). ``places`` are the variant places' numbers.
    """

    source: str
    target: str
    relation: str
    shared: int
    places: tuple[int, ...]
    evidence: tuple[str, ...]
    dated: str | None = None


@dataclass(frozen=True, slots=True)
class Lineage:
    """Which copy derives from which: the edges, and what could not be decided.

    ``decided`` is False when the evidence is too thin to draw any edge.
    ``families`` groups the witnesses that derive from one another (copies of one
    source count once); ``dates`` are the dated claims used to order them.
    """

    witnesses: tuple[str, ...]
    edges: tuple[LineageEdge, ...]
    notes: tuple[str, ...]
    families: tuple[tuple[str, ...], ...]
    dates: dict[str, str] = field(default_factory=dict, compare=False)
    decided: bool = False


@dataclass(frozen=True, slots=True)
class CitedPlace:
    """The reading the best-attested text takes at one place, and why: the witnesses
    that read it, how many independent sources they are (``families``: copies of one
    source count once), the other readings and who has them, and ``flags``: ``tie``,
    ``single-witness`` (one copy reads here), ``one-source`` (only copies of one
    source read here), ``no-vote`` (every reading here is site text, damage or a cut).
    A stretch outside the places is listed when it is flagged."""

    place: int | None  # None: a stretch of the reference's text outside every place
    paragraph: int
    start: int
    end: int
    point: str | None
    text: str
    support: tuple[str, ...]
    families: float
    flags: tuple[str, ...]
    others: tuple[tuple[str, tuple[str, ...]], ...]
    last_paragraph: int | None = None  # a run of flagged stretches: where it ends


@dataclass(frozen=True, slots=True)
class Citation:
    """The text to cite: the official copy's, or the best attested by all the copies.

    ``paragraphs`` is the text; ``places`` the reading chosen at each variant place
    (for an official text: the others' divergences); ``closest`` the held copy
    nearest to the text, with ``differences`` places where it reads otherwise.
    """

    official: bool
    paragraphs: tuple[str, ...]
    places: tuple[CitedPlace, ...]
    closest: str | None
    differences: int
    basis: str
    left_out: tuple[int, ...] = ()  # the reference's paragraphs of site text, not in the text
    # Runs of the reference's paragraphs read as one: a paragraph its own checks found
    # broken at a page end (a split), mended in the text.
    mended: tuple[tuple[int, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """What a command found: the contract that every output format renders."""

    document_id: str
    document_title: str
    reference: ReferenceInfo | None
    witnesses: tuple[WitnessReport, ...]
    profile: str
    kind: str = "collation"  # "collation" | "diff" | "inspect" | "check" | "cite"
    table: VariantTable | None = field(default=None, compare=False)
    lineage: Lineage | None = field(default=None, compare=False)
    citation: Citation | None = field(default=None, compare=False)
