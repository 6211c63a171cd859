"""WARC and WACZ files as witnesses (``warc`` in the catalogue): the record nearest
``captured``, redirects inside the file, revisits, digests checked while reading,
provenance from the WARC headers, and hostile files.

Every WARC here is made with warcio's own WARCWriter from the made statement (the
seed's text, tests/made.py), and named ``made-…``; a WACZ is made by the wacz
package from such a WARC. The round trip reads back a WARC that docwitness's own
``fetch`` wrote from a server on 127.0.0.1 and ``export warc`` exported.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

import made
from archive_formats import records, warcio_check
from docwitness import pipeline
from docwitness.capture import FetchOptions
from docwitness.catalogue import load_catalogues
from docwitness.cli import main
from docwitness.errors import CatalogueError, ExitCode
from docwitness.store import Store
from httpserver import Server, respond, serving

DOC = "made-statement"
PARAS = made.made_statement()
TEXT = "\n\n".join(PARAS) + "\n"
# A made later version: one word changed in point one.
CHANGED = TEXT.replace("坚决", "强烈", 1)
URL = "http://example.org/made/statement.html"
FAST = FetchOptions(
    connect_timeout=2, read_timeout=2, total_timeout=5, retries=0, backoff=0.001, max_wait=0.05
)


@dataclass
class Made:
    """One record of a made WARC."""

    uri: str
    date: str
    body: bytes = b""
    status: str = "200 OK"
    headers: list[tuple[str, str]] = field(
        default_factory=lambda: [("Content-Type", "text/plain; charset=utf-8")]
    )
    kind: str = "response"
    extra: dict[str, str] = field(default_factory=dict)
    request: bool = False


class _Sha256Writer(WARCWriter):  # type: ignore[misc]
    @staticmethod
    def _create_digester() -> Any:
        return Digester("sha256")


def write_warc(
    path: Path, records: list[Made], *, gzipped: bool = True, sha256: bool = False
) -> dict[str, str]:
    """A made WARC of ``records`` (warcio's writer, sha1 digests unless ``sha256``);
    returns each record's WARC-Record-ID by its date."""
    out = io.BytesIO()
    writer = (_Sha256Writer if sha256 else WARCWriter)(out, gzip=gzipped, warc_version="1.1")
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "made by tests"}))
    ids: dict[str, str] = {}
    for m in records:
        fields = {"WARC-Date": m.date, "WARC-IP-Address": "192.0.2.7", **m.extra}
        http = StatusAndHeaders(m.status, m.headers, protocol="HTTP/1.1")
        if m.kind == "revisit":
            rec = writer.create_warc_record(
                m.uri, "revisit", http_headers=http, warc_headers_dict=fields
            )
        else:
            rec = writer.create_warc_record(
                m.uri,
                "response",
                payload=io.BytesIO(m.body),
                length=len(m.body),
                http_headers=http,
                warc_headers_dict=fields,
            )
        rid = rec.rec_headers.get_header("WARC-Record-ID")
        ids[m.date] = rid
        if m.request:
            req = writer.create_warc_record(
                m.uri,
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=StatusAndHeaders(
                    "GET /made HTTP/1.1", [("User-Agent", "made-crawler/1.0")], is_http_request=True
                ),
                warc_headers_dict={"WARC-Date": m.date, "WARC-Concurrent-To": rid},
            )
            writer.write_record(req)
        writer.write_record(rec)
    path.write_bytes(out.getvalue())
    return ids


def catalogue(folder: Path, witnesses: list[str], reference: str | None = None) -> Path:
    """A made catalogue: a local made reference and the given witness tables."""
    made.write_made(folder, "made-statement.txt", PARAS)
    ref = reference or "made-reference"
    text = (
        f'[document]\nid = "{DOC}"\ntitle = "made statement"\nlanguage = "zh"\n'
        f'reference = "{ref}"\n\n'
        '[[witness]]\nid = "made-reference"\nrole = "official"\npath = "made-statement.txt"\n'
        'format = "text"\n\n' + "\n\n".join(witnesses) + "\n"
    )
    cat = folder / "made-catalogue.toml"
    cat.write_text(text, encoding="utf-8")
    return cat


def witness(wid: str, warc: str, url: str = URL, **more: str) -> str:
    lines = [f'[[witness]]\nid = "{wid}"\nrole = "archive"\nwarc = "{warc}"\nurl = "{url}"']
    lines += [f'{k} = "{v}"' for k, v in more.items()]
    return "\n".join(lines) + '\nformat = "text"'


def collate_json(cat: Path, store: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    capsys.readouterr()
    code = main(["collate", str(cat), "--format", "json", "--store", str(store)])
    return code, json.loads(capsys.readouterr().out)


def by_id(report: Any) -> dict[str, Any]:
    [doc] = report.get("documents", [report])
    return {w["id"]: w for w in doc["witnesses"]}


def canonical(store: Path, wid: str) -> str:
    s = Store(store)
    entry = s.latest(DOC, wid)
    assert entry is not None
    return s.get(entry.canonical).decode("utf-8")


def warc_info(store: Path, wid: str) -> Any:
    entry = Store(store).latest(DOC, wid)
    assert entry is not None and entry.pages[0].http is not None
    info = entry.pages[0].http.warc_file
    assert info is not None
    return entry, info


# --------------------------------------------------------------------------- choosing


def test_captured_picks_the_record_nearest_its_time(tmp_path: Path) -> None:
    ids = write_warc(
        tmp_path / "made-crawl.warc.gz",
        [
            Made(URL, "2017-07-05T06:00:00Z", TEXT.encode(), request=True),
            Made(URL, "2017-09-01T12:00:00Z", CHANGED.encode()),
        ],
    )
    cat = catalogue(
        tmp_path,
        [
            witness("made-july", "made-crawl.warc.gz", captured="2017-07-20"),
            witness("made-august", "made-crawl.warc.gz", captured="20170825"),
            witness("made-latest", "made-crawl.warc.gz"),
        ],
    )
    store = tmp_path / "store"
    results = pipeline.fetch([cat], store)
    assert all(r.ok for r in results), [(r.witness, r.reason) for r in results]
    reference = canonical(store, "made-reference")
    assert canonical(store, "made-july") == reference
    assert canonical(store, "made-august") != reference
    assert canonical(store, "made-latest") == canonical(store, "made-august")
    entry, info = warc_info(store, "made-july")
    # The capture time is the record's WARC-Date; the provenance is the WARC's headers.
    assert entry.time == "2017-07-05T06:00:00Z"
    assert info.record_id == ids["2017-07-05T06:00:00Z"] and info.record_type == "response"
    assert info.file == _shown(tmp_path / "made-crawl.warc.gz")
    data = (tmp_path / "made-crawl.warc.gz").read_bytes()
    assert info.file_sha256 == "sha256:" + hashlib.sha256(data).hexdigest()
    assert info.file_size == len(data) and info.problems == ()
    http = entry.pages[0].http
    assert http.server_address == "192.0.2.7" and http.status == 200
    assert http.user_agent == "made-crawler/1.0"  # the request record's
    assert entry.pages[0].transport == "warc"
    _, later = warc_info(store, "made-august")
    assert later.record_id == ids["2017-09-01T12:00:00Z"]


def test_a_changed_record_is_a_variant_of_the_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_warc(
        tmp_path / "made-crawl.warc.gz", [Made(URL, "2017-09-01T12:00:00Z", CHANGED.encode())]
    )
    cat = catalogue(tmp_path, [witness("made-archived", "made-crawl.warc.gz")])
    store = tmp_path / "store"
    pipeline.fetch([cat], store)
    code, report = collate_json(cat, store, capsys)
    w = by_id(report)["made-archived"]
    assert code == ExitCode.FINDINGS and w["verdict"] == "variant"
    assert [f["kind"] for f in w["findings"]] == ["variant"]
    assert w["captured"] == "2017-09-01T12:00:00Z"
    assert w["metadata"]["warc_file"].endswith("made-crawl.warc.gz")


def test_a_redirect_chain_inside_the_file_is_followed(tmp_path: Path) -> None:
    old = "http://example.org/made/old"
    mid = "http://example.org/made/mid"
    final = "https://example.org/made/final.txt"
    write_warc(
        tmp_path / "made-redirects.warc.gz",
        [
            Made(
                old,
                "2017-07-05T06:00:00Z",
                status="301 Moved Permanently",
                headers=[("Location", "/made/mid")],
            ),
            Made(mid, "2017-07-05T06:00:01Z", status="302 Found", headers=[("Location", final)]),
            # An older capture of the final URL, nearer nothing: the redirect's own date decides.
            Made(final, "2016-01-01T00:00:00Z", CHANGED.encode()),
            Made(final, "2017-07-05T06:00:02Z", TEXT.encode()),
        ],
    )
    cat = catalogue(tmp_path, [witness("made-moved", "made-redirects.warc.gz", url=old)])
    store = tmp_path / "store"
    [_, result] = pipeline.fetch([cat], store)
    assert result.ok, result.reason
    entry, info = warc_info(store, "made-moved")
    http = entry.pages[0].http
    assert [(h.url, h.status, h.location) for h in http.redirects] == [
        (old, 301, mid),
        (mid, 302, final),
    ]
    assert http.request_url == old and http.final_url == final
    assert len(info.chain) == 3
    assert entry.time == "2017-07-05T06:00:02Z"
    assert canonical(store, "made-moved") == canonical(store, "made-reference")
    # The records read are kept with the capture: the three of the chain.
    assert entry.warc is not None
    stored = Store(store).get(entry.warc)
    code, said = warcio_check_bytes(tmp_path / "kept.warc.gz", stored)
    assert code == 0, said
    kept = [(r.type, r.headers.get("WARC-Target-URI")) for r in records(stored)]
    # After the store's warcinfo, the three responses of the chain (the older capture of
    # the final URL, never read, is not among them).
    assert kept == [("warcinfo", None), ("response", old), ("response", mid), ("response", final)]


def warcio_check_bytes(path: Path, data: bytes) -> tuple[int, str]:
    path.write_bytes(data)
    return warcio_check(path)


def test_a_redirect_to_a_url_the_file_lacks_is_unavailable_with_its_reason(
    tmp_path: Path,
) -> None:
    write_warc(
        tmp_path / "made-redirects.warc.gz",
        [Made(URL, "2017-07-05T06:00:00Z", status="301 Moved", headers=[("Location", "/gone")])],
    )
    cat = catalogue(tmp_path, [witness("made-moved", "made-redirects.warc.gz")])
    [_, result] = pipeline.fetch([cat], tmp_path / "store")
    assert result.status == "unavailable"
    assert result.reason == (
        "redirected (HTTP 301) to http://example.org/gone, of which "
        f"{_shown(tmp_path / 'made-redirects.warc.gz')} holds no record"
    )


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def test_a_revisit_is_read_through_the_response_it_repeats(tmp_path: Path) -> None:
    body = TEXT.encode()
    sha1 = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()
    ids = write_warc(
        tmp_path / "made-revisit.warc.gz",
        [
            Made(URL, "2017-07-05T06:00:00Z", body),
            Made(
                URL,
                "2017-08-05T06:00:00Z",
                kind="revisit",
                extra={
                    "WARC-Profile": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
                    "WARC-Refers-To-Target-URI": URL,
                    "WARC-Refers-To-Date": "2017-07-05T06:00:00Z",
                    "WARC-Payload-Digest": sha1,
                },
            ),
        ],
    )
    cat = catalogue(
        tmp_path, [witness("made-revisited", "made-revisit.warc.gz", captured="2017-08")]
    )
    store = tmp_path / "store"
    [_, result] = pipeline.fetch([cat], store)
    assert result.ok, result.reason
    entry, info = warc_info(store, "made-revisited")
    assert info.record_type == "revisit" and info.record_id == ids["2017-08-05T06:00:00Z"]
    assert info.refers_to == ids["2017-07-05T06:00:00Z"]
    assert entry.time == "2017-08-05T06:00:00Z" and info.problems == ()
    assert canonical(store, "made-revisited") == canonical(store, "made-reference")


# --------------------------------------------------------------------------- digests


def _tampered(path: Path, good: bytes, bad: bytes, **kw: Any) -> str:
    """A made WARC whose record claims the digest of ``good`` but holds ``bad``."""
    claim = "sha1:" + base64.b32encode(hashlib.sha1(good).digest()).decode()
    write_warc(
        path,
        [Made(URL, "2017-07-05T06:00:00Z", bad, extra={"WARC-Payload-Digest": claim})],
        **kw,
    )
    return claim


def test_a_payload_that_does_not_match_its_digest_is_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The record says it holds the statement; its payload is the changed text.
    claim = _tampered(tmp_path / "made-tampered.warc.gz", TEXT.encode(), CHANGED.encode())
    cat = catalogue(tmp_path, [witness("made-tampered", "made-tampered.warc.gz")])
    store = tmp_path / "store"
    [_, result] = pipeline.fetch([cat], store)
    assert result.ok  # read, never silently: the collation says what is wrong
    code, report = collate_json(cat, store, capsys)
    w = by_id(report)["made-tampered"]
    assert code == ExitCode.FINDINGS
    assert w["verdict"] == "unreliable"
    [mismatch] = [f for f in w["findings"] if f["kind"] == "evidence-digest-mismatch"]
    assert mismatch["severity"] == "substantive"
    actual = "sha1:" + base64.b32encode(hashlib.sha1(CHANGED.encode()).digest()).decode()
    assert claim in mismatch["evidence"][0] and actual in mismatch["evidence"][0]
    # The reading is still compared: the changed word is there too.
    assert any(f["kind"] == "variant" for f in w["findings"])
    # The clean copy beside it has no such finding.
    assert by_id(report)["made-reference"]["verdict"] == "complete"


def test_a_copy_whose_digest_fails_is_not_chosen_as_the_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two archive copies of the same text, neither official: the one whose record fails
    # its digest is listed first, and would otherwise be the "most complete copy".
    _tampered(tmp_path / "made-tampered.warc.gz", CHANGED.encode(), TEXT.encode())
    write_warc(tmp_path / "made-clean.warc.gz", [Made(URL, "2017-07-05T06:00:00Z", TEXT.encode())])
    cat = tmp_path / "made-catalogue.toml"
    cat.write_text(
        f'[document]\nid = "{DOC}"\ntitle = "made statement"\nlanguage = "zh"\n\n'
        + witness("made-tampered", "made-tampered.warc.gz")
        + "\n\n"
        + witness("made-clean", "made-clean.warc.gz")
        + "\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    pipeline.fetch([cat], store)
    _, report = collate_json(cat, store, capsys)
    [doc] = report.get("documents", [report])
    assert doc["reference"]["id"] == "made-clean"
    ws = by_id(report)
    assert ws["made-tampered"]["verdict"] == "unreliable"
    [mismatch] = [f for f in ws["made-tampered"]["findings"] if f["kind"] != "variant"]
    assert mismatch["kind"] == "evidence-digest-mismatch"
    assert mismatch["evidence"][0].startswith(
        "the payload does not match its WARC-Payload-Digest: the record says sha1:"
    )


def test_a_byte_changed_inside_a_record_is_one_finding_naming_both_digests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_warc(
        tmp_path / "made-crawl.warc",
        [Made(URL, "2017-07-05T06:00:00Z", TEXT.encode())],
        gzipped=False,
    )
    raw = (tmp_path / "made-crawl.warc").read_bytes()
    # The same number of bytes, another word: the record's lengths still hold.
    (tmp_path / "made-altered.warc").write_bytes(raw.replace("坚决".encode(), "强烈".encode(), 1))
    cat = catalogue(tmp_path, [witness("made-altered", "made-altered.warc")])
    store = tmp_path / "store"
    pipeline.fetch([cat], store)
    code, report = collate_json(cat, store, capsys)
    w = by_id(report)["made-altered"]
    assert code == ExitCode.FINDINGS and w["verdict"] == "unreliable"
    [mismatch] = [f for f in w["findings"] if f["kind"] == "evidence-digest-mismatch"]
    said = mismatch["evidence"][0]
    assert said.startswith("the payload does not match its WARC-Payload-Digest")
    assert "; nor does the block match its WARC-Block-Digest sha1:" in said
    assert mismatch["rule"] == "warc-payload-digest"
    assert [f["witness_text"] for f in w["findings"] if f["kind"] == "variant"] == ["强烈"]


def test_sha256_digests_in_hex_are_checked_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = "sha256:" + hashlib.sha256(TEXT.encode()).hexdigest().upper()
    write_warc(
        tmp_path / "made-hex.warc",
        [
            Made(URL, "2017-07-05T06:00:00Z", TEXT.encode(), extra={"WARC-Payload-Digest": claim}),
            Made(
                "http://example.org/made/other",
                "2017-07-05T06:00:00Z",
                CHANGED.encode(),
                extra={"WARC-Payload-Digest": claim},
            ),
        ],
        gzipped=False,
        sha256=True,
    )
    cat = catalogue(
        tmp_path,
        [
            witness("made-good", "made-hex.warc"),
            witness("made-bad", "made-hex.warc", url="http://example.org/made/other"),
        ],
    )
    store = tmp_path / "store"
    pipeline.fetch([cat], store)
    _, report = collate_json(cat, store, capsys)
    ws = by_id(report)
    assert ws["made-good"]["verdict"] == "identical"
    assert "evidence-digest-mismatch" in [f["kind"] for f in ws["made-bad"]["findings"]]
    # An uncompressed WARC's records are kept as gzip members of their own bytes.
    entry, _ = warc_info(store, "made-good")
    assert entry.warc is not None
    code, said = warcio_check_bytes(tmp_path / "kept.warc.gz", Store(store).get(entry.warc))
    assert code == 0, said


# --------------------------------------------------------------------------- WACZ


def _wacz(tmp_path: Path, warc: Path) -> Path:
    from wacz.main import main as wacz_main

    out = tmp_path / "made-crawl.wacz"
    assert wacz_main(["create", "-o", str(out), str(warc)]) == 0
    return out


def test_a_wacz_made_by_the_wacz_package_is_read_as_a_witness(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_warc(
        tmp_path / "made-crawl.warc.gz", [Made(URL, "2017-07-05T06:00:00Z", TEXT.encode())]
    )
    wacz = _wacz(tmp_path, tmp_path / "made-crawl.warc.gz")
    cat = catalogue(tmp_path, [witness("made-packaged", "made-crawl.wacz")])
    store = tmp_path / "store"
    [_, result] = pipeline.fetch([cat], store)
    assert result.ok, result.reason
    _, info = warc_info(store, "made-packaged")
    assert info.member == "archive/made-crawl.warc.gz"
    assert info.record_id == ids["2017-07-05T06:00:00Z"]
    assert info.file_sha256 == "sha256:" + hashlib.sha256(wacz.read_bytes()).hexdigest()
    warc_bytes = (tmp_path / "made-crawl.warc.gz").read_bytes()
    assert info.member_sha256 == "sha256:" + hashlib.sha256(warc_bytes).hexdigest()
    _, report = collate_json(cat, store, capsys)
    assert by_id(report)["made-packaged"]["verdict"] == "identical"


def test_a_wacz_whose_warc_is_not_the_one_its_datapackage_names_is_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_warc(tmp_path / "made-crawl.warc.gz", [Made(URL, "2017-07-05T06:00:00Z", TEXT.encode())])
    wacz = _wacz(tmp_path, tmp_path / "made-crawl.warc.gz")
    # Rewritten with another made WARC in its place, the datapackage left as it was.
    write_warc(tmp_path / "made-other.warc.gz", [Made(URL, "2017-07-06T06:00:00Z", TEXT.encode())])
    swapped = tmp_path / "made-swapped.wacz"
    with zipfile.ZipFile(wacz) as src, zipfile.ZipFile(swapped, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "archive/made-crawl.warc.gz":
                data = (tmp_path / "made-other.warc.gz").read_bytes()
            dst.writestr(item, data)
    cat = catalogue(tmp_path, [witness("made-swapped", "made-swapped.wacz")])
    store = tmp_path / "store"
    pipeline.fetch([cat], store)
    _, report = collate_json(cat, store, capsys)
    w = by_id(report)["made-swapped"]
    [mismatch] = [f for f in w["findings"] if f["kind"] == "evidence-digest-mismatch"]
    assert "datapackage.json" in mismatch["evidence"][0]
    assert w["verdict"] == "unreliable"


# --------------------------------------------------------------------------- round trip


@pytest.fixture
def server() -> Iterator[Server]:
    with serving() as s:
        yield s


def test_a_warc_docwitness_wrote_and_exported_reads_back_as_the_same_text(
    server: Server, tmp_path: Path
) -> None:
    url = server.route(
        "/made-mirror.txt",
        lambda h: respond(h, 200, TEXT.encode(), {"Content-Type": "text/plain; charset=utf-8"}),
    )
    first = tmp_path / "first"
    first.mkdir()
    cat = catalogue(
        first,
        [f'[[witness]]\nid = "made-mirror"\nrole = "mirror"\nurl = "{url}"\nformat = "text"'],
    )
    store = first / "store"
    pipeline.fetch([cat], store, options=FAST)
    exported = tmp_path / "second" / "made-export.warc.gz"
    assert (
        main(
            ["export", "warc", "-o", str(exported), "--catalogue", str(cat), "--store", str(store)]
        )
        == ExitCode.OK
    )
    second = exported.parent
    cat2 = catalogue(second, [witness("made-mirror", "made-export.warc.gz", url=url)])
    store2 = second / "store"
    [_, result] = pipeline.fetch([cat2], store2)
    assert result.ok, result.reason
    assert canonical(store2, "made-mirror") == canonical(store, "made-mirror")
    before = Store(store).latest(DOC, "made-mirror")
    entry, info = warc_info(store2, "made-mirror")
    assert before is not None and before.pages[0].http is not None
    # The same record: its id is the one docwitness wrote while fetching.
    assert info.record_id in gzip.decompress(Store(store).get(before.warc or "")).decode()
    assert entry.pages[0].http.server_address == "127.0.0.1"
    assert entry.raw == before.raw and info.problems == ()


# --------------------------------------------------------------------------- offline, cite


def test_offline_check_still_reads_warc_witnesses_and_the_report_cites_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_warc(
        tmp_path / "made-crawl.warc.gz", [Made(URL, "2017-07-05T06:00:00Z", CHANGED.encode())]
    )
    cat = catalogue(tmp_path, [witness("made-archived", "made-crawl.warc.gz")])
    html = tmp_path / "made-report.html"
    code = main(
        ["check", str(cat), "--offline", "--store", str(tmp_path / "store"), "--html", str(html)]
    )
    assert code == ExitCode.FINDINGS  # the changed word, not "offline: not fetched"
    out = capsys.readouterr()
    assert "offline: not fetched" not in out.out + out.err
    page = lxml.html.fromstring(html.read_bytes())
    cites = {
        "".join(c.xpath("./dl/dd[1]//text()")): c.text_content()
        for c in page.xpath('//section[@class="dw-cite"]')
    }
    assert "made-crawl.warc.gz" in cites[URL] and ids["2017-07-05T06:00:00Z"] in cites[URL]
    assert "From the archive file" in cites[URL]
    assert [k for k, v in cites.items() if "archive file" in v] == [URL]


# --------------------------------------------------------------------------- hostile files


@dataclass
class _At:
    type: str
    offset: int


def offsets(data: bytes) -> list[_At]:
    """Each record's type and offset, as warcio's iterator gives them."""
    from warcio.archiveiterator import ArchiveIterator

    it = ArchiveIterator(io.BytesIO(data))
    return [_At(rec.rec_type, it.get_record_offset()) for rec in it]


def _fetch_one(tmp_path: Path, name: str, url: str = URL) -> Any:
    cat = catalogue(tmp_path, [witness("made-archived", name, url=url)])
    [_, result] = pipeline.fetch([cat], tmp_path / "store")
    return result


def test_hostile_files_make_the_witness_unavailable_with_one_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "made-good.warc.gz"
    write_warc(
        good,
        [
            Made("http://example.org/made/a", "2017-07-05T06:00:00Z", TEXT.encode()),
            Made(URL, "2017-07-05T06:00:01Z", TEXT.encode()),
        ],
    )
    data = good.read_bytes()
    cases = {
        "made-truncated.warc.gz": data[: len(data) - 40],
        "made-random.warc.gz": os.urandom(4096),
        "made-empty.warc.gz": b"",
        "made-zip.wacz": b"PK\x03\x04" + os.urandom(200),
        "made-garbled.warc.gz": data[:300] + bytes(64) + data[364:],
        # warcio reads what follows a blank first line as a record without headers.
        "made-blank-first.warc.gz": gzip.compress(b"\nnot a WARC, a line of text\n"),
        "made-blank-first.warc": b"\n\xf4\xed\xc0(\xf65\t random bytes",
    }
    reasons = {}
    for name, raw in cases.items():
        (tmp_path / name).write_bytes(raw)
        result = _fetch_one(tmp_path, name)
        assert result.status == "unavailable", name
        reasons[name] = result.reason
    assert "damaged or cut short" in reasons["made-truncated.warc.gz"]
    assert reasons["made-random.warc.gz"].startswith("not a WARC or WACZ file")
    for name in ("made-blank-first.warc.gz", "made-blank-first.warc"):
        assert reasons[name].startswith("not a WARC or WACZ file"), reasons[name]
    assert reasons["made-empty.warc.gz"] == "is empty: no WARC records"
    assert reasons["made-zip.wacz"].startswith("not a readable WACZ")
    # The zeros fall inside the first response's gzip member, named by where it begins.
    [(_, first), *_] = [(r.type, r.offset) for r in offsets(data) if r.type == "response"]
    assert first < 300 < 364 < len(data) - 4000
    assert reasons["made-garbled.warc.gz"] == (
        f"damaged at byte {first}: no WARC record there (warcio: Invalid WARC record)"
    )
    assert _fetch_one(tmp_path, "made-good.warc.gz", "http://example.org/nothing").reason == (
        f"{_shown(good)} holds no response record for http://example.org/nothing"
    )
    assert _fetch_one(tmp_path, "made-missing.warc.gz").reason == "no such file"
    write_warc(
        tmp_path / "made-404.warc.gz",
        [Made(URL, "2017-07-05T06:00:00Z", b"gone", status="404 Not Found")],
    )
    assert _fetch_one(tmp_path, "made-404.warc.gz").reason == (
        f"the record of {URL} in {_shown(tmp_path / 'made-404.warc.gz')} is HTTP 404 Not Found"
    )
    (tmp_path / "made-dir.warc.gz").mkdir()
    assert _fetch_one(tmp_path, "made-dir.warc.gz").reason == "is a directory, not a file"
    for reason in reasons.values():
        assert "\n" not in reason and len(reason) < 300


def test_the_cli_says_one_line_for_a_damaged_warc_and_exits_incomplete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "made-random.warc.gz").write_bytes(gzip.compress(os.urandom(3000)))
    cat = catalogue(tmp_path, [witness("made-archived", "made-random.warc.gz")])
    capsys.readouterr()
    code = main(["check", str(cat), "--store", str(tmp_path / "store")])
    out = capsys.readouterr()
    assert code == ExitCode.INCOMPLETE
    assert "Traceback" not in out.err + out.out
    lines = [x for x in (out.out + out.err).splitlines() if "not a WARC or WACZ file" in x]
    assert lines, out


# --------------------------------------------------------------------------- catalogue


@pytest.mark.parametrize(
    ("extra", "key", "said"),
    [
        ('path = "made-statement.txt"', ".warc", "give warc or path, not both"),
        ('wayback = "20170705"', ".warc", "give warc or wayback, not both"),
        ('captured = "last summer"', ".captured", "is not a time"),
    ],
)
def test_catalogue_errors_of_a_warc_witness_exit_2_with_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, key: str, said: str
) -> None:
    cat = catalogue(tmp_path, [witness("made-archived", "made-crawl.warc.gz") + "\n" + extra])
    capsys.readouterr()
    code = main(["collate", str(cat), "--store", str(tmp_path / "store")])
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE
    assert str(cat) in err and f"witness[1] (made-archived){key}" in err and said in err


def test_a_warc_witness_needs_a_url_and_captured_needs_a_warc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cat = catalogue(
        tmp_path,
        [
            '[[witness]]\nid = "made-nourl"\nrole = "archive"\nwarc = "made-crawl.warc.gz"',
            '[[witness]]\nid = "made-notwarc"\nrole = "mirror"\nurl = "https://example.org/x"\n'
            'captured = "2017-07-05"',
            '[[witness]]\nid = "made-escape"\nrole = "archive"\nwarc = "../made.warc.gz"\n'
            'url = "https://example.org/x"',
        ],
    )
    with pytest.raises(CatalogueError) as caught:
        load_catalogues([cat])
    said = [f"{p.key}: {p.message}" for p in caught.value.problems]
    assert said == [
        "witness[1] (made-nourl).warc: needs url: the WARC-Target-URI of the record to take",
        "witness[2] (made-notwarc).captured: picks a record of a WARC or WACZ file: "
        "give warc with it",
        "witness[3] (made-escape).warc: '../made.warc.gz' escapes the catalogue's folder "
        f"{tmp_path}",
    ]
