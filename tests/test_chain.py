"""A history's hash chain and the index: a lost, moved or duplicated line is a store problem."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from docwitness import pipeline
from docwitness.cli import main
from docwitness.errors import ExitCode, StoreCorrupt
from docwitness.store import Store
from docwitness.store.records import entry_digest
from test_records import assert_store_problem
from test_store import catalogue, made_copies

ROOT = Path(__file__).resolve().parent.parent


def fetched_thrice(tmp_path: Path) -> tuple[Path, Path]:
    """A store of the made copies fetched three times, and its catalogue."""
    cat = catalogue(tmp_path, made_copies(tmp_path))
    store = tmp_path / "s"
    for _ in range(3):
        pipeline.fetch([cat], store)
    return store, cat


def history_of(store: Path) -> Path:
    return Store(store).history_path("made-doc", "made-full")


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _edit_lines(change: Callable[[list[str]], list[str]]) -> Callable[[Path], None]:
    def edit(store: Path) -> None:
        path = history_of(store)
        write_lines(path, change(lines_of(path)))

    return edit


def _edit_index(store: Path) -> None:
    path = store / "index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    index["witnesses"]["made-doc"]["made-full"]["entries"] = 2
    path.write_text(json.dumps(index), encoding="utf-8")


TAMPERINGS: dict[str, tuple[Callable[[Path], None], str]] = {
    "emptied": (lambda s: history_of(s).write_bytes(b""), "truncated"),
    "one-newline": (lambda s: history_of(s).write_bytes(b"\n"), "truncated"),
    "last-line-removed": (_edit_lines(lambda ls: ls[:-1]), "truncated"),
    "middle-line-removed": (_edit_lines(lambda ls: [ls[0], ls[2]]), "chain"),
    "line-duplicated": (_edit_lines(lambda ls: [ls[0], ls[1], ls[1], ls[2]]), "chain"),
    "first-line-duplicated": (_edit_lines(lambda ls: [ls[0], *ls]), "chain"),
    "lines-swapped": (_edit_lines(lambda ls: [ls[0], ls[2], ls[1]]), "chain"),
    "index-edited": (_edit_index, "mismatch"),
    "history-deleted": (lambda s: history_of(s).unlink(), "missing"),
}


def test_each_entry_names_the_one_before(tmp_path: Path) -> None:
    store, _ = fetched_thrice(tmp_path)
    objs = [json.loads(line) for line in lines_of(history_of(store))]
    assert [o["previous"] for o in objs] == [None, entry_digest(objs[0]), entry_digest(objs[1])]
    index = json.loads((store / "index.json").read_text(encoding="utf-8"))
    assert index["witnesses"]["made-doc"]["made-full"] == {
        "entries": 3,
        "latest": entry_digest(objs[2]),
    }
    assert main(["verify", "--store", str(store)]) == ExitCode.OK


@pytest.mark.parametrize(("tamper", "kind"), TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_lost_or_moved_history_is_a_store_problem(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tamper: Callable[[Path], None],
    kind: str,
) -> None:
    store, cat = fetched_thrice(tmp_path)
    capsys.readouterr()
    tamper(store)
    s = ["--store", str(store)]

    assert main(["verify", *s]) == ExitCode.STORE_CORRUPT
    out = capsys.readouterr().out
    corrupt = [x for x in out.splitlines() if x.startswith("CORRUPT")]
    assert corrupt, out
    assert all("made-full.jsonl" in x for x in corrupt), out
    assert any(x.startswith(f"CORRUPT  {kind}: ") for x in corrupt), out
    # The other witnesses are untouched and say nothing.
    assert "made-cut" not in out

    assert_store_problem(capsys, main(["collate", str(cat), *s]))
    assert_store_problem(capsys, main(["log", "made-full", *s]))
    # A tampered history is not built upon: check (which fetches) stops too.
    assert_store_problem(capsys, main(["check", str(cat), *s, "--no-html"]))


def test_a_broken_chain_names_the_line(tmp_path: Path) -> None:
    store, _ = fetched_thrice(tmp_path)
    path = history_of(store)
    first, second, third = lines_of(path)
    write_lines(path, [first, third, second])
    problems = Store(store).verify()
    assert [(p.kind, p.path.rsplit("/", 1)[-1]) for p in problems] == [
        ("chain", "made-full.jsonl:2"),
        ("chain", "made-full.jsonl:3"),
        ("mismatch", "made-full.jsonl"),  # the index's latest entry is now line 2
    ]
    # Line 2 should name line 1; it names the line it followed when written.
    assert problems[0].expected == f"previous {entry_digest(json.loads(first))} (line 1)"
    assert problems[0].found.startswith(entry_digest(json.loads(second)))


def legacy(path: Path) -> None:
    """Rewrite a history as a docwitness without the chain wrote it."""
    objs = [json.loads(line) for line in lines_of(path)]
    for obj in objs:
        obj.pop("previous")
    write_lines(path, [json.dumps(o, sort_keys=True, separators=(",", ":")) for o in objs])


def test_the_bundled_store_verifies_its_legacy_lines_sealed_by_the_chain(
    tmp_path: Path,
) -> None:
    """The bundled store's first capture of each witness was written before the chain;
    the next capture seals it, the index counts both, and a new capture goes on."""
    store = tmp_path / "snapshots"
    shutil.copytree(ROOT / "snapshots", store)
    assert (store / "index.json").exists()
    assert Store(store).verify() == []
    path = store / "witnesses" / "cn-ru-joint-statement-2017" / "yunbaogao-preview.jsonl"
    old, sealing = (json.loads(line) for line in lines_of(path)[:2])
    assert "previous" not in old
    assert sealing["previous"] == entry_digest(old)  # the chain seals the legacy line
    cat = ROOT / "sources" / "cn-ru-joint-statement-2017.toml"
    pipeline.fetch([cat], store, offline=True)
    newest = json.loads(lines_of(path)[-1])
    assert newest["previous"] == entry_digest(json.loads(lines_of(path)[-2]))
    assert Store(store).verify() == []
    # Removing the legacy line is now seen: the index counts it.
    write_lines(path, lines_of(path)[1:])
    assert {p.kind for p in Store(store).verify()} == {"chain", "truncated"}


def test_a_legacy_line_after_the_chain_began_is_a_problem(tmp_path: Path) -> None:
    store, _ = fetched_thrice(tmp_path)
    path = history_of(store)
    lines = lines_of(path)
    obj = json.loads(lines[2])
    obj.pop("previous")
    write_lines(path, [*lines[:2], json.dumps(obj)])
    problems = Store(store).verify()
    assert [p.kind for p in problems] == ["chain", "mismatch"]
    assert problems[0].path.endswith("made-full.jsonl:3")
    assert "the chain begins at line 1" in problems[0].expected


def test_a_history_the_index_does_not_list_is_accepted_and_indexed_by_the_next_writer(
    tmp_path: Path,
) -> None:
    store, cat = fetched_thrice(tmp_path)
    for name in made_copies(tmp_path):
        legacy(Store(store).history_path("made-doc", name))
    (store / "index.json").unlink()
    assert Store(store).verify() == []
    pipeline.fetch([cat], store)
    assert Store(store).verify() == []
    index = json.loads((store / "index.json").read_text(encoding="utf-8"))
    assert index["witnesses"]["made-doc"]["made-full"]["entries"] == 4
    write_lines(history_of(store), lines_of(history_of(store))[:3])
    assert [p.kind for p in Store(store).verify()] == ["truncated"]


def test_a_writer_killed_between_history_and_index_leaves_a_store_that_reads(
    tmp_path: Path,
) -> None:
    store, cat = fetched_thrice(tmp_path)
    index = store / "index.json"
    before = index.read_bytes()
    pipeline.fetch([cat], store)
    index.write_bytes(before)  # as if killed after the history was renamed into place
    assert Store(store).verify() == []
    assert len(Store(store).history("made-doc", "made-full")) == 4
    pipeline.fetch([cat], store)  # the next writer brings the index up to date
    entry = json.loads(index.read_text(encoding="utf-8"))["witnesses"]["made-doc"]["made-full"]
    assert entry["entries"] == 5
    assert Store(store).verify() == []


def test_an_index_that_is_not_json_is_a_store_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, cat = fetched_thrice(tmp_path)
    (store / "index.json").write_text("{not json", encoding="utf-8")
    assert main(["verify", "--store", str(store)]) == ExitCode.STORE_CORRUPT
    assert "CORRUPT  invalid: " in capsys.readouterr().out
    assert_store_problem(capsys, main(["collate", str(cat), "--store", str(store)]))


def test_the_writer_does_not_append_to_a_truncated_history(tmp_path: Path) -> None:
    store, _ = fetched_thrice(tmp_path)
    s = Store(store)
    entry = s.history("made-doc", "made-full")[-1]
    path = history_of(store)
    write_lines(path, lines_of(path)[:1])
    kept, index = path.read_bytes(), (store / "index.json").read_bytes()
    # Appending would re-index the shortened history and hide what was lost.
    with pytest.raises(StoreCorrupt, match="truncated"):
        s.append_history("made-doc", "made-full", entry)
    assert path.read_bytes() == kept
    assert (store / "index.json").read_bytes() == index
