"""Redirects from a public address into the local network are refused, unless allowed.

The rule is a pure function of two addresses and a flag, tested with addresses
as strings. The wiring is tested end to end against servers on 127.0.0.1: the
resolver the transport asks (``docwitness.capture.addresses.resolve``) is
pointed, for the witness's own host name only, at a public-looking address, so
that the witness counts as public while every connection stays on loopback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from docwitness.capture import FetchOptions, addresses, capture_url
from docwitness.cli import main
from docwitness.errors import CaptureError, ExitCode
from httpserver import Server, serving, static

PUBLIC = "93.184.216.34"
FAST = FetchOptions(connect_timeout=2, read_timeout=2, total_timeout=10, retries=0)


@pytest.mark.parametrize(
    ("start", "target", "allow", "refused"),
    [
        (PUBLIC, "127.0.0.1", False, "loopback address 127.0.0.1"),
        (PUBLIC, "10.1.2.3", False, "private address 10.1.2.3"),
        (PUBLIC, "172.16.0.9", False, "private address 172.16.0.9"),
        (PUBLIC, "192.168.1.1", False, "private address 192.168.1.1"),
        (PUBLIC, "169.254.1.1", False, "link-local address 169.254.1.1"),
        (PUBLIC, "0.0.0.0", False, "unspecified address 0.0.0.0"),
        (PUBLIC, "::1", False, "loopback address ::1"),
        (PUBLIC, "fd12:3456::1", False, "private address fd12:3456::1"),
        (PUBLIC, "fe80::1", False, "link-local address fe80::1"),
        (PUBLIC, "::ffff:10.0.0.5", False, "private address ::ffff:10.0.0.5"),
        (None, "10.0.0.5", False, "private address 10.0.0.5"),  # start unresolved
        (PUBLIC, "8.8.8.8", False, None),
        (PUBLIC, "2606:4700::1111", False, None),
        (PUBLIC, "172.32.0.1", False, None),  # just outside 172.16.0.0/12
        ("127.0.0.1", "127.0.0.2", False, None),
        ("10.0.0.5", "192.168.1.1", False, None),
        ("192.168.1.1", "127.0.0.1", False, None),
        ("127.0.0.1", PUBLIC, False, None),
        (PUBLIC, "127.0.0.1", True, None),
        (PUBLIC, "10.1.2.3", True, None),
        (PUBLIC, "169.254.1.1", True, None),
    ],
)
def test_the_rule(start: str | None, target: str, allow: bool, refused: str | None) -> None:
    why = addresses.refusal(start, target, allow)
    if refused is None:
        assert why is None
    else:
        assert why == f"redirect to a {refused} refused (--allow-private to follow)"


def test_the_refusal_reads_as_the_user_sees_it() -> None:
    assert addresses.refusal(PUBLIC, "10.0.0.5") == (
        "redirect to a private address 10.0.0.5 refused (--allow-private to follow)"
    )


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    with serving() as public, serving() as inside:
        yield public, inside


def as_public(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    """Make the resolver answer a public address for ``host``; every other name as before."""
    real = addresses.resolve
    monkeypatch.setattr(addresses, "resolve", lambda h: PUBLIC if h == host else real(h))


def test_a_redirect_within_loopback_is_followed_and_checked(
    servers: tuple[Server, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, other = servers
    target = other.route(
        "/made-inside.txt", static(b"made", headers={"Content-Type": "text/plain"})
    )
    url = first.route("/made-start", static(b"", 302, {"Location": target}))
    calls: list[tuple[str | None, str, bool]] = []
    real = addresses.refusal

    def spy(start: str | None, hop: str, allow: bool = False) -> str | None:
        calls.append((start, hop, allow))
        return real(start, hop, allow)

    monkeypatch.setattr(addresses, "refusal", spy)
    [c] = capture_url(url, FAST)
    assert c.body == b"made"
    assert c.http is not None and c.http.server_address == f"127.0.0.1:{other.port}"
    # Checked before the request (the target's resolved address) and after it (the peer's).
    assert calls == [("127.0.0.1", "127.0.0.1", False)] * 2


def test_a_public_witness_redirected_to_loopback_is_refused_before_the_request(
    servers: tuple[Server, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    public, inside = servers
    target = inside.route("/made-secret.txt", static(b"secret"))
    url = public.url("/made-start").replace("127.0.0.1", "localhost")
    public.route("/made-start", static(b"", 302, {"Location": target}))
    as_public(monkeypatch, "localhost")
    with pytest.raises(CaptureError) as caught:
        capture_url(url, FAST)
    assert caught.value.reason == (
        "redirect to a loopback address 127.0.0.1 refused (--allow-private to follow)"
    )
    assert inside.seen == []  # nothing was sent to the address inside
    # Allowed on request: the body inside is captured, its address recorded.
    [c] = capture_url(url, FetchOptions(retries=0, allow_private=True))
    assert c.body == b"secret"
    assert c.http is not None and c.http.server_address == f"127.0.0.1:{inside.port}"


def test_a_dns_answer_that_changes_to_loopback_is_refused_after_connecting(
    servers: tuple[Server, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The target's name resolves to a public address when checked, but the
    # connection reaches loopback: the peer's address is refused, the body unread.
    public, inside = servers
    target = inside.url("/made-secret.txt").replace("127.0.0.1", "localhost")
    inside.route("/made-secret.txt", static(b"secret"))
    url = public.route("/made-start", static(b"", 302, {"Location": target}))
    monkeypatch.setattr(addresses, "resolve", lambda h: PUBLIC)
    with pytest.raises(CaptureError, match=r"loopback address 127\.0\.0\.1 refused"):
        capture_url(url, FAST)


def test_fetch_reports_the_refusal_and_exits_3(
    tmp_path: Path,
    servers: tuple[Server, Server],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    public, inside = servers
    target = inside.route(
        "/made-secret.txt", static(b"secret", headers={"Content-Type": "text/plain"})
    )
    public.route("/made-start", static(b"", 302, {"Location": target}))
    url = public.url("/made-start").replace("127.0.0.1", "localhost")
    cat = tmp_path / "made-catalogue.toml"
    cat.write_text(
        '[document]\nid = "made-doc"\ntitle = "made"\nlanguage = "zh"\n\n'
        f'[[witness]]\nid = "made-public"\nrole = "mirror"\nurl = "{url}"\nformat = "text"\n',
        encoding="utf-8",
    )
    as_public(monkeypatch, "localhost")
    store = ["--store", str(tmp_path / "made-store"), "--retries", "0", "--json"]
    assert main(["fetch", str(cat), *store]) == ExitCode.INCOMPLETE
    [result] = json.loads(capsys.readouterr().out)
    assert result["status"] == "unavailable"
    assert result["reason"] == (
        "redirect to a loopback address 127.0.0.1 refused (--allow-private to follow)"
    )
    assert inside.seen == []
    assert main(["fetch", str(cat), *store, "--allow-private"]) == ExitCode.OK
    [result] = json.loads(capsys.readouterr().out)
    assert result["status"] == "captured"


def test_inspect_of_a_url_refuses_too(
    servers: tuple[Server, Server],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    public, inside = servers
    target = inside.route("/made-secret.txt", static(b"secret"))
    public.route("/made-start", static(b"", 302, {"Location": target}))
    as_public(monkeypatch, "localhost")
    url = public.url("/made-start").replace("127.0.0.1", "localhost")
    assert main(["inspect", url, "--retries", "0"]) == ExitCode.INCOMPLETE
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(
        "redirect to a loopback address 127.0.0.1 refused (--allow-private to follow)"
    )
