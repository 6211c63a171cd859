"""The alignment's heaviest chain: the same chain as the tree of tuples it was first
written with, ties included, and the heaviest there is."""

from __future__ import annotations

from itertools import combinations, pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from docwitness.compare.align import _heaviest_chain


def _as_first_written(pairs: list[tuple[int, int]], weights: list[int], size: int) -> set[int]:
    tree = [(0, -1)] * (size + 1)
    best: list[int] = [0] * len(pairs)
    back: list[int] = [-1] * len(pairs)
    for k, (_, w) in enumerate(pairs):
        top, arg, pos = 0, -1, w
        while pos > 0:
            if tree[pos][0] > top:
                top, arg = tree[pos]
            pos -= pos & -pos
        best[k] = top + weights[k]
        back[k] = arg
        pos = w + 1
        while pos <= size:
            if tree[pos][0] < best[k]:
                tree[pos] = (best[k], k)
            pos += pos & -pos
    if not pairs:
        return set()
    k = max(range(len(pairs)), key=lambda x: best[x])
    chain: set[int] = set()
    while k != -1:
        chain.add(k)
        k = back[k]
    return chain


@st.composite
def _anchors(draw: st.DrawFn) -> tuple[list[tuple[int, int]], list[int], int]:
    size = draw(st.integers(1, 40))
    second = draw(st.permutations(range(size)))
    keep = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    pairs = [(p, q) for p, (q, k) in enumerate(zip(second, keep, strict=True)) if k]
    weights = draw(st.lists(st.integers(1, 4), min_size=len(pairs), max_size=len(pairs)))
    return pairs, weights, size


@settings(max_examples=400, deadline=None)
@given(_anchors())
def test_the_same_chain_as_first_written(
    case: tuple[list[tuple[int, int]], list[int], int],
) -> None:
    pairs, weights, size = case
    assert _heaviest_chain(pairs, weights, size) == _as_first_written(pairs, weights, size)


@st.composite
def _few_moved(draw: st.DrawFn) -> tuple[list[tuple[int, int]], list[int], int]:
    # Two copies that agree but for a few moved paragraphs: long runs of pairs that
    # follow each other on both sides, broken where a paragraph moved or has no
    # pair; weights of 1 and 2 make many equal chains.
    size = draw(st.integers(1, 200))
    second = list(range(size))
    for _ in range(draw(st.integers(0, 6))):
        a = draw(st.integers(0, size - 1))
        b = draw(st.integers(0, size - 1))
        second.insert(b, second.pop(a))
    keep = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    pairs = [(p, q) for p, (q, k) in enumerate(zip(second, keep, strict=True)) if k or p % 3]
    weights = draw(st.lists(st.integers(1, 2), min_size=len(pairs), max_size=len(pairs)))
    return pairs, weights, size


@settings(max_examples=400, deadline=None)
@given(_few_moved())
def test_the_same_chain_as_first_written_when_a_few_paragraphs_moved(
    case: tuple[list[tuple[int, int]], list[int], int],
) -> None:
    # The tree takes a run of pairs as one entry: the chain, ties included, is the
    # one it gives taking the pairs one by one.
    pairs, weights, size = case
    assert _heaviest_chain(pairs, weights, size) == _as_first_written(pairs, weights, size)


@settings(max_examples=200, deadline=None)
@given(_anchors())
def test_the_chain_is_increasing_and_the_heaviest(
    case: tuple[list[tuple[int, int]], list[int], int],
) -> None:
    pairs, weights, size = case
    pairs, weights = pairs[:10], weights[:10]  # small enough to try every subset
    chain = sorted(_heaviest_chain(pairs, weights, size))
    assert all(pairs[a][1] < pairs[b][1] for a, b in pairwise(chain))
    heaviest = max(
        (
            sum(weights[k] for k in subset)
            for n in range(len(pairs) + 1)
            for subset in combinations(range(len(pairs)), n)
            if all(pairs[a][1] < pairs[b][1] for a, b in pairwise(subset))
        ),
        default=0,
    )
    assert sum(weights[k] for k in chain) == heaviest
