"""HTML extraction: made pages of the statement, chrome, framing, hidden text, selectors.

Every page here is made (tests/made_fixtures.py) from the plain-text statement;
none is a real source.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import made
import made_fixtures as mf
from docwitness.capture.file import capture_file
from docwitness.errors import ExitCode, ExtractionError
from docwitness.extract import extract
from docwitness.extract.framing import parse_byline, separate_framing
from docwitness.extract.html import HtmlExtractor
from docwitness.extract.html_tree import MAX_DEPTH
from docwitness.extract.pages import combine_pages
from docwitness.model import Block, Capture, Document, Extraction, sha256_bytes
from docwitness.normalise import build_document
from docwitness.pipeline import load_copy


def _capture(body: str | bytes, name: str = "made-page.html") -> Capture:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Capture(
        source=name,
        retrieved="2024-01-01T00:00:00Z",
        body=data,
        sha256=sha256_bytes(data),
        size=len(data),
        media_type="text/html",
        tool="docwitness/test",
        transport="file",
    )


def _html(body: str) -> Extraction:
    return HtmlExtractor().extract(_capture(f"<html><body>{body}</body></html>"))


def _texts(ext: Extraction) -> list[str]:
    return [b.text for b in ext.blocks]


@pytest.fixture
def statement(made_statement_path: Path) -> Document:
    return load_copy(str(made_statement_path))


@pytest.fixture
def portal(tmp_path: Path) -> Extraction:
    return mf.extract_made(mf.html_utf8(tmp_path))


# --------------------------------------------------------------------------- golden table


def check_golden(name: str, case: dict[str, Any], tmp_path: Path, statement: Document) -> None:
    """Shared by the HTML and PDF tests: build, extract, compare, check the recording."""
    paths = mf.BUILDERS[case["builder"]](tmp_path)
    assert all(p.name.startswith("made-") for p in paths)
    ext = mf.extract_made(paths)
    doc = build_document(name, str(paths[0]), sha256_bytes(paths[0].read_bytes()), ext)
    if case.get("same_as_statement"):
        assert [p.text for p in doc.paragraphs] == [p.text for p in statement.paragraphs]
        try:
            from docwitness.compare.engine import compare
        except ImportError:  # collation not in this tree: canonical equality is the check
            compare = None
        if compare is not None:
            report = compare(statement, doc)
            assert report.verdict in ("identical", "equivalent"), report.verdict
            assert not [f for f in report.findings if f.severity == "substantive"]
    recorded = {
        **case,
        "paragraphs": len(doc.paragraphs),
        "canonical": doc.digests.canonical,
        "removed": len(ext.removed),
    }
    if os.environ.get(mf.UPDATE) == "1":
        mf.save_case(name, recorded)
    else:
        assert case == recorded, (
            f"golden case {name} differs; review, then rerun with {mf.UPDATE}=1"
        )


@pytest.mark.parametrize("name", [n for n in mf.load_cases() if n.startswith("html-")])
def test_golden_html_cases(name: str, tmp_path: Path, statement: Document) -> None:
    check_golden(name, mf.load_cases()[name], tmp_path, statement)


# --------------------------------------------------------------------------- structure


def test_article_body_found_and_chrome_listed(portal: Extraction) -> None:
    text = portal.text
    for chrome in (
        "中华网首页",
        "体育",
        "当前位置",
        "分享到",
        "网友评论",
        "热点新闻",
        "相关阅读",
        "Copyright",
    ):
        assert chrome not in text
    removed = "\n".join(portal.removed)
    assert "chrome nav.main-nav: 新闻 体育" in removed
    assert "related: 中俄元首会谈 习近平抵达莫斯科" in removed
    assert "chrome footer: Copyright © 中华网 版权所有" in removed
    assert "chrome div#comment-area" in removed
    assert portal.metadata["body"].endswith("div#chan_newsDetail.article")


def test_title_is_taken_from_the_heading_before_the_body(portal: Extraction) -> None:
    assert portal.blocks[0] == Block(made.TITLE, "heading")
    assert portal.metadata["title"] == made.TITLE


def test_hidden_text_is_not_taken_but_listed(portal: Extraction) -> None:
    for hidden in ("隐藏的推广文字不应被提取", "另一段隐藏文字", "朗读时跳过"):
        assert hidden not in portal.text
        assert f"hidden: {hidden}" in portal.removed


def test_entities_are_decoded(portal: Extraction) -> None:
    # The made page writes the quotes as &ldquo; and &#8221;.
    assert "（以下称“双方”）" in portal.blocks[1].text
    assert "&ldquo;" not in portal.text and "&#8221;" not in portal.text


def test_framing_goes_to_metadata_and_removed(portal: Extraction) -> None:
    assert portal.metadata["source"] == "新华网"
    assert portal.metadata["date"] == "2017-07-05 05:42:41"
    assert portal.metadata["editor"] == "张三"
    assert "label: （全文）" in portal.removed
    assert "end-mark: （完）" in portal.removed
    assert "byline: 责任编辑：张三" in portal.removed
    assert not portal.blocks[-1].text.endswith("（完）")
    assert "责任编辑" not in portal.text


def test_libraries_and_encoding_are_recorded(portal: Extraction) -> None:
    assert set(portal.libraries) == {"beautifulsoup4", "lxml"}
    assert all(v[0].isdigit() for v in portal.libraries.values())
    assert portal.extractor == "html" and portal.encoding == "utf-8"


def test_gb18030_page_declared_gb2312(tmp_path: Path) -> None:
    ext = mf.extract_made(mf.html_gb18030(tmp_path))
    assert ext.encoding == "gb18030"
    assert ext.encoding_evidence["meta"] == "gb2312"
    assert ext.replacement_chars == 0
    assert ext.blocks[1].text.startswith("中华人民共和国和俄罗斯联邦（以下称“双方”）")


def test_dateline_glued_to_title_is_separated(tmp_path: Path) -> None:
    ext = mf.extract_made(mf.html_crntt_traditional(tmp_path))
    assert ext.metadata["dateline"] == "中評社北京7月5日電"
    assert "dateline: 中評社北京7月5日電/" in ext.removed
    assert ext.blocks[0].text == mf.to_traditional(made.TITLE)


def test_wikisource_chrome_and_indents(tmp_path: Path) -> None:
    ext = mf.extract_made(mf.html_wikisource(tmp_path))
    assert "跳转到内容" not in ext.text
    assert "chrome a.mw-jump-link: 跳转到内容" in ext.removed
    assert any(r.startswith("chrome div#headertemplate.ws-noexport") for r in ext.removed)
    assert not any(b.text.startswith("\u3000") for b in ext.blocks)
    # Two paragraphs in one <p>, split by <br>, are two blocks.
    assert ext.blocks[1].text.startswith("中华人民共和国和俄罗斯联邦（以下称")
    assert ext.blocks[2].text == "双方声明如下："


def test_pages_combined_title_dropped_and_cut_paragraph_joined(tmp_path: Path) -> None:
    paths = mf.html_paginated(tmp_path)
    pages = [extract(capture_file(p)) for p in paths]
    # The made pages cut one paragraph at the end of page two.
    assert not pages[1].blocks[-1].text.endswith("。")
    ext = combine_pages(pages)
    assert ext.metadata["pages"] == "3"
    assert ext.metadata["joined_across_pages"] == "3"
    assert sum(b.text == made.TITLE for b in ext.blocks) == 1
    assert f"page 2: repeated-title: {made.TITLE}" in ext.removed
    assert {b.page for b in ext.blocks} == {1, 2, 3}
    assert all("上一页" not in b.text for b in ext.blocks)


def test_select_takes_exactly_that_element(tmp_path: Path) -> None:
    capture = capture_file(mf.html_utf8(tmp_path)[0])
    ext = HtmlExtractor().extract(capture, select="div.info")
    assert ext.metadata["select"] == "div.info"
    assert _texts(ext) == []  # the only line there is a byline, set aside
    assert ext.metadata["source"] == "新华网"
    body = HtmlExtractor().extract(capture, select="#chan_newsDetail")
    assert body.blocks[0].text.startswith(
        "中华人民共和国和俄罗斯联邦（以下称"
    )  # no title: not selected


def test_select_without_match_names_the_selector(tmp_path: Path) -> None:
    capture = capture_file(mf.html_utf8(tmp_path)[0])
    with pytest.raises(ExtractionError, match=r"div\.no-such-article") as err:
        HtmlExtractor().extract(capture, select="div.no-such-article")
    assert err.value.exit_code == ExitCode.INCOMPLETE


def test_paragraph_boundaries_come_from_markup() -> None:
    ext = _html(
        "<div id='a'><h2>标题</h2><p>第一段<b>加粗</b>文字。</p><div>第二段</div>"
        "第三段<br>第四段<ul><li>甲</li><li>乙</li></ul><ol start='3'><li>丙</li><li>丁</li></ol>"
        "<p>第五段文字很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长</p></div>"
    )
    assert ext.blocks[0] == Block("标题", "heading")
    assert _texts(ext)[1:] == [
        "第一段加粗文字。",
        "第二段",
        "第三段",
        "第四段",
        "甲",
        "乙",
        "3. 丙",  # a browser shows the number: it is the copy's numbering
        "4. 丁",
        "第五段文字很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长",
    ]


def test_markup_line_breaks_between_chinese_characters_add_no_space() -> None:
    ext = _html(
        "<article><p>在信息通信技术领域发挥关键作\n    用，推动 in\n  English。</p></article>"
    )
    assert _texts(ext) == ["在信息通信技术领域发挥关键作用，推动 in English。"]


def test_whole_page_inside_a_form_is_not_dropped_as_chrome() -> None:
    paras = "".join(f"<p>第{i}段正文，内容足够长，足以成为文章。</p>" for i in range(6))
    ext = _html(f"<form id='form1'><nav>首页 新闻</nav><div class='content'>{paras}</div></form>")
    assert len(ext.blocks) == 6
    assert "chrome nav: 首页 新闻" in ext.removed


def test_no_article_text_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="no article text"):
        _html("<nav>首页</nav><footer>版权所有</footer>")


# --------------------------------------------------------------------------- hostile pages

_PARA = "<p>双方认为，当前国际体系正在朝着多极化演变。</p>"
_HOSTILE = {
    "made-nested-5000-divs.html": "<div>" * 5000 + _PARA + "</div>" * 5000,
    "made-nested-20000-divs.html": "<div>" * 20000 + _PARA + "</div>" * 20000,
    "made-nested-30000-tables.html": "<table><tr><td>" * 30000
    + _PARA
    + "</td></tr></table>" * 30000,
    "made-unclosed-100000-tags.html": _PARA + "<div><span>" * 50000 + _PARA,
}
# Run apart, with a time-out only as a guard against a hang: how long a page takes
# is measured, not asserted.
_EXTRACT_IN_A_PROCESS = """
import json, sys
from pathlib import Path
from docwitness.capture.file import capture_file
from docwitness.extract import extract
ext = extract(capture_file(Path(sys.argv[1])))
print(json.dumps({"texts": [b.text for b in ext.blocks], "warnings": list(ext.warnings)}))
"""


@pytest.mark.parametrize("name", sorted(_HOSTILE))
def test_deeply_nested_page_is_read_in_bounded_time(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(f"<html><body>{_HOSTILE[name]}</body></html>", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _EXTRACT_IN_A_PROCESS, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert "双方认为，当前国际体系正在朝着多极化演变。" in got["texts"]
    assert any(
        w.startswith(f"html: nesting deeper than {MAX_DEPTH} levels was flattened")
        for w in got["warnings"]
    ), got["warnings"]


def test_flattened_nesting_keeps_paragraphs_apart_and_hidden_text_out() -> None:
    deep = "<div>" * (MAX_DEPTH + 40)
    ext = _html(
        f"{deep}<h2>第一段</h2>文字<script>var x = 1;</script><div hidden>隐藏的话</div>"
        "<p>第二段<b>加粗</b>文字</p><!-- 注释 --><br>第三段"
    )
    assert _texts(ext) == ["第一段", "文字", "第二段加粗文字", "第三段"]
    assert "hidden: 隐藏的话" in ext.removed
    # html and body are the first two levels: 42 divs, then the six elements in them.
    assert ext.warnings == (
        f"html: nesting deeper than {MAX_DEPTH} levels was flattened (48 elements)",
    )


def test_a_page_of_ordinary_depth_is_not_flattened(portal: Extraction) -> None:
    assert not any(w.startswith("html:") for w in portal.warnings)


def test_related_reading_after_each_of_many_labels_is_removed() -> None:
    para = "<p>第一段正文，内容足够长，足以成为文章的正文部分。</p>" * 4
    lists = "<p>相关阅读：</p><ul><li><a href='/a'>别的文章</a></li></ul>" * 3
    ext = _html(f"<div class='article'>{para}{lists}</div>")
    assert len(ext.blocks) == 4
    assert ext.removed.count("related: 相关阅读：") == 3
    assert ext.removed.count("related: 别的文章") == 3


# --------------------------------------------------------------------------- framing rules


@pytest.mark.parametrize(
    ("line", "claims"),
    [
        (
            "2017-07-05 05:42:41 来源：新华网 参与评论()人",
            {"date": "2017-07-05 05:42:41", "source": "新华网"},
        ),
        ("来源：新华网", {"source": "新华网"}),
        ("【责任编辑：李四】", {"editor": "李四"}),
        ("2017-07-05 06:56", {"date": "2017-07-05 06:56"}),
        ("（完）", {}),
        ("上一页 1 2 3 下一页", {"pager": "yes"}),
        # Portal lines seen around reposts: labelled dates, counts, type size, print.
        (
            "发布时间：2017-07-05 05:42:41  来源：新华网  作者：",
            {"date": "2017-07-05 05:42:41", "source": "新华网"},
        ),
        (
            "2017-07-05 05:42:41 来源：新华网 【字号 大 中 小】 浏览次数：1234",
            {"date": "2017-07-05 05:42:41", "source": "新华网"},
        ),
        ("【字体：大 中 小】【打印】【关闭】", {}),
        (
            "2017-07-05 05:42 中国新闻网 我要评论",
            {"date": "2017-07-05 05:42", "source": "中国新闻网"},
        ),
        ("文章来源：新华网 发布日期：2017-07-05", {"source": "新华网", "date": "2017-07-05"}),
        # Not framing: the document's own words, or a date line that may be its own.
        ("2017年7月4日", None),
        ("双方认为，来源：新华网的报道", None),
        ("一、双方相信，当前国际体系正在朝着多极化演变。", None),
    ],
)
def test_byline_lines(line: str, claims: dict[str, str] | None) -> None:
    assert parse_byline(line) == claims


def test_xinhua_dateline_glued_to_first_paragraph() -> None:
    framing = separate_framing(
        [
            Block("标题（全文）", "heading"),
            Block("新华社莫斯科7月4日电 中华人民共和国和俄罗斯联邦……"),
        ]
    )
    assert [b.text for b in framing.blocks] == ["标题", "中华人民共和国和俄罗斯联邦……"]
    assert framing.metadata["dateline"] == "新华社莫斯科7月4日电"
    assert framing.removed == ["dateline: 新华社莫斯科7月4日电", "label: （全文）"]


def test_a_paragraph_mentioning_a_date_keeps_it() -> None:
    para = "双方高度评价今年6月9日在阿斯塔纳举行的上海合作组织成员国元首理事会会议。"
    assert separate_framing([Block(para)]).blocks == [Block(para)]
