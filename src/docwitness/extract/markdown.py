"""Markdown copies, parsed with markdown-it-py (CommonMark).

Markup, link syntax and backslash escapes are removed; a link keeps its text.
Headings become blocks of kind ``heading``. An ordered list item keeps its
number ("1. …"): in a copied document that number is the point's numbering,
evidence a collation must see.
"""

from __future__ import annotations

from docwitness import __version__
from docwitness.extract.text import decode_text
from docwitness.model import Block, BlockKind, Capture, Extraction


def _inline_text(token: object) -> str:
    children = getattr(token, "children", None) or []
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


class MarkdownExtractor:
    """The work of the ``markdown`` format, :class:`docwitness.extract.MarkdownFormat`."""

    def extract(self, capture: Capture, select: str | None = None) -> Extraction:
        from markdown_it import MarkdownIt

        from docwitness.extract.text import join_lines

        decoded = decode_text(capture)
        tokens = MarkdownIt("commonmark").parse(decoded.text)
        blocks: list[Block] = []
        kind: BlockKind = "paragraph"
        prefix = ""
        for tok in tokens:
            if tok.type == "heading_open":
                kind = "heading"
            elif tok.type == "heading_close":
                kind = "paragraph"
            elif tok.type == "list_item_open" and tok.info:
                prefix = f"{tok.info}{tok.markup} "
            elif tok.type == "list_item_open":
                prefix = ""
            elif tok.type in ("inline", "code_block", "fence"):
                text = _inline_text(tok) if tok.type == "inline" else tok.content
                text = join_lines(text.split("\n"))
                if text:
                    blocks.append(Block(prefix + text, kind))
                prefix = ""
        return Extraction(
            blocks=tuple(blocks),
            extractor="markdown",
            extractor_version=__version__,
            libraries={"markdown-it-py": _markdown_it_version()},
            encoding=decoded.encoding,
            encoding_evidence={**decoded.evidence, "chosen_by": decoded.chosen_by},
            replacement_chars=decoded.replacement_chars,
        )


def _markdown_it_version() -> str:
    # The library's own attribute: importlib.metadata costs more start-up than the parse.
    import markdown_it

    return str(markdown_it.__version__)
