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
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from itertools import repeat
from types import MemberDescriptorType
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, get_args, overload

if TYPE_CHECKING:
    # Built by the commands that use them (a class costs its compile at every start):
    # the transport's provenance by fetching, the variant table by collating all.
    from docwitness.provenance import HttpProvenance
    from docwitness.variants import Citation, Lineage, VariantTable

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


def sha256_lines(lines: Sequence[str]) -> str:
    """``sha256_text("\\n".join(lines))``, hashed a few hundred lines at a time, so a
    long text is never held joined and encoded whole beside its lines."""
    h = hashlib.sha256()
    for start in range(0, len(lines), 512):
        if start:
            h.update(b"\n")
        h.update("\n".join(lines[start : start + 512]).encode("utf-8"))
    return "sha256:" + h.hexdigest()


T = TypeVar("T")


def from_columns(cls: type[T], *columns: Sequence[Any]) -> tuple[T, ...]:
    """``tuple(map(cls, *columns))`` for a frozen slots dataclass with no
    ``__post_init__``, one column for each of its fields in order: the same objects,
    made a column at a time.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``,
    a Python call for each field of each object; here each slot's descriptor is
    mapped over all the objects in C, in under half the time. Making a copy's
    thousands of paragraphs, or reading them back from the store, spent most of its
    time in those calls."""
    name = cls.__name__
    slots: list[MemberDescriptorType] = []
    for f in fields(cls):  # type: ignore[arg-type]
        slot = getattr(cls, f.name, None)
        if not isinstance(slot, MemberDescriptorType) or hasattr(cls, "__post_init__"):
            raise TypeError(f"from_columns: {name} is not a slots dataclass, no __post_init__")
        slots.append(slot)
    if len(columns) != len(slots):
        raise TypeError(f"from_columns: {name} takes {len(slots)} columns, not {len(columns)}")
    n = len(columns[0]) if columns else 0
    if any(len(column) != n for column in columns):
        raise ValueError(f"from_columns: {name} columns of {sorted(set(map(len, columns)))} rows")
    made: list[T] = list(map(object.__new__, repeat(cls, n)))
    for slot, column in zip(slots, columns, strict=True):
        deque(map(slot.__set__, made, column), maxlen=0)
    return tuple(made)


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no spaces, the form that is hashed."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --------------------------------------------------------------------------- captures


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


# --------------------------------------------------------------------------- extraction


@dataclass(frozen=True, slots=True)
class Block:
    """A run of text that the source marks as one paragraph or heading."""

    text: str
    kind: BlockKind = "paragraph"
    page: int | None = None


def plain_blocks(texts: Sequence[str]) -> tuple[Block, ...]:
    """A block of kind "paragraph", on no page, for each text (:func:`from_columns`)."""
    n = len(texts)
    return from_columns(Block, texts, ["paragraph"] * n, [None] * n)


class TextBlocks(Sequence[Block]):
    """The blocks of an extracted text read back from the store, one a line, made
    when first asked for: a collation reads a stored copy's paragraphs and seldom its
    blocks. Equal to any sequence of the same blocks."""

    __slots__ = ("_blocks", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._blocks: tuple[Block, ...] | None = None

    def _made(self) -> tuple[Block, ...]:
        if self._blocks is None:
            self._blocks = plain_blocks(self.text.split("\n"))
        return self._blocks

    def __len__(self) -> int:
        return len(self._made())

    @overload
    def __getitem__(self, i: int) -> Block: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Block]: ...
    def __getitem__(self, i: int | slice) -> Block | Sequence[Block]:
        return self._made()[i]

    def __iter__(self) -> Iterator[Block]:
        return iter(self._made())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TextBlocks):
            return self.text == other.text
        if isinstance(other, Sequence):
            return self._made() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._made())

    def __repr__(self) -> str:
        return f"TextBlocks(<{self.text.count(chr(10)) + 1} lines>)"


@dataclass(frozen=True, slots=True)
class Extraction:
    """What an extractor made of a capture, and how.

    ``removed`` lists what was taken out as not being the document's text
    (site chrome, running headers), so a report can show it. ``metadata`` holds
    claims the copy makes about itself (title, dateline, date).
    """

    blocks: Sequence[Block]  # a tuple, or the lines of a stored text (TextBlocks)
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
        if isinstance(self.blocks, TextBlocks):
            return self.blocks.text
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
