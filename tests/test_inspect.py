"""Single-copy checks (issue 4): the seed itself, made copies cut, marked, split, renumbered.

Every copy but the seed is made for the test (named ``made-…``); see made.py and
made_languages.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import made
from docwitness.errors import ExtractionError
from docwitness.model import BlockKind, Finding, WitnessReport
from docwitness.pipeline import load_copy
from docwitness.single_copy import analyse, body_range, inspect_document, single_copy_findings
from made_languages import (
    load_made,
    made_document,
    made_en_statement,
    made_ru_statement,
    seed_body,
)


def kinds(findings: tuple[Finding, ...] | list[Finding], kind: str) -> list[Finding]:
    return [f for f in findings if f.kind == kind]


def truncation(findings: tuple[Finding, ...] | list[Finding]) -> Finding:
    (found,) = kinds(findings, "truncation")
    return found


# --------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed_report() -> WitnessReport:
    return inspect_document(load_copy(str(made.SEED)))


def test_seed_is_truncated_inside_point_ten(seed_report: WitnessReport) -> None:
    assert seed_report.verdict == "truncated"
    assert seed_report.coverage is None
    cut = truncation(seed_report.findings)
    assert cut.severity == "substantive"
    assert cut.ref is None
    assert cut.outline == "十"
    assert cut.witness == 28
    assert cut.detail["stops_at"]["point"] == "十"
    assert cut.detail["stops_at"]["last_words"].endswith("影响力持续提升。双方")
    assert cut.detail["rules"] == ["cut-off-marker", "no-closing-punctuation", "open-point"]
    assert any("预览已结束" in e for e in cut.evidence)
    assert cut.detail["ends_at_sentence_end"] is False


def test_seed_split_in_point_six_is_mended(seed_report: WitnessReport) -> None:
    (split,) = kinds(seed_report.findings, "split")
    assert split.witness == (19, 20)
    assert split.outline == "六"
    assert split.rule == "split-reads-on"
    assert split.evidence[0].endswith("发挥关键作")
    assert split.evidence[1].startswith("用,")
    assert "发挥关键作用,推动在联合国框架下" in split.detail["mended"]
    assert "发挥关键作用，推动在联合国框架下" in split.detail["mended_raw"]


def test_seed_numbering_break_at_point_ten(seed_report: WitnessReport) -> None:
    (numbering,) = kinds(seed_report.findings, "numbering")
    assert numbering.witness == 28
    assert numbering.outline == "十"
    assert numbering.rule == "numbering-style"
    assert numbering.detail["expected"] == "十、"
    assert numbering.detail["found"] == "1."
    assert numbering.detail["after"] == "九、"


def test_seed_footer_and_header_are_boilerplate(seed_report: WitnessReport) -> None:
    extras = {f.witness: f.rule for f in kinds(seed_report.findings, "extra")}
    assert extras == {0: "heading-echo", 1: "date-line", 29: "cut-off-marker", 30: "link-back"}
    assert all(
        f.boilerplate and f.severity == "formal" for f in kinds(seed_report.findings, "extra")
    )


def test_seed_claims_are_metadata(seed_report: WitnessReport) -> None:
    assert seed_report.metadata["title"] == made.TITLE
    assert seed_report.metadata["date"] == "2017-07-05 06:56"


def test_seed_body_range_excludes_header_and_footer() -> None:
    doc = load_copy(str(made.SEED))
    assert body_range(doc) == range(2, 29)


# --------------------------------------------------------------------------- complete, cut copies


def test_made_complete_statement_has_no_truncation_or_numbering(tmp_path: Path) -> None:
    doc = load_made(tmp_path, "made-statement.txt", made.made_statement())
    report = inspect_document(doc)
    assert report.verdict == "complete"
    assert report.findings == ()
    assert report.metadata["title"] == made.TITLE
    assert "sentence end" in report.notes[0]


def test_made_cut_at_sentence_end_claims_nothing(tmp_path: Path) -> None:
    paras = made.made_statement()
    cut = paras[: paras.index(next(p for p in paras if p.startswith("六、")))]
    report = inspect_document(load_made(tmp_path, "made-cut-at-sentence-end.txt", cut))
    assert report.verdict == "complete"
    assert kinds(report.findings, "truncation") == []
    assert "no truncation is claimed" in report.notes[0]
    assert "point 五" in report.notes[0]


def test_made_seed_cut_at_sentence_end_names_remaining_evidence(tmp_path: Path) -> None:
    # The seed's body, point ten cut right after its first sentence, footer gone:
    # nothing says "cut", but the misnumbered point ten remains and the note says so.
    paras = seed_body()
    paras[-1] = paras[-1].removesuffix("双方")
    report = inspect_document(load_made(tmp_path, "made-seed-cut-at-sentence-end.md", paras))
    assert kinds(report.findings, "truncation") == []
    assert [f.rule for f in kinds(report.findings, "numbering")] == ["numbering-style"]
    assert "'1.' stands where point 十" in report.notes[0]


def test_made_cut_at_sentence_end_with_marker_is_truncated(tmp_path: Path) -> None:
    paras = [*made.made_statement(), "**预览已结束，完整报告链接和二维码如下：**"]
    report = inspect_document(load_made(tmp_path, "made-cut-with-marker.md", paras))
    cut = truncation(report.findings)
    assert cut.detail["rules"] == ["cut-off-marker"]
    assert cut.detail["ends_at_sentence_end"] is True
    assert cut.outline == "九"


@pytest.mark.parametrize("keep", [5, 40, 120])
def test_made_cut_mid_sentence_is_truncated(tmp_path: Path, keep: int) -> None:
    paras = made.made_statement()
    i = next(i for i, p in enumerate(paras) if p.startswith("八、"))
    paras = [*paras[:i], paras[i][:keep]]
    if paras[-1][-1] in "，、。":
        paras[-1] = paras[-1][:-1]
    doc = load_made(tmp_path, "made-cut-mid-sentence.txt", paras)
    report = inspect_document(doc)
    assert report.verdict == "truncated"
    cut = truncation(report.findings)
    assert cut.outline == "八"
    assert cut.witness == len(paras) - 1
    assert cut.detail["rules"] == ["no-closing-punctuation", "open-point"]
    assert cut.detail["stops_at"]["last_words"].endswith(doc.paragraphs[-1].text[-5:])


# --------------------------------------------------------------------------- markers


@pytest.mark.parametrize(
    "marker",
    [
        "预览已结束",
        "阅读全文",
        "展开全文",
        "点击查看全文",
        "未完待续",
        "下一页",
        "Read more",
        "Continue reading",
        "……",
    ],
)
def test_each_marker_after_the_body_is_evidence(marker: str) -> None:
    doc = made_document([*made.made_statement(), marker], witness="made-marker")
    cut = truncation(single_copy_findings(doc))
    assert cut.rule == "cut-off-marker"
    assert cut.evidence == (f"cut-off-marker: {marker}",)
    extras = kinds(single_copy_findings(doc), "extra")
    assert [(e.witness, e.rule) for e in extras] == [(len(doc.paragraphs) - 1, "cut-off-marker")]


@pytest.mark.parametrize(
    ("ending", "rule"),
    [("……", "trailing-ellipsis"), ("...", "trailing-ellipsis"), ("展开全文", "cut-off-marker")],
)
def test_marker_glued_to_the_last_paragraph(ending: str, rule: str) -> None:
    paras = made.made_statement()
    paras[-1] = paras[-1].removesuffix("。") + ending
    cut = truncation(single_copy_findings(made_document(paras, "made-glued")))
    assert rule in cut.detail["rules"]
    assert cut.witness == len(paras) - 1


def test_marker_between_pages_is_chrome_not_a_cut(tmp_path: Path) -> None:
    # A paginated copy joined page by page: "下一页" inside the body, and a page
    # break splitting point six around it. The split is still found across it.
    paras = seed_body()
    six = next(i for i, p in enumerate(paras) if p.endswith("发挥关键作"))
    paras.insert(six + 1, "下一页")
    paras[-1] = paras[-1].removesuffix("双方")
    findings = single_copy_findings(load_made(tmp_path, "made-paginated.md", paras))
    assert kinds(findings, "truncation") == []
    (split,) = kinds(findings, "split")
    assert split.witness == (19, 21)
    assert (20, "cut-off-marker") in [(f.witness, f.rule) for f in kinds(findings, "extra")]


def test_copy_of_chrome_only_is_truncated_with_no_body() -> None:
    doc = made_document(
        ["2017-07-05 06:56", "预览已结束，完整报告链接和二维码如下："], "made-chrome"
    )
    report = inspect_document(doc)
    assert report.verdict == "truncated"
    assert truncation(report.findings).detail["rules"] == ["cut-off-marker", "no-body"]


def test_empty_copy_is_an_error() -> None:
    with pytest.raises(ExtractionError):
        inspect_document(made_document([], "made-empty"))


# --------------------------------------------------------------------------- numbering and outline


def _points(labels: list[str]) -> list[str]:
    return [
        "双方声明如下：",
        *(f"{label}、双方认为，第{label}点的内容写在这里。" for label in labels),
    ]


@pytest.mark.parametrize(
    ("labels", "rule", "expected", "at"),
    [
        (["一", "二", "四"], "numbering-skip", "三、", "四"),
        (["一", "二", "二", "三"], "numbering-repeat", "三、", "二"),
        (["一", "二", "三", "二"], "numbering-back", "四、", "二"),
        (["二", "三"], "numbering-start", "一、", "二"),
    ],
)
def test_numbering_breaks(labels: list[str], rule: str, expected: str, at: str) -> None:
    findings = kinds(single_copy_findings(made_document(_points(labels))), "numbering")
    assert [(f.rule, f.detail["expected"], f.outline) for f in findings] == [(rule, expected, at)]


def test_lone_arabic_marker_filling_a_gap_stands_for_the_missing_point() -> None:
    paras = [
        *_points(list("一二三四五六七八九")),
        "1. 双方认为，这一点本应编为十。",
        "十一、双方认为，最后一点。",
    ]
    findings = kinds(single_copy_findings(made_document(paras)), "numbering")
    # "1." stands for 十, so "十一、" follows as expected: one style finding, no skip.
    assert [(f.rule, f.outline, f.detail["expected"]) for f in findings] == [
        ("numbering-style", "十", "十、")
    ]


@pytest.mark.parametrize(
    "subs",
    [
        ["1. 第一项。", "2. 第二项。"],  # a real sub-list
        ["1. 唯一一项。"],  # a lone sub-item, and point 三 follows as expected
        ["(一)第一项。", "(二)第二项。"],
    ],
)
def test_sub_items_are_not_numbering_breaks(subs: list[str]) -> None:
    paras = [*_points(["一", "二"]), *subs, *_points(["三"])[1:]]
    findings = single_copy_findings(made_document(paras))
    assert kinds(findings, "numbering") == []
    assert kinds(findings, "split") == []


def test_lone_sub_item_at_the_end_is_a_sub_item_where_the_copy_uses_sub_lists() -> None:
    # The copy numbers sub-items "1.", "2." in point 一, so a lone "1." in its last
    # point is read as a sub-item too, not as a misnumbered point.
    paras = [
        *_points(["一"]),
        "1. 第一项。",
        "2. 第二项。",
        *_points(["二", "三"])[1:],
        "1. 唯一一项。",
    ]
    result = analyse(made_document(paras))
    assert kinds(result.findings, "numbering") == []
    assert result.outline.point_of[len(paras) - 1] == "三"


def test_marker_in_another_style_carrying_the_next_value_stands_for_it() -> None:
    paras = [
        *_points(list("一二三四五六七八九")),
        "10. 双方认为，第十点。",
        "11. 双方认为，第十一点。",
    ]
    result = analyse(made_document(paras))
    assert [p.label for p in result.outline.points][-2:] == ["十", "十一"]
    assert [f.rule for f in kinds(result.findings, "numbering")] == ["numbering-style"]


@pytest.mark.parametrize(
    ("last", "kind"),
    [("十、", "paragraph"), ("十、金砖国家合作", "paragraph"), ("十、金砖国家合作", "heading")],
)
def test_point_opened_with_no_text_is_open(last: str, kind: BlockKind) -> None:
    paras: list[str | tuple[str, BlockKind]] = [*_points(list("一二三四五六七八九")), (last, kind)]
    cut = truncation(single_copy_findings(made_document(paras)))
    assert cut.outline == "十"
    assert cut.detail["rules"] == ["no-closing-punctuation", "open-point"]
    assert "heading and no text" in cut.evidence[1]


def test_contents_promise_more_points_than_the_text_reaches() -> None:
    contents = ["目录", *(f"{n}、第{n}部分" for n in "一二三四五")]
    paras = [*contents, *_points(["一", "二", "三"])]
    cut = truncation(single_copy_findings(made_document(paras)))
    assert cut.rule == "outline-promise"
    assert "up to 五" in cut.evidence[0] and "stops at 三" in cut.evidence[0]


def test_contents_kept_by_the_text_is_no_evidence() -> None:
    contents = ["目录", *(f"{n}、第{n}部分" for n in "一二三")]
    findings = single_copy_findings(made_document([*contents, *_points(["一", "二", "三"])]))
    assert findings == []


def test_closing_line_and_dateline() -> None:
    paras = [
        made.TITLE,
        "新华社莫斯科7月4日电 中华人民共和国和俄罗斯联邦（以下称“双方”）声明如下：",
        "一、双方相信，当前国际体系正在朝着多极化演变。",
        "二〇一七年七月四日于莫斯科",
    ]
    report = inspect_document(made_document(paras, "made-dateline"))
    assert report.verdict == "complete"
    assert report.metadata["dateline"] == "新华社莫斯科7月4日电"


# --------------------------------------------------------------------------- Russian and English


def test_made_russian_statement_is_complete(tmp_path: Path) -> None:
    doc = load_made(tmp_path, "made-ru-statement.txt", made_ru_statement())
    result = analyse(doc)
    assert result.language == "ru" and result.language_guessed
    assert result.findings == ()
    assert [p.label for p in result.outline.points] == ["I", "II", "III", "IV"]


def test_made_russian_cut_split_and_marked() -> None:
    paras = made_ru_statement()[:-2]  # ends inside point III
    paras[-1] = paras[-1].removesuffix(" фронт.")
    paras[3:4] = [
        "Стороны отмечают рост влияния развивающихся",
        "стран и их вклад в мировую экономику.",
    ]
    paras.append("Читать далее")
    findings = single_copy_findings(made_document(paras, "made-ru-cut"), language="ru")
    cut = truncation(findings)
    assert cut.outline == "III"
    assert cut.detail["rules"] == ["cut-off-marker", "no-closing-punctuation", "open-point"]
    assert (
        cut.detail["stops_at"]["last_words"]
        == "… призывают международное сообщество сформировать единый антитеррористический"
    )
    (split,) = kinds(findings, "split")
    assert split.detail["mended"] == (
        "Стороны отмечают рост влияния развивающихся стран и их вклад в мировую экономику."
    )


def test_made_russian_roman_skip() -> None:
    paras = [p for p in made_ru_statement() if not p.startswith("III.")]
    (numbering,) = kinds(single_copy_findings(made_document(paras)), "numbering")
    assert numbering.rule == "numbering-skip"
    assert numbering.detail["expected"] == "III."


def test_made_english_statement_is_complete() -> None:
    report = inspect_document(made_document(made_en_statement(), "made-en-statement"))
    assert report.verdict == "complete"
    assert report.findings == ()
    assert report.metadata["title"].startswith("Joint Statement")


def test_made_english_cut_mid_sentence_and_read_more() -> None:
    paras = made_en_statement()[:-1]
    paras[-1] = paras[-1].removesuffix(" in all its forms.")
    cut = truncation(single_copy_findings(made_document([*paras, "Read more »"]), language="en"))
    assert cut.outline == "4"
    assert cut.detail["stops_at"]["last_words"] == "… open world economy and oppose protectionism"
    assert cut.detail["rules"][0] == "cut-off-marker"


def test_made_english_cut_at_sentence_end_claims_nothing() -> None:
    paras = made_en_statement()[:-2]
    report = inspect_document(made_document(paras))
    assert report.verdict == "complete"
    assert "point 3" in report.notes[0]


def test_unknown_language_falls_back_to_script_and_says_so() -> None:
    result = analyse(made_document(made_en_statement()), language="fr")
    assert result.language == "en"
    assert "no rules for language 'fr'" in result.notes[0]
