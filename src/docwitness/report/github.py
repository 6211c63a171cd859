"""GitHub Actions workflow commands: one annotation per finding and per unavailable witness.

Substantive findings are ``::error``, formal ones ``::notice``, unavailable
witnesses ``::warning``. Values are escaped as the workflow-command syntax
requires (``%``, CR, LF, and in properties ``:`` and ``,``).
"""

from __future__ import annotations

from docwitness.model import Finding, Report, WitnessReport
from docwitness.report import MAX_FINDINGS, REPORTERS, first_findings, more_findings


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _line(level: str, title: str, message: str) -> str:
    return f"::{level} title={_prop(title)}::{_data(message)}"


def _finding(report: Report, w: WitnessReport, f: Finding) -> str:
    where = (
        f"point {f.outline}" if f.outline else (f"paragraph {f.ref}" if f.ref is not None else "")
    )
    readings = ""
    if f.kind == "truncation" and f.at == "start" and f.evidence:
        readings = f": {f.evidence[0]}"
    elif f.kind == "truncation":
        readings = f": cut after …{f.witness_text or ''}"
    elif f.ref_text or f.witness_text:
        readings = f": {f.ref_text or '∅'} → {f.witness_text or '∅'}"
    elif f.evidence:  # a finding about the copy as a whole: its evidence says what
        readings = f": {f.evidence[0]}"
    level = "error" if f.severity == "substantive" else "notice"
    title = f"{report.document_id or 'docwitness'}: {w.id} {f.kind}"
    if f.run is not None:
        first, last = (
            (f.run.ref_first, f.run.ref_last)
            if f.run.ref_first is not None
            else (f.run.witness_first, f.run.witness_last)
        )
        side = "paragraphs" if f.run.ref_first is not None else "witness paragraphs"
        where = (f"{where}, " if where else "") + f"{f.count} {side} {first}–{last}"
    head = f"{w.id}: {f.kind}" + (f" {where}" if where else "")
    return _line(level, title, head + readings)


@REPORTERS.register("github")
class GithubReporter:
    """GitHub Actions annotations: errors for substantive findings, notices for formal ones."""

    def render(
        self,
        report: Report,
        *,
        show_formal: bool = False,
        color: bool = False,
        max_findings: int = MAX_FINDINGS,
    ) -> str:
        lines = []
        for w in report.witnesses:
            if w.verdict == "unavailable":
                lines.append(
                    _line(
                        "warning",
                        f"{report.document_id or 'docwitness'}: {w.id}",
                        f"{w.id} unavailable: {w.reason or 'no reason given'}",
                    )
                )
            for note in w.notes:
                if note.startswith("not refreshed"):
                    lines.append(
                        _line("warning", f"{report.document_id}: {w.id}", f"{w.id} {note}")
                    )
            shown, left = first_findings(w.findings, max_findings)
            lines.extend(_finding(report, w, f) for f in shown)
            if left:
                title = f"{report.document_id or 'docwitness'}: {w.id}"
                lines.append(_line("notice", title, f"{w.id}: {more_findings(left)}"))
        return "\n".join(lines) + ("\n" if lines else "")
