"""A history's hash chain and the index: losing history must not go unnoticed.

Every history line written today carries ``previous``, the digest
(:func:`~docwitness.store.records.entry_digest`) of the line before it, or null
for the first line. Lines written before the chain existed have no ``previous``:
they are a legacy prefix, read as before, and the chain begins at the first line
that has one (its ``previous`` names the last legacy line, sealing it). A legacy
line after a chained one is a problem. A removed, duplicated or moved line breaks
the chain where it was.

The chain cannot tell that lines were removed from the end, or that the file was
emptied: the index (``index.json``) can. It holds, for every witness written
since it existed, how many entries its history has and the digest of the latest.
A history shorter than the index says, or whose entry at that count is another,
is a problem; so is a history the index lists that is not there. A history
*longer* than the index is what a writer killed between writing the history
and the index leaves, and is accepted when its entry at the index's count is the
one indexed: the next writer brings the index up to date. A history the index
does not list (a store written before the index existed) is accepted and is
indexed by the next writer that appends to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from docwitness.errors import StoreProblem
from docwitness.store.records import HistoryEntry, IndexEntry

INDEX = "index.json"


@dataclass(frozen=True, slots=True)
class Line:
    """One history line read back: its number in the file, its entry, its digest."""

    number: int
    entry: HistoryEntry
    digest: str


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def chain_problems(path: str, lines: list[Line]) -> list[StoreProblem]:
    """Every place the chain of one history breaks."""
    problems: list[StoreProblem] = []
    before: Line | None = None
    began: int | None = None
    for line in lines:
        where = f"{path}:{line.number}"
        entry = line.entry
        if not entry.chained:
            if began is not None:
                problems.append(
                    StoreProblem(
                        where,
                        "chain",
                        f"a previous digest (the chain begins at line {began})",
                        "a line without one",
                    )
                )
        else:
            if began is None:
                began = line.number
            expected = before.digest if before is not None else None
            if entry.previous != expected:
                said = (
                    f"previous {expected} (line {before.number})"
                    if before is not None
                    else "previous null (the first line)"
                )
                problems.append(
                    StoreProblem(
                        where,
                        "chain",
                        said,
                        f"{entry.previous}: a line was removed, duplicated or moved",
                    )
                )
        before = line
    return problems


def index_problems(path: str, lines: list[Line], indexed: IndexEntry | None) -> list[StoreProblem]:
    """What the index says of one history that the history does not bear out."""
    if indexed is None or indexed.entries <= 0:
        return []
    found = len(lines)
    if found < indexed.entries:
        return [
            StoreProblem(
                path,
                "truncated",
                f"{_entries(indexed.entries)} ({INDEX})",
                f"{_entries(found)}: entries were removed",
            )
        ]
    at = lines[indexed.entries - 1]
    if at.digest != indexed.latest:
        return [
            StoreProblem(
                path,
                "mismatch",
                f"latest entry {indexed.latest} ({INDEX})",
                f"{at.digest} (line {at.number})",
            )
        ]
    return []


def missing_problem(path: str, indexed: IndexEntry) -> StoreProblem:
    """A history the index lists that is not there."""
    return StoreProblem(
        path, "missing", f"a history of {_entries(indexed.entries)} ({INDEX})", "no file"
    )
