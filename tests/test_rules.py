"""The rule tables, case by case (urlwatch's filter-table idea).

Texts go through the real canonical profile first where the raw form matters,
because the rules read canonical text: "！" arrives as "!", "」" and "”" as '"'.
"""

from __future__ import annotations

import re

import pytest

import made
from docwitness import rules as R
from docwitness.normalise import normalise_text

ZH, RU, EN = R.LANGUAGES["zh"], R.LANGUAGES["ru"], R.LANGUAGES["en"]


@pytest.mark.parametrize(
    ("raw", "rules", "closed"),
    [
        ("在国际政治和经济事务中的影响力持续提升。双方", ZH, False),
        ("共同维护全球战略平衡与稳定。", ZH, True),
        ("这一作用只能强化，不能削弱！", ZH, True),  # ！ folds to !
        ("这是时代主题吗？", ZH, True),
        ("恪守宗旨和原则；", ZH, True),  # ；folds to ;
        ("践行“上海精神”", ZH, True),  # ” folds to "
        ("所谓「多极化」", ZH, True),  # 」 folds to "
        ("等等……", ZH, True),
        ("草案（2014年6月10日提交）", ZH, False),  # a bracket is not a sentence end
        ("具有重大现实意义。）", ZH, True),  # but may follow one
        ("双方声明如下：", ZH, False),
        ("in global governance.", EN, True),
        ("and oppose protectionism", EN, False),
        ("the so-called «multipolarity»", RU, True),  # » folds to "
        ("сформировать единый антитеррористический", RU, False),
        ("Стороны осуждают терроризм!", RU, True),
        ("", ZH, False),
    ],
)
def test_ends_sentence(raw: str, rules: R.LanguageRules, closed: bool) -> None:
    assert R.ends_sentence(normalise_text(raw), rules) is closed


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        # The seed's own header and footer lines.
        (
            "中华人民共和国和俄罗斯联邦关于当前世界形势和重大国际问题的联合声明（全文）",
            "heading-echo",
        ),
        ("2017-07-05 06:56", "date-line"),
        ("2017-07-05 05:42:41", "date-line"),
        ("2017年07月05日 05:42 来源：新华网", "date-line"),
        ("**预览已结束，完整报告链接和二维码如下：**".strip("*"), "cut-off-marker"),
        ("https://www.yunbaogao.cn/report/index/report?reportId=11\\_1036", "link-back"),
        ("原文链接：http://www.xinhuanet.com/world/2017-07/05/c_1121263039.htm", "link-back"),
        # Other sites' chrome, as the field notes describe it.
        ("扫描二维码，关注我们", "qr-code"),
        ("Copyright © 2017 Xinhua. All rights reserved.", "copyright"),
        ("版权所有 中华网", "copyright"),
        # However it is capitalised, in a line of its own or after a sentence.
        ("All Rights Reserved", "copyright"),
        ("Xinhua News Agency. All Rights Reserved.", "copyright"),
        ("COPYRIGHT 2017 XINHUA", "copyright"),
        ("Все права защищены.", "copyright"),
        ("当前位置:新闻 > 滚动 > 正文", "navigation"),
        ("参与评论()人", "navigation"),
        ("跳转到内容", "navigation"),
        ("Версия для печати", "navigation"),
        ("责任编辑：王某", "editorial"),
        ("（完）", "editorial"),
        ("Read more »", "cut-off-marker"),
        ("Читать далее", "cut-off-marker"),
        ("……", "cut-off-marker"),
        ("...", "cut-off-marker"),
        # What portals put around a repost: related reading, tags, credits, channel names.
        ("相关阅读：习近平抵达莫斯科", "related"),
        ("延伸阅读", "related"),
        ("Related stories", "related"),
        ("标签：中俄 联合声明", "tags"),
        ("（记者 王某）", "credit"),
        ("记者 王某 摄", "credit"),
        ("图片来源：网络", "credit"),
        ("免责声明：本文仅代表作者个人观点", "credit"),
        ("人民网-国际频道", "site-name"),
        ("维基文库，自由的图书馆", "site-name"),
        ("2017-07-05 05:42:41 新华网 参与评论()人", "byline"),
        ("- 2 -", "page-number"),
        ("第2页 共3页", "page-number"),
        # The document's own text is not chrome.
        ("双方声明如下：", None),
        ("相关方面应当加强合作。", None),
        ("记者会上，双方表示欢迎。", None),
        ("二〇一七年七月四日于莫斯科", None),
        ("1. 双方欢迎金砖国家合作机制不断发展。", None),
        ("Moscow, 4 July 2017", None),
        # Long paragraphs that merely mention a marker word stay text (length guard).
        ("双方强调，" + "各国应协调推进广泛合作，" * 8 + "并欢迎各方阅读全文。", None),
        ("双方认为，" + "应当加强知识产权保护，" * 15 + "尊重版权所有人的权利。", None),
    ],
)
def test_boilerplate_rule(raw: str, rule: str | None) -> None:
    assert R.boilerplate_rule(normalise_text(raw)) == rule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("预览已结束,完整报告链接和二维码如下:", ("preview-ended", "预览已结束")),
        ("点击查看全文>>", ("read-full-text", "点击查看全文")),
        ("未完待续", ("to-be-continued", "未完待续")),
        ("下一页", ("next-page", "下一页")),
        ("Continue reading", ("read-more", "Continue reading")),
        ("To be continued", ("to-be-continued", "To be continued")),
        ("Продолжение следует", ("to-be-continued", "Продолжение следует")),
        ("双方欢迎金砖国家合作机制不断发展。", None),
        ("The Parties will read more carefully" + " and at length" * 10, None),
    ],
)
def test_cut_off_marker(text: str, expected: tuple[str, str] | None) -> None:
    assert R.cut_off_marker(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("影响力持续提升。双方展开全文", ("read-full-text", "展开全文", 10)),
        ("market access. Read more »", ("read-more", "Read more", 15)),
        ("阅读全文" + "双方强调各国应协调推进广泛合作。", None),  # marker far from the end
        ("影响力持续提升。", None),
    ],
)
def test_glued_cut_off_marker(text: str, expected: tuple[str, str, int] | None) -> None:
    assert R.glued_cut_off_marker(text) == expected


@pytest.mark.parametrize(
    ("text", "trailing"),
    [("双方……", True), ("the Parties...", True), ("双方认为…", False), ("稳定。", False)],
)
def test_trailing_ellipsis(text: str, trailing: bool) -> None:
    assert bool(R.TRAILING_ELLIPSIS.search(text)) is trailing


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "新华社莫斯科7月4日电 中华人民共和国和俄罗斯联邦",
            ("dateline-zh", "新华社莫斯科7月4日电"),
        ),
        ("中評社北京7月5日電/中俄關於當前世界形勢", ("dateline-zh", "中评社北京7月5日电")),
        ("МОСКВА, 4 июля. /ТАСС/. Россия и Китай", ("dateline-ru", "МОСКВА, 4 июля. /ТАСС/")),
        ("MOSCOW, July 4 (Xinhua) -- China and Russia", ("dateline-en", "MOSCOW, July 4 (Xinhua)")),
        ("双方声明如下：", None),
    ],
)
def test_dateline(raw: str, expected: tuple[str, str] | None) -> None:
    assert R.dateline(normalise_text(raw)) == expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("二〇一七年七月四日于莫斯科", "signed-zh"),
        ("2017年7月4日", "signed-zh"),
        ("Москва, 4 июля 2017 года", "signed-ru"),
        ("Moscow, 4 July 2017", "signed-en"),
        ("Moscow, July 4, 2017", "signed-en"),
        ("在国际政治和经济事务中的影响力持续提升。双方", None),
    ],
)
def test_closing_line(text: str, rule: str | None) -> None:
    assert R.closing_line(text) == rule


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (made.TITLE + "，双方欢迎金砖国家（BRICS）合作机制不断发展", "zh"),
        ("Стороны выступают за открытую мировую экономику (WTO).", "ru"),
        ("The Parties support an open world economy.", "en"),
        ("", "en"),
    ],
)
def test_guess_language(text: str, language: str) -> None:
    assert R.guess_language(text) == language


@pytest.mark.parametrize(
    ("code", "expected"),
    [("zh", "zh"), ("zh-Hans", "zh"), ("ru-RU", "ru"), ("EN", "en"), ("fr", None), (None, None)],
)
def test_language_rules(code: str | None, expected: str | None) -> None:
    found = R.language_rules(code)
    assert (found.code if found else None) == expected


@pytest.mark.parametrize(
    ("text", "rules", "tail", "head"),
    [
        ("影响力持续提升。双方", ZH, "影响力持续提升。双方", "影响力持续提升。双方"),
        (
            "在国际政治和经济事务中的影响力持续提升。双方",
            ZH,
            "…事务中的影响力持续提升。双方",
            "在国际政治和经济事务中的影响…",
        ),
        ("one two three", EN, "one two three", "one two three"),
        ("a b c d e f g h", EN, "… c d e f g h", "a b c d e f …"),
    ],
)
def test_tail_and_head_words(text: str, rules: R.LanguageRules, tail: str, head: str) -> None:
    assert R.tail_words(text, rules) == tail
    assert R.head_words(text, rules) == head


def test_a_new_language_is_one_row() -> None:
    # The rules are data: a language row made here (French guillemets fold to '"')
    # works with the same functions, no code change.
    fr = R.LanguageRules(
        code="fr",
        name="French",
        sentence_end=".!?;…\"'",
        closers=")",
        top_styles=("roman", "arabic"),
        letters=re.compile(r"[a-zàâçéèêëîïôûùüÿœ]", re.I),
        join=" ",
        tail_unit="words",
        tail=3,
    )
    assert R.ends_sentence(normalise_text("« la multipolarité »"), fr)
    assert not R.ends_sentence("les deux Parties", fr)
    assert R.tail_words("les deux Parties déclarent ce qui suit", fr) == "… ce qui suit"


def test_every_table_row_is_named_in_kebab_case() -> None:
    names = [n for n, _, _ in R.CUT_OFF_MARKERS] + [n for n, _, _ in R.BOILERPLATE]
    names += [n for n, _ in R.DATELINES] + [n for n, _ in R.CLOSING_LINES]
    assert all(re.fullmatch(r"[a-z]+(?:-[a-z]+)*", n) for n in names)
