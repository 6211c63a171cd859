"""Made PDFs of the statement in the layouts official texts are set in (reportlab).

Every file here is made for a test from the plain-text statement (or the made
Russian and English statements of tests/made_languages.py); none is a real
source. :func:`layout_pdf` sets paragraphs the way a typesetter would: greedy
wrapping by measured width (one CJK glyph at a time, Latin and Cyrillic by
words, optionally hyphenated), a first-line indent or space between paragraphs,
one to three columns, a title over the columns, a running header, page numbers
and footnotes under a rule.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from made_fixtures import ARTICLE_FONT, _register_font

NO_LINE_START = set("，。、；：！？）》」』”’")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_FONT = "DejaVuSans"


def register_dejavu() -> str:
    """DejaVu Sans (Debian's fonts-dejavu-core), for Latin and Cyrillic text."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if DEJAVU_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(DEJAVU_FONT, str(DEJAVU)))
    return DEJAVU_FONT


@dataclass
class Setting:
    """How a made PDF is set; the defaults are a justified CJK A5 page."""

    font: str = ARTICLE_FONT
    size: float = 10.5
    page: tuple[float, float] = (419.53, 595.28)  # A5
    margin: float = 50.0
    text_width: float | None = None  # of a column; None: what the margins and columns leave
    columns: int = 1
    gutter: float = 20.0
    indent: float = 2.0  # ems, the first line of each paragraph
    grid: bool = False  # every line holds the same width: first lines stick out by the indent
    space: float = 0.0  # ems between paragraphs
    latin: bool = False  # wrap at spaces
    hyphenate: bool = False
    title_size: float | None = None  # None: the body size
    title_width: float | None = None  # the title is centred and wrapped at this width
    header: str | None = "中俄关于当前世界形势和重大国际问题的联合声明"
    page_number: str | None = "- {n} -"
    footnotes: list[str] = field(default_factory=list)
    footnote_size: float = 8.0
    marks: dict[int, str] = field(default_factory=dict)  # paragraph index → a raised note mark


def _width(text: str, s: Setting, size: float | None = None) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, s.font, size or s.size))


def wrap(text: str, width: float, s: Setting, first: float | None = None) -> list[str]:
    """Greedy wrapping: the first line holds ``first`` points, the others ``width``."""
    avail = width if first is None else first
    lines: list[str] = []
    line = ""
    if not s.latin:
        for token in re.findall(r"[A-Za-z0-9.]+|.", text):
            if line and _width(line + token, s) > avail:
                carry = ""
                if token in NO_LINE_START and len(line) > 1:
                    # A closing mark may not start a line: the glyph before it goes
                    # down with it, and the line ends a glyph short.
                    line, carry = line[:-1], line[-1]
                lines.append(line)
                line, avail = carry, width
            line += token
        return [*lines, line] if line else lines
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _width(candidate, s) <= avail:
            line = candidate
            continue
        prefix = f"{line} " if line else ""
        cut = _hyphen_cut(word, prefix, avail, s)
        if cut:
            lines.append(prefix + word[:cut] + ("" if word[cut - 1] == "-" else "-"))
            word = word[cut:]
        elif line:
            lines.append(line)
        else:  # a word wider than the line stands alone
            lines.append(word)
            word = ""
        line, avail = word, width
    return [*lines, line] if line else lines


def _hyphen_cut(word: str, prefix: str, avail: float, s: Setting) -> int:
    """Where to break ``word`` at the end of a line: after a hyphen it has, or, when
    hyphenating, between letters (three on each side at least); 0 for nowhere."""
    for k in range(len(word) - 1, 2, -1):
        head = word[:k]
        if head.endswith("-") and word[k:] and _width(prefix + head, s) <= avail:
            return k
        if (
            s.hyphenate
            and k <= len(word) - 3
            and word[:k].isalpha()
            and word[k:].isalpha()
            and _width(prefix + head + "-", s) <= avail
        ):
            return k
    return 0


def layout_pdf(title: list[str] | str, paragraphs: list[str], s: Setting) -> bytes:
    """The title and paragraphs typeset as ``s`` says."""
    from reportlab.pdfgen import canvas

    _register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=s.page, invariant=True)
    width, height = s.page
    col_width = s.text_width or (width - 2 * s.margin - (s.columns - 1) * s.gutter) / s.columns
    full = s.columns * col_width + (s.columns - 1) * s.gutter
    left0 = (width - full) / 2
    top, bottom = height - 60.0, 60.0
    leading = s.size * 1.6
    state = {"n": 1, "col": 0, "y": top}

    def furniture() -> None:
        c.setFont(ARTICLE_FONT, 8)
        if s.header is not None:
            c.drawCentredString(width / 2, height - 35, s.header)
        if s.page_number is not None:
            c.drawCentredString(width / 2, 30, s.page_number.format(n=state["n"]))

    def advance(step: float) -> None:
        state["y"] -= step
        if state["y"] < bottom:
            if state["col"] + 1 < s.columns:
                state["col"] += 1
            else:
                furniture()
                c.showPage()
                state["n"] += 1
                state["col"] = 0
                state["top"] = top
            state["y"] = state["top"]

    # The title: centred over the whole text width, bigger or not.
    t_size = s.title_size or s.size
    t_lines = (
        list(title)
        if isinstance(title, list)
        else wrap(title, s.title_width or full, replace(s, size=t_size, hyphenate=False))
    )
    for line in t_lines:
        c.setFont(s.font, t_size)
        c.drawCentredString(width / 2, state["y"], line)
        state["y"] -= t_size * 1.8
    state["y"] -= leading * 0.5
    state["top"] = state["y"]  # the columns of page one start under the title
    bottom_page_one = bottom
    if s.footnotes:  # on page one, under a rule a third of the text wide, set smaller
        step = s.footnote_size * 1.4
        rule = bottom + step * len(s.footnotes) + 2
        c.setLineWidth(0.5)
        c.line(left0, rule, left0 + full / 3, rule)
        c.setFont(s.font, s.footnote_size)
        for k, note in enumerate(s.footnotes):
            c.drawString(left0, rule - step * (k + 1) + 2, note)
        bottom_page_one = rule + s.size
    page_bottom = bottom
    bottom = max(bottom, bottom_page_one)
    first_page = True
    for n, para in enumerate(paragraphs):
        indent = s.indent * s.size
        first = col_width if s.grid else col_width - indent
        wrapped = wrap(para, col_width, s, first)
        for i, line in enumerate(wrapped):
            x = left0 + state["col"] * (col_width + s.gutter) + (indent if i == 0 else 0)
            c.setFont(s.font, s.size)
            c.drawString(x, state["y"], line)
            if n in s.marks and i == len(wrapped) - 1:  # small, raised, after the last word
                c.setFont(s.font, s.size * 0.6)
                c.drawString(x + _width(line, s), state["y"] + s.size * 0.4, s.marks[n])
            before = state["n"]
            advance(leading)
            if first_page and state["n"] != before:
                first_page = False
                bottom = page_bottom
        if s.space:
            advance(s.space * s.size)
    furniture()
    c.showPage()
    c.save()
    return buf.getvalue()
