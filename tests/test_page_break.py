"""The variant table's page-break mark: the same judgement as the definition it was
first written with (the text before and after each break joined again), in one pass
over a reading however many breaks it has."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from docwitness.multi.table import LACUNA_END, LACUNA_START, MARKS, PARA, _page_break
from docwitness.rules import LANGUAGES, LanguageRules, ends_sentence, title_like


def _as_first_written(
    tokens: tuple[str, ...], before: str, after: str, rules: LanguageRules
) -> bool:
    for k, t in enumerate(tokens):
        if t != PARA:
            continue
        head = "".join(x for x in tokens[:k] if x not in MARKS) or (before if k == 0 else "")
        tail = "".join(x for x in tokens[k + 1 :] if x not in MARKS) or after
        broken = head.strip() and tail.strip() and not ends_sentence(head, rules)
        if broken and not title_like(head) and not head.rstrip().endswith((":", "：")):
            return True
    return False


# Pieces that reach every branch: blanks, closers after a sentence end, a lead-in's
# colon, a marker, text long enough not to be a title, and the marks themselves.
_PIECES = [
    "",
    " ",
    "\n",
    "。",
    "”",
    "）",
    "”  ",
    "：",
    ":",
    ".",
    "!",
    "一、",
    "双方",
    "双方认为",
    "the parties",
    "agree.",
    "中" * 120,
    "中俄" * 110 + "。",
    "（",
    PARA,
    PARA,
    PARA,
    LACUNA_START,
    LACUNA_END,
]
_SIDES = ["", " ", "双方", "双方认为。", "一、总则", "the parties agree", "中" * 210]


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=14).map(tuple),
    st.sampled_from(_SIDES),
    st.sampled_from(_SIDES),
    st.sampled_from(["zh", "en"]),
)
def test_the_same_judgement_as_first_written(
    tokens: tuple[str, ...], before: str, after: str, language: str
) -> None:
    rules = LANGUAGES[language]
    assert _page_break(tokens, before, after, rules) == _as_first_written(
        tokens, before, after, rules
    )


def test_a_reading_of_thousands_of_paragraphs_is_judged_by_each_break() -> None:
    # A block of 3,000 paragraphs read where the reference has none (a moved block):
    # each ends its sentence, so no break is mid-sentence ...
    ended = ("双方重申，将继续深化全面战略协作伙伴关系。", PARA) * 3000
    rules = LANGUAGES["zh"]
    assert _page_break((*ended, "完"), "", "", rules) is False
    # ... until one, the last but one, stops in the middle of its sentence.
    broken = (*ended[:-4], "双方重申，将继续深化全面战略协作", PARA, "伙伴关系。")
    assert _page_break(broken, "", "", rules) is True
    assert _page_break(broken, "", "", rules) == _as_first_written(broken, "", "", rules)
