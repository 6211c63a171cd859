"""A write killed half-way leaves a leftover, never a store that stays unusable.

Leftovers (temporary files of writers that are gone) are listed by ``verify``
apart from corruption, exit 0 when they are the only thing found, are removed by
``verify --repair`` and by the next writer; a live writer's files are never
touched.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import made
from docwitness.cli import main
from docwitness.errors import ExitCode
from docwitness.pipeline import fetch
from docwitness.store import TMP_PREFIX, Store
from docwitness.store.leftovers import own_prefix

LEFTOVER_LINE = (
    ": an unfinished write from a process that is gone; docwitness verify --repair removes it"
)

# A made writer: holds the writers' lock, leaves a half-written temporary file in
# objects/db/, says where, and waits to be killed (or told to finish on stdin).
WRITER = """
import os, sys, tempfile
from pathlib import Path
from docwitness.store import Store
from docwitness.store.leftovers import own_prefix
store = Store(Path(sys.argv[1]))
with store.writing():
    folder = store.objects / "db"
    folder.mkdir(parents=True, exist_ok=True)
    fd, path = tempfile.mkstemp(prefix=own_prefix(), dir=folder)
    os.write(fd, b"half an object")
    print(path, flush=True)
    sys.stdin.readline()
"""


def _catalogue(tmp_path: Path, n: int = 3, repeat: int = 1) -> Path:
    paras = made.made_statement()
    witnesses = []
    for i in range(n):
        made.write_made(tmp_path, f"made-copy-{i}.txt", (paras[i:] + paras[:i]) * repeat)
        witnesses.append((f"made-copy-{i}", "mirror", f"made-copy-{i}.txt"))
    return made.write_catalogue(tmp_path, witnesses)


def _fetched(tmp_path: Path) -> tuple[Path, Path]:
    cat = _catalogue(tmp_path)
    store = tmp_path / "s"
    fetch([cat], store)
    return cat, store


def _writer(store: Path) -> tuple[subprocess.Popen[str], Path]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line, "the made writer did not start"
    return proc, Path(line)


def _killed_writer(store: Path) -> Path:
    proc, temp = _writer(store)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    return temp


def _files(store: Path) -> dict[str, bytes]:
    """Every file but the temporary ones and the lock files, with its bytes."""
    return {
        str(p): p.read_bytes()
        for p in store.rglob("*")
        if p.is_file() and not p.name.startswith(TMP_PREFIX) and p.name not in (".lock", ".writers")
    }


def _temporaries(store: Path) -> list[Path]:
    return sorted(p for p in store.rglob(TMP_PREFIX + "*") if p.is_file())


def test_a_killed_writers_file_is_a_leftover_and_verify_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, store = _fetched(tmp_path)
    temp = _killed_writer(store)
    capsys.readouterr()
    assert main(["verify", "--store", str(store)]) == ExitCode.OK
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("LEFTOVER")]
    assert len(lines) == 1 and str(temp) in lines[0] and lines[0].endswith(LEFTOVER_LINE)
    assert "CORRUPT" not in out and "1 leftover to remove" in out
    assert temp.exists()  # verify alone removes nothing
    assert main(["verify", "--store", str(store), "--json"]) == ExitCode.OK
    data = json.loads(capsys.readouterr().out)
    assert data["problems"] == [] and [x["path"] for x in data["leftovers"]] == [str(temp)]
    assert data["leftovers"][0]["size"] == len(b"half an object")


def test_repair_removes_the_leftover_and_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, store = _fetched(tmp_path)
    temp = _killed_writer(store)
    before = _files(store)
    capsys.readouterr()
    assert main(["verify", "--store", str(store), "--repair"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert f"REMOVED  {temp}" in out and "LEFTOVER" not in out and "1 leftover removed" in out
    assert not temp.exists() and _temporaries(store) == []
    assert _files(store) == before
    assert main(["verify", "--store", str(store)]) == ExitCode.OK
    assert capsys.readouterr().out == f"store {store}: all objects and records verified\n"


def test_the_next_fetch_removes_the_leftover(tmp_path: Path) -> None:
    cat, store = _fetched(tmp_path)
    temp = _killed_writer(store)
    assert main(["fetch", str(cat), "--store", str(store)]) == ExitCode.OK
    assert not temp.exists() and _temporaries(store) == []
    found = Store(store).verification()
    assert found.problems == () and found.leftovers == ()


def test_the_next_check_removes_the_leftover(tmp_path: Path) -> None:
    cat, store = _fetched(tmp_path)
    temp = _killed_writer(store)
    args = ["check", str(cat), "--store", str(store), "--offline", "--no-html"]
    assert main(args) in (ExitCode.OK, ExitCode.FINDINGS)
    assert not temp.exists() and _temporaries(store) == []


def test_repair_with_corruption_still_exits_4_and_keeps_every_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, store = _fetched(tmp_path)
    s = Store(store)
    entry = s.latest("made-statement", "made-copy-0")
    assert entry is not None
    tampered = s.object_path(entry.raw)
    tampered.write_bytes(b"tampered")
    s.object_path(entry.canonical).unlink()
    temp = _killed_writer(store)
    before = _files(store)
    capsys.readouterr()
    assert main(["verify", "--store", str(store), "--repair"]) == ExitCode.STORE_CORRUPT
    out = capsys.readouterr().out
    assert f"REMOVED  {temp}" in out
    assert "mismatch" in out and "missing" in out and tampered.name in out
    assert not temp.exists()
    assert _files(store) == before  # the mismatched object and every history file stay


def test_a_live_writers_file_is_never_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cat, store = _fetched(tmp_path)
    proc, temp = _writer(store)
    try:
        capsys.readouterr()
        assert main(["verify", "--store", str(store), "--repair"]) == ExitCode.OK
        out = capsys.readouterr().out
        assert f"WRITING  {temp}: a write in progress, left alone" in out
        assert "LEFTOVER" not in out and "REMOVED" not in out
        # Another writer runs meanwhile (the lock is shared by writers) and leaves it too.
        assert main(["fetch", str(cat), "--store", str(store)]) == ExitCode.OK
        assert temp.exists()
    finally:
        proc.kill()
        proc.wait(timeout=10)
    # Gone now: the same file is a leftover.
    found = Store(store).verification(repair=True)
    assert [x.path for x in found.removed] == [str(temp)] and not temp.exists()


def test_while_a_writer_runs_names_tell_dead_owners_from_live_ones(tmp_path: Path) -> None:
    _, store = _fetched(tmp_path)
    folder = store / "objects" / "db"
    folder.mkdir(exist_ok=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_pid = int(gone.stdout)
    pid, start, host = own_prefix()[len(TMP_PREFIX):].split(".")[:3]
    assert int(pid) == os.getpid()
    names = {
        "dead": f"{TMP_PREFIX}{dead_pid}.{start}.{host}.aaaa",
        # This process's id with another start time: the id was reused, the writer is gone.
        "reused": f"{TMP_PREFIX}{pid}.{int(start) + 1 if start != 'x' else 1}.{host}.bbbb",
        "alive": f"{TMP_PREFIX}{pid}.{start}.{host}.cccc",
        "other-host": f"{TMP_PREFIX}{dead_pid}.{start}.made-elsewhere.dddd",
        "unnamed": f"{TMP_PREFIX}eeee",
    }
    proc, live = _writer(store)  # the writer runs first: taking the lock alone, it cleans
    for name in names.values():
        (folder / name).write_bytes(b"half")
    try:
        found = Store(store).verification(repair=True)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    removed = {Path(x.path).name for x in found.removed}
    expected = {names["dead"]} | ({names["reused"]} if start != "x" else set())
    assert removed == expected
    assert set(map(str, _temporaries(store))) >= {str(live)} | {
        str(folder / names[k]) for k in ("alive", "other-host", "unnamed")
    }
    assert str(live) in found.writing


def test_fetch_killed_at_random_points_never_leaves_the_store_unusable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paras = made.made_statement()

    def copies(run: int) -> None:
        # New text every run, so that every run writes new objects, not only history.
        for i in range(8):
            body = (paras[i:] + paras[:i]) * 12 + [f"made edit {run}"]
            made.write_made(tmp_path, f"made-copy-{i}.txt", body)

    copies(0)
    cat = made.write_catalogue(
        tmp_path, [(f"made-copy-{i}", "mirror", f"made-copy-{i}.txt") for i in range(8)]
    )
    store = tmp_path / "s"
    cmd = [sys.executable, "-m", "docwitness", "fetch", str(cat), "--store", str(store)]
    began = time.monotonic()
    subprocess.run(cmd, capture_output=True, check=True, timeout=60)
    whole = time.monotonic() - began
    rng = random.Random(20261201)
    for run in range(1, 6):
        copies(run)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.0) * whole)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        capsys.readouterr()
        assert main(["verify", "--store", str(store)]) == ExitCode.OK
        out = capsys.readouterr().out
        assert all(line.startswith(("LEFTOVER", "store ")) for line in out.splitlines()), out
        if "LEFTOVER" in out:
            assert main(["verify", "--store", str(store), "--repair"]) == ExitCode.OK
            assert _temporaries(store) == []
        assert main(["fetch", str(cat), "--store", str(store)]) == ExitCode.OK
        capsys.readouterr()
        assert main(["verify", "--store", str(store)]) == ExitCode.OK
        assert capsys.readouterr().out == f"store {store}: all objects and records verified\n"
        assert _temporaries(store) == []
