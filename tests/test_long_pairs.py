"""Paragraphs a hundred thousand characters long are compared in bounded time.

A hostile or broken copy can hold one paragraph of megabytes. The character diff
of such a pair switches from diff-match-patch (time: length × edits) to
rapidfuzz's bit-parallel LCS, and above a size to one change between the
common prefix and suffix. Each diff is checked to rebuild both sides, and to be
as small as diff-match-patch's. (Pairing unmatched paragraphs by similarity
stops, with a note, when their characters multiply past a limit:
tests/fuzz_corpus/made-long-paragraphs-diff.)
"""

from __future__ import annotations

import random
import time
from itertools import pairwise

from docwitness.compare import chardiff
from docwitness.compare.chardiff import EXACT_LENGTH, char_diff

ALPHABET = "双方认为国际关系法的共同。，ab "


def _sides(ops: chardiff.Ops) -> tuple[str, str]:
    return "".join(t for o, t in ops if o <= 0), "".join(t for o, t in ops if o >= 0)


def _changed(ops: chardiff.Ops) -> int:
    return sum(len(t) for o, t in ops if o)


def test_a_long_pair_is_diffed_as_exactly_and_as_small_as_diff_match_patch_would() -> None:
    rng = random.Random(14)
    for _ in range(40):
        a = "".join(
            rng.choice(ALPHABET) for _ in range(rng.randrange(EXACT_LENGTH, 3 * EXACT_LENGTH))
        )
        b = list(a)
        for _ in range(rng.randrange(1, 60)):
            b[rng.randrange(len(b))] = rng.choice(ALPHABET)
        b.insert(rng.randrange(len(b)), "made")
        ops = char_diff(a, "".join(b))
        assert _sides(ops) == (a, "".join(b))
        # Before the efficiency clean-up both are minimal: as many characters changed.
        exact = chardiff.differ().diff_main(a, "".join(b), False)
        assert _changed(chardiff._long(a, "".join(b))) == _changed(exact)
        # Each change is its deletion then its insertion, as diff-match-patch gives them.
        assert all(not (x[0] == 1 and y[0] == -1) for x, y in pairwise(ops))


def test_long_and_hostile_pairs_take_seconds_not_minutes() -> None:
    rng = random.Random(15)
    tags = "<div>" * 30_000  # 150,000 characters of tags, read as text
    text = "".join(rng.choice(ALPHABET) for _ in range(150))
    far = "".join(rng.choice(ALPHABET) for _ in range(120_000))
    other = "".join(rng.choice(ALPHABET) for _ in range(120_000))
    huge = "".join(rng.choice(ALPHABET) for _ in range(400_000))
    for a, b in [(tags + text, text), (far, other), (huge, huge[::-1]), (huge, huge + "made")]:
        started = time.monotonic()
        ops = char_diff(a, b)
        assert time.monotonic() - started < 15, (len(a), len(b))
        assert _sides(ops) == (a, b)
    # Past FAST_CELLS: the common prefix and suffix, one change between them.
    ops = char_diff("made" + huge + "end", "made" + huge[::-1] + "end")
    assert ops == [(0, "made"), (-1, huge), (1, huge[::-1]), (0, "end")]
