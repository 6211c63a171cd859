"""Made families of copies with a known history, built from the statement (tests/made.py).

Every copy here is made: none is a real source. The full family:

- ``made-source``: the statement with a page-break split in ¶7 (mid-sentence),
  a line of site text after ¶12, and one variant of its own in ¶11;
- ``made-copy-a``: copied from made-source, adding two variants (¶3, ¶15);
- ``made-copy-b``: copied from made-source, adding a variant (¶5) and dropping a
  clause (¶18);
- ``made-copy-of-a``: copied from made-copy-a, inheriting its errors and adding
  one (¶20);
- ``made-independent``: made from the statement itself, with two variants of its
  own (¶9, ¶22), and none of made-source's readings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import made

Edit = Callable[[list[str]], list[str]]
SITE_TEXT = "来源:新华网"


def substitute(index: int, at: int, new: str) -> Edit:
    """Replace ``len(new)`` characters of paragraph ``index`` at ``at`` with ``new``."""

    def edit(paras: list[str]) -> list[str]:
        out = list(paras)
        p = out[index]
        assert p[at : at + len(new)] != new
        out[index] = p[:at] + new + p[at + len(new) :]
        return out

    return edit


def drop(index: int, at: int, count: int) -> Edit:
    def edit(paras: list[str]) -> list[str]:
        out = list(paras)
        out[index] = out[index][:at] + out[index][at + count :]
        return out

    return edit


def split(index: int, at: int) -> Edit:
    """Break paragraph ``index`` in two at ``at`` (a page break in mid-sentence)."""

    def edit(paras: list[str]) -> list[str]:
        out = list(paras)
        p = out[index]
        assert p[at - 1] not in "。；！？", "the split must fall mid-sentence"
        out[index : index + 1] = [p[:at], p[at:]]
        return out

    return edit


def insert_after(index: int, line: str) -> Edit:
    def edit(paras: list[str]) -> list[str]:
        return [*paras[: index + 1], line, *paras[index + 1 :]]

    return edit


def apply(paras: list[str], *edits: Edit) -> list[str]:
    for e in edits:
        paras = e(paras)
    return paras


# The edits are made on the statement's paragraph numbers, last ones first where
# a split or an insertion would shift the rest.
OWN_A = (substitute(15, 20, "务必"), substitute(3, 30, "继续"))
OWN_B = (drop(18, 40, 9), substitute(5, 12, "全面"))
OWN_C = (substitute(20, 25, "进一步"),)
OWN_D = (substitute(22, 18, "积极"), substitute(9, 16, "深入"))
SOURCE_OWN = (insert_after(12, SITE_TEXT), substitute(11, 22, "切实"), split(7, 100))


def family() -> dict[str, list[str]]:
    """The full family: id → paragraphs."""
    statement = made.made_statement()
    # Own errors first (on the statement's numbering), then what each inherits.
    a_only = apply(statement, *OWN_A)
    source = apply(statement, *SOURCE_OWN)
    copy_a = apply(a_only, *SOURCE_OWN)
    copy_b = apply(apply(statement, *OWN_B), *SOURCE_OWN)
    copy_of_a = apply(apply(a_only, *OWN_C), *SOURCE_OWN)
    independent = apply(statement, *OWN_D)
    return {
        "made-source": source,
        "made-copy-a": copy_a,
        "made-copy-b": copy_b,
        "made-copy-of-a": copy_of_a,
        "made-independent": independent,
    }


def thin_family() -> dict[str, list[str]]:
    """Three copies of the statement, each with its own errors and none shared, and a
    fourth that shares a single variant with one of them: nothing can be decided."""
    statement = made.made_statement()
    return {
        "made-thin-1": apply(statement, substitute(4, 10, "务必"), substitute(16, 8, "继续")),
        "made-thin-2": apply(statement, substitute(6, 14, "全面"), substitute(19, 30, "积极")),
        "made-thin-3": apply(statement, substitute(8, 12, "深入"), substitute(21, 20, "切实")),
        "made-thin-4": apply(statement, substitute(4, 10, "务必")),
    }


def write_family(
    directory: Path, copies: dict[str, list[str]], reference: str | None = None
) -> Path:
    """Write the copies and a catalogue of them (no official copy); return the catalogue."""
    entries = []
    for wid, paras in copies.items():
        made.write_made(directory, f"{wid}.txt", paras)
        entries.append(
            f'[[witness]]\nid = "{wid}"\nrole = "mirror"\npath = "{wid}.txt"\nformat = "text"\n'
        )
    head = '[document]\nid = "made-family"\ntitle = "made family"\nlanguage = "zh"\n'
    if reference:
        head += f'reference = "{reference}"\n'
    catalogue = directory / "made-family.toml"
    catalogue.write_text(head + "\n" + "\n".join(entries), encoding="utf-8")
    return catalogue
