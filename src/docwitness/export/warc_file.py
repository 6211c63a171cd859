"""``docwitness export warc``: every capture of the documents as one WARC/1.1 file.

The file opens with a ``warcinfo`` record for the export. Then, for each
document, each witness in catalogue order and each entry of its history, oldest
first:

- a capture whose HTTP exchanges were recorded (:mod:`docwitness.capture.warc_record`)
  contributes its stored WARC object verbatim: its own ``warcinfo``, and each
  request with its response or revisit, the bytes as received;
- a capture with no recorded exchange (a local copy, or one made before WARCs
  were kept) contributes a ``resource`` record per page, holding the bytes the
  store keeps (for an HTTP page of that kind, the body after content decoding),
  written once per URI and digest;
- every entry adds a ``metadata`` record (``application/json``, URI
  ``urn:docwitness:<document>/<witness>/entry/<n>``, concurrent to the entry's
  last response, revisit or resource record): the document, witness and role,
  and the history entry as the store holds it (digests of the raw, extracted
  and canonical text, every page's provenance).

A local copy's URI is ``urn:docwitness:<document>/<witness>``: the file was not
retrieved from any URL, and its ``url`` key (where it came from) is in the
metadata record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from docwitness import __version__
from docwitness.capture import warc_record
from docwitness.specs import DocumentSpec, WitnessSpec

if TYPE_CHECKING:
    from docwitness.store import HistoryEntry, Store
    from docwitness.store.records import PageProvenance


@dataclass(frozen=True, slots=True)
class Page:
    """One captured page in the export: where from, when, its title, and the record
    (response, revisit or resource) that holds it."""

    document: str
    witness: str
    uri: str
    date: str
    record_type: str
    title: str


def local_uri(document: str, witness: str) -> str:
    """The URI a local copy's records carry."""
    return f"urn:docwitness:{quote(document)}/{quote(witness)}"


def page_uri(doc: DocumentSpec, spec: WitnessSpec, page: PageProvenance) -> str:
    if page.http is not None:
        return page.http.final_url or page.http.request_url
    return local_uri(doc.id, spec.id)


def build(store: Store, documents: list[DocumentSpec], filename: str) -> tuple[bytes, list[Page]]:
    """The WARC of ``documents``' captures (gzip members), and the pages it holds."""
    out = [
        warc_record.warcinfo(
            filename,
            {
                "description": "captures exported by docwitness: "
                + ", ".join(d.id for d in documents),
                "isPartOf": ", ".join(d.id for d in documents),
                "docwitness-version": __version__,
            },
        )
    ]
    pages: list[Page] = []
    written: set[tuple[str, str]] = set()
    for doc in documents:
        for spec in doc.witnesses:
            for n, entry in enumerate(store.history(doc.id, spec.id), 1):
                out.extend(_entry(store, doc, spec, n, entry, written, pages))
    return b"".join(out), pages


def _entry(
    store: Store,
    doc: DocumentSpec,
    spec: WitnessSpec,
    number: int,
    entry: HistoryEntry,
    written: set[tuple[str, str]],
    pages: list[Page],
) -> list[bytes]:
    out: list[bytes] = []
    title = f"{doc.title} — {spec.id} ({spec.role})"
    concurrent: str | None = None
    if entry.warc is not None:
        data = store.get(entry.warc)
        out.append(data)
        for kind, _, record_id in warc_record.record_ids(data):
            if kind in ("response", "revisit"):
                concurrent = record_id
        for page in entry.pages:
            http = page.http
            kind = "revisit" if page.status == "not-modified" else "response"
            if http is not None:
                target = http.final_url or http.request_url
                pages.append(Page(doc.id, spec.id, target, http.requested, kind, title))
    else:
        for page in entry.pages:
            target = page_uri(doc, spec, page)
            if (target, page.sha256) in written:  # the same bytes: one record serves
                pages.append(Page(doc.id, spec.id, target, page.retrieved, "resource", title))
                continue
            written.add((target, page.sha256))
            record = warc_record.resource(
                target, page.retrieved, store.get(page.sha256), page.media_type, {}
            )
            out.append(record)
            concurrent = warc_record.record_ids(record)[0][2]
            pages.append(Page(doc.id, spec.id, target, page.retrieved, "resource", title))
    about = {
        "document": doc.id,
        "title": doc.title,
        "witness": spec.id,
        "role": spec.role,
        "url": spec.origin,
        "entry": entry.to_json(),
    }
    text = json.dumps(about, ensure_ascii=False, sort_keys=True, indent=1)
    # Its own URI, so that a replay tool never serves the metadata in place of the page.
    uri = f"{local_uri(doc.id, spec.id)}/entry/{number}"
    out.append(warc_record.metadata(uri, entry.time, concurrent, text))
    return out
