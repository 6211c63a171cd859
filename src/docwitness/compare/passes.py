"""Passes over an alignment's links: site text put back in place, paragraphs left over
paired by similarity, heading echoes and the reference's title lines found.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from docwitness.compare.align import Link
from docwitness.compare.side import Side
from docwitness.rules import title_like

# Paragraphs left unmatched on both sides are paired anywhere in the document from
# this similarity (rapidfuzz's normalised Indel ratio, 0–100) up.
SIMILAR_MIN = 60.0
SIMILAR_CELLS = 1_000_000  # the most (missing × extra) pairs the similarity search scores
# The most characters × characters it compares (about a second of rapidfuzz): a
# pair of paragraphs half a megabyte long each would take twenty.
SIMILAR_CHARS = 10_000_000_000


def with_boilerplate(
    links: list[Link],
    ref_bp: list[int],
    wit_bp: list[int],
    ref_texts: Sequence[str] = (),
    wit_texts: Sequence[str] = (),
) -> list[Link]:
    """The alignment's links with the paragraphs it left out (site text, framing) put
    back where they stand: each after the link holding the paragraph before it, in its
    own document. The same site text standing at the same place in both copies (given
    their texts) is one ``equal`` link, not a missing and an extra."""
    if not ref_bp and not wit_bp:
        return links
    ref_at = {i: k for k, x in enumerate(links) for i in x.ref}
    wit_at = {j: k for k, x in enumerate(links) for j in x.witness}
    ref_keys, wit_keys = sorted(ref_at), sorted(wit_at)
    after: dict[int, list[Link]] = {}

    def anchor(keys: list[int], at: dict[int, int], index: int) -> int:
        n = bisect_left(keys, index)
        return at[keys[n - 1]] if n else -1

    for i in ref_bp:
        after.setdefault(anchor(ref_keys, ref_at, i), []).append(Link("missing", (i,)))
    for j in wit_bp:
        after.setdefault(anchor(wit_keys, wit_at, j), []).append(Link("extra", (), (j,)))
    if ref_texts and wit_texts:
        for k, placed in after.items():
            after[k] = _pair_equal(placed, ref_texts, wit_texts)
    out = list(after.get(-1, []))
    for k, x in enumerate(links):
        out.append(x)
        out.extend(after.get(k, []))
    return out


def _pair_equal(
    placed: list[Link], ref_texts: Sequence[str], wit_texts: Sequence[str]
) -> list[Link]:
    """Links put back at one place, with each reference paragraph that a witness
    paragraph there repeats exactly made one ``equal`` link (in order)."""
    extras = [x for x in placed if x.kind == "extra"]
    out: list[Link] = []
    for x in placed:
        if x.kind == "extra":
            continue
        i = x.ref[0]
        twin = next((e for e in extras if wit_texts[e.witness[0]] == ref_texts[i]), None)
        if twin is None:
            out.append(x)
            continue
        extras.remove(twin)
        out.append(Link("equal", (i,), twin.witness))
    return out + [x for x in placed if x.kind == "extra" and x in extras]


def pair_similar(
    links: list[Link], ref: Side, wit: Side, ref_aligned: set[int], wit_aligned: set[int]
) -> tuple[list[Link], list[str]]:
    """Paragraphs left missing on one side and extra on the other, paired by similarity
    anywhere in the document: in the same gap they are one paragraph changed (``pair``),
    elsewhere one paragraph moved and edited (``moved``). Site text and framing are
    never paired."""
    missing = [(k, x.ref[0]) for k, x in enumerate(links) if x.kind == "missing"]
    extra = [(k, x.witness[0]) for k, x in enumerate(links) if x.kind == "extra"]
    missing = [(k, i) for k, i in missing if i in ref_aligned]
    extra = [(k, j) for k, j in extra if j in wit_aligned]
    if not missing or not extra:
        return links, []
    limits: list[str] = []
    if len(missing) * len(extra) > SIMILAR_CELLS:
        limits.append(
            f"alignment: {len(missing)} unmatched reference × {len(extra)} unmatched witness "
            "paragraphs were too many to pair by similarity"
        )
        return links, limits
    chars = sum(len(ref.core(i)) for _, i in missing) * sum(len(wit.core(j)) for _, j in extra)
    if chars > SIMILAR_CHARS:
        limits.append(
            f"alignment: {len(missing)} unmatched reference × {len(extra)} unmatched witness "
            "paragraphs were too long to pair by similarity"
        )
        return links, limits
    from rapidfuzz import fuzz, process  # imported here: only a copy with leftovers needs it

    choices = [wit.core(j) for _, j in extra]
    candidates = sorted(
        (
            (float(score), p, q)
            for p, (_, i) in enumerate(missing)
            for _, score, q in process.extract(
                ref.core(i), choices, scorer=fuzz.ratio, score_cutoff=SIMILAR_MIN, limit=None
            )
        ),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_p: set[int] = set()
    used_q: set[int] = set()
    chosen: dict[int, Link] = {}  # link position of the missing paragraph → its new link
    drop: set[int] = set()
    content = [k for k, x in enumerate(links) if x.kind in ("equal", "pair", "split", "merge")]
    for _, p, q in candidates:
        if p in used_p or q in used_q:
            continue
        used_p.add(p)
        used_q.add(q)
        (km, i), (ke, j) = missing[p], extra[q]
        lo, hi = sorted((km, ke))
        same_gap = not any(lo < k < hi for k in content)
        chosen[km] = Link("pair" if same_gap else "moved", (i,), (j,))
        drop.add(ke)
    out = [chosen.get(k, x) for k, x in enumerate(links) if k not in drop]
    return out, limits


def echoes(links: Sequence[Link], ref: Side, wit: Side) -> tuple[set[int], set[int]]:
    """Unmatched paragraphs that repeat the text of a matched title on their own side:
    heading echoes (an aggregator's "# title（全文）" above the title itself)."""

    def repeats(side_: Side, unmatched: list[int], matched: set[int]) -> set[int]:
        wanted = {side_.core(i) for i in unmatched if title_like(side_.core(i))}
        if not wanted:
            return set()
        titles = {side_.core(i) for i in matched} & wanted
        return {i for i in unmatched if side_.core(i) in titles}

    ref_un = [x.ref[0] for x in links if x.kind == "missing"]
    wit_un = [x.witness[0] for x in links if x.kind == "extra"]
    if not ref_un and not wit_un:
        return set(), set()
    ref_matched = {i for x in links if x.kind not in ("missing", "extra") for i in x.ref}
    wit_matched = {j for x in links if x.kind not in ("missing", "extra") for j in x.witness}
    return repeats(ref, ref_un, ref_matched), repeats(wit, wit_un, wit_matched)


def leading_titles(r: Side) -> set[int]:
    """The reference's title lines: the short unpunctuated paragraphs its body opens with."""
    out: set[int] = set()
    for i in range(len(r.frames)):
        if r.boilerplate(i):
            continue
        if not title_like(r.core(i)):
            break
        out.add(i)
    return out
