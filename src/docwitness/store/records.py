"""The records the store holds, typed: history entries, page provenance, gaps, derived records.

One line of ``witnesses/<document>/<witness>.jsonl`` is a :class:`HistoryEntry`;
each of its pages a :class:`PageProvenance` (with the transport's
:class:`~docwitness.provenance.HttpProvenance`), each missing page a
:class:`~docwitness.model.PageGap`. The indented JSON object a history entry
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

import json
from dataclasses import dataclass, field, replace
from typing import Any

from docwitness import __version__
from docwitness.fields import Fields, invalid
from docwitness.model import (
    Block,
    Capture,
    Digests,
    Document,
    Extraction,
    PageGap,
    Paragraph,
    canonical_json,
    sha256_bytes,
)
from docwitness.provenance import HttpProvenance

__all__ = [
    "RECORD_SCHEMA",
    "DerivedRecord",
    "ExtractionRecord",
    "HistoryEntry",
    "HistoryIndex",
    "IndexEntry",
    "PageGap",
    "PageProvenance",
    "ParagraphRecord",
    "entry_digest",
    "json_bytes",
]

RECORD_SCHEMA = "docwitness.record/2"
# Records of schema 1 held every paragraph's raw and canonical text; they still read.
RECORD_SCHEMA_1 = "docwitness.record/1"


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

    A record of schema 2 does not repeat the text: ``at`` is where the paragraph's
    raw text lies in the extracted text object (start and end, in characters), and
    its canonical text is its line of the canonical text object. ``raw`` and
    ``text`` are filled in from those objects when the record is read
    (:meth:`DerivedRecord.resolved`); a schema 1 record carries them itself.
    """

    raw: str
    text: str
    sha256: str
    kind: str
    marker: str | None
    point: str | None
    page: int | None
    at: tuple[int, int] | None = None

    def to_json(self, schema: str = RECORD_SCHEMA) -> dict[str, Any]:
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
        cls, obj: object, where: str = "", schema: str = RECORD_SCHEMA
    ) -> ParagraphRecord:
        if schema == RECORD_SCHEMA and type(obj) is dict and len(obj) == 6:
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


@dataclass(frozen=True, slots=True)
class DerivedRecord:
    """Everything derived from a copy's pages but the capture time and transport."""

    schema: str
    sha256: Digests
    pages: tuple[str, ...]
    profile: str
    format: str | None
    select: str | None
    extraction: ExtractionRecord
    paragraphs: tuple[ParagraphRecord, ...]

    @classmethod
    def of(
        cls, document: Document, pages: list[str], format: str | None, select: str | None
    ) -> DerivedRecord:
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
            paragraphs=tuple(
                ParagraphRecord(p.raw, p.text, p.sha256, p.kind, p.marker, p.point, p.page, at)
                for p, at in zip(document.paragraphs, _spans(document), strict=True)
            ),
        )

    def resolved(self, extracted_text: str, canonical_text: str) -> DerivedRecord:
        """The record with every paragraph's raw and canonical text filled in from the
        text objects it points at (a schema 1 record is returned as it is). Offsets
        outside the extracted text, or a canonical text with another number of lines
        than the record has paragraphs, raise ``ValueError``."""
        if self.schema == RECORD_SCHEMA_1:
            return self
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

    def document(self, witness: str, source: str, extracted_text: str) -> Document:
        """The :class:`Document` this record describes (with its extracted text object)."""
        ex = self.extraction
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
        extraction = Extraction(
            blocks=tuple(Block(line) for line in extracted_text.split("\n")),
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
        return {
            "schema": self.schema,
            "sha256": self.sha256.to_dict(),
            "pages": list(self.pages),
            "profile": self.profile,
            "format": self.format,
            "select": self.select,
            "extraction": self.extraction.to_json(),
            # Schema 1 records (the texts repeated) are written back as they were read.
            "paragraphs": [p.to_json(self.schema) for p in self.paragraphs],
        }

    @classmethod
    def from_json(cls, obj: object, where: str = "") -> DerivedRecord:
        f = Fields(obj, where)
        schema = f.text("schema")
        if schema not in (RECORD_SCHEMA, RECORD_SCHEMA_1):
            raise invalid(f"{where} schema", f"{RECORD_SCHEMA} or {RECORD_SCHEMA_1}", schema)
        return cls(
            schema=schema,
            sha256=f.one("sha256", _digests),
            pages=f.digests("pages"),
            profile=f.text("profile"),
            format=f.opt_text("format"),
            select=f.opt_text("select"),
            extraction=f.one("extraction", ExtractionRecord.from_json),
            paragraphs=f.objects(
                "paragraphs", lambda obj, at: ParagraphRecord.from_json(obj, at, schema)
            ),
        )
