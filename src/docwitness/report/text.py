"""The terminal report: one line per witness, then each witness's findings.

The summary lines come first (verdict, coverage, counts), so a glance answers
"is anything wrong"; each finding then names the point in the outline and the
paragraph, and shows the reference reading beside the witness reading. Colour
(rich) is used only when asked for; without it the output is plain text, and
rich is not even imported. The helpers here (:func:`where`, :func:`readings`)
are shared with the Markdown report.
"""

from __future__ import annotations

from docwitness.errors import escape_controls
from docwitness.model import Finding, FormalDifference, Report, Verdict, WitnessReport
from docwitness.report import MAX_FINDINGS, REPORTERS, first_findings, more_findings
from docwitness.report.json import counts

SHOW = 40  # characters of a paragraph quoted in a finding
EMPTY = "∅"  # the reading of nothing (an insertion's reference side)

Piece = tuple[str, str | None]  # (text, rich style or None)


def percent(coverage: float | None) -> str:
    """Coverage as a percentage; truncation never rounds up to 100 %."""
    if coverage is None:
        return "—"
    value = coverage * 100
    shown = f"{value:.1f}%"
    return "99.9%" if shown == "100.0%" and coverage < 1 else shown


def clip(text: str | None, limit: int = SHOW) -> str:
    """``text`` on one line, at most ``limit`` characters, "…" where cut."""
    if not text:
        return EMPTY
    one = text.replace("\r", "").replace("\n", "¶")
    return one if len(one) <= limit else one[: limit - 1] + "…"


def own(f: Finding) -> bool:
    """Whether a finding is one the copy reveals about itself (a single-copy check, or
    the reference's own findings), pointing at the copy's paragraphs alone."""
    compared_extra = f.kind == "extra" and "after" in f.detail  # an extra at the start
    return f.ref is None and f.ref_text is None and not compared_extra


def where(f: Finding, has_reference: bool = True) -> str:
    """Where a finding points: the outline point and the paragraph ("point 十, ¶28")."""
    has_reference = has_reference and not own(f)
    parts: list[str] = []
    run = f.run
    if run is not None and len(run.points) > 1:
        parts.append(f"points {run.points[0]}–{run.points[-1]}")
    elif f.outline:
        parts.append(f"point {f.outline}")
    if run is not None and run.ref_first is not None:
        parts.append(f"¶{run.ref_first}–¶{run.ref_last}")
    elif f.kind == "extra" and has_reference:
        parts.append("at the start" if f.ref is None else f"after ¶{f.ref}")
    elif f.ref is not None:
        at = f"¶{f.ref}"
        if f.offset and f.kind in ("variant", "truncation", "split", "merge"):
            at += f" +{f.offset}"
        parts.append(at)
    if run is not None and run.witness_first is not None:
        parts.append(f"witness ¶{run.witness_first}–¶{run.witness_last}")
    elif f.witness is not None and (f.kind in ("extra", "moved") or not has_reference):
        ws = f.witness if isinstance(f.witness, tuple) else (f.witness,)
        parts.append("witness " + paragraph_list(ws))
    if f.count > 1:
        parts.append(f"{f.count} paragraphs")
    return ", ".join(parts)


LIST_RANGES = 6  # ranges of paragraphs named before the rest is only counted


def paragraph_list(indexes: tuple[int, ...]) -> str:
    """Paragraph numbers as ranges ("¶3, ¶5–¶9"): at most :data:`LIST_RANGES` of them,
    then how many paragraphs there are in all."""
    ranges: list[list[int]] = []
    for j in indexes:
        if ranges and j == ranges[-1][1] + 1:
            ranges[-1][1] = j
        else:
            ranges.append([j, j])
    named = [f"¶{a}" if a == b else f"¶{a}–¶{b}" for a, b in ranges[:LIST_RANGES]]
    if len(ranges) > LIST_RANGES:
        named.append(f"… ({len(indexes)} paragraphs in all)")
    return ", ".join(named)


def readings(f: Finding) -> tuple[str, str]:
    """The reference and witness readings a finding shows, clipped for one line."""
    if f.kind == "variant":
        return (f.ref_text or EMPTY, f.witness_text or EMPTY)
    if f.kind == "truncation":
        return ("…" + clip(f.ref_text).lstrip("…"), "…" + clip(f.witness_text).lstrip("…") + " ⟂")
    return (clip(f.ref_text) if f.ref_text is not None else EMPTY, clip(f.witness_text))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary_line(w: WitnessReport) -> str:
    """One witness in one line: verdict, coverage, counts, and whether it is degraded."""
    c = counts(w)
    line = (
        f"{w.id}: {w.verdict}, coverage {percent(w.coverage)}, "
        f"{plural(c['substantive'], 'substantive finding')}, "
        f"{plural(c['formal'], 'formal finding')}, "
        f"{plural(c['normalised_differences'], 'normalised difference')}"
    )
    if w.verdict == "unavailable" and w.reason:
        line += f" ({w.reason})"
    if w.degraded:
        line += " [degraded: a limit was applied]"
    return line


def claims_line(w: WitnessReport) -> str | None:
    """What the copy's framing claims, on one line ("claims: 2017-07-05 05:42:41, source
    新华网"), or None when it claims nothing beyond its title."""
    from docwitness.report.json import claims

    said = claims(w)
    parts = [said["date"]] if "date" in said else []
    keys = ("source", "dateline", "editor", "author")
    parts += [f"{key} {said[key]}" for key in keys if key in said]
    return "claims: " + ", ".join(parts) if parts else None


def _finding(f: Finding, has_reference: bool) -> list[Piece]:
    has_reference = has_reference and not own(f)
    label = f.kind + (" (boilerplate)" if f.boilerplate else "")
    pieces: list[Piece] = [
        ("  ", None),
        (f"{f.severity:<11} ", "bold red" if f.severity == "substantive" else "yellow"),
        (f"{label:<12} ", "bold"),
        (f"{where(f, has_reference)}: ", "cyan"),
    ]
    ref, wit = readings(f)
    if f.ref_text is None and f.witness_text is None and f.evidence:
        # A finding about the copy as a whole (its encoding, its text layer, a change
        # of its raw bytes) has no readings: its evidence says what was found.
        where_ = pieces.pop()[0]
        if where_ != ": ":
            pieces.append((where_, "cyan"))
        pieces.append((clip(f.evidence[0], 2 * SHOW), None))
    elif f.kind == "truncation" and f.at == "start":
        pieces.append((clip(f.evidence[0], 2 * SHOW), None))
    elif f.kind == "truncation":
        pieces += [("cut after: ", None), ("…" + clip(f.witness_text).lstrip("…"), "green")]
        if f.ref_text:
            pieces.append((f"   (the reference goes on: {clip(f.ref_text)}…)", "dim"))
    elif f.kind in ("missing",):
        pieces.append((ref, "red"))
    elif f.kind in ("extra",) or not has_reference:
        pieces.append((wit if f.witness_text is not None else ref, "green"))
    elif f.kind == "moved":
        pieces.append((ref, None))
    else:
        pieces += [(ref, "red"), (" → ", None), (wit, "green")]
    if f.kind == "variant" and f.detail.get("before") is not None:
        before, after = f.detail.get("before", ""), f.detail.get("after", "")
        pieces.append((f"   (…{before}[{ref}→{wit}]{after}…)", "dim"))
    if f.kind == "truncation" and f.detail.get("coverage") is not None:
        pieces.append((f"   (coverage {percent(f.detail['coverage'])})", "dim"))
    if f.count > 1 and len(f.evidence) > 1:
        pieces.append((f"   (… to: {clip(f.evidence[-1])})", "dim"))
    if f.boilerplate and f.rule:
        pieces.append((f"   [{f.rule}]", "dim"))
    return pieces


def _formal(d: FormalDifference) -> list[Piece]:
    a, b = d.ref_reading, d.witness_reading
    k = next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, k - 5)
    return [
        ("  formal      ", "yellow"),
        (f"{d.reason:<12} ", "bold"),
        (f"¶{d.ref} / witness ¶{d.witness}: ", "cyan"),
        (clip(a[start:]), "red"),
        (" ≡ ", None),
        (clip(b[start:]), "green"),
    ]


def lines(
    report: Report, show_formal: bool = False, max_findings: int = MAX_FINDINGS
) -> list[list[Piece]]:
    """The report as lines of styled pieces; :meth:`TextReporter.render` prints them.
    Each witness lists its first ``max_findings`` findings (0: all), then how many
    more it has."""
    out: list[list[Piece]] = []
    if report.kind == "cite" and report.citation is not None:
        from docwitness.report.witnesses import cite_lines

        rows = cite_lines(report, max_findings)
        return [[(escape_controls(t), None)] for t in rows]
    title = report.document_title or report.document_id
    out.append([(f"docwitness {report.kind}: {title}", "bold")])
    if report.reference is not None:
        ref = report.reference
        out.append([(f"reference: {ref.id} ({ref.source}), {ref.paragraphs} paragraphs", None)])
        if ref.chosen_because:
            out.append([(f"  chosen because {ref.chosen_because}", "dim")])
    for w in report.witnesses:
        style = "green" if Verdict(w.verdict).ok else "bold red"
        out.append([(summary_line(w), style)])
    has_reference = report.reference is not None
    for w in report.witnesses:
        if not (w.findings or w.notes or (show_formal and w.formal)):
            continue
        out.append([])
        out.append([(f"{w.id} ({w.source})", "bold")])
        said = claims_line(w)
        if said:
            out.append([(f"  {said}", None)])
        for note in w.notes:
            out.append([(f"  note: {note}", "dim")])
        shown, left = first_findings(w.findings, max_findings)
        out.extend(_finding(f, has_reference) for f in shown)
        if left:
            out.append([(f"  {more_findings(left)}", "dim")])
        if show_formal:
            out.extend(_formal(d) for d in w.formal)
    from docwitness.report.witnesses import text_lines

    out.extend(
        [(line, "bold" if line and not line.startswith(" ") else None)]
        for line in text_lines(report, show_formal, max_findings)
    )
    # Names and texts come from files and pages: none may break a line or drive the terminal.
    return [[(escape_controls(t), style) for t, style in row] for row in out]


@REPORTERS.register("text")
class TextReporter:
    """Plain text for the terminal: one line per witness, then the findings."""

    def render(
        self,
        report: Report,
        *,
        show_formal: bool = False,
        color: bool = False,
        max_findings: int = MAX_FINDINGS,
    ) -> str:
        rows = lines(report, show_formal, max_findings)
        if not color:
            return "".join("".join(t for t, _ in row) + "\n" for row in rows)
        import io

        from rich.console import Console
        from rich.text import Text

        buffer = io.StringIO()
        console = Console(
            file=buffer, force_terminal=True, color_system="standard", width=10_000, soft_wrap=True
        )
        for row in rows:
            console.print(Text.assemble(*[(t, s or "") for t, s in row]))
        return buffer.getvalue()
