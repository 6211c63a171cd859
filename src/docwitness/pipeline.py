"""The library's front door: load, fetch, verify, collate, inspect.

Every command of the CLI is one call here, so each is usable and testable from
Python. Nothing here prints or exits; problems are exceptions from
:mod:`docwitness.errors` and findings are data.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docwitness.capture.file import capture_file
from docwitness.collate import (
    assess,
    change_findings,
    collate_document,
    document_title,
    reference_info,
    single_copy_report,
)
from docwitness.compare.verdict import decide
from docwitness.errors import CaptureError, StoreError, StoreProblem, UsageError
from docwitness.model import Capture, Document, Finding, Report, Verdict
from docwitness.normalise import PROFILE, document_from_captures, shared_paragraphs
from docwitness.single_copy import summary

if TYPE_CHECKING:
    from docwitness.export import Exported
    from docwitness.specs import DocumentSpec
    from docwitness.store import Store, Verification
    from docwitness.store.records import HistoryEntry
    from docwitness.store.snapshot import FetchResult, Progress, Rederived

log = logging.getLogger(__name__)

DEFAULT_STORE = Path("snapshots")


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def load_copy(
    location: str,
    format: str | None = None,
    select: str | None = None,
    witness: str | None = None,
    options: Any = None,
) -> Document:
    """A copy named on the command line (a path, or a URL fetched with ``options``,
    a :class:`~docwitness.capture.FetchOptions`) as a :class:`Document`."""
    if is_url(location):
        from docwitness.capture import capture_url
        from docwitness.extract.links import next_links

        captures = capture_url(location, options, next_links=next_links)
    else:
        if not location:
            raise CaptureError(location, "empty path")
        captures = [capture_file(Path(location))]
    name = witness or (location if is_url(location) else Path(location).name)
    with _pdf_budget(options):
        return document_from_captures(captures, name, format, select)


def _pdf_budget(options: Any) -> contextlib.AbstractContextManager[None]:
    """The run's budget of characters a PDF may draw (``--max-pdf-chars``), for the
    reading done inside the block."""
    budget = getattr(options, "max_pdf_chars", None)
    if budget is None:
        return contextlib.nullcontext()
    from docwitness.extract.pdf_linear import pdf_chars

    return pdf_chars(budget)


StoreLocation = Path | str  # a local folder, or a URL (s3://bucket/prefix, file://…)


def open_store(store_dir: StoreLocation) -> Store:
    """The store at a folder or URL: a local :class:`~docwitness.store.Store`, or an
    :class:`~docwitness.store.remote.ObjectStore` for object storage (``s3://…``)."""
    # Imported here: `diff` and `inspect` never touch the store.
    from docwitness.store import Store
    from docwitness.store.remote import ObjectStore, is_remote, local_path

    if is_remote(store_dir):
        return ObjectStore(str(store_dir))
    return Store(local_path(store_dir))


def resolve_catalogues(paths: list[Path] | None) -> list[DocumentSpec]:
    """The documents of the catalogue files named (a folder stands for its ``*.toml``
    files, in order), or of ``sources/*.toml``."""
    from docwitness.catalogue import default_catalogues, load_catalogues

    if not paths:
        return load_catalogues(default_catalogues())
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                raise UsageError(f"no catalogue (*.toml) in the folder {path}")
            files.extend(found)
        else:
            files.append(path)
    return load_catalogues(files)


# --------------------------------------------------------------------------- fetch


def fetch(
    catalogues: list[Path] | None = None,
    store_dir: StoreLocation = DEFAULT_STORE,
    *,
    options: Any = None,
    progress: Progress | None = None,
    offline: bool = False,
) -> list[FetchResult]:
    """Capture every witness of the catalogues into the store; one result per witness.

    Witnesses are fetched concurrently (a small pool, a few connections per host)
    and recorded one by one. With ``offline``, only local copies are captured and
    network witnesses are reported unavailable without a request being sent."""
    return fetch_documents(
        resolve_catalogues(catalogues),
        store_dir,
        options=options,
        progress=progress,
        offline=offline,
    )


def fetch_documents(
    documents: list[DocumentSpec],
    store_dir: StoreLocation,
    *,
    options: Any = None,
    progress: Progress | None = None,
    offline: bool = False,
) -> list[FetchResult]:
    """:func:`fetch` for catalogues already loaded."""
    store = open_store(store_dir)
    # The writers' lock is held throughout: leftovers are looked for once, on taking it.
    with store.writing():
        store.ensure_writable()
        return _fetch_into(store, documents, options, progress, offline)


def _fetch_into(
    store: Store,
    documents: list[DocumentSpec],
    options: Any,
    progress: Progress | None,
    offline: bool,
    limiter: Any = None,
    keep: bool = False,
) -> list[FetchResult]:
    """Fetch and record every witness of ``documents``; with ``keep``, each result
    holds the document read from its capture (``FetchResult.captured``), else not
    (a fetch of many documents holds none of them)."""
    from docwitness.capture import fetch_many
    from docwitness.extract.links import next_links
    from docwitness.store.snapshot import record_witness

    results: list[FetchResult] = []
    for doc in documents:
        checks = partial(summary, language=doc.language)  # what each fresh capture says of itself
        previous = {spec.id: store.latest(doc.id, spec.id) for spec in doc.witnesses}
        # A local copy (a file, or a record of a WARC or WACZ file) is read offline too.
        wanted = [s for s in doc.witnesses if not (offline and not s.local)]
        outcomes: dict[str, list[Capture] | CaptureError] = {
            s.id: CaptureError(s.location, "offline: not fetched")
            for s in doc.witnesses
            if offline and not s.local
        }
        pages = {wid: entry.pages if entry else None for wid, entry in previous.items()}
        outcomes.update(
            fetch_many(wanted, pages, options, next_links=next_links, limiter=limiter)
        )
        # The copies of one document share most of their paragraphs: each is normalised once.
        with shared_paragraphs():
            for spec in doc.witnesses:
                with _pdf_budget(options):
                    result = record_witness(
                        store, doc, spec, outcomes[spec.id], previous[spec.id], checks=checks
                    )
                if progress is not None:
                    progress(spec.id, result.status)
                results.append(result if keep else replace(result, captured=None))
    return results


# --------------------------------------------------------------------------- log and verify


def find_history(store_dir: StoreLocation, witness: str) -> tuple[str, str, list[HistoryEntry]]:
    """A witness's history, by ``document/witness`` or by a witness id unique in the store."""
    store = open_store(store_dir)
    if not store.exists():
        raise StoreError(f"no store at {store.location}")
    # A witness the index lists but whose history is gone is found, and its history
    # read is then a store problem: a deleted history is not "no history".
    names = sorted({(d, w) for d, w, _ in store.histories()} | set(store.indexed()))
    matches = [(d, w) for d, w in names if witness in (w, f"{d}/{w}")]
    if not matches:
        known = ", ".join(f"{d}/{w}" for d, w, _ in store.histories()) or "none"
        raise UsageError(f"no history for witness {witness!r} in {store.location} (known: {known})")
    if len(matches) > 1:
        raise UsageError(
            f"witness {witness!r} is ambiguous; name it as one of: "
            + ", ".join(f"{d}/{w}" for d, w in matches)
        )
    document, wid = matches[0]
    return document, wid, store.history(document, wid)


def rederive(store_dir: StoreLocation = DEFAULT_STORE) -> list[Rederived]:
    """Re-extract every stored capture with the installed tools (``verify --rederive``)."""
    from docwitness.store import snapshot

    return snapshot.rederive(open_store(store_dir))


def verify(store_dir: StoreLocation = DEFAULT_STORE) -> list[StoreProblem]:
    """Every integrity problem in the store (an empty list when all is well)."""
    return open_store(store_dir).verify()


def verify_store(store_dir: StoreLocation = DEFAULT_STORE, *, repair: bool = False) -> Verification:
    """The store's problems and, listed apart, the leftovers of writers that are gone
    (with ``repair``, removed: nothing else is touched)."""
    return open_store(store_dir).verification(repair=repair)


# --------------------------------------------------------------------------- comparing


def diff(
    a: str,
    b: str,
    *,
    format_a: str | None = None,
    format_b: str | None = None,
    options: Any = None,
) -> Report:
    """Compare two copies directly, ``a`` being the reference. No catalogue needed.
    A URL is fetched with ``options`` (limits, as for :func:`fetch`)."""
    with shared_paragraphs():  # the copies' common paragraphs are normalised once
        ref = load_copy(a, format_a, options=options)
        wit = load_copy(b, format_b, options=options)
    if ref.witness_id == wit.witness_id:
        wit = replace(wit, witness_id=f"{wit.witness_id} (b)")
    result = assess(ref, wit)
    return Report(
        document_id="",
        document_title=document_title(ref),
        reference=reference_info(ref, "named first on the command line"),
        witnesses=(result,),
        profile=PROFILE.id,
        kind="diff",
    )


def inspect_copy(
    location: str,
    *,
    format: str | None = None,
    language: str | None = None,
    options: Any = None,
) -> Report:
    """The single-copy checks on one copy, as a report with no reference; a URL is
    fetched with ``options``."""
    doc = load_copy(location, format, options=options)
    result = single_copy_report(doc, language)
    return Report(
        document_id="",
        document_title=document_title(doc),
        reference=None,
        witnesses=(result,),
        profile=PROFILE.id,
        kind="inspect",
    )


def collate(
    catalogues: list[Path] | None = None,
    store_dir: StoreLocation = DEFAULT_STORE,
    *,
    all_witnesses: bool = False,
) -> list[Report]:
    """Collate every document of the catalogues from the store, without fetching; with
    ``all_witnesses``, each report also holds the variant table of every witness and
    their lineage (``collate --all``)."""
    documents = resolve_catalogues(catalogues)
    store = open_store(store_dir)
    if not store.exists():
        raise StoreError(f"no store at {store.location} (run docwitness fetch first)")
    if not all_witnesses:
        return [collate_document(store, doc) for doc in documents]
    return [_collate_all(store, doc) for doc in documents]


def _collate_all(store: Store, doc: DocumentSpec, *, cite: bool = False) -> Report:
    from docwitness.collate import load_latest
    from docwitness.multi import documents_of, with_all_witnesses

    loaded = load_latest(store, doc)
    report = collate_document(store, doc, loaded)
    return with_all_witnesses(report, doc, documents_of(loaded), cite=cite)


def cite(
    document: str,
    catalogues: list[Path] | None = None,
    store_dir: StoreLocation = DEFAULT_STORE,
) -> Report:
    """The text to cite of one document, from the store (``docwitness cite``): the
    official copy's with the others' divergences, or, with no official copy, the best
    attested by all the copies, with the evidence for every reading."""
    from docwitness.export import select_documents

    documents = select_documents(resolve_catalogues(catalogues), document)
    store = open_store(store_dir)
    if not store.exists():
        raise StoreError(f"no store at {store.location} (run docwitness check first)")
    doc = documents[0]
    report = _collate_all(store, doc, cite=True)
    if report.citation is None:
        raise UsageError(
            f"nothing to cite for {doc.id}: no copy of it is stored and readable in "
            f"{store.location} (run docwitness check)"
        )
    return replace(report, kind="cite")


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


def check(
    catalogues: list[Path] | None = None,
    store_dir: StoreLocation = DEFAULT_STORE,
    *,
    offline: bool = False,
    options: Any = None,
    progress: Progress | None = None,
) -> CheckResult:
    """The main job: fetch every witness, report what changed since the last snapshot,
    collate all witnesses against the reference and run the single-copy checks.

    A network witness that cannot be fetched but has a stored snapshot is collated
    from that snapshot and marked "not refreshed: <reason>". Documents are checked
    one after another (:func:`check_document`); :mod:`docwitness.scale` checks
    them in parallel on a Dask cluster, with the same results."""
    documents = resolve_catalogues(catalogues)
    store = open_store(store_dir)
    fetched: list[FetchResult] = []
    reports: list[Report] = []
    # The writers' lock is held throughout: leftovers are looked for once, on taking it.
    with store.writing():
        store.ensure_writable()
        for doc in documents:
            results, report = check_document(
                store, doc, options=options, progress=progress, offline=offline
            )
            fetched.extend(results)
            reports.append(report)
    return CheckResult(fetched, reports)


def check_document(
    store: Store,
    doc: DocumentSpec,
    *,
    offline: bool = False,
    options: Any = None,
    progress: Progress | None = None,
    limiter: Any = None,
) -> tuple[list[FetchResult], Report]:
    """:func:`check` for one document, into a store the caller holds for writing:
    its fetch results and its report. ``limiter`` (a
    :class:`~docwitness.capture.HostLimiter`) bounds the requests in flight to each
    host; by default, ``options.per_host`` in this process."""
    from docwitness.collate import load_latest
    from docwitness.multi import documents_of, with_all_witnesses
    from docwitness.single_copy import shared_checks

    # The documents just read and recorded are collated as read (their history
    # entries name their texts), the others read back from the store; each fresh
    # capture's checks, run for its summary, are the collation's too.
    with shared_checks():
        fetched = _fetch_into(store, [doc], options, progress, offline, limiter, keep=True)
        loaded = load_latest(store, doc, {r.witness: r for r in fetched})
        fetched = [replace(r, captured=None) for r in fetched]
        report = collate_document(store, doc, loaded)
    by_witness = {r.witness: r for r in fetched}
    witnesses = []
    for w in report.witnesses:
        r = by_witness.get(w.id)
        if r is None:
            witnesses.append(w)
            continue
        if not r.ok:
            if w.verdict == Verdict.UNAVAILABLE:
                w = replace(w, reason=r.reason)
            elif r.status == "incomplete":  # recorded from the pages it has
                w = replace(w, notes=(f"incomplete: {r.reason}", *w.notes))
            else:
                w = replace(w, notes=(f"not refreshed: {r.reason}", *w.notes))
            witnesses.append(w)
            continue
        changes = change_findings(store, doc, r)
        if changes:
            findings = tuple(changes) + w.findings
            alone = report.reference is None or w.id == report.reference.id
            w = replace(w, findings=findings, verdict=decide(findings, alone=alone))
        witnesses.append(w)
    checked = replace(report, witnesses=tuple(witnesses), kind="check")
    return fetched, with_all_witnesses(checked, doc, documents_of(loaded))


# --------------------------------------------------------------------------- export


def export(
    kind: str,
    output: Path,
    document: str | None = None,
    catalogues: list[Path] | None = None,
    store_dir: StoreLocation = DEFAULT_STORE,
    *,
    organization: str | None = None,
) -> Exported:
    """Write the stored captures of one document (or all) in an archive's format:
    ``warc``, ``wacz``, ``bag`` or ``tei`` (:mod:`docwitness.export`)."""
    from docwitness.export import EXPORTS, Exported, atomic_file, select_documents

    if kind not in EXPORTS:
        raise UsageError(f"unknown export {kind!r} (known: {', '.join(EXPORTS)})")
    documents = select_documents(resolve_catalogues(catalogues), document)
    store = open_store(store_dir)
    from docwitness.store.remote import ObjectStore

    if isinstance(store, ObjectStore):
        raise UsageError(f"export reads a local store; {store.location} is on object storage")
    if not store.exists():
        raise StoreError(f"no store at {store.location} (run docwitness check first)")
    captured = [d for d in documents if any(store.latest(d.id, w.id) for w in d.witnesses)]
    if not captured:
        names = ", ".join(d.id for d in documents)
        raise UsageError(f"nothing captured for {names} in {store.location} (run docwitness check)")
    if kind == "warc":
        from docwitness.export import warc_file

        with atomic_file(output) as tmp:
            data, pages = warc_file.build(store, captured, output.name)
            tmp.write_bytes(data)
        return Exported(output, f"{len(pages)} capture(s) of {len(captured)} document(s)")
    if kind == "wacz":
        from docwitness.export import wacz_file

        with atomic_file(output) as tmp:
            listed = wacz_file.write(store, captured, tmp, output.name)
        return Exported(output, f"{listed} page(s) of {len(captured)} document(s)")
    if kind == "bag":
        from docwitness.export import bag

        reports = [collate_document(store, d) for d in captured]
        files = bag.write(store, captured, reports, output, organization)
        return Exported(output, f"{files} payload file(s) of {len(captured)} document(s)")
    from docwitness.export import tei

    reports = [collate_document(store, d) for d in captured]
    with atomic_file(output) as tmp:
        apparatus = tei.write(store, captured, reports, tmp)
    return Exported(output, f"{apparatus} variation unit(s) in {len(captured)} document(s)")


def verify_bag(path: Path) -> list[str]:
    """Every problem in a BagIt bag (``verify --bag``); empty when it is valid."""
    from docwitness.export.bag import validate

    return validate(path)
