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

import re
from dataclasses import dataclass

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
    letters: re.Pattern[str]
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
        letters=re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]"),
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
        letters=re.compile(r"[а-яё]", re.IGNORECASE),
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
        letters=re.compile(r"[a-z]", re.IGNORECASE),
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


# --------------------------------------------------------------------------- cut-off markers

# (rule name, language it was seen in, pattern). A paragraph of the copy that
# matches is the site's, not the document's; after the body it is evidence that
# the copy was cut. Searched case-insensitively.
CUT_OFF_MARKERS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("preview-ended", "zh", re.compile(r"预览已结束|试读结束|预览结束")),
    ("read-full-text", "zh", re.compile(r"点击查看全文|阅读全文|展开全文|查看全文|全文阅读")),
    ("to-be-continued", "zh", re.compile(r"未完待续")),
    ("next-page", "zh", re.compile(r"下一页")),
    ("read-more", "en", re.compile(r"\bread more\b|\bcontinue reading\b|\bshow more\b", re.I)),
    ("to-be-continued", "en", re.compile(r"\bto be continued\b", re.I)),
    ("next-page", "en", re.compile(r"^next page\b|\bnext page ?(?:>|»|\")", re.I)),
    ("read-more", "ru", re.compile(r"читать далее|читать полностью|показать полностью", re.I)),
    ("to-be-continued", "ru", re.compile(r"продолжение следует", re.I)),
    ("next-page", "ru", re.compile(r"следующая страница", re.I)),
    # A paragraph that is nothing but an ellipsis stands where text was left out.
    ("trailing-ellipsis", "*", re.compile(r"^(?:…|\.|\s)+$")),
)
# Markers sit in short lines; a long paragraph that happens to say "阅读全文" is text.
CUT_OFF_MAX_LEN = 80

# The body itself ending in a run of ellipsis points ("……", "...") marks text left
# out; a single "…" may close a sentence.
TRAILING_ELLIPSIS = re.compile(r"(?:…{2,}|\.{3,}|…\.+|\.+…)$")


def cut_off_marker(text: str) -> tuple[str, str] | None:
    """(rule name, matched text) of the cut-off marker in a short paragraph, or None."""
    if len(text) > CUT_OFF_MAX_LEN:
        return None
    for name, _language, pattern in CUT_OFF_MARKERS:
        m = pattern.search(text)
        if m:
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
BOILERPLATE: tuple[tuple[str, re.Pattern[str], int], ...] = (
    # The aggregator's echo of the title: "# 中华人民共和国…联合声明（全文）".
    ("heading-echo", re.compile(r"\((?:全文|full text|полный текст)\)$", re.I), 150),
    ("link-back", re.compile(r"^(?:[^\s:]{1,10}[:])?\s?\S*https?://\S+$"), 400),
    (
        "date-line",
        re.compile(
            r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}"
            r"|\d{4}年\d{1,2}月\d{1,2}日 ?(?=\d{1,2}:\d{2}))"
            r"(?: ?\d{1,2}:\d{2}(?::\d{2})?)?(?: ?(?:来源|发布时间|source)[:].{0,30})?$",
            re.I,
        ),
        80,
    ),
    ("qr-code", re.compile(r"二维码|扫码|扫一扫|\bQR[ -]?(?:code|код)", re.I), 80),
    (
        "copyright",
        re.compile(
            r"©|版权所有|版权声明|\bcopyright\b|all rights reserved|все права защищены", re.I
        ),
        160,
    ),
    (
        "navigation",
        re.compile(
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
        re.compile(r"^(?:责任编辑|来源|编辑|稿源|原标题)[:]|^\(完\)$|^\(全文\)$"),
        80,
    ),
)


def boilerplate_rule(text: str) -> str | None:
    """The name of the boilerplate rule ``text`` (canonical) matches, or None.

    Cut-off markers ("预览已结束", "Read more") are reported as ``cut-off-marker``;
    :func:`cut_off_marker` says which one.
    """
    if cut_off_marker(text) is not None:
        return "cut-off-marker"
    for name, pattern, max_len in BOILERPLATE:
        if len(text) <= max_len and pattern.search(text):
            return name
    return None


# --------------------------------------------------------------------------- the copy's claims

# (rule name, pattern at the start of a paragraph) for the dateline a wire copy
# opens with: "新华社莫斯科7月4日电", "中评社北京7月5日电/", "МОСКВА, 4 июля. /ТАСС/".
DATELINES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dateline-zh", re.compile(r"^[\u4e00-\u9fff]{2,12}?\d{1,2}月\d{1,2}日电(?:\([^)]{1,30}\))?")),
    ("dateline-ru", re.compile(r"^[А-ЯЁ][А-ЯЁ -]{2,30}, \d{1,2} [а-яё]+\.? ?/[^/]{2,20}/")),
    (
        "dateline-en",
        re.compile(r"^[A-Z][A-Z .-]{2,30}, [A-Z][a-z]{2,8}\.? \d{1,2} \([A-Za-z ]{2,20}\)"),
    ),
)

# A document may end, unpunctuated, with its place and date of signature; that is
# a complete ending, not a cut.
CLOSING_LINES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "signed-zh",
        re.compile(
            r"^(?:[\u4e00-\u9fff]{1,8})?[\d〇一二三四五六七八九零]{4}年[\d一二三四五六七八九十]{1,3}月"
            r"[\d一二三四五六七八九十]{1,3}日(?:于[\u4e00-\u9fff]{1,8})?(?:签署)?$"
        ),
    ),
    ("signed-ru", re.compile(r"^(?:г\. ?)?[А-ЯЁ][а-яё-]+, \d{1,2} [а-яё]+ \d{4}(?: года| г\.)?$")),
    (
        "signed-en",
        re.compile(r"^[A-Z][a-z]+, (?:\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2}, \d{4})$"),
    ),
)

# The heading of a table of contents; the numbered short lines after it promise
# the points the text should reach.
CONTENTS_HEADING = re.compile(
    r"^(?:目录|目次|contents|table of contents|содержание|оглавление):?$", re.I
)


def dateline(text: str) -> tuple[str, str] | None:
    """(rule name, the dateline) a paragraph opens with, or None."""
    for name, pattern in DATELINES:
        m = pattern.match(text)
        if m:
            return name, m.group(0)
    return None


def closing_line(text: str) -> str | None:
    """The name of the closing-line rule (place and date of signature) ``text`` matches."""
    for name, pattern in CLOSING_LINES:
        if pattern.match(text):
            return name
    return None
