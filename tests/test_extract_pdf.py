"""PDF extraction: made PDFs of the statement (reportlab, STSong-Light), read back.

Every PDF here is made (tests/made_fixtures.py) from the plain-text statement;
none is a real source. No mocks: each file is a real PDF read by pdfplumber.
"""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pdfplumber
import pytest

import made
import made_fixtures as mf
from docwitness.capture.file import capture_file
from docwitness.errors import ExitCode, ExtractionError
from docwitness.extract import extract
from docwitness.extract.pdf import PdfExtractor
from docwitness.extract.pdf_layout import Line, build_blocks, find_furniture, tidy_line
from docwitness.model import Block, Document, Extraction
from docwitness.pipeline import load_copy
from test_extract_html import check_golden


@pytest.fixture
def statement(made_statement_path: Path) -> Document:
    return load_copy(str(made_statement_path))


@pytest.fixture(scope="module")
def made_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mf.pdf_statement(tmp_path_factory.mktemp("pdf"))[0]


@pytest.fixture(scope="module")
def extracted(made_pdf: Path) -> Extraction:
    return extract(capture_file(made_pdf))


def _page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return ["".join(p.extract_text().split()) for p in pdf.pages]


@pytest.mark.parametrize("name", [n for n in mf.load_cases() if n.startswith("pdf-")])
def test_golden_pdf_cases(name: str, tmp_path: Path, statement: Document) -> None:
    check_golden(name, mf.load_cases()[name], tmp_path, statement)


# --------------------------------------------------------------------------- whole files


def test_made_pdf_has_several_pages_and_page_furniture(made_pdf: Path) -> None:
    pages = _page_texts(made_pdf)
    assert len(pages) >= 4
    assert all("中俄关于当前世界形势和重大国际问题的联合声明" in t for t in pages)
    assert all(f"-{n}-" in t for n, t in enumerate(pages, start=1))


def test_headers_and_page_numbers_removed_and_listed(extracted: Extraction) -> None:
    assert "中俄关于当前世界形势" not in extracted.text
    assert not any(b.text.startswith("-") for b in extracted.blocks)
    pages = extracted.metadata["pages"]
    header = "中俄关于当前世界形势和重大国际问题的联合声明"
    assert extracted.removed == (
        f"running header on {pages} pages (pages 1–{pages}): {header}",
        f"page numbers in the footer on {pages} pages (pages 1–{pages}): - 1 -, - 2 -, - 3 -, …",
    )


def test_paragraph_broken_across_pages_is_one_block(made_pdf: Path, extracted: Extraction) -> None:
    pages = _page_texts(made_pdf)
    spanning = [b for b in extracted.blocks if not any(b.text in t for t in pages)]
    assert spanning, "the made PDF should break some paragraph across a page"
    assert all(b.text in made.made_statement() for b in spanning)


def test_title_is_a_heading_and_blocks_know_their_page(extracted: Extraction) -> None:
    assert extracted.blocks[0] == Block(made.TITLE, "heading", 1)
    assert extracted.blocks[-1].page == int(extracted.metadata["pages"])


def test_libraries_recorded(extracted: Extraction) -> None:
    assert extracted.extractor == "pdf"
    assert set(extracted.libraries) == {"pdfplumber", "pdfminer.six"}
    assert extracted.warnings == ()


def test_fake_bold_is_read_once(tmp_path: Path, statement: Document) -> None:
    path = mf.pdf_fake_bold(tmp_path)[0]
    with pdfplumber.open(path) as pdf:
        assert "中中华华人人民民" in pdf.pages[0].extract_text()  # drawn twice, really
    ext = extract(capture_file(path))
    assert [b.text for b in ext.blocks] == made.made_statement()
    assert any(r.startswith("page numbers in the footer") and "第1页" in r for r in ext.removed)


def test_unmapped_cids_mark_the_text_layer_unreliable(tmp_path: Path) -> None:
    path = mf.pdf_unmapped_cids(tmp_path)[0]
    ext = extract(capture_file(path))
    assert len(ext.warnings) == 1
    assert ext.warnings[0].startswith("unreliable-text-layer: ")
    assert "(cid:NNN)" in ext.warnings[0]


def test_a_clean_text_layer_has_no_warning(extracted: Extraction) -> None:
    assert not any(w.startswith("unreliable-text-layer") for w in extracted.warnings)


@pytest.mark.parametrize(
    ("builder", "reason"),
    [
        (mf.pdf_damaged, "damaged PDF: the file is truncated"),
        (mf.pdf_encrypted, "encrypted PDF: a password is needed"),
    ],
)
def test_unreadable_pdfs_give_a_clear_error(tmp_path: Path, builder: object, reason: str) -> None:
    path = builder(tmp_path)[0]  # type: ignore[operator]
    with pytest.raises(ExtractionError, match=reason) as err:
        extract(capture_file(path))
    assert err.value.exit_code == ExitCode.INCOMPLETE
    assert path.name in str(err.value)


def test_damaged_inside_is_an_error_not_a_traceback(tmp_path: Path, made_pdf: Path) -> None:
    good = made_pdf.read_bytes()
    for n, data in enumerate(
        [
            b"%PDF-1.4\nnot a pdf at all\n%%EOF\n",
            good[:2000] + b"\x00" * 3000 + good[5000:],
            good[: len(good) // 2] + b"\n%%EOF\n",  # cut, with an end marker glued on
        ]
    ):
        path = tmp_path / f"made-broken-{n}.pdf"
        path.write_bytes(data)
        with pytest.raises(ExtractionError, match="damaged PDF"):
            extract(capture_file(path))


def test_many_pages_in_bounded_memory(tmp_path: Path) -> None:
    """Memory at peak hardly grows with the page count (pages are released as read)."""
    extractor = PdfExtractor()
    extractor.extract(capture_file(mf.pdf_many_pages(tmp_path, 1)))  # load CMaps once
    peaks, pages = [], []
    for copies in (2, 40):
        capture = capture_file(mf.pdf_many_pages(tmp_path, copies))
        tracemalloc.start()
        ext = extractor.extract(capture)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert len(ext.blocks) == 1 + 3 * copies
        pages.append(int(ext.metadata["pages"]))
    assert pages[1] > 60
    # What each added page costs at peak: its lines, kept for the furniture found across
    # pages. Measured: 6-12 KB a page (the baseline varies with what ran before); with
    # every page's objects kept alive until the end, about 280 KB a page.
    per_page = (peaks[1] - peaks[0]) / (pages[1] - pages[0])
    assert per_page < 40_000, (peaks, pages)


# --------------------------------------------------------------------------- layout rules


def _line(page: int, text: str, x0: float, x1: float, top: float, size: float = 10.0) -> Line:
    return Line(page, text, x0, x1, top, top + size, size, 600.0)


def _body(page: int, rows: list[tuple[str, float, float]], start: float = 100.0) -> list[Line]:
    return [_line(page, t, x0, x1, start + 16 * i) for i, (t, x0, x1) in enumerate(rows)]


FULL, LEFT, INDENT = 350.0, 50.0, 70.0


def test_new_paragraph_at_indent_and_after_short_line() -> None:
    lines = _body(
        1,
        [
            ("甲一", INDENT, FULL),
            ("甲二", LEFT, FULL),
            ("甲三", LEFT, 120.0),  # ends short: the paragraph ends
            ("乙一", LEFT, FULL),  # no indent, but follows a short line
            ("乙二", LEFT, FULL),
            ("丙一", INDENT, FULL),  # indented
            ("丙二", LEFT, FULL),
            ("丙三", LEFT, FULL),
        ],
    )
    assert [b.text for b in build_blocks(lines)] == ["甲一甲二甲三", "乙一乙二", "丙一丙二丙三"]


def test_wrapped_lines_join_without_space_between_chinese_but_with_one_in_latin() -> None:
    lines = _body(
        1, [("关键作", INDENT, FULL), ("用，the", LEFT, FULL), ("end 了", LEFT, 200.0)] * 2
    )
    blocks = build_blocks(lines + _body(1, [("x", LEFT, FULL)] * 5, start=300))
    assert blocks[0].text == "关键作用，the end 了"


def test_paragraph_continues_across_page_unless_indented() -> None:
    page1 = _body(1, [("甲一", INDENT, FULL), ("甲二", LEFT, FULL), ("甲三", LEFT, FULL)])
    page2 = _body(2, [("甲四", LEFT, 200.0), ("乙一", INDENT, FULL), ("乙二", LEFT, FULL)], 60)
    blocks = build_blocks(page1 + page2)
    assert [(b.text, b.page) for b in blocks] == [("甲一甲二甲三甲四", 1), ("乙一乙二", 2)]


def test_larger_lines_are_a_heading() -> None:
    title = [_line(1, "联合声明标题第一行", 80, 300, 50, 16), _line(1, "第二行", 150, 250, 72, 16)]
    body = _body(1, [("甲一" * 10, INDENT, FULL), ("甲二" * 5, LEFT, 200.0)])
    blocks = build_blocks(title + body)
    assert blocks[0] == Block("联合声明标题第一行第二行", "heading", 1)
    assert blocks[1] == Block("甲一" * 10 + "甲二" * 5, "paragraph", 1)


def test_spaces_between_chinese_characters_in_a_line_are_layout() -> None:
    assert tidy_line(" 双 方 声明 如下： in  English ") == "双方声明如下： in  English"


def _page(
    n: int, header: str | None, footer: str | None, title_top: float | None = None
) -> list[Line]:
    lines = []
    if header is not None:
        lines.append(_line(n, header, 150, 250, 30, 8))
    if title_top is not None:
        lines.append(_line(n, "重复的标题", 150, 250, title_top, 16))
    # Body lines differ from page to page, as a document's text does.
    lines += _body(
        n, [("正文" + "甲乙丙丁戊己庚"[n] + "子丑寅卯辰巳"[i], LEFT, FULL) for i in range(6)]
    )
    if footer is not None:
        lines.append(_line(n, footer, 190, 210, 570, 8))
    return lines


def test_running_header_found_statistically_but_not_the_title_at_another_height() -> None:
    pages = [_page(1, None, "- 1 -", title_top=60)]
    pages += [_page(n, "重复的标题", f"- {n} -") for n in range(2, 6)]
    drop, summary = find_furniture(pages)
    kept = [
        ln.text for p, lines in enumerate(pages) for i, ln in enumerate(lines) if (p, i) not in drop
    ]
    assert "重复的标题" in kept  # page one's title, 30 pt lower than the running header
    assert kept.count("重复的标题") == 1
    assert not any(t.startswith("- ") for t in kept)
    assert summary == [
        "running header on 4 pages (pages 2–5): 重复的标题",
        "page numbers in the footer on 5 pages (pages 1–5): - 1 -, - 2 -, - 3 -, …",
    ]


@pytest.mark.parametrize("number", ["第3页", "第 3 页 / 共 9 页", "3 / 9", "Page 3", "— 3 —", "3"])
def test_page_number_forms(number: str) -> None:
    drop, summary = find_furniture([_page(1, None, number)])
    assert (0, 6) in drop and summary


def test_a_line_seen_on_one_page_only_is_not_furniture() -> None:
    pages = [_page(1, "只此一页的页眉", None), _page(2, None, None), _page(3, None, None)]
    drop, summary = find_furniture(pages)
    assert drop == set() and summary == []


def test_reading_from_bytes_does_not_need_a_file(made_pdf: Path) -> None:
    data = made_pdf.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 4


def test_a_scan_is_a_copy_whose_text_cannot_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A made PDF of page images has no text layer: it is kept and reported as an
    unreliable copy (one finding saying why, OCR not attempted), never diffed, and a
    catalogue holding it still collates the copies that can be read."""
    import json

    import made
    from docwitness.cli import main
    from docwitness.pipeline import collate, fetch

    scan = mf.pdf_no_text(tmp_path)[0]
    ext = extract(capture_file(scan))
    assert ext.blocks == ()
    assert ext.warnings[-1].startswith("unreliable-text-layer: no text layer: the pages are images")

    out = tmp_path / "made-inspect.json"
    assert main(["inspect", str(scan), "--format", "json", "-o", str(out)]) == ExitCode.FINDINGS
    (w,) = json.loads(out.read_text(encoding="utf-8"))["witnesses"]
    assert w["verdict"] == "unreliable"
    assert [f["kind"] for f in w["findings"]] == ["unreliable-text"]
    assert "OCR is not attempted" in w["findings"][0]["evidence"][0]

    made.write_made(tmp_path, "made-statement.txt", made.made_statement())
    catalogue = made.write_catalogue(
        tmp_path,
        [("made-statement", "mirror", "made-statement.txt"), ("made-scan", "official", scan.name)],
    )
    store = tmp_path / "snapshots"
    results = {r.witness: r for r in fetch([catalogue], store)}
    assert results["made-scan"].status == "captured"
    assert results["made-scan"].checks == "unreliable"
    (report,) = collate([catalogue], store)
    verdicts = {x.id: x.verdict for x in report.witnesses}
    assert verdicts == {"made-statement": "complete", "made-scan": "unreliable"}
    assert report.reference is not None and report.reference.id == "made-statement"
    capsys.readouterr()
    assert main(["verify", "--store", str(store)]) == ExitCode.OK
