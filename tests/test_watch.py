"""fetch, collate and check end to end, against witnesses served from a real local server.

Every page is a made copy built from the seed and served from 127.0.0.1; the
catalogue names them as made witnesses. These tests prove the "done when" of
fetching (conditional requests, gaps) and of the CI watch (a changed source
makes check exit 1, naming the paragraph).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

import made
from docwitness import pipeline
from docwitness.capture import FetchOptions
from docwitness.cli import main
from docwitness.errors import ExitCode
from docwitness.model import sha256_bytes
from docwitness.store import Store
from httpserver import Server, respond, serving

FAST = FetchOptions(
    connect_timeout=2, read_timeout=2, total_timeout=5, retries=1, backoff=0.001, max_wait=0.05
)
PARAS = made.made_statement()


class Site:
    """Made pages served with ETag support, editable between runs."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.pages: dict[str, bytes] = {}

    def put(self, path: str, text: str, encoding: str = "utf-8") -> str:
        self.pages[path] = text.encode(encoding)
        ctype = f"text/plain; charset={encoding}"

        def handler(h: BaseHTTPRequestHandler) -> None:
            body = self.pages[path]
            etag = '"' + sha256_bytes(body)[7:23] + '"'
            if h.headers.get("If-None-Match") == etag:
                respond(h, 304, b"", {"ETag": etag})
            else:
                respond(h, 200, body, {"Content-Type": ctype, "ETag": etag})

        return self.server.route(path, handler)


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as s:
        yield Site(s)


def text(paras: list[str]) -> str:
    return "\n\n".join(paras) + "\n"


def catalogue(tmp_path: Path, site: Site) -> Path:
    official = site.put("/made-official.txt", text(PARAS), "gb18030")
    mirror = site.put("/made-mirror.txt", text(PARAS).replace("坚决", "强烈"))
    page1 = site.put("/made-paged_1.txt", text(PARAS[:8]))
    page3 = site.put("/made-paged_3.txt", text(PARAS[16:]))
    page2 = site.server.url("/made-paged_2.txt")  # never served: a missing page
    made.write_made(tmp_path, "made-local.txt", PARAS[:12])
    path = tmp_path / "made-catalogue.toml"
    path.write_text(
        f"""
[document]
id = "made-statement"
title = "made"
language = "zh"

[[witness]]
id = "made-official"
role = "official"
url = "{official}"
format = "text"

[[witness]]
id = "made-mirror"
role = "mirror"
url = "{mirror}"
format = "text"

[[witness]]
id = "made-paged"
role = "mirror"
urls = ["{page1}", "{page2}", "{page3}"]
format = "text"

[[witness]]
id = "made-local"
role = "aggregator"
path = "made-local.txt"
""",
        encoding="utf-8",
    )
    return path


def test_fetch_captures_with_provenance_then_304(tmp_path: Path, site: Site) -> None:
    cat = catalogue(tmp_path, site)
    store = tmp_path / "snapshots"
    first = {r.witness: r for r in pipeline.fetch([cat], store, options=FAST)}
    assert first["made-official"].status == "captured"
    assert first["made-mirror"].status == "captured"
    assert first["made-paged"].status == "incomplete"
    assert "page 2 missing" in (first["made-paged"].reason or "")
    entry = Store(store).latest("made-statement", "made-official")
    assert entry is not None
    http = entry.pages[0].http
    assert http is not None
    assert http.status == 200 and http.headers["ETag"]
    assert http.final_url.endswith("/made-official.txt")

    second = {r.witness: r for r in pipeline.fetch([cat], store, options=FAST)}
    assert second["made-official"].status == "not-modified"
    assert second["made-mirror"].status == "not-modified"
    asked = site.server.requests_to("/made-official.txt")
    assert asked[-1].headers.get("If-None-Match") == http.headers["ETag"]
    history = Store(store).history("made-statement", "made-official")
    assert [h.status for h in history] == ["captured", "not-modified"]
    assert history[0].record == history[1].record
    assert Store(store).verify() == []


def test_collate_reports_the_missing_page_and_the_variant(tmp_path: Path, site: Site) -> None:
    cat = catalogue(tmp_path, site)
    store = tmp_path / "snapshots"
    pipeline.fetch([cat], store, options=FAST)
    (report,) = pipeline.collate([cat], store)
    assert report.reference is not None and report.reference.id == "made-official"
    assert report.reference.chosen_because == "the first official witness available"
    w = {x.id: x for x in report.witnesses}
    assert w["made-official"].verdict == "complete"
    assert w["made-mirror"].verdict == "variant"
    (variant,) = [f for f in w["made-mirror"].findings if f.kind == "variant"]
    assert (variant.ref_text, variant.witness_text) == ("坚决", "强烈")
    assert variant.outline == "四"
    paged = w["made-paged"]
    assert paged.verdict == "truncated"
    gap = next(f for f in paged.findings if f.rule == "missing-page")
    assert gap.detail["page"] == 2 and "/made-paged_2.txt" in gap.evidence[0]
    assert gap.witness == 7  # after the last paragraph of page 1
    # The local copy stops after paragraph 12 of 25 at a sentence end: the reference shows it.
    assert w["made-local"].verdict == "truncated"


def test_check_fails_when_a_source_changes(tmp_path: Path, site: Site) -> None:
    cat = catalogue(tmp_path, site)
    store = tmp_path / "snapshots"
    pipeline.check([cat], store, options=FAST)
    changed = PARAS.copy()
    at = next(i for i, p in enumerate(PARAS) if "2016年6月" in p)
    changed[at] = changed[at].replace("2016年6月", "2016年7月")
    site.put("/made-official.txt", text(changed), "gb18030")
    result = pipeline.check([cat], store, options=FAST)
    found = result.changed()
    assert len(found) == 1
    assert found[0].ref == at and found[0].outline == "五"
    assert (found[0].ref_text, found[0].witness_text) == ("6", "7")
    official = next(w for r in result.reports for w in r.witnesses if w.id == "made-official")
    assert official.findings[0].kind == "changed"
    # The paginated copy was recorded from the pages it has: incomplete, not "not refreshed".
    paged = next(w for r in result.reports for w in r.witnesses if w.id == "made-paged")
    assert paged.notes[0].startswith("incomplete: page 2 missing")


def test_check_cli_exit_codes_and_outputs(
    tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cat = catalogue(tmp_path, site)
    store = tmp_path / "snapshots"
    summary = tmp_path / "made-step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    args = ["check", str(cat), "--store", str(store), "--timeout", "2", "--retries", "0"]
    # The mirror's variant is substantive: exit 1 at the default level.
    assert main(args) == ExitCode.FINDINGS
    out = capsys.readouterr()
    assert "made-mirror: variant" in out.out
    assert (store / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "made-mirror" in summary.read_text(encoding="utf-8")

    # The same run with the variant, the gap and the cut copy gone exits 0.
    site.put("/made-mirror.txt", text(PARAS))
    site.put("/made-paged_1.txt", text(PARAS))
    only = tmp_path / "made-two.toml"
    only.write_text(
        cat.read_text(encoding="utf-8").split('[[witness]]\nid = "made-paged"')[0], encoding="utf-8"
    )
    code = main(["check", str(only), "--store", str(tmp_path / "s2"), "--timeout", "2"])
    assert code == ExitCode.OK, capsys.readouterr().out
    capsys.readouterr()

    # A changed source exits 1 even when only formal findings are asked to fail.
    site.put("/made-official.txt", text([*PARAS[:-1], PARAS[-1] + "新增一句。"]), "gb18030")
    code = main(
        ["check", str(only), "--store", str(tmp_path / "s2"), "--timeout", "2", "--format", "json"]
    )
    assert code == ExitCode.FINDINGS
    report = json.loads(capsys.readouterr().out)
    kinds = [f["kind"] for w in report["witnesses"] for f in w["findings"]]
    assert "changed" in kinds
    # The changed source is otherwise in order: its verdict says it changed.
    verdicts = {w["id"]: w["verdict"] for w in report["witnesses"]}
    assert verdicts["made-official"] == "changed", verdicts
    # Changed back: a text change again, which --no-fail-on-change lets pass.
    site.put("/made-official.txt", text(PARAS), "gb18030")
    code = main(
        [
            "check",
            str(only),
            "--store",
            str(tmp_path / "s2"),
            "--timeout",
            "2",
            "--no-fail-on-change",
            "--format",
            "json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert [f["kind"] for f in report["witnesses"][0]["findings"]] == ["changed"]
    assert code == ExitCode.OK


def test_check_offline_uses_stored_snapshots(
    tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    cat = catalogue(tmp_path, site)
    store = tmp_path / "snapshots"
    pipeline.fetch([cat], store, options=FAST)
    before = len(site.server.seen)
    result = pipeline.check([cat], store, offline=True)
    assert len(site.server.seen) == before  # no request was sent
    w = {x.id: x for r in result.reports for x in r.witnesses}
    assert w["made-official"].notes[0] == "not refreshed: offline: not fetched"
    assert w["made-mirror"].verdict == "variant"


def test_hostile_servers_leave_nothing_half_written(
    tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:

    good = site.put("/made-good.txt", text(PARAS))
    srv = site.server

    def redirect_to_file(h: BaseHTTPRequestHandler) -> None:
        respond(h, 302, b"", {"Location": "file:///etc/passwd"})

    def huge(h: BaseHTTPRequestHandler) -> None:
        respond(h, 200, b"x" * 4096, {"Content-Type": "text/plain"})

    urls = {
        "made-500": srv.route("/made-500.txt", lambda h: respond(h, 500, b"no")),
        "made-file-redirect": srv.route("/made-redirect.txt", redirect_to_file),
        "made-too-big": srv.route("/made-big.txt", huge),
        "made-404": srv.url("/made-absent.txt"),
        "made-good": good,
    }
    cat = tmp_path / "made-catalogue.toml"
    cat.write_text(
        '[document]\nid = "made-doc"\ntitle = "made"\nlanguage = "zh"\n'
        + "".join(
            f'\n[[witness]]\nid = "{wid}"\nrole = "mirror"\nurl = "{url}"\nformat = "text"\n'
            for wid, url in urls.items()
        ),
        encoding="utf-8",
    )
    store = tmp_path / "snapshots"
    code = main(
        [
            "fetch",
            str(cat),
            "--store",
            str(store),
            "--retries",
            "1",
            "--timeout",
            "2",
            "--max-bytes",
            "1000",
            "--json",
        ]
    )
    results = {r["witness"]: r for r in json.loads(capsys.readouterr().out)}
    assert code == ExitCode.INCOMPLETE
    assert results["made-good"]["status"] == "unavailable"  # over 1000 bytes too
    for wid in ("made-500", "made-file-redirect", "made-too-big", "made-404"):
        assert results[wid]["status"] == "unavailable", wid
    assert "500" in results["made-500"]["reason"]
    assert "file" in results["made-file-redirect"]["reason"]
    assert "404" in results["made-404"]["reason"]
    assert not any(p.name.startswith(".tmp-") for p in store.rglob("*"))
    assert not list((store / "objects").glob("*/*"))
    # Under the default limit the good copy and the 4 KB one are captured; the others
    # stay unavailable and the store verifies.
    code = main(
        ["fetch", str(cat), "--store", str(store), "--retries", "0", "--timeout", "2", "--json"]
    )
    results = {r["witness"]: r for r in json.loads(capsys.readouterr().out)}
    assert results["made-good"]["status"] == "captured"
    captured = [w for w, r in results.items() if r["status"] != "unavailable"]
    assert captured == ["made-too-big", "made-good"]
    assert Store(store).verify() == []


def test_github_annotations(tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    cat = catalogue(tmp_path, site)
    store = tmp_path / "snapshots"
    code = main(
        [
            "check",
            str(cat),
            "--store",
            str(store),
            "--timeout",
            "2",
            "--no-html",
            "--format",
            "github",
        ]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == ExitCode.FINDINGS
    variant = [line for line in out if line.startswith("::error") and "made-mirror" in line]
    assert variant and "坚决 → 强烈" in variant[0]
    assert any(
        line.startswith("::error") and "missing-page" not in line and "made-paged" in line
        for line in out
    )
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in out)
    assert not (store / "report.html").exists()


def test_diff_and_inspect_take_urls(
    tmp_path: Path, site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = site.put("/made-ref.txt", text(PARAS), "gb18030")
    cut = site.put("/made-cut.txt", text([*PARAS[:-1], PARAS[-1][:20]]))
    local = made.write_made(tmp_path, "made-local.txt", PARAS)
    assert main(["diff", ref, str(local)]) == ExitCode.OK
    assert "made-local.txt: identical" in capsys.readouterr().out
    assert main(["diff", str(local), cut, "--format", "json"]) == ExitCode.FINDINGS
    report = json.loads(capsys.readouterr().out)
    assert report["witnesses"][0]["verdict"] == "truncated"
    assert main(["inspect", cut]) == ExitCode.FINDINGS
    assert "truncated" in capsys.readouterr().out
    assert main(["inspect", site.server.url("/made-absent.txt")]) == ExitCode.INCOMPLETE
    assert "404" in capsys.readouterr().err
