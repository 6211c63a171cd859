"""Alignment + character diffs → classified findings for one witness against the reference.

:func:`compare` reads each copy's framing first (:func:`docwitness.rules.frames`:
site text, datelines, bylines and labels are the publisher's, not the
document's), aligns the two documents' paragraphs on what is left
(:mod:`docwitness.compare.align`), pairs paragraphs left over anywhere in the
document by similarity (moved and edited), runs diff-match-patch inside each
aligned pair only (:mod:`docwitness.compare.chardiff`), and classifies what it
sees:

* ``truncation`` — the witness stops early (``at: "end"``, placed in the
  reference paragraph where it stops, with the offset inside it, whatever
  ellipsis or "read on" marker follows) or begins late (``at: "start"``, naming
  the first point present and what is absent);
* ``missing`` / ``extra`` — paragraphs with no counterpart; formal and marked
  ``boilerplate`` when they are framing or site text, or a second copy of the
  title (a heading echo);
* ``variant`` — the smallest differing spans of an aligned pair; a span that is
  one reading in two scripts (著/着, converted either way with OpenCC's
  Simplified, Traditional, Taiwan and Hong Kong tables) is a formal difference
  with reason ``script``, never a variant;
* ``moved`` (a paragraph out of order, with its variants if it was edited too);
  ``split`` / ``merge`` in any number of pieces and ``numbering`` (formal);
* ``beyond-reference`` (formal) — when the reference itself is cut off, what the
  witness has past the reference's end, which nothing could be checked against;
* ``unrelated`` — too little of the witness aligns with the reference: it is a
  copy of another document (see :data:`UNRELATED_SHARE`), and that is its one
  finding.

Paragraphs equal once canonical but different as extracted are not findings:
they are :class:`FormalDifference` records, with both readings and the reason;
so are the normalised differences inside paragraphs that also hold a variant.
The verdict is :func:`docwitness.compare.verdict.decide`'s.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import replace
from itertools import pairwise
from typing import Any

from docwitness.compare.align import Link, align, join_texts
from docwitness.compare.chardiff import Ops, Span, char_diff, display_ops, spans
from docwitness.compare.cuts import (
    EXCERPT,
    QUOTE,
    UNRELATED_COVERAGE,
    UNRELATED_SHARE,
    begins_late,
    cut_at_end,
    cut_at_start,
    cut_reference_note,
    unrelated,
    where_cut,
)
from docwitness.compare.passes import echoes, leading_titles, pair_similar, with_boilerplate
from docwitness.compare.side import Side, side
from docwitness.compare.verdict import decide
from docwitness.model import (
    AlignedRow,
    Document,
    Finding,
    FormalDifference,
    Run,
    Severity,
    WitnessReport,
)
from docwitness.normalise import PROFILE, normalise_text, same_in_script, to_simplified
from docwitness.rules import short_form, title_like

SEVERITY: dict[str, Severity] = {
    "truncation": "substantive",
    "missing": "substantive",
    "extra": "substantive",
    "variant": "substantive",
    "moved": "substantive",
    "unrelated": "substantive",
    "split": "formal",
    "merge": "formal",
    "numbering": "formal",
    "beyond-reference": "formal",
}
CONTEXT = 8  # characters of context either side of a variant
SCRIPT_CONTEXT = 2  # characters either side of a span that a script conversion reads with it


# Rules of glued framing that say the copy was cut: they are the truncation's evidence.
_CUT_PIECES = ("cut-off-marker", "trailing-ellipsis")


# Whether the comparisons made now keep their side-by-side rows: only the HTML report
# and the all-witnesses table read them. A JSON, text or Markdown report of a
# collation is made without them (a row a paragraph, for each witness).
_ROWS: ContextVar[bool] = ContextVar("docwitness_rows", default=True)


@contextlib.contextmanager
def without_rows() -> Iterator[None]:
    """Within the block, :func:`compare` gives every report ``rows=()``; the findings,
    formal differences, coverage and verdict are the same."""
    token = _ROWS.set(False)
    try:
        yield
    finally:
        _ROWS.reset(token)


class _Collation:
    """The state of one comparison: findings, rows, formal differences, covered characters."""

    def __init__(self, ref: Side, wit: Side) -> None:
        self.keep_rows = _ROWS.get()
        self.r = ref
        self.w = wit
        self.ref = ref.paragraphs
        self.wit = wit.paragraphs
        self.findings: list[Finding] = []
        self.rows: list[AlignedRow] = []
        self.formal: list[FormalDifference] = []
        self.covered = 0  # reference characters found in the witness
        self.covered_w = 0  # witness characters found in the reference
        self.beyond: list[tuple[int, int]] = []  # (witness paragraph, characters) past the ref
        self.cut_marks: list[str] = []  # what the witness has where its text is cut off
        self.point: str | None = None  # the outline point of the last row
        self.begin: tuple[int, int] | None = None  # (ref, offset) where the witness begins
        self.script_only = False  # some canonical readings differ, each only in script
        self.run: list[Finding] = []  # missing and extra paragraphs not yet grouped
        self.run_last: dict[str, int] = {}  # the run's last paragraph of each kind

    def row(
        self,
        kind: str,
        ref: tuple[int, ...],
        witness: tuple[int, ...],
        ref_text: str,
        witness_text: str,
        ops: tuple[tuple[int, str], ...],
        boilerplate: bool = False,
    ) -> None:
        """A row of the side-by-side view, in the reference's outline point; a row with
        no reference paragraph stands in the point of the row before it."""
        if ref:
            self.point = self.ref[ref[0]].point
        if self.keep_rows:
            self.rows.append(
                AlignedRow(kind, ref, witness, ref_text, witness_text, ops, boilerplate, self.point)
            )

    def finding(self, kind: str, ref: int | None, run: bool = False, **fields: Any) -> None:
        """Add a finding; with ``run``, a missing or extra paragraph that may join the
        run of its kind in progress (:meth:`end_run` groups the run)."""
        p = self.ref[ref] if ref is not None else None
        severity = fields.pop("severity", SEVERITY[kind])
        found = Finding(
            kind=kind,
            severity=severity,
            ref=ref,
            ref_excerpt=p.text[:EXCERPT] if p else None,
            outline=p.point if p else None,
            **fields,
        )
        (self.run if run else self.findings).append(found)

    def next_in_run(self, kind: str, index: int) -> None:
        """A missing (``index`` in the reference) or extra (in the witness) paragraph
        comes next: the run in progress ends unless it follows the run's last paragraph
        of that kind in its document."""
        last = self.run_last.get(kind)
        if last is not None and index != last + 1:
            self.end_run()
        self.run_last[kind] = index

    def end_run(self) -> None:
        """Group the run of missing and extra paragraphs in progress: the paragraphs of
        one kind and rule (boilerplate apart from text, each rule of it apart) become one
        finding with their count and range, in the order each group began."""
        if not self.run:
            return
        groups: dict[tuple[str, str | None, bool], list[Finding]] = {}
        for f in self.run:
            groups.setdefault((f.kind, f.rule, f.boilerplate), []).append(f)
        self.findings.extend(_grouped(members) for members in groups.values())
        self.run = []

    def end_run_here(self) -> None:
        """End the run in progress, and the contiguity it was following."""
        self.end_run()
        self.run_last = {}

    def formal_difference(self, link: Link, equal: bool, scripts: bool = False) -> None:
        """Record what the normalisation removed between the paragraphs of ``link``.

        For paragraphs equal once canonical, the folds that make them so. For a
        pair that also holds a variant, the extracted readings are diffed and each
        differing span that one fold or a script conversion makes equal names its
        reason; the spans the variants stand in are theirs, not formal.
        """
        a = "".join(self.r.raw_core(i) for i in link.ref)
        b = "".join(self.w.raw_core(j) for j in link.witness)
        if a == b:
            return
        if equal:
            reason = PROFILE.reasons(a, b)
        else:
            needed: set[str] = set()
            for s in spans(char_diff(a, b)):
                x, y = a[s.a_start : s.a_end], b[s.b_start : s.b_end]
                cx, cy = normalise_text(x), normalise_text(y)
                if cx == cy:
                    needed.update(PROFILE.reasons(x, y).split("+"))
                elif scripts and cx and cy and same_in_script(cx, cy):
                    needed.add("script")
            needed.discard("other")
            if not needed:
                return  # the readings differ only where a variant is reported
            reason = "+".join(name for name, _ in PROFILE.folds if name in needed)
        self.formal.append(FormalDifference(link.ref[0], link.witness[0], a, b, reason))

    def equal(self, i: int, j: int) -> None:
        frame = self.r.frames[i]  # (read here, not through Side: a call a paragraph)
        core = frame.core
        if frame.rule in (None, "heading-echo"):  # site text both copies carry is not the text
            self.covered += len(core)
            self.covered_w += len(core)
        if frame.pieces or self.w.frames[j].pieces:
            raw_differs = self.r.raw_core(i) != self.w.raw_core(j)
        else:  # nothing glued to either (Side.raw_core, without two calls a paragraph)
            raw_differs = self.ref[i].raw != self.wit[j].raw
        if raw_differs:
            self.formal_difference(Link("equal", (i,), (j,)), equal=True)
        if self.keep_rows:  # (most rows are these: not even their arguments are made)
            self.row("formal" if raw_differs else "equal", (i,), (j,), core, core, ((0, core),))

    def content(
        self, link: Link, last: bool, ref_cut: bool, first: bool = False, title: bool = False
    ) -> tuple[int, int] | None:
        """Diff an aligned pair, split, merge or edited move; return (ref, offset) if the
        witness stops inside it."""
        rps = [self.ref[i] for i in link.ref]
        wps = [self.wit[j] for j in link.witness]
        a, a_starts = _join_all([self.r.core(i) for i in link.ref])
        b, b_starts = _join_all([self.w.core(j) for j in link.witness])
        if link.kind == "pair" and a == b:
            self.equal(link.ref[0], link.witness[0])
            return None
        if link.kind == "pair" and title and title_like(a) and short_form(a) == short_form(b):
            # A headline that names the parties by their short forms (中俄 for
            # 中华人民共和国和俄罗斯联邦) is the title, written as the press writes it.
            self.covered += len(a)
            self.covered_w += len(b)
            raw_a, raw_b = self.r.raw_core(link.ref[0]), self.w.raw_core(link.witness[0])
            self.formal.append(
                FormalDifference(link.ref[0], link.witness[0], raw_a, raw_b, "short-form")
            )
            self.row("formal", link.ref, link.witness, a, b, display_ops(char_diff(a, b)))
            return None
        a_shift = b_shift = 0
        numbered = link.kind in ("pair", "moved") and rps[0].marker != wps[0].marker
        if numbered and first and wps[0].marker is None:
            # A witness that begins inside the point's first paragraph lacks its marker
            # because it lacks its beginning: that is the cut's, not a numbering change.
            opening = spans(char_diff(a, b))
            numbered = not (opening and cut_at_start(opening[0], a, b))
        if numbered:
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
            a_shift = len(rp.marker or "") if a.startswith(rp.marker or "\x00") else 0
            b_shift = len(wp.marker or "") if b.startswith(wp.marker or "\x00") else 0
            while a_shift < len(a) and a[a_shift] == " ":
                a_shift += 1
            while b_shift < len(b) and b[b_shift] == " ":
                b_shift += 1
            self.covered += a_shift
            self.covered_w += b_shift
        if link.kind in ("split", "merge"):
            self._join_finding(link)
        ops = char_diff(a[a_shift:], b[b_shift:])
        found = spans(ops)
        stop: tuple[int, int] | None = None
        if last and found and cut_at_end(found[-1], a[a_shift:], b[b_shift:]):
            # The witness's last text ends where the reference goes on: a cut, not a
            # variant, whatever mark the cut left ("…", "——", "等").
            cut = found.pop()
            stop = _locate(a_starts, link.ref, cut.a_start + a_shift)
            mark = b[cut.b_start + b_shift : cut.b_end + b_shift]
            if mark:
                self.cut_marks.append(mark)
        if first and found and cut_at_start(found[0], a[a_shift:], b[b_shift:]):
            # The witness's first text begins inside the reference's paragraph: its
            # beginning is gone, not changed.
            head = found.pop(0)
            self.begin = _locate(a_starts, link.ref, head.a_end + a_shift)
        if (
            stop is None
            and last
            and ref_cut
            and found
            and ops[-1][0] > 0
            and found[-1].a_start == len(a) - a_shift
        ):
            # The reference stops here and the witness goes on: nothing to check it against.
            past = found.pop()
            self.beyond.append((link.witness[-1], past.b_end - past.b_start))
        # Two scripts can only differ where one copy is written in Traditional at all.
        scripts = any(to_simplified(p.raw) != p.raw for p in (*rps, *wps))
        varied = False
        for group in _phrases(found) if scripts else [[s] for s in found]:
            # A phrase converted as one (进程 → 程序) may come back as spans a character
            # apart: the group is one reading in two scripts, or each span is judged alone.
            whole = Span(group[0].a_start, group[-1].a_end, group[0].b_start, group[-1].b_end)
            judged = list(group) if scripts and self._script(a, b, whole, a_shift, b_shift) else []
            for s in group if not judged else []:
                if scripts and self._script(a, b, s, a_shift, b_shift):
                    judged.append(s)
                else:
                    varied = True
                    self._variant(a, b, s, a_shift, b_shift, a_starts, b_starts, link)
            for s in judged:
                self.covered += s.a_end - s.a_start
                self.covered_w += s.b_end - s.b_start
                self.script_only = True
        if varied or (stop is not None and link.kind == "pair"):
            kind = "variant"
        elif link.kind == "pair":
            # Equal but for the numbering, or for spans that are one reading in two scripts.
            kind = "numbering" if numbered else "formal"
        else:
            kind = link.kind
        same = sum(len(t) for op, t in ops if op == 0)
        self.covered += same
        self.covered_w += same
        self.formal_difference(link, equal=False, scripts=scripts)
        shown = display_ops(ops if not (a_shift or b_shift) else char_diff(a, b))
        self.row(kind, link.ref, link.witness, a, b, shown)
        return stop

    def _script(self, a: str, b: str, s: Span, a_shift: int, b_shift: int) -> bool:
        """Whether span ``s`` is one reading in two scripts (read with a little context,
        as OpenCC converts phrase by phrase)."""
        a0, a1 = s.a_start + a_shift, s.a_end + a_shift
        b0, b1 = s.b_start + b_shift, s.b_end + b_shift
        if not (a1 > a0 and b1 > b0) or a[a0:a1].isascii() or b[b0:b1].isascii():
            return False
        if same_in_script(a[a0:a1], b[b0:b1]):
            return True
        c = SCRIPT_CONTEXT
        left = a[max(0, a0 - c) : a0]
        right = a[a1 : a1 + c]
        if b[max(0, b0 - len(left)) : b0] != left or b[b1 : b1 + len(right)] != right:
            return False
        return same_in_script(left + a[a0:a1] + right, left + b[b0:b1] + right)

    def _join_finding(self, link: Link) -> None:
        """A split (one reference paragraph as several witness ones) or a merge."""
        split = link.kind == "split"
        idx = link.witness if split else link.ref
        texts = [self.w.core(j) if split else self.r.core(i) for i, j in _pieces(link)]
        mended, starts = _join_all(texts)
        joins = [a[-QUOTE // 2 :] + "\n" + b[: QUOTE // 2] for a, b in pairwise(texts)]
        at = starts[1] if len(starts) > 1 else len(mended)
        whole_text = mended[max(0, at - QUOTE // 2) : at + QUOTE // 2]
        self.finding(
            link.kind,
            link.ref[0],
            witness=link.witness if len(link.witness) > 1 else link.witness[0],
            ref_text=whole_text if split else joins[0],
            witness_text=joins[0] if split else whole_text,
            offset=at,
            rule="joined-text",
            evidence=(texts[0][-QUOTE // 2 :], texts[1][: QUOTE // 2])
            if len(texts) == 2
            else tuple(j.replace("\n", " | ") for j in joins),
            detail={
                "pieces": [len(t) for t in texts],
                "mended": mended,
                "paragraphs": list(idx),
            },
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


def _grouped(members: list[Finding]) -> Finding:
    """One finding for a run of missing (or extra) paragraphs of one rule: the first
    paragraph's finding with the run's ``count`` and range; a run of one is that
    paragraph's finding as it is."""
    if len(members) == 1:
        return members[0]
    first, last = members[0], members[-1]
    points = tuple(dict.fromkeys(f.outline for f in members if f.outline is not None))
    if first.kind == "missing":
        indexes = [f.ref for f in members if f.ref is not None]
        run = Run(ref_first=indexes[0], ref_last=indexes[-1], points=points)
        texts = (first.ref_text or "", last.ref_text or "")
    else:
        indexes = [f.witness for f in members if isinstance(f.witness, int)]
        run = Run(witness_first=indexes[0], witness_last=indexes[-1], points=points)
        texts = (first.witness_text or "", last.witness_text or "")
    return replace(
        first,
        count=len(members),
        run=run,
        evidence=(texts[0][:EXCERPT], texts[1][:EXCERPT]),
        detail={**first.detail, "paragraphs": indexes, "count": len(members)},
    )


PHRASE_GAP = 2  # characters between two spans that one phrase conversion may leave


def _phrases(found: list[Span]) -> list[list[Span]]:
    """Spans grouped where at most :data:`PHRASE_GAP` equal characters stand between them."""
    groups: list[list[Span]] = []
    for s in found:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and s.a_start - last.a_end <= PHRASE_GAP
            and s.b_start - last.b_end <= PHRASE_GAP
        ):
            groups[-1].append(s)
        else:
            groups.append([s])
    return groups


def _pieces(link: Link) -> list[tuple[int, int]]:
    """(ref, witness) index pairs over the pieces of a split or merge."""
    if link.kind == "split":
        return [(link.ref[0], j) for j in link.witness]
    return [(i, link.witness[0]) for i in link.ref]


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


# --------------------------------------------------------------------------- alignment passes


# --------------------------------------------------------------------------- compare


def compare(
    reference: Document,
    witness: Document,
    *,
    role: str | None = None,
    reference_cut: Finding | None = None,
    ref_side: Side | None = None,
    wit_side: Side | None = None,
) -> WitnessReport:
    """How ``witness`` differs from ``reference``: findings, formal differences, rows, verdict.

    ``reference_cut`` is the single-copy truncation of the reference when it is
    itself cut off at its end: what the witness has past that point is then
    ``beyond-reference``, not a difference. ``ref_side`` and ``wit_side`` pass the
    copies' framing when the caller has read it already.
    """
    r = ref_side or side(reference)
    w = wit_side or side(witness)
    ref, wit = r.paragraphs, w.paragraphs
    rs, ws = r.aligned(), w.aligned()
    alignment = align([r.core(i) for i in rs], [w.core(j) for j in ws])
    align_limits = alignment.limits
    # The aligned paragraphs' places in the copies; a copy with no boilerplate keeps
    # its links as they are (a link a paragraph: not made twice over).
    same_r, same_w = rs == list(range(len(rs))), ws == list(range(len(ws)))
    remapped = [
        x
        if same_r and same_w
        else Link(
            x.kind,
            x.ref if same_r else tuple([rs[i] for i in x.ref]),
            x.witness if same_w else tuple([ws[j] for j in x.witness]),
        )
        for x in alignment.links
    ]
    del alignment
    links = with_boilerplate(
        remapped,
        sorted(set(range(len(ref))) - set(rs)),
        sorted(set(range(len(wit))) - set(ws)),
        [p.text for p in ref],
        [p.text for p in wit],
    )
    del remapped
    links, similar_limits = pair_similar(links, r, w, set(rs), set(ws))
    limits = (*align_limits, *similar_limits)
    ref_echo, wit_echo = echoes(links, r, w)

    def ref_rule(i: int) -> str | None:
        if i in ref_echo:
            return "heading-echo"
        return r.frames[i].rule

    def wit_rule(j: int) -> str | None:
        if j in wit_echo:
            return "heading-echo"
        return w.frames[j].rule

    content = [k for k, x in enumerate(links) if x.kind in ("equal", "pair", "split", "merge")]
    last = content[-1] if content else -1
    # The witness begins late when the first body paragraph it has comes after body
    # paragraphs it does not have (a title present on its own does not count).
    ref_titles = leading_titles(r)
    first_body = next((k for k in content if not set(links[k].ref) <= ref_titles), None)
    absent: list[int] = []
    if first_body is not None:
        absent = [
            x.ref[0]
            for x in links[:first_body]
            if x.kind == "missing" and ref_rule(x.ref[0]) is None
        ]
        if set(absent) <= ref_titles:
            absent = []  # only the title is gone: that is a missing title, not a late start
    tail = [x.ref[0] for x in links[last + 1 :] if x.kind == "missing"]
    substantive_tail = [i for i in tail if ref_rule(i) is None]
    col = _Collation(r, w)
    stop: tuple[int, int] | None = None
    follows: int | None = None  # the reference paragraph an extra comes after
    wit_to_ref = {j: x.ref[-1] for x in links if x.ref for j in x.witness}
    truncation_at = 0  # a cut at the end is reported after the findings of the last content link
    ref_cut = reference_cut is not None
    ref_body = [i for i in range(len(ref)) if not r.boilerplate(i)]
    ref_last = ref_body[-1] if ref_body else -1
    for k, link in enumerate(links):
        if link.kind not in ("missing", "extra") and (col.run or col.run_last):
            col.end_run_here()
        if link.kind == "equal":
            col.equal(link.ref[0], link.witness[0])
        elif link.kind in ("pair", "split", "merge"):
            at_end = k == last and (not ref_cut or ref_last in link.ref)
            got = col.content(
                link,
                k == last,
                at_end and ref_cut,
                first=k == first_body,
                title=set(link.ref) <= ref_titles,
            )
            stop = got or stop
        elif link.kind == "moved":
            i, j = link.ref[0], link.witness[0]
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
            if r.core(i) == w.core(j):
                col.covered += len(r.core(i))
                col.covered_w += len(r.core(i))
                col.row("moved", (i,), (j,), r.core(i), w.core(j), ((0, r.core(i)),))
            else:
                col.content(link, False, False)
        elif link.kind == "missing":
            i = link.ref[0]
            col.next_in_run("missing", i)
            rule = ref_rule(i)
            # Paragraphs before the witness's beginning or after its end are the
            # truncation's, not each a finding.
            cut_here = i in absent or (k > last and (stop is not None or substantive_tail))
            if not cut_here:
                col.finding(
                    "missing",
                    i,
                    True,
                    severity="formal" if rule else "substantive",
                    ref_text=ref[i].text,
                    boilerplate=rule is not None,
                    rule=rule or "unaligned",
                    evidence=(ref[i].text[:EXCERPT],),
                )
            col.row("missing", (i,), (), ref[i].text, "", ((-1, ref[i].text),), rule is not None)
        else:  # extra
            j = link.witness[0]
            col.next_in_run("extra", j)
            rule = wit_rule(j)
            if rule is None and ref_cut and k > last:
                col.beyond.append((j, len(w.core(j))))
            else:
                col.finding(
                    "extra",
                    follows,
                    True,
                    severity="formal" if rule else "substantive",
                    witness=j,
                    witness_text=wit[j].text,
                    boilerplate=rule is not None,
                    rule=rule or "unaligned",
                    evidence=(wit[j].text[:EXCERPT],),
                    detail={"after": follows},
                )
            col.row("extra", (), (j,), "", wit[j].text, ((1, wit[j].text),), rule is not None)
        if link.ref:
            follows = link.ref[-1]
        if k == last:
            truncation_at = len(col.findings)
    col.end_run_here()
    glued = _glued_framing(col, links)
    total = sum(len(r.core(i)) for i in ref_body)
    coverage = round(col.covered / total, 6) if total else 1.0
    findings = col.findings
    cut_evidence = [text for rule, text in glued if rule in _CUT_PIECES] + col.cut_marks
    if stop is not None or substantive_tail:
        at, offset = stop if stop is not None else (tail[0], 0)
        last_w = links[last].witness[-1] if last >= 0 else None
        findings.insert(
            truncation_at,
            Finding(
                kind="truncation",
                severity="substantive",
                ref=at,
                ref_excerpt=ref[at].text[:EXCERPT],
                witness=last_w,
                outline=ref[at].point,
                ref_text=r.core(at)[offset : offset + QUOTE],
                witness_text=w.core(last_w)[-QUOTE // 2 :] if last_w is not None else "",
                offset=offset,
                rule="witness-ends",
                evidence=(
                    r.core(at)[max(0, offset - CONTEXT) : offset + CONTEXT],
                    *cut_evidence,
                ),
                detail={"coverage": coverage, "missing": tail, "markers": cut_evidence},
                at="end",
            ),
        )
    if absent or col.begin is not None:
        findings.insert(0, begins_late(r, links, first_body, absent, coverage, col.begin))
    beyond = sum(n for _, n in col.beyond)
    if col.beyond and reference_cut is not None:
        findings.append(_beyond(col, reference_cut, beyond))
    wit_chars = sum(len(w.core(j)) for j in range(len(wit)) if wit_rule(j) is None) - beyond
    share = col.covered_w / wit_chars if wit_chars > 0 else 1.0
    notes = list(limits)
    if reference_cut is not None and col.beyond:
        notes.append(cut_reference_note(reference_cut))
    if share < UNRELATED_SHARE and coverage < UNRELATED_COVERAGE:
        findings = [unrelated(share, coverage, col.covered_w, wit_chars)]
    return WitnessReport(
        id=witness.witness_id,
        source=witness.source,
        verdict=decide(findings, differs=col.script_only),
        role=role,
        coverage=coverage,
        degraded=bool(limits),
        digests=witness.digests,
        findings=tuple(findings),
        formal=tuple(col.formal),
        notes=tuple(notes),
        metadata=dict(witness.extraction.metadata),
        paragraphs=len(wit),
        rows=tuple(col.rows),
    )


def _glued_framing(col: _Collation, links: Sequence[Link]) -> list[tuple[str, str]]:
    """Framing glued to aligned paragraphs (a dateline before the title, a label after
    it), each a formal boilerplate finding; the cut markers glued to the witness's last
    words are returned for the truncation to quote."""
    cut: list[tuple[str, str]] = []
    ref_frames, wit_frames = col.r.frames, col.w.frames
    # Most paragraphs have nothing glued to them on either side: the few that have.
    glued_r = {i for i, f in enumerate(ref_frames) if f.pieces}
    glued_w = {j for j, f in enumerate(wit_frames) if f.pieces}
    if not glued_r and not glued_w:
        return cut
    for x in links:
        if x.kind in ("missing", "extra"):
            continue
        if glued_r.isdisjoint(x.ref) and glued_w.isdisjoint(x.witness):
            continue
        # Framing that both copies glue to this paragraph is the same on both sides.
        ref_pieces = {piece for i in x.ref for piece in ref_frames[i].pieces}
        wit_pieces = {piece for j in x.witness for piece in wit_frames[j].pieces}
        for j in x.witness:
            for rule, text in wit_frames[j].pieces:
                if rule in _CUT_PIECES:
                    cut.append((rule, text))
                    continue
                if (rule, text) in ref_pieces:
                    continue
                col.findings.append(
                    Finding(
                        kind="extra",
                        severity="formal",
                        ref=x.ref[0] if x.ref else None,
                        witness=j,
                        outline=col.ref[x.ref[0]].point if x.ref else None,
                        witness_text=text,
                        boilerplate=True,
                        rule=rule,
                        evidence=(text,),
                        detail={"glued": True},
                    )
                )
        for i in x.ref:
            for rule, text in ref_frames[i].pieces:
                if rule in _CUT_PIECES or (rule, text) in wit_pieces:
                    continue
                col.finding(
                    "missing",
                    i,
                    severity="formal",
                    ref_text=text,
                    boilerplate=True,
                    rule=rule,
                    evidence=(text,),
                    detail={"glued": True},
                )
    return cut


def _beyond(col: _Collation, cut: Finding, length: int) -> Finding:
    paragraphs = [j for j, _ in col.beyond]
    return Finding(
        kind="beyond-reference",
        severity="formal",
        witness=tuple(paragraphs) if len(paragraphs) > 1 else paragraphs[0],
        witness_text=col.w.core(paragraphs[0])[-QUOTE:],
        rule="reference-ends",
        evidence=(
            f"the reference stops {where_cut(cut)}; the witness goes on for {length} "
            "characters that could not be checked",
        ),
        detail={"length": length, "paragraphs": paragraphs, "reference_stops": cut.detail},
    )


__all__ = ["SEVERITY", "Ops", "Side", "compare", "side"]
