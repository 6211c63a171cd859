"""Made copies of the statement, built from the one real copy we hold (the seed).

Every function here makes a copy for a test; none of them is a real source.
The seed is the yunbaogao aggregator preview committed under sources/.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "sources" / "cn-ru-joint-statement-2017" / "yunbaogao-11_1036-preview.md"
TITLE = "中华人民共和国和俄罗斯联邦关于当前世界形势和重大国际问题的联合声明"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def seed_paragraphs() -> list[str]:
    """The seed's paragraphs as written, Markdown markup and all (blank-line separated)."""
    return [p.strip() for p in seed_text().split("\n\n") if p.strip()]


def made_statement() -> list[str]:
    """A made plain-text statement from the seed: the title and the body, nothing else.

    The aggregator's heading echo, date line, footer and link are dropped, the
    page-break split in point six is mended, and point ten, which the seed cuts
    off mid-sentence, is left out: what remains is text the seed really carries.
    """
    paras = seed_paragraphs()
    body: list[str] = [TITLE]
    for p in paras:
        if p.startswith(("#", "2017-07-05", "**", "[", "1. ")):
            continue
        body.append(p)
    mended: list[str] = []
    for p in body:
        if mended and mended[-1].endswith("发挥关键作"):
            mended[-1] += p
        else:
            mended.append(p)
    return mended


def write_made(
    directory: Path,
    name: str,
    paragraphs: list[str],
    *,
    encoding: str = "utf-8",
    separator: str = "\n\n",
    bom: bool = False,
) -> Path:
    """Write a made copy as plain text; ``name`` should say that it is made."""
    path = directory / name
    data = separator.join(paragraphs) + separator.rstrip("\n") + "\n"
    raw = data.encode(encoding)
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    path.write_bytes(raw)
    return path


def write_catalogue(
    directory: Path,
    witnesses: list[tuple[str, str, str]],
    *,
    reference: str | None = None,
    name: str = "made-catalogue.toml",
) -> Path:
    """A made catalogue of local witnesses, each (id, role, path relative to ``directory``)."""
    lines = ['[document]', 'id = "made-statement"', 'title = "made"', 'language = "zh"']
    if reference:
        lines.append(f'reference = "{reference}"')
    for wid, role, path in witnesses:
        lines += ["", "[[witness]]", f'id = "{wid}"', f'role = "{role}"', f'path = "{path}"']
    catalogue = directory / name
    catalogue.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return catalogue
