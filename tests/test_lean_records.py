"""Derived records point at the text objects instead of repeating the text (schema 2);
records of schema 1 still read, verify and rederive."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from docwitness.pipeline import collate, fetch, rederive
from docwitness.store import Store
from docwitness.store.records import RECORD_SCHEMA, RECORD_SCHEMA_1, DerivedRecord
from test_store import catalogue, fetched, made_copies, reindex


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


def test_record_holds_no_paragraph_text_and_reads_back_whole(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    raw = s.get_json(entry.record)
    assert raw["schema"] == RECORD_SCHEMA
    assert all("text" not in p and "raw" not in p for p in raw["paragraphs"])
    doc = s.load_document(entry, "made-full")
    source = (tmp_path / "made-full.txt").read_text(encoding="utf-8")
    assert doc.paragraphs and all(p.raw in source for p in doc.paragraphs)
    assert doc.canonical_text == s.get(entry.canonical).decode("utf-8")
    # The record is small beside the text it describes.
    record_size = s.object_path(entry.record).stat().st_size
    assert record_size < len(source.encode("utf-8")) / 2
    assert s.verify() == []


def test_schema_1_record_still_reads_verifies_and_collates(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    before = s.load_document(entry, "made-full")
    v1 = replace(s.get_record(entry.record), schema=RECORD_SCHEMA_1).to_json()
    assert v1["schema"] == RECORD_SCHEMA_1
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
    record = s.get_json(entry.record)
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
    record = s.get_json(entry.record)
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
    cat = tmp_path / "made-catalogue.toml"
    cat.write_text(
        '[document]\nid = "made-doc"\ntitle = "made"\nlanguage = "zh"\n'
        '[[witness]]\nid = "made-blank-blocks"\nrole = "mirror"\npath = "made-blank-blocks.txt"\n',
        encoding="utf-8",
    )
    fetch([cat], tmp_path / "s")
    s = Store(tmp_path / "s")
    entry = s.latest("made-doc", "made-blank-blocks")
    assert entry is not None
    doc = s.load_document(entry, "made-blank-blocks")
    assert [p.raw for p in doc.paragraphs] == ["第一段。", "第二段,在空白之后。"]
    assert isinstance(s.get_record(entry.record), DerivedRecord)
    assert s.verify() == []
