"""Made copies for the single-copy checks: Russian and English statements, and builders.

Everything here is made for a test; none of it is a real source. The Russian
and English statements below are short texts written for these tests in the
shape the field notes describe (Roman or Arabic points, lettered sub-items, a
place-and-date closing line); they are not the real Russian or English text.
"""

from __future__ import annotations

from pathlib import Path

import made
from docwitness.model import Block, BlockKind, Document, Extraction
from docwitness.normalise import build_document
from docwitness.pipeline import load_copy

RU_TITLE = (
    "Совместное заявление Российской Федерации и Китайской Народной Республики"
    " о текущей ситуации в мире и важнейших международных проблемах"
)
EN_TITLE = "Joint Statement on the Current World Situation and Major International Issues"


def made_ru_statement() -> list[str]:
    """A made, complete Russian statement: Roman points, Cyrillic sub-items, a closing line."""
    return [
        RU_TITLE,
        "Российская Федерация и Китайская Народная Республика (далее – Стороны)"
        " заявляют следующее:",
        "I. Стороны считают, что международная система развивается в сторону многополярности.",
        "Стороны отмечают рост влияния развивающихся стран и их вклад в мировую экономику.",
        "II. Стороны подчёркивают центральную роль Организации Объединённых Наций:",
        "а) в поддержании международного мира и безопасности;",
        "б) в содействии общему развитию;",
        "в) в продвижении международного сотрудничества.",
        "III. Стороны решительно осуждают терроризм во всех его формах и проявлениях.",
        "Стороны призывают международное сообщество сформировать единый антитеррористический"
        " фронт.",
        "IV. Стороны выступают за открытую мировую экономику и против протекционизма.",
        "Москва, 4 июля 2017 года",
    ]


def made_en_statement() -> list[str]:
    """A made, complete English statement: Arabic points and a closing line."""
    return [
        EN_TITLE,
        "The two Parties declare as follows:",
        "1. The Parties believe that the international system is moving towards multipolarity.",
        "At the same time, global economic growth remains weak and uneven.",
        "2. The Parties note that the United Nations should continue to play a central role"
        " in global governance.",
        "3. The Parties condemn terrorism in all its forms and manifestations.",
        "4. The Parties support an open world economy and oppose protectionism in all its forms.",
        "Moscow, 4 July 2017",
    ]


def made_document(
    paragraphs: list[str] | list[str | tuple[str, BlockKind]], witness: str = "made-copy"
) -> Document:
    """A made copy as a Document, through the real normalisation; no file, no extractor.

    A paragraph given as ``(text, "heading")`` becomes a heading block.
    """
    blocks = tuple(Block(p[0], p[1]) if isinstance(p, tuple) else Block(p) for p in paragraphs)
    extraction = Extraction(blocks=blocks, extractor="made", extractor_version="0")
    return build_document(witness, witness, "sha256:" + "0" * 64, extraction)


def load_made(directory: Path, name: str, paragraphs: list[str]) -> Document:
    """Write a made copy (``name`` must say it is made) and load it like any copy."""
    assert name.startswith("made-"), "a made fixture says so in its name"
    return load_copy(str(made.write_made(directory, name, paragraphs)))


def seed_body() -> list[str]:
    """The seed's Markdown paragraphs without its aggregator footer (the last two)."""
    paras = made.seed_paragraphs()
    assert paras[-2].startswith("**预览已结束")
    return paras[:-2]
