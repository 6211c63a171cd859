"""The records the store holds, typed: history entries, page provenance, gaps, derived records.

One line of ``witnesses/<document>/<witness>.jsonl`` is a :class:`HistoryEntry`;
each of its pages a :class:`PageProvenance` (with the transport's
:class:`~docwitness.provenance.HttpProvenance`), each missing page a
:class:`~docwitness.provenance.PageGap`. The indented JSON object a history entry
names by ``record`` is a :class:`DerivedRecord`: paragraphs, extraction record,
digests, profile. ``index.json`` is a :class:`HistoryIndex` of
:class:`IndexEntry` (see :mod:`docwitness.store.chain`).

Each type has one ``to_json`` and one ``from_json``. ``to_json`` gives the
object written today, key for key (the bytes on disk are unchanged), and
``from_json`` checks every key and type, raising
:class:`~docwitness.errors.StoreCorrupt` with an ``invalid`` problem that names
where a hand-edited or damaged record is wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate, pairwise
from operator import add
from typing import Any, cast

from docwitness import __version__
from docwitness.fields import Fields, invalid
from docwitness.model import (
    Capture,
    Digests,
    Document,
    Extraction,
    Paragraph,
    TextBlocks,
    canonical_json,
    from_columns,
    sha256_bytes,
)
from docwitness.provenance import HttpProvenance, PageGap

__all__ = [
    "COLUMN_SCHEMAS",
    "RECORD_SCHEMA",
    "DerivedRecord",
    "ExtractionRecord",
    "HistoryEntry",
    "HistoryIndex",
    "IndexEntry",
    "PageGap",
    "PageProvenance",
    "ParagraphColumns",
    "ParagraphRecord",
    "SharedTexts",
    "TextFromPages",
    "entry_digest",
    "json_bytes",
]

RECORD_SCHEMA = "docwitness.record/4"
# Records of schema 3 held their paragraphs by column as schema 4 does, and their
# extracted text always as an object of its own (schema 4 may cut it from the pages:
# ``text_from_pages``). Records of schema 2 held one object per paragraph (its place
# in the extracted text, its digest, kind, marker, point and page); records of
# schema 1 held every paragraph's raw and canonical text as well. All still read.
RECORD_SCHEMA_3 = "docwitness.record/3"
RECORD_SCHEMA_2 = "docwitness.record/2"
RECORD_SCHEMA_1 = "docwitness.record/1"
RECORD_SCHEMAS = (RECORD_SCHEMA, RECORD_SCHEMA_3, RECORD_SCHEMA_2, RECORD_SCHEMA_1)
# The schemas whose paragraphs are held by column.
COLUMN_SCHEMAS = (RECORD_SCHEMA, RECORD_SCHEMA_3)


def json_bytes(obj: Any) -> bytes:
    """A record's bytes: sorted, compact and newline-terminated, so deterministic."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    return text.encode("utf-8")


def _digests(obj: object, where: str) -> Digests:
    f = Fields(obj, where)
    return Digests(raw=f.digest("raw"), text=f.digest("text"), canonical=f.digest("canonical"))


@dataclass(frozen=True, slots=True)
class PageProvenance:
    """One page's capture without its body: where and when from, its digest and size,
    and the transport's provenance (``http``, absent for a local file)."""

    source: str
    retrieved: str
    sha256: str
    size: int
    media_type: str | None
    tool: str
    transport: str
    status: str
    http: HttpProvenance | None = field(default=None, compare=False)

    @classmethod
    def of(cls, capture: Capture) -> PageProvenance:
        return cls(
            source=capture.source,
            retrieved=capture.retrieved,
            sha256=capture.sha256,
            size=capture.size,
            media_type=capture.media_type,
            tool=capture.tool,
            transport=capture.transport,
            status=capture.status,
            http=capture.http,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "retrieved": self.retrieved,
            "sha256": self.sha256,
            "size": self.size,
            "media_type": self.media_type,
            "tool": self.tool,
            "transport": self.transport,
            "status": self.status,
        }
        if self.http is not None:
            out["http"] = self.http.to_json()
        return out

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> PageProvenance:
        f = Fields(obj, where)
        return cls(
            source=f.text("source"),
            retrieved=f.text("retrieved"),
            sha256=f.digest("sha256"),
            size=f.integer("size"),
            media_type=f.opt_text("media_type"),
            tool=f.text("tool"),
            transport=f.text("transport"),
            status=f.text("status"),
            http=f.opt_one("http", HttpProvenance.from_json),
        )


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One capture of a witness, as one line of its history.

    ``status`` is "captured", or "not-modified" when the server said so and the
    previous record was reused; ``gaps`` lists the pages a paginated copy is missing.

    ``warc`` names the write-once object holding the WARC records of the HTTP
    exchanges behind this capture (a ``warcinfo`` record, then each request and
    its response or revisit), or is None for a capture that made none.

    ``previous`` chains the history: the digest (:func:`entry_digest`) of the line
    before, or None for the first line. ``chained`` says whether the line carries
    the key at all: lines written before the chain existed do not, and read as
    before (a legacy prefix). :meth:`Store.append_history` sets both.
    """

    time: str
    status: str
    record: str
    raw: str
    text: str
    canonical: str
    paragraphs: int
    source: str
    pages: tuple[PageProvenance, ...]
    changed: tuple[str, ...]
    tool: str
    profile: str | None
    gaps: tuple[PageGap, ...] = ()
    previous: str | None = None
    chained: bool = False
    warc: str | None = None

    @classmethod
    def of(
        cls,
        captures: list[Capture],
        *,
        status: str,
        record: str,
        digests: Digests,
        paragraphs: int,
        source: str,
        changed: tuple[str, ...],
        profile: str | None,
        gaps: tuple[PageGap, ...] = (),
        warc: str | None = None,
    ) -> HistoryEntry:
        """The entry for a capture made now with this version of docwitness."""
        return cls(
            time=captures[0].retrieved,
            status=status,
            record=record,
            raw=digests.raw,
            text=digests.text,
            canonical=digests.canonical,
            paragraphs=paragraphs,
            source=source,
            pages=tuple(PageProvenance.of(c) for c in captures),
            changed=changed,
            tool=f"docwitness/{__version__}",
            profile=profile,
            gaps=gaps,
            warc=warc,
        )

    @property
    def digests(self) -> Digests:
        return Digests(self.raw, self.text, self.canonical)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "time": self.time,
            "status": self.status,
            "record": self.record,
            "raw": self.raw,
            "text": self.text,
            "canonical": self.canonical,
            "paragraphs": self.paragraphs,
            "source": self.source,
            "pages": [p.to_json() for p in self.pages],
            "changed": list(self.changed),
            "tool": self.tool,
            "profile": self.profile,
        }
        if self.gaps:
            out["gaps"] = [g.to_json() for g in self.gaps]
        if self.warc is not None:
            out["warc"] = self.warc
        if self.chained:
            out["previous"] = self.previous
        return out

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> HistoryEntry:
        f = Fields(obj, where)
        return cls(
            time=f.text("time"),
            status=f.text("status"),
            record=f.digest("record"),
            raw=f.digest("raw"),
            text=f.digest("text"),
            canonical=f.digest("canonical"),
            paragraphs=f.integer("paragraphs"),
            source=f.text("source"),
            pages=f.objects("pages", PageProvenance.from_json),
            changed=f.texts("changed"),
            tool=f.text("tool"),
            profile=f.opt_text("profile"),
            gaps=f.objects("gaps", PageGap.from_json) if f.has("gaps") else (),
            # A line written before the chain existed has no `previous`: it reads as before.
            previous=f.opt_digest("previous") if f.has("previous") else None,
            chained=f.has("previous"),
            warc=f.opt_digest("warc") if f.has("warc") else None,
        )


def entry_digest(obj: object) -> str:
    """The digest a history line is chained by: of the canonical JSON of its object."""
    return sha256_bytes(canonical_json(obj).encode("utf-8"))


INDEX_SCHEMA = "docwitness.index/1"


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """What the index says of one witness's history: how many entries, and the digest
    (:func:`entry_digest`) of the latest."""

    entries: int
    latest: str

    def to_json(self) -> dict[str, Any]:
        return {"entries": self.entries, "latest": self.latest}

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> IndexEntry:
        f = Fields(obj, where)
        return cls(entries=f.integer("entries"), latest=f.digest("latest"))


@dataclass(frozen=True, slots=True)
class HistoryIndex:
    """``index.json``: every indexed witness's :class:`IndexEntry`, by document and
    witness id."""

    witnesses: dict[tuple[str, str], IndexEntry]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, dict[str, Any]] = {}
        for (document, witness), entry in sorted(self.witnesses.items()):
            out.setdefault(document, {})[witness] = entry.to_json()
        return {"schema": INDEX_SCHEMA, "witnesses": out}

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> HistoryIndex:
        f = Fields(obj, where)
        schema = f.text("schema")
        if schema != INDEX_SCHEMA:
            raise invalid(f"{where} schema", INDEX_SCHEMA, schema)
        documents = f.one("witnesses", lambda o, w: Fields(o, w).obj)
        witnesses: dict[tuple[str, str], IndexEntry] = {}
        for document, by_witness in documents.items():
            at = f"{where} witnesses.{document}"
            for witness, entry in Fields(by_witness, at).obj.items():
                witnesses[(document, witness)] = IndexEntry.from_json(entry, f"{at}.{witness}")
        return cls(witnesses)


@dataclass(frozen=True, slots=True)
class ExtractionRecord:
    """How the text was extracted: extractor and versions, encoding and its evidence,
    what was removed, the copy's claims about itself, warnings."""

    extractor: str
    extractor_version: str
    libraries: dict[str, str]
    encoding: str | None
    encoding_evidence: dict[str, str | None]
    replacement_chars: int
    removed: tuple[str, ...]
    metadata: dict[str, str]
    warnings: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "extractor": self.extractor,
            "extractor_version": self.extractor_version,
            "libraries": dict(self.libraries),
            "encoding": self.encoding,
            "encoding_evidence": dict(self.encoding_evidence),
            "replacement_chars": self.replacement_chars,
            "removed": list(self.removed),
            "metadata": dict(self.metadata),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> ExtractionRecord:
        f = Fields(obj, where)
        return cls(
            extractor=f.text("extractor"),
            extractor_version=f.text("extractor_version"),
            libraries=f.text_map("libraries"),
            encoding=f.opt_text("encoding"),
            encoding_evidence=f.opt_text_map("encoding_evidence"),
            replacement_chars=f.integer("replacement_chars"),
            removed=f.texts("removed"),
            metadata=f.text_map("metadata"),
            warnings=f.texts("warnings"),
        )


@dataclass(frozen=True, slots=True)
class ParagraphRecord:
    """One canonical paragraph as stored (its index is its place in the list).

    A record of schema 2 or 3 does not repeat the text: ``at`` is where the
    paragraph's raw text lies in the extracted text object (start and end, in
    characters), and its canonical text is its line of the canonical text object.
    ``raw`` and ``text`` are filled in from those objects when the record is read
    (:meth:`DerivedRecord.resolved`); a schema 1 record carries them itself. A
    schema 3 record stores no paragraph objects at all (see
    :class:`ParagraphColumns`); this type is what it reads back as.
    """

    raw: str
    text: str
    sha256: str
    kind: str
    marker: str | None
    point: str | None
    page: int | None
    at: tuple[int, int] | None = None

    def to_json(self, schema: str = RECORD_SCHEMA_2) -> dict[str, Any]:
        """The paragraph's object in a record of schema 1 or 2."""
        if schema == RECORD_SCHEMA_1:
            return {
                "raw": self.raw,
                "text": self.text,
                "sha256": self.sha256,
                "kind": self.kind,
                "marker": self.marker,
                "point": self.point,
                "page": self.page,
            }
        if self.at is None:
            raise ValueError("a paragraph record is written with its place in the text")
        return {
            "at": list(self.at),
            "sha256": self.sha256,
            "kind": self.kind,
            "marker": self.marker,
            "point": self.point,
            "page": self.page,
        }

    @classmethod
    def from_json(
        cls, obj: object, where: str = "", schema: str = RECORD_SCHEMA_2
    ) -> ParagraphRecord:
        """A paragraph's object of a record of schema 1 or 2."""
        if schema == RECORD_SCHEMA_2 and type(obj) is dict and len(obj) == 6:
            # The common case, checked in one expression (a record holds a paragraph
            # per line of its document: the strict reader below is for what fails).
            at, sha, kind = obj.get("at"), obj.get("sha256"), obj.get("kind")
            marker, point, page = obj.get("marker"), obj.get("point"), obj.get("page")
            if (
                type(at) is list
                and len(at) == 2
                and type(at[0]) is int
                and type(at[1]) is int
                and 0 <= at[0] <= at[1]
                and type(sha) is str
                and kind in ("paragraph", "heading")
                and (marker is None or type(marker) is str)
                and (point is None or type(point) is str)
                and (page is None or type(page) is int)
            ):
                return cls("", "", sha, kind, marker, point, page, (at[0], at[1]))
        f = Fields(obj, where)
        kind = f.text("kind")
        if kind not in ("paragraph", "heading"):
            raise invalid(f"{where} kind", '"paragraph" or "heading"', kind)
        at = None if schema == RECORD_SCHEMA_1 else f.one("at", _span)
        return cls(
            raw=f.text("raw") if at is None else "",
            text=f.text("text") if at is None else "",
            sha256=f.text("sha256"),
            kind=kind,
            marker=f.opt_text("marker"),
            point=f.opt_text("point"),
            # Read as before: a record without page numbers has none.
            page=f.opt_integer("page") if f.has("page") else None,
            at=at,
        )


def _span(obj: object, where: str) -> tuple[int, int]:
    if (
        isinstance(obj, list)
        and len(obj) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in obj)
        and obj[0] <= obj[1]
    ):
        return (obj[0], obj[1])
    raise invalid(where, "[start, end], two offsets", repr(obj)[:40])


def _spans(document: Document) -> list[tuple[int, int]]:
    """Where each paragraph's raw text lies in the extracted text: blocks joined by
    newlines, a paragraph being the next block whose text is its raw text (blocks
    that normalise to nothing have no paragraph)."""
    spans: list[tuple[int, int]] = []
    blocks = document.extraction.blocks
    b, offset = 0, 0
    for p in document.paragraphs:
        while b < len(blocks) and blocks[b].text != p.raw:
            offset += len(blocks[b].text) + 1
            b += 1
        if b == len(blocks):
            raise ValueError(f"paragraph {p.index} is not a block of the extracted text")
        spans.append((offset, offset + len(p.raw)))
        offset += len(p.raw) + 1
        b += 1
    return spans


def _is_count(value: object) -> bool:
    return type(value) is int and value >= 0


@dataclass(frozen=True, slots=True)
class ParagraphColumns:
    """The paragraphs of a schema 3 record, by column, what every paragraph shares left out.

    ``lengths`` is each paragraph's raw text length in characters: a paragraph's raw
    text begins on the character after the newline that ends the one before (the
    first at offset 0), plus what ``skips`` adds before it (blocks of the extracted
    text that normalise to nothing have no paragraph). Its canonical text is its
    line of the canonical text object and its digest is that line's, worked out
    again when the record is read, never stored. ``headings`` lists the paragraphs
    of kind "heading" (the others are paragraphs), ``markers`` the numbering
    markers, and ``points`` and ``pages`` are runs: from the paragraph named on,
    the outline point (the page) is the value given, until the next run (None
    before the first).
    """

    lengths: tuple[int, ...]
    skips: tuple[tuple[int, int], ...] = ()
    headings: tuple[int, ...] = ()
    markers: tuple[tuple[int, str], ...] = ()
    points: tuple[tuple[int, str | None], ...] = ()
    pages: tuple[tuple[int, int | None], ...] = ()

    @classmethod
    def of(cls, paragraphs: Sequence[ParagraphRecord]) -> ParagraphColumns:
        """The columns of paragraph records that know their place in the text."""
        for i, p in enumerate(paragraphs):
            if p.at is None:
                raise ValueError(f"paragraph {i} is not a block after paragraph {i - 1}")
        return cls._of([p.at for p in paragraphs if p.at is not None], paragraphs)

    @classmethod
    def of_document(cls, document: Document) -> ParagraphColumns:
        """The columns of a document's paragraphs (each one a block of its extracted text)."""
        return cls._of(_spans(document), document.paragraphs)

    @classmethod
    def _of(
        cls, spans: list[tuple[int, int]], paragraphs: Sequence[ParagraphRecord | Paragraph]
    ) -> ParagraphColumns:
        lengths: list[int] = []
        skips: list[tuple[int, int]] = []
        headings: list[int] = []
        markers: list[tuple[int, str]] = []
        points: list[tuple[int, str | None]] = []
        pages: list[tuple[int, int | None]] = []
        start_here, point, page = 0, None, None
        for i, (p, (start, end)) in enumerate(zip(paragraphs, spans, strict=True)):
            if start < start_here:
                raise ValueError(f"paragraph {i} is not a block after paragraph {i - 1}")
            if start > start_here:
                skips.append((i, start - start_here))
            lengths.append(end - start)
            start_here = end + 1
            if p.kind == "heading":
                headings.append(i)
            if p.marker is not None:
                markers.append((i, p.marker))
            if p.point != point:
                points.append((i, p.point))
                point = p.point
            if p.page != page:
                pages.append((i, p.page))
                page = p.page
        return cls(
            tuple(lengths), tuple(skips), tuple(headings), tuple(markers), tuple(points),
            tuple(pages),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"length": list(self.lengths)}
        for key, value in (
            ("skip", self.skips),
            ("marker", self.markers),
            ("point", self.points),
            ("page", self.pages),
        ):
            if value:
                out[key] = [list(pair) for pair in value]
        if self.headings:
            out["heading"] = list(self.headings)
        return out

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> ParagraphColumns:
        f = Fields(obj, where)
        for key in f.obj:
            if key not in ("length", "skip", "heading", "marker", "point", "page"):
                raise invalid(f"{where} {key}", "no such key in a record's paragraphs", key)
        lengths = f.one("length", _counts)
        n = len(lengths)

        def pairs(key: str, ok: Any, expected: str) -> tuple[Any, ...]:
            return _pairs(f, key, n, ok, f"[paragraph, {expected}], paragraphs in order")

        headings = f.one("heading", _counts) if f.has("heading") else ()
        if any(i >= n for i in headings) or any(b <= a for a, b in pairwise(headings)):
            raise invalid(f"{where} heading", "paragraphs in order", list(headings)[:8])
        return cls(
            lengths=lengths,
            skips=pairs("skip", lambda v: _is_count(v) and v > 0, "characters skipped"),
            headings=headings,
            markers=pairs("marker", lambda v: isinstance(v, str), "a marker"),
            points=pairs("point", lambda v: v is None or isinstance(v, str), "a point or null"),
            pages=pairs("page", lambda v: v is None or _is_count(v), "a page or null"),
        )

    def expanded(
        self, extracted_text: str, canonical_text: str, shared: SharedTexts | None = None
    ) -> _Expanded:
        """Every paragraph's start, end, raw text, canonical text, digest, kind, marker,
        point and page, read off the two texts. Offsets outside the extracted text, a
        paragraph that is not a whole block (blocks are joined by newlines), or a
        canonical text with another number of lines than there are paragraphs raise
        ``ValueError``. ``shared`` holds the texts and digests of the copies of the
        same document read already (they share most of their paragraphs); it gains
        this one's."""
        n = len(self.lengths)
        lines = canonical_text.split("\n") if n else []
        if len(lines) != n:
            raise ValueError(f"the canonical text has {len(lines)} lines for {n} paragraphs")
        # Each paragraph begins after the newline ending the one before, plus its skip.
        steps = [0, *(length + 1 for length in self.lengths[:-1])] if n else []
        for i, skip in self.skips:
            steps[i] += skip
        starts = list(accumulate(steps))
        ends = [start + length for start, length in zip(starts, self.lengths, strict=True)]
        pieces = extracted_text.split("\n") if not self.skips else []
        if len(pieces) == n and tuple(map(len, pieces)) == self.lengths:
            raws = pieces  # every block a paragraph: most copies
        else:
            raws = self._cut(extracted_text, starts, ends)
        sha = hashlib.sha256
        memo: dict[str, str] = {}
        if shared is not None:
            # The copies' equal texts become one string each (its hash worked out once,
            # equal by identity).
            texts, memo = shared.texts, shared.digests
            lines = [texts.setdefault(line, line) for line in lines]
            raws = [texts.setdefault(raw, raw) for raw in raws]
        found: list[str | None] = list(map(memo.get, lines))
        if None in found:  # the lines no copy read before holds
            for i, line in enumerate(lines):
                if found[i] is None:
                    digest = memo.get(line)
                    if digest is None:
                        digest = memo[line] = "sha256:" + sha(line.encode("utf-8")).hexdigest()
                    found[i] = digest
        kinds = ["paragraph"] * n
        for i in self.headings:
            kinds[i] = "heading"
        markers: list[str | None] = [None] * n
        for i, marker in self.markers:
            markers[i] = marker
        return _Expanded(
            starts, ends, raws, lines, cast(list[str], found), kinds, markers,
            _runs(self.points, n), _runs(self.pages, n),
        )

    @staticmethod
    def _cut(extracted_text: str, starts: list[int], ends: list[int]) -> list[str]:
        """The paragraphs' raw texts at ``starts``/``ends`` of the extracted text, each
        a whole block (blocks are joined by newlines); ``ValueError`` naming the first
        paragraph that is not."""
        n, size = len(starts), len(extracted_text)
        inside = n if not ends or ends[-1] <= size else next(
            i for i, end in enumerate(ends) if end > size
        )
        before = [extracted_text[s - 1] if s else "\n" for s in starts[:inside]]
        after = [extracted_text[e] if e < size else "\n" for e in ends[:inside]]
        if before.count("\n") != inside or after.count("\n") != inside:
            i = next(i for i in range(inside) if before[i] != "\n" or after[i] != "\n")
            raise ValueError(f"paragraph {i} does not point at a block after paragraph {i - 1}")
        if inside < n:
            raise ValueError(f"paragraph {inside} points outside the extracted text")
        return [extracted_text[s:e] for s, e in zip(starts, ends, strict=True)]


class SharedTexts:
    """The texts of the copies of one document read together: each paragraph text,
    raw or canonical, kept as one string, and each canonical line's digest."""

    __slots__ = ("digests", "texts")

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.digests: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class _Expanded:
    starts: list[int]
    ends: list[int]
    raws: list[str]
    lines: list[str]
    digests: list[str]
    kinds: list[str]
    markers: list[str | None]
    points: list[str | None]
    pages: list[int | None]


@dataclass(frozen=True, slots=True)
class TextFromPages:
    """An extracted text held as the runs of its pages' bytes it is cut from, instead
    of as an object of its own.

    A plain-text copy's extracted text (and a Markdown copy's with no inline marks)
    is, most often, its own lines with the blank lines between paragraphs (and the
    marks of a heading) taken out: every line of the text, in UTF-8, is a run of
    bytes of a page, each after the one before. The record then says where each line
    is, and the text is those runs joined by newlines; the store holds the pages once
    rather than twice. ``lengths`` is each line's length in bytes; ``gaps`` and
    ``pages`` are runs, as in :class:`ParagraphColumns`: from the line named on, the
    bytes skipped before a line (after the end of the line before it, or from the
    start of its page) and the page it is cut from (its place in the record's
    ``pages``), until the next run.

    Nothing here is trusted: the text cut is re-hashed and must be the text the
    record names (:meth:`docwitness.store.Store.extracted_bytes`).
    """

    lengths: tuple[int, ...]
    gaps: tuple[tuple[int, int], ...]
    pages: tuple[tuple[int, int], ...] = ((0, 0),)

    @classmethod
    def find(cls, text: bytes, bodies: Sequence[bytes]) -> TextFromPages | None:
        """Where each line of ``text`` is in ``bodies``, in order; None when one is not
        there (the text is then stored as an object of its own)."""
        if not bodies:
            return None
        lines = text.split(b"\n")
        body = bodies[0]
        # Most often the lines stand in the first page one after another with the same
        # bytes between each two (a blank line): one comparison says so.
        first = body.find(lines[0])
        second = -1
        if first >= 0 and len(lines) > 1:
            second = body.find(lines[1], first + len(lines[0]))
        if second >= 0:
            between = body[first + len(lines[0]) : second]
            if body.startswith(between.join(lines), first):
                even = ((0, first),) if first == len(between) else ((0, first), (1, len(between)))
                return cls(tuple(map(len, lines)), even)
        lengths: list[int] = []
        gaps: list[tuple[int, int]] = []
        pages: list[tuple[int, int]] = [(0, 0)]
        page, pos, gap = 0, 0, -1
        find = bodies[0].find
        for i, line in enumerate(lines):
            at = find(line, pos)
            if at < 0:  # not on this page: on a later one, from its start
                while at < 0:
                    page += 1
                    if page == len(bodies):
                        return None
                    find, pos = bodies[page].find, 0
                    at = find(line, 0)
                if pages[-1][0] == i:  # the first line, on none of the pages before
                    pages.pop()
                pages.append((i, page))
            if at - pos != gap:
                gap = at - pos
                gaps.append((i, gap))
            lengths.append(len(line))
            pos = at + len(line)
        return cls(tuple(lengths), tuple(gaps), tuple(pages))

    def cut(self, bodies: Sequence[bytes]) -> bytes:
        """The text these runs make of ``bodies``; ``ValueError`` where a run is not
        inside its page."""
        n = len(self.lengths)
        gaps = _runs(self.gaps, n)
        out: list[bytes] = []
        firsts = [i for i, _ in self.pages]
        for (first, page), end in zip(self.pages, [*firsts[1:], n], strict=True):
            if page >= len(bodies):
                raise ValueError(f"line {first} is cut from page {page}, which is not there")
            body = bodies[page]
            lengths = self.lengths[first:end]
            # Where each line of this page ends: the gaps and lengths so far, added up
            # (counts, so the last is the furthest).
            ends = list(accumulate(map(add, gaps[first:end], lengths)))
            if ends and ends[-1] > len(body):
                i = first + next(k for k, e in enumerate(ends) if e > len(body))
                raise ValueError(f"line {i} runs past the end of page {page}")
            out += [body[e - length : e] for e, length in zip(ends, lengths, strict=True)]
        return b"\n".join(out)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "length": list(self.lengths),
            "gap": [list(pair) for pair in self.gaps],
        }
        if self.pages != ((0, 0),):
            out["page"] = [list(pair) for pair in self.pages]
        return out

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> TextFromPages:
        f = Fields(obj, where)
        for key in f.obj:
            if key not in ("length", "gap", "page"):
                raise invalid(f"{where} {key}", "no such key in a text cut from pages", key)
        lengths = f.one("length", _counts)
        n = len(lengths)
        if not f.has("gap"):
            raise invalid(f"{where} gap", "the bytes skipped before each line", None)
        gaps = _pairs(f, "gap", n, _is_count, "[line, bytes skipped], lines in order")
        pages = (
            _pairs(f, "page", n, _is_count, "[line, page], lines in order")
            if f.has("page")
            else ((0, 0),)
        )
        for key, runs in (("gap", gaps), ("page", pages)):
            if not runs or runs[0][0] != 0:
                raise invalid(f"{where} {key}", "runs from line 0", [list(r) for r in runs][:4])
        return cls(lengths, gaps, pages)


def _runs(runs: tuple[tuple[int, Any], ...], n: int) -> list[Any]:
    """A column of ``n`` values from its runs (None before the first)."""
    out: list[Any] = [None] * n
    ends = [i for i, _ in runs[1:]] + [n] if runs else []
    for (i, value), end in zip(runs, ends, strict=True):
        out[i:end] = [value] * (end - i)
    return out


def _pairs(f: Fields, key: str, n: int, ok: Any, expected: str) -> tuple[Any, ...]:
    """The ``[index, value]`` pairs under ``key`` (none when it is absent): indexes
    below ``n`` in increasing order, values that ``ok`` accepts."""
    if not f.has(key):
        return ()
    at = f"{f.where} {key}"
    items = f.obj[key]
    if not isinstance(items, list):
        raise invalid(at, "a list of [index, value] pairs", items)
    out: list[tuple[int, Any]] = []
    for k, item in enumerate(items):
        if not (
            isinstance(item, list)
            and len(item) == 2
            and _is_count(item[0])
            and item[0] < n
            and (not out or item[0] > out[-1][0])
            and ok(item[1])
        ):
            raise invalid(f"{at}[{k}]", expected, item)
        out.append((item[0], item[1]))
    return tuple(out)


def _counts(obj: object, where: str) -> tuple[int, ...]:
    # (A record's lists are a copy's thousands of lengths: tested by the C loops of
    # map, set and min, not an item at a time. A bool is not an int here.)
    if isinstance(obj, list) and set(map(type, obj)) <= {int} and (not obj or min(obj) >= 0):
        return tuple(obj)
    raise invalid(where, "a list of counts (integers from 0)", obj)


@dataclass(frozen=True, slots=True)
class DerivedRecord:
    """Everything derived from a copy's pages but the capture time and transport.

    A schema 3 record, made (:meth:`of`) or read, holds its paragraphs as
    ``columns`` and no ``paragraphs`` until :meth:`resolved` reads them off the
    text objects; :meth:`document_of` builds the :class:`Document` from the columns
    directly.
    """

    schema: str
    sha256: Digests
    pages: tuple[str, ...]
    profile: str
    format: str | None
    select: str | None
    extraction: ExtractionRecord
    paragraphs: tuple[ParagraphRecord, ...]
    columns: ParagraphColumns | None = None
    text_from: TextFromPages | None = None

    @classmethod
    def of(
        cls,
        document: Document,
        pages: list[str],
        format: str | None,
        select: str | None,
        text_from: TextFromPages | None = None,
    ) -> DerivedRecord:
        """The record of ``document``, made of ``pages``; ``text_from`` where its
        extracted text is cut from them."""
        ex = document.extraction
        return cls(
            schema=RECORD_SCHEMA,
            sha256=document.digests,
            pages=tuple(pages),
            profile=document.profile,
            format=format,
            select=select,
            extraction=ExtractionRecord(
                extractor=ex.extractor,
                extractor_version=ex.extractor_version,
                libraries=dict(ex.libraries),
                encoding=ex.encoding,
                encoding_evidence=dict(ex.encoding_evidence),
                replacement_chars=ex.replacement_chars,
                removed=tuple(ex.removed),
                metadata=dict(ex.metadata),
                warnings=tuple(ex.warnings),
            ),
            # As a record of this schema reads back: its paragraphs by column.
            paragraphs=(),
            columns=ParagraphColumns.of_document(document),
            text_from=text_from,
        )

    def resolved(self, extracted_text: str, canonical_text: str) -> DerivedRecord:
        """The record with every paragraph's raw and canonical text filled in from the
        text objects it points at (a schema 1 record is returned as it is). Offsets
        outside the extracted text, or a canonical text with another number of lines
        than the record has paragraphs, raise ``ValueError``."""
        if self.schema == RECORD_SCHEMA_1:
            return self
        if self.columns is not None:
            x = self.columns.expanded(extracted_text, canonical_text)
            paragraphs = tuple(
                ParagraphRecord(raw, line, sha, kind, marker, point, page, (start, end))
                for raw, line, sha, kind, marker, point, page, start, end in zip(
                    x.raws, x.lines, x.digests, x.kinds, x.markers, x.points, x.pages,
                    x.starts, x.ends, strict=True,
                )
            )
            return replace(self, paragraphs=paragraphs)
        lines = canonical_text.split("\n") if self.paragraphs else []
        if len(lines) != len(self.paragraphs):
            raise ValueError(
                f"the canonical text has {len(lines)} lines for {len(self.paragraphs)} paragraphs"
            )
        out = []
        end_before = -1
        for i, (p, line) in enumerate(zip(self.paragraphs, lines, strict=True)):
            if p.at is None or p.at[1] > len(extracted_text):
                raise ValueError(f"paragraph {i} points outside the extracted text")
            start, end = p.at
            # Each paragraph is a whole block (blocks are joined by newlines), after
            # the one before it.
            if (
                start <= end_before
                or (start > 0 and extracted_text[start - 1] != "\n")
                or (end < len(extracted_text) and extracted_text[end] != "\n")
            ):
                raise ValueError(f"paragraph {i} does not point at a block after paragraph {i - 1}")
            end_before = end
            out.append(
                ParagraphRecord(
                    extracted_text[start:end], line, p.sha256, p.kind, p.marker, p.point,
                    p.page, p.at,
                )
            )
        return replace(self, paragraphs=tuple(out))

    def same_as(self, other: DerivedRecord) -> bool:
        """Whether two resolved records say the same, whatever their schemas."""

        def key(r: DerivedRecord) -> tuple[Any, ...]:
            paragraphs = tuple(
                (p.raw, p.text, p.sha256, p.kind, p.marker, p.point, p.page) for p in r.paragraphs
            )
            return (r.sha256, r.pages, r.profile, r.format, r.select, r.extraction, paragraphs)

        return key(self) == key(other)

    def document_of(
        self,
        witness: str,
        source: str,
        extracted_text: str,
        canonical_text: str,
        shared: SharedTexts | None = None,
    ) -> Document:
        """The :class:`Document` this record describes, read off its text objects (a
        schema 3 record's columns straight into paragraphs, ``shared`` as for
        :meth:`ParagraphColumns.expanded`); ``ValueError`` as for :meth:`resolved`."""
        if self.columns is None or self.paragraphs:
            return self.resolved(extracted_text, canonical_text).document(
                witness, source, extracted_text
            )
        x = self.columns.expanded(extracted_text, canonical_text, shared)
        paragraphs = from_columns(
            Paragraph, range(len(x.raws)), x.raws, x.lines, x.digests, x.kinds, x.markers,
            x.points, x.pages,
        )
        return self._document(witness, source, extracted_text, paragraphs)

    def document(self, witness: str, source: str, extracted_text: str) -> Document:
        """The :class:`Document` this record describes (with its extracted text object),
        from its resolved paragraphs."""
        paragraphs = tuple(
            Paragraph(
                index=i,
                raw=p.raw,
                text=p.text,
                sha256=p.sha256,
                kind="heading" if p.kind == "heading" else "paragraph",
                marker=p.marker,
                point=p.point,
                page=p.page,
            )
            for i, p in enumerate(self.paragraphs)
        )
        return self._document(witness, source, extracted_text, paragraphs)

    def _document(
        self, witness: str, source: str, extracted_text: str, paragraphs: tuple[Paragraph, ...]
    ) -> Document:
        ex = self.extraction
        extraction = Extraction(
            blocks=TextBlocks(extracted_text),
            extractor=ex.extractor,
            extractor_version=ex.extractor_version,
            libraries=dict(ex.libraries),
            encoding=ex.encoding,
            encoding_evidence=dict(ex.encoding_evidence),
            replacement_chars=ex.replacement_chars,
            removed=ex.removed,
            metadata=dict(ex.metadata),
            warnings=ex.warnings,
        )
        return Document(
            witness_id=witness,
            source=source,
            paragraphs=paragraphs,
            digests=self.sha256,
            profile=self.profile,
            extraction=extraction,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": self.schema,
            "sha256": self.sha256.to_dict(),
            "pages": list(self.pages),
            "profile": self.profile,
            "format": self.format,
            "select": self.select,
            "extraction": self.extraction.to_json(),
            "paragraphs": self._paragraphs_json(),
        }
        if self.text_from is not None:
            if self.schema != RECORD_SCHEMA:
                raise ValueError(f"a record of {self.schema} holds its extracted text whole")
            out["text_from_pages"] = self.text_from.to_json()
        return out

    def _paragraphs_json(self) -> Any:
        if self.schema not in COLUMN_SCHEMAS:
            # Records of schemas 1 and 2 are written back as they were read.
            if self.columns is not None and self.columns.lengths and not self.paragraphs:
                raise ValueError("a record of schema 1 or 2 is written from resolved paragraphs")
            return [p.to_json(self.schema) for p in self.paragraphs]
        if self.columns is not None and not self.paragraphs:
            return self.columns.to_json()
        return ParagraphColumns.of(self.paragraphs).to_json()

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> DerivedRecord:
        f = Fields(obj, where)
        schema = f.text("schema")
        if schema not in RECORD_SCHEMAS:
            raise invalid(f"{where} schema", " or ".join(RECORD_SCHEMAS), schema)
        record = cls(
            schema=schema,
            sha256=f.one("sha256", _digests),
            pages=f.digests("pages"),
            profile=f.text("profile"),
            format=f.opt_text("format"),
            select=f.opt_text("select"),
            extraction=f.one("extraction", ExtractionRecord.from_json),
            paragraphs=(),
        )
        if schema == RECORD_SCHEMA and f.has("text_from_pages"):
            text_from = f.one("text_from_pages", TextFromPages.from_json)
            last = max(page for _, page in text_from.pages)
            if last >= len(record.pages):
                raise invalid(
                    f"{where} text_from_pages page", f"pages below {len(record.pages)}", last
                )
            record = replace(record, text_from=text_from)
        if schema in COLUMN_SCHEMAS:  # paragraphs by column
            return replace(record, columns=f.one("paragraphs", ParagraphColumns.from_json))
        return replace(
            record,
            paragraphs=f.objects(
                "paragraphs", lambda obj, at: ParagraphRecord.from_json(obj, at, schema)
            ),
        )
