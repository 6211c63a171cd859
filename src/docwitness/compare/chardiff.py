"""Character diffs inside one aligned pair of paragraphs, with diff-match-patch.

The time limit is off (``Diff_Timeout = 0``): a diff is never cut short, so it
never depends on the machine's speed; the alignment keeps every pair small.
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
