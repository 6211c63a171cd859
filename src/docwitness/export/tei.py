"""``docwitness export tei``: a TEI P5 document with a parallel-segmentation apparatus.

Built on the variant table of all witnesses
(:func:`docwitness.multi.table.build_table`, the one ``collate --all`` shows):
the reference's canonical paragraphs are the ``<p>``\\ s of the edition, and
each variant place of the table is one ``<app>`` (a variation unit), so the
segmentation is shared by every witness.

- ``<listWit>`` names each witness: its URL, capture time, digests, role and
  verdict. A witness that was not compared (unavailable, unreliable, unrelated)
  is listed with the reason and is in no reading.
- ``<app><lem wit="…">…</lem><rdg wit="…">…</rdg></app>``: the reference's
  reading and every other one. A reading is ``type="orthographic"`` when the
  comparison judged the difference formal (a numbering, a split or merge of
  paragraphs, site text), ``type="substantive"`` otherwise. A paragraph break
  inside a reading (a split, an extra paragraph) is ``<milestone unit="paragraph"/>``.
- ``<lacunaStart/>`` and ``<lacunaEnd/>`` in a witness's reading mark where its
  text is cut or missing (a copy that begins late or stops early, a run of
  paragraphs it lacks); between them the witness reads nothing.

Reading a witness back: walk the ``<p>``\\ s in order, each beginning a paragraph;
take the text outside ``<app>`` and, in each ``<app>``, the reading whose
``wit`` names the witness, except between its ``lacunaStart`` and ``lacunaEnd``;
a milestone begins a paragraph; empty paragraphs are dropped. That gives the
witness's canonical text exactly (the tests check it for every made witness).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docwitness import __version__
from docwitness.model import Document, Report, Verdict, WitnessReport
from docwitness.multi.table import MARKS, PARA, build_table
from docwitness.normalise import PROFILE
from docwitness.specs import DocumentSpec, WitnessSpec
from docwitness.variants import Stretch, VariantPlace

if TYPE_CHECKING:
    from docwitness.store import Store

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def xml_id(witness: str, taken: set[str]) -> str:
    """An ``xml:id`` for a witness id: the id itself when it is an XML name, else a
    safe form of it; unique within the document."""
    base = re.sub(r"[^A-Za-z0-9._-]", "_", witness)
    if not re.match(r"[A-Za-z_]", base):
        base = "w_" + base
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return name


def _fill(el: Any, tokens: list[str]) -> None:
    """Put reading tokens into an lxml element: text, milestones and lacuna marks."""
    from lxml import etree

    last: Any = None
    for t in tokens:
        if t in MARKS:
            if t == PARA:
                last = etree.SubElement(el, f"{{{TEI_NS}}}milestone", unit="paragraph")
            else:
                last = etree.SubElement(el, f"{{{TEI_NS}}}{t[1:]}")
        elif last is None:
            el.text = (el.text or "") + t
        else:
            last.tail = (last.tail or "") + t


def _paragraph(
    parent: Any, number: int, segments: list[Stretch | VariantPlace], ids: dict[str, str]
) -> int:
    """Write reference paragraph ``number`` with its apparatus; return the count of apps."""
    from lxml import etree

    p = etree.SubElement(parent, f"{{{TEI_NS}}}p", n=str(number + 1))
    last: Any = None
    apps = 0

    def wits(witnesses: tuple[str, ...]) -> str:
        return " ".join(f"#{ids[w]}" for w in witnesses)

    for seg in segments:
        if isinstance(seg, Stretch):
            # Text outside every app: each witness not in a lacuna reads it as it is.
            if last is None:
                p.text = (p.text or "") + seg.text
            else:
                last.tail = (last.tail or "") + seg.text
            continue
        apps += 1
        app = etree.SubElement(p, f"{{{TEI_NS}}}app")
        app.set("type", "substantive" if seg.substantive else "orthographic")
        lem_reading, *others = seg.readings
        lem = etree.SubElement(app, f"{{{TEI_NS}}}lem", wit=wits(lem_reading.witnesses))
        _fill(lem, list(lem_reading.tokens))
        for reading in others:
            rdg = etree.SubElement(
                app,
                f"{{{TEI_NS}}}rdg",
                wit=wits(reading.witnesses),
                type="substantive" if reading.substantive else "orthographic",
            )
            _fill(rdg, list(reading.tokens))
        last = app
    return apps


def _witness_entry(
    parent: Any, w: WitnessReport, xid: str, spec: WitnessSpec | None, note: str | None
) -> None:
    """One ``<witness>``: id and role, URL, where held, capture time, digests, verdict."""
    from lxml import etree

    el = etree.SubElement(parent, f"{{{TEI_NS}}}witness", n=w.id)
    el.set(f"{{{XML_NS}}}id", xid)
    last: Any = None

    def text(piece: str) -> None:
        if last is None:
            el.text = (el.text or "") + piece
        else:
            last.tail = (last.tail or "") + piece

    def child(tag: str, content: str, **attrs: str) -> None:
        nonlocal last
        last = etree.SubElement(el, f"{{{TEI_NS}}}{tag}", **attrs)
        last.text = content

    role = w.role or (spec.role if spec is not None else "")
    text(f"{w.id} ({role}): ")
    url = w.metadata.get("url") or (spec.origin if spec is not None else None) or w.source
    child("ref", url, target=url)
    if w.source != url:
        text(f", held as {w.source}")
    if w.metadata.get("archive_url"):
        text(", archived at ")
        child("ref", w.metadata["archive_url"], target=w.metadata["archive_url"])
    if w.captured:
        text(", captured ")
        child("date", w.captured, when=w.captured)
    if w.digests is not None:
        text("; raw ")
        child("idno", w.digests.raw, type="sha256-raw")
        text(", canonical text ")
        child("idno", w.digests.canonical, type="sha256-canonical")
    text("; ")
    child("note", w.verdict.value + (f": {note}" if note else ""), type="verdict")


def tei_document(
    doc: DocumentSpec, report: Report, documents: dict[str, Document]
) -> tuple[Any, int]:
    """The ``<TEI>`` element of one document, and the number of ``<app>``\\ s in it."""
    from lxml import etree

    tei = etree.Element(f"{{{TEI_NS}}}TEI", nsmap={None: TEI_NS})
    header = etree.SubElement(tei, f"{{{TEI_NS}}}teiHeader")
    file_desc = etree.SubElement(header, f"{{{TEI_NS}}}fileDesc")
    title_stmt = etree.SubElement(file_desc, f"{{{TEI_NS}}}titleStmt")
    etree.SubElement(title_stmt, f"{{{TEI_NS}}}title").text = doc.title
    publication = etree.SubElement(file_desc, f"{{{TEI_NS}}}publicationStmt")
    etree.SubElement(publication, f"{{{TEI_NS}}}p").text = (
        f"A collation of the copies of {doc.id} made by docwitness {__version__} "
        f"(normalisation profile {PROFILE.id}) from the captures in its store."
    )
    source_desc = etree.SubElement(file_desc, f"{{{TEI_NS}}}sourceDesc")
    list_wit = etree.SubElement(source_desc, f"{{{TEI_NS}}}listWit")
    encoding = etree.SubElement(header, f"{{{TEI_NS}}}encodingDesc")
    etree.SubElement(
        encoding,
        f"{{{TEI_NS}}}variantEncoding",
        method="parallel-segmentation",
        location="internal",
    )
    text_el = etree.SubElement(tei, f"{{{TEI_NS}}}text")
    body = etree.SubElement(text_el, f"{{{TEI_NS}}}body")
    div = etree.SubElement(body, f"{{{TEI_NS}}}div", type="edition", n=doc.id)

    taken: set[str] = set()
    ids = {w.id: xml_id(w.id, taken) for w in report.witnesses}
    reference = report.reference
    table = build_table(report, documents, doc.language)
    in_table = set(table.witnesses) if table is not None else set()
    for w in report.witnesses:
        spec = next((s for s in doc.witnesses if s.id == w.id), None)
        note: str | None = None
        if reference is not None and w.id == reference.id:
            note = f"the reference: {reference.chosen_because}"
        elif w.verdict in (Verdict.UNAVAILABLE, Verdict.UNRELIABLE, Verdict.UNRELATED):
            note = "in no reading of the apparatus" + (f" ({w.reason})" if w.reason else "")
        elif w.id not in in_table:
            note = "in no reading of the apparatus"
        _witness_entry(list_wit, w, ids[w.id], spec, note)
    apps = 0
    if table is not None:
        by_paragraph: dict[int, list[Stretch | VariantPlace]] = {}
        for seg in table.segments:
            by_paragraph.setdefault(seg.paragraph, []).append(seg)
        for i in range(len(documents[table.reference].paragraphs)):
            apps += _paragraph(div, i, by_paragraph.get(i, []), ids)
    return tei, apps


def write(store: Store, documents: list[DocumentSpec], reports: list[Report], out: Path) -> int:
    """Write the TEI of ``documents`` (a ``<teiCorpus>`` when there are several) to
    ``out``; return the number of ``<app>``\\ s."""
    from lxml import etree

    from docwitness.collate import load_latest

    built = []
    apps = 0
    for doc, report in zip(documents, reports, strict=True):
        loaded = {x.spec.id: x.document for x in load_latest(store, doc) if x.document}
        tei, n = tei_document(doc, report, loaded)
        built.append(tei)
        apps += n
    if len(built) == 1:
        root = built[0]
    else:
        root = etree.Element(f"{{{TEI_NS}}}teiCorpus", nsmap={None: TEI_NS})
        header = etree.SubElement(root, f"{{{TEI_NS}}}teiHeader")
        file_desc = etree.SubElement(header, f"{{{TEI_NS}}}fileDesc")
        title_stmt = etree.SubElement(file_desc, f"{{{TEI_NS}}}titleStmt")
        etree.SubElement(title_stmt, f"{{{TEI_NS}}}title").text = "docwitness collations"
        publication = etree.SubElement(file_desc, f"{{{TEI_NS}}}publicationStmt")
        etree.SubElement(publication, f"{{{TEI_NS}}}p").text = f"docwitness {__version__}"
        source = etree.SubElement(file_desc, f"{{{TEI_NS}}}sourceDesc")
        etree.SubElement(source, f"{{{TEI_NS}}}p").text = "The documents' catalogues."
        root.extend(built)
    out.write_bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=False)
    )
    return apps
