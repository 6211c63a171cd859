"""Next-page links read from a page (the extract stage), and the capture stage's independence
from the stages after it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import made
from docwitness import pipeline
from docwitness.extract.links import next_links
from docwitness.store import Store
from httpserver import serving, static

CAPTURE = Path(__file__).resolve().parent.parent / "src" / "docwitness" / "capture"


def page(body: str, charset: str = "utf-8") -> bytes:
    return f"<html><head><meta charset={charset}></head><body>{body}</body></html>".encode(
        "gb18030" if charset == "gb2312" else charset
    )


@pytest.mark.parametrize(
    ("body", "selector", "expected"),
    [
        ('<a href="p_2.html">下一页</a>', None, ["p_2.html"]),
        ('<a href="p_2.html">下一頁 ›</a>', None, ["p_2.html"]),
        ('<a href="/a">上一页</a> <a href="p_3.html">下页</a>', None, ["p_3.html"]),
        ('<a href="x">下一页</a><a href="y">下頁</a>', None, ["x", "y"]),
        ('<a href="p_2.html">more</a>', None, []),
        ('<div class="pager"><a href="p_2.html">more</a></div>', ".pager", ["p_2.html"]),
        ('<a class="n" href="p_2.html">more</a>', "a.n", ["p_2.html"]),
        ('<a href="p_2.html">more</a>', ".absent", []),
        ('<a class="n" href="">more</a>', "a.n", []),
    ],
    ids=[
        "simplified",
        "traditional",
        "short-form",
        "document-order",
        "no-next-text",
        "selector-container",
        "selector-link",
        "selector-no-match",
        "selector-empty-href",
    ],
)
def test_next_links(body: str, selector: str | None, expected: list[str]) -> None:
    assert next_links(page(body), "text/html", selector=selector) == expected


def test_next_links_decodes_with_the_declared_charset() -> None:
    body = '<html><body><a href="p_2.html">下一页</a></body></html>'.encode("gb18030")
    assert next_links(body, "text/html; charset=gb2312", charset="gb2312") == ["p_2.html"]


def test_no_links_are_read_from_other_media() -> None:
    assert next_links(page('<a href="p_2.html">下一页</a>'), "text/plain") == []
    assert next_links(b"%PDF-1.4", "application/pdf") == []


def test_an_invalid_selector_says_so() -> None:
    with pytest.raises(ValueError, match="invalid next selector"):
        next_links(page("<a href='x'>下一页</a>"), "text/html", selector="a[")


def test_capture_imports_no_later_stage() -> None:
    """Data flows capture → extract → normalise → store: a fetcher imports none of them."""
    later = ("docwitness.extract", "docwitness.normalise", "docwitness.store", "docwitness.compare")
    found = []
    for path in sorted(CAPTURE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            found += [f"{path.name}: {n}" for n in names if n.startswith(later)]
    assert found == []


def test_fetch_and_diff_follow_next_links(tmp_path: Path) -> None:
    """The pipeline hands the link reader to the fetcher: a one-URL copy is read in full."""
    paras = made.made_statement()
    halves = [paras[: len(paras) // 2], paras[len(paras) // 2 :]]
    with serving() as server:
        for i, half in enumerate(halves, 1):
            nxt = '<a href="made-paged_2.html">下一页</a>' if i == 1 else ""
            html = "".join(f"<p>{p}</p>" for p in half) + nxt
            server.route(
                f"/made-paged_{i}.html", static(page(html), headers={"Content-Type": "text/html"})
            )
        first = server.url("/made-paged_1.html")
        cat = tmp_path / "made.toml"
        cat.write_text(
            '[document]\nid = "made-doc"\ntitle = "made"\nlanguage = "zh"\n\n'
            f'[[witness]]\nid = "made-paged"\nrole = "mirror"\nurl = "{first}"\n',
            encoding="utf-8",
        )
        [result] = pipeline.fetch([cat], tmp_path / "s")
        assert result.status == "captured"
        entry = Store(tmp_path / "s").latest("made-doc", "made-paged")
        assert entry is not None
        assert [p.source for p in entry.pages] == [first, server.url("/made-paged_2.html")]
        document = pipeline.load_copy(first)
        assert len(document.paragraphs) == len(paras)
