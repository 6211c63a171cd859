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
from docwitness.extract.pdf_layout import Line
from docwitness.model import Extraction

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
        return title, body, mp.Setting(footnotes=notes, title_size=15.75)
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
    ext = _extracted(built("footnotes")[0])
    assert [r for r in ext.removed if r.startswith("footnote")] == [
        "footnote (page 1): ① 本声明于2017年7月4日在莫斯科签署。",
        "footnote (page 1): ② 中文本和俄文本同等作准。",
    ]
    assert json.loads(ext.metadata["pdf_pages"])[0]["notes"] == 2
    assert "本声明" not in ext.text


def test_layout_record_round_trips_through_the_store(built: Callable[[str], Made]) -> None:
    from docwitness.normalise import build_document
    from docwitness.store.records import DerivedRecord

    pdf = built("footnotes")[0]
    doc = build_document(pdf.name, str(pdf), "sha256:" + "0" * 64, _extracted(pdf))
    record = DerivedRecord.of(doc, ["sha256:" + "0" * 64], "pdf", None)
    obj = json.loads(json.dumps(record.to_json()))
    again = DerivedRecord.from_json(obj)
    assert again == record
    assert again.extraction.metadata["pdf_pages"] == doc.extraction.metadata["pdf_pages"]
