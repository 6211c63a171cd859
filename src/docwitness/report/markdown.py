"""The Markdown report: a summary table and the findings, fit for a pull request or an issue.

Rendered from the same :class:`~docwitness.model.Report` as the other formats.
Text from the copies is escaped so that it cannot break the tables or start
Markdown markup (a copy's "|" or "*" stays a character).
"""

from __future__ import annotations

from docwitness.lazy_re import lazy
from docwitness.model import Finding, Report, Verdict, WitnessReport
from docwitness.report import MAX_FINDINGS, REPORTERS, first_findings, more_findings
from docwitness.report.json import counts
from docwitness.report.text import clip, percent, readings, where

_SPECIAL = lazy(r"([\\`*_{}\[\]<>|#~])")


def md(text: str) -> str:
    """``text`` escaped for a Markdown table cell."""
    return _SPECIAL.sub(r"\\\1", text.replace("\r", "").replace("\n", " ¶ "))


def _summary(witnesses: tuple[WitnessReport, ...]) -> list[str]:
    out = [
        "| Witness | Verdict | Coverage | Substantive findings | Formal findings "
        "| Normalised differences | Notes |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for w in witnesses:
        c = counts(w)
        notes = "; ".join(([w.reason] if w.reason else []) + (["degraded"] if w.degraded else []))
        verdict = f"**{w.verdict}**" if not Verdict(w.verdict).ok else w.verdict
        out.append(
            f"| {md(w.id)} | {verdict} | {percent(w.coverage)} | {c['substantive']} | "
            f"{c['formal']} | {c['normalised_differences']} | {md(notes)} |"
        )
    return out


def _findings(w: WitnessReport, has_reference: bool, max_findings: int) -> list[str]:
    out = [
        "| # | Kind | Severity | Where | Reference | Witness |",
        "|---:|---|---|---|---|---|",
    ]
    shown, left = first_findings(w.findings, max_findings)
    for n, f in enumerate(shown, 1):
        out.append(_row(n, f, has_reference))
    if left:
        out += ["", md(more_findings(left))]
    return out


def _row(n: int, f: Finding, has_reference: bool) -> str:
    ref, wit = readings(f)
    if f.ref_text is None and f.witness_text is None and f.evidence:
        ref, wit = "", f.evidence[0]  # a finding about the copy as a whole: its evidence
    elif f.kind == "missing":
        wit = ""
    elif f.kind == "extra":
        ref = ""
    kind = f.kind + (f" (boilerplate: {f.rule})" if f.boilerplate else "")
    if f.count > 1:
        kind += f" ×{f.count}"
    return (
        f"| {n} | {md(kind)} | {f.severity} | {md(where(f, has_reference))} | "
        f"{md(ref)} | {md(wit)} |"
    )


def _witnesses_section(report: Report, show_formal: bool, max_findings: int) -> list[str]:
    """The variant table of all witnesses and their lineage, when the report has them."""
    from docwitness.report.witnesses import RELATIONS, clip, where

    out: list[str] = []
    table = report.table
    if table is not None:
        subst = [p for p in table.places if p.substantive]
        formal = len(table.places) - len(subst)
        folded = "" if show_formal or not formal else ", folded: `--show-formal` lists them"
        out += [
            "### All witnesses",
            "",
            f"{len(table.witnesses)} copies in one table on **{md(table.reference)}**'s "
            f"paragraphs; {len(table.places)} places where they disagree ({len(subst)} "
            f"substantive, {formal} formal{folded}).",
            "",
        ]
        out += [f"- left out: {md(wid)} ({md(why)})" for wid, why in table.excluded.items()]
        if table.excluded:
            out.append("")
        shown = list(table.places if show_formal else subst)
        listed = shown if max_findings <= 0 else shown[:max_findings]
        if listed:
            out += ["| # | Kind | Where | Readings |", "|---:|---|---|---|"]
            for p in listed:
                readings = "; ".join(
                    f"{md(clip(r.text))}"
                    + (f" [{md(', '.join(r.marks))}]" if r.marks else "")
                    + f" — {md(', '.join(r.witnesses))}"
                    for r in p.readings
                )
                if p.absent:
                    readings += f"; no text here: {md(', '.join(p.absent))}"
                kind = "substantive" if p.substantive else "formal"
                out.append(f"| {p.number} | {kind} | {md(where(p))} | {readings} |")
            out.append("")
        if len(listed) < len(shown):
            out += [md(f"… and {len(shown) - len(listed)} more places (use --format json)"), ""]
    lineage = report.lineage
    if lineage is not None:
        out += ["### Lineage" + ("" if lineage.decided else ": undecided"), ""]
        for e in lineage.edges:
            out.append(f"- **{md(e.target)}** {RELATIONS[e.relation]} **{md(e.source)}**")
            out += [f"  - {md(line)}" for line in e.evidence]
        out += [f"- {md(note)}" for note in lineage.notes]
        if lineage.dates:
            dated = ", ".join(f"{md(w)} {md(d)}" for w, d in lineage.dates.items())
            out.append(f"- dated claims: {dated}")
        out.append("")
    return out


@REPORTERS.register("markdown")
class MarkdownReporter:
    """Markdown: a summary table and the findings, for a pull request or an issue."""

    def render(
        self,
        report: Report,
        *,
        show_formal: bool = False,
        color: bool = False,
        max_findings: int = MAX_FINDINGS,
    ) -> str:
        title = report.document_title or report.document_id
        out = [f"## docwitness {report.kind}: {md(title)}", ""]
        if report.reference is not None:
            ref = report.reference
            line = f"Reference: **{md(ref.id)}** ({md(ref.source)}), {ref.paragraphs} paragraphs"
            if ref.chosen_because:
                line += f" — chosen because {md(ref.chosen_because)}"
            out += [line, ""]
        out += [*_summary(report.witnesses), ""]
        has_reference = report.reference is not None
        for w in report.witnesses:
            if not (w.findings or w.notes or (show_formal and w.formal)):
                continue
            out += [f"### {md(w.id)}", ""]
            out += [f"> note: {md(note)}" for note in w.notes]
            if w.notes:
                out.append("")
            if w.findings:
                out += [*_findings(w, has_reference, max_findings), ""]
            if show_formal and w.formal:
                out += [
                    "Formal differences (equal once normalised):",
                    "",
                    "| Reference ¶ | Witness ¶ | Reason | Reference reading | Witness reading |",
                    "|---:|---:|---|---|---|",
                ]
                out += [
                    f"| {d.ref} | {d.witness} | {d.reason} | {md(clip(d.ref_reading))} | "
                    f"{md(clip(d.witness_reading))} |"
                    for d in w.formal
                ]
                out.append("")
        out += _witnesses_section(report, show_formal, max_findings)
        return "\n".join(out).rstrip() + "\n"
