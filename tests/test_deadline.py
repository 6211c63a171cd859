"""The whole-response deadline is the user's: ``--deadline`` on every command that fetches.

A server on 127.0.0.1 that drips a byte every 0.2 s for ever stays within any
read timeout; only the deadline ends it. The commands run as a user runs them,
in a subprocess with a generous hang guard.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from docwitness.capture import FetchOptions, capture_url
from docwitness.cli import main
from docwitness.errors import CaptureError, ExitCode
from httpserver import Server, respond, serving, static
from processes import docwitness

HANG_GUARD = 30  # seconds; the default deadline alone is 300


def drip_for_ever(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/plain; charset=utf-8")
    h.send_header("Connection", "close")
    h.end_headers()
    while True:  # ends when the client hangs up (the server swallows the OSError)
        h.wfile.write(b"x")
        h.wfile.flush()
        time.sleep(0.2)


@pytest.fixture
def server() -> Iterator[Server]:
    with serving() as s:
        yield s


def made_catalogue(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "made-catalogue.toml"
    path.write_text(
        '[document]\nid = "made-doc"\ntitle = "made"\nlanguage = "zh"\n\n'
        f'[[witness]]\nid = "made-drip"\nrole = "mirror"\nurl = "{url}"\nformat = "text"\n',
        encoding="utf-8",
    )
    return path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return docwitness(*args, cwd=cwd, timeout=HANG_GUARD)


def test_fetch_with_a_deadline_gives_up_on_a_dripping_server(
    tmp_path: Path, server: Server
) -> None:
    cat = made_catalogue(tmp_path, server.route("/made-drip.txt", drip_for_ever))
    proc = run(
        "fetch",
        str(cat),
        "--store",
        str(tmp_path / "made-store"),
        "--deadline",
        "1",
        "--json",
        cwd=tmp_path,
    )
    assert proc.returncode == ExitCode.INCOMPLETE, proc.stderr
    [result] = json.loads(proc.stdout)
    assert result["status"] == "unavailable"
    assert "not finished within 1 s" in result["reason"] and "deadline" in result["reason"]
    # Running out of the deadline is not a transient failure: one request, no retry.
    assert len(server.requests_to("/made-drip.txt")) == 1


def test_check_with_a_deadline_reports_the_witness_unavailable(
    tmp_path: Path, server: Server
) -> None:
    cat = made_catalogue(tmp_path, server.route("/made-drip.txt", drip_for_ever))
    proc = run(
        "check",
        str(cat),
        "--store",
        str(tmp_path / "made-store"),
        "--no-html",
        "--deadline",
        "1",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert proc.returncode == ExitCode.INCOMPLETE, proc.stderr
    [witness] = json.loads(proc.stdout)["witnesses"]
    assert witness["verdict"] == "unavailable"
    assert "deadline" in json.dumps(witness)


@pytest.mark.parametrize("command", ["diff", "inspect"])
def test_urls_given_to_diff_and_inspect_obey_the_deadline(
    tmp_path: Path, server: Server, command: str
) -> None:
    url = server.route("/made-drip.txt", drip_for_ever)
    copies = [url, url] if command == "diff" else [url]
    proc = run(command, *copies, "--deadline", "1", cwd=tmp_path)
    assert proc.returncode == ExitCode.INCOMPLETE
    [line] = proc.stderr.splitlines()
    assert "not finished within 1 s" in line and "deadline" in line


def test_the_deadline_spans_every_redirect_hop(server: Server) -> None:
    def slow_hop(target: str):  # type: ignore[no-untyped-def]
        def handler(h: BaseHTTPRequestHandler) -> None:
            time.sleep(0.5)  # each hop alone is well within the deadline
            respond(h, 302, b"", {"Location": target})

        return handler

    server.route("/made-hop1", slow_hop("/made-hop2"))
    server.route("/made-hop2", slow_hop("/made-hop3"))
    server.route("/made-hop3", slow_hop("/made-end.txt"))
    server.route("/made-end.txt", static(b"made", headers={"Content-Type": "text/plain"}))
    opts = FetchOptions(retries=0, read_timeout=5, total_timeout=1)
    with pytest.raises(CaptureError, match="not finished within 1 s"):
        capture_url(server.url("/made-hop1"), opts)
    # With room for all three hops the same chain is followed to its end.
    [c] = capture_url(server.url("/made-hop1"), FetchOptions(retries=0, total_timeout=20))
    assert c.body == b"made"


@pytest.mark.parametrize("value", ["0", "-1"])
def test_a_deadline_that_is_not_positive_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    code = main(["fetch", "--store", str(tmp_path / "made-store"), "--deadline", value])
    assert code == ExitCode.USAGE
    assert "--deadline" in capsys.readouterr().err
