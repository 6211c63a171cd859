"""The JSON report, schema ``docwitness.report/1``: the contract the other formats are views of.

Shape (fields may be added, never renamed)::

    {"schema": "docwitness.report/1", "kind": ...,
     "document": {"id", "title"},
     "reference": {"id", "source", "sha256": {"raw", "text", "canonical"},
                   "paragraphs", "chosen_because"} | null,
     "witnesses": [{"id", "source", "role", "verdict", "coverage", "degraded",
                    "sha256", "paragraphs", "counts", "findings": [...],
                    "formal": {"count", "differences"?}, "reason", "captured",
                    "notes", "metadata", "claims"}],
     "tool": {"name", "version", "profile"},
     "variants"?: {"reference", "official", "witnesses", "excluded", "count",
                   "substantive", "places": [{"number", "paragraph", "start", "end",
                   "point", "base", "substantive", "readings": [{"text", "witnesses",
                   "substantive", "marks", "lacuna"}], "absent", "echo"}]},
     "lineage"?: {"decided", "witnesses", "edges": [{"source", "target", "relation",
                  "shared", "places", "evidence", "dated"}], "families", "notes", "dates"},
     "citation"?: {"official", "basis", "closest", "differences", "text",
                   "places": [{"place", "paragraph", "start", "end", "point", "text",
                   "support", "sources", "flags", "others": [{"text", "witnesses"}]}]}}

``variants``, ``lineage`` and ``citation`` are there when the command made them
(``collate --all``, ``check``, ``cite``): every witness in one table on the
reference's paragraphs, which copy derives from which with each edge's evidence,
and the text to cite with the witnesses behind every reading.

A finding carries ``kind``, ``severity``, ``ref`` (0-based over the reference's
canonical paragraphs, or null), ``ref_excerpt``, ``witness`` (an index or a
list), ``outline``, ``ref_text``, ``witness_text``, ``offset``, ``boilerplate``,
``rule``, ``evidence``, ``detail`` and ``at`` (where a truncation is: "start", "end"
or "gap"; null for other kinds). A run of consecutive missing (or extra)
paragraphs of one rule is one finding: it describes the run's first paragraph
and adds ``count`` (how many paragraphs) and ``range`` (``{"ref": [first, last]
| null, "witness": [first, last] | null, "points": [...]}``, the outline points
covered); its ``evidence`` quotes the first and the last paragraph and
``detail.paragraphs`` lists every index. A finding about one paragraph has
neither key (read it as ``count`` 1). In a single-copy report ``reference`` is
null and findings point at the witness's paragraphs. Formal differences are
only counted unless ``show_formal`` is given. The aligned rows are left out:
they are for the HTML view, which reads them from the report object.
"""

from __future__ import annotations

import json
from typing import Any

from docwitness import TOOL_NAME, __version__
from docwitness.model import Finding, FormalDifference, Report, WitnessReport
from docwitness.report import REPORTERS

SCHEMA = "docwitness.report/1"


def _finding(f: Finding) -> dict[str, Any]:
    out = {
        "kind": f.kind,
        "severity": f.severity,
        "ref": f.ref,
        "ref_excerpt": f.ref_excerpt,
        "witness": list(f.witness) if isinstance(f.witness, tuple) else f.witness,
        "outline": f.outline,
        "ref_text": f.ref_text,
        "witness_text": f.witness_text,
        "offset": f.offset,
        "boilerplate": f.boilerplate,
        "rule": f.rule,
        "evidence": list(f.evidence),
        "detail": f.detail,
        "at": f.at,
    }
    if f.run is not None:
        run = f.run
        out["count"] = f.count
        out["range"] = {
            "ref": None if run.ref_first is None else [run.ref_first, run.ref_last],
            "witness": None if run.witness_first is None else [run.witness_first, run.witness_last],
            "points": list(run.points),
        }
    return out


def _formal(d: FormalDifference) -> dict[str, Any]:
    return {
        "ref": d.ref,
        "witness": d.witness,
        "ref_reading": d.ref_reading,
        "witness_reading": d.witness_reading,
        "reason": d.reason,
    }


def counts(w: WitnessReport) -> dict[str, int]:
    """How many findings a witness has by severity, and how many normalised differences
    (``formal_differences`` is the older name of the same count, kept for readers of
    the schema)."""
    out = {
        "substantive": sum(f.severity == "substantive" for f in w.findings),
        "formal": sum(f.severity == "formal" for f in w.findings),
        "formal_differences": len(w.formal),
        "normalised_differences": len(w.formal),
    }
    return out


CLAIM_KEYS = ("title", "date", "source", "editor", "author", "dateline")


def claims(w: WitnessReport) -> dict[str, str]:
    """What the copy claims about itself: its title, the time and source its framing
    states, its editor or author, the agency dateline it carries."""
    return {k: w.metadata[k] for k in CLAIM_KEYS if w.metadata.get(k)}


def _witness(w: WitnessReport, show_formal: bool) -> dict[str, Any]:
    formal: dict[str, Any] = {"count": len(w.formal)}
    if show_formal:
        formal["differences"] = [_formal(d) for d in w.formal]
    return {
        "id": w.id,
        "source": w.source,
        "role": w.role,
        "verdict": w.verdict,
        "coverage": w.coverage,
        "degraded": w.degraded,
        "sha256": w.digests.to_dict() if w.digests else None,
        "paragraphs": w.paragraphs,
        "counts": counts(w),
        "findings": [_finding(f) for f in w.findings],
        "formal": formal,
        "reason": w.reason,
        "captured": w.captured,
        "notes": list(w.notes),
        "metadata": dict(w.metadata),
        "claims": claims(w),
    }


def to_dict(report: Report, *, show_formal: bool = False) -> dict[str, Any]:
    """The report as plain data in the ``docwitness.report/1`` shape."""
    ref = report.reference
    return {
        "schema": SCHEMA,
        "kind": report.kind,
        "document": {"id": report.document_id, "title": report.document_title},
        "reference": None
        if ref is None
        else {
            "id": ref.id,
            "source": ref.source,
            "sha256": ref.digests.to_dict(),
            "paragraphs": ref.paragraphs,
            "chosen_because": ref.chosen_because,
        },
        "witnesses": [_witness(w, show_formal) for w in report.witnesses],
        "tool": {"name": TOOL_NAME, "version": __version__, "profile": report.profile},
        **_all_witnesses(report),
    }


def _all_witnesses(report: Report) -> dict[str, Any]:
    """The variant table of all witnesses, their lineage and the text to cite, when the
    report has them (``collate --all``, ``check``, ``cite``)."""
    from docwitness.report.witnesses import citation_json, lineage_json, table_json

    out: dict[str, Any] = {}
    if report.table is not None:
        out["variants"] = table_json(report.table)
    if report.lineage is not None:
        out["lineage"] = lineage_json(report.lineage)
    if report.citation is not None:
        out["citation"] = citation_json(report.citation)
    return out


@REPORTERS.register("json")
class JsonReporter:
    """JSON, schema docwitness.report/1: the contract, for scripts and CI."""

    def render(
        self,
        report: Report,
        *,
        show_formal: bool = False,
        color: bool = False,
        max_findings: int = 0,
        indent: int | None = 2,
    ) -> str:
        # Every finding, whatever ``max_findings`` says: this view has room for all.
        data = to_dict(report, show_formal=show_formal)
        if indent is None:
            return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        return json.dumps(data, ensure_ascii=False, indent=indent) + "\n"

    def join(self, parts: list[str]) -> str:
        """Several documents' reports: one JSON array of them, still one JSON value."""
        return "[\n" + ",\n".join(p.rstrip("\n") for p in parts) + "\n]\n"
