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
* :func:`read_body` rebuilds paragraphs as a typesetter set them. It finds the
  document's convention (:func:`find_convention`): a first-line indent, space
  between paragraphs, or only a short last line, and applies it. A line ends
  its paragraph only if the next line's first word (:attr:`Line.head`) would
  have fitted in the space left on it, measured against the full lines that
  start at the same x in the same column (on a character grid first lines and
  continuation lines end at different places); where indents mark
  paragraphs, a flush line continues unless the line before it stops well
  short (a quarter of the line). A vertical gap larger than the line pitch
  always ends a paragraph. Lines set in a clearly larger size are headings,
  and so is a title set over several centred lines. A paragraph continues
  across a column or page break unless its first line there says otherwise.
  Lines are joined with no space between CJK characters and one otherwise
  (:func:`~docwitness.extract.text.join_lines`); a word hyphenated at a line
  end is mended when the next line starts lower-case and the document does
  not write the hyphenated form elsewhere, and a real hyphen is kept.
* :func:`split_footnotes` keeps the notes at the foot of a page (under a rule
  or smaller, starting with a note mark) apart from the text; a mark set small
  and raised in a line (:attr:`Line.marks`) that one of them starts with is
  taken out of the line's text.
* :func:`describe` is the extraction record's account of all this.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import pairwise

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
    head: float = 0.0  # the width the first word takes (one CJK character, or a word and a space)
    column: int = 0  # 1, 2, 3 on a page set in columns; 0 for one column or across them
    below_rule: bool = False  # under a rule drawn across the lower half of the page
    marks: tuple[str, ...] = ()  # note marks set small and raised in the line ("¹", "①")
    unmarked: str | None = None  # the text without them, when it has any


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


# --------------------------------------------------------------------------- paragraphs

INDENT = "first-line indent"
SPACE = "space between paragraphs"
SHORT = "short last line"

_NOTE_MARK = re.compile(
    r"^(?:\d{1,3}(?=[\s.)）、\u4e00-\u9fff\u0400-\u04ffA-Za-z])|[\u2460-\u2473\u2776-\u277f]"
    r"|\*+|†|‡|\[\d{1,3}\]|[（(]\d{1,3}[)）]|注[：:]|Note[s]?:|Примечани[ея]:)"
)
_HYPHENATED = re.compile(r"([^\W\d_]+)-$")
_WORD_START = re.compile(r"^([^\W\d_]+)")
_CENTRED_SLACK = 1.0  # ems by which the two margins of a centred line may differ


@dataclass(frozen=True, slots=True)
class Layout:
    """What :func:`read_body` made of a document's body lines, and why."""

    blocks: list[Block]
    convention: str
    notes: list[tuple[int, str]]  # footnotes kept apart from the text: (page, text)
    joins: list[tuple[int, str]]  # words mended at a line end: (page, "interna-|tional")
    marks: list[tuple[int, str]] = field(default_factory=list)  # note marks taken out of lines


def _body_size(lines: list[Line]) -> float:
    # The size most text is set in (not the median: a long title in a bigger
    # size must not shift it).
    weight: dict[float, int] = defaultdict(int)
    for ln in lines:
        weight[round(ln.size, 1)] += len(ln.text)
    return max(weight, key=lambda k: weight[k])


def _is_footnote_size(line: Line, size: float) -> bool:
    return line.size < 0.9 * size


def split_footnotes(lines: list[Line], size: float) -> tuple[list[Line], list[tuple[int, str]]]:
    """Body lines without the notes at the foot of each page, and the notes (page, text).

    A note stands below every body-size line of its column on the page, below a
    rule drawn across the lower half of the page or set smaller than the body,
    and its first line begins with a note mark (1, ①, *, 注：); the lines after
    it, down to the next mark, are the rest of it.
    """
    by_page: dict[int, list[int]] = defaultdict(list)
    for i, ln in enumerate(lines):
        by_page[ln.page].append(i)
    drop: set[int] = set()
    notes: list[tuple[int, str]] = []
    for page, idx in by_page.items():
        height = lines[idx[0]].page_height
        body_bottom = max(
            (
                lines[i].bottom
                for i in idx
                if not (_is_footnote_size(lines[i], size) or lines[i].below_rule)
            ),
            default=0.0,
        )
        foot = [
            i
            for i in idx
            if lines[i].top > height / 2
            and lines[i].top >= body_bottom - 0.5
            and (lines[i].below_rule or _is_footnote_size(lines[i], size))
        ]
        foot.sort(key=lambda i: lines[i].top)
        if not foot or not _NOTE_MARK.match(lines[foot[0]].text):
            continue
        current: list[str] = []
        for i in foot:
            if _NOTE_MARK.match(lines[i].text) and current:
                notes.append((page, join_lines(current)))
                current = []
            current.append(lines[i].text)
            drop.add(i)
        notes.append((page, join_lines(current)))
    return [ln for i, ln in enumerate(lines) if i not in drop], notes


class _Geometry:
    """Margins and full line widths, per column and per line start."""

    def __init__(self, lines: list[Line], size: float) -> None:
        self.size = size
        body = [ln for ln in lines if abs(ln.size - size) < 0.5]
        self.left: dict[tuple[int, int], float] = {}
        groups: dict[tuple[int, int], list[Line]] = defaultdict(list)
        columns: dict[int, list[Line]] = defaultdict(list)
        for ln in body:
            groups[(ln.page, ln.column)].append(ln)
            columns[ln.column].append(ln)
        column_left = {k: _mode_left(v) for k, v in columns.items()}
        for key, group in groups.items():
            self.left[key] = _mode_left(group) if len(group) >= 5 else column_left[key[1]]
        self.column_left = column_left
        # Where full lines end, relative to the margin: per column, and per line
        # start (first lines and continuation lines differ on a character grid).
        ends: dict[int, list[float]] = defaultdict(list)
        start_ends: dict[tuple[int, int], list[float]] = defaultdict(list)
        for ln in body:
            off, end = self.offset(ln), ln.x1 - self.margin(ln)
            ends[ln.column].append(end)
            start_ends[(ln.column, round(off / (0.5 * size)))].append(end)
        self.full = {k: _quantile(v, 0.95) for k, v in ends.items()}
        self.reach = {k: max(v) for k, v in ends.items()}  # the right margin, ragged or not
        # The paragraph indent, in half ems: the commonest start a little right of the margin.
        starts: dict[int, list[int]] = defaultdict(list)
        for (column, half_ems), at in start_ends.items():
            if 0.6 < half_ems / 2 <= 4.5:
                starts[column] += [half_ems] * len(at)
        self.indent = {
            k: statistics.mode(v) for k, v in starts.items() if v.count(statistics.mode(v)) >= 3
        }
        self.start_full = {k: _quantile(v, 0.9) for k, v in start_ends.items() if len(v) >= 3}

    def margin(self, ln: Line) -> float:
        if (ln.page, ln.column) in self.left:
            return self.left[(ln.page, ln.column)]
        return self.column_left.get(ln.column, min(self.column_left.values(), default=0.0))

    def offset(self, ln: Line) -> float:
        return ln.x0 - self.margin(ln)

    def width(self, ln: Line) -> float:
        return self.full.get(ln.column, max(self.full.values(), default=ln.x1 - ln.x0))

    def space_left(self, ln: Line) -> float:
        """How far the line ends short of the full lines that start where it starts."""
        key = (ln.column, round(self.offset(ln) / (0.5 * self.size)))
        full = self.start_full.get(key, self.width(ln))
        return full - (ln.x1 - self.margin(ln))

    def indented(self, ln: Line) -> bool:
        return 0.6 * ln.size < self.offset(ln) <= 4.5 * ln.size and not self.centred(ln)

    def centred(self, ln: Line) -> bool:
        off = self.offset(ln)
        reach = self.reach.get(ln.column, self.width(ln))
        right = reach - (ln.x1 - self.margin(ln))
        # A line that starts at the paragraph indent is not centred, however it ends.
        shared = self.indent.get(ln.column) == round(off / (0.5 * self.size))
        return (
            not shared
            and off > 1.0 * ln.size
            and right > 1.0 * ln.size
            and abs(off - right) < _CENTRED_SLACK * ln.size
        )


def _mode_left(lines: list[Line]) -> float:
    """The left margin: the leftmost start that many lines share (first lines,
    indented, may well outnumber the others)."""
    counts: dict[int, int] = defaultdict(int)
    for ln in lines:
        counts[round(ln.x0)] += 1
    need = max(2, 0.15 * len(lines)) if len(lines) >= 4 else 1
    shared = [x for x, n in counts.items() if n >= need]
    return float(min(shared) if shared else min(statistics.multimode(counts)))


def _quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[int(q * (len(values) - 1))]


def _pitch(lines: list[Line], size: float) -> float | None:
    """The usual distance from one line's top to the next's within a column."""
    steps = [
        round(b.top - a.top, 1)
        for a, b in pairwise(lines)
        if a.page == b.page and a.column == b.column and abs(a.size - size) < 0.5
        and abs(b.size - size) < 0.5 and 0 < b.top - a.top < 4 * size
    ]
    # Not the median: where space separates paragraphs of two or three lines, the
    # wider steps may be the more common.
    return _quantile(steps, 0.2) if len(steps) >= 3 else None


def find_convention(lines: list[Line], size: float, geo: _Geometry | None = None) -> str:
    """How the document marks its paragraphs: first-line indent, vertical space, or
    only a short last line."""
    geo = geo or _Geometry(lines, size)
    body = [ln for ln in lines if abs(ln.size - size) < 0.5 and not geo.centred(ln)]
    indented = sum(1 for ln in body if geo.indented(ln))
    if indented >= 2 and len(body) > indented:
        return INDENT
    pitch = _pitch(lines, size)
    if pitch is not None:
        gaps = sum(
            1
            for a, b in pairwise(lines)
            if a.page == b.page and a.column == b.column and b.top - a.top > pitch + 0.4 * size
        )
        if gaps >= 2:
            return SPACE
    return SHORT


def _unmark(
    lines: list[Line], notes: list[tuple[int, str]]
) -> tuple[list[Line], list[tuple[int, str]]]:
    """Lines without the raised marks that point to a footnote on their page."""
    marked: dict[int, set[str]] = defaultdict(set)
    for page, text in notes:
        m = _NOTE_MARK.match(text)
        if m:
            marked[page].add(m.group().strip("[]()（）"))
    out: list[Line] = []
    taken: list[tuple[int, str]] = []
    for ln in lines:
        if ln.unmarked is not None and ln.marks and set(ln.marks) <= marked[ln.page]:
            out.append(replace(ln, text=ln.unmarked))
            taken += [(ln.page, m) for m in ln.marks]
        else:
            out.append(ln)
    return out, taken


def _mend(texts: list[str], page: int, known: set[str], joins: list[tuple[int, str]]) -> str:
    """Join a paragraph's lines, mending words hyphenated at a line end."""
    out: list[str] = []
    for text in texts:
        text = text.strip()
        if out:
            tail = _HYPHENATED.search(out[-1])
            head = _WORD_START.match(text)
            if tail and head and text[0].islower():
                joined = tail.group(1) + head.group(1)
                hyphenated = f"{tail.group(1)}-{head.group(1)}"
                if joined.lower() in known or hyphenated.lower() not in known:
                    out[-1] = out[-1][:-1] + text
                    joins.append((page, f"{tail.group(1)}-|{head.group(1)}"))
                    continue
            if re.search(r"\S-$", out[-1]):
                # A real hyphen ("Russian-Chinese", "2017-2018"): kept, no space after it.
                out[-1] += text
                continue
        out.append(text)
    return join_lines(out)


def _words(lines: list[Line]) -> set[str]:
    return {w.lower() for ln in lines for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", ln.text)}


def read_body(lines: list[Line]) -> Layout:
    """Paragraphs and headings from the body lines of a document, in reading order."""
    if not lines:
        return Layout([], SHORT, [], [])
    size = _body_size(lines)
    lines, notes = split_footnotes(lines, size)
    lines, marks = _unmark(lines, notes)
    geo = _Geometry(lines, size)
    convention = find_convention(lines, size, geo)
    pitch = _pitch(lines, size)
    known = _words(lines)
    runs: list[tuple[BlockKind, int, list[Line]]] = []
    prev: Line | None = None
    for line in lines:
        kind: BlockKind = "heading" if line.size >= size * 1.2 else "paragraph"
        centred = kind == "paragraph" and geo.centred(line)
        same_column = prev is not None and prev.page == line.page and prev.column == line.column
        if prev is None or not runs:
            new = True
        elif (
            centred
            and same_column
            and geo.centred(prev)
            and abs(prev.size - line.size) < 0.5
            and line.top - prev.top < 2.5 * size
        ):
            # A title set over several centred lines is one heading.
            new = False
            runs[-1] = ("heading", runs[-1][1], runs[-1][2])
        elif kind == "heading" or runs[-1][0] == "heading":
            # A heading continues only onto the next line of the same size.
            new = kind != runs[-1][0] or prev.page != line.page or abs(prev.size - line.size) > 0.5
        elif centred or geo.centred(prev):
            new = True
        else:
            step = line.top - prev.top
            if pitch is not None:
                gap = same_column and step > pitch + 0.4 * size
            else:
                gap = same_column and line.top - prev.bottom > 1.2 * line.size
            if gap or geo.indented(line):
                new = True
            else:
                left = geo.space_left(prev)
                fits = left >= line.head - 0.1 * size
                if convention == INDENT:
                    # Indents mark paragraphs: a flush line continues unless the
                    # line before it stops well short (a heading, a closing line).
                    new = fits and left >= 0.25 * geo.width(prev)
                elif convention == SPACE:
                    new = fits and not same_column
                else:
                    new = fits
        if new:
            runs.append((kind, line.page, [line]))
        else:
            runs[-1][2].append(line)
        prev = line

    joins: list[tuple[int, str]] = []
    blocks = [
        Block(_mend([ln.text for ln in run], page, known, joins), kind, page)
        for kind, page, run in runs
    ]
    return Layout(blocks, convention, notes, joins, marks)


def build_blocks(lines: list[Line]) -> list[Block]:
    """Paragraphs and headings from the body lines of a document (see :func:`read_body`)."""
    return read_body(lines).blocks


def describe(pages: list[list[Line]], drop: set[tuple[int, int]], layout: Layout) -> dict[str, str]:
    """The extraction record's account of the layout: ``pdf_layout`` says in a line how
    paragraphs were found and how the pages are set; ``pdf_pages`` (JSON) says per page
    how many columns, furniture lines, words mended at line ends and footnotes."""
    columns: dict[int, list[int]] = defaultdict(list)
    per_page: list[dict[str, object]] = []
    for p, lines in enumerate(pages):
        page = lines[0].page if lines else p + 1
        n = max((ln.column for ln in lines), default=0) or 1
        columns[n].append(page)
        entry: dict[str, object] = {"page": page, "columns": n}
        furniture = sum(1 for i in range(len(lines)) if (p, i) in drop)
        if furniture:
            entry["furniture"] = furniture
        joins = [j for q, j in layout.joins if q == page]
        if joins:
            entry["joins"] = joins
        notes = sum(1 for q, _ in layout.notes if q == page)
        if notes:
            entry["notes"] = notes
        marks = [m for q, m in layout.marks if q == page]
        if marks:
            entry["note_marks"] = marks
        per_page.append(entry)
    set_in = "; ".join(
        f"{n} column{'s' if n > 1 else ''} on {_pages_summary(pages_of)}"
        for n, pages_of in sorted(columns.items())
    )
    summary = f"paragraphs by {layout.convention}; {set_in}"
    if layout.joins:
        summary += f"; {len(layout.joins)} words mended at line ends"
    if layout.notes:
        summary += f"; {len(layout.notes)} footnotes kept apart"
    return {
        "pdf_layout": summary,
        "pdf_pages": json.dumps(per_page, ensure_ascii=False, separators=(",", ":")),
    }
