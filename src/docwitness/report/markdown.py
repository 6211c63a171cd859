"""The Markdown report: a summary table and the findings, fit for a pull request or an issue.

Rendered from the same :class:`~docwitness.model.Report` as the other formats.
Text from the copies is escaped so that it cannot break the tables or start
Markdown markup (a copy's "|" or "*" stays a character).
"""

from __future__ import annotations

import re

from docwitness.model import Finding, Report, Verdict, WitnessReport
from docwitness.report import MAX_FINDINGS, REPORTERS, first_findings, more_findings
from docwitness.report.json import counts
from docwitness.report.text import clip, percent, readings, where

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~])")


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
        return "\n".join(out).rstrip() + "\n"
