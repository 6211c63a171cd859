"""Table-driven rules about a copy's text: what closes a sentence, what is not the document.

Every rule here is a row in a table, read over *canonical* paragraph text (see
:mod:`docwitness.normalise`: full-width ！？；：（） are folded to ASCII, every
double quote to ``"`` and every single quote to ``'``; 。、《》… are kept). To
handle another language, add a :class:`LanguageRules` row to :data:`LANGUAGES`;
to handle another site, add a row to :data:`CUT_OFF_MARKERS`,
:data:`BOILERPLATE` or :data:`DATELINES`. Each row carries the name a finding
reports as its ``rule``.

Shared by the single-copy checks (:mod:`docwitness.single_copy`) and collation
(:mod:`docwitness.compare.engine`), so a line judged boilerplate in one is judged
boilerplate in the other (:func:`boilerplate_rule`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from docwitness.lazy_re import LazyPattern, lazy
from docwitness.outline import parse_marker

# --------------------------------------------------------------------------- languages


@dataclass(frozen=True, slots=True)
class LanguageRules:
    """How one language closes sentences and numbers its points.

    ``sentence_end`` holds the characters (canonical forms) a paragraph may end
    with when its last sentence is complete; ``closers`` the brackets that may
    follow such a character ("。)" is closed, "(2014年)" is not). ``top_styles``
    lists the :mod:`docwitness.outline` marker styles that number top-level
    points, in order of preference; other styles number sub-items. ``join`` is
    what goes between the halves of a paragraph split in two; ``tail`` how much
    of a paragraph's end to quote (characters for Chinese, words otherwise).
    """

    code: str
    name: str
    sentence_end: str
    closers: str
    top_styles: tuple[str, ...]
    letters: LazyPattern
    join: str
    tail_unit: str  # "chars" | "words"
    tail: int


# Canonical text keeps "。" but folds "！？；" to "!?;" and "」”»" to '"', so the
# Western forms serve every language; Chinese adds its own full stops.
_WESTERN_END = ".!?;…\"'"
_CLOSERS = ")]》〉"

LANGUAGES: dict[str, LanguageRules] = {
    "zh": LanguageRules(
        code="zh",
        name="Chinese",
        sentence_end="。｡" + _WESTERN_END,
        closers=_CLOSERS,
        top_styles=("cn", "arabic", "roman"),
        letters=lazy(r"[\u3400-\u4dbf\u4e00-\u9fff]"),
        join="",
        tail_unit="chars",
        tail=14,
    ),
    "ru": LanguageRules(
        code="ru",
        name="Russian",
        sentence_end=_WESTERN_END,
        closers=_CLOSERS,
        top_styles=("roman", "arabic"),
        letters=lazy(r"[а-яё]", re.IGNORECASE),
        join=" ",
        tail_unit="words",
        tail=6,
    ),
    "en": LanguageRules(
        code="en",
        name="English",
        sentence_end=_WESTERN_END,
        closers=_CLOSERS,
        top_styles=("roman", "arabic"),
        letters=lazy(r"[a-z]", re.IGNORECASE),
        join=" ",
        tail_unit="words",
        tail=6,
    ),
}
DEFAULT_LANGUAGE = "en"


def language_rules(code: str | None) -> LanguageRules | None:
    """The rules for a language tag ("zh", "zh-Hans", "ru-RU"), or None if there are none."""
    if not code:
        return None
    return LANGUAGES.get(code.split("-")[0].split("_")[0].lower())


_GUESS_SAMPLE = 20_000


def guess_language(text: str) -> str:
    """The language whose letters ``text`` holds most of (default: English)."""
    sample = text[:_GUESS_SAMPLE]  # the opening of a long copy says as much as all of it
    counts = {code: len(rules.letters.findall(sample)) for code, rules in LANGUAGES.items()}
    # Latin letters also appear in Russian and Chinese copies (URLs, "BRICS"), so
    # English wins only when no other script is present in strength.
    best = max(counts, key=lambda c: (counts[c] if c != DEFAULT_LANGUAGE else 0, c))
    if counts[best] and counts[best] * 4 >= counts[DEFAULT_LANGUAGE]:
        return best
    return DEFAULT_LANGUAGE


def ends_sentence(text: str, rules: LanguageRules) -> bool:
    """Whether canonical ``text`` ends with a complete sentence under ``rules``."""
    stripped = text.rstrip()
    while stripped and stripped[-1] in rules.closers:
        stripped = stripped[:-1].rstrip()
    return bool(stripped) and stripped[-1] in rules.sentence_end


def tail_words(text: str, rules: LanguageRules) -> str:
    """The last words of ``text``, with "…" when something comes before them."""
    if rules.tail_unit == "chars":
        cut = text[-rules.tail :]
        return cut if len(cut) == len(text) else "…" + cut
    words = text.split()
    cut_words = words[-rules.tail :]
    return " ".join(cut_words) if len(cut_words) == len(words) else "… " + " ".join(cut_words)


def head_words(text: str, rules: LanguageRules) -> str:
    """The first words of ``text``, with "…" when something follows them."""
    if rules.tail_unit == "chars":
        cut = text[: rules.tail]
        return cut if len(cut) == len(text) else cut + "…"
    words = text.split()
    cut_words = words[: rules.tail]
    return " ".join(cut_words) if len(cut_words) == len(words) else " ".join(cut_words) + " …"


# --------------------------------------------------------------------------- titles

# A paragraph this short with no sentence punctuation inside reads as a title or
# a heading, not as prose that a page break could have cut.
TITLE_MAX = 200
# CJK marks stand outside the classes: a class holding one character beyond Latin-1
# is compiled into a table of the whole Basic Multilingual Plane (a millisecond).
_INNER_PUNCT = lazy(r"[,;:!?.]|。|、|，")


def title_like(text: str) -> bool:
    """Short, with no punctuation inside or at the end: a title or heading, not prose.

    A leading marker ("三、第三部分") does not count as punctuation.
    """
    if len(text) > TITLE_MAX:
        return False
    marker = parse_marker(text)
    rest = text[len(marker.text) :] if marker and text.startswith(marker.text) else text
    return _INNER_PUNCT.search(rest) is None


# --------------------------------------------------------------------------- short forms

# The press names the parties to a document by short forms in its headlines: "中俄关于…"
# for "中华人民共和国和俄罗斯联邦关于…". (long form, short form), longest first.
SHORT_FORMS: tuple[tuple[str, str], ...] = (
    ("中华人民共和国和俄罗斯联邦", "中俄"),
    ("俄罗斯联邦和中华人民共和国", "俄中"),
    ("中华人民共和国", "中国"),
    ("俄罗斯联邦", "俄罗斯"),
)


def short_form(text: str) -> str:
    """``text`` (canonical) with the parties' long names written in their short forms."""
    for long, short in SHORT_FORMS:
        text = text.replace(long, short)
    return text


# --------------------------------------------------------------------------- cut-off markers

# (rule name, language it was seen in, pattern). A paragraph of the copy that
# matches is the site's, not the document's; after the body it is evidence that
# the copy was cut. Searched case-insensitively.
CUT_OFF_MARKERS: tuple[tuple[str, str, LazyPattern], ...] = (
    ("preview-ended", "zh", lazy(r"预览已结束|试读结束|预览结束")),
    ("read-full-text", "zh", lazy(r"点击查看全文|阅读全文|展开全文|查看全文|全文阅读")),
    (
        "to-be-continued",
        "zh",
        lazy(r"未完待续|[(（\[【](?:未完|待续|未完待续)[)）\]】]", hints=("未完", "待续")),
    ),
    ("next-page", "zh", lazy(r"下一页")),
    ("read-more", "en", lazy(r"\bread more\b|\bcontinue reading\b|\bshow more\b", re.I)),
    ("to-be-continued", "en", lazy(r"\bto be continued\b", re.I)),
    ("next-page", "en", lazy(r"^next page\b|\bnext page ?(?:>|»|\")", re.I)),
    ("read-more", "ru", lazy(r"читать далее|читать полностью|показать полностью", re.I)),
    ("to-be-continued", "ru", lazy(r"продолжение следует", re.I)),
    ("next-page", "ru", lazy(r"следующая страница", re.I)),
    # A paragraph that is nothing but an ellipsis stands where text was left out.
    ("trailing-ellipsis", "*", lazy(r"^(?:…|\.|\s)+$")),
)
# Markers sit in short lines; a long paragraph that happens to say "阅读全文" is text,
# and so is a line whose marker follows more than a few words (the document's last
# words with "(未完)" glued on: see :func:`glued_cut_off_marker`).
CUT_OFF_MAX_LEN = 80
CUT_OFF_LEAD = 16

# The body itself ending in a run of ellipsis points ("……", "...") marks text left
# out; a single "…" may close a sentence.
TRAILING_ELLIPSIS = lazy(r"(?:…{2,}|\.{3,}|…\.+|\.+…)$")


# The English rows match only a line holding a Latin letter and the Russian ones only
# one holding a Cyrillic letter, whatever the case (each holds letters that
# case-insensitive matching takes in no other script): a Chinese line is not read by
# them, which reading case-insensitively makes slow.
_SCRIPT_OF_ROWS = {
    "en": lazy("[A-Za-z]"),
    "ru": lazy("[\u0400-\u04ff]"),
}


def cut_off_marker(text: str) -> tuple[str, str] | None:
    """(rule name, matched text) of the cut-off marker in a short paragraph, or None."""
    if len(text) > CUT_OFF_MAX_LEN:
        return None
    written: dict[str, bool] = {}
    for name, language, pattern in CUT_OFF_MARKERS:
        script = _SCRIPT_OF_ROWS.get(language)
        if script is not None:
            if language not in written:
                written[language] = script.search(text) is not None
            if not written[language]:
                continue
        m = pattern.search(text)
        if m and m.start() <= CUT_OFF_LEAD:
            return name, m.group(0).strip() or text
    return None


def glued_cut_off_marker(text: str, window: int = 16) -> tuple[str, str, int] | None:
    """A cut-off marker glued to the end of a body paragraph ("…双方展开全文").

    Returns (rule name, matched text, where it starts), or None. Only the last
    ``window`` characters are searched, so a marker phrase in the middle of the
    text is not taken for site chrome.
    """
    start = max(0, len(text) - window)
    for name, _language, pattern in CUT_OFF_MARKERS:
        if name == "trailing-ellipsis":
            continue
        for m in pattern.finditer(text, start):
            if not text[m.end() :].strip(" >»›.…\"'"):
                return name, m.group(0), m.start()
    return None


# --------------------------------------------------------------------------- boilerplate

# (rule name, pattern, longest paragraph it applies to). The first row that
# matches names the rule; the length guard keeps a sentence of the document that
# mentions "版权" or a URL from being taken for chrome.
BOILERPLATE: tuple[tuple[str, LazyPattern, int], ...] = (
    # The aggregator's echo of the title: "# 中华人民共和国…联合声明（全文）".
    ("heading-echo", lazy(r"\((?:全文|full text|полный текст)\)$", re.I), 150),
    ("link-back", lazy(r"^(?:[^\s:]{1,10}[:])?\s?\S*https?://\S+$"), 400),
    (
        "date-line",
        lazy(
            r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}"
            r"|\d{4}年\d{1,2}月\d{1,2}日 ?(?=\d{1,2}:\d{2}))"
            r"(?: ?\d{1,2}:\d{2}(?::\d{2})?)?(?: ?(?:来源|发布时间|source)[:].{0,30})?$",
            re.I,
        ),
        80,
    ),
    ("qr-code", lazy(r"二维码|扫码|扫一扫|\bQR[ -]?(?:code|код)", re.I), 80),
    (
        "copyright",
        lazy(
            r"©|版权所有|版权声明|\bcopyright\b|all rights reserved|все права защищены", re.I
        ),
        160,
    ),
    (
        "navigation",
        lazy(
            r"^(?:当前位置|您的位置|您现在的位置)|>正文$|^首页 ?>|^参与评论|^分享到"
            r"|^(?:返回顶部|返回首页|返回列表|打印本页|关闭窗口|上一篇|下一篇|上一页|跳转到内容)"
            r"|^(?:home ?>|share(?: this)?:?$|print(?: this page)?$|back to top$)"
            r"|^(?:главная ?>|поделиться:?$|версия для печати$)",
            re.I,
        ),
        80,
    ),
    (
        "editorial",
        lazy(
            r"^(?:责任编辑|来源|编辑|稿源|原标题|字号)[:]|^\(完\)$|^(?:[(\[]|【)全文(?:[)\]]|】)$"
            r"|^全文如下[:]?$"
        ),
        80,
    ),
    # A site's name or tagline printed in the article's column, in two rows: the
    # Chinese names (compiled only for a line holding one of their words) and the
    # Latin and Cyrillic ones (case ignored in those only: ignoring it across the CJK
    # ranges costs milliseconds at every start).
    (
        "site-name",
        lazy(
            r"^[\u4e00-\u9fff]{2,10}[,]?自由的[\u4e00-\u9fff]{2,10}$"
            r"|^[\u4e00-\u9fff]{2,8}(?:网|网站|文库|百科|新闻网|在线)"
            r"(?:[-—_|·][\u4e00-\u9fff]{2,8}(?:频道|栏目|新闻))?$",
            hints=("自由的", "网", "文库", "百科", "在线"),
        ),
        40,
    ),
    (
        "site-name",
        lazy(
            r"^(?i:(?:from )?wiki(?:source|pedia)(?:, the free (?:library|encyclopedia))?)$"
            r"|^(?i:материал из (?:викитеки|википедии))"
        ),
        40,
    ),
    # Lists of other articles, and the comment box, that portals put under the text.
    (
        "related",
        lazy(
            r"^(?:相关阅读|相关新闻|相关链接|相关文章|相关报道|延伸阅读|推荐阅读|更多阅读|热点新闻"
            r"|热门推荐|网友评论|发表评论|我要评论|点击进入专题)(?:$|[:>»])"
            r"|^(?i:related(?: articles| stories| news)?|read also|see also)(?:$|:)"
        ),
        80,
    ),
    ("tags", lazy(r"^(?:标签|关键词|关键字|(?i:tags?|keywords?))[:]"), 80),
    # Credits and disclaimers: "(记者 王某)", "记者 王某 摄", "图片来源：网络", "免责声明：…".
    (
        "credit",
        lazy(
            r"^\(?(?:记者|通讯员|摄影|摄)\s?[\u4e00-\u9fff·]{2,8}(?:\s?摄)?\)?$"
            r"|^(?:图片来源|图片|图|摄影|视频来源)[:]|^免责声明[:]",
            hints=("记者", "通讯员", "摄", "图", "视频来源", "免责声明"),
        ),
        80,
    ),
    # A page number left between the pages of a copy: "- 2 -", "第2页 共3页", "Page 2 of 3".
    (
        "page-number",
        lazy(
            r"^(?:(?:-|—|–) ?\d{1,4} ?(?:-|—|–)|第 ?\d{1,4} ?页(?: ?共 ?\d{1,4} ?页)?"
            r"|(?:page|стр\.?|страница) ?\d{1,4}(?: (?:of|из) \d{1,4})?|\d{1,4} ?/ ?\d{1,4})$",
            re.I,
        ),
        24,
    ),
    # A trail of at least three short links: "新闻>滚动>正文", "Home > News > World".
    (
        "breadcrumb",
        lazy(r"^(?:(?:(?!›)[^>»\s]){1,12} ?(?:[>»]|›) ?){2,}(?:(?!›)[^>»\s]){1,12}$"),
        60,
    ),
)
# Every row above guards a length; a longer paragraph is text unless it holds a URL.
_LONGEST_ROW = max(n for name, _, n in BOILERPLATE if name != "link-back")
# A sentence that ends inside a paragraph and another that follows: prose, which only
# a link or a copyright notice among the rows may be (the rest are single lines).
_SENTENCE_INSIDE = lazy(r"(?:[!?;.]|。) ?(?!。|》)[^\s!?;.\"')\]]")
_PROSE_MIN = 24
_ROWS = {name: (pattern, n) for name, pattern, n in BOILERPLATE}
_LINK, _LINK_MAX = _ROWS["link-back"]
_COPYRIGHT, _COPYRIGHT_MAX = _ROWS["copyright"]
# Pieces one of which every copyright notice holds, in lower case; the row's pattern
# reads case-insensitively, five times slower than lowering a line and looking for
# these. None holds a letter that case-insensitive matching also takes in another
# form (ſ for s, ı and İ for i, ᲀ for в), so a line the row matches always holds one,
# whatever its case ("All Rights Reserved" as much as "all rights reserved").
_COPYRIGHT_HINTS = ("©", "版权所有", "版权声明", "copyr", "rved", "пра")
_COPYRIGHT_HINT = lazy("|".join(map(re.escape, _COPYRIGHT_HINTS)))  # one search, not six


def _may_be_copyright(text: str) -> bool:
    return _COPYRIGHT_HINT.search(text.lower()) is not None


def boilerplate_rule(text: str) -> str | None:
    """The name of the boilerplate rule ``text`` (canonical) matches, or None.

    Cut-off markers ("预览已结束", "Read more") are reported as ``cut-off-marker``;
    :func:`cut_off_marker` says which one. A line that is nothing but a dateline is
    ``dateline``; a line of date, time, source, editor or comment-count framing
    (:func:`parse_byline`) is ``byline``.
    """
    if len(text) > _LONGEST_ROW and "http" not in text:
        return None  # most paragraphs: prose too long for any row
    if len(text) > _PROSE_MIN and (
        text.find("。", 0, len(text) - 1) >= 0 or _SENTENCE_INSIDE.search(text)
    ):
        # Several sentences are the document's text, unless they are a link or a
        # copyright notice ("Copyright © Xinhua. All rights reserved.").
        if "http" in text and len(text) <= _LINK_MAX and _LINK.search(text):
            return "link-back"
        if len(text) <= _COPYRIGHT_MAX and _may_be_copyright(text):
            return "copyright" if _COPYRIGHT.search(text) else None
        return None
    if cut_off_marker(text) is not None:
        return "cut-off-marker"
    for name, pattern, max_len in BOILERPLATE:
        if len(text) > max_len or (pattern is _COPYRIGHT and not _may_be_copyright(text)):
            continue
        if pattern.search(text):
            return name
    m = DATELINE.match(text)
    if m and m.end() == len(text):
        return "dateline"
    if parse_byline(text) is not None:
        return "byline"
    return None


# --------------------------------------------------------------------------- framing

# Framing is the publisher's, not the document's: an agency dateline glued before
# the title or the first paragraph ("中評社北京7月5日電/", "新华社莫斯科7月4日电"), a
# label around the title ("（全文）", "【全文】", "全文如下"), date-and-source lines
# ("2017-07-05 05:42:41 新华网 参与评论()人"), an end mark ("（完）"). The patterns
# read raw text (Traditional, full-width) and canonical text alike, so extraction
# (:mod:`docwitness.extract.framing`), collation and the single-copy checks share them.

# The city and agency part of a dateline is short and has no punctuation; a
# reporter's name in brackets may follow ("新华社莫斯科7月4日电(记者 某某)").
_DATELINE_ZH = (
    r"[\u4e00-\u9fff]{2,16}?[0-9０-９一二三四五六七八九十〇]{1,3}月"
    r"[0-9０-９一二三四五六七八九十〇]{1,3}日\s*[电電](?:\s*[(（][^)）]{1,30}[)）])?"
)
# A pattern with hints is compiled only for a text holding one of them (every match
# does); full-width marks stand outside the classes (see _INNER_PUNCT).
DATELINE = lazy(
    r"^\s*(?P<dateline>" + _DATELINE_ZH + r")\s*(?P<sep>[/／|｜:：]?)\s*", hints=("电", "電")
)
_OPEN = r"(?:[(\[]|（|【)"
_CLOSE = r"(?:[)\]]|）|】)"
TITLE_LABEL = lazy(
    rf"\s*(?P<label>{_OPEN}\s*(?:全文|全文內容|全文内容|full text|полный текст)\s*{_CLOSE}"
    r"|全文如下\s*(?::|：)?)\s*$",
    re.I,
)
TITLE_LABEL_PREFIX = lazy(rf"^\s*(?P<label>{_OPEN}\s*全文\s*{_CLOSE})\s*", hints=("全文",))
END_MARK = lazy(rf"\s*(?P<label>{_OPEN}\s*(?:完|終|终)\s*{_CLOSE})\s*$", hints=("完", "終", "终"))

_DATE = r"\d{4}\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}日?"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_DATE_TIME = lazy(rf"{_DATE}(?:\s*{_TIME})?")
_FIELD_NAMES = {
    "来源": "source",
    "來源": "source",
    "本文来源": "source",
    "文章来源": "source",
    "稿源": "source",
    "出处": "source",
    "责任编辑": "editor",
    "責任編輯": "editor",
    "编辑": "editor",
    "編輯": "editor",
    "校对": "editor",
    "校對": "editor",
    "作者": "author",
    "记者": "author",
    "記者": "author",
    "发布时间": "date",
    "發佈時間": "date",
    "发布日期": "date",
    "發佈日期": "date",
    "日期": "date",
    "时间": "date",
    "時間": "date",
}
_NAMES = "|".join(sorted(_FIELD_NAMES, key=len, reverse=True))
# A field's value runs to the next space or bracket, or to the next field's name:
# canonical text keeps no space between Chinese words ("编辑:王某校对:李某").
_FIELD = lazy(
    r"[\[【(（]?\s*(?P<name>" + _NAMES + r")\s*[:：]\s*"
    r"(?P<value>(?:(?!(?:" + _NAMES + r")\s*[:：])[^\s\[\]【】()（）])*)\s*[\]】)）]?",
    hints=tuple(_FIELD_NAMES),
)
# Chrome that portals print inside the article's column: where, how many read or
# commented, the type size, share, print, close, bookmark, report an error.
_CHROME = lazy(
    r"(?:当前位置|當前位置|您的位置|你的位置)\s*[:：].*"
    r"|(?:参与|參與)(?:评论|評論|互动|互動)\s*[(（]?\s*\d*\s*[)）]?\s*人?"
    r"|(?:我要|发表|發表)(?:评论|評論)"
    r"|(?:浏览|瀏覽|阅读|閱讀|点击|點擊)(?:次数|次數|量|数|數)?\s*[:：]\s*\d*"
    r"|(?:字号|字號|字体|字體)\s*[:：]?\s*(?:[大中小]\s*)*"
    r"|分享到\s*[:：]?|打印|列印|关闭|關閉|收藏|纠错|糾錯"
    r"|[（(【\[]\s*[完終终]\s*[）)】\]]",
    hints=(
        *("位置", "参与", "參與", "评论", "評論", "浏览", "瀏覽", "阅读", "閱讀", "点击", "點擊"),
        *("字号", "字號", "字体", "字體", "分享到", "打印", "列印", "关闭", "關閉", "收藏"),
        *("纠错", "糾錯", "完", "終", "终"),
    ),
)
# A publisher named without a label beside a date: "2017-07-05 05:42:41 新华网".
_SITE = lazy(
    r"^\s*(?P<site>[\u4e00-\u9fffA-Za-z.]{1,16}?"
    r"(?:网|網|社|报|報|台|新闻|新聞|日报|日報|在线|在線|频道|頻道|\.com|\.cn|\.org))\s*$",
    hints=(*"网網社报報台", "新闻", "新聞", "在线", "在線", "频道", "頻道", ".com", ".cn", ".org"),
)
_PAGER = lazy(r"(?:上一页|下一页|上一頁|下一頁|首页|首頁|尾页|尾頁|末页|末頁|\d{1,3}|[|｜])")
_PAGER_WORD = lazy(r"上一页|下一页|上一頁|下一頁")
_MAX_FRAMING = 160  # a framing line is short; a longer block is the document's text


def parse_byline(text: str) -> dict[str, str] | None:
    """The claims of a line made only of framing (date, source, editor…); None otherwise."""
    line = text.strip()
    if not line or len(line) > _MAX_FRAMING or "。" in line:
        return None  # a full stop ends a sentence of the text, never a byline's field
    claims: dict[str, str] = {}
    rest = line
    # The date first, with its time: it may stand after a label ("发布时间：2017-07-05
    # 05:42:41") or alone, and its time holds a colon that is not a field's.
    date = _DATE_TIME.search(rest)
    if date:
        claims["date"] = re.sub(r"\s+", " ", date.group(0))
        rest = rest.replace(date.group(0), " ", 1)
    for m in _FIELD.finditer(rest):
        key = _FIELD_NAMES[m.group("name")]
        if m.group("value"):
            claims.setdefault(key, m.group("value"))
        rest = rest.replace(m.group(0), " ", 1)
    rest = _CHROME.sub(" ", rest)
    if _PAGER_WORD.search(rest):
        rest = _PAGER.sub(" ", rest)
        claims.setdefault("pager", "yes")
    if date and "source" not in claims:
        site = _SITE.match(rest)
        if site:
            claims["source"] = site.group("site")
            rest = ""
    if rest.strip(" \t\u3000|｜/·•-—_[]【】()（）"):
        return None
    if set(claims) == {"date"} and not re.search(rf"{_TIME}|\d[-/.]\d", claims["date"]):
        # "2017年7月4日" alone may be the document's own date line: keep it as text.
        return None
    return claims


@dataclass(frozen=True, slots=True)
class Frame:
    """What framing a paragraph carries.

    ``rule`` names the boilerplate rule the whole paragraph matches (it is site
    text or framing, not the document's), else None. ``core`` is the paragraph's
    text with framing glued to it taken off (a dateline before it, a label after
    a title); ``pieces`` lists what was taken off, as (rule, text), in order.
    """

    rule: str | None
    core: str
    pieces: tuple[tuple[str, str], ...] = ()


# A dateline is glued to the title or the first paragraph: only the opening
# paragraphs of the body are searched for one.
_DATELINE_PARAGRAPHS = 3
_TITLE_MAX = 150
_LABEL_ENDS = (")", "）", "】", "]", ":", "：")


def frame(text: str, *, opening: bool = False) -> Frame:
    """The framing of one paragraph; ``opening`` when it is among the body's first few."""
    return _frame(text, opening)


# Copies of one document share most of their paragraphs, and a collation reads the
# same reference against every witness: each paragraph's framing is worked out once.
@functools.lru_cache(maxsize=16_384)
def _frame(text: str, opening: bool) -> Frame:
    rule = boilerplate_rule(text)
    if rule is not None and rule != "heading-echo":
        return Frame(rule, text)
    pieces: list[tuple[str, str]] = []
    core = text
    if opening:
        m = DATELINE.match(core)
        if m and m.end() < len(core):
            pieces.append(("dateline", core[: m.end()].strip()))
            core = core[m.end() :].strip()
    if len(core) <= _TITLE_MAX and (core.endswith(_LABEL_ENDS) or "全文" in core):
        m = TITLE_LABEL.search(core)
        if m and m.start() > 0:
            pieces.append(("title-label", m.group("label")))
            core = core[: m.start()].rstrip()
        m = TITLE_LABEL_PREFIX.match(core)
        if m and m.end() < len(core):
            pieces.append(("title-label", m.group("label")))
            core = core[m.end() :]
    return Frame(rule, core, tuple(pieces))


def frames(texts: list[str]) -> list[Frame]:
    """The framing of each paragraph of a copy (canonical texts, in order).

    The body's last paragraph also loses what a cut left glued to its end: an
    ellipsis ("……", "...") or a "read on" marker ("阅读全文", "(未完)"), each a piece
    named ``trailing-ellipsis`` or ``cut-off-marker``.
    """
    out: list[Frame] = []
    opening = 0
    for text in texts:
        f = frame(text, opening=opening < _DATELINE_PARAGRAPHS)
        if f.rule is None:
            opening += 1
        out.append(f)
    last = next((k for k in range(len(out) - 1, -1, -1) if out[k].rule is None), None)
    if last is not None:
        core, cut = cut_tail(out[last].core)
        if cut:
            out[last] = Frame(None, core, out[last].pieces + tuple(cut))
    return out


def cut_tail(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` without the ellipses and "read on" markers glued to its end, and those
    (rule, text), in the order they stand; the text is never emptied."""
    found: list[tuple[str, str]] = []
    while True:
        glued = glued_cut_off_marker(text)
        if glued is not None and glued[2] > 0:
            found.insert(0, ("cut-off-marker", text[glued[2] :].strip()))
            text = text[: glued[2]].rstrip()
            continue
        m = TRAILING_ELLIPSIS.search(text)
        if m and m.start() > 0:
            found.insert(0, ("trailing-ellipsis", m.group(0)))
            text = text[: m.start()].rstrip()
            continue
        return text, found


# --------------------------------------------------------------------------- the copy's claims

# (rule name, pattern at the start of a paragraph) for the dateline a wire copy
# opens with: "新华社莫斯科7月4日电", "中评社北京7月5日电/", "МОСКВА, 4 июля. /ТАСС/".
DATELINES: tuple[tuple[str, LazyPattern], ...] = (
    ("dateline-zh", DATELINE),
    ("dateline-ru", lazy(r"^[А-ЯЁ][А-ЯЁ -]{2,30}, \d{1,2} [а-яё]+\.? ?/[^/]{2,20}/")),
    (
        "dateline-en",
        lazy(r"^[A-Z][A-Z .-]{2,30}, [A-Z][a-z]{2,8}\.? \d{1,2} \([A-Za-z ]{2,20}\)"),
    ),
)

# A document may end, unpunctuated, with its place and date of signature; that is
# a complete ending, not a cut.
CLOSING_LINES: tuple[tuple[str, LazyPattern], ...] = (
    (
        "signed-zh",
        lazy(
            r"^(?:[\u4e00-\u9fff]{1,8})?[\d〇一二三四五六七八九零]{4}年[\d一二三四五六七八九十]{1,3}月"
            r"[\d一二三四五六七八九十]{1,3}日(?:于[\u4e00-\u9fff]{1,8})?(?:签署)?$",
            hints=("年",),
        ),
    ),
    ("signed-ru", lazy(r"^(?:г\. ?)?[А-ЯЁ][а-яё-]+, \d{1,2} [а-яё]+ \d{4}(?: года| г\.)?$")),
    (
        "signed-en",
        lazy(r"^[A-Z][a-z]+, (?:\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2}, \d{4})$"),
    ),
)

# The heading of a table of contents; the numbered short lines after it promise
# the points the text should reach.
CONTENTS_HEADING = lazy(
    r"^(?:目录|目次|contents|table of contents|содержание|оглавление):?$", re.I
)


def dateline(text: str) -> tuple[str, str] | None:
    """(rule name, the dateline) a paragraph opens with, or None."""
    for name, pattern in DATELINES:
        m = pattern.match(text)
        if m:
            return name, m.group("dateline") if "dateline" in pattern.groupindex else m.group(0)
    return None


def closing_line(text: str) -> str | None:
    """The name of the closing-line rule (place and date of signature) ``text`` matches."""
    for name, pattern in CLOSING_LINES:
        if pattern.match(text):
            return name
    return None
