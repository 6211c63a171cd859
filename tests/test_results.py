"""The renderers of the store's results (fetch, log, verify) and of several reports at
once: the library renders, the command line prints what they return."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docwitness.cli import main
from docwitness.errors import ExitCode, StoreProblem, UsageError
from docwitness.model import Digests, Report, WitnessReport
from docwitness.report import render, render_all
from docwitness.report.results import (
    render_fetch,
    render_history,
    render_progress,
    render_verify,
)
from docwitness.store.leftovers import Leftover
from docwitness.store.records import HistoryEntry
from docwitness.store.snapshot import FetchResult, Rederived

DIGESTS = Digests("sha256:" + "a" * 64, "sha256:" + "b" * 64, "sha256:" + "c" * 64)
RESULTS = [
    FetchResult("d", "full", "official", "full.txt", "captured", size=120, digests=DIGESTS,
                checks="complete"),
    FetchResult("d", "cut", "mirror", "cut.txt", "captured", size=80, digests=DIGESTS,
                changed=("text", "canonical"), checks="truncated in point 十"),
    FetchResult("d", "gone", "mirror", "https://example.org/a", "unavailable",
                reason="HTTP 404 Not Found"),
]  # fmt: skip
SHORT = "sha256:cccccccccccc"


def test_fetch_results_as_text_rows() -> None:
    assert render_fetch(RESULTS) == (
        f"full  captured  120  {SHORT}  complete\n"
        f"cut  captured (changed: text, canonical)  80  {SHORT}  truncated in point 十\n"
        "gone  unavailable: HTTP 404 Not Found  -  -  -\n"
    )


def test_fetch_results_as_json() -> None:
    data = json.loads(render_fetch(RESULTS, "json"))
    assert [r["witness"] for r in data] == ["full", "cut", "gone"]
    assert data[1]["changed"] == ["text", "canonical"]
    assert data[0]["sha256"] == DIGESTS.to_dict()
    assert data[2] == {
        "document": "d",
        "witness": "gone",
        "role": "mirror",
        "source": "https://example.org/a",
        "status": "unavailable",
        "reason": "HTTP 404 Not Found",
        "size": None,
        "sha256": None,
        "changed": [],
        "checks": None,
    }


def test_a_table_in_colour_is_a_rich_table_with_headers() -> None:
    out = render_fetch(RESULTS, color=True)
    assert "┏" in out and "canonical sha256" in out and "\x1b[" in out
    assert all(r.witness in out for r in RESULTS)


def test_progress_line_plain_and_dim() -> None:
    assert render_progress("w", "captured") == "w: captured\n"
    assert render_progress("w", "captured", color=True) == "\x1b[2mw: captured\x1b[0m\n"


# The bundled store's first history line, as three captures of a made history.
_STORED = json.loads(
    (Path(__file__).resolve().parent.parent / "snapshots" / "witnesses"
     / "cn-ru-joint-statement-2017" / "yunbaogao-preview.jsonl")
    .read_text(encoding="utf-8").splitlines()[0]
)  # fmt: skip
LINES = [
    {**_STORED, "time": "2017-07-05T00:00:00Z", "status": "captured", "changed": []},
    {**_STORED, "time": "2017-07-06T00:00:00Z", "status": "captured", "changed": []},
    {**_STORED, "time": "2017-07-07T00:00:00Z", "status": "not-modified",
     "changed": ["raw", "text"]},
]  # fmt: skip
ENTRIES = [HistoryEntry.from_json(line) for line in LINES]
RAW = _STORED["raw"][:19]
CANONICAL = _STORED["canonical"][:19]


def test_history_as_text() -> None:
    assert render_history("d", "w", ENTRIES) == (
        "d/w: 3 captures\n"
        f"2017-07-05T00:00:00Z  captured  {RAW}  {CANONICAL}  31  first capture\n"
        f"2017-07-06T00:00:00Z  captured  {RAW}  {CANONICAL}  31  no change\n"
        f"2017-07-07T00:00:00Z  not-modified  {RAW}  {CANONICAL}  31  changed: raw, text\n"
    )
    assert render_history("d", "w", ENTRIES[:1]).startswith("d/w: 1 capture\n")


def test_history_as_json_lines() -> None:
    out = render_history("d", "w", ENTRIES, "json")
    assert [json.loads(line) for line in out.splitlines()] == LINES
    assert out.splitlines()[0].startswith('{"canonical": ')  # keys sorted


PROBLEM = StoreProblem("s/objects/aa/aa", "mismatch", "sha256:aa", "sha256:bb")
REDERIVED = [
    Rederived("d", "same", "sha256:" + "1" * 64, True, (), "t/1", "t/1"),
    Rederived("d", "record", "sha256:" + "2" * 64, True, ("record",), "t/1", "t/2"),
    Rederived("d", "text", "sha256:" + "3" * 64, False, ("canonical", "record"), "t/1", "t/2"),
    Rederived("d", "gone", "sha256:" + "4" * 64, False, ("text",), "t/1", "t/2", "cannot read"),
]


def test_verification_as_text() -> None:
    assert render_verify(Path("s"), []) == "store s: all objects and records verified\n"
    assert render_verify(Path("s"), [PROBLEM]) == f"CORRUPT  {PROBLEM}\n"
    assert render_verify(Path("s"), [], REDERIVED, rederive=True) == (
        "RECORD   d/record sha256:222222222222: the text is the same; the derived record "
        "would differ (now t/2)\n"
        "TOOLING  d/text sha256:333333333333: canonical, record would differ "
        "(stored with t/1; now t/2)\n"
        "TOOLING  d/gone sha256:444444444444: cannot read (stored with t/1; now t/2)\n"
        "store s: all objects and records verified, 4 re-extracted\n"
    )


def test_verification_as_json() -> None:
    data = json.loads(render_verify(Path("s"), [PROBLEM], REDERIVED[2:3], "json"))
    assert data == {
        "store": "s",
        "problems": [
            {"path": "s/objects/aa/aa", "kind": "mismatch", "expected": "sha256:aa",
             "found": "sha256:bb"}
        ],
        "leftovers": [],
        "removed": [],
        "writing": [],
        "rederived": [
            {"document": "d", "witness": "text", "record": "sha256:" + "3" * 64, "same": False,
             "changed": ["canonical", "record"], "reason": None, "stored_tools": "t/1",
             "current_tools": "t/2"}
        ],
    }  # fmt: skip


LEFT = Leftover("s/objects/db/.tmp-12.34.h.x", 5, "pid 12")
GONE = Leftover("s/objects/ab/.tmp-56.78.h.y", 7, "pid 56")


def test_leftovers_each_on_a_line_and_not_corruption() -> None:
    why = "an unfinished write from a process that is gone"
    assert render_verify(Path("s"), [], leftovers=[LEFT]) == (
        f"LEFTOVER {LEFT}: {why}; docwitness verify --repair removes it\n"
        "store s: all objects and records verified; 1 leftover to remove (--repair)\n"
    )
    assert render_verify(
        Path("s"), [PROBLEM], leftovers=[LEFT, GONE], removed=[GONE], writing=["s/.tmp-9"]
    ) == (
        f"CORRUPT  {PROBLEM}\n"
        f"REMOVED  {GONE}: {why}\n"
        f"LEFTOVER {LEFT}: {why}; docwitness verify --repair removes it\n"
        "WRITING  s/.tmp-9: a write in progress, left alone\n"
    )
    assert str(LEFT) == "s/objects/db/.tmp-12.34.h.x (5 bytes, written by pid 12)"
    data = json.loads(
        render_verify(Path("s"), [], leftovers=[LEFT, GONE], removed=[GONE], format="json")
    )
    assert data["leftovers"] == [{"path": LEFT.path, "size": 5, "owner": "pid 12"}]
    assert data["removed"] == [{"path": GONE.path, "size": 7, "owner": "pid 56"}]


def test_an_unknown_rendering_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown format 'html' .*\(known: json, text\)"):
        render_fetch(RESULTS, "html")
    with pytest.raises(UsageError, match=r"\(known: json, text\)"):
        render_verify(Path("s"), [], format="csv")


def report(doc: str) -> Report:
    return Report(doc, doc, None, (WitnessReport("w", "s", "complete"),), "canonical/1")


def test_several_reports_in_json_are_one_array_and_in_text_one_after_another() -> None:
    one, two = report("one"), report("two")
    data = json.loads(render_all([one, two], "json"))
    assert [d["document"]["id"] for d in data] == ["one", "two"]
    assert json.loads(render_all([one], "json"))["document"]["id"] == "one"
    assert render_all([one, two], "text") == render(one, "text") + "\n" + render(two, "text")


def test_the_cli_prints_what_the_renderers_return(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from docwitness import pipeline

    (tmp_path / "copy.txt").write_text("一、甲。\n\n二、乙。\n", encoding="utf-8")
    cat = tmp_path / "made.toml"
    cat.write_text(
        '[document]\nid = "d"\ntitle = "t"\nlanguage = "zh"\n\n'
        '[[witness]]\nid = "w"\nrole = "official"\npath = "copy.txt"\n',
        encoding="utf-8",
    )
    store = tmp_path / "s"
    assert main(["fetch", str(cat), "--store", str(store)]) == ExitCode.OK
    fetched = capsys.readouterr().out
    assert fetched.startswith("w  captured  ") and fetched.count("\n") == 1

    assert main(["log", "w", "--store", str(store)]) == ExitCode.OK
    assert capsys.readouterr().out == render_history(*pipeline.find_history(store, "w"))
    assert main(["log", "w", "--store", str(store), "--json"]) == ExitCode.OK
    entries = pipeline.find_history(store, "w")[2]
    assert capsys.readouterr().out == render_history("d", "w", entries, "json")

    assert main(["verify", "--store", str(store), "--rederive"]) == ExitCode.OK
    rederived = pipeline.rederive(store)
    expected = render_verify(store, [], rederived, rederive=True)
    assert capsys.readouterr().out == expected
    assert expected.endswith("verified, 1 re-extracted\n")
