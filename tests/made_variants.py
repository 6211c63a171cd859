"""Made witnesses of the statement for collation tests, each with the findings it must get.

Every copy here is made from :func:`made.made_statement` (itself made from the
seed) by one deliberate change; none is a real source. Each case names the
change, builds the witness's paragraphs, says how the file is written, and lists
the findings a collation against the made statement must report, as
(kind, severity, ref, witness) — and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import made
from docwitness.model import Document
from docwitness.pipeline import load_copy

Expected = tuple[str, str, int | None, int | tuple[int, ...] | None]

ADDED = "双方还就共同关心的其他国际和地区问题深入交换了意见。"
CLAUSE = "，并愿继续加强在联合国等多边框架内的协调配合"
HALF_WIDTH = str.maketrans(
    {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "“": '"', "”": '"'}
)


def _replace_in(index: int, old: str, new: str) -> Callable[[list[str]], list[str]]:
    def change(paras: list[str]) -> list[str]:
        assert old in paras[index], (index, old)
        paras[index] = paras[index].replace(old, new, 1)
        return paras

    return change


def _drop(index: int) -> Callable[[list[str]], list[str]]:
    return lambda paras: paras[:index] + paras[index + 1 :]


def _swap(a: int, b: int) -> Callable[[list[str]], list[str]]:
    def change(paras: list[str]) -> list[str]:
        paras[a], paras[b] = paras[b], paras[a]
        return paras

    return change


def _split(index: int, at: int) -> Callable[[list[str]], list[str]]:
    return lambda p: [*p[:index], p[index][:at], p[index][at:], *p[index + 1 :]]


def _merge(index: int) -> Callable[[list[str]], list[str]]:
    return lambda p: [*p[:index], p[index] + p[index + 1], *p[index + 2 :]]


def _cut(index: int, at: int) -> Callable[[list[str]], list[str]]:
    return lambda p: [*p[:index], p[index][:at]]


def _traditional(paras: list[str]) -> list[str]:
    import opencc

    s2t = opencc.OpenCC("s2t")
    return [str(s2t.convert(p)) for p in paras]


@dataclass(frozen=True)
class Case:
    """One made witness: its name, the change, how it is written, the findings it must get."""

    name: str
    change: Callable[[list[str]], list[str]]
    expected: tuple[Expected, ...]
    verdict: str
    write: dict[str, Any] = field(default_factory=dict)
    indent: bool = False

    @property
    def filename(self) -> str:
        return f"made-{self.name}.txt"

    def paragraphs(self) -> list[str]:
        paras = self.change(made.made_statement())
        return ["\u3000\u3000" + p for p in paras] if self.indent else paras

    def load(self, directory: Path) -> Document:
        path = made.write_made(directory, self.filename, self.paragraphs(), **self.write)
        return load_copy(str(path))


CASES: tuple[Case, ...] = (
    Case("word", _replace_in(8, "坚决", "强烈"), (("variant", "substantive", 8, 8),), "variant"),
    Case(
        "number",
        _replace_in(10, "今年6月", "今年7月"),
        (("variant", "substantive", 10, 10),),
        "variant",
    ),
    Case(
        "clause",
        _replace_in(23, "新发展阶段", "新发展阶段" + CLAUSE),
        (("variant", "substantive", 23, 23),),
        "variant",
    ),
    Case("dropped", _drop(9), (("missing", "substantive", 9, None),), "variant"),
    Case(
        "added",
        lambda p: [*p[:12], ADDED, *p[12:]],
        (("extra", "substantive", 11, 12),),
        "variant",
    ),
    # Point seven (200 characters) is the lighter of the two: it is the one moved.
    Case("swapped", _swap(17, 18), (("moved", "substantive", 18, 17),), "variant"),
    Case("split", _split(14, 101), (("split", "formal", 14, (14, 15)),), "equivalent"),
    Case("merged", _merge(9), (("merge", "formal", 9, 9),), "equivalent"),
    Case(
        "renumbered",
        _replace_in(18, "七、", "7."),
        (("numbering", "formal", 18, 18),),
        "equivalent",
    ),
    Case("cut", _cut(22, 50), (("truncation", "substantive", 22, 22),), "truncated"),
    Case("traditional", _traditional, (), "identical"),
    Case("half-width", lambda p: [x.translate(HALF_WIDTH) for x in p], (), "identical"),
    Case(
        "crlf-bom-indent",
        lambda p: p,
        (),
        "identical",
        write={"separator": "\r\n\r\n", "bom": True},
        indent=True,
    ),
)


def case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


def reference(directory: Path) -> Document:
    """The made statement as a loaded document, the reference of every case."""
    return load_copy(str(made.write_made(directory, "made-statement.txt", made.made_statement())))
