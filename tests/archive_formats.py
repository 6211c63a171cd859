"""Reading archive formats back with their own libraries: warcio's checker and indexer,
the wacz package's validator, bagit-python.

Nothing here re-implements a format: each helper runs the field's own code over
what docwitness wrote and returns what it said.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.checker import Checker
from warcio.indexer import Indexer


@dataclass
class Record:
    type: str
    headers: dict[str, str]
    http_status: str | None
    http_headers: list[tuple[str, str]]
    payload: bytes  # the record's payload as stored (not content-decoded)
    digest_passed: bool | None


def records(data: bytes) -> list[Record]:
    """Every record of a WARC, its payload read through warcio with digests checked."""
    out = []
    for rec in ArchiveIterator(io.BytesIO(data), check_digests=True):
        payload = rec.raw_stream.read()  # as stored: content-encoded bytes stay encoded
        http = rec.http_headers
        out.append(
            Record(
                type=rec.rec_type,
                headers=dict(rec.rec_headers.headers),
                http_status=(
                    http.get_statuscode()
                    if http is not None and rec.rec_type in ("response", "revisit")
                    else None
                ),
                http_headers=list(http.headers) if http is not None else [],
                payload=payload,
                digest_passed=rec.digest_checker.passed,
            )
        )
    return out


def warcio_check(path: Path) -> tuple[int, str]:
    """``warcio check -v PATH``: its exit value and what it printed."""
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        code = Checker(argparse.Namespace(inputs=[str(path)], verbose=True)).process_all()
    return code, said.getvalue()


def warcio_index(path: Path, fields: str = "warc-type,warc-target-uri,http:status") -> list[Any]:
    """``warcio index -f FIELDS PATH``: one JSON object per record."""
    out = io.StringIO()
    indexer = Indexer(fields, [str(path)], "-")
    with open(path, "rb") as fh:
        indexer.process_one(fh, out, str(path))
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def wacz_validate(path: Path) -> tuple[int, str]:
    """``wacz validate -f PATH``: its exit value and what it printed."""
    from wacz.main import main

    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        code = main(["validate", "-f", str(path)])
    return code, said.getvalue()
