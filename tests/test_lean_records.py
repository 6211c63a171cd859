"""Derived records point at the text objects instead of repeating the text: schema 3
stores the paragraphs by column (lengths, and only what differs from the default),
their digests worked out again from the canonical text; records of schemas 1 and 2
still read, verify and rederive."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import made_fixtures
from docwitness.capture.file import capture_file
from docwitness.errors import StoreCorrupt
from docwitness.normalise import document_from_captures
from docwitness.pipeline import collate, fetch, rederive
from docwitness.store import Store
from docwitness.store.records import (
    RECORD_SCHEMA,
    RECORD_SCHEMA_1,
    RECORD_SCHEMA_2,
    DerivedRecord,
    SharedTexts,
    json_bytes,
)
from test_store import as_schema, catalogue, fetched, made_copies, reindex


def _swap_record(store: Path, witness: str, new_record: dict[str, object]) -> str:
    s = Store(store)
    entry = s.latest("made-doc", witness)
    assert entry is not None
    new = s.put_json(new_record)
    history = s.history_path("made-doc", witness)
    history.write_text(
        history.read_text(encoding="utf-8").replace(entry.record, new), encoding="utf-8"
    )
    reindex(store, "made-doc", witness)
    return new




def test_record_holds_no_paragraph_text_nor_digests_and_reads_back_whole(
    tmp_path: Path,
) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    raw = s.get_json(entry.record)
    assert raw["schema"] == RECORD_SCHEMA
    columns = raw["paragraphs"]
    assert set(columns) == {"length", "marker", "point"}  # no heading, skip or page here
    # No paragraph's digest is stored: the only digests are the record's own.
    record_bytes = s.get(entry.record).decode("utf-8")
    assert record_bytes.count("sha256:") == 3 + len(raw["pages"])
    doc = s.load_document(entry, "made-full")
    source = (tmp_path / "made-full.txt").read_text(encoding="utf-8")
    assert len(doc.paragraphs) == len(columns["length"])
    assert [p.raw for p in doc.paragraphs] == [p.strip() for p in source.split("\n\n") if p.strip()]
    assert doc.canonical_text == s.get(entry.canonical).decode("utf-8")
    # The document read back is the one fetch built from the file.
    fresh = document_from_captures([capture_file(tmp_path / "made-full.txt")], "made-full")
    assert doc.paragraphs == fresh.paragraphs
    assert doc.digests == fresh.digests
    # The record is small beside the text it describes, and holds the extracted
    # text as where its lines are in the file: that text is no object of its own.
    assert len(record_bytes.encode("utf-8")) < len(source.encode("utf-8")) / 6
    assert "text_from_pages" in raw
    # The same text read from GB 18030 is not runs of its file: that record names
    # the text object (which is the text of made-full too).
    gb = s.latest("made-doc", "made-gb18030")
    assert gb is not None and gb.text == entry.text
    assert "text_from_pages" not in s.get_json(gb.record) and s.has_object(gb.text)
    assert s.extracted_bytes(entry) == fresh.extraction.text.encode("utf-8")
    assert s.verify() == []


def test_a_stored_copy_makes_its_blocks_only_when_they_are_read(tmp_path: Path) -> None:
    import pickle

    from docwitness.model import Block, TextBlocks

    s = Store(fetched(tmp_path))
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    doc = s.load_document(entry, "made-full")
    blocks = doc.extraction.blocks
    assert isinstance(blocks, TextBlocks)
    stored = s.get(entry.text).decode("utf-8")
    assert doc.extraction.text == stored
    assert blocks._blocks is None  # the text was read without a block being made
    fresh = document_from_captures([capture_file(tmp_path / "made-full.txt")], "made-full")
    # The blocks read back are the extracted blocks, a block a line of the text.
    assert blocks == fresh.extraction.blocks and fresh.extraction.blocks == blocks
    assert list(blocks) == [Block(line) for line in stored.split("\n")]
    assert len(blocks) == len(fresh.extraction.blocks) and blocks[-1] == blocks[len(blocks) - 1]
    assert hash(blocks) == hash(tuple(fresh.extraction.blocks))
    assert blocks != (Block("another text"),)
    again = pickle.loads(pickle.dumps(doc))
    assert again.extraction == doc.extraction and again.paragraphs == doc.paragraphs


def test_schema_2_record_still_reads_verifies_and_collates(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    before = s.load_document(entry, "made-full")
    _swap_record(store, "made-full", as_schema(s, entry, RECORD_SCHEMA_2))
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    assert s.get_json(entry.record)["paragraphs"][0]["sha256"] == before.paragraphs[0].sha256
    after = s.load_document(entry, "made-full")
    assert after.paragraphs == before.paragraphs
    assert s.verify() == []
    found = [r for r in rederive(store) if r.witness == "made-full"]
    assert found and all(r.same and "record" not in r.changed for r in found)
    reports = collate([catalogue(tmp_path, made_copies(tmp_path))], store)
    assert reports and reports[0].witnesses


@pytest.mark.parametrize(
    "fixture", [made_fixtures.pdf_statement, made_fixtures.html_paginated]
)
def test_columns_round_trip_headings_markers_points_and_pages(
    tmp_path: Path, fixture: Any
) -> None:
    captures = [capture_file(path) for path in fixture(tmp_path)]
    doc = document_from_captures(captures, "made-copy")
    # The made copy has every column a record can hold but skips (see below).
    assert any(p.kind == "heading" for p in doc.paragraphs)
    assert any(p.marker for p in doc.paragraphs) and any(p.point for p in doc.paragraphs)
    assert len({p.page for p in doc.paragraphs}) > 1
    record = DerivedRecord.of(doc, [c.sha256 for c in captures], None, None)
    obj = json.loads(json_bytes(record.to_json()))
    assert set(obj["paragraphs"]) == {"length", "heading", "marker", "point", "page"}
    back = DerivedRecord.from_json(obj)
    text, canonical = doc.extraction.text, doc.canonical_text
    assert back.document_of("made-copy", doc.source, text, canonical).paragraphs == doc.paragraphs
    assert back == record
    resolved = record.resolved(text, canonical)
    assert back.resolved(text, canonical) == resolved
    assert [(p.raw, p.text, p.sha256, p.page) for p in resolved.paragraphs] == [
        (p.raw, p.text, p.sha256, p.page) for p in doc.paragraphs
    ]
    # Written again in schema 2 and read back, it says the same.
    v2_json = json_bytes(replace(resolved, schema=RECORD_SCHEMA_2).to_json())
    v2 = DerivedRecord.from_json(json.loads(v2_json))
    assert v2.document_of("made-copy", doc.source, text, canonical).paragraphs == doc.paragraphs


def test_schema_1_record_still_reads_verifies_and_collates(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    before = s.load_document(entry, "made-full")
    v1 = as_schema(s, entry, RECORD_SCHEMA_1)
    _swap_record(store, "made-full", v1)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    assert s.get_json(entry.record)["paragraphs"][0]["text"]
    after = s.load_document(entry, "made-full")
    assert after.paragraphs == before.paragraphs
    assert s.verify() == []
    # Rederiving finds nothing changed: the schema is not the content.
    found = rederive(store)
    assert any(r.witness == "made-full" for r in found)
    for r in found:
        if r.witness == "made-full":
            assert r.same and "record" not in r.changed
    reports = collate([catalogue(tmp_path, made_copies(tmp_path))], store)
    assert reports and reports[0].witnesses


def test_record_pointing_elsewhere_in_the_text_is_caught(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    record = as_schema(s, entry, RECORD_SCHEMA_2)
    # Paragraph 3 now points at paragraph 4's raw text: its digest still matches
    # its canonical line, but two paragraphs cannot be one block.
    record["paragraphs"][3]["at"] = record["paragraphs"][4]["at"]
    _swap_record(store, "made-full", record)
    problems = s.verify()
    assert any(p.kind == "mismatch" and "paragraph 4 does not point" in p.found for p in problems)
    # Half a block is not a block either.
    start, end = record["paragraphs"][4]["at"]
    record["paragraphs"][3]["at"] = [start + 1, end]
    record["paragraphs"][4]["at"] = [end + 1, end + 1]
    _swap_record(store, "made-full", record)
    assert any("does not point at a block" in p.found for p in s.verify())


def test_record_pointing_past_the_text_is_a_store_problem(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    record = as_schema(s, entry, RECORD_SCHEMA_2)
    record["paragraphs"][-1]["at"] = [0, 10**9]
    _swap_record(store, "made-full", record)
    problems = s.verify()
    assert any(p.kind == "mismatch" and "outside the extracted text" in p.found for p in problems)


def test_record_schema_that_is_unknown_is_refused(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    record = s.get_json(entry.record)
    record["schema"] = "docwitness.record/99"
    _swap_record(store, "made-full", record)
    problems = s.verify()
    assert any("record/99" in p.found for p in problems)


def test_spans_skip_blocks_that_normalise_to_nothing(tmp_path: Path) -> None:
    (tmp_path / "made-blank-blocks.txt").write_text(
        "第一段。\n\n\u200b\n\n第二段,在空白之后。\n", encoding="utf-8"
    )
    fetch([catalogue(tmp_path, ["made-blank-blocks"])], tmp_path / "s")
    s = Store(tmp_path / "s")
    entry = s.latest("made-doc", "made-blank-blocks")
    assert entry is not None
    doc = s.load_document(entry, "made-blank-blocks")
    assert [p.raw for p in doc.paragraphs] == ["第一段。", "第二段,在空白之后。"]
    assert isinstance(s.get_record(entry.record), DerivedRecord)
    assert s.verify() == []
    assert s.get_json(entry.record)["paragraphs"]["skip"] == [[1, 2]]  # "\u200b\n" skipped


def _tampered_columns(tmp_path: Path, edit: Any) -> Store:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    record = s.get_json(entry.record)
    edit(record["paragraphs"])
    _swap_record(store, "made-full", record)
    return s


def _problems(s: Store) -> list[str]:
    return [f"{p.kind}: {p.expected} / {p.found}" for p in s.verify()]


def test_schema_3_length_that_is_not_a_block_is_caught(tmp_path: Path) -> None:
    def edit(columns: dict[str, Any]) -> None:
        columns["length"][3] += 1

    s = _tampered_columns(tmp_path, edit)
    assert any("paragraph 3 does not point at a block" in p for p in _problems(s)), _problems(s)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    with pytest.raises(StoreCorrupt, match="paragraph 3 does not point"):
        s.load_document(entry, "made-full")


def test_schema_3_length_past_the_text_is_caught(tmp_path: Path) -> None:
    def edit(columns: dict[str, Any]) -> None:
        columns["length"][-1] = 10**9

    s = _tampered_columns(tmp_path, edit)
    assert any("outside the extracted text" in p for p in _problems(s))


def test_schema_3_paragraph_dropped_is_caught(tmp_path: Path) -> None:
    def edit(columns: dict[str, Any]) -> None:
        columns["length"].pop()

    s = _tampered_columns(tmp_path, edit)
    assert any("the canonical text has 25 lines for 24 paragraphs" in p for p in _problems(s))


def test_schema_3_lengths_swapped_are_caught(tmp_path: Path) -> None:
    def edit(columns: dict[str, Any]) -> None:
        lengths = columns["length"]
        assert lengths[1] != lengths[2]
        lengths[1], lengths[2] = lengths[2], lengths[1]

    s = _tampered_columns(tmp_path, edit)
    assert any("paragraph 1 does not point at a block" in p for p in _problems(s))


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("length", "many", "a list of counts"),
        ("length", [1, -1], "a list of counts"),
        ("point", [[99, "一"]], "paragraphs in order"),
        ("marker", [[5, "二、"], [3, "一、"]], "paragraphs in order"),
        ("page", [[0, "one"]], "a page or null"),
        ("skip", [[0, 0]], "characters skipped"),
        ("heading", [4, 2], "paragraphs in order"),
        ("text", ["第一段"], "no such key"),
    ],
)
def test_schema_3_columns_that_do_not_read_are_store_problems(
    tmp_path: Path, key: str, value: object, said: str
) -> None:
    def edit(columns: dict[str, Any]) -> None:
        columns[key] = value

    s = _tampered_columns(tmp_path, edit)
    found = [p for p in s.verify() if p.kind == "invalid"]
    assert found and said in found[0].expected, found
    assert f"paragraphs {key}" in found[0].found, found  # where in the record


def test_text_normalisation_leaves_alone_is_one_object_and_still_checked(
    tmp_path: Path,
) -> None:
    # A paragraph wrapped over two lines is joined, so the extracted text is not
    # runs of the file: it is stored, and normalisation leaves it as it was, so it
    # is one object.
    (tmp_path / "made-plain.txt").write_text("第一\n段。\n\n第二段。\n", encoding="utf-8")
    fetch([catalogue(tmp_path, ["made-plain"])], tmp_path / "s")
    s = Store(tmp_path / "s")
    entry = s.latest("made-doc", "made-plain")
    assert entry is not None and entry.text == entry.canonical  # stored once
    doc = s.load_document(entry, "made-plain")
    assert [p.text for p in doc.paragraphs] == ["第一段。", "第二段。"]
    s.object_path(entry.text).write_text("第一段。\n第二段!", encoding="utf-8")
    with pytest.raises(StoreCorrupt, match="mismatch"):
        s.load_document(entry, "made-plain")
    assert any(p.kind == "mismatch" for p in s.verify())


def test_copies_loaded_together_share_paragraph_digests(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    shared = SharedTexts()
    names = ["made-full", "made-cut", "made-gb18030"]
    together = []
    for name in names:
        entry = s.latest("made-doc", name)
        assert entry is not None
        together.append(s.load_document(entry, name, shared))
    alone = []
    for name in names:
        entry = s.latest("made-doc", name)
        assert entry is not None
        alone.append(s.load_document(entry, name))
    assert together == alone
    # One digest per distinct canonical line, each the line's own.
    lines = {p.text for d in alone for p in d.paragraphs}
    assert set(shared.digests) == lines
    assert all(shared.digests[p.text] == p.sha256 for d in alone for p in d.paragraphs)
    # Equal texts of the copies are one string.
    full, cut = together[0], together[1]
    assert len(cut.paragraphs) < len(full.paragraphs)  # made-cut is full's first paragraphs
    pairs = zip(full.paragraphs, cut.paragraphs, strict=False)
    assert all(p.text is q.text and p.raw is q.raw for p, q in pairs)
    fresh = document_from_captures([capture_file(tmp_path / "made-cut.txt")], "made-cut")
    assert [p.sha256 for p in together[1].paragraphs] == [p.sha256 for p in fresh.paragraphs]


def test_collate_of_a_record_whose_length_is_off_stops_with_a_store_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from docwitness.cli import main
    from docwitness.errors import ExitCode

    def edit(columns: dict[str, Any]) -> None:
        columns["length"][2] -= 1

    _tampered_columns(tmp_path, edit)
    capsys.readouterr()
    code = main(["collate", str(tmp_path / "made-catalogue.toml"), "--store", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert code == ExitCode.STORE_CORRUPT
    assert len(err.strip().splitlines()) == 1 and "store corrupt" in err
    assert "paragraph 2 does not point at a block" in err
    assert "Traceback" not in err
