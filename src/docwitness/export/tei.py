"""``docwitness export tei``: a TEI P5 document with a parallel-segmentation apparatus.

Built on the collation (:func:`docwitness.collate.collate_document`): the
reference's canonical paragraphs are the ``<p>``\\ s of the edition, and each
compared witness's reading comes from its pairwise comparison with the
reference. The alignment rows (:class:`~docwitness.model.AlignedRow`) say
which of the witness's paragraphs stand for which of the reference's; the
character diff of each pair (:func:`docwitness.compare.chardiff.char_diff`, the
diff the comparison uses) says where they differ. Where several witnesses'
differences overlap, they are one ``<app>`` (a variation unit), so the
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docwitness import __version__
from docwitness.compare.chardiff import char_diff, spans
from docwitness.model import Document, DocumentSpec, Report, Verdict, WitnessReport, WitnessSpec
from docwitness.normalise import PROFILE

if TYPE_CHECKING:
    from docwitness.store import Store

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# The tokens of a reading: text, or one of these marks.
PARA, LACUNA_START, LACUNA_END = "\x00para", "\x00lacunaStart", "\x00lacunaEnd"
MARKS = (PARA, LACUNA_START, LACUNA_END)

# Row kinds the comparison judges formal: a reading there is orthographic.
_FORMAL_ROWS = ("equal", "formal", "numbering", "split", "merge")


@dataclass
class Edit:
    """What one witness reads in place of ``ref[start:end]`` of one reference paragraph."""

    start: int
    end: int
    content: list[str]
    substantive: bool


@dataclass
class Reading:
    """One witness's place in the edition: its edits by reference paragraph."""

    id: str
    xml_id: str
    edits: dict[int, list[Edit]] = field(default_factory=dict)

    def add(self, paragraph: int, edit: Edit) -> None:
        self.edits.setdefault(paragraph, []).append(edit)


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


def _tokens(text: str) -> list[str]:
    """A witness's text as reading tokens: each line break is a paragraph break."""
    out: list[str] = []
    for n, line in enumerate(text.split("\n")):
        if n:
            out.append(PARA)
        if line:
            out.append(line)
    return out


def _slots(
    w: WitnessReport, n_ref: int, n_wit: int
) -> tuple[dict[int, list[int]], dict[int, list[int]], dict[int, bool], dict[int, bool]]:
    """Where each of the witness's paragraphs stands, in its own order.

    Returns ``inside`` (the witness paragraphs that stand for each reference
    paragraph), ``after`` (those that come after a reference paragraph as extra
    text; -1 is before the first), ``covered`` (reference paragraphs whose text the
    witness has elsewhere: merged into the one before, or moved; with whether that
    is substantive) and whether each witness paragraph's difference is substantive.
    """
    target: dict[int, int] = {}
    substantive: dict[int, bool] = {}
    covered: dict[int, bool] = {}
    for row in w.rows:
        formal = row.kind in _FORMAL_ROWS or row.boilerplate
        for j in row.witness:
            substantive[j] = not formal
            if row.ref:
                target.setdefault(j, row.ref[0])
        if row.kind == "merge":
            covered.update({i: False for i in row.ref[1:]})
    inside: dict[int, list[int]] = {}
    after: dict[int, list[int]] = {}
    pos = 0  # 2i+1: inside reference paragraph i; 2i+2: after it; 0: before the first
    for j in range(n_wit):
        t = target.get(j)
        if t is not None and 0 <= t < n_ref and 2 * t + 1 >= pos:
            pos = 2 * t + 1
            inside.setdefault(t, []).append(j)
            continue
        if pos % 2 == 1:
            pos += 1
        after.setdefault(pos // 2 - 1, []).append(j)
        substantive.setdefault(j, True)
        if t is not None and 0 <= t < n_ref:
            covered.setdefault(t, True)  # moved: its text is here, out of the reference's order
    for i in inside:
        covered.pop(i, None)
    return inside, after, covered, substantive


def _reading(
    w: WitnessReport, xid: str, ref: Document, wit: Document, truncated: set[str]
) -> Reading:
    """The edits of one witness, paragraph by paragraph of the reference.

    A run of reference paragraphs the witness lacks is a lacuna: it starts at the
    run's first paragraph and ends where the witness resumes. A copy cut inside its
    first or last paragraph (a ``truncation`` at the start or end) has its lacuna
    begin or end at the cut.
    """
    n = len(ref.paragraphs)
    texts = [p.text for p in wit.paragraphs]
    inside, after, covered, substantive = _slots(w, n, len(texts))
    reading = Reading(w.id, xid)
    present = sorted(set(inside) | set(covered))
    if not present:
        return reading
    first, last = present[0], present[-1]
    ends_early = last < n - 1 or "end" in truncated

    def subst(js: list[int]) -> bool:
        return any(substantive.get(j, True) for j in js)

    if after.get(-1):
        tokens: list[str] = []
        for j in after[-1]:
            tokens += [*_tokens(texts[j]), PARA]
        reading.add(0, Edit(0, 0, tokens, subst(after[-1])))
    if "start" in truncated and first == 0:
        reading.add(0, Edit(0, 0, [LACUNA_START, LACUNA_END], False))
    for i in range(n):
        size = len(ref.paragraphs[i].text)
        here = i in inside or i in covered
        before = i > 0 and (i - 1 in inside or i - 1 in covered)
        if not here and i < last and (i == 0 or before):
            reading.add(i, Edit(0, 0, [LACUNA_START], False))  # a run it lacks begins
        if here and i > 0 and not before and i >= first:
            reading.add(i, Edit(0, 0, [LACUNA_END], False))  # and ends: it resumes
        if i in inside:
            js = inside[i]
            a = ref.paragraphs[i].text
            b = "\n".join(texts[j] for j in js)
            for sp in spans(char_diff(a, b)):
                reading.add(
                    i, Edit(sp.a_start, sp.a_end, _tokens(b[sp.b_start : sp.b_end]), subst(js))
                )
        elif i in covered:
            reading.add(i, Edit(0, size, [], covered[i]))
        if after.get(i):
            tokens = []
            for j in after[i]:
                tokens += [PARA, *_tokens(texts[j])]
            reading.add(i, Edit(size, size, tokens, subst(after[i])))
        if i == last and ends_early:
            reading.add(i, Edit(size, size, [LACUNA_START], False))  # after all it has here
    return reading


def _merged(edits: list[Edit]) -> list[Edit]:
    """One witness's edits in a paragraph, in order, those that overlap or touch joined."""
    out: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if out and e.start <= out[-1].end:
            last = out[-1]
            if e.end > last.end:
                last.content = [*last.content, *e.content]
                last.end = e.end
            else:
                last.content = [*last.content, *e.content]
            last.substantive = last.substantive or e.substantive
        else:
            out.append(Edit(e.start, e.end, list(e.content), e.substantive))
    return out


def _units(per_witness: list[list[Edit]]) -> list[tuple[int, int]]:
    """The variation units of a paragraph: every witness's edits, overlapping or touching
    ones joined across witnesses."""
    spans_ = sorted((e.start, e.end) for edits in per_witness for e in edits)
    out: list[list[int]] = []
    for s, e in spans_:
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _content(ref_text: str, s: int, e: int, edits: list[Edit]) -> tuple[list[str], bool]:
    """What a witness reads in ``ref_text[s:e]``, given its edits there."""
    out: list[str] = []
    at = s
    substantive = False
    for ed in edits:
        if ed.start > at:
            out.append(ref_text[at : ed.start])
        out.extend(ed.content)
        at = max(at, ed.end)
        substantive = substantive or ed.substantive
    if e > at:
        out.append(ref_text[at:e])
    return out, substantive


def _settle(tokens: list[str], lacuna: bool) -> tuple[list[str], bool]:
    """``tokens`` without the text that falls inside a lacuna, adjacent text joined; and
    whether the witness is in a lacuna after them."""
    out: list[str] = []
    for t in tokens:
        if t == LACUNA_START:
            lacuna = True
        elif t == LACUNA_END:
            lacuna = False
        elif t != PARA and lacuna:
            continue
        if t not in MARKS and out and out[-1] not in MARKS:
            out[-1] += t
        elif t:
            out.append(t)
    return out, lacuna


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
    parent: Any, number: int, text: str, readings: list[Reading], lacuna: dict[str, bool], ref: str
) -> int:
    """Write reference paragraph ``number`` with its apparatus; return the count of apps."""
    from lxml import etree

    p = etree.SubElement(parent, f"{{{TEI_NS}}}p", n=str(number + 1))
    mine = {r.id: _merged(r.edits.get(number, [])) for r in readings}
    units = _units(list(mine.values()))
    at = 0
    last: Any = None

    def plain(piece: str) -> None:
        nonlocal last
        if not piece:
            return
        if last is None:
            p.text = (p.text or "") + piece
        else:
            last.tail = (last.tail or "") + piece

    def skip_outside(piece: str) -> None:
        # Text outside every app: each witness not in a lacuna reads it as it is.
        plain(piece)

    for s, e in units:
        skip_outside(text[at:s])
        groups: dict[tuple[str, ...], list[str]] = {}
        kinds: dict[tuple[str, ...], bool] = {}
        lem_key = (text[s:e],) if e > s else ()
        groups[lem_key] = [ref]
        kinds[lem_key] = False
        for r in readings:
            inside = [ed for ed in mine[r.id] if s <= ed.start and ed.end <= e]
            if lacuna[r.id] and not inside:
                continue  # in a lacuna here: in no reading
            tokens, subst = _content(text, s, e, inside)
            tokens, lacuna[r.id] = _settle(tokens, lacuna[r.id])
            key = tuple(tokens)
            groups.setdefault(key, []).append(r.xml_id)
            kinds[key] = kinds.get(key, False) or subst
        app = etree.SubElement(p, f"{{{TEI_NS}}}app")
        others = [k for k in groups if k != lem_key]
        substantive = any(kinds[k] for k in others)
        app.set("type", "substantive" if substantive else "orthographic")
        lem = etree.SubElement(
            app, f"{{{TEI_NS}}}lem", wit=" ".join(f"#{w}" for w in groups[lem_key])
        )
        _fill(lem, list(lem_key))
        for key in others:
            rdg = etree.SubElement(
                app,
                f"{{{TEI_NS}}}rdg",
                wit=" ".join(f"#{w}" for w in groups[key]),
                type="substantive" if kinds[key] else "orthographic",
            )
            _fill(rdg, list(key))
        last = app
        at = e
    skip_outside(text[at:])
    return len(units)


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
    readings: list[Reading] = []
    ref_doc = documents.get(reference.id) if reference is not None else None
    for w in report.witnesses:
        spec = next((s for s in doc.witnesses if s.id == w.id), None)
        note: str | None = None
        if reference is not None and w.id == reference.id:
            note = f"the reference: {reference.chosen_because}"
        elif w.verdict in (Verdict.UNAVAILABLE, Verdict.UNRELIABLE, Verdict.UNRELATED):
            note = "in no reading of the apparatus" + (f" ({w.reason})" if w.reason else "")
        elif w.id not in documents or ref_doc is None:
            note = "in no reading of the apparatus"
        else:
            truncated = {f.at for f in w.findings if f.kind == "truncation" and f.at}
            readings.append(_reading(w, ids[w.id], ref_doc, documents[w.id], truncated))
        _witness_entry(list_wit, w, ids[w.id], spec, note)
    apps = 0
    if ref_doc is not None and reference is not None:
        lacuna = {r.id: False for r in readings}
        for i, para in enumerate(ref_doc.paragraphs):
            apps += _paragraph(div, i, para.text, readings, lacuna, ids[reference.id])
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
