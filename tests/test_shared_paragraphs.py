"""A document's copies are normalised sharing their paragraphs: a paragraph text met
again is normalised once, with the same result as on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

import made
from docwitness import normalise
from docwitness.capture.file import capture_file
from docwitness.normalise import document_from_captures, shared_paragraphs
from docwitness.pipeline import fetch
from docwitness.store import Store


def _copies(tmp_path: Path) -> list[Path]:
    paras = made.made_statement()
    made.write_made(tmp_path, "made-full.txt", paras)
    edited = [*paras[:5], paras[5].replace("。", "，并且。", 1), *paras[6:-2]]
    made.write_made(tmp_path, "made-edited.txt", edited)
    return [tmp_path / "made-full.txt", tmp_path / "made-edited.txt"]


def test_shared_paragraphs_give_the_documents_read_alone(tmp_path: Path) -> None:
    paths = _copies(tmp_path)
    alone = [document_from_captures([capture_file(p)], p.stem) for p in paths]
    with shared_paragraphs():
        together = [document_from_captures([capture_file(p)], p.stem) for p in paths]
    assert together == alone
    assert [t.digests for t in together] == [a.digests for a in alone]
    # The second copy's paragraphs that the first has are the first's, not made again.
    first = {p.raw: p.text for p in together[0].paragraphs}
    again = [p for p in together[1].paragraphs if p.raw in first]
    assert len(again) == len(together[1].paragraphs) - 1
    assert all(p.text is first[p.raw] for p in again)
    # Their raw texts too are the first copy's strings, not each copy's own.
    raws = {p.raw: p.raw for p in together[0].paragraphs}
    assert all(p.raw is raws[p.raw] for p in again)
    # Outside the block nothing is shared.
    b = document_from_captures([capture_file(paths[1])], "made-edited")
    assert not any(p.text is first.get(p.raw) for p in b.paragraphs if len(p.text) > 1)


def test_shared_paragraphs_keep_a_bounded_amount(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _copies(tmp_path)
    monkeypatch.setattr(normalise, "_SHARED_CHARS", 200)
    with shared_paragraphs():
        one = document_from_captures([capture_file(paths[0])], "made-full")
        two = document_from_captures([capture_file(paths[0])], "made-full")
    assert one == two
    kept = sum(p.text is q.text for p, q in zip(one.paragraphs, two.paragraphs, strict=True))
    assert 0 < kept < len(one.paragraphs)  # the first paragraphs, up to about 200 characters


def test_fetch_records_each_copy_as_it_reads_alone(tmp_path: Path) -> None:
    paths = _copies(tmp_path)
    cat = tmp_path / "made-catalogue.toml"
    cat.write_text(
        '[document]\nid = "made-doc"\ntitle = "made"\nlanguage = "zh"\n'
        + "".join(
            f'[[witness]]\nid = "{p.stem}"\nrole = "mirror"\npath = "{p.name}"\n' for p in paths
        ),
        encoding="utf-8",
    )
    fetch([cat], tmp_path / "s")
    s = Store(tmp_path / "s")
    for p in paths:
        entry = s.latest("made-doc", p.stem)
        assert entry is not None
        alone = document_from_captures([capture_file(p)], p.stem)
        assert entry.digests == alone.digests
        assert s.load_document(entry, p.stem).paragraphs == alone.paragraphs
    assert s.verify() == []


def test_diff_normalises_the_paragraphs_its_two_copies_share_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docwitness.pipeline import diff

    a, b = _copies(tmp_path)
    calls: list[str] = []
    real = normalise.normalise_texts

    def counted(raws: list[str]) -> list[str]:
        calls.extend(raws)
        return real(raws)

    shared = {blk.text for blk in document_from_captures([capture_file(b)], "b").extraction.blocks}
    shared &= {blk.text for blk in document_from_captures([capture_file(a)], "a").extraction.blocks}
    monkeypatch.setattr(normalise, "normalise_texts", counted)
    report = diff(str(a), str(b))
    # A paragraph both copies hold is normalised once, for the reference; the changed
    # one is normalised for each copy.
    assert len(shared) >= 20
    assert all(calls.count(text) == 1 for text in shared)
    assert sum(text not in shared for text in calls) >= 1
    assert report.witnesses[0].findings  # the edit and the cut are found
