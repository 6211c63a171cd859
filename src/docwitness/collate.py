"""Collation of a catalogue's witnesses: choose the reference, compare, merge the checks.

Every witness's latest snapshot is compared with the document's reference
(:func:`docwitness.compare.engine.compare`), and the single-copy checks
(:mod:`docwitness.single_copy`) run on every witness too, so a truncated copy is
flagged even when the reference is unavailable. A paginated witness with
missing pages gets a ``truncation`` at each gap.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from docwitness.model import (
    Document,
    DocumentSpec,
    Finding,
    ReferenceInfo,
    Report,
    WitnessReport,
    WitnessSpec,
)
from docwitness.normalise import PROFILE
from docwitness.store.snapshot import display_location

if TYPE_CHECKING:
    from docwitness.store import Store
    from docwitness.store.records import HistoryEntry


def assess(
    reference: Document, witness: Document, role: str | None = None, language: str | None = None
) -> WitnessReport:
    """A witness against the reference, with the single-copy checks merged in.

    The reference-based findings come first; a single-copy finding is added where
    the comparison has none of its kind at the same witness paragraphs, so a copy
    cut where the reference is cut too is still flagged, and the two never repeat
    each other.
    """
    from docwitness.compare.engine import compare
    from docwitness.single_copy import single_copy_findings

    unreliable = unreliable_text(witness)
    if unreliable is not None:
        # A text layer of (cid:NNN) or U+FFFD would only give a diff of garbage.
        return WitnessReport(
            id=witness.witness,
            source=witness.source,
            verdict="unreliable",
            role=role,
            degraded=True,
            digests=witness.digests,
            findings=(unreliable, *extraction_findings(witness)),
            notes=("not compared: the extracted text is unreliable",),
            metadata=dict(witness.extraction.metadata),
            paragraphs=len(witness.paragraphs),
        )
    report = compare(reference, witness, role=role)
    own = single_copy_findings(witness, language) + extraction_findings(witness)
    have = {(f.kind, _witness_key(f)) for f in report.findings}
    kinds = {f.kind for f in report.findings}
    extra = [
        f
        for f in own
        if f.kind != "extra"
        and (f.kind, _witness_key(f)) not in have
        and not (f.kind == "truncation" and "truncation" in kinds)
    ]
    if not extra:
        return report
    findings = report.findings + tuple(extra)
    verdict = report.verdict
    if any(f.kind == "truncation" for f in extra):
        verdict = "truncated"
    elif verdict in ("identical", "equivalent") and any(f.severity == "substantive" for f in extra):
        verdict = "variant"
    elif verdict == "identical":
        verdict = "equivalent"
    return replace(report, findings=findings, verdict=verdict)


def unreliable_text(doc: Document) -> Finding | None:
    """A finding when the extractor judged the copy's text layer unreliable, else None."""
    for warning in doc.extraction.warnings:
        _, _, what = warning.partition("unreliable-text-layer:")
        if what:
            return Finding(
                kind="unreliable-text",
                severity="substantive",
                rule="unreliable-text-layer",
                evidence=(what.strip(),),
                detail={"extractor": doc.extraction.extractor},
            )
    return None


def extraction_findings(doc: Document) -> list[Finding]:
    """What the decoding says about a copy: replacement characters in its text, and
    charset opinions (BOM, header, meta, detector) that disagree."""
    ex = doc.extraction
    out = []
    if ex.replacement_chars:
        out.append(
            Finding(
                kind="encoding",
                severity="substantive",
                rule="replacement-characters",
                evidence=(
                    f"{ex.replacement_chars} characters could not be decoded as {ex.encoding}",
                ),
                detail={"encoding": ex.encoding, "replacement_chars": ex.replacement_chars},
            )
        )
    disagreeing = ex.encoding_evidence.get("disagreement")
    if disagreeing:
        opinions = {
            k: v
            for k, v in ex.encoding_evidence.items()
            if k in ("bom", "header", "meta", "detector") and v
        }
        out.append(
            Finding(
                kind="encoding",
                severity="formal",
                rule="charset-disagreement",
                evidence=(
                    f"decoded as {ex.encoding}; {disagreeing} said otherwise: "
                    + ", ".join(f"{k}={v}" for k, v in opinions.items()),
                ),
                detail={"encoding": ex.encoding, "opinions": opinions, "disagreeing": disagreeing},
            )
        )
    return out


def single_copy_report(doc: Document, language: str | None = None) -> WitnessReport:
    """What a copy reveals about itself: the single-copy checks, plus what its decoding
    and its text layer say (the reference in a collation, and ``inspect``)."""
    from docwitness.single_copy import inspect_document

    report = inspect_document(doc, language=language)
    found = [f for f in (unreliable_text(doc), *extraction_findings(doc)) if f is not None]
    return replace(report, findings=report.findings + tuple(found)) if found else report


def _witness_key(f: Finding) -> tuple[int, ...]:
    if f.witness is None:
        return ()
    return f.witness if isinstance(f.witness, tuple) else (f.witness,)


def reference_info(doc: Document, because: str) -> ReferenceInfo:
    return ReferenceInfo(
        id=doc.witness,
        source=doc.source,
        digests=doc.digests,
        paragraphs=len(doc.paragraphs),
        chosen_because=because,
    )


def document_title(doc: Document) -> str:
    for p in doc.paragraphs:
        if p.kind == "heading":
            return p.text
    return doc.paragraphs[0].text[:80] if doc.paragraphs else ""


@dataclass(frozen=True, slots=True)
class Loaded:
    """A witness's latest stored document, or why there is none."""

    spec: WitnessSpec
    document: Document | None
    entry: HistoryEntry | None
    reason: str | None = None


def load_latest(store: Store, doc: DocumentSpec) -> list[Loaded]:
    """Each witness's latest snapshot from the store."""
    out = []
    for spec in doc.witnesses:
        entry = store.latest(doc.id, spec.id)
        if entry is None:
            out.append(Loaded(spec, None, None, "never captured (run docwitness fetch)"))
        else:
            out.append(Loaded(spec, store.load_document(entry, spec.id), entry))
    return out


def choose_reference(
    doc: DocumentSpec, loaded: list[Loaded], language: str | None = None
) -> tuple[Loaded, str] | None:
    """The catalogue's ``reference`` if available, else the first available official
    witness, else the most complete copy; with the reason, said in the report."""
    from docwitness.single_copy import inspect_document

    available = [
        x for x in loaded if x.document is not None and unreliable_text(x.document) is None
    ]
    if not available:
        return None
    if doc.reference:
        named = next(x for x in loaded if x.spec.id == doc.reference)
        if named.document is not None:
            return named, "named as the reference in the catalogue"
    officials = [x for x in available if x.spec.role == "official"]
    if officials:
        why = "the first official witness available"
        if doc.reference:
            why += f" (the catalogue's reference {doc.reference!r} is unavailable)"
        return officials[0], why

    def completeness(x: Loaded) -> tuple[bool, int]:
        assert x.document is not None
        whole = inspect_document(x.document, language=language).verdict != "truncated"
        return whole, x.document.length

    # Each copy is inspected once; the winner's score is the one its reason quotes.
    (whole, length), best = max(((completeness(x), x) for x in available), key=lambda pair: pair[0])
    state = "not judged truncated" if whole else "itself truncated: no complete copy is available"
    return best, (
        f"no official witness is available; the most complete copy "
        f"({length} canonical characters, {state})"
    )


def gap_findings(document: Document, entry: HistoryEntry | None) -> list[Finding]:
    """A ``truncation`` for each page a paginated witness is missing, placed after the
    paragraphs of the pages captured before it."""
    out = []
    for gap in entry.gaps if entry is not None else ():
        before = [p for p in document.paragraphs if (p.page or 1) <= gap.after]
        last = before[-1] if before else None
        out.append(
            Finding(
                kind="truncation",
                severity="substantive",
                witness=last.index if last else None,
                outline=last.point if last else None,
                witness_text=last.text[-30:] if last else None,
                rule="missing-page",
                evidence=(f"page {gap.page} ({gap.url}): {gap.reason}",),
                detail={
                    "page": gap.page,
                    "url": gap.url,
                    "reason": gap.reason,
                    "after_pages": gap.after,
                },
            )
        )
    return out


def archive_metadata(entry: HistoryEntry | None) -> dict[str, str]:
    """The archive URL and capture time of a witness fetched from a web archive."""
    http = entry.pages[0].http if entry is not None and entry.pages else None
    if http is None or http.archive is None:
        return {}
    archive = http.archive
    out = {"archive_url": http.final_url or http.request_url}
    if archive.captured:
        out["archived"] = archive.captured
    if archive.original_url:
        out["url"] = archive.original_url
    return out


def collate_document(store: Store, doc: DocumentSpec) -> Report:
    """Every witness's latest snapshot compared with the document's reference."""

    loaded = load_latest(store, doc)
    chosen = choose_reference(doc, loaded, doc.language)
    reports: list[WitnessReport] = []
    reference: ReferenceInfo | None = None
    if chosen is not None:
        ref, because = chosen
        assert ref.document is not None
        reference = reference_info(ref.document, because)
    for x in loaded:
        captured = x.entry.time if x.entry else None
        if x.document is None:
            reports.append(
                WitnessReport(
                    id=x.spec.id,
                    source=display_location(x.spec),
                    verdict="unavailable",
                    role=x.spec.role,
                    reason=x.reason,
                )
            )
            continue
        if chosen is not None and x is chosen[0]:
            own = single_copy_report(x.document, doc.language)
            r = replace(own, role=x.spec.role, coverage=1.0, notes=("the reference", *own.notes))
        else:
            assert chosen is not None and chosen[0].document is not None
            r = assess(chosen[0].document, x.document, role=x.spec.role, language=doc.language)
        meta = dict(r.metadata)
        if x.spec.origin:
            meta.setdefault("url", x.spec.origin)
        meta.update(archive_metadata(x.entry))
        gaps = gap_findings(x.document, x.entry)
        if gaps:
            r = replace(r, findings=r.findings + tuple(gaps), verdict="truncated")
        reports.append(replace(r, captured=captured, metadata=meta))
    return Report(
        document_id=doc.id,
        document_title=doc.title,
        reference=reference,
        witnesses=tuple(reports),
        profile=PROFILE.id,
        kind="collation",
    )
