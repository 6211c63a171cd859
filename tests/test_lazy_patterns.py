"""The rule tables' patterns compiled on first use: hints that never hide a match, and
patterns rewritten so that they compile fast reading exactly as before."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docwitness import rules as R
from docwitness.lazy_re import LazyPattern
from docwitness.normalise import normalise_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_34e1f9dcdff7bff3.txt"
REAL = ROOT.parent / "shared" / "real" / "wikisource-zh-hans.txt"


def _patterns() -> list[tuple[str, LazyPattern]]:
    found: list[tuple[str, LazyPattern]] = []
    for name, value in vars(R).items():
        if isinstance(value, LazyPattern):
            found.append((name, value))
        elif isinstance(value, tuple):
            for row in value:
                if isinstance(row, tuple):
                    found += [(f"{name} {row[0]}", x) for x in row if isinstance(x, LazyPattern)]
    return found


HINTED = [(name, p) for name, p in _patterns() if p.hints]


def test_the_costly_rows_carry_hints() -> None:
    names = {name for name, _ in HINTED}
    assert {"DATELINE", "END_MARK", "_FIELD", "_CHROME", "_SITE"} <= names
    assert {"BOILERPLATE site-name", "BOILERPLATE credit", "CLOSING_LINES signed-zh"} <= names


@pytest.mark.parametrize(("name", "pattern"), HINTED, ids=[n for n, _ in HINTED])
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_match_holds_a_hint(name: str, pattern: LazyPattern, data: st.DataObject) -> None:
    compiled = re.compile(pattern.pattern, pattern.flags)
    text = data.draw(st.from_regex(compiled))
    assert compiled.search(text) is not None
    assert any(h in text for h in pattern.hints), (name, text)


def _field_texts() -> list[str]:
    texts = SEED.read_text(encoding="utf-8").splitlines()
    texts += REAL.read_text(encoding="utf-8").splitlines()
    texts += [
        "新华社莫斯科7月4日电",
        "中評社北京7月5日電/",
        "2017-07-05 05:42:41 新华网 参与评论()人",
        "（完）",
        "【全文】",
        "记者 王某 摄",
        "人民网-国际频道",
        "维基文库，自由的图书馆",
        "2017年7月4日于莫斯科",
        "责任编辑：王某",
        "字号：大 中 小",
    ]
    return texts + [normalise_text(t) for t in texts]


def test_a_hint_answers_as_the_pattern_would_on_the_copies() -> None:
    for name, pattern in HINTED:
        compiled = re.compile(pattern.pattern, pattern.flags)
        for text in _field_texts():
            # Each question put to a pattern not compiled yet, as a run's first text is.
            want = compiled.search(text)
            got = LazyPattern(pattern.pattern, pattern.flags, pattern.hints).search(text)
            assert (got and got.span()) == (want and want.span()), (name, text)
            fresh = LazyPattern(pattern.pattern, pattern.flags, pattern.hints)
            assert fresh.sub("", text) == compiled.sub("", text), (name, text)


# Each rewritten pattern beside the one it replaces: a class holding a character beyond
# Latin-1 is written as an alternation, which reads the same and compiles in a fraction.
REWRITTEN = [
    (R._INNER_PUNCT, r"[。,;:!?、.，]", 0),
    (R._SENTENCE_INSIDE, r"[。!?;.] ?[^\s。!?;.\"')\]》]", 0),
    (R.TITLE_LABEL_PREFIX, r"^\s*(?P<label>[（(【\[]\s*全文\s*[）)】\]])\s*", 0),
    (R.END_MARK, r"\s*(?P<label>[（(【\[]\s*[完終终]\s*[）)】\]])\s*$", 0),
    (
        R.TITLE_LABEL,
        r"\s*(?P<label>[（(【\[]\s*(?:全文|全文內容|全文内容|full text|полный текст)\s*[）)】\]]"
        r"|全文如下\s*[:：]?)\s*$",
        re.I,
    ),
    (
        R._DATE_TIME,
        r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?",
        0,
    ),
]
_ROWS = {name: p for name, p, _ in R.BOILERPLATE}
REWRITTEN += [
    (_ROWS["breadcrumb"], r"^(?:[^>›»\s]{1,12} ?[>›»] ?){2,}[^>›»\s]{1,12}$", 0),
    (
        _ROWS["editorial"],
        r"^(?:责任编辑|来源|编辑|稿源|原标题|字号)[:]|^\(完\)$|^[(\[【]全文[)\]】]$|^全文如下[:]?$",
        0,
    ),
    (
        _ROWS["page-number"],
        r"^(?:[-—–] ?\d{1,4} ?[-—–]|第 ?\d{1,4} ?页(?: ?共 ?\d{1,4} ?页)?"
        r"|(?:page|стр\.?|страница) ?\d{1,4}(?: (?:of|из) \d{1,4})?|\d{1,4} ?/ ?\d{1,4})$",
        re.I,
    ),
]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, dict[str, str | None]]]:
    return [(m.start(), m.end(), m.groupdict()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("k", range(len(REWRITTEN)))
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_rewritten_pattern_reads_as_before(k: int, data: st.DataObject) -> None:
    lazy, old_source, flags = REWRITTEN[k]
    old, new = re.compile(old_source, flags), re.compile(lazy.pattern, lazy.flags)
    assert lazy.flags == flags
    # Strings made to match either, and strings of the characters the pattern names.
    named = {c for c in old_source if not c.isascii()} | (set(old_source) & set("-/.:()[]!?;'\"<>"))
    alphabet = sorted(named | set("a1中 "))
    text = data.draw(
        st.one_of(
            st.from_regex(old),
            st.from_regex(new),
            st.text(alphabet=st.sampled_from(alphabet), max_size=24),
        )
    )
    # … and near misses: a match with a character or two put in, changed or taken out.
    for _ in range(data.draw(st.integers(0, 2))):
        at = data.draw(st.integers(0, len(text)))
        c = data.draw(st.sampled_from(alphabet))
        edit = data.draw(st.sampled_from(("insert", "replace", "delete")))
        if edit == "insert":
            text = text[:at] + c + text[at:]
        elif edit == "replace":
            text = text[:at] + c + text[at + 1 :]
        else:
            text = text[:at] + text[at + 1 :]
    assert _spans(new, text) == _spans(old, text)


def test_the_site_name_rows_read_as_the_one_row_they_were() -> None:
    old = re.compile(
        r"^[\u4e00-\u9fff]{2,10}[,]?自由的[\u4e00-\u9fff]{2,10}$"
        r"|^(?i:(?:from )?wiki(?:source|pedia)(?:, the free (?:library|encyclopedia))?)$"
        r"|^(?i:материал из (?:викитеки|википедии))"
        r"|^[\u4e00-\u9fff]{2,8}(?:网|网站|文库|百科|新闻网|在线)"
        r"(?:[-—_|·][\u4e00-\u9fff]{2,8}(?:频道|栏目|新闻))?$"
    )
    rows = [p for name, p, _ in R.BOILERPLATE if name == "site-name"]
    assert len(rows) == 2
    made = [
        "维基文库,自由的图书馆",
        "人民网-国际频道",
        "Wikisource",
        "WIKIPEDIA, the free encyclopedia",
    ]
    made += ["Материал из Викитеки", "新华网", "中国新闻网", "自由的", "wiki", "人民"]
    for text in made + _field_texts():
        assert (old.search(text) is not None) == any(p.search(text) for p in rows), text


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_copyright_notice_passes_the_test_before_the_row(data: st.DataObject) -> None:
    # The copyright row is read only in a line that lowered holds one of its pieces:
    # every string the row matches, in any case, does.
    compiled = R._COPYRIGHT.compiled()
    text = data.draw(st.from_regex(compiled))
    assert compiled.search(text) is not None
    assert R._may_be_copyright(text), text


_SCRIPT_ROWS = [(n, lang, p) for n, lang, p in R.CUT_OFF_MARKERS if lang in R._SCRIPT_OF_ROWS]


@pytest.mark.parametrize(
    ("name", "language", "pattern"), _SCRIPT_ROWS, ids=[f"{n}-{x}" for n, x, _ in _SCRIPT_ROWS]
)
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_cut_off_row_matches_only_a_line_in_its_script(
    name: str, language: str, pattern: LazyPattern, data: st.DataObject
) -> None:
    # An English row is not read in a line without a Latin letter, a Russian one in a
    # line without a Cyrillic letter: no line it matches lacks one.
    compiled = pattern.compiled()
    text = data.draw(st.from_regex(compiled))
    assert compiled.search(text) is not None
    assert R._SCRIPT_OF_ROWS[language].search(text) is not None, (name, text)


def test_a_chinese_line_is_not_read_by_the_english_and_russian_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[str] = []

    class Recording:
        def __init__(self, language: str, pattern: LazyPattern) -> None:
            self.language, self.pattern = language, pattern

        def search(self, text: str) -> re.Match[str] | None:
            read.append(self.language)
            return self.pattern.search(text)

    rows = tuple((n, lang, Recording(lang, p)) for n, lang, p in R.CUT_OFF_MARKERS)
    monkeypatch.setattr(R, "CUT_OFF_MARKERS", rows)
    assert R.cut_off_marker("双方欢迎金砖国家合作机制不断发展") is None
    assert set(read) == {"zh", "*"}
    read.clear()
    assert R.cut_off_marker("Читать далее") == ("read-more", "Читать далее")
    assert read == ["zh"] * 4 + ["ru"]  # the English rows are passed over too
