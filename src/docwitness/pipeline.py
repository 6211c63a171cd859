"""The library's front door: load, fetch, verify, collate, inspect.

Every command of the CLI is one call here, so each is usable and testable from
Python. Nothing here prints or exits; problems are exceptions from
:mod:`docwitness.errors` and findings are data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from docwitness import __version__
from docwitness.catalogue import default_catalogues, load_catalogues
from docwitness.errors import CaptureError, ExtractionError, StoreError, UsageError
from docwitness.extract import extract
from docwitness.fetch.file import capture_file
from docwitness.model import (
    Block,
    Capture,
    Digests,
    Document,
    DocumentSpec,
    Extraction,
    Finding,
    ReferenceInfo,
    Report,
    WitnessReport,
    WitnessSpec,
    sha256_text,
)
from docwitness.normalise import PROFILE, build_document
from docwitness.store import Store, record_of

log = logging.getLogger(__name__)

DEFAULT_STORE = Path("snapshots")


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def document_from_captures(
    captures: list[Capture], witness: str, format: str | None = None, select: str | None = None
) -> Document:
    """Extract and normalise the pages of one copy into a :class:`Document`."""
    if len(captures) == 1:
        capture = captures[0]
        extraction = extract(capture, format=format, select=select)
        return build_document(witness, capture.source, capture.sha256, extraction)
    parts = [extract(c, format=format, select=select) for c in captures]
    blocks = tuple(
        Block(b.text, b.kind, page=n) for n, part in enumerate(parts, 1) for b in part.blocks
    )
    first = parts[0]
    combined = Extraction(
        blocks=blocks,
        extractor=first.extractor,
        extractor_version=first.extractor_version,
        libraries=first.libraries,
        encoding=first.encoding,
        encoding_evidence=first.encoding_evidence,
        replacement_chars=sum(p.replacement_chars for p in parts),
        removed=tuple(r for p in parts for r in p.removed),
        metadata={k: v for p in reversed(parts) for k, v in p.metadata.items()},
        warnings=tuple(w for p in parts for w in p.warnings),
    )
    # Several pages: the raw digest is that of the list of the pages' digests, in order.
    raw = sha256_text("\n".join(c.sha256 for c in captures))
    return build_document(witness, captures[0].source, raw, combined)


def load_copy(
    location: str, format: str | None = None, select: str | None = None, witness: str | None = None
) -> Document:
    """A copy named on the command line (a path, or a URL) as a :class:`Document`."""
    if is_url(location):
        from docwitness.fetch import capture_url

        captures = capture_url(location)
    else:
        if not location:
            raise CaptureError(location, "empty path")
        captures = [capture_file(Path(location))]
    name = witness or (location if is_url(location) else Path(location).name)
    return document_from_captures(captures, name, format, select)


def resolve_catalogues(paths: list[Path] | None) -> list[DocumentSpec]:
    return load_catalogues(list(paths) if paths else default_catalogues())


# --------------------------------------------------------------------------- fetch


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What ``fetch`` did for one witness."""

    document: str
    witness: str
    role: str
    source: str
    status: str  # "captured" | "unchanged" | "not-modified" | "unavailable" | "failed"
    reason: str | None = None
    size: int | None = None
    digests: Digests | None = None
    changed: tuple[str, ...] = ()
    entry: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return self.status in ("captured", "unchanged", "not-modified")


Progress = Callable[[str, str], None]  # (witness id, status)


def display_location(spec: WitnessSpec) -> str:
    """Where a witness is read from, as recorded: a local path relative to the working
    folder when it lies inside it (so a committed store names no machine's paths)."""
    if spec.path is not None:
        try:
            return str(spec.path.relative_to(Path.cwd()))
        except ValueError:
            return str(spec.path)
    return spec.location


def _changed(previous: dict[str, Any] | None, digests: Digests) -> tuple[str, ...]:
    if previous is None:
        return ()
    return tuple(k for k, v in digests.to_dict().items() if previous.get(k) != v)


def capture_and_record(
    store: Store, doc: DocumentSpec, spec: WitnessSpec, options: Any = None, offline: bool = False
) -> FetchResult:
    """Capture one witness, extract, normalise and record it; failures become results."""
    previous = store.latest(doc.id, spec.id)
    base: dict[str, Any] = {
        "document": doc.id,
        "witness": spec.id,
        "role": spec.role,
        "source": display_location(spec),
    }
    if offline and spec.path is None:
        return FetchResult(**base, status="unavailable", reason="offline: not fetched")
    try:
        from docwitness.fetch import capture_witness

        captures = capture_witness(spec, previous, options)
    except CaptureError as exc:
        return FetchResult(**base, status="unavailable", reason=exc.reason)
    if spec.path is not None:
        captures = [replace(c, source=base["source"]) for c in captures]

    if previous is not None and all(c.status == "not-modified" for c in captures):
        entry = {
            **{k: previous[k] for k in ("record", "raw", "text", "canonical", "paragraphs")},
            "time": captures[0].retrieved,
            "status": "not-modified",
            "source": base["source"],
            "pages": [c.provenance() for c in captures],
            "changed": [],
            "tool": f"docwitness/{__version__}",
            "profile": previous.get("profile"),
        }
        store.append_history(doc.id, spec.id, entry)
        digests = Digests(previous["raw"], previous["text"], previous["canonical"])
        return FetchResult(**base, status="not-modified", size=None, digests=digests, entry=entry)

    try:
        document = document_from_captures(captures, spec.id, spec.format, spec.select)
    except ExtractionError as exc:
        return FetchResult(**base, status="failed", reason=exc.reason)

    pages = [store.put(c.body) for c in captures]
    store.put(document.extraction.text.encode("utf-8"))
    store.put(document.canonical_text.encode("utf-8"))
    record = store.put_json(record_of(document, pages, spec.format, spec.select))
    changed = _changed(previous, document.digests)
    status = (
        "unchanged"
        if previous is not None and previous.get("raw") == document.digests.raw
        else "captured"
    )
    entry = {
        "time": captures[0].retrieved,
        "status": "captured",
        "record": record,
        **document.digests.to_dict(),
        "paragraphs": len(document.paragraphs),
        "source": base["source"],
        "pages": [c.provenance() for c in captures],
        "changed": list(changed),
        "tool": f"docwitness/{__version__}",
        "profile": document.profile,
    }
    store.append_history(doc.id, spec.id, entry)
    size = sum(c.size for c in captures)
    return FetchResult(
        **base, status=status, size=size, digests=document.digests, changed=changed, entry=entry
    )


def fetch(
    catalogues: list[Path] | None = None,
    store_dir: Path = DEFAULT_STORE,
    *,
    options: Any = None,
    progress: Progress | None = None,
    offline: bool = False,
) -> list[FetchResult]:
    """Capture every witness of the catalogues into the store; one result per witness.

    With ``offline``, only local copies are captured and network witnesses are
    reported unavailable without a request being sent."""
    documents = resolve_catalogues(catalogues)
    store = Store(store_dir)
    store.ensure_writable()
    results: list[FetchResult] = []
    for doc in documents:
        for spec in doc.witnesses:
            result = capture_and_record(store, doc, spec, options, offline)
            if progress is not None:
                progress(spec.id, result.status)
            results.append(result)
    return results


# --------------------------------------------------------------------------- log and verify


def find_history(store_dir: Path, witness: str) -> tuple[str, str, list[dict[str, Any]]]:
    """A witness's history, by ``document/witness`` or by a witness id unique in the store."""
    store = Store(store_dir)
    if not store.root.is_dir():
        raise StoreError(f"no store at {store.root}")
    matches = [(d, w) for d, w, _ in store.histories() if witness in (w, f"{d}/{w}")]
    if not matches:
        known = ", ".join(f"{d}/{w}" for d, w, _ in store.histories()) or "none"
        raise UsageError(f"no history for witness {witness!r} in {store.root} (known: {known})")
    if len(matches) > 1:
        raise UsageError(
            f"witness {witness!r} is ambiguous; name it as one of: "
            + ", ".join(f"{d}/{w}" for d, w in matches)
        )
    document, wid = matches[0]
    return document, wid, store.history(document, wid)


def verify(store_dir: Path = DEFAULT_STORE) -> list[Any]:
    """Every integrity problem in the store (an empty list when all is well)."""
    return Store(store_dir).verify()


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


def rederive(store_dir: Path = DEFAULT_STORE) -> list[Rederived]:
    """Re-extract every stored capture with the installed versions; report documents whose
    text would now differ ("our tooling changed", told apart from "the source changed")."""
    store = Store(store_dir)
    if not store.root.is_dir():
        raise StoreError(f"no store at {store.root}")
    out: list[Rederived] = []
    seen: set[str] = set()
    for document, witness, _ in store.histories():
        for entry in store.history(document, witness):
            if entry["record"] in seen:
                continue
            seen.add(entry["record"])
            record = store.get_json(entry["record"])
            ex = record["extraction"]
            stored = (
                f"{ex['extractor']} {ex['extractor_version']} {ex['libraries']} {record['profile']}"
            )
            captures = [
                Capture(
                    source=page.get("source", ""),
                    retrieved=page.get("retrieved", ""),
                    body=store.get(digest),
                    sha256=digest,
                    size=page.get("size", 0),
                    media_type=page.get("media_type"),
                    tool=page.get("tool", ""),
                    transport=page.get("transport", "file"),
                    http=page.get("http"),
                )
                for digest, page in zip(record["pages"], entry["pages"], strict=False)
            ]
            try:
                doc = document_from_captures(captures, witness, record["format"], record["select"])
            except ExtractionError as exc:
                out.append(
                    Rederived(document, witness, entry["record"], False, (), stored, "", exc.reason)
                )
                continue
            new = doc.digests.to_dict()
            changed = tuple(k for k in ("text", "canonical") if new[k] != record["sha256"][k])
            ex2 = doc.extraction
            current = f"{ex2.extractor} {ex2.extractor_version} {ex2.libraries} {PROFILE.id}"
            out.append(
                Rederived(document, witness, entry["record"], not changed, changed, stored, current)
            )
    return out


# --------------------------------------------------------------------------- comparing


def assess(
    reference: Document, witness: Document, role: str | None = None, language: str | None = None
) -> WitnessReport:
    """A witness against the reference, with the single-copy checks merged in.

    The reference-based findings come first; a single-copy finding is added where
    the comparison has none of its kind at the same witness paragraphs, so a copy
    cut where the reference is cut too is still flagged, and the two never repeat
    each other.
    """
    from docwitness.findings import compare
    from docwitness.inspect import single_copy_findings

    report = compare(reference, witness, role=role)
    own = single_copy_findings(witness, language)
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


def diff(a: str, b: str, *, format_a: str | None = None, format_b: str | None = None) -> Report:
    """Compare two copies directly, ``a`` being the reference. No catalogue needed."""
    ref = load_copy(a, format_a)
    wit = load_copy(b, format_b)
    if ref.witness == wit.witness:
        wit = replace(wit, witness=f"{wit.witness} (b)")
    result = assess(ref, wit)
    return Report(
        document_id="",
        document_title=_title(ref),
        reference=reference_info(ref, "named first on the command line"),
        witnesses=(result,),
        profile=PROFILE.id,
        kind="diff",
    )


def inspect_copy(
    location: str, *, format: str | None = None, language: str | None = None
) -> Report:
    """The single-copy checks on one copy, as a report with no reference."""
    from docwitness.inspect import inspect_document

    doc = load_copy(location, format)
    result = inspect_document(doc, language=language)
    return Report(
        document_id="",
        document_title=_title(doc),
        reference=None,
        witnesses=(result,),
        profile=PROFILE.id,
        kind="inspect",
    )


def _title(doc: Document) -> str:
    for p in doc.paragraphs:
        if p.kind == "heading":
            return p.text
    return doc.paragraphs[0].text[:80] if doc.paragraphs else ""


@dataclass(frozen=True, slots=True)
class Loaded:
    """A witness's latest stored document, or why there is none."""

    spec: WitnessSpec
    document: Document | None
    entry: dict[str, Any] | None
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
    from docwitness.inspect import inspect_document

    available = [x for x in loaded if x.document is not None]
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

    best = max(available, key=completeness)
    whole, length = completeness(best)
    state = "not judged truncated" if whole else "itself truncated: no complete copy is available"
    return best, (
        f"no official witness is available; the most complete copy "
        f"({length} canonical characters, {state})"
    )


def collate_document(store: Store, doc: DocumentSpec) -> Report:
    """Every witness's latest snapshot compared with the document's reference."""
    from docwitness.inspect import inspect_document

    loaded = load_latest(store, doc)
    chosen = choose_reference(doc, loaded, doc.language)
    reports: list[WitnessReport] = []
    reference: ReferenceInfo | None = None
    if chosen is not None:
        ref, because = chosen
        assert ref.document is not None
        reference = reference_info(ref.document, because)
    for x in loaded:
        captured = x.entry.get("time") if x.entry else None
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
            own = inspect_document(x.document, language=doc.language)
            r = replace(own, role=x.spec.role, coverage=1.0, notes=("the reference", *own.notes))
        else:
            assert chosen is not None and chosen[0].document is not None
            r = assess(chosen[0].document, x.document, role=x.spec.role, language=doc.language)
        meta = dict(r.metadata)
        if x.spec.origin:
            meta.setdefault("url", x.spec.origin)
        reports.append(replace(r, captured=captured, metadata=meta))
    return Report(
        document_id=doc.id,
        document_title=doc.title,
        reference=reference,
        witnesses=tuple(reports),
        profile=PROFILE.id,
        kind="collation",
    )


def collate(catalogues: list[Path] | None = None, store_dir: Path = DEFAULT_STORE) -> list[Report]:
    """Collate every document of the catalogues from the store, without fetching."""
    documents = resolve_catalogues(catalogues)
    store = Store(store_dir)
    if not store.root.is_dir():
        raise StoreError(f"no store at {store.root} (run docwitness fetch first)")
    return [collate_document(store, doc) for doc in documents]


# --------------------------------------------------------------------------- check


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What ``check`` did: the fetch results and the collation reports."""

    fetched: list[FetchResult]
    reports: list[Report]

    def changed(self) -> list[Finding]:
        """Every ``changed`` finding that says the text of a source changed."""
        return [
            f
            for r in self.reports
            for w in r.witnesses
            for f in w.findings
            if f.kind == "changed" and f.severity == "substantive"
        ]


def change_findings(store: Store, doc: DocumentSpec, result: FetchResult) -> list[Finding]:
    """How a new capture differs from the witness's previous snapshot.

    A change in the canonical text is a substantive ``changed`` finding per
    difference, naming the paragraph; a change in the raw bytes or extracted text
    alone (a new ad block, re-encoded markup) is a formal one: not a text change.
    """
    from docwitness.findings import compare

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
                evidence=(f"{before.get('raw')} → {after.get('raw')}",),
                detail={
                    "changed": list(result.changed),
                    "previous": before.get("time"),
                    "text_changed": False,
                },
            )
        ]
    old = store.load_document(before, result.witness)
    new = store.load_document(after, result.witness)
    diff_report = compare(old, new)
    out = []
    for f in diff_report.findings:
        out.append(
            Finding(
                kind="changed",
                severity="substantive",
                ref=f.ref,
                ref_excerpt=f.ref_excerpt,
                witness=f.witness,
                outline=f.outline,
                ref_text=f.ref_text,
                witness_text=f.witness_text,
                offset=f.offset,
                rule=f"source-changed:{f.kind}",
                evidence=f.evidence,
                detail={
                    "change": f.kind,
                    "previous": before.get("time"),
                    "previous_canonical": before.get("canonical"),
                    "text_changed": True,
                },
            )
        )
    if not out:  # only formal differences: still a change of the canonical text
        out.append(
            Finding(
                kind="changed",
                severity="substantive",
                rule="source-changed",
                detail={"previous": before.get("time"), "text_changed": True},
            )
        )
    return out


def check(
    catalogues: list[Path] | None = None,
    store_dir: Path = DEFAULT_STORE,
    *,
    offline: bool = False,
    options: Any = None,
    progress: Progress | None = None,
) -> CheckResult:
    """The main job: fetch every witness, report what changed since the last snapshot,
    collate all witnesses against the reference and run the single-copy checks.

    A network witness that cannot be fetched but has a stored snapshot is collated
    from that snapshot and marked "not refreshed: <reason>"."""
    documents = resolve_catalogues(catalogues)
    fetched = fetch(catalogues, store_dir, options=options, progress=progress, offline=offline)
    store = Store(store_dir)
    by_witness = {(r.document, r.witness): r for r in fetched}
    reports = []
    for doc in documents:
        report = collate_document(store, doc)
        witnesses = []
        for w in report.witnesses:
            r = by_witness.get((doc.id, w.id))
            if r is None:
                witnesses.append(w)
                continue
            if not r.ok:
                if w.verdict == "unavailable":
                    w = replace(w, reason=r.reason)
                else:
                    w = replace(w, notes=(f"not refreshed: {r.reason}", *w.notes))
                witnesses.append(w)
                continue
            changes = change_findings(store, doc, r)
            if changes:
                verdict = w.verdict
                if any(f.severity == "substantive" for f in changes) and verdict in (
                    "identical",
                    "equivalent",
                    "complete",
                ):
                    verdict = "changed"
                w = replace(w, findings=tuple(changes) + w.findings, verdict=verdict)
            witnesses.append(w)
        reports.append(replace(report, witnesses=tuple(witnesses), kind="check"))
    return CheckResult(fetched, reports)
