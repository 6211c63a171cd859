"""The canonical profile, the outline markers, and the text and Markdown extractors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import made
from docwitness.capture.file import capture_file
from docwitness.errors import ExtractionError
from docwitness.extract import EXTRACTORS, MEDIA_TYPES, extract, load_format, sniff_format
from docwitness.normalise import PROFILE, canonical_paragraphs, normalise_text
from docwitness.outline import assign_points, cn_numeral, cn_numeral_value, parse_marker
from docwitness.pipeline import load_copy
from docwitness.report import REPORTERS, formats

CASES = tomllib.loads((Path(__file__).parent / "cases" / "normalise.toml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES["case"], ids=[c["name"] for c in CASES["case"]])
def test_normalisation_table(case: dict[str, str]) -> None:
    assert normalise_text(case["raw"]) == case["canonical"]


text_of_the_field = st.text(
    alphabet=st.sampled_from(
        list("双方认为中評社電「」『』“”‘’，。、：；（）！？　 \t\n\u200b\ufeffabcXYZ123«».,:;-")
    ),
    max_size=60,
)


@given(text_of_the_field)
def test_normalising_twice_changes_nothing(raw: str) -> None:
    once = normalise_text(raw)
    assert normalise_text(once) == once


@given(st.text(max_size=40))
def test_normalising_any_text_twice_changes_nothing(raw: str) -> None:
    once = normalise_text(raw)
    assert normalise_text(once) == once


_SPACED = st.text(
    alphabet=st.sampled_from(
        list(" a1,.!:[`{~-")
        + list("中文，。、《」\u3000ア한")
        + ["𠀀", "\U0003134f", "\U00031350", "\u2fe0"]
    ),
    max_size=80,
)


@given(_SPACED)
def test_spaces_next_to_cjk_go_alike_one_by_one_and_by_the_class(text: str) -> None:
    # A text of few spaces is read space by space, one of many by the compiled class:
    # both drop the same spaces.
    from docwitness import normalise

    text = " ".join(text.split())
    by_class = normalise._SPACE_NEXT_TO_CJK.compiled().sub("", text)
    assert normalise._drop_spaces_next_to_cjk(text) == by_class


_FOLDING = list("，：；（）！？“”‘’「」『』＂＇ＡＺ０９～　中a ,")


@given(st.text(alphabet=st.sampled_from(_FOLDING), max_size=60))
def test_folding_by_replace_is_folding_by_the_class(text: str) -> None:
    # The common marks are replaced one by one, the rest by the class: the same text
    # as the class alone makes.
    from docwitness import normalise

    assert normalise._fold_text(text) == normalise._FOLD_RE.sub(normalise._fold, text)


# Pieces of the field's text, a few of more than one character: phrases t2s changes
# although none of their characters does (打坏, 明瞭), and one split by a newline.
_PARAGRAPHS = st.lists(
    st.lists(
        st.sampled_from(
            list("双方认为中評社電著「」『』“”‘’，。、：；（）！？　 \t\n\r\u200b\ufeff\u00ad")
            + list("abcXYZ123«».,:;-ＡＺ０～＂＇e\u0301ﬁ𠀀\u2028")
            + ["破坏", "打坏", "明瞭", "明\n瞭", "乾坤"]
        ),
        max_size=30,
    ).map("".join),
    max_size=12,
)


@given(_PARAGRAPHS)
def test_paragraphs_normalised_together_are_normalised_one_by_one(raws: list[str]) -> None:
    # The paragraphs of a copy are NFC-normalised and folded in one pass where that
    # gives what each paragraph's own normalisation gives.
    from docwitness.normalise import normalise_texts

    assert normalise_texts(raws) == [normalise_text(r) for r in raws]


def test_a_plain_chinese_copy_is_normalised_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from docwitness import normalise

    calls: list[str] = []
    one = normalise.normalise_text
    monkeypatch.setattr(normalise, "normalise_text", lambda t: calls.append(t) or one(t))
    raws = ["一、双方认为，“共商、共建”。", "二、中俄（两国）！", "三、双方 认为", "四、乾坤。"]
    assert normalise.normalise_texts(raws) == [
        '一、双方认为,"共商、共建"。',
        "二、中俄(两国)!",
        "三、双方认为",
        "四、乾坤。",
    ]
    # Only the paragraph holding a space and the one holding 乾 (which t2s turns into
    # 干, though not in 乾坤) were taken on their own.
    assert calls == ["三、双方 认为", "四、乾坤。"]


@given(st.lists(st.text(max_size=5), max_size=1200))
def test_lines_are_hashed_as_their_joined_text(lines: list[str]) -> None:
    from docwitness.model import sha256_lines, sha256_text

    assert sha256_lines(lines) == sha256_text("\n".join(lines))


def test_a_text_of_many_spaces_is_read_by_the_class() -> None:
    from docwitness import normalise

    text = "认为, 1970 年 " * 30 + "in the year"
    assert text.count(" ") > normalise._FEW_SPACES
    assert normalise._drop_spaces_next_to_cjk(text.strip()) == "认为,1970年" * 30 + "in the year"


def test_profile_is_named_and_versioned() -> None:
    assert PROFILE.id == "canonical/1"


@pytest.mark.parametrize(
    ("text", "style", "label", "value"),
    [
        ("十、双方欢迎", "cn", "十", 10),
        ("二十三、", "cn", "二十三", 23),
        ("(一)双方", "cn-paren", "一", 1),
        ("1.双方", "arabic", "1", 1),
        ("12、", "arabic", "12", 12),
        ("(3)", "arabic-paren", "3", 3),
        ("IV. The parties", "roman", "IV", 4),
        ("б) стороны", "cyrillic", "б", 2),
        ("c) the parties", "latin", "c", 3),
    ],
)
def test_markers(text: str, style: str, label: str, value: int) -> None:
    marker = parse_marker(text)
    assert marker is not None
    assert (marker.style, marker.label, marker.value) == (style, label, value)


@pytest.mark.parametrize("text", ["2017年7月4日", "1.5%的增长", "十分重要", "中华人民共和国"])
def test_not_markers(text: str) -> None:
    assert parse_marker(text) is None


def test_chinese_numerals_round_trip() -> None:
    for n in range(1, 200):
        assert cn_numeral_value(cn_numeral(n)) == n
    assert cn_numeral(10) == "十" and cn_numeral(21) == "二十一" and cn_numeral(105) == "一百零五"


def test_points_follow_the_top_level_markers() -> None:
    texts = ["标题", "前言", "一、甲", "乙", "(一)丙", "二、丁"]
    kinds = ["heading", "paragraph", "paragraph", "paragraph", "paragraph", "paragraph"]
    assert assign_points(texts, kinds) == [
        (None, None),
        (None, None),
        ("一、", "一"),
        (None, "一"),
        ("(一)", "一"),
        ("二、", "二"),
    ]


def test_empty_blocks_are_dropped_and_indexes_stay_dense() -> None:
    from docwitness.model import Block

    paras = canonical_paragraphs([Block("一、甲"), Block("\u3000 \u200b"), Block("乙")])
    assert [(p.index, p.text) for p in paras] == [(0, "一、甲"), (1, "乙")]


# --------------------------------------------------------------------------- text and Markdown


def test_seed_markdown_extraction(seed_path: Path) -> None:
    doc = load_copy(str(seed_path))
    texts = [p.text for p in doc.paragraphs]
    assert doc.paragraphs[0].kind == "heading" and texts[0].endswith("(全文)")
    assert texts[1] == "2017-07-05 06:56"
    # The Markdown list number is the point's numbering: kept as evidence.
    assert texts[28].startswith("1.双方欢迎金砖国家") and doc.paragraphs[28].marker == "1."
    assert texts[29] == "预览已结束,完整报告链接和二维码如下:"  # bold markup removed
    # Link syntax removed, its text kept; the Markdown escape undone once.
    assert texts[30] == "https://www.yunbaogao.cn/report/index/report?reportId=11\\_1036"
    assert doc.extraction.extractor == "markdown"
    assert "markdown-it-py" in doc.extraction.libraries


def test_plain_text_one_paragraph_per_line_without_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "made-lines.txt"
    path.write_text("一、甲。\n乙。\r\n二、丙。\n", encoding="utf-8")
    assert [p.text for p in load_copy(str(path)).paragraphs] == ["一、甲。", "乙。", "二、丙。"]


def test_plain_text_wrapped_lines_are_joined_without_spaces_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "made-wrapped.txt"
    path.write_text("一、双方\n认为。\n\nRead\nmore\n", encoding="utf-8")
    assert [p.text for p in load_copy(str(path)).paragraphs] == ["一、双方认为。", "Read more"]


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("gb18030", False), ("utf-16", False)]
)
def test_encodings_give_the_same_canonical_text(tmp_path: Path, encoding: str, bom: bool) -> None:
    paras = made.made_statement()
    reference = load_copy(str(made.write_made(tmp_path, "made-ref.txt", paras)))
    path = made.write_made(tmp_path, f"made-{encoding}.txt", paras, encoding=encoding, bom=bom)
    doc = load_copy(str(path))
    assert doc.digests.canonical == reference.digests.canonical
    assert doc.extraction.replacement_chars == 0
    expected = {"utf-16": "utf-16-le"}.get(encoding, encoding)
    assert doc.extraction.encoding == expected


def test_undecodable_bytes_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "made-damaged.txt"
    data = "\n\n".join(made.made_statement()).encode("gb18030")
    path.write_bytes(data[:500] + b"\xff\xff\xff" + data[500:])
    doc = load_copy(str(path))
    assert doc.extraction.replacement_chars > 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"\x00\x01\x02\x03" * 100, "binary"), (b"\n \n\t\n", "no text")],
)
def test_unreadable_copies(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "made-bad.txt"
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=reason):
        extract(capture_file(path))


def test_sniffing() -> None:
    from docwitness.model import Capture

    def cap(body: bytes, source: str = "x", media: str | None = None) -> Capture:
        return Capture(source, "", body, "", len(body), media, "", "file")

    assert sniff_format(cap(b"%PDF-1.4 ...")) == "pdf"
    assert sniff_format(cap(b"  <!DOCTYPE html><html>")) == "html"
    assert sniff_format(cap(b"# title", media="text/markdown")) == "markdown"
    assert sniff_format(cap(b"text", source="a/b.md")) == "markdown"
    assert sniff_format(cap(b"text")) == "text"


def test_every_registered_class_has_help_and_known_media_types() -> None:
    for name in MEDIA_TYPES:
        cls = load_format(name)
        assert cls.__doc__ and cls.__doc__.strip(), name
        assert tuple(cls.media_types) == MEDIA_TYPES[name]  # the sniffing table agrees
    for name in formats():
        assert REPORTERS.help(name), name
    assert EXTRACTORS.names() == sorted(MEDIA_TYPES)


def test_unknown_format_lists_the_known_ones() -> None:
    from docwitness.errors import UsageError

    with pytest.raises(UsageError, match="known: html, markdown, pdf, text"):
        load_format("docx")


def test_a_lone_marker_in_another_style_stands_for_the_next_point(seed_path: Path) -> None:
    doc = load_copy(str(seed_path))
    # The seed numbers point ten "1." after "九、": its paragraphs belong to point 十.
    assert [(p.marker, p.point) for p in doc.paragraphs[27:30]] == [
        (None, "九"),
        ("1.", "十"),
        (None, "十"),
    ]


def test_a_sub_list_stays_inside_its_point() -> None:
    texts = ["一、甲", "1.乙", "2.丙", "二、丁", "1.戊"]
    assert [point for _, point in assign_points(texts)] == ["一", "一", "一", "二", "二"]
