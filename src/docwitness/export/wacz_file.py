"""``docwitness export wacz``: the export's WARC packaged as WACZ 1.1 by the ``wacz`` package.

The WACZ holds the WARC (:mod:`docwitness.export.warc_file`) under ``archive/``,
the CDXJ index the ``wacz`` package builds from it under ``indexes/``,
``pages/pages.jsonl`` with one page per witness (its latest capture's URI, time
and title), and ``datapackage.json`` with each file's sha256 and the
document's title. A local copy's page is its ``urn:docwitness:`` URI, which the
index holds but a web replay tool cannot open: it was never on the web as
captured here.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from docwitness.errors import DocwitnessError
from docwitness.export import need
from docwitness.export.warc_file import Page, build
from docwitness.specs import DocumentSpec

if TYPE_CHECKING:
    from docwitness.store import Store


class WaczError(DocwitnessError):
    """The ``wacz`` package could not make or validate a WACZ."""


def pages_jsonl(pages: list[Page]) -> str:
    """The WACZ page list: the latest capture of each witness, by its URI."""
    latest: dict[tuple[str, str], Page] = {}
    for page in pages:
        latest[(page.document, page.witness)] = page  # pages come oldest first
    lines = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Witnesses"})]
    for page in latest.values():
        lines.append(
            json.dumps(
                {"url": page.uri, "ts": page.date, "title": page.title},
                ensure_ascii=False,
            )
        )
    return "\n".join(lines) + "\n"


def write(store: Store, documents: list[DocumentSpec], out: Path, name: str) -> int:
    """Write the WACZ of ``documents`` to ``out`` (a path the caller renames to ``name``);
    return the number of pages it lists."""
    need("wacz")
    from wacz.main import main as wacz_main

    stem = name.split(".")[0] or "docwitness"
    with tempfile.TemporaryDirectory(prefix="docwitness-wacz-") as tmp:
        warc = Path(tmp) / f"{stem}.warc.gz"
        data, pages = build(store, documents, warc.name)
        warc.write_bytes(data)
        listed = Path(tmp) / "pages.jsonl"
        listed.write_text(pages_jsonl(pages), encoding="utf-8")
        title = "; ".join(d.title for d in documents)
        desc = "docwitness captures of " + ", ".join(d.id for d in documents)
        said = io.StringIO()
        with contextlib.redirect_stdout(said):
            code = wacz_main(
                [
                    "create",
                    str(warc),
                    "-o",
                    str(out),
                    "-p",
                    str(listed),
                    "--copy-pages",
                    "--hash-type",
                    "sha256",
                    "--title",
                    title,
                    "--desc",
                    desc,
                ]
            )
        if code:
            last = said.getvalue().strip().splitlines()[-1:] or ["no reason given"]
            raise WaczError(f"wacz could not package the WARC: {last[0]}")
    return len(pages_jsonl(pages).splitlines()) - 1


def validate(path: Path) -> tuple[bool, str]:
    """Whether the ``wacz`` package's validator passes ``path``, and what it said."""
    need("wacz")
    from wacz.main import main as wacz_main

    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        code = wacz_main(["validate", "-f", str(path)])
    return code == 0, said.getvalue()
