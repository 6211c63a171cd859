"""Local copies: only regular files are read, never past the byte limit.

A named pipe, a device, a directory or a socket named as a copy is one line on
stderr and exit 3. The commands that could wait for ever (a pipe with no
writer, ``/dev/zero``) run in a child process with a time-out and a memory cap,
only as a guard: without them a regression would hang the test run.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import made
from docwitness.capture.file import capture_file
from docwitness.cli import main
from docwitness.errors import CaptureError, ExitCode
from processes import docwitness

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX special files")


def _limit_memory() -> None:
    import resource

    cap = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _docwitness(*args: str) -> subprocess.CompletedProcess[str]:
    return docwitness(*args, preexec_fn=_limit_memory)


def _catalogue(folder: Path, name: str) -> Path:
    made.write_made(folder, "made-statement.txt", made.made_statement())
    return made.write_catalogue(
        folder,
        [("made-reference", "official", "made-statement.txt"), ("made-other", "mirror", name)],
        reference="made-reference",
    )


@posix_only
def test_a_named_pipe_in_the_catalogue_folder_is_refused_promptly(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "made-pipe.txt")
    catalogue = _catalogue(tmp_path, "made-pipe.txt")
    proc = _docwitness("fetch", str(catalogue), "--store", str(tmp_path / "store"), "--json")
    assert proc.returncode == ExitCode.INCOMPLETE, proc.stderr
    results = {r["witness"]: r for r in json.loads(proc.stdout)}
    assert results["made-reference"]["status"] != "unavailable"
    assert results["made-other"]["status"] == "unavailable"
    assert "is a named pipe (FIFO), not a regular file" in results["made-other"]["reason"]
    assert "Traceback" not in proc.stderr


@posix_only
def test_inspect_of_a_device_is_one_line_and_exit_3() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    proc = _docwitness("inspect", "/dev/zero")
    assert proc.returncode == ExitCode.INCOMPLETE
    assert proc.stderr.splitlines() == [
        "docwitness: error: cannot capture /dev/zero: is a character device, not a regular file"
    ]


@posix_only
def test_inspect_of_a_socket_or_a_directory_is_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "made-socket"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        assert main(["inspect", str(path)]) == ExitCode.INCOMPLETE
    err = capsys.readouterr().err.splitlines()
    assert err == [f"docwitness: error: cannot capture {path}: is a socket, not a regular file"]
    assert main(["inspect", str(tmp_path)]) == ExitCode.INCOMPLETE
    assert "is a directory" in capsys.readouterr().err


def test_a_file_over_the_byte_limit_is_refused(tmp_path: Path) -> None:
    path = made.write_made(tmp_path, "made-statement.txt", made.made_statement())
    size = path.stat().st_size
    assert capture_file(path, max_bytes=size).size == size
    with pytest.raises(CaptureError, match=f"file is {size} bytes, over the limit of {size - 1}"):
        capture_file(path, max_bytes=size - 1)


def test_fetch_applies_max_bytes_to_local_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalogue = _catalogue(tmp_path, "made-statement.txt")
    args = ["fetch", str(catalogue), "--store", str(tmp_path / "store"), "--json"]
    assert main([*args, "--max-bytes", "100"]) == ExitCode.INCOMPLETE
    results = json.loads(capsys.readouterr().out)
    assert all("over the limit of 100" in r["reason"] for r in results)
    assert main(args) == ExitCode.OK


_FETCH_PROBE = """
import sys
from docwitness.cli import main
code = main(sys.argv[1:])
print(code, "requests" in sys.modules, file=sys.stderr)
"""


def test_a_fetch_of_local_copies_never_loads_the_http_client(tmp_path: Path) -> None:
    made.write_made(tmp_path, "made-local.txt", made.made_statement())
    (tmp_path / "made-local.toml").write_text(
        '[document]\nid = "made-doc"\ntitle = "made"\nlanguage = "zh"\n'
        '[[witness]]\nid = "made-local"\nrole = "mirror"\npath = "made-local.txt"\n',
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-c", _FETCH_PROBE, "fetch", "made-local.toml", "--store", "s"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.stderr.strip().splitlines()[-1] == "0 False", proc.stderr
    assert (tmp_path / "s" / "witnesses" / "made-doc" / "made-local.jsonl").is_file()
