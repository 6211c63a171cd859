"""Character diffs inside one aligned pair of paragraphs, with diff-match-patch.

The time limit is off (``Diff_Timeout = 0``): a diff is never cut short, so it
never depends on the machine's speed. The alignment keeps most pairs small, but
not a hostile copy's paragraph of a hundred thousand characters, and
diff-match-patch's time grows with the length times the number of edits (a
pair of 170,000-character paragraphs took 50 s). So a pair whose differing
middle is longer than :data:`EXACT_LENGTH` on either side is diffed with
rapidfuzz's bit-parallel LCS instead, as minimal a diff, 64 characters a
machine word; one whose length × length is over :data:`FAST_CELLS` is one
deletion and one insertion between the common prefix and suffix; a long pair's
short equalities between changes are absorbed in one pass (:func:`_absorb`),
not by diff-match-patch's clean-up, whose list edits grow with the square of
the diff.

Variant spans are read from the efficiency-cleaned diff (semantic cleanup glues
Han characters into long runs, so it is used for display only).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

Ops = list[tuple[int, str]]


@functools.lru_cache(maxsize=1)
def differ() -> Any:
    """The shared diff-match-patch instance, with its time limit off."""
    from diff_match_patch import diff_match_patch  # imported here: only collation needs it

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0  # never give up: a timed-out diff silently returns one big change
    return dmp


EXACT_LENGTH = 2_000  # characters: diff-match-patch takes at most about a second
FAST_CELLS = 20_000_000_000  # about 140,000 × 140,000 characters: rapidfuzz, some seconds


def char_diff(a: str, b: str) -> Ops:
    """The character diff of ``a`` → ``b``, efficiency-cleaned: small, exact spans."""
    dmp = differ()
    if max(len(a), len(b)) <= EXACT_LENGTH:
        ops: Ops = dmp.diff_main(a, b, False)
        dmp.diff_cleanupEfficiency(ops)
    else:
        ops = _absorb(_long(a, b))  # the clean-up's list edits grow with the square of the ops
    return [(int(op), text) for op, text in ops]


def _absorb(ops: Ops) -> Ops:
    """``ops`` with every equality shorter than diff-match-patch's edit cost that lies
    between two changes made part of them, in one pass: the efficiency clean-up's
    main rule, in time linear in the ops."""
    cost = differ().Diff_EditCost
    out: Ops = []
    pending: list[tuple[str, str]] = []  # (deleted, inserted) of the change being built

    def flush() -> None:
        if pending:
            deleted = "".join(d for d, _ in pending)
            inserted = "".join(i for _, i in pending)
            out.extend((op, t) for op, t in ((-1, deleted), (1, inserted)) if t)
            pending.clear()

    for n, (op, text) in enumerate(ops):
        if op == -1:
            pending.append((text, ""))
        elif op == 1:
            pending.append(("", text))
        elif pending and len(text) < cost and n + 1 < len(ops):
            pending.append((text, text))  # a short equality inside a change
        else:
            flush()
            out.append((0, text))
    flush()
    return out


def _long(a: str, b: str) -> Ops:
    """The diff of a long pair, in time bounded by :data:`FAST_CELLS` (module docstring)."""
    dmp = differ()
    head = dmp.diff_commonPrefix(a, b)
    tail = dmp.diff_commonSuffix(a[head:], b[head:])
    ma, mb = a[head : len(a) - tail], b[head : len(b) - tail]
    if max(len(ma), len(mb)) <= EXACT_LENGTH:
        middle: Ops = dmp.diff_main(ma, mb, False)
    elif len(ma) * len(mb) <= FAST_CELLS:
        from rapidfuzz.distance import Indel

        middle = []
        for op in Indel.opcodes(ma, mb):
            if op.tag == "equal":
                middle.append((0, ma[op.src_start : op.src_end]))
            if op.tag in ("delete", "replace"):
                middle.append((-1, ma[op.src_start : op.src_end]))
            if op.tag in ("insert", "replace"):
                middle.append((1, mb[op.dest_start : op.dest_end]))
    else:
        middle = [(-1, ma), (1, mb)]
    ops = [(0, a[:head]), *middle, (0, a[len(a) - tail :])]
    ops = [(op, text) for op, text in ops if text]
    dmp.diff_cleanupMerge(ops)  # deletions before insertions in each change, as DMP has them
    return ops


def display_ops(ops: Ops) -> tuple[tuple[int, str], ...]:
    """``ops`` semantically cleaned, for a human to read side by side."""
    shown = list(ops)
    differ().diff_cleanupSemantic(shown)
    return tuple((int(op), text) for op, text in shown)


@dataclass(frozen=True, slots=True)
class Span:
    """One run of changes between two equalities: where it lies in ``a`` and in ``b``."""

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
