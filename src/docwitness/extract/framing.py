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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docwitness.model import Block

# The city and agency part of a dateline is short and has no punctuation.
_DATELINE = re.compile(
    r"^\s*(?P<dateline>[\u4e00-\u9fff]{2,16}?[0-9０-９一二三四五六七八九十〇]{1,3}月"
    r"[0-9０-９一二三四五六七八九十〇]{1,3}日\s*[电電])\s*(?P<sep>[/／|｜:：]?)\s*"
)
_LABEL_SUFFIX = re.compile(r"\s*(?P<label>[（(【\[]\s*(?:全文|全文內容|全文内容)\s*[）)】\]])\s*$")
_END_MARK = re.compile(r"\s*(?P<label>[（(【\[]\s*[完終终]\s*[）)】\]])\s*$")

_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_FIELD_NAMES = {
    "来源": "source",
    "來源": "source",
    "稿源": "source",
    "出处": "source",
    "责任编辑": "editor",
    "責任編輯": "editor",
    "编辑": "editor",
    "編輯": "editor",
    "作者": "author",
    "记者": "author",
    "記者": "author",
    "发布时间": "date",
    "發佈時間": "date",
    "时间": "date",
    "時間": "date",
}
_FIELD = re.compile(
    r"[\[【(（]?\s*(?P<name>" + "|".join(sorted(_FIELD_NAMES, key=len, reverse=True)) + r")"
    r"\s*[:：]\s*(?P<value>[^\s\]】)）]*)\s*[\]】)）]?"
)
# Chrome that portals print inside the article's column.
_CHROME = re.compile(
    r"(?:当前位置|當前位置|您的位置|你的位置)\s*[:：].*"
    r"|参与评论\s*[(（]?\s*\d*\s*[)）]?\s*人|參與評論\s*[(（]?\s*\d*\s*[)）]?\s*人"
    r"|字号\s*[:：]?\s*(?:[大中小]\s*)*|字號\s*[:：]?\s*(?:[大中小]\s*)*"
    r"|分享到\s*[:：]?|打印|列印|关闭|關閉|收藏|【?纠错】?|【?糾錯】?"
    r"|[（(【\[]\s*[完終终]\s*[）)】\]]"
)
_PAGER = re.compile(r"(?:上一页|下一页|上一頁|下一頁|首页|首頁|尾页|尾頁|末页|末頁|\d{1,3}|[|｜])")
_PAGER_WORD = re.compile(r"上一页|下一页|上一頁|下一頁")
_MAX_FRAMING = 160  # a framing line is short; a longer block is the document's text


@dataclass
class Framing:
    """The blocks with framing taken out, and what was taken."""

    blocks: list[Block]
    removed: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


def parse_byline(text: str) -> dict[str, str] | None:
    """The claims of a line made only of framing (date, source, editor…); None otherwise."""
    line = text.strip()
    if not line or len(line) > _MAX_FRAMING:
        return None
    claims: dict[str, str] = {}
    rest = line
    for m in _FIELD.finditer(line):
        key = _FIELD_NAMES[m.group("name")]
        if m.group("value"):
            claims.setdefault(key, m.group("value"))
        rest = rest.replace(m.group(0), " ", 1)
    date = re.search(rf"{_DATE}(?:\s*{_TIME})?", rest)
    if date:
        claims.setdefault("date", re.sub(r"\s+", " ", date.group(0)))
        rest = rest.replace(date.group(0), " ", 1)
    rest = _CHROME.sub(" ", rest)
    if _PAGER_WORD.search(rest):
        rest = _PAGER.sub(" ", rest)
        claims.setdefault("pager", "yes")
    if rest.strip(" \t\u3000|｜/·•-—_"):
        return None
    if set(claims) == {"date"} and not re.search(rf"{_TIME}|\d[-/.]\d", claims["date"]):
        # "2017年7月4日" alone may be the document's own date line: keep it as text.
        return None
    return claims


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
        m = _DATELINE.match(block.text)
        if m and len(block.text) > m.end():
            out.metadata.setdefault("dateline", m.group("dateline"))
            out.removed.append(f"dateline: {block.text[: m.end()].strip()}")
            out.blocks[i] = Block(block.text[m.end() :].strip(), block.kind, block.page)
            break

    # "（全文）" labels the title of a full-text reposting; it is not part of the title.
    for i, block in enumerate(out.blocks[:2]):
        m = _LABEL_SUFFIX.search(block.text)
        if m and m.start() > 0:
            out.removed.append(f"label: {m.group('label')}")
            out.blocks[i] = Block(block.text[: m.start()], block.kind, block.page)

    # "（完）" closes a news item; it is glued to the last paragraph.
    if out.blocks:
        last = out.blocks[-1]
        m = _END_MARK.search(last.text)
        if m and m.start() > 0:
            out.removed.append(f"end-mark: {m.group('label')}")
            out.blocks[-1] = Block(last.text[: m.start()], last.kind, last.page)
    return out
