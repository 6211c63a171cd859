"""The network fetcher against a real server on 127.0.0.1 (tests/httpserver.py).

Every page served is a made copy built from the seed (made.made_statement());
the hostile cases are scripted handlers. Retry waits and time budgets are set
tiny through FetchOptions so the suite stays fast.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

import made
from docwitness.capture import (
    FetchOptions,
    IncompleteCapture,
    capture_url,
    capture_witness,
    fetch_many,
)
from docwitness.capture.progress import FetchProgress
from docwitness.errors import CaptureError
from docwitness.extract.links import next_links
from docwitness.extract.text import decode_text
from docwitness.model import Capture, canonical_json, sha256_bytes
from docwitness.provenance import HttpProvenance, PageGap
from docwitness.specs import WitnessSpec
from docwitness.store.records import PageProvenance
from httpserver import Server, reset, respond, serving, static

FAST = FetchOptions(
    connect_timeout=2, read_timeout=2, total_timeout=5, retries=2, backoff=0.001, max_wait=0.05
)
PARAS = made.made_statement()


def http_of(c: Capture) -> HttpProvenance:
    assert c.http is not None
    return c.http


def stored(captures: list[Capture]) -> list[PageProvenance]:
    """The captures' provenance as a history line holds it, read back from its JSON."""
    return [
        PageProvenance.from_json(json.loads(canonical_json(PageProvenance.of(c).to_json())))
        for c in captures
    ]


def made_page(paras: list[str], charset: str | None = "gb2312", extra: str = "") -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    body = "".join(f"<p>{p}</p>\n" for p in paras)
    return (
        f"<html><head>{meta if charset else ''}<title>made</title></head>"
        f"<body>\n{body}{extra}</body></html>\n"
    )


@pytest.fixture
def server() -> Iterator[Server]:
    with serving() as s:
        yield s


def spec(**kw: object) -> WitnessSpec:
    return WitnessSpec(id=str(kw.pop("id", "made-witness")), role="mirror", **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- provenance, charset


def test_provenance_of_a_plain_capture(server: Server) -> None:
    body = made_page(PARAS).encode("gb18030")
    url = server.route("/made-gb.html", static(body, headers={"Content-Type": "text/html"}))
    [c] = capture_url(url, FAST)
    assert c.body == body and c.sha256 == sha256_bytes(body) and c.size == len(body)
    assert (c.transport, c.status, c.media_type) == ("http", "captured", "text/html")
    http = http_of(c)
    assert http.request_url == url and http.final_url == url
    assert http.status == 200 and http.redirects == ()
    assert http.headers["Content-Type"] == "text/html"
    assert http.server_address == f"127.0.0.1:{server.port}"
    assert http.wire_sha256 == http.decoded_sha256 == c.sha256
    assert http.charset is None
    assert server.seen[0].headers["User-Agent"].startswith("docwitness/")
    canonical_json(PageProvenance.of(c).to_json())  # the history entry must be plain JSON


def test_gb18030_with_the_charset_only_in_meta(server: Server) -> None:
    body = made_page(PARAS, "gb2312").encode("gb18030")
    [c] = capture_url(server.route("/made-meta.html", static(body)), FAST)
    d = decode_text(c, html=True)
    assert (d.encoding, d.chosen_by, d.disagreement) == ("gb18030", "meta", False)
    assert made.TITLE in d.text


@pytest.mark.parametrize("header", ["iso-8859-1", "utf-8"])
def test_wrong_header_charset_loses_to_meta_and_is_flagged(server: Server, header: str) -> None:
    body = made_page(PARAS, "gb2312").encode("gb18030")
    ctype = {"Content-Type": f"text/html; charset={header}"}
    [c] = capture_url(server.route("/made-wrong.html", static(body, headers=ctype)), FAST)
    assert http_of(c).charset == header
    d = decode_text(c, html=True)
    assert (d.encoding, d.chosen_by) == ("gb18030", "meta")
    assert d.disagreeing == ("header",)
    assert made.TITLE in d.text


def test_utf8_with_a_bom(server: Server) -> None:
    body = b"\xef\xbb\xbf" + made_page(PARAS, None).encode("utf-8")
    headers = {"Content-Type": "text/html; charset=gbk"}
    [c] = capture_url(server.route("/made-bom.html", static(body, headers=headers)), FAST)
    d = decode_text(c, html=True)
    assert (d.encoding, d.chosen_by) == ("utf-8", "bom")
    assert d.text.startswith("<html>")
    assert d.disagreeing == ("header",)


# --------------------------------------------------------------------------- conditional requests


def _conditional(etag: str | None, modified: str | None, body: bytes):  # type: ignore[no-untyped-def]
    def handler(h: BaseHTTPRequestHandler) -> None:
        headers = {"Content-Type": "text/html"}
        if etag:
            headers["ETag"] = etag
        if modified:
            headers["Last-Modified"] = modified
        if (etag and h.headers.get("If-None-Match") == etag) or (
            not etag and modified and h.headers.get("If-Modified-Since") == modified
        ):
            respond(h, 304, b"", headers)
        else:
            respond(h, 200, body, headers)

    return handler


@pytest.mark.parametrize(
    ("etag", "modified", "sent"),
    [
        ('"made-v1"', None, "If-None-Match"),
        (None, "Wed, 05 Jul 2017 05:42:41 GMT", "If-Modified-Since"),
    ],
)
def test_conditional_round_trip_gives_304(
    server: Server, etag: str | None, modified: str | None, sent: str
) -> None:
    body = made_page(PARAS).encode("gb18030")
    url = server.route("/made-cond.html", _conditional(etag, modified, body))
    w = spec(url=url)
    first = capture_witness(w, None, FAST)
    assert first[0].status == "captured"
    assert sent not in server.seen[0].headers
    [again] = capture_witness(w, stored(first), FAST)
    assert server.seen[1].headers[sent] == (etag or modified)
    assert again.status == "not-modified" and again.body == b""
    assert (again.sha256, again.size) == (first[0].sha256, first[0].size)
    assert http_of(again).status == 304
    # A third run chains from the 304's record and still sends the validator.
    [third] = capture_witness(w, stored([again]), FAST)
    assert third.status == "not-modified" and server.seen[2].headers[sent] == (etag or modified)


def test_unconditional_304_is_an_error(server: Server) -> None:
    url = server.route("/made-304.html", static(b"", 304))
    with pytest.raises(CaptureError, match="not conditional"):
        capture_url(url, FAST)


# --------------------------------------------------------------------------- redirects


def test_redirect_chain_is_recorded_hop_by_hop(server: Server) -> None:
    server.route("/r1", static(b"", 301, {"Location": "/r2"}))
    server.route("/r2", static(b"", 302, {"Location": "r3"}))
    server.route("/r3", static(b"", 307, {"Location": server.url("/made-final.html")}))
    server.route("/made-final.html", static(made_page(PARAS[:3]).encode("gb18030")))
    [c] = capture_url(server.url("/r1"), FAST)
    http = http_of(c)
    assert [(h.status, h.location) for h in http.redirects] == [
        (301, server.url("/r2")),
        (302, server.url("/r3")),
        (307, server.url("/made-final.html")),
    ]
    assert http.final_url == server.url("/made-final.html")
    assert c.source == http.request_url == server.url("/r1")


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:,hello"])
def test_redirect_to_a_non_http_scheme_is_refused(server: Server, target: str) -> None:
    url = server.route("/made-evil", static(b"", 302, {"Location": target}))
    with pytest.raises(CaptureError, match="non-HTTP URL refused"):
        capture_url(url, FAST)


def test_redirect_loop_and_too_many_redirects(server: Server) -> None:
    server.route("/loop-a", static(b"", 302, {"Location": "/loop-b"}))
    server.route("/loop-b", static(b"", 302, {"Location": "/loop-a"}))
    with pytest.raises(CaptureError, match="redirect loop"):
        capture_url(server.url("/loop-a"), FAST)
    for i in range(5):
        server.route(f"/hop{i}", static(b"", 302, {"Location": f"/hop{i + 1}"}))
    opts = FetchOptions(retries=0, max_redirects=3)
    with pytest.raises(CaptureError, match="more than 3 redirects"):
        capture_url(server.url("/hop0"), opts)


# --------------------------------------------------------------------------- retries and errors


def test_429_with_retry_after_then_200(server: Server) -> None:
    body = made_page(PARAS[:2]).encode("gb18030")
    calls: list[int] = []

    def handler(h: BaseHTTPRequestHandler) -> None:
        calls.append(1)
        if len(calls) == 1:
            respond(h, 429, b"slow down", {"Retry-After": "1"})
        else:
            respond(h, 200, body)

    url = server.route("/made-429.html", handler)
    # backoff alone would wait 1 ms; the 0.3 s gap comes from Retry-After (capped).
    opts = FetchOptions(retries=2, backoff=0.001, max_wait=0.3)
    [c] = capture_url(url, opts)
    assert c.body == body
    gap = server.seen[1].at - server.seen[0].at
    assert 0.25 <= gap < 1.0
    [attempt] = http_of(c).attempts
    assert attempt.outcome.startswith("HTTP 429") and attempt.wait_s == 0.3


def test_500_three_times_then_unavailable(server: Server) -> None:
    url = server.route("/made-500.html", static(b"boom", 500))
    with pytest.raises(CaptureError, match=r"HTTP 500 .*after 3 attempts"):
        capture_url(url, FAST)  # retries=2: three attempts in all
    assert len(server.seen) == 3


def test_negative_retries_still_make_one_attempt(server: Server) -> None:
    url = server.route("/made-500-once.html", static(b"boom", 500))
    with pytest.raises(CaptureError, match=r"HTTP 500 .*after 1 attempt\)"):
        capture_url(url, FetchOptions(retries=-1, backoff=0.001))
    assert len(server.seen) == 1


@pytest.mark.parametrize("status", [404, 410])
def test_client_errors_are_not_retried(server: Server, status: int) -> None:
    url = server.route("/made-gone.html", static(b"gone", status))
    with pytest.raises(CaptureError, match=f"HTTP {status}"):
        capture_url(url, FAST)
    assert len(server.seen) == 1


def test_connection_refused_is_retried_then_unavailable() -> None:
    with serving() as s:
        url = s.url("/made-closed.html")
    with pytest.raises(CaptureError, match=r"connection failed.*after 3 attempts"):
        capture_url(url, FAST)


def test_tls_to_a_plain_http_server_is_a_tls_failure(server: Server) -> None:
    url = server.url("/made.html").replace("http://", "https://")
    with pytest.raises(CaptureError, match="TLS failure"):
        capture_url(url, FAST)


# --------------------------------------------------------------------------- limits


def test_body_over_the_limit_declared_and_streamed(server: Server) -> None:
    big = ("。".join(PARAS) * 10).encode("utf-8")[:20_000]
    opts = FetchOptions(retries=0, max_bytes=10_000)
    declared = server.route("/made-big.html", static(big))
    with pytest.raises(CaptureError, match="over the limit of 10000"):
        capture_url(declared, opts)
    # No Content-Length: the limit must hold while streaming, too.
    undeclared = server.route("/made-big-stream.html", lambda h: respond(h, 200, big, length=False))
    with pytest.raises(CaptureError, match="body is over the limit of 10000"):
        capture_url(undeclared, opts)


def test_gzip_body_is_decoded_and_both_digests_recorded(server: Server) -> None:
    page = made_page(PARAS).encode("gb18030")
    wire = gzip.compress(page)
    headers = {"Content-Encoding": "gzip", "Content-Type": "text/html"}
    [c] = capture_url(server.route("/made-gz.html", static(wire, headers=headers)), FAST)
    http = http_of(c)
    assert c.body == page and c.sha256 == sha256_bytes(page)
    assert (http.wire_sha256, http.wire_size) == (sha256_bytes(wire), len(wire))
    assert http.decoded_sha256 == sha256_bytes(page)


def test_gzip_body_inflating_past_the_limit(server: Server) -> None:
    bomb = gzip.compress(b"\x00" * 5_000_000)
    assert len(bomb) < 10_000
    headers = {"Content-Encoding": "gzip", "Content-Type": "text/html"}
    url = server.route("/made-bomb.html", static(bomb, headers=headers))
    with pytest.raises(CaptureError, match="inflates past the limit of 100000"):
        capture_url(url, FetchOptions(retries=0, max_bytes=100_000))


def _drip(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Length", "200")
    h.end_headers()
    for _ in range(200):  # 200 bytes over ~10 s, each within the read timeout
        h.wfile.write(b"x")
        h.wfile.flush()
        time.sleep(0.05)


def test_slow_drip_hits_the_total_time_budget(server: Server) -> None:
    url = server.route("/made-slow.html", _drip)
    started = time.monotonic()
    with pytest.raises(CaptureError, match=r"not finished within 0\.5 s"):
        capture_url(url, FetchOptions(retries=0, read_timeout=2, total_timeout=0.5))
    assert time.monotonic() - started < 2


def test_headers_dripping_within_the_read_timeout_hit_the_budget(server: Server) -> None:
    def drip_headers(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for n in range(100):  # each header line well within the read timeout, forever
            h.wfile.write(f"X-Made-{n}: slow\r\n".encode())
            h.wfile.flush()
            time.sleep(0.1)

    url = server.route("/made-slow-headers.html", drip_headers)
    started = time.monotonic()
    with pytest.raises(CaptureError, match=r"not finished within 0\.5 s \(the headers never"):
        capture_url(url, FetchOptions(retries=2, read_timeout=2, total_timeout=0.5))
    assert time.monotonic() - started < 2  # not retried, not held for 10 s


def test_stalled_body_hits_the_read_timeout(server: Server) -> None:
    def stall(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "100")
        h.end_headers()
        h.wfile.write(b"x" * 10)
        h.wfile.flush()
        time.sleep(1.5)

    url = server.route("/made-stall.html", stall)
    with pytest.raises(CaptureError, match="stalled"):
        capture_url(url, FetchOptions(retries=0, read_timeout=0.3, total_timeout=5))


def test_connection_reset_mid_body(server: Server) -> None:
    page = made_page(PARAS).encode("gb18030")

    def cut(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(len(page)))
        h.end_headers()
        h.wfile.write(page[: len(page) // 2])
        reset(h)

    url = server.route("/made-reset.html", cut)
    with pytest.raises(CaptureError, match=r"connection broken after \d+ bytes.*after 2 attempts"):
        capture_url(url, FetchOptions(retries=1, backoff=0.001))
    assert len(server.seen) == 2  # a broken connection is retried


# --------------------------------------------------------------------------- paginated copies


def _pages(server: Server, n: int, missing: int | None = None, link: str = "下一页") -> list[str]:
    """A made copy split over ``n`` pages made-paged_1.html … with next links; one may 404."""
    chunks = [PARAS[i::n] for i in range(n)]
    urls = []
    for i in range(1, n + 1):
        nxt = f'<a href="made-paged_{i + 1}.html">{link}</a>' if i < n else ""
        page = made_page(chunks[i - 1], extra=nxt).encode("gb18030")
        if i != missing:
            server.route(f"/made-paged_{i}.html", static(page))
        urls.append(server.url(f"/made-paged_{i}.html"))
    return urls


def test_url_list_with_a_missing_page_reports_the_gap(server: Server) -> None:
    urls = _pages(server, 3, missing=2)
    with pytest.raises(IncompleteCapture) as info:
        capture_witness(spec(urls=tuple(urls)), None, FAST)
    exc = info.value
    assert [c.source for c in exc.captures] == [urls[0], urls[2]]
    assert exc.gaps == (PageGap(page=2, url=urls[1], reason="HTTP 404 Not Found", after=1),)
    assert isinstance(exc, CaptureError)  # an unaware caller still sees "unavailable"


def test_next_links_are_followed_in_order(server: Server) -> None:
    urls = _pages(server, 3)
    captures = capture_witness(spec(url=urls[0]), None, FAST, next_links=next_links)
    assert [c.source for c in captures] == urls
    assert [http_of(c).next_url for c in captures] == [urls[1], urls[2], None]


def test_next_link_to_a_missing_page_is_a_gap(server: Server) -> None:
    urls = _pages(server, 3, missing=3)
    with pytest.raises(IncompleteCapture) as info:
        capture_witness(spec(url=urls[0]), None, FAST, next_links=next_links)
    assert [c.source for c in info.value.captures] == urls[:2]
    [gap] = info.value.gaps
    assert (gap.page, gap.url, gap.after) == (3, urls[2], 2)
    assert gap.reason.startswith("HTTP 404")


def test_page_limit_is_a_gap_not_a_silent_stop(server: Server) -> None:
    urls = _pages(server, 3)
    with pytest.raises(IncompleteCapture) as info:
        capture_witness(spec(url=urls[0], max_pages=2), None, FAST, next_links=next_links)
    assert len(info.value.captures) == 2
    assert info.value.gaps[0].reason == "page limit of 2 reached"


def test_next_link_into_another_article_is_not_followed(server: Server) -> None:
    other = '<a href="/other/made-article.html">下一页</a>'
    page = made_page(PARAS, extra=other).encode("gb18030")
    url = server.route("/news/made-1.html", static(page))
    assert len(capture_witness(spec(url=url), None, FAST, next_links=next_links)) == 1
    assert server.requests_to("/other/made-article.html") == []


def test_next_selector(server: Server) -> None:
    urls = _pages(server, 2, link="more")  # no 下一页 text: only the selector finds it
    assert len(capture_witness(spec(url=urls[0]), None, FAST, next_links=next_links)) == 1
    assert len(capture_witness(spec(url=urls[0], next="a"), None, FAST, next_links=next_links)) == 2


def test_invalid_next_selector_makes_the_witness_unavailable(server: Server) -> None:
    urls = _pages(server, 2)
    with pytest.raises(CaptureError, match="invalid next selector 'a\\['"):
        capture_witness(spec(url=urls[0], next="a["), None, FAST, next_links=next_links)


def test_without_a_link_reader_only_the_first_page_is_captured(server: Server) -> None:
    urls = _pages(server, 3)
    assert [c.source for c in capture_witness(spec(url=urls[0]), None, FAST)] == urls[:1]


def test_unchanged_pages_follow_the_recorded_next_links(server: Server) -> None:
    stamp = "Wed, 05 Jul 2017 05:42:41 GMT"
    urls = _pages(server, 2)
    for i, u in enumerate(urls):  # serve the same pages, answering 304 when asked conditionally
        path = u.removeprefix(server.url(""))
        page = made_page(
            PARAS[i::2], extra='<a href="made-paged_2.html">下一页</a>' if i == 0 else ""
        )
        server.route(path, _conditional(None, stamp, page.encode("gb18030")))
    first = capture_witness(spec(url=urls[0]), None, FAST, next_links=next_links)
    again = capture_witness(spec(url=urls[0]), stored(first), FAST, next_links=next_links)
    # Page 1's 304 has no body to find the link in, yet page 2 was asked for.
    assert [(c.source, c.status) for c in again] == [(u, "not-modified") for u in urls]


# --------------------------------------------------------------------------- web archive


def _archive(server: Server, original: str, body: bytes) -> None:
    """A made archive under /web/: a partial timestamp redirects to the exact capture."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        if h.path == f"/web/20170705id_/{original}":
            respond(h, 302, b"", {"Location": f"/web/20170705054241id_/{original}"})
        elif h.path == f"/web/20170705054241id_/{original}":
            respond(
                h,
                200,
                body,
                {
                    "Content-Type": "text/html",
                    "Memento-Datetime": "Wed, 05 Jul 2017 05:42:41 GMT",
                    "Link": f'<{original}>; rel="original", <x>; rel="timemap"',
                },
            )
        else:
            respond(h, 404, b"no capture")

    server.route("/web/*", handler)


def test_wayback_timestamp_fetches_the_id_form(server: Server) -> None:
    original = "http://news.china.com/made/30912031_1.html"
    body = made_page(PARAS).encode("gb18030")
    _archive(server, original, body)
    opts = FetchOptions(retries=0, wayback_base=server.url("/web/"))
    [c] = capture_witness(spec(url=original, wayback="20170705"), None, opts)
    assert c.body == body and c.transport == "wayback"
    archive = http_of(c).archive
    assert archive is not None and archive.original_url == original
    assert (archive.requested_timestamp, archive.timestamp) == ("20170705", "20170705054241")
    assert archive.captured == "2017-07-05T05:42:41Z"
    assert server.seen[0].path == f"/web/20170705id_/{original}"


def test_full_archive_url_is_rewritten_to_id_and_capture_url_knows_it(server: Server) -> None:
    original = "http://news.china.com/made/30912031_1.html"
    _archive(server, original, made_page(PARAS).encode("gb18030"))
    opts = FetchOptions(retries=0, wayback_base=server.url("/web/"))
    [c] = capture_url(server.url(f"/web/20170705/{original}"), opts)
    assert c.transport == "wayback"
    assert server.seen[0].path == f"/web/20170705id_/{original}"  # no banner form fetched


# --------------------------------------------------------------------------- many witnesses


def test_fetch_many_isolates_failures_and_limits_connections_per_host(server: Server) -> None:
    page = made_page(PARAS[:2]).encode("gb18030")

    def slow(h: BaseHTTPRequestHandler) -> None:
        time.sleep(0.15)
        respond(h, 200, page)

    specs = [spec(id=f"made-{i}", url=server.route(f"/made-{i}.html", slow)) for i in range(6)]
    specs.append(spec(id="made-gone", url=server.route("/made-gone.html", static(b"", 404))))
    events: list[FetchProgress] = []
    opts = FetchOptions(retries=0, workers=7, per_host=2)
    results = fetch_many(specs, {}, opts, progress=events.append)
    assert list(results) == [s.id for s in specs]
    assert all(isinstance(results[f"made-{i}"], list) for i in range(6))
    gone = results["made-gone"]
    assert isinstance(gone, CaptureError) and "HTTP 404" in gone.reason
    assert server.max_in_flight == 2  # concurrent, but never more than two at once
    assert sorted(e.done for e in events) == list(range(1, 8))
    assert {e.outcome for e in events} == {"captured", "unavailable"}
