"""``from_columns`` makes the objects ``map`` over the class makes, a column at a time."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docwitness.model import Block, Paragraph, from_columns, plain_blocks

_text = st.text(max_size=12)
_maybe = st.none() | _text
_row = st.tuples(
    st.integers(0, 10**6),
    _text,
    _text,
    _text,
    st.sampled_from(["paragraph", "heading"]),
    _maybe,
    _maybe,
    st.none() | st.integers(0, 99),
)


@given(st.lists(_row, max_size=30))
def test_paragraphs_from_columns_are_the_paragraphs_of_their_rows(
    rows: list[tuple[Any, ...]],
) -> None:
    columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 8
    made = from_columns(Paragraph, *columns)
    expected = tuple(Paragraph(*row) for row in rows)
    assert made == expected
    assert [hash(p) for p in made] == [hash(p) for p in expected]
    assert [repr(p) for p in made] == [repr(p) for p in expected]
    assert pickle.loads(pickle.dumps(made)) == expected


def test_objects_from_columns_stay_frozen() -> None:
    (p,) = from_columns(
        Paragraph,
        [0],
        ["一、甲"],
        ["一、甲"],
        ["sha256:0"],
        ["paragraph"],
        ["一、"],
        ["一"],
        [None],
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.text = "乙"  # type: ignore[misc]
    assert p.body == "甲"
    blocks = from_columns(Block, ["甲", "乙"], ["paragraph", "heading"], [None, 2])
    assert blocks == (Block("甲"), Block("乙", "heading", 2))
    assert plain_blocks(["甲", "乙"]) == (Block("甲"), Block("乙")) == tuple(map(Block, "甲乙"))


@dataclass(frozen=True)
class _NoSlots:
    a: int


@dataclass(frozen=True, slots=True)
class _Checked:
    a: int

    def __post_init__(self) -> None:
        if self.a < 0:
            raise ValueError("negative")


def test_what_from_columns_cannot_make_it_refuses() -> None:
    with pytest.raises(TypeError, match="takes 3 columns, not 1"):
        from_columns(Block, ["甲"])
    with pytest.raises(ValueError, match=r"columns of \[1, 2\] rows"):
        from_columns(Block, ["甲", "乙"], ["paragraph"], [None, None])
    # A class whose __init__ does more than set its fields is made by its __init__.
    with pytest.raises(TypeError, match="not a slots dataclass"):
        from_columns(_NoSlots, [1])
    with pytest.raises(TypeError, match="no __post_init__"):
        from_columns(_Checked, [-1])
