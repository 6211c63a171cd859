"""PDF layouts: made PDFs of the statement set as official texts are, read back whole.

Every PDF here is made (tests/made_pdf_layouts.py) from the plain-text statement
or the made Russian and English statements; none is a real source. Each layout
is compared, with ``docwitness diff``, to the same paragraphs as a made text
file: the PDF must read as the same paragraphs, with no split, merge or
substantive finding.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pytest

import made
import made_languages as ml
import made_pdf_layouts as mp
from docwitness.capture.file import capture_file
from docwitness.cli import main
from docwitness.extract import extract
from docwitness.extract.pdf import _page_lines
from docwitness.extract.pdf_columns import head_width, page_lines
from docwitness.extract.pdf_layout import (
    INDENT,
    SHORT,
    SPACE,
    Line,
    find_convention,
    read_body,
    split_footnotes,
)
from docwitness.model import Block, Extraction

A4 = (595.28, 841.89)

Made = tuple[Path, Path, list[str]]  # the PDF, the reference text, its paragraphs


def _statement() -> tuple[str, list[str]]:
    paras = made.made_statement()
    return paras[0], paras[1:]


def _dejavu() -> str:
    if not mp.DEJAVU.exists():
        pytest.skip(f"{mp.DEJAVU} is missing (Debian's fonts-dejavu-core)")
    return mp.register_dejavu()


HYPHEN_EN = [
    "The Parties welcome Russian-Chinese cooperation in international organisations and"
    " reaffirm their long-term commitment to multilateralism, consultation and"
    " understanding between nations.",
    "They note that long-term partnership strengthens international stability.",
]
HYPHEN_RU = [
    "Стороны подчёркивают, что международное сотрудничество и взаимопонимание"
    " способствуют укреплению стабильности и безопасности.",
    "Российско-Китайское партнёрство отвечает коренным интересам народов.",
]


def _case(name: str) -> tuple[str | list[str], list[str], mp.Setting]:
    title, body = _statement()
    if name == "justified-cjk":
        # 30 ems to a line: a line of full-width glyphs ends at the margin, one that
        # holds half-width digits or Latin letters ends short of it.
        return title, body, mp.Setting(text_width=30 * 10.5, title_size=15.75)
    if name == "character-grid":
        return title, body, mp.Setting(text_width=28 * 10.5, grid=True, title_size=15.75)
    if name == "centred-title":
        # The title in the body size, centred over two lines.
        return title, body, mp.Setting(title_width=200.0)
    if name == "two-columns":
        return title, body, mp.Setting(page=A4, columns=2, size=10.0, title_size=16.0)
    if name == "three-columns":
        return title, body, mp.Setting(page=A4, columns=3, size=9.0, title_size=16.0)
    if name == "footnotes":
        notes = ["① 本声明于2017年7月4日在莫斯科签署。", "② 中文本和俄文本同等作准。"]
        # Raised marks in the text point to them: the second and fourth paragraphs.
        marks = {1: "①", 3: "②"}
        return title, body, mp.Setting(footnotes=notes, marks=marks, title_size=15.75)
    if name == "page-furniture":
        return title, body, mp.Setting(page_number="第{n}页", title_size=15.75)
    # One page or two each: a header seen on one page only is no running header.
    latin = mp.Setting(font=_dejavu(), latin=True, header=None, size=10.0, title_width=260.0)
    narrow = replace(latin, indent=1.5, hyphenate=True, text_width=150.0, title_width=110.0)
    en, ru = ml.made_en_statement(), ml.made_ru_statement()
    if name == "ragged-english":
        return en[0], en[1:], replace(latin, indent=0.0, space=0.8)
    if name == "ragged-russian":
        return ru[0], ru[1:], replace(latin, indent=1.5)
    if name == "hyphenated-english":
        return en[0], en[1:] + HYPHEN_EN, narrow
    if name == "hyphenated-russian":
        return ru[0], ru[1:] + HYPHEN_RU, narrow
    raise AssertionError(name)


LAYOUTS = [
    "justified-cjk",
    "character-grid",
    "centred-title",
    "two-columns",
    "three-columns",
    "footnotes",
    "page-furniture",
    "ragged-english",
    "ragged-russian",
    "hyphenated-english",
    "hyphenated-russian",
]


def _made(tmp_path: Path, name: str) -> tuple[Path, Path, list[str]]:
    title, body, setting = _case(name)
    data = mp.layout_pdf(title, body, setting)
    pdf = tmp_path / f"made-{name}.pdf"
    pdf.write_bytes(data)
    heading = "".join(title) if isinstance(title, list) else title
    paras = [heading, *body]
    ref = made.write_made(tmp_path, f"made-{name}-ref.txt", paras)
    return pdf, ref, paras


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Made]:
    cache: dict[str, Made] = {}

    def get(name: str) -> Made:
        if name not in cache:
            cache[name] = _made(tmp_path_factory.mktemp(name), name)
        return cache[name]

    return get


def _extracted(path: Path) -> Extraction:
    return extract(capture_file(path))


@pytest.mark.parametrize("name", LAYOUTS)
def test_layout_reads_as_the_reference(
    name: str, built: Callable[[str], Made], tmp_path: Path
) -> None:
    pdf, ref, _ = built(name)
    out = tmp_path / "made-report.json"
    main(["diff", str(ref), str(pdf), "--format", "json", "-o", str(out)])
    witness = json.loads(out.read_text(encoding="utf-8"))["witnesses"][0]
    findings = [(f["kind"], f.get("severity")) for f in witness["findings"]]
    assert witness["verdict"] in {"identical", "equivalent"}, (witness["verdict"], findings)
    assert not [f for f in findings if f[0] in {"split", "merge"} or f[1] == "substantive"]


# --------------------------------------------------------------------------- the traps are there


def _lines(pdf: Path) -> list[Line]:
    with pdfplumber.open(pdf) as doc:
        return [ln for i, p in enumerate(doc.pages) for ln in _page_lines(p, i + 1)[0]]


def _within_one_paragraph(a: Line, b: Line, paras: list[str]) -> bool:
    return any(a.text + b.text in p for p in paras)


def test_justified_page_has_lines_short_by_their_half_width_characters(
    built: Callable[[str], Made],
) -> None:
    pdf, _, paras = built("justified-cjk")
    lines = _lines(pdf)
    right = max(ln.x1 for ln in lines if ln.size == 10.5)
    short = [
        (a, b)
        for a, b in pairwise(lines)
        if a.size == b.size == 10.5 and a.x1 < right - 1.5 * 10.5 and re.search(r"\d", a.text)
        and _within_one_paragraph(a, b, paras)
    ]
    assert short, "no line ends 1.5 em short inside a paragraph: the layout shows no trap"


def test_character_grid_continuation_lines_end_two_characters_short(
    built: Callable[[str], Made],
) -> None:
    pdf, _, _ = built("character-grid")
    lines = [ln for ln in _lines(pdf) if ln.size == 10.5]
    left = min(ln.x0 for ln in lines)
    first = max(ln.x1 for ln in lines if ln.x0 > left + 10.5)
    rest = statistics.mode(round(ln.x1) for ln in lines if ln.x0 < left + 1)
    assert first - rest == pytest.approx(2 * 10.5, abs=1)


@pytest.mark.parametrize("name", ["two-columns", "three-columns"])
def test_columns_interleave_when_read_across(name: str, built: Callable[[str], Made]) -> None:
    pdf, _, paras = built(name)
    with pdfplumber.open(pdf) as doc:
        across = "".join(doc.pages[0].extract_text().split())
    assert not any(p[:40] in across for p in paras[3:6])  # read across, rows mix columns


def test_hyphenated_pdf_breaks_words_at_line_ends(built: Callable[[str], Made]) -> None:
    pdf, _, _ = built("hyphenated-russian")
    assert any(re.search(r"[а-я]-$", ln.text) for ln in _lines(pdf))


# --------------------------------------------------------------------------- the record


def test_record_says_columns_convention_joins_and_notes(built: Callable[[str], Made]) -> None:
    ext = _extracted(built("two-columns")[0])
    assert ext.metadata["pdf_layout"].startswith("paragraphs by first-line indent; ")
    pages = json.loads(ext.metadata["pdf_pages"])
    assert pages[0]["page"] == 1 and pages[0]["columns"] == 2 and pages[0]["furniture"] == 2
    ext = _extracted(built("hyphenated-russian")[0])
    pages = json.loads(ext.metadata["pdf_pages"])
    joins = [j for p in pages for j in p.get("joins", [])]
    assert joins and all("-|" in j for j in joins)
    assert "words mended at line ends" in ext.metadata["pdf_layout"]
    pdf = built("footnotes")[0]
    with pdfplumber.open(pdf) as doc:
        assert doc.pages[0].extract_text().count("①") == 2  # in the text, and the note
    ext = _extracted(pdf)
    assert [r for r in ext.removed if r.startswith("footnote")] == [
        "footnote (page 1): ① 本声明于2017年7月4日在莫斯科签署。",
        "footnote (page 1): ② 中文本和俄文本同等作准。",
    ]
    page_one = json.loads(ext.metadata["pdf_pages"])[0]
    assert page_one["notes"] == 2 and page_one["note_marks"] == ["①", "②"]
    assert "本声明" not in ext.text and "①" not in ext.text


def test_layout_record_round_trips_through_the_store(built: Callable[[str], Made]) -> None:
    from docwitness.normalise import build_document
    from docwitness.store.records import DerivedRecord

    pdf = built("footnotes")[0]
    doc = build_document(pdf.name, str(pdf), "sha256:" + "0" * 64, _extracted(pdf))
    record = DerivedRecord.of(doc, ["sha256:" + "0" * 64], "pdf", None)
    obj = json.loads(json.dumps(record.to_json()))
    assert DerivedRecord.from_json(obj) == record
    again = DerivedRecord.from_json(obj).resolved(doc.extraction.text, doc.canonical_text)
    assert again == record.resolved(doc.extraction.text, doc.canonical_text)
    assert [p.raw for p in again.paragraphs] == [p.raw for p in doc.paragraphs]
    assert again.extraction.metadata["pdf_pages"] == doc.extraction.metadata["pdf_pages"]


# ------------------------------------------------------------------- the rules, line by line


def _ln(text: str, x0: float, x1: float, top: float, **kw: object) -> Line:
    size = float(kw.pop("size", 10.0))  # type: ignore[arg-type]
    return Line(1, text, x0, x1, top, top + size, size, 600.0, **kw)  # type: ignore[arg-type]


def _rows(rows: list[tuple[str, float, float, float]], step: float = 16.0) -> list[Line]:
    """(text, x0, x1, head) rows, one line pitch apart."""
    return [_ln(t, x0, x1, 100 + step * i, head=h) for i, (t, x0, x1, h) in enumerate(rows)]


def _texts(lines: list[Line]) -> list[str]:
    return [b.text for b in read_body(lines).blocks]


def test_a_line_short_by_narrow_characters_continues_where_the_next_word_would_not_fit() -> None:
    # No indents: the short last line is all there is; 300 pt to a full line.
    rows = [
        ("甲一", 50, 350, 10),
        ("甲二2014", 50, 332, 10),  # 18 pt short: the next glyph (10 pt) would have fitted? no
        ("甲三", 50, 350, 10),
        ("甲四", 50, 200, 10),  # 150 pt short: the next line's first glyph would have fitted
        ("乙一", 50, 350, 10),
        ("乙二", 50, 350, 10),
        ("乙三", 50, 150, 10),
    ]
    lines = _rows(rows)
    lines[2] = replace(lines[2], head=20.0)  # its first "word" is a glyph and a closing mark
    assert find_convention(lines, 10.0) == SHORT
    assert _texts(lines) == ["甲一甲二2014甲三甲四", "乙一乙二乙三"]
    # A Latin word that would have fitted ends the paragraph; one that would not, does not.
    latin = _rows(
        [
            ("The Parties", 50, 350, 40),
            ("hold that the", 50, 300, 40),  # 50 pt left, "international " needs 80
            ("international order", 50, 350, 80),
            ("is just.", 50, 250, 20),  # 100 pt left, "They " needs 40
            ("They agree.", 50, 150, 40),
        ]
    )
    assert _texts(latin) == [
        "The Parties hold that the international order is just.",
        "They agree.",
    ]


def test_full_widths_are_judged_per_line_start_on_a_character_grid() -> None:
    # Every line holds 28 glyphs: first lines, indented 2 ems, end 20 pt further right.
    rows = []
    for p in "甲乙丙":
        rows += [(p + "一", 70, 350, 10), (p + "二", 50, 330, 10), (p + "三", 50, 330, 10)]
        rows += [(p + "四", 50, 150, 10)]
    assert _texts(_rows(rows)) == ["甲一甲二甲三甲四", "乙一乙二乙三乙四", "丙一丙二丙三丙四"]


def test_where_indents_mark_paragraphs_a_flush_line_continues_after_a_line_a_little_short() -> None:
    rows = [
        ("甲一", 70, 350, 10),
        ("甲二", 50, 300, 10),  # 50 pt short, the next glyph would fit: no indent follows
        ("甲三", 50, 200, 10),
        ("乙一", 70, 350, 10),
        ("乙二", 50, 350, 10),
        ("乙三", 50, 120, 10),  # well short: a flush line after it is a paragraph
        ("丙一", 50, 350, 10),
    ]
    lines = _rows(rows)
    assert find_convention(lines, 10.0) == INDENT
    assert _texts(lines) == ["甲一甲二甲三", "乙一乙二乙三", "丙一"]
    # The same lines with no indents at all: the short line ends its paragraph.
    flush = [replace(ln, x0=50.0) for ln in lines]
    assert find_convention(flush, 10.0) == SHORT
    assert _texts(flush)[0] == "甲一甲二"


def test_space_between_paragraphs_is_found_and_marks_them() -> None:
    tops = [100, 116, 132, 156, 172, 196, 212, 228]
    texts = ["甲一", "甲二", "甲三", "乙一", "乙二", "丙一", "丙二", "丙三"]
    ends = [350, 300, 200, 350, 250, 350, 350, 150]
    lines = [_ln(t, 50, e, top, head=10) for t, e, top in zip(texts, ends, tops, strict=True)]
    assert find_convention(lines, 10.0) == SPACE
    # "甲二" ends 50 pt short and the next glyph would fit, but no space follows it.
    assert _texts(lines) == ["甲一甲二甲三", "乙一乙二", "丙一丙二丙三"]


def test_a_title_over_centred_lines_is_one_heading() -> None:
    title = [_ln("中华人民共和国和俄罗斯联邦", 110, 290, 60), _ln("联合声明", 170, 230, 78)]
    body = _rows([(f"正文{i}", 70 if i % 3 == 0 else 50, 350, 10) for i in range(9)])
    blocks = read_body(title + body).blocks
    assert blocks[0] == Block("中华人民共和国和俄罗斯联邦联合声明", "heading", 1)
    assert blocks[1].kind == "paragraph" and blocks[1].text.startswith("正文0")


@pytest.mark.parametrize(
    ("lines", "text", "joined"),
    [
        (["the interna-", "tional order"], "the international order", ["interna-|tional"]),
        (
            ["укрепление между-", "народного мира"],
            "укрепление международного мира",
            ["между-|народного"],
        ),
        (["welcome Russian-", "Chinese cooperation"], "welcome Russian-Chinese cooperation", []),
        (["Российско-", "Китайское партнёрство"], "Российско-Китайское партнёрство", []),
        (["a long-", "term view of long-term aims"], "a long-term view of long-term aims", []),
        (["a 2017-", "2018 plan"], "a 2017-2018 plan", []),
    ],
)
def test_words_hyphenated_at_a_line_end(lines: list[str], text: str, joined: list[str]) -> None:
    rows = [(t, 50 if i else 70, 350 if i == 0 else 200, 30) for i, t in enumerate(lines)]
    layout = read_body(_rows(rows))
    assert [b.text for b in layout.blocks] == [text]
    assert [j for _, j in layout.joins] == joined


def test_footnotes_at_the_foot_of_a_page_are_kept_apart() -> None:
    body = _rows([(f"正文{i}", 70 if i % 4 == 0 else 50, 350, 10) for i in range(12)])
    small = [
        _ln("1 见联合国文件。", 50, 200, 540, size=8.0),
        _ln("其续行。", 50, 120, 550, size=8.0),
        _ln("注：中文本为准。", 50, 150, 560, size=8.0),
    ]
    kept, notes = split_footnotes(body + small, 10.0)
    assert kept == body
    assert notes == [(1, "1 见联合国文件。其续行。"), (1, "注：中文本为准。")]
    # Under a rule, in the body size, they are notes too; without a mark, they are text.
    ruled = [replace(ln, size=10.0, below_rule=True) for ln in small]
    assert split_footnotes(body + ruled, 10.0)[1] == notes
    unmarked = _ln("二〇一七年七月四日", 50, 200, 540, size=8.0)
    assert split_footnotes([*body, unmarked], 10.0) == ([*body, unmarked], [])


def _chars(text: str, x0: float, top: float, size: float = 10.0) -> list[dict[str, object]]:
    out = []
    for i, ch in enumerate(text):
        out.append({"text": ch, "x0": x0 + i * size, "x1": x0 + (i + 1) * size,
                    "top": top, "bottom": top + size, "size": size})
    return out


def test_columns_are_read_one_after_the_other_below_a_title_across_them() -> None:
    rows: list[tuple[str, list[dict[str, object]]]] = [
        ("页眉页眉页眉", _chars("页眉页眉页眉", 270, 30, 8)),
        ("标题跨越两栏的标题文字", _chars("标题跨越两栏的标题文字", 220, 60, 14)),
    ]
    for i in range(10):
        left, right = f"左{i}" * 10, f"右{i}" * 10
        chars = _chars(left, 50, 100 + 16 * i) + _chars(right, 320, 100 + 16 * i)
        rows.append((left + " " + right, chars))
    rows.append(("3", _chars("3", 295, 560, 8)))
    lines, columns = page_lines(rows, 1, 595.0, 600.0)
    assert columns == 2
    texts = [ln.text for ln in lines]
    assert texts[:2] == ["页眉页眉页眉", "标题跨越两栏的标题文字"]
    assert texts[2:12] == [f"左{i}" * 10 for i in range(10)]
    assert texts[12:22] == [f"右{i}" * 10 for i in range(10)]
    assert texts[22:] == ["3"]
    assert {ln.column for ln in lines[2:12]} == {1} and {ln.column for ln in lines[12:22]} == {2}


def test_a_page_of_one_column_keeps_its_lines() -> None:
    rows = [(f"正文{i}" * 14, _chars(f"正文{i}" * 14, 50, 100 + 16 * i)) for i in range(10)]
    lines, columns = page_lines(rows, 1, 595.0, 600.0)
    assert columns == 1 and [ln.text for ln in lines] == [r[0] for r in rows]


def test_first_word_widths() -> None:
    assert head_width(_chars("中文", 50, 100)) == 10.0
    assert head_width(_chars("中，文", 50, 100)) == 20.0  # a mark that may not start a line
    assert head_width(_chars("“中”，文", 50, 100)) == 40.0  # nor end one
    latin = _chars("word next", 50, 100)
    assert head_width(latin) == 40.0 + 10.0  # the word and a space, in this line's widths
    assert head_width(_chars("2014年", 50, 100)) == 40.0  # no space before CJK text


def test_a_raised_mark_leaves_the_text_only_when_a_footnote_on_its_page_has_it() -> None:
    body = [(f"正文{i}" * 14, _chars(f"正文{i}" * 14, 50, 100 + 16 * i)) for i in range(10)]
    raised = _chars("原则。", 50, 300) + _chars("1", 80, 300, 6)  # small, its foot 4 pt higher
    rows = [*body, ("原则。1", raised)]
    lines, _ = page_lines(rows, 1, 595.0, 600.0)
    assert (lines[-1].text, lines[-1].marks, lines[-1].unmarked) == ("原则。1", ("1",), "原则。")
    assert read_body(lines).blocks[-1].text.endswith("原则。1")  # no note: the 1 stays
    note = _ln("1 见联合国文件。", 50, 200, 540, size=8.0)
    layout = read_body([*lines, note])
    assert layout.blocks[-1].text.endswith("原则。") and layout.marks == [(1, "1")]
