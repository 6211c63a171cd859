"""The store's typed records: exact round trips of what is on disk, and malformed records
reported as store problems (exit 4, one line on stderr), never as internal errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from docwitness import pipeline
from docwitness.cli import main
from docwitness.errors import ExitCode, StoreCorrupt
from docwitness.model import canonical_json
from docwitness.store import Store
from docwitness.store.records import DerivedRecord, HistoryEntry, PageProvenance
from httpserver import serving
from test_store import catalogue, fetched, made_copies, reindex
from test_watch import FAST, Site
from test_watch import catalogue as site_catalogue

ROOT = Path(__file__).resolve().parent.parent


def round_trip_store(root: Path) -> tuple[int, int]:
    """Check every history line and derived record under ``root`` reads and writes back
    to the same object and the same bytes; return how many of each were checked."""
    lines = records = 0
    for file in sorted((root / "witnesses").glob("*/*.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            again = HistoryEntry.from_json(obj).to_json()
            assert again == obj
            assert canonical_json(again) == line
            lines += 1
    for path in sorted((root / "objects").glob("*/*")):
        data = path.read_bytes()
        try:
            obj = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # raw captures and texts
        if not (isinstance(obj, dict) and "schema" in obj):
            continue
        again = DerivedRecord.from_json(obj).to_json()
        assert again == obj
        # Older records were written indented; records are written compact now.
        written = {
            (json.dumps(again, sort_keys=True, ensure_ascii=False, **layout) + "\n").encode()
            for layout in ({"indent": 1}, {"separators": (",", ":")})
        }
        assert data in written
        records += 1
    return lines, records


def test_the_committed_store_round_trips() -> None:
    lines, records = round_trip_store(ROOT / "snapshots")
    assert lines >= 1 and records >= 1


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as s:
        yield Site(s)


def test_a_fetched_store_with_http_pages_gaps_and_304s_round_trips(
    tmp_path: Path, site: Site
) -> None:
    cat = site_catalogue(tmp_path, site)
    store = tmp_path / "snapshots"
    pipeline.fetch([cat], store, options=FAST)
    pipeline.fetch([cat], store, options=FAST)  # not-modified entries, reused records
    history = Store(store).history("made-statement", "made-paged")
    assert history[-1].gaps and history[-1].pages[0].http is not None
    statuses = [e.status for e in Store(store).history("made-statement", "made-official")]
    assert statuses == ["captured", "not-modified"]
    lines, records = round_trip_store(store)
    assert lines == 8 and records >= 4


def test_page_provenance_of_an_archive_capture_round_trips() -> None:
    obj: dict[str, Any] = {
        "source": "https://web.archive.org/web/20170705id_/http://example.org/a_1.html",
        "retrieved": "2026-11-24T03:28:35Z",
        "sha256": "sha256:" + "0" * 64,
        "size": 10,
        "media_type": "text/html",
        "tool": "docwitness/0.1.0",
        "transport": "wayback",
        "status": "captured",
        "http": {
            "request_url": "https://web.archive.org/web/20170705id_/http://example.org/a_1.html",
            "redirects": [{"url": "https://x/1", "status": 302, "location": "https://x/2"}],
            "final_url": "https://x/2",
            "status": 200,
            "reason": "OK",
            "http_version": "HTTP/1.1",
            "headers": {"Content-Type": "text/html", "Memento-Datetime": "x"},
            "server_address": None,
            "requested": "2026-11-24T03:28:34Z",
            "elapsed_s": 0.25,
            "attempts": [{"at": "2026-11-24T03:28:33Z", "outcome": "HTTP 503", "wait_s": 1.0}],
            "conditional": {},
            "user_agent": "docwitness/0.1.0",
            "content_type": "text/html",
            "content_encoding": None,
            "charset": None,
            "wire_sha256": "sha256:" + "0" * 64,
            "wire_size": 10,
            "decoded_sha256": "sha256:" + "0" * 64,
            "decoded_size": 10,
            "validators": {"etag": '"v1"'},
            "archive": {
                "base": "https://web.archive.org/web/",
                "requested_timestamp": "20170705",
                "timestamp": "20170705054241",
                "captured": "2017-07-05T05:42:41Z",
                "memento_datetime": "Wed, 05 Jul 2017 05:42:41 GMT",
                "original_url": "http://example.org/a_1.html",
            },
            "next_url": "http://example.org/a_2.html",
        },
    }
    page = PageProvenance.from_json(obj)
    assert page.http is not None and page.http.archive is not None
    assert page.http.redirects[0].status == 302 and page.http.attempts[0].wait_s == 1.0
    assert page.to_json() == obj


# --------------------------------------------------------------------------- malformed records


def edit_last_line(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Hand-edit the last line of a history file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    obj = json.loads(lines[-1])
    edit(obj)
    lines[-1] = json.dumps(obj, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit_record(store: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Hand-edit made-full's derived record and re-file it under its new name."""
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    record = s.get_json(entry.record)
    edit(record)
    new = s.put_json(record)
    history = s.history_path("made-doc", "made-full")
    history.write_text(
        history.read_text(encoding="utf-8").replace(entry.record, new), encoding="utf-8"
    )
    reindex(store, "made-doc", "made-full")


def _del(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda obj: obj.pop(key)


def _set(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda obj: obj.__setitem__(key, value)


HISTORY_EDITS = {
    "missing-record": (_del("record"), "record"),
    "wrong-type": (_set("paragraphs", "many"), "paragraphs"),
    "page-without-source": (lambda obj: obj["pages"][0].pop("source"), "pages[0] source"),
    "gap-of-wrong-type": (
        _set("gaps", [{"page": "2", "url": "u", "reason": "r", "after": 1}]),
        "gaps[0] page",
    ),
    "not-an-object": (lambda obj: obj.clear() or obj.update({"x": []}), "time"),
    "previous-not-a-digest": (_set("previous", "line 0"), "previous"),
}

RECORD_EDITS = {
    "missing-extraction": (_del("extraction"), "extraction"),
    "paragraphs-without-lengths": (lambda r: r["paragraphs"].pop("length"), "paragraphs length"),
    "lengths-of-wrong-type": (
        lambda r: r["paragraphs"].__setitem__("length", "0-9"),
        "paragraphs length",
    ),
    "point-of-wrong-type": (
        lambda r: r["paragraphs"].__setitem__("point", [[3, 10]]),
        "paragraphs point[0]",
    ),
    "encoding-of-wrong-type": (lambda r: r["extraction"].__setitem__("encoding", 8), "encoding"),
}


def assert_store_problem(capsys: pytest.CaptureFixture[str], code: int) -> str:
    """The command exited 4 with one line on stderr saying the store is corrupt."""
    err = capsys.readouterr().err
    assert code == ExitCode.STORE_CORRUPT, err
    assert err.startswith("docwitness: error: store corrupt")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(("edit", "where"), HISTORY_EDITS.values(), ids=HISTORY_EDITS.keys())
def test_malformed_history_line_is_a_store_problem(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[dict[str, Any]], None],
    where: str,
) -> None:
    store = fetched(tmp_path)
    edit_last_line(Store(store).history_path("made-doc", "made-full"), edit)
    cat = tmp_path / "made-catalogue.toml"
    s = ["--store", str(store)]

    assert main(["verify", *s]) == ExitCode.STORE_CORRUPT
    out = capsys.readouterr().out
    [line] = [x for x in out.splitlines() if x.startswith("CORRUPT")]
    assert "invalid" in line and "made-full.jsonl:1" in line and where in line

    err = assert_store_problem(capsys, main(["collate", str(cat), *s]))
    assert "made-full.jsonl:1" in err and where in err
    assert_store_problem(capsys, main(["log", "made-full", *s]))
    assert_store_problem(capsys, main(["check", str(cat), *s, "--no-html"]))
    assert main(["verify", *s, "--rederive"]) == ExitCode.STORE_CORRUPT
    assert capsys.readouterr().out.count("CORRUPT") == 1
    with pytest.raises(StoreCorrupt):
        Store(store).latest("made-doc", "made-full")


@pytest.mark.parametrize(("edit", "where"), RECORD_EDITS.values(), ids=RECORD_EDITS.keys())
def test_malformed_derived_record_is_a_store_problem(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[dict[str, Any]], None],
    where: str,
) -> None:
    store = fetched(tmp_path)
    edit_record(store, edit)
    cat = tmp_path / "made-catalogue.toml"
    s = ["--store", str(store)]

    assert main(["verify", *s]) == ExitCode.STORE_CORRUPT
    out = capsys.readouterr().out
    [line] = [x for x in out.splitlines() if x.startswith("CORRUPT")]
    assert "invalid" in line and "made-full.jsonl:1" in line and where in line

    err = assert_store_problem(capsys, main(["collate", str(cat), *s]))
    assert where in err
    # The history itself is sound, so its log still reads.
    assert main(["log", "made-full", *s]) == ExitCode.OK
    capsys.readouterr()
    # Re-extraction skips what cannot be read back; verify still lists it.
    assert main(["verify", *s, "--rederive"]) == ExitCode.STORE_CORRUPT
    out = capsys.readouterr().out
    assert out.count("CORRUPT") == 1 and where in out


def test_derived_record_that_is_not_json_is_a_store_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-doc", "made-full")
    assert entry is not None
    junk = s.put(b"\xff not json")
    history = s.history_path("made-doc", "made-full")
    history.write_text(
        history.read_text(encoding="utf-8").replace(entry.record, junk), encoding="utf-8"
    )
    reindex(store, "made-doc", "made-full")
    cat = tmp_path / "made-catalogue.toml"
    err = assert_store_problem(capsys, main(["collate", str(cat), "--store", str(store)]))
    assert "a JSON record" in err


def test_every_bad_line_of_a_history_is_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = made_copies(tmp_path)
    cat = catalogue(tmp_path, names)
    store = tmp_path / "s"
    pipeline.fetch([cat], store)
    pipeline.fetch([cat], store)
    path = Store(store).history_path("made-doc", "made-full")
    first, second = path.read_text(encoding="utf-8").splitlines()
    one, two = json.loads(first), json.loads(second)
    del one["time"]
    two["changed"] = "raw"
    path.write_text(json.dumps(one) + "\n" + json.dumps(two) + "\n", encoding="utf-8")
    problems = Store(store).verify()
    assert [(p.kind, p.path.rsplit("/", 1)[-1]) for p in problems] == [
        ("invalid", "made-full.jsonl:1 time"),
        ("invalid", "made-full.jsonl:2 changed"),
    ]


def test_history_that_is_not_utf8_is_a_store_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = fetched(tmp_path)
    path = Store(store).history_path("made-doc", "made-full")
    path.write_bytes(path.read_bytes() + b"\xff\xfe\n")
    cat = tmp_path / "made-catalogue.toml"
    assert main(["verify", "--store", str(store)]) == ExitCode.STORE_CORRUPT
    assert "CORRUPT  unreadable: " in capsys.readouterr().out
    assert_store_problem(capsys, main(["collate", str(cat), "--store", str(store)]))
