"""One witness from several captures: an article paginated over several pages.

Chinese sites split long articles into ``_1.html``, ``_2.html``…; each page is
captured and extracted on its own, then :func:`combine_pages` makes one
extraction of them, in order:

* every block is tagged with the page it came from (1-based);
* the title each later page repeats is dropped and listed in ``removed``;
* a paragraph the site cut at the page boundary (the page's last block does not
  end a sentence, the next page's first block is not a heading) is joined
  again, and the join listed in ``metadata["joined_across_pages"]``;
* ``removed`` entries are prefixed with their page; ``metadata`` keeps the
  first page's claims, and ``pages`` says how many were combined.
"""

from __future__ import annotations

from collections.abc import Sequence

from docwitness.errors import ExtractionError
from docwitness.extract.text import join_lines
from docwitness.model import Block, Extraction

# A paragraph that ends with one of these was not cut by the page break.
_SENTENCE_END = tuple("。！？!?；;：:…”」』）)】]")


def _same(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def combine_pages(extractions: Sequence[Extraction], source: str = "") -> Extraction:
    """Join the extractions of a paginated copy's pages into one, in the order given."""
    if not extractions:
        raise ExtractionError(source, "no pages to combine")
    first = extractions[0]
    title = first.metadata.get("title")
    blocks: list[Block] = []
    removed: list[str] = []
    warnings: list[str] = []
    joined: list[str] = []
    metadata: dict[str, str] = {}
    for n, ext in enumerate(extractions, start=1):
        page_blocks = [Block(b.text, b.kind, b.page or n) for b in ext.blocks]
        if n > 1 and page_blocks and title and _same(page_blocks[0].text, title):
            removed.append(f"page {n}: repeated-title: {page_blocks[0].text}")
            page_blocks = page_blocks[1:]
        if (
            blocks
            and page_blocks
            and page_blocks[0].kind == "paragraph"
            and blocks[-1].kind == "paragraph"
            and not blocks[-1].text.rstrip().endswith(_SENTENCE_END)
        ):
            last = blocks.pop()
            blocks.append(
                Block(join_lines([last.text, page_blocks[0].text]), "paragraph", last.page)
            )
            joined.append(str(n))
            page_blocks = page_blocks[1:]
        blocks.extend(page_blocks)
        removed.extend(f"page {n}: {r}" for r in ext.removed)
        warnings.extend(f"page {n}: {w}" for w in ext.warnings)
        for key, value in ext.metadata.items():
            metadata.setdefault(key, value)
        if ext.encoding != first.encoding:
            warnings.append(
                f"page {n}: encoding {ext.encoding} differs from page 1 ({first.encoding})"
            )
    metadata["pages"] = str(len(extractions))
    if joined:
        metadata["joined_across_pages"] = ",".join(joined)
    return Extraction(
        blocks=tuple(blocks),
        extractor=first.extractor,
        extractor_version=first.extractor_version,
        libraries=dict(first.libraries),
        encoding=first.encoding,
        encoding_evidence=dict(first.encoding_evidence),
        replacement_chars=sum(e.replacement_chars for e in extractions),
        removed=tuple(removed),
        metadata=metadata,
        warnings=tuple(warnings),
    )
