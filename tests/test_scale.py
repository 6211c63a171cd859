"""check over many documents: on a Dask cluster, resumable, summarised, polite to hosts.

Made catalogues (tests/made_catalogues.py) of local copies, and made copies served
by a real HTTP server on 127.0.0.1 that counts the requests in flight. The
cluster runs are whole processes (``python -m docwitness check --workers N``).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

import made
from httpserver import Server, respond
from made_catalogues import make_catalogues
from processes import docwitness

pytest.importorskip("distributed")

from docwitness.cli import main
from docwitness.scale import Settings, run_check

PARAS = made.made_statement()


def times_out(text: str) -> str:
    """A JSON report with the times of capture taken out: all that may differ."""
    return re.sub(r'"captured":\s*"[^"]*"', '"captured":"T"', text)


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_catalogues(tmp_path_factory.mktemp("made-many"), 6, witnesses=3)


def test_workers_give_the_same_json_as_one_process(catalogues: Path, tmp_path: Path) -> None:
    one = docwitness(
        "check", str(catalogues), "--store", str(tmp_path / "a"), "--no-html",
        "--format", "json", "-o", str(tmp_path / "a.json"),
    )  # fmt: skip
    many = docwitness(
        "check", str(catalogues), "--store", str(tmp_path / "b"), "--workers", "2",
        "--format", "json", "-o", str(tmp_path / "b.json"), timeout=180,
    )  # fmt: skip
    assert one.returncode == many.returncode == 1, many.stderr
    a = (tmp_path / "a.json").read_text(encoding="utf-8")
    b = (tmp_path / "b.json").read_text(encoding="utf-8")
    assert len(json.loads(a)) == 6
    assert a != times_out(a)  # there were times to take out
    assert times_out(a) == times_out(b)
    # Plain progress lines (stderr is not a terminal), one per document.
    assert len(re.findall(r"^docwitness: \[\d/6\] made-doc-", many.stderr, re.M)) == 6
    assert docwitness("verify", "--store", str(tmp_path / "b")).returncode == 0


def test_summary_counts_verdicts_and_lists_the_worst_first(
    catalogues: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s")
    code = main(["check", str(catalogues), "--store", store, "--no-html", "--format", "json"])
    reports = json.loads(capsys.readouterr().out)
    code2 = main(["check", str(catalogues), "--store", store, "--no-html", "--summary", "json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == code2 == 1
    assert summary["documents"] == 6
    witnesses = [w["verdict"] for r in reports for w in r["witnesses"]]
    assert summary["witnesses"] == {v: witnesses.count(v) for v in summary["witnesses"]}
    assert sum(summary["witnesses"].values()) == len(witnesses)
    failing = [r["document"]["id"] for r in reports if any(
        f["severity"] == "substantive" for w in r["witnesses"] for f in w["findings"]
    )]  # fmt: skip
    listed = [d["document"] for d in summary["attention"]]
    assert sorted(listed) == sorted(failing) and failing
    # Every fourth made document is all identical: it is not listed.
    assert "made-doc-000000" not in listed and "made-doc-000004" not in listed
    order = ["unrelated", "truncated", "variant", "changed", "unreliable", "unavailable"]
    ranks = [order.index(d["verdict"]) for d in summary["attention"]]
    assert ranks == sorted(ranks)
    main(["check", str(catalogues), "--store", store, "--no-html", "--summary", "markdown"])
    md = capsys.readouterr().out
    assert "| `made-doc-000001` |" in md and "6 document(s)" in md
    main(["check", str(catalogues), "--store", store, "--no-html", "--summary", "text"])
    text = capsys.readouterr().out
    assert "exit code 1" in text and f"{len(listed)} to look at, worst first" in text


def test_a_folder_without_catalogues_is_a_usage_error(tmp_path: Path) -> None:
    run = docwitness("check", str(tmp_path), "--store", str(tmp_path / "s"))
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"docwitness: error: no catalogue (*.toml) in the folder {tmp_path}"
    ]


def test_html_is_refused_on_a_cluster(catalogues: Path, tmp_path: Path) -> None:
    run = docwitness(
        "check", str(catalogues), "--workers", "1", "--html", str(tmp_path / "x.html"),
        "--store", str(tmp_path / "s"),
    )  # fmt: skip
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "s").exists()


def test_worker_holds_no_results_however_many_documents(tmp_path: Path) -> None:
    """Results are streamed: a worker never holds more than the few tasks in flight."""
    from docwitness.capture import FetchOptions
    from docwitness.pipeline import resolve_catalogues

    docs = resolve_catalogues([make_catalogues(tmp_path / "many", 24, witnesses=2)])
    result = run_check(docs, tmp_path / "s", Settings(FetchOptions(), format="json"), workers=1)
    assert result.summary.documents == 24
    (stats,) = result.summary.workers.values()
    assert stats["documents"] == 24
    # One worker thread: two tasks submitted at a time, each result released when read.
    assert stats["held_max"] <= 2
    assert stats["peak_rss_mb"] > 0


# --------------------------------------------------------------------------- HTTP witnesses


def _slow(body: bytes, seconds: float) -> object:
    def handler(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        respond(h, 200, body, {"Content-Type": "text/plain; charset=utf-8"})

    return handler


def _http_catalogues(folder: Path, server: Server, documents: int, per_doc: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(documents):
        lines = [f'[document]\nid = "made-web-{n:03d}"\ntitle = "made"\nlanguage = "zh"\n']
        for w in range(per_doc):
            path = f"/made-{n}-{w}.txt"
            body = ("\n\n".join([f"{PARAS[0]}（made copy {n}）", *PARAS[1:]]) + "\n").encode()
            server.route(path, _slow(body, 0.15))  # type: ignore[arg-type]
            role = "official" if w == 0 else "mirror"
            lines.append(
                f'[[witness]]\nid = "made-w{w}"\nrole = "{role}"\n'
                f'url = "{server.url(path)}"\nformat = "text"\n'
            )
        (folder / f"made-web-{n:03d}.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as s:
        yield s


@pytest.mark.parametrize("per_host", [1, 3])
def test_per_host_holds_across_the_cluster(server: Server, tmp_path: Path, per_host: int) -> None:
    cats = _http_catalogues(tmp_path / "cats", server, documents=6, per_doc=2)
    run = docwitness(
        "check", str(cats), "--store", str(tmp_path / "s"), "--workers", "2",
        "--per-host", str(per_host), "--summary", "json", timeout=180,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert len(server.seen) == 12
    # Two workers, each fetching a document's two witnesses at once, would have four
    # requests in flight; the cluster's semaphore allows per_host.
    if per_host == 1:
        assert server.max_in_flight == 1
    else:
        assert 2 <= server.max_in_flight <= per_host


def test_retry_after_is_honoured_on_the_cluster(server: Server, tmp_path: Path) -> None:
    cats = _http_catalogues(tmp_path / "cats", server, documents=2, per_doc=2)
    body = ("\n\n".join(PARAS) + "\n").encode()
    calls: list[float] = []

    def busy_once(h: BaseHTTPRequestHandler) -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            respond(h, 429, b"slow down", {"Retry-After": "1"})
        else:
            respond(h, 200, body, {"Content-Type": "text/plain; charset=utf-8"})

    server.route("/made-1-1.txt", busy_once)
    run = docwitness(
        "check", str(cats), "--store", str(tmp_path / "s"), "--workers", "2",
        "--per-host", "1", "--summary", "json", timeout=180,
    )  # fmt: skip
    assert len(calls) == 2, run.stderr
    assert calls[1] - calls[0] >= 1.0
    assert server.max_in_flight == 1
    summary = json.loads(run.stdout)
    assert summary["witnesses"].get("unavailable", 0) == 0


def test_resume_skips_the_documents_a_killed_run_did(server: Server, tmp_path: Path) -> None:
    cats = _http_catalogues(tmp_path / "cats", server, documents=8, per_doc=1)
    gate = threading.Event()
    body = ("\n\n".join(PARAS) + "\n").encode()

    def hang(h: BaseHTTPRequestHandler) -> None:  # document 5 hangs until the run is killed
        gate.wait(30)
        respond(h, 200, body, {"Content-Type": "text/plain; charset=utf-8"})

    server.route("/made-5-0.txt", hang)
    store = tmp_path / "s"
    args = [sys.executable, "-m", "docwitness", "check", str(cats), "--store", str(store),
            "--resume", "--format", "json", "-o", str(tmp_path / "out.json")]  # fmt: skip
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(s.path == "/made-5-0.txt" for s in server.seen):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    gate.set()
    (run_dir,) = (store / "runs").iterdir()
    done = sorted(p.stem for p in (run_dir / "done").iterdir())
    assert done == [f"made-web-{n:03d}" for n in range(5)]
    assert not (tmp_path / "out.json").exists()  # nothing half-written
    before = {s.path for s in server.seen}
    server.seen.clear()
    again = docwitness(*args[3:], timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"resuming run {run_dir.name}: 5 of 8 document(s) done" in again.stderr
    fetched = sorted(s.path for s in server.seen)
    assert fetched == [f"/made-{n}-0.txt" for n in range(5, 8)]
    assert "/made-0-0.txt" in before
    reports = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [r["document"]["id"] for r in reports] == [f"made-web-{n:03d}" for n in range(8)]
    assert (run_dir / "finished.json").exists()
    # A finished run is not resumed: the next --resume starts a new one.
    third = docwitness(*args[3:], timeout=120)
    assert "starting a new one" in third.stderr
    assert len(list((store / "runs").iterdir())) == 2


def test_an_existing_cluster_is_used_with_scheduler(catalogues: Path, tmp_path: Path) -> None:
    # A cluster started apart (as a deployment runs one), named by its address.
    from distributed import LocalCluster

    one = docwitness(
        "check", str(catalogues), "--store", str(tmp_path / "a"), "--no-html",
        "--format", "json", "-o", str(tmp_path / "a.json"),
    )  # fmt: skip
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        there = docwitness(
            "check", str(catalogues), "--store", str(tmp_path / "b"), "--scheduler", address,
            "--format", "json", "-o", str(tmp_path / "b.json"), timeout=180,
        )  # fmt: skip
        # The documents ran as tasks of that cluster, one a document.
        prefixes = [name for name in cluster.scheduler.task_prefixes if "docwitness-check" in name]
        computed = sum(
            cluster.scheduler.task_prefixes[name].all_durations.get("compute", 0.0)
            for name in prefixes
        )
    assert one.returncode == there.returncode == 1, there.stderr
    assert prefixes and computed > 0
    a = (tmp_path / "a.json").read_text(encoding="utf-8")
    b = (tmp_path / "b.json").read_text(encoding="utf-8")
    assert times_out(a) == times_out(b)
