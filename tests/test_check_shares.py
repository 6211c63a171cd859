"""``check`` collates the copies it has just read as it read them, judging each on its
own once: its report is the one ``collate --all`` gives from the store afterwards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import made
import made_fixtures
from docwitness import single_copy
from docwitness.capture.file import capture_file
from docwitness.cli import main
from docwitness.normalise import document_from_captures
from docwitness.single_copy import analyse, shared_checks
from docwitness.store import Store


def _made_copies(folder: Path) -> list[tuple[str, str, str]]:
    """Made copies of several kinds: plain text whole and cut off, a portal page with
    site text, one declared GB2312, a typeset PDF, and the seed (Markdown)."""
    paras = made.made_statement()
    made.write_made(folder, "made-full.txt", paras)
    made.write_made(folder, "made-cut.txt", [*paras[:6], paras[6][: len(paras[6]) // 2]])
    edited = [*paras[:3], paras[3].replace("双方", "两国", 1), *paras[4:]]
    made.write_made(folder, "made-edited.txt", edited)
    html = made_fixtures.html_utf8(folder)[0]
    gb = made_fixtures.html_gb18030(folder)[0]
    pdf = made_fixtures.pdf_statement(folder)[0]
    seed = folder / "made-copy-of-seed.md"
    seed.write_text(made.seed_text(), encoding="utf-8")
    return [
        ("made-full", "mirror", "made-full.txt"),
        ("made-cut", "mirror", "made-cut.txt"),
        ("made-edited", "mirror", "made-edited.txt"),
        ("made-portal", "mirror", html.name),
        ("made-gb", "mirror", gb.name),
        ("made-pdf", "mirror", pdf.name),
        ("made-seed", "aggregator", seed.name),
    ]


def _json(path: Path) -> dict[str, Any]:
    report = json.loads(path.read_text(encoding="utf-8"))
    report.pop("kind")
    for w in report["witnesses"]:
        w.pop("captured", None)
    return report


def _check_then_collate(folder: Path, catalogue: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    store = ["--store", str(folder / "s")]
    checked, collated = folder / "made-check.json", folder / "made-collate.json"
    out = ["--format", "json", "-o"]
    assert main(["check", str(catalogue), *store, "--no-html", *out, str(checked)]) in (0, 1)
    assert main(["collate", str(catalogue), *store, "--all", *out, str(collated)]) in (0, 1)
    return _json(checked), _json(collated)


@pytest.mark.parametrize("reference", [None, "made-full"])
def test_check_reports_what_collate_reads_back_from_the_store(
    tmp_path: Path, reference: str | None
) -> None:
    catalogue = made.write_catalogue(tmp_path, _made_copies(tmp_path), reference=reference)
    checked, collated = _check_then_collate(tmp_path, catalogue)
    assert checked == collated
    verdicts = {w["id"]: w["verdict"] for w in checked["witnesses"]}
    assert verdicts["made-cut"] == "truncated"
    assert verdicts["made-edited"] == "variant"
    assert checked["reference"]["id"] == "made-full"
    # The variant table, built from the same documents, holds the edited reading.
    assert "两国" in json.dumps(checked["variants"], ensure_ascii=False)


def test_check_reads_back_only_what_it_did_not_read_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = _made_copies(tmp_path)
    catalogue = made.write_catalogue(tmp_path, copies, reference="made-full")
    read_back: list[str] = []
    load = Store.load_document

    def counted(self: Store, entry: Any, witness: str, shared: Any = None) -> Any:
        read_back.append(witness)
        return load(self, entry, witness, shared)

    monkeypatch.setattr(Store, "load_document", counted)
    judged: list[str] = []
    alone = single_copy._analyse

    def judge(doc: Any, language: str | None) -> Any:
        judged.append(doc.witness_id)
        return alone(doc, language)

    monkeypatch.setattr(single_copy, "_analyse", judge)
    store = ["--store", str(tmp_path / "s"), "--no-html", "--format", "json"]
    assert main(["check", str(catalogue), *store, "-o", str(tmp_path / "made-1.json")]) == 1
    assert read_back == []  # every copy collated as it was read
    assert sorted(judged) == sorted(wid for wid, _, _ in copies)  # each judged once
    # A copy that cannot be read now is collated from its stored snapshot, read back.
    (tmp_path / "made-cut.txt").unlink()
    judged.clear()
    assert main(["check", str(catalogue), *store, "-o", str(tmp_path / "made-2.json")]) == 1
    assert read_back == ["made-cut"]
    assert sorted(judged) == sorted(wid for wid, _, _ in copies)
    report = json.loads((tmp_path / "made-2.json").read_text(encoding="utf-8"))
    cut = next(w for w in report["witnesses"] if w["id"] == "made-cut")
    assert cut["verdict"] == "truncated"
    assert any(n.startswith("not refreshed:") for n in cut["notes"])


def test_shared_checks_judge_a_copy_once_and_only_inside_the_block(tmp_path: Path) -> None:
    path = made.write_made(tmp_path, "made-full.txt", made.made_statement())
    one = document_from_captures([capture_file(path)], "made-full")
    two = document_from_captures([capture_file(path)], "made-full")
    other = document_from_captures([capture_file(path)], "made-other")
    assert analyse(one, "zh") is not analyse(two, "zh")  # outside: judged each time
    with shared_checks():
        first = analyse(one, "zh")
        assert analyse(two, "zh") is first  # the same copy: its witness, digests, profile
        assert analyse(other, "zh") is not first  # another witness
        assert analyse(one, None) is not first  # another language asked for
        with shared_checks():  # a block inside shares the outer one's
            assert analyse(two, "zh") is first
        assert analyse(one, "zh") == first
    assert analyse(one, "zh") is not first
    assert analyse(one, "zh") == first
