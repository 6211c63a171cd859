"""All witnesses at once: one variant table, which copy derives from which, the text to cite.

Built on the collation (:mod:`docwitness.collate`): each witness is compared with
the reference as ever, and the places where any of them differs are merged where
they overlap into one table (:mod:`.table`), so the cost stays that of the
pairwise comparisons. :mod:`.lineage` reads shared unlikely readings off the
table; :mod:`.cite` chooses, place by place, the reading of the most copies that
do not derive from one another.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from docwitness.model import Document, Report, WitnessReport
from docwitness.specs import DocumentSpec

if TYPE_CHECKING:
    from docwitness.collate import Loaded


def dated_claims(doc: DocumentSpec, witnesses: tuple[WitnessReport, ...]) -> dict[str, str]:
    """When each copy says it existed by: the catalogue's ``published``, else the time
    its own framing states, else the capture time of the web archive that holds it."""
    out: dict[str, str] = {}
    specs = {s.id: s for s in doc.witnesses}
    for w in witnesses:
        spec = specs.get(w.id)
        claim = (spec.published if spec else None) or w.metadata.get("date")
        claim = claim or w.metadata.get("archived")
        if claim:
            out[w.id] = claim
    return out


def documents_of(loaded: list[Loaded]) -> dict[str, Document]:
    return {x.spec.id: x.document for x in loaded if x.document is not None}


def with_all_witnesses(
    report: Report, doc: DocumentSpec, documents: dict[str, Document], *, cite: bool = False
) -> Report:
    """``report`` with its variant table and lineage (and, with ``cite``, the text to
    cite) added."""
    from docwitness.multi.cite import best_text
    from docwitness.multi.lineage import infer
    from docwitness.multi.table import build_table

    official = False
    if report.reference is not None:
        spec = next((s for s in doc.witnesses if s.id == report.reference.id), None)
        official = spec is not None and spec.role == "official"
    table = build_table(report, documents, doc.language, official=official)
    if table is None:
        return report
    lineage = infer(table, dated_claims(doc, report.witnesses))
    citation = None
    if cite:
        # The official copy's text is quoted as it reads; a text put together from
        # several copies can only be in the canonical form they were compared in.
        paragraphs = documents[table.reference].paragraphs
        ref_text = [p.raw if official else p.text for p in paragraphs]
        own = next((w for w in report.witnesses if w.id == table.reference), None)
        site = frozenset(
            j
            for f in (own.findings if own is not None else ())
            if f.boilerplate and f.ref is None
            for j in (f.witness if isinstance(f.witness, tuple) else (f.witness,))
            if j is not None
        )
        # A paragraph the reference's own checks found broken at a page end is read
        # as the one paragraph it is.
        joins = tuple(
            tuple(f.witness)
            for f in (own.findings if own is not None else ())
            if f.kind == "split" and f.ref is None and isinstance(f.witness, tuple)
        )
        citation = best_text(table, lineage, ref_text, site, joins)
    return replace(report, table=table, lineage=lineage, citation=citation)
