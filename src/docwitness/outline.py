"""Numbered points: recognise the marker at the start of a paragraph.

A marker is the numbering a point starts with: "十、" (Chinese), "(一)"
(Chinese in brackets), "1." / "1、" (Arabic), "IV." (Roman), "а)" (Cyrillic
letter), "b)" (Latin letter). Markers are read from canonical text, where
full-width brackets and full stops are already folded to ASCII.

The outline of a document is the sequence of its top-level markers: the style
of the first marker met. Each paragraph belongs to the point whose marker came
last before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docwitness.lazy_re import LazyPattern, lazy
from docwitness.model import Finding

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100}

ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

_PATTERNS: tuple[tuple[str, LazyPattern], ...] = (
    ("cn", lazy(r"^([一二三四五六七八九十百零〇两]{1,4})、")),
    ("cn-paren", lazy(r"^\(([一二三四五六七八九十]{1,3})\)")),
    ("arabic-paren", lazy(r"^\((\d{1,3})\)")),
    ("arabic", lazy(r"^(\d{1,3})(?:\.(?!\d)|、)\s?")),
    ("roman", lazy(r"^([IVXLC]{1,6})\.\s?")),
    ("cyrillic", lazy(r"^([а-яё])\)\s?")),
    ("latin", lazy(r"^([a-z])\)\s?")),
)


@dataclass(frozen=True, slots=True)
class Marker:
    """A recognised marker: its style, its text as written, its label and value."""

    style: str
    text: str
    label: str
    value: int


def cn_numeral_value(s: str) -> int | None:
    """The value of a Chinese numeral up to 999 ("十" = 10, "二十三" = 23), or None."""
    if not s:
        return None
    total = 0
    current = 0
    for ch in s:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def cn_numeral(n: int) -> str:
    """The Chinese numeral for 1..999 as used in point numbering ("十", "十一", "二十")."""
    digits = "零一二三四五六七八九"
    if n <= 0 or n >= 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += digits[hundreds] + "百"
        if tens == 0 and ones:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    if ones:
        out += digits[ones]
    return out


def roman_value(s: str) -> int | None:
    total = 0
    prev = 0
    for ch in reversed(s):
        v = ROMAN.get(ch)
        if v is None:
            return None
        if v < prev:
            total -= v
        else:
            total += v
            prev = v
    return total or None


# The characters a marker can begin with: most paragraphs begin with none of them,
# and are spared the seven patterns.
_MARKER_STARTS = frozenset(
    "一二三四五六七八九十百零〇两(0123456789IVXLC"
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
    "abcdefghijklmnopqrstuvwxyz"
)


def parse_marker(text: str) -> Marker | None:
    """The marker at the start of canonical ``text``, or None."""
    if not text or text[0] not in _MARKER_STARTS:
        return None
    for style, pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        label = m.group(1)
        value: int | None
        if style in ("cn", "cn-paren"):
            value = cn_numeral_value(label)
        elif style in ("arabic", "arabic-paren"):
            value = int(label)
        elif style == "roman":
            value = roman_value(label)
        else:
            value = ord(label) - (ord("а") if style == "cyrillic" else ord("a")) + 1
        if value is None or value <= 0:
            continue
        return Marker(style=style, text=m.group(0).rstrip(), label=label, value=value)
    return None


def label_in_style(style: str, value: int) -> str:
    """The label ``value`` would have in ``style`` ("cn", 10 → "十")."""
    if style in ("cn", "cn-paren"):
        return cn_numeral(value)
    if style == "roman":
        out = ""
        for n, sym in (
            (100, "C"),
            (90, "XC"),
            (50, "L"),
            (40, "XL"),
            (10, "X"),
            (9, "IX"),
            (5, "V"),
            (4, "IV"),
            (1, "I"),
        ):
            while value >= n:
                out += sym
                value -= n
        return out
    if style == "cyrillic":
        return chr(ord("а") + value - 1)
    if style == "latin":
        return chr(ord("a") + value - 1)
    return str(value)


DEFAULT_TOP_STYLES: tuple[str, ...] = ("cn", "arabic", "roman")


@dataclass(frozen=True, slots=True)
class Point:
    """A top-level point of an outline.

    ``value`` and ``label`` are its place in the outline; for a marker written in
    another style (``inferred``), the place it stands in ("1." after "九、": 10, "十").
    """

    index: int
    marker: Marker
    value: int
    label: str
    inferred: bool = False


def read_points(
    marked: Sequence[tuple[int, Marker]], top_styles: Sequence[str] = DEFAULT_TOP_STYLES
) -> tuple[str | None, list[Point]]:
    """The top-level style and points of an outline, from (paragraph index, marker) pairs.

    The top-level style is the first marker met whose style is in ``top_styles``.
    A marker in another style is a sub-item, unless it stands where the next
    point is expected: it carries that point's value with no sub-list of its style
    open in the point, or it is a lone "1." (no "2." follows it) and the outline
    then skips exactly that point, or ends with no sub-list of that style seen
    before. The seed's "1." after "九、" is such a marker: it stands for point 十.
    """
    top = next((m.style for _, m in marked if m.style in top_styles), None)
    points: list[Point] = []
    seen_styles: set[str] = set()  # sub-item styles used anywhere so far
    open_styles: set[str] = set()  # sub-item styles used in the current point
    for k, (index, m) in enumerate(marked):
        if m.style == top:
            points.append(Point(index, m, m.value, m.label))
            open_styles = set()
            continue
        if not points or top is None:
            seen_styles.add(m.style)
            continue
        expected = points[-1].value + 1
        rest = marked[k + 1 :]
        end = next((j for j, (_, mm) in enumerate(rest) if mm.style == top), len(rest))
        next_top = rest[end][1].value if end < len(rest) else None
        lone = not any(mm.style == m.style and mm.value == m.value + 1 for _, mm in rest[:end])
        stands = m.style not in open_styles and (
            (m.value == expected and m.style in top_styles)
            or (
                lone
                and m.value == 1
                and (next_top == expected + 1 or (next_top is None and m.style not in seen_styles))
            )
        )
        if stands:
            points.append(Point(index, m, expected, label_in_style(top, expected), True))
            open_styles = set()
        else:
            open_styles.add(m.style)
            seen_styles.add(m.style)
    return top, points


def point_of(
    indexes: Sequence[int], points: Sequence[Point]
) -> dict[int, str]:
    """Which point each of ``indexes`` (paragraphs in order) stands in: the label of the
    last point opened at or before it. The one place a paragraph's point is decided."""
    openers = {pt.index: pt.label for pt in points}
    out: dict[int, str] = {}
    current: str | None = None
    for i in indexes:
        current = openers.get(i, current)
        if current is not None:
            out[i] = current
    return out


@dataclass(frozen=True, slots=True)
class Outline:
    """A copy's top-level points, which point each paragraph is in, and what it promises.

    ``findings`` are the numbering findings the single-copy checks report;
    ``contents`` the paragraphs of a table of contents, and ``promised`` the
    (value, label) of the last point it lists.
    """

    style: str | None
    points: tuple[Point, ...]
    point_of: dict[int, str]  # paragraph index → label of the point it is in
    findings: tuple[Finding, ...] = ()
    contents: tuple[int, ...] = ()
    promised: tuple[int, str] | None = None

    def opener(self, label: str | None) -> Point | None:
        """The last point labelled ``label``."""
        return next((p for p in reversed(self.points) if p.label == label), None)


def assign_points(
    texts: list[str], kinds: Sequence[str] | None = None
) -> list[tuple[str | None, str | None]]:
    """For each canonical paragraph: (its marker text or None, the point it belongs to).

    Headings neither open a point nor belong to one. A marker that stands where the
    next point is expected (see :func:`read_points`) opens that point.
    """
    kept = [i for i in range(len(texts)) if kinds is None or kinds[i] != "heading"]
    markers: dict[int, Marker] = {}
    for i in kept:
        marker = parse_marker(texts[i])
        if marker is not None:
            markers[i] = marker
    _, points = read_points(sorted(markers.items()))
    where = point_of(kept, points)
    out: list[tuple[str | None, str | None]] = []
    for i in range(len(texts)):
        marker = markers.get(i)
        out.append((marker.text if marker else None, where.get(i)))
    return out
