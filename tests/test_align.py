"""Paragraph alignment: anchors, moves, splits, merges, gaps, and the bounded search window."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docwitness.compare.align import Link, align

HAN = "双方认为国际社会应当加强合作共同应对挑战维护和平与稳定推动发展"
P = [
    "中华人民共和国和俄罗斯联邦关于当前世界形势的联合声明",
    "一、双方相信当前国际体系正在朝着多极化演变。",
    "新兴市场国家和发展中国家崛起已成为不可阻挡的历史潮流。",
    "二、双方指出联合国应继续在全球治理中发挥核心作用。",
    "三、双方重申各国应全面遵守联合国宪章。",
]


def kinds(links: tuple[Link, ...]) -> list[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    return [(x.kind, x.ref, x.witness) for x in links]


def test_identical_sequences_align_equal_one_to_one() -> None:
    got = align(P, P)
    assert kinds(got.links) == [("equal", (i,), (i,)) for i in range(len(P))]
    assert got.limits == ()


@pytest.mark.parametrize(
    ("wit", "expected"),
    [
        # dropped
        ([P[0], P[1], P[3], P[4]], [("missing", (2,), ())]),
        # added, after ref 1
        ([P[0], P[1], "另增加的一段完全不同的文字内容在此处出现。", *P[2:]], [("extra", (), (2,))]),
        # changed in place: paired, not missing + extra
        ([P[0], P[1].replace("多极化", "单极化"), *P[2:]], [("pair", (1,), (1,))]),
        # split in two mid-word
        ([P[0], P[1], P[2][:9], P[2][9:], P[3], P[4]], [("split", (2,), (2, 3))]),
        # two merged into one
        ([P[0], P[1] + P[2], P[3], P[4]], [("merge", (1, 2), (1,))]),
        # split in three and in four, as by page breaks
        ([P[0], P[1], P[2][:9], P[2][9:18], P[2][18:], P[3], P[4]], [("split", (2,), (2, 3, 4))]),
        (
            [P[0], P[1][:6], P[1][6:12], P[1][12:18], P[1][18:], *P[2:]],
            [("split", (1,), (1, 2, 3, 4))],
        ),
        # three merged into one
        ([P[0], P[1] + P[2] + P[3], P[4]], [("merge", (1, 2, 3), (1,))]),
        # cut short at the end
        ([P[0], P[1], P[2], P[3], P[4][:6]], [("pair", (4,), (4,))]),
    ],
)
def test_each_change_gets_its_one_link(wit: list[str], expected: list[object]) -> None:
    links = kinds(align(P, wit).links)
    assert [x for x in links if x[0] != "equal"] == expected


def test_the_lighter_of_two_swapped_paragraphs_is_moved() -> None:
    ref = ["甲" * 5, "乙" * 50, "丙" * 10, "丁" * 5]
    got = kinds(align(ref, [ref[0], ref[2], ref[1], ref[3]]).links)
    assert [x for x in got if x[0] != "equal"] == [("moved", (2,), (1,))]
    # a moved link sits at its reference place
    assert [x[1] for x in got] == [(0,), (1,), (2,), (3,)]


def test_duplicated_paragraphs_are_anchored_inside_their_gap() -> None:
    ref = ["双方声明如下:", P[1], "双方声明如下:", P[3]]
    wit = ["双方声明如下:", P[1], "双方声明如下:", "新增加的一段文字与其他段落毫不相干。", P[3]]
    got = kinds(align(ref, wit).links)
    assert got == [
        ("equal", (0,), (0,)),
        ("equal", (1,), (1,)),
        ("equal", (2,), (2,)),
        ("extra", (), (3,)),
        ("equal", (3,), (4,)),
    ]


def test_an_unrelated_paragraph_is_not_paired() -> None:
    got = kinds(align([P[1]], ["今天天气很好我们去公园散步吧。"]).links)
    assert sorted(got) == [("extra", (), (0,)), ("missing", (0,), ())]


def test_a_large_gap_is_searched_in_a_window_and_says_so() -> None:
    ref = [f"第{n}段:" + HAN[n : n + 12] for n in range(6)]
    wit = [t.replace("段", "节") for t in ref]
    assert align(ref, wit).limits == ()
    got = align(ref, wit, window=1, full_gap_cells=4)
    assert got.limits and "within 1 paragraphs" in got.limits[0]
    assert [x.kind for x in got.links] == ["pair"] * 6


paragraphs = st.lists(
    st.text(alphabet=st.sampled_from(HAN + "，。"), min_size=1, max_size=40),
    min_size=0,
    max_size=30,
)


@given(paragraphs, paragraphs)
def test_every_paragraph_is_in_exactly_one_link(ref: list[str], wit: list[str]) -> None:
    links = align(ref, wit).links
    assert sorted(i for x in links for i in x.ref) == list(range(len(ref)))
    assert sorted(j for x in links for j in x.witness) == list(range(len(wit)))
    order = [x.ref[0] for x in links if x.ref]
    assert order == sorted(order)


@given(paragraphs)
def test_a_sequence_against_itself_is_all_equal(ref: list[str]) -> None:
    assert all(x.kind == "equal" for x in align(ref, ref).links)
