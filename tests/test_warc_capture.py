"""The WARC written while fetching, read back with warcio (records, digests, check, index).

Every page is a made copy built from the seed, served from a real server on
127.0.0.1 (tests/httpserver.py); the catalogue names the made witnesses.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

import made
from archive_formats import records, warcio_check, warcio_index
from docwitness import __version__, pipeline
from docwitness.capture import FetchOptions
from docwitness.store import Store
from httpserver import Server, respond, serving

FAST = FetchOptions(
    connect_timeout=2, read_timeout=2, total_timeout=5, retries=1, backoff=0.001, max_wait=0.05
)
TEXT = "\n\n".join(made.made_statement()) + "\n"


def b32(data: bytes) -> str:
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode()


@pytest.fixture
def server() -> Iterator[Server]:
    with serving() as s:
        yield s


def catalogue(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "made-catalogue.toml"
    path.write_text(
        f"""
[document]
id = "made-statement"
title = "made"
language = "zh"

[[witness]]
id = "made-mirror"
role = "mirror"
url = "{url}"
format = "text"
""",
        encoding="utf-8",
    )
    return path


def fetch(tmp_path: Path, url: str) -> Store:
    results = pipeline.fetch([catalogue(tmp_path, url)], tmp_path / "store", options=FAST)
    assert [r.status for r in results] in (["captured"], ["unchanged"], ["not-modified"])
    return Store(tmp_path / "store")


def latest_warc(store: Store) -> bytes:
    entry = store.latest("made-statement", "made-mirror")
    assert entry is not None and entry.warc is not None
    return store.get(entry.warc)


def test_a_redirected_gzipped_page_is_recorded_hop_by_hop_as_received(
    server: Server, tmp_path: Path
) -> None:
    wire = gzip.compress(TEXT.encode("utf-8"))
    server.route("/made-old.txt", lambda h: respond(h, 301, b"", {"Location": "/made-new.txt"}))
    server.route(
        "/made-new.txt",
        lambda h: respond(
            h, 200, wire, {"Content-Type": "text/plain; charset=utf-8", "Content-Encoding": "gzip"}
        ),
    )
    store = fetch(tmp_path, server.url("/made-old.txt"))
    data = latest_warc(store)
    recs = records(data)
    assert [r.type for r in recs] == ["warcinfo", "request", "response", "request", "response"]
    info = recs[0].payload.decode()
    assert f"software: docwitness/{__version__}" in info
    assert recs[0].headers["WARC-Filename"] == "made-statement-made-mirror.warc.gz"
    old, new = server.url("/made-old.txt"), server.url("/made-new.txt")
    assert [r.headers["WARC-Target-URI"] for r in recs[1:]] == [old, old, new, new]
    assert [r.http_status for r in recs[1:]] == [None, "301", None, "200"]
    for request, response in ((recs[1], recs[2]), (recs[3], recs[4])):
        assert request.headers["WARC-Concurrent-To"] == response.headers["WARC-Record-ID"]
        assert request.headers["WARC-Date"] == response.headers["WARC-Date"]
        assert response.headers["WARC-Block-Digest"].startswith("sha256:")
        assert response.digest_passed is True and request.digest_passed is True
    # The body as it came off the connection: still gzipped, its digest in the record.
    final = recs[4]
    assert final.headers["WARC-IP-Address"] == recs[3].headers["WARC-IP-Address"] == "127.0.0.1"
    assert final.payload == wire
    assert final.headers["WARC-Payload-Digest"] == b32(wire)
    assert ("Content-Encoding", "gzip") in final.http_headers
    # The redirect's body was not read: the record says it is cut.
    assert recs[2].headers["WARC-Truncated"] == "unspecified"
    assert "WARC-Truncated" not in final.headers
    # What the client sent: the request line, Host and docwitness's User-Agent.
    request_line = [k for k, _ in recs[3].http_headers]
    assert request_line[0] == "Host"
    assert any(k == "User-Agent" and v.startswith("docwitness/") for k, v in recs[3].http_headers)


def test_warcio_check_and_index_pass_every_stored_warc(server: Server, tmp_path: Path) -> None:
    server.route("/made.txt", lambda h: respond(h, 200, TEXT.encode(), {"ETag": '"v1"'}))
    store = fetch(tmp_path, server.url("/made.txt"))
    path = tmp_path / "made.warc.gz"
    path.write_bytes(latest_warc(store))
    code, said = warcio_check(path)
    assert code == 0 and said.count("digest pass") == 3, said
    index = warcio_index(path)
    assert [(i["warc-type"], i.get("http:status")) for i in index] == [
        ("warcinfo", None),
        ("request", None),
        ("response", "200"),
    ]


def test_a_304_is_a_server_not_modified_revisit(server: Server, tmp_path: Path) -> None:
    body = TEXT.encode()

    def handler(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == '"v1"':
            respond(h, 304, b"", {"ETag": '"v1"'})
        else:
            respond(h, 200, body, {"ETag": '"v1"', "Content-Type": "text/plain"})

    url = server.route("/made.txt", handler)
    fetch(tmp_path, url)
    store = fetch(tmp_path, url)
    [first, second] = store.history("made-statement", "made-mirror")
    assert second.status == "not-modified" and second.warc not in (None, first.warc)
    recs = records(store.get(str(second.warc)))
    assert [r.type for r in recs] == ["warcinfo", "request", "revisit"]
    revisit = recs[2]
    assert revisit.http_status == "304"
    assert revisit.headers["WARC-Profile"].endswith("/revisit/server-not-modified")
    assert revisit.headers["WARC-Refers-To-Target-URI"] == url
    # The payload the server says is unchanged: the first capture's.
    assert revisit.headers["WARC-Payload-Digest"] == b32(body)
    before = [r for r in records(store.get(str(first.warc))) if r.type == "response"]
    assert before[0].headers["WARC-Payload-Digest"] == revisit.headers["WARC-Payload-Digest"]


def test_an_unchanged_body_is_an_identical_payload_revisit(server: Server, tmp_path: Path) -> None:
    url = server.route("/made.txt", lambda h: respond(h, 200, TEXT.encode()))  # no validators
    fetch(tmp_path, url)
    store = fetch(tmp_path, url)
    second = store.history("made-statement", "made-mirror")[-1]
    recs = records(store.get(str(second.warc)))
    assert [r.type for r in recs] == ["warcinfo", "request", "revisit"]
    assert recs[2].headers["WARC-Profile"].endswith("/revisit/identical-payload-digest")
    assert recs[2].headers["WARC-Payload-Digest"] == b32(TEXT.encode())
    assert recs[2].payload == b""  # a revisit holds the headers only


def test_a_changed_body_is_a_response_again(server: Server, tmp_path: Path) -> None:
    bodies = [TEXT.encode(), TEXT.replace("坚决", "强烈").encode()]
    url = server.route("/made.txt", lambda h: respond(h, 200, bodies[0]))
    fetch(tmp_path, url)
    bodies.pop(0)
    store = fetch(tmp_path, url)
    recs = records(latest_warc(store))
    assert recs[2].type == "response" and recs[2].payload == bodies[0]


def test_every_page_of_a_paginated_copy_is_in_the_entry_s_warc(
    server: Server, tmp_path: Path
) -> None:
    paras = made.made_statement()
    page2 = server.url("/made-paged_2.html")
    one = (
        f'<html><body><p>{"</p><p>".join(paras[:8])}</p><a href="{page2}">下一页</a></body></html>'
    )
    two = f"<html><body><p>{'</p><p>'.join(paras[8:])}</p></body></html>"
    ctype = {"Content-Type": "text/html; charset=utf-8"}
    server.route("/made-paged_1.html", lambda h: respond(h, 200, one.encode(), ctype))
    server.route("/made-paged_2.html", lambda h: respond(h, 200, two.encode(), ctype))
    cat = catalogue(tmp_path, server.url("/made-paged_1.html"))
    cat.write_text(cat.read_text().replace('format = "text"', 'format = "html"'))
    pipeline.fetch([cat], tmp_path / "store", options=FAST)
    store = Store(tmp_path / "store")
    recs = records(latest_warc(store))
    responses = [r for r in recs if r.type == "response"]
    assert [r.payload for r in responses] == [one.encode(), two.encode()]


def test_verify_names_a_missing_or_altered_warc(server: Server, tmp_path: Path) -> None:
    url = server.route("/made.txt", lambda h: respond(h, 200, TEXT.encode()))
    store = fetch(tmp_path, url)
    assert store.verify() == []
    entry = store.latest("made-statement", "made-mirror")
    assert entry is not None and entry.warc is not None
    path = store.object_path(entry.warc)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert [(p.kind, p.path) for p in store.verify()] == [("mismatch", str(path))]
    path.unlink()
    problems = store.verify()
    assert [(p.kind, p.expected) for p in problems] == [("missing", entry.warc)]
    assert "WARC" in problems[0].found


def test_a_local_copy_has_no_warc(tmp_path: Path) -> None:
    made.write_made(tmp_path, "made-local.txt", made.made_statement())
    cat = tmp_path / "made-catalogue.toml"
    cat.write_text(
        '[document]\nid = "made-statement"\ntitle = "made"\nlanguage = "zh"\n\n'
        '[[witness]]\nid = "made-local"\nrole = "mirror"\npath = "made-local.txt"\n',
        encoding="utf-8",
    )
    pipeline.fetch([cat], tmp_path / "store")
    entry = Store(tmp_path / "store").latest("made-statement", "made-local")
    assert entry is not None and entry.warc is None
    assert "warc" not in entry.to_json()
