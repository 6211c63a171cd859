"""Captures → documents → snapshots: what ``fetch`` records for one witness.

A witness's captures (one per page) are extracted and normalised into a
:class:`~docwitness.model.Document`; the raw bytes, the extracted text, the
canonical text and the derived record are put in the store, and one entry is
appended to the witness's history. A failure to capture or extract becomes a
:class:`FetchResult` saying why, and nothing is stored for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from docwitness.catalogue import display_location
from docwitness.errors import CaptureError, ExtractionError, StoreCorrupt, StoreError
from docwitness.model import Capture, Digests, Document, TextBlocks, sha256_bytes
from docwitness.normalise import PROFILE, document_from_captures
from docwitness.provenance import PageGap
from docwitness.specs import DocumentSpec, WitnessSpec
from docwitness.store.records import DerivedRecord, HistoryEntry, TextFromPages, json_bytes

if TYPE_CHECKING:  # the store is imported where it is used: `diff` never needs it
    from docwitness.store import Store


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What ``fetch`` did for one witness."""

    document: str
    witness: str
    role: str
    source: str
    # "captured" | "unchanged" | "not-modified" | "incomplete" | "unavailable" | "failed"
    status: str
    reason: str | None = None
    size: int | None = None
    digests: Digests | None = None
    changed: tuple[str, ...] = ()
    entry: HistoryEntry | None = field(default=None, compare=False)
    checks: str | None = None  # the single-copy verdict: "complete", "truncated in point 十"
    # The document read from this capture, as recorded (the text ``entry`` names);
    # None when none was read, or once the caller has no more use for it.
    captured: Document | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        """Captured in full (an ``incomplete`` capture is recorded, but not ok)."""
        return self.status in ("captured", "unchanged", "not-modified")


Progress = Callable[[str, str], None]  # (witness id, status)


def _changed(previous: HistoryEntry | None, digests: Digests) -> tuple[str, ...]:
    if previous is None:
        return ()
    before = previous.digests.to_dict()
    return tuple(k for k, v in digests.to_dict().items() if before[k] != v)


def record_witness(
    store: Store,
    doc: DocumentSpec,
    spec: WitnessSpec,
    outcome: list[Capture] | CaptureError,
    previous: HistoryEntry | None,
    checks: Callable[[Document], str] | None = None,
) -> FetchResult:
    """Extract, normalise and record one witness's captures; failures become results.

    ``checks`` says in a few words what a fresh capture reveals about itself (the
    single-copy checks, which are the caller's to run: the store reaches no later
    stage); its answer is the result's ``checks``.

    A paginated copy with missing pages (:class:`~docwitness.capture.IncompleteCapture`)
    is recorded from the pages it has, with its gaps in the history entry, and its
    status is ``incomplete``: a missing page is never silently skipped.
    """
    from docwitness.capture import IncompleteCapture

    source = display_location(spec)
    base: dict[str, Any] = {
        "document": doc.id,
        "witness": spec.id,
        "role": spec.role,
        "source": source,
    }
    gaps: tuple[PageGap, ...] = ()
    if isinstance(outcome, IncompleteCapture):
        captures = outcome.captures
        gaps = outcome.gaps
    elif isinstance(outcome, CaptureError):
        return FetchResult(**base, status="unavailable", reason=outcome.reason)
    else:
        captures = outcome
    if spec.path is not None:
        captures = [replace(c, source=source) for c in captures]

    document: Document | None = None
    if previous is not None and not gaps and all(c.status == "not-modified" for c in captures):
        # Not modified: the previous record stands, and the history says so.
        entry_status, record, digests = "not-modified", previous.record, previous.digests
        paragraphs, profile = previous.paragraphs, previous.profile
        changed: tuple[str, ...] = ()
        status = "not-modified"
    else:
        try:
            # A page the server said is not modified is read back from the store.
            captures = [
                replace(c, body=store.get(c.sha256)) if c.status == "not-modified" else c
                for c in captures
            ]
            document = document_from_captures(captures, spec.id, spec.format, spec.select)
        except ExtractionError as exc:
            return FetchResult(**base, status="failed", reason=exc.reason)
        # The pages, texts and record are written together, their fsyncs overlapping;
        # all are on disk before the history names them. An extracted text that is
        # runs of its pages' bytes is held as where they are, not stored again (a
        # text decoded from its pages, that is: not one drawn from a PDF).
        bodies = [c.body for c in captures]
        pages = [sha256_bytes(body) for body in bodies]
        extracted = document.extraction.text
        text = extracted.encode("utf-8")
        decoded = document.extraction.encoding is not None
        cut = TextFromPages.find(text, bodies) if decoded else None
        derived = DerivedRecord.of(document, pages, spec.format, spec.select, cut)
        *_, record = store.put_many(
            [
                *bodies,
                *([text] if cut is None else []),
                document.canonical_text.encode("utf-8"),
                json_bytes(derived.to_json()),
            ]
        )
        entry_status, digests = "captured", document.digests
        # Kept as reading it back would give it: named as its history names it, its
        # blocks the lines of its text (the extractor's, each holding its own copy of
        # a paragraph that other copies share, are let go).
        document = replace(
            document,
            source=source,
            extraction=replace(document.extraction, blocks=TextBlocks(extracted)),
        )
        paragraphs, profile = len(document.paragraphs), document.profile
        changed = _changed(previous, digests)
        if gaps:
            status = "incomplete"
        elif previous is not None and previous.raw == digests.raw:
            status = "unchanged"
        else:
            status = "captured"
    warc = _put_warc(store, doc, spec, captures)
    entry = HistoryEntry.of(
        captures,
        status=entry_status,
        record=record,
        digests=digests,
        paragraphs=paragraphs,
        source=source,
        changed=changed,
        profile=profile,
        gaps=gaps,
        warc=warc,
    )
    entry = store.append_history(doc.id, spec.id, entry)
    if document is None:
        return FetchResult(**base, status=status, size=None, digests=digests, entry=entry)
    reason = "; ".join(f"page {g.page} missing: {g.reason}" for g in gaps) or None
    return FetchResult(
        **base,
        status=status,
        reason=reason,
        size=sum(c.size for c in captures),
        digests=digests,
        changed=changed,
        entry=entry,
        checks=checks(document) if checks is not None else None,
        captured=document,
    )


def _put_warc(
    store: Store, doc: DocumentSpec, spec: WitnessSpec, captures: list[Capture]
) -> str | None:
    """Store the WARC of this capture's HTTP exchanges (write-once) and return its
    digest; None when no page came over HTTP."""
    if not any(c.warc for c in captures):
        return None
    from docwitness.capture import warc_record

    description = (
        f"the HTTP exchanges of one capture of witness {spec.id} of document {doc.id}"
    )
    source = next((c.http.warc_file for c in captures if c.http and c.http.warc_file), None)
    if source is not None:  # records read from an archive file, kept byte for byte
        description = (
            f"the records of witness {spec.id} of document {doc.id} as read from "
            f"{source.file} ({source.file_sha256})"
        )
    info = warc_record.warcinfo(
        f"{doc.id}-{spec.id}.warc.gz", {"description": description, "isPartOf": doc.id}
    )
    return store.put(info + b"".join(c.warc for c in captures))


@dataclass(frozen=True, slots=True)
class Rederived:
    """A stored document re-extracted with the installed tools."""

    document: str
    witness: str
    record: str
    same: bool
    changed: tuple[str, ...]
    stored_tools: str
    current_tools: str
    reason: str | None = None


def rederive(store: Store) -> list[Rederived]:
    """Re-extract every stored capture with the installed versions; report documents whose
    text would now differ ("our tooling changed", told apart from "the source changed").

    ``changed`` names what would differ: "text", "canonical", and "record" when the
    derived record would (outline points, removed blocks, tool versions); ``same``
    is about the text alone. A history, record or capture that cannot be read back
    is skipped: it is a store problem, and :meth:`Store.verify` lists it."""
    if not store.exists():
        raise StoreError(f"no store at {store.location}")
    out: list[Rederived] = []
    seen: set[str] = set()
    for document, witness, _ in store.histories():
        try:
            entries = store.history(document, witness)
        except StoreCorrupt:
            continue
        for entry in entries:
            if entry.record in seen:
                continue
            seen.add(entry.record)
            try:
                record = store.get_record(entry.record)
                bodies = [store.get(digest) for digest in record.pages]
            except (StoreCorrupt, StoreError):
                continue
            ex = record.extraction
            stored = f"{ex.extractor} {ex.extractor_version} {ex.libraries} {record.profile}"
            captures = [
                Capture(
                    source=page.source,
                    retrieved=page.retrieved,
                    body=body,
                    sha256=digest,
                    size=page.size,
                    media_type=page.media_type,
                    tool=page.tool,
                    transport=page.transport,
                    http=page.http,
                )
                for digest, body, page in zip(record.pages, bodies, entry.pages, strict=False)
            ]
            try:
                doc = document_from_captures(captures, witness, record.format, record.select)
            except ExtractionError as exc:
                out.append(
                    Rederived(document, witness, entry.record, False, (), stored, "", exc.reason)
                )
                continue
            new, old = doc.digests.to_dict(), record.sha256.to_dict()
            changed = tuple(k for k in ("text", "canonical") if new[k] != old[k])
            # The rest of the record (outline points, markers, what was removed, tool
            # versions) may differ while the text does not: said, but not a text change.
            again = DerivedRecord.of(doc, list(record.pages), record.format, record.select)
            if not again.resolved(doc.extraction.text, doc.canonical_text).same_as(record):
                changed += ("record",)
            ex2 = doc.extraction
            current = f"{ex2.extractor} {ex2.extractor_version} {ex2.libraries} {PROFILE.id}"
            same = not {"text", "canonical"} & set(changed)
            out.append(Rederived(document, witness, entry.record, same, changed, stored, current))
    return out
