"""Editorial framing glued to a document's text: datelines, bylines, labels.

News and portal copies wrap the document in framing that is the publisher's,
not the document's: a dateline glued before the title ("中評社北京7月5日電/",
"新华社莫斯科7月4日电"), a label after it ("（全文）"), date and source lines
("2017-07-05 05:42:41 来源：新华网"), an editor's signature ("责任编辑：…"),
an end mark ("（完）") and pager links ("上一页 1 2 下一页").

:func:`separate_framing` takes such framing out of a list of blocks and returns
it separately: the claims it makes (date, source, editor, dateline) as metadata,
and the framing text itself as ``removed`` entries, so a report can show both.
A block is only taken whole when every part of it is recognised framing, so a
paragraph of the document is never removed because it mentions a date.

The patterns are the ones collation and the single-copy checks use
(:mod:`docwitness.rules`), so what extraction sets aside and what a comparison
calls framing are the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docwitness.model import Block
from docwitness.rules import DATELINE, END_MARK, TITLE_LABEL, parse_byline

__all__ = ["Framing", "parse_byline", "separate_framing"]

@dataclass
class Framing:
    """The blocks with framing taken out, and what was taken."""

    blocks: list[Block]
    removed: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


def separate_framing(blocks: list[Block]) -> Framing:
    """Take datelines, labels, bylines and end marks out of ``blocks``."""
    out = Framing(blocks=[])
    for block in blocks:
        claims = parse_byline(block.text)
        if claims is None:
            out.blocks.append(block)
            continue
        out.removed.append(f"byline: {block.text.strip()}")
        for key, value in claims.items():
            if key != "pager":
                out.metadata.setdefault(key, value)

    # A dateline is glued to the start of the title or of the first paragraph.
    for i, block in enumerate(out.blocks[:3]):
        m = DATELINE.match(block.text)
        if m and len(block.text) > m.end():
            out.metadata.setdefault("dateline", m.group("dateline"))
            out.removed.append(f"dateline: {block.text[: m.end()].strip()}")
            out.blocks[i] = Block(block.text[m.end() :].strip(), block.kind, block.page)
            break

    # "（全文）" labels the title of a full-text reposting; it is not part of the title.
    for i, block in enumerate(out.blocks[:2]):
        m = TITLE_LABEL.search(block.text)
        if m and m.start() > 0:
            out.removed.append(f"label: {m.group('label')}")
            out.blocks[i] = Block(block.text[: m.start()], block.kind, block.page)

    # "（完）" closes a news item; it is glued to the last paragraph.
    if out.blocks:
        last = out.blocks[-1]
        m = END_MARK.search(last.text)
        if m and m.start() > 0:
            out.removed.append(f"end-mark: {m.group('label')}")
            out.blocks[-1] = Block(last.text[: m.start()], last.kind, last.page)
    return out
