"""An extracted text that is runs of its pages' bytes is held as where they are: the
record says, the store holds the pages once, and the text read back is re-hashed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import made
from docwitness.capture.file import capture_file
from docwitness.cli import main
from docwitness.errors import StoreCorrupt
from docwitness.normalise import document_from_captures
from docwitness.pipeline import fetch
from docwitness.store import Store
from docwitness.store.records import RECORD_SCHEMA_3, TextFromPages
from test_lean_records import _swap_record
from test_records import assert_store_problem
from test_store import as_schema, catalogue

# --------------------------------------------------------------------------- runs


@given(
    st.lists(st.binary(max_size=40), min_size=1, max_size=3),
    st.binary(max_size=60),
)
def test_a_text_found_in_pages_is_cut_back_exactly(bodies: list[bytes], text: bytes) -> None:
    cut = TextFromPages.find(text, bodies)
    if cut is not None:
        assert cut.cut(bodies) == text
        assert TextFromPages.from_json(cut.to_json()) == cut


@given(st.data())
def test_lines_taken_from_pages_in_order_are_found(data: st.DataObject) -> None:
    alphabet = st.sampled_from([b"a", b"b", b"\n", b"\xe6\x94\xaf", b" "])
    bodies = data.draw(
        st.lists(st.lists(alphabet, max_size=30).map(b"".join), min_size=1, max_size=3)
    )
    lines: list[bytes] = []
    for body in bodies:  # runs of each page, in order, none holding a newline
        pos = 0
        while pos < len(body) and data.draw(st.booleans()):
            start = data.draw(st.integers(pos, len(body)))
            end = data.draw(st.integers(start, len(body)))
            piece = body[start:end]
            if b"\n" in piece:
                break
            lines.append(piece)
            pos = end
    text = b"\n".join(lines)
    cut = TextFromPages.find(text, bodies)
    assert cut is not None
    assert cut.cut(bodies) == text


def test_runs_say_the_page_each_line_is_cut_from() -> None:
    bodies = [b"# One\n\nfirst line\n", b"second\r\n\r\nthird\r\n"]
    text = b"One\nfirst line\nsecond\nthird"
    cut = TextFromPages.find(text, bodies)
    assert cut is not None
    assert cut.lengths == (3, 10, 6, 5)
    assert cut.gaps == ((0, 2), (2, 0), (3, 4))  # "# ", then blank lines
    assert cut.pages == ((0, 0), (2, 1))
    assert cut.cut(bodies) == text
    assert TextFromPages.find(b"One\nnot there", bodies) is None
    assert TextFromPages.find(b"first line\nOne", bodies) is None  # out of order
    # Lines with the same bytes between each two: one run of gaps.
    even = TextFromPages.find(b"a\nbc\n\nd", [b"\n\na\n\nbc\n\n\n\nd\n"])
    assert even == TextFromPages((1, 2, 0, 1), ((0, 2),))
    assert even.cut([b"\n\na\n\nbc\n\n\n\nd\n"]) == b"a\nbc\n\nd"
    with pytest.raises(ValueError, match="page 1, which is not there"):
        cut.cut(bodies[:1])
    with pytest.raises(ValueError, match="runs past the end of page 1"):
        cut.cut([bodies[0], b"second"])


# --------------------------------------------------------------------------- the store

# Full-width commas fold in the canonical text, so it is not the extracted text.
MADE_LINES = ["第一段，开放合作。", "第二段，互利共赢。", "第三段，共同发展。"]


def _one_copy(tmp_path: Path, name: str, data: bytes) -> tuple[Store, Any]:
    (tmp_path / f"{name}.txt").write_bytes(data)
    store = tmp_path / "s"
    fetch([catalogue(tmp_path, [name])], store)
    s = Store(store)
    entry = s.latest("made-doc", name)
    assert entry is not None
    return s, entry


@pytest.mark.parametrize(
    "data",
    [
        "\n\n".join(MADE_LINES).encode("utf-8") + b"\n",
        "\r\n\r\n".join(MADE_LINES).encode("utf-8") + b"\r\n",  # Windows line ends
        ("\n\n\n".join(MADE_LINES) + "\n").encode("utf-8"),  # more blank lines
        b"\xef\xbb\xbf" + "\n\n".join(MADE_LINES).encode("utf-8"),  # a byte-order mark
    ],
    ids=["blank-lines", "crlf", "wider-gaps", "bom"],
)
def test_a_plain_text_copy_stores_its_text_once(tmp_path: Path, data: bytes) -> None:
    s, entry = _one_copy(tmp_path, "made-plain", data)
    record = s.get_json(entry.record)
    assert "text_from_pages" in record
    assert entry.text != entry.canonical
    # Three objects: the file, the canonical text and the record; no extracted text.
    assert not s.has_object(entry.text)
    assert {entry.raw, entry.canonical, entry.record} == {
        "sha256:" + p.name for p in s.objects.glob("*/*")
    }
    fresh = document_from_captures([capture_file(tmp_path / "made-plain.txt")], "made-plain")
    assert s.extracted_bytes(entry) == fresh.extraction.text.encode("utf-8")
    back = s.load_document(entry, "made-plain")
    assert back.paragraphs == fresh.paragraphs
    assert back.extraction.text == fresh.extraction.text
    assert s.verify() == []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # A paragraph wrapped over lines is joined: no run of the file.
        ("made-wrapped", "第一段，\n开放合作。\n\n第二段。\n".encode()),
        # The same text in GB 18030: its UTF-8 is not in the file.
        ("made-gb18030", ("\n\n".join(MADE_LINES * 20) + "\n").encode("gb18030")),
    ],
)
def test_a_text_that_is_not_runs_of_its_page_is_an_object(
    tmp_path: Path, name: str, data: bytes
) -> None:
    s, entry = _one_copy(tmp_path, name, data)
    assert "text_from_pages" not in s.get_json(entry.record)
    assert s.has_object(entry.text)
    fresh = document_from_captures([capture_file(tmp_path / f"{name}.txt")], name)
    assert s.load_document(entry, name).paragraphs == fresh.paragraphs
    assert s.verify() == []


def test_a_record_of_schema_3_with_its_text_object_still_reads(tmp_path: Path) -> None:
    s, entry = _one_copy(tmp_path, "made-plain", "\n\n".join(MADE_LINES).encode() + b"\n")
    before = s.load_document(entry, "made-plain")
    _swap_record(s.root, "made-plain", as_schema(s, entry, RECORD_SCHEMA_3))
    entry = s.latest("made-doc", "made-plain")
    assert entry is not None
    assert "text_from_pages" not in s.get_json(entry.record)
    assert s.load_document(entry, "made-plain").paragraphs == before.paragraphs
    assert s.verify() == []


def _edited(tmp_path: Path, edit: Any) -> tuple[Store, Path]:
    s, entry = _one_copy(tmp_path, "made-plain", "\n\n".join(MADE_LINES).encode() + b"\n")
    record = s.get_json(entry.record)
    edit(record["text_from_pages"])
    _swap_record(s.root, "made-plain", record)  # re-hashed, as a careful hand edit
    return s, catalogue(tmp_path, ["made-plain"])


def _shorter(runs: dict[str, Any]) -> None:
    runs["length"][1] -= 3  # the runs after it move 3 bytes back


def _past(runs: dict[str, Any]) -> None:
    runs["length"][-1] += 1000


def _gap(runs: dict[str, Any]) -> None:
    runs["gap"] = [[0, 0]]


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (_shorter, "cut from its pages"),  # another text than the one named
        (_gap, "cut from its pages"),
        (_past, "runs past the end of page 0"),
    ],
    ids=["shorter-line", "gap", "past-the-page"],
)
def test_runs_that_do_not_cut_the_text_named_are_a_store_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: Any, said: str
) -> None:
    s, cat = _edited(tmp_path, edit)
    problems = s.verify()
    assert any(p.kind == "mismatch" and said in p.found for p in problems), problems
    entry = s.latest("made-doc", "made-plain")
    assert entry is not None
    with pytest.raises(StoreCorrupt, match="mismatch"):
        s.load_document(entry, "made-plain")
    assert_store_problem(capsys, main(["collate", str(cat), "--store", str(s.root)]))


def _key(runs: dict[str, Any]) -> None:
    runs["offset"] = 1


def _late(runs: dict[str, Any]) -> None:
    runs["gap"] = [[1, 2]]


def _page(runs: dict[str, Any]) -> None:
    runs["page"] = [[0, 3]]


def _no_gap(runs: dict[str, Any]) -> None:
    del runs["gap"]


def _bool(runs: dict[str, Any]) -> None:
    runs["length"][0] = True


def _float(runs: dict[str, Any]) -> None:
    runs["length"][1] = 27.0


def _negative(runs: dict[str, Any]) -> None:
    runs["length"][2] = -1


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (_key, "no such key"),
        (_late, "runs from line 0"),
        (_page, "pages below 1"),
        (_no_gap, "the bytes skipped"),
        (_bool, "a list of counts"),
        (_float, "a list of counts"),
        (_negative, "a list of counts"),
    ],
    ids=["key", "runs-late", "page", "no-gap", "bool", "float", "negative"],
)
def test_malformed_runs_are_invalid(tmp_path: Path, edit: Any, said: str) -> None:
    s, _ = _edited(tmp_path, edit)
    found = [p for p in s.verify() if p.kind == "invalid"]
    assert found and said in found[0].expected, found


def test_a_missing_page_leaves_the_text_unreadable_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s, entry = _one_copy(tmp_path, "made-plain", "\n\n".join(MADE_LINES).encode() + b"\n")
    s.object_path(entry.raw).unlink()
    problems = s.verify()
    assert any(p.kind == "missing" and p.expected == entry.raw for p in problems), problems
    with pytest.raises(StoreCorrupt, match="missing"):
        s.load_document(entry, "made-plain")
    cat = catalogue(tmp_path, ["made-plain"])
    assert_store_problem(capsys, main(["collate", str(cat), "--store", str(s.root)]))


def test_the_bag_holds_the_text_cut_from_the_page(tmp_path: Path) -> None:
    pytest.importorskip("bagit")
    import bagit

    paras = made.made_statement()
    made.write_made(tmp_path, "made-full.txt", paras)
    cat = catalogue(tmp_path, ["made-full"])
    store = tmp_path / "s"
    assert main(["fetch", str(cat), "--store", str(store)]) == 0
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None and "text_from_pages" in s.get_json(entry.record)
    out = tmp_path / "bag"
    code = main(["export", "bag", "-o", str(out), "--catalogue", str(cat), "--store", str(store)])
    assert code in (0, 1)  # 1: findings of the made copy, written all the same
    assert bagit.Bag(str(out)).validate()
    fresh = document_from_captures([capture_file(tmp_path / "made-full.txt")], "made-full")
    extracted = out / "data" / "texts" / "made-doc" / "made-full.extracted.txt"
    assert extracted.read_bytes() == fresh.extraction.text.encode("utf-8")


def test_a_tampered_page_is_caught_where_its_text_is_read_and_by_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = "\n\n".join(MADE_LINES).encode() + b"\n"
    s, entry = _one_copy(tmp_path, "made-plain", data)
    good = s.load_document(entry, "made-plain")
    cat = catalogue(tmp_path, ["made-plain"])
    path = s.object_path(entry.raw)
    # A byte the text is not cut from (a blank line made a space): the text read is
    # still the one named, every byte of it checked; verify finds the page altered.
    path.write_bytes(data.replace(b"\n\n", b"\n ", 1))
    assert s.load_document(entry, "made-plain").paragraphs == good.paragraphs
    assert any(p.kind == "mismatch" and p.path == str(path) for p in s.verify())
    # A byte it is cut from: the text is not the one named.
    path.write_bytes(data.replace("开放".encode(), "封闭".encode()))
    with pytest.raises(StoreCorrupt, match="cut from its pages"):
        s.load_document(entry, "made-plain")
    assert_store_problem(capsys, main(["collate", str(cat), "--store", str(s.root)]))
