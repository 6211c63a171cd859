"""Walking a parsed HTML tree in time linear in its size, whatever its depth.

Contract: :func:`flatten_deep` bounds the depth of a parsed page: the content of
an element :data:`MAX_DEPTH` levels down is replaced by its text, in order, with
a ``<br>`` wherever a block element began or ended, so that paragraphs stay
apart. :func:`preorder` visits every element once, not descending into one its
visitor drops, and :func:`bottom_up` gives each element a sum over its subtree
from one pass. No function here searches a subtree per element: on a hostile
page (thousands of nested ``<div>``s, tables or unclosed tags) that search is
what made extraction time grow with the square of the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from bs4.element import NavigableString, Tag

if TYPE_CHECKING:
    from bs4 import BeautifulSoup
    from bs4.element import PageElement

# The depth libxml2 allows an XML document without its "huge" option; real pages
# stay far below it, and every walk up an element's ancestors is bounded by it.
MAX_DEPTH = 256


def child_tags(tag: Tag) -> list[Tag]:
    """The elements directly under ``tag``."""
    return [c for c in tag.contents if isinstance(c, Tag)]


def preorder(root: Tag, visit: Callable[[Tag], bool]) -> None:
    """Call ``visit`` on every element under ``root``, in document order; an element
    for which it returns False (it dropped it) is not descended into."""
    stack = child_tags(root)
    stack.reverse()
    while stack:
        tag = stack.pop()
        if visit(tag):
            below = child_tags(tag)
            below.reverse()
            stack.extend(below)


def elements(root: Tag) -> list[Tag]:
    """Every element under ``root`` (``root`` first), in document order."""
    out = [root]

    def take(tag: Tag) -> bool:
        out.append(tag)
        return True

    preorder(root, take)
    return out


def bottom_up(order: list[Tag], own: Callable[[Tag], int]) -> dict[int, int]:
    """For each element of ``order`` (document order, from a root), by ``id``: the sum
    of ``own`` over the elements under it (not itself), from the leaves up."""
    below: dict[int, int] = {}
    for tag in reversed(order):
        mine = below.setdefault(id(tag), 0)
        parent = tag.parent
        if parent is not None:
            below[id(parent)] = below.get(id(parent), 0) + mine + own(tag)
    return below


def flatten_deep(
    soup: BeautifulSoup,
    blocks: Iterable[str],
    skip: Callable[[Tag], bool],
    max_depth: int = MAX_DEPTH,
) -> int:
    """Flatten every element nested more than ``max_depth`` deep; the number flattened.

    Their shown text is kept in order under the element ``max_depth`` deep, with a
    ``<br>`` where an element named in ``blocks`` began or ended. An element for
    which ``skip`` returns True (a script, hidden text; ``skip`` records what it
    must) is left out with all it holds.
    """
    block_names = frozenset(blocks)
    flattened = 0
    stack = [(tag, 1) for tag in reversed(child_tags(soup))]
    while stack:
        tag, depth = stack.pop()
        if depth < max_depth:
            stack.extend((c, depth + 1) for c in reversed(child_tags(tag)))
        elif child_tags(tag):
            flattened += _flatten_under(soup, tag, block_names, skip)
    return flattened


def _flatten_under(
    soup: BeautifulSoup, tag: Tag, blocks: frozenset[str], skip: Callable[[Tag], bool]
) -> int:
    pieces: list[str | None] = []  # None: a break between blocks
    count = 0
    stack: list[tuple[PageElement, bool]] = [(c, True) for c in reversed(tag.contents)]
    while stack:
        node, entering = stack.pop()
        if isinstance(node, NavigableString):
            if type(node) is NavigableString:  # not a comment, CDATA or doctype
                pieces.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        if not entering:
            pieces.append(None)
            continue
        count += 1
        if skip(node):
            continue
        if node.name in blocks or node.name == "br":
            pieces.append(None)
            stack.append((node, False))
        stack.extend((c, True) for c in reversed(node.contents))
    # The new content is built apart from the tree, then put in at once: every
    # insertion into the tree itself walks up the ancestors.
    box = soup.new_tag("div")
    text: list[str] = []
    broken = True
    for piece in pieces:
        if piece is not None:
            text.append(piece)
            continue
        if text:
            box.append(NavigableString("".join(text)))
            text.clear()
            broken = False
        if not broken:
            box.append(soup.new_tag("br"))
            broken = True
    if text:
        box.append(NavigableString("".join(text)))
    for child in list(tag.contents):
        if isinstance(child, Tag):
            child.decompose()
        else:
            child.extract()
    tag.append(box)
    return count
