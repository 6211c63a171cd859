"""The store on object storage, against moto's S3-compatible server as a real process.

docwitness reaches it over HTTP through s3fs, with the endpoint and credentials
from the usual AWS environment variables, as it would reach any S3 endpoint.
The same checks a local store gets: write-once, the history's chain and head,
verify finding what was tampered with, and the same report as a local store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("s3fs")
pytest.importorskip("moto")

from docwitness.errors import StoreCorrupt
from docwitness.store.bucket import FsspecBucket
from docwitness.store.remote import ObjectStore
from made_catalogues import make_catalogues
from moto_server import aws_environment, make_bucket, moto_server
from processes import docwitness


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def s3(endpoint: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """A fresh bucket; the environment points botocore at the local endpoint."""
    for key, value in aws_environment(endpoint).items():
        monkeypatch.setenv(key, value)
    name = "made-" + re.sub(r"[^a-z0-9]", "-", request.node.name.lower())[:40].strip("-")
    make_bucket(endpoint, name)
    return f"s3://{name}/watch"


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_catalogues(tmp_path_factory.mktemp("made-s3"), 3, witnesses=3)


def times_out(text: str) -> str:
    return re.sub(r'"captured":\s*"[^"]*"', '"captured":"T"', text)


def test_check_on_s3_reports_as_on_a_local_store(
    s3: str, catalogues: Path, tmp_path: Path
) -> None:
    local = docwitness(
        "check", str(catalogues), "--store", str(tmp_path / "local"), "--no-html",
        "--format", "json", "-o", str(tmp_path / "local.json"),
    )  # fmt: skip
    remote = docwitness(
        "check", str(catalogues), "--store", s3, "--format", "json",
        "-o", str(tmp_path / "s3.json"), timeout=120,
    )  # fmt: skip
    assert local.returncode == remote.returncode == 1, remote.stderr
    a = (tmp_path / "local.json").read_text(encoding="utf-8")
    assert times_out(a) == times_out((tmp_path / "s3.json").read_text(encoding="utf-8"))
    assert "HTML" not in remote.stderr  # no local folder to write it in
    verified = docwitness("verify", "--store", s3, "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["problems"] == []


def test_history_is_one_object_per_capture_chained_by_digest(s3: str, catalogues: Path) -> None:
    for _ in range(2):
        docwitness("check", str(catalogues), "--store", s3, "--summary", "json", timeout=120)
    store = ObjectStore(s3)
    keys = store.bucket.list("witnesses/made-doc-000001/made-w1/")
    assert [k.rsplit("/", 1)[1] for k in keys] == ["00000001.json", "00000002.json", "head.json"]
    first, second = store.history("made-doc-000001", "made-w1")
    assert first.previous is None
    from docwitness.store.records import entry_digest

    obj = json.loads(store.bucket.read(keys[0]))
    assert second.previous == entry_digest(obj)
    head = json.loads(store.bucket.read(keys[2]))
    assert head["entries"] == 2
    assert store.latest("made-doc-000001", "made-w1") == second
    assert second.time >= first.time  # the names sort in the order of capture


def test_objects_are_written_once(s3: str) -> None:
    store = ObjectStore(s3)
    assert store.bucket.conditional  # S3: If-None-Match: *
    digest = store.put(b"made evidence\n")
    assert store.put(b"made evidence\n") == digest
    assert store.bucket.list("objects/") == [f"objects/{digest[7:9]}/{digest[7:]}"]
    key = store.bucket.list("objects/")[0]
    # The server refuses a second object of the same name: nothing is overwritten.
    assert store.bucket.create(key, b"other bytes") is False
    assert store.get(digest) == b"made evidence\n"


def test_a_tampered_object_is_found_where_it_is_touched_and_by_verify(
    s3: str, catalogues: Path
) -> None:
    docwitness("check", str(catalogues), "--store", s3, "--summary", "json", timeout=120)
    store = ObjectStore(s3)
    entry = store.latest("made-doc-000002", "made-w2")
    assert entry is not None
    # The raw bytes: the evidence, and what this plain-text copy's extracted text is
    # cut from (it is no object of its own).
    key = f"objects/{entry.raw[7:9]}/{entry.raw[7:]}"
    store.bucket.replace(key, b"made tampered text\n")
    with pytest.raises(StoreCorrupt):
        store.load_document(entry, "made-w2")
    run = docwitness("verify", "--store", s3, "--json")
    assert run.returncode == 4
    problems = json.loads(run.stdout)["problems"]
    assert any(p["kind"] == "mismatch" and key in p["path"] for p in problems)
    # A later check does not build on it either: the capture's bytes are re-hashed.
    again = docwitness("check", str(catalogues), "--store", s3, "--summary", "json", timeout=120)
    assert again.returncode == 4
    assert "store corrupt" in again.stderr or "mismatch" in again.stderr


def test_removed_entries_break_the_chain_or_the_head(s3: str, catalogues: Path) -> None:
    for _ in range(3):
        docwitness("check", str(catalogues), "--store", s3, "--summary", "json", timeout=120)
    store = ObjectStore(s3)
    prefix = "witnesses/made-doc-000000/made-w0/"
    store.bucket.fs.rm_file(f"{store.bucket.root}/{prefix}00000002.json")  # type: ignore[attr-defined]
    prefix_last = "witnesses/made-doc-000001/made-w0/"
    store.bucket.fs.rm_file(f"{store.bucket.root}/{prefix_last}00000003.json")  # type: ignore[attr-defined]
    run = docwitness("verify", "--store", s3, "--json")
    assert run.returncode == 4
    problems = json.loads(run.stdout)["problems"]
    kinds = {(p["kind"], p["path"].split("/witnesses/")[1].split(":")[0]) for p in problems}
    assert ("missing", "made-doc-000000/made-w0") in kinds  # a hole in the numbers
    assert ("chain", "made-doc-000000/made-w0") in kinds  # entry 3 names entry 2
    assert ("truncated", "made-doc-000001/made-w0") in kinds  # the head says 3
    # check does not append to a history whose head names an entry that is gone.
    with pytest.raises(StoreCorrupt):
        store.latest("made-doc-000001", "made-w0")


def test_a_checked_write_where_there_is_no_conditional_put(tmp_path: Path) -> None:
    """memory:// has no If-None-Match: the write is checked instead, and never overwrites."""
    bucket = FsspecBucket("memory://made-store/prefix")
    assert not bucket.conditional
    assert bucket.create("objects/ab/x", b"one") is True
    assert bucket.create("objects/ab/x", b"two") is False
    assert bucket.read("objects/ab/x") == b"one"
    store = ObjectStore("memory://made-store/prefix2", bucket=FsspecBucket("memory://made-store/prefix2"))
    digest = store.put(b"made\n")
    assert store.get(digest) == b"made\n"
    assert store.verify() == []


def test_a_missing_bucket_is_one_line_and_exit_3(
    endpoint: str, monkeypatch: pytest.MonkeyPatch, catalogues: Path
) -> None:
    for key, value in aws_environment(endpoint).items():
        monkeypatch.setenv(key, value)
    run = docwitness("check", str(catalogues), "--store", "s3://made-no-such-bucket/x")
    assert run.returncode == 3
    assert run.stderr.strip().splitlines() == [
        "docwitness: error: store s3://made-no-such-bucket/x: no such bucket"
    ]


def test_workers_with_the_store_on_s3(s3: str, catalogues: Path, tmp_path: Path) -> None:
    one = docwitness(
        "check", str(catalogues), "--store", str(tmp_path / "local"), "--no-html",
        "--format", "json", "-o", str(tmp_path / "a.json"),
    )  # fmt: skip
    many = docwitness(
        "check", str(catalogues), "--store", s3, "--workers", "2", "--format", "json",
        "-o", str(tmp_path / "b.json"), timeout=180,
    )  # fmt: skip
    assert many.returncode == one.returncode == 1, many.stderr
    a = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert times_out(a) == times_out((tmp_path / "b.json").read_text(encoding="utf-8"))
    store = ObjectStore(s3)
    (run,) = store.names("runs")
    assert len(store.names(f"{run}/done")) == 3
    assert docwitness("verify", "--store", s3).returncode == 0
