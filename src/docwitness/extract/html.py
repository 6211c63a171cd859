"""HTML copies, parsed with beautifulsoup4 and lxml.

Contract: ``HtmlExtractor().extract(capture, select)`` returns the document's
text as blocks, one per paragraph or heading *as the markup draws them* (p,
div, li, br, headings; a heading becomes a block of kind ``heading``; an item of
an ordered list keeps the number a browser shows). Entities are decoded; hidden
text (``display:none``, ``visibility:hidden``, the ``hidden`` attribute,
``aria-hidden="true"``) is never taken.

With ``select`` (a CSS selector from the catalogue) exactly the first matching
element is read, and no match is an :class:`~docwitness.errors.ExtractionError`
naming the selector. Without it the article body is found by structure: the
element holding most text in paragraph-like children, after site chrome (nav,
header, footer, aside, forms, share/comment/related blocks, pagers, Wikisource's
``noexport`` boxes) is taken out; the title is the nearest ``h1`` (or
title-classed element) before the body. Lines between title and body, datelines
glued to the title, "（全文）", "来源：…", "责任编辑：…", "（完）" become metadata
and ``removed`` entries (see :mod:`docwitness.extract.framing`). Chrome and
hidden text taken out are listed in ``removed`` (label, then text, cut at 200
characters); text outside both the article and the chrome (a sidebar without a
telling class, say) is neither extracted nor listed. ``metadata`` records the
body's path (``body``) or the selector (``select``), the page's ``<title>``
(``html_title``), the ``title`` and the framing's claims (date, source, editor,
author, dateline).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from docwitness import __version__
from docwitness.errors import ExtractionError
from docwitness.extract.framing import parse_byline, separate_framing
from docwitness.extract.html_tree import (
    MAX_DEPTH,
    bottom_up,
    child_tags,
    elements,
    flatten_deep,
    preorder,
)
from docwitness.extract.text import decode_text
from docwitness.model import Block, BlockKind, Capture, Extraction

if TYPE_CHECKING:
    from bs4 import BeautifulSoup
    from bs4.element import Tag

# Never text: dropped without a record.
_NOT_TEXT = ("script", "style", "template", "noscript", "svg", "canvas", "object", "embed")
# Site chrome: dropped, and its visible text recorded in ``removed``.
_CHROME_TAGS = (
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "textarea",
    "iframe",
)
_CHROME_TOKEN = re.compile(
    r"(?:^|[-_])(?:nav|navbar|navbox|navigation|menu|breadcrumbs?|crumbs?|share|sharing|social"
    r"|comments?|related|sidebar|side|footer|toolbar|copyright|advert|ads|banner|pager|pages"
    r"|pagination|pagebox|noprint|noexport|catlinks|printfooter|jump|sitesub|contentsub"
    r"|headertemplate|ws-header|login|search|share-box)(?:[-_]|$)",
    re.IGNORECASE,
)
_RELATED = re.compile(
    r"^(?:相关阅读|相关新闻|延伸阅读|推荐阅读|相关链接|相关文章|相关报道|相關閱讀|相關新聞|延伸閱讀"
    r"|相關報導|相關鏈接|related(?: reading| articles| stories| links)?)\s*[:：]?$",
    re.IGNORECASE,
)
# Elements that may hold a related-reading label, and the most characters other
# than white space that any label of _RELATED has ("related articles:").
_RELATED_LABELS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b"))
_RELATED_MAX = 24
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = frozenset(
    (
        *_HEADINGS,
        *("p", "div", "section", "article", "main", "blockquote", "li", "ul", "ol", "dl", "dd"),
        *("dt", "table", "tbody", "thead", "tr", "td", "th", "pre", "center", "figure"),
        *("figcaption", "address", "hr", "body", "html"),
    )
)
_LEAFY = frozenset(("div", "td", "li", "blockquote", "section", "pre", "dd"))
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_BREAK_IN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v]*\n[\s]*(?=[{_CJK}])")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_EDGE = " \t\r\n\f\v\u00a0\u3000"
_RECORD_MAX = 200


def _tidy(text: str) -> str:
    """Collapse markup white space; a line break between CJK characters is no space."""
    return _SPACES.sub(" ", _BREAK_IN_CJK.sub("", text)).strip(_EDGE)


def _record(label: str, text: str) -> str:
    # Pieces of removed chrome stay apart ("首页 新闻"), unlike wrapped lines of text.
    text = _SPACES.sub(" ", text).strip(_EDGE)
    return f"{label}: {text[:_RECORD_MAX]}{'…' if len(text) > _RECORD_MAX else ''}"


def _classes(tag: Tag) -> list[str]:
    return [str(c) for c in tag.get_attribute_list("class") if c]


def _describe(tag: Tag) -> str:
    ident = tag.get("id")
    classes = _classes(tag)
    out = str(tag.name)
    if ident:
        out += f"#{ident}"
    if classes:
        out += "." + ".".join(classes)
    return out


def _tokens(tag: Tag) -> list[str]:
    classes = _classes(tag)
    ident = tag.get("id")
    return [*classes, *([str(ident)] if ident else [])]


def _is_hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(str(tag.get("style", ""))))


def _drop(tag: Tag, removed: list[str], label: str) -> None:
    text = " ".join(tag.stripped_strings)
    if text.strip(_EDGE):
        removed.append(_record(label, text))
    tag.decompose()


def _clean(root: Tag, removed: list[str], chrome: bool, keep: Tag | None = None) -> None:
    """Drop non-text, hidden elements and (with ``chrome``) site chrome under ``root``.

    Each step is one walk of the tree, and what it asks of an element's subtree
    (its paragraphs' text, an ``h1`` in it, how much text it holds) is summed from
    the leaves up beforehand, so the time grows with the page, not its square.
    """

    def not_text(tag: Tag) -> bool:
        if tag.name in _NOT_TEXT:
            tag.decompose()
            return False
        return True

    def hidden(tag: Tag) -> bool:
        if _is_hidden(tag):
            _drop(tag, removed, "hidden")
            return False
        return True

    preorder(root, not_text)
    preorder(root, hidden)
    if not chrome:
        return
    order = elements(root)
    paragraphs = bottom_up(order, lambda t: len(t.get_text().strip(_EDGE)) if t.name == "p" else 0)
    h1s = bottom_up(order, lambda t: t.name == "h1")
    total = paragraphs[id(root)]

    def site_chrome(tag: Tag) -> bool:
        if tag is keep:
            return True
        name = str(tag.name)
        chromy = name in _CHROME_TAGS or any(_CHROME_TOKEN.search(t) for t in _tokens(tag))
        # An article's own <header> holds its title, and whole pages sit in a <form>
        # (ASP.NET) or a "main-side" wrapper: never drop what holds the article.
        if not chromy or h1s[id(tag)] or paragraphs[id(tag)] * 2 > total > 0:
            return True
        _drop(tag, removed, f"chrome {_describe(tag)}")
        return False

    preorder(root, site_chrome)
    order = elements(root)
    solid = bottom_up(order, _solid_chars)
    gone: set[int] = set()

    def related(tag: Tag) -> bool:
        if id(tag) in gone:
            return False
        if (
            tag.name not in _RELATED_LABELS
            or solid[id(tag)] > _RELATED_MAX
            or not _RELATED.match(_tidy(tag.get_text()))
        ):
            return True
        # The label and the link lists after it form the block.
        for sib in _tags_after(tag):
            if sib.name not in ("ul", "ol", "div", "p", "li", "dl") or not sib.find("a"):
                break
            gone.add(id(sib))
            _drop(sib, removed, "related")
        _drop(tag, removed, "related")
        return False

    preorder(root, related)


def _tags_after(tag: Tag) -> Iterator[Tag]:
    """The elements after ``tag`` under its parent, read one at a time."""
    from bs4.element import Tag

    sib = tag.next_sibling
    while sib is not None:
        after = sib.next_sibling  # taken before the caller drops ``sib``
        if isinstance(sib, Tag):
            yield sib
        sib = after


def _solid_chars(tag: Tag) -> int:
    """Characters of ``tag``'s own text that are not white space (at most what a
    reader of it after :func:`_tidy` sees)."""
    from bs4.element import NavigableString

    count = 0
    for s in tag.contents:
        if type(s) is NavigableString:
            count += len(s) - sum(s.count(c) for c in _EDGE)
    return count


def _own_text(tag: Tag) -> int:
    from bs4.element import NavigableString

    return sum(len(s.strip(_EDGE)) for s in tag.children if isinstance(s, NavigableString))


def _find_body(soup: BeautifulSoup) -> Tag | None:
    """The element holding most text in paragraph-like children."""
    tags = soup.find_all(True)
    # Children come after their parents in document order: walk backwards to
    # know, for every element, whether it has block-level descendants.
    has_block: dict[int, bool] = {}
    for tag in reversed(tags):
        has_block[id(tag)] = any(
            c.name in _BLOCKS or has_block.get(id(c), False) for c in child_tags(tag)
        )
    scores: dict[int, int] = {}
    owners: dict[int, Tag] = {}
    for tag in tags:
        parent = tag.parent
        leafy = tag.name == "p" or (tag.name in _LEAFY and not has_block[id(tag)])
        if leafy and parent is not None and parent.name != "[document]":
            scores[id(parent)] = scores.get(id(parent), 0) + len(_tidy(tag.get_text()))
            owners[id(parent)] = parent
        own = _own_text(tag)
        if own and tag.name not in ("p", "a", "span", "h1", "h2", "h3", "h4", "h5", "h6"):
            scores[id(tag)] = scores.get(id(tag), 0) + own
            owners[id(tag)] = tag
    if not scores:
        return None
    return owners[max(scores, key=lambda k: scores[k])]


def _find_title(soup: BeautifulSoup, body: Tag) -> Tag | None:
    """The nearest h1 (else a title-classed element, else h2) before the body."""
    if body.find(["h1"]) is not None:
        return None

    def before(tag: Tag) -> bool:
        return body not in tag.parents and tag not in body.parents

    position = {id(t): n for n, t in enumerate(soup.find_all(True))}

    def precedes(tag: Tag) -> bool:
        return position[id(tag)] < position[id(body)]

    def title_classed(tag: Tag) -> bool:
        return any(re.search("title|headline", k) for k in _tokens(tag))

    for candidates in (soup.find_all("h1"), soup.find_all(title_classed), soup.find_all("h2")):
        found = [t for t in candidates if before(t) and precedes(t) and _tidy(t.get_text())]
        if found:
            return found[-1]
    return None


def _between(title: Tag, body: Tag) -> list[str]:
    """Text a reader sees between the title and the body, one string per block."""
    from bs4.element import NavigableString

    lines: dict[int, list[str]] = {}
    order: list[int] = []
    for el in title.next_elements:
        if el is body:
            break
        if isinstance(el, NavigableString) and title not in el.parents and el.strip(_EDGE):
            if type(el) is not NavigableString:
                continue  # a comment or CDATA is not shown
            parent = next((p for p in el.parents if p.name in _BLOCKS), None)
            key = id(parent)
            if key not in lines:
                lines[key] = []
                order.append(key)
            lines[key].append(str(el))
    return [t for t in (_tidy(" ".join(lines[k])) for k in order) if t]


def blocks_of(root: Tag) -> list[Block]:
    """The blocks the markup under ``root`` draws, in reading order."""
    from bs4.element import NavigableString, Tag

    out: list[Block] = []
    buf: list[str] = []

    def flush(kind: BlockKind = "paragraph") -> None:
        text = _tidy("".join(buf))
        buf.clear()
        if text:
            out.append(Block(text, kind))

    def walk(node: Tag) -> None:
        number = int(str(node.get("start", "1"))) if node.name == "ol" else 0
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, CDATA or doctype
                    buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            if child.name == "br":
                flush()
            elif child.name in _HEADINGS:
                flush()
                walk(child)
                flush("heading")
            elif child.name in _BLOCKS:
                flush()
                if child.name == "li" and node.name == "ol":
                    # A browser shows the number; in a copy it is the point's numbering.
                    buf.append(f"{number}. ")
                    number += 1
                walk(child)
                flush()
            else:
                walk(child)

    if root.name in _HEADINGS:
        walk(root)
        flush("heading")
    else:
        walk(root)
        flush()
    return out


def _css_path(tag: Tag) -> str:
    parts = [_describe(t) for t in [tag, *tag.parents] if t.name not in (None, "[document]")]
    return " > ".join(reversed(parts))


class HtmlExtractor:
    """The work of the ``html`` format, :class:`docwitness.extract.HtmlFormat`."""

    def extract(self, capture: Capture, select: str | None = None) -> Extraction:
        from bs4 import BeautifulSoup

        decoded = decode_text(capture, html=True)
        soup = BeautifulSoup(decoded.text, "lxml")
        removed: list[str] = []
        metadata: dict[str, str] = {}
        if soup.title is not None and soup.title.string:
            metadata["html_title"] = _tidy(str(soup.title.string))
        if soup.head is not None:
            soup.head.decompose()
        warnings: list[str] = []
        flattened = flatten_deep(soup, _BLOCKS, lambda tag: self._skip(tag, removed))
        if flattened:
            warnings.append(
                f"html: nesting deeper than {MAX_DEPTH} levels was flattened"
                f" ({flattened} element{'s' if flattened != 1 else ''})"
            )

        blocks: list[Block] = []
        if select is not None:
            try:
                root = soup.select_one(select)
            except Exception as exc:  # soupsieve raises its own SelectorSyntaxError
                raise ExtractionError(
                    capture.source, f"invalid selector {select!r}: {exc}"
                ) from exc
            if root is None:
                raise ExtractionError(capture.source, f"selector {select!r} matches nothing")
            metadata["select"] = select
            _clean(root, removed, chrome=True, keep=root)
            blocks = blocks_of(root)
        else:
            _clean(soup, removed, chrome=True)
            body = _find_body(soup)
            if body is None:
                raise ExtractionError(capture.source, "no article text found in the page")
            metadata["body"] = _css_path(body)
            title = _find_title(soup, body)
            if title is not None:
                blocks.extend(Block(b.text, "heading") for b in blocks_of(title))
                for line in _between(title, body):
                    claims = parse_byline(line)
                    removed.append(_record("byline" if claims is not None else "between", line))
                    for key, value in (claims or {}).items():
                        if key != "pager":
                            metadata.setdefault(key, value)
            blocks.extend(blocks_of(body))

        framing = separate_framing(blocks)
        for key, value in framing.metadata.items():
            metadata.setdefault(key, value)
        heading = next((b.text for b in framing.blocks if b.kind == "heading"), None)
        if heading:
            metadata["title"] = heading
        return Extraction(
            blocks=tuple(framing.blocks),
            extractor="html",
            extractor_version=__version__,
            libraries=_library_versions(),
            encoding=decoded.encoding,
            encoding_evidence={**decoded.evidence, "chosen_by": decoded.chosen_by},
            replacement_chars=decoded.replacement_chars,
            removed=(*removed, *framing.removed),
            metadata=metadata,
            warnings=tuple(warnings),
        )

    @staticmethod
    def _skip(tag: Tag, removed: list[str]) -> bool:
        """Whether an element being flattened is left out: non-text, or hidden (recorded)."""
        if tag.name in _NOT_TEXT:
            return True
        if _is_hidden(tag):
            text = " ".join(tag.stripped_strings)
            if text.strip(_EDGE):
                removed.append(_record("hidden", text))
            return True
        return False


def _library_versions() -> dict[str, str]:
    import bs4
    import lxml

    return {"beautifulsoup4": str(bs4.__version__), "lxml": str(lxml.__version__)}
