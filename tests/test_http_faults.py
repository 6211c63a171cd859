"""Hostile HTTP servers, each alone and all in one run, against real servers on 127.0.0.1.

Each fault has the outcome the README documents: the witness is unavailable
with a one-line reason (or, for a Content-Length shorter than the body, the
bytes the server framed are the capture), never exit 70, never a traceback,
nothing half-written in the store. The faults not tested here already are in
tests/test_http_fetch.py (slow headers, slow drip, a stalled body, a reset
mid-body, a body over the limit, a gzip bomb), tests/test_deadline.py and
tests/test_private_redirects.py; the run over a catalogue of all of them is
here, as a whole process, with a bound on its time that follows from its options.
"""

from __future__ import annotations

import gzip
import json
import math
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

import made
from docwitness.capture import FetchOptions, capture_url
from docwitness.capture.http import capture_http, new_session
from docwitness.errors import CaptureError, ExitCode
from docwitness.model import sha256_bytes
from docwitness.store import TMP_PREFIX, Store
from httpserver import Server, reset, respond, serving, static

PAGE = ("\n\n".join(made.made_statement()) + "\n").encode("utf-8")
TEXT = {"Content-Type": "text/plain; charset=utf-8"}
FAST = FetchOptions(retries=1, backoff=0.001, read_timeout=2, total_timeout=3, max_bytes=200_000)
# Hostile handlers never hold a thread for longer than this, whatever the client does.
HOLD = 20.0


@pytest.fixture
def server() -> Iterator[Server]:
    with serving() as s:
        yield s


# --------------------------------------------------------------------------- handlers


def length_shorter(h: BaseHTTPRequestHandler) -> None:
    """Declares half the body, sends all of it, keeps the connection open."""
    h.send_response(200)
    for k, v in TEXT.items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(PAGE) // 2))
    h.end_headers()
    h.wfile.write(PAGE)
    h.wfile.flush()


def length_longer(h: BaseHTTPRequestHandler) -> None:
    """Declares twice the body, sends it once and closes."""
    h.send_response(200)
    for k, v in TEXT.items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(PAGE) * 2))
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(PAGE)
    h.wfile.flush()
    h.close_connection = True


def _chunked_head(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    for k, v in TEXT.items():
        h.send_header(k, v)
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()


def chunked_endless(h: BaseHTTPRequestHandler) -> None:
    """A chunked body that never ends, as fast as the client reads."""
    _chunked_head(h)
    chunk = b"%x\r\n%s\r\n" % (len(PAGE), PAGE)
    until = time.monotonic() + HOLD
    while time.monotonic() < until:
        h.wfile.write(chunk)


def chunked_drip(h: BaseHTTPRequestHandler) -> None:
    """A chunked body that never ends, one byte every 50 ms (within any read timeout)."""
    _chunked_head(h)
    until = time.monotonic() + HOLD
    while time.monotonic() < until:
        h.wfile.write(b"1\r\nx\r\n")
        h.wfile.flush()
        time.sleep(0.05)


def chunk_size_not_a_number(h: BaseHTTPRequestHandler) -> None:
    _chunked_head(h)
    h.wfile.write(b"zz\r\nmade\r\n0\r\n\r\n")
    h.wfile.flush()


def headers_drip(h: BaseHTTPRequestHandler) -> None:
    """A status line, then header lines 0.1 s apart for ever (the headers never end)."""
    h.wfile.write(b"HTTP/1.1 200 OK\r\n")
    until = time.monotonic() + HOLD
    n = 0
    while time.monotonic() < until:
        h.wfile.write(f"X-Made-{n}: slow\r\n".encode())
        h.wfile.flush()
        n += 1
        time.sleep(0.1)


def body_drip(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Length", str(len(PAGE)))
    h.end_headers()
    until = time.monotonic() + HOLD
    for byte in PAGE:
        if time.monotonic() > until:
            break
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(0.05)


def stall(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Length", str(len(PAGE)))
    h.end_headers()
    h.wfile.write(PAGE[:100])
    h.wfile.flush()
    time.sleep(HOLD)


def silent(h: BaseHTTPRequestHandler) -> None:
    """Accepts the request and never answers."""
    time.sleep(HOLD)


def reset_mid_body(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Length", str(len(PAGE)))
    h.end_headers()
    h.wfile.write(PAGE[: len(PAGE) // 2])
    reset(h)


def gzip_bomb(h: BaseHTTPRequestHandler) -> None:
    respond(h, 200, gzip.compress(b"\x00" * 5_000_000), {"Content-Encoding": "gzip", **TEXT})


# --------------------------------------------------------------------------- one at a time


def test_content_length_shorter_than_the_body_captures_the_declared_bytes(server: Server) -> None:
    url = server.route("/made-short.txt", length_shorter)
    good = server.route("/made-good.txt", static(b"made good", headers=TEXT))
    session = new_session(FAST)
    c = capture_http(url, FAST, session)
    assert c.body == PAGE[: len(PAGE) // 2] and c.sha256 == sha256_bytes(c.body)
    assert c.http is not None and c.http.wire_size == len(PAGE) // 2
    # What the server sent past its own length is not read as the next response:
    # the next request on the same session gets its own answer.
    assert capture_http(good, FAST, session).body == b"made good"
    assert [s.path for s in server.seen] == ["/made-short.txt", "/made-good.txt"]


def test_content_length_longer_than_the_body_is_a_broken_connection(server: Server) -> None:
    url = server.route("/made-long.txt", length_longer)
    with pytest.raises(CaptureError) as caught:
        capture_url(url, FAST)
    assert caught.value.reason == (
        f"connection broken after {len(PAGE)} bytes of the body: IncompleteRead({len(PAGE)} "
        f"bytes read, {len(PAGE)} more expected) (after 2 attempts)"
    )
    assert len(server.seen) == 2  # retried, as any broken connection is


def test_an_endless_chunked_body_stops_at_max_bytes(server: Server) -> None:
    url = server.route("/made-endless.txt", chunked_endless)
    started = time.monotonic()
    with pytest.raises(CaptureError, match=r"^.*: body is over the limit of 200000 bytes$"):
        capture_url(url, FAST)
    assert time.monotonic() - started < 2


def test_an_endless_chunked_drip_stops_at_the_deadline(server: Server) -> None:
    url = server.route("/made-endless-drip.txt", chunked_drip)
    started = time.monotonic()
    with pytest.raises(CaptureError, match=r"not finished within 1 s \(\d+ bytes received\)"):
        capture_url(url, FetchOptions(retries=2, read_timeout=2, total_timeout=1))
    assert time.monotonic() - started < 2.5
    assert len(server.seen) == 1  # a deadline is not retried


def test_a_chunk_size_that_is_not_a_number_is_a_broken_connection(server: Server) -> None:
    url = server.route("/made-bad-chunk.txt", chunk_size_not_a_number)
    with pytest.raises(CaptureError, match=r"connection broken after 0 bytes of the body"):
        capture_url(url, FAST)


# --------------------------------------------------------------------------- all in one run

# The options of the run, and what each hostile witness must come to.
TIMEOUT, DEADLINE, RETRIES, MAX_BYTES = 1.0, 2.0, 1, 200_000
WAIT = 1.0  # the wait before the one retry (backoff 1 s, as by default)
DEADLINE_PASSED = r"response not finished within 2 s \({}\): the deadline passed"
BROKEN = r"connection broken after {} bytes of the body: {} \(after 2 attempts\)"
HOSTILE = {
    "made-slow-headers": (headers_drip, DEADLINE_PASSED.format("the headers never completed")),
    "made-slow-body": (body_drip, DEADLINE_PASSED.format(r"\d+ bytes received")),
    "made-stall": (stall, r"body stalled for 1 s after 100 bytes"),
    "made-silent": (silent, r"no response within 1 s"),
    "made-reset": (
        reset_mid_body,
        BROKEN.format(r"\d+", r"\[Errno 104\] Connection reset by peer"),
    ),
    "made-length-longer": (
        length_longer,
        BROKEN.format(
            len(PAGE),
            rf"IncompleteRead\({len(PAGE)} bytes read, {len(PAGE)} more "
            r"expected\)",
        ),
    ),
    "made-chunked-endless": (chunked_endless, r"body is over the limit of 200000 bytes"),
    "made-chunked-drip": (chunked_drip, DEADLINE_PASSED.format(r"\d+ bytes received")),
    "made-bad-chunk": (
        chunk_size_not_a_number,
        BROKEN.format(0, r"invalid literal for int\(\) .*"),
    ),
    "made-bomb": (gzip_bomb, r"gzip body inflates past the limit of 200000 bytes"),
}
PRIVATE = "redirect to a loopback address 127.0.0.1 refused \\(--allow-private to follow\\)"
PUBLIC = "93.184.216.34"
# The command line as a process, with the resolver answering a public address for
# "localhost" (and only for it), so that one witness counts as public while every
# connection stays on loopback (as in tests/test_private_redirects.py).
AS_PUBLIC = f"""
import sys
from docwitness.capture import addresses
real = addresses.resolve
addresses.resolve = lambda host: {PUBLIC!r} if host == "localhost" else real(host)
from docwitness.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _catalogue(tmp_path: Path, server: Server, inside: Server) -> Path:
    (tmp_path / "made-good.txt").write_bytes(PAGE)
    lines = [
        "[document]",
        'id = "made-doc"',
        'title = "made"',
        'language = "zh"',
        "",
        "[[witness]]",
        'id = "made-good"',
        'role = "official"',
        'path = "made-good.txt"',
    ]

    def witness(wid: str, url: str) -> None:
        lines.extend(
            [
                "",
                "[[witness]]",
                f'id = "{wid}"',
                'role = "mirror"',
                f'url = "{url}"',
                'format = "text"',
            ]
        )

    witness("made-length-shorter", server.route("/made-length-shorter.txt", length_shorter))
    for wid, (handler, _) in HOSTILE.items():
        witness(wid, server.route(f"/{wid}.txt", handler))
    secret = inside.route("/made-secret.txt", static(b"made secret", headers=TEXT))
    server.route("/made-private", static(b"", 302, {"Location": secret}))
    witness("made-private", server.url("/made-private").replace("127.0.0.1", "localhost"))
    path = tmp_path / "made-catalogue.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", AS_PUBLIC, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc, time.monotonic() - started


def test_one_fetch_over_every_hostile_server_keeps_its_promises(tmp_path: Path) -> None:
    with serving() as server, serving() as inside:
        catalogue = _catalogue(tmp_path, server, inside)
        store = tmp_path / "made-store"
        limits = [
            "--timeout",
            f"{TIMEOUT:g}",
            "--deadline",
            f"{DEADLINE:g}",
            "--retries",
            str(RETRIES),
            "--max-bytes",
            str(MAX_BYTES),
        ]
        proc, took = _run(
            "fetch", str(catalogue), "--store", str(store), "--json", *limits, cwd=tmp_path
        )
        assert inside.seen == []  # the refused redirect sent nothing inside
    assert proc.returncode == ExitCode.INCOMPLETE, proc.stderr
    assert proc.stderr == ""  # no traceback, no library's log line: the results say it all
    results = {r["witness"]: r for r in json.loads(proc.stdout)}
    assert results["made-good"]["status"] == "captured"
    assert results["made-length-shorter"]["status"] == "captured"
    assert results["made-private"]["status"] == "unavailable"
    assert _fullmatch(PRIVATE, results["made-private"]["reason"])
    for wid, (_, reason) in HOSTILE.items():
        assert results[wid]["status"] == "unavailable", wid
        assert "\n" not in results[wid]["reason"]
        assert _fullmatch(reason, results[wid]["reason"]), (wid, results[wid]["reason"])

    # The bound the options imply: each hostile witness holds a connection for at
    # most (retries + 1) × (deadline + the wait between tries), two connections to
    # a host at once, plus the start-up and the local copy.
    each = (RETRIES + 1) * (DEADLINE + WAIT)
    bound = math.ceil((len(HOSTILE) + 2) / 2) * each + 10
    assert took < bound, f"fetch took {took:.1f} s, bound {bound:.1f} s"
    print(f"fetch over {len(HOSTILE) + 2} hostile servers: {took:.1f} s (bound {bound:.1f} s)")

    # Nothing half-written: the store verifies, holds no temporary file, and has a
    # history only for the witnesses captured; the short one is the declared bytes.
    verify, _ = _run("verify", "--store", str(store), cwd=tmp_path)
    assert verify.returncode == 0 and verify.stderr == ""
    assert verify.stdout == f"store {store}: all objects and records verified\n"
    assert not list(store.rglob(TMP_PREFIX + "*"))
    histories = sorted(p.stem for p in (store / "witnesses" / "made-doc").glob("*.jsonl"))
    assert histories == ["made-good", "made-length-shorter"]
    entry = Store(store).latest("made-doc", "made-length-shorter")
    assert entry is not None and Store(store).get(entry.raw) == PAGE[: len(PAGE) // 2]

    # Collating what was kept reports the short copy as cut off, and no error.
    collate, _ = _run(
        "collate", str(catalogue), "--store", str(store), "--format", "json", cwd=tmp_path
    )
    assert collate.returncode == ExitCode.FINDINGS and collate.stderr == ""
    report = json.loads(collate.stdout)
    verdicts = {w["id"]: w["verdict"] for w in report["witnesses"]}
    assert verdicts["made-length-shorter"] == "truncated"
    assert sum(v == "unavailable" for v in verdicts.values()) == len(HOSTILE) + 1


def _fullmatch(pattern: str, text: str) -> bool:
    import re

    return re.fullmatch(pattern, text) is not None
