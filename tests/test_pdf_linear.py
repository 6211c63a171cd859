"""PDF text read in time linear in the PDF, and within a character budget.

pdfminer's literal strings and pdfplumber's de-duplication of characters are
replaced by linear versions (extract/pdf_linear.py): each is checked here to give
the library's own result on many random inputs, and to do the linear amount of
work, counted rather than timed (the objects a runaway string is built in; the
characters compared with each other). A page, or a PDF, drawing more characters
than docwitness reads is refused with one line, and the reading stops at the
first character past the budget. The made PDFs are typeset with reportlab from
the made statement.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest

import made
import made_fixtures as mf
from docwitness.capture.file import capture_file
from docwitness.errors import ExitCode, ExtractionError
from docwitness.extract import extract
from docwitness.extract.pdf import PdfExtractor
from docwitness.extract.pdf_linear import (
    PAGE_CHARS,
    TooManyChars,
    dedupe_chars,
    lay_out,
    parse_string,
    pdfminers_parse_string,
)
from processes import docwitness

# --------------------------------------------------------------------------- literal strings


def _parsers(bufsiz: int) -> tuple[type, type]:
    """pdfminer's tokenizer with its own ``_parse_string`` and with docwitness's,
    reading ``bufsiz`` bytes at a time (a token can straddle reads)."""
    from pdfminer.psparser import PSBaseParser

    theirs = type("Theirs", (PSBaseParser,), {"BUFSIZ": bufsiz})
    theirs._parse_string = pdfminers_parse_string()  # type: ignore[attr-defined]
    ours = type("Ours", (PSBaseParser,), {"BUFSIZ": bufsiz})
    ours._parse_string = parse_string  # type: ignore[attr-defined]
    return theirs, ours


def _tokens(parser_class: type, data: bytes) -> list[Any]:
    """Every token (position, value) of ``data``, then what ended the reading."""
    from pdfminer.psparser import PSEOF

    parser = parser_class(io.BytesIO(data))
    out: list[Any] = []
    try:
        while True:
            out.append(parser.nexttoken())
    except PSEOF:
        out.append("end")
    except Exception as exc:  # pdfminer asserts on an octal escape over 255
        out.append(type(exc).__name__)
    return out


def test_literal_strings_are_read_as_pdfminer_reads_them() -> None:
    rng = random.Random(14)
    pieces = [b"(", b")", b"\\", b"\\(", b"\\)", b"\\\\", b"\\n", b"\\r\n", b"\\\r\n"]
    pieces += [b"\\0", b"\\12", b"\\377", b"\\400", b"\\8", b"a", b" ", b"\n", b"\r", b"Tj"]
    pieces += [b"<4142>", b"/Name", b"12", b"%c\n", "双".encode()]
    for n in range(3000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40)))
        for bufsiz in (1, 3, 4096) if n % 10 == 0 else (rng.choice((1, 2, 5, 4096)),):
            theirs, ours = _parsers(bufsiz)
            assert _tokens(ours, data) == _tokens(theirs, data), (data, bufsiz)


def _unbalanced_pdf() -> bytes:
    """The made statement on one page, with a ``(`` nothing closes after its first
    paragraph: the rest of the page's content stream is one runaway literal string
    of thousands of escapes (octal codes of the CID font's glyphs)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    mf._register_font()
    paras = made.made_statement()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=0, invariant=True)
    c.setFont(mf.ARTICLE_FONT, 6)
    c.drawString(30, 800, paras[1][:40])
    c.addLiteral("BT 30 700 Td (")
    y = 690.0
    for para in paras[1:]:
        for i in range(0, len(para), 60):
            c.drawString(30, y, para[i : i + 60])
            y = y - 8 if y > 40 else 690.0
    c.showPage()
    c.save()
    return buf.getvalue()


def _content_stream(data: bytes) -> bytes:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import stream_value

    page = next(PDFPage.create_pages(PDFDocument(PDFParser(io.BytesIO(data)))))
    streams = page.contents if isinstance(page.contents, list) else [page.contents]
    return b"".join(stream_value(s).get_data() for s in streams)


def test_a_runaway_string_grows_in_one_buffer_and_reads_as_pdfminer_reads_it(
    tmp_path: Path,
) -> None:
    pdf = _unbalanced_pdf()
    content = _content_stream(pdf)
    escapes = content.count(b"\\")
    assert escapes > 2000

    def spying(parser_class: type) -> tuple[type, list[object]]:
        """The parser, keeping every object its string was built in at each escape
        (kept alive, so that no two are the same object by reuse of memory)."""
        seen: list[object] = []

        def _parse_string_1(self: Any, s: bytes, i: int) -> int:
            seen.append(self._curtoken)
            return int(parser_class._parse_string_1(self, s, i))

        return type("Spying", (parser_class,), {"_parse_string_1": _parse_string_1}), seen

    theirs, ours = _parsers(4096)
    spy_theirs, built_theirs = spying(theirs)
    spy_ours, built_ours = spying(ours)
    assert _tokens(spy_ours, content) == _tokens(spy_theirs, content)
    # pdfminer copies the string so far at every escape (time quadratic in the
    # string); docwitness appends to one buffer for each string: the first line's
    # and the runaway one.
    assert len({id(o) for o in built_theirs}) > escapes // 4
    assert len({id(o) for o in built_ours}) == 2

    path = tmp_path / "made-unbalanced-string.pdf"
    path.write_bytes(pdf)
    blocks = extract(capture_file(path)).blocks
    assert [b.text for b in blocks] == [made.made_statement()[1][:40]]
    from pdfminer.psparser import PSBaseParser

    assert PSBaseParser._parse_string is parse_string  # what extraction reads strings with


# --------------------------------------------------------------------------- de-duplication


class _Char(dict[str, Any]):
    """A character dictionary that counts how often it is compared with another."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        _Char.compared += 1
        return dict.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]


def _chars(rng: random.Random, n: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for _ in range(n):
        if out and rng.random() < 0.15:  # an exact copy (a glyph drawn twice in place)
            out.append(_Char(rng.choice(out)))
            continue
        out.append(
            _Char(
                text=rng.choice("双方认为a"),
                upright=rng.random() < 0.9,
                fontname=rng.choice(("STSong-Light", "Helvetica")),
                size=rng.choice((9.0, 10.5)),
                doctop=rng.randrange(8) * 1.3 + rng.choice((0, 0.2, 0.9, 1.0)),
                x0=rng.randrange(8) * 0.7 + rng.choice((0, 0.3, 1.1)),
            )
        )
    return out


def test_characters_are_deduplicated_as_pdfplumber_does() -> None:
    from pdfplumber.utils import dedupe_chars as pdfplumbers

    rng = random.Random(17)
    for _ in range(400):
        chars = _chars(rng, rng.randrange(0, 120))
        tolerance = rng.choice((0, 1, 2.5))
        theirs = pdfplumbers(chars, tolerance=tolerance)
        ours = dedupe_chars(chars, tolerance=tolerance)
        assert [id(c) for c in ours] == [id(c) for c in theirs]


def test_deduplication_never_compares_characters_with_each_other() -> None:
    """pdfplumber orders what it keeps by ``chars.index``: a scan of the page per
    character, comparing dictionaries (quadratic); docwitness compares none."""
    from pdfplumber.utils import dedupe_chars as pdfplumbers

    chars = _chars(random.Random(3), 1500)
    _Char.compared = 0
    kept = dedupe_chars(chars)
    assert _Char.compared == 0
    assert 50 < len(kept) < len(chars)
    pdfplumbers(chars)
    assert _Char.compared > len(kept) * len(chars) // 10


# --------------------------------------------------------------------------- the budgets


def _drawn_pdf(pages: list[int]) -> bytes:
    """Pages each drawing the given number of characters of the made statement,
    as lines of 50 (set on top of each other past the foot of the page)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    mf._register_font()
    text = "".join(made.made_statement()[1:])
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True)
    for count in pages:
        c.setFont(mf.ARTICLE_FONT, 8)
        y = 800.0
        drawn = text * (count // len(text) + 1)
        for start in range(0, count, 50):
            c.drawString(30, y, drawn[start : min(start + 50, count)])
            y = y - 10 if y > 50 else 800.0
        c.showPage()
    c.save()
    return buf.getvalue()


def test_reading_stops_at_the_first_character_past_the_budget(tmp_path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(_drawn_pdf([20_000]))) as pdf:
        page = pdf.pages[0]
        with pytest.raises(TooManyChars) as stopped:
            lay_out(page, 1_000)
        assert stopped.value.args == (1_001,)
        assert lay_out(page, 20_000) == 20_000
        assert len(page.chars) == 20_000  # pdfplumber reads the layout laid out


def test_a_page_drawing_more_than_docwitness_reads_is_one_line_and_exit_3(
    tmp_path: Path,
) -> None:
    path = tmp_path / "made-drawn-string.pdf"
    path.write_bytes(_drawn_pdf([200, PAGE_CHARS + 1]))
    result = docwitness("inspect", path.name, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (ExitCode.INCOMPLETE, "")
    assert result.stderr == (
        f"docwitness: error: cannot extract text from {path.name}: page 2 draws more than "
        f"{PAGE_CHARS:,} characters: more than docwitness reads on one page\n"
    )


def test_pages_drawing_more_than_docwitness_reads_in_all_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "made-drawn-pages.pdf"
    path.write_bytes(_drawn_pdf([400, 400, 400, 400]))
    capture = capture_file(path)
    whole = PdfExtractor(page_chars=400, pdf_chars=1_600).extract(capture)
    assert whole.blocks == extract(capture).blocks  # at the budget: read, and read alike
    with pytest.raises(ExtractionError) as refused:
        PdfExtractor(page_chars=400, pdf_chars=1_000).extract(capture)
    assert refused.value.reason == (
        "pages 1 to 3 draw more than 1,000 characters: more than docwitness reads in one PDF "
        "(--max-pdf-chars allows more)"
    )
    with pytest.raises(ExtractionError) as refused:
        PdfExtractor(page_chars=399, pdf_chars=1_600).extract(capture)
    assert refused.value.reason.startswith("page 1 draws more than 399 characters")


def test_the_run_sets_how_much_a_pdf_may_draw(tmp_path: Path) -> None:
    # --max-pdf-chars lowers the budget for a run, and raises it for a PDF that needs it.
    path = tmp_path / "made-drawn-pages.pdf"
    path.write_bytes(_drawn_pdf([400, 400, 400, 400]))
    refused = docwitness("inspect", path.name, "--max-pdf-chars", "1000", cwd=tmp_path)
    assert refused.returncode == ExitCode.INCOMPLETE and refused.stdout == ""
    assert refused.stderr.endswith(
        "pages 1 to 3 draw more than 1,000 characters: more than docwitness reads in one PDF "
        "(--max-pdf-chars allows more)\n"
    )
    read = docwitness(
        "inspect", path.name, "--max-pdf-chars", "1600", "--format", "json", cwd=tmp_path
    )
    assert read.returncode in (ExitCode.OK, ExitCode.FINDINGS) and read.stderr == ""
    bad = docwitness("inspect", path.name, "--max-pdf-chars", "0", cwd=tmp_path)
    assert bad.returncode == ExitCode.USAGE and "--max-pdf-chars" in bad.stderr
