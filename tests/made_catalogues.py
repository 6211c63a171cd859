"""Made catalogues for runs over many documents: each a made statement with made variants.

Every copy is made from the seed (:mod:`made`) and named ``made-…``; document n's
copies carry its number in the title line, so no two documents share their texts.
"""

from __future__ import annotations

from pathlib import Path

import made
import made_variants

# The variants a document's witnesses are made with, in turn: one is the reference
# (made-official), the others a reworded, a cut, a split and a Traditional-script copy.
VARIANTS = ("word", "cut", "split", "traditional")


def make_catalogues(folder: Path, documents: int, witnesses: int = 5) -> Path:
    """``documents`` catalogues of ``witnesses`` local copies each, in ``folder``; the
    folder of catalogues. Every fourth document's copies are all identical."""
    cats = folder / "catalogues"
    cats.mkdir(parents=True, exist_ok=True)
    base = made.made_statement()
    cases = [made_variants.case(name) for name in VARIANTS]
    for n in range(documents):
        doc = f"made-doc-{n:06d}"
        copies = cats / "copies" / doc
        copies.mkdir(parents=True, exist_ok=True)
        title = f"{base[0]}（made copy {n}）"
        lines = [
            "[document]",
            f'id = "{doc}"',
            f'title = "made {n}"',
            'language = "zh"',
            "",
        ]
        for w in range(witnesses):
            if w == 0 or n % 4 == 0:
                paras, name = [title, *base[1:]], f"made-copy-{w}"
            else:
                case = cases[(n + w) % len(cases)]
                changed = case.change(list(base))
                paras, name = [title if changed[0] == base[0] else changed[0], *changed[1:]], (
                    f"made-{case.name}"
                )
            path = made.write_made(copies, f"{name}-{w}.txt", paras)
            role = "official" if w == 0 else "mirror"
            lines += [
                "[[witness]]",
                f'id = "made-w{w}"',
                f'role = "{role}"',
                f'path = "{path.relative_to(cats)}"',
                'format = "text"',
                "",
            ]
        (cats / f"{doc}.toml").write_text("\n".join(lines), encoding="utf-8")
    return cats
