"""The whole-process alternatives that ``bench_whole.py`` runs beside ``docwitness diff``.

Run as ``python benchmarks/alternatives.py TOOL A B``; each prints how many
operations (differences) it found, so the benchmark can show what it returned.

* ``floor``: reads both files, NFC-normalises, splits paragraphs, hashes each with
  sha256 and runs difflib on the two hash lists: the least any paragraph diff does.
* ``difflib``: difflib two-level: paragraphs, then characters inside every
  replaced block.
* ``dmp``: diff-match-patch over the whole text with its default time-out (1 s).
* ``dmp-exact``: diff-match-patch with ``Diff_Timeout = 0``, the only setting
  that gives a complete answer.
* ``collatex``: CollateX's Python package, if it is installed (not a dependency).
"""

from __future__ import annotations

import sys


def paragraphs(path: str) -> list[str]:
    import unicodedata

    with open(path, encoding="utf-8") as f:
        text = unicodedata.normalize("NFC", f.read())
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def floor(a: str, b: str) -> int:
    import difflib
    import hashlib

    ha = [hashlib.sha256(p.encode()).digest() for p in paragraphs(a)]
    hb = [hashlib.sha256(p.encode()).digest() for p in paragraphs(b)]
    ops = difflib.SequenceMatcher(None, ha, hb, autojunk=False).get_opcodes()
    return sum(1 for op in ops if op[0] != "equal")


def two_level(a: str, b: str) -> int:
    import difflib

    ra, rb = paragraphs(a), paragraphs(b)
    count = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ra, rb, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace":
            inner = difflib.SequenceMatcher(None, "\n".join(ra[i1:i2]), "\n".join(rb[j1:j2]))
            count += sum(1 for op in inner.get_opcodes() if op[0] != "equal")
        else:
            count += 1
    return count


def dmp(a: str, b: str, timeout: float) -> int:
    from diff_match_patch import diff_match_patch

    engine = diff_match_patch()
    engine.Diff_Timeout = timeout
    diffs = engine.diff_main("\n".join(paragraphs(a)), "\n".join(paragraphs(b)), False)
    return sum(1 for op, _ in diffs if op != 0)


def collatex(a: str, b: str) -> int:
    import collatex as cx  # type: ignore[import-not-found]

    collation = cx.Collation()
    # CollateX tokenises on white space; Chinese has none, so one token per character.
    collation.add_plain_witness("A", " ".join("".join(paragraphs(a))))
    collation.add_plain_witness("B", " ".join("".join(paragraphs(b))))
    return len(str(cx.collate(collation, output="table")))


def main(argv: list[str]) -> int:
    tool, a, b = argv
    if tool == "floor":
        found = floor(a, b)
    elif tool == "difflib":
        found = two_level(a, b)
    elif tool == "dmp":
        found = dmp(a, b, 1.0)
    elif tool == "dmp-exact":
        found = dmp(a, b, 0.0)
    elif tool == "collatex":
        found = collatex(a, b)
    else:
        raise SystemExit(f"unknown tool {tool!r}")
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
