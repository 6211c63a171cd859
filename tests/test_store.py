"""The snapshot store: content addressing, write-once objects, history, verify."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import made
from docwitness.cli import main
from docwitness.errors import ExitCode, StoreCorrupt, StoreError
from docwitness.pipeline import fetch
from docwitness.store import TMP_PREFIX, Store
from docwitness.store.records import RECORD_SCHEMA_2, HistoryEntry, entry_digest

ROOT = Path(__file__).resolve().parent.parent


def catalogue(tmp_path: Path, names: list[str], extra: str = "") -> Path:
    """A made catalogue of local made copies (all files under tmp_path)."""
    lines = ['[document]\nid = "made-doc"\ntitle = "made"\nlanguage = "zh"\n']
    for name in names:
        lines.append(f'[[witness]]\nid = "{name}"\nrole = "mirror"\npath = "{name}.txt"\n')
    path = tmp_path / "made-catalogue.toml"
    path.write_text("\n".join(lines) + extra, encoding="utf-8")
    return path


def made_copies(tmp_path: Path) -> list[str]:
    paras = made.made_statement()
    made.write_made(tmp_path, "made-full.txt", paras)
    made.write_made(tmp_path, "made-cut.txt", paras[:10])
    made.write_made(tmp_path, "made-gb18030.txt", paras, encoding="gb18030")
    return ["made-full", "made-cut", "made-gb18030"]


def fetched(tmp_path: Path) -> Path:
    """A store holding the three made copies, fetched once."""
    store = tmp_path / "s"
    fetch([catalogue(tmp_path, made_copies(tmp_path))], store)
    return store


def as_schema(s: Store, entry: HistoryEntry, schema: str) -> dict[str, Any]:
    """The record of ``entry`` written again in an older schema, as an older
    docwitness wrote it: its extracted text an object of its own (put in the store)."""
    s.put(s.extracted_bytes(entry))
    obj = replace(s.get_record(entry.record), schema=schema, text_from=None).to_json()
    assert obj["schema"] == schema
    return obj


def reindex(store: Path, document: str, witness: str) -> None:
    """Make the index agree with a hand-edited history, as a thorough hand edit would:
    a test of what else the edit broke then sees that alone."""
    lines = Store(store).history_path(document, witness).read_text(encoding="utf-8").split()
    index_path = store / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    index["witnesses"][document][witness] = {
        "entries": len(lines),
        "latest": entry_digest(json.loads(lines[-1])),
    }
    index_path.write_text(json.dumps(index), encoding="utf-8")


def objects(store: Path) -> list[Path]:
    return sorted(p for p in (store / "objects").glob("*/*"))


def test_put_is_content_addressed_and_write_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    store.ensure_writable()
    a = store.put(b"same bytes")
    b = store.put(b"same bytes")
    assert a == b and a.startswith("sha256:")
    assert len(objects(tmp_path / "s")) == 1
    assert store.get(a) == b"same bytes"


def test_same_bytes_twice_adds_history_not_objects(tmp_path: Path) -> None:
    names = made_copies(tmp_path)
    cat = catalogue(tmp_path, names)
    store = tmp_path / "snapshots"
    first = fetch([cat], store)
    n_objects = len(objects(store))
    second = fetch([cat], store)
    assert [r.status for r in first] == ["captured"] * 3
    assert [r.status for r in second] == ["unchanged"] * 3
    assert len(objects(store)) == n_objects
    history = Store(store).history("made-doc", "made-full")
    assert len(history) == 2 and history[0].record == history[1].record
    assert Store(store).verify() == []


def test_gb18030_copy_without_bom_gives_same_canonical_text(tmp_path: Path) -> None:
    names = made_copies(tmp_path)
    results = {r.witness: r for r in fetch([catalogue(tmp_path, names)], tmp_path / "s")}
    full, gb = results["made-full"], results["made-gb18030"]
    assert full.digests and gb.digests
    assert full.digests.raw != gb.digests.raw
    assert full.digests.canonical == gb.digests.canonical
    assert gb.entry is not None
    record = Store(tmp_path / "s").get_json(gb.entry.record)
    assert record["extraction"]["encoding"] == "gb18030"
    assert record["extraction"]["replacement_chars"] == 0


def test_change_is_recorded(tmp_path: Path) -> None:
    names = made_copies(tmp_path)
    cat = catalogue(tmp_path, names)
    fetch([cat], tmp_path / "s")
    text = (tmp_path / "made-full.txt").read_text(encoding="utf-8").replace("坚决", "强烈")
    (tmp_path / "made-full.txt").write_text(text, encoding="utf-8")
    results = {r.witness: r for r in fetch([cat], tmp_path / "s")}
    assert results["made-full"].status == "captured"
    assert results["made-full"].changed == ("raw", "text", "canonical")
    assert results["made-cut"].changed == ()


def test_digests_do_not_depend_on_fetch_order(tmp_path: Path) -> None:
    names = made_copies(tmp_path)
    forward = fetch([catalogue(tmp_path, names)], tmp_path / "a")
    backward = fetch([catalogue(tmp_path, list(reversed(names)))], tmp_path / "b")
    assert {r.witness: r.digests for r in forward} == {r.witness: r.digests for r in backward}
    assert [p.name for p in objects(tmp_path / "a")] == [p.name for p in objects(tmp_path / "b")]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_bytes(b"\x00\x01\x02binary\x00" * 50), "binary"),
        (lambda p: p.mkdir(), "directory"),
        (lambda p: p.write_text("\n\n  \n\u3000\n", encoding="utf-8"), "no text"),
    ],
    ids=["missing", "empty", "binary", "directory", "blank"],
)
def test_bad_local_copy_is_reported_and_nothing_stored(
    tmp_path: Path, setup: object, reason: str
) -> None:
    made.write_made(tmp_path, "made-full.txt", made.made_statement())
    setup(tmp_path / "made-bad.txt")  # type: ignore[operator]
    store = tmp_path / "s"
    results = {r.witness: r for r in fetch([catalogue(tmp_path, ["made-full", "made-bad"])], store)}
    bad = results["made-bad"]
    assert not bad.ok and reason in (bad.reason or "")
    assert results["made-full"].status == "captured"
    assert not Store(store).history_path("made-doc", "made-bad").exists()
    assert not any(p.name.startswith(TMP_PREFIX) for p in store.rglob("*"))
    assert Store(store).verify() == []


def test_verify_names_every_tampered_object(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    raw = s.object_path(entry.raw)
    canonical = s.object_path(entry.canonical)
    raw.write_bytes(raw.read_bytes().replace("坚决".encode(), "强烈".encode()))
    canonical.unlink()
    problems = s.verify()
    kinds = {(p.kind, Path(p.path.split(" ")[0]).name) for p in problems}
    assert ("mismatch", raw.name) in kinds
    assert any(p.kind == "missing" for p in problems)
    with pytest.raises(StoreCorrupt):
        s.verify_or_raise()


def test_verify_flags_bad_history_and_lists_a_stray_temporary_file_apart(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    stray = store / "objects" / f"{TMP_PREFIX}abc"
    stray.write_bytes(b"half")
    history = Store(store).history_path("made-doc", "made-cut")
    history.write_text(history.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    found = Store(store).verification()
    # No writer is running: the temporary file is a leftover, not corruption.
    assert {p.kind for p in found.problems} == {"invalid"}
    assert [x.path for x in found.leftovers] == [str(stray)]


def test_record_whose_paragraph_was_edited_is_caught(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    # A record of schema 2 stores each paragraph's digest (schema 3 works them out
    # again from the canonical text).
    record = as_schema(s, entry, RECORD_SCHEMA_2)
    record["paragraphs"][3]["sha256"] = "sha256:" + "0" * 64
    # Re-filed under its new name, as a careless hand edit with a re-hash would do.
    new = s.put_json(record)
    history = s.history_path("made-doc", "made-full")
    history.write_text(
        history.read_text(encoding="utf-8").replace(entry.record, new), encoding="utf-8"
    )
    reindex(store, "made-doc", "made-full")
    problems = s.verify()
    assert any("paragraph 3" in p.path and p.kind == "mismatch" for p in problems)


def test_store_that_cannot_be_written(tmp_path: Path) -> None:
    names = made_copies(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="not writable"):
        fetch([catalogue(tmp_path, names)], blocker / "snapshots")


def test_two_fetch_processes_at_once(tmp_path: Path) -> None:
    names = made_copies(tmp_path)
    for i in range(6):
        made.write_made(tmp_path, f"made-extra-{i}.txt", made.made_statement()[i:])
    names += [f"made-extra-{i}" for i in range(6)]
    cat = catalogue(tmp_path, names)
    store = tmp_path / "s"
    cmd = [sys.executable, "-m", "docwitness", "fetch", str(cat), "--store", str(store)]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    s = Store(store)
    assert s.verify() == []
    index = json.loads((store / "index.json").read_text(encoding="utf-8"))["witnesses"]
    for name in names:
        assert len(s.history("made-doc", name)) == 3
        # Three writers, one chain: each entry names the one before, and the index the last.
        objs = [json.loads(x) for x in s.history_path("made-doc", name).read_text().split()]
        assert [o["previous"] for o in objs] == [None] + [entry_digest(o) for o in objs[:-1]]
        assert index["made-doc"][name] == {"entries": 3, "latest": entry_digest(objs[-1])}


def test_cli_verify_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = made_copies(tmp_path)
    store = tmp_path / "s"
    assert main(["fetch", str(catalogue(tmp_path, names)), "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["verify", "--store", str(store)]) == ExitCode.OK
    assert "all objects and records verified" in capsys.readouterr().out
    victim = objects(store)[0]
    victim.write_bytes(b"tampered")
    assert main(["verify", "--store", str(store)]) == ExitCode.STORE_CORRUPT
    captured = capsys.readouterr()
    assert victim.name in captured.out
    assert captured.err.startswith("docwitness: error: store corrupt")
    assert len(captured.err.strip().splitlines()) == 1
    assert main(["verify", "--store", str(store), "--json"]) == ExitCode.STORE_CORRUPT
    report = json.loads(capsys.readouterr().out)
    assert report["problems"][0]["path"].endswith(victim.name)


def test_cli_verify_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--store", str(tmp_path / "nothing")]) == ExitCode.INCOMPLETE
    assert "no store at" in capsys.readouterr().err


def test_rederive_reports_same_text_with_current_tools(tmp_path: Path) -> None:
    store = fetched(tmp_path)
    from docwitness.pipeline import rederive

    results = rederive(store)
    assert len(results) == 3 and all(r.same for r in results)


def test_rederive_tells_tooling_change_from_source_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import docwitness.normalise as normalise

    names = made_copies(tmp_path)
    store = tmp_path / "s"
    real, real_batch = normalise.normalise_text, normalise.normalise_texts
    # A made "older" profile that did not fold full-width punctuation.
    monkeypatch.setattr(normalise, "normalise_text", lambda raw: raw.strip())
    monkeypatch.setattr(normalise, "normalise_texts", lambda raws: [r.strip() for r in raws])
    fetch([catalogue(tmp_path, names)], store)
    monkeypatch.setattr(normalise, "normalise_text", real)
    monkeypatch.setattr(normalise, "normalise_texts", real_batch)
    from docwitness.pipeline import rederive

    results = rederive(store)
    assert len(results) == 3 and all(r.changed == ("canonical", "record") for r in results)
    assert main(["verify", "--store", str(store), "--rederive"]) == ExitCode.FINDINGS
    out = capsys.readouterr().out
    assert out.count("TOOLING") == 3 and "canonical, record would differ" in out
    assert main(["verify", "--store", str(store), "--rederive", "--json"]) == ExitCode.FINDINGS
    report = json.loads(capsys.readouterr().out)
    assert report["problems"] == []
    assert [r["changed"] for r in report["rederived"]] == [["canonical", "record"]] * 3


def test_fetch_into_a_tampered_store_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = fetched(tmp_path)
    entry = Store(store).latest("made-doc", "made-full")
    assert entry is not None
    raw = Store(store).object_path(entry.raw)
    raw.write_bytes(raw.read_bytes() + b"tampered")
    cat = tmp_path / "made-catalogue.toml"
    assert main(["fetch", str(cat), "--store", str(store)]) == ExitCode.STORE_CORRUPT
    err = capsys.readouterr().err
    assert err.startswith("docwitness: error: store corrupt") and raw.name in err
    assert len(err.strip().splitlines()) == 1


def test_rederive_says_when_only_the_record_would_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import docwitness.normalise as normalise

    # A made "older" outline reader that assigned no points: same text, other record.
    monkeypatch.setattr(
        normalise, "assign_points", lambda texts, kinds: [(None, None)] * len(texts)
    )
    store = fetched(tmp_path)
    monkeypatch.undo()
    assert main(["verify", "--store", str(store), "--rederive"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert out.count("RECORD") == 3 and "TOOLING" not in out
    assert "the text is the same; the derived record would differ" in out
