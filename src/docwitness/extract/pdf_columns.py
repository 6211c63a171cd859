"""A page's text lines → :class:`~docwitness.extract.pdf_layout.Line` records in reading order.

pdfplumber finds text lines across the whole width of a page, so on a page set
in columns a "line" holds a line of each column side by side. This module works
on those rows and their characters (plain mappings with ``text``, ``x0``,
``x1``, ``top``, ``bottom`` and ``size``, as pdfplumber gives them):

* :func:`find_gutters` finds the white gaps between columns from the positions
  of the words on the rows: an upright strip, at least nearly an em wide, that
  (nearly) no word crosses while text stands on both sides of it on many rows.
  Two and three columns are read; more gaps than that are a table, read as one
  column.
* :func:`page_lines` cuts each row at the gutters and puts the pieces in reading
  order: column by column, top to bottom, within each band between rows that
  cross a gutter (a title or a heading over the columns, a running header, a
  page number), which stay where they stand. A page with no gutter keeps its
  rows as pdfplumber read them.

Each line also records the width its first word takes (one CJK character with
any closing mark that may not start a line, or the first Latin or Cyrillic word
and a space, in the line's own character widths): whether that would have
fitted at the end of the line before is what decides where a paragraph ends.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import pairwise
from typing import Any

from docwitness.extract.pdf_layout import Line, tidy_line

Char = Mapping[str, Any]

_CJK_CHAR = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)")
_NO_LINE_END = set("“‘《（「『【〔")
_RAISED_MARK = re.compile(r"\d{1,3}|[\u2460-\u2473\u2776-\u277f]|\*{1,3}|[†‡]")
_MAX_GUTTERS = 2  # three columns
_MIN_ROWS = 6  # fewer rows than this are not enough to see columns in
_CROSSING_SHARE = 0.25  # a gutter may be crossed by this share of rows (titles, headers)
_SIDE_SHARE = 0.3  # and text must stand on this share of rows on each side of it


def _visible(chars: Sequence[Char]) -> list[Char]:
    return sorted((c for c in chars if str(c["text"]).strip()), key=lambda c: float(c["x0"]))


def head_width(chars: Sequence[Char]) -> float:
    """The width the line's first word takes at the end of the line before it."""
    visible = _visible(chars)
    if not visible:
        return 0.0
    first = visible[0]
    # An opening mark may not end a line: it goes down with the glyph after it.
    opening = 1 if str(first["text"]) in _NO_LINE_END and len(visible) > 1 else 0
    if _CJK_CHAR.match(str(visible[opening]["text"])):
        # A closing mark may not start a line: the glyph before it comes down with it.
        last = visible[opening]
        for c in visible[opening + 1 :]:
            if str(c["text"]) not in _NO_LINE_START:
                break
            last = c
        return float(last["x1"]) - float(first["x0"])
    size = float(first["size"])
    last = first
    for c in visible[1:]:
        if _CJK_CHAR.match(str(c["text"])):
            # Digits or letters run into CJK text ("2014年"): no space before them.
            return float(last["x1"]) - float(first["x0"])
        if float(c["x0"]) - float(last["x1"]) > 0.2 * size:
            break
        last = c
    spaces = [float(c["x1"]) - float(c["x0"]) for c in chars if c["text"] == " "]
    space = statistics.median(spaces) if spaces else 0.25 * size
    return float(last["x1"]) - float(first["x0"]) + space


def _runs(chars: Sequence[Char]) -> list[tuple[float, float]]:
    """A row's words as x intervals: characters closer than half an em are one run."""
    runs: list[tuple[float, float]] = []
    for c in _visible(chars):
        x0, x1, size = float(c["x0"]), float(c["x1"]), float(c["size"])
        if runs and x0 - runs[-1][1] <= 0.5 * size:
            runs[-1] = (runs[-1][0], max(runs[-1][1], x1))
        else:
            runs.append((x0, x1))
    return runs


def find_gutters(rows: Sequence[Sequence[Char]], width: float) -> list[float]:
    """The x of each gap between columns on a page (empty for one column)."""
    if len(rows) < _MIN_ROWS:
        return []
    n = int(width) + 2
    delta = [0] * (n + 1)
    sizes: list[float] = []
    for row in rows:
        for x0, x1 in _runs(row):
            a, b = max(0, int(x0)), min(n, int(x1) + 1)
            delta[a] += 1
            delta[b] -= 1
        sizes += [float(c["size"]) for c in row[:1]]
    cover, total = [], 0
    for d in delta[:n]:
        total += d
        cover.append(total)
    need_side = max(3, _SIDE_SHARE * len(rows))
    low = _CROSSING_SHARE * len(rows)
    min_width = max(6.0, 0.8 * statistics.median(sizes)) if sizes else 6.0
    high = [x for x, c in enumerate(cover) if c >= need_side]
    if not high:
        return []
    gutters: list[float] = []
    x = high[0]
    while x <= high[-1]:
        if cover[x] > low:
            x += 1
            continue
        start = x
        while x <= high[-1] and cover[x] <= low:
            x += 1
        if x - start >= min_width:
            least = min(cover[start:x])
            at = [i for i in range(start, x) if cover[i] == least]
            gutters.append((at[0] + at[-1] + 1) / 2)
    if len(gutters) > _MAX_GUTTERS:
        return []
    # Text must stand on each side of every gutter, between it and the next.
    edges = [0.0, *gutters, float(n)]
    for lo, hi in pairwise(edges):
        if max(cover[int(lo) : int(hi)] or [0]) < need_side:
            return []
    return gutters


def _text_of(chars: Sequence[Char]) -> str:
    out = ""
    last: Char | None = None
    for c in sorted(chars, key=lambda c: float(c["x0"])):
        text = str(c["text"])
        if not text.strip():
            if out and not out.endswith(" "):
                out += " "
            continue
        gap = float(c["x0"]) - float(last["x1"]) if last is not None else 0.0
        if gap > 0.25 * float(c["size"]) and not out.endswith(" "):
            out += " "
        out += text
        last = c
    return out


def _raised_marks(visible: list[Char], size: float) -> tuple[tuple[str, ...], str | None]:
    """Note marks set small and raised in the line ("…原则¹"), and its text without them."""
    bottoms = sorted(float(c["bottom"]) for c in visible if float(c["size"]) >= 0.8 * size)
    if not bottoms:
        return (), None
    baseline = bottoms[len(bottoms) // 2]
    raised = [
        float(c["size"]) < 0.8 * size and float(c["bottom"]) < baseline - 0.2 * size
        for c in visible
    ]
    if not any(raised):
        return (), None
    marks: list[str] = []
    for i, c in enumerate(visible):
        if raised[i]:
            if i and raised[i - 1]:
                marks[-1] += str(c["text"])
            else:
                marks.append(str(c["text"]))
    if not all(_RAISED_MARK.fullmatch(m) for m in marks):
        return (), None
    rest = [c for c, up in zip(visible, raised, strict=True) if not up]
    return tuple(marks), tidy_line(_text_of(rest))


def _line(chars: Sequence[Char], text: str, page: int, height: float, column: int) -> Line | None:
    visible = _visible(chars)
    text = tidy_line(text)
    if not text or not visible:
        return None
    sizes = sorted(float(c["size"]) for c in visible)
    marks, unmarked = _raised_marks(visible, sizes[len(sizes) // 2])
    return Line(
        page=page,
        text=text,
        marks=marks,
        unmarked=unmarked,
        x0=min(float(c["x0"]) for c in visible),
        x1=max(float(c["x1"]) for c in visible),
        top=min(float(c["top"]) for c in visible),
        bottom=max(float(c["bottom"]) for c in visible),
        size=sizes[len(sizes) // 2],
        page_height=height,
        head=head_width(chars),
        column=column,
    )


def page_lines(
    rows: Sequence[tuple[str, Sequence[Char]]], page: int, width: float, height: float
) -> tuple[list[Line], int]:
    """A page's lines in reading order, and how many columns it is set in.

    ``rows`` are (text, characters) pairs, one per line pdfplumber found.
    """
    ordered = sorted(rows, key=lambda r: min((float(c["top"]) for c in r[1]), default=0.0))
    gutters = find_gutters([chars for _, chars in ordered], width)
    lines: list[Line] = []
    if not gutters:
        for text, chars in ordered:
            line = _line(chars, text, page, height, 0)
            if line is not None:
                lines.append(line)
        lines.sort(key=lambda ln: (round(ln.top), ln.x0))
        return lines, 1
    cut: list[tuple[Line | None, list[Line]]] = []  # per row: across the gutters, or pieces
    for text, chars in ordered:
        runs = _runs(chars)
        if any(x0 < g < x1 for g in gutters for x0, x1 in runs):
            cut.append((_line(chars, text, page, height, 0), []))
            continue
        pieces: list[Line] = []
        for k in range(len(gutters) + 1):
            lo = gutters[k - 1] if k else float("-inf")
            hi = gutters[k] if k < len(gutters) else float("inf")
            part = [c for c in chars if lo <= (float(c["x0"]) + float(c["x1"])) / 2 < hi]
            line = _line(part, _text_of(part), page, height, k + 1)
            if line is not None:
                pieces.append(line)
        cut.append((None, pieces))
    # Where the columns stand: from the first to the last row with text in two of
    # them. A line in one column only above that, or clearly below it (a running
    # header, a page number, the end of a title), is not part of a column.
    shared = [pieces for _, pieces in cut if len(pieces) >= 2]
    top = min((ln.top for pieces in shared for ln in pieces), default=float("inf"))
    bottom = max((ln.bottom for pieces in shared for ln in pieces), default=float("-inf"))
    band: list[list[Line]] = [[] for _ in range(len(gutters) + 1)]

    def flush() -> None:
        for column in band:
            lines.extend(column)
            column.clear()

    reach = bottom  # how far down the columns go, a column's last lines included
    for across, pieces in cut:
        if len(pieces) == 1:
            only = pieces[0]
            if only.bottom <= top or only.top - reach > only.size:
                across, pieces = replace(only, column=0), []
            elif only.top >= bottom:
                reach = only.bottom
        if not pieces:
            flush()
            if across is not None:
                lines.append(across)
            continue
        for line in pieces:
            band[line.column - 1].append(line)
    flush()
    return lines, len(gutters) + 1
