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

from docwitness.compare.verdict import decide
from docwitness.model import Document, Finding, ReferenceInfo, Report, Verdict, WitnessReport
from docwitness.normalise import PROFILE

if TYPE_CHECKING:
    from collections.abc import Mapping

    from docwitness.single_copy import Inspection
    from docwitness.specs import DocumentSpec, WitnessSpec
    from docwitness.store import Store
    from docwitness.store.records import HistoryEntry
    from docwitness.store.snapshot import FetchResult


def assess(
    reference: Document,
    witness: Document,
    role: str | None = None,
    language: str | None = None,
    reference_checks: Inspection | None = None,
) -> WitnessReport:
    """A witness against the reference, with the single-copy checks merged in.

    The reference-based findings come first; a single-copy finding is added where
    the comparison has none of its kind at the same witness paragraphs, so a copy
    cut where the reference is cut too is still flagged, and the two never repeat
    each other. ``reference_checks`` is the reference's own inspection, when the
    caller has it (a collation inspects its reference once for every witness):
    a reference that is itself cut off makes what a witness has past its end
    ``beyond-reference``.
    """
    from docwitness.compare.engine import compare, side
    from docwitness.single_copy import analyse, unreliable_text

    unreliable = unreliable_text(witness)
    if unreliable is not None:
        # A text layer of (cid:NNN) or U+FFFD would only give a diff of garbage.
        findings = (unreliable, *extraction_findings(witness))
        return WitnessReport(
            id=witness.witness_id,
            source=witness.source,
            verdict=decide(findings),
            role=role,
            degraded=True,
            digests=witness.digests,
            findings=findings,
            notes=("not compared: the extracted text is unreliable",),
            metadata=dict(witness.extraction.metadata),
            paragraphs=len(witness.paragraphs),
        )
    ref_checks = reference_checks or analyse(reference, language)
    own_checks = analyse(witness, language)
    report = compare(
        reference,
        witness,
        role=role,
        reference_cut=_cut_at_end(ref_checks),
        ref_side=side(reference, ref_checks.frames),
        wit_side=side(witness, own_checks.frames),
    )
    notes = report.notes + format_notes(witness)
    metadata = {**own_checks.metadata, **report.metadata}
    if report.verdict == Verdict.UNRELATED:
        return replace(report, notes=notes, metadata=metadata)
    own = list(own_checks.findings) + extraction_findings(witness)
    have = {(f.kind, _witness_key(f)) for f in report.findings}
    joined = {j for f in report.findings if f.kind in ("split", "merge") for j in _witness_key(f)}
    cut_at_end = any(f.kind == "truncation" and f.at == "end" for f in report.findings)
    begins_late = any(f.kind == "truncation" and f.at == "start" for f in report.findings)
    extra = [
        f
        for f in own
        if f.kind != "extra"
        and (f.kind, _witness_key(f)) not in have
        and not (f.kind == "truncation" and cut_at_end)
        and not (f.kind == "split" and set(_witness_key(f)) <= joined)
        # An outline that starts late is the late beginning's, already reported.
        and not (f.kind == "numbering" and begins_late and f.detail.get("change") == "start")
    ]
    findings = report.findings + tuple(extra)
    # The comparison's own verdict says whether readings differ only in script.
    differs = report.verdict == Verdict.EQUIVALENT and not report.findings
    verdict = decide(findings, differs=differs)
    return replace(report, findings=findings, verdict=verdict, notes=notes, metadata=metadata)


def _cut_at_end(checks: Inspection) -> Finding | None:
    """The reference's own truncation at its end, if it has one."""
    return next((f for f in checks.findings if f.kind == "truncation" and f.at == "end"), None)


def format_notes(doc: Document) -> tuple[str, ...]:
    """What the extractor said of how it read the copy (a format sniffed by content)."""
    return tuple(w for w in doc.extraction.warnings if w.startswith("format:"))


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


def single_copy_report(
    doc: Document, language: str | None = None, checks: Inspection | None = None
) -> WitnessReport:
    """What a copy reveals about itself: the single-copy checks (``checks``, when they
    have been run already), plus what its decoding and its text layer say (the
    reference in a collation, and ``inspect``)."""
    from docwitness.single_copy import inspect_document

    report = inspect_document(doc, language=language, checks=checks)
    found = extraction_findings(doc)
    notes = report.notes + format_notes(doc)
    if not found:
        return replace(report, notes=notes)
    findings = report.findings + tuple(found)
    return replace(report, findings=findings, verdict=decide(findings, alone=True), notes=notes)


def _witness_key(f: Finding) -> tuple[int, ...]:
    if f.witness is None:
        return ()
    return f.witness if isinstance(f.witness, tuple) else (f.witness,)


def reference_info(doc: Document, because: str) -> ReferenceInfo:
    return ReferenceInfo(
        id=doc.witness_id,
        source=doc.source,
        digests=doc.digests,
        paragraphs=len(doc.paragraphs),
        chosen_because=because,
    )


def document_title(doc: Document) -> str:
    """The copy's own title (never site text), else the opening of its first paragraph."""
    from docwitness.single_copy import title_of

    title = title_of(doc)
    if title:
        return title
    return doc.paragraphs[0].text[:80] if doc.paragraphs else ""


@dataclass(frozen=True, slots=True)
class Loaded:
    """A witness's latest stored document, or why there is none."""

    spec: WitnessSpec
    document: Document | None
    entry: HistoryEntry | None
    reason: str | None = None


def load_latest(
    store: Store, doc: DocumentSpec, fetched: Mapping[str, FetchResult] | None = None
) -> list[Loaded]:
    """Each witness's latest snapshot from the store. ``fetched`` holds what a fetch
    in this process just recorded, by witness: a witness whose latest entry names the
    record its result wrote is taken as it was read from the capture
    (``FetchResult.captured``: the same text), not read back."""
    from docwitness.store.records import SharedTexts

    out = []
    shared = SharedTexts()  # the copies share most of their paragraphs
    for spec in doc.witnesses:
        entry = store.latest(doc.id, spec.id)
        result = (fetched or {}).get(spec.id)
        if entry is None:
            out.append(Loaded(spec, None, None, "never captured (run docwitness fetch)"))
        elif result and result.captured and result.entry and result.entry.record == entry.record:
            out.append(Loaded(spec, result.captured, entry))
        else:
            out.append(Loaded(spec, store.load_document(entry, spec.id, shared), entry))
    return out


MOST_COMPLETE = "no official witness is available; the most complete copy"


def choose_reference(
    doc: DocumentSpec,
    loaded: list[Loaded],
    language: str | None = None,
    set_aside: frozenset[str] = frozenset(),
) -> tuple[Loaded, str] | None:
    """The catalogue's ``reference`` if available, else the first available official
    witness, else the most complete copy; with the reason, said in the report.
    Witnesses in ``set_aside`` are not chosen as the most complete copy."""
    from docwitness.single_copy import inspect_document, unreliable_text

    available = [
        x for x in loaded if x.document is not None and unreliable_text(x.document) is None
    ]
    if not available:
        return None
    # Evidence that is not what it claims (an archive file's digest does not match) is
    # not chosen when another copy will do; a reference the catalogue names still is.
    available = [x for x in available if not evidence_findings(x.entry)] or available
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

    def completeness(document: Document) -> tuple[bool, int]:
        whole = inspect_document(document, language=language).verdict != Verdict.TRUNCATED
        return whole, document.length

    candidates = [x for x in available if x.spec.id not in set_aside] or available
    # Each copy is inspected once; the winner's score is the one its reason quotes.
    (whole, length), best = max(
        ((completeness(x.document), x) for x in candidates if x.document is not None),
        key=lambda pair: pair[0],
    )
    state = "not judged truncated" if whole else "itself truncated: no complete copy is available"
    return best, f"{MOST_COMPLETE} ({length} canonical characters, {state})"


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
                at="gap",
            )
        )
    return out


def evidence_findings(entry: HistoryEntry | None) -> list[Finding]:
    """An ``evidence-digest-mismatch`` for each digest of the archive file a witness was
    read from that does not match (a WARC record's payload or block, a WACZ's WARC
    against its ``datapackage.json``): the evidence is not what it claims to be."""
    out = []
    for n, page in enumerate(entry.pages if entry is not None else (), 1):
        info = page.http.warc_file if page.http is not None else None
        for problem in info.problems if info is not None else ():
            rule = (
                "wacz-datapackage-digest"
                if "datapackage.json" in problem
                else "warc-payload-digest"
                if "WARC-Payload-Digest" in problem
                else "warc-block-digest"
            )
            out.append(
                Finding(
                    kind="evidence-digest-mismatch",
                    severity="substantive",
                    rule=rule,
                    evidence=(problem,),
                    detail={
                        "file": info.file if info else None,
                        "file_sha256": info.file_sha256 if info else None,
                        "member": info.member if info else None,
                        "record_id": info.record_id if info else None,
                        "page": n,
                    },
                )
            )
    return out


def archive_metadata(entry: HistoryEntry | None) -> dict[str, str]:
    """The archive URL and capture time of a witness fetched from a web archive; the
    file, its digest and the record of a witness read from a WARC or WACZ file."""
    http = entry.pages[0].http if entry is not None and entry.pages else None
    if http is not None and http.warc_file is not None:
        info = http.warc_file
        found = {
            "warc_file": info.file,
            "warc_file_sha256": info.file_sha256,
            "warc_record": info.record_id,
            "warc_date": info.date,
        }
        if info.member:
            found["warc_member"] = info.member
        return found
    if http is None or http.archive is None:
        return {}
    archive = http.archive
    out = {"archive_url": http.final_url or http.request_url}
    if archive.captured:
        out["archived"] = archive.captured
    if archive.original_url:
        out["url"] = archive.original_url
    return out


def collate_document(store: Store, doc: DocumentSpec, loaded: list[Loaded] | None = None) -> Report:
    """Every witness's latest snapshot compared with the document's reference.

    When the reference is only the most complete copy, and most of the other copies
    turn out unrelated to it, it is the odd one out (an SEO page longer than the
    statement, say): it is set aside and the next most complete copy is the
    reference, and the report says so. ``loaded`` is the witnesses' latest snapshots
    when the caller has read them already.
    """
    from docwitness.single_copy import shared_checks

    if loaded is None:
        loaded = load_latest(store, doc)
    set_aside: frozenset[str] = frozenset()
    # A copy weighed as the most complete, then compared, or compared again against
    # the next reference, is judged on its own once.
    with shared_checks():
        while True:
            chosen = choose_reference(doc, loaded, doc.language, set_aside)
            reference, reports = _against(doc, loaded, chosen)
            odd = chosen is not None and _odd_one_out(chosen, reports)
            if chosen is None or not odd or len(set_aside) + 2 >= len(reports):
                break
            set_aside |= {chosen[0].spec.id}
    if reference is not None and set_aside:
        reference = replace(
            reference,
            chosen_because=reference.chosen_because
            + "; set aside as the reference, most of the other copies being unrelated to it: "
            + ", ".join(sorted(set_aside)),
        )
    # A copy of another document is what a reader must see first.
    reports.sort(key=lambda w: w.verdict != Verdict.UNRELATED)
    return Report(
        document_id=doc.id,
        document_title=doc.title,
        reference=reference,
        witnesses=tuple(reports),
        profile=PROFILE.id,
        kind="collation",
    )


def _odd_one_out(chosen: tuple[Loaded, str], reports: list[WitnessReport]) -> bool:
    """Whether a reference chosen as the most complete copy is unrelated to most of the
    copies compared with it (at least two)."""
    if not chosen[1].startswith(MOST_COMPLETE):
        return False  # named in the catalogue, or official: kept whatever it shows
    compared = [w for w in reports if w.id != chosen[0].spec.id and w.coverage is not None]
    compared = [w for w in compared if w.verdict not in (Verdict.UNAVAILABLE, Verdict.UNRELIABLE)]
    unrelated = sum(w.verdict == Verdict.UNRELATED for w in compared)
    return len(compared) >= 2 and 2 * unrelated > len(compared)


def _against(
    doc: DocumentSpec, loaded: list[Loaded], chosen: tuple[Loaded, str] | None
) -> tuple[ReferenceInfo | None, list[WitnessReport]]:
    """The reference's description and every witness's report against it."""
    from docwitness.catalogue import display_location  # the catalogue's reader: not for diff
    from docwitness.single_copy import analyse

    reports: list[WitnessReport] = []
    reference: ReferenceInfo | None = None
    ref_doc: Document | None = None
    ref_checks: Inspection | None = None
    if chosen is not None and chosen[0].document is not None:
        ref_doc = chosen[0].document
        reference = reference_info(ref_doc, chosen[1])
        ref_checks = analyse(ref_doc, doc.language)
    for x in loaded:
        captured = x.entry.time if x.entry else None
        if x.document is None:
            reports.append(
                WitnessReport(
                    id=x.spec.id,
                    source=display_location(x.spec),
                    verdict=decide((), available=False),
                    role=x.spec.role,
                    reason=x.reason,
                )
            )
            continue
        alone = ref_doc is None or x.document is ref_doc
        if alone or ref_doc is None:
            # The reference, or a copy with no reference to compare it with (when every
            # available copy has an unreliable text layer): judged on its own.
            checks = ref_checks if x.document is ref_doc else None
            own = single_copy_report(x.document, doc.language, checks)
            said = ("the reference",) if x.document is ref_doc else ()
            r = replace(own, role=x.spec.role, coverage=1.0 if said else None)
            r = replace(r, notes=(*said, *own.notes))
        else:
            r = assess(
                ref_doc,
                x.document,
                role=x.spec.role,
                language=doc.language,
                reference_checks=ref_checks,
            )
        meta = dict(r.metadata)
        if x.spec.origin:
            meta.setdefault("url", x.spec.origin)
        meta.update(archive_metadata(x.entry))
        gaps = gap_findings(x.document, x.entry) + evidence_findings(x.entry)
        if gaps:
            findings = r.findings + tuple(gaps)
            r = replace(r, findings=findings, verdict=decide(findings, alone=alone))
        reports.append(replace(r, captured=captured, metadata=meta))
    return reference, reports


def change_findings(store: Store, doc: DocumentSpec, result: FetchResult) -> list[Finding]:
    """How a new capture differs from the witness's previous snapshot.

    A change in the canonical text is a substantive ``changed`` finding per
    difference, naming the paragraph; a change in the raw bytes or extracted text
    alone (a new ad block, re-encoded markup) is a formal one: not a text change.
    """
    from docwitness.compare.engine import compare

    if result.status != "captured" or not result.changed:
        return []
    history = store.history(doc.id, result.witness)
    if len(history) < 2:
        return []
    before, after = history[-2], history[-1]
    if "canonical" not in result.changed:
        return [
            Finding(
                kind="changed",
                severity="formal",
                rule="raw-bytes-only",
                evidence=(f"{before.raw} → {after.raw}",),
                detail={
                    "changed": list(result.changed),
                    "previous": before.time,
                    "text_changed": False,
                },
            )
        ]
    old = store.load_document(before, result.witness)
    new = store.load_document(after, result.witness)
    diff_report = compare(old, new)
    out = [
        replace(
            f,
            kind="changed",
            severity="substantive",
            boilerplate=False,
            rule=f"source-changed:{f.kind}",
            detail={
                "change": f.kind,
                "previous": before.time,
                "previous_canonical": before.canonical,
                "text_changed": True,
            },
        )
        for f in diff_report.findings
    ]
    if not out:  # only formal differences: still a change of the canonical text
        out.append(
            Finding(
                kind="changed",
                severity="substantive",
                rule="source-changed",
                detail={"previous": before.time, "text_changed": True},
            )
        )
    return out
