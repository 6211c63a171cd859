"""Paragraph alignment between a reference and a witness; canonical texts in, links out.

:func:`align` pairs the paragraphs of two documents without ever comparing the
documents character by character:

1. Exact texts anchor the alignment, patience-diff style: paragraphs whose text
   is unique in both (sub)sequences are anchors, and the heaviest in-order chain
   of them (a longest increasing subsequence weighted by length, O(k log k)) is
   kept. Anchors off that chain are ``moved``: present, out of order, and the
   least text possible is called moved. Each gap between anchors is anchored
   again on what is unique inside it.
2. Gaps with no anchor left are aligned by similarity (Dice over character
   bigram sets) with a small dynamic programme that pairs paragraphs
   (``pair``), recognises one reference paragraph written as several
   consecutive witness paragraphs (``split``, up to :data:`MAX_PIECES`, as page
   breaks leave it) and the reverse (``merge``), and leaves the
   rest ``missing`` (reference only) or ``extra`` (witness only).
3. Exact texts left over on both sides after that are ``moved`` too.

A large gap with nothing unique in it (text that repeats itself) is anchored on
its repeated paragraphs where they stand (:func:`_local_pairs`), never all
against all, and each gap between those anchors is aligned as above.

Cost: anchoring is linear in the number of paragraphs (plus the sort). The
similarity programme is quadratic only inside a gap of at most
:data:`FULL_GAP_CELLS` cells; a larger gap is searched in a band of
:data:`WINDOW` paragraphs either side of its diagonal, which is linear in the
gap's size, and the band is reported in :attr:`Alignment.limits` so a caller can
say the result may be degraded.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from docwitness.model import from_columns

LinkKind = str  # "equal" | "pair" | "split" | "merge" | "moved" | "missing" | "extra"

PAIR_MIN = 0.5  # Dice similarity from which two paragraphs are one paragraph, changed
JOIN_MIN = 0.8  # similarity a split or merge must reach, and each piece's containment
MAX_PIECES = 8  # the most pieces a paragraph split (or merged) by page breaks is sought in
CONTAIN_MIN = 0.8  # containment of a short paragraph in a long one that pairs them
CONTAIN_BIGRAMS = 8  # ... when the short one has at least this many distinct bigrams
WINDOW = 25  # paragraphs either side of the diagonal searched in a large gap
FULL_GAP_CELLS = 10_000  # gaps up to this many (ref × witness) cells are searched in full
JUMP_TRIES = 8  # later occurrences of a repeated text tried for a jump past a block
NEAR = 32  # paragraphs ahead (both sides together) a repeated text's next agreement is sought
_MAX_DEPTH = 64
_NEG = -(1 << 60)  # re-anchoring depth; deeper gaps go straight to the similarity search
_Bag = Callable[[int], frozenset[str]]


@dataclass(frozen=True, slots=True)
class Link:
    """One row of an alignment: which reference and witness paragraphs correspond, and how."""

    kind: LinkKind
    ref: tuple[int, ...] = ()
    witness: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Alignment:
    """Links in reference order (an extra follows the link before it in the witness)."""

    links: tuple[Link, ...]
    limits: tuple[str, ...] = ()


def bigrams(text: str) -> frozenset[str]:
    """The set of character bigrams of ``text`` (the text itself when shorter than two)."""
    if len(text) < 2:
        return frozenset((text,)) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def join_texts(first: str, second: str) -> str:
    """Two pieces of a split paragraph as one; CJK text is joined without a space."""
    if first and second and (first[-1] + second[0]).isascii() and (first[-1] + second[0]).isalnum():
        return first + " " + second
    return first + second


class _Sim:
    """Similarity of paragraphs, with each paragraph's bigram set computed once."""

    def __init__(self, ref: Sequence[str], wit: Sequence[str]) -> None:
        self.ref = ref
        self.wit = wit
        self._r: dict[int, frozenset[str]] = {}
        self._w: dict[int, frozenset[str]] = {}

    def r(self, i: int) -> frozenset[str]:
        got = self._r.get(i)
        if got is None:
            got = self._r[i] = bigrams(self.ref[i])
        return got

    def w(self, j: int) -> frozenset[str]:
        got = self._w.get(j)
        if got is None:
            got = self._w[j] = bigrams(self.wit[j])
        return got

    def forget(self) -> None:
        """Drop the bigram sets kept so far: a gap's paragraphs are in no other gap, and
        a set is some 40 times its paragraph's size."""
        self._r.clear()
        self._w.clear()

    def pair(self, i: int, j: int) -> int:
        """Score of pairing ref ``i`` with witness ``j`` (shared bigrams), or -1."""
        a, b, r, w = self.r(i), self.w(j), self.ref[i], self.wit[j]
        shared = len(a & b)
        if (a or b) and 2 * shared / (len(a) + len(b)) >= PAIR_MIN:
            return shared + 1
        small, big = (r, w) if len(r) <= len(w) else (w, r)
        if len(small) >= 4 and big.startswith(small):
            return shared + 1  # a paragraph cut short: the strongest evidence there is
        small_set = a if len(a) <= len(b) else b
        if len(small_set) >= CONTAIN_BIGRAMS and shared / len(small_set) >= CONTAIN_MIN:
            return shared + 1
        return -1

    def contains(self, whole: frozenset[str], piece: frozenset[str]) -> bool:
        """Whether a piece's bigrams lie mostly in the whole (a piece of a split)."""
        return bool(piece) and len(piece & whole) / len(piece) >= JOIN_MIN

    def split(self, i: int, js: Sequence[int]) -> int:
        """Score of ref ``i`` written as the witness paragraphs ``js`` (in order), or -1."""
        return _joined(self.r(i), [self.w(j) for j in js], [self.wit[j] for j in js])

    def merge(self, is_: Sequence[int], j: int) -> int:
        """Score of the ref paragraphs ``is_`` (in order) written as witness ``j``, or -1."""
        return _joined(self.w(j), [self.r(i) for i in is_], [self.ref[i] for i in is_])


def _joined(whole: frozenset[str], pieces: list[frozenset[str]], texts: list[str]) -> int:
    if not all(texts):
        return -1
    joined = frozenset().union(*pieces).union(
        *(bigrams(join_texts(a, b)[len(a) - 1 : len(a) + 1]) for a, b in pairwise(texts))
    )
    sim = dice(whole, joined)
    # Every piece must belong to the whole, and together they fit it better than any alone.
    if sim < JOIN_MIN or any(sim <= dice(whole, piece) for piece in pieces):
        return -1
    for piece in pieces:
        if piece and len(piece & whole) / len(piece) < JOIN_MIN:
            return -1
    return len(whole & joined) + 2  # beats a pair plus a missing/extra of equal weight


def _heaviest_chain(pairs: list[tuple[int, int]], weights: list[int], size: int) -> set[int]:
    """Indexes into ``pairs`` (sorted by first item, no item twice on either side,
    second items in ``range(size)``, weights positive) of the heaviest chain
    increasing in both.

    A Fenwick tree of prefix maxima over the second item, run over the runs of pairs
    that follow each other on both sides (``(p, q)``, ``(p + 1, q + 1)``, …: most of
    a copy that agrees with the other), each run one entry: O(r log size) for r runs.
    A chain holding one pair of a run can always hold the whole run (no other pair
    falls between two of its pairs on either side), so the heaviest chain is made of
    whole runs; a run's pairs chain one to the next, and the tree chooses among equal
    chains as it does pair by pair (``tests/test_heaviest_chain.py``).
    """
    if not pairs:
        return set()
    # The runs, as (first pair, last pair) indexes.
    starts = [0]
    for k in range(1, len(pairs)):
        p0, q0 = pairs[k - 1]
        p1, q1 = pairs[k]
        if p1 != p0 + 1 or q1 != q0 + 1:
            starts.append(k)
    ends = [*(k - 1 for k in starts[1:]), len(pairs) - 1]
    # The tree's nodes as two lists (the heaviest chain ending there, and its last run).
    heaviest = [0] * (size + 1)
    last = [-1] * (size + 1)
    best: list[int] = [0] * len(starts)
    back: list[int] = [-1] * len(starts)
    for r, (a, b) in enumerate(zip(starts, ends, strict=True)):
        top, arg, pos = 0, -1, pairs[a][1]  # prefix max over second items < the run's first
        while pos > 0:
            if heaviest[pos] > top:
                top, arg = heaviest[pos], last[pos]
            pos &= pos - 1
        here = best[r] = top + sum(weights[a : b + 1])
        back[r] = arg
        pos = pairs[b][1] + 1
        while pos <= size:
            if heaviest[pos] < here:
                heaviest[pos], last[pos] = here, r
            pos += pos & -pos
    r = max(range(len(starts)), key=lambda x: best[x])
    chain: set[int] = set()
    while r != -1:
        chain.update(range(starts[r], ends[r] + 1))
        r = back[r]
    return chain


def _local_pairs(ref: Sequence[str], wit: Sequence[str]) -> list[tuple[int, int]]:
    """Anchors for two texts that repeat themselves, found where they stand.

    A walk through both sequences at once: equal paragraphs at the current place
    are anchors; at the first difference the nearest place where the two agree
    again is sought, at most :data:`NEAR` paragraphs ahead on the two sides
    together (the fewest paragraphs skipped first), and it must be confirmed by
    the paragraph after it agreeing too. When nothing agrees that near, the
    nearest later occurrence of one of the next :data:`NEAR` paragraphs on either
    side is taken (a block inserted or dropped whole), again confirmed. Each
    difference costs at most ``NEAR²`` comparisons, so the walk is linear in the
    length of the texts for a given number of differences; the pairs it returns
    increase in both sequences.
    """
    n, m = len(ref), len(wit)
    pairs: list[tuple[int, int]] = []
    where_w: dict[str, list[int]] | None = None
    where_r: dict[str, list[int]] | None = None

    def agrees(p: int, q: int) -> bool:
        """An equal pair confirmed by the next pair (or by the end of either text)."""
        return ref[p] == wit[q] and (p + 1 >= n or q + 1 >= m or ref[p + 1] == wit[q + 1])

    p = q = 0
    while p < n and q < m:
        if ref[p] == wit[q]:
            pairs.append((p, q))
            p, q = p + 1, q + 1
            continue
        found: tuple[int, int] | None = None
        for d in range(1, NEAR + 1):
            for a in range(d + 1):
                if p + a < n and q + d - a < m and agrees(p + a, q + d - a):
                    found = (p + a, q + d - a)
                    break
            if found is not None:
                break
        if found is None:
            if where_w is None or where_r is None:
                where_w, where_r = {}, {}
                for y, text in enumerate(wit):
                    where_w.setdefault(text, []).append(y)
                for x, text in enumerate(ref):
                    where_r.setdefault(text, []).append(x)
            best: tuple[int, int, int] | None = None  # (skipped, p, q)
            for a in range(min(NEAR, n - p)):
                at = where_w.get(ref[p + a], [])
                k = bisect_left(at, q)
                stop = k + JUMP_TRIES
                while k < min(len(at), stop) and not agrees(p + a, at[k]):
                    k += 1
                if k < min(len(at), stop) and (best is None or a + at[k] - q < best[0]):
                    best = (a + at[k] - q, p + a, at[k])
            for b in range(min(NEAR, m - q)):
                at = where_r.get(wit[q + b], [])
                k = bisect_left(at, p)
                stop = k + JUMP_TRIES
                while k < min(len(at), stop) and not agrees(at[k], q + b):
                    k += 1
                if k < min(len(at), stop) and (best is None or b + at[k] - p < best[0]):
                    best = (b + at[k] - p, at[k], q + b)
            if best is None:
                break  # nothing ahead agrees: the rest is left to the similarity search
            found = best[1], best[2]
        p, q = found
    return pairs


class _Aligner:
    def __init__(self, ref: Sequence[str], wit: Sequence[str], window: int, full: int) -> None:
        self.ref = ref
        self.wit = wit
        self.window = window
        self.full = full
        self.sim = _Sim(ref, wit)
        self.moved: list[Link] = []
        self.limits: list[str] = []

    def run(self, rs: list[int], ws: list[int], depth: int = 0) -> list[Link]:
        """Links for the reference indexes ``rs`` against witness indexes ``ws``, in order."""
        ref, wit = self.ref, self.wit
        head: list[Link] = []
        tail: list[Link] = []
        a, b, c, d = 0, len(rs), 0, len(ws)
        while a < b and c < d and ref[rs[a]] == wit[ws[c]]:
            head.append(Link("equal", (rs[a],), (ws[c],)))
            a, c = a + 1, c + 1
        while a < b and c < d and ref[rs[b - 1]] == wit[ws[d - 1]]:
            tail.append(Link("equal", (rs[b - 1],), (ws[d - 1],)))
            b, d = b - 1, d - 1
        tail.reverse()
        rs, ws = rs[a:b], ws[c:d]
        if not rs or not ws or depth >= _MAX_DEPTH:
            return head + self.gap(rs, ws) + tail
        # (The texts of the gap fetched once, by C loops: a gap is most of a copy.)
        rtexts = list(map(ref.__getitem__, rs))
        wtexts = list(map(wit.__getitem__, ws))
        rcount = Counter(rtexts)
        wcount = Counter(wtexts)
        wpos = {t: p for p, t in enumerate(wtexts) if wcount[t] == 1}
        pairs = [
            (p, wpos[t]) for p, t in enumerate(rtexts) if rcount[t] == 1 and t in wpos
        ]
        if not pairs and len(rs) * len(ws) > self.full:
            # Nothing unique to anchor on in a large gap: the text repeats itself.
            # Repeated texts anchor where they stand, near each other, never all
            # against all (:func:`_local_pairs`).
            pairs = _local_pairs(rtexts, wtexts)
        if not pairs:
            return head + self.gap(rs, ws) + tail
        if all(pairs[k][1] < pairs[k + 1][1] for k in range(len(pairs) - 1)):
            chain = set(range(len(pairs)))  # the usual case: nothing moved
        else:
            chain = _heaviest_chain(pairs, [len(ref[rs[p]]) + 1 for p, _ in pairs], len(ws))
        moved_r: set[int] = set()
        moved_w: set[int] = set()
        for k, (p, q) in enumerate(pairs):
            if k not in chain:
                self.moved.append(Link("moved", (rs[p],), (ws[q],)))
                moved_r.add(p)
                moved_w.add(q)
        out = head
        prev_p, prev_q = -1, -1
        ends = [pairs[k] for k in sorted(chain)] + [(len(rs), len(ws))]  # the last: the end
        # The anchors' links, most of a copy's, made together (see from_columns).
        n_eq = len(ends) - 1
        equal = from_columns(
            Link, ["equal"] * n_eq, [(rs[p],) for p, _ in ends[:n_eq]],
            [(ws[q],) for _, q in ends[:n_eq]],
        )
        for n_end, (p, q) in enumerate(ends):
            if p > prev_p + 1 or q > prev_q + 1:
                sub_r = [rs[x] for x in range(prev_p + 1, p) if x not in moved_r]
                sub_w = [ws[y] for y in range(prev_q + 1, q) if y not in moved_w]
                if sub_r and sub_w:
                    out += self.run(sub_r, sub_w, depth + 1)
                else:
                    out += self.gap(sub_r, sub_w)
            if n_end < n_eq:
                out.append(equal[n_end])
            prev_p, prev_q = p, q
        return out + tail

    def gap(self, rs: list[int], ws: list[int]) -> list[Link]:
        """Align a gap with no anchor by similarity: pairs, splits, merges, missing, extra."""
        n, m = len(rs), len(ws)
        if not n or not m:
            return [Link("missing", (i,)) for i in rs] + [Link("extra", (), (j,)) for j in ws]
        banded, window = n * m > self.full, self.window
        if banded:
            self.limits.append(
                f"alignment: a gap of {n} reference × {m} witness paragraphs was searched "
                f"within {window} paragraphs of its diagonal"
            )

        def band(i: int) -> tuple[int, int]:
            if not banded:
                return 0, m
            lo = max(0, math.floor(i * m / n) - window)
            hi = min(m, math.ceil((i + 1) * m / n) + window)
            return lo, m if i == n else hi

        # rows[i] = (lo, score, move): score[j - lo] is the best score aligning rs[:i] with
        # ws[:j]; move says which step got there: 1 missing, 2 extra, 3 pair, and
        # 4 + 2k a split into k witness paragraphs, 5 + 2k a merge of k reference ones.
        rows: list[tuple[int, list[int], list[int]]] = []

        def at(i: int, j: int) -> int:
            lo, score, _ = rows[i]
            return score[j - lo] if lo <= j < lo + len(score) else _NEG

        sim = self.sim

        def pieces(idx: list[int], end: int, whole: frozenset[str], bag: _Bag) -> int:
            """How many paragraphs before ``end`` in ``idx`` (consecutive in their
            document, each mostly inside ``whole``) could be pieces of one paragraph."""
            k = 0
            while (
                k < MAX_PIECES
                and end - k - 1 >= 0
                and (k == 0 or idx[end - k - 1] + 1 == idx[end - k])
                and sim.contains(whole, bag(idx[end - k - 1]))
            ):
                k += 1
            return k

        for i in range(n + 1):
            lo, hi = band(i)
            score = [_NEG] * (hi - lo + 1)
            move = [0] * (hi - lo + 1)
            for j in range(lo, hi + 1):
                best, how = (0, 0) if i == 0 and j == 0 else (_NEG, 0)
                if i > 0 and (before := at(i - 1, j)) > best:
                    best, how = before, 1
                if i > 0 and j > 0 and (before := at(i - 1, j - 1)) > _NEG:
                    g = sim.pair(rs[i - 1], ws[j - 1])
                    if g >= 0 and before + g > best:
                        best, how = before + g, 3
                if i > 0 and j > 1:
                    whole = sim.r(rs[i - 1])
                    for k in range(2, pieces(ws, j, whole, sim.w) + 1):
                        before = at(i - 1, j - k)
                        if before > _NEG:
                            g = sim.split(rs[i - 1], ws[j - k : j])
                            if g >= 0 and before + g > best:
                                best, how = before + g, 4 + 2 * k
                if i > 1 and j > 0:
                    whole = sim.w(ws[j - 1])
                    for k in range(2, pieces(rs, i, whole, sim.r) + 1):
                        before = at(i - k, j - 1)
                        if before > _NEG:
                            g = sim.merge(rs[i - k : i], ws[j - 1])
                            if g >= 0 and before + g > best:
                                best, how = before + g, 5 + 2 * k
                if j > lo and (before := score[j - 1 - lo]) > best:
                    best, how = before, 2
                score[j - lo] = best
                move[j - lo] = how
            rows.append((lo, score, move))
        links: list[Link] = []
        i, j = n, m
        while i > 0 or j > 0:
            lo, _, move = rows[i]
            how = move[j - lo]
            if how == 1:
                links.append(Link("missing", (rs[i - 1],)))
                i -= 1
            elif how == 2:
                links.append(Link("extra", (), (ws[j - 1],)))
                j -= 1
            elif how == 3:
                links.append(Link("pair", (rs[i - 1],), (ws[j - 1],)))
                i, j = i - 1, j - 1
            elif how >= 8 and how % 2 == 0:
                k = (how - 4) // 2
                links.append(Link("split", (rs[i - 1],), tuple(ws[j - k : j])))
                i, j = i - 1, j - k
            elif how >= 9:
                k = (how - 5) // 2
                links.append(Link("merge", tuple(rs[i - k : i]), (ws[j - 1],)))
                i, j = i - k, j - 1
            else:  # unreachable in a connected band; fall back to honest missing/extra
                links.extend(Link("missing", (rs[x],)) for x in reversed(range(i)))
                links.extend(Link("extra", (), (ws[y],)) for y in reversed(range(j)))
                break
        links.reverse()
        sim.forget()
        return links


def _leftover_moves(links: list[Link], ref: Sequence[str], wit: Sequence[str]) -> list[Link]:
    """Exact texts left missing on one side and extra on the other are moves."""
    missing: dict[str, list[int]] = {}
    for link in links:
        if link.kind == "missing":
            missing.setdefault(ref[link.ref[0]], []).append(link.ref[0])
    if not missing:
        return links
    taken: dict[int, int] = {}  # ref index → witness index
    for link in links:
        if link.kind == "extra":
            cands = missing.get(wit[link.witness[0]])
            if cands:
                taken[cands.pop(0)] = link.witness[0]
    if not taken:
        return links
    used = set(taken.values())
    out: list[Link] = []
    for link in links:
        if link.kind == "missing" and link.ref[0] in taken:
            continue
        if link.kind == "extra" and link.witness[0] in used:
            continue
        out.append(link)
    return out + [Link("moved", (r,), (w,)) for r, w in taken.items()]


def align(
    ref: Sequence[str],
    wit: Sequence[str],
    *,
    window: int = WINDOW,
    full_gap_cells: int = FULL_GAP_CELLS,
) -> Alignment:
    """Align the canonical paragraph texts ``wit`` against ``ref``.

    Every reference index appears in exactly one link, every witness index too.
    Links come in reference order; a moved link sits where its reference
    paragraph is, an extra link after the link that precedes it in the witness.
    A gap of more than ``full_gap_cells`` (reference × witness paragraphs) is
    searched only ``window`` paragraphs either side of its diagonal, and
    :attr:`Alignment.limits` says so.
    """
    aligner = _Aligner(ref, wit, window, full_gap_cells)
    links = aligner.run(list(range(len(ref))), list(range(len(wit))))
    links = _leftover_moves(links, ref, wit)
    moved = sorted(aligner.moved + [x for x in links if x.kind == "moved"], key=lambda x: x.ref)
    ordered = [x for x in links if x.kind != "moved"]
    if moved:
        starts = [x.ref[0] if x.ref else -1 for x in ordered]
        # An extra carries no reference index; it keeps the place of the link before it.
        for k in range(1, len(starts)):
            if starts[k] < 0:
                starts[k] = starts[k - 1]
        merged: list[Link] = []
        k = 0
        for mv in moved:
            stop = bisect_left(starts, mv.ref[0], lo=k)
            merged.extend(ordered[k:stop])
            merged.append(mv)
            k = stop
        merged.extend(ordered[k:])
        ordered = merged
    return Alignment(tuple(ordered), tuple(aligner.limits))
