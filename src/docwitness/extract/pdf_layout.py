"""Lines of a PDF's pages → paragraphs, with running headers and footers taken out.

A PDF has no paragraphs, only lines placed on pages. This module works on plain
:class:`Line` records (text and geometry, no PDF library) so that its rules can
be read and tested on their own:

* :func:`find_furniture` finds running headers, footers and page numbers
  statistically: among the first and last lines of every page, a line whose text
  (digits masked) comes back at the same height on at least half the pages (and
  two or more) is furniture, and so is a page number ("- 3 -", "第3页",
  "3 / 12", "Page 3") in those places. It returns what to drop and a summary
  for the extraction record.
* :func:`build_blocks` rebuilds paragraphs: a paragraph is a run of lines; a
  new one starts where a line is indented, where the previous line ended short
  of the right margin, or after a vertical gap on the same page. Lines set in a
  clearly larger size are headings. A paragraph continues across a page break
  unless the new page's first line says otherwise. Lines are joined with no
  space between CJK characters (:func:`~docwitness.extract.text.join_lines`).
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass

from docwitness.extract.text import join_lines
from docwitness.model import Block, BlockKind

_EDGE_LINES = 2  # headers and footers sit among the first or last two lines of a page
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—\s]*\d{1,5}[-–—\s]*"
    r"|第\s*\d{1,5}\s*页(?:\s*[/，,]?\s*共\s*\d{1,5}\s*页)?"
    r"|第\s*\d{1,5}\s*頁(?:\s*[/，,]?\s*共\s*\d{1,5}\s*頁)?"
    r"|\d{1,5}\s*/\s*\d{1,5}"
    r"|(?:page|p\.)\s*\d{1,5}(?:\s*(?:of|/)\s*\d{1,5})?)$",
    re.IGNORECASE,
)
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text on a page, top-down coordinates in points (pdfplumber's)."""

    page: int  # 1-based
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page_height: float


def tidy_line(text: str) -> str:
    """A line's text without the spaces the layout put between CJK characters."""
    return _SPACE_IN_CJK.sub("", text.strip())


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def _pages_summary(pages: list[int]) -> str:
    pages = sorted(set(pages))
    if len(pages) > 2 and pages[-1] - pages[0] + 1 == len(pages):
        return f"pages {pages[0]}–{pages[-1]}"
    shown = ", ".join(map(str, pages[:10]))
    return f"page{'s' if len(pages) > 1 else ''} {shown}{', …' if len(pages) > 10 else ''}"


def find_furniture(pages: list[list[Line]]) -> tuple[set[tuple[int, int]], list[str]]:
    """(page index, line index) pairs of headers, footers and page numbers, and a summary."""
    drop: set[tuple[int, int]] = set()
    groups: dict[tuple[str, str], list[tuple[int, int, Line]]] = defaultdict(list)
    numbers: dict[str, list[tuple[int, int, Line]]] = defaultdict(list)
    for p, lines in enumerate(pages):
        n = len(lines)
        edges = [(i, "header") for i in range(min(_EDGE_LINES, n))]
        edges += [(i, "footer") for i in range(max(_EDGE_LINES, n - _EDGE_LINES), n)]
        if n <= _EDGE_LINES:
            edges = [
                (i, "footer" if lines[i].top > lines[i].page_height / 2 else "header")
                for i in range(n)
            ]
        for i, zone in edges:
            line = lines[i]
            if _PAGE_NUMBER.match(line.text.strip()):
                numbers[zone].append((p, i, line))
            else:
                groups[(zone, _mask(line.text))].append((p, i, line))

    summary: list[str] = []
    need = max(2, (len(pages) + 1) // 2)
    for (zone, _), members in groups.items():
        median_top = statistics.median(m[2].top for m in members)
        # The same words at another height (the title on page one) are not furniture.
        near = [m for m in members if abs(m[2].top - median_top) <= 4]
        if len({m[0] for m in near}) < need:
            continue
        drop.update((p, i) for p, i, _ in near)
        pages_of = [line.page for _, _, line in near]
        summary.append(
            f"running {zone} on {len(near)} pages ({_pages_summary(pages_of)}): {near[0][2].text}"
        )
    for zone, members in numbers.items():
        drop.update((p, i) for p, i, _ in members)
        pages_of = [line.page for _, _, line in members]
        examples = ", ".join(m[2].text.strip() for m in members[:3])
        summary.append(
            f"page numbers in the {zone} on {len(members)} pages ({_pages_summary(pages_of)}): "
            f"{examples}{', …' if len(members) > 3 else ''}"
        )
    return drop, summary


def _margins(lines: list[Line], size: float) -> tuple[dict[int, float], dict[int, float]]:
    """The left margin and the right edge of full lines, per page (robust to odd/even)."""
    body = [ln for ln in lines if abs(ln.size - size) < 0.5]
    all_left = statistics.mode(round(ln.x0) for ln in body) if body else 0.0
    ends = sorted(ln.x1 for ln in body) or [0.0]
    all_right = ends[int(0.95 * (len(ends) - 1))]
    by_page: dict[int, list[Line]] = defaultdict(list)
    for ln in body:
        by_page[ln.page].append(ln)
    left: dict[int, float] = {}
    right: dict[int, float] = {}
    for page, page_lines in by_page.items():
        if len(page_lines) >= 5:
            left[page] = float(statistics.mode(round(ln.x0) for ln in page_lines))
            right[page] = all_right + (left[page] - all_left)
    return defaultdict(lambda: float(all_left), left), defaultdict(lambda: float(all_right), right)


def build_blocks(lines: list[Line]) -> list[Block]:
    """Paragraphs and headings from the body lines of a document, in reading order."""
    if not lines:
        return []
    # The body's size is the one most text is set in (not the median: a long title
    # in a bigger size must not shift it).
    weight: dict[float, int] = defaultdict(int)
    for ln in lines:
        weight[round(ln.size, 1)] += len(ln.text)
    size = max(weight, key=lambda k: weight[k])
    left, right = _margins(lines, size)
    blocks: list[tuple[BlockKind, int, list[str]]] = []
    prev: Line | None = None
    for line in lines:
        kind: BlockKind = "heading" if line.size >= size * 1.2 else "paragraph"
        if prev is None or not blocks:
            new = True
        elif kind == "heading" or blocks[-1][0] == "heading":
            # A heading continues only onto the next line of the same size.
            new = (
                kind != blocks[-1][0] or prev.page != line.page or abs(prev.size - line.size) > 0.5
            )
        else:
            indented = line.x0 > left[line.page] + 0.6 * line.size
            short = prev.x1 < right[prev.page] - 1.5 * prev.size
            gap = prev.page == line.page and line.top - prev.bottom > 1.2 * line.size
            new = indented or short or gap
        if new:
            blocks.append((kind, line.page, [line.text]))
        else:
            blocks[-1][2].append(line.text)
        prev = line
    return [Block(join_lines(texts), kind, page) for kind, page, texts in blocks]
