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

import re
from dataclasses import dataclass

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

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn", re.compile(r"^([一二三四五六七八九十百零〇两]{1,4})、")),
    ("cn-paren", re.compile(r"^\(([一二三四五六七八九十]{1,3})\)")),
    ("arabic-paren", re.compile(r"^\((\d{1,3})\)")),
    ("arabic", re.compile(r"^(\d{1,3})(?:\.(?!\d)|、)\s?")),
    ("roman", re.compile(r"^([IVXLC]{1,6})\.\s?")),
    ("cyrillic", re.compile(r"^([а-яё])\)\s?")),
    ("latin", re.compile(r"^([a-z])\)\s?")),
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


def parse_marker(text: str) -> Marker | None:
    """The marker at the start of canonical ``text``, or None."""
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


def assign_points(
    texts: list[str], kinds: list[str] | None = None
) -> list[tuple[str | None, str | None]]:
    """For each canonical paragraph: (its marker text or None, the point it belongs to).

    Headings neither open a point nor belong to one.
    """
    top_style: str | None = None
    current: str | None = None
    out: list[tuple[str | None, str | None]] = []
    for i, text in enumerate(texts):
        if kinds is not None and kinds[i] == "heading":
            out.append((None, None))
            continue
        marker = parse_marker(text)
        if marker is not None:
            if top_style is None and marker.style in ("cn", "arabic", "roman"):
                top_style = marker.style
            if marker.style == top_style:
                current = marker.label
        out.append((marker.text if marker else None, current))
    return out
