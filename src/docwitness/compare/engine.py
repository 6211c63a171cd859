"""Alignment + character diffs → classified findings for one witness against the reference.

:func:`compare` aligns the two documents' canonical paragraphs
(:mod:`docwitness.compare.align`), runs diff-match-patch inside each aligned pair only
(``Diff_Timeout = 0``: a diff is never cut short, so it never depends on the
machine's speed), and classifies what it sees:

* ``truncation`` — the witness's text ends before the reference's (a paragraph
  cut short at its end, or reference paragraphs left after its last one);
* ``missing`` / ``extra`` — paragraphs with no counterpart; ``boilerplate`` when
  :func:`docwitness.rules.boilerplate_rule` says it is framing or site text;
* ``variant`` — the smallest differing spans of an aligned pair, read from the
  efficiency-cleaned diff (semantic cleanup glues Han characters into long
  runs, so it is used for display only, in :attr:`AlignedRow.ops`);
* ``moved``; ``split`` / ``merge`` and ``numbering`` (formal).

Paragraphs equal once canonical but different as extracted are not findings:
they are :class:`FormalDifference` records, with both readings and the reason.
Severity and verdict follow the issue: identical, equivalent (formal findings
only), variant, truncated. :func:`exceeds` answers ``--fail-on``.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from docwitness.compare.align import Link, align, join_texts
from docwitness.model import (
    FAIL_ON,
    AlignedRow,
    Document,
    Finding,
    FormalDifference,
    Paragraph,
    Report,
    Severity,
    WitnessReport,
)
from docwitness.rules import boilerplate_rule

SEVERITY: dict[str, Severity] = {
    "truncation": "substantive",
    "missing": "substantive",
    "extra": "substantive",
    "variant": "substantive",
    "moved": "substantive",
    "split": "formal",
    "merge": "formal",
    "numbering": "formal",
}
EXCERPT = 30  # canonical characters of a reference paragraph quoted as ``ref_excerpt``
CONTEXT = 8  # characters of context either side of a variant
QUOTE = 40  # characters quoted from a paragraph in a truncation or split finding

Ops = list[tuple[int, str]]


@functools.lru_cache(maxsize=1)
def differ() -> Any:
    """The shared diff-match-patch instance, with its time limit off."""
    from diff_match_patch import diff_match_patch  # imported here: only collation needs it

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # never give up: a timed-out diff silently returns one big change
    return dmp


def char_diff(a: str, b: str) -> Ops:
    """The character diff of ``a`` → ``b``, efficiency-cleaned: small, exact spans."""
    dmp = differ()
    ops: Ops = dmp.diff_main(a, b, False)
    dmp.diff_cleanupEfficiency(ops)
    return [(int(op), text) for op, text in ops]


def display_ops(ops: Ops) -> tuple[tuple[int, str], ...]:
    """``ops`` semantically cleaned, for a human to read side by side."""
    shown = list(ops)
    differ().diff_cleanupSemantic(shown)
    return tuple((int(op), text) for op, text in shown)


@dataclass(frozen=True, slots=True)
class Span:
    """One run of changes between two equalities: positions in ``a`` and ``b`` and readings."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int


def spans(ops: Ops) -> list[Span]:
    """The changed spans of a diff, each a maximal run of deletions and insertions."""
    out: list[Span] = []
    pa = pb = 0
    start: tuple[int, int] | None = None
    for op, text in ops:
        if op == 0:
            if start is not None:
                out.append(Span(start[0], pa, start[1], pb))
                start = None
            pa += len(text)
            pb += len(text)
            continue
        if start is None:
            start = (pa, pb)
        if op < 0:
            pa += len(text)
        else:
            pb += len(text)
    if start is not None:
        out.append(Span(start[0], pa, start[1], pb))
    return out


# --------------------------------------------------------------------------- formal reasons

_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_QUOTES = {ord(c): '"' for c in "“”„‟«»「」〝〞\u301f＂"} | {ord(c): "'" for c in "‘’‚‛『』＇"}
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad\u180e"


def _no_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in _INVISIBLE)


def _steps() -> dict[str, Callable[[str], str]]:
    from docwitness.normalise import to_simplified

    return {
        "whitespace": _no_space,
        "width": lambda t: unicodedata.normalize("NFC", t).translate(_WIDTH),
        "quotes": lambda t: t.translate(_QUOTES),
        "script": to_simplified,
    }


def formal_reason(a: str, b: str) -> str:
    """Why two readings with one canonical form differ: the folds that are needed.

    A fold is needed when applying all the others still leaves the readings
    apart; several needed folds are joined with "+", none singled out is "other".
    """
    steps = _steps()
    needed = []
    for name in steps:
        x, y = a, b
        for other, fold in steps.items():
            if other != name:
                x, y = fold(x), fold(y)
        if x != y:
            needed.append(name)
    return "+".join(needed) if needed else "other"


# --------------------------------------------------------------------------- comparison


class _Collation:
    """The state of one comparison: findings, rows, formal differences, covered characters."""

    def __init__(self, reference: Document, witness: Document) -> None:
        self.ref = reference.paragraphs
        self.wit = witness.paragraphs
        self.findings: list[Finding] = []
        self.rows: list[AlignedRow] = []
        self.formal: list[FormalDifference] = []
        self.covered = 0

    def finding(self, kind: str, ref: int | None, **fields: Any) -> None:
        p = self.ref[ref] if ref is not None else None
        severity = fields.pop("severity", SEVERITY[kind])
        self.findings.append(
            Finding(
                kind=kind,
                severity=severity,
                ref=ref,
                ref_excerpt=p.text[:EXCERPT] if p else None,
                outline=p.point if p else None,
                **fields,
            )
        )

    def equal(self, i: int, j: int) -> None:
        rp, wp = self.ref[i], self.wit[j]
        self.covered += len(rp.text)
        kind = "equal"
        if rp.raw != wp.raw:
            kind = "formal"
            self.formal.append(
                FormalDifference(i, j, rp.raw, wp.raw, formal_reason(rp.raw, wp.raw))
            )
        self.rows.append(AlignedRow(kind, (i,), (j,), rp.text, wp.text, ((0, rp.text),)))

    def content(self, link: Link, last: bool) -> tuple[int, int] | None:
        """Diff an aligned pair, split or merge; return (ref, offset) if the witness stops in it."""
        rps = [self.ref[i] for i in link.ref]
        wps = [self.wit[j] for j in link.witness]
        a, a_starts = _join_all([p.text for p in rps])
        b, b_starts = _join_all([p.text for p in wps])
        if link.kind == "pair" and a == b:
            self.equal(link.ref[0], link.witness[0])
            return None
        a_shift = b_shift = 0
        kind = "variant"
        if link.kind == "pair" and rps[0].marker != wps[0].marker:
            rp, wp = rps[0], wps[0]
            self.finding(
                "numbering",
                rp.index,
                witness=wp.index,
                ref_text=rp.marker or "",
                witness_text=wp.marker or "",
                offset=0,
                rule="marker",
                evidence=(rp.text[:EXCERPT], wp.text[:EXCERPT]),
                detail={"ref_marker": rp.marker, "witness_marker": wp.marker},
            )
            # The marker is present, numbered otherwise: it counts as covered.
            a_shift, b_shift = len(rp.text) - len(rp.body), len(wp.text) - len(wp.body)
            self.covered += a_shift
            kind = "numbering"
        elif link.kind in ("split", "merge"):
            kind = link.kind
            self._join_finding(link, rps, wps)
        ops = char_diff(a[a_shift:], b[b_shift:])
        found = spans(ops)
        stop: tuple[int, int] | None = None
        if last and found and ops[-1][0] < 0 and found[-1].b_start == len(b) - b_shift:
            # The witness's last text ends where the reference goes on: a cut, not a variant.
            cut = found.pop()
            stop = _locate(a_starts, link.ref, cut.a_start + a_shift)
        for s in found:
            kind = "variant"
            self._variant(a, b, s, a_shift, b_shift, a_starts, b_starts, link)
        self.covered += sum(len(t) for op, t in ops if op == 0)
        self.rows.append(
            AlignedRow(
                kind,
                link.ref,
                link.witness,
                a,
                b,
                display_ops(ops if not (a_shift or b_shift) else char_diff(a, b)),
            )
        )
        return stop

    def _join_finding(self, link: Link, rps: list[Paragraph], wps: list[Paragraph]) -> None:
        pieces, whole = (wps, rps[0]) if link.kind == "split" else (rps, wps[0])
        at = len(pieces[0].text)
        first, second = pieces[0].text, pieces[1].text
        self.finding(
            link.kind,
            link.ref[0],
            witness=link.witness if len(link.witness) > 1 else link.witness[0],
            ref_text=whole.text[max(0, at - QUOTE // 2) : at + QUOTE // 2]
            if link.kind == "split"
            else first[-QUOTE // 2 :] + "\n" + second[: QUOTE // 2],
            witness_text=first[-QUOTE // 2 :] + "\n" + second[: QUOTE // 2]
            if link.kind == "split"
            else whole.text[max(0, at - QUOTE // 2) : at + QUOTE // 2],
            offset=at,
            rule="joined-text",
            evidence=(first[-QUOTE // 2 :], second[: QUOTE // 2]),
            detail={"pieces": [len(first), len(second)]},
        )

    def _variant(
        self,
        a: str,
        b: str,
        s: Span,
        a_shift: int,
        b_shift: int,
        a_starts: list[int],
        b_starts: list[int],
        link: Link,
    ) -> None:
        a0, a1 = s.a_start + a_shift, s.a_end + a_shift
        b0, b1 = s.b_start + b_shift, s.b_end + b_shift
        ref_i, offset = _locate(a_starts, link.ref, a0)
        wit_j, wit_offset = _locate(b_starts, link.witness, b0)
        before, after = a[max(0, a0 - CONTEXT) : a0], a[a1 : a1 + CONTEXT]
        self.finding(
            "variant",
            ref_i,
            witness=wit_j,
            ref_text=a[a0:a1],
            witness_text=b[b0:b1],
            offset=offset,
            rule="char-diff",
            evidence=(f"{before}[{a[a0:a1]}→{b[b0:b1]}]{after}",),
            detail={"before": before, "after": after, "witness_offset": wit_offset},
        )


def _join_all(texts: Sequence[str]) -> tuple[str, list[int]]:
    """Paragraphs joined as one text, and where each begins in it."""
    out, starts = "", []
    for t in texts:
        joined = join_texts(out, t) if out else t
        starts.append(len(joined) - len(t))
        out = joined
    return out, starts


def _locate(starts: list[int], indexes: tuple[int, ...], pos: int) -> tuple[int, int]:
    """(paragraph index, offset in it) of position ``pos`` of a joined text."""
    k = len(starts) - 1
    while k > 0 and pos < starts[k]:
        k -= 1
    return indexes[k], pos - starts[k]


def _verdict(findings: Sequence[Finding]) -> str:
    if any(f.kind == "truncation" for f in findings):
        return "truncated"
    if any(f.severity == "substantive" for f in findings):
        return "variant"
    return "equivalent" if findings else "identical"


def compare(reference: Document, witness: Document, *, role: str | None = None) -> WitnessReport:
    """How ``witness`` differs from ``reference``: findings, formal differences, rows, verdict."""
    ref, wit = reference.paragraphs, witness.paragraphs
    alignment = align([p.text for p in ref], [p.text for p in wit])
    links = alignment.links
    content = [k for k, x in enumerate(links) if x.kind in ("equal", "pair", "split", "merge")]
    last = content[-1] if content else -1
    tail = [x.ref[0] for x in links[last + 1 :] if x.kind == "missing"]
    substantive_tail = [i for i in tail if boilerplate_rule(ref[i].text) is None]
    col = _Collation(reference, witness)
    stop: tuple[int, int] | None = None
    follows: int | None = None  # the reference paragraph an extra comes after
    wit_to_ref = {j: x.ref[-1] for x in links if x.ref for j in x.witness}
    truncation_at = 0  # a truncation is reported after the findings of the last content link
    for k, link in enumerate(links):
        if link.kind == "equal":
            col.equal(link.ref[0], link.witness[0])
        elif link.kind in ("pair", "split", "merge"):
            got = col.content(link, k == last)
            stop = got or stop
        elif link.kind == "moved":
            i, j = link.ref[0], link.witness[0]
            col.covered += len(ref[i].text)
            col.finding(
                "moved",
                i,
                witness=j,
                ref_text=ref[i].text,
                witness_text=wit[j].text,
                rule="out-of-order",
                evidence=(ref[i].text[:EXCERPT],),
                detail={"witness_follows_ref": wit_to_ref.get(j - 1) if j else None},
            )
            col.rows.append(
                AlignedRow("moved", (i,), (j,), ref[i].text, wit[j].text, ((0, ref[i].text),))
            )
        elif link.kind == "missing":
            i = link.ref[0]
            rule = boilerplate_rule(ref[i].text)
            # Paragraphs after the witness's end are the truncation's, not each a finding.
            if not (k > last and (stop is not None or substantive_tail)):
                col.finding(
                    "missing",
                    i,
                    severity="formal" if rule else "substantive",
                    ref_text=ref[i].text,
                    boilerplate=rule is not None,
                    rule=rule or "unaligned",
                    evidence=(ref[i].text[:EXCERPT],),
                )
            col.rows.append(
                AlignedRow(
                    "missing", (i,), (), ref[i].text, "", ((-1, ref[i].text),), rule is not None
                )
            )
        else:  # extra
            j = link.witness[0]
            rule = boilerplate_rule(wit[j].text)
            col.finding(
                "extra",
                follows,
                severity="formal" if rule else "substantive",
                witness=j,
                witness_text=wit[j].text,
                boilerplate=rule is not None,
                rule=rule or "unaligned",
                evidence=(wit[j].text[:EXCERPT],),
                detail={"after": follows},
            )
            col.rows.append(
                AlignedRow(
                    "extra", (), (j,), "", wit[j].text, ((1, wit[j].text),), rule is not None
                )
            )
        if link.ref:
            follows = link.ref[-1]
        if k == last:
            truncation_at = len(col.findings)
    total = sum(len(p.text) for p in ref)
    coverage = round(col.covered / total, 6) if total else 1.0
    if stop is not None or substantive_tail:
        at, offset = stop if stop is not None else (tail[0], 0)
        last_w = links[last].witness[-1] if last >= 0 else None
        col.findings.insert(
            truncation_at,
            Finding(
                kind="truncation",
                severity="substantive",
                ref=at,
                ref_excerpt=ref[at].text[:EXCERPT],
                witness=last_w,
                outline=ref[at].point,
                ref_text=ref[at].text[offset : offset + QUOTE],
                witness_text=wit[last_w].text[-QUOTE // 2 :] if last_w is not None else "",
                offset=offset,
                rule="witness-ends",
                evidence=(ref[at].text[max(0, offset - CONTEXT) : offset + CONTEXT],),
                detail={"coverage": coverage, "missing": tail},
            ),
        )
    findings = col.findings
    return WitnessReport(
        id=witness.witness,
        source=witness.source,
        verdict=_verdict(findings),
        role=role,
        coverage=coverage,
        degraded=bool(alignment.limits),
        digests=witness.digests,
        findings=tuple(findings),
        formal=tuple(col.formal),
        notes=alignment.limits,
        metadata=dict(witness.extraction.metadata),
        paragraphs=len(wit),
        rows=tuple(_with_points(col.rows, ref)),
    )


def _with_points(rows: Sequence[AlignedRow], ref: Sequence[Paragraph]) -> list[AlignedRow]:
    """Each row with the reference's outline point; a witness-only row stands in the
    point of the row before it."""
    out: list[AlignedRow] = []
    point: str | None = None
    for row in rows:
        if row.ref:
            point = ref[row.ref[0]].point
        out.append(replace(row, point=point))
    return out


def exceeds(report: Report, fail_on: str) -> bool:
    """Whether ``report`` holds anything at or above ``fail_on`` (substantive|formal|any).

    ``formal`` includes substantive findings; ``any`` includes every finding and
    every formal difference too. ``changed`` findings (``check``) are left to the
    caller's change policy.
    """
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    for w in report.witnesses:
        # A source's change since its last snapshot is governed by --fail-on-change alone.
        kept = [f for f in w.findings if f.kind != "changed"]
        if any(fail_on != "substantive" or f.severity == "substantive" for f in kept):
            return True
        if fail_on == "any" and w.formal:
            return True
    return False
