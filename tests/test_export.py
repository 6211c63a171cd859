"""``docwitness export warc|wacz|bag`` and ``verify --bag``, read back by the formats' own
libraries: warcio's checker and indexer, the wacz package's validator, bagit-python.

Network witnesses are made copies served from 127.0.0.1; the bundled catalogue's
local copies are exported after ``docwitness check --offline``, as a user would.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import bagit
import pytest

import made
from archive_formats import records, wacz_validate, warcio_check, warcio_index
from docwitness import pipeline
from docwitness.capture import FetchOptions
from docwitness.cli import main
from docwitness.errors import ExitCode
from docwitness.store import Store
from httpserver import Server, respond, serving

ROOT = Path(__file__).resolve().parent.parent
FAST = FetchOptions(
    connect_timeout=2, read_timeout=2, total_timeout=5, retries=1, backoff=0.001, max_wait=0.05
)
PARAS = made.made_statement()
DOC = "made-statement"


@pytest.fixture
def server() -> Iterator[Server]:
    with serving() as s:
        yield s


@pytest.fixture
def fetched(server: Server, tmp_path: Path) -> tuple[Path, Path, str]:
    """A made catalogue (an HTTP witness, a local one) fetched twice into a store."""
    text = "\n\n".join(PARAS) + "\n"
    url = server.route(
        "/made-mirror.txt",
        lambda h: respond(h, 200, text.encode(), {"Content-Type": "text/plain; charset=utf-8"}),
    )
    made.write_made(tmp_path, "made-local.txt", PARAS[:12])
    cat = tmp_path / "made-catalogue.toml"
    cat.write_text(
        f"""
[document]
id = "{DOC}"
title = "made statement"
language = "zh"

[[witness]]
id = "made-mirror"
role = "mirror"
url = "{url}"
format = "text"

[[witness]]
id = "made-local"
role = "community"
path = "made-local.txt"
url = "https://example.org/made-local"
format = "text"
""",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    for _ in range(2):
        pipeline.fetch([cat], store, options=FAST)
    return cat, store, url


def export(kind: str, cat: Path, store: Path, out: Path, *extra: str) -> int:
    return main(
        ["export", kind, "-o", str(out), "--catalogue", str(cat), "--store", str(store), *extra]
    )


def test_export_warc_holds_every_capture_and_passes_warcio_check(
    fetched: tuple[Path, Path, str], tmp_path: Path
) -> None:
    cat, store, url = fetched
    out = tmp_path / "out" / "made.warc.gz"
    assert export("warc", cat, store, out) == ExitCode.OK
    code, said = warcio_check(out)
    assert code == 0 and "digest pass" in said and "fail" not in said, said
    recs = records(out.read_bytes())
    kinds = [r.type for r in recs]
    # The export's warcinfo; each HTTP capture's stored WARC verbatim (its warcinfo, the
    # request, then a response the first time and a revisit the second); the local copy
    # once as a resource; a metadata record for each of the four history entries.
    assert kinds.count("warcinfo") == 3
    assert kinds.count("response") == 1 and kinds.count("revisit") == 1
    assert kinds.count("resource") == 1 and kinds.count("metadata") == 4
    held = Store(store)
    mirror = held.history(DOC, "made-mirror")
    for entry in mirror:
        assert entry.warc is not None and held.get(entry.warc) in out.read_bytes()
    [resource] = [r for r in recs if r.type == "resource"]
    local = held.latest(DOC, "made-local")
    assert local is not None
    assert resource.payload == held.get(local.pages[0].sha256)
    assert resource.headers["WARC-Target-URI"] == f"urn:docwitness:{DOC}/made-local"
    metadata = [json.loads(r.payload) for r in recs if r.type == "metadata"]
    assert [(m["witness"], m["entry"]["canonical"]) for m in metadata] == [
        (e.witness, e.canonical)
        for e in [
            *(_Named("made-mirror", x.canonical) for x in mirror),
            *(_Named("made-local", x.canonical) for x in held.history(DOC, "made-local")),
        ]
    ]
    assert metadata[-1]["url"] == "https://example.org/made-local"
    index = warcio_index(out)
    assert [i["warc-type"] for i in index] == kinds
    assert {i.get("warc-target-uri") for i in index if i["warc-type"] == "response"} == {url}


class _Named:
    def __init__(self, witness: str, canonical: str) -> None:
        self.witness, self.canonical = witness, canonical


def test_export_wacz_passes_the_wacz_validator_and_lists_each_witness(
    fetched: tuple[Path, Path, str], tmp_path: Path
) -> None:
    cat, store, url = fetched
    out = tmp_path / "made.wacz"
    assert export("wacz", cat, store, out) == ExitCode.OK
    code, said = wacz_validate(out)
    assert code == 0 and "Validation succeeded" in said, said
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert {"datapackage.json", "pages/pages.jsonl", "indexes/index.cdx.gz"} <= names
        assert "archive/made.warc.gz" in names
        pages = [json.loads(line) for line in z.read("pages/pages.jsonl").splitlines()]
        package = json.loads(z.read("datapackage.json"))
    assert pages[0]["format"] == "json-pages-1.0"
    assert [(p["url"], p["title"]) for p in pages[1:]] == [
        (url, "made statement — made-mirror (mirror)"),
        (f"urn:docwitness:{DOC}/made-local", "made statement — made-local (community)"),
    ]
    assert package["title"] == "made statement"
    assert all(r["hash"].startswith("sha256:") for r in package["resources"])


def test_a_tampered_wacz_fails_the_wacz_validator(
    fetched: tuple[Path, Path, str], tmp_path: Path
) -> None:
    cat, store, _ = fetched
    out = tmp_path / "made.wacz"
    export("wacz", cat, store, out)
    bad = tmp_path / "bad.wacz"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "pages/pages.jsonl":
                data = data.replace(b"made-mirror", b"made-mirrox")
            dst.writestr(item, data)
    code, said = wacz_validate(bad)
    assert code == 1 and "invalid" in said and "pages.jsonl" in said


def test_export_bag_is_a_valid_bagit_1_0_bag_with_the_evidence(
    fetched: tuple[Path, Path, str], tmp_path: Path
) -> None:
    cat, store, _ = fetched
    out = tmp_path / "made-bag"
    assert export("bag", cat, store, out, "--organization", "Made Archive") == ExitCode.OK
    bag = bagit.Bag(str(out))
    assert bag.validate() is True
    assert (out / "bagit.txt").read_text() == (
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )
    assert set(bag.algorithms) == {"sha256", "sha512"}
    assert bag.info["External-Identifier"] == DOC
    assert bag.info["External-Description"] == "made statement"
    assert bag.info["Source-Organization"] == "Made Archive"
    assert bag.info["Docwitness-Profile"] == "canonical/1"
    held = Store(store)
    times = [e.time for w in ("made-mirror", "made-local") for e in held.history(DOC, w)]
    assert bag.info["Docwitness-Captures"] == f"{min(times)}/{max(times)}"
    assert "Bagging-Date" in bag.info
    payload = set(bag.payload_files())
    latest = held.latest(DOC, "made-mirror")
    assert latest is not None
    raw = latest.pages[0].sha256.split(":")[1]
    for name in (
        f"data/captures/{DOC}/made-mirror/{raw}.txt",
        f"data/texts/{DOC}/made-mirror.canonical.txt",
        f"data/texts/{DOC}/made-local.extracted.txt",
        f"data/history/{DOC}/made-local.jsonl",
        f"data/warc/{DOC}.warc.gz",
        f"data/reports/{DOC}.json",
        f"data/reports/{DOC}.html",
    ):
        assert name in payload, name
    assert (out / f"data/texts/{DOC}/made-mirror.canonical.txt").read_bytes() == held.get(
        latest.canonical
    )
    report = json.loads((out / f"data/reports/{DOC}.json").read_text())
    assert report["document"]["id"] == DOC
    code, _ = warcio_check(out / f"data/warc/{DOC}.warc.gz")
    assert code == 0


def test_verify_bag_names_a_flipped_byte_and_every_other_problem(
    fetched: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cat, store, _ = fetched
    out = tmp_path / "made-bag"
    export("bag", cat, store, out)
    capsys.readouterr()
    assert main(["verify", "--bag", str(out)]) == ExitCode.OK
    assert "valid bag" in capsys.readouterr().out
    flipped = out / f"data/texts/{DOC}/made-local.canonical.txt"
    data = bytearray(flipped.read_bytes())
    data[3] ^= 0x01
    flipped.write_bytes(bytes(data))
    assert main(["verify", "--bag", str(out)]) == ExitCode.STORE_CORRUPT
    said = capsys.readouterr()
    named = f"data/texts/{DOC}/made-local.canonical.txt"
    assert f"{named} sha256 validation failed" in said.out
    assert f"{named} sha512 validation failed" in said.out
    assert said.err.strip() == f"docwitness: error: the bag {out} is invalid"
    # A removed file and an added one are listed too, not only the first problem.
    (out / f"data/history/{DOC}/made-local.jsonl").unlink()
    (out / "data" / "made-extra.txt").write_text("x")
    assert main(["verify", "--bag", str(out), "--json"]) == ExitCode.STORE_CORRUPT
    found = json.loads(capsys.readouterr().out)
    assert found["valid"] is False
    problems = found["problems"]
    assert any("Payload-Oxum" in p for p in problems)
    assert f"data/history/{DOC}/made-local.jsonl exists in manifest but was not found" in "\n".join(
        problems
    )
    assert "data/made-extra.txt exists on filesystem but is not in the manifest" in problems
    assert sum(named in p for p in problems) == 2
    # bagit-python agrees that the bag is invalid.
    assert bagit.Bag(str(out)).is_valid() is False


def test_verify_bag_of_what_is_not_a_bag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "made-folder").mkdir()
    assert main(["verify", "--bag", str(tmp_path / "made-folder")]) == ExitCode.STORE_CORRUPT
    out = capsys.readouterr().out
    assert "not a bag" in out and "bagit.txt" in out


def test_export_bag_refuses_a_folder_with_files(
    fetched: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cat, store, _ = fetched
    out = tmp_path / "full"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert export("bag", cat, store, out) == ExitCode.USAGE
    assert "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def test_export_errors_are_one_line_and_write_nothing(
    fetched: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cat, store, _ = fetched
    out = tmp_path / "made.warc.gz"
    code = main(
        [
            "export",
            "warc",
            "no-such-doc",
            "-o",
            str(out),
            "--catalogue",
            str(cat),
            "--store",
            str(store),
        ]
    )
    assert code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no document 'no-such-doc'" in err and DOC in err
    assert export("warc", cat, tmp_path / "no-store", out) == ExitCode.INCOMPLETE
    assert "no store" in capsys.readouterr().err
    assert not out.exists()


def test_a_corrupt_store_is_not_exported(
    fetched: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cat, store, _ = fetched
    entry = Store(store).latest(DOC, "made-mirror")
    assert entry is not None and entry.warc is not None
    path = Store(store).object_path(entry.warc)
    path.write_bytes(path.read_bytes()[:-5])
    out = tmp_path / "made.warc.gz"
    assert export("warc", cat, store, out) == ExitCode.STORE_CORRUPT
    assert "mismatch" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".tmp-*"))


def test_every_export_works_on_the_bundled_catalogue_after_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    shutil.copytree(ROOT / "snapshots", tmp_path / "snapshots")
    cat = tmp_path / "sources" / "cn-ru-joint-statement-2017.toml"
    store = tmp_path / "snapshots"
    main(["check", str(cat), "--store", str(store), "--offline", "--no-html"])
    outs = {
        "warc": tmp_path / "out" / "cn-ru.warc.gz",
        "wacz": tmp_path / "out" / "cn-ru.wacz",
        "bag": tmp_path / "out" / "cn-ru-bag",
    }
    for kind, out in outs.items():
        assert export(kind, cat, store, out) == ExitCode.OK, capsys.readouterr().err
    assert warcio_check(outs["warc"])[0] == 0
    kinds = [r.type for r in records(outs["warc"].read_bytes())]
    assert kinds.count("resource") == 2  # the two local copies, each held once
    assert wacz_validate(outs["wacz"])[0] == 0
    assert main(["verify", "--bag", str(outs["bag"])]) == ExitCode.OK
